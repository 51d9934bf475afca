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
  enclosing `switch` on the way counts as a possible next iteration.

Findings in `_test.go` files are reported with severity `info`: tests often open a few
files in a loop on purpose, and the test process ends soon anyway.

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
- when the function returns exactly `error` and every `return` in the body returns an error
  that cannot be nil (`return err` under `if err != nil`, `fmt.Errorf(...)`, `errors.New(...)`,
  a composite literal, or a `github.com/pkg/errors` wrapper of such an error), the shape above:
  `if err := func() error { ... }(); err != nil { return err }`, with `continue` becoming
  `return nil` and a final `err = X` / `if err != nil { return err }` pair becoming `return X`;
- otherwise (`return nil` or `return f()` inside the loop, results such as `(T, error)`, a
  function without results that returns from inside the loop) a flag carries "the function
  returns now": `if done, v, err := func() (bool, T, error) { ... }(); done { return v, err }`,
  each `return X` becoming `return true, X` and `continue` becoming `return false, <zero
  values>` (`*new(T)` when the zero value of an imported type or type parameter cannot be
  spelled otherwise).

Returns inside nested function literals, and `continue`/`break` that belong to a nested loop,
`switch` or `select`, are left as they are.

There is no automatic fix, and the finding says why, when the loop body uses `break` for the
loop itself, `goto` to a label outside the body, a `continue` or `break` to an outer loop's
label, or a `return` of a call's several results (`return f()` for `(T, error)`); when the
function has named results (a deferred call may set them, and moving it changes the value
returned); and when the loop body shares a line with its braces.

## Fix safety
The fix moves deferred calls from the end of the function to the end of the iteration. That
is the point, but it changes behaviour when the deferred call's effect is meant to last the
whole function: a lock taken before the loop or for every element in turn (`for _, s := range
shards { s.mu.Lock(); defer s.mu.Unlock() }` locks them all until the function returns), files
opened in the loop and read after it (`readers = append(readers, f)`), a `recover()` in a
deferred function literal (it would swallow a panic of one iteration and let the loop go on).

So the fix is marked safe only when every deferred call in the loop body releases something
the iteration itself created and does not let go of:
- `x.Close()` (or `CloseSend`, `Stop`, `Release`, `Rollback`, `Cancel`, `Free`, `Finish`)
  where `x` is declared inside the loop body, or `cancel()` where `ctx, cancel :=
  context.WithCancel/WithTimeout/WithDeadline(...)` is declared inside the loop body; and
- neither `x` (nor `ctx`), nor a value made from it with `:=` (`r := bufio.NewReader(f)`), is
  assigned to another variable, field, map or slice element, appended, put in a composite
  literal, sent on a channel, has its address taken, or is used inside a function literal
  (a goroutine or a stored closure could use it after the iteration).

leakscope does not follow a value into the functions it is passed to: a callee that keeps it
(registers it somewhere) would make a fix marked safe wrong. Every other fix is unsafe and
needs `leakscope fix --unsafe`. The rewrite itself never changes which values the function
returns: the flag shape is used whenever an `error` return could be nil.

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
from leakscope.core.rules._flow import LOOP, inside, jump_target, own_nodes, terminates
from leakscope.core.rules._wrap_loop import wrap_loop_body
from leakscope.core.syntax import FUNCTION_NODES, captures, function_name, text

_DEFERS = "(defer_statement) @defer"
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
    if target is None or target.type != LOOP or not inside(loop, target):
        return False
    return not _loops_above(target, func)


def _escapes(stmt: Node, loop: Node, func: Node) -> bool:
    """Whether a jump inside `stmt` may lead to another iteration of `loop`."""
    for _, jump in own_nodes(_JUMPS, stmt):
        if jump.type == "goto_statement":
            return True
        target = jump_target(jump)
        if target is not None and inside(target, stmt):
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
    for defer in captures(_DEFERS, ctx.root).get("defer", []):
        loop, func = _loop_and_function(defer)
        if loop is None or func is None:
            continue
        if not iterates_after(defer, loop, func, imports):
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
)
