"""## What it does
Reports a `defer` statement that sits inside a `for` loop of its own function (any form:
`for {}`, `for cond {}`, `for i := 0; i < n; i++ {}`, `for ... range ...`), including loops in
the bodies of `go func() { ... }()` and other function literals.

It does not report:
- a `defer` inside a function literal inside the loop (`for ... { func() { defer ... }() }`):
  that literal returns every iteration, so its deferred calls run every iteration;
- a `defer` after which the loop can never start another iteration: every way on from the
  `defer` ends in `return`, `panic`, `os.Exit`, `log.Fatal`, `t.Fatal` and the like, or in a
  `break` out of a loop that no other loop repeats. A `continue`, `goto` or `break` of an
  enclosing `switch` on the way counts as a possible next iteration;
- a `defer` in a lazy initialisation the loop runs at most once: `if x == nil { x = ...;
  defer ... }` (also `if !x`), where `x` lives outside the loop body and nothing else in the
  body sets it;
- defers that hold nothing per iteration, or hold it on purpose: a call that only releases
  values from before the loop (`for _, c := range closers { defer c.Close() }`, locking every
  shard with `for _, s := range shards { s.mu.Lock(); defer s.mu.Unlock() }`; not when the
  `range` reads a channel, which brings new values every iteration); a resource the body keeps
  beyond its iteration (appended to an outer slice, stored in an outer variable, field or
  map, sent on a channel, passed to a `go` statement), which the function uses after the loop;
  a deferred function literal that only acts when the function fails (`defer func() { if err
  != nil { ... } }()` with `err` not the iteration's own).

Everything here is read from the syntax tree; no types are needed, so findings have
confidence `high`. Findings in `_test.go` files are reported with severity `info`: tests often
open a few files in a loop on purpose, and the test process ends soon anyway.

## Why is this bad?
A deferred call runs when the surrounding *function* returns, not at the end of the loop
iteration. Every iteration adds one more call to the function's defer queue and keeps what
it would release (an open file, a database row set, a connection, a held lock, a timer) alive
until the function returns. A loop over many files can run out of file descriptors; a
long-running loop (a server's accept loop, a worker reading a channel) never returns, so
nothing is ever released and the defer queue itself grows without bound.

## Example
```go
func writeManyFiles(files []File) error {
        for _, file := range files {
                f, err := os.Open(file.path)
                if err != nil {
                        return err
                }
                defer f.Close()

                _, err = f.WriteString(file.content)
                if err != nil {
                        return err
                }

                err = f.Sync()
                if err != nil {
                        return err
                }
        }

        return nil
}
```

## Use instead
Give each iteration a function of its own, so its deferred calls run when the iteration ends:
```go
func writeManyFiles(files []File) error {
        for _, file := range files {
                if err := func() error {
                        f, err := os.Open(file.path)
                        if err != nil {
                                return err
                        }
                        defer f.Close()

                        _, err = f.WriteString(file.content)
                        if err != nil {
                                return err
                        }

                        return f.Sync()
                }(); err != nil {
                        return err
                }
        }

        return nil
}
```

The fix writes this rewrite for you, in the simplest shape that keeps the function's
behaviour:
- a body without `return` becomes `func() { ... }()`, each `continue` becoming `return`;
- when the function's last result is `error` and every `return` in the body passes on an error
  that cannot be nil (`return err` under `if err != nil`, `fmt.Errorf(...)`, `errors.New(...)`,
  a composite literal, or a `github.com/pkg/errors` wrapper of such an error), the shape above:
  `if err := func() error { ... }(); err != nil { return err }` (for `(T, error)`:
  `if v, err := func() (T, error) { ... }(); err != nil { return v, err }`), with `continue`
  becoming `return nil` (`return <zero value>, nil`); for a single `error`, a final `err = X`
  / `if err != nil { return err }` pair (or `if err := X; err != nil { return err }`) becomes
  `return X` when `err` is the body's own;
- otherwise (a `return nil` or `return wrap(err)` that may end the function with a nil error,
  results without an `error`, a function without results that returns from inside the loop)
  a flag carries "the function returns now":
  `if done, v, err := func() (bool, T, error) { ... }(); done { return v, err }`, each
  `return X` becoming `return true, X` and `continue` becoming `return false, <zero values>`
  (`*new(T)` when the zero value of an imported type or a type parameter cannot be spelled
  otherwise).

Returns inside nested function literals, and `continue`/`break` that belong to a nested loop,
`switch` or `select`, are left as they are. Labels inside the body move into the function
literal with every jump to them; the loop's own label is removed when its only uses were
`continue` statements that became returns.

There is no automatic fix, and the finding says why, when the loop body uses `break` for the
loop itself, `goto` to a label outside the body, a `continue` or `break` to an outer loop's
label, or a `return` of a call's several results (`return f()` for `(T, error)`); when the
function has named results (a deferred call may set them, and moving it changes the value
returned); and when the loop body shares a line with its braces (not gofmt's layout).

A loop inside a loop that both defer is fixed in two rounds (`leakscope fix` repeats until
nothing is left).

## Fix safety
The fix moves deferred calls from the end of the function to the end of the iteration. That
is the point, but it changes behaviour when what a deferred call releases is still needed
after the iteration: an `Unlock` of a mutex the code after the loop expects to be held, a test
server whose address the code after the loop still dials, a file whose reader is kept
(`last = bufio.NewReader(f)`), a temporary file removed by `defer os.Remove(name)` that the
code after the loop still reads, a `recover()` in a deferred function literal (it would
swallow a panic of one iteration and let the loop go on).

So the fix is **safe** only when every deferred call in the loop body releases something the
iteration itself created, and nothing made from that is used after the iteration:
- each deferred call is `x.Close()` or `x.Body.Close()` (or `CloseSend`, `Stop`, `Release`,
  `Rollback`, `Cancel`, `Free`, `Finish`) where `x` is declared inside the loop body, or
  `cancel()` where `ctx, cancel := context.WithCancel/WithTimeout/WithDeadline(...)` is
  declared inside the loop body;
- the iteration does something with `x` besides releasing it: a loop that only opens
  something and defers its release (`rows, err := db.Query(q)` ... `defer rows.Close()`,
  with `rows` used nowhere else) holds every iteration's resource on purpose, to keep several
  connections busy at once or a listener open; and
- no value made from `x` (or from `ctx` and `cancel`) leaves the iteration. Made from it are
  `x` itself, its fields (`srv.URL`), what calls make from it or from its fields (`u, _ :=
  url.Parse(srv.URL)`, `r := bufio.NewReader(f)`, `info, _ := f.Stat()`), and values computed
  from those (`u.Host`, `host + ":" + port`, `parts[0]`, a composite literal holding one),
  followed through the variables of the loop body, transitively. Comparisons, `len`/`cap`,
  and errors in variables named `err` are not followed.
- Such a value leaves the iteration when it is assigned, appended or copied to a variable,
  field, map key or element, or slice that is not the body's own (`addrs = append(addrs,
  host)`, `seen[f.Name()] = true`), sent on a channel, passed to a `go` statement, used inside
  a function literal that is not called on the spot (a goroutine, a callback, a stored
  closure; a deferred one counts as called, since after the fix it runs at the end of the
  iteration), or passed to a function that may keep it.
- Functions taken not to keep their arguments: built-ins and conversions; the standard
  library, except the functions that register or store an argument (`http.Handle`,
  `http.HandleFunc`, `heap.Push`, `signal.Notify`, `runtime.SetFinalizer`, `log.SetOutput`,
  `slog.SetDefault`, `expvar.Publish`, `flag.Var`, the `sync/atomic` stores); whatever their
  package or receiver, functions and methods named for writing, logging, asserting, reading,
  matching, looking up or constructing (names starting with `Write`, `Print`, `Log`, `Error`,
  `Fatal`, `Skip`, `Debug`, `Info`, `Warn`, `Assert`, `Equal`, `NotEqual`, `Contains`,
  `NotContains`, `Match`, `Find` or `New`, and `Get`, `Load`, `Has`, `Lookup`, `Read`,
  `ReadFrom`, `Decode`, `Unmarshal`, `Check`, `DeepEqual`, `True`, `False`, `Nil`, `NotNil`,
  `NoError`, `Len`, `Empty`, `NotEmpty`, `Same`: a constructor keeps what it gets in its
  result, which is followed); methods of a value that is followed already; functions declared
  in the same file whose parameter, followed the same way inside them (three calls deep),
  does not leave them; and, for `cancel()`, any function that receives the context itself or
  one the `context` package made from it (by Go's convention a function uses its context only
  while it runs; what it makes from it, such as `exec.CommandContext(ctx, ...)`, is
  followed). A method of a variable of the loop body is taken to keep the value in that
  variable, which is then followed (`b.WriteString(u.Host)`). Every other function may keep
  what it receives: one of another package outside the standard library or of another file,
  a function value, a method of a variable from outside the loop.

Returning such a value from the function is not a use after the iteration: the function's
return runs the deferred call before the caller sees the value, with the fix or without it.
What a call writes through a pointer argument (`dec.Decode(&v)`, `f.Read(buf)`) is a copy of
data and is not followed.

Every other fix is **unsafe** and needs `leakscope fix --unsafe`; its title ends with the
reason, e.g. `(unsafe: net.JoinHostPort(host, port), made from srv, is appended to addrs,
which outlives the iteration)`, `(unsafe: mu.Unlock() is not known to release something the
iteration opened)` or `(unsafe: a deferred function literal may do more than release what the
iteration opened)`. This is read from the syntax alone: a number computed from the resource
counts like a port that is useless once it is closed, and a callee that keeps a value in a way
the lists above miss would make a fix marked safe wrong.

There is no fix (the finding says why) when the loop body uses `break` for the loop itself,
`goto` to a label outside the body, or `continue`/`break` to an outer loop's label; when a
`return` in the body passes on a call's several results; when the function has named results
(or results leakscope cannot read); and when the loop body shares a line with its braces or
does not parse cleanly. The rewrite itself never changes which
values the function returns: the flag shape is used whenever an `error` return could be nil.

## References
- [Go 101: Memory Leaking Scenarios, "Deferred function calls"](https://go101.org/article/memory-leaking.html)
- [The Go Programming Language Specification: Defer statements](https://go.dev/ref/spec#Defer_statements)
- [Effective Go: Defer](https://go.dev/doc/effective_go#defer)
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.model import Confidence, Fix, FixAvailability, Rule, Severity
from leakscope.core.rules._escape import declared_in, kept_outside
from leakscope.core.rules._flow import (
    LOOP,
    conjuncts,
    jump_target,
    own_nodes,
    stmts_of,
    terminates,
)
from leakscope.core.rules._wrap_loop import wrap_loop_body
from leakscope.core.syntax import (
    FUNCTION_NODES,
    captures,
    function_name,
    text,
    unparen,
    within,
)

_JUMPS = (
    "(break_statement) @jump (continue_statement) @jump (goto_statement) @jump"
    " (fallthrough_statement) @jump"
)
_RESOURCE = frozenset(
    {"Close", "CloseSend", "Stop", "Release", "Rollback", "Free", "Finish", "Shutdown", "Cancel"}
)
_LOCKS = frozenset({"Unlock", "RUnlock"})
_CALL_LIMIT = 40


def _loop_and_function(defer: Node) -> tuple[Node | None, Node | None]:
    """The nearest loop around `defer` inside its function (None when a function literal
    comes first), and that function."""
    loop = None
    node = defer.parent
    while node is not None:
        if node.type in FUNCTION_NODES:
            return loop, node
        if node.type == LOOP and loop is None:
            loop = node
        node = node.parent
    return loop, None


def _loops_above(node: Node, func: Node) -> bool:
    parent = node.parent
    while parent is not None and parent != func:
        if parent.type == LOOP:
            return True
        parent = parent.parent
    return False


def _ends_loops(jump: Node, loop: Node, func: Node) -> bool:
    """Whether a `break` leaves `loop` (or a loop around it) with no loop left to repeat it."""
    if jump.type != "break_statement":
        return False
    target = jump_target(jump)
    if target is None or target.type != LOOP or not within(loop, target):
        return False
    return not _loops_above(target, func)


def _escapes(stmt: Node, loop: Node, func: Node) -> bool:
    """Whether a jump inside `stmt` may lead to another iteration of `loop`."""
    for _, jump in own_nodes(_JUMPS, stmt):
        if jump.type == "goto_statement":
            return True
        target = jump_target(jump)
        if target is not None and within(target, stmt):
            continue
        if _ends_loops(jump, loop, func):
            continue
        return True
    return False


def iterates_after(defer: Node, loop: Node, func: Node, imports: dict[str, str]) -> bool:
    """Whether the loop can start another iteration after `defer` ran.

    Follows the statements after the `defer`, then after each statement around it, up to the
    loop body. A statement that ends the function (or the loops) stops the walk: no next
    iteration. A jump that may go elsewhere, or reaching the end of the body, means there may be
    one.
    """
    body = loop.child_by_field_name("body")
    node = defer
    while True:
        holder = node.parent
        if holder is None or holder.type != "statement_list":
            return True
        for sibling in holder.named_children:
            if sibling.start_byte <= node.start_byte or sibling.type == "comment":
                continue
            if _escapes(sibling, loop, func):
                return True
            if terminates(sibling, broad=True, imports=imports) or _ends_loops(sibling, loop, func):
                return False
        container = holder.parent
        if container is None or container == body:
            return True
        node = container
        while node.parent is not None and node.parent.type != "statement_list":
            if node == body or node.type in FUNCTION_NODES or node.type == LOOP:
                return True
            node = node.parent
        if node == body or node.parent is None:
            return True


_ASSIGNMENTS = "(assignment_statement left: (expression_list) @left)"


def _unset_tests(cond: Node) -> list[str]:
    """The `x` of `x == nil` and `!x` conjuncts of a condition."""
    out = []
    for part in conjuncts(cond):
        if part.type == "unary_expression" and text(part.child_by_field_name("operator")) == "!":
            operand = part.child_by_field_name("operand")
            if operand is not None and operand.type in ("identifier", "selector_expression"):
                out.append(text(operand))
        elif (
            part.type == "binary_expression" and text(part.child_by_field_name("operator")) == "=="
        ):
            left, right = part.child_by_field_name("left"), part.child_by_field_name("right")
            if left is not None and right is not None and text(right) == "nil":
                out.append(text(left))
    return out


def runs_once(defer: Node, loop: Node) -> bool:
    """Whether the defer sits in a lazy initialisation the loop runs at most once.

    `if x == nil { x = ...; defer ... }` (or `if !done { done = true; ... }`) where `x` is not a
    variable of the loop body and nothing else in the body sets it again.
    """
    body = loop.child_by_field_name("body")
    if body is None:
        return False
    node = defer
    while node.parent is not None and node.parent != body:
        parent = node.parent
        if (
            parent.type == "if_statement"
            and parent.child_by_field_name("consequence") == node
            and parent.child_by_field_name("condition") is not None
        ):
            for name in _unset_tests(parent.child_by_field_name("condition")):
                if _set_only_in(name, node, body):
                    return True
        node = parent
    return False


def _set_only_in(name: str, block: Node, body: Node) -> bool:
    """`name` is assigned (with `=`) inside `block` and nowhere else in the loop body."""
    assigned_inside = False
    for _, left in own_nodes(_ASSIGNMENTS, body):
        if not any(text(t) == name for t in left.named_children):
            continue
        if not within(left, block):
            return False
        assigned_inside = True
    if not assigned_inside:
        return False
    declared = "(short_var_declaration left: (expression_list) @left) (var_spec) @left"
    return not any(
        text(n) == name
        for _, left in own_nodes(declared, body)
        for n in left.named_children
        if n.type == "identifier"
    )


def _header_names(loop: Node) -> set[str]:
    """Variables the loop header declares (`for i, x := range xs`, `for i := 0; ...`)."""
    names: set[str] = set()
    for child in loop.named_children:
        if child.type == "range_clause":
            left = child.child_by_field_name("left")
            if left is not None and any(c.type == ":=" for c in child.children):
                names.update(text(n) for n in left.named_children if n.type == "identifier")
        elif child.type == "for_clause":
            init = child.child_by_field_name("initializer")
            left = init.child_by_field_name("left") if init is not None else None
            if init is not None and init.type == "short_var_declaration" and left is not None:
                names.update(text(n) for n in left.named_children if n.type == "identifier")
    return names


def _ranges_over_channel(loop: Node, func: Node) -> bool:
    """Whether a `range` loop may read a channel: new values arrive every iteration.

    Known from a `chan` parameter or a `make(chan ...)` in the function; any other range
    expression whose name hints at a channel also counts.
    """
    clause = next((c for c in loop.named_children if c.type == "range_clause"), None)
    if clause is None:
        return False
    right = clause.child_by_field_name("right")
    if right is None:
        return False
    name = text(right)
    if name.startswith("<-") or "chan" in name.lower() or name.endswith((".C", "Ch", "ch")):
        return True
    params = func.child_by_field_name("parameters")
    for decl in params.named_children if params is not None else []:
        type_text = text(decl.child_by_field_name("type"))
        if "chan" in type_text and any(
            text(n) == name for n in decl.children_by_field_name("name")
        ):
            return True
    return any(text(made) == name for made in captures(_MAKE_CHAN, func).get("made", []))


_MAKE_CHAN = (
    "(short_var_declaration left: (expression_list (identifier) @made)"
    " right: (expression_list (call_expression function: (identifier) @_make"
    " arguments: (argument_list (channel_type)))))"
)
_DECLARED_NAMES = (
    "(short_var_declaration left: (expression_list (identifier) @name))"
    " (var_spec name: (identifier) @name)"
    " (range_clause left: (expression_list (identifier) @name))"
    " (receive_statement left: (expression_list (identifier) @name))"
)


_ASSIGNED_NAMES = "(assignment_statement left: (expression_list (identifier) @name)) " + (
    _DECLARED_NAMES
)


def _iteration_names(body: Node, assigned: bool = True) -> set[str]:
    """Names the loop body declares, or also assigns (outside nested function literals)."""
    pattern = _ASSIGNED_NAMES if assigned else _DECLARED_NAMES
    return {text(n) for _, n in own_nodes(pattern, body)}


def _on_failure_only(call: Node, iteration: set[str]) -> bool:
    """`defer func() { if err != nil { ... } }()` or `if err == nil { return }` first, where
    `err` is not declared in the loop body: undoing work when the function fails."""
    func = call.child_by_field_name("function")
    if func is None or func.type != "func_literal":
        return False
    body = stmts_of(func.child_by_field_name("body"))
    if not body or body[0].type != "if_statement":
        return False
    first = body[0]
    cond = first.child_by_field_name("condition")
    if cond is None or first.child_by_field_name("initializer") is not None:
        return False
    if len(body) == 1 and first.child_by_field_name("alternative") is None:
        for part in conjuncts(cond):
            op = part.child_by_field_name("operator")
            if part.type == "binary_expression" and text(op) == "!=":
                left, right = part.child_by_field_name("left"), part.child_by_field_name("right")
                if (
                    text(right) == "nil"
                    and left is not None
                    and left.type == "identifier"
                    and text(left) not in iteration
                ):
                    return True
            if part.type == "unary_expression" and text(op) == "!":
                operand = part.child_by_field_name("operand")
                if (
                    operand is not None
                    and operand.type == "identifier"
                    and text(operand) not in iteration
                ):
                    return True
    inner = stmts_of(first.child_by_field_name("consequence"))
    if len(inner) == 1 and inner[0].type == "return_statement" and len(body) > 1:
        cond = unparen(cond)
        tested = None
        if cond.type == "binary_expression" and text(cond.child_by_field_name("operator")) == "==":
            if text(cond.child_by_field_name("right")) == "nil":
                tested = cond.child_by_field_name("left")
        elif cond.type == "identifier":
            tested = cond
        if tested is not None and tested.type == "identifier" and text(tested) not in iteration:
            return True
    return False


def intentional(defer: Node, loop: Node, func: Node, imports: dict[str, str]) -> bool:
    """Whether the defer holds nothing per iteration, or holds it on purpose.

    - the deferred call only releases values from before the loop (`for _, c := range
      closers { defer c.Close() }`, `for _, s := range shards { s.mu.Lock(); defer
      s.mu.Unlock() }`): nothing is acquired per iteration, everything is released at the end;
    - what it releases is kept beyond the iteration (appended to an outer slice, stored,
      sent, handed to a goroutine): the loop collects resources the function uses later;
    - a deferred function literal that only acts when the function fails (`if err != nil`).
    """
    body = loop.child_by_field_name("body")
    call = next((c for c in defer.named_children if c.type == "call_expression"), None)
    if body is None or call is None:
        return False
    iteration = _iteration_names(body)
    if _on_failure_only(call, _iteration_names(body, assigned=False)):
        return True
    used = {
        text(n)
        for n in captures("(identifier) @i", call).get("i", [])
        if text(n) not in imports or declared_in(text(n), defer, body) is not None
    }
    mine = used & iteration
    if not mine:
        return bool(used & _header_names(loop)) and not _ranges_over_channel(loop, func)
    local = {n for n in mine if declared_in(n, defer, body) is not None}
    return bool(local) and kept_outside(local, body, defer, imports)


def _call_text(defer: Node) -> tuple[str, str]:
    """How to name the deferred call in a message, and its method or function name."""
    call = next((c for c in defer.named_children if c.type != "comment"), None)
    if call is None:
        return "the deferred call", ""
    func = call.child_by_field_name("function") if call.type == "call_expression" else None
    if func is not None and func.type == "func_literal":
        return "a deferred function literal", ""
    name = ""
    if func is not None:
        name = text(func.child_by_field_name("field")) if func.type == "selector_expression" else ""
        name = name or text(func)
    shown = " ".join(text(call).split())
    if len(shown) > _CALL_LIMIT and func is not None:
        shown = " ".join(text(func).split()) + "(...)"
    return shown, name


def _loop_text(loop: Node) -> str:
    body = loop.child_by_field_name("body")
    end = body.start_byte if body is not None else loop.end_byte
    source = loop.text or b""
    header = " ".join(source[: end - loop.start_byte].decode("utf-8", "replace").split())
    if len(header) > _CALL_LIMIT:
        header = header[: _CALL_LIMIT - 3].rstrip() + "..."
    return header


def _function_text(func: Node) -> str:
    if func.type != "func_literal":
        return function_name(func)
    outer = func.parent
    while outer is not None and outer.type not in FUNCTION_NODES:
        outer = outer.parent
    launched = func.parent is not None and func.parent.type == "call_expression"
    launched = launched and func.parent.parent is not None
    kind = "go_statement" if launched and func.parent.parent.type == "go_statement" else ""
    where = f" in {function_name(outer)}" if outer is not None else ""
    return ("the goroutine's function" if kind else "the function literal") + where


def message(defer: Node, loop: Node, func: Node) -> str:
    call, name = _call_text(defer)
    if name in _LOCKS:
        held = "every iteration's lock stays held until then"
    elif name in _RESOURCE or name.lower() == "cancel":
        held = "every iteration's resource stays open until then"
    else:
        held = "the deferred calls pile up until then"
    return (
        f"{call} is deferred inside a loop (`{_loop_text(loop)}`): it runs only when "
        f"{_function_text(func)} returns, so {held}"
    )


def check(ctx: FileContext) -> Iterator[Diagnostic]:
    imports = ctx.imports
    fixes: dict[int, tuple[Fix | None, str | None]] = {}
    for keyword in ctx.tokens(b"defer"):
        defer = keyword.parent
        if keyword.type != "defer" or defer is None or defer.type != "defer_statement":
            continue
        loop, func = _loop_and_function(defer)
        if loop is None or func is None:
            continue
        if not iterates_after(defer, loop, func, imports) or runs_once(defer, loop):
            continue
        if intentional(defer, loop, func, imports):
            continue
        if loop.id not in fixes:
            fixes[loop.id] = wrap_loop_body(ctx, loop, func)
        fix, reason = fixes[loop.id]
        body = loop.child_by_field_name("body")
        header_end = body.start_byte if body is not None else loop.end_byte
        yield Diagnostic.at(
            defer,
            message(defer, loop, func),
            confidence=Confidence.HIGH,
            fix=fix,
            no_fix_reason=reason,
            related=[(loop.start_byte, header_end, "the loop that repeats the defer")],
            severity=Severity.INFO if ctx.is_test else None,
        )


RULE = Rule(
    name="defer-in-loop",
    summary="A deferred call inside a loop runs only when the function returns",
    doc=__doc__ or "",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    check=check,
    triggers=(b"defer",),
)
