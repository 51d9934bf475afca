"""The analysis shared by `substring-retention` and `subslice-retention`.

A *piece* is a value that shares memory with a larger one: a slice expression `s[a:b]`, a
result of a splitting call (`strings.Split`, `strings.Cut`, regexp `FindString*`, their `bytes`
twins), or a value derived from one without copying (`strings.TrimSpace(piece)`, `parts[1]`,
a local variable holding a piece, a range variable over split results). A piece *leaks* when
it is stored where it outlives the call (a package variable, a field or map reached through a
pointer, a parameter's map or slice, a channel, a cache's `Add`/`Set`/`Store`/`Put`) and its
*source* is plausibly large (a parameter, data read with `io.ReadAll`/`os.ReadFile`/`bufio`,
`string(buf)`, a buffer made here, a range variable over such data).

Speed: candidates are found with two byte regexps over the source (slice expressions and calls
of splitting functions) and mapped to nodes with `descendant_for_byte_range`; a tree query
would cost a fifth of the parse. From each candidate the analysis walks `.parent` upwards to
the statement that stores it, following local variables through their later uses (found with a
regexp over the function's text) at most three steps deep. The result is computed once per
file and shared by the two rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from tree_sitter import Node

from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.imports import ImportConflict
from leakscope.core.index import signature_of
from leakscope.core.model import Applicability, Confidence, Fix, TextEdit
from leakscope.core.rules import _retention_sources as sources
from leakscope.core.rules._retention_sources import Source
from leakscope.core.syntax import FUNCTION_NODES, enclosing_function, text, unparen
from leakscope.core.types import (
    IMPORT,
    LOCAL,
    PACKAGE_CONST,
    PACKAGE_VAR,
    PARAM,
    RANGE,
    RECEIVER,
    TYPE,
    Binding,
    TypeResolver,
    is_map,
    is_pointer,
    is_slice,
)

STRING = "string"
SLICE = "slice"

_SLICE_RX = re.compile(rb"\[[^\]\[\n]*(?:\[[^\]\[\n]*\][^\]\[\n]*)*:")
_PRODUCERS = (
    "Split|SplitN|SplitAfter|SplitAfterN|Fields|FieldsFunc|Cut|SplitSeq|SplitAfterSeq|"
    "FieldsSeq|FieldsFuncSeq|Lines|FindString|FindStringSubmatch|FindAllString|"
    "FindAllStringSubmatch|Find|FindSubmatch|FindAll|FindAllSubmatch"
)
_CALL_RX = re.compile(rb"\.(?:" + _PRODUCERS.encode() + rb")\(")

# strings/bytes functions whose result is made of pieces of their first argument:
# name -> levels (0: the result is a piece; 1: its elements are; "iter": it yields pieces).
_SPLITTERS: dict[str, int | str] = {
    "Split": 1,
    "SplitN": 1,
    "SplitAfter": 1,
    "SplitAfterN": 1,
    "Fields": 1,
    "FieldsFunc": 1,
    "Cut": 0,
    "SplitSeq": "iter",
    "SplitAfterSeq": "iter",
    "FieldsSeq": "iter",
    "FieldsFuncSeq": "iter",
    "Lines": "iter",
}
# regexp methods: name -> (family, levels).
_REGEXP: dict[str, tuple[str, int]] = {
    "FindString": (STRING, 0),
    "FindStringSubmatch": (STRING, 1),
    "FindAllString": (STRING, 1),
    "FindAllStringSubmatch": (STRING, 2),
    "Find": (SLICE, 0),
    "FindSubmatch": (SLICE, 1),
    "FindAll": (SLICE, 1),
    "FindAllSubmatch": (SLICE, 2),
}
# Names specific enough to be regexp methods even when the receiver's type is unknown.
_REGEXP_BY_NAME = frozenset({"FindStringSubmatch", "FindAllStringSubmatch", "FindAllSubmatch"})
# Calls whose result aliases (part of) their first argument without copying. A trimmed whole
# value keeps almost all of its memory in use, so these only matter when their argument is
# already a piece (a line of a split file, a slice of a parameter).
_TRANSPARENT: dict[str, frozenset[str]] = {
    "strings": frozenset(
        {
            "TrimSpace",
            "Trim",
            "TrimLeft",
            "TrimRight",
            "TrimPrefix",
            "TrimSuffix",
            "TrimFunc",
            "TrimLeftFunc",
            "TrimRightFunc",
            "CutPrefix",
            "CutSuffix",
        }
    ),
    "path": frozenset({"Base", "Dir", "Ext", "Clean", "Split"}),
    "path/filepath": frozenset({"Base", "Dir", "Ext", "Clean", "Split"}),
}
_TRANSPARENT["bytes"] = _TRANSPARENT["strings"]
# Which results of a multi-result piece-producing call are pieces.
_PIECE_RESULTS: dict[str, tuple[int, ...]] = {
    "Cut": (0, 1),
    "CutPrefix": (0,),
    "CutSuffix": (0,),
    "Split": (0, 1),  # path.Split, filepath.Split
}
_PIECE_PACKAGES = {"strings": STRING, "bytes": SLICE}

_CACHE_METHODS = frozenset({"Add", "Set", "Store", "Put", "LoadOrStore", "Swap"})
_MAX_BINDINGS = 3
_SMALL_BUFFER = 256

_CONFIDENCE_RANK = {Confidence.HIGH: 2, Confidence.MEDIUM: 1, Confidence.LOW: 0}


def weaker(a: Confidence, b: Confidence) -> Confidence:
    return a if _CONFIDENCE_RANK[a] <= _CONFIDENCE_RANK[b] else b


@dataclass(frozen=True)
class Target:
    """Where a piece is stored so that it outlives the call."""

    text: str  # `s0`, `c.names`, `c.index`, `ch`
    where: str  # `package variable s0`, `field c.name (c is a pointer receiver)`
    confidence: Confidence
    related: tuple[tuple[int, int, str], ...] = ()
    places: tuple[str, ...] = ()  # texts naming the place: `lines[i]`, `lines`
    # Collects one piece per store (a map key, an element at a varying index, a cache, a
    # channel), rather than holding one in a single slot (a field, a variable).
    collects: bool = False


@dataclass(frozen=True)
class Shared:
    """Why a place is long-lived (a package variable, reached through a pointer, ...)."""

    reason: str  # "" for package variables, else "c is a pointer receiver"
    confidence: Confidence
    related: tuple[tuple[int, int, str], ...] = ()


@dataclass
class Piece:
    family: str  # STRING or SLICE
    origin: Node  # the slicing or splitting expression that made it
    source: Source
    levels: int = 0  # 0: the value is a piece; 1: its elements are; 2: their elements are
    steps: list[tuple[int, int, str]] = field(default_factory=list)  # locals it went through
    bindings: int = 0
    nested: bool = False  # cut again after `origin` (a field of a line of a file)
    element: bool = False  # a range variable over the parts of a split, as it is
    split: Node | None = None  # the last splitting call that cut it (`strings.Fields(line)`)


@dataclass
class Leak:
    piece: Piece
    value: Node  # the stored expression (wrapped by the fix)
    levels: int
    how: str  # "stored in", "appended to", "used as a key of", "sent on", ...
    target: Target
    nested: bool = False
    split: Node | None = None  # the last splitting call that cut a nested piece


@dataclass
class _Climb:
    value: Node
    node: Node
    levels: int
    contained: bool = False
    appended: bool = False
    nested: bool = False
    split: Node | None = None


def analyse(ctx: FileContext) -> list[Leak]:
    """Every leak in the file (both families), computed once and shared by both rules."""
    resolver = ctx.types
    cached = resolver.cache.get("retention")
    if cached is None:
        cached = _Analysis(ctx, resolver).run()
        resolver.cache["retention"] = cached
    assert isinstance(cached, list)
    return cached


def diagnostics(ctx: FileContext, family: str) -> list[Diagnostic]:
    return [_diagnostic(ctx, leak) for leak in analyse(ctx) if leak.piece.family == family]


class _Analysis:
    def __init__(self, ctx: FileContext, resolver: TypeResolver) -> None:
        self.ctx = ctx
        self.types = resolver
        self.root = ctx.root
        self.leaks: dict[tuple[int, int], Leak] = {}
        self._origins: dict[tuple[int, int], Source | None] = {}

    def run(self) -> list[Leak]:
        for node, family, levels, operand in self._candidates():
            source = self.origin(operand)
            if source is None:
                continue
            piece = Piece(family, node, source, 0 if levels == "iter" else int(levels))
            self._climb(piece, node, levels == "iter")
        return sorted(_drop_partitions(self.leaks.values()), key=lambda x: x.value.start_byte)

    # -- candidates ------------------------------------------------------------------------

    def _candidates(self) -> list[tuple[Node, str, int | str, Node]]:
        out: list[tuple[Node, str, int | str, Node]] = []
        source = self.ctx.source
        seen: set[int] = set()
        # When a fix is re-checked, only the declarations it touched need looking at.
        spans = self.ctx.focus if self.ctx.focus is not None else ((0, len(source)),)
        slice_matches = (m for a, b in spans for m in _SLICE_RX.finditer(source, a, b))
        call_matches = (m for a, b in spans for m in _CALL_RX.finditer(source, a, b))
        for match in slice_matches:
            token = self._slice_colon(match.start(), match.end())
            if token is None:
                continue
            node = token.parent
            if node is None or node.type != "slice_expression" or node.start_byte in seen:
                continue
            seen.add(node.start_byte)
            if not _may_be_kept(node) or _is_reset(node) or _is_whole(node):
                continue
            operand = node.child_by_field_name("operand")
            if operand is None or self.origin(operand) is None or self._wastes_little(node):
                continue
            under = self.types.underlying(self.types.type_of(operand))
            if under == "string":
                out.append((node, STRING, 0, operand))
            elif is_slice(under):
                out.append((node, SLICE, 0, operand))
        for match in call_matches:
            start = match.start() + 1
            ident = self.root.descendant_for_byte_range(start, match.end() - 1)
            if ident is None or ident.type != "field_identifier":
                continue
            selector = ident.parent
            call = selector.parent if selector is not None else None
            if (
                selector is None
                or call is None
                or call.type != "call_expression"
                or call.child_by_field_name("function") != selector
                or not _may_be_kept(call)
            ):
                continue
            found = self._producer(call, selector, text(ident))
            if found is not None:
                out.append((call, *found))
        # In source order: an outer source (the file split into lines) comes before the
        # pieces cut from its pieces, so a stored value is reported against the outer one.
        return sorted(out, key=lambda candidate: candidate[0].start_byte)

    def _slice_colon(self, start: int, end: int) -> Node | None:
        """The colon of a slice expression among the colons of `[...:` (the last one, unless
        it is inside a literal: `s[:strings.IndexByte(s, ':')]`)."""
        colon = self.ctx.source.rfind(b":", start, end)
        while colon >= start:
            token = self.root.descendant_for_byte_range(colon, colon + 1)
            if token is not None and token.type == ":":
                return token
            colon = self.ctx.source.rfind(b":", start, colon)
        return None

    def _wastes_little(self, piece: Node) -> bool:
        """`s[5:]`, `s[len(prefix):]`, `s[1:len(s)-1]`: cutting a constant number of bytes
        off the ends wastes only those bytes, however large s is."""
        operand = piece.child_by_field_name("operand")
        start = piece.child_by_field_name("start")
        end = piece.child_by_field_name("end")
        if start is not None and not self._constant(start):
            return False
        if end is None:
            return start is not None
        end = unparen(end)
        if end.type != "binary_expression" or text(end.child_by_field_name("operator")) != "-":
            return False
        left = end.child_by_field_name("left")
        return (
            left is not None
            and operand is not None
            and _flat(text(left)) == f"len({_flat(text(operand))})"
            and self._constant(end.child_by_field_name("right"))
        )

    def _constant(self, node: Node | None, depth: int = 0) -> bool:
        """A constant expression: literals, named constants, len of a constant string."""
        if node is None or depth > 4:
            return False
        node = unparen(node)
        kind = node.type
        if kind in ("int_literal", "rune_literal"):
            return True
        if kind == "identifier":
            binding = self.types.lookup(node)
            if binding is None:
                return False
            if binding.kind == PACKAGE_CONST:
                return True
            statement = binding.statement
            return statement is not None and statement.type in ("const_declaration", "const_spec")
        if kind == "binary_expression":
            return self._constant(node.child_by_field_name("left"), depth + 1) and self._constant(
                node.child_by_field_name("right"), depth + 1
            )
        if kind == "call_expression" and _callee_name(node) == "len":
            args = _args(node)
            if len(args) != 1:
                return False
            arg = unparen(args[0])
            return arg.type in (
                "interpreted_string_literal",
                "raw_string_literal",
            ) or self._constant(arg, depth + 1)
        return False

    def _int_value(self, node: Node | None, depth: int = 0) -> int | None:
        """The value of an integer constant expression (`65536`, `4 << 10`, `bufSize`), or
        None when it cannot be computed here."""
        if node is None or depth > 4:
            return None
        node = unparen(node)
        if node.type == "int_literal":
            try:
                return int(text(node).replace("_", ""), 0)
            except ValueError:
                return None
        if node.type == "identifier":
            binding = self.types.lookup(node)
            spec = binding.node.parent if binding is not None and binding.node else None
            if spec is None or spec.type != "const_spec":
                return None
            names = spec.children_by_field_name("name")
            values = _list_items(spec.child_by_field_name("value"))
            for ident, value in zip(names, values, strict=False):
                if ident == binding.node:
                    return self._int_value(value, depth + 1)
            return None
        if node.type == "binary_expression":
            left = self._int_value(node.child_by_field_name("left"), depth + 1)
            right = self._int_value(node.child_by_field_name("right"), depth + 1)
            if left is None or right is None:
                return None
            operator = text(node.child_by_field_name("operator"))
            if operator == "<<" and right < 64:
                return left << right
            ops = {"+": left + right, "-": left - right, "*": left * right}
            if operator in ops:
                return ops[operator]
            if operator == "/" and right:
                return left // right
        return None

    def _producer(
        self, call: Node, selector: Node, name: str
    ) -> tuple[str, int | str, Node] | None:
        """(family, levels, source argument) for a piece-producing call."""
        args = _args(call)
        if not args:
            return None
        operand = selector.child_by_field_name("operand")
        if operand is None:
            return None
        if operand.type == "identifier":
            binding = self.types.lookup(operand)
            if binding is not None and binding.kind == IMPORT:
                family = _PIECE_PACKAGES.get(binding.import_path or "")
                if family is None or name not in _SPLITTERS:
                    return None
                return family, _SPLITTERS[name], args[0]
        if name not in _REGEXP:
            return None
        qualified = self.types.qualified(self.types.type_of(operand))
        if qualified != ("regexp", "Regexp") and not (
            qualified is None and name in _REGEXP_BY_NAME
        ):
            return None
        family, levels = _REGEXP[name]
        return family, levels, args[0]

    # -- sources ---------------------------------------------------------------------------

    def origin(self, expr: Node | None, depth: int = 0) -> Source | None:
        """The plausibly large value `expr` is (part of), or None (small, unknown, global)."""
        if expr is None or depth > 6:
            return None
        expr = unparen(expr)
        key = (expr.start_byte, expr.end_byte)
        if key in self._origins:
            return self._origins[key]
        self._origins[key] = None  # cycles end here
        found = self._origin(expr, depth)
        self._origins[key] = found
        return found

    def _origin(self, expr: Node, depth: int) -> Source | None:
        kind = expr.type
        if kind == "identifier":
            binding = self.types.lookup(expr)
            return self._binding_origin(expr, binding, depth) if binding is not None else None
        if kind in ("slice_expression", "index_expression"):
            return self.origin(expr.child_by_field_name("operand"), depth + 1)
        if kind == "type_conversion_expression":  # []byte(s): a copy as large as s
            return self._converted(expr, expr.child_by_field_name("operand"), depth)
        if kind == "call_expression":
            return self._call_origin(expr, depth)
        return None

    def _binding_origin(self, use: Node, binding: Binding, depth: int) -> Source | None:
        name = binding.name
        if binding.kind in (PARAM, RECEIVER):
            if binding.node is None:
                return None
            role = "the receiver" if binding.kind == RECEIVER else "a parameter"
            decl = binding.node
            if self._small_by_contract(binding):
                return None
            # The caller decides the size. On real code most parameters that get cut and
            # kept are small (names, flags, tags, routes): worth a look, not an alarm.
            return Source(
                use,
                Confidence.LOW,
                (decl.start_byte, decl.end_byte, f"{name} is {role}: the caller decides its size"),
                sources.PARAM,
                binding,
            )
        if binding.kind == RANGE and binding.value is not None:
            # A range variable over large data (the lines of a file) is large.
            if binding.index == 0 and not self._ranges_keys(binding):
                return None
            inner = self.origin(binding.value, depth + 1)
            if inner is None:
                return None
            return replace(inner, node=use)
        if binding.kind == LOCAL and binding.value is not None:
            value = unparen(binding.value)
            if binding.multi:
                return self._multi_origin(use, value, binding.index, depth)
            if value.type == "call_expression" and _callee_name(value) == "make":
                return self._made_buffer(use, value, binding)
            inner = self.origin(value, depth + 1)
            if inner is None:
                return None
            # Name the local in messages when it holds the whole large value.
            if inner.node.type == "call_expression" or inner.node.type.endswith(
                "conversion_expression"
            ):
                return replace(inner, node=use)
            return inner
        return None

    def _from_callers(self, source: Source) -> Source | None:
        """A parameter that a caller in this file fills with read data or a buffer: the
        leak is real for that call, so the source is as large as what the caller passes."""
        binding = source.param
        if binding is None or binding.kind != PARAM or binding.node is None:
            return None
        func = binding.statement.parent.parent if binding.statement is not None else None
        if func is None or func.type not in ("function_declaration", "method_declaration"):
            return None
        if binding.statement is None or binding.statement.type != "parameter_declaration":
            return None
        names = [
            text(ident)
            for decl in (func.child_by_field_name("parameters") or func).named_children
            if decl.type == "parameter_declaration"
            for ident in decl.children_by_field_name("name")
        ]
        if binding.name not in names:
            return None
        position = names.index(binding.name)
        callee = (func.child_by_field_name("name").text or b"") if func else b""
        prefix = rb"\." if func.type == "method_declaration" else rb"(?<![\w.])"
        calls = re.compile(prefix + re.escape(callee) + rb"\(")
        for match in calls.finditer(self.ctx.source):
            at = match.end() - 1 - len(callee)
            name_node = self.root.descendant_for_byte_range(at, at + len(callee))
            call = name_node.parent if name_node is not None else None
            if call is not None and call.type == "selector_expression":
                call = call.parent
            if call is None or call.type != "call_expression":
                continue
            args = _args(call)
            if position >= len(args) or enclosing_function(call) == func:
                continue
            found = self.origin(args[position], 3)
            if found is None or found.kind in (sources.PARAM, sources.CONVERSION):
                continue
            note = (
                call.start_byte,
                call.end_byte,
                f"{text(call.child_by_field_name('function'))} is called here with "
                f"{_flat(text(args[position]))}, which holds "
                + ("a scratch buffer" if found.kind == sources.BUFFER else "read data"),
            )
            # As large as what the caller passes: judged like it.
            return replace(
                found,
                node=source.node,
                confidence=weaker(found.confidence, Confidence.MEDIUM),
                related=note,
            )
        return None

    def _small_by_contract(self, binding: Binding) -> bool:
        """A parameter known to be small: the argument of a flag.Value's `Set(string) error`
        is one command-line argument."""
        func = enclosing_function(binding.node) if binding.node is not None else None
        if func is None or func.type != "method_declaration":
            return False
        if text(func.child_by_field_name("name")) != "Set":
            return False
        sig = signature_of(func)
        return sig.result_types == ("error",) and [t for _, t in sig.params] == ["string"]

    def _ranges_keys(self, binding: Binding) -> bool:
        """Whether the first range variable is an element (maps' keys, iterators, channels)."""
        value = unparen(binding.value) if binding.value is not None else None
        if value is not None and value.type == "call_expression" and self._is_iterator(value):
            return True
        under = self.types.underlying(self.types.type_of(binding.value))
        return under is not None and (is_map(under) or under.startswith(("chan ", "<-chan ")))

    def _multi_origin(self, use: Node, call: Node, index: int, depth: int) -> Source | None:
        if call.type != "call_expression":
            return None
        read = self._read_source(call)
        if read is not None:
            return replace(read, node=use) if index == 0 else None
        name = _callee_name(call)
        if name in _PIECE_RESULTS and index in _PIECE_RESULTS[name] and self._is_piece_call(call):
            return self.origin(_first_arg(call), depth + 1)
        return None

    def _made_buffer(self, use: Node, make: Node, binding: Binding) -> Source | None:
        args = _args(make)
        if len(args) < 2 or not is_slice(self.types.underlying(normalise(text(args[0])))):
            return None
        size_node = args[1] if len(args) == 2 else args[2]
        # A scratch buffer has a constant size; one sized from variables is usually made to
        # measure (make([]T, n, capacity) semantics, a record of known length).
        if not self._constant(size_node):
            return None
        count = self._int_value(size_node)
        if count is not None and count < _SMALL_BUFFER:
            return None
        element = _element_size(self.types.underlying(normalise(text(args[0]))))
        size = count * element if count is not None else None
        decl = binding.node
        related = (
            (decl.start_byte, decl.end_byte, f"{binding.name} is a buffer made here")
            if decl is not None
            else None
        )
        func = enclosing_function(make)
        filled = func is not None and sources.fills(func.text or b"", binding.name)
        return Source(use, Confidence.MEDIUM, related, sources.BUFFER, size=size, filled=filled)

    def _call_origin(self, call: Node, depth: int) -> Source | None:
        read = self._read_source(call)
        if read is not None:
            return read
        func = call.child_by_field_name("function")
        if func is not None and func.type == "identifier" and text(func) == "string":
            args = _args(call)
            binding = self.types.lookup(func)
            if len(args) == 1 and (binding is None or binding.kind == TYPE):
                return self._converted(call, args[0], depth)
            return None
        if self._is_piece_call(call):
            return self.origin(_first_arg(call), depth + 1)
        return None

    def _converted(self, conversion: Node, operand: Node | None, depth: int) -> Source | None:
        """`string(buf)` and `[]byte(s)` copy their operand: as large as it is."""
        if operand is None:
            return None
        inner = self.origin(operand, depth + 1)
        if inner is not None:
            return replace(inner, node=conversion)
        under = self.types.underlying(self.types.type_of(operand))
        if is_slice(under) and conversion.type == "call_expression":
            return Source(
                conversion,
                Confidence.MEDIUM,
                (
                    conversion.start_byte,
                    conversion.end_byte,
                    f"{text(conversion)} copies all of {text(operand)} into a new string",
                ),
                sources.CONVERSION,
            )
        return None

    def _read_source(self, call: Node) -> Source | None:
        """The data `call` reads, as a source (io.ReadAll, os.ReadFile, bufio, ...)."""
        kind = self._read_call(call)
        if kind is None:
            return None
        what = _flat(text(call))
        if len(what) > 60:
            what = f"{_flat(text(call.child_by_field_name('function')))}(...)"
        note = (call.start_byte, call.end_byte, f"{text(call)} reads the data")
        path = _first_arg(call)
        if kind == sources.READ and path is not None and sources.status_file(text(path)):
            kind = sources.STATUS_FILE
        elif kind == sources.ASSEMBLED:
            func = call.child_by_field_name("function")
            buffer = func.child_by_field_name("operand") if func is not None else None
            body = enclosing_function(call)
            if (
                buffer is not None
                and body is not None
                and sources.read_into(body.text or b"", _flat(text(buffer)))
            ):
                kind = sources.READ
        return Source(call, Confidence.HIGH, note, kind, what=what)

    def _read_call(self, call: Node) -> str | None:
        """The source kind (READ or LINE) when `call` reads data (io.ReadAll, os.ReadFile,
        bufio, ...)."""
        func = call.child_by_field_name("function")
        if func is None or func.type != "selector_expression":
            return None
        operand = func.child_by_field_name("operand")
        name = text(func.child_by_field_name("field"))
        if operand is None:
            return None
        binding = self.types.lookup(operand) if operand.type == "identifier" else None
        if binding is not None and binding.kind == IMPORT:
            return sources.READ if (binding.import_path, name) in sources.READ_FUNCS else None
        if name in sources.READ_METHODS:
            wanted = sources.READ_METHODS[name]
            qualified = self.types.qualified(self.types.type_of(operand))
            if wanted is None or qualified is None or qualified == wanted:
                return sources.READ if name in sources.WHOLE_READ_METHODS else sources.LINE
            return None
        qualified = self.types.qualified(self.types.type_of(operand))
        if name in sources.SCANNER_METHODS and qualified == ("bufio", "Scanner"):
            return sources.LINE
        if name in sources.BUFFER_METHODS and qualified == ("bytes", "Buffer"):
            return sources.ASSEMBLED
        return None

    def _is_piece_call(self, call: Node) -> bool:
        """A call whose result shares memory with its first argument."""
        func = call.child_by_field_name("function")
        if func is None or func.type != "selector_expression":
            return False
        operand = func.child_by_field_name("operand")
        name = text(func.child_by_field_name("field"))
        if operand is None:
            return False
        if operand.type == "identifier":
            binding = self.types.lookup(operand)
            if binding is not None and binding.kind == IMPORT:
                path = binding.import_path or ""
                if path in _PIECE_PACKAGES and name in _SPLITTERS:
                    return True
                return name in _TRANSPARENT.get(path, ())
        if name in _REGEXP:
            qualified = self.types.qualified(self.types.type_of(operand))
            return qualified == ("regexp", "Regexp") or (
                qualified is None and name in _REGEXP_BY_NAME
            )
        return False

    def _is_iterator(self, call: Node) -> bool:
        """strings.SplitSeq and friends: ranging over them yields pieces."""
        return self._is_piece_call(call) and _SPLITTERS.get(_callee_name(call)) == "iter"

    def _transparent(self, call: Node, family: str) -> bool:
        func = call.child_by_field_name("function")
        if func is None or func.type != "selector_expression":
            return False
        operand = func.child_by_field_name("operand")
        if operand is None or operand.type != "identifier":
            return False
        binding = self.types.lookup(operand)
        if binding is None or binding.kind != IMPORT:
            return False
        path = binding.import_path or ""
        if family == SLICE and path != "bytes":
            return False
        if family == STRING and path == "bytes":
            return False
        return text(func.child_by_field_name("field")) in _TRANSPARENT.get(path, ())

    # -- from a piece up to where it is stored ---------------------------------------------

    def _climb(self, piece: Piece, start: Node, iterator: bool = False) -> None:
        state = _Climb(start, start, piece.levels)
        if iterator:
            # A sequence of pieces is only followed into `for piece := range seq`.
            clause = start.parent
            if clause is not None and clause.type == "range_clause":
                self._range(piece, state, clause, iterator)
            return
        while True:
            node = state.node
            parent = node.parent
            if parent is None:
                return
            kind = parent.type
            if kind == "parenthesized_expression":
                state.node = parent
                if not state.contained:
                    state.value = parent
                continue
            if kind == "slice_expression":
                if parent.child_by_field_name("operand") != node or _is_reset(parent):
                    return
                if not state.contained and state.levels == 0:
                    state.value = parent
                state.node = parent
                continue
            if kind == "index_expression":
                if parent.child_by_field_name("operand") == node:
                    if state.levels == 0 or state.contained:
                        return
                    state.levels -= 1
                    state.value = state.node = parent
                    continue
                self._key_store(piece, state, parent)
                return
            if kind in ("literal_element", "literal_value", "composite_literal"):
                if kind == "literal_element" and not self._element_value(parent):
                    return
                state.node = parent
                state.contained = True
                continue
            if kind == "keyed_element":
                state.node = parent
                state.contained = True
                continue
            if kind == "unary_expression":
                if not text(parent).startswith("&"):
                    return
                state.node = parent
                state.contained = True
                continue
            if kind == "variadic_argument":
                # append(dst, xs...) copies xs's elements: only pieces among them stay pieces.
                call = _call_of_argument(parent)
                if call is None or _callee_name(call) != "append" or state.levels == 0:
                    return
                if self.types.lookup(call.child_by_field_name("function")) is not None:
                    return
                state.levels -= 1
                state.node = call
                state.contained = state.appended = True
                continue
            if kind == "argument_list":
                if not self._through_call(piece, state, parent):
                    return
                continue
            if kind == "type_conversion_expression":
                if not self._conversion_keeps(piece, parent, parent.child_by_field_name("type")):
                    return
                state.node = parent
                if not state.contained:
                    state.value = parent
                continue
            if kind == "expression_list":
                self._from_expression_list(piece, state, parent)
                return
            if kind == "send_statement":
                if parent.child_by_field_name("value") == node:
                    self._send(piece, state, parent)
                return
            if kind == "range_clause":
                self._range(piece, state, parent, iterator)
                return
            return

    def _element_value(self, element: Node) -> bool:
        """Whether a literal_element holds a value (not a struct field name used as a key)."""
        keyed = element.parent
        if keyed is None or keyed.type != "keyed_element":
            return True
        if keyed.child_by_field_name("key") != element:
            return True
        literal = keyed.parent.parent if keyed.parent is not None else None
        if literal is None or literal.type != "composite_literal":
            return False
        type_node = literal.child_by_field_name("type")
        return is_map(self.types.underlying(normalise(text(type_node))) if type_node else None)

    def _through_call(self, piece: Piece, state: _Climb, args: Node) -> bool:
        call = args.parent
        if call is None or call.type != "call_expression":
            return False
        func = call.child_by_field_name("function")
        if func is None:
            return False
        arguments = _args(call)
        position = next((i for i, a in enumerate(arguments) if a == state.node), -1)
        if func.type == "identifier":
            name = text(func)
            builtin = self.types.lookup(func) is None
            if builtin and name == "append":
                if position == 0 and state.levels == 0 and piece.family == STRING:
                    return False
                state.node = call
                state.contained = True
                state.appended = position > 0
                return True
            if builtin or (self.types.lookup(func) or _NO_BINDING).kind == "type":
                if self._conversion_keeps(piece, call, func):
                    state.node = call
                    if not state.contained:
                        state.value = call
                    return True
                return False
            return False
        if func.type == "selector_expression":
            method = text(func.child_by_field_name("field"))
            if position == 0 and state.levels == 0 and self._transparent(call, piece.family):
                state.node = call
                if not state.contained:
                    state.value = call
                return True
            split = self._split_levels(call, method, piece.family)
            if position == 0 and state.levels == 0 and not state.contained and split is not None:
                # Splitting a piece gives pieces of the same source.
                state.node = state.value = call
                state.levels = split
                state.nested = True
                state.split = call
                return True
            if method in _CACHE_METHODS:
                self._cache_store(piece, state, func)
            return False
        if func.type in ("slice_type", "parenthesized_expression") and self._conversion_keeps(
            piece, call, func
        ):
            state.node = call
            if not state.contained:
                state.value = call
            return True
        return False

    def _split_levels(self, call: Node, name: str, family: str) -> int | None:
        """The levels of a splitting call's result, when it splits a value of `family`."""
        func = call.child_by_field_name("function")
        operand = func.child_by_field_name("operand") if func is not None else None
        if operand is None or not self._is_piece_call(call):
            return None
        binding = self.types.lookup(operand) if operand.type == "identifier" else None
        if binding is not None and binding.kind == IMPORT:
            levels = _SPLITTERS.get(name)
            if _PIECE_PACKAGES.get(binding.import_path or "") != family:
                return None
            return levels if isinstance(levels, int) else None
        regexp_family, levels = _REGEXP.get(name, ("", 0))
        return levels if regexp_family == family else None

    def _conversion_keeps(self, piece: Piece, conversion: Node, type_node: Node | None) -> bool:
        """Whether converting a piece keeps sharing its memory: string(s) and named string or
        slice types do, []byte(s) and string(b) copy."""
        if type_node is None:
            return False
        under = self.types.underlying(normalise(text(type_node)))
        if piece.family == STRING:
            return under == "string"
        return under is not None and under.startswith("[]")

    def _from_expression_list(self, piece: Piece, state: _Climb, values: Node) -> None:
        owner = values.parent
        if owner is None:
            return
        kind = owner.type
        if kind == "assignment_statement":
            if owner.child_by_field_name("right") != values:
                return
            operator = owner.child_by_field_name("operator")
            if operator is None or text(operator) != "=":
                return
            lefts = _list_items(owner.child_by_field_name("left"))
            for lhs, levels in self._paired(state, values, lefts):
                if lhs.type == "identifier":
                    self._follow(piece, state, lhs, levels, owner)
                else:
                    self._store(piece, state, lhs, levels)
        elif kind == "short_var_declaration":
            if owner.child_by_field_name("right") != values:
                return
            lefts = _list_items(owner.child_by_field_name("left"))
            for lhs, levels in self._paired(state, values, lefts):
                if lhs.type == "identifier":
                    self._follow(piece, state, lhs, levels, owner)
        elif kind == "var_spec" and enclosing_function(owner) is not None:
            names = owner.children_by_field_name("name")
            for lhs, levels in self._paired(state, values, names):
                self._follow(piece, state, lhs, levels, owner)

    def _paired(self, state: _Climb, values: Node, lefts: list[Node]) -> list[tuple[Node, int]]:
        """The left-hand sides receiving the piece, with the levels each receives."""
        rights = _list_items(values)
        if len(rights) == len(lefts):
            for i, right in enumerate(rights):
                if right == state.node:
                    return [(lefts[i], state.levels)]
            return []
        if len(rights) == 1 and len(lefts) > 1 and not state.contained:
            call = unparen(rights[0])
            indices = _PIECE_RESULTS.get(_callee_name(call), ())
            if call.type == "call_expression" and self._is_piece_call(call):
                return [(lefts[i], state.levels) for i in indices if i < len(lefts)]
        return []

    def _follow(
        self,
        piece: Piece,
        state: _Climb,
        ident: Node,
        levels: int,
        statement: Node,
        element: bool = False,
    ) -> None:
        """A local variable now holds the piece: look for where its later uses store it."""
        if text(ident) == "_" or piece.bindings >= _MAX_BINDINGS:
            return
        binding = self.types.declaration(ident) or self.types.lookup(ident)
        if binding is None:
            return
        if binding.kind == PACKAGE_VAR:
            self._store(piece, state, ident, levels)
            return
        if not binding.is_local or binding.node is None or state.contained:
            # A local holding a struct or slice that contains the piece is not followed:
            # storing such a container is usually the design (a parser's result).
            return
        func = enclosing_function(statement)
        if func is None:
            return
        step = (
            statement.start_byte,
            statement.end_byte,
            f"{text(ident)} holds {_describe(piece, state, levels)}",
        )
        for use in self._uses(binding, statement.end_byte, func.end_byte):
            if _is_assigned(use):
                break  # reassigned: later uses hold something else
            sub = Piece(
                piece.family,
                piece.origin,
                piece.source,
                levels,
                [*piece.steps, step],
                piece.bindings + 1,
                piece.nested or state.nested,
                element and levels == 0,
                state.split or piece.split,
            )
            self._climb(sub, use)

    def _uses(self, binding: Binding, start: int, end: int) -> list[Node]:
        """Identifiers naming `binding` after `start`, within its scope.

        Cheap on purpose (no name resolution per use): the scope bounds the search, and the
        caller stops at the first use that assigns or redeclares the name, so an inner `x :=`
        shadowing the variable ends the search instead of being mistaken for it."""
        scope_end = _scope_end(binding.statement) if binding.statement is not None else end
        name = binding.name.encode()
        source = self.ctx.source
        stop = min(end, scope_end)
        out = []
        at = source.find(name, start, stop)
        while at >= 0:
            after = at + len(name)
            before = source[at - 1 : at]
            if not (before.isalnum() or before in (b"_", b".")) and not (
                source[after : after + 1].isalnum() or source[after : after + 1] == b"_"
            ):
                node = self.root.descendant_for_byte_range(at, after)
                if (
                    node is not None
                    and node.type == "identifier"
                    and node.start_byte == at
                    and node.end_byte == after
                ):
                    out.append(node)
            at = source.find(name, after, stop)
        return out

    def _range(self, piece: Piece, state: _Climb, clause: Node, iterator: bool) -> None:
        if clause.child_by_field_name("right") != state.node or state.contained:
            return
        if not any(c.type == ":=" for c in clause.children):
            return
        names = _list_items(clause.child_by_field_name("left"))
        if iterator:
            if names:
                self._follow(piece, state, names[0], 0, clause, element=True)
            return
        if state.levels >= 1 and len(names) >= 2:
            self._follow(piece, state, names[1], state.levels - 1, clause, element=True)

    # -- targets -----------------------------------------------------------------------------

    def _store(self, piece: Piece, state: _Climb, lhs: Node, levels: int) -> None:
        target = self.assign_target(lhs)
        if target is None:
            return
        how = "appended to" if state.appended else "stored in"
        if state.contained and not state.appended:
            how = "stored, inside a composite literal, in"
        self._report(piece, state, levels, how, target)

    def _key_store(self, piece: Piece, state: _Climb, index_expr: Node) -> None:
        """`m[piece] = v`: the piece becomes a key of map m."""
        parent = index_expr.parent
        if parent is None:
            return
        if parent.type == "expression_list":
            owner = parent.parent
            if owner is None or owner.type != "assignment_statement":
                return
            if owner.child_by_field_name("left") != parent:
                return
        elif parent.type not in ("inc_statement", "dec_statement"):  # `m[piece]++` inserts too
            return
        container = index_expr.child_by_field_name("operand")
        if container is None or not is_map(self.types.underlying(self.types.type_of(container))):
            return
        shared = self.shared(container)
        if shared is None:
            return
        where = _where("map", text(container), shared)
        places = (_flat(text(container)),)
        target = Target(
            text(container), where, shared.confidence, shared.related, places, collects=True
        )
        self._report(piece, state, state.levels, "used as a key of", target)

    def _send(self, piece: Piece, state: _Climb, send: Node) -> None:
        channel = send.child_by_field_name("channel")
        if channel is None:
            return
        target = Target(text(channel), f"channel {text(channel)}", Confidence.MEDIUM, collects=True)
        self._report(piece, state, state.levels, "sent on", target)

    def _cache_store(self, piece: Piece, state: _Climb, func: Node) -> None:
        holder = func.child_by_field_name("operand")
        if holder is None or holder.type not in ("identifier", "selector_expression"):
            return
        qualified = self.types.qualified(self.types.type_of(holder))
        if qualified is not None and qualified[0] == "sync" and qualified[1] != "Map":
            return  # sync.Pool.Put recycles, atomic values hold one value
        shared = self.place(holder)
        if shared is None:
            return
        method = text(func.child_by_field_name("field"))
        where = _where("", f"{text(holder)} with {method}", shared)
        places = (_flat(text(holder)),)
        target = Target(
            text(holder), where, shared.confidence, shared.related, places, collects=True
        )
        self._report(piece, state, state.levels, "stored in", target)

    def assign_target(self, lhs: Node) -> Target | None:
        """The long-lived place an assignment to `lhs` stores into, or None."""
        lhs = unparen(lhs)
        kind = lhs.type
        places: tuple[str, ...] = (_flat(text(lhs)),)
        if kind == "identifier":
            binding = self.types.lookup(lhs)
            if binding is None or binding.kind != PACKAGE_VAR:
                return None
            return Target(
                text(lhs),
                f"package variable {text(lhs)}",
                Confidence.HIGH,
                _declared_here(binding, "is declared here"),
                places,
            )
        if kind == "selector_expression":
            shared = self.place(lhs)
            if shared is None:
                return None
            where = _where("field", text(lhs), shared)
            return Target(text(lhs), where, shared.confidence, shared.related, places)
        if kind == "index_expression":
            container = lhs.child_by_field_name("operand")
            if container is None:
                return None
            under = self.types.underlying(self.types.type_of(container))
            if not (is_map(under) or is_slice(under)):
                return None
            shared = self.shared(container)
            if shared is None:
                return None
            places = (*places, _flat(text(container)))
            noun = "map" if is_map(under) else "slice"
            index = lhs.child_by_field_name("index")
            return Target(
                text(container),
                _where(noun, text(container), shared),
                shared.confidence,
                shared.related,
                places,
                # `m["role"] = v`, `s[0] = v`: one slot.
                collects=index is None or not (_is_literal(index) or self._constant(index)),
            )
        if kind == "unary_expression" and text(lhs).startswith("*"):
            pointer = lhs.child_by_field_name("operand")
            shared = self.shared(pointer) if pointer is not None else None
            if shared is None:
                return None
            where = _where("", text(lhs), shared)
            return Target(text(lhs), where, shared.confidence, shared.related, places)
        return None

    def place(self, selector: Node) -> Shared | None:
        """Whether the variable `a.f` (or a package-level `pkg.V`) outlives the call."""
        selector = unparen(selector)
        if selector.type == "identifier":
            binding = self.types.lookup(selector)
            if binding is not None and binding.kind == PACKAGE_VAR:
                return Shared(
                    f"{text(selector)} is a package variable",
                    Confidence.HIGH,
                    _declared_here(binding, "is declared here"),
                )
            return None
        if selector.type != "selector_expression":
            return None
        operand = selector.child_by_field_name("operand")
        if operand is None:
            return None
        if operand.type == "identifier":
            binding = self.types.lookup(operand)
            if binding is not None and binding.kind == IMPORT:
                return Shared(f"a package-level variable of {binding.import_path}", Confidence.HIGH)
        return self.shared(operand)

    def shared(self, expr: Node, depth: int = 0) -> Shared | None:
        """Whether the storage `expr` designates outlives the call: the variable itself for a
        struct value, what it points to for a pointer, map or slice."""
        if depth > 5:
            return None
        expr = unparen(expr)
        kind = expr.type
        type_text = self.types.type_of(expr)
        under = self.types.underlying(type_text)
        ref = is_pointer(type_text) or is_map(under) or is_slice(under)
        name = text(expr)
        if kind == "identifier":
            binding = self.types.lookup(expr)
            if binding is None:
                return None
            if binding.kind == PACKAGE_VAR:
                return Shared(
                    f"{name} is a package variable",
                    Confidence.HIGH,
                    _declared_here(binding, "is declared here"),
                )
            if binding.kind in (PARAM, RECEIVER):
                role = "receiver" if binding.kind == RECEIVER else "parameter"
                note = _declared_here(binding, f"is a {role}")
                if is_pointer(type_text):
                    return Shared(f"{name} is a pointer {role}", Confidence.HIGH, note)
                if ref:
                    noun = "map" if is_map(under) else "slice"
                    # How long the caller keeps it is unknown: often only for the call.
                    return Shared(
                        f"{name} is a {noun} {role} owned by the caller", Confidence.LOW, note
                    )
                if type_text is None or self._is_type_param(binding):
                    return Shared(
                        f"{name} may be a pointer {role} (its type is unknown)",
                        Confidence.LOW,
                        note,
                    )
                return None
            if binding.kind in (LOCAL, RANGE) or binding.is_local:
                return self._local_shared(expr, binding, type_text, ref, depth)
            return None
        if kind == "selector_expression":
            operand = expr.child_by_field_name("operand")
            if operand is None:
                return None
            if operand.type == "identifier":
                binding = self.types.lookup(operand)
                if binding is not None and binding.kind == IMPORT:
                    return Shared(f"{name} is a package-level variable", Confidence.HIGH)
            inner = self.shared(operand, depth + 1)
            if inner is None:
                return None
            if type_text is None and not ref:
                return Shared(inner.reason, weaker(inner.confidence, Confidence.LOW), inner.related)
            return inner
        if kind == "index_expression":
            operand = expr.child_by_field_name("operand")
            return self.shared(operand, depth + 1) if operand is not None else None
        if kind == "unary_expression" and name.startswith("*"):
            operand = expr.child_by_field_name("operand")
            return self.shared(operand, depth + 1) if operand is not None else None
        if kind == "call_expression" and is_pointer(type_text):
            return Shared(f"{name} may return shared data (or a new object)", Confidence.LOW)
        return None

    def _local_shared(
        self, expr: Node, binding: Binding, type_text: str | None, ref: bool, depth: int
    ) -> Shared | None:
        name = text(expr)
        value = binding.value
        if binding.kind == RANGE:
            if value is None or not (ref or is_pointer(type_text)):
                return None
            inner = self.shared(value, depth + 1)
            if inner is None:
                return None
            return Shared(f"{name} points into {text(value)}", inner.confidence, inner.related)
        if value is None or binding.multi:
            if binding.multi and value is not None and _is_fresh(unparen(value)):
                return None
            if binding.multi and is_pointer(type_text):
                return Shared(f"{name} may point to shared data", Confidence.LOW)
            return None
        value = unparen(value)
        if _is_fresh(value):
            return None
        if not ref:
            if type_text is None and value.type == "call_expression":
                return Shared(
                    f"{name} may point to shared data (its type is unknown)", Confidence.LOW
                )
            return None
        if value.type in ("identifier", "selector_expression", "index_expression"):
            inner = self.shared(value, depth + 1)
            if inner is None:
                return None
            return Shared(f"{name} aliases {text(value)}", inner.confidence, inner.related)
        if value.type == "call_expression" and is_pointer(type_text):
            return Shared(
                f"{name} may point to shared data (or to a new object from {text(value)})",
                Confidence.LOW,
            )
        return None

    def _excluded(self, piece: Piece, places: tuple[str, ...]) -> bool:
        """Pieces that waste nothing: put back where they came from (`x = x[1:]`,
        `lines[i] = line[n:]` while ranging over lines, `m[k] = list[:n]` after
        `list := m[k]`), or one of the consecutive parts a loop cuts a value into, which are
        all kept (`parts = append(parts, s[:i]); s = s[i+1:]`, `scopes[k] = vars[i0:i]`)."""
        origin = piece.origin
        if origin.type == "slice_expression":
            operand = origin.child_by_field_name("operand")
        else:
            operand = _first_arg(origin)
        if operand is None:
            return False
        if places and self._roots(operand, 0) & set(places):
            return True
        return origin.type == "slice_expression" and self._partitioned(origin, operand)

    def _roots(self, expr: Node, depth: int) -> set[str]:
        """Texts of the variables a value was read from: itself, what a local was
        initialised with, what a range variable ranges over."""
        expr = unparen(expr)
        out = {_flat(text(expr))}
        if depth > 2:
            return out
        if expr.type == "identifier":
            binding = self.types.lookup(expr)
            if (
                binding is not None
                and binding.value is not None
                and binding.kind
                in (
                    LOCAL,
                    RANGE,
                )
            ):
                out |= self._roots(binding.value, depth + 1)
        elif expr.type in ("index_expression", "slice_expression"):
            operand = expr.child_by_field_name("operand")
            if operand is not None:
                out |= self._roots(operand, depth + 1)
        return out

    def _partitioned(self, piece: Node, operand: Node) -> bool:
        if operand.type != "identifier":
            return False
        func = enclosing_function(piece)
        if func is None:
            return False
        name = re.escape(operand.text or b"")
        loop = piece.parent
        while loop is not None and loop != func and loop.type != "for_statement":
            loop = loop.parent
        start = piece.child_by_field_name("start")
        if loop is not None and loop.type == "for_statement":
            consumed = re.compile(rb"(?<![\w.])" + name + rb"\s*=\s*" + name + rb"\[")
            if consumed.search(loop.text or b""):
                return True
            end = piece.child_by_field_name("end")
            if start is not None and start.type == "identifier" and end is not None:
                # `parts[k] = s[prev:i]; prev = i`: consecutive parts, all kept.
                advanced = re.compile(
                    rb"(?<![\w.])"
                    + re.escape(start.text or b"")
                    + rb"\s*=\s*"
                    + re.escape(end.text or b"")
                    + rb"(?![\w.(\[])"
                )
                if advanced.search(loop.text or b""):
                    return True
        if start is None or start.type != "identifier":
            return False
        body = func.text or b""
        ranged = re.compile(rb"\brange\s+" + name + rb"\b")
        moved = re.compile(rb"(?<![\w.])" + re.escape(start.text or b"") + rb"\s*=[^=]")
        return ranged.search(body) is not None and moved.search(body) is not None

    def _parent_kept(self, source: Node, holder_text: str, value: Node) -> bool:
        """Whether the function also stores the source itself in the same holder
        (`e.tag = tag; e.suffix = tag[n:]`, `c.raw = data; c.head = data[:64]`): the parent
        stays alive anyway, so the piece wastes nothing."""
        if source.type != "identifier":
            return False
        wanted = self.types.lookup(source)
        holder = self._holder(holder_text, value)
        func = enclosing_function(value)
        if wanted is None or holder is None or func is None:
            return False
        name = text(source)
        body = func.text or b""
        if not re.search(rb"[=,(]\s*" + re.escape(name.encode()) + rb"\s*[,)}\n;]", body):
            return False
        for use in self._uses(wanted, func.start_byte, func.end_byte):
            if use.start_byte == source.start_byte or not self._same(use, wanted):
                continue
            stored_in = self._stored_whole(use)
            if (
                stored_in is not None
                and _flat(text(stored_in)) != _flat(holder_text)  # not overwritten by the piece
                and self._holder(text(stored_in), stored_in) == holder
                and _on_one_path(stored_in, value)
            ):
                return True
        return False

    def _same(self, use: Node, binding: Binding) -> bool:
        found = self.types.lookup(use)
        return found is not None and found.declared_at == binding.declared_at

    def _stored_whole(self, use: Node) -> Node | None:
        """The left-hand side a value is stored in as it is: `x.f = use`,
        `x.f = append(x.f, use)`, `x.f = T{F: use}`; else None."""
        node = use
        while node.parent is not None and node.parent.type in (
            "literal_element",
            "keyed_element",
            "literal_value",
            "composite_literal",
            "argument_list",
            "call_expression",
            "unary_expression",
        ):
            parent = node.parent
            if parent.type == "call_expression" and _callee_name(parent) != "append":
                return None
            if parent.type == "unary_expression" and not text(parent).startswith("&"):
                return None
            node = parent
        values = node.parent
        owner = values.parent if values is not None else None
        if values is None or values.type != "expression_list" or owner is None:
            return None
        if owner.type != "assignment_statement" or owner.child_by_field_name("right") != values:
            return None
        rights = _list_items(values)
        lefts = _list_items(owner.child_by_field_name("left"))
        if len(rights) != len(lefts) or node not in rights:
            return None
        return lefts[rights.index(node)]

    def _holder(self, place: str, at: Node) -> tuple[int, int] | None:
        """The object a place belongs to, by where it is declared: `e` for `e.meta.label`,
        `c` for `c.byKey`; every package variable belongs to the program, (-1, -1)."""
        match = re.match(r"\*?\s*([A-Za-z_]\w*)", place)
        if match is None:
            return None
        binding = self.types.visible(match.group(1), at)
        if binding is None:
            return None
        if binding.kind in (PACKAGE_VAR, IMPORT):
            return (-1, -1)
        if "." not in place and "[" not in place:
            return None
        return binding.declared_at

    def _is_type_param(self, binding: Binding) -> bool:
        if binding.type is None or binding.node is None:
            return False
        func = enclosing_function(binding.node)
        while func is not None:
            if func.type in FUNCTION_NODES and func.type != "func_literal":
                params = func.child_by_field_name("type_parameters")
                return params is not None and binding.type in text(params)
            func = enclosing_function(func)
        return False

    # -- reporting -------------------------------------------------------------------------

    def _report(
        self,
        piece: Piece,
        state: _Climb,
        levels: int,
        how: str,
        target: Target,
    ) -> None:
        value = state.value
        key = (value.start_byte, value.end_byte)
        if key in self.leaks or self._excluded(piece, target.places):
            return
        nested = piece.nested or state.nested
        # All the parts of a split value kept together keep nothing extra alive: the whole
        # result, or each range variable over it as it is (`m[line] = true`).
        whole = levels > 0 or (piece.element and value.type == "identifier")
        if whole and not nested and _callee_name(piece.origin) in _SPLITTERS:
            return
        if how != "sent on" and self._parent_kept(piece.source.node, target.text, value):
            return
        if piece.source.kind == sources.PARAM:
            lifted = self._from_callers(piece.source)
            if lifted is not None:
                piece = replace(piece, source=lifted)
        confidence = weaker(piece.source.confidence, target.confidence)
        stored = Target(
            target.text,
            target.where,
            confidence,
            target.related,
            collects=target.collects or state.appended,
        )
        split = state.split or piece.split
        self.leaks[key] = Leak(piece, value, levels, how, stored, nested, split)


_NO_BINDING = Binding("", "", None)


_ELEMENT_SIZES = {
    "byte": 1,
    "uint8": 1,
    "int8": 1,
    "bool": 1,
    "int16": 2,
    "uint16": 2,
    "int32": 4,
    "uint32": 4,
    "rune": 4,
    "float32": 4,
    "string": 16,
}


def _element_size(slice_type: str | None) -> int:
    """Bytes per element of a slice type (a word when it is not a small basic type)."""
    if slice_type is None or not slice_type.startswith("[]"):
        return 1
    return _ELEMENT_SIZES.get(slice_type[2:], 8)


def _is_literal(node: Node) -> bool:
    return unparen(node).type in (
        "interpreted_string_literal",
        "raw_string_literal",
        "int_literal",
        "rune_literal",
    )


def _on_one_path(a: Node, b: Node) -> bool:
    """Whether the statements holding `a` and `b` can both run in one call: the block of one
    contains the other (not the two branches of an `if` or two cases of a switch)."""
    first, second = _statement_of(a), _statement_of(b)
    return _contains(first.parent, second) or _contains(second.parent, first)


def _contains(outer: Node | None, inner: Node) -> bool:
    return (
        outer is not None
        and outer.start_byte <= inner.start_byte
        and inner.end_byte <= outer.end_byte
    )


def _statement_of(node: Node) -> Node:
    parent = node.parent
    while parent is not None and parent.type not in ("statement_list", "source_file"):
        node = parent
        parent = node.parent
    return node


def _drop_partitions(leaks: Iterable[Leak]) -> list[Leak]:
    """Pieces that together keep most of their source in use waste nothing:

    - several pieces of one source stored by one statement (`m[line[:i]] = line[i+1:]`,
      `c.a, c.b = before, after`);
    - several parts of one split stored by one function (`p.Name = f[0]; p.Type = f[1]`),
      or, for the fields of a line of a larger value, in one place
      (`m["role"] = f[0]; m["type"] = f[1]`);
    - a prefix and the rest of one value stored by one function
      (`c.key = line[:i]; c.value = line[i+1:]`).
    """
    leaks = list(leaks)
    dropped: set[int] = set()
    by_statement: dict[tuple[int, str], list[int]] = {}
    by_split: dict[tuple[int, int, str], list[int]] = {}
    by_operand: dict[tuple[int, str], list[int]] = {}
    for i, leak in enumerate(leaks):
        statement = _statement_of(leak.value)
        source = _flat(text(leak.piece.source.node))
        by_statement.setdefault((statement.start_byte, source), []).append(i)
        if leak.levels > 0:
            continue
        func = enclosing_function(leak.value)
        func_at = func.start_byte if func is not None else -1
        if leak.nested:
            # Parts of one split of one line (of a file), stored in one place.
            if leak.split is not None:
                key = (func_at, leak.split.start_byte, leak.target.text)
                by_split.setdefault(key, []).append(i)
            continue
        origin = leak.piece.origin
        if origin.type == "call_expression":
            by_split.setdefault((func_at, origin.start_byte, ""), []).append(i)
        elif origin.type == "slice_expression":
            operand = origin.child_by_field_name("operand")
            by_operand.setdefault((func_at, _flat(text(operand))), []).append(i)
    for group in [*by_statement.values(), *by_split.values()]:
        if len(group) > 1:
            dropped.update(group)
    for group in by_operand.values():
        if len(group) > 1 and _covering([leaks[i].piece.origin for i in group]):
            dropped.update(group)
    return [leak for i, leak in enumerate(leaks) if i not in dropped]


def _covering(slices: list[Node]) -> bool:
    """A prefix `s[:i]` and a rest `s[i:]` / `s[i+1:]` of the same value."""
    ends = set()
    starts = []
    for piece in slices:
        start = piece.child_by_field_name("start")
        end = piece.child_by_field_name("end")
        if (start is None or text(start) == "0") and end is not None:
            ends.add(_flat(text(end)))
        elif start is not None and end is None:
            starts.append(_flat(text(start)))
    return any(
        start == end or start.startswith((end + "+", end + " +"))
        for start in starts
        for end in ends
    )


def normalise(type_text: str) -> str:
    from leakscope.core.index import normalise_type

    return normalise_type(type_text)


def _args(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    return [a for a in args.named_children if a.type != "comment"]


def _first_arg(call: Node) -> Node | None:
    args = _args(call)
    return args[0] if args else None


def _callee_name(call: Node) -> str:
    func = call.child_by_field_name("function") if call.type == "call_expression" else None
    if func is None:
        return ""
    if func.type == "selector_expression":
        return text(func.child_by_field_name("field"))
    return text(func)


def _call_of_argument(node: Node) -> Node | None:
    args = node.parent
    if args is None or args.type != "argument_list":
        return None
    call = args.parent
    return call if call is not None and call.type == "call_expression" else None


def _list_items(node: Node | None) -> list[Node]:
    if node is None:
        return []
    if node.type == "expression_list":
        return [c for c in node.named_children if c.type != "comment"]
    return [node]


def _is_reset(slice_expr: Node) -> bool:
    """`x[:0]`, `x[0:0]`, `x[:0:0]` (emptied for reuse), `x[:cap(x)]` (grown back)."""
    end = slice_expr.child_by_field_name("end")
    end_text = text(end) if end is not None else ""
    return end_text == "0" or end_text.startswith("cap(")


def _is_whole(slice_expr: Node) -> bool:
    """The whole of x: `x[:]`, `x[0:]`, `x[:len(x)]`, `x[:len(x):len(x)]`."""
    end = slice_expr.child_by_field_name("end")
    end_text = text(end) if end is not None else ""
    start = slice_expr.child_by_field_name("start")
    if start is not None and text(start) != "0":
        return False
    operand = slice_expr.child_by_field_name("operand")
    return end is None or end_text == f"len({text(operand)})"


def _is_fresh(value: Node) -> bool:
    """A value made in this function: `&T{}`, `T{}`, `new(T)`, `make(...)`, `nil`."""
    kind = value.type
    if kind in ("composite_literal", "nil"):
        return True
    if kind == "unary_expression" and text(value).startswith("&"):
        operand = value.child_by_field_name("operand")
        return operand is not None and operand.type == "composite_literal"
    if kind == "call_expression":
        return _callee_name(value) in ("new", "make") or _is_constructor(value)
    return False


_CONSTRUCTOR = re.compile(r"(?:[Nn]ew|[Mm]ake|[Cc]reate|[Aa]lloc)(?:[A-Z_0-9]|$)")


def _is_constructor(call: Node) -> bool:
    """`NewNode(Code)`, `pkg.NewReader(r)`, `p.newToken()`: by Go's naming convention, a call
    that returns a new object. A view stored in it lives as long as the caller keeps that
    object, which is the caller's business, as for `&T{}`."""
    return _CONSTRUCTOR.match(_callee_name(call)) is not None


_PASS_THROUGH = frozenset(
    {
        "parenthesized_expression",
        "slice_expression",
        "index_expression",
        "literal_element",
        "keyed_element",
        "literal_value",
        "composite_literal",
        "unary_expression",
        "variadic_argument",
        "call_expression",
        "type_conversion_expression",
    }
)
_KEEPERS = frozenset({"assignment_statement", "short_var_declaration", "var_spec"})


def _may_be_kept(node: Node) -> bool:
    """A cheap syntactic pre-check: can this expression's value reach a statement that stores
    it (an assignment, a declaration, a send, a range, a cache-like call)? Calls other than
    these pass the value on only as arguments of append, conversions and trimming functions,
    which `_climb` checks properly later."""
    parent = node.parent
    while parent is not None:
        kind = parent.type
        if kind == "argument_list":
            call = parent.parent
            func = call.child_by_field_name("function") if call is not None else None
            if (
                func is not None
                and func.type == "selector_expression"
                and text(func.child_by_field_name("field")) in _CACHE_METHODS
            ):
                return True
        elif kind == "expression_list":
            owner = parent.parent
            return owner is not None and owner.type in _KEEPERS
        elif kind in ("send_statement", "range_clause", "inc_statement", "dec_statement"):
            return True
        elif kind not in _PASS_THROUGH:
            return False
        parent = parent.parent
    return False


_SCOPES = frozenset(
    {
        "statement_list",
        "block",
        "if_statement",
        "for_statement",
        "expression_switch_statement",
        "type_switch_statement",
        "communication_case",
        *FUNCTION_NODES,
    }
)


def _scope_end(statement: Node) -> int:
    """Where the scope of the names a statement declares ends."""
    node = statement.parent
    while node is not None and node.type not in _SCOPES:
        node = node.parent
    return node.end_byte if node is not None else statement.end_byte


def _is_assigned(use: Node) -> bool:
    parent = use.parent
    if parent is None or parent.type != "expression_list":
        return False
    owner = parent.parent
    if owner is None or owner.type not in ("assignment_statement", "short_var_declaration"):
        return False
    return owner.child_by_field_name("left") == parent


def _declared_here(binding: Binding, what: str) -> tuple[tuple[int, int, str], ...]:
    at = binding.declared_at
    if at is None:
        return ()
    return ((at[0], at[1], f"{binding.name} {what}"),)


def _where(noun: str, place: str, shared: Shared) -> str:
    head = f"{noun} {place}".strip()
    return f"{head} ({shared.reason})" if shared.reason else head


def _describe(piece: Piece, state: _Climb, levels: int) -> str:
    noun = "substring" if piece.family == STRING else "subslice"
    source = text(piece.source.node)
    if levels == 0:
        return f"a {noun} of {source}"
    return f"{noun}s of {source}"


# -- diagnostics and fixes ----------------------------------------------------------------


def _diagnostic(ctx: FileContext, leak: Leak) -> Diagnostic:
    piece = leak.piece
    noun = "substring" if piece.family == STRING else "subslice"
    value_text = _flat(text(leak.value))
    origin_text = _flat(text(piece.origin))
    source_text = _flat(text(piece.source.node))
    target = leak.target
    keeper = f"a receiver of {target.text}" if leak.how == "sent on" else target.text
    what = value_text if origin_text in value_text else f"{value_text} (from {origin_text})"
    if leak.levels == 0:
        detail = f"{what} is a {noun} {leak.how} {target.where}"
    else:
        detail = f"the elements of {what} are {noun}s of {source_text}, {leak.how} {target.where}"
    message = f"{keeper} keeps the whole backing array of {source_text} alive: {detail}"
    related: list[tuple[int, int, str]] = list(target.related)
    if piece.source.related is not None:
        related.append(piece.source.related)
    related.extend(piece.steps)
    diag = Diagnostic(
        leak.value.start_byte,
        leak.value.end_byte,
        message,
        confidence=target.confidence,
        related=_unique(related),
    )
    # Test data lives as long as the test: the engine makes those bounded.
    if not ctx.is_test:
        size = sources.judge(piece.source, source_text, target.collects)
        diag.impact, diag.impact_reason = size.impact, size.reason
    if leak.levels > 0:
        copier = "strings.Clone" if piece.family == STRING else "bytes.Clone or slices.Clone"
        diag.no_fix_reason = (
            f"no automatic fix: every element of {value_text} shares the memory of "
            f"{source_text}; copy the elements you keep with {copier}"
        )
        return diag
    diag.fix, diag.no_fix_reason = make_fix(ctx, leak.value, piece.family)
    return diag


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


def _flat(source_text: str) -> str:
    return " ".join(source_text.split())


def _unique(items: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    seen: set[tuple[int, int]] = set()
    out = []
    for item in items:
        if (item[0], item[1]) not in seen:
            seen.add((item[0], item[1]))
            out.append(item)
    return out


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
        if ctx.go_version >= (1, 18):
            try:
                qualifier, edits = ctx.ensure_import("strings")
            except ImportConflict:
                qualifier, edits = None, []
            if qualifier is not None and not _shadowed(ctx, qualifier, value):
                call = f"{qualifier}.Clone" if qualifier else "Clone"
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
