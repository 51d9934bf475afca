"""Adding an import the way gofmt and goimports lay it out."""

from __future__ import annotations

import itertools

from tree_sitter import Node

from leakscope.core.model import TextEdit
from leakscope.core.syntax import text


class ImportConflict(Exception):
    """The name an import would take is already used by another import."""


def _import_path(spec: Node) -> str:
    return text(spec.child_by_field_name("path")).strip('"`')


def _local_name(spec: Node) -> str:
    name = spec.child_by_field_name("name")
    if name is not None:
        return text(name)
    return _import_path(spec).rsplit("/", 1)[-1]


def is_std(import_path: str) -> bool:
    return "." not in import_path.split("/", 1)[0]


def add_import_edits(root: Node, source: bytes, import_path: str) -> tuple[str, list[TextEdit]]:
    """Edits that add `import_path` to the file, merged into its imports gofmt-style.

    Standard-library paths join the first group of standard-library imports, sorted; a file
    with a single `import "x"` gets a parenthesised block.
    """
    name = import_path.rsplit("/", 1)[-1]
    declarations = [c for c in root.named_children if c.type == "import_declaration"]
    specs = [
        spec
        for decl in declarations
        for spec in (
            decl.named_children[0].named_children
            if decl.named_children and decl.named_children[0].type == "import_spec_list"
            else decl.named_children
        )
        if spec.type == "import_spec"
    ]
    for spec in specs:
        if _local_name(spec) == name:
            raise ImportConflict(f"the name {name!r} is already taken by {_import_path(spec)!r}")
    line = f'"{import_path}"'

    block = next(
        (
            decl.named_children[0]
            for decl in declarations
            if decl.named_children and decl.named_children[0].type == "import_spec_list"
        ),
        None,
    )
    if block is not None:
        return name, [_insert_into_block(block, source, import_path, line)]
    if declarations:
        # `import "os"` becomes a block holding both, sorted within the std group.
        decl = declarations[0]
        single = [c for c in decl.named_children if c.type == "import_spec"]
        if len(single) == 1:
            existing = text(single[0])
            lines = [existing, line]
            if is_std(import_path) and not is_std(_import_path(single[0])):
                lines = [line, "", existing]
            elif not is_std(import_path) and is_std(_import_path(single[0])):
                lines = [existing, "", line]
            else:
                lines.sort(key=lambda spec_text: spec_text.split()[-1])
            body = "".join(f"\t{entry}\n" if entry else "\n" for entry in lines)
            return name, [TextEdit(decl.start_byte, decl.end_byte, f"import (\n{body})")]
    package_clause = next((c for c in root.named_children if c.type == "package_clause"), None)
    at = package_clause.end_byte if package_clause is not None else 0
    return name, [TextEdit(at, at, f"\n\nimport {line}")]


def _insert_into_block(block: Node, source: bytes, import_path: str, line: str) -> TextEdit:
    specs = [c for c in block.named_children if c.type == "import_spec"]
    if not specs:
        return TextEdit(block.start_byte + 1, block.start_byte + 1, f"\n\t{line}\n")
    # Split into groups separated by blank lines, as gofmt sorts within each group.
    groups: list[list[Node]] = [[specs[0]]]
    for previous, spec in itertools.pairwise(specs):
        gap = source[previous.end_byte : spec.start_byte]
        if gap.count(b"\n") >= 2:
            groups.append([spec])
        else:
            groups[-1].append(spec)
    want_std = is_std(import_path)
    target = next(
        (g for g in groups if all(is_std(_import_path(s)) == want_std for s in g)),
        None,
    )
    if target is None:
        if want_std:
            first = groups[0][0]
            return TextEdit(
                _line_start(source, first.start_byte),
                _line_start(source, first.start_byte),
                f"\t{line}\n\n",
            )
        last = groups[-1][-1]
        return TextEdit(last.end_byte, last.end_byte, f"\n\n\t{line}")
    for spec in target:
        if _import_path(spec) > import_path:
            at = _line_start(source, spec.start_byte)
            return TextEdit(at, at, f"\t{line}\n")
    last = target[-1]
    end = _line_end(source, last.end_byte)
    return TextEdit(end, end, f"\n\t{line}")


def _line_start(source: bytes, offset: int) -> int:
    return source.rfind(b"\n", 0, offset) + 1


def _line_end(source: bytes, offset: int) -> int:
    end = source.find(b"\n", offset)
    return len(source) if end == -1 else end
