"""## What it does
Finds cleanups and finalizers that keep their own object alive:

- `runtime.AddCleanup(p, f, arg)` (Go 1.24) where `f` is a function literal that uses `p`
  (or a variable holding it, see below) without declaring it, a method value `p.close`, or a
  local variable that holds such a literal (`stop := func(int) { p.flush() }`);
- `runtime.AddCleanup(p, f, arg)` where `arg` reaches `p`: a composite literal that holds it
  (`&state{owner: p}`, `[]*T{p}`), or a local variable the function filled with it
  (`w := &wrapper{c: p}`, `w.c = p`, `w[k] = p`, `w = append(w, p)`); `arg` being `p` itself is
  reported too (the runtime panics then);
- `runtime.SetFinalizer(x, f)` where `f` is such a literal or method value of `x` (instead of
  using the pointer the finalizer receives).

"Uses `p`" means the root variable of the pointer's expression: `p` for `p` and `&p`, `c`
for `&c.buf` and `c.conn`. The import name of `"runtime"` is honoured. A name that the
literal declares itself (a parameter, a `:=` inside it) is not a use. Copies of the pointer
into other variables are not followed (`q := p` then a literal using `q`), nor arguments
whose type merely could reach `p` (a `*wrapper` from elsewhere): the rule reports what the
function itself shows.

## Impact
An object caught this way is never freed, with everything it references, and its cleanup or
finalizer never runs, so what matters is how many there are. The finding grows (a warning)
when the object is made on every call of the function, or every iteration of a loop there (the
impact reason says "one object per call of open"). It is minor (`info`) when there is one such
object for the program: a package variable, or a call that runs once per program (in `init`,
`main.main`, a `sync.Once`'s `Do` literal, or a function of package main that only those
call, outside loops). Findings in `_test.go` files are
minor too. `arg` being `p` itself is an error whatever the count: `AddCleanup` panics.

## Why is this bad?
The function given to `runtime.AddCleanup` and its argument are kept by the runtime until the
cleanup runs: they are roots for the garbage collector. If either reaches the object, the
object is always reachable, so it is never collected and the cleanup never runs. The
`runtime.AddCleanup` documentation says so: "If ptr is reachable from cleanup or arg, ptr will
never be collected and the cleanup will never run." The runtime only catches `arg == ptr` (it
panics); a closure capturing the object, or an argument that points to it, leaks silently.
Finalizers are the same: the finalizer function is a root, so a closure over the object it is
set on keeps that object alive for ever. No Go tool reports this today.

## Example
```go
func Open(path string) (*File, error) {
    fd, err := syscall.Open(path, syscall.O_RDONLY, 0)
    if err != nil {
        return nil, err
    }
    f := &File{fd: fd}
    runtime.AddCleanup(f, func(int) { syscall.Close(f.fd) }, 0)
    return f, nil
}
```

## Use instead
Give the cleanup what it needs through `arg`, and use only that in the function:
```go
    f := &File{fd: fd}
    runtime.AddCleanup(f, func(fd int) { syscall.Close(fd) }, f.fd)
```
For a finalizer, use the pointer it receives: `runtime.SetFinalizer(f, func(f *File) {
syscall.Close(f.fd) })`, or (Go 1.24 and later) move to `runtime.AddCleanup` as above.

## Fix safety
No automatic fix is offered: what the cleanup needs from the object (a file descriptor, a
handle, a copy of some fields) and how to pass it as `arg` is for the author to decide.

## References
- [runtime.AddCleanup](https://pkg.go.dev/runtime#AddCleanup) (Go 1.24)
- [runtime.SetFinalizer](https://pkg.go.dev/runtime#SetFinalizer)
- [Go 1.24 release notes: cleanups](https://go.dev/doc/go1.24#improved-finalizers)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tree_sitter import Node

from leakscope.core import flow
from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.model import FixAvailability, Impact, Rule, Severity
from leakscope.core.package_files import files_of
from leakscope.core.rules._escape import declared_in
from leakscope.core.rules._lifetime import runs_once
from leakscope.core.rules._loops import loops_around, loops_impact
from leakscope.core.syntax import captures, enclosing_function, function_name, text, unparen

_FILLS = """
(short_var_declaration) @stmt
(assignment_statement) @stmt
(var_spec) @stmt
"""


def check(ctx: FileContext) -> Iterator[Diagnostic]:
    aliases = {n for n, p in ctx.imports.items() if p == "runtime" and n not in (".", "_")}
    if not aliases:
        return
    for call in ctx.selector_calls(b"AddCleanup", b"SetFinalizer"):
        function = call.child_by_field_name("function")
        if function is None or text(function.child_by_field_name("operand")) not in aliases:
            continue
        what = text(function.child_by_field_name("field"))
        args = call.child_by_field_name("arguments")
        values = [c for c in args.named_children if c.type != "comment"] if args else []
        if len(values) != (3 if what == "AddCleanup" else 2):
            continue
        root = _root_name(values[0])
        if root is None:
            continue
        func = enclosing_function(call)
        kind = "cleanup" if what == "AddCleanup" else "finalizer"
        found = _function_keeps(values[1], root, func)
        if found is not None:
            yield Diagnostic.at(
                values[1],
                f"runtime.{what}'s {kind} function {found}, so {text(values[0])} stays "
                f"reachable: it is never collected and the {kind} never runs",
                **_impact(ctx, root, values[0], func),
                no_fix_reason=_no_fix(what, text(values[0])),
            )
        if what != "AddCleanup":
            continue
        arg = unparen(values[2])
        if text(arg) == text(unparen(values[0])):
            yield Diagnostic.at(
                arg,
                f"runtime.AddCleanup's argument is the object itself ({text(arg)}): AddCleanup "
                "panics, since the object would stay reachable and never be collected",
                severity=Severity.ERROR,
                impact=Impact.GROWS,
                impact_reason="AddCleanup panics on every call",
                no_fix_reason=_no_fix(what, text(values[0])),
            )
            continue
        reached = _argument_reaches(arg, root, func, call)
        if reached is not None:
            yield Diagnostic.at(
                arg,
                f"runtime.AddCleanup's argument {reached}, so {text(values[0])} stays "
                "reachable: it is never collected and the cleanup never runs",
                **_impact(ctx, root, values[0], func),
                no_fix_reason=_no_fix(what, text(values[0])),
            )


def _no_fix(what: str, pointer: str) -> str:
    if what == "AddCleanup":
        return (
            f"no automatic fix: pass what the cleanup needs from {pointer} (a descriptor, a "
            "handle) as its argument, and use only that argument in the cleanup function"
        )
    return (
        f"no automatic fix: use the pointer the finalizer receives instead of {pointer}, or "
        "(Go 1.24 and later) runtime.AddCleanup with what the cleanup needs as its argument"
    )


def _root_name(pointer: Node) -> Node | None:
    """The variable whose value the pointer lies in: `p`, `&p`, `&c.buf`, `c.conn` -> p, c."""
    node = unparen(pointer)
    if node.type == "unary_expression" and text(node.child_by_field_name("operator")) == "&":
        node = unparen(node.child_by_field_name("operand") or node)
    while node.type in ("selector_expression", "index_expression"):
        node = unparen(node.child_by_field_name("operand") or node)
    return node if node.type == "identifier" and text(node) != "_" else None


def _function_keeps(fn: Node, root: Node, func: Node | None) -> str | None:
    """How the cleanup or finalizer function `fn` keeps `root` alive, or None."""
    name = text(root)
    fn = unparen(fn)
    if fn.type == "selector_expression":
        operand = _root_name(fn.child_by_field_name("operand") or fn)
        if operand is not None and text(operand) == name:
            return f"is a method value of {name} (it holds {name})"
        return None
    literal = fn
    via = ""
    if fn.type == "identifier" and func is not None:
        literal = _local_literal(fn, func)
        via = f"({text(fn)}) "
    if literal is None or literal.type != "func_literal":
        return None
    if _free_use(literal, name) is not None:
        return f"{via}captures {name}"
    holders = _holders(root, func, fn) if func is not None else {}
    for holder, filled in holders.items():
        if _free_use(literal, holder) is not None:
            return f"{via}captures {holder}, which holds {name} ({filled})"
    return None


def _local_literal(ident: Node, func: Node) -> Node | None:
    """The function literal a local `name := func(...) {...}` before `ident` holds."""
    decl = declared_in(text(ident), ident, func)
    if decl is None or decl.type != "short_var_declaration":
        return None
    left = decl.child_by_field_name("left")
    right = decl.child_by_field_name("right")
    if left is None or right is None:
        return None
    names = [text(n) for n in left.named_children]
    values = right.named_children
    if text(ident) not in names or len(values) != len(names):
        return None
    value = unparen(values[names.index(text(ident))])
    return value if value.type == "func_literal" else None


def _free_use(literal: Node, name: str) -> Node | None:
    """An identifier `name` in `literal` that the literal does not declare itself."""
    params = captures("(parameter_declaration name: (identifier) @n)", literal).get("n", [])
    own = literal.child_by_field_name("parameters")
    if own is not None and any(text(p) == name and _within(p, own) for p in params):
        return None
    body = literal.child_by_field_name("body")
    if body is None:
        return None
    for ident in captures("(identifier) @id", body).get("id", []):
        if text(ident) != name or _is_key(ident) or _declaring(ident):
            continue
        if declared_in(name, ident, literal) is None:
            return ident
    return None


def _within(node: Node, outer: Node) -> bool:
    return outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


def _declaring(ident: Node) -> bool:
    """`name` as what a `:=`, `var` or `range ... :=` declares (not a use)."""
    parent = ident.parent
    if parent is not None and parent.type == "var_spec":
        return True
    if parent is None or parent.type != "expression_list" or parent.parent is None:
        return False
    holder = parent.parent
    if holder.child_by_field_name("left") != parent:
        return False
    if holder.type == "short_var_declaration":
        return True
    return holder.type == "range_clause" and any(c.type == ":=" for c in holder.children)


def _is_key(ident: Node) -> bool:
    """`name` as the key of a keyed struct literal element (`T{name: v}`), not a use."""
    parent = ident.parent
    if parent is not None and parent.type == "literal_element":
        keyed = parent.parent
        return keyed is not None and keyed.type == "keyed_element" and keyed.children[0] == parent
    return False


def _holds(value: Node, name: str) -> bool:
    """Does `value` put `name` into what it makes: `name` itself, `&name`, a composite
    literal or `append` with it among its elements?"""
    value = unparen(value)
    if value.type == "unary_expression" and text(value.child_by_field_name("operator")) == "&":
        value = unparen(value.child_by_field_name("operand") or value)
    if value.type == "identifier":
        return text(value) == name
    if value.type == "composite_literal":
        body = value.child_by_field_name("body")
        return body is not None and any(
            _holds(element.named_children[-1], name)
            for element in _elements(body)
            if element.named_children
        )
    if value.type == "call_expression" and text(value.child_by_field_name("function")) in (
        "append",
    ):
        args = value.child_by_field_name("arguments")
        return args is not None and any(_holds(a, name) for a in args.named_children[1:])
    return False


def _elements(body: Node) -> list[Node]:
    out = []
    for child in body.named_children:
        if child.type == "keyed_element":
            out.append(child.named_children[-1])
        elif child.type == "literal_element":
            out.append(child)
    return out


def _holders(root: Node, func: Node, before: Node) -> dict[str, str]:
    """Local variables the function fills with `root` before `before`: name -> how."""
    name = text(root)
    out: dict[str, str] = {}
    body = flow.function_body(func)
    if body is None:
        return out
    for match in captures(_FILLS, body).get("stmt", []):
        if match.start_byte >= before.start_byte:
            continue
        if match.type == "var_spec":
            left = match.child_by_field_name("name")
            values = match.child_by_field_name("value")
        else:
            left = match.child_by_field_name("left")
            values = match.child_by_field_name("right")
            left = left.named_children[0] if left is not None and left.named_children else None
        if left is None or values is None or not values.named_children:
            continue
        value = values.named_children[0]
        target = _root_name(left)
        if target is None or text(target) == name:
            continue
        whole = left.type == "identifier"
        if (whole and unparen(value).type != "identifier" and _holds(value, name)) or (
            not whole and _holds(value, name)
        ):
            out.setdefault(text(target), " ".join(text(match).split()))
    return out


def _argument_reaches(arg: Node, root: Node, func: Node | None, call: Node) -> str | None:
    name = text(root)
    if unparen(arg).type != "identifier" and _holds(arg, name):
        return f"{' '.join(text(arg).split())} holds {name}"
    if arg.type == "identifier" and func is not None:
        filled = _holders(root, func, call).get(text(arg))
        if filled is not None and declared_in(text(arg), arg, func) is not None:
            return f"{text(arg)} holds {name} ({filled})"
    return None


def _impact(ctx: FileContext, root: Node, pointer: Node, func: Node | None) -> dict[str, Any]:
    """One object is never freed per time the call runs: per call of the function (or
    iteration of a loop there) grows; a package variable or a call made once is minor."""
    if func is None:
        return {}
    name = text(root)
    if (
        name in ctx.package.vars
        and declared_in(name, root, func) is None
        and not _is_parameter(func, name)
    ):
        return {
            "impact": Impact.BOUNDED,
            "impact_reason": f"{name} is a package variable: one object, kept for the "
            "program's life anyway",
        }
    loops = loops_around(pointer, func)
    summary = ctx.package.summaries.get(ctx.path)
    once = (
        None
        if loops
        else runs_once(func, summary.package if summary is not None else "", files_of(ctx.package))
    )
    if once is not None:
        return {"impact": Impact.BOUNDED, "impact_reason": f"set once: {once}"}
    if ctx.is_test:
        return {}
    caller = function_name(func) or "the function"
    if loops:
        _, reason = loops_impact(loops, ctx.root)
        return {
            "impact": Impact.GROWS,
            "impact_reason": f"one object never freed per iteration ({reason}), on every "
            f"call of {caller}",
        }
    return {
        "impact": Impact.GROWS,
        "impact_reason": f"one object never freed per call of {caller}",
    }


def _is_parameter(func: Node | None, name: str) -> bool:
    while func is not None:
        for key in ("parameters", "receiver"):
            params = func.child_by_field_name(key)
            if params is not None and any(
                text(n) == name
                for n in captures("(parameter_declaration name: (identifier) @n)", params).get(
                    "n", []
                )
            ):
                return True
        func = enclosing_function(func)
    return False


RULE = Rule(
    name="cleanup-keeps-alive",
    summary="A cleanup or finalizer whose function or argument reaches its object, which is "
    "then never collected",
    doc=__doc__ or "",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.NEVER,
    check=check,
    triggers=(b"AddCleanup", b"SetFinalizer"),
)
