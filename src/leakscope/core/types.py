"""Just enough Go typing for leak rules: is this expression a string, a slice, a pointer?

Types are Go type expressions as text (see `leakscope.core.index`). Nothing here guesses: an
expression whose type cannot be worked out gets `None`, and rules then report with low
confidence or stay silent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

from leakscope.core.syntax import text

if TYPE_CHECKING:
    from leakscope.core.context import FileContext


def literal_type(node: Node, imports: dict[str, str]) -> str | None:
    """The type of an expression that can be typed without any scope (literals, conversions)."""
    kind = node.type
    if kind in ("interpreted_string_literal", "raw_string_literal"):
        return "string"
    if kind == "int_literal":
        return "int"
    if kind == "float_literal":
        return "float64"
    if kind in ("true", "false"):
        return "bool"
    if kind == "composite_literal":
        type_node = node.child_by_field_name("type")
        return text(type_node) if type_node is not None else None
    return None


class TypeResolver:
    """Resolves expression types within one file, using the package index for globals."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    def type_of(self, node: Node) -> str | None:
        return literal_type(node, self.ctx.imports)
