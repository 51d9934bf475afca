"""FileContext.fresh_name: names that fixes declare are new to the code and to each other."""

from __future__ import annotations

from tree_sitter import Node

from leakscope.core.context import FileContext
from leakscope.core.index import PackageIndex, summarize_file
from leakscope.core.syntax import captures, parse

_SOURCE = b"""package p

import "time"

var zero int

func f(timer int) {
	go func() {
		i := 0
		_ = i
	}()
	time.Sleep(time.Duration(timer))
}

func g() {}
"""


def _ctx() -> FileContext:
    tree = parse(_SOURCE)
    return FileContext("p.go", _SOURCE, tree, (1, 22), PackageIndex([summarize_file("p.go", tree)]))


def _functions(ctx: FileContext) -> tuple[Node, Node, Node]:
    found = captures("(function_declaration) @f (func_literal) @lit", ctx.root)
    f, g = found["f"]
    (lit,) = found["lit"]
    return f, g, lit


def test_a_name_used_in_the_function_or_given_before_is_not_given_again() -> None:
    ctx = _ctx()
    f, g, lit = _functions(ctx)
    assert ctx.fresh_name(f, "timer") == "timer2"  # a parameter of f
    # A function literal sees f's names, and a fix there must not reuse f's fix's name.
    assert ctx.fresh_name(lit, "timer") == "timer3"
    assert ctx.fresh_name(lit, "i") == "i2"
    assert ctx.fresh_name(f, "i") == "i3"
    assert ctx.fresh_name(f, "zero") == "zero2"  # a package-level variable
    assert ctx.fresh_name(f, "time") == "time2"  # an import
    # Another function has names of its own.
    assert ctx.fresh_name(g, "timer") == "timer"
    assert ctx.fresh_name(g, "timer") == "timer2"


def test_alternatives_come_before_numbers() -> None:
    ctx = _ctx()
    _, g, _ = _functions(ctx)
    names = [ctx.fresh_name(g, "cancel", "cancelCtx", "cancelFunc") for _ in range(4)]
    assert names == ["cancel", "cancelCtx", "cancelFunc", "cancel2"]


def test_each_analysis_starts_afresh() -> None:
    first, second = _ctx(), _ctx()
    assert first.fresh_name(_functions(first)[1], "timer") == "timer"
    assert second.fresh_name(_functions(second)[1], "timer") == "timer"
