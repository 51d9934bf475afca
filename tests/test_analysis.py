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
from leakscope.core.model import FixAvailability, Rule, Severity, TextEdit
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
