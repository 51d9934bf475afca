"""Control flow inside one Go function, as far as `defer-in-loop` needs it.

Which loop or switch a `break` or `continue` leaves, whether a statement is terminating in the
sense of the Go specification (the compiler's "missing return" rule), and whether a statement
ends the function in practice (`os.Exit`, `log.Fatal`, `t.Fatal` as well). Everything here
walks `.parent` links or the statements of one block; nothing recurses over a whole file.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from leakscope.core.syntax import (
    FUNCTION_NODES,
    captures,
    loop_has_condition,
    statement_list,
    text,
    unparen,
)

LOOP = "for_statement"
SWITCHES = frozenset({"expression_switch_statement", "type_switch_statement", "select_statement"})
CASES = frozenset({"expression_case", "type_case", "default_case", "communication_case"})
JUMPS = "(break_statement) @jump (continue_statement) @jump (goto_statement) @jump"
JUMPS += " (fallthrough_statement) @jump"

# Calls that never return to the caller, beyond the built-in panic.
_EXIT_FUNCS = frozenset(
    {
        ("os", "Exit"),
        ("log", "Fatal"),
        ("log", "Fatalf"),
        ("log", "Fatalln"),
        ("log", "Panic"),
        ("log", "Panicf"),
        ("log", "Panicln"),
        ("runtime", "Goexit"),
    }
)
# Methods that end the goroutine on testing.T/B/F and on common loggers.
_EXIT_METHODS = frozenset(
    {"Fatal", "Fatalf", "Fatalln", "FailNow", "Skip", "Skipf", "SkipNow", "Panic", "Panicf"}
)


def stmts_of(node: Node | None) -> list[Node]:
    """The statements of a block or a case clause (comments and empty statements left out)."""
    if node is None:
        return []
    holder = node if node.type == "statement_list" else None
    if holder is None:
        if node.type == "block":
            holder = statement_list(node)
        else:
            holder = next((c for c in node.named_children if c.type == "statement_list"), None)
    if holder is None:
        return []
    return [c for c in holder.named_children if c.type not in ("comment", "empty_statement")]


def label_of(stmt: Node) -> str | None:
    """The label of a labelled statement's inner statement, e.g. `outer` for `outer: for ...`."""
    parent = stmt.parent
    if parent is not None and parent.type == "labeled_statement":
        return text(parent.child_by_field_name("label"))
    return None


def _jump_label(jump: Node) -> str | None:
    for child in jump.named_children:
        if child.type == "label_name":
            return text(child)
    return None


def jump_target(jump: Node) -> Node | None:
    """The statement a `break`/`continue`/`fallthrough` refers to (None: goto, or not found).

    For a labelled jump, the statement carrying the label; for an unlabelled `continue` the
    nearest loop; for `break` the nearest loop, switch or select; for `fallthrough` its switch.
    Never looks past the enclosing function.
    """
    if jump.type == "goto_statement":
        return None
    label = _jump_label(jump)
    node = jump.parent
    while node is not None and node.type not in FUNCTION_NODES:
        if label is not None:
            name = text(node.child_by_field_name("label"))
            if node.type == "labeled_statement" and name == label:
                return next(
                    (c for c in node.named_children if c.type not in ("label_name", "comment")),
                    None,
                )
        elif jump.type == "continue_statement":
            if node.type == LOOP:
                return node
        elif jump.type == "break_statement":
            if node.type == LOOP or node.type in SWITCHES:
                return node
        elif jump.type == "fallthrough_statement" and node.type in SWITCHES:
            return node
        node = node.parent
    return None


def conjuncts(cond: Node, operator: str = "&&") -> list[Node]:
    """The operands of a chain of `&&` (or of `operator`, `||`: the disjuncts), the condition
    itself when it is not one."""
    cond = unparen(cond)
    if cond.type == "binary_expression" and text(cond.child_by_field_name("operator")) == operator:
        left = cond.child_by_field_name("left")
        right = cond.child_by_field_name("right")
        return [
            *(conjuncts(left, operator) if left else []),
            *(conjuncts(right, operator) if right else []),
        ]
    return [cond]


def own_nodes(pattern: str, root: Node) -> Iterator[tuple[str, Node]]:
    """(capture name, node) below `root` that belong to root's function, in source order.

    Nodes inside a nested function literal belong to that literal and are left out.
    """
    found = [(name, n) for name, nodes in captures(pattern, root).items() for n in nodes]
    found.sort(key=lambda item: item[1].start_byte)
    for name, node in found:
        parent = node.parent
        while parent is not None and parent != root and parent.type != "func_literal":
            parent = parent.parent
        if parent is not None and parent.type == "func_literal" and parent != root:
            continue
        yield name, node


def has_break_to(stmt: Node) -> bool:
    """Whether some `break` inside `stmt` refers to `stmt` itself."""
    return any(jump_target(jump) == stmt for _, jump in own_nodes("(break_statement) @b", stmt))


def _is_call_to(stmt: Node, imports: dict[str, str] | None, broad: bool) -> bool:
    if stmt.type != "expression_statement" or not stmt.named_children:
        return False
    call = stmt.named_children[0]
    if call.type != "call_expression":
        return False
    func = call.child_by_field_name("function")
    if func is None:
        return False
    if func.type == "identifier":
        return text(func) == "panic"
    if not broad or func.type != "selector_expression":
        return False
    operand = func.child_by_field_name("operand")
    name = text(func.child_by_field_name("field"))
    if operand is not None and operand.type == "identifier":
        path = (imports or {}).get(text(operand))
        if path is not None:
            return (path, name) in _EXIT_FUNCS
    return name in _EXIT_METHODS


def terminates(
    stmt: Node,
    broad: bool = False,
    imports: dict[str, str] | None = None,
    returns: frozenset[int] = frozenset(),
) -> bool:
    """Whether `stmt` is a terminating statement.

    With `broad=False` this is the Go specification's definition (what the compiler needs
    before the end of a function with results). With `broad=True` calls that never return
    (`os.Exit`, `log.Fatal`, `t.Fatal`, ...) count as well. `returns` holds the start bytes
    of `continue` statements that a rewrite turns into returns.
    """
    kind = stmt.type
    if kind in ("return_statement", "goto_statement"):
        return True
    if kind == "continue_statement":
        return stmt.start_byte in returns
    if kind == "expression_statement":
        return _is_call_to(stmt, imports, broad)
    if kind == "block":
        body = stmts_of(stmt)
        return bool(body) and terminates(body[-1], broad, imports, returns)
    if kind == "labeled_statement":
        inner = [c for c in stmt.named_children if c.type not in ("label_name", "comment")]
        return bool(inner) and terminates(inner[0], broad, imports, returns)
    if kind == "if_statement":
        consequence = stmt.child_by_field_name("consequence")
        alternative = stmt.child_by_field_name("alternative")
        if consequence is None or alternative is None:
            return False
        return terminates(consequence, broad, imports, returns) and terminates(
            alternative, broad, imports, returns
        )
    if kind == LOOP:
        return not loop_has_condition(stmt) and not has_break_to(stmt)
    if kind in SWITCHES:
        cases = [c for c in stmt.named_children if c.type in CASES]
        if kind != "select_statement" and not any(c.type == "default_case" for c in cases):
            return False
        if has_break_to(stmt):
            return False
        for case in cases:
            body = stmts_of(case)
            if not body:
                return False
            last = body[-1]
            if last.type == "fallthrough_statement":
                continue
            if not terminates(last, broad, imports, returns):
                return False
        return True
    return False
