"""The byte-search helpers rules use to find candidates agree with whole-tree queries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tree_sitter import Node

from leakscope.core import analysis
from leakscope.core.analysis import FileStatus
from leakscope.core.config import Config
from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.engine import scan
from leakscope.core.index import PackageIndex
from leakscope.core.model import FixAvailability, Rule, Severity
from leakscope.core.syntax import (
    captures,
    error_count,
    mask_generic_methods,
    masked_type_parameters,
    parse,
    selector_calls,
    tokens,
    top_level_ranges,
)

SOURCE = b"""package p

import (
	"runtime"
	"time"
)

// defer in a comment; time.After(d) and go func in a comment too.
var s = "defer go time.After x.Tick"

type deferred struct{ After, Tick int }

func f(xs []*int, c chan int, d deferred) []*int {
	deferred := d.After + d.Tick // fields read, not called
	_ = deferred
	for range xs {
		defer close(c)
		defer func() { go func() { c <- 1 }() }()
	}
	goto end
end:
	go func() {}()
	go f(xs, c, d)
	t := time.NewTicker(time.Second)
	_ = time.Tick(time.Second)
	_ = (time.Tick)(time.Second)
	_ = t.C
	select {
	case <-time.After(time.Second):
	case v := <-time.After(2 * time.Second):
		_ = v
	}
	runtime.SetFinalizer(&d, nil)
	return xs[1:]
}
"""


def _spans(nodes: list[Node]) -> list[tuple[int, int, str]]:
    return sorted((n.start_byte, n.end_byte, n.type) for n in nodes)


def test_tokens_finds_the_nodes_a_query_finds_and_nothing_in_comments_or_strings() -> None:
    root = parse(SOURCE).root_node
    defers = [n.parent for n in tokens(root, SOURCE, b"defer") if n.type == "defer"]
    assert _spans(defers) == _spans(captures("(defer_statement) @d", root)["d"])
    assert len(defers) == 2
    found = tokens(root, SOURCE, b"go")
    assert [n.type for n in found] == ["go"] * 3  # not `goto`, the comment or the string
    assert _spans([n.parent for n in found]) == _spans(captures("(go_statement) @g", root)["g"])
    found = tokens(root, SOURCE, b"deferred")  # whole words only, never `defer` in them
    assert [n.type for n in found] == ["type_identifier"] * 2 + ["identifier"] * 2
    starts = [n.start_byte for n in tokens(root, SOURCE, b"After")]
    assert starts == sorted(starts) and len(starts) == 4  # the field, d.After, two calls


def test_selector_calls_match_the_query_they_replace() -> None:
    root = parse(SOURCE).root_node
    query = (
        "(call_expression function: (selector_expression operand: (identifier)"
        ' field: (field_identifier) @f) (#any-of? @f "NewTicker" "Tick" "After")) @call'
    )
    calls = selector_calls(root, SOURCE, (b"NewTicker", b"Tick", b"After"))
    assert _spans(calls) == _spans(captures(query, root)["call"])
    assert [c.start_byte for c in calls] == sorted(c.start_byte for c in calls)
    assert len(calls) == 4  # `(time.Tick)(...)` and the fields `d.After`, `d.Tick` are not
    [finalizer] = selector_calls(root, SOURCE, (b"SetFinalizer",))
    assert finalizer.text == b"runtime.SetFinalizer(&d, nil)"


def _never_called(ctx: FileContext) -> Iterator[Diagnostic]:
    raise AssertionError(f"ran on {ctx.path}")
    yield  # pragma: no cover


def _reports_package(ctx: FileContext) -> Iterator[Diagnostic]:
    yield Diagnostic(0, 7, "found")


@pytest.mark.parametrize(
    ("triggers", "check", "expected"),
    [
        ((b"SetTicker", b"NeverThere"), _never_called, []),
        ((b"NeverThere", b"SetFinalizer"), _reports_package, ["found"]),
        ((), _reports_package, ["found"]),
    ],
)
def test_a_rule_runs_only_on_files_holding_one_of_its_triggers(
    triggers: tuple[bytes, ...], check: object, expected: list[str]
) -> None:
    rule = Rule("r", "s", "d", Severity.WARNING, FixAvailability.NEVER, check, triggers=triggers)  # type: ignore[arg-type]
    tree = parse(SOURCE)
    pf = analysis.ParsedFile("p.go", SOURCE, tree, analysis.summarize_file("p.go", tree), 0)
    result = analysis.analyse_file(pf, PackageIndex([pf.summary]), (1, 22), [rule])
    assert [f.message for f in result.findings] == expected
    assert result.internal_errors == []  # (a rule that raises is recorded here)


def test_top_level_ranges_and_tokens_within_them() -> None:
    tree = parse(SOURCE)
    root = tree.root_node
    func = next(n for n in root.named_children if n.type == "function_declaration")
    inside = SOURCE.index(b"defer close")
    assert top_level_ranges(root, [(inside, inside + 5)]) == ((func.start_byte, func.end_byte),)
    between = SOURCE.index(b"\n\nfunc f")
    assert top_level_ranges(root, [(inside, inside), (between, between + 2)]) is None
    assert top_level_ranges(root, [(0, len(SOURCE))]) is None  # spans every declaration
    only_func = ((func.start_byte, func.end_byte),)
    assert [n.start_byte for n in tokens(root, SOURCE, b"After", only_func)] == [
        n.start_byte for n in tokens(root, SOURCE, b"After") if n.start_byte > func.start_byte
    ]
    assert len(selector_calls(root, SOURCE, (b"After",), ((0, func.start_byte),))) == 0


GENERIC_METHODS = """package p

type Store[T any] struct{ n int }

// func (s *Store[T]) Commented[X any]() in a comment is left alone.
func (s *Store[T]) Load[D any, K comparable](m map[K]D) D {
	var zero D
	return zero
}

func (s *Store[T]) Multi[
	V interface{ ~int | ~string },
](v V) {}

func After() string { return "ünïcode" }
""".encode()


def test_generic_methods_parse_with_exact_offsets() -> None:
    """Go 1.27 generic methods: no error, every later declaration seen, offsets unchanged."""
    masked = mask_generic_methods(GENERIC_METHODS)
    assert len(masked) == len(GENERIC_METHODS)
    assert masked.count(b"\n") == GENERIC_METHODS.count(b"\n")
    assert b"Commented[X any]" in masked  # comments are not declarations
    tree = parse(GENERIC_METHODS)
    assert error_count(tree) == 0
    decls = [n for n in tree.root_node.named_children if n.type.endswith("declaration")]
    assert [n.type for n in decls] == [
        "type_declaration",
        "method_declaration",
        "method_declaration",
        "function_declaration",
    ]
    load, multi, after = decls[1], decls[2], decls[3]
    assert GENERIC_METHODS[after.start_byte : after.end_byte].startswith(b"func After()")
    assert masked_type_parameters(load, GENERIC_METHODS) == ["D", "K"]
    assert masked_type_parameters(multi, GENERIC_METHODS) == ["V"]
    assert masked_type_parameters(after, GENERIC_METHODS) == []
    # Incremental parsing keeps working on masked sources.
    edited = GENERIC_METHODS.replace(b"var zero D", b"var none D")
    assert error_count(parse(edited, tree)) == 0


def test_a_file_with_generic_methods_is_not_partially_parsed(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module m\n\ngo 1.27\n")
    (tmp_path / "p.go").write_bytes(GENERIC_METHODS)
    result = scan(tmp_path, Config(), use_cache=False)
    assert [r.status for r in result.files] == [FileStatus.OK]
