"""rules/_loops.py: how many times a loop runs, for the rules whose cost piles up per iteration."""

from __future__ import annotations

import pytest

from leakscope.core.model import Impact
from leakscope.core.rules._loops import loop_impact, loops_around, loops_impact
from leakscope.core.syntax import captures, parse

HEADER = """package p

const retries = 3
const twice = retries * 2
const many = 1000

var table = []string{"a", "b", "c"}

const (
	kindA = iota
	numKinds
)

const (
	first = iota + 1
	second
	third
)
var grown = []string{"a"}

func init() { grown = append(grown, "b") }

"""


LIST2 = "the loop ranges over a literal list of 2 items"
LIST3 = "the loop ranges over a literal list of 3 items"


def _loop(body: str, params: str = "n int, xs []int, ch chan int"):
    """The first `for` statement of `func f(params) { body }`, and the file's root."""
    tree = parse(f"{HEADER}func f({params}) {{\n{body}\n}}\n".encode())
    loops = captures("(for_statement) @l", tree.root_node)["l"]
    first = min(loops, key=lambda n: n.start_byte)
    return first, tree.root_node


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('for _, s := range []string{"a", "b"} {}', LIST2),
        ('for _, r := range "abc" {}', LIST3),
        ("for _, s := range table {}", LIST3),
        ("local := []int{1, 2}\nfor _, v := range local {}", LIST2),
        # (Only the name itself assigned counts: not a field, a comment or a string.)
        ("local := []int{1, 2}\ns.local = nil // local = nil\nfor _, v := range local {}", LIST2),
        ("for i := 0; i < 3; i++ {}", "the loop runs 3 times"),
        ("for i := 1; i <= 3; i++ {}", "the loop runs 3 times"),
        ("for i := 3; i > 0; i-- {}", "the loop runs 3 times"),
        ("for i := 0; i < retries; i++ {}", "the loop runs 3 times"),
        ("for i := 0; i < twice; i++ {}", "the loop runs 6 times"),
        ("for i := 0; i < 2*len(table); i++ {}", "the loop runs 6 times"),
        ("for i := 0; i < n && i < 5; i++ {}", "the loop runs 5 times"),
        ("for i := range 4 {}", "the loop runs 4 times"),
        ("for i := range retries {}", "the loop runs 3 times"),
        ("for i := 0; i < 1; i++ {}", "the loop runs once"),
        ("for k := 0; k < numKinds; k++ {}", "the loop runs once"),
        ("for k := 0; k < third; k++ {}", "the loop runs 3 times"),
        ('for _, s := range []string{"a"} {}', "the loop ranges over a literal list of 1 item"),
    ],
)
def test_bounded(body: str, reason: str) -> None:
    loop, root = _loop(body)
    assert loop_impact(loop, root) == (Impact.BOUNDED, reason)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("for {}", "the loop runs until something breaks out of it"),
        ("for n > 0 {}", "the loop runs until its condition fails"),
        ("for i := 0; ; i++ {}", "the loop runs until something breaks out of it"),
        ("for i := 0; i < n; i++ {}", "the loop runs while `i < n`"),
        ("for i := 0; i < many; i++ {}", "the loop runs while `i < many`"),
        ("for i := 0; i < 3; i++ { i = n }", "the loop runs while `i < 3`"),
        ("for _, x := range xs {}", "the loop ranges over `xs`"),
        ("for v := range ch {}", "the loop ranges over `ch`"),
        ("for i := range n {}", "the loop ranges over `n`"),
        ("for _, s := range grown {}", "the loop ranges over `grown`"),
        ("l := []int{1, 2}\nn, l[0] = 3, 4\nfor _, v := range l {}", "the loop ranges over `l`"),
        ("l := []int{1, 2}\nfor _, v := range l { l = nil }", "the loop ranges over `l`"),
    ],
)
def test_grows(body: str, reason: str) -> None:
    loop, root = _loop(body)
    assert loop_impact(loop, root) == (Impact.GROWS, reason)


def test_a_literal_filled_later_is_not_a_fixed_table() -> None:
    """`m := map[K]V{}` then `m[k] = v` in a loop over data: ranging over m is not bounded."""
    body = "m := map[string]int{}\nfor _, x := range xs { m[string(rune(x))] = x }\nfor range m {}"
    tree = parse(f"{HEADER}func f(xs []int) {{\n{body}\n}}\n".encode())
    loops = sorted(captures("(for_statement) @l", tree.root_node)["l"], key=lambda n: n.start_byte)
    assert loop_impact(loops[1], tree.root_node) == (Impact.GROWS, "the loop ranges over `m`")


def test_nested_loops_grow_when_any_grows() -> None:
    tree = parse(
        (
            HEADER
            + "func f(xs []int) {\n"
            + "\tfor _, x := range xs {\n\t\tfor i := 0; i < 3; i++ {\n\t\t\tprintln(x, i)\n"
            + "\t\t}\n\t}\n\tfor i := 0; i < 2; i++ {\n\t\tfor j := 0; j < 3; j++ {\n"
            + "\t\t\tprintln(i, j)\n\t\t}\n\t}\n}\n"
        ).encode()
    )
    calls = captures("(call_expression) @c", tree.root_node)["c"]
    prints = [c for c in calls if (c.text or b"").startswith(b"println")]
    first, second = sorted(prints, key=lambda c: c.start_byte)
    loops = loops_around(first)
    assert len(loops) == 2
    assert loops_impact(loops, tree.root_node) == (Impact.GROWS, "the loop ranges over `xs`")
    assert loops_impact(loops_around(second), tree.root_node) == (
        Impact.BOUNDED,
        "the loop runs 3 times",
    )


def test_loops_around_stops_at_the_function() -> None:
    tree = parse(
        (
            "package p\n\nfunc f(xs []int) {\n\tfor range xs {\n"
            + "\t\tgo func() {\n\t\t\tprintln()\n\t\t}()\n\t}\n}\n"
        ).encode()
    )
    call = next(
        c for c in captures("(call_expression) @c", tree.root_node)["c"] if c.text == b"println()"
    )
    assert loops_around(call) == []
    assert loops_impact([], tree.root_node) == (Impact.GROWS, "")
