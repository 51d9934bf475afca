"""## What it does
Finds `context.WithCancel`, `context.WithTimeout` and `context.WithDeadline` (and their
`...Cause` variants, under whatever name the file imports `context` as, dot imports included;
a local variable shadowing that name is not the package) whose cancel function is

- thrown away with `_`, or
- kept in a local variable that is not used on every path out of its scope: a `return`,
  `break` or `continue` (or the end of the block) is reached before the function is called,
  deferred, returned, stored or handed to another function.

A cancel function assigned in a loop (`ctx, cancel = context.WithTimeout(...)`) to a
variable declared outside it is reported too when the next iteration can overwrite it before
anyone called it (a `cancel()` after the loop cancels only the last context): the variable
has no other use in the loop body, or its only other uses are `cancel()` statements after
the assignment that some path to the next iteration skips (a `continue` reached with no call
before it, named as a related location, or the end of the body with no call after the
assignment; a call in a block that leaves the function, `if err != nil { cancel(); return
err }`, is not on the way to the next iteration). Any other use in the loop (a call before
the assignment, a nil check, an `append` to a list of cancel functions, a deferred call, a
closure) counts as handling it (a field: see below). There is no fix: call it at the end of
each iteration and before each `continue`, once the context is no longer used. Its impact is
judged as for any context made in a loop (below).

A helper of the package whose results are `(context.Context, context.CancelFunc)` and whose
every `return` is `return context.WithX(...)` (`withRequestDeadline(ctx, md)`) is followed as
if its callers had called `context.WithX` themselves, in any file of the package: the finding
names the helper and its `return` as a related location (a helper returning `WithCancel` on
some path counts as `WithCancel`: not timed). Helpers that may return anything else (a shared
context) are not followed, nor methods or helpers of other packages.

Storing the cancel function (in a field, a struct, a map), passing it to a function, capturing
it in a closure or returning it moves its ownership elsewhere: those are not reported, but for
one case. Neither is `main.main` outside loops (returning from it ends the process). The
path analysis follows `if`s and `switch`es case by case (a case may leak; a `switch`
handles it only when every case and a `default` do) and gives up silently on `select`,
loops, `fallthrough` and `goto` that involve the cancel variable.

The case: a cancel function kept in a field (`s.ctx, s.cancel = context.WithCancel(p)`, or
`ctx, cancel := context.WithCancel(p)` whose only use is `s.cancel = cancel`) or in a
package variable (`ctx, stopWorkers = context.WithCancel(p)`) by a function that can run
again on the same object while the field still holds the cancel function before, which then
nobody can call:
- the store is in a loop of that function;
- the function is an exported method named for calling again (`Reset`, `Restart`, `Reload`,
  `Reconnect`, `Refresh`, `Update...`, `Set...`);
- callers in the package (not `_test.go` files) call it in a loop, from two places or more,
  or from one caller that runs again itself, on a live object (not one the caller has just
  made).
It is silent when the storing function does anything else with the field (or variable) than
assigning it (`if s.cancel != nil { s.cancel() }`, `defer s.cancel()`, a nil check); when
it, or the caller before the call, calls the field (or a function of the package that does,
like `Close`); when the loop does so in sequence with the call or store (not in another
`case`); when the field belongs to an object the function makes (a constructor); and in a
function literal used as a value. Objects, methods and fields are matched as for tickers
(see ticker-not-stopped: the receiver or the parameter the field belongs to; a method
several types declare counts on the caller's own receiver, or in a loop for a parameter's
field), and a call of the old cancel function in another method that runs first at run time
(not in the caller) is not seen.

What the lost cancel function leaves behind depends on the parent:
- a parent that can be cancelled (a parameter, `s.base`): the previous child stays in the
  parent's list of children (with its timer, for `WithTimeout`/`WithDeadline`, until the
  deadline) until the parent is cancelled: one more per run;
- `context.Background()`/`TODO()` (directly or through `WithValue`/`WithoutCancel`): the
  child registers nowhere. A `WithCancel` child is garbage once replaced: silent. A
  `WithTimeout`/`WithDeadline` child is held by its timer until the deadline, then let go:
  minor (`info`), the reason gives the timeout when the code fixes it. Unless the function
  starts a goroutine with the new context (`go s.run(ctx)`, or `go s.loop()` where `loop`
  reads the context field): that goroutine waits on a `Done` that never closes (for
  `WithCancel`: a warning), or closes only at the deadline (minor). The message names the
  goroutine.

## Impact
- A child of `Background()`/`TODO()` (directly, through `WithValue`/`WithoutCancel`, or through
  a local variable given only such a value) is minor (`info`): for `WithCancel` nothing leaks
  beyond the convention; for `WithTimeout`/`WithDeadline` a timer leaks until the deadline, and
  the reason gives the timeout when the code fixes it (`2*time.Second`, `time.Now().Add(d)`
  with a constant `d`). It grows only when it is created on every iteration of a loop that runs
  as long as the data allow and the timeout is a second or more, or unknown: then timers pile
  up faster than they expire.
- A child of any other parent (a parameter, a field) stays registered with it until the
  deadline or until the parent is cancelled: it grows, once per call of the function or once
  per iteration of the loop it is made in, and is a warning. It is minor when it is created
  once per program (in `init`, a `sync.Once`'s `Do` literal, or a function of package main
  that only such code calls, outside loops).
- A cancel function replaced in a field leaks once per run of the storing function (a
  warning, whose reason says why it runs again), and is minor when every run comes from code
  that runs once or from a loop with a known small number of trips.
- Findings in test code (`_test.go` files and test support files: see the README's
  "Impact") are minor: the test ends soon.

## Why is this bad?
A derived context registers itself with a cancellable parent and, for
`WithTimeout`/`WithDeadline`, holds a timer. Until the cancel function runs (or the deadline
passes), the context, its timer, its `Done` channel and everything its values reference stay
reachable from the parent: with a long-lived parent (a server's base context, a request
context held by a stream) that is a leak per call, and goroutines waiting on `ctx.Done()` never
wake up. `go vet`'s `lostcancel` check reports the same thing.

`context.Background()` and `context.TODO()` are never cancelled, so a child of theirs (or of
`WithValue`/`WithoutCancel` over them) registers with no parent: a dropped `WithCancel` child
holds nothing at all, and a `WithTimeout`/`WithDeadline` child only its timer, until the
deadline. The message says which.

## Example
```go
func fetch(ctx context.Context, url string) (*Page, error) {
        ctx, _ = context.WithTimeout(ctx, 5*time.Second)
        return download(ctx, url)
}

func lookup(ctx context.Context, key string) (string, error) {
        ctx, cancel := context.WithTimeout(ctx, time.Second)
        if key == "" {
                return "", errEmpty // cancel is never called on this path
        }
        defer cancel()
        return db.Get(ctx, key)
}
```

## Use instead
```go
func fetch(ctx context.Context, url string) (*Page, error) {
        var cancel context.CancelFunc
        ctx, cancel = context.WithTimeout(ctx, 5*time.Second)
        defer cancel()
        return download(ctx, url)
}

func lookup(ctx context.Context, key string) (string, error) {
        ctx, cancel := context.WithTimeout(ctx, time.Second)
        defer cancel()
        if key == "" {
                return "", errEmpty
        }
        return db.Get(ctx, key)
}
```

## Fix safety
The fix names the cancel function (`cancel`, else `cancelCtx`, `cancelFunc`, `cancel2`, ...:
the first name not used in the function, not declared at package level or imported, and not
given by another fix of the same file) and adds
`defer cancel()` right after the call (`defer cancel(nil)` for `WithCancelCause`); a later
`defer cancel()` of the same variable in the same block is removed as redundant. Calling a
cancel function more than once is harmless, so existing calls stay.

The fix is offered only when the derived context does not visibly outlive the function: it is
not returned, stored in a field or package variable, sent on a channel, used by a goroutine or
captured by a closure that may run later. It is **safe** for `WithTimeout`/`WithDeadline`
(the context was going to end at its deadline anyway) and **unsafe** for `WithCancel` and
`WithCancelCause`, and for any context that flows into a value the function returns or stores,
because leakscope cannot see inside callees: a callee that starts background work bound to
the context would now see it cancelled when the function returns. There is no fix inside a
loop (a deferred call would only run when the function returns: call `cancel()` at the end of
each iteration instead), for an `if`/`switch` header, or for a cancel variable that is passed,
stored or captured somewhere.

For a cancel function replaced in a field, the fix calls the old one first (`if s.cancel !=
nil { s.cancel() }` before the assignment), offered only when every field of that name in the
package is declared `context.CancelFunc` or `func()` (`CancelCauseFunc` or `func(error)`, then
called with `nil`), and not when the new context derives from the field being replaced
(`s.ctx, s.cancel = context.WithCancel(s.ctx)`: cancelling the old one would cancel the new).
It is **unsafe**: it ends the work still running under the previous context, which is
usually what a restart means, but leakscope cannot see that nothing still needs it.


## References
- Go 101, "Memory Leaking Scenarios"
- https://pkg.go.dev/context#WithCancel
- https://pkg.go.dev/golang.org/x/tools/go/analysis/passes/lostcancel
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tree_sitter import Node

from leakscope.core import flow
from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.model import (
    Applicability,
    Fix,
    FixAvailability,
    Impact,
    Related,
    Rule,
    Severity,
    TextEdit,
)
from leakscope.core.package_files import files_of, state
from leakscope.core.rules._lifetime import (
    SECOND,
    duration_ns,
    format_duration,
    package_name,
    runs_once,
)
from leakscope.core.rules._loops import loops_around, loops_impact
from leakscope.core.rules._replaced import (
    Maker,
    Release,
    Replaced,
    function_calls,
    held_types,
    member_read,
    package_files,
    package_variable,
    release_old_first,
    replaced,
    store_target,
)
from leakscope.core.syntax import (
    FUNCTION_NODES,
    ancestor_between,
    captures,
    enclosing_function,
    function_name,
    line_indent,
    statement_list,
    statements,
    text,
    unparen,
)

_FUNCS = tuple(
    f"With{kind}{cause}".encode()
    for kind in ("Cancel", "Timeout", "Deadline")
    for cause in ("", "Cause")
)
_IDENTS = "(identifier) @id"
_EXITS = """
[(return_statement) (break_statement) (continue_statement) (goto_statement)] @exit
"""
_TERMINATING_CALLS = frozenset(
    {"panic", "os.Exit", "log.Fatal", "log.Fatalf", "log.Fatalln", "log.Panic", "log.Panicf"}
)
_NOT_TAINTED = frozenset({"_", "err", "ok"})
_CONTEXT_METHODS = frozenset({"Err", "Done", "Deadline", "Value"})
_BREAK_TARGETS = frozenset(
    {"for_statement", "expression_switch_statement", "type_switch_statement", "select_statement"}
)
_CASES = frozenset({"expression_case", "default_case", "type_case", "communication_case"})


# Outcomes of following the paths after the cancel function is created.
HANDLED = "handled"  # every path uses the cancel variable
OPEN = "open"  # some path reaches the end of the statements without using it
UNKNOWN = "unknown"  # too complex: stay silent


@dataclass
class Leak:
    node: Node  # the exit (return, break, continue) or the block's closing brace
    what: str


Outcome = str | Leak


def check(ctx: FileContext) -> Iterator[Diagnostic]:
    names = {name for name, path in ctx.imports.items() if path == "context"}
    if not names:
        return
    for call in _with_calls(ctx):
        func = call.child_by_field_name("function")
        if func is None:
            continue
        if func.type == "selector_expression":
            operand = func.child_by_field_name("operand")
            if operand is None or operand.type != "identifier" or text(operand) not in names:
                continue
            qualifier = text(operand) + "."
            fn = text(func.child_by_field_name("field"))
        elif "." in names:
            qualifier, fn = "", text(func)
        else:
            continue
        diag = _check_call(ctx, call, qualifier, fn)
        if diag is not None:
            yield diag
    for helper in context_helpers(ctx).values():
        for call in function_calls(ctx, helper.name):
            diag = _check_call(ctx, call, "", helper.fn, helper)
            if diag is not None:
                diag.related.insert(0, helper.related(ctx))
                yield diag


@dataclass(frozen=True)
class _Helper(Maker):
    """A function of the package that returns a new context and its cancel function
    (`return context.WithTimeout(parent, d)`): its caller must call that."""

    fn: str  # the WithX it returns (WithCancel when some return is one: not timed)

    def related(self, ctx: FileContext) -> tuple[int, int, str] | Related:
        return self.at_return(
            ctx, f"{self.name} returns {self.fn}'s context and cancel function here"
        )


_HELPER_RETURN = re.compile(rb"(\w+)\.(With(?:Cancel|Timeout|Deadline))\(")


def context_helpers(ctx: FileContext) -> dict[str, _Helper]:
    """The package's functions whose results are `(context.Context, context.CancelFunc)`
    and whose every `return` is `return context.WithX(...)`, by name. Found once per
    package (the current file alone when its files are not attached, and then not kept)."""
    cache = state(ctx.package)  # (a fresh one for a package not attached: not kept)
    found = cache.get("context-not-cancelled.helpers")
    if isinstance(found, dict):
        return found
    found = {}
    for path, (source, tree) in package_files(ctx).items():
        if b"CancelFunc" not in source:
            continue
        aliases = {b"context"} | {
            m.group(1) for m in re.finditer(rb'(\w+)\s+"context"', source[:4096])
        }
        shapes = {f"({a.decode()}.Context, {a.decode()}.CancelFunc)" for a in aliases}
        for decl in tree.root_node.named_children:
            result = decl.child_by_field_name("result")
            body = decl.child_by_field_name("body")
            if decl.type != "function_declaration" or result is None or body is None:
                continue
            if " ".join(text(result).split()) not in shapes:
                continue
            kinds, first = set(), None
            for ret in flow.returns_of(decl):
                values = [c for c in ret.named_children if c.type != "comment"]
                if len(values) == 1 and values[0].type == "expression_list":
                    values = [c for c in values[0].named_children if c.type != "comment"]
                value = unparen(values[0]) if len(values) == 1 else None
                call = value if value is not None and value.type == "call_expression" else None
                match = _HELPER_RETURN.match(text(call).encode()) if call is not None else None
                if match is None or match.group(1) not in aliases:
                    kinds = set()
                    break
                kinds.add(match.group(2).decode())
                first = first or ret
            if kinds and first is not None:
                fn = "WithCancel" if "WithCancel" in kinds else sorted(kinds)[-1]
                name = text(decl.child_by_field_name("name"))
                found[name] = _Helper(name, path, first, fn)
    cache["context-not-cancelled.helpers"] = found
    return found


def _with_calls(ctx: FileContext) -> list[Node]:
    """Calls `x.WithCancel(...)` or `WithCancel(...)` (and the other `_FUNCS`), in source
    order."""
    out = []
    for name in _FUNCS:
        for ident in ctx.tokens(name):
            parent = ident.parent
            if ident.type == "field_identifier" and parent is not None:
                if parent.type != "selector_expression":
                    continue
                function, call = parent, parent.parent
            elif ident.type == "identifier":
                function, call = ident, parent
            else:
                continue
            if (
                call is not None
                and call.type == "call_expression"
                and call.child_by_field_name("function") == function
            ):
                out.append(call)
    return sorted(out, key=lambda node: node.start_byte)


@dataclass
class _Site:
    call: Node
    stmt: Node  # the statement holding the call (short var, assignment or var declaration)
    lhs: list[Node]
    kind: str  # ":=", "=", "var"
    func: Node  # the innermost function holding the call
    qualifier: str  # "context." (or "" for a dot import)
    fn: str  # WithCancel, ... (for a helper's call, the one the helper returns)
    helper: _Helper | None = None  # a function of the package returning context.WithX(...)

    @property
    def shown(self) -> str:
        """The call as messages name it: `context.WithTimeout`, or the helper's name."""
        return self.helper.name if self.helper is not None else f"{self.qualifier}{self.fn}"


def _site(call: Node, qualifier: str, fn: str, helper: _Helper | None = None) -> _Site | None:
    values = call.parent
    if values is None or values.type != "expression_list" or values.named_child_count != 1:
        return None
    holder = values.parent
    if holder is None:
        return None
    if holder.type == "short_var_declaration":
        kind = ":="
    elif holder.type == "assignment_statement":
        if text(holder.child_by_field_name("operator")) != "=":
            return None
        kind = "="
    elif holder.type == "var_spec":
        kind = "var"
    else:
        return None
    if kind == "var":
        lhs = holder.children_by_field_name("name")
        stmt = holder.parent
        while stmt is not None and stmt.type != "var_declaration":
            stmt = stmt.parent
    else:
        left = holder.child_by_field_name("left")
        lhs = left.named_children if left is not None else []
        stmt = holder
    if len(lhs) != 2 or stmt is None:
        return None
    func = enclosing_function(call)
    if func is None:  # a package-level variable keeps it for the program's life
        return None
    return _Site(call, stmt, lhs, kind, func, qualifier, fn, helper)


def _check_call(
    ctx: FileContext, call: Node, qualifier: str, fn: str, helper: _Helper | None = None
) -> Diagnostic | None:
    site = _site(call, qualifier, fn, helper)
    if site is None:
        return None
    if qualifier and _declaration(site.func, site.stmt, qualifier[:-1]) is not None:
        return None  # a local variable or parameter shadows the package name
    in_loop = ancestor_between(call, site.func, {"for_statement"}) is not None
    if not in_loop and _is_main(ctx, site.func):
        return None
    cancel = site.lhs[1]
    severity = Severity.INFO if ctx.is_test else None
    if cancel.type == "selector_expression":
        return _field_overwritten(ctx, site, site.stmt, unparen(cancel), severity)
    if cancel.type != "identifier":
        return None  # stored in a map or through a pointer: ownership moved
    if text(cancel) == "_":
        return _discarded(ctx, site, in_loop, severity)
    if site.kind == "=" and package_variable(ctx, cancel):
        return _field_overwritten(ctx, site, site.stmt, cancel, severity)
    store = _stored_only(ctx, site, text(cancel))
    if store is not None:
        overwritten = _field_overwritten(ctx, site, store[0], store[1], severity)
        if overwritten is not None:
            return overwritten
    if in_loop and site.kind == "=":
        overwritten = _overwritten(ctx, site, text(cancel), severity)
        if overwritten is not None:
            return overwritten
    return _not_called(ctx, site, text(cancel), in_loop, severity)


def _overwritten(
    ctx: FileContext, site: _Site, name: str, severity: Severity | None
) -> Diagnostic | None:
    """`ctx, cancel = context.WithTimeout(...)` in a loop, into a variable declared outside
    it, with no other use of the variable in the loop: the next iteration overwrites the
    cancel function before anyone called it (a `cancel()` after the loop calls the last one
    only)."""
    loop = ancestor_between(site.call, site.func, {"for_statement"})
    body = loop.child_by_field_name("body") if loop is not None else None
    if loop is None or body is None:
        return None
    binding = ctx.types.lookup(site.lhs[1])
    if binding is None or not binding.is_local or binding.node is None:
        return None
    if loop.start_byte <= binding.node.start_byte < loop.end_byte:
        return None  # declared in the loop: one variable per iteration, the flow decides
    word = re.compile(rb"(?<![\w.])" + re.escape(name.encode()) + rb"(?!\w)")
    code = loop.text or b""
    own = site.lhs[1].start_byte
    calls: list[Node] = []
    for match in word.finditer(code):
        at = loop.start_byte + match.start()
        node = loop.descendant_for_byte_range(at, at + len(name))
        if at == own or node is None or node.type != "identifier":
            continue
        if at < site.stmt.start_byte or not _is_call_statement(node, site.func):
            return None  # checked, passed, stored, or called before: handled there
        calls.append(node)
    skipping: list[Node] = []
    if calls:
        # Called later in the iteration: reported only when a path to the next iteration
        # (a `continue`, or the end of the body) skips every call.
        skipping = _skips_to_next_iteration(site, loop, body, calls)
        if not skipping:
            return None
    judged = _judge(ctx, site, True)
    message = (
        f"the cancel function {name} of {site.shown} is overwritten by the next "
        f"iteration of the loop before it is called: {judged.what}"
    )
    diag = Diagnostic(
        site.stmt.start_byte,
        site.call.end_byte,
        message,
        severity=severity,
        impact=judged.impact,
        impact_reason=judged.reason,
    )
    decl = binding.node
    diag.related.append((decl.start_byte, decl.end_byte, f"{name} is declared outside the loop"))
    diag.related.append(
        (
            loop.start_byte,
            body.start_byte,
            f"each iteration assigns {name} again; only the last one can be called after the loop",
        )
    )
    for node in skipping[:3]:
        diag.related.append(
            (
                node.start_byte,
                node.end_byte,
                f"the next iteration starts from here without calling {name}",
            )
        )
    diag.no_fix_reason = (
        f"no automatic fix: call {name}() at the end of each iteration, once the context is "
        "no longer used"
    )
    return diag


def _is_call_statement(ident: Node, func: Node) -> bool:
    """`cancel()` as a statement of `func` itself (not deferred, not in a closure)."""
    call = ident.parent
    return (
        call is not None
        and call.type == "call_expression"
        and call.child_by_field_name("function") == ident
        and call.parent is not None
        and call.parent.type == "expression_statement"
        and enclosing_function(call) == func
    )


def _skips_to_next_iteration(site: _Site, loop: Node, body: Node, calls: list[Node]) -> list[Node]:
    """The `continue` statements of `loop` reached after the assignment with no `cancel()`
    before them, and the loop body's block when its end is reachable with no call after the
    assignment (calls in an earlier `if` get the benefit of the doubt, as for tickers, but
    not one in a block that leaves the function: `if err != nil { cancel(); return err }`
    never runs on the way to the next iteration)."""
    marks = [c.parent for c in calls if c.parent is not None]
    out: list[Node] = []
    for stmt in captures("(continue_statement) @c", body).get("c", []):
        if enclosing_function(stmt) != site.func or stmt.start_byte < site.stmt.end_byte:
            continue
        if flow.branch_target(stmt, site.func) != loop:
            continue
        if not flow.runs_after(site.stmt, stmt):
            continue
        if not flow.preceded_by(stmt, site.stmt.end_byte, marks, site.func):
            out.append(stmt)
    after = [
        m
        for m in marks
        if m.start_byte >= site.stmt.end_byte and not _leaves_function(m, body, site.func)
    ]
    if not after and not flow.block_terminates(body, site.func):
        out.append(body)
    return out


def _leaves_function(statement: Node, body: Node, func: Node) -> bool:
    """Whether `statement` is in a block inside `body` that ends by leaving `func` (a
    `return`, a `panic`): from there no path goes on to the next iteration."""
    node = statement.parent
    while node is not None and node != body:
        if node.type == "block" and flow.block_terminates(node, func):
            return True
        node = node.parent
    return False


# ---------------------------------------------------------------------------------------------
# `s.ctx, s.cancel = context.WithCancel(parent)` in a method that runs again


def _stored_only(ctx: FileContext, site: _Site, name: str) -> tuple[Node, Node] | None:
    """(the assignment, its `x.f` target) when the cancel variable's only use after the call
    is `x.f = name`: the field holds the only way to cancel the context."""
    body = site.func.child_by_field_name("body")
    if body is None or site.kind != ":=":
        return None
    store = rb"\w(?:\s*,\s*[\w.]+)*\s*=[^=][^\n]*\b" + re.escape(name.encode()) + rb"\b"
    if re.search(store, body.text or b"", re.M) is None:
        return None  # no `x.f = name`: the usual case, decided without a query
    uses = [
        n
        for n in captures(_IDENTS, body).get("id", [])
        if text(n) == name and n.start_byte >= site.stmt.end_byte
    ]
    if len(uses) != 1:
        return None
    stored = store_target(uses[0])
    if stored is None or enclosing_function(stored[0]) != site.func:
        return None
    target = stored[1]
    if target.type == "selector_expression" or (
        target.type == "identifier" and package_variable(ctx, target)
    ):
        return stored
    return None


# A cancel function is released by calling it.
_CALL = Release(rb"\s*\(")


def _field_overwritten(
    ctx: FileContext, site: _Site, store: Node, target: Node, severity: Severity | None
) -> Diagnostic | None:
    """The cancel function kept in `x.f` by a function that can run again on the same object,
    with nothing calling the one `x.f` held before: each run leaves a context behind."""
    found = replaced(ctx, site.func, store, target, _CALL)
    if found is None:
        return None
    grows, why = found.repeats(ctx.root)
    if found.loops:
        when = "on each iteration of the loop"
        count = f"one per iteration ({why})"
    else:
        when = f"each time {found.name} runs"
        count = f"one per call of {found.name}: {why}"
    worker = _goroutine_with(site, found.named, found.files)
    root_parent = _rootless_parent(site)
    timed = not site.fn.startswith("WithCancel")
    args = _arguments(site.call) if site.helper is None else []
    parent = f"`{_short(args[0])}`" if args else "its parent"
    if root_parent is not None:
        ns = _timeout_ns(ctx, site) if timed else None
        until = f"for at most {format_duration(ns)}" if ns is not None else "until its deadline"
        if worker is None and not timed:
            return None  # registered nowhere: the old context is garbage once dropped
        if worker is None:
            # Registered nowhere either, but its timer holds it until the deadline.
            what = (
                f"its parent is {root_parent}, so the previous context is registered nowhere "
                f"and only its timer stays alive, {until}"
            )
            grows = False
            count = f"only a timer per run, alive {until}"
        else:
            what = (
                f"the goroutine started with the previous context ({_clip(worker)}) is never "
                "told to stop"
            )
            what += f" {until}" if timed else ""
            what += f" (its parent is {root_parent}, so nothing else is held)"
            if timed:
                grows = False
                count = f"a goroutine per run, each alive {until}"
            else:
                count = count.replace("one per", "a goroutine per", 1)
    else:
        what = f"the previous context stays registered with {parent} until that is cancelled"
        if timed:
            what = (
                f"the previous context and its timer stay registered with {parent} until "
                "the deadline"
            )
        if worker is not None:
            what += f", and the goroutine started with it ({_clip(worker)}) is never told to stop"
    message = (
        f"{text(target)} is replaced {when} before the cancel function it held is called: {what}"
    )
    diag = Diagnostic(
        site.stmt.start_byte,
        site.call.end_byte,
        message,
        severity=severity,
        impact=None if ctx.is_test else (Impact.GROWS if grows else Impact.BOUNDED),
        impact_reason="" if ctx.is_test else (count if grows else _bounded(count)),
    )
    if store != site.stmt:
        diag.related.append(
            (
                store.start_byte,
                store.end_byte,
                f"the cancel function is kept in {text(target)} here",
            )
        )
    diag.related.extend(found.related(ctx))  # type: ignore[arg-type]
    diag.fix, diag.no_fix_reason = _cancel_old_fix(ctx, site, store, target, found)
    return diag


def _bounded(count: str) -> str:
    return (
        count
        if count.startswith(("only a timer", "a goroutine per run"))
        else (f"a fixed number: {count}")
    )


def _cancel_old_fix(
    ctx: FileContext,
    site: _Site,
    store: Node,
    target: Node,
    found: Replaced,
) -> tuple[Fix | None, str | None]:
    """`if s.cancel != nil { s.cancel() }` before the assignment (unsafe: it ends the work
    still running under the previous context)."""
    cause = site.fn.endswith("Cause")
    wanted = {f"{n}.CancelCauseFunc" if cause else f"{n}.CancelFunc" for n in _context_names(ctx)}
    wanted |= {"func(error)"} if cause else {"func()"}
    types = held_types(ctx, found.files, target, found.field)
    if not types or not types <= wanted:
        return None, (
            f"no automatic fix: the type of {text(target)} is not known to be a cancel "
            "function; call the one it holds before replacing it"
        )
    args = _arguments(site.call)
    lhs = {"".join(text(n).split()) for n in site.lhs}
    if args and "".join(text(args[0]).split()) in lhs:
        return None, (
            "no automatic fix: the new context derives from the previous one, which calling "
            "the old cancel function would cancel too"
        )
    held = text(target)
    edit, why = release_old_first(
        ctx, store, held, f"{held}({'nil' if cause else ''})", "cancel function"
    )
    if edit is None:
        return None, why
    title = f"Cancel the previous context before replacing {held}"
    return Fix(title, (edit,), Applicability.UNSAFE), None


def _clip(code: str, width: int = 40) -> str:
    code = " ".join(code.split())
    return code if len(code) <= width else code[: width - 1] + "…"


def _context_names(ctx: FileContext) -> set[str]:
    return {n for n, p in ctx.imports.items() if p == "context" and n not in (".", "_")} | {
        "context"
    }


def _goroutine_with(site: _Site, named: Node, files: dict[str, tuple[bytes, Any]]) -> str | None:
    """The `go` statement (its text) after the call that is handed the new context: it
    names the context variable (`go run(ctx)`, `go s.loop(s.ctx)`), or starts a method of
    the package that reads the context field (`go s.loop()` where loop uses `s.ctx`)."""
    ctx_node = unparen(site.lhs[0])
    if text(ctx_node) == "_":
        return None
    name = text(ctx_node)
    field = (
        text(ctx_node.child_by_field_name("field"))
        if ctx_node.type == "selector_expression"
        else None
    )
    body = named.child_by_field_name("body")
    if body is None:
        return None
    for stmt in captures("(go_statement) @go", body).get("go", []):
        if stmt.start_byte < site.stmt.end_byte:
            continue
        code = text(stmt)
        if re.search(r"(?<![\w.])" + re.escape(name) + r"(?!\w)", code):
            return code
        if field is None:
            continue
        called = re.match(r"go\s+\w+\.(\w+)\s*\(", code)
        if called is None:
            continue
        method = re.compile(
            rb"^func\s*\([^)]*\)\s*" + re.escape(called.group(1).encode()) + rb"\s*\(", re.M
        )
        for source, _tree in files.values():
            found = method.search(source)
            if found is None:
                continue
            end = source.find(b"\n}", found.end())
            if re.search(rb"\." + re.escape(field.encode()) + rb"\b", source[found.end() : end]):
                return code
    return None


def _is_main(ctx: FileContext, func: Node) -> bool:
    if func.type != "function_declaration" or text(func.child_by_field_name("name")) != "main":
        return False
    summary = ctx.package.summaries.get(ctx.path)
    return summary is not None and summary.package == "main"


@dataclass
class _Judgement:
    what: str  # what leaks, for the message
    impact: Impact | None
    reason: str


def _judge(ctx: FileContext, site: _Site, in_loop: bool) -> _Judgement:
    """What actually leaks, and whether it grows.

    A child of `context.Background()`/`TODO()` (or of `WithValue`/`WithoutCancel` over them)
    has no parent to register with: a WithCancel child holds nothing once dropped, and a
    WithTimeout/WithDeadline child only its timer, until the deadline. A child of any other
    parent stays registered with it until the deadline or the parent's cancellation.
    """
    timed = not site.fn.startswith("WithCancel")
    root = _rootless_parent(site)
    loops = loops_around(site.call) if in_loop else []
    if root is not None:
        if not timed:
            return _Judgement(
                f"its parent is {root}, which is never cancelled, so the context is "
                "registered nowhere and holds nothing once dropped (only go vet's lostcancel "
                "convention is broken)",
                Impact.BOUNDED,
                f"a child of {root} holds nothing once dropped",
            )
        ns = _timeout_ns(ctx, site)
        until = f"for at most {format_duration(ns)}" if ns is not None else "until its deadline"
        what = (
            f"its parent is {root}, so the context is registered nowhere and only its timer "
            f"stays alive, {until}"
        )
        if loops:
            loop_impact, loop_reason = loops_impact(loops, ctx.root)
            if loop_impact is Impact.GROWS and (ns is None or ns >= SECOND):
                return _Judgement(
                    what,
                    None if ctx.is_test else Impact.GROWS,
                    f"a timer per iteration ({loop_reason}), each alive {until}",
                )
        return _Judgement(what, Impact.BOUNDED, f"only a timer leaks, {until}")
    args = _arguments(site.call) if site.helper is None else []
    parent = f"`{_short(args[0])}`" if args else "its parent"
    if timed:
        ns = _timeout_ns(ctx, site)
        what = "the context and its timer stay alive until the deadline passes"
        if ns is not None:
            what += f" ({format_duration(ns)})"
        held = f"registered with {parent} until its deadline"
    else:
        what = "the context stays registered with its parent until the parent is cancelled"
        held = f"registered with {parent} until that is cancelled"
    once = None if in_loop else runs_once(site.func, package_name(ctx), files_of(ctx.package))
    if once is not None:
        return _Judgement(what, Impact.BOUNDED, f"the context is created once: {once}")
    if ctx.is_test:
        return _Judgement(what, None, "")
    if loops:
        _, loop_reason = loops_impact(loops, ctx.root)
        return _Judgement(what, Impact.GROWS, f"one per iteration ({loop_reason}), {held}")
    name = function_name(site.func) or "the function"
    return _Judgement(what, Impact.GROWS, f"one per call of {name}, {held}")


def _short(node: Node, width: int = 30) -> str:
    s = " ".join(text(node).split())
    return s if len(s) <= width else s[: width - 1] + "…"


def _arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    return [c for c in args.named_children if c.type != "comment"] if args is not None else []


def _timeout_ns(ctx: FileContext, site: _Site) -> int | None:
    """The timeout of WithTimeout(parent, d) or WithDeadline(parent, time.Now().Add(d))."""
    args = _arguments(site.call)
    if len(args) < 2 or site.helper is not None:
        return None  # (a helper's arguments are its own)
    time_names = {n for n, p in ctx.imports.items() if p == "time" and n not in (".", "_")}
    value = unparen(args[1])
    if site.fn.startswith("WithDeadline"):
        # time.Now().Add(d)
        function = (
            value.child_by_field_name("function") if value.type == "call_expression" else None
        )
        operand = function.child_by_field_name("operand") if function is not None else None
        if (
            function is None
            or function.type != "selector_expression"
            or text(function.child_by_field_name("field")) != "Add"
            or operand is None
            or "".join(text(operand).split()) not in {f"{n}.Now()" for n in time_names}
        ):
            return None
        added = _arguments(value)
        return duration_ns(added[0], ctx.root, time_names) if len(added) == 1 else None
    return duration_ns(value, ctx.root, time_names)


def _rootless_parent(site: _Site) -> str | None:
    """`context.Background()` (as written) when the parent context derives from it or from
    `TODO()` through `WithValue`/`WithoutCancel` only, else None."""
    args = _arguments(site.call)
    if site.helper is not None:
        return None  # (a helper's arguments are its own)
    return _rootless(args[0], site, 0) if args else None


def _rootless(node: Node, site: _Site, depth: int) -> str | None:
    if depth > 4:
        return None
    node = unparen(node)
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        if function is None:
            return None
        if function.type == "selector_expression":
            if text(function.child_by_field_name("operand")) + "." != site.qualifier:
                return None
            name = text(function.child_by_field_name("field"))
        elif site.qualifier == "" and function.type == "identifier":
            name = text(function)
        else:
            return None
        if name in ("Background", "TODO"):
            return text(node)
        args = _arguments(node)
        if name in ("WithValue", "WithoutCancel") and args:
            return _rootless(args[0], site, depth + 1)
        return None
    if node.type != "identifier":
        return None
    value = _only_value(text(node), site)
    return _rootless(value, site, depth + 1) if value is not None else None


def _only_value(name: str, site: _Site) -> Node | None:
    """The value of local variable `name` when it is given one value only, before the call
    (besides the call's own statement assigning it, outside loops)."""
    body = site.func.child_by_field_name("body")
    if body is None or _declaration(site.func, site.stmt, name) in ("result",):
        return None
    found: list[tuple[Node, Node | None]] = []
    for holder in captures(
        "[(short_var_declaration) (assignment_statement) (var_spec)] @h", body
    ).get("h", []):
        if holder.type == "var_spec":
            targets = holder.children_by_field_name("name")
            values = holder.child_by_field_name("value")
        else:
            left = holder.child_by_field_name("left")
            targets = left.named_children if left is not None else []
            values = holder.child_by_field_name("right")
        names = [text(t) for t in targets]
        if name not in names:
            continue
        if holder in (site.stmt, site.call.parent.parent if site.call.parent else None):
            if ancestor_between(site.call, site.func, {"for_statement"}) is not None:
                return None  # the next iteration's parent is this call's child
            continue
        value = None
        if values is not None and len(values.named_children) == len(names):
            value = values.named_children[names.index(name)]
        found.append((holder, value))
    if len(found) != 1:
        return None
    holder, value = found[0]
    if holder.start_byte > site.stmt.start_byte or enclosing_function(holder) != site.func:
        return None
    return value


# ---------------------------------------------------------------------------------------------
# `ctx, _ := context.WithTimeout(...)`


def _discarded(
    ctx: FileContext, site: _Site, in_loop: bool, severity: Severity | None
) -> Diagnostic:
    judged = _judge(ctx, site, in_loop)
    message = f"the cancel function returned by {site.shown} is discarded: {judged.what}"
    diag = Diagnostic(
        site.stmt.start_byte,
        site.call.end_byte,
        message,
        severity=severity,
        impact=judged.impact,
        impact_reason=judged.reason,
    )
    fix, reason = _defer_fix(ctx, site, None, in_loop)
    diag.fix, diag.no_fix_reason = fix, reason
    return diag


# ---------------------------------------------------------------------------------------------
# `ctx, cancel := context.WithTimeout(...)` with a path that never uses cancel


def _not_called(
    ctx: FileContext, site: _Site, name: str, in_loop: bool, severity: Severity | None
) -> Diagnostic | None:
    flow = _Flow(site.func, name)
    outcome = flow.after_definition(site)
    if not isinstance(outcome, Leak):
        return None
    judged = _judge(ctx, site, in_loop)
    message = (
        f"the cancel function {name} of {site.shown} is not called on every path: {judged.what}"
    )
    diag = Diagnostic(
        site.stmt.start_byte,
        site.call.end_byte,
        message,
        severity=severity,
        impact=judged.impact,
        impact_reason=judged.reason,
    )
    diag.related.append((outcome.node.start_byte, outcome.node.end_byte, outcome.what))
    if site.kind == "=":
        diag.no_fix_reason = (
            f"no automatic fix: {name} is an existing variable assigned here; call it on every "
            "path out of the function"
        )
        return diag
    uses = [i for i in flow.refs() if i.start_byte >= site.stmt.end_byte]
    if any(not _is_direct_call(i) for i in uses):
        diag.no_fix_reason = (
            f"no automatic fix: {name} is passed or stored on some paths; call it on the others"
        )
        return diag
    diag.fix, diag.no_fix_reason = _defer_fix(ctx, site, name, in_loop)
    return diag


def _is_direct_call(ident: Node) -> bool:
    """`cancel()` as a statement or in `defer cancel()`."""
    call = ident.parent
    if (
        call is None
        or call.type != "call_expression"
        or call.child_by_field_name("function") != ident
    ):
        return False
    holder = call.parent
    return holder is not None and holder.type in ("expression_statement", "defer_statement")


class _Flow:
    """Follows the statements after the definition of a cancel variable, as lostcancel does
    over a control-flow graph, but structurally and only through `if` and blocks."""

    def __init__(self, func: Node, name: str) -> None:
        self.func = func
        self.name = name
        self._refs: list[Node] | None = None

    def refs(self) -> list[Node]:
        if self._refs is None:
            body = self.func.child_by_field_name("body")
            found = captures(_IDENTS, body).get("id", []) if body is not None else []
            self._refs = [n for n in found if text(n) == self.name]
        return self._refs

    def references(self, node: Node) -> bool:
        return any(
            node.start_byte <= r.start_byte and r.end_byte <= node.end_byte for r in self.refs()
        )

    def after_definition(self, site: _Site) -> Outcome:
        stmts_node = site.stmt.parent
        if stmts_node is None or stmts_node.type != "statement_list":
            return UNKNOWN  # an `if`/`switch` header: leave it to vet
        if site.kind == "=":
            return self._after_assignment(site, stmts_node)
        outcome = self.scan(_following(site.stmt))
        if outcome == OPEN:
            return self._end_of_scope(stmts_node, named_result=False)
        return outcome

    def _after_assignment(self, site: _Site, stmts_node: Node) -> Outcome:
        declared = _declaration(self.func, site.stmt, self.name)
        if declared is None or declared == "result":
            return UNKNOWN  # declared outside the function, or a named result (returned)
        if ancestor_between(site.stmt, declared, {"for_statement", "func_literal"}) is not None:
            return UNKNOWN  # the next iteration may use it: needs a real CFG
        for ref in self.refs():
            if ancestor_between(ref, self.func, {"func_literal"}) is not None:
                return UNKNOWN  # a closure may call whatever the variable holds when it runs
        current = site.stmt
        while True:
            outcome = self.scan(_following(current))
            if outcome != OPEN:
                return outcome
            stmts_node = current.parent
            if stmts_node == declared or stmts_node is None:
                return self._end_of_scope(declared, named_result=False)
            holder = _statement_of(stmts_node)
            if holder is None:
                return UNKNOWN
            current = holder

    def _end_of_scope(self, stmts_node: Node, named_result: bool) -> Outcome:
        if named_result:
            return HANDLED
        stmts = [c for c in stmts_node.named_children if c.type != "comment"]
        if stmts and _terminates(stmts[-1]):
            return HANDLED  # the end is never reached
        block = stmts_node.parent
        end = block if block is not None else stmts_node
        brace = end.children[-1] if end.child_count else end
        where = (
            "the function ends here without calling it"
            if block is not None and block.parent == self.func
            else "its scope ends here without calling it"
        )
        return Leak(brace, where)

    def scan(self, stmts: list[Node]) -> Outcome:
        for stmt in stmts:
            outcome = self.statement(stmt)
            if outcome != OPEN:
                return outcome
        return OPEN

    def statement(self, stmt: Node) -> Outcome:
        if not self.references(stmt):
            return self._exits(stmt)
        kind = stmt.type
        if kind == "if_statement":
            for field in ("initializer", "condition"):
                part = stmt.child_by_field_name(field)
                if part is not None and self.references(part):
                    return HANDLED
            cons = stmt.child_by_field_name("consequence")
            first = self.scan(statements(cons)) if cons is not None else OPEN
            alt = stmt.child_by_field_name("alternative")
            if alt is None:
                second: Outcome = OPEN
            elif alt.type == "if_statement":
                second = self.statement(alt)
            else:
                second = self.scan(statements(alt))
            for outcome in (first, second):
                if isinstance(outcome, Leak) or outcome == UNKNOWN:
                    return outcome
            return HANDLED if first == second == HANDLED else OPEN
        if kind == "block":
            return self.scan(statements(stmt))
        if kind in ("expression_switch_statement", "type_switch_statement"):
            return self._switch(stmt)
        if kind in ("for_statement", "select_statement", "labeled_statement"):
            return UNKNOWN
        return HANDLED  # called, deferred, returned, stored, passed or captured

    def _switch(self, stmt: Node) -> Outcome:
        """Each case is a way on: a leak in one is a leak; handled when every case handles
        it and one of them is the default (else no case may run)."""
        cases = [
            c
            for c in stmt.named_children
            if c.type in ("expression_case", "type_case", "default_case")
        ]
        bodies = [statement_list(c) for c in cases]
        inside = [b for b in bodies if b is not None]
        for ref in self.refs():
            if stmt.start_byte <= ref.start_byte < stmt.end_byte and not any(
                b.start_byte <= ref.start_byte < b.end_byte for b in inside
            ):
                return HANDLED  # the header or a case's value uses it
        outcomes = []
        for case in cases:
            body = statements(case)
            if any(s.type == "fallthrough_statement" for s in body):
                return UNKNOWN
            outcomes.append(self.scan(body))
        for outcome in outcomes:
            if isinstance(outcome, Leak) or outcome == UNKNOWN:
                return outcome
        default = any(c.type == "default_case" for c in cases)
        return HANDLED if default and all(o == HANDLED for o in outcomes) else OPEN

    def _exits(self, stmt: Node) -> Outcome:
        for exit_node in captures(_EXITS, stmt).get("exit", []):
            if enclosing_function(exit_node) != self.func:
                continue
            kind = exit_node.type
            if kind == "goto_statement":
                return UNKNOWN
            if kind == "return_statement":
                return Leak(exit_node, "this return is reached without calling it")
            label = next((c for c in exit_node.named_children if c.type == "label_name"), None)
            if not _leaves(exit_node, stmt, label):
                continue
            return Leak(exit_node, f"this {text(exit_node)} is reached without calling it")
        return OPEN


def _leaves(exit_node: Node, stmt: Node, label: Node | None) -> bool:
    """Whether a break/continue inside `stmt` jumps out of it."""
    targets = {"for_statement"} if exit_node.type == "continue_statement" else _BREAK_TARGETS
    parent = exit_node.parent
    while parent is not None:
        if label is None and parent.type in targets:
            return False
        if label is not None and parent.type == "labeled_statement":
            name = parent.child_by_field_name("label")
            if name is not None and text(name) == text(label):
                return False
        if parent == stmt:
            return True
        parent = parent.parent
    return True


def _following(stmt: Node) -> list[Node]:
    out = []
    sibling = stmt.next_named_sibling
    while sibling is not None:
        if sibling.type != "comment":
            out.append(sibling)
        sibling = sibling.next_named_sibling
    return out


def _statement_of(stmts_node: Node) -> Node | None:
    """The statement (a direct child of a statement list) that holds this statement list."""
    node = stmts_node.parent
    while node is not None:
        if node.type in FUNCTION_NODES or node.type == "for_statement":
            return None
        parent = node.parent
        if parent is not None and parent.type == "statement_list":
            return node
        node = parent
    return None


def _terminates(stmt: Node) -> bool:
    if stmt.type == "for_statement":
        return stmt.named_child_count == 1  # `for { ... }` with no clause
    if stmt.type == "select_statement":
        return stmt.named_child_count == 0
    if stmt.type == "expression_statement" and stmt.named_child_count:
        call = stmt.named_children[0]
        if call.type == "call_expression":
            return text(call.child_by_field_name("function")) in _TERMINATING_CALLS
    return False


def _declaration(func: Node, stmt: Node, name: str) -> Node | str | None:
    """The statement list that declares `name` before `stmt`, "result" for a named result,
    the function body's list for a parameter, or None when declared outside the function."""
    node = stmt
    while node is not None and node != func:
        parent = node.parent
        if parent is not None and parent.type == "statement_list":
            sibling = node.prev_named_sibling
            while sibling is not None:
                if _declares(sibling, name):
                    return parent
                sibling = sibling.prev_named_sibling
        node = parent
    body = func.child_by_field_name("body")
    body_list = (
        next((c for c in body.named_children if c.type == "statement_list"), None) if body else None
    )
    for field, outcome in (
        ("result", "result"),
        ("parameters", body_list),
        ("receiver", body_list),
    ):
        params = func.child_by_field_name(field)
        if params is None:
            continue
        for decl in params.named_children:
            if any(text(n) == name for n in decl.children_by_field_name("name")):
                return outcome
    return None


def _declares(stmt: Node, name: str) -> bool:
    if stmt.type == "short_var_declaration":
        left = stmt.child_by_field_name("left")
        return left is not None and any(text(n) == name for n in left.named_children)
    if stmt.type == "var_declaration":
        specs = [c for c in stmt.named_children if c.type == "var_spec"]
        for child in stmt.named_children:
            if child.type == "var_spec_list":
                specs.extend(c for c in child.named_children if c.type == "var_spec")
        return any(text(n) == name for s in specs for n in s.children_by_field_name("name"))
    return False


# ---------------------------------------------------------------------------------------------
# The fix: name it, `defer cancel()` right after


def _defer_fix(
    ctx: FileContext, site: _Site, name: str | None, in_loop: bool
) -> tuple[Fix | None, str | None]:
    if in_loop:
        return None, (
            "no automatic fix: the context is created inside a loop, where a deferred call "
            "would only run when the function returns; call cancel() at the end of each "
            "iteration and before every break, continue and return"
        )
    if site.stmt.parent is None or site.stmt.parent.type != "statement_list":
        return None, "no automatic fix: the context is created in an if/switch header"
    escape, unsafe = _context_escape(site)
    if escape is not None:
        return None, (
            f"no automatic fix: the context {escape}, so it must outlive the function; "
            "keep the cancel function and call it when that work is done"
        )
    applicability = (
        Applicability.UNSAFE if unsafe or site.fn.startswith("WithCancel") else Applicability.SAFE
    )
    line_end = _line_end(ctx.source, site.stmt.end_byte)
    if line_end is None:
        return None, "no automatic fix: another statement follows on the same line"
    indent = line_indent(ctx.source, site.stmt.start_byte)
    edits: list[TextEdit] = []
    if name is None:
        name = ctx.fresh_name(site.func, "cancel", "cancelCtx", "cancelFunc")
        cancel = site.lhs[1]
        edits.append(TextEdit(cancel.start_byte, cancel.end_byte, name))
        if site.kind == "=":
            cancel_type = "CancelCauseFunc" if site.fn == "WithCancelCause" else "CancelFunc"
            edits.append(
                TextEdit(
                    site.stmt.start_byte,
                    site.stmt.start_byte,
                    f"var {name} {site.qualifier}{cancel_type}\n{indent}",
                )
            )
    arg = "nil" if site.fn == "WithCancelCause" else ""
    edits.append(TextEdit(line_end, line_end, f"\n{indent}defer {name}({arg})"))
    edits.extend(_redundant_defers(ctx, site, name, arg))
    title = f"Add defer {name}({arg}) right after {site.shown}"
    return Fix(title, tuple(edits), applicability), None


def _line_end(source: bytes, offset: int) -> int | None:
    """The end of the line holding `offset` (before "\r\n" or "\n") when only a comment
    follows `offset` there, else None."""
    end = source.find(b"\n", offset)
    if end < 0:
        end = len(source)
    if end > offset and source[end - 1 : end] == b"\r":
        end -= 1
    rest = source[offset:end].strip()
    if rest and not rest.startswith(b"//"):
        return None
    return end


def _redundant_defers(ctx: FileContext, site: _Site, name: str, arg: str) -> list[TextEdit]:
    """Delete a later `defer name()` of the same block: the new one right after the call
    covers it."""
    out = []
    for stmt in _following(site.stmt):
        if stmt.type == "defer_statement" and "".join(text(stmt).split()) == f"defer{name}({arg})":
            start = ctx.source.rfind(b"\n", 0, stmt.start_byte)
            end = stmt.end_byte
            if start < 0 or ctx.source[start + 1 : stmt.start_byte].strip():
                continue
            if ctx.source[end : end + 1] not in (b"\n", b"\r"):
                continue
            out.append(TextEdit(start, end, ""))
    return out


def _context_escape(site: _Site) -> tuple[str | None, bool]:
    """(why the derived context outlives the function or None, whether the fix is unsafe)."""
    ctx_node = site.lhs[0]
    if ctx_node.type != "identifier" or text(ctx_node) == "_":
        return (None, False) if text(ctx_node) == "_" else ("is stored through a pointer", False)
    body = site.func.child_by_field_name("body")
    idents = captures(_IDENTS, body).get("id", []) if body is not None else []
    after = site.stmt.end_byte
    unsafe = False
    tainted = {text(ctx_node): True}  # name -> is the context itself
    seen: set[str] = set()
    while True:
        pending = [n for n in tainted if n not in seen]
        if not pending:
            return None, unsafe
        for name in pending:
            seen.add(name)
            direct = tainted[name]
            for ident in idents:
                if ident.start_byte < after or text(ident) != name:
                    continue
                why, new = _use(ident, site.func)
                if why is not None:
                    if direct:
                        return why, unsafe
                    unsafe = True
                for n in new:
                    tainted.setdefault(n, False)


def _use(ident: Node, func: Node) -> tuple[str | None, list[str]]:
    """How one use of a context (or of a value built from it) can outlive the function:
    (reason or None, local names that now hold something built from it)."""
    node = ident.parent
    while node is not None and node != func:
        if node.type == "go_statement":
            return "is used by a goroutine", []
        if node.type == "func_literal":
            call = node.parent
            invoked = (
                call is not None
                and call.type == "call_expression"
                and call.child_by_field_name("function") == node
            )
            if not invoked:
                return "is captured by a closure that may run after the function returns", []
        node = node.parent
    child = ident
    node = ident.parent
    while node is not None and node != func:
        kind = node.type
        if kind == "return_statement":
            if child.type == "expression_list" and ident.parent == child:
                return "is returned", []
            if _is_method_operand(ident) or _plain_results(enclosing_function(node)):
                return None, []
            return "flows into a value the function returns", []
        if kind == "send_statement":
            value = node.child_by_field_name("value")
            if value is not None and value.start_byte <= ident.start_byte:
                return "is sent on a channel", []
            return None, []
        if kind in ("assignment_statement", "short_var_declaration", "var_spec"):
            return _assigned(node, ident)
        if kind == "keyed_element" and child == node.named_children[0]:
            return None, []  # a field name, not a use
        if node.parent is not None and node.parent.type == "statement_list":
            return None, []
        child = node
        node = node.parent
    return None, []


_PLAIN = re.compile(r"error|bool|string|byte|rune|u?int(8|16|32|64)?|float(32|64)|uintptr")


def _plain_results(func: Node | None) -> bool:
    """Whether the function returns only values that cannot hold a context (errors, numbers)."""
    if func is None:
        return False
    result = func.child_by_field_name("result")
    if result is None:
        return True
    if result.type != "parameter_list":
        return _PLAIN.fullmatch(text(result)) is not None
    for decl in result.named_children:
        type_node = decl.child_by_field_name("type")
        if type_node is None or _PLAIN.fullmatch(text(type_node)) is None:
            return False
    return True


def _is_method_operand(ident: Node) -> bool:
    """`ctx.Err()`, `ctx.Done()`: a method of the context itself, not the context."""
    return member_read(ident, _CONTEXT_METHODS)


def _assigned(node: Node, ident: Node) -> tuple[str | None, list[str]]:
    if node.type == "var_spec":
        targets = node.children_by_field_name("name")
        value = node.child_by_field_name("value")
    else:
        left = node.child_by_field_name("left")
        targets = left.named_children if left is not None else []
        value = node.child_by_field_name("right")
    if value is None or not (value.start_byte <= ident.start_byte < value.end_byte):
        return None, []  # the context is the target, or an index on the left
    for target in targets:
        if target.type != "identifier":
            return f"is stored in {text(target)}", []
    return None, [text(t) for t in targets if text(t) not in _NOT_TAINTED]


RULE = Rule(
    name="context-not-cancelled",
    summary="The cancel function of context.WithCancel/WithTimeout/WithDeadline is not called",
    doc=__doc__ or "",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    check=check,
    triggers=(b"WithCancel", b"WithTimeout", b"WithDeadline"),
    # A helper in one file (`return context.WithTimeout(p, d)`) gives a call elsewhere its
    # meaning.
    package_triggers=(b"WithCancel", b"WithTimeout", b"WithDeadline"),
)
