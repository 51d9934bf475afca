"""How many times a loop can run: a known small number, or as many as the data or time allow.

Rules whose cost piles up once per iteration (a deferred call, a timer, a goroutine) use this
to judge a finding's impact. A loop is *bounded* when the code fixes its trip count:

- it ranges over a literal (`[]string{"a", "b"}`, `"abc"`, `range 3`), or over a local or
  package variable whose only value is such a literal (the table of a table-driven test);
- it counts to a small constant (`for i := 0; i < 3; i++`, `for i := range 3`), at most
  `SMALL_TRIPS` times. The bound may be a literal, a constant of the function or the file,
  `len` of such a literal table, or a sum or product of those; a condition `i < n && i < 3`
  is bounded by its smallest known bound.

Every other loop *grows*: `for {}`, `for cond {}`, and ranges over a parameter, a channel, a
call's result or a field run as many times as the input, the data read or the running time
allow. The reason says which, in words a user can check against the code.
"""

from __future__ import annotations

import contextlib
import re

from tree_sitter import Node

from leakscope.core.model import Impact
from leakscope.core.syntax import ancestors, assigned_by, text, unparen

# A counted loop up to this many trips is "a known small number of times".
SMALL_TRIPS = 64

LOOP = "for_statement"
_FUNCTIONS = frozenset({"function_declaration", "method_declaration", "func_literal"})
_LITERALS = frozenset({"composite_literal", "interpreted_string_literal", "raw_string_literal"})


def loops_around(node: Node, func: Node | None = None) -> list[Node]:
    """The `for` statements around `node`, innermost first, inside its function (or `func`)."""
    out = []
    for anc in ancestors(node):
        if anc.type in _FUNCTIONS or (func is not None and anc == func):
            break
        if anc.type == LOOP:
            out.append(anc)
    return out


def loop_impact(loop: Node, root: Node) -> tuple[Impact, str]:
    """Whether `loop` runs a bounded number of times, and why, in a few words.

    `root` is the file's root node, where constants and package variables are looked up.
    """
    clause = next(
        (c for c in loop.named_children if c.type in ("range_clause", "for_clause")), None
    )
    if clause is None:
        if _has_condition(loop):
            return Impact.GROWS, "the loop runs until its condition fails"
        return Impact.GROWS, "the loop runs until something breaks out of it"
    if clause.type == "for_clause":
        trips = _counted_trips(clause, loop, root)
        if trips is not None and trips <= SMALL_TRIPS:
            return Impact.BOUNDED, _runs(trips)
        cond = clause.child_by_field_name("condition")
        if cond is None:
            return Impact.GROWS, "the loop runs until something breaks out of it"
        return Impact.GROWS, f"the loop runs while `{_short(cond)}`"
    right = clause.child_by_field_name("right")
    if right is None:
        return Impact.GROWS, "the loop ranges over data"
    right = unparen(right)
    items = _literal_items(right, loop, root)
    if items is not None:
        noun = "item" if items == 1 else "items"
        return Impact.BOUNDED, f"the loop ranges over a literal list of {items} {noun}"
    n = _value(right, loop, root)
    if n is not None and n <= SMALL_TRIPS:
        return Impact.BOUNDED, _runs(n)
    return Impact.GROWS, f"the loop ranges over `{_short(right)}`"


def known_trips(loop: Node, root: Node) -> int | None:
    """How many times `loop` runs when the code fixes it (a counted loop to a constant, a
    range over a literal or a constant), else None."""
    clause = next(
        (c for c in loop.named_children if c.type in ("range_clause", "for_clause")), None
    )
    if clause is None:
        return None
    if clause.type == "for_clause":
        return _counted_trips(clause, loop, root)
    right = clause.child_by_field_name("right")
    if right is None:
        return None
    right = unparen(right)
    items = _literal_items(right, loop, root)
    return items if items is not None else _value(right, loop, root)


def loops_impact(loops: list[Node], root: Node) -> tuple[Impact, str]:
    """The impact of code run once per iteration of every loop in `loops` (nested loops):
    it grows when any of them does."""
    bounded: tuple[Impact, str] | None = None
    for loop in loops:
        impact, reason = loop_impact(loop, root)
        if impact is Impact.GROWS:
            return impact, reason
        bounded = bounded or (impact, reason)
    return bounded or (Impact.GROWS, "")


def _runs(trips: int) -> str:
    return "the loop runs once" if trips == 1 else f"the loop runs {trips} times"


def _has_condition(loop: Node) -> bool:
    for i, child in enumerate(loop.named_children):
        if child.type != "comment" and loop.field_name_for_named_child(i) != "body":
            return True
    return False


def _short(node: Node, width: int = 40) -> str:
    s = " ".join(text(node).split())
    return s if len(s) <= width else s[: width - 1] + "…"


def _int(s: str) -> int | None:
    try:
        return int(s.replace("_", ""), 0)
    except ValueError:
        return None


def _counted_trips(clause: Node, loop: Node, root: Node) -> int | None:
    """N for `for i := A; i < N; i++` (or `<=`, or counting down to a literal), else None.

    With a condition of several `&&` parts, the smallest bound any part sets on the counter.
    """
    init = clause.child_by_field_name("initializer")
    cond = clause.child_by_field_name("condition")
    update = clause.child_by_field_name("update")
    if init is None or cond is None or update is None:
        return None
    var = init.child_by_field_name("left")
    start_list = init.child_by_field_name("right")
    if var is None or start_list is None or var.named_child_count != 1:
        return None
    name = text(var.named_children[0])
    start = _value(start_list.named_children[0], loop, root) if start_list.named_children else None
    if start is None or _assigned_in(loop, name):
        return None
    bounds = [_trips(part, name, start, loop, root) for part in _conjuncts(cond)]
    known = [n for n in bounds if n is not None]
    return min(known) if known else None


def _conjuncts(cond: Node) -> list[Node]:
    cond = unparen(cond)
    if cond.type == "binary_expression" and text(cond.child_by_field_name("operator")) == "&&":
        left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
        return [*(_conjuncts(left) if left else []), *(_conjuncts(right) if right else [])]
    return [cond]


def _trips(cond: Node, name: str, start: int, loop: Node, root: Node) -> int | None:
    """The trip count that `cond` (`i < N`) allows a counter starting at `start`."""
    if cond.type != "binary_expression":
        return None
    left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
    op = cond.child_by_field_name("operator")
    if left is None or right is None or op is None or text(left) != name:
        return None
    end = _value(right, loop, root)
    if end is None:
        return None
    trips = {"<": end - start, "<=": end - start + 1, ">": start - end, ">=": start - end + 1}
    n = trips.get(text(op))
    return None if n is None or n < 0 else n


def _assigned_in(loop: Node, name: str) -> bool:
    """Whether the loop body assigns the counter (then the count says nothing)."""
    body = loop.child_by_field_name("body")
    if body is None:
        return False
    stack = [body]
    while stack:
        node = stack.pop()
        if node.type in ("assignment_statement", "inc_statement", "dec_statement"):
            target = node.child_by_field_name("left") or node.named_child(0)
            if target is not None and name in text(target).replace(",", " ").split():
                return True
        stack.extend(node.named_children)
    return False


def _value(node: Node, loop: Node, root: Node, depth: int = 0) -> int | None:
    """An integer literal, a constant of the function or the file with such a value, `len`
    of a literal table, or a sum, difference or product of those."""
    node = unparen(node)
    if depth > 4:
        return None
    if node.type == "int_literal":
        return _int(text(node))
    if node.type == "binary_expression":
        op = text(node.child_by_field_name("operator"))
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op not in ("+", "-", "*") or left is None or right is None:
            return None
        a, b = _value(left, loop, root, depth + 1), _value(right, loop, root, depth + 1)
        if a is None or b is None:
            return None
        return a + b if op == "+" else a - b if op == "-" else a * b
    if node.type == "call_expression":
        func, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        named = [a for a in args.named_children if a.type != "comment"] if args else []
        if text(func) != "len" or len(named) != 1:
            return None
        return _literal_items(unparen(named[0]), loop, root)
    if node.type != "identifier":
        return None
    spec = _declaration(text(node), loop, root, ("const_spec",))
    if spec is None:
        return None
    value = spec.child_by_field_name("value")
    if value is None:
        return _iota_value(spec, loop, root, depth)
    if value.named_child_count != 1:
        return None
    return _value(value.named_children[0], loop, root, depth + 1)


def _iota_value(spec: Node, loop: Node, root: Node, depth: int) -> int | None:
    """A constant with no value in a `const (...)` block repeats the last value given, with
    `iota` counting the specs: `const ( TTInmem = iota; numTestTransports )` makes the
    second 1. Only plain `iota`, `iota + N` and `iota - N` (or N + iota) are worked out."""
    block = spec.parent
    if block is None or block.type != "const_declaration":
        return None
    specs = [c for c in block.named_children if c.type == "const_spec"]
    index = next((i for i, c in enumerate(specs) if c == spec), None)
    if index is None:
        return None
    for earlier in reversed(specs[:index]):
        value = earlier.child_by_field_name("value")
        if value is None:
            continue
        if value.named_child_count != 1:
            return None
        expr = unparen(value.named_children[0])
        if text(expr) == "iota":
            return index
        if expr.type == "binary_expression":
            op = text(expr.child_by_field_name("operator"))
            left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
            if left is None or right is None or op not in ("+", "-"):
                return None
            if text(left) == "iota":
                n = _value(right, loop, root, depth + 1)
                return None if n is None else index + n if op == "+" else index - n
            if text(right) == "iota" and op == "+":
                n = _value(left, loop, root, depth + 1)
                return None if n is None else n + index
        return None
    return None


def _literal_items(right: Node, loop: Node, root: Node) -> int | None:
    """The item count when the loop ranges over a literal, or over a variable whose only
    value is one (declared in the function or the file, never assigned again)."""
    if right.type in _LITERALS:
        return _count_items(right)
    if right.type != "identifier":
        return None
    name = text(right)
    spec = _declaration(name, loop, root, ("var_spec", "short_var_declaration"))
    if spec is None:
        return None
    value = spec.child_by_field_name("value") or spec.child_by_field_name("right")
    if value is None or value.named_child_count != 1:
        return None
    literal = unparen(value.named_children[0])
    if literal.type not in _LITERALS or _reassigned(name, spec, root):
        return None
    return _count_items(literal)


def _count_items(literal: Node) -> int:
    if literal.type != "composite_literal":
        return len(text(literal)) - 2
    body = literal.child_by_field_name("body")
    if body is None:
        return 0
    return sum(1 for c in body.named_children if c.type != "comment")


def _declaration(name: str, loop: Node, root: Node, kinds: tuple[str, ...]) -> Node | None:
    """The nearest declaration of `name` of one of `kinds`: in the functions around `loop`
    before it, then at the top level of the file. Shadowing inside blocks is ignored; a
    name declared twice in the function gives None (it may hold either value)."""
    scopes = [a for a in ancestors(loop) if a.type in _FUNCTIONS]
    for scope in scopes:
        found = _specs(scope, kinds, before=loop.start_byte)
        found = [s for s in found if name in _declared_names(s)]
        if len(found) == 1:
            return found[0]
        if found:
            return None
    return _top_level(root, kinds).get(name)


# The last few files' top-level declarations by name: a file with many package variables and
# many loops would otherwise walk every declaration once per loop (quadratic).
_TOP_LEVEL: dict[tuple[Node, tuple[str, ...]], dict[str, Node]] = {}
_TOP_LEVEL_FILES = 4


def _top_level(root: Node, kinds: tuple[str, ...]) -> dict[str, Node]:
    """Name -> the first top-level spec of one of `kinds` declaring it, in file order."""
    key = (root, kinds)
    found = _TOP_LEVEL.get(key)
    if found is not None:
        return found
    found = {}
    for child in root.named_children:
        if child.type in ("const_declaration", "var_declaration"):
            for spec in _specs(child, kinds):
                for declared in _declared_names(spec):
                    found.setdefault(declared, spec)
    if len(_TOP_LEVEL) >= _TOP_LEVEL_FILES:
        # (The app's threads may trim at once: losing a race only drops a memo.)
        with contextlib.suppress(KeyError, RuntimeError, StopIteration):
            _TOP_LEVEL.pop(next(iter(_TOP_LEVEL)))
    _TOP_LEVEL[key] = found
    return found


def _specs(node: Node, kinds: tuple[str, ...], before: int | None = None) -> list[Node]:
    """The specs of `kinds` under `node` (not in nested function literals); with `before`,
    only those starting before that byte (later subtrees are not walked: a loop's bound is
    looked up in the part of its function above it, each time)."""
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in kinds:
            out.append(n)
        stack.extend(
            c
            for c in n.named_children
            if (c.type != "func_literal" or n == node) and (before is None or c.start_byte < before)
        )
    return out


def _declared_names(spec: Node) -> list[str]:
    if spec.type == "short_var_declaration":
        left = spec.child_by_field_name("left")
        return [text(c) for c in left.named_children] if left is not None else []
    return [text(c) for c in spec.children_by_field_name("name")]


def _reassigned(name: str, spec: Node, root: Node) -> bool:
    """Whether `name` is assigned, appended to or filled (`name[k] = v`) anywhere after its
    declaration in the file (cheap and conservative: any assignment whose left side is the
    name or an index into it). The name's occurrences are found in the text, not by walking
    the file's every node (a walk per loop was a tenth of a scan of std)."""
    source = root.text or b""
    word = re.compile(rb"(?<![\w.])" + re.escape(name.encode()) + rb"(?!\w)")
    for match in word.finditer(source, spec.end_byte):
        node = root.descendant_for_byte_range(match.start(), match.end())
        if node is None or node.type != "identifier":
            continue  # (a comment, a string, a field)
        target = node
        while (
            target.parent is not None
            and target.parent.type == "index_expression"
            and target.parent.child_by_field_name("operand") == target
        ):
            target = target.parent
        statement = assigned_by(target)
        if statement is not None and statement.start_byte > spec.start_byte:
            return True
    return False
