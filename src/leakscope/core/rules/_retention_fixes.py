"""The fix of a retention finding: store a copy (`strings.Clone`, `bytes.Clone`,
`slices.Clone` or `append(S(nil), x...)`, by the module's Go version), or, for an array
emptied in place that was meant to go, nil."""

from __future__ import annotations

import re

from tree_sitter import Node

from leakscope.core.context import FileContext
from leakscope.core.imports import ImportConflict
from leakscope.core.model import Applicability, Fix, TextEdit
from leakscope.core.rules._retention_syntax import STRING
from leakscope.core.syntax import text
from leakscope.core.types import (
    IMPORT,
)


def _multi_valued(value: Node) -> bool:
    """`a, b, ok = strings.Cut(...)`: one call on the right, several names on the left. Such a
    call cannot be wrapped in a copy (Clone takes one value)."""
    parent = value.parent
    if parent is None or parent.type != "expression_list" or parent.named_child_count != 1:
        return False
    stmt = parent.parent
    if stmt is None:
        return False
    if stmt.type in ("assignment_statement", "short_var_declaration"):
        left = stmt.child_by_field_name("left")
        return left is not None and left.named_child_count > 1
    if stmt.type == "var_spec":
        return len(stmt.children_by_field_name("name")) > 1
    return False


def make_fix(ctx: FileContext, value: Node, family: str) -> tuple[Fix | None, str | None]:
    """A fix that stores a copy of `value` instead, or (None, why not)."""
    type_text = ctx.types.type_of(value)
    under = ctx.types.underlying(type_text)
    expr = text(value)
    if _multi_valued(value):
        return None, (
            f"no automatic fix: {expr} gives several results at once; copy the one you keep "
            "after the assignment"
        )
    if family == STRING:
        if type_text != "string":
            return None, (
                f"no automatic fix: {expr} has type {type_text or 'unknown'}, "
                "copy it with strings.Clone and convert back"
            )
        clone = _strings_clone(ctx, value)
        if clone is not None:
            call, edits = clone
            return _wrap(
                value, f"{call}(", ")", edits, f"Copy with {call}", Applicability.SAFE
            ), None
        return _wrap(
            value, "string([]byte(", "))", [], "Copy with string([]byte(...))", Applicability.SAFE
        ), None
    if type_text is None or under is None or not under.startswith("[]"):
        return None, f"no automatic fix: the type of {expr} is unknown"
    if under == "[]byte" and ctx.go_version >= (1, 20):
        fix = _import_wrap(ctx, value, "bytes", "Clone")
        if fix is not None:
            return fix, None
    if ctx.go_version >= (1, 21):
        fix = _import_wrap(ctx, value, "slices", "Clone")
        if fix is not None:
            return fix, None
    if not _type_usable(ctx, type_text):
        return None, f"no automatic fix: the type {type_text} is not written the same way here"
    return (
        _wrap(
            value,
            f"append({_nil_of(type_text)}, ",
            "...)",
            [],
            f"Copy with append({_nil_of(type_text)}, ...)",
            Applicability.UNSAFE,
        ),
        None,
    )


def rebind_fix(
    ctx: FileContext, statement: Node, name: str, family: str
) -> tuple[Fix | None, str | None]:
    """A fix that copies the string `name` just before `statement`, which stores it twice (a
    key and its value, `m[s] = s`), on a line of its own: `s = strings.Clone(s)`. Only a
    string: a []byte copied there would no longer be the caller's to write through."""
    use = _name_in(statement, name)
    why = f"no automatic fix: copy {name} before this statement and store the copy"
    if family != STRING or use is None or ctx.types.type_of(use) != "string":
        return None, why
    clone = _strings_clone(ctx, statement)
    if clone is not None:
        copy, edits = f"{clone[0]}({name})", clone[1]
    elif ctx.go_version < (1, 18):
        copy, edits = f"string([]byte({name}))", []
    else:
        return None, why  # (a name in the way of the strings package)
    line_start = ctx.source.rfind(b"\n", 0, statement.start_byte) + 1
    indent = ctx.source[line_start : statement.start_byte].decode("utf-8", "replace")
    if indent.strip():
        return None, why  # (another statement before it on its line)
    edit = TextEdit(statement.start_byte, statement.start_byte, f"{name} = {copy}\n{indent}")
    title = f"Copy {name} before storing it ({copy})"
    return Fix(title, (*edits, edit), Applicability.SAFE), None


def _strings_clone(ctx: FileContext, at: Node) -> tuple[str, list[TextEdit]] | None:
    """`strings.Clone` as it is called at `at` (the package imported under its name, or
    another), with the edits that import it; None when it cannot be (before Go 1.18, or a
    name in the way)."""
    if ctx.go_version < (1, 18):
        return None  # (strings.Clone is new in Go 1.18)
    try:
        qualifier, edits = ctx.ensure_import("strings")
    except ImportConflict:
        return None
    if _shadowed(ctx, qualifier, at):
        return None
    return (f"{qualifier}.Clone" if qualifier else "Clone"), edits


def _name_in(node: Node, name: str) -> Node | None:
    """The first identifier `name` inside `node`."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier" and text(current) == name:
            return current
        stack.extend(reversed(current.named_children))
    return None


def drop_fix(value: Node) -> Fix:
    """`x.f = nil` for `x.f = x.f[:0]` under a capacity guard: the oversized array goes, the
    next append makes a new one. Unsafe: code may tell a nil slice from an empty one."""
    edit = TextEdit(value.start_byte, value.end_byte, "nil")
    return Fix("Let the array go: set it to nil", (edit,), Applicability.UNSAFE)


def _import_wrap(ctx: FileContext, value: Node, package: str, func: str) -> Fix | None:
    try:
        qualifier, edits = ctx.ensure_import(package)
    except ImportConflict:
        return None
    if _shadowed(ctx, qualifier, value):
        return None
    call = f"{qualifier}.{func}" if qualifier else func
    return _wrap(value, f"{call}(", ")", edits, f"Copy with {call}", Applicability.UNSAFE)


def _shadowed(ctx: FileContext, qualifier: str, at: Node) -> bool:
    """Whether a local variable hides the package name `qualifier` where the fix goes."""
    if not qualifier:
        return False
    binding = ctx.types.visible(qualifier, at)
    return binding is not None and binding.kind != IMPORT


def _wrap(
    value: Node,
    before: str,
    after: str,
    edits: list[TextEdit],
    title: str,
    applicability: Applicability,
) -> Fix:
    new_text = before + text(value) + after
    return Fix(
        title,
        (*edits, TextEdit(value.start_byte, value.end_byte, new_text)),
        applicability,
    )


def _nil_of(type_text: str) -> str:
    if type_text.startswith(("*", "<-", "func")):
        return f"({type_text})(nil)"
    return f"{type_text}(nil)"


_QUALIFIER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\.")


def _type_usable(ctx: FileContext, type_text: str) -> bool:
    return all(q in ctx.imports for q in _QUALIFIER.findall(type_text))
