"""The `defer-in-loop` fix: run a loop body in a function literal of its own.

Three shapes, the simplest that keeps the function's behaviour:

* no `return` in the body: `func() { ... }()`, `continue` becoming `return`;
* the function's last result is `error` and every `return` in the body passes on an error that
  cannot be nil (`return err` under `if err != nil`, `fmt.Errorf(...)`, ...): the Go 101 shape
  `if err := func() error { ... }(); err != nil { return err }` (`if v, err := func() (T,
  error) { ... }(); err != nil { return v, err }`), `continue` becoming `return nil`;
* otherwise a flag says whether the function must return:
  `if done, err := func() (bool, error) { ... }(); done { return err }`, every `return X`
  becoming `return true, X` and `continue` becoming `return false, <zero values>`.

Whether the fix is safe (see the rule's "Fix safety") is decided here too (`unsafe_reason`,
with the data flow of `_escape`); an unsafe fix's title ends with the reason.

Bodies that jump out of the loop (`break`, `goto` to an outer label, `continue`/`break` to an
outer loop), functions with named results, and bodies laid out on the brace lines get no fix,
with the reason. The edits are small (header and footer lines, one tab per line, the rewritten
jumps) so that fixes of nested loops can be applied in successive rounds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from leakscope.core.context import FileContext
from leakscope.core.model import Applicability, Fix, TextEdit
from leakscope.core.rules._escape import declared_in, declares, flows
from leakscope.core.rules._flow import (
    LOOP,
    conjuncts,
    jump_target,
    own_nodes,
    stmts_of,
    terminates,
)
from leakscope.core.syntax import (
    FUNCTION_NODES,
    captures,
    text,
    unparen,
    within,
)
from leakscope.core.types import NUMERIC_TYPES

TITLE = "Run the loop body in a function literal so its deferred calls run every iteration"

_CONTROL = (
    "(return_statement) @return (continue_statement) @continue (break_statement) @break"
    " (goto_statement) @goto (labeled_statement) @label (defer_statement) @defer"
)

# Methods that release what one iteration acquired.
CLEANUP_METHODS = frozenset(
    {"Close", "CloseSend", "Stop", "Release", "Rollback", "Cancel", "Free", "Finish"}
)
_WITH_INIT = frozenset({"if_statement", "expression_switch_statement", "type_switch_statement"})
_CONTEXT_WITH = frozenset(
    {"WithCancel", "WithTimeout", "WithDeadline", "WithCancelCause", "WithTimeoutCause"}
)
_NEVER_NIL = frozenset({("fmt", "Errorf"), ("errors", "New")})
_PKG_ERRORS = "github.com/pkg/errors"
_PKG_ERRORS_NEW = frozenset({"New", "Errorf"})
# github.com/pkg/errors wrappers return nil exactly when their first argument is nil.
_PKG_ERRORS_WRAP = frozenset({"Wrap", "Wrapf", "WithMessage", "WithMessagef", "WithStack"})
_NIL_TYPES_PREFIX = (
    "*",
    "[]",
    "map[",
    "chan ",
    "chan<-",
    "<-chan",
    "func(",
    "interface{",
    "interface {",
)


@dataclass
class _Body:
    """What the loop body does with control flow."""

    returns: list[Node] = field(default_factory=list)
    continues: list[Node] = field(default_factory=list)  # continues of the wrapped loop
    defers: list[Node] = field(default_factory=list)
    problem: str | None = None


def _scan_body(loop: Node, body: Node) -> _Body:
    out = _Body()
    found = list(own_nodes(_CONTROL, body))
    labels = {text(n.child_by_field_name("label")) for kind, n in found if kind == "label"}
    for kind, node in found:
        if kind == "return":
            out.returns.append(node)
        elif kind == "defer":
            out.defers.append(node)
        elif kind in ("continue", "break"):
            target = jump_target(node)
            label = next((text(c) for c in node.named_children if c.type == "label_name"), "")
            if target == loop:
                if kind == "break":
                    return _Body(problem="the loop body uses break")
                out.continues.append(node)
            elif target is None or not within(target, body):
                verb = "continues" if kind == "continue" else "breaks out of"
                shown = f"{kind} {label}".strip()
                return _Body(problem=f"the loop body {verb} an outer loop ({shown})")
        elif kind == "goto":
            label = next((text(c) for c in node.named_children if c.type == "label_name"), "")
            if label not in labels:
                return _Body(problem="the loop body uses goto")
    return out


def _result_types(func: Node) -> tuple[list[str], bool] | None:
    """(result type texts, has named results); None when the result list cannot be read."""
    result = func.child_by_field_name("result")
    if result is None:
        return [], False
    if result.type != "parameter_list":
        return [text(result)], False
    types: list[str] = []
    named = False
    for decl in result.named_children:
        if decl.type == "comment":
            continue
        if decl.type != "parameter_declaration":
            return None
        type_node = decl.child_by_field_name("type")
        if type_node is None:
            return None
        names = decl.children_by_field_name("name")
        named = named or bool(names)
        types.extend([text(type_node)] * max(1, len(names)))
    return types, named


def _checks_not_nil(cond: Node | None, name: str) -> bool:
    if cond is None:
        return False
    for part in conjuncts(cond):
        if part.type != "binary_expression" or text(part.child_by_field_name("operator")) != "!=":
            continue
        sides = {text(part.child_by_field_name("left")), text(part.child_by_field_name("right"))}
        if sides == {name, "nil"}:
            return True
    return False


_ASSIGNED = (
    "(assignment_statement left: (expression_list (identifier) @id))"
    " (short_var_declaration left: (expression_list (identifier) @id))"
    " (var_spec name: (identifier) @id)"
    ' (unary_expression operator: "&" operand: (identifier) @id)'
    " (func_literal) @fn"
)


def _may_assign(stmt: Node, name: str) -> bool:
    """Whether `stmt` may change variable `name` (a function literal in it counts as may)."""
    found = captures(_ASSIGNED, stmt)
    if any(text(n) == name for n in found.get("id", [])):
        return True
    return any(_mentions(fn, name) for fn in found.get("fn", []))


def _mentions(node: Node, name: str) -> bool:
    return any(text(n) == name for n in captures("(identifier) @i", node).get("i", []))


def _guarded_not_nil(ident: Node, ret: Node, body: Node) -> bool:
    """Whether `return ident` sits under `if ident != nil` with no assignment in between."""
    name = text(ident)
    node = ret
    while node != body and node.parent is not None:
        parent = node.parent
        if parent.type == "statement_list":
            for sibling in parent.named_children:
                if sibling.start_byte >= node.start_byte:
                    break
                if _may_assign(sibling, name):
                    return False
        elif parent.type == "if_statement" and parent.child_by_field_name("consequence") == node:
            if _checks_not_nil(parent.child_by_field_name("condition"), name):
                return True
        elif parent.type == LOOP or parent.type in FUNCTION_NODES:
            return False
        node = parent
    return False


def _not_nil(expr: Node, ret: Node, body: Node, imports: dict[str, str]) -> bool:
    """Whether an error expression returned by `ret` can never be nil."""
    expr = unparen(expr)
    kind = expr.type
    if kind == "composite_literal":
        return True
    if kind == "unary_expression":
        operand = expr.child_by_field_name("operand")
        return (
            text(expr.child_by_field_name("operator")) == "&"
            and operand is not None
            and unparen(operand).type == "composite_literal"
        )
    if kind == "identifier":
        return _guarded_not_nil(expr, ret, body)
    if kind != "call_expression":
        return False
    func = expr.child_by_field_name("function")
    args_node = expr.child_by_field_name("arguments")
    args = [a for a in args_node.named_children if a.type != "comment"] if args_node else []
    if func is None or func.type != "selector_expression":
        return False
    operand = func.child_by_field_name("operand")
    if operand is None or operand.type != "identifier":
        return False
    path = imports.get(text(operand))
    name = text(func.child_by_field_name("field"))
    if (path, name) in _NEVER_NIL or (path == _PKG_ERRORS and name in _PKG_ERRORS_NEW):
        return True
    if path == _PKG_ERRORS and name in _PKG_ERRORS_WRAP:
        return bool(args) and _not_nil(args[0], ret, body, imports)
    if (path, name) == ("errors", "Join"):
        return any(_not_nil(a, ret, body, imports) for a in args)
    return False


def zero_value(type_text: str, ctx: FileContext, depth: int = 0) -> str:
    """A Go expression for the zero value of a type written as `type_text`.

    `*new(T)` when the kind of a type is unknown (imported types, type parameters): always
    correct, if not pretty.
    """
    t = " ".join(type_text.split())
    if t in ("error", "any") or t.startswith(_NIL_TYPES_PREFIX):
        return "nil"
    if t == "string":
        return '""'
    if t == "bool":
        return "false"
    if t in NUMERIC_TYPES:
        return "0"
    if t.startswith(("struct{", "struct {", "[")):
        return type_text + "{}"
    base = t.split("[", 1)[0]
    info = ctx.package.types.get(base) if "." not in base else None
    if info is not None and depth < 4:
        underlying = info.underlying
        array = underlying.startswith("[") and not underlying.startswith("[]")
        if underlying == "struct" or array:
            return type_text + "{}"
        if underlying == "interface":
            return "nil"
        if underlying and base == t:
            inner = zero_value(underlying, ctx, depth + 1)
            if inner in ("nil", '""', "false", "0"):
                return inner
    return f"*new({type_text})"


def _tail_return(body_stmts: list[Node], body: Node) -> tuple[Node, Node, Node] | None:
    """`err = X` + `if err != nil { return err }` (or `if err := X; err != nil {...}`) ending a
    body whose `err` is its own: (first statement, X, last statement), to become `return X`."""
    if not body_stmts:
        return None
    last = body_stmts[-1]
    if last.type != "if_statement" or last.child_by_field_name("alternative") is not None:
        return None
    inner = stmts_of(last.child_by_field_name("consequence"))
    if len(inner) != 1 or inner[0].type != "return_statement":
        return None
    returned = [c for c in inner[0].named_children if c.type == "expression_list"]
    if len(returned) != 1 or text(returned[0]) != "err":
        return None
    if not _checks_not_nil(last.child_by_field_name("condition"), "err"):
        return None
    if text(last.child_by_field_name("condition")).replace(" ", "") != "err!=nil":
        return None
    init = last.child_by_field_name("initializer")
    if init is not None:
        first, assign = last, init
        if assign.type != "short_var_declaration":
            return None
    else:
        if len(body_stmts) < 2:
            return None
        first = assign = body_stmts[-2]
        if assign.type != "assignment_statement":
            return None
        if text(assign.child_by_field_name("operator")) != "=":
            return None
        declared = any(declares(s, "err") for s in body_stmts[:-2])
        if not declared:
            return None
    left = assign.child_by_field_name("left")
    right = assign.child_by_field_name("right")
    if left is None or right is None or text(left) != "err" or right.named_child_count != 1:
        return None
    # A comment between the two statements would be lost; a closure reading err would see
    # a different value.
    holder = first.parent
    if holder is not None and any(
        c.type == "comment" and first.start_byte < c.start_byte < last.start_byte
        for c in holder.named_children
    ):
        return None
    if any(_mentions(fn, "err") for fn in captures("(func_literal) @f", body).get("f", [])):
        return None
    return first, right.named_children[0], last


# A test that opens in a loop and defers the release often means to hold everything until it
# ends (a backlog filled to its limit, servers kept up for what follows), and the leak lasts
# no longer than the test: its fix asks first.
TEST_CODE_REASON = (
    "in a test, holding what every iteration opens until the test ends may be the point"
)


def unsafe_reason(defer: Node, body: Node, ctx: FileContext) -> str | None:
    """Why running this deferred call at the end of the iteration may change behaviour, or
    None when it releases something the iteration itself created and nothing made from that
    is used after the iteration (see the rule's "Fix safety")."""
    call = next((c for c in defer.named_children if c.type == "call_expression"), None)
    func = call.child_by_field_name("function") if call is not None else None
    if call is None or func is None:
        return "the deferred call is not a plain call"
    shown = " ".join(text(call).split())
    unknown = f"{shown} is not known to release something the iteration opened"
    if func.type == "func_literal":
        return "a deferred function literal may do more than release what the iteration opened"
    if func.type == "selector_expression":
        operand = func.child_by_field_name("operand")
        while operand is not None and operand.type == "selector_expression":
            operand = operand.child_by_field_name("operand")  # resp.Body.Close(): resp
        if text(func.child_by_field_name("field")) not in CLEANUP_METHODS:
            return unknown
        if operand is None or operand.type != "identifier":
            return unknown
        name = text(operand)
        decl = declared_in(name, defer, body)
        if decl is None:
            if name in ctx.imports:
                return unknown  # syscall.Close(fd): a function, not a method
            return f"{shown} releases {name}, which is not a variable of the loop body"
        if _only_held(name, decl, body, defer):
            return (
                f"nothing in the iteration uses {name} but {shown}: holding every "
                f"iteration's {name} until the function returns may be the point"
            )
        types = ctx.package.types.keys()
        found = flows({name}, body, defer, ctx.imports, types=types, first_only=True)
        return found[0].reason() if found else None
    if func.type != "identifier":
        return unknown
    decl = declared_in(text(func), defer, body)
    right = decl.child_by_field_name("right") if decl is not None else None
    value = right.named_children[0] if right is not None and right.named_children else None
    callee = value.child_by_field_name("function") if value is not None else None
    if (
        decl is None
        or decl.type != "short_var_declaration"
        or value is None
        or value.type != "call_expression"
        or callee is None
        or callee.type != "selector_expression"
        or ctx.imports.get(text(callee.child_by_field_name("operand"))) != "context"
        or text(callee.child_by_field_name("field")) not in _CONTEXT_WITH
    ):
        return unknown
    left = decl.child_by_field_name("left")
    targets = [n for n in left.named_children if n.type == "identifier"] if left else []
    names = {text(n) for n in targets} - {"_"}
    contexts = {text(targets[0])} if targets else set()
    found = flows(
        names,
        body,
        defer,
        ctx.imports,
        types=ctx.package.types.keys(),
        contexts=contexts,
        first_only=True,
    )
    return found[0].reason() if found else None


def _only_held(name: str, decl: Node, body: Node, defer: Node) -> bool:
    """Whether the loop body declares `name` and does nothing with it but defer its release
    (`rows, err := db.Query(q)` ... `defer rows.Close()`: opening connections to keep them
    busy, holding a lock file)."""
    left = decl.child_by_field_name("left") if decl.type == "short_var_declaration" else None
    for ident in captures("(identifier) @i", body).get("i", []):
        if text(ident) != name or within(ident, defer):
            continue
        if left is not None and within(ident, left):
            continue
        return False
    return left is not None


@dataclass
class _Layout:
    first_line: int  # start of the first line after the `{` line
    close_line: int  # start of the line holding the closing `}`
    indent: str  # the loop's indentation
    unit: str  # one level of indentation


def _layout(source: bytes, body: Node) -> _Layout | None:
    if body.child_count < 2 or body.children[0].type != "{" or body.children[-1].type != "}":
        return None
    open_end = body.children[0].end_byte
    close = body.children[-1].start_byte
    newline = source.find(b"\n", open_end, close)
    if newline < 0:
        return None
    for child in body.named_children:
        for stmt in [child, *child.named_children] if child.type == "statement_list" else [child]:
            if stmt.type != "comment" and stmt.start_byte < newline:
                return None
    close_line = source.rfind(b"\n", 0, close) + 1
    if close_line <= newline or source[close_line:close].strip(b" \t"):
        return None
    indent = source[close_line:close].decode("utf-8", errors="replace")
    unit = "\t"
    if indent and "\t" not in indent:
        unit = "    "
    return _Layout(newline + 1, close_line, indent, unit)


def _values(ret: Node) -> list[Node]:
    """The expressions a return statement returns."""
    values = next((c for c in ret.named_children if c.type == "expression_list"), None)
    return [v for v in values.named_children if v.type != "comment"] if values else []


def _returns_error(ret: Node, body: Node, imports: dict[str, str]) -> bool:
    """Whether the last value `ret` returns is certainly a non-nil error."""
    values = _values(ret)
    return bool(values) and _not_nil(values[-1], ret, body, imports)


def _names(types: list[str]) -> list[str]:
    """Names for the results of the function literal in the `if` that calls it.

    Fixed names, not `FileContext.fresh_name`: they are declared by the `if` header the fix
    writes, and their scope starts after that header, so they are visible only in the
    `{ return ... }` block the fix writes too. They can neither clash with nor hide a name of
    the code (the literal's body, being part of the header, still sees the outer `err`), and
    no other fix can declare names in that block.
    """
    has_err = types[-1:] == ["error"]
    others = len(types) - has_err
    out = ["v"] if others == 1 else [f"v{i}" for i in range(1, others + 1)]
    return [*out, "err"] if has_err else out


def wrap_loop_body(ctx: FileContext, loop: Node, func: Node) -> tuple[Fix | None, str | None]:
    """The fix for deferred calls in `loop` (whose function is `func`), or why there is none."""
    body = loop.child_by_field_name("body")
    if body is None or body.has_error:
        return None, "no automatic fix: the loop body does not parse cleanly"
    layout = _layout(ctx.source, body)
    if layout is None:
        return None, "no automatic fix: the loop body shares a line with its braces"
    scan = _scan_body(loop, body)
    if scan.problem is not None:
        return None, f"no automatic fix: {scan.problem}"
    results = _result_types(func)
    if results is None:
        return None, "no automatic fix: cannot read the function's results"
    types, named = results
    if named:
        return (
            None,
            "no automatic fix: the function has named results, which deferred calls can set",
        )
    stmts = stmts_of(body)
    imports = ctx.imports
    edits: list[TextEdit] = []
    no_tabs: list[tuple[int, int]] = []  # replaced ranges: their lines are not re-indented
    continue_starts = frozenset(c.start_byte for c in scan.continues)
    ends = bool(stmts) and terminates(stmts[-1], returns=continue_starts)
    i1 = layout.indent + layout.unit
    i2 = i1 + layout.unit

    for ret in scan.returns:
        if len(_values(ret)) != len(types):
            return None, "no automatic fix: a return in the loop body passes on a call's results"
    names = _names(types)
    if not scan.returns:
        header, next_step = "func() {", "return"
        footer = f"{i1}}}()\n"
        ends = True  # a function literal without results needs no final return
    elif types[-1:] == ["error"] and all(_returns_error(r, body, imports) for r in scan.returns):
        # Every return passes on a non-nil error: `err != nil` tells the two apart.
        zeros = [zero_value(t, ctx) for t in types[:-1]] + ["nil"]
        next_step = "return " + ", ".join(zeros)
        results = types[0] if len(types) == 1 else f"({', '.join(types)})"
        header = f"if {', '.join(names)} := func() {results} {{"
        footer = f"{i1}}}(); err != nil {{\n{i2}return {', '.join(names)}\n{i1}}}\n"
        tail = None if ends or len(types) != 1 else _tail_return(stmts, body)
        if tail is not None:
            first, value, last = tail
            edits.append(TextEdit(first.start_byte, value.start_byte, "return "))
            edits.append(TextEdit(value.end_byte, last.end_byte, ""))
            no_tabs.append((value.end_byte, last.end_byte))
            ends = True
    else:
        # Some return may pass on a nil error (or there is none): a flag says "return now".
        for ret in scan.returns:
            values = _values(ret)
            if values:
                edits.append(TextEdit(values[0].start_byte, values[0].start_byte, "true, "))
            else:
                edits.append(TextEdit(ret.start_byte, ret.end_byte, "return true"))
        if not types:
            header, next_step = "if func() bool {", "return false"
            footer = f"{i1}}}() {{\n{i2}return\n{i1}}}\n"
        else:
            header = f"if done, {', '.join(names)} := func() (bool, {', '.join(types)}) {{"
            zeros = ", ".join(zero_value(t, ctx) for t in types)
            next_step = f"return false, {zeros}"
            footer = f"{i1}}}(); done {{\n{i2}return {', '.join(names)}\n{i1}}}\n"

    for node in scan.continues:
        edits.append(TextEdit(node.start_byte, node.end_byte, next_step))
    edits.extend(_unused_label(ctx.source, loop, func, scan))
    edits.extend(_indent_edits(ctx.source, body, layout, header, i1, no_tabs))
    closing = "" if ends else f"{i2}{next_step}\n"
    edits.append(TextEdit(layout.close_line, layout.close_line, closing + footer))
    unsafe = next((r for d in scan.defers if (r := unsafe_reason(d, body, ctx))), None)
    if unsafe is None and ctx.is_test:
        unsafe = TEST_CODE_REASON
    if unsafe is None:
        return Fix(TITLE, tuple(edits), Applicability.SAFE), None
    return Fix(f"{TITLE} (unsafe: {unsafe})", tuple(edits), Applicability.UNSAFE), None


def _unused_label(source: bytes, loop: Node, func: Node, scan: _Body) -> list[TextEdit]:
    """Remove the loop's label when the rewrite leaves it unused (Go rejects unused labels).

    Its only uses were `continue L` in the body, now returns; a `goto L` keeps it.
    """
    labeled = loop.parent
    if labeled is None or labeled.type != "labeled_statement":
        return []
    label = labeled.child_by_field_name("label")
    name = text(label)
    for _, jump in own_nodes(
        "(goto_statement) @g (break_statement) @g (continue_statement) @g", func
    ):
        used = any(c.type == "label_name" and text(c) == name for c in jump.named_children)
        if used and jump not in scan.continues:
            return []
    if label is None:
        return []
    line_start = source.rfind(b"\n", 0, label.start_byte) + 1
    line_end = source.find(b"\n", label.end_byte)
    alone = not source[line_start : label.start_byte].strip(b" \t")
    rest = source[label.end_byte : line_end if line_end >= 0 else len(source)]
    if alone and line_end >= 0 and rest.strip(b" \t") == b":" and line_end < loop.start_byte:
        return [TextEdit(line_start, line_end + 1, "")]
    return [TextEdit(label.start_byte, loop.start_byte, "")]


def _indent_edits(
    source: bytes,
    body: Node,
    layout: _Layout,
    header: str,
    i1: str,
    no_tabs: list[tuple[int, int]],
) -> list[TextEdit]:
    """The header line, and one more level of indentation on every line of the body."""
    raw = [
        (n.start_byte, n.end_byte)
        for n in captures("(raw_string_literal) @s", body).get("s", [])
        if b"\n" in source[n.start_byte : n.end_byte]
    ]
    keep_out = raw + no_tabs
    edits = []
    pos = layout.first_line
    while pos < layout.close_line:
        end = source.find(b"\n", pos, layout.close_line)
        end = layout.close_line if end < 0 else end
        blank = not source[pos:end].strip(b" \t\r")
        inside_literal = any(start < pos < stop for start, stop in keep_out)
        tab = "" if blank or inside_literal else layout.unit
        if pos == layout.first_line:
            edits.append(TextEdit(pos, pos, f"{i1}{header}\n{tab}"))
        elif tab:
            edits.append(TextEdit(pos, pos, tab))
        pos = end + 1
    return edits
