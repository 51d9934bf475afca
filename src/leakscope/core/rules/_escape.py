"""Where the values of one loop iteration go: the data flow behind `defer-in-loop`.

`defer-in-loop` asks two questions about the resource a deferred call releases (`f` of
`defer f.Close()`, the context and cancel function of `defer cancel()`):

* does the loop body keep the resource itself beyond its iteration (append it to an outer
  slice, store it in an outer variable, field or map, send it on a channel, pass it to a `go`
  statement)? Then the function collects resources on purpose and the rule stays silent;
* does anything made from it outlive the iteration: its fields (`srv.URL`), what calls make
  from it (`bufio.NewReader(f)`, `url.Parse(srv.URL)`), values computed from those, and the
  variables of the body holding any of them? Then closing the resource at the end of the
  iteration, which is what the fix does, may break the code that uses them afterwards.

`flows` answers both: every place where the resource, or a value made from it, leaves the
iteration, how (`Exit`), and whether it is the resource itself that leaves (`Flow.direct`).
The rule's "Fix safety" section is the user-facing description of what counts; this module
is its implementation, read from the syntax tree alone and by name (shadowing is not tracked,
which only makes more uses count). Calls into functions of the same file are followed into
their bodies a few calls deep, with their parameters as the values to follow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum

from tree_sitter import Node

from leakscope.core.syntax import (
    FUNCTION_NODES,
    ancestor_between,
    assigned_by,
    captures,
    text,
    unparen,
    within,
)
from leakscope.core.types import NUMERIC_TYPES


class Exit(Enum):
    """How a value leaves the iteration, worded for "X is ..."."""

    STORED = "stored in"
    APPENDED = "appended to"
    SENT = "sent on"
    GO_ARG = "passed to a goroutine"
    GOROUTINE = "used by a goroutine"
    CAPTURED = "used by a function literal that may run after the iteration"
    KEPT = "passed to"


# The exits by which a loop keeps the resource itself on purpose (`intentional`): handing it
# to a goroutine counts whether it is passed (`go f(c)`) or captured (`go func() { ... c }()`).
KEPT_ON_PURPOSE = frozenset({Exit.STORED, Exit.APPENDED, Exit.SENT, Exit.GO_ARG, Exit.GOROUTINE})


@dataclass(frozen=True)
class Flow:
    """One place where the resource, or a value made from it, leaves the iteration."""

    node: Node  # the statement or expression where it leaves
    exit: Exit
    shown: str  # the value as written there (`srv.URL`) or the variable holding it
    origin: str  # the resource's variable
    target: str  # where it goes (`addrs`, `ch`, `register`), "" when the exit says it all
    direct: bool  # the resource itself, or a value holding it, rather than one made from it

    def reason(self) -> str:
        """`host, made from srv, is appended to addrs, which outlives the iteration`."""
        what = self.shown
        if not _mentions_name(what, self.origin):
            what = f"{what}, made from {self.origin},"
        if self.exit in (Exit.STORED, Exit.APPENDED):
            return f"{what} is {self.exit.value} {self.target}, which outlives the iteration"
        if self.exit is Exit.SENT:
            return f"{what} is sent on {self.target}"
        if self.exit is Exit.KEPT:
            return f"{what} is passed to {self.target}, which may keep it"
        return f"{what} is {self.exit.value}"


_SHOWN_LIMIT = 32
_NOT_FOLLOWED = frozenset({"_", "err"})
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">=", "&&", "||"})
# Built-in functions whose result is made from their arguments.
_BUILTIN_DERIVED = frozenset({"append", "min", "max", "complex", "real", "imag"})
_BUILTINS = _BUILTIN_DERIVED | frozenset(
    {"len", "cap", "copy", "delete", "close", "clear", "print", "println", "panic", "new", "make"}
)
_BUILTIN_TYPES = NUMERIC_TYPES | frozenset({"string", "bool", "error", "any"})
# Standard library functions that register or store an argument somewhere.
_STD_KEEPERS = frozenset(
    {
        ("net/http", "Handle"),
        ("net/http", "HandleFunc"),
        ("container/heap", "Push"),
        ("os/signal", "Notify"),
        ("runtime", "SetFinalizer"),
        ("log", "SetOutput"),
        ("log/slog", "SetDefault"),
        ("expvar", "Publish"),
        ("flag", "Var"),
    }
)
_ATOMIC_KEEPERS = ("Store", "Swap", "CompareAndSwap")
# Functions and methods that, by their name, keep nothing of their arguments beyond the call
# (or only in their result, which is followed): they write, log, assert, read, parse, match,
# look up or construct. Whatever the package, the receiver, or the file they come from.
_NON_KEEPING_PREFIXES = (
    "Write",
    "Print",
    "Log",
    "Error",
    "Fatal",
    "Skip",
    "Debug",
    "Info",
    "Warn",
    "Assert",
    "Equal",
    "NotEqual",
    "Contains",
    "NotContains",
    "Match",
    "Find",
    "New",
)
_NON_KEEPING_NAMES = frozenset(
    {
        "Get",
        "Load",
        "Has",
        "Lookup",
        "Read",
        "ReadFrom",
        "Decode",
        "Unmarshal",
        "Check",
        "DeepEqual",
        "True",
        "False",
        "Nil",
        "NotNil",
        "NoError",
        "Len",
        "Empty",
        "NotEmpty",
        "Same",
    }
)
_WITH_INIT = frozenset({"if_statement", "expression_switch_statement", "type_switch_statement"})
_CALLEE_DEPTH = 3


@dataclass
class _Shared:
    """What the walks of one question share: the package's type names, the file's
    functions, and what is known of their parameters."""

    types: frozenset[str] = frozenset()
    functions: dict[str, Node] | None = None
    callees: dict[tuple[int, int, int], bool] = field(default_factory=dict)


@dataclass
class _Value:
    """What a variable of the region holds: the resource or something made from it."""

    origin: str  # the resource's variable
    direct: bool  # the resource itself (or a value holding it)
    context: bool = False  # a context.Context: functions use it only while they run


class _Walk:
    """One data-flow walk over `region`: a loop body, or the body of a function it calls."""

    def __init__(
        self,
        region: Node,
        imports: dict[str, str],
        skip: Node | None,
        callee_depth: int,
        params: frozenset[str] = frozenset(),
        shared: _Shared | None = None,
    ) -> None:
        self.region = region
        self.imports = imports
        self.skip = skip
        self.callee_depth = callee_depth
        # In a called function: its parameters, whose fields belong to the caller.
        self.params = params
        self.values: dict[str, _Value] = {}
        self.flows: list[Flow] = []
        self.shared = shared or _Shared()

    def run(self, seeds: dict[str, _Value], stop: Callable[[Flow], bool]) -> list[Flow]:
        """Follow every use of the seeds, and of the variables found to hold what they hold,
        until nothing new is found (or `stop` says a flow is enough)."""
        self.values = dict(seeds)
        idents = captures("(identifier) @i", self.region).get("i", [])
        done: set[int] = set()
        changed = True
        while changed:
            changed = False
            for ident in idents:
                value = self.values.get(text(ident))
                if value is None or ident.start_byte in done:
                    continue
                if self.skip is not None and within(ident, self.skip):
                    continue
                done.add(ident.start_byte)
                known = len(self.values)
                flow = self._use(ident, value)
                if flow is not None:
                    self.flows.append(flow)
                    if stop(flow):
                        return self.flows
                changed = changed or len(self.values) != known
        return self.flows

    def _hold(self, name: str, value: _Value) -> None:
        """Variable `name` of the region now holds (something made from) the resource."""
        if name in _NOT_FOLLOWED:
            return
        known = self.values.get(name)
        if known is None:
            self.values[name] = value
        elif value.direct and not known.direct:
            self.values[name] = _Value(known.origin, True, known.context)

    def _local(self, name: str, at: Node, plain: bool) -> bool:
        """Whether `name` is a variable of the region at `at` (in a called function, a plain
        assignment to a parameter only rebinds the function's own copy)."""
        return declared_in(name, at, self.region) is not None or (plain and name in self.params)

    # -- one use --------------------------------------------------------------------------

    def _use(self, ident: Node, value: _Value) -> Flow | None:
        captured = self._closure_exit(ident)
        if captured is not None:
            node, exit_ = captured
            return Flow(node, exit_, text(ident), value.origin, "", value.direct)
        return self._follow(ident, value, value.direct, value.context)

    def _follow(self, node: Node, value: _Value, direct: bool, context: bool) -> Flow | None:
        """Climb from an expression carrying the value to where the value ends up."""
        appended = False
        shown = node
        while True:
            parent = node.parent
            if parent is None or parent == self.region:
                return None
            kind = parent.type
            role = _field_of(parent, node)
            if kind in ("parenthesized_expression", "type_assertion_expression"):
                node = parent
            elif kind == "type_conversion_expression":
                node, direct, context = parent, False, False
            elif kind in ("selector_expression", "index_expression", "slice_expression"):
                if role != "operand":
                    if kind == "index_expression" and assigned_by(parent) is not None:
                        return self._assign([parent], parent, value, shown, direct, False)
                    return None
                node, direct, context, shown = parent, False, False, parent
            elif kind == "unary_expression":
                node, direct, context, shown = parent, False, False, parent
            elif kind == "binary_expression":
                if text(parent.child_by_field_name("operator")) in _COMPARISONS:
                    return None  # a bool
                node, direct, context, shown = parent, False, False, parent
            elif kind in ("literal_element", "keyed_element", "literal_value", "variadic_argument"):
                node = parent
            elif kind == "composite_literal":
                node, direct, context, shown = parent, False, False, parent
            elif kind == "call_expression":
                if role != "function":
                    return None
                holder = parent.parent
                if holder is not None and holder.type == "go_statement":
                    return Flow(parent, Exit.GOROUTINE, _shown(node), value.origin, "", False)
                if holder is not None and holder.type == "defer_statement":
                    return None  # another deferred call: after the fix it runs with this one
                node, direct, context, shown = parent, False, False, parent
            elif kind == "argument_list":
                call = parent.parent
                if call is None or call.type != "call_expression":
                    return None
                outcome = self._argument(node, call, value, shown, direct, context)
                if outcome is None or isinstance(outcome, Flow):
                    return outcome
                direct, context, appended = outcome
                node, shown = call, shown if appended else call
            elif kind == "send_statement":
                if role != "value":
                    return None
                channel = text(parent.child_by_field_name("channel"))
                return Flow(parent, Exit.SENT, _shown(shown), value.origin, channel, direct)
            elif kind == "expression_list":
                return self._listed(node, parent, value, shown, direct, context, appended)
            elif kind in ("range_clause", "receive_statement"):
                if role != "right":
                    return None
                targets = _targets(parent.child_by_field_name("left"))
                declared = kind == "range_clause" and any(c.type == ":=" for c in parent.children)
                if declared:
                    for target in targets:
                        self._hold(text(target), _Value(value.origin, False))
                    return None
                return self._assign(targets, parent, value, shown, False, False)
            else:
                return None

    def _listed(
        self,
        node: Node,
        parent: Node,
        value: _Value,
        shown: Node,
        direct: bool,
        context: bool,
        appended: bool,
    ) -> Flow | None:
        """A value in an expression list: assigned, declared or returned."""
        holder = parent.parent
        if holder is None:
            return None
        values = [c for c in parent.named_children if c.type != "comment"]
        if holder.type == "return_statement":
            literal = _function_of(holder, self.region)
            if literal is None or literal.type != "func_literal":
                return None  # the function returns: its deferred calls run anyway
            call = literal.parent  # called on the spot (other literals were exits already)
            return None if call is None else self._follow(call, value, False, False)
        held = _Value(value.origin, direct, context)
        if holder.type == "var_spec":
            if holder.child_by_field_name("value") == parent:
                for target in _matching(holder.children_by_field_name("name"), values, node):
                    self._hold(text(target), held)
            return None
        if holder.type not in ("short_var_declaration", "assignment_statement"):
            return None
        if holder.child_by_field_name("right") != parent:
            return None  # a target, not a value
        targets = _matching(_targets(holder.child_by_field_name("left")), values, node)
        if holder.type == "short_var_declaration":
            for target in targets:
                self._hold(text(target), held)
            return None
        return self._assign(targets, holder, value, shown, direct, appended, context)

    def _assign(
        self,
        targets: list[Node],
        stmt: Node,
        value: _Value,
        shown: Node,
        direct: bool,
        appended: bool,
        context: bool = False,
    ) -> Flow | None:
        """The value is assigned to `targets`: held by variables of the region (a field or
        element of one makes the variable hold it), or stored beyond the iteration."""
        exit_ = Exit.APPENDED if appended else Exit.STORED
        for target in targets:
            name = text(target)
            if name in _NOT_FOLLOWED:
                continue
            root = _root(target)
            if root is None or not self._local(text(root), stmt, root == target):
                return Flow(stmt, exit_, _shown(shown), value.origin, name, direct)
            self._hold(text(root), _Value(value.origin, direct, context and root == target))
        return None

    # -- calls ----------------------------------------------------------------------------

    def _argument(
        self,
        node: Node,
        call: Node,
        value: _Value,
        shown: Node,
        direct: bool,
        context: bool,
    ) -> Flow | tuple[bool, bool, bool] | None:
        """The value is an argument of `call`. A Flow when it leaves there; (direct,
        context, appended) when the call's result carries it on; None when nothing does."""
        holder = call.parent
        if holder is not None and holder.type == "go_statement":
            return Flow(call, Exit.GO_ARG, _shown(shown), value.origin, "", direct)
        if holder is not None and holder.type == "defer_statement":
            return None  # after the fix, deferred calls run at the end of the iteration
        function = call.child_by_field_name("function")
        if function is None:
            return None
        base = function
        while base.type == "index_expression" and base.named_children:
            base = base.named_children[0]  # F[T](x): F
        if base.type == "identifier" and declared_in(text(base), call, self.region) is None:
            name = text(base)
            if name in _BUILTINS:
                return self._builtin(name, node, call, value, shown, direct)
            if name in _BUILTIN_TYPES or name in self.shared.types:
                return False, False, False  # a conversion
        if function.type == "func_literal":
            target = "a function literal"
            return Flow(call, Exit.KEPT, _shown(shown), value.origin, target, direct)
        if function.type not in ("identifier", "selector_expression", "index_expression"):
            return False, False, False  # a conversion: (*T)(x), []byte(x)
        package = self._package_of(function, call)
        if package == "context":
            return False, context, False  # context.WithValue(ctx, ...): a context again
        keeper = self._keeper(function, base, call, node, value, package, context)
        if keeper is not None:
            return Flow(call, Exit.KEPT, _shown(shown), value.origin, keeper, direct)
        return False, False, False

    def _builtin(
        self, name: str, node: Node, call: Node, value: _Value, shown: Node, direct: bool
    ) -> Flow | tuple[bool, bool, bool] | None:
        if name == "append":
            return direct, False, True
        if name in _BUILTIN_DERIVED:
            return False, False, False
        args = _arguments(call)
        if name == "copy" and len(args) == 2 and within(node, args[1]):
            return self._assign([args[0]], call, value, shown, False, False)
        return None  # len, cap, delete, print...: nothing made from it survives

    def _package_of(self, function: Node, call: Node) -> str | None:
        """The import path of `pkg` in a call `pkg.F(...)`, None for other calls."""
        if function.type != "selector_expression":
            return None
        operand = function.child_by_field_name("operand")
        if operand is None or operand.type != "identifier":
            return None
        path = self.imports.get(text(operand))
        if path is None or declared_in(text(operand), call, self.region) is not None:
            return None
        return path

    def _keeper(
        self,
        function: Node,
        base: Node,
        call: Node,
        node: Node,
        value: _Value,
        package: str | None,
        context: bool,
    ) -> str | None:
        """Who may keep an argument of `call` beyond the call (named for the message), or
        None. A method of a variable of the region makes that variable hold it instead."""
        shown = " ".join(text(function).split())
        if package is not None and "." not in package.split("/", 1)[0]:
            name = text(function.child_by_field_name("field"))
            keeps = (package, name) in _STD_KEEPERS
            keeps = keeps or (package == "sync/atomic" and name.startswith(_ATOMIC_KEEPERS))
            return shown if keeps else None
        if context:
            return None  # a function uses its context while it runs
        if function.type == "selector_expression":
            operand = function.child_by_field_name("operand")
            root = _root(operand) if operand is not None else None
            if root is not None and text(root) in self.values:
                return None  # a method of what is followed already
            if root is not None and self._local(text(root), call, False):
                self._hold(text(root), _Value(value.origin, False))  # b.WriteString(x)
                return None
            name = text(function.child_by_field_name("field"))
        else:
            name = text(base)
        if name.startswith(_NON_KEEPING_PREFIXES) or name in _NON_KEEPING_NAMES:
            return None
        if package is not None:
            return shown  # outside the standard library: unknown
        if function.type != "selector_expression" and base.type == "identifier":
            callee = None
            if declared_in(name, call, self.region) is None and name not in self.params:
                callee = self.file_function(name)
            if callee is not None and not self._callee_keeps(callee, call, node):
                return None
        return shown

    def file_function(self, name: str) -> Node | None:
        """The top-level function `name` of this file, if there is one."""
        if self.shared.functions is None:
            root = self.region
            while root.parent is not None:
                root = root.parent
            self.shared.functions = {
                text(child.child_by_field_name("name")): child
                for child in root.named_children
                if child.type == "function_declaration"
            }
        return self.shared.functions.get(name)

    def _callee_keeps(self, callee: Node, call: Node, node: Node) -> bool:
        """Whether the parameter of a function of this file that receives `node` may be
        kept: followed inside the function like a value of the loop body."""
        body = callee.child_by_field_name("body")
        params = _parameters(callee)
        args = _arguments(call)
        position = next((i for i, a in enumerate(args) if within(node, a)), None)
        if self.callee_depth <= 0 or body is None or params is None or position is None:
            return True
        if position >= len(params) or any(a.type == "variadic_argument" for a in args):
            return True
        name, variadic = params[position]
        if variadic:
            return True
        if name in ("", "_"):
            return False  # unnamed: the function cannot use it
        key = (callee.start_byte, position, self.callee_depth)
        known = self.shared.callees.get(key)
        if known is None:
            self.shared.callees[key] = True  # a recursive call: assume it keeps
            names = frozenset(n for n, _ in params if n)
            walk = _Walk(body, self.imports, None, self.callee_depth - 1, names, self.shared)
            known = bool(walk.run({name: _Value(name, True)}, stop=lambda _flow: True))
            self.shared.callees[key] = known
        return known

    # -- function literals ----------------------------------------------------------------

    def _closure_exit(self, ident: Node) -> tuple[Node, Exit] | None:
        """A use inside a function literal of the region that may run after the iteration:
        one started by `go`, or one that is not called on the spot (or deferred)."""
        node = ident.parent
        while node is not None and node != self.region:
            if node.type == "func_literal":
                call = node.parent
                if (
                    call is None
                    or call.type != "call_expression"
                    or call.child_by_field_name("function") != node
                ):
                    return node, Exit.CAPTURED
                if call.parent is not None and call.parent.type == "go_statement":
                    return call.parent, Exit.GOROUTINE
            node = node.parent
        return None


def flows(
    seeds: set[str],
    body: Node,
    skip: Node | None,
    imports: dict[str, str],
    *,
    types: Iterable[str] = (),
    contexts: set[str] | frozenset[str] = frozenset(),
    first_only: bool = False,
) -> list[Flow]:
    """Where the values named in `seeds` (variables of the loop body `body`), or values made
    from them, leave the iteration; uses inside `skip` (the deferred call) do not count.
    `types` names the package's types (`T(x)` converts); `contexts` names the seeds that are
    a `context.Context`; `first_only` stops at the first flow found."""
    walk = _Walk(body, imports, skip, _CALLEE_DEPTH, shared=_Shared(frozenset(types)))
    start = {name: _Value(name, True, name in contexts) for name in seeds - _NOT_FOLLOWED}
    return walk.run(start, stop=lambda _flow: first_only)


def kept_outside(names: set[str], body: Node, defer: Node, imports: dict[str, str]) -> bool:
    """Whether the loop body keeps one of these values itself beyond its iteration, on
    purpose: appends it to an outer slice, stores it in an outer variable, field or map
    (itself, or a variable of the body it was put in: `cmd.Stdout = f`), sends it on a
    channel, or passes it to a `go` statement."""
    found = flows(names, body, defer, imports)
    return any(f.direct and f.exit in KEPT_ON_PURPOSE for f in found)


def declared_in(name: str, at: Node, region: Node) -> Node | None:
    """The node inside `region` that declares `name` visibly at `at`, if any.

    Looks at the earlier statements of each enclosing statement list, `if`/`switch`
    initializers, type switch variables, `select` cases, the clauses of loops inside the
    region, and the parameters of function literals called on the spot inside it.
    """
    node = at
    while node != region and node.parent is not None:
        parent = node.parent
        kind = parent.type
        if kind == "statement_list":
            for sibling in parent.named_children:
                if sibling.start_byte >= node.start_byte:
                    break
                if declares(sibling, name):
                    return sibling
        elif kind in _WITH_INIT:
            init = parent.child_by_field_name("initializer")
            if init is not None and init != node and declares(init, name):
                return init
            alias = parent.child_by_field_name("alias")
            if alias is not None and any(text(n) == name for n in alias.named_children):
                return alias
        elif kind == "communication_case":
            comm = parent.child_by_field_name("communication")
            left = comm.child_by_field_name("left") if comm is not None else None
            if left is not None and any(text(n) == name for n in left.named_children):
                return comm
        elif kind == "for_statement":
            found = _loop_declares(parent, name)
            if found is not None:
                return found
        elif kind == "func_literal":
            if any(n == name for n, _ in _parameters(parent) or []):
                return parent
            call = parent.parent
            if call is None or call.type != "call_expression":
                return None
        elif kind in FUNCTION_NODES:
            return None
        node = parent
    return None


def declares(stmt: Node, name: str) -> bool:
    """Whether `stmt` (a `:=` or `var` statement) declares `name` at its own level."""
    if stmt.type == "short_var_declaration":
        left = stmt.child_by_field_name("left")
        return left is not None and any(text(n) == name for n in left.named_children)
    if stmt.type == "var_declaration":
        names = captures("(var_spec name: (identifier) @n)", stmt).get("n", [])
        return any(text(n) == name for n in names)
    return False


def _loop_declares(loop: Node, name: str) -> Node | None:
    for clause in loop.named_children:
        if clause.type == "range_clause" and any(c.type == ":=" for c in clause.children):
            left = clause.child_by_field_name("left")
            if left is not None and any(text(n) == name for n in left.named_children):
                return clause
        elif clause.type == "for_clause":
            init = clause.child_by_field_name("initializer")
            if init is not None and declares(init, name):
                return init
    return None


def _field_of(parent: Node, child: Node) -> str | None:
    for i, c in enumerate(parent.children):
        if c == child:
            return parent.field_name_for_child(i)
    return None


def _targets(left: Node | None) -> list[Node]:
    return [t for t in left.named_children if t.type != "comment"] if left is not None else []


def _matching(targets: list[Node], values: list[Node], node: Node) -> list[Node]:
    """The targets that receive `node`: the one at its position, or all of them for a call
    with several results (`a, b := f(x)`)."""
    if len(values) == len(targets):
        return [t for t, v in zip(targets, values, strict=True) if within(node, v)]
    return targets


def _root(target: Node) -> Node | None:
    """The variable an assignment target belongs to (`x` of `x.f[i]` or `*x`), or None."""
    node = unparen(target)
    while node.type in ("selector_expression", "index_expression", "unary_expression"):
        inner = node.child_by_field_name("operand")
        if inner is None:
            return None
        node = unparen(inner)
    return node if node.type == "identifier" else None


def _arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    return [a for a in args.named_children if a.type != "comment"] if args is not None else []


def _parameters(func: Node) -> list[tuple[str, bool]] | None:
    """(name, is variadic) of each parameter, in order; "" for an unnamed one."""
    params = func.child_by_field_name("parameters")
    if params is None:
        return None
    out: list[tuple[str, bool]] = []
    for decl in params.named_children:
        if decl.type == "comment":
            continue
        variadic = decl.type == "variadic_parameter_declaration"
        names = decl.children_by_field_name("name")
        if not names:
            out.append(("", variadic))
        out.extend((text(n), variadic) for n in names)
    return out


def _function_of(node: Node, region: Node) -> Node | None:
    """The function around `node` when it lies inside `region`, else None."""
    return ancestor_between(node, region, FUNCTION_NODES)


def _shown(node: Node) -> str:
    shown = " ".join(text(node).split())
    return shown if len(shown) <= _SHOWN_LIMIT else shown[: _SHOWN_LIMIT - 3].rstrip() + "..."


def _mentions_name(shown: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", shown) is not None
