"""## What it does
Finds `runtime.SetFinalizer(x, f)` where the type of `x` can reach itself through its fields:
directly (`type Node struct{ next *Node }`) or through other types of the same package
(`type Conn struct{ srv *Server }`, `type Server struct{ conns map[int]*Conn }`), via
pointers, slices, arrays, maps, channels and embedded or nested structs. Types declared inside
the function are followed too. Fields of interface or function type, and types from other
packages, are not followed (anything could be behind them, so nothing is assumed).

The type of `x` comes from the expression itself (`&Node{}`, `new(Node)`), from its
declaration in the function (`n := &Node{}`, `var n Node`, a parameter or receiver, the result
of a function of the package) or from the package index (package variables, struct fields).
When it cannot be worked out the rule is silent. `runtime.SetFinalizer(x, nil)`, which removes
a finalizer, is not reported.

A type that can reach itself does not mean that the objects form a cycle at run time, so the
finding's confidence says how likely a cycle is:

- high: the function itself links the object into a cycle (`x.next = y` and `y.next = x`, or
  `y.peer = &x` next to `x.peer = ...`);
- medium: the type links back in two ways (`prev` and `next`, `parent` and `children`), or the
  way back goes through another type (an object and its owner pointing at each other): such
  types are cyclic in almost every use;
- low: the only way back is one field of the type itself (`next *Node`): a singly linked list
  or a tree is a cycle only when it is circular. Low-confidence findings have info severity.

## Impact
Every object caught this way is never freed, with all it references, so what matters is how
many there are. The finding grows (a warning, unless its confidence is low) when the finalizer
is set on an object made on every call of the function, or every iteration of a loop there: a
constructor, a per-connection setup (the impact reason says "one finalized object per call of
newElem"). It is minor (`info`) when there is one such object for the whole program: the
finalized value is a package variable (kept alive for the program's life anyway), or the call
runs once per program (in `init`, `main.main`, a `sync.Once`'s `Do` literal, or a function
of package main that only those call, outside loops). Findings in `_test.go` files are minor too.

## Why is this bad?
The garbage collector runs finalizers in dependency order: an object's finalizer runs only when
nothing else that is unreachable still points to it. In a cycle every object is pointed to by
another, so there is no order that respects the dependencies: when an object with a finalizer
is part of a cycle, the finalizer never runs and the whole cycle, with everything it references,
is never freed. The `runtime.SetFinalizer` documentation says so: "If a cyclic structure
includes a block with a finalizer, that cycle is not guaranteed to be garbage collected and the
finalizer is not guaranteed to run, because there is no ordering that respects the
dependencies."

## Example
```go
type Node struct {
    prev, next *Node
    fd         int
}

func newNode(fd int) *Node {
    n := &Node{fd: fd}
    runtime.SetFinalizer(n, func(n *Node) { syscall.Close(n.fd) })
    return n
}
```

## Use instead
From Go 1.24, use `runtime.AddCleanup`: a cleanup runs even for an object in a cycle, because
it gets a copy of what it needs (`arg`) instead of the object, so it cannot resurrect it. The
cleanup function and its argument must not reach the object (see the `cleanup-keeps-alive`
rule): pass the resource, not the node.
```go
func newNode(fd int) *Node {
    n := &Node{fd: fd}
    runtime.AddCleanup(n, func(fd int) { syscall.Close(fd) }, n.fd)
    return n
}
```
Before Go 1.24, put the finalizer on a small object outside the cycle that holds only the
resource:
```go
type handle struct{ fd int }

type Node struct {
    prev, next *Node
    h          *handle
}

func newNode(fd int) *Node {
    h := &handle{fd: fd}
    runtime.SetFinalizer(h, func(h *handle) { syscall.Close(h.fd) })
    return &Node{h: h}
}
```
Breaking the cycle before the objects are dropped (clearing `prev` and `next`) works too.

## Fix safety
No automatic fix is ever offered, whatever the confidence: which link to break, or where to
move the resource, is a design decision. The finding names the way back to the type
(`Node.next -> Node`) and its note lists the options: clear the links before dropping the
objects, put the finalizer on a small object outside the cycle that holds only the resource,
or use `runtime.AddCleanup` (Go 1.24 and later).

## References
- [runtime.SetFinalizer](https://pkg.go.dev/runtime#SetFinalizer)
- [runtime.AddCleanup](https://pkg.go.dev/runtime#AddCleanup) (Go 1.24)
- [Go 101: memory leaking scenarios, finalizers on cyclic reference groups](https://go101.org/article/memory-leaking.html)
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from typing import Any

from tree_sitter import Node

from leakscope.core import flow
from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.index import TypeInfo, _type_info, normalise_type
from leakscope.core.model import Confidence, FixAvailability, Impact, Rule, Severity
from leakscope.core.package_files import files_of
from leakscope.core.rules._lifetime import package_name, runs_once
from leakscope.core.rules._loops import loops_around, loops_impact
from leakscope.core.syntax import captures, enclosing_function, function_name, text, unparen

_LOCAL_DECLS = """
(var_spec) @decl
(short_var_declaration) @decl
(parameter_declaration) @decl
(type_spec) @type
"""
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ELEMENTS = ""  # the "field" of a named slice, map, array, pointer or channel type
_KEYWORDS = frozenset({"map", "chan", "struct", "interface", "func"})


def check(ctx: FileContext) -> Iterator[Diagnostic]:
    aliases = {n for n, p in ctx.imports.items() if p == "runtime" and n not in (".", "_")}
    if not aliases:
        return
    for call in ctx.selector_calls(b"SetFinalizer"):
        function = call.child_by_field_name("function")
        if function is None or text(function.child_by_field_name("operand")) not in aliases:
            continue
        args = call.child_by_field_name("arguments")
        values = [c for c in args.named_children if c.type != "comment"] if args else []
        if len(values) != 2 or text(values[1]) == "nil":
            continue
        func = enclosing_function(call)
        types = _Types(ctx, func)
        type_text = types.type_of(values[0])
        if type_text is None:
            continue
        name = _base_name(type_text)
        if name is None or types.info(name) is None:
            continue
        cycle = _find_cycle(name, types)
        if cycle is None:
            continue
        path, ways_back, through_other = cycle
        confidence = Confidence.LOW
        why = (
            "only one field of the type leads back to it, so the objects form a cycle only "
            "when those links loop round (a circular list)"
        )
        if ways_back >= 2 or through_other:
            confidence = Confidence.MEDIUM
            why = (
                "the type links back in more than one way"
                if ways_back >= 2
                else "the way back goes through another type"
            )
        if func is not None and _links_in_function(values[0], path, func):
            confidence = Confidence.HIGH
            why = "this function links the object into a cycle"
        route = " -> ".join(
            owner if field == _ELEMENTS else f"{owner}.{field}" for owner, field in path
        )
        yield Diagnostic.at(
            call,
            f"runtime.SetFinalizer on {type_text}, whose type can reach itself ({route} -> "
            f"{name}): an object with a finalizer in a reference cycle is never collected and "
            f"its finalizer never runs ({why}); from Go 1.24, runtime.AddCleanup with the "
            "resource as its argument runs even for objects in cycles",
            confidence=confidence,
            severity=Severity.INFO if confidence is Confidence.LOW else None,
            **_impact(ctx, values[0], func, types),
            no_fix_reason=(
                "no automatic fix: break the cycle (clear the links before dropping the "
                "objects), put the finalizer on a small object outside the cycle that holds "
                "only the resource, or (Go 1.24 and later) use runtime.AddCleanup(obj, "
                "func(fd int) { ... }, obj.fd), whose function and argument must not reach obj"
            ),
        )


def _impact(ctx: FileContext, value: Node, func: Node | None, types: _Types) -> dict[str, Any]:
    """Each object given a finalizer and caught in a cycle is never freed: that grows with the
    number of such objects, one per call of the function (or per iteration of a loop there).
    A package variable, or an object made once per program (main, init, sync.Once), is one
    object for the program's life: minor."""
    target = unparen(value)
    if target.type == "unary_expression" and text(target.child_by_field_name("operator")) == "&":
        target = unparen(target.child_by_field_name("operand") or target)
    if target.type == "identifier" and _package_var(ctx, target, func, types):
        return {
            "impact": Impact.BOUNDED,
            "impact_reason": f"{text(target)} is a package variable: one object, kept for the "
            "program's life anyway",
        }
    if func is None:
        return {}
    loops = loops_around(value, func)
    once = None if loops else runs_once(func, package_name(ctx), files_of(ctx.package))
    if once is not None:
        return {"impact": Impact.BOUNDED, "impact_reason": f"set once: {once}"}
    if ctx.is_test:
        return {}
    name = function_name(func) or "the function"
    if loops:
        _, reason = loops_impact(loops, ctx.root)
        return {
            "impact": Impact.GROWS,
            "impact_reason": (
                f"one finalized object per iteration ({reason}), on every call of {name}"
            ),
        }
    return {"impact": Impact.GROWS, "impact_reason": f"one finalized object per call of {name}"}


def _package_var(ctx: FileContext, ident: Node, func: Node | None, types: _Types) -> bool:
    name = text(ident)
    if name not in ctx.package.vars:
        return False
    scope = func
    while scope is not None:
        if types._declared_in(scope, name, ident, 0) is not None:
            return False  # a local of the same name
        scope = enclosing_function(scope)
    return True


def _base_name(type_text: str) -> str | None:
    """`*Node` -> `Node`; None for types of other packages, builtins and literals."""
    base = type_text.lstrip("*").split("[", 1)[0]
    if not base or "." in base or not _IDENT.fullmatch(base):
        return None
    return base


class _Types:
    """Types of expressions around one SetFinalizer call: local declarations, then the index."""

    def __init__(self, ctx: FileContext, func: Node | None) -> None:
        self.ctx = ctx
        self.func = func
        self.local_types: dict[str, TypeInfo] = {}
        scope = func
        # Types declared in this function and the functions around it.
        while scope is not None:
            for spec in captures(_LOCAL_DECLS, scope).get("type", []):
                if spec.parent is None or spec.parent.type != "type_declaration":
                    continue
                name = text(spec.child_by_field_name("name"))
                self.local_types.setdefault(
                    name, _type_info(name, spec.child_by_field_name("type"))
                )
            scope = enclosing_function(scope)

    def info(self, name: str) -> TypeInfo | None:
        """The declaration of type `name`: in the function, in this file, or the package's.

        A type declared in several files of the package (build-tag variants such as
        `fd_posix.go` and `net_fake.go`) counts only when this file declares it or when
        all the variants agree: the index keeps just one of them.
        """
        if name in self.local_types:
            return self.local_types[name]
        summaries = self.ctx.package.summaries
        own = summaries.get(self.ctx.path)
        if own is not None and name in own.types:
            return own.types[name]
        decls = [s.types[name] for s in summaries.values() if name in s.types]
        if decls and all(d == decls[0] for d in decls):
            return decls[0]
        return None

    def type_of(self, node: Node, depth: int = 0) -> str | None:
        if depth > 8:
            return None
        node = unparen(node)
        found = self.ctx.types.type_of(node)
        if found is not None:
            return normalise_type(found)
        kind = node.type
        if kind == "unary_expression" and text(node.child_by_field_name("operator")) == "&":
            operand = node.child_by_field_name("operand")
            inner = self.type_of(operand, depth + 1) if operand is not None else None
            return f"*{inner}" if inner is not None else None
        if kind == "composite_literal":
            type_node = node.child_by_field_name("type")
            return normalise_type(text(type_node)) if type_node is not None else None
        if kind == "call_expression":
            return self._call_type(node)
        if kind == "identifier":
            return self._identifier_type(node, depth)
        if kind == "selector_expression":
            operand = node.child_by_field_name("operand")
            owner = self.type_of(operand, depth + 1) if operand is not None else None
            base = _base_name(owner) if owner is not None else None
            if base is None:
                return None
            return self._field_type(base, text(node.child_by_field_name("field")))
        return None

    def _field_type(self, type_name: str, field: str) -> str | None:
        info = self.info(type_name)
        if info is None:
            return None
        for name, type_text in info.fields:
            if name == field:
                return type_text
        return self.ctx.package.field_type(type_name, field)

    def _call_type(self, call: Node) -> str | None:
        function = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        if function is None:
            return None
        if function.type == "identifier" and text(function) == "new" and args is not None:
            values = [c for c in args.named_children if c.type != "comment"]
            return f"*{normalise_type(text(values[0]))}" if len(values) == 1 else None
        if function.type == "identifier":
            sig = self.ctx.package.funcs.get(text(function))
            if sig is not None and sig.result_types:
                return sig.result_types[0]
        return None

    def _identifier_type(self, ident: Node, depth: int) -> str | None:
        name = text(ident)
        scope = self.func
        while scope is not None:
            found = self._declared_in(scope, name, ident, depth)
            if found is not None:
                return found or None
            scope = enclosing_function(scope)
        var = self.ctx.package.vars.get(name)
        return var.type if var is not None else None

    def _declared_in(self, scope: Node, name: str, use: Node, depth: int) -> str | None:
        """The type of the last declaration of `name` by `scope` before `use`.

        "" means declared there but of unknown type (stop looking further out).
        """
        best: tuple[int, str] | None = None
        for decl in captures(_LOCAL_DECLS, scope).get("decl", []):
            if decl.start_byte > use.start_byte or not flow.owned_by(decl, scope):
                continue
            found = self._declaration_type(decl, name, depth)
            if found is not None and (best is None or decl.start_byte >= best[0]):
                best = (decl.start_byte, found)
        return best[1] if best is not None else None

    def _declaration_type(self, decl: Node, name: str, depth: int) -> str | None:
        if decl.type in ("var_spec", "parameter_declaration"):
            names = decl.children_by_field_name("name")
            if not any(text(n) == name for n in names):
                return None
            type_node = decl.child_by_field_name("type")
            if type_node is not None:
                return normalise_type(text(type_node))
            if decl.type == "var_spec":
                values = decl.child_by_field_name("value")
                index = next(i for i, n in enumerate(names) if text(n) == name)
                return self._value_type(values, index, len(names), depth)
            return ""
        left = decl.child_by_field_name("left")
        names = left.named_children if left is not None else []
        if not any(text(n) == name for n in names):
            return None
        index = next(i for i, n in enumerate(names) if text(n) == name)
        return self._value_type(decl.child_by_field_name("right"), index, len(names), depth)

    def _value_type(self, values: Node | None, index: int, count: int, depth: int) -> str:
        if values is None:
            return ""
        nodes = [c for c in values.named_children if c.type != "comment"]
        if len(nodes) != count:
            return ""
        return self.type_of(nodes[index], depth + 1) or ""


def _referenced_types(type_text: str, types: _Types) -> list[str]:
    """Local type names a value of this type can point to or contain."""
    if "func(" in type_text or type_text.startswith("func"):
        # A function value could capture anything: do not follow.
        type_text = re.sub(r"func\(.*", "", type_text)
    out = []
    for match in _IDENT.finditer(type_text):
        word = match.group(0)
        start, end = match.span()
        if word in _KEYWORDS:
            continue
        if (start > 0 and type_text[start - 1] == ".") or type_text[end : end + 1] == ".":
            continue  # pkg.Type of another package
        if types.info(word) is not None:
            out.append(word)
    return out


def _edges(name: str, types: _Types) -> list[tuple[str, str]]:
    """(field, type reached) for each field of `name` that leads to a local type."""
    info = types.info(name)
    if info is None or info.underlying == "interface":
        return []
    if info.underlying == "struct":
        return [
            (field, target)
            for field, type_text in info.fields
            for target in _referenced_types(type_text, types)
        ]
    return [(_ELEMENTS, t) for t in _referenced_types(info.underlying, types)]


def _find_cycle(start: str, types: _Types) -> tuple[list[tuple[str, str]], int, bool] | None:
    """The shortest path of (type, field) steps from `start` back to it, the number of
    distinct first fields that lead back, and whether the shortest way back passes another type.
    """
    first_fields_back: set[str] = set()
    shortest: list[tuple[str, str]] | None = None
    for field, target in _edges(start, types):
        path = _path_back(target, start, types)
        if path is None:
            continue
        first_fields_back.add(field)
        candidate = [(start, field), *path]
        if shortest is None or len(candidate) < len(shortest):
            shortest = candidate
    if shortest is None:
        return None
    # Another struct on the way back is another object (an owner, a parent); a named slice
    # or map type (`type Children []*Tree`) is only a container of the same objects.
    through_other = any(
        owner != start and (info := types.info(owner)) is not None and info.underlying == "struct"
        for owner, _ in shortest
    )
    return shortest, len(first_fields_back), through_other


def _path_back(origin: str, goal: str, types: _Types) -> list[tuple[str, str]] | None:
    """Steps from type `origin` to type `goal` ([] when they are the same type)."""
    if origin == goal:
        return []
    queue: deque[str] = deque([origin])
    came_from: dict[str, tuple[str, str] | None] = {origin: None}
    while queue:
        current = queue.popleft()
        for field, target in _edges(current, types):
            if target in came_from:
                continue
            came_from[target] = (current, field)
            if target == goal:
                steps: list[tuple[str, str]] = []
                node: str | None = target
                while node is not None and came_from[node] is not None:
                    owner, via = came_from[node]  # type: ignore[misc]
                    steps.append((owner, via))
                    node = owner
                return list(reversed(steps))
            queue.append(target)
    return None


def _links_in_function(value: Node, path: list[tuple[str, str]], func: Node) -> bool:
    """Does `func` store the finalized object into a field on the way back to its type?

    `y.next = x` (or `&x`) for a field of the cycle, next to a SetFinalizer on `x`: the object
    is pointed to by another object of the cycle, which is what closes it.
    """
    root = unparen(value)
    if root.type == "unary_expression" and text(root.child_by_field_name("operator")) == "&":
        operand = root.child_by_field_name("operand")
        root = unparen(operand) if operand is not None else root
    if root.type != "identifier":
        return False
    name = text(root)
    fields = {field for _, field in path}
    body = flow.function_body(func)
    if body is None:
        return False
    for stmt in captures("(assignment_statement) @a", body).get("a", []):
        left = stmt.child_by_field_name("left")
        right = stmt.child_by_field_name("right")
        if left is None or right is None:
            continue
        lhs = left.named_children
        rhs = right.named_children
        if len(lhs) != len(rhs):
            continue
        for target, source in zip(lhs, rhs, strict=True):
            target = unparen(target)
            if target.type != "selector_expression":
                continue
            if text(target.child_by_field_name("field")) not in fields:
                continue
            owner = text(target.child_by_field_name("operand"))
            stored = text(unparen(source)).lstrip("&")
            if stored == name and owner != name:
                return True
    return False


RULE = Rule(
    name="finalizer-cycle",
    summary="runtime.SetFinalizer on a value whose type can reach itself (cycles are never freed)",
    doc=__doc__ or "",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.NEVER,
    check=check,
    triggers=(b"SetFinalizer",),
)
