"""The package index: what one Go package declares at top level, gathered across its files.

Rules ask it "what type has this package-level name?", "what fields has this struct?",
"what does this function return?". Types are kept as normalised Go type expressions (`[]byte`,
`*Cache`, `map[string][]byte`); `leakscope.core.types` interprets them.

A `FileSummary` is built from the top-level nodes of one tree (no deep walk) and is small and
picklable, so a package's index can be rebuilt without re-parsing files that did not change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node, Tree

from leakscope.core.syntax import text


def normalise_type(type_text: str) -> str:
    """Go type text without insignificant spaces: `map[string] []byte` -> `map[string][]byte`."""
    out = " ".join(type_text.split())
    for token in ("[ ", " ]", "* ", "( ", " )"):
        out = out.replace(token, token.strip())
    return out


@dataclass(frozen=True, slots=True)
class Signature:
    params: tuple[tuple[str, str], ...]  # (name or "", type); variadic types are "...T"
    results: tuple[tuple[str, str], ...]  # (name or "", type)
    receiver: tuple[str, str] | None = None  # (name, type) for methods

    @property
    def result_types(self) -> tuple[str, ...]:
        return tuple(t for _, t in self.results)


@dataclass(frozen=True, slots=True)
class VarInfo:
    name: str
    type: str | None  # declared or inferred type, None when unknown
    start_byte: int  # where the name is declared (for "declared here" hints)
    end_byte: int
    path: str
    value: str | None = None  # kind of initial value: "call:strings.Split", "literal", ...


@dataclass(frozen=True, slots=True)
class TypeInfo:
    name: str
    underlying: str  # `struct`, `interface`, or a type expression such as `[]byte`
    fields: tuple[tuple[str, str], ...] = ()  # struct fields (embedded: (type name, type))


@dataclass(slots=True)
class FileSummary:
    path: str
    package: str
    imports: dict[str, str] = field(default_factory=dict)  # local name -> import path
    vars: dict[str, VarInfo] = field(default_factory=dict)
    consts: dict[str, VarInfo] = field(default_factory=dict)
    types: dict[str, TypeInfo] = field(default_factory=dict)
    funcs: dict[str, Signature] = field(default_factory=dict)
    methods: dict[tuple[str, str], Signature] = field(default_factory=dict)  # (type, name)


def _params(node: Node | None) -> tuple[tuple[str, str], ...]:
    if node is None:
        return ()
    if node.type != "parameter_list":  # a single unnamed result: `func f() error`
        return (("", normalise_type(text(node))),)
    out: list[tuple[str, str]] = []
    for decl in node.named_children:
        if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        type_text = normalise_type(text(decl.child_by_field_name("type")))
        if decl.type == "variadic_parameter_declaration":
            type_text = "..." + type_text
        names = decl.children_by_field_name("name")
        if names:
            out.extend((text(n), type_text) for n in names)
        else:
            out.append(("", type_text))
    return tuple(out)


def signature_of(func: Node) -> Signature:
    """The signature of a function declaration, method declaration or function literal."""
    receiver = None
    if func.type == "method_declaration":
        recv = _params(func.child_by_field_name("receiver"))
        receiver = recv[0] if recv else None
    return Signature(
        _params(func.child_by_field_name("parameters")),
        _params(func.child_by_field_name("result")),
        receiver,
    )


def receiver_type_name(receiver_type: str) -> str:
    """`*Cache[K, V]` -> `Cache`."""
    return receiver_type.lstrip("*").split("[", 1)[0]


def summarize_file(path: str, tree: Tree) -> FileSummary:
    from leakscope.core.types import literal_type  # shared with local inference

    root = tree.root_node
    summary = FileSummary(path=path, package="")
    for child in root.named_children:
        kind = child.type
        if kind == "package_clause":
            summary.package = text(child.named_children[0]) if child.named_children else ""
        elif kind == "import_declaration":
            for spec in _import_specs(child):
                import_path = text(spec.child_by_field_name("path")).strip('"`')
                name_node = spec.child_by_field_name("name")
                local = text(name_node) if name_node is not None else _default_name(import_path)
                summary.imports[local] = import_path
        elif kind in ("var_declaration", "const_declaration"):
            target = summary.vars if kind == "var_declaration" else summary.consts
            for spec in _specs(child, ("var_spec", "const_spec")):
                type_node = spec.child_by_field_name("type")
                declared = normalise_type(text(type_node)) if type_node is not None else None
                values = spec.child_by_field_name("value")
                value_nodes = values.named_children if values is not None else []
                for i, name in enumerate(spec.children_by_field_name("name")):
                    value = value_nodes[i] if i < len(value_nodes) else None
                    inferred = declared
                    if inferred is None and value is not None:
                        inferred = literal_type(value, summary.imports)
                    target[text(name)] = VarInfo(
                        text(name),
                        inferred,
                        name.start_byte,
                        name.end_byte,
                        path,
                        _value_kind(value),
                    )
        elif kind == "type_declaration":
            for spec in child.named_children:
                if spec.type not in ("type_spec", "type_alias"):
                    continue
                name = text(spec.child_by_field_name("name"))
                type_node = spec.child_by_field_name("type")
                summary.types[name] = _type_info(name, type_node)
        elif kind == "function_declaration":
            summary.funcs[text(child.child_by_field_name("name"))] = signature_of(child)
        elif kind == "method_declaration":
            sig = signature_of(child)
            recv = receiver_type_name(sig.receiver[1]) if sig.receiver else ""
            summary.methods[(recv, text(child.child_by_field_name("name")))] = sig
    return summary


def _value_kind(value: Node | None) -> str | None:
    """What initialises a package-level name: `call:NAME` for a call (so the type resolver can
    look up the function's results later), else the node type (`composite_literal`, ...)."""
    if value is None:
        return None
    if value.type == "call_expression":
        func = value.child_by_field_name("function")
        if func is not None and func.type in ("identifier", "selector_expression"):
            return "call:" + text(func)
    return value.type


def _default_name(import_path: str) -> str:
    last = import_path.rsplit("/", 1)[-1]
    # `gopkg.in/yaml.v3` is package yaml; `github.com/x/go-foo` is usually foo.
    if last.startswith("v") and last[1:].isdigit() and "/" in import_path:
        last = import_path.rsplit("/", 2)[-2]
    last = last.split(".", 1)[0]
    return last.removeprefix("go-")


def _import_specs(decl: Node) -> list[Node]:
    out = []
    for child in decl.named_children:
        if child.type == "import_spec":
            out.append(child)
        elif child.type == "import_spec_list":
            out.extend(c for c in child.named_children if c.type == "import_spec")
    return out


def _specs(decl: Node, kinds: tuple[str, ...]) -> list[Node]:
    out = []
    for child in decl.named_children:
        if child.type in kinds:
            out.append(child)
        elif child.type.endswith("_spec_list"):
            out.extend(c for c in child.named_children if c.type in kinds)
    return out


def _type_info(name: str, type_node: Node | None) -> TypeInfo:
    if type_node is None:
        return TypeInfo(name, "")
    if type_node.type == "struct_type":
        fields: list[tuple[str, str]] = []
        body = type_node.named_children[0] if type_node.named_children else None
        for decl in body.named_children if body is not None else []:
            if decl.type != "field_declaration":
                continue
            type_text = normalise_type(text(decl.child_by_field_name("type")))
            names = decl.children_by_field_name("name")
            if names:
                fields.extend((text(n), type_text) for n in names)
            else:  # embedded field: its name is the type's name
                fields.append((receiver_type_name(type_text).rsplit(".", 1)[-1], type_text))
        return TypeInfo(name, "struct", tuple(fields))
    if type_node.type == "interface_type":
        return TypeInfo(name, "interface")
    return TypeInfo(name, normalise_type(text(type_node)))


class PackageIndex:
    """The merged summaries of the files of one package (one folder, one package clause)."""

    def __init__(self, summaries: list[FileSummary]) -> None:
        self.summaries = {s.path: s for s in summaries}
        self.vars: dict[str, VarInfo] = {}
        self.consts: dict[str, VarInfo] = {}
        self.types: dict[str, TypeInfo] = {}
        self.funcs: dict[str, Signature] = {}
        self.methods: dict[tuple[str, str], Signature] = {}
        for summary in summaries:
            self.vars.update(summary.vars)
            self.consts.update(summary.consts)
            self.types.update(summary.types)
            self.funcs.update(summary.funcs)
            self.methods.update(summary.methods)

    @classmethod
    def empty(cls) -> PackageIndex:
        return cls([])

    def file_imports(self, path: str) -> dict[str, str]:
        summary = self.summaries.get(path)
        return summary.imports if summary is not None else {}

    def field_type(self, type_name: str, field_name: str) -> str | None:
        """The type of `field_name` in struct `type_name` (one level of embedding followed)."""
        info = self.types.get(receiver_type_name(type_name))
        if info is None or info.underlying != "struct":
            return None
        for name, type_text in info.fields:
            if name == field_name:
                return type_text
        for name, type_text in info.fields:
            embedded = self.types.get(receiver_type_name(type_text))
            if embedded is not None and name == receiver_type_name(type_text):
                for inner_name, inner_type in embedded.fields:
                    if inner_name == field_name:
                        return inner_type
        return None

    def method(self, type_name: str, method_name: str) -> Signature | None:
        return self.methods.get((receiver_type_name(type_name), method_name))
