"""## What it does
Finds tickers that are never stopped, in builds where an unstopped ticker is never collected
(a `go` line below 1.23, or `asynctimerchan=1`, with a toolchain before Go 1.27: see below):

- a `time.NewTicker` kept in a local variable that is not stopped on every path out of the
  function that created it: no `defer t.Stop()`, and some `return` (or the end of the
  function, or the end of a loop iteration when the ticker is declared inside the loop) is
  reached without a `t.Stop()` before it; or a `defer t.Stop()` that comes after a `return`
  (a defer counts from when it runs: `t := time.NewTicker(d); if err != nil { return err };
  defer t.Stop()` leaves the ticker running on the error path; the fix moves the defer up to
  where the ticker is made);
- `time.Tick` (and `time.NewTicker(d).C`, which is the same thing) in a function that
  returns: the ticker behind the channel can never be stopped;
- `time.Tick` evaluated on every iteration of a loop (`case <-time.Tick(d):` in a `for`
  `select`): a new ticker per iteration, none ever stopped.

The import name of `"time"` is honoured (`import t "time"`). The rule is silent when the
ticker moves elsewhere: returned, stored in a field or a package variable (but see below), or a
struct, passed to another function, or used by a function literal (a goroutine that owns
it). `time.Tick` is accepted, as staticcheck's SA1015 accepts it, in `package main`, in
`_test.go` files and in functions that never return (a `for range time.Tick(d)` with no
`break` and no `return`); creating one per loop iteration is reported even in `main`. A
ticker assigned to a variable of an outer function, or to a named result (a bare `return`
hands it to the caller), is not followed (no finding); one created in an `if` or `switch`
header is reported without a fix.

A ticker made by a helper of the package is followed as if the caller had called
`time.NewTicker`: a function or method whose result is `*time.Ticker` and whose returns
hand out a new one (`return time.NewTicker(d)`, or `t := time.NewTicker(d)` ... `return t`),
in any file of the package; the finding names the helper's `return` as a related location,
and the fix is the same `defer t.Stop()`. The call may be in any file of the package, even one
that says neither `Tick` nor `ticker`: the rule runs on every file of a package one of whose
files says `NewTicker`. A function that returns such a helper's ticker (`return newTicker(d)`,
or through a variable) is a helper too, to a fixpoint over the package. A method is matched
by name (`s.clock.NewTicker(d)` for a `func (realClock) NewTicker(d time.Duration)
*time.Ticker`), so only when every method of that name in the package makes a new ticker.
Not followed: helpers that may return a ticker they keep (any `return` of something else),
and helpers and clocks of other packages (an imported clock interface's `NewTicker`).

A ticker kept in a field (`s.t = time.NewTicker(d)`, `s.tick = time.Tick(d)`, or through a
helper) or in a package variable (`heartbeat = time.NewTicker(d)` in a `connect` that `main`
and `reconnect` call) is reported when the function storing it can run again on the same
object while the field still holds the ticker before, which then nobody can stop:
- the store is in a loop of that function (`for range jobs { p.t = time.NewTicker(d) }`);
- the function is an exported method named for calling again (`Reset`, `Restart`, `Reload`,
  `Reconnect`, `Refresh`, `Update...`, `Set...` such as `SetInterval`);
- callers in the package (other than `_test.go` files) call it in a loop, or from two places
  or more, or from one caller that runs again itself (`Restart` calls `start`), on a live
  object: a call on an object the caller has just made (`s := &Server{}; s.start()`) is its
  first run. The object is the receiver, or the parameter the field belongs to
  (`func (c *setPeriod) run(w *worker)` storing `w.period`): then the call's argument.
It is silent when the storing function does anything else with the field than reading
`s.t.C` or assigning it (`if s.t != nil { s.t.Stop() }`, `if s.t == nil { ... }`,
`old := s.t`, a `defer s.t.Stop()`); when it, or the caller before the call, stops the field
(`s.t.Stop()`, or calls a function of the package that does, like a `Stop` method); when the
loop does so in sequence with the call or store (a `case <-quit: s.t.Stop()` beside the case
that replaces it does not count); when the field belongs to an object the function makes (a
constructor: once per object); and when the store is in a function literal used as a value
(a callback, a `sync.Once`'s `Do`). Methods are matched to their calls by name; when several
types of the package declare that name, a call counts only on the caller's own receiver of
the same type, or, for a field of a parameter, in a loop (an interface's method dispatched
by a worker's loop: `cmd.run(w)`). Fields are matched by name; method values
(`time.AfterFunc(d, s.reset)`) are not followed. A stop must come before the repeated call in
the same caller: one in another method that the program happens to call first (`Pause`
stops, `Resume` starts again) is not seen, and the finding then is wrong.

In `package main`, `time.Tick` is reported after all in a function that can run again: one
the package calls from two places or more (`main` and a `restart`) or from a loop. A
function literal counts as the function that calls or starts it (`go func() {...}()` in a
`watch` that `main` and `restart` call), and runs again when that call is in a loop. Each
call starts a ticker nobody can stop; the impact reason names the callers.

A ticker never stopped is reported with high confidence; one stopped on some paths but not
all with medium confidence (the finding's related locations show the returns that skip
`Stop`). A `t.Stop()` inside an `if` before a return counts as stopping it: the rule leans
towards silence.

## Impact
An unstopped ticker costs a little memory and a wake-up every period for the rest of the
process, so what matters is how many get created. The finding is a warning when a ticker is
created on every call of the function (a request handler, a poll helper) or on every iteration
of a loop: the impact reason says which ("a ticker per call of poll"). It is minor (`info`)
when the ticker is created once per program: directly in `main.main` or `init`, in a
`sync.Once`'s `Do` literal, in a function literal those start outside loops, or in a
function of package main that only such code calls, outside loops (`go record(done)` in
`main`); a loop there counts when it runs a known small number of times. Findings in
`_test.go` files are minor too.

A ticker replaced in a field leaks once per run of the storing function: a warning, whose
reason says why it runs again ("Restart calls start, and Restart is an exported method meant
to be called again"); minor when every run comes from code that runs once (`main` calling it
twice: a fixed number of tickers) or from a loop with a known small number of trips.

## Why is this bad?
Before Go 1.23 the runtime keeps every started ticker in its timer heap until `Stop` is
called, so an unstopped ticker is never garbage collected: its memory, its channel and the
work of firing it every period stay for the life of the process. A function that is called
repeatedly leaks one ticker per call. From Go 1.23 (when the main module's `go.mod` says
`go 1.23` or later) unreferenced tickers are collected even without `Stop`, so the rule does
not report there.

{builds}

## Example
```go
func poll(ctx context.Context) error {
        t := time.NewTicker(time.Second)
        for {
                select {
                case <-ctx.Done():
                        return ctx.Err()
                case <-t.C:
                        refresh()
                }
        }
}

func waitReady(done chan struct{}) {
        for range time.Tick(100 * time.Millisecond) {
                if ready() {
                        close(done)
                        return
                }
        }
}
```

## Use instead
```go
func poll(ctx context.Context) error {
        t := time.NewTicker(time.Second)
        defer t.Stop()
        ...
}

func waitReady(done chan struct{}) {
        ticker := time.NewTicker(100 * time.Millisecond)
        defer ticker.Stop()
        for range ticker.C {
                ...
        }
}
```

## Fix safety
The fix inserts `defer t.Stop()` right after the ticker is created, or turns `time.Tick(d)`
into a `time.NewTicker(d)` that is stopped by a `defer` when the function returns (the
variable is called `ticker`, or `ticker2` and so on when that name is used in the function,
declared at package level or imported, or given by another fix of the same file). It is
safe: the rule only offers it when nothing outside the function can still use the ticker,
and stopping a ticker twice is harmless. There is no fix when the ticker is created inside a
loop (a `defer` there would pile up until the function returns: call `t.Stop()` at the end of
each iteration instead), for a ticker that is created and dropped, or for a `time.Tick`
evaluated on every iteration (hoisting it changes when it fires).

For a `time.NewTicker` replaced in a field, the fix stops the old one first
(`if s.t != nil { s.t.Stop() }` before the assignment), offered only when every field of
that name in the package is declared `*time.Ticker` (for a package variable: when it is
declared one). It is safe when the package only ever
reads the ticker as `<-s.t.C` (which reads the field anew each time); when some code may keep
the old ticker or its channel (`for range s.t.C`, `c := s.t.C`, `run(s.t)`), that reader stops
getting ticks once the old ticker is stopped, so the fix is unsafe. A `time.Tick` kept in a
field has no fix: its ticker can never be stopped, and replacing it with a `*time.Ticker`
changes the field's type and every reader.

## References
- [time.NewTicker](https://pkg.go.dev/time#NewTicker) and
  [time.Tick](https://pkg.go.dev/time#Tick)
- [Go 1.23 release notes: timer changes](https://go.dev/doc/go1.23#timer-changes)
- [staticcheck SA1015](https://staticcheck.dev/docs/checks/#SA1015)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tree_sitter import Node

from leakscope.core import flow
from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.model import (
    Applicability,
    Confidence,
    Fix,
    FixAvailability,
    Impact,
    Related,
    Rule,
    Severity,
    TextEdit,
)
from leakscope.core.package_files import files_of, state
from leakscope.core.rules._lifetime import package_name, runs_once
from leakscope.core.rules._loops import loops_around, loops_impact
from leakscope.core.rules._replaced import (
    Maker,
    Release,
    Replaced,
    function_calls,
    held_types,
    named_function,
    package_files,
    package_variable,
    plain_path,
    release_old_first,
    replaced,
    store_target,
)
from leakscope.core.rules._timers import BUILDS_DOC, decided, timer_build
from leakscope.core.syntax import (
    captures,
    enclosing_function,
    function_name,
    line_indent,
    text,
    tokens,
    unparen,
    within,
)

_DECLS = """
(var_spec name: (identifier) @name)
(short_var_declaration left: (expression_list (identifier) @name))
(parameter_declaration name: (identifier) @name)
(range_clause left: (expression_list (identifier) @name))
"""


def time_aliases(ctx: FileContext) -> set[str]:
    """The names this file uses for the "time" package."""
    return {name for name, path in ctx.imports.items() if path == "time" and name not in (".", "_")}


def check(ctx: FileContext) -> Iterator[Diagnostic]:
    timers = timer_build(ctx)
    if not timers.leaks:
        return  # unstopped tickers are collected in this build (see _timers)
    aliases = time_aliases(ctx)
    helpers = ticker_helpers(ctx)
    if not aliases and not helpers:
        return
    for diag in _check(ctx, aliases, helpers):
        diag.message += decided(timers)
        yield diag


def _check(ctx: FileContext, aliases: set[str], helpers: dict[str, Helper]) -> Iterator[Diagnostic]:
    for call in ctx.selector_calls(b"NewTicker", b"Tick"):
        function = call.child_by_field_name("function")
        if function is None or text(function.child_by_field_name("operand")) not in aliases:
            continue
        func = enclosing_function(call)
        if func is None or flow.function_body(func) is None:
            continue  # package level: lives as long as the program, by design
        if text(function.child_by_field_name("field")) == "NewTicker":
            yield from _check_new_ticker(ctx, call, func)
        else:
            yield from _check_tick(ctx, call, call, func)
    for call, helper in _helper_calls(ctx, helpers):
        func = enclosing_function(call)
        if func is None or flow.function_body(func) is None or func == helper.node:
            continue
        yield from _check_new_ticker(ctx, call, func, helper)


# --- helpers returning a new ticker ----------------------------------------------------------


@dataclass(frozen=True)
class Helper(Maker):
    """A function of the package that returns a new `*time.Ticker` (`newTicker(d)`); its
    `name` is what the finding calls it: `newTicker`, `realClock.NewTicker`."""

    node: Node  # the declaration
    method: bool = False  # called as `x.NewTicker(d)`

    def related(self, ctx: FileContext) -> tuple[int, int, str] | Related:
        return self.at_return(
            ctx, f"{self.name} returns a new ticker here: the caller must stop it"
        )


# `return <value>` up to the end of the line (a result spread over lines is not a plain one)
_RETURNS = re.compile(rb"\breturn\b([^\n;}]*)")


def ticker_helpers(ctx: FileContext) -> dict[str, Helper]:
    """The package's functions and methods whose only result is a `*time.Ticker` that they
    create (`return time.NewTicker(d)`, or `t := time.NewTicker(d)` ... `return t`), or get
    from another such function (`return newTicker(d)`, to a fixpoint), by name. Found once per
    package, in its files (the current file alone when the package's files are not attached,
    and then not kept)."""
    cache = state(ctx.package)  # (a fresh one for a package not attached: not kept)
    found = cache.get("ticker-not-stopped.helpers")
    if isinstance(found, dict):
        return found
    files = package_files(ctx)
    candidates: list[tuple[str, Node, Node, set[bytes]]] = []
    for path, (source, tree) in files.items():
        if b"Ticker" not in source:
            continue
        aliases = {b"time"} | {m.group(1) for m in re.finditer(rb'(\w+)\s+"time"', source[:4096])}
        results = {f"*{a.decode()}.Ticker" for a in aliases}
        for decl in tree.root_node.named_children:
            if decl.type not in ("function_declaration", "method_declaration"):
                continue
            result = decl.child_by_field_name("result")
            body = decl.child_by_field_name("body")
            if result is None or body is None or _flat(text(result)) not in results:
                continue
            candidates.append((path, decl, body, aliases))
    found: dict[str, Helper] = {}  # by name; methods by ".Name"
    for _pass in range(4):  # helpers of helpers: each pass may find callers of the last
        grew = False
        for path, decl, body, aliases in candidates:
            method = decl.type == "method_declaration"
            key = ("." if method else "") + text(decl.child_by_field_name("name"))
            if key in found:
                continue
            returns = _returns_new_ticker(body, aliases, set(found))
            if returns is not None:
                found[key] = Helper(function_name(decl), path, returns, decl, method)
                grew = True
        if not grew:
            break
    # A method name is followed only when every method of that name in the package makes a
    # new ticker: `x.NewTicker(d)` may be any of them.
    methods = {key[1:] for key in found if key.startswith(".")}
    if methods:
        nodes = [h.node for h in found.values() if h.method]
        for _source, tree in files.values():
            for decl in tree.root_node.named_children:
                if decl.type != "method_declaration":
                    continue
                name = text(decl.child_by_field_name("name"))
                if name in methods and decl not in nodes:
                    found.pop("." + name, None)
    cache["ticker-not-stopped.helpers"] = found
    return found


def _returns_new_ticker(body: Node, aliases: set[bytes], helpers: set[str]) -> Node | None:
    code = body.text or b""
    makers = b"|".join(
        (rb"[\w.]+\." + re.escape(h[1:].encode())) if h.startswith(".") else re.escape(h.encode())
        for h in sorted(helpers)
    )
    made = {
        m.group(1)
        for m in re.finditer(rb"(\w+)\s*:?=\s*(\w+)\.NewTicker\(", code)
        if m.group(2) in aliases
    }
    if makers:
        made |= {m.group(1) for m in re.finditer(rb"(\w+)\s*:?=\s*(?:" + makers + rb")\(", code)}
    found = None
    for match in _RETURNS.finditer(code):
        value = match.group(1).split(b"//", 1)[0].strip()
        maker = re.match(rb"(\w+)\s*\.\s*NewTicker\s*\(", value)
        call = re.match(rb"(\w+)\s*\(", value)
        method = re.match(rb"[\w.]+\.(\w+)\s*\(", value)
        if (
            (maker is not None and maker.group(1) in aliases)
            or (call is not None and call.group(1).decode() in helpers)
            or (method is not None and "." + method.group(1).decode() in helpers)
            or value in made
        ):
            node = body.descendant_for_byte_range(
                body.start_byte + match.start(), body.start_byte + match.start() + 6
            )
            found = node.parent if node is not None else None
        elif value != b"nil":
            return None  # another return hands out something else: not only a new ticker
    return found if found is not None and found.type == "return_statement" else None


def _helper_calls(ctx: FileContext, helpers: dict[str, Helper]) -> Iterator[tuple[Node, Helper]]:
    for key, helper in helpers.items():
        if helper.method:
            yield from _method_calls(ctx, key[1:], helper)
            continue
        for call in function_calls(ctx, key):
            yield call, helper


def _method_calls(ctx: FileContext, name: str, helper: Helper) -> Iterator[tuple[Node, Helper]]:
    """Calls `x.name(...)` of a method helper, `x` not an imported package."""
    for ident in tokens(ctx.root, ctx.source, name.encode()):
        selector = ident.parent
        if ident.type != "field_identifier" or selector is None:
            continue
        if selector.type != "selector_expression":
            continue
        call = selector.parent
        if call is None or call.type != "call_expression":
            continue
        if call.child_by_field_name("function") != selector:
            continue
        operand = selector.child_by_field_name("operand")
        if operand is None or (operand.type == "identifier" and text(operand) in ctx.imports):
            continue  # time.NewTicker and other packages' functions
        yield call, helper


# --- where a created value goes -------------------------------------------------------------


@dataclass
class Binding:
    kind: str  # declare | assign | moved | discarded | lost | receive | range
    name: Node | None = None  # the identifier it is bound to
    statement: Node | None = None  # the statement that creates it


def _up(node: Node) -> Node:
    """The outermost parenthesised expression around `node` (or node)."""
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    return node


def binding_of(expr: Node) -> Binding:
    """What the program does with the value of `expr` (a call creating a ticker or channel)."""
    expr = _up(expr)
    parent = expr.parent
    if parent is None:
        return Binding("moved")
    kind = parent.type
    if kind == "expression_statement":
        return Binding("discarded", statement=parent)
    if kind == "selector_expression":
        return Binding("lost")
    if kind == "unary_expression" and text(parent.child_by_field_name("operator")) == "<-":
        return Binding("receive")
    if kind == "range_clause" and parent.child_by_field_name("right") == expr:
        return Binding("range", statement=parent.parent)
    if kind != "expression_list":
        return Binding("moved")
    holder = parent.parent
    if holder is None:
        return Binding("moved")
    index = next(i for i, c in enumerate(parent.named_children) if c == expr)
    if holder.type == "short_var_declaration" and holder.child_by_field_name("right") == parent:
        left = holder.child_by_field_name("left")
        names = left.named_children if left is not None else []
        if len(names) == len(parent.named_children):
            return Binding("declare", names[index], holder)
        return Binding("moved")
    if holder.type == "var_spec":
        names = holder.children_by_field_name("name")
        if len(names) == len(parent.named_children):
            decl = holder.parent
            while decl is not None and decl.type != "var_declaration":
                decl = decl.parent
            return Binding("declare", names[index], decl)
        return Binding("moved")
    if holder.type == "assignment_statement" and holder.child_by_field_name("right") == parent:
        if text(holder.child_by_field_name("operator")) != "=":
            return Binding("moved")
        left = holder.child_by_field_name("left")
        names = left.named_children if left is not None else []
        if len(names) != len(parent.named_children):
            return Binding("moved")
        target = unparen(names[index])
        if target.type != "identifier":
            return Binding("moved")  # stored in a field, an element, through a pointer
        return Binding("assign", target, holder)
    return Binding("moved")  # returned, sent, passed


def declared_in(func: Node, name: str) -> bool:
    """Is `name` declared (var, :=, parameter, range variable) by `func` itself?"""
    found = captures(_DECLS, func)
    return any(text(n) == name and flow.owned_by(n, func) for n in found.get("name", []))


def result_names(func: Node) -> set[str]:
    results = func.child_by_field_name("result")
    if results is None or results.type != "parameter_list":
        return set()
    return {
        text(n)
        for decl in results.named_children
        if decl.type == "parameter_declaration"
        for n in decl.children_by_field_name("name")
    }


@dataclass
class Uses:
    deferred_stop: bool = False
    moved: bool = False
    stops: list[Node] = field(default_factory=list)  # non-deferred `x.Stop()` calls
    # The `defer` statements that stop it (`defer t.Stop()`, `defer func() { t.Stop() }()`):
    # each covers the ways out after it runs only.
    defers: list[Node] = field(default_factory=list)
    ranges: list[Node] = field(default_factory=list)  # range expressions over the channel


def _in_deferred_literal(node: Node, func: Node) -> bool:
    lit = enclosing_function(node)
    while lit is not None and lit != func:
        if lit.type != "func_literal":
            return False
        call = lit.parent
        if call is None or call.type != "call_expression":
            return False
        if call.parent is not None and call.parent.type == "defer_statement":
            return enclosing_function(lit) == func
        lit = enclosing_function(lit)
    return False


def _deferring(node: Node, func: Node) -> Node:
    """The `defer` statement of `func` whose function literal holds `node`."""
    found = node
    while found.parent is not None and found.type != "defer_statement":
        found = found.parent
        if found.type == "defer_statement" and enclosing_function(found) != func:
            found = found.parent or found
    return found


def ticker_uses(func: Node, name: Node) -> Uses:
    """How the function uses the ticker variable `name` (every occurrence but the binding)."""
    uses = Uses()
    body = flow.function_body(func)
    if body is None:
        return uses
    wanted = text(name)
    for ident in captures("(identifier) @id", body).get("id", []):
        if ident == name or text(ident) != wanted:
            continue
        parent = ident.parent
        assert parent is not None
        nested = enclosing_function(ident) != func
        if parent.type == "selector_expression" and parent.child_by_field_name("operand") == ident:
            member = text(parent.child_by_field_name("field"))
            call = parent.parent
            is_call = (
                call is not None
                and call.type == "call_expression"
                and call.child_by_field_name("function") == parent
            )
            if member == "Stop" and is_call:
                if nested:
                    if _in_deferred_literal(ident, func):
                        uses.deferred_stop = True
                        uses.defers.append(_deferring(ident, func))
                    else:
                        uses.moved = True  # a goroutine or callback stops it: its business
                elif call.parent is not None and call.parent.type == "defer_statement":
                    uses.deferred_stop = True
                    uses.defers.append(call.parent)
                else:
                    uses.stops.append(call)
            elif nested:
                uses.moved = True
            elif member == "C" or (member == "Reset" and is_call):
                outer = _up(parent)
                if outer.parent is not None and outer.parent.type == "range_clause":
                    uses.ranges.append(outer)
            else:
                uses.moved = True  # a method value or an unknown member
            continue
        if nested:
            uses.moved = True
            continue
        if _is_assignment_target(ident) or _compared_with_nil(ident):
            continue
        uses.moved = True  # passed, returned, stored, aliased, address taken
    return uses


def _is_assignment_target(ident: Node) -> bool:
    parent = ident.parent
    if parent is not None and parent.type == "var_spec":
        return any(n == ident for n in parent.children_by_field_name("name"))
    if parent is None or parent.type != "expression_list":
        return False
    holder = parent.parent
    return (
        holder is not None
        and holder.type in ("assignment_statement", "short_var_declaration")
        and holder.child_by_field_name("left") == parent
    )


def _compared_with_nil(ident: Node) -> bool:
    parent = _up(ident).parent
    if parent is None or parent.type != "binary_expression":
        return False
    operator = text(parent.child_by_field_name("operator"))
    other = parent.child_by_field_name("right")
    if other == _up(ident):
        other = parent.child_by_field_name("left")
    return operator in ("==", "!=") and other is not None and text(other) == "nil"


# --- exits -----------------------------------------------------------------------------------


@dataclass
class Exit:
    node: Node  # a return, break or continue, or the function body/loop body for its end
    what: str  # "return", "end", "iteration"


def exits_after(
    created: Node, func: Node, endless: list[Node], declared_in_loop: Node | None
) -> list[Exit]:
    """The ways out of `func` (and of the loop iteration, for a per-iteration value)."""
    out = [Exit(r, "return") for r in flow.returns_of(func) if flow.runs_after(created, r)]
    if flow.end_reachable(func, endless):
        body = flow.function_body(func)
        assert body is not None
        out.append(Exit(body, "end"))
    if declared_in_loop is not None:
        loop_body = declared_in_loop.child_by_field_name("body")
        if loop_body is not None:
            found = captures("[(break_statement) (continue_statement)] @b", loop_body)
            for stmt in found.get("b", []):
                if not flow.owned_by(stmt, func) or not flow.runs_after(created, stmt):
                    continue
                target = flow.branch_target(stmt, func)
                if target is None or target == declared_in_loop or not within(target, loop_body):
                    out.append(Exit(stmt, "iteration"))
            if not flow.block_terminates(loop_body, func, endless):
                out.append(Exit(loop_body, "iteration"))
    return out


def covered(exit_: Exit, created: Node, stops: list[Node], func: Node) -> bool:
    """Is a `Stop` executed before this exit?"""
    after = created.end_byte
    if exit_.node.type in ("block",):  # the end of a body: a Stop that can fall through
        return any(
            within(s, exit_.node) and s.start_byte >= after and _falls_through(s, func)
            for s in stops
        )
    return flow.preceded_by(exit_.node, after, stops, func)


def _falls_through(stop: Node, func: Node) -> bool:
    stmt = stop
    while stmt.parent is not None and stmt.parent.type != "statement_list":
        stmt = stmt.parent
    stmts = stmt.parent
    if stmts is None:
        return True
    tail = [c for c in stmts.named_children if c.type != "comment"]
    return not tail or not flow.is_terminating(tail[-1], func)


# --- NewTicker ---------------------------------------------------------------------------------


def _check_new_ticker(
    ctx: FileContext, call: Node, func: Node, helper: Helper | None = None
) -> Iterator[Diagnostic]:
    binding = binding_of(call)
    maker = f"{helper.name}'s ticker" if helper is not None else "time.NewTicker's ticker"
    via: list[tuple[int, int, str] | Related] = [helper.related(ctx)] if helper else []
    if binding.kind == "lost":
        outer = _up(call).parent
        assert outer is not None
        if helper is None and text(outer.child_by_field_name("field")) == "C":
            yield from _check_tick(ctx, _up(outer), call, func)
        return
    if binding.kind == "discarded":
        yield Diagnostic.at(
            call,
            f"{maker} is created and dropped: nothing can stop it, and before "
            "Go 1.23 it is never garbage collected",
            no_fix_reason="no automatic fix: remove the call, or keep the ticker and stop it",
            related=via,
            **_impact(ctx, call, func),
        )
        return
    if binding.kind == "moved":
        stored = field_target(call)
        if stored is not None:
            yield from _check_field(ctx, call, call, func, stored, helper)
        return
    if binding.kind not in ("declare", "assign") or binding.name is None:
        return
    name = text(binding.name)
    if name == "_":
        yield Diagnostic.at(
            call,
            f"{maker} is assigned to _: nothing can stop it, and before Go 1.23 "
            "it is never garbage collected",
            no_fix_reason="no automatic fix: keep the ticker in a variable and stop it",
            related=via,
            **_impact(ctx, call, func),
        )
        return
    if binding.kind == "assign" and not declared_in(func, name):
        if package_variable(ctx, binding.name) and binding.statement is not None:
            stored = (binding.statement, binding.name)
            yield from _check_field(ctx, call, call, func, stored, helper)
        return  # a package variable or a variable of an outer function: stored, not owned
    if name in result_names(func):
        return  # a named result: a bare return hands it to the caller
    uses = ticker_uses(func, binding.name)
    if uses.moved:
        return
    loops = flow.enclosing_loops(call, func)
    in_loop = loops[0] if loops and binding.kind == "declare" else None
    stops = [s for s in uses.stops if s.start_byte > call.end_byte]
    exits = exits_after(call, func, uses.ranges, in_loop)
    if uses.deferred_stop:
        # A defer registers when it runs: a `return` before it leaves the ticker running.
        defers = [d for d in uses.defers if d.start_byte > call.end_byte]
        if in_loop is not None or not defers or len(defers) != len(uses.defers):
            return  # (per iteration, or deferred before it is made: not judged)
        early = [
            e for e in exits if e.what == "return" and not covered(e, call, stops + defers, func)
        ]
        if early:
            yield _early_return(ctx, call, func, name, defers[0], early, via, binding)
        return
    missed = [e for e in exits if not covered(e, call, stops, func)]
    if not missed:
        return
    related: list[tuple[int, int, str] | Related] = [
        *via,
        *(
            (e.node.start_byte, e.node.end_byte, f"leaves here without {name}.Stop()")
            for e in missed
            if e.what != "end" and e.node.type != "block"
        ),
    ]
    if not stops:
        message = (
            f"{_ticker(name)} is never stopped: before Go 1.23 a ticker is not garbage collected "
            "until Stop is called"
        )
        confidence = Confidence.HIGH
    else:
        message = (
            f"{_ticker(name)} is not stopped on every path out of the function: before Go 1.23 "
            "a ticker is not garbage collected until Stop is called"
        )
        confidence = Confidence.MEDIUM
    fix, reason = _defer_stop_fix(ctx, binding, name, loops)
    yield Diagnostic(
        call.start_byte,
        call.end_byte,
        message,
        confidence=confidence,
        fix=fix,
        no_fix_reason=reason,
        related=related,
        severity=Severity.INFO if ctx.is_test else None,
        **_impact(ctx, call, func, bool(loops)),
    )


def _early_return(
    ctx: FileContext,
    call: Node,
    func: Node,
    name: str,
    deferred: Node,
    early: list[Exit],
    via: list[tuple[int, int, str] | Related],
    binding: Binding,
) -> Diagnostic:
    """`t := time.NewTicker(d)`, a `return` on an error, then `defer t.Stop()`: that return
    leaves the ticker running. The fix moves the defer up to where the ticker is made."""
    related: list[tuple[int, int, str] | Related] = [
        *via,
        *((e.node.start_byte, e.node.end_byte, "leaves here before the defer") for e in early),
        (deferred.start_byte, deferred.end_byte, f"{name} is stopped only from here on"),
    ]
    fix, reason = _defer_stop_fix(ctx, binding, name, [])
    if fix is not None and text(deferred) == f"defer {name}.Stop()":
        source = ctx.source
        start = source.rfind(b"\n", 0, deferred.start_byte)
        end = source.find(b"\n", deferred.end_byte)
        if start >= 0 and end >= 0 and not source[start + 1 : deferred.start_byte].strip():
            removal = TextEdit(start, end, "")
            fix = Fix(
                f"Stop the ticker from where it is made: move defer {name}.Stop() up",
                (*fix.edits, removal),
                fix.applicability,
            )
    return Diagnostic(
        call.start_byte,
        call.end_byte,
        f"{_ticker(name)} is not stopped on every path out of the function: a return before "
        f"`{text(deferred)}` leaves it running, and before Go 1.23 a ticker is not garbage "
        "collected until Stop is called",
        confidence=Confidence.HIGH,
        fix=fix,
        no_fix_reason=reason,
        related=related,
        severity=Severity.INFO if ctx.is_test else None,
        **_impact(ctx, call, func),
    )


def _line_end(source: bytes, pos: int) -> int:
    """`pos`, or the end of its line when only a comment follows on that line."""
    newline = source.find(b"\n", pos)
    if newline < 0:
        newline = len(source)
    rest = source[pos:newline].strip()
    if not rest or rest.startswith(b"//"):
        return newline
    return pos


def _defer_stop_fix(
    ctx: FileContext, binding: Binding, name: str, loops: list[Node]
) -> tuple[Fix | None, str | None]:
    stmt = binding.statement
    if loops:
        return None, (
            "no automatic fix: the ticker is created inside a loop, where a defer would pile up "
            f"until the function returns; call {name}.Stop() before each iteration ends"
        )
    if stmt is None or stmt.parent is None or stmt.parent.type != "statement_list":
        return None, "no automatic fix: the ticker is created in a statement header"
    at = _line_end(ctx.source, stmt.end_byte)
    indent = line_indent(ctx.source, stmt.start_byte)
    edit = TextEdit(at, at, f"\n{indent}defer {name}.Stop()")
    return Fix(f"Stop the ticker: defer {name}.Stop()", (edit,), Applicability.SAFE), None


# --- time.Tick ---------------------------------------------------------------------------------


def _check_tick(ctx: FileContext, expr: Node, call: Node, func: Node) -> Iterator[Diagnostic]:
    """`expr` is a channel of a ticker nobody can stop: `time.Tick(d)` or `NewTicker(d).C`."""
    if ctx.is_test:
        return
    binding = binding_of(expr)
    # The loop ranging over the channel is not a loop around the creation.
    loops = [loop for loop in flow.enclosing_loops(expr, func) if loop != binding.statement]
    what = "time.Tick" if expr == call else "time.NewTicker(...).C"
    if binding.kind == "receive" and loops:
        yield Diagnostic.at(
            expr,
            f"{what} evaluated on every loop iteration creates a new ticker each time, and "
            "before Go 1.23 none of them is ever garbage collected",
            no_fix_reason=(
                "no automatic fix: create one ticker before the loop with time.NewTicker, "
                "defer its Stop, and receive from its C"
            ),
            **_impact(ctx, expr, func, True),
        )
        return
    if binding.kind == "discarded":
        yield Diagnostic.at(
            expr,
            f"{what} creates a ticker that is dropped at once and never garbage collected "
            "before Go 1.23",
            no_fix_reason="no automatic fix: remove the call",
            **_impact(ctx, expr, func),
        )
        return
    if binding.kind == "moved":
        stored = field_target(expr)
        if stored is not None:
            yield from _check_field(ctx, expr, call, func, stored, None)
            return
    if (
        binding.kind == "assign"
        and binding.name is not None
        and binding.statement is not None
        and package_variable(ctx, binding.name)
    ):
        yield from _check_field(ctx, expr, call, func, (binding.statement, binding.name), None)
        return
    again: str | None = None
    if package_name(ctx) == "main":
        # A command: the ticker lives as long as the program anyway, unless the function
        # can run again (a `start` that `main` and a `restart` call).
        # A function literal runs as often as the function that calls or starts it
        # (`go func() {...}()` in a `start`), or once per iteration of a loop around that.
        owner = named_function(func)
        if owner is None:
            return
        outer, outer_loop = owner
        if outer_loop is not None and outer != func:
            again = f"{function_name(outer) or 'a function'} starts it in a loop"
        else:
            again = runs_again(outer, package_files(ctx))
        if again is None:
            return
    endless: list[Node] = []
    name_node: Node | None = None
    if binding.kind == "range":
        endless.append(_up(expr))
    elif binding.kind == "declare" and binding.name is not None:
        name_node = binding.name
        if text(name_node) == "_":
            return
        uses = channel_uses(func, name_node)
        if uses is None:
            return  # the channel moves elsewhere: its reader decides how long it lives
        endless.extend(uses)
    elif binding.kind != "receive":
        return  # returned, passed, stored: the receiver owns it
    in_loop = loops[0] if loops and binding.kind == "declare" else None
    exits = exits_after(expr, func, endless, in_loop)
    if binding.kind == "range" and loops:
        exits.append(Exit(loops[0], "iteration"))  # an outer loop starts a new ticker
    if not exits:
        return  # an endless function: the ticker is meant to live as long as it
    fix, reason = _tick_fix(ctx, expr, call, binding, func, loops)
    related = [
        (e.node.start_byte, e.node.end_byte, "the function returns here; the ticker stays")
        for e in exits
        if e.what == "return"
    ][:3]
    impact = _impact(ctx, expr, func, bool(loops))
    if again is not None:
        impact = {"impact": Impact.GROWS, "impact_reason": f"a ticker per call: {again}"}
    yield Diagnostic.at(
        expr,
        f"{what}'s ticker can never be stopped, and this function returns: before Go 1.23 "
        "the ticker is never garbage collected (use time.NewTicker and Stop it)",
        fix=fix,
        no_fix_reason=reason,
        related=related,
        **impact,
    )


def runs_again(func: Node, files: dict[str, tuple[bytes, Any]]) -> str | None:
    """Why a function of package main can run more than once: the package calls it from two
    places or more (`main` and a `restart`), or from a loop; None otherwise (called once,
    or only used as a value)."""
    name = function_name(func)
    if not name or func.type == "func_literal" or name in ("main", "init"):
        return None
    callers: list[str] = []
    for _path, (source, tree) in sorted(files.items()):
        for ident in tokens(tree.root_node, source, name.encode()):
            node = ident.parent
            if node is not None and node.type == "selector_expression":
                if node.child_by_field_name("field") != ident:
                    continue
                ident, node = node, node.parent
            if node is None or node.type != "call_expression":
                continue
            if node.child_by_field_name("function") != ident:
                continue
            caller = enclosing_function(node)
            if caller is None or caller == func:
                continue
            caller_name = function_name(caller) or "a function literal"
            if flow.enclosing_loops(node, caller):
                return f"{caller_name} calls {name} in a loop"
            callers.append(caller_name)
    if len(callers) < 2:
        return None
    return f"{' and '.join(sorted(set(callers))[:3])} call {name}, which starts a new one each time"


# --- a ticker kept in a field, replaced by a function that runs again ------------------------


def field_target(expr: Node) -> tuple[Node, Node] | None:
    """(the assignment, the `x.f` it stores into) when `expr` is assigned to a field:
    `s.t = time.NewTicker(d)`, `s.a, s.t = a, time.Tick(d)`."""
    stored = store_target(_up(expr))
    if stored is None or stored[1].type != "selector_expression" or not plain_path(stored[1]):
        return None
    return stored


# A ticker is stopped by its Stop; reading its `.C` (`<-s.t.C`) neither keeps nor stops it.
_STOP = Release(rb"\s*\.\s*Stop\s*\(", frozenset({"C"}))


def _check_field(
    ctx: FileContext,
    expr: Node,
    call: Node,
    func: Node,
    stored: tuple[Node, Node],
    helper: Helper | None,
) -> Iterator[Diagnostic]:
    """A ticker stored in `x.f` (or a package variable) by a function that can run again on
    the same object, with nothing stopping the ticker `x.f` held before: each run leaks one."""
    stmt, target = stored
    found = replaced(ctx, func, stmt, target, _STOP)
    if found is None:
        return
    grows, why = found.repeats(ctx.root)
    impact = Impact.GROWS if grows else Impact.BOUNDED
    if found.loops:
        reason = f"a ticker per iteration ({why}) of every call of {found.name}"
        if not grows:
            reason = f"a fixed number of tickers ({why})"
        when = "each iteration of the loop"
    else:
        reason = f"a ticker per call of {found.name}: {why}"
        if not grows:
            reason = f"a fixed number of tickers: {why}"
        when = f"each time {found.name} runs"
    related: list[tuple[int, int, str] | Related] = [helper.related(ctx)] if helper else []
    related += found.related(ctx)
    is_tick = expr != call or text(call.child_by_field_name("function")).endswith(".Tick")
    if is_tick and helper is None:
        what = "time.Tick" if expr == call else "time.NewTicker(...).C"
        message = (
            f"{what}'s ticker is kept in {text(target)} and replaced {when}: the one before "
            "can never be stopped, and before Go 1.23 it is never garbage collected"
        )
        fix, reason_no_fix = (
            None,
            (
                "no automatic fix: a time.Tick ticker cannot be stopped; keep a *time.Ticker from "
                f"time.NewTicker in the field and Stop the old one before replacing it (this "
                f"changes the type of {text(target)} and its readers)"
            ),
        )
    else:
        maker = f"{helper.name}'s" if helper is not None else "a new"
        message = (
            f"{text(target)} gets {maker} ticker {when}, and the ticker it held before is "
            "never stopped: before Go 1.23 a ticker is not garbage collected until Stop is "
            "called"
        )
        fix, reason_no_fix = _stop_old_fix(ctx, found, stmt, target)
    yield Diagnostic(
        stmt.start_byte,
        stmt.end_byte,
        message,
        fix=fix,
        no_fix_reason=reason_no_fix,
        related=related,  # type: ignore[arg-type]
        severity=Severity.INFO if ctx.is_test else None,
        impact=None if ctx.is_test else impact,
        impact_reason="" if ctx.is_test else reason,
    )


def _stop_old_fix(
    ctx: FileContext, found: Replaced, stmt: Node, target: Node
) -> tuple[Fix | None, str | None]:
    """`if s.t != nil { s.t.Stop() }` before the assignment, when every field of that name
    in the package is a `*time.Ticker` (or the package variable is declared one)."""
    aliases = time_aliases(ctx) | {"time"}
    types = held_types(ctx, found.files, target, found.field)
    if not types or any(t not in {f"*{a}.Ticker" for a in aliases} for t in types):
        return None, (
            f"no automatic fix: the type of {text(target)} is not known to be *time.Ticker; "
            "stop the ticker it holds before replacing it"
        )
    held = text(target)
    edit, why = release_old_first(ctx, stmt, held, f"{held}.Stop()", "ticker")
    if edit is None:
        return None, why
    unsafe = _ticker_read_elsewhere(found.files, found.field, target.type == "identifier")
    applicability = Applicability.UNSAFE if unsafe else Applicability.SAFE
    return Fix(
        f"Stop the old ticker before replacing it: {held}.Stop()", (edit,), applicability
    ), None


_DECLARED = re.compile(rb"\s+\*\s*\w+\.Ticker\b")  # `t *time.Ticker`: its declaration
_FIELD_USE_OK = re.compile(rb"\s*(?:\.\s*(?:Stop|Reset)\s*\(|!=\s*nil|==\s*nil|=[^=])")


def _ticker_read_elsewhere(
    files: dict[str, tuple[bytes, Any]], field: str, variable: bool = False
) -> bool:
    """Whether some code may still hold the old ticker or its channel when it is stopped
    (`for range s.t.C`, `c := s.t.C`, `run(s.t)`): only `<-s.t.C` reads the field anew each
    time. Such a reader stops getting ticks from the old ticker: the fix is then unsafe."""
    if variable:
        use = re.compile(rb"()(?<![\w.])" + re.escape(field.encode()) + rb"\b")
    else:
        use = re.compile(rb"([\w.]*)\." + re.escape(field.encode()) + rb"\b")
    for path, (source, _tree) in files.items():
        if path.endswith("_test.go"):
            continue
        for match in use.finditer(source):
            line_start = source.rfind(b"\n", 0, match.start()) + 1
            prefix = source[line_start : match.start()]
            if b"//" in prefix or prefix.count(b'"') % 2:
                continue  # a comment or a string
            rest = source[match.end() : match.end() + 40]
            if _FIELD_USE_OK.match(rest) or _DECLARED.match(rest):
                continue
            if re.match(rb"\s*\.\s*C\b", rest):
                before = source[max(0, match.start() - 8) : match.start()].rstrip()
                if before.endswith(b"<-"):
                    continue
            return True
    return False


def _impact(
    ctx: FileContext, node: Node, func: Node, per_iteration: bool = False
) -> dict[str, Any]:
    """The impact of a ticker created at `node` and never stopped: one per call of the
    function (or per iteration of the loops around it) grows; one created once per program
    (in main or init, a sync.Once, or a bounded loop there) is minor."""
    loops = loops_around(node, func) if per_iteration else []
    loop_impact, loop_reason = loops_impact(loops, ctx.root) if loops else (Impact.BOUNDED, "")
    once = (
        runs_once(func, package_name(ctx), files_of(ctx.package))
        if loop_impact is Impact.BOUNDED
        else None
    )
    if once is not None:
        reason = f"{loop_reason}, and {once}" if loop_reason else once
        return {"impact": Impact.BOUNDED, "impact_reason": f"a ticker created once: {reason}"}
    if ctx.is_test:
        return {}
    name = function_name(func) or "the function"
    if loops:
        return {
            "impact": Impact.GROWS,
            "impact_reason": f"a ticker per iteration ({loop_reason}) of every call of {name}",
        }
    return {"impact": Impact.GROWS, "impact_reason": f"a ticker per call of {name}"}


def channel_uses(func: Node, name: Node) -> list[Node] | None:
    """Range expressions over the channel variable, or None when it is used any other way
    than receiving from it inside `func`."""
    body = flow.function_body(func)
    if body is None:
        return None
    ranges: list[Node] = []
    wanted = text(name)
    for ident in captures("(identifier) @id", body).get("id", []):
        if ident == name or text(ident) != wanted:
            continue
        if enclosing_function(ident) != func:
            return None
        outer = _up(ident)
        parent = outer.parent
        if parent is None:
            return None
        if (
            parent.type == "unary_expression"
            and text(parent.child_by_field_name("operator")) == "<-"
        ):
            continue
        if parent.type == "range_clause" and parent.child_by_field_name("right") == outer:
            ranges.append(outer)
            continue
        return None
    return ranges


def _tick_fix(
    ctx: FileContext,
    expr: Node,
    call: Node,
    binding: Binding,
    func: Node,
    loops: list[Node],
) -> tuple[Fix | None, str | None]:
    if loops:
        return None, (
            "no automatic fix: the ticker is created inside a loop; create it with "
            "time.NewTicker before the loop and Stop it when the loop ends"
        )
    if binding.kind not in ("range", "declare") or binding.statement is None:
        return None, (
            "no automatic fix: use a time.NewTicker in a variable, defer its Stop, and "
            "receive from its C"
        )
    stmt = flow.statement_of(binding.statement)
    if stmt.parent is None or stmt.parent.type != "statement_list":
        return None, "no automatic fix: the ticker is created in a statement header"
    function = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    if function is None or args is None:
        return None, None
    qualifier = text(function.child_by_field_name("operand"))
    name = ctx.fresh_name(func, "ticker")
    indent = line_indent(ctx.source, binding.statement.start_byte)  # labels are outdented
    created = f"{name} := {qualifier}.NewTicker{text(args)}\n{indent}defer {name}.Stop()\n{indent}"
    target = _up(expr)
    edits = (
        TextEdit(stmt.start_byte, stmt.start_byte, created),
        TextEdit(target.start_byte, target.end_byte, f"{name}.C"),
    )
    return Fix(f"Use time.NewTicker and defer {name}.Stop()", edits, Applicability.SAFE), None


RULE = Rule(
    name="ticker-not-stopped",
    summary="A ticker that is never stopped (never garbage collected before Go 1.23, or with "
    "asynctimerchan=1 before Go 1.27)",
    doc=(__doc__ or "").replace("{builds}", BUILDS_DOC.strip()),
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    check=check,
    # "ticker": a file calling a package helper that returns a ticker (`t := newTicker(d)`)
    # names it so, as a rule; a helper of another name called from a file that says neither
    # is not followed.
    triggers=(b"Tick", b"ticker"),
    # A helper of another file (`return time.NewTicker(d)`) gives a call here its meaning,
    # whatever the helper and the variable are called.
    package_triggers=(b"NewTicker",),
)


def _flat(source_text: str) -> str:
    return " ".join(source_text.split())


def _ticker(name: str) -> str:
    """`ticker t`, but `ticker` alone for a variable called ticker (not "ticker ticker")."""
    return name if "ticker" in name.lower() else f"ticker {name}"
