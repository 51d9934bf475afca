from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tree_sitter import Node

from leakscope.core import analysis
from leakscope.core.config import Config
from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.engine import scan
from leakscope.core.index import PackageIndex, summarize_file
from leakscope.core.model import Fix, FixAvailability, Rule, Severity, TextEdit
from leakscope.core.syntax import parse


def crashing(ctx: FileContext) -> Iterator[Diagnostic]:
    raise RecursionError("maximum recursion depth exceeded")
    yield  # pragma: no cover


def test_a_crashing_rule_is_reported_and_the_others_still_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = Rule("crashes", "s", "d", Severity.WARNING, FixAvailability.NEVER, crashing)
    monkeypatch.setitem(analysis.RULES_BY_NAME, "crashes", rule)
    (tmp_path / "go.mod").write_text("module x\n\ngo 1.22\n")
    (tmp_path / "a.go").write_text(
        'package a\n\nimport "os"\n\nfunc f(ps []string) {\n\tfor _, p := range ps {\n'
        "\t\tf, _ := os.Open(p)\n\t\tdefer f.Close()\n\t}\n}\n"
    )
    result = scan(tmp_path, Config(), rules=("crashes", "defer-in-loop"), use_cache=False)
    [file] = result.files
    assert file.internal_errors == [
        "rule crashes failed: RecursionError: maximum recursion depth exceeded"
    ]
    assert [f.rule for f in file.findings] == ["defer-in-loop"]


def _nodes(node: Node) -> list[tuple[str, int, int, tuple[int, int], tuple[int, int]]]:
    out = [(node.type, node.start_byte, node.end_byte, node.start_point, node.end_point)]
    for child in node.children:
        out.extend(_nodes(child))
    return out


_SOURCE = (
    'package a\n\nimport "os"\n\nvar names = []string{"é", "b"}\n\n'
    "func f(ps []string) error {\n\tfor _, p := range ps {\n\t\tf, err := os.Open(p)\n"
    "\t\tif err != nil {\n\t\t\treturn err\n\t\t}\n\t\tdefer f.Close()\n\t}\n\treturn nil\n}\n\n"
    'var late = "ü"\n'
).encode()


@pytest.mark.parametrize(
    "edits",
    [
        # A multi-line wrap of a loop body (insertions before and after, a replacement inside).
        (
            TextEdit(
                _SOURCE.index(b"\t\tf, err"),
                _SOURCE.index(b"\t\tf, err"),
                "\t\tif e := func() error {\n",
            ),
            TextEdit(
                _SOURCE.index(b"return err"), _SOURCE.index(b"return err") + 10, "return errø"
            ),
            TextEdit(
                _SOURCE.index(b"\t}\n\treturn nil"),
                _SOURCE.index(b"\t}\n\treturn nil"),
                "\t\treturn nil\n\t\t}(); e != nil {\n\t\t\treturn e\n\t\t}\n",
            ),
        ),
        # An import added at the top and two insertions at the same place.
        (
            TextEdit(
                _SOURCE.index(b'"os"'), _SOURCE.index(b'"os"') + 4, '(\n\t"os"\n\t"strings"\n)'
            ),
            TextEdit(_SOURCE.index(b"var late"), _SOURCE.index(b"var late"), "// x\n"),
            TextEdit(_SOURCE.index(b"var late"), _SOURCE.index(b"var late"), "var z = 1\n"),
        ),
    ],
)
def test_an_edited_tree_reparses_to_the_tree_of_a_fresh_parse(edits: tuple[TextEdit, ...]) -> None:
    tree = parse(_SOURCE)
    before = _nodes(tree.root_node)
    new_source = analysis.apply_edits(_SOURCE, edits)
    incremental = analysis.reparse(_SOURCE, tree, new_source, edits)
    assert _nodes(incremental.root_node) == _nodes(parse(new_source).root_node)
    assert not incremental.root_node.has_error
    assert _nodes(tree.root_node) == before  # the original tree is left as it was

    ctx = FileContext("a.go", _SOURCE, tree, (1, 22), PackageIndex([summarize_file("a.go", tree)]))
    assert analysis.summary_after(ctx, incremental, edits) == summarize_file("a.go", incremental)


_TODO = b"package a\n\nfunc a() {\n\ttodo()\n}\n\nfunc b() {\n\ttodo()\n}\n"


def _todo_rule(replacement: str, seen: list[object]) -> Rule:
    """Reports every `todo()` call; its fix replaces the call with `replacement`."""

    def check(ctx: FileContext) -> Iterator[Diagnostic]:
        seen.append(ctx.focus)
        for ident in ctx.tokens(b"todo"):
            call = ident.parent
            if ident.type == "identifier" and call is not None and call.type == "call_expression":
                edit = TextEdit(call.start_byte, call.end_byte, replacement)
                yield Diagnostic.at(call, "todo", fix=Fix("fix", (edit,)))

    return Rule("todo", "s", "d", Severity.WARNING, FixAvailability.ALWAYS, check)


@pytest.mark.parametrize(
    ("replacement", "reason"),
    [
        ("done()", None),
        ("todo() // again", "no automatic fix: the rewritten code would still be reported"),
    ],
)
def test_a_fix_is_checked_by_rerunning_the_rule_on_the_fixed_declaration_only(
    replacement: str, reason: str | None
) -> None:
    seen: list[object] = []
    rule = _todo_rule(replacement, seen)
    tree = parse(_TODO)
    pf = analysis.ParsedFile("a.go", _TODO, tree, summarize_file("a.go", tree), 0)
    result = analysis.analyse_file(pf, PackageIndex([pf.summary]), (1, 22), [rule])
    assert [f.no_fix_reason for f in result.findings] == [reason, reason]
    assert [f.fix is not None for f in result.findings] == [reason is None] * 2
    # The rule ran on the whole file, then on each fixed function alone.
    functions = [n for n in tree.root_node.named_children if n.type == "function_declaration"]
    a, b = functions
    shift = len(replacement) - len("todo()")
    assert seen == [
        None,
        ((a.start_byte, a.end_byte + shift),),
        ((b.start_byte, b.end_byte + shift),),  # (each fix is checked alone)
    ]


_SCRIPT = """{header}package main

import (
	"os"
	"strings"
)

var names []string

func main() {{
	data, err := os.ReadFile("list.txt")
	if err != nil {{
		panic(err)
	}}
	for _, line := range strings.Split(string(data), "\\n") {{
		if strings.HasPrefix(line, "name ") {{
			names = append(names, line[5:])
		}}
	}}
}}
"""


@pytest.mark.parametrize(
    ("header", "severity"),
    [
        ("//go:build ignore\n\n", Severity.INFO),
        ("// +build ignore\n\n", Severity.INFO),
        ("//go:build linux\n\n", Severity.WARNING),
        (
            "// A tool.\n// It keeps names. //go:build ignore is not a constraint here.\n",
            Severity.WARNING,
        ),
    ],
)
def test_a_program_excluded_from_every_build_is_minor(
    tmp_path: Path, header: str, severity: Severity
) -> None:
    (tmp_path / "go.mod").write_text("module example.com/gen\n\ngo 1.21\n")
    (tmp_path / "gen.go").write_text(_SCRIPT.format(header=header))
    found = scan(tmp_path, Config(), rules=("substring-retention",), use_cache=False, workers=1)
    (finding,) = found.findings
    assert finding.severity is severity
    if severity is Severity.INFO:
        assert finding.impact_reason == analysis.SCRIPT
