"""A value kept in a field or a package variable, replaced by a function that can run again.

`s.t = time.NewTicker(d)` or `s.ctx, s.cancel = context.WithCancel(parent)` in a method: when
the method runs again on the same object, the previous ticker (cancel function) is lost
without being stopped (called). These helpers say whether that can happen, for the ticker
and context rules: the rule says what *releases* the kept value (`.t.Stop()`, `.cancel()`),
and a call that runs the function again after such a release is no repeat.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tree_sitter import Node, Tree

from leakscope.core.rules._lifetime import function_name_of, runs_once
from leakscope.core.syntax import (
    FUNCTION_NODES,
    ancestors,
    enclosing_function,
    text,
    tokens,
    unparen,
)

# Exported methods named so are meant to be called again on a live object.
_AGAIN_WORDS = (
    "restart",
    "reset",
    "reload",
    "reconnect",
    "reconfigure",
    "reopen",
    "renew",
    "refresh",
    "resume",
    "reschedule",
    "rearm",
    "update",
    "change",
)


@dataclass(frozen=True)
class RunsAgain:
    """Why a function can run more than once on the same object, and whether the number of
    runs is open-ended (`grows`) or fixed by code that runs once (main calling it twice)."""

    reason: str
    grows: bool
    # (path, start, end, message) of the calls that run it again, for related locations
    calls: tuple[tuple[str, int, int, str], ...] = ()


def restart_like(name: str) -> bool:
    """An exported method name meant for calling again: `Restart`, `Reset`, `SetInterval`."""
    if not name[:1].isupper():
        return False
    lower = name.lower()
    if lower.startswith("set") and len(name) > 3 and name[3].isupper():
        return True
    return lower.startswith(_AGAIN_WORDS)


def named_function(func: Node) -> tuple[Node, Node | None] | None:
    """The function declaration or method whose run runs `func`: `func` itself, or the one a
    function literal is called or started in (`go func() {...}()`), with the loop around that
    call when there is one; None for a literal used as a value (a callback, a `Once.Do`)."""
    loop: Node | None = None
    hops = 0
    while func.type == "func_literal" and hops < 4:
        hops += 1
        call = func.parent
        if call is None or call.type != "call_expression":
            return None
        if call.child_by_field_name("function") != func:
            return None
        outer = enclosing_function(call)
        if outer is None:
            return None
        if loop is None:
            loop = _loop_in(call, outer)
        func = outer
    if func.type == "func_literal":
        return None
    return func, loop


def _loop_in(node: Node, func: Node) -> Node | None:
    for anc in ancestors(node):
        if anc == func or anc.type in FUNCTION_NODES:
            return None
        if anc.type == "for_statement":
            return anc
    return None


def receiver_type(func: Node) -> str:
    """The receiver's type name of a method (`Server` for `(s *Server)`), else ""."""
    receiver = func.child_by_field_name("receiver")
    if func.type != "method_declaration" or receiver is None:
        return ""
    for child in receiver.named_children:
        type_node = child.child_by_field_name("type")
        if type_node is not None:
            return text(type_node).lstrip("*").split("[", 1)[0].strip()
    return ""


def receiver_name(func: Node) -> str:
    receiver = func.child_by_field_name("receiver")
    if func.type != "method_declaration" or receiver is None:
        return ""
    for child in receiver.named_children:
        name = child.child_by_field_name("name")
        if name is not None:
            return text(name)
    return ""


def fresh_local(func: Node, name: str) -> bool:
    """Whether `name` is a variable that `func` declares in its body (`s := &Server{}`,
    `var s Server`): an object made by this call, not one that lives on between calls."""
    body = func.child_by_field_name("body")
    if body is None or not name:
        return False
    code = body.text or b""
    word = re.escape(name.encode())
    return (
        re.search(rb"(?:^|[\s;{(])" + word + rb"(?:\s*,\s*\w+)*\s*:=", code) is not None
        or re.search(rb"\bvar\s+" + word + rb"\b", code) is not None
    )


def runs_again(
    func: Node,
    package: str,
    files: Mapping[str, tuple[bytes, Tree]],
    released: Callable[[Node, Node, Node | None], bool],
    holder: int | None = None,
    _depth: int = 0,
) -> RunsAgain | None:
    """Why `func` (a function or method of the package) can run again on the same object
    with nothing released in between, or None when that is not shown.

    Shown when: it is an exported method named for calling again (`Reset`, `Restart`,
    `SetInterval`: see `restart_like`); a caller calls it in a loop; two callers or more call
    it; or its one caller runs again itself (two levels up). A call counts only when it can
    run on a live object: not in a `_test.go` file (unless `func` is in one), not on an
    object the caller has just made (`s := &S{}; s.start()`), and not after `released(caller,
    call, None)` says the value was released before the call (for a call in a loop:
    `released(caller, call, loop)`, anywhere in the loop's body). A method is matched by
    name; when several receiver types of the package declare that name, only calls on the
    caller's own receiver of the same type count. Function values (`time.AfterFunc(d,
    s.reset)`) are not followed.

    `holder` is the index of the parameter that holds the object (`func (c *setPeriod)
    handle(w *worker)` storing into `w.timer`), None when it is the receiver (or a package
    variable): then the object of a call is that argument, and a call of a method that
    several types declare (an interface's, dispatched `cmd.handle(w)`) counts in a loop.
    """
    name = function_name_of(func)
    if not name or name in ("main", "init"):
        return None
    method = func.type == "method_declaration"
    if method and restart_like(name):
        return RunsAgain(f"{name} is an exported method meant to be called again", True)
    own_root = func
    while own_root.parent is not None:
        own_root = own_root.parent
    own_path = next(
        (p for p, (_s, tree) in files.items() if tree.root_node == own_root),
        "",
    )
    in_test = own_path.endswith("_test.go")
    recv = receiver_type(func)
    ambiguous = method and _declared_types(name, files) > 1
    unreleased: list[tuple[str, Node, Node]] = []  # (path, call, caller)
    for path, (source, tree) in sorted(files.items()):
        if path.endswith("_test.go") and not in_test:
            continue
        if name.encode() not in source:
            continue
        for ident in tokens(tree.root_node, source, name.encode()):
            call, operand = _call_of(ident, method)
            if call is None:
                continue
            caller = enclosing_function(call)
            if caller is None or caller == func:
                continue
            outer = named_function(caller)
            named = outer[0] if outer is not None else caller
            loop = _loop_in(call, caller)
            if loop is None and outer is not None and outer[1] is not None:
                loop = outer[1]
            if holder is not None:
                args = _arguments(call)
                root_name = _root_identifier(args[holder]) if holder < len(args) else ""
                if not root_name or (ambiguous and loop is None):
                    continue  # an unknown object; a dispatched call runs again in loops only
            else:
                root_name = _root_identifier(operand) if operand is not None else ""
                if ambiguous and (
                    receiver_type(named) != recv or root_name != receiver_name(named)
                ):
                    continue
            if (
                (method or holder is not None)
                and root_name
                and root_name != receiver_name(named)
                and (fresh_local(caller, root_name) or fresh_local(named, root_name))
            ):
                continue  # a new object: its first run
            where = function_name_of(named) or "a function literal"
            if loop is not None:
                if released(caller, call, loop):
                    continue
                message = f"{where} calls {name} in a loop"
                return RunsAgain(message, True, ((path, call.start_byte, call.end_byte, message),))
            if released(caller, call, None):
                continue
            unreleased.append((path, call, named))
    if not unreleased:
        return None
    callers = sorted({function_name_of(c) or "a function literal" for _p, _c, c in unreleased})
    calls = tuple(
        (path, call.start_byte, call.end_byte, f"{function_name_of(caller)} calls {name} here")
        for path, call, caller in unreleased[:3]
    )
    if len(unreleased) >= 2:
        grows = not all(runs_once(c, package, files) for _p, _c, c in unreleased)
        if len(callers) > 1:
            reason = f"{' and '.join(callers[:3])} call {name}"
        else:
            times = "twice" if len(unreleased) == 2 else f"{len(unreleased)} times"
            reason = f"{callers[0]} calls {name} {times}"
        return RunsAgain(reason, grows, calls)
    _path, _call, caller = unreleased[0]
    caller_name = function_name_of(caller)
    if caller.type == "method_declaration" and restart_like(caller_name):
        return RunsAgain(
            f"{caller_name} calls {name}, and {caller_name} is an exported method meant to be "
            "called again",
            True,
            calls,
        )
    if _depth < 1 and caller.type != "func_literal":
        args = _arguments(_call) if holder is not None else []
        obj = _root_identifier(args[holder]) if holder is not None and holder < len(args) else ""
        if holder is None:
            obj = _root_identifier(_call_of_operand(_call))
        again = runs_again(caller, package, files, released, holder_index(caller, obj), _depth + 1)
        if again is not None:
            return RunsAgain(
                f"{caller_name} calls {name}, and {again.reason}", again.grows, calls + again.calls
            )
    return None


def _declared_types(name: str, files: Mapping[str, tuple[bytes, Tree]]) -> int:
    """How many receiver types of the package declare a method `name`."""
    pattern = re.compile(
        rb"^func\s*\(\s*\w*\s*\*?\s*(\w+)[^)]*\)\s*" + re.escape(name.encode()) + rb"\b", re.M
    )
    types = {m.group(1) for source, _tree in files.values() for m in pattern.finditer(source)}
    return len(types)


def _call_of(ident: Node, method: bool) -> tuple[Node | None, Node | None]:
    """(the call, the operand of `x.name`) when `ident` names the function called."""
    node = ident.parent
    operand = None
    if method:
        if node is None or node.type != "selector_expression":
            return None, None
        if node.child_by_field_name("field") != ident:
            return None, None
        operand = node.child_by_field_name("operand")
        ident, node = node, node.parent
    elif ident.type != "identifier":
        return None, None
    if node is None or node.type != "call_expression":
        return None, None
    if node.child_by_field_name("function") != ident:
        return None, None
    return node, operand


def _root_identifier(node: Node) -> str:
    """`s` for `s`, `s.inner` or `s.inner.x`; "" for anything else."""
    node = unparen(node)
    while node.type == "selector_expression":
        operand = node.child_by_field_name("operand")
        if operand is None:
            return ""
        node = unparen(operand)
    return text(node) if node.type == "identifier" else ""


def releasing_functions(files: Mapping[str, tuple[bytes, Tree]], pattern: bytes) -> set[str]:
    """The names of the package's functions and methods whose body matches `pattern` (a
    regexp for the release: `\\.t\\.Stop\\(`), so that a call to them releases too."""
    found: set[str] = set()
    regexp = re.compile(pattern)
    for source, tree in files.values():
        matches = [m.start() for m in regexp.finditer(source)]
        if not matches:
            continue
        for decl in tree.root_node.named_children:
            if decl.type not in ("function_declaration", "method_declaration"):
                continue
            if any(decl.start_byte <= at < decl.end_byte for at in matches):
                found.add(function_name_of(decl))
    found.discard("")
    return found


def released_in(
    region: Node, before: int | None, pattern: bytes, releasers: set[str], skip: str = ""
) -> bool:
    """Whether the code of `region` (up to byte `before` when given) releases: matches
    `pattern`, or calls one of `releasers` (other than `skip`)."""
    code = region.text or b""
    if before is not None:
        code = code[: max(0, before - region.start_byte)]
    if re.search(pattern, code):
        return True
    names = [n for n in releasers if n != skip]
    if not names:
        return False
    calls = re.compile(rb"\b(" + b"|".join(re.escape(n.encode()) for n in names) + rb")\s*\(")
    return calls.search(code) is not None


def field_types(files: Mapping[str, tuple[bytes, Tree]], field: str) -> set[str]:
    """The types (as written, spaces removed) of the struct fields called `field` that the
    package declares."""
    out: set[str] = set()
    word = field.encode()
    for source, tree in files.values():
        if word not in source:
            continue
        for ident in tokens(tree.root_node, source, word):
            decl = ident.parent
            if ident.type != "field_identifier" or decl is None:
                continue
            if decl.type != "field_declaration":
                continue
            type_node = decl.child_by_field_name("type")
            if type_node is not None:
                out.add("".join(text(type_node).split()))
    return out


def field_mentioned(func: Node, field: str, allowed: Callable[[Node], bool]) -> bool:
    """Whether `func` (with its function literals) uses `X.field` anywhere `allowed` does not
    accept (a nil check, a call, a Stop, a copy): the function then handles the old value.
    Plain assignments to it (`s.t = time.NewTicker(other)` in another branch, `s.t = nil`)
    handle nothing and are accepted."""
    for node in _field_nodes(func, field.encode()):
        selector = node.parent
        if selector is None or selector.type != "selector_expression":
            continue
        if not allowed(selector) and not _assigned_to(selector):
            return True
    return False


def _assigned_to(node: Node) -> bool:
    """`node` is a target of a plain `=` assignment."""
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    left = node.parent
    holder = left.parent if left is not None else None
    return (
        left is not None
        and left.type == "expression_list"
        and holder is not None
        and holder.type == "assignment_statement"
        and holder.child_by_field_name("left") == left
        and text(holder.child_by_field_name("operator")) == "="
    )


def _field_nodes(func: Node, word: bytes) -> list[Node]:
    """The `field_identifier` nodes spelling `word` inside `func`."""
    code = func.text or b""
    out = []
    pos = code.find(word)
    size = len(word)
    while pos != -1:
        end = pos + size
        before = code[pos - 1 : pos] if pos else b""
        after = code[end : end + 1]
        if before in (b".", b" ", b"\t", b"\n") and (not after or after not in _WORD):
            start = func.start_byte + pos
            node = func.descendant_for_byte_range(start, start + size)
            if node is not None and node.type == "field_identifier":
                out.append(node)
        pos = code.find(word, end)
    return out


_WORD = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"


def _arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    return [c for c in args.named_children if c.type != "comment"] if args is not None else []


def _call_of_operand(call: Node) -> Node:
    """`s` of `s.start()` (the call itself when there is no operand)."""
    function = call.child_by_field_name("function")
    if function is not None and function.type == "selector_expression":
        operand = function.child_by_field_name("operand")
        if operand is not None:
            return operand
    return call


def holder_index(func: Node, name: str) -> int | None:
    """The index of `func`'s parameter called `name`, or None (its receiver, a package
    variable, anything else): what `runs_again` takes as `holder`."""
    params = func.child_by_field_name("parameters")
    if params is None or not name or name == receiver_name(func):
        return None
    index = 0
    for decl in params.named_children:
        if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        names = decl.children_by_field_name("name")
        if not names:
            index += 1
            continue
        for ident in names:
            if text(ident) == name:
                return index
            index += 1
    return None


def released_in_loop(
    loop: Node, at: Node, pattern: bytes, releasers: set[str], skip: str = ""
) -> bool:
    """Whether the body of `loop` releases on the way from `at` (a call or a store in it) to
    its next run: a release (as in `released_in`) in sequence with `at`, before or after it,
    not in another branch of an `if`, `switch` or `select` (a `case <-quit: s.t.Stop()`
    beside the `case` that replaces the ticker releases nothing between two replacements).
    A release in an `if` in sequence with `at` is given the benefit of the doubt."""
    code = loop.text or b""
    found = [m.start() for m in re.finditer(pattern, code)]
    names = [n for n in releasers if n != skip]
    if names:
        calls = re.compile(rb"\b(" + b"|".join(re.escape(n.encode()) for n in names) + rb")\s*\(")
        found += [m.start() for m in calls.finditer(code)]
    for offset in found:
        start = loop.start_byte + offset
        node = loop.descendant_for_byte_range(start, start + 1)
        if node is not None and _in_sequence(node, at, loop):
            return True
    return False


_SWITCHES = frozenset({"select_statement", "expression_switch_statement", "type_switch_statement"})


def _in_sequence(node: Node, other: Node, top: Node) -> bool:
    """Whether `node` and `other` are not in two arms of one `select`, `switch` or `if`
    (below `top`): then a pass that runs one can run the other. A release nested in an
    `if` of its own gets the benefit of the doubt."""
    lca = node
    while lca is not None and not (
        lca.start_byte <= other.start_byte and other.end_byte <= lca.end_byte
    ):
        lca = lca.parent
    if lca is None or not (top.start_byte <= lca.start_byte and lca.end_byte <= top.end_byte):
        return False
    if lca.type in _SWITCHES:
        return False  # two cases of one select or switch
    if lca.type == "if_statement":
        arms = [
            c
            for c in (
                lca.child_by_field_name("consequence"),
                lca.child_by_field_name("alternative"),
            )
            if c is not None
        ]
        holds_node = next((a for a in arms if a.start_byte <= node.start_byte < a.end_byte), None)
        holds_other = next((a for a in arms if a.start_byte <= other.start_byte < a.end_byte), None)
        return not (holds_node and holds_other and holds_node != holds_other)
    return True


def called_name(call: Node) -> str:
    """`start` for `s.start()` or `start()`: the function a call calls, by name ("" for
    anything else). A release found by calling a function of that very name is the call
    itself (a method several types declare), not a release."""
    function = call.child_by_field_name("function") if call.type == "call_expression" else None
    if function is None:
        return ""
    if function.type == "selector_expression":
        return text(function.child_by_field_name("field"))
    return text(function) if function.type == "identifier" else ""
