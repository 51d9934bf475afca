"""## What it does
Finds `time.After(d)` used as a case of a `select` inside a loop, in modules whose `go.mod`
says a Go version below 1.23, when the loop can go round again while that timer is still
pending: another case (or a `default:`) wins and the loop continues.

The import name of `"time"` is honoured. The rule stays silent when every other case leaves
the loop (`return`, a `break` or `goto` out of the loop, `panic`, `os.Exit`, `t.Fatal`): then
the timer either fires, which ends its life, or the loop is over and at most one timer is left
to expire. A `select` with no other case is a sleep and is not reported either. A `select`
inside a function literal in the loop belongs to that function, not to the loop.

Confidence says how many timers can pile up: high when the loop runs until something happens
(`for {}`, `for cond {}`), which is the shape of long-lived event loops; medium for loops that
run a number of times (`for i := 0; i < n; i++`, `for ... range`), where the pile is bounded
by the iteration count. In `_test.go` files the finding has low confidence and info severity:
test loops are short and their timers expire soon after the test.

## Why is this bad?
Each `time.After` call starts a new timer. Before Go 1.23 a timer is not garbage collected
until it fires, so a loop that receives a message every millisecond while waiting for a
`time.After(time.Minute)` keeps sixty thousand live timers (and their channels) at any time.
From Go 1.23 (when the main module's `go.mod` says `go 1.23` or later) an unreferenced timer is
collected at once, so the rule does not run there.

## Example
```go
for {
    select {
    case msg := <-messages:
        handle(msg)
    case <-time.After(idleTimeout):
        return errIdle
    }
}
```

## Use instead
One timer, created before the loop and reset before each `select`:
```go
timer := time.NewTimer(idleTimeout)
defer timer.Stop()
for {
    if !timer.Stop() {
        select {
        case <-timer.C:
        default:
        }
    }
    timer.Reset(idleTimeout)
    select {
    case msg := <-messages:
        handle(msg)
    case <-timer.C:
        return errIdle
    }
}
```
The `Stop`-then-drain step is what `Reset` needs before Go 1.23: a timer that already fired
may hold a stale value in its channel, and the non-blocking receive removes it without
blocking when the value was already taken by the `select`. From Go 1.23 `timer.Reset(d)`
alone is enough; the longer form stays correct there.

## Fix safety
The fix is unsafe, always: it changes when the duration expression is evaluated (just before
the `select` rather than while the `select` evaluates its cases) and shares one timer between
iterations. The duration expression is passed to `Reset` unchanged each time, so durations
that depend on loop variables keep working; the timer is created before the outermost loop of
the function with that duration when it is a simple expression that the loop does not change,
and with `0` otherwise (the first `Reset` drains it). The variable is called `timer`, or
`timer2` and so on when that name is used in the function (its function literals included),
declared at package level or imported, or given by another fix of the same file: two loops
of one function get `timer` and `timer2`, so their fixes apply together.

There is no fix for a labelled `select` (the `Reset` would have to go between the label and
the `select`), a `select` or loop that is not a statement of a block, or a `time.After` call
without exactly one argument.

## References
- [time.After](https://pkg.go.dev/time#After) (the note on Go versions before 1.23)
- [time.Timer.Reset](https://pkg.go.dev/time#Timer.Reset)
- [Go 1.23 release notes: timer changes](https://go.dev/doc/go1.23#timer-changes)
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from leakscope.core import flow
from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.model import (
    Applicability,
    Confidence,
    Fix,
    FixAvailability,
    Rule,
    Severity,
    TextEdit,
)
from leakscope.core.rules.ticker_not_stopped import time_aliases
from leakscope.core.syntax import captures, enclosing_function, line_indent, text

# Expressions that can be evaluated once before the loop with the same result, when the
# identifiers in them are not changed by the loop.
_SIMPLE = frozenset(
    {
        "identifier",
        "selector_expression",
        "field_identifier",
        "package_identifier",
        "int_literal",
        "float_literal",
        "binary_expression",
        "unary_expression",
        "parenthesized_expression",
    }
)


def check(ctx: FileContext) -> Iterator[Diagnostic]:
    aliases = time_aliases(ctx)
    if not aliases:
        return
    for call in ctx.selector_calls(b"After"):
        if not _received_in_case(call):
            continue
        function = call.child_by_field_name("function")
        if function is None or text(function.child_by_field_name("operand")) not in aliases:
            continue
        case = _case_of(call)
        select = case.parent if case is not None else None
        if case is None or select is None or select.type != "select_statement":
            continue
        func = enclosing_function(select)
        if func is None:
            continue
        loops = flow.enclosing_loops(select, func)
        if not loops:
            continue  # one select, one timer: it fires or is dropped once
        others = [
            c
            for c in select.named_children
            if c.type in ("communication_case", "default_case") and c != case
        ]
        staying = [c for c in others if not _leaves_loop(c, loops, func)]
        if not staying:
            continue  # the timer fires, or the loop ends: no timers pile up
        has_default = any(c.type == "default_case" for c in staying)
        if has_default:
            message = (
                "time.After in a select with a default case inside a loop: every iteration "
                "starts a timer that is dropped at once but, before Go 1.23, lives until it fires"
            )
        else:
            message = (
                "time.After in a loop's select: each iteration where another case wins leaves "
                "a timer that, before Go 1.23, lives until it fires"
            )
        fix, reason = _fix(ctx, call, select, loops, func)
        if ctx.is_test:
            confidence, severity = Confidence.LOW, Severity.INFO
        elif any(_unbounded(loop) for loop in loops):
            confidence, severity = Confidence.HIGH, None
        else:
            confidence, severity = Confidence.MEDIUM, None
        yield Diagnostic.at(
            call,
            message,
            confidence=confidence,
            severity=severity,
            fix=fix,
            no_fix_reason=reason,
            related=[
                (
                    c.start_byte,
                    c.start_byte + _case_header_length(c),
                    "this case continues the loop",
                )
                for c in staying[:2]
            ],
        )


def _unbounded(loop: Node) -> bool:
    """`for {}` and `for cond {}`: loops that run until something happens, not N times."""
    for child in loop.named_children:
        if child.type == "range_clause":
            return False
        if child.type == "for_clause":
            return child.child_by_field_name("condition") is None
    return True


def _received_in_case(call: Node) -> bool:
    """`case <-x.After(d):` (also `case v := <-x.After(d):`): the call is received from as a
    select case's communication."""
    unary = call.parent
    receive = unary.parent if unary is not None else None
    case = receive.parent if receive is not None else None
    return (
        unary is not None
        and unary.type == "unary_expression"
        and unary.child_by_field_name("operand") == call
        and receive is not None
        and receive.type == "receive_statement"
        and receive.child_by_field_name("right") == unary
        and case is not None
        and case.type == "communication_case"
        and case.child_by_field_name("communication") == receive
    )


def _case_of(call: Node) -> Node | None:
    node = call.parent  # unary <-
    for _ in range(3):
        if node is None:
            return None
        if node.type == "communication_case":
            return node
        node = node.parent
    return None


def _case_header_length(case: Node) -> int:
    header = text(case).split("\n", 1)[0]
    return len(header.encode("utf-8"))


def _leaves_loop(case: Node, loops: list[Node], func: Node) -> bool:
    """Does this case always leave the loop (return, panic, break/goto out of it)?"""
    stmts = flow.case_body(case)
    if not stmts:
        return False
    last = stmts[-1]
    while last.type == "block":
        inner = _block_last(last)
        if inner is None:
            return False
        last = inner
    if last.type in ("break_statement", "continue_statement"):
        target = flow.branch_target(last, func)
        if target is None:
            return False
        innermost = loops[0]
        if last.type == "break_statement":
            return any(target == loop for loop in loops)
        return any(target == loop for loop in loops if loop != innermost)
    return flow.is_terminating(last, func)


def _block_last(block: Node) -> Node | None:
    for child in block.named_children:
        if child.type == "statement_list":
            stmts = [c for c in child.named_children if c.type != "comment"]
            return stmts[-1] if stmts else None
    return None


def _fix(
    ctx: FileContext, call: Node, select: Node, loops: list[Node], func: Node
) -> tuple[Fix | None, str | None]:
    args = call.child_by_field_name("arguments")
    duration_nodes = [c for c in args.named_children if c.type != "comment"] if args else []
    if len(duration_nodes) != 1:
        return None, "no automatic fix: time.After needs exactly one argument"
    duration = duration_nodes[0]
    outer = flow.statement_of(loops[-1])
    if outer.parent is None or outer.parent.type != "statement_list":
        return None, "no automatic fix: the loop is not in a statement list"
    if select.parent is None or select.parent.type != "statement_list":
        return None, "no automatic fix: the select is labelled or not in a statement list"
    function = call.child_by_field_name("function")
    assert function is not None
    qualifier = text(function.child_by_field_name("operand"))
    name = ctx.fresh_name(func, "timer")
    first = text(duration) if _invariant(duration, outer) else "0"

    loop_indent = line_indent(ctx.source, loops[-1].start_byte)  # labels are outdented
    create = (
        f"{name} := {qualifier}.NewTimer({first})\n{loop_indent}defer {name}.Stop()\n{loop_indent}"
    )
    select_indent = line_indent(ctx.source, select.start_byte)
    reset = "\n".join(reset_lines(name, text(duration), ctx.go_version))
    reset = reset.replace("\n", "\n" + select_indent) + "\n" + select_indent
    edits = (
        TextEdit(outer.start_byte, outer.start_byte, create),
        TextEdit(select.start_byte, select.start_byte, reset),
        TextEdit(call.start_byte, call.end_byte, f"{name}.C"),
    )
    title = f"Reuse one timer: {name} := {qualifier}.NewTimer before the loop, Reset each time"
    return Fix(title, edits, Applicability.UNSAFE), None


def reset_lines(name: str, duration: str, go_version: tuple[int, int]) -> list[str]:
    """Statements that re-arm timer `name` for `duration`, correct for the Go version.

    Before Go 1.23 a fired timer may hold a value in its channel that `Reset` does not
    remove; `Stop` plus a non-blocking receive clears it whether or not the value was taken.
    From 1.23 Stop and Reset discard stale values themselves.
    """
    if go_version >= (1, 23):
        return [f"{name}.Reset({duration})"]
    return [
        f"if !{name}.Stop() {{",
        "\tselect {",
        f"\tcase <-{name}.C:",
        "\tdefault:",
        "\t}",
        "}",
        f"{name}.Reset({duration})",
    ]


def _invariant(duration: Node, loop: Node) -> bool:
    """Can `duration` be evaluated before `loop` with the value its first iteration sees?"""
    names: list[Node] = []
    nodes = _descendants_small(duration)
    if nodes is None:
        return False
    for node in [duration, *nodes]:
        if node.type == "call_expression":
            return False
        if node.is_named and node.type not in _SIMPLE and node.type != "argument_list":
            return False
        if node.type == "identifier":
            names.append(node)
    if not names:
        return True
    wanted = {text(n) for n in names}
    # Declared or changed inside the loop (its header included): not the same each time.
    changed = captures(
        """
        (short_var_declaration left: (expression_list (identifier) @n))
        (var_spec name: (identifier) @n)
        (range_clause left: (expression_list (identifier) @n))
        (assignment_statement left: (expression_list (_) @n))
        (inc_statement (_) @n)
        (dec_statement (_) @n)
        """,
        loop,
    )
    for node in changed.get("n", []):
        target = text(node)
        root = target.split(".", 1)[0].split("[", 1)[0]
        if root in wanted:
            return False
    return True


def _descendants_small(node: Node, limit: int = 64) -> list[Node] | None:
    """All nodes under a small expression (a duration: a handful), None past `limit`."""
    out: list[Node] = []
    stack = list(node.children)
    while stack:
        child = stack.pop()
        out.append(child)
        if len(out) > limit:
            return None
        stack.extend(child.children)
    return out


RULE = Rule(
    name="time-after-in-loop",
    summary="time.After in a loop's select keeps a timer per iteration alive (before Go 1.23)",
    doc=__doc__ or "",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    check=check,
    max_go=(1, 23),
    triggers=(b"After",),
)
