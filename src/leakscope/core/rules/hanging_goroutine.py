"""## What it does
Finds a goroutine (`go func() { ... ch <- v ... }()`) that sends on an unbuffered channel made
in the spawning function (`ch := make(chan T)`), when that function can stop receiving before
the send happens:

- the receive sits in a `select` next to a timeout (`time.After`, `time.Tick`, a timer's or
  ticker's `.C`), a `ctx.Done()` case, a `default` case or a receive from a channel named like a
  stop signal (`done`, `quit`, `stop`, `closing`, `shutdown`, ...), and that case leaves without
  receiving from the channel;
- the function returns between the `go` statement and the receive;
- several goroutines send, and the receiving loop can return or break before it has received
  from all of them.

Only channels the function makes itself are considered, and only when every other use of the
channel is visible (a channel passed to another function, stored or returned is skipped). A
send inside a `select` with another case (the goroutine can give up) is never reported, nor is
a case that drains the channel, a receiving loop that returns only once a count of senders
reaches zero (`if active == 0 { return }`), or a case receiving the sending goroutine's own
completion signal (it comes after the goroutine's other sends).

The finding names the send that can block. The function's plain receives (`v := <-ch` as a
statement of the block holding the `go` statement, before the place where it can stop) always
happen, and take the goroutine's first sends when those come one after the other at the top of
its body: the first send left over is reported, and nothing when no send is left over.

## Impact
Each stuck goroutine keeps its stack and what it references for the life of the process, so
what matters is how many can get stuck. The finding is a warning when the goroutine is started
on every call of the function, or on every iteration of a loop (the impact reason says which:
"a goroutine per call of query"). It is minor (`info`) when:
- the function stops receiving only on a path where the test has already failed: the
  abandoning case (or the statements before the early return) calls `t.Fatal`, `t.Fatalf`,
  `t.FailNow`, `t.Error`, `t.Errorf`, gocheck's `c.Fatal` or testify's `require.Fail`; a failed
  test run ends soon, and the failure is what needs fixing;
- the goroutine is started once per program: in `init`, in `main.main`, in a
  `sync.Once`'s `Do` literal, or in a function of package main that only those call
  (outside any loop);
- it is in a `_test.go` file: the goroutine lives at most as long as the test binary.

## Why is this bad?
A send on an unbuffered channel blocks until someone receives. Once the spawning function has
returned, nobody ever will: the goroutine blocks forever, and its stack and everything it
references (the request, the response, the buffers) can never be collected. Each timed-out call
leaks one goroutine; under load that is a steadily growing heap and goroutine count.

## Example
```go
func query(ctx context.Context, q string) (*Result, error) {
        ch := make(chan *Result)
        go func() {
                ch <- slowQuery(q)
        }()
        select {
        case r := <-ch:
                return r, nil
        case <-ctx.Done():
                return nil, ctx.Err() // the goroutine above blocks forever
        }
}
```

## Use instead
```go
func query(ctx context.Context, q string) (*Result, error) {
        ch := make(chan *Result, 1) // the send never blocks, the goroutine always ends
        go func() {
                ch <- slowQuery(q)
        }()
        select {
        case r := <-ch:
                return r, nil
        case <-ctx.Done():
                return nil, ctx.Err()
        }
}
```

## Fix safety
The fix gives the channel a buffer of one: `make(chan T)` or `make(chan T, 0)` becomes
`make(chan T, 1)`. It is **safe** when each of the goroutine's sends on the channel is the last
statement of its body or is directly followed by `return` (a send in a `for` loop only when
directly followed by `return`), and the goroutine defers nothing. Otherwise it is **unsafe**:
the goroutine no longer waits for the receiver before going on, which is what you want for a
leak but changes the order of what happens after the send (`if ok { ch <- v } else { ch <- 0 };
log(...)`), and its deferred calls (`defer close(done)`, `defer mu.Unlock()`, `defer
wg.Done()`) now run before the value is received; the fix's title says so.

No fix is offered:
- when several goroutines send on the channel: another `go` statement uses it (`go f(ch)`
  included), or the `go` statement is in a loop that does not also make the channel; give it
  a buffer as large as the number of sends, or let the senders `select` on a done channel or
  `ctx.Done()` as well;
- when the goroutine can send more than once: a send in a `for` loop not directly followed by
  `return`, or two sends that are not on different branches of one `if`/`else`, `switch` or
  `select` and the first is not directly followed by `return`; let it also `select` on a done
  channel or `ctx.Done()`.


## References
- Go 101, "Memory Leaking Scenarios": hanging goroutines
- https://go.dev/blog/pipelines (explicit cancellation)
- https://github.com/uber-go/goleak
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.model import (
    Applicability,
    Fix,
    FixAvailability,
    Impact,
    Rule,
    Severity,
    TextEdit,
)
from leakscope.core.package_files import files_of
from leakscope.core.rules._lifetime import package_name, runs_once, test_failure
from leakscope.core.rules._loops import loops_around, loops_impact
from leakscope.core.syntax import (
    ancestor_between,
    captures,
    enclosing_function,
    function_name,
    has_own,
    statements,
    text,
    within,
)

_SENDS = "(send_statement channel: (identifier) @ch) @send"
_IDENTS = "(identifier) @id"
_RETURNS = "(return_statement) @ret"
_CLOSES = '((call_expression function: (identifier) @f) @call (#eq? @f "close"))'
_EXITS = "[(return_statement) (break_statement) (goto_statement)] @exit"
_STOP_NAME = re.compile(
    r"(?i)(^|[._])(ctx|done|quit|stop|stopc|stopch|exit|closing|closed|close|shutdown|"
    r"cancel|cancelled|canceled|die|dying|kill|term|abort)\w*$|(done|quit|stop|closing|"
    r"shutdown|cancel)(ch|c|chan)?$"
)
_CASES = frozenset({"communication_case", "default_case"})
_SWITCHES = frozenset({"expression_switch_statement", "type_switch_statement", "select_statement"})
# Statements that receive as their whole work: `<-ch`, `v := <-ch`, `v = <-ch`.
_PLAIN_RECEIVES = frozenset(
    {"expression_statement", "short_var_declaration", "assignment_statement"}
)
_CASE_NODES = frozenset({"expression_case", "default_case", "type_case", "communication_case"})


def check(ctx: FileContext) -> Iterator[Diagnostic]:
    if b"go func" not in ctx.source or b"chan" not in ctx.source:
        return
    channels: dict[tuple[int, str], _Channel | None] = {}
    for lit in _launched_literals(ctx):
        go = lit.parent.parent if lit.parent is not None else None
        if go is None or go.type != "go_statement":
            continue
        func = enclosing_function(go)
        if func is None:
            continue
        for name, sends in _sends_by_channel(lit).items():
            key = (func.id, name)
            if key not in channels:
                channels[key] = _Channel.build(func, name)
            channel = channels[key]
            if channel is None or go not in channel.senders:
                continue
            diag = _diagnose(ctx, channel, go, lit, sends)
            if diag is not None:
                yield diag


def _launched_literals(ctx: FileContext) -> list[Node]:
    """The function literals of `go func(...) {...}(...)` statements, in source order."""
    out = []
    for keyword in ctx.tokens(b"go"):
        go = keyword.parent
        if keyword.type != "go" or go is None or go.type != "go_statement":
            continue
        for call in go.named_children:
            if call.type != "call_expression":
                continue
            function = call.child_by_field_name("function")
            if function is not None and function.type == "func_literal":
                out.append(function)
    return out


def _sends_by_channel(lit: Node) -> dict[str, list[Node]]:
    """Sends of the goroutine itself (not of nested closures), by the spawner's channel name."""
    params = _param_names(lit)
    go_call = lit.parent
    args = go_call.child_by_field_name("arguments") if go_call is not None else None
    arg_nodes = args.named_children if args is not None else []
    out: dict[str, list[Node]] = {}
    for send in captures(_SENDS, lit).get("send", []):
        if enclosing_function(send) != lit or _can_give_up(send):
            continue
        name = text(send.child_by_field_name("channel"))
        if name in params:
            index = params.index(name)
            if index >= len(arg_nodes) or arg_nodes[index].type != "identifier":
                continue
            name = text(arg_nodes[index])
        elif _declared_inside(lit, name):
            continue
        out.setdefault(name, []).append(send)
    return out


def _param_names(lit: Node) -> list[str]:
    params = lit.child_by_field_name("parameters")
    names: list[str] = []
    for decl in params.named_children if params is not None else []:
        found = decl.children_by_field_name("name")
        names.extend(text(n) for n in found) if found else names.append("")
    return names


def _declared_inside(lit: Node, name: str) -> bool:
    body = lit.child_by_field_name("body")
    for ident in captures(_IDENTS, body).get("id", []) if body is not None else []:
        if text(ident) == name and _is_definition(ident):
            return True
    return False


def _can_give_up(send: Node) -> bool:
    """A send that is one case of a select with other cases does not block forever."""
    case = send.parent
    if case is None or case.type != "communication_case":
        return False
    select = case.parent
    return select is not None and sum(1 for c in select.named_children if c.type in _CASES) > 1


def _is_definition(ident: Node) -> bool:
    parent = ident.parent
    if parent is None:
        return False
    if parent.type == "var_spec":
        return ident in parent.children_by_field_name("name")
    if parent.type == "expression_list" and parent.parent is not None:
        holder = parent.parent
        if holder.type in ("short_var_declaration", "assignment_statement"):
            return holder.child_by_field_name("left") == parent
    if parent.type == "range_clause":
        left = parent.child_by_field_name("left")
        return left is not None and within(ident, left)
    return False


@dataclass
class _Channel:
    func: Node
    name: str
    make: Node  # the make(chan T) call
    definition: Node  # the statement that makes it
    receives: list[Node] = field(default_factory=list)  # `<-ch` expressions and range clauses
    senders: list[Node] = field(default_factory=list)  # go statements that send on it
    opaque_senders: int = 0  # `go worker(ch)`: sends we cannot see

    @classmethod
    def build(cls, func: Node, name: str) -> _Channel | None:
        body = func.child_by_field_name("body")
        if body is None:
            return None
        refs = [i for i in captures(_IDENTS, body).get("id", []) if text(i) == name]
        definitions = [i for i in refs if _is_definition(i) and enclosing_function(i) == func]
        if len(definitions) != 1:
            return None
        make, stmt = _unbuffered_make(definitions[0])
        if make is None or stmt is None:
            return None
        channel = cls(func, name, make, stmt)
        for ref in refs:
            if ref == definitions[0]:
                continue
            if not channel._classify(ref):
                return None
        if not channel.receives or not channel.senders:
            return None
        return channel

    def _classify(self, ref: Node) -> bool:
        """Record one use of the channel; False when it can be received elsewhere."""
        if _is_definition(ref):
            return False  # reassigned
        owner = enclosing_function(ref)
        if owner != self.func:
            go = _go_of(owner)
            if go is None or enclosing_function(go) != self.func:
                return False  # a closure or a deeper goroutine: cannot follow
            if _is_receive(ref) is not None:
                return False  # another goroutine receives: it may drain the channel
            if go not in self.senders:
                self.senders.append(go)
            return True
        parent = ref.parent
        if parent is None:
            return False
        if parent.type == "send_statement" and parent.child_by_field_name("channel") == ref:
            return True  # the function sends itself
        receive = _is_receive(ref)
        if receive is not None:
            self.receives.append(receive)
            return True
        if parent.type == "argument_list":
            call = parent.parent
            function = call.child_by_field_name("function") if call is not None else None
            if function is not None and text(function) in ("close", "len", "cap"):
                return True
            holder = call.parent if call is not None else None
            if holder is not None and holder.type == "go_statement":
                literal = function is not None and function.type == "func_literal"
                if not literal:
                    self.opaque_senders += 1
                if holder not in self.senders:
                    self.senders.append(holder)
                return True
        return False


def _go_of(lit: Node | None) -> Node | None:
    if lit is None or lit.type != "func_literal":
        return None
    call = lit.parent
    if (
        call is None
        or call.type != "call_expression"
        or call.child_by_field_name("function") != lit
    ):
        return None
    go = call.parent
    return go if go is not None and go.type == "go_statement" else None


def _is_receive(ref: Node) -> Node | None:
    """The receive expression (`<-ch`) or range clause reading `ref`, or None."""
    parent = ref.parent
    if parent is None:
        return None
    if parent.type == "unary_expression" and parent.child_by_field_name("operand") == ref:
        operator = parent.child_by_field_name("operator")
        if operator is not None and operator.type == "<-":
            return parent
    if parent.type == "range_clause" and parent.child_by_field_name("right") == ref:
        return parent
    return None


def _unbuffered_make(ident: Node) -> tuple[Node | None, Node | None]:
    parent = ident.parent
    if parent is None:
        return None, None
    if parent.type == "var_spec":
        names = parent.children_by_field_name("name")
        values = parent.child_by_field_name("value")
        stmt = parent.parent
        while stmt is not None and stmt.type != "var_declaration":
            stmt = stmt.parent
    else:
        names = parent.named_children
        values = parent.parent.child_by_field_name("right") if parent.parent is not None else None
        stmt = parent.parent
    if values is None or stmt is None or len(names) != len(values.named_children):
        return None, None
    value = values.named_children[names.index(ident)]
    if value.type != "call_expression" or text(value.child_by_field_name("function")) != "make":
        return None, None
    args = value.child_by_field_name("arguments")
    items = args.named_children if args is not None else []
    if not items or items[0].type != "channel_type":
        return None, None
    if len(items) > 1 and text(items[1]) != "0":
        return None, None
    return value, stmt


# ---------------------------------------------------------------------------------------------


@dataclass
class _Hazard:
    node: Node  # where the function stops receiving
    why: str  # "when ctx.Done() fires first"
    related: str
    case: Node | None = None  # the select case that abandons the channel


def _diagnose(
    ctx: FileContext, channel: _Channel, go: Node, lit: Node, sends: list[Node]
) -> Diagnostic | None:
    hazard = _early_return(channel, go) or _abandoning_select(channel, go)
    multiple = len(channel.senders) > 1 or _spawned_repeatedly(channel, go)
    if hazard is None and multiple:
        hazard = _loop_exit(channel, go)
    if hazard is None:
        return None
    blocking = sends if multiple else _may_block(channel, go, lit, sends, hazard)
    if not blocking:
        return None  # every send is matched by a receive the function always makes
    first = min(blocking, key=lambda n: n.start_byte)
    message = (
        f"goroutine can block forever sending on unbuffered channel {channel.name}: "
        f"the function stops receiving {hazard.why}"
    )
    impact, impact_reason = _impact(ctx, channel, go, hazard)
    diag = Diagnostic.at(
        first,
        message,
        severity=Severity.INFO if ctx.is_test else None,
        impact=impact,
        impact_reason=impact_reason,
    )
    diag.related.append((hazard.node.start_byte, hazard.node.end_byte, hazard.related))
    diag.related.append(
        (channel.make.start_byte, channel.make.end_byte, f"{channel.name} is made unbuffered here")
    )
    diag.anchor = f"{channel.name} <- ({text(first.child_by_field_name('value'))})"
    if multiple or channel.opaque_senders:
        diag.no_fix_reason = (
            f"no automatic fix: several goroutines send on {channel.name}; give it a buffer "
            "as large as the number of sends, or let the senders also select on a done channel"
        )
        return diag
    if not _at_most_once(lit, sends):
        diag.no_fix_reason = (
            f"no automatic fix: the goroutine can send on {channel.name} more than once; let it "
            "also select on a done channel or ctx.Done()"
        )
        return diag
    safe = all(_last_action(send, lit) for send in sends)
    title = f"Give {channel.name} a buffer of 1"
    if safe and has_own(lit, "defer_statement"):
        # Deferred calls run after the send: with a buffer they run before the value is taken
        # (a deferred close, Unlock or Done now happens before the receiver sees the value).
        safe = False
        title += " (unsafe: the goroutine's deferred calls now run before the value is received)"
    diag.fix = Fix(
        title,
        (_buffer_edit(channel.make),),
        Applicability.SAFE if safe else Applicability.UNSAFE,
    )
    return diag


def _may_block(
    channel: _Channel, go: Node, lit: Node, sends: list[Node], hazard: _Hazard
) -> list[Node]:
    """The sends that can still be waiting when the function stops receiving.

    The function's plain receives (`v := <-ch` as a statement of the block holding the `go`
    statement, before the place it can stop) always happen: they take the goroutine's first
    sends when those come one after the other at the top of its body. The sends left can
    block."""
    stmts = go.parent
    if stmts is None or stmts.type != "statement_list":
        return sends
    taken = 0
    for receive in channel.receives:
        if receive.start_byte < go.end_byte or receive.start_byte > hazard.node.start_byte:
            continue
        holder = receive
        while holder.parent is not None and holder.parent != stmts:
            holder = holder.parent
        if holder.parent != stmts or holder.end_byte > hazard.node.start_byte:
            continue
        if holder.type not in _PLAIN_RECEIVES:
            continue
        parent = receive.parent
        if parent != holder and (parent is None or parent.parent != holder):
            continue  # inside a call or an expression: may not run first
        taken += 1
    if not taken:
        return sends
    sequence: list[Node] = []
    body = lit.child_by_field_name("body")
    for stmt in statements(body) if body is not None else []:
        if stmt in sends:
            sequence.append(stmt)
            continue
        if any(within(send, stmt) for send in sends) or stmt.type in (
            "return_statement",
            "go_statement",
            "defer_statement",
        ):
            break
    received = sequence[:taken]
    return [send for send in sends if send not in received]


def _impact(
    ctx: FileContext, channel: _Channel, go: Node, hazard: _Hazard
) -> tuple[Impact | None, str]:
    """Bounded when the goroutine blocks only once the test has failed, or when it is
    started once per program; grows when it is started on every call (or iteration)."""
    failed = _failed_test_on(ctx, hazard)
    if failed is not None:
        return Impact.BOUNDED, f"the goroutine blocks only after the test has failed ({failed})"
    func = enclosing_function(go)
    in_loop = ancestor_between(go, channel.func, {"for_statement"}) is not None
    once = None if in_loop else runs_once(func, package_name(ctx), files_of(ctx.package))
    if once is not None:
        return Impact.BOUNDED, f"the goroutine is started once: {once}"
    if ctx.is_test:
        return None, ""
    if in_loop:
        _, reason = loops_impact(loops_around(go), ctx.root)
        return Impact.GROWS, f"a goroutine per iteration ({reason}), on every call"
    return Impact.GROWS, f"a goroutine per call of {function_name(func) or 'the function'}"


def _failed_test_on(ctx: FileContext, hazard: _Hazard) -> str | None:
    """The test failure (`t.Fatal`, `t.Errorf`) on the path where the function stops
    receiving: the statements of the abandoning case, or those before the early return or
    break in its block."""
    if hazard.case is not None:
        stmts = _case_statements(hazard.case)
    else:
        stmts = []
        sibling = hazard.node.prev_named_sibling
        while sibling is not None:
            stmts.append(sibling)
            sibling = sibling.prev_named_sibling
    for stmt in stmts:
        found = test_failure(stmt, ctx.imports)
        if found is not None:
            return found[0]
    return None


def _case_statements(case: Node) -> list[Node]:
    for child in case.named_children:
        if child.type == "statement_list":
            return [c for c in child.named_children if c.type != "comment"]
    return []


def _buffer_edit(make: Node) -> TextEdit:
    args = make.child_by_field_name("arguments")
    assert args is not None
    items = args.named_children
    if len(items) > 1:  # make(chan T, 0)
        return TextEdit(items[1].start_byte, items[1].end_byte, "1")
    return TextEdit(items[0].end_byte, items[0].end_byte, ", 1")


def _spawned_repeatedly(channel: _Channel, go: Node) -> bool:
    """A go statement in a loop that does not also make the channel starts many senders."""
    loop = ancestor_between(go, channel.func, {"for_statement"})
    while loop is not None:
        if not within(channel.definition, loop):
            return True
        loop = ancestor_between(loop, channel.func, {"for_statement"})
    return False


def _receives_in(channel: _Channel, node: Node) -> bool:
    return any(within(r, node) for r in channel.receives)


def _own_nodes(nodes: list[Node], func: Node) -> list[Node]:
    return [n for n in nodes if enclosing_function(n) == func]


def _early_return(channel: _Channel, go: Node) -> _Hazard | None:
    """A return between the go statement and the first receive after it."""
    after = [r for r in channel.receives if r.start_byte > go.end_byte]
    if not after:
        return None
    first = min(after, key=lambda n: n.start_byte)
    stmts = go.parent
    if stmts is None or stmts.type != "statement_list":
        return None
    holder = first
    while holder.parent is not None and holder.parent != stmts:
        holder = holder.parent
    if holder.parent != stmts:
        return None  # the receive is not in the go statement's block
    sibling = go.next_named_sibling
    while sibling is not None and sibling != holder:
        if not _receives_in(channel, sibling):
            for ret in _own_nodes(captures(_RETURNS, sibling).get("ret", []), channel.func):
                return _Hazard(ret, "when it returns early", "the function can return here")
        sibling = sibling.next_named_sibling
    return None


def _abandoning_select(channel: _Channel, go: Node) -> _Hazard | None:
    for receive in channel.receives:
        if receive.start_byte < go.end_byte:
            continue
        case = _select_case(receive)
        if case is None:
            continue
        select = case.parent
        assert select is not None
        loop = ancestor_between(select, channel.func, {"for_statement"})
        loops_back = loop is not None and not within(go, loop)
        for other in select.named_children:
            if other == case or other.type not in _CASES:
                continue
            why = _escape_kind(other)
            if why is None or _receives_in(channel, other) or _signalled_by(other, go):
                continue
            if loops_back and not _leaves_loop(other, channel.func):
                continue
            if not loops_back and _drained_later(channel, select):
                continue
            head = other.child_by_field_name("communication") or other
            return _Hazard(head, why, "the function can stop receiving here", other)
    return None


def _select_case(receive: Node) -> Node | None:
    """The communication case whose communication is this receive."""
    node = receive.parent
    if node is not None and node.type in ("receive_statement", "expression_statement"):
        node = node.parent
    if node is None or node.type != "communication_case":
        return None
    communication = node.child_by_field_name("communication")
    if communication is None or not within(receive, communication):
        return None
    return node


def _escape_kind(case: Node) -> str | None:
    if case.type == "default_case":
        return "when the select takes its default case"
    communication = case.child_by_field_name("communication")
    if communication is None or communication.type == "send_statement":
        return None
    receive = communication
    if communication.type == "receive_statement":
        receive = communication.child_by_field_name("right")
    elif communication.type == "expression_statement" and communication.named_child_count:
        receive = communication.named_children[0]
    if receive is None or receive.type != "unary_expression":
        return None
    source = receive.child_by_field_name("operand")
    if source is None:
        return None
    source_text = text(source)
    if source.type == "call_expression":
        function = text(source.child_by_field_name("function"))
        if function.endswith((".After", ".Tick")) or function in ("After", "Tick"):
            return f"when {function}(...) fires first"
        if function.endswith(".Done"):
            return f"when {function}() is closed first"
        return None
    if source.type == "selector_expression" and text(source.child_by_field_name("field")) == "C":
        return f"when the timer {source_text} fires first"
    if source.type in ("identifier", "selector_expression") and _STOP_NAME.search(source_text):
        return f"when {source_text} is signalled first"
    return None


def _signalled_by(case: Node, go: Node) -> bool:
    """A case receiving from a channel the same goroutine sends on or closes: the goroutine's
    own completion signal, which comes after its other sends."""
    communication = case.child_by_field_name("communication")
    if communication is None:
        return False
    names = {text(n) for n in captures(_IDENTS, communication).get("id", [])}
    for send in captures(_SENDS, go).get("send", []):
        if text(send.child_by_field_name("channel")) in names:
            return True
    for call in captures(_CLOSES, go).get("call", []):
        if text(call.child_by_field_name("arguments")).strip("()") in names:
            return True
    return False


def _leaves_loop(case: Node, func: Node) -> bool:
    for exit_node in _own_nodes(captures(_EXITS, case).get("exit", []), func):
        if exit_node.type != "break_statement" or exit_node.named_child_count:
            return True  # return, goto, or a labelled break out of the loop
    return False


def _drained_later(channel: _Channel, select: Node) -> bool:
    return any(r.start_byte > select.end_byte for r in channel.receives)


def _loop_exit(channel: _Channel, go: Node) -> _Hazard | None:
    """Several senders, and the receiving loop can be left before all were received."""
    for receive in channel.receives:
        if receive.start_byte < go.end_byte:
            continue
        loop = receive.parent if receive.type == "range_clause" else None
        if loop is None:
            loop = ancestor_between(receive, channel.func, {"for_statement"})
        if loop is None or within(go, loop):
            continue
        body = loop.child_by_field_name("body")
        if body is None:
            continue
        for exit_node in _own_nodes(captures(_EXITS, body).get("exit", []), channel.func):
            if exit_node.start_byte < receive.start_byte and receive.type != "range_clause":
                continue
            if exit_node.type == "break_statement" and not exit_node.named_child_count:
                target = ancestor_between(exit_node, loop, {"for_statement", *_SWITCHES})
                if target is not None:
                    continue  # breaks an inner loop, switch or select
            if _after_count_down(exit_node, loop):
                continue
            return _Hazard(
                exit_node,
                "when it leaves the receiving loop early",
                "the loop can end here before every goroutine has sent",
            )
    return None


_COUNT_DOWN = re.compile(r"(==|<=)\s*0\b|\b0\s*(==|>=)|>=\s*len\(|==\s*len\(")


def _after_count_down(exit_node: Node, loop: Node) -> bool:
    """`if active == 0 { return }`: the loop ends once every sender has been received."""
    node = exit_node.parent
    while node is not None and node != loop:
        if node.type == "if_statement":
            condition = node.child_by_field_name("condition")
            if condition is not None and _COUNT_DOWN.search(text(condition)):
                return True
        node = node.parent
    return False


# ---------------------------------------------------------------------------------------------


def _at_most_once(lit: Node, sends: list[Node]) -> bool:
    for send in sends:
        if ancestor_between(send, lit, {"for_statement"}) is not None and not _followed_by_return(
            send
        ):
            return False  # a send in a loop runs again unless the goroutine returns after it
    ordered = sorted(sends, key=lambda n: n.start_byte)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if not (_exclusive(a, b) or _followed_by_return(a)):
                return False
    return True


def _followed_by_return(stmt: Node) -> bool:
    sibling = stmt.next_named_sibling
    while sibling is not None and sibling.type == "comment":
        sibling = sibling.next_named_sibling
    return sibling is not None and sibling.type == "return_statement"


def _exclusive(a: Node, b: Node) -> bool:
    """Whether a and b sit on different branches of one if/else or different cases."""
    chain = []
    node: Node | None = a
    while node is not None:
        chain.append(node)
        node = node.parent
    node = b
    while node is not None and node not in chain:
        node = node.parent
    if node is None:
        return False
    if node.type == "if_statement":
        cons = node.child_by_field_name("consequence")
        alt = node.child_by_field_name("alternative")
        if cons is None or alt is None:
            return False
        return (within(a, cons) and within(b, alt)) or (within(a, alt) and within(b, cons))
    if node.type in _SWITCHES:
        cases = [c for c in node.named_children if c.type in _CASE_NODES]
        case_a = next((c for c in cases if within(a, c)), None)
        case_b = next((c for c in cases if within(b, c)), None)
        return case_a is not None and case_b is not None and case_a != case_b
    return False


def _last_action(send: Node, lit: Node) -> bool:
    """Nothing of the goroutine runs after this send (it is last or followed by return)."""
    body = lit.child_by_field_name("body")
    node = send
    while node is not None and node != body:
        parent = node.parent
        if parent is None:
            return False
        if parent.type == "statement_list":
            if _followed_by_return(node):
                return True
            if not _is_last(node):
                return False
        elif parent.type == "for_statement":
            return False
        node = parent
    return node == body


def _is_last(stmt: Node) -> bool:
    sibling = stmt.next_named_sibling
    while sibling is not None and sibling.type == "comment":
        sibling = sibling.next_named_sibling
    return sibling is None


RULE = Rule(
    name="hanging-goroutine",
    summary="A goroutine blocks forever sending on an unbuffered channel nobody reads any more",
    doc=__doc__ or "",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    check=check,
    triggers=(b"go func",),
)
