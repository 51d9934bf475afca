"""tree-sitter-go: one parser per process and small helpers over its nodes."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import cache

import tree_sitter_go
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

GO = Language(tree_sitter_go.language())

# `[...:` within one line, brackets nested once: where the colon of a slice expression can
# be (`s[i:j]`, `b[:len(b[0])]`). Rules find slice expressions from this byte search and one
# tree lookup per match: visiting the tree, or looking up every colon, costs far more.
SLICE_OPENING = re.compile(rb"\[[^\]\[\n]*(?:\[[^\]\[\n]*\][^\]\[\n]*)*:")

FUNCTION_NODES = frozenset({"function_declaration", "method_declaration", "func_literal"})
LOOP_NODE = "for_statement"


@cache
def _parser() -> Parser:
    return Parser(GO)


def parse(source: bytes, old_tree: Tree | None = None) -> Tree:
    """Parse Go source (see `mask_generic_methods` for the one piece of syntax the grammar
    lacks). Node offsets are offsets into `source`."""
    masked = mask_generic_methods(source)
    if old_tree is None:
        return _parser().parse(masked)
    return _parser().parse(masked, old_tree)


# Go 1.27 lets a method declare its own type parameters: `func (s *Store[T]) Load[D any](…)`.
# tree-sitter-go 0.25 (the newest grammar) has no rule for that, and the error swallows the
# method and the declarations after it. The header of a method declaration is the only place
# where `NAME[` can follow a receiver, so the bracketed list is replaced by spaces of the same
# byte length (newlines kept) before parsing: every offset, line and column stays exact, the
# body is analysed like any method's, and the list's names are read back from the original
# bytes by `masked_type_parameters`. The other syntax of Go 1.22-1.27 parses as it is: range
# over integers and functions (1.22, 1.23), generic type aliases (1.24), and the
# library-only additions since.
# (Matched from the newline before `func`, as a file starts with its package clause: a
# literal start lets the regex engine skip to candidates, four times faster than `^` under
# re.M, which it tries at every byte.)
_GENERIC_METHOD = re.compile(
    rb"\nfunc[ \t]*\([^()\n]*\)[ \t]*[A-Za-z_\x80-\xff][\w\x80-\xff]*[ \t]*\["
)
_MAX_TYPE_PARAMS = 4096  # bytes: a type parameter list is never longer


def mask_generic_methods(source: bytes) -> bytes:
    """`source` with each generic method's type parameter list blanked (same length)."""
    out: bytearray | None = None
    for match in _GENERIC_METHOD.finditer(source):
        start = match.end() - 1
        end = _closing_bracket(source, start)
        if end is None:
            continue
        if out is None:
            out = bytearray(source)
        for i in range(start, end + 1):
            if out[i] not in (0x0A, 0x0D):
                out[i] = 0x20
    return source if out is None else bytes(out)


def _closing_bracket(source: bytes, start: int) -> int | None:
    depth = 0
    for i in range(start, min(len(source), start + _MAX_TYPE_PARAMS)):
        c = source[i]
        if c == 0x5B:  # [
            depth += 1
        elif c == 0x5D:  # ]
            depth -= 1
            if depth == 0:
                return i
        elif c in (0x7B, 0x28) and depth == 0:  # { ( before the list closed
            return None
    return None


def masked_type_parameters(method: Node, source: bytes) -> list[str]:
    """The type parameter names a generic method declares (blanked before parsing), read
    from the original bytes between its name and its parameters: `Load[D any, K comparable]`
    gives ["D", "K"]."""
    name = method.child_by_field_name("name")
    params = method.child_by_field_name("parameters")
    if method.type != "method_declaration" or name is None or params is None:
        return []
    between = source[name.end_byte : params.start_byte].strip()
    if not (between.startswith(b"[") and between.endswith(b"]")):
        return []
    names: list[str] = []
    depth = 0
    group = bytearray()
    for c in between[1:-1] + b",":
        if c in b"[({":
            depth += 1
        elif c in b"])}":
            depth -= 1
        if c == 0x2C and depth == 0:  # a comma between declarations: `K, V any` or `K any`
            words = bytes(group).split()
            if words:
                names.append(words[0].decode("utf-8", "replace"))
            group = bytearray()
        else:
            group.append(c)
    return names


@cache
def query(pattern: str) -> Query:
    return Query(GO, pattern)


def captures(pattern: str, node: Node) -> dict[str, list[Node]]:
    """The query's captures under `node`, per capture name, in source order (outer first).

    py-tree-sitter does not promise an order (matches of different patterns interleave,
    and the order changed from run to run), and rules report the first exit, the first
    escape...: sorted here, findings do not depend on it."""
    found = QueryCursor(query(pattern)).captures(node)
    for nodes in found.values():
        nodes.sort(key=_source_order)
    return found


def _source_order(node: Node) -> tuple[int, int]:
    return node.start_byte, -node.end_byte


_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


Ranges = tuple[tuple[int, int], ...]


def tokens(root: Node, source: bytes, word: bytes, ranges: Ranges | None = None) -> list[Node]:
    """The nodes whose whole text is `word` (a keyword, identifier or operator), in source order.

    Found by searching the source's bytes and asking the tree what sits there, not by walking
    the tree: a whole-tree query costs about 40% of the parse, this almost nothing. Keywords
    and identifiers must stand as whole words (`go` does not match in `goto`); what comments
    and strings hold is not a token of the kind callers look for (they check `node.type`).
    `ranges` (sorted byte ranges) limits the search to them; None searches the whole source.
    """
    out: list[Node] = []
    find = source.find
    size = len(word)
    wordy = word[0] in _WORD_BYTES or word[-1] in _WORD_BYTES
    for start, stop in ranges if ranges is not None else ((0, len(source)),):
        pos = find(word, start, stop)
        while pos != -1:
            end = pos + size
            if not wordy or (
                (pos == 0 or source[pos - 1] not in _WORD_BYTES)
                and (end >= len(source) or source[end] not in _WORD_BYTES)
            ):
                node = root.descendant_for_byte_range(pos, end)
                if node is not None and node.start_byte == pos and node.end_byte == end:
                    out.append(node)
            pos = find(word, end, stop)
    return out


def top_level_nodes(root: Node, places: list[tuple[int, int]]) -> list[Node] | None:
    """The top-level node (declaration, comment) holding each place, or None when a place
    lies outside every one or spans several. (A search over the root's children: climbing
    `.parent` re-descends from the root at every step.)"""
    children = root.children
    starts = [child.start_byte for child in children]
    out = []
    for start, end in places:
        i = bisect_right(starts, start) - 1
        if i < 0 or max(start, end) > children[i].end_byte:
            return None
        out.append(children[i])
    return out


def top_level_ranges(root: Node, places: list[tuple[int, int]]) -> Ranges | None:
    """The byte ranges of the top-level declarations that `places` touch, sorted; None when a
    place lies outside every declaration or spans several (then the whole file counts)."""
    nodes = top_level_nodes(root, places)
    if nodes is None:
        return None
    return tuple(sorted({(node.start_byte, node.end_byte) for node in nodes}))


def selector_calls(
    root: Node, source: bytes, names: tuple[bytes, ...], ranges: Ranges | None = None
) -> list[Node]:
    """Calls `x.NAME(...)` (x an identifier, NAME one of `names`), in source order: what the
    query `(call_expression function: (selector_expression operand: (identifier)
    field: (field_identifier) @f)) (#any-of? @f NAME...)` finds, without walking the tree."""
    out: list[Node] = []
    for name in names:
        for field in tokens(root, source, name, ranges):
            selector = field.parent
            if field.type != "field_identifier" or selector is None:
                continue
            call = selector.parent
            operand = selector.child_by_field_name("operand")
            if (
                selector.type == "selector_expression"
                and operand is not None
                and operand.type == "identifier"
                and call is not None
                and call.type == "call_expression"
                and call.child_by_field_name("function") == selector
            ):
                out.append(call)
    if len(names) > 1:
        out.sort(key=lambda node: node.start_byte)
    return out


def text(node: Node | None) -> str:
    if node is None:
        return ""
    data = node.text  # (a new bytes object each time it is read)
    return "" if data is None else data.decode("utf-8", errors="replace")


# A file nested deeper than this (in syntax tree levels) is not analysed. tree-sitter nodes
# keep no parent pointer: `node.parent` searches down from the root, so walking up from a node
# costs time quadratic in its depth, and rules walk up from many nodes. Below the limit that
# cost is bounded by a constant; above it, 10,000 nested parentheses or a 20,000-term `a + a`
# took minutes. Real Go stays far below: the standard library's deepest hand-written file has
# 56 levels, its generated tables 950 (and a generated file is skipped anyway).
MAX_NESTING = 1000


def source_problem(source: bytes) -> str | None:
    """Why `source` is not analysed before it is even parsed, or None (the file then counts
    as partially parsed: to the compiler it is a syntax error).

    A NUL byte: Go source cannot hold one (the compiler rejects it), and tree-sitter's error
    recovery on such bytes (a random or binary file named .go) takes seconds per 100 KB.
    """
    if b"\0" in source:
        return "holds NUL bytes, which Go source cannot contain: not analysed"
    return None


def nesting_problem(tree: Tree, limit: int = MAX_NESTING) -> str | None:
    """Why a parsed file is too deeply nested to analyse (see MAX_NESTING), or None.

    Linear at worst and usually nearly free: a subtree with fewer descendants than the levels
    left under the limit cannot break it, so it is not entered.
    """
    cursor = tree.walk()
    depth = 0
    while True:
        node = cursor.node
        assert node is not None
        if depth > limit:
            return (
                f"nested more than {limit} levels deep (a long chain of operators or deeply "
                "nested blocks or parentheses): not analysed"
            )
        if depth + node.descendant_count > limit and cursor.goto_first_child():
            depth += 1
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return None
            depth -= 1


def error_count(tree: Tree) -> int:
    """ERROR and MISSING nodes in the tree (0 for a file that parses cleanly)."""
    root = tree.root_node
    if not root.has_error:
        return 0
    count = 0
    cursor = root.walk()
    # Only descend into subtrees that contain an error: cheap on mostly-clean files.
    while True:
        node = cursor.node
        assert node is not None
        if node.is_error or node.is_missing:
            count += 1
        if node.has_error and not node.is_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return count


def ancestors(node: Node) -> Iterator[Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def enclosing_function(node: Node) -> Node | None:
    for parent in ancestors(node):
        if parent.type in FUNCTION_NODES:
            return parent
    return None


def outermost_function(node: Node) -> Node | None:
    """The top-level function or method around `node` (or the outermost function literal of
    a package-level declaration); `node` itself when it is one and nothing encloses it."""
    found = node if node.type in FUNCTION_NODES else None
    for parent in ancestors(node):
        if parent.type in FUNCTION_NODES:
            found = parent
    return found


def names_in(node: Node) -> set[str]:
    """Every identifier-like name used inside `node`: variables, types, packages, labels
    (what a new variable must not be called)."""
    found = captures("[(identifier) (type_identifier) (package_identifier) (label_name)] @id", node)
    return {text(n) for n in found.get("id", [])}


def within(node: Node, outer: Node) -> bool:
    """Whether `node` lies inside `outer` (by byte range; a node is within itself)."""
    return outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


def loop_has_condition(loop: Node) -> bool:
    """False for `for {}` and `for ;; {}`; True for `for cond {}`, a condition clause, range."""
    for i, child in enumerate(loop.named_children):
        if child.type == "for_clause":
            return child.child_by_field_name("condition") is not None
        if child.type == "range_clause":
            return True
        if child.type != "comment" and loop.field_name_for_named_child(i) != "body":
            return True  # `for cond {}`
    return False


def ancestor_between(node: Node, top: Node, kinds: frozenset[str] | set[str]) -> Node | None:
    """The first ancestor of `node` below `top` whose type is in `kinds`."""
    parent = node.parent
    while parent is not None and parent != top:
        if parent.type in kinds:
            return parent
        parent = parent.parent
    return None


def function_name(func: Node | None) -> str:
    """`Recv.Name`, `Name` or `func literal` for diagnostics and fingerprints."""
    if func is None:
        return ""
    if func.type == "func_literal":
        outer = enclosing_function(func)
        return (function_name(outer) + ".func") if outer is not None else "func"
    name = text(func.child_by_field_name("name"))
    if func.type == "method_declaration":
        receiver = func.child_by_field_name("receiver")
        recv_type = ""
        if receiver is not None:
            for child in receiver.named_children:
                type_node = child.child_by_field_name("type")
                if type_node is not None:
                    recv_type = text(type_node).lstrip("*").split("[", 1)[0]
        return f"{recv_type}.{name}" if recv_type else name
    return name


def assigned_by(node: Node) -> Node | None:
    """The assignment statement whose left side lists `node` (`node = ...`, `a, node := ...`
    is a short_var_declaration, not this), or None."""
    left = node.parent
    statement = left.parent if left is not None else None
    if (
        left is not None
        and left.type == "expression_list"
        and statement is not None
        and statement.type == "assignment_statement"
        and statement.child_by_field_name("left") == left
    ):
        return statement
    return None


def paired_target(value: Node) -> tuple[Node, Node] | None:
    """(the assignment, the target `value` is assigned to) when `value` is one of the values
    of an assignment with as many targets (`s.t = v`, `a, b = x, v`, `s.n += v`), else None."""
    values = value.parent
    statement = values.parent if values is not None else None
    if (
        values is None
        or values.type != "expression_list"
        or statement is None
        or statement.type != "assignment_statement"
        or statement.child_by_field_name("right") != values
    ):
        return None
    left = statement.child_by_field_name("left")
    rights = [c for c in values.named_children if c.type != "comment"]
    lefts = [c for c in left.named_children if c.type != "comment"] if left is not None else []
    if len(rights) != len(lefts) or value not in rights:
        return None
    return statement, lefts[rights.index(value)]


def unparen(node: Node) -> Node:
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        child = node.named_children[0]
        node = child
    return node


def statement_list(block: Node) -> Node | None:
    """The `statement_list` inside a `block` (tree-sitter-go 0.25 wraps statements in one)."""
    for child in block.named_children:
        if child.type == "statement_list":
            return child
    return None


def statements(block: Node) -> list[Node]:
    stmts = statement_list(block)
    if stmts is None:
        return []
    return [c for c in stmts.named_children if c.type != "comment"]


def receiver_type(func: Node) -> str:
    """The receiver's type name of a method (`Server` for `(s *Server)`), else ""."""
    type_node = _receiver_part(func, "type")
    return text(type_node).lstrip("*").split("[", 1)[0].strip() if type_node is not None else ""


def receiver_name(func: Node) -> str:
    """The receiver's name of a method (`s` for `(s *Server)`), else ""."""
    name = _receiver_part(func, "name")
    return text(name) if name is not None else ""


def _receiver_part(func: Node, part: str) -> Node | None:
    receiver = func.child_by_field_name("receiver")
    if func.type != "method_declaration" or receiver is None:
        return None
    for child in receiver.named_children:
        found = child.child_by_field_name(part)
        if found is not None:
            return found
    return None


def has_own(node: Node, kind: str) -> bool:
    """Whether `node` holds a node of type `kind` of its own, not inside a function literal
    nested in it (a `return_statement` of a block, a `defer_statement` of a literal)."""
    stack = list(node.named_children)
    while stack:
        current = stack.pop()
        if current.type == kind:
            return True
        if current.type != "func_literal":
            stack.extend(current.named_children)
    return False


def line_indent(source: bytes, byte_offset: int) -> str:
    """The leading whitespace of the line holding byte_offset."""
    start = source.rfind(b"\n", 0, byte_offset) + 1
    end = start
    while end < len(source) and source[end] in b" \t":
        end += 1
    return source[start:end].decode("utf-8", errors="replace")
