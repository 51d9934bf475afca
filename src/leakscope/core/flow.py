"""Approximate control flow inside one Go function, from the syntax tree alone.

Enough for "is this resource released on every path out of the function?": where the function
can be left (returns, the end of its body), which statements never complete normally (Go's
"terminating statements"), which loops never end, and whether one statement runs before
another on the same path. Everything here walks parents from a few nodes or runs one small
query over one function body; nothing recurses over a whole tree.

The approximations lean towards "released" (a release inside an `if` that precedes a return
counts), so rules built on them stay quiet when unsure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from leakscope.core.syntax import (
    FUNCTION_NODES,
    LOOP_NODE,
    captures,
    enclosing_function,
    loop_has_condition,
    statements,
    text,
    within,
)

_BRANCH_TARGETS = frozenset(
    {
        "for_statement",
        "select_statement",
        "expression_switch_statement",
        "type_switch_statement",
    }
)
# Calls that never return: the program or the goroutine ends there.
_NO_RETURN_CALLS = frozenset(
    {
        "panic",
        "os.Exit",
        "log.Fatal",
        "log.Fatalf",
        "log.Fatalln",
        "log.Panic",
        "log.Panicf",
        "log.Panicln",
        "runtime.Goexit",
    }
)


def function_body(func: Node) -> Node | None:
    return func.child_by_field_name("body")


def owned_by(node: Node, func: Node) -> bool:
    """True when `func` is the nearest function (declaration or literal) around `node`."""
    return enclosing_function(node) == func


def statement_of(node: Node) -> Node:
    """`node` itself, or its labeled_statement wrapper (what sits in the statement list)."""
    parent = node.parent
    if parent is not None and parent.type == "labeled_statement":
        return parent
    return node


def enclosing_loops(node: Node, func: Node) -> list[Node]:
    """The for statements around `node` inside `func`, innermost first."""
    out = []
    for parent in _ancestors_until(node, func):
        if parent.type == LOOP_NODE:
            out.append(parent)
    return out


def _ancestors_until(node: Node, stop: Node) -> Iterable[Node]:
    parent = node.parent
    while parent is not None and parent != stop:
        yield parent
        parent = parent.parent


def branch_target(stmt: Node, func: Node) -> Node | None:
    """The statement a `break` or `continue` leaves (None: a label outside `func`)."""
    label_node = next((c for c in stmt.named_children if c.type == "label_name"), None)
    is_continue = stmt.type == "continue_statement"
    for parent in _ancestors_until(stmt, func):
        if parent.type in FUNCTION_NODES:
            return None
        if label_node is not None:
            if parent.type == "labeled_statement" and text(
                parent.child_by_field_name("label")
            ) == text(label_node):
                inner = [c for c in parent.named_children if c.type != "label_name"]
                return inner[0] if inner else None
            continue
        if parent.type == LOOP_NODE or (not is_continue and parent.type in _BRANCH_TARGETS):
            return parent
    return None


def breaks_out_of(loop: Node, func: Node) -> bool:
    """Does a `break` (or `goto`) inside `loop` leave it?"""
    body = loop.child_by_field_name("body")
    if body is None:
        return False
    found = captures("[(break_statement) (goto_statement)] @b", body)
    for stmt in found.get("b", []):
        if not owned_by(stmt, func):
            continue
        if stmt.type == "goto_statement":
            return True  # a goto may leave the loop; do not assume it runs forever
        if branch_target(stmt, func) == loop:
            return True
    return False


def loops_forever(loop: Node, func: Node, endless_ranges: Iterable[Node] = ()) -> bool:
    """A for loop that can only be left by return/panic/goto: no condition and no break.

    `endless_ranges`: range expressions known never to end (the channel of a ticker).
    """
    if loop_has_condition(loop):
        clause = next((c for c in loop.named_children if c.type == "range_clause"), None)
        if clause is None:
            return False
        right = clause.child_by_field_name("right")
        if right is None or not any(right == r for r in endless_ranges):
            return False
    return not breaks_out_of(loop, func)


# Methods that end the goroutine whatever the receiver: testing.T/B/F, log.Logger, zap,
# logrus and friends.
_NO_RETURN_METHODS = frozenset(
    {
        "Fatal",
        "Fatalf",
        "Fatalln",
        "FailNow",
        "Skip",
        "Skipf",
        "SkipNow",
        "Panic",
        "Panicf",
        "Panicln",
        "Goexit",
    }
)


def never_returns(call: Node) -> bool:
    """`panic(...)`, `os.Exit(...)`, `log.Fatal(...)`, `t.Fatalf(...)` and the like."""
    function = call.child_by_field_name("function")
    if function is None:
        return False
    if text(function) in _NO_RETURN_CALLS:
        return True
    return (
        function.type == "selector_expression"
        and text(function.child_by_field_name("field")) in _NO_RETURN_METHODS
    )


def is_terminating(stmt: Node, func: Node, endless_ranges: Iterable[Node] = ()) -> bool:
    """Go's terminating statement (spec), approximated: control never falls out of `stmt`."""
    kind = stmt.type
    if kind in ("return_statement", "goto_statement"):
        return True
    if kind == "expression_statement":
        call = stmt.named_children[0] if stmt.named_children else None
        return call is not None and call.type == "call_expression" and never_returns(call)
    if kind == "block":
        return block_terminates(stmt, func, endless_ranges)
    if kind == "labeled_statement":
        inner = [c for c in stmt.named_children if c.type != "label_name"]
        return bool(inner) and is_terminating(inner[0], func, endless_ranges)
    if kind == "if_statement":
        alternative = stmt.child_by_field_name("alternative")
        consequence = stmt.child_by_field_name("consequence")
        return (
            alternative is not None
            and consequence is not None
            and is_terminating(consequence, func, endless_ranges)
            and is_terminating(alternative, func, endless_ranges)
        )
    if kind == LOOP_NODE:
        return loops_forever(stmt, func, endless_ranges)
    if kind in ("select_statement", "expression_switch_statement", "type_switch_statement"):
        cases = [
            c
            for c in stmt.named_children
            if c.type in ("communication_case", "default_case", "expression_case", "type_case")
        ]
        if kind != "select_statement" and not any(c.type == "default_case" for c in cases):
            return False
        if _breaks_out_of_switch(stmt, func):
            return False
        return all(case_terminates(c, func, endless_ranges) for c in cases)
    return False


def _breaks_out_of_switch(stmt: Node, func: Node) -> bool:
    found = captures("(break_statement) @b", stmt)
    return any(branch_target(b, func) == stmt for b in found.get("b", []) if owned_by(b, func))


def case_body(case: Node) -> list[Node]:
    """The statements of a case clause (select, switch or type switch)."""
    for child in case.named_children:
        if child.type == "statement_list":
            return [c for c in child.named_children if c.type != "comment"]
    return []


def case_terminates(case: Node, func: Node, endless_ranges: Iterable[Node] = ()) -> bool:
    stmts = case_body(case)
    if not stmts:
        return False
    last = stmts[-1]
    if last.type == "fallthrough_statement":
        return False  # approximate: the next case decides
    return is_terminating(last, func, endless_ranges)


def block_terminates(block: Node, func: Node, endless_ranges: Iterable[Node] = ()) -> bool:
    stmts = statements(block)
    return bool(stmts) and is_terminating(stmts[-1], func, endless_ranges)


def end_reachable(func: Node, endless_ranges: Iterable[Node] = ()) -> bool:
    """Can control fall off the end of the function body?"""
    body = function_body(func)
    if body is None:
        return False
    return not block_terminates(body, func, endless_ranges)


def returns_of(func: Node) -> list[Node]:
    """The return statements that leave `func` itself (not nested function literals)."""
    body = function_body(func)
    if body is None:
        return []
    found = captures("(return_statement) @r", body)
    return [r for r in found.get("r", []) if owned_by(r, func)]


def common_ancestor(a: Node, b: Node) -> Node | None:
    chain = [a, *_all_ancestors(a)]
    for n in [b, *_all_ancestors(b)]:
        if any(n == m for m in chain):
            return n
    return None


def _all_ancestors(node: Node) -> list[Node]:
    out = []
    parent = node.parent
    while parent is not None:
        out.append(parent)
        parent = parent.parent
    return out


def runs_after(first: Node, later: Node) -> bool:
    """Can `later` run after `first` on one path (without going round a loop)?

    True when `later` comes after `first` in the source and their nearest common ancestor
    is a statement list or block, i.e. they are in sequence rather than in two branches of
    one `if`, `switch` or `select`.
    """
    if later.start_byte < first.end_byte:
        return False
    lca = common_ancestor(first, later)
    if lca is None:
        return False
    if lca.type in ("statement_list", "block"):
        return True
    # `first` in a header (a range expression, an if initializer or condition, a switch
    # value) runs before whichever branch holds `later`.
    holder = next((c for c in lca.named_children if within(first, c)), None)
    return holder is not None and holder.type not in _BRANCH_CHILDREN


def always_after(first: Node, later: Node, *, early_exits: bool = False) -> bool:
    """Does `later` run whenever `first` does and the function goes on: `later` sits in the
    statement list of `first` or of an enclosing statement, after it, with no `return`
    between them (`if err != nil { put(b); return }` runs on one path only)? With
    `early_exits`, a `return` nested deeper between them (an error path leaving early) does
    not count: only one of that statement list does."""
    if later.start_byte < first.end_byte:
        return False
    statement = later
    while statement.parent is not None and statement.parent.type not in (
        "statement_list",
        "block",
    ):
        if statement.parent.type in FUNCTION_NODES:
            return False
        statement = statement.parent
    holder = statement.parent
    if holder is None or not holder.start_byte <= first.start_byte < holder.end_byte:
        return False
    if early_exits:
        return not any(
            node.type == "return_statement"
            for node in holder.named_children
            if first.start_byte < node.end_byte and node.start_byte < statement.start_byte
        )
    func = holder
    while func is not None and func.type not in FUNCTION_NODES:
        func = func.parent
    if func is None:
        return False
    start = func.start_byte
    between = (func.text or b"")[first.end_byte - start : later.start_byte - start]
    return _RETURN.search(between) is None


_RETURN = re.compile(rb"\breturn\b")


_BRANCH_CHILDREN = frozenset(
    {
        "block",
        "if_statement",  # an `else if`
        "communication_case",
        "default_case",
        "expression_case",
        "type_case",
    }
)


def preceded_by(node: Node, after: int, marks: list[Node], func: Node) -> bool:
    """Is one of `marks` (e.g. `t.Stop()` calls) executed before `node` on its path?

    A mark counts when it sits in a statement list that also holds `node` (or one of its
    ancestors), before it, and after byte `after` (the creation of the resource). Marks
    nested in an earlier `if` count too: a conditional release is given the benefit of
    the doubt.
    """
    current = node
    body = function_body(func)
    while current is not None and current != body and current != func:
        parent = current.parent
        if parent is None:
            break
        if parent.type == "statement_list":
            for mark in marks:
                if (
                    parent.start_byte <= mark.start_byte < parent.end_byte
                    and after <= mark.start_byte < current.start_byte
                ):
                    return True
        current = parent
    return False
