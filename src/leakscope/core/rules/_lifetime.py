"""How long and how often: the impact questions of the timer, goroutine and context rules.

- `duration_ns`: the value of a duration expression the code fixes (`10 * time.Millisecond`,
  a constant of the file, `time.Duration(3) * time.Second`), or None;
- `runs_once`: whether code in a function runs once per program (`main`, `init`, a
  `sync.Once.Do` literal, a function literal that those start, a function of package main
  that only those call), with the reason;
- `test_failure`: whether a statement fails the running test (`t.Fatal`, `t.Errorf`,
  `require.Fail`, gocheck's `c.Fatal`), so what happens after it matters little.

Whether a function runs again on the same object, replacing a value kept in a field, is
`_replaced`'s.

Everything walks a few parents or one small expression; nothing recurses over a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from tree_sitter import Node, Tree

from leakscope.core.syntax import ancestors, enclosing_function, text, tokens, unparen

if TYPE_CHECKING:
    from leakscope.core.context import FileContext

_UNITS = {
    "Nanosecond": 1,
    "Microsecond": 1_000,
    "Millisecond": 1_000_000,
    "Second": 1_000_000_000,
    "Minute": 60 * 1_000_000_000,
    "Hour": 3600 * 1_000_000_000,
}
SECOND = _UNITS["Second"]
MINUTE = _UNITS["Minute"]
_FUNCTIONS = frozenset({"function_declaration", "method_declaration", "func_literal"})

# Methods of testing.T/B/F (and gocheck's *check.C) that mark the test failed.
_FAIL_NOW = frozenset({"Fatal", "Fatalf", "FailNow"})
_FAIL_LATER = frozenset({"Error", "Errorf", "Fail"})
# Receivers that name a test: t, b, tb, c (gocheck), suite.T() and the like.
_TEST_RECEIVERS = frozenset({"t", "b", "f", "tb", "tt", "c", "s.T()", "suite.T()", "s.t"})
_TESTIFY = ("github.com/stretchr/testify/require", "github.com/stretchr/testify/assert")


def duration_ns(
    node: Node | None, root: Node, time_names: set[str] | frozenset[str], depth: int = 0
) -> int | None:
    """The value of a duration expression in nanoseconds, when the code fixes it."""
    if node is None or depth > 8:
        return None
    node = unparen(node)
    kind = node.type
    if kind == "int_literal":
        return _number(text(node))
    if kind == "float_literal":
        try:
            return int(float(text(node).replace("_", "")))
        except ValueError:
            return None
    if kind == "selector_expression":
        operand = node.child_by_field_name("operand")
        field = text(node.child_by_field_name("field"))
        if operand is not None and text(operand) in time_names and field in _UNITS:
            return _UNITS[field]
        return None
    if kind == "binary_expression":
        left = duration_ns(node.child_by_field_name("left"), root, time_names, depth + 1)
        right = duration_ns(node.child_by_field_name("right"), root, time_names, depth + 1)
        op = text(node.child_by_field_name("operator"))
        if left is None or right is None:
            return None
        if op == "*":
            return left * right
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "/" and right:
            return left // right
        return None
    if kind == "call_expression":
        # time.Duration(x): a conversion
        function = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        values = [c for c in args.named_children if c.type != "comment"] if args else []
        if (
            function is not None
            and function.type == "selector_expression"
            and text(function.child_by_field_name("operand")) in time_names
            and text(function.child_by_field_name("field")) == "Duration"
            and len(values) == 1
        ):
            return duration_ns(values[0], root, time_names, depth + 1)
        return None
    if kind == "identifier":
        value = _constant_value(node, root)
        return duration_ns(value, root, time_names, depth + 1) if value is not None else None
    return None


def format_duration(ns: int) -> str:
    """A duration as Go would print a round one: 10ms, 1s, 2m, 1h30m."""
    if ns <= 0:
        return "0s"
    for unit, size in (("h", 3600 * SECOND), ("m", MINUTE), ("s", SECOND)):
        if ns >= size and ns % size == 0:
            return f"{ns // size}{unit}"
    if ns >= SECOND:
        return f"{ns / SECOND:g}s"
    if ns >= 1_000_000:
        return f"{ns / 1_000_000:g}ms"
    if ns >= 1_000:
        return f"{ns / 1_000:g}µs"
    return f"{ns}ns"


def _number(s: str) -> int | None:
    try:
        return int(s.replace("_", ""), 0)
    except ValueError:
        return None


def _constant_value(ident: Node, root: Node) -> Node | None:
    """The value of a constant named like `ident`, declared in the functions around it or at
    the top of the file, when it has exactly one such declaration with one value."""
    name = text(ident)
    scopes = [a for a in ancestors(ident) if a.type in _FUNCTIONS]
    for scope in scopes:
        found = [s for s in _const_specs(scope, nested=True) if name in _names(s)]
        if found:
            return _spec_value(found, name)
    found = [s for s in _const_specs(root, nested=False) if name in _names(s)]
    return _spec_value(found, name) if found else None


def _const_specs(scope: Node, nested: bool) -> list[Node]:
    """const specs in a function (not in its nested literals), or at the top of a file."""
    out: list[Node] = []
    stack = list(scope.named_children)
    while stack:
        node = stack.pop()
        if node.type == "const_spec":
            out.append(node)
        elif node.type == "const_declaration" or (nested and node.type not in _FUNCTIONS):
            stack.extend(node.named_children)
    return out


def _names(spec: Node) -> list[str]:
    return [text(n) for n in spec.children_by_field_name("name")]


def _spec_value(found: list[Node], name: str) -> Node | None:
    if len(found) != 1:
        return None
    spec = found[0]
    value = spec.child_by_field_name("value")
    names = _names(spec)
    if value is None or len(value.named_children) != len(names):
        return None
    return value.named_children[names.index(name)]


def function_name_of(func: Node) -> str:
    name = func.child_by_field_name("name")
    return text(name) if name is not None else ""


def package_name(ctx: FileContext) -> str:
    """The package clause's name of the file `ctx` analyses ("" when not known): what
    `runs_once` takes as `package`."""
    summary = ctx.package.summaries.get(ctx.path)
    return summary.package if summary is not None else ""


def runs_once(
    func: Node | None,
    package: str,
    files: Mapping[str, tuple[bytes, Tree]] | None = None,
    _depth: int = 0,
) -> str | None:
    """Why code directly in `func` runs once per program, or None.

    `main.main` and `init` run once; so does a `sync.Once`'s `Do(func() {...})` literal, and
    a function literal that such a function calls or starts (`go func() {...}()`) outside
    any loop. In package main, a function that only such code calls, outside loops, runs
    once too (`go recordMetrics(done)` in `main`): `files` are the package's files (path ->
    source and tree), or None to look in `func`'s own file only. A library function may be
    called by any importer, so it never counts.
    """
    hops = 0
    while func is not None and hops < 4:
        hops += 1
        if func.type == "function_declaration":
            name = function_name_of(func)
            if name == "init":
                return "it runs once, in init"
            if name == "main" and package == "main":
                return "it runs once, in main"
            if package == "main" and _depth < 2:
                return _called_once(func, name, package, files, _depth)
            return None
        if func.type != "func_literal":
            return None
        call = func.parent
        if call is not None and call.type == "argument_list":
            call = call.parent
            function = call.child_by_field_name("function") if call is not None else None
            if (
                function is not None
                and function.type == "selector_expression"
                and text(function.child_by_field_name("field")) == "Do"
                and "once" in text(function.child_by_field_name("operand")).lower()
            ):
                return "it runs once, under a sync.Once"
            return None
        if call is None or call.type != "call_expression":
            return None
        if call.child_by_field_name("function") != func:
            return None
        outer = enclosing_function(call)
        if outer is None or _in_loop(call, outer):
            return None
        func = outer
    return None


def _called_once(
    func: Node,
    name: str,
    package: str,
    files: Mapping[str, tuple[bytes, Tree]] | None,
    depth: int,
) -> str | None:
    """Why function `name` of package main runs once: every use of the name is a call (or a
    `go` of one) outside loops, from code that runs once. None when it is used any other
    way (a function value may be called any number of times) or not called at all."""
    root = func
    while root.parent is not None:
        root = root.parent
    roots = [tree.root_node for _source, tree in (files or {}).values()] or [root]
    callers: list[str] = []
    for file_root in roots:
        source = file_root.text or b""
        for ident in tokens(file_root, source, name.encode()):
            parent = ident.parent
            if parent is None or parent == func:
                continue  # the declaration's own name
            if parent.type != "call_expression" or parent.child_by_field_name("function") != ident:
                return None
            caller = enclosing_function(parent)
            if caller is None or _in_loop(parent, caller):
                return None
            why = runs_once(caller, package, files, depth + 1)
            if why is None:
                return None
            callers.append(function_name_of(caller) or "a function literal")
    if not callers:
        return None
    return f"only {', '.join(sorted(set(callers)))} calls {name}, outside any loop"


def _in_loop(node: Node, func: Node) -> bool:
    for anc in ancestors(node):
        if anc == func:
            return False
        if anc.type == "for_statement":
            return True
    return False


def test_failure(stmt: Node, imports: dict[str, str]) -> tuple[str, bool] | None:
    """(`t.Fatal`, stops) when `stmt` fails the running test, else None. `stops` is False
    for `t.Error` and friends, which mark the test failed and let it go on: callers pair
    them with a way out of the function."""
    if stmt.type != "expression_statement" or not stmt.named_children:
        return None
    call = stmt.named_children[0]
    if call.type != "call_expression":
        return None
    function = call.child_by_field_name("function")
    if function is None or function.type != "selector_expression":
        return None
    operand = function.child_by_field_name("operand")
    method = text(function.child_by_field_name("field"))
    receiver = text(operand)
    if operand is not None and operand.type == "identifier" and imports.get(receiver) in _TESTIFY:
        if method.startswith("Fail"):
            return f"{receiver}.{method}", imports.get(receiver) == _TESTIFY[0]
        return None
    if receiver not in _TEST_RECEIVERS:
        return None
    if method in _FAIL_NOW:
        return f"{receiver}.{method}", True
    if method in _FAIL_LATER:
        return f"{receiver}.{method}", False
    return None
