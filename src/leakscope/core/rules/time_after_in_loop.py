"""## What it does
Finds `time.After(d)` used as a case of a `select` inside a loop, in builds where an
unreferenced timer is not collected before it fires (a `go` line below 1.23, or
`asynctimerchan=1`, with a toolchain before Go 1.27: see "Why is this bad?"), when the loop
can go round again while that timer is still pending: another case (or a `default:`) wins
and the loop continues.

The import name of `"time"` is honoured. The rule stays silent when every other case leaves
the loop (`return`, a `break` or `goto` out of the loop, `panic`, `os.Exit`, `t.Fatal`): then
the timer either fires, which ends its life, or the loop is over and at most one timer is left
to expire. A `select` with no other case is a sleep and is not reported either. A `select`
inside a function literal in the loop belongs to that function, not to the loop.

Nor is it reported when the other case can win at most once per call, so at most one timer
is left behind:
- the statements after the `select` leave the loop on every path: only one iteration reaches
  it (a matching ID, then `break` or `return`);
- a later `select` of the same iteration receives the same channel and leaves the loop there
  (a stop channel checked again after the wait);
- it is a signal (`case <-stop:`, the value dropped) that a `select` at the top of the loop,
  reached first by every iteration, also receives and leaves on: once the signal has come,
  the next iteration ends the loop;
- it sets the loop's flag so that the condition fails (`for !done { ... done = true }`, and
  nothing in the loop sets it back);
- its channel receives one value at most: a local channel with a single send outside any
  loop (a goroutine's result, or a function of the same file started with `go f(ch)` that
  sends on it once) that is never closed;
- it closes a channel (a second win would close it again and panic);
- it sleeps as long as the timer (`time.Sleep(d)` or `<-time.After(d)` with the same duration
  or a longer constant one): that timer has fired before the next iteration starts.

## Impact
A timer left behind costs a little memory until it fires, so what matters is how many are
alive at once. The finding is minor (`info`) when that number stays small:
- the loop runs a known small number of times (a literal list, a small constant count): at
  most one timer per iteration;
- the timer is shorter than a second (a literal or constant duration, `250 *
  time.Millisecond`): the timers left behind expire almost at once.
It is a warning when the loop runs as long as the data or the running time allow (`for {}`,
`for range ch`, a range over a parameter) and the timer lasts a second or more, or its length
is not known. The finding's impact reason says which, e.g. "the loop ranges over `jobs`, each
timer lasts 2s".

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
collected at once, so the rule does not report there.

{builds}

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
alone is enough, unless `asynctimerchan=1` or `2` keeps the old buffered channels (the fix
then writes the longer form); the longer form stays correct everywhere.

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
    Impact,
    Rule,
    Severity,
    TextEdit,
)
from leakscope.core.rules._lifetime import SECOND, duration_ns, format_duration
from leakscope.core.rules._loops import loops_around, loops_impact
from leakscope.core.rules._timers import BUILDS_DOC, TimerBuild, decided, timer_build
from leakscope.core.rules.ticker_not_stopped import time_aliases
from leakscope.core.syntax import (
    ancestor_between,
    captures,
    enclosing_function,
    line_indent,
    outermost_function,
    statements,
    text,
    unparen,
    within,
)

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
    timers = timer_build(ctx)
    if not timers.leaks:
        return  # unreferenced timers are collected in this build (see _timers)
    for diag in _check(ctx, aliases, timers):
        diag.message += decided(timers)
        yield diag


def _check(ctx: FileContext, aliases: set[str], timers: TimerBuild) -> Iterator[Diagnostic]:
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
        staying = [
            c
            for c in others
            if not _leaves_loop(c, loops, func)
            and _wins_again(ctx, c, select, call, loops, func, aliases) is not None
        ]
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
        fix, reason = _fix(ctx, call, select, loops, func, timers.async_channels)
        if ctx.is_test:
            confidence, severity = Confidence.LOW, Severity.INFO
        elif any(_unbounded(loop) for loop in loops):
            confidence, severity = Confidence.HIGH, None
        else:
            confidence, severity = Confidence.MEDIUM, None
        impact, impact_reason = _impact(ctx, call, select, aliases)
        yield Diagnostic.at(
            call,
            message,
            confidence=confidence,
            severity=severity,
            impact=impact,
            impact_reason=impact_reason,
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


# A timer shorter than this expires almost at once: those left behind do not pile up.
SHORT = SECOND


def _impact(
    ctx: FileContext, call: Node, select: Node, aliases: set[str]
) -> tuple[Impact | None, str]:
    """Bounded when the loop runs a known small number of times or the timer is short;
    grows when the loop runs as long as data or time allow and the timer is long or of
    unknown length. In test code a growing judgement is left to the engine (test code)."""
    loop_impact, loop_reason = loops_impact(loops_around(select), ctx.root)
    if loop_impact is Impact.BOUNDED:
        return Impact.BOUNDED, f"{loop_reason}: one timer per iteration at most"
    args = call.child_by_field_name("arguments")
    values = [c for c in args.named_children if c.type != "comment"] if args else []
    ns = duration_ns(values[0], ctx.root, aliases) if len(values) == 1 else None
    if ns is not None and ns < SHORT:
        return Impact.BOUNDED, (
            f"each timer lasts {format_duration(ns)}: those left behind expire almost at once"
        )
    if ctx.is_test:
        return None, ""
    length = (
        f"each timer lasts {format_duration(ns)}" if ns is not None else "timers of unknown length"
    )
    return Impact.GROWS, f"{loop_reason}, {length}" if loop_reason else length


def _wins_again(
    ctx: FileContext,
    case: Node,
    select: Node,
    call: Node,
    loops: list[Node],
    func: Node,
    aliases: set[str],
) -> str | None:
    """None when this case cannot leave a timer behind more than once per call; otherwise
    "stays" (it can win, and the loop go round, again and again).

    A case wins at most once when, after it, the loop is left on every path (the select is
    followed by a return or break out of the loop: an iteration only one item reaches), when
    a later select of the same iteration receives the same channel and leaves the loop, when
    its channel receives one value at most (one send, no close), or when it closes a channel
    (a second close would panic). A case that sleeps as long as the timer lets that timer
    fire before the next iteration: nothing is left behind either.
    """
    if _sleeps_as_long(case, call, ctx.root, aliases):
        return None
    if _closes_channel(case, loops[-1]):
        return None
    if _ends_condition(case, loops[0]):
        return None
    channel = _received_channel(case)
    if (
        channel is not None
        and channel.type == "identifier"
        and _one_value(channel, loops, func, ctx.root)
    ):
        return None
    if _own_continue(case, loops, func):
        return "stays"
    if _rest_leaves_loop(select, loops, func, channel):
        return None
    if _signal_left_at_the_top(case, select, loops, func):
        return None
    return "stays"


def _signal_left_at_the_top(case: Node, select: Node, loops: list[Node], func: Node) -> bool:
    """`case <-stop:` (the value dropped: a signal, in practice a close) when a select that
    every iteration reaches first, before this one, also receives `stop` and leaves the loop:
    once the signal has come, the next iteration leaves, so this case leaves one timer at
    most. `for { select { case <-notify: case <-stop: return }; ...; select { case
    <-time.After(d): case <-stop: } }`."""
    channel = _received_channel(case)
    if channel is None or not _drops_value(case):
        return False
    body = loops[0].child_by_field_name("body")
    stmts = statements(body) if body is not None else []
    top = next((s for s in stmts if within(select, s)), None)
    if top is None:
        return False
    for stmt in stmts:
        if stmt == top:
            return False
        if captures("(continue_statement) @c", stmt).get("c"):
            return False  # an earlier path may skip the select below
        if _leaves_on(stmt, channel, loops, func, signals_only=True):
            return True
    return False


def _leaves_on(
    stmt: Node, channel: Node, loops: list[Node], func: Node, *, signals_only: bool = False
) -> bool:
    """`stmt` is a select with a case that receives `channel` (only as a signal, `case
    <-ch:`, with `signals_only`) and leaves the loop."""
    if stmt.type != "select_statement":
        return False
    wanted = "".join(text(channel).split())
    for case in stmt.named_children:
        again = _received_channel(case)
        if (
            again is not None
            and (not signals_only or _drops_value(case))
            and "".join(text(again).split()) == wanted
            and _leaves_loop(case, loops, func)
        ):
            return True
    return False


def _drops_value(case: Node) -> bool:
    """`case <-ch:`, not `case v := <-ch:` / `case v = <-ch:`."""
    comm = case.child_by_field_name("communication")
    return comm is not None and comm.child_by_field_name("left") is None


def _received_channel(case: Node) -> Node | None:
    """The channel expression of `case <-ch:` / `case v := <-ch:`."""
    if case.type != "communication_case":
        return None
    comm = case.child_by_field_name("communication")
    if comm is None:
        return None
    receive: Node | None = comm
    if comm.type == "receive_statement":
        receive = comm.child_by_field_name("right")
    elif comm.type == "expression_statement" and comm.named_child_count:
        receive = comm.named_children[0]
    if receive is None or receive.type != "unary_expression":
        return None
    if text(receive.child_by_field_name("operator")) != "<-":
        return None
    return receive.child_by_field_name("operand")


def _sleeps_as_long(case: Node, call: Node, root: Node, aliases: set[str]) -> bool:
    """The case blocks, on every path, at least as long as the timer: `time.Sleep(d)` or
    `<-time.After(d)` with the same duration or a longer constant one."""
    args = call.child_by_field_name("arguments")
    timer = [c for c in args.named_children if c.type != "comment"] if args else []
    if len(timer) != 1:
        return False
    timer_ns = duration_ns(timer[0], root, aliases)
    for stmt in flow.case_body(case):
        if stmt.type != "expression_statement" or not stmt.named_children:
            continue
        expr = stmt.named_children[0]
        if expr.type == "unary_expression" and text(expr.child_by_field_name("operator")) == "<-":
            expr = expr.child_by_field_name("operand")
            wanted = "After"
        else:
            wanted = "Sleep"
        if expr is None or expr.type != "call_expression":
            continue
        function = expr.child_by_field_name("function")
        if (
            function is None
            or function.type != "selector_expression"
            or text(function.child_by_field_name("operand")) not in aliases
            or text(function.child_by_field_name("field")) != wanted
        ):
            continue
        sleep_args = expr.child_by_field_name("arguments")
        sleep = [c for c in sleep_args.named_children if c.type != "comment"] if sleep_args else []
        if len(sleep) != 1:
            continue
        if "".join(text(sleep[0]).split()) == "".join(text(timer[0]).split()):
            return True
        sleep_ns = duration_ns(sleep[0], root, aliases)
        if sleep_ns is not None and timer_ns is not None and sleep_ns >= timer_ns:
            return True
    return False


def _ends_condition(case: Node, loop: Node) -> bool:
    """`for !done { ... case ...: done = true }`: the case sets the loop's flag so that the
    condition fails before the next iteration (and nothing in the loop sets it back)."""
    cond: Node | None = None
    for i, child in enumerate(loop.named_children):
        field = loop.field_name_for_named_child(i)
        if child.type == "for_clause":
            cond = child.child_by_field_name("condition")
        elif child.type not in ("range_clause", "comment") and field != "body":
            cond = child
    if cond is None:
        return False
    cond = unparen(cond)
    if cond.type == "identifier":
        flag, ending = text(cond), "false"
    elif (
        cond.type == "unary_expression"
        and text(cond.child_by_field_name("operator")) == "!"
        and unparen(cond.child_by_field_name("operand") or cond).type == "identifier"
    ):
        flag, ending = text(unparen(cond.child_by_field_name("operand") or cond)), "true"
    else:
        return False
    sets = False
    for stmt in flow.case_body(case):
        if _assigns(stmt, flag) == ending:
            sets = True
    if not sets:
        return False
    body = loop.child_by_field_name("body")
    for assignment in captures("(assignment_statement) @a", body).get("a", []) if body else []:
        value = _assigns(assignment, flag)
        if value is not None and value != ending:
            return False  # set back somewhere in the loop
    return True


def _assigns(stmt: Node, name: str) -> str | None:
    """The text of the value `stmt` assigns to `name` (`name = v`), else None."""
    if stmt.type != "assignment_statement" or text(stmt.child_by_field_name("operator")) != "=":
        return None
    left = stmt.child_by_field_name("left")
    right = stmt.child_by_field_name("right")
    if left is None or right is None:
        return None
    targets = [text(t) for t in left.named_children]
    values = right.named_children
    if name not in targets or len(values) != len(targets):
        return None
    return text(values[targets.index(name)])


def _closes_channel(case: Node, outer_loop: Node) -> bool:
    """`close(ch)` on the case's path: a second win would close it again and panic (unless
    the loop makes a new channel)."""
    for stmt in flow.case_body(case):
        if stmt.type != "expression_statement" or not stmt.named_children:
            continue
        expr = stmt.named_children[0]
        if expr.type != "call_expression" or text(expr.child_by_field_name("function")) != "close":
            continue
        args = expr.child_by_field_name("arguments")
        values = [c for c in args.named_children if c.type != "comment"] if args else []
        if len(values) == 1 and not _assigned_in(text(values[0]), outer_loop):
            return True
    return False


def _assigned_in(name: str, node: Node) -> bool:
    for target in captures(
        """
        (short_var_declaration left: (expression_list (_) @t))
        (assignment_statement left: (expression_list (_) @t))
        """,
        node,
    ).get("t", []):
        if text(target) == name:
            return True
    return False


def _own_continue(case: Node, loops: list[Node], func: Node) -> bool:
    """A `continue` (or `goto`) in the case that starts another iteration of the loops."""
    for jump in captures("[(continue_statement) (goto_statement)] @j", case).get("j", []):
        if not flow.owned_by(jump, func):
            continue
        if jump.type == "goto_statement":
            return True
        target = flow.branch_target(jump, func)
        if target is None or any(target == loop for loop in loops):
            return True
    return False


def _rest_leaves_loop(select: Node, loops: list[Node], func: Node, channel: Node | None) -> bool:
    """Every path from the end of `select` leaves the loop before the next iteration: the
    statements after it in the loop body return or break out, or a later select receives
    `channel` again in a case that leaves the loop."""
    body = loops[0].child_by_field_name("body")
    node = flow.statement_of(select)
    while node is not None and node != body and node != loops[0]:
        parent = node.parent
        if parent is not None and parent.type == "statement_list":
            sibling = node.next_named_sibling
            while sibling is not None:
                if sibling.type != "comment":
                    verdict = _statement_verdict(sibling, loops, func, channel)
                    if verdict is not None:
                        return verdict
                sibling = sibling.next_named_sibling
        node = parent
    return False


def _statement_verdict(
    stmt: Node, loops: list[Node], func: Node, channel: Node | None
) -> bool | None:
    """True: this statement leaves the loop on every path; False: it may start the next
    iteration (a continue) or leave the enclosing switch; None: control goes on after it."""
    if _leaves(stmt, loops, func):
        return True
    jumps = captures("[(continue_statement) (goto_statement) (break_statement)] @j", stmt).get(
        "j", []
    )
    for jump in jumps:
        if not flow.owned_by(jump, func):
            continue
        if jump.type == "goto_statement":
            return False
        target = flow.branch_target(jump, func)
        if jump.type == "continue_statement" and (target is None or target in loops):
            return False
        if jump.type == "break_statement" and (target is None or not within(target, stmt)):
            return False  # leaves a switch around the select: not followed further
    if channel is not None and _leaves_on(stmt, channel, loops, func):
        return True
    return None


def _leaves(stmt: Node, loops: list[Node], func: Node) -> bool:
    """`stmt` never completes normally and does not go round the loop again."""
    kind = stmt.type
    if kind == "break_statement":
        return flow.branch_target(stmt, func) in loops
    if kind == "continue_statement":
        target = flow.branch_target(stmt, func)
        return target is not None and target in loops[1:]
    if kind == "block":
        inner = _block_last(stmt)
        return inner is not None and _leaves(inner, loops, func)
    if kind == "if_statement":
        cons = stmt.child_by_field_name("consequence")
        alt = stmt.child_by_field_name("alternative")
        return (
            cons is not None
            and alt is not None
            and _leaves(cons, loops, func)
            and _leaves(alt, loops, func)
        )
    return flow.is_terminating(stmt, func)


def _one_value(channel: Node, loops: list[Node], func: Node, root: Node) -> bool:
    """A local channel that receives one value at most: made once before the loops, sent on
    by a single statement outside any loop (a goroutine's result, or a function of this file
    started with `go f(ch)` that sends once), never closed, and used in no other way than
    receiving."""
    name = text(channel)
    outer = outermost_function(func) or func
    body = outer.child_by_field_name("body")
    if body is None:
        return False
    made = sends = 0
    for ident in captures("(identifier) @id", body).get("id", []):
        if text(ident) != name or ident == channel:
            continue
        parent = ident.parent
        if parent is None:
            return False
        if parent.type == "send_statement" and parent.child_by_field_name("channel") == ident:
            if ancestor_between(parent, outer, {"for_statement"}) is not None:
                return False
            sends += 1
            continue
        if (
            parent.type == "unary_expression"
            and text(parent.child_by_field_name("operator")) == "<-"
        ):
            continue
        if parent.type == "expression_list" and parent.parent is not None:
            holder = parent.parent
            if (
                holder.type == "short_var_declaration"
                and holder.child_by_field_name("left") == parent
            ):
                right = holder.child_by_field_name("right")
                if (
                    right is None
                    or right.named_child_count != 1
                    or not text(right).startswith("make(")
                    or within(holder, loops[-1])
                ):
                    return False
                made += 1
                continue
        if parent.type == "argument_list":
            passed = _sends_of_started_function(parent, ident, outer, root)
            if passed is None:
                return False
            sends += passed
            continue
        return False  # closed, passed, stored or reassigned: cannot count its values
    return made == 1 and sends <= 1


def _sends_of_started_function(args: Node, ident: Node, outer: Node, root: Node) -> int | None:
    """`go f(..., ch, ...)` outside any loop, with `f` a function of this file that only
    sends on that parameter, outside loops: how many sends (None: cannot tell)."""
    call = args.parent
    go = call.parent if call is not None else None
    function = call.child_by_field_name("function") if call is not None else None
    if (
        go is None
        or go.type != "go_statement"
        or function is None
        or function.type != "identifier"
        or ancestor_between(go, outer, {"for_statement"}) is not None
    ):
        return None
    index = [c for c in args.named_children if c.type != "comment"].index(ident)
    declared = [
        d
        for d in root.named_children
        if d.type == "function_declaration"
        and text(d.child_by_field_name("name")) == text(function)
    ]
    if len(declared) != 1:
        return None
    params = declared[0].child_by_field_name("parameters")
    names = []
    for decl in params.named_children if params is not None else []:
        if decl.type != "parameter_declaration":
            return None  # variadic: positions do not line up
        found = decl.children_by_field_name("name")
        names.extend(text(n) for n in found) if found else names.append("")
    if index >= len(names) or not names[index]:
        return None
    body = declared[0].child_by_field_name("body")
    sends = 0
    for use in captures("(identifier) @id", body).get("id", []) if body is not None else []:
        if text(use) != names[index]:
            continue
        holder = use.parent
        if (
            holder is None
            or holder.type != "send_statement"
            or holder.child_by_field_name("channel") != use
            or ancestor_between(holder, declared[0], {"for_statement", "func_literal"}) is not None
        ):
            return None
        sends += 1
    return sends


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
    ctx: FileContext,
    call: Node,
    select: Node,
    loops: list[Node],
    func: Node,
    stale_values: bool,
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
    reset = "\n".join(reset_lines(name, text(duration), ctx.go_version, stale_values))
    reset = reset.replace("\n", "\n" + select_indent) + "\n" + select_indent
    edits = (
        TextEdit(outer.start_byte, outer.start_byte, create),
        TextEdit(select.start_byte, select.start_byte, reset),
        TextEdit(call.start_byte, call.end_byte, f"{name}.C"),
    )
    title = f"Reuse one timer: {name} := {qualifier}.NewTimer before the loop, Reset each time"
    return Fix(title, edits, Applicability.UNSAFE), None


def reset_lines(
    name: str, duration: str, go_version: tuple[int, int], stale_values: bool | None = None
) -> list[str]:
    """Statements that re-arm timer `name` for `duration`, correct for the Go version.

    Before Go 1.23 a fired timer may hold a value in its channel that `Reset` does not
    remove; `Stop` plus a non-blocking receive clears it whether or not the value was taken.
    From 1.23 Stop and Reset discard stale values themselves, unless asynctimerchan brings
    the old channels back (`stale_values`; None: decided by the Go version alone).
    """
    if stale_values is None:
        stale_values = go_version < (1, 23)
    if not stale_values:
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
    summary="time.After in a loop's select keeps a timer per iteration alive (before Go 1.23, "
    "or with asynctimerchan=1 before Go 1.27)",
    doc=(__doc__ or "").replace("{builds}", BUILDS_DOC.strip()),
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    check=check,
    triggers=(b"After",),
)
