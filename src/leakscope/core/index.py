"""The package index: what one Go package declares at top level, gathered across its files.

Rules ask it "what type has this package-level name?", "what fields has this struct?",
"what does this function return?". Types are kept as normalised Go type expressions (`[]byte`,
`*Cache`, `map[string][]byte`); `leakscope.core.types` interprets them.

A `FileSummary` is built from the top-level nodes of one tree (no deep walk) and is small and
picklable, so a package's index can be rebuilt without re-parsing files that did not change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node, Tree

from leakscope.core.syntax import text

_SPACE = re.compile(r"\s")
_GO_DEBUG = re.compile(r"//go:debug\s+([\w.-]+)=(\S+)")


def normalise_type(type_text: str) -> str:
    """Go type text without insignificant spaces: `map[string] []byte` -> `map[string][]byte`."""
    if _SPACE.search(type_text) is None:
        return type_text  # the usual case (`[]byte`, `*Cache`, `error`): nothing to do
    out = " ".join(type_text.split())
    for token in ("[ ", " ]", "* ", "( ", " )"):
        out = out.replace(token, token.strip())
    return out


Param = tuple[str, str]  # (name or "", type); variadic types are "...T"


class Signature:
    """A function's parameters, results and (for methods) receiver, as normalised types.

    A summary keeps the signature of every function of the file and rules look up a few, so
    one made by `Signature.from_source` keeps the lists' source text and reads them on first
    use. Compares, hashes and pickles by value, like the frozen dataclass it replaces.
    """

    __slots__ = ("_params", "_results", "_source", "receiver")

    def __init__(
        self,
        params: tuple[Param, ...],
        results: tuple[Param, ...],
        receiver: Param | None = None,
    ) -> None:
        self._params: tuple[Param, ...] | None = params
        self._results: tuple[Param, ...] | None = results
        # The lists' source, read on first use: texts, or (bytes, end of the parameter list,
        # start of the result) as summarize_file cuts it from the file.
        self._source: tuple[str, str] | tuple[bytes, int, int] | None = None
        self.receiver = receiver  # (name, type) for methods

    @classmethod
    def from_source(cls, params: str, results: str, receiver: Param | None) -> Signature:
        """A signature read later from the text of its parameter list and result (`error`,
        `(n int, err error)` or "")."""
        sig = cls((), (), receiver)
        sig._params = sig._results = None
        sig._source = (params, results)
        return sig

    @classmethod
    def _from_bytes(
        cls, raw: bytes, params_end: int, result_start: int, receiver: Param | None
    ) -> Signature:
        sig = cls((), (), receiver)
        sig._params = sig._results = None
        sig._source = (raw, params_end, result_start)
        return sig

    def _read(self) -> None:
        assert self._source is not None
        if len(self._source) == 3:
            raw, params_end, result_start = self._source
            params = raw[:params_end].decode("utf-8", errors="replace")
            results = raw[result_start:].decode("utf-8", errors="replace")
        else:
            params, results = self._source
        self._params = _params_of_text(params)
        if not results:
            self._results = ()
        elif results.startswith("("):
            self._results = _params_of_text(results)
        else:
            self._results = (("", normalise_type(results)),)
        self._source = None

    @property
    def params(self) -> tuple[Param, ...]:
        if self._params is None:
            self._read()
        assert self._params is not None
        return self._params

    @property
    def results(self) -> tuple[Param, ...]:
        if self._results is None:
            self._read()
        assert self._results is not None
        return self._results

    @property
    def result_types(self) -> tuple[str, ...]:
        return tuple(t for _, t in self.results)

    def _key(self) -> tuple[tuple[Param, ...], tuple[Param, ...], Param | None]:
        return self.params, self.results, self.receiver

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Signature):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        params, results, receiver = self._key()
        return f"Signature(params={params!r}, results={results!r}, receiver={receiver!r})"

    def __reduce__(self) -> tuple[type[Signature], tuple[object, ...]]:
        return Signature, self._key()


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
    # The methods interfaces of the file list (interface, name): what a call through one
    # returns. Apart from `methods`, which are declared functions.
    interface_methods: dict[tuple[str, str], Signature] = field(default_factory=dict)
    # `//go:debug key=value` directives above the package clause, in file order.
    godebug: tuple[tuple[str, str], ...] = ()


# A parameter list of plain `name type` or `type` items, one space apart, such as
# `(ctx context.Context, keys ...[]byte)`: read from its text without visiting its nodes.
_WORD = r"[\w.*\[\]]+"
_PLAIN_PARAMS = re.compile(rf"\(((?:{_WORD} )?{_WORD}(?:, (?:{_WORD} )?{_WORD})*)?\)")
_NAME = re.compile(r"\w+")
# Keywords that start a type with a space in it (`chan T`); others cannot parse there.
_KEYWORDS = frozenset({"chan", "func", "interface", "map", "struct"})


def _plain_params(list_text: str) -> tuple[tuple[str, str], ...] | None:
    """`_params` of a plain list's text (None when the list is not plain)."""
    match = _PLAIN_PARAMS.fullmatch(list_text)
    if match is None:
        return None
    inner = match.group(1)
    if inner is None:
        return ()
    items = inner.split(", ")
    if not any(" " in item for item in items):
        return tuple(("", item) for item in items)  # `(int, error)`: types only
    out: list[tuple[str, str]] = []
    pending: list[str] = []  # `a, b` of `a, b int`
    for item in items:
        name, space, type_text = item.partition(" ")
        if _NAME.fullmatch(name) is None or name in _KEYWORDS:  # `chan T` is a type
            return None
        if not space:
            pending.append(name)
            continue
        out.extend((n, type_text) for n in pending)
        out.append((name, type_text))
        pending = []
    return tuple(out) if not pending else None


def _params(node: Node | None) -> tuple[tuple[str, str], ...]:
    if node is None:
        return ()
    if node.type != "parameter_list":  # a single unnamed result: `func f() error`
        return (("", normalise_type(text(node))),)
    if not node.has_error:
        plain = _plain_params(text(node))
        if plain is not None:
            return plain
    out: list[tuple[str, str]] = []
    for decl in node.named_children:
        kind = decl.type
        if kind == "parameter_declaration":
            type_text = normalise_type(text(decl.child_by_field_name("type")))
        elif kind == "variadic_parameter_declaration":
            type_text = "..." + normalise_type(text(decl.child_by_field_name("type")))
        else:
            continue
        names = decl.children_by_field_name("name")
        if names:
            for name in names:
                out.append((text(name), type_text))
        else:
            out.append(("", type_text))
    return tuple(out)


def _params_of_text(list_text: str) -> tuple[Param, ...]:
    """`_params` of a parameter list given as source text (parsed on its own if not plain)."""
    plain = _plain_params(list_text)
    if plain is not None:
        return plain
    from leakscope.core.syntax import parse

    tree = parse(f"package p\n\nfunc _{list_text}".encode())
    func = tree.root_node.named_children[-1]
    return _params(func.child_by_field_name("parameters"))


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


def _declared_signature(func: Node, source: bytes) -> Signature:
    """`signature_of` a top-level function, read on first use (see `Signature`); `source` is
    the file's."""
    receiver = None
    if func.type == "method_declaration":
        recv = _params(func.child_by_field_name("receiver"))
        receiver = recv[0] if recv else None
    params = func.child_by_field_name("parameters")
    result = func.child_by_field_name("result")
    if func.has_error or params is None:  # read it now, from the tree as it parsed
        return Signature(_params(params), _params(result), receiver)
    start, params_end = params.start_byte, params.end_byte
    if result is None:
        raw = source[start:params_end]
        return Signature._from_bytes(raw, len(raw), len(raw), receiver)  # (no result)
    raw = source[start : result.end_byte]
    return Signature._from_bytes(raw, params_end - start, result.start_byte - start, receiver)


def receiver_type_name(receiver_type: str) -> str:
    """`*Cache[K, V]` -> `Cache`."""
    return receiver_type.lstrip("*").split("[", 1)[0]


def summarize_file(path: str, tree: Tree) -> FileSummary:
    from leakscope.core.types import literal_type  # shared with local inference

    root = tree.root_node
    source = root.text or b""  # (one copy of the file: cheaper than a copy per node's text)
    summary = FileSummary(path=path, package="")
    for child in root.named_children:
        kind = child.type
        if kind == "package_clause":
            summary.package = text(child.named_children[0]) if child.named_children else ""
        elif kind == "comment" and not summary.package:
            directive = _GO_DEBUG.match(text(child))
            if directive is not None:
                summary.godebug += ((directive.group(1), directive.group(2)),)
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
                if type_node is not None and type_node.type == "interface_type":
                    for elem in type_node.named_children:
                        method = elem.child_by_field_name("name")
                        if elem.type == "method_elem" and method is not None:
                            key = (name, text(method))
                            summary.interface_methods[key] = _declared_signature(elem, source)
        elif kind == "function_declaration":
            name = text(child.child_by_field_name("name"))
            summary.funcs[name] = _declared_signature(child, source)
        elif kind == "method_declaration":
            sig = _declared_signature(child, source)
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
        self.interface_methods: dict[tuple[str, str], Signature] = {}
        for summary in summaries:
            self.vars.update(summary.vars)
            self.consts.update(summary.consts)
            self.types.update(summary.types)
            self.funcs.update(summary.funcs)
            self.methods.update(summary.methods)
            self.interface_methods.update(summary.interface_methods)

    @classmethod
    def empty(cls) -> PackageIndex:
        return cls([])

    def with_file(self, summary: FileSummary) -> PackageIndex:
        """`PackageIndex([*the other files' summaries, summary])`: this index with `summary`
        in place of its file's. Quick when the file declares the same names as before (a
        change inside function bodies); rebuilt from every summary otherwise."""
        old = self.summaries.get(summary.path)
        others = [s for p, s in self.summaries.items() if p != summary.path]
        kinds = ("vars", "consts", "types", "funcs", "methods", "interface_methods")
        if old is None or any(getattr(old, k).keys() != getattr(summary, k).keys() for k in kinds):
            return PackageIndex([*others, summary])
        index = PackageIndex([])
        index.summaries = {s.path: s for s in others}
        index.summaries[summary.path] = summary
        # Its names were in the merged tables before, so merging it last gives the same
        # tables as merging every file again with it last.
        index.vars = {**self.vars, **summary.vars}
        index.consts = {**self.consts, **summary.consts}
        index.types = {**self.types, **summary.types}
        index.funcs = {**self.funcs, **summary.funcs}
        index.methods = {**self.methods, **summary.methods}
        index.interface_methods = {**self.interface_methods, **summary.interface_methods}
        return index

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
        key = (receiver_type_name(type_name), method_name)
        return self.methods.get(key) or self.interface_methods.get(key)
