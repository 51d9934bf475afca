"""The analysis shared by `substring-retention` and `subslice-retention`.

A *piece* is a value that shares memory with a larger one: a slice expression `s[a:b]`, a
result of a splitting call (`strings.Split`, `strings.Cut`, regexp `FindString*`, their `bytes`
twins), or a value derived from one without copying (`strings.TrimSpace(piece)`, `parts[1]`,
a local variable holding a piece, a range variable over split results). A piece *leaks* when
it is stored where it outlives the call (a package variable, a field or map reached through a
pointer, a parameter's map or slice, a channel, a holder known to keep it: `Places.keeps`) and its
*source* is plausibly large (a parameter, data read with `io.ReadAll`/`os.ReadFile`/`bufio`,
`string(buf)`, a buffer made here, a range variable over such data).

Speed: candidates are found with byte regexps over the source (slice expressions, calls of
splitting functions, reader views) and by name for the package's piece-returning helpers
(`Package.piece_helpers`, a few names found once per package), and mapped to nodes with
`descendant_for_byte_range`; a tree query would cost a fifth of the parse, and a regexp over
every call of the file a tenth. From each candidate the analysis walks `.parent` upwards to
the statement that stores it, following local variables through their later uses (found with a
regexp over the function's text) at most three steps deep. The result is computed once per
file and shared by the two rules.

The analysis is split by concern: `_retention_syntax` (what produces a piece, small syntax
helpers), `_retention_sources` (what a piece was cut from, and whether that is big),
`_retention_places` (where a store outlives the call) and `_retention_fixes` (the copy).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from tree_sitter import Node

from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.flow import always_after
from leakscope.core.index import receiver_type_name
from leakscope.core.model import Confidence, Impact, Related, Severity
from leakscope.core.rules import _retention_sources as sources
from leakscope.core.rules._loops import loops_around
from leakscope.core.rules._retention_fixes import drop_fix, make_fix, rebind_fix
from leakscope.core.rules._retention_handover import _PIECE_PARAM, Handing
from leakscope.core.rules._retention_partitions import (
    _PICKS,
    _covering,
    _drop_partitions,
    _in_loop,
    _line_tests,
    _selected_lines,
    picks_lines,
)
from leakscope.core.rules._retention_places import Places, Target
from leakscope.core.rules._retention_sources import Origins, Source
from leakscope.core.rules._retention_summaries import (
    Note,
    Package,
    Stored,
    _assigned_once,
    _calls_of,
    _declared_empty,
    _is_cut,
    key_of,
    lifted_source,
    package_for,
    package_of,
    param_names,
    picked_field,
    receiver_made_with,
)
from leakscope.core.rules._retention_syntax import (
    _CACHE_NAME,
    _CALL_RX,
    _CALLBACK_RX,
    _KEEPER_METHODS,
    _MAX_BINDINGS,
    _MAX_COLLECTED,
    _NO_BINDING,
    _PIECE_PACKAGES,
    _PIECE_RESULTS,
    _RECORD_RX,
    _REGEXP,
    _REGEXP_BY_NAME,
    _SCANNER_RX,
    _SLICE_RX,
    _SPLITTERS,
    _URL_FIELD_RX,
    _URL_PARSERS,
    _VIEW_RX,
    SLICE,
    STRING,
    _args,
    _call_of_argument,
    _callee_name,
    _defined_whole,
    _first_arg,
    _flat,
    _is_fresh,
    _is_reset,
    _is_whole,
    _list_items,
    _statement_of,
    _unique,
    appends,
    copy_of,
    keyed_value,
    normalise,
    weaker,
    zero_copy_operand,
)
from leakscope.core.syntax import (
    FUNCTION_NODES,
    captures,
    enclosing_function,
    function_name,
    paired_target,
    statements,
    text,
    unparen,
    within,
)
from leakscope.core.types import (
    IMPORT,
    LOCAL,
    PACKAGE_VAR,
    PARAM,
    RANGE,
    RECEIVER,
    Binding,
    TypeResolver,
    is_map,
    is_pointer,
    is_slice,
)


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
    helper: bool = False  # returned by a helper of the package (`jsonField(doc, "user")`)
    # A struct whose fields of these names are the pieces (`r, err := parseRule(line)`):
    # selecting one takes a level off (see `Returned.fields`).
    fields: frozenset[str] | None = None
    # Those pieces are not the parts of one cut (`Returned.apart`): not a partition.
    apart: bool = False
    # The value of the last local that holds the piece itself, given it whole by its one
    # definition (`f[1]` of `name := f[1]`): a copy there covers every later use.
    named: Node | None = None


@dataclass
class Leak:
    piece: Piece
    value: Node  # the stored expression (wrapped by the fix)
    levels: int
    how: str  # "stored in", "appended to", "used as a key of", "sent on", ...
    target: Target
    nested: bool = False
    split: Node | None = None  # the last splitting call that cut a nested piece
    # The holder is likely made per call of a function of the package (`Package.per_call`),
    # though other packages may pass one of their own: (reason, notes).
    per_call: tuple[str, tuple[tuple[str, int, int, str], ...]] | None = None
    # Why the place may well not outlive its use, when that makes the leak minor.
    bounded: str = ""
    # Handed to a statement that stores this parameter twice (`m[s] = s`): the name to copy
    # just before it (`Stored.rebind`).
    rebind: str = ""
    # The stored expression, when the leak is reported (and fixed) where the local it is
    # stored through is given the piece (`Piece.named`, `_Analysis._anchored`).
    store: Node | None = None
    # With `store`: how many other places keep the same local (related locations).
    also: int = 0
    # Handed back to where the helper of the package that returned the pieces puts them in
    # its result (`Returned.copy_at`, `_hand_back`): the helper as the caller called it.
    made: str = ""


@dataclass
class _Climb:
    value: Node
    node: Node
    levels: int
    contained: bool = False
    appended: bool = False
    nested: bool = False
    split: Node | None = None
    # Steps through helpers of the package (their returns, a constructor's new object).
    notes: list[tuple[str, int, int, str]] = field(default_factory=list)
    wrapped: str = ""  # the constructor whose new object holds the piece
    fields: frozenset[str] | None = None  # a helper's record holds it (see `Piece.fields`)


def analyse(ctx: FileContext) -> list[Leak]:
    """Every leak in the file (both families), computed once and shared by both rules."""
    resolver = ctx.types
    cached = resolver.cache.get("retention")
    if cached is None:
        # The package summaries may have analysed this file already (a caller or helper of
        # another file): the same tree, so the same analysis.
        package = package_for(ctx)
        ready = package.ready(ctx) if package is not None and ctx.focus is None else None
        cached = (ready or _Analysis(ctx, resolver)).run()
        resolver.cache["retention"] = cached
    assert isinstance(cached, list)
    return cached


def diagnostics(ctx: FileContext, family: str) -> list[Diagnostic]:
    return [_diagnostic(ctx, leak) for leak in analyse(ctx) if leak.piece.family == family]


class _Analysis(Origins, Places, Handing):
    def __init__(
        self, ctx: FileContext, resolver: TypeResolver, package: Package | None = None
    ) -> None:
        self.ctx = ctx
        self.types = resolver
        self.root = ctx.root
        self.leaks: dict[tuple[int, int], Leak] = {}
        self._origins: dict[tuple[int, int], Source | None] = {}
        self._summary_origins: dict[tuple[int, int], Source | None] = {}
        self._pools: frozenset[str] | None = None
        self._assignments: dict[tuple[int, str], list[tuple[Node, int]]] = {}
        self._package = package
        self._helper_notes: dict[int, tuple[tuple[str, int, int, str], ...]] = {}
        self._record_fields: dict[int, frozenset[str]] = {}  # (see `Piece.fields`)
        self._picked: set[int] = set()  # helper calls returning picked fields (`Returned`)
        # (a piece's origin, a local channel) already followed to its receives
        self._channels: set[tuple[int, int, int]] = set()
        # Calls of helpers returning several pieces that are not parts (`Package.parts_at`).
        self._tokens: set[int] = set()
        self._climbed: list[Leak] | None = None  # (see `climbed`)
        # Leaks (by value) to report at the store of the function they are passed to: where,
        # and a note at the call (see `_into_helper`).
        self._handing: dict[tuple[int, int], tuple[tuple[str, int, int], Note]] = {}

    @property
    def pkg(self) -> Package:
        """The summaries of the package's functions (made on first use)."""
        if self._package is None:
            self._package = package_of(self)
        return self._package

    def run(self) -> list[Leak]:
        """Every leak of the file: those its own pieces make (`climbed`) and, in a whole
        analysis, those the package's calls hand to its stores (`_handed_here`)."""
        leaks = list(self.climbed())
        if package_for(self.ctx) is not None and (
            self.ctx.focus is None or self._stores_in_focus()
        ):
            leaks.extend(self._handed_here())
        return sorted(leaks, key=lambda x: x.value.start_byte)

    def climbed(self) -> list[Leak]:
        """The leaks of this file's pieces, followed from where they are cut (made once). A
        piece passed to a function that stores it as it is goes to the store's file
        (`Package.hand`)."""
        if self._climbed is not None:
            return self._climbed
        for node, family, levels, operand in self._candidates():
            source = self.origin(operand)
            if source is None:
                continue
            piece = Piece(family, node, source, 0 if levels == "iter" else int(levels))
            if node.type == "selector_expression":
                piece.split = node  # (`u.Host` of a parsed URL: one part picked of the text)
            # A helper's call: its returns, down to the cut, are steps of the chain.
            notes = self._helper_notes.get(node.start_byte)
            if notes is not None:
                piece.steps.extend(notes)
                piece.helper = True
                piece.fields = self._record_fields.get(node.start_byte)
            self._climb(piece, node, levels == "iter")
        kept = []
        for leak in _drop_partitions(
            self.leaks.values(), self._tokens, self._evicted, self._picking_call
        ):
            handing = self._handing.get((leak.value.start_byte, leak.value.end_byte))
            if handing is not None:
                self.pkg.hand(handing[0], self.ctx.path, leak, handing[1])
            elif not self._hand_back(leak):
                kept.append(leak)
        self._climbed = self._anchored(kept)
        return self._climbed

    def _hand_back(self, leak: Leak) -> bool:
        """Hand a leak of what a helper of the package returns, kept whole (`entries :=
        parseListing(string(body))`, then `f.dirCache[dir] = entries`), to where the helper
        puts each piece in its result (`Entry{Name: strings.TrimSuffix(name, "/")}`): a copy
        there fixes it for every caller, where this caller, holding records or a collection,
        has nothing to wrap. Not from a test into the package's code (a test's data says
        nothing of what the program keeps)."""
        piece = leak.piece
        # (The helper that made the record: where the piece was cut, or a call it went
        # through, `n, err := parseEnode(line)`.)
        call = piece.origin if piece.helper else leak.split
        if leak.levels == 0 or call is None or call.type != "call_expression":
            return False
        returned = self.pkg.returned_at(self, call)
        if returned is not None and returned.keyed:
            return True  # (a map of each record's key and value, kept whole: nothing wasted)
        if returned is None or not returned.copy_at:
            return False
        if self.ctx.is_test and not all(at[0].endswith("_test.go") for at in returned.copy_at):
            return False
        caller = enclosing_function(call)
        name = (function_name(caller) if caller is not None else None) or "a caller"
        called = _flat(text(call.child_by_field_name("function")))
        message = f"{name} keeps what {called} returns here"
        note = (self.ctx.path, call.start_byte, call.end_byte, message)
        made = replace(leak, made=called)
        for at in returned.copy_at:
            self.pkg.hand(at, self.ctx.path, made, note)
        return True

    def _picking_call(self, call: Node) -> bool:
        """Whether `call` is of a helper of the package that gives its pieces for some lines
        only (`picks_lines`): `if !strings.HasPrefix(line, prefix) { return "", "", false }`."""
        if call.type != "call_expression":
            return False
        key = self.pkg.callee(self, call)
        decl = self.pkg.decl(key) if key is not None else None
        body = decl[1].child_by_field_name("body") if decl is not None else None
        return body is not None and picks_lines(body.text or b"")

    def _anchored(self, leaks: list[Leak]) -> list[Leak]:
        """The leaks of a local kept in several places, that one definition gives the piece
        whole (`name := f[1]`, then `m[name] = &Topic{Name: name}`), as one finding where it
        is given: a copy there covers every place it is kept, as maintainers write the fix,
        where a copy at each store would copy it twice. The stores are related locations."""
        groups: dict[tuple[int, int], list[Leak]] = {}
        for leak in leaks:
            named = leak.piece.named
            if named is not None and self._anchors(leak, named):
                groups.setdefault((named.start_byte, named.end_byte), []).append(leak)
        out: list[Leak] = []
        for leak in leaks:
            named = leak.piece.named
            group = groups.get((named.start_byte, named.end_byte), []) if named else []
            if len(group) < 2 or leak not in group:
                out.append(leak)
                continue
            if leak is not group[0]:
                continue
            notes = [
                (other.value.start_byte, other.value.end_byte, f"{text(other.value)} is kept here")
                for other in sorted(group, key=lambda x: x.value.start_byte)
            ]
            piece = replace(leak.piece, steps=[*leak.piece.steps, *notes])
            also = len(group) - 1
            out.append(replace(leak, value=named, store=leak.value, piece=piece, also=also))
        return out

    def _anchors(self, leak: Leak, named: Node) -> bool:
        """Whether `leak` is better reported at `named` (`_anchored`): the local itself kept
        (not a piece cut from it since, not a collection of pieces, not a truncation in
        place), in the same function, of the piece's own type, and, for a slice, a local
        never written through (`b[i] = x`, `copy(b, ...)`, `r.Read(b)`, `append(b, ...)`),
        which a copy would cut off."""
        value = leak.value
        if leak.levels != 0 or leak.rebind or leak.piece.source.kind == sources.TRUNCATED:
            return False
        func = enclosing_function(value)
        if value.type != "identifier" or func is None or enclosing_function(named) != func:
            return False
        statement = named.parent
        while statement is not None and statement.type in (
            "parenthesized_expression",
            "expression_list",
        ):
            statement = statement.parent
        binding = self.types.lookup(value)
        if statement is None or binding is None or binding.node is None:
            return False
        ident = binding.node
        if statement.type == "assignment_statement":
            # (Or set again whole, `name = strings.ToLower(name)` of a range variable: the
            # climb follows the piece from the last such assignment before the stores.)
            lefts = _list_items(statement.child_by_field_name("left"))
            again = self.types.lookup(lefts[0]) if len(lefts) == 1 else None
            if again is not None and again.declared_at == binding.declared_at:
                ident = lefts[0]
        if _defined_whole(statement, ident, named) is None:
            return False
        under = self.types.underlying(self.types.type_of(named))
        if leak.piece.family == STRING:
            return under == "string"
        if under is None or not is_slice(under):
            return False
        body = self.ctx.source[statement.end_byte : func.end_byte]
        word = re.escape(text(value).encode())
        written = re.compile(
            rb"\b%s\s*\[[^\]\n]*\]\s*(?:(?:<<|>>|&\^|[-+*/%%&|^])?=(?!=)|\+\+|--)"
            rb"|\b(?:copy|append)\(\s*%s\b|\.Read\w*\(\s*%s\b" % (word, word, word)
        )
        return written.search(body) is None

    # -- candidates ------------------------------------------------------------------------

    def _candidates(self) -> list[tuple[Node, str, int | str, Node]]:
        out: list[tuple[Node, str, int | str, Node]] = []
        source = self.ctx.source
        seen: set[int] = set()
        # When a fix is re-checked, only the declarations it touched need looking at.
        spans = self.ctx.focus if self.ctx.focus is not None else ((0, len(source)),)
        slice_matches = (m for a, b in spans for m in _SLICE_RX.finditer(source, a, b))
        storers = self.pkg.storer_names
        pooled = self.pkg.gives_back()
        call_matches = (m for a, b in spans for m in _CALL_RX.finditer(source, a, b))
        for match in slice_matches:
            token = self._slice_colon(match.start(), match.end())
            if token is None:
                continue
            node = token.parent
            if node is None or node.type != "slice_expression" or node.start_byte in seen:
                continue
            seen.add(node.start_byte)
            if not _may_be_kept(node, storers, pooled) or _is_whole(node):
                continue
            operand = node.child_by_field_name("operand")
            if operand is None:
                continue
            if _is_reset(node):
                # Emptied for reuse; under `cap(x.f) > max` it was meant to drop the array.
                dropped = self._dropped(node, operand)
                if dropped is not None:
                    self._origins[(operand.start_byte, operand.end_byte)] = dropped
                    under = self.types.underlying(self.types.type_of(operand))
                    out.append((node, STRING if under == "string" else SLICE, 0, operand))
                continue
            if self._wastes_little(node):
                # (Unless it is a view: all of it changes under the holder, `rec[16:]`.)
                found = self.origin(operand)
                if found is None or found.kind != sources.VIEW:
                    continue
            if self.origin(operand) is None:
                truncated = self._truncation(node, operand) or self._last_of(node, operand)
                if truncated is None:
                    continue
                self._origins[(operand.start_byte, operand.end_byte)] = truncated
            under = self.types.underlying(self.types.type_of(operand))
            if under == "string":
                out.append((node, STRING, 0, operand))
            elif is_slice(under):
                out.append((node, SLICE, 0, operand))
        view_matches = (m for a, b in spans for m in _VIEW_RX.finditer(source, a, b))
        for match in view_matches:
            # `sc.Bytes()`, `r.ReadSlice('\n')`: a view of the reader's buffer, kept as it is.
            call = self._selector_call(match.start() + 1, match.end() - 1)
            if call is None or not _may_be_kept(call, storers, pooled):
                continue
            kind = self._read_call(call)
            if kind == sources.ASSEMBLED:  # (`s.gzBuf.Bytes()` of a buffer reset for reuse)
                found = self._read_source(call)
                kind = found.kind if found is not None else None
            if kind == sources.VIEW:
                out.append((call, SLICE, 0, call))
        for match in (m for a, b in spans for m in _RECORD_RX.finditer(source, a, b)):
            # `rec, err := r.Read()` of a `csv.Reader`: the fields are pieces of the row.
            call = self._selector_call(match.start() + 1, match.end() - 2)
            if call is None or not _may_be_kept(call, storers):
                continue
            if self._read_call(call) == sources.LINE:
                out.append((call, STRING, 1, call))
        # The driver's bytes a `sql.Scanner` gets (`case []byte:` of `switch v := src.(type)`
        # in `Scan(src any) error`), kept as they are.
        for match in (m for a, b in spans for m in _SCANNER_RX.finditer(source, a, b)):
            out.extend(self._scanned_uses(match.start()))
        for match in (m for a, b in spans for m in _URL_FIELD_RX.finditer(source, a, b)):
            found = self._url_part(match.start() + 1, match.end())
            if found is not None:
                out.append(found)
        # The parameters of function literals that a function of the package calls with
        # pieces (`ls.Range(func(name, value string) {...})`), where they are used.
        for match in (m for a, b in spans for m in _CALLBACK_RX.finditer(source, a, b)):
            before = source[match.start() - 1 : match.start()]
            if before.isalnum() or before in (b"_", b"."):
                continue  # (`myfunc(`, `x.func(`)
            out.extend(self._callback_uses(match.start(), storers))
        # The fields a function of the package fills with pieces or views, of a local record
        # passed to it (`d.decode(&rec)`, then `rec.Data`).
        records = self.pkg._record_types()
        for match in (m for a, b in spans for m in _FILLED_RX.finditer(source, a, b)):
            before = source[max(match.start() - 8, 0) : match.start()].rstrip(b" \t")
            if not before.endswith((b"(", b",")):
                continue
            func_start = max(source.rfind(b"\nfunc ", 0, match.start()), 0)
            if _record_declared(source, match.group(1), func_start, match.start(), records):
                out.extend(self._filled_uses(match.start(1), storers))
        # Calls of the package's piece-returning helpers (a few names per package, found once
        # for the package): looked for by name.
        for at, end in _calls_named(source, self.pkg.piece_helpers(), spans):
            found = self._helper_call(at, end)
            if found is not None:
                out.append(found)
        # Calls of helpers that give their parameter back (nearly) whole, of a view: a view
        # still (`val, err := decodeValue(buf)` returning `b[12:]`, of a pooled buffer). Only
        # where the file may hold views: a pool given back to, a reader's view.
        if pooled or _VIEW_RX.search(source) is not None:
            returning, pieces = self.pkg.followed()
            for at, end in _calls_named(source, sorted(returning - pieces), spans):
                found = self._view_given_back(at, end)
                if found is not None:
                    out.append(found)
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

    def _filled_uses(
        self, at: int, storers: Callable[[], frozenset[str]]
    ) -> list[tuple[Node, str, int | str, Node]]:
        """The uses of the fields of a local record (`&rec` at `at`) that the package
        function the call calls fills with pieces or views (`Package.filled`), after it."""
        ident = self.root.descendant_for_byte_range(at, at + 1)
        arg = ident.parent if ident is not None else None
        args = arg.parent if arg is not None else None
        call = args.parent if args is not None else None
        if ident is None or arg is None or call is None or call.type != "call_expression":
            return []
        if _callee_name(call) not in storers():
            return []
        func = enclosing_function(call)
        if func is None:
            return []
        position = next((i for i, a in enumerate(_args(call)) if a == arg), -1)
        key = self.pkg.callee(self, call) if position >= 0 else None
        fields = self.pkg.filled(key, position) if key is not None else {}
        if not fields:
            return []
        out: list[tuple[Node, str, int | str, Node]] = []
        name = re.escape(text(ident).encode())
        for filled, returned in fields.items():
            word = re.compile(rb"(?<![\w.])" + name + rb"\." + re.escape(filled.encode()) + rb"\b")
            for use in word.finditer(self.ctx.source, call.end_byte, func.end_byte):
                selector = self.root.descendant_for_byte_range(use.start(), use.end())
                if selector is None or selector.type != "selector_expression":
                    continue
                if not _may_be_kept(selector, storers):
                    continue
                out.append((selector, returned.family, 0, selector))
        return out

    def _scanned_uses(self, at: int) -> list[tuple[Node, str, int | str, Node]]:
        """The uses of the bytes a `Scan(src any) error` method (at `at`) gets from the
        driver (`Origins._scanned`) that may be kept, as candidates."""
        node = self.root.descendant_for_byte_range(at, at + 1)
        while node is not None and node.type != "method_declaration":
            node = node.parent
        body = node.child_by_field_name("body") if node is not None else None
        out: list[tuple[Node, str, int | str, Node]] = []
        for ident in captures("(identifier) @i", body).get("i", []) if body is not None else ():
            binding = self.types.lookup(ident)
            if binding is None or binding.node == ident or not _may_be_kept(ident):
                continue
            if self._scanned(ident, binding) is not None:
                out.append((ident, SLICE, 0, ident))
        return out

    def _url_part(self, start: int, end: int) -> tuple[Node, str, int | str, Node] | None:
        """`u.Host` of `u, err := url.Parse(raw)`: a piece of `raw` (`url.Parse` cuts the
        parts from its input and unescapes them only when they hold an escape), as a
        candidate."""
        field = self.root.descendant_for_byte_range(start, end)
        selector = field.parent if field is not None else None
        if field is None or field.type != "field_identifier" or selector is None:
            return None
        operand = selector.child_by_field_name("operand")
        if operand is None or operand.type != "identifier":
            return None
        if not _may_be_kept(selector, self.pkg.storer_names):
            return None
        binding = self.types.lookup(operand)
        value = unparen(binding.value) if binding is not None and binding.value else None
        if binding is None or value is None or binding.index != 0 or not binding.multi:
            return None
        if value.type != "call_expression" or _callee_name(value) not in _URL_PARSERS:
            return None
        func = value.child_by_field_name("function")
        package = func.child_by_field_name("operand") if func is not None else None
        imported = self.types.lookup(package) if package is not None else None
        if imported is None or imported.kind != IMPORT or imported.import_path != "net/url":
            return None
        args = _args(value)
        if len(args) != 1 or self.origin(args[0]) is None:
            return None
        statement = _statement_of(selector)
        left = statement.child_by_field_name("left") if statement is not None else None
        if left is not None and re.match(re.escape(text(operand)) + r"\s*\.", text(left)):
            return None  # `u.Host = removeEmptyPort(u.Host)`: back into the URL, which holds it
        return selector, STRING, 0, args[0]

    def _callback_uses(
        self, at: int, storers: Callable[[], frozenset[str]]
    ) -> list[tuple[Node, str, int | str, Node]]:
        """The uses that may be kept of the parameters of the function literal at `at`,
        passed to a function of the package that calls it with pieces (`Package.passes`),
        as candidates: their source is what that function passes (`_callback_origin`)."""
        node = self.root.descendant_for_byte_range(at, at + 4)
        literal = node.parent if node is not None else None
        call = _call_of_argument(literal) if literal is not None else None
        body = literal.child_by_field_name("body") if literal is not None else None
        if literal is None or literal.type != "func_literal" or call is None or body is None:
            return []
        # (Cheap tests first: most literals are given to other packages, `sort.Slice`,
        # `t.Run`, or take no string or slice.)
        params = literal.child_by_field_name("parameters")
        if params is None or _PIECE_PARAM.search(params.text or b"") is None:
            return []
        if _callee_name(call) not in self.pkg.declared_names():
            return []
        callback = _args(call).index(literal)
        idents = captures("(identifier) @i", body).get("i", [])
        out: list[tuple[Node, str, int | str, Node]] = []
        for position, name in enumerate(param_names(literal)):
            if name == "_" or name.encode() not in (body.text or b""):
                continue
            passed = self.pkg.passes(self, call, callback, position)
            if passed is None or not (passed.piece or passed.levels):
                continue
            for ident in idents:
                if text(ident) != name or not _may_be_kept(ident, storers):
                    continue
                binding = self.types.lookup(ident)
                if binding is None or binding.kind != PARAM or binding.node is None:
                    continue
                if not literal.start_byte <= binding.node.start_byte < body.start_byte:
                    continue
                found = self.origin(ident)  # (`_callback_origin`, kept for the climb)
                if found is None or (found.param is not None and found.param.node == binding.node):
                    break  # (what it is given is small, or not known)
                # (Found by another function, like a helper's pieces: not known to be the
                # parts of one cut when the literal keeps several together.)
                self._helper_notes[ident.start_byte] = ()
                out.append((ident, passed.family, passed.levels, ident))
        return out

    def _truncation(self, piece: Node, operand: Node) -> Source | None:
        """`if len(x.f) > n { x.f = x.f[:n] }`: a long-lived string or slice of plain values
        cut in place under a length guard, meant to free memory. The guard shows it can be
        longer than what is kept; the cut keeps all of its backing array. (Slices of pointers
        are resliced-pointers' business.)"""
        start = piece.child_by_field_name("start")
        name = _flat(text(operand))
        end = _prefix_end(piece)
        # `x[len(x)-n:]` keeps the last n; `x = x[n:]` alone is consuming a buffer.
        suffix = (
            piece.child_by_field_name("end") is None
            and start is not None
            and f"len({name})" in _flat(text(start))
        )
        if end is None and not suffix:
            return None
        bound = end if end is not None else start
        if piece.child_by_field_name("capacity") is not None:
            return None
        owner = _holding_statement(piece)
        if (
            owner is None
            or owner.type != "assignment_statement"
            or owner.child_by_field_name("right") != piece.parent
            or piece.parent.named_child_count != 1
            or text(owner.child_by_field_name("operator")) != "="
        ):
            return None
        lefts = _list_items(owner.child_by_field_name("left"))
        if len(lefts) != 1 or _flat(text(lefts[0])) != name:
            return None
        under = self.types.underlying(self.types.type_of(operand))
        if self.assign_target(lefts[0]) is None:
            # A local slice the function grew or got from a call, cut to its last (or first)
            # n and then stored (`entries = entries[len(entries)-keep:]; r.recent = entries`):
            # whatever its elements, the cut keeps all the array, and every element dropped
            # from it stays reachable (a local is not resliced-pointers' business).
            if not is_slice(under) or not self._grown_here(operand):
                return None
        elif under != "string" and not (
            is_slice(under) and under is not None and under[2:] in _PLAIN_ELEMENTS
        ):
            return None
        guard = self._length_guard(owner, name, bound)
        if guard is None:
            return None
        return _truncated(operand, guard, f"{name} can be longer than what is kept")

    def guarded_return(self, piece: Node) -> Source | None:
        """`if len(sql) > maxLen { return sql[:maxLen] }`: a helper returning the first part
        of a string under a length guard (a sample, a truncated message). The guard shows
        the input can be longer than what is kept, whoever passes it; the cut keeps all of
        it."""
        operand = piece.child_by_field_name("operand")
        end = _prefix_end(piece)
        if operand is None or end is None:
            return None
        statement = _holding_statement(piece)
        if (
            statement is None
            or statement.type != "return_statement"
            or self.types.underlying(self.types.type_of(operand)) != "string"
        ):
            return None
        name = _flat(text(operand))
        guard = self._length_guard(statement, name, end)
        if guard is None:
            return None
        return _truncated(operand, guard, f"{name} can be longer than what is kept")

    def _last_of(self, piece: Node, operand: Node) -> Source | None:
        """`pts[len(pts)-n:]` of a slice the function made or got from a call: the last n
        of something that can be longer (what else would the cut be for), kept with all of
        its backing array. A local the function cuts in place is `_truncation`'s."""
        start = piece.child_by_field_name("start")
        if piece.child_by_field_name("end") is not None or start is None:
            return None
        name = _flat(text(operand))
        bound = unparen(start)
        if (
            operand.type != "identifier"
            or bound.type != "binary_expression"
            or text(bound.child_by_field_name("operator")) != "-"
            or _flat(text(bound.child_by_field_name("left"))) != f"len({name})"
        ):
            return None
        if not is_slice(self.types.underlying(self.types.type_of(operand))):
            return None
        if not self._grown_here(operand):
            return None
        return _truncated(operand, bound, f"the last elements of {name}, which can be longer")

    def _grown_here(self, operand: Node) -> bool:
        """Whether `operand` is a local slice of the function's own making: declared empty
        (`var x []T`, `x := []T{}`, `x := make([]T, 0, n)`) and appended to (`x =
        append(x, v)`), or the result of a call (`samples, err := q.QueryRange(...)`), whose
        size the length guard shows can be more than what is kept. Not a parameter: its
        array is the caller's, who may well keep it anyway."""
        if operand.type != "identifier":
            return False
        binding = self.types.lookup(operand)
        if binding is None or binding.kind != LOCAL:
            return False
        value = unparen(binding.value) if binding.value is not None else None
        if value is not None and value.type == "call_expression" and _callee_name(value) != "make":
            return True
        if binding.multi or not (
            value is None
            or value.type == "nil"
            or (value.type == "composite_literal" and _flat(text(value)).endswith("{}"))
            or (
                _callee_name(value) == "make"
                and len(_args(value)) >= 2
                and text(_args(value)[1]) == "0"
            )
        ):
            return False
        func = enclosing_function(operand)
        name = re.escape(operand.text or b"")
        grows = rb"(?<![\w.])" + name + rb"\s*=\s*append\(\s*" + name + rb"\b"
        return func is not None and re.search(grows, func.text or b"") is not None

    def _dropped(self, piece: Node, operand: Node) -> Source | None:
        """`if cap(x.f) > max { x.f = x.f[:0] }`: a long-lived slice of plain values emptied
        in place under a capacity guard, meant to let an oversized array go. Emptied, it
        keeps all of that array for the next use."""
        capacity = piece.child_by_field_name("capacity")
        if text(piece.child_by_field_name("end")) != "0" or (
            capacity is not None and text(capacity) == "0"
        ):
            return None  # (`x[:0:n]` only hides the capacity it keeps; `x[:0:0]` keeps none)
        name = _flat(text(operand))
        owner = _statement_of(piece)
        lefts = _list_items(owner.child_by_field_name("left"))
        if (
            owner.type != "assignment_statement"
            or len(lefts) != 1
            or _flat(text(lefts[0])) != name
            or text(owner.child_by_field_name("operator")) != "="
        ):
            return None
        under = self.types.underlying(self.types.type_of(operand))
        if not (is_slice(under) and under is not None and under[2:] in _PLAIN_ELEMENTS):
            return None
        if self.assign_target(lefts[0]) is None:
            return None
        # What measures the array: its capacity, or the length it was last cut or made to
        # in this function (`c.rbuf = c.rbuf[:n]` ... `if n > 1<<20 { c.rbuf = c.rbuf[:0] }`).
        measures = [r"cap\(\s*" + re.escape(name) + r"\s*\)"]
        func = enclosing_function(owner)
        if func is not None:
            sized = re.finditer(
                re.escape(name).encode()
                + rb"\s*=\s*(?:"
                + re.escape(name).encode()
                + rb"\[\s*(?:0\s*)?:\s*(\w+)\s*\]|make\(\s*\[\]\w+\s*,\s*(\w+)\s*[,)])",
                (func.text or b"")[: owner.start_byte - func.start_byte],
            )
            for match in sized:
                size = (match.group(1) or match.group(2)).decode()
                if size != "0" and not size.isdigit():
                    measures.append(r"\b" + re.escape(size) + r"\b")
        measured = "(?:" + "|".join(measures) + ")"
        wanted = re.compile(
            measured + r"\s*>=?\s*([\w.]+(?:\s*(?:<<|\*)\s*\w+)*)"
            r"|([\w.]+(?:\s*(?:<<|\*)\s*\w+)*)\s*<=?\s*" + measured
        )
        for cond in _guards(owner):
            found = wanted.search(_flat(text(cond)))
            limit = (found.group(1) or found.group(2)) if found is not None else ""
            # A limit: a constant size (not `cap(x) > 0`, which asks for an array at all) or
            # a name that says it is one.
            value = sources.constant_size(limit)
            if (value is not None and value > 0) or re.search(_LIMIT_NAME, limit):
                return _truncated(operand, cond, f"{name} is oversized here")
        return None

    def _length_guard(self, statement: Node, name: str, bound: Node | None) -> Node | None:
        """The condition of an `if` whose body holds `statement` (in the same function) that
        compares `len(name)` with a limit, the one the cut keeps: `len(x.f) > maxLen`,
        `n < len(x.f)` with a constant `n` or one named as a limit (`max`, `limit`, `keep`,
        `size`, ...). Other guards (`len(b) > 0`, `end < len(b)`) trim for other reasons."""
        limit = self._limit(statement, bound)
        if limit is None:
            return None
        wanted = re.compile(
            r"len\(\s*" + re.escape(name) + r"\s*\)\s*>|<=?\s*len\(\s*" + re.escape(name) + r"\s*\)"
        )
        for cond in _guards(statement):
            flat = _flat(text(cond))
            if wanted.search(flat) and limit in flat:
                return cond
        return None

    def _limit(self, statement: Node, bound: Node | None) -> str | None:
        """The limit a truncation keeps (`maxLen` in `x[:maxLen]`, `n` in `x[len(x)-n:]`),
        when it is a constant or named as a limit; else None."""
        if bound is None:
            return None
        bound = unparen(bound)
        if bound.type == "binary_expression" and text(bound.child_by_field_name("operator")) == "-":
            bound = unparen(bound.child_by_field_name("right") or bound)
        if self._constant(bound):
            return _flat(text(bound))
        if bound.type not in ("identifier", "selector_expression"):
            return None
        word = text(bound).rsplit(".", 1)[-1]
        if re.search(_LIMIT_NAME, word):
            return _flat(text(bound))
        if bound.type == "identifier":
            binding = self.types.lookup(bound)
            value = binding.value if binding is not None else None
            if value is not None and self._constant(value):
                return _flat(text(bound))  # `n := 200`
        return None

    def _helper_call(self, start: int, end: int) -> tuple[Node, str, int, Node] | None:
        """A call of a package helper that returns a piece (of a parameter or of big data),
        as a candidate: (call, family, levels, the value it is a piece of)."""
        call = self._call_named_at(start, end)
        if call is None or not _may_be_kept(call, self.pkg.storer_names):
            return None
        returned = self.pkg.returned_at(self, call)
        view = returned is not None and returned.source is not None
        view = view and returned.source.kind == sources.VIEW  # (kept wrong even whole)
        if returned is None or not (returned.piece or view):
            # `id, content, ok := parseKeyLine(line)`: a piece after a status.
            later = self.pkg.later_at(self, call)
            if not later:
                return None
            returned = later[0][1]
            if returned.param is None and returned.source is not None:
                # (`_, uri, err := peerIdentity(r)` of a helper cutting it from a body it
                # reads: what the call gives back there, its first result none.)
                given = self._given(call, returned, 0)
                if given is None:
                    return None
                self._origins[(call.start_byte, call.end_byte)] = replace(given, node=call)
        self._helper_notes[call.start_byte] = returned.notes
        if returned.fields is not None:
            self._record_fields[call.start_byte] = returned.fields
        if returned.picked:
            self._picked.add(call.start_byte)
        if returned.field is not None:
            # `rr.next()` of `rr := &recordReader{buf: data}`: a piece of what it was made with.
            made = receiver_made_with(self, call, returned.field)
            if made is None:
                # (A field the package sets to data read whole, a pooled receiver given back.)
                found = self.origin(call)
                return (call, returned.family, returned.levels, call) if found else None
            found = self.origin(made[0])
            if found is None or (found.kind == sources.PARAM and not made[1]):
                return None  # (a zero-copy decoder over its caller's data is by design)
            return call, returned.family, returned.levels, made[0]
        if returned.param is None:
            return call, returned.family, returned.levels, call
        if returned.param_field is not None:
            # (A piece of a field of the argument: what the call's origin follows.)
            return (call, returned.family, returned.levels, call) if self.origin(call) else None
        args = _args(call)
        if returned.param >= len(args):
            return None
        found = sources.decoded_from(self.origin(args[returned.param]), returned.decoded, False)
        if found is None:
            return None
        return call, returned.family, returned.levels, args[returned.param]

    def _call_named_at(self, start: int, end: int) -> Node | None:
        """The call whose function's name (`f`, or `x.f`) spans `start`..`end`."""
        ident = self.root.descendant_for_byte_range(start, end)
        if ident is None or ident.type not in ("identifier", "field_identifier"):
            return None
        call = ident.parent
        if call is not None and call.type == "selector_expression":
            call = call.parent
        return call if call is not None and call.type == "call_expression" else None

    def _view_given_back(self, start: int, end: int) -> tuple[Node, str, int, Node] | None:
        """A call of a package helper that returns its argument as it is or nearly whole
        (`return b[12:]`), passed a view (`_candidates`): the call, as a candidate."""
        call = self._call_named_at(start, end)
        if call is None or not _may_be_kept(call, self.pkg.storer_names):
            return None
        returned = self.pkg.returned_at(self, call)
        if returned is None or returned.param is None or returned.piece or returned.levels:
            return None
        if returned.param_field is not None:
            return None
        args = _args(call)
        if returned.param >= len(args):
            return None
        found = self.origin(args[returned.param])
        if found is None or found.kind != sources.VIEW:
            return None
        self._helper_notes[call.start_byte] = returned.notes
        return call, returned.family, 0, args[returned.param]

    def _regexp_imported(self) -> bool:
        """Whether a file of the package imports regexp (else its values' types are not
        known as `*regexp.Regexp`)."""
        summaries = self.ctx.package.summaries.values()
        return any("regexp" in summary.imports.values() for summary in summaries) or (
            "regexp" in self.ctx.package.file_imports(self.ctx.path).values()
        )

    def _one_record(self, value: Node) -> bool:
        """Whether `value` is one struct of the package (not a slice or map of them, nor a
        range variable over one: each of them in turn)."""
        binding = self.types.lookup(value) if value.type == "identifier" else None
        if binding is not None and binding.kind == RANGE:
            return False
        type_text = self.types.type_of(value)
        if type_text is None or type_text.startswith(("[", "map[")):
            return False
        return self._package_struct(receiver_type_name(type_text))

    def _package_struct(self, name: str) -> bool:
        """Whether `name` is a struct type declared in the package."""
        info = self.types.package.types.get(name)
        return info is not None and info.underlying == "struct"

    def _record_read(self, node: Node) -> bool:
        """`r.Read()` of a `csv.Reader`: a record whose fields are pieces of its row."""
        return (
            node.type == "call_expression"
            and _callee_name(node) == "Read"
            and self._read_call(node) == sources.LINE
        )

    def _filled_to(self, operand: Node | None, end: Node) -> bool:
        """Whether `end` is `n` of `n, err := io.ReadFull(r, operand)` (or `operand`'s
        `ReadAt`), set once and followed by `if err != nil { return ... }`: those fill the
        whole buffer unless they fail, so `operand[:n]` is all of it."""
        if operand is None or end.type != "identifier":
            return False
        binding = self.types.lookup(end)
        if binding is None or binding.kind != LOCAL or binding.index != 0 or not binding.multi:
            return False
        call = unparen(binding.value) if binding.value is not None else None
        if call is None or call.type != "call_expression":
            return False
        args = _args(call)
        name = _callee_name(call)
        filled = args[1] if name == "ReadFull" and len(args) == 2 else None
        filled = args[0] if name == "ReadAt" and len(args) == 2 else filled
        if filled is None or _flat(text(filled)) != _flat(text(operand)):
            return False
        if not _fails_on_error(binding.statement):
            return False  # (a short read accepted, `io.ErrUnexpectedEOF`: n may be less)
        func = enclosing_function(end)
        if func is None:
            return False
        found = sources.assigned_offsets(
            self.ctx.source, end.text or b"", func.start_byte, func.end_byte
        )
        return next(found, None) is not None and next(found, None) is None

    def _selector_call(self, start: int, end: int) -> Node | None:
        """The call `x.NAME(...)` whose NAME spans [start, end), or None."""
        ident = self.root.descendant_for_byte_range(start, end)
        if ident is None or ident.type != "field_identifier":
            return None
        selector = ident.parent
        call = selector.parent if selector is not None else None
        if call is None or call.type != "call_expression":
            return None
        return call if call.child_by_field_name("function") == selector else None

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
        off the ends wastes only those bytes, however large s is. So does a start that a
        guard before bounds by a constant (`s[end+1:]` after `if end < 0 || end > 4 {
        return }`: a syslog priority's few bytes)."""
        operand = piece.child_by_field_name("operand")
        start = piece.child_by_field_name("start")
        end = piece.child_by_field_name("end")
        if start is not None and not self._constant(start) and not self._bounded(start, piece):
            return False
        if end is None:
            return start is not None
        if (start is None or text(start) == "0") and (
            self._made_to(operand, end) or self._filled_to(operand, end)
        ):
            # `buf[:n]` of `buf := make([]byte, n)`, or of `n, err := io.ReadFull(r, buf)`:
            # all of it
            return True
        end = unparen(end)
        if end.type != "binary_expression" or text(end.child_by_field_name("operator")) != "-":
            return False
        left = end.child_by_field_name("left")
        if left is None or operand is None:
            return False
        whole = _flat(text(operand))
        # (`buf.String()[:buf.Len()-1]`: the buffer's length is its text's.)
        lengths = {f"len({whole})"}
        made = re.fullmatch(r"(.+)\.(?:String|Bytes)\(\)", whole)
        if made is not None:
            lengths.add(f"{made.group(1)}.Len()")
        return _flat(text(left)) in lengths and self._short_trailer(
            end.child_by_field_name("right"), operand
        )

    def _bounded(self, index: Node, piece: Node) -> bool:
        """Whether `index` (`i`, `i+1`) is a local set once that an `if` before `piece`, in
        a block around it, leaves the function for when it passes a constant (`if i > 4 {
        return ... }`)."""
        index = unparen(index)
        if index.type == "binary_expression" and text(index.child_by_field_name("operator")) == "+":
            if not self._constant(index.child_by_field_name("right")):
                return False
            index = unparen(index.child_by_field_name("left") or index)
        binding = self.types.lookup(index) if index.type == "identifier" else None
        if binding is None or binding.kind != LOCAL or self._set_before(index, binding):
            return False
        name = re.escape(binding.name)
        limit = re.compile(rf"(?<![\w.]){name}\s*>=?\s*([\w.]+)")
        node = piece
        while node.parent is not None and node.type not in FUNCTION_NODES:
            block, node = node.parent, node.parent
            for sibling in block.named_children if block.type in _BLOCKS else ():
                if sibling.end_byte > piece.start_byte:
                    break  # (not an `if` the piece is cut in: `if i >= 0 { return b[i+1:] }`)
                if sibling.type != "if_statement" or sibling.child_by_field_name("initializer"):
                    continue
                cond = sibling.child_by_field_name("condition")
                if cond is not None and "&&" in text(cond):
                    continue  # (`if ok && i > 4 { return }` leaves i unbounded when not ok)
                body = sibling.child_by_field_name("consequence")
                bounds = limit.search(text(cond)) if cond is not None else None
                last = body
                while last is not None and last.type in _BLOCKS:
                    last = last.named_children[-1] if last.named_children else None
                if bounds is None or last is None or last.type != "return_statement":
                    continue
                constant = cond.descendant_for_byte_range(
                    cond.start_byte + bounds.start(1), cond.start_byte + bounds.end(1)
                )
                if constant is not None and self._constant(constant):
                    return True
        return False

    def _short_trailer(self, size: Node | None, operand: Node) -> bool:
        """Whether `size`, the bytes cut off the end of `operand`, is few: a constant, or
        the length of a value not read from the operand (`s[:len(s)-len(sep)]`, the
        separator written after the last part, as `strings.TrimSuffix` drops it). Not the
        length of what is left of the operand after its head (`s[:len(s)-len(rest)]` of
        `rest := s[i:]`): that is the head alone."""
        if self._constant(size):
            return True
        size = unparen(size) if size is not None else None
        if size is None or size.type != "call_expression" or _callee_name(size) != "len":
            return False
        args = _args(size)
        if len(args) != 1 or unparen(args[0]).type != "identifier":
            return False
        binding = self.types.lookup(unparen(args[0]))
        base = re.match(r"[A-Za-z_]\w*", _flat(text(operand)))
        if binding is None or base is None or binding.kind not in (PARAM, LOCAL):
            return False
        if binding.kind == LOCAL and (binding.value is None or binding.multi):
            return False  # (`_, rest, _ := strings.Cut(s, ":")`: what it holds is unknown)
        named = re.compile(r"(?<![\w.])" + re.escape(base.group(0)) + r"(?!\w)")
        return not any(named.search(root) for root in self._roots(args[0], 0))

    def _made_to(self, operand: Node | None, end: Node) -> bool:
        """Whether `operand` is a local made with `make(T, end)` (the same size expression,
        its names not set again since), so that `operand[:end]` is the whole of it, or with
        a few bytes more (`make(T, end+1)`: a trailer cut off wastes those only)."""
        if operand is None or operand.type != "identifier":
            return False
        binding = self.types.lookup(operand)
        value = binding.value if binding is not None else None
        if binding is None or binding.kind != LOCAL or value is None or binding.multi:
            return False
        value = unparen(value)
        args = _args(value) if value.type == "call_expression" else []
        if _callee_name(value) != "make" or len(args) < 2:
            return False
        size = _flat(text(args[1]))
        # (Or a few bytes more, a trailer checked and cut off: `make([]byte, size+1)`.)
        trailer = re.fullmatch(re.escape(_flat(text(end))) + r"\s*\+\s*(\d+)", size)
        if size != _flat(text(end)) and not (trailer and int(trailer.group(1)) <= 16):
            return False
        if self._reassigned(operand, binding) is not None:
            return False
        # The size's names are not set again between the make and the cut.
        source, start, stop = self.ctx.source, value.end_byte, end.start_byte
        for name in set(re.findall(rb"[A-Za-z_]\w*", size.encode())):
            if next(sources.assigned_offsets(source, name, start, stop), None) is not None:
                return False
            if re.search(rb"(?<![\w.])" + name + rb"\s*(?:\+\+|--)", source[start:stop]):
                return False
        return True

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
        if name not in _REGEXP_BY_NAME and not self._regexp_imported():
            return None  # a `*regexp.Regexp` is only known by type in a package that has one
        qualified = self.types.qualified(self.types.type_of(operand))
        if qualified != ("regexp", "Regexp") and not (
            qualified is None and name in _REGEXP_BY_NAME
        ):
            return None
        family, levels = _REGEXP[name]
        return family, levels, args[0]

    # -- from a piece up to where it is stored ---------------------------------------------

    def _received(self, piece: Piece, receive: Node, levels: int) -> None:
        """The piece comes out of a local channel at `receive` (`<-ch`, see `_send`): followed
        into what the receive assigns (`b := <-ch`, `case b := <-ch:`, `v, ok := <-ch`) or
        from the expression itself (`use(<-ch)`)."""
        holder = receive.parent
        statement = None
        if holder is not None and holder.type == "receive_statement":
            statement = holder
        elif (
            holder is not None
            and holder.type == "expression_list"
            and len(_list_items(holder)) == 1
            and holder.parent is not None
            and holder.parent.child_by_field_name("right") == holder
            and (
                holder.parent.type == "short_var_declaration"
                or (
                    holder.parent.type == "assignment_statement"
                    and text(holder.parent.child_by_field_name("operator")) == "="
                )
            )
        ):
            statement = holder.parent
        if statement is None:
            self._climb(piece, receive, levels=levels)
            return
        lefts = _list_items(statement.child_by_field_name("left"))
        if not lefts:
            return  # `case <-ch:`: the value is dropped
        state = _Climb(receive, receive, levels)
        if lefts[0].type == "identifier":
            self._follow(piece, state, lefts[0], levels, statement)
        else:
            self._store(piece, state, lefts[0], levels)

    def _climb(
        self, piece: Piece, start: Node, iterator: bool = False, levels: int | None = None
    ) -> None:
        state = _Climb(start, start, piece.levels if levels is None else levels)
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
            fields = state.fields or piece.fields
            if kind == "selector_expression" and fields is not None:
                # `r.Kind` of a record whose fields are the pieces: one of them.
                field = text(parent.child_by_field_name("field"))
                if (
                    parent.child_by_field_name("operand") != node
                    or state.levels != 1
                    or state.contained
                    or field not in fields
                ):
                    return
                state.levels = 0
                state.value = state.node = parent
                continue
            if kind == "index_expression":
                if parent.child_by_field_name("operand") == node:
                    if state.levels == 0 and not state.contained:
                        self._zero_copy_inline(piece, state, node)  # `unsafe.String(&b[0], n)`
                        return
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
        if self._zero_copy_helper(piece, state, call, position):
            return False
        if text(func) in ("unsafe.SliceData", "unsafe.StringData"):
            self._zero_copy_inline(piece, state, state.node)
            return False
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
            if self._through_helper(piece, state, call, position):
                return True
            if self._through_constructor(piece, state, call, position):
                return True
            self._into_helper(piece, state, call, position)
            return False
        if func.type == "selector_expression":
            method = text(func.child_by_field_name("field"))
            if appends(call) and position >= 2:
                # `idx.names = slices.Insert(idx.names, i, name)`: as append.
                state.node = call
                state.contained = True
                state.appended = True
                return True
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
            if (
                position == 0
                and state.levels == 0
                and not state.contained
                and self._iterates(call, piece.family)
            ):
                # `for f := range strings.FieldsSeq(line)`: the same, one piece at a time.
                clause = call.parent
                if clause is not None and clause.type == "range_clause":
                    state.node = state.value = call
                    state.nested = True
                    state.split = call
                    self._range(piece, state, clause, True)
                return False
            if self._through_helper(piece, state, call, position):
                return True
            if self._through_constructor(piece, state, call, position):
                return True
            stored = self.pkg.stored_at(self, call, position)
            if (
                method not in _KEEPER_METHODS
                # (A package's intern table, or a method of the package that is not a
                # cache's storing it itself, a counter's `Add(table string)`: reported at its
                # store, where a copy fixes every caller, `_into_helper`; a cache's callers
                # copy what they put in.)
                or _interning(stored)
                or self._stores_not_cache(call, stored, state.node)
                or not self._cache_store(piece, state, func, position)
            ):
                self._into_helper(piece, state, call, position)
            return False
        if func.type in ("slice_type", "parenthesized_expression") and self._conversion_keeps(
            piece, call, func
        ):
            state.node = call
            if not state.contained:
                state.value = call
            return True
        return False

    def _stores_not_cache(self, call: Node, stored: Stored | None, stored_arg: Node) -> bool:
        """Whether the package method `call` calls stores the argument itself (`stored`), and
        is not a cache's: its type is not named as one, nor are the place's entries dropped
        one by one (`_evicted`)."""
        if stored is None or stored.at is None:
            return False
        key = self.pkg.callee(self, call)
        if key is None or not self.pkg.direct_store(key, stored):
            return False
        decl = self.pkg.decl(key)
        if decl is not None and sources.flag_setter(decl[1]):
            return False  # (a flag.Value's `Set`: one argument each, as a cache's callers')
        position = next((i for i, a in enumerate(_args(call)) if a == stored_arg), -1)
        if position < 0 or self.pkg.generic_param(key, position):
            return False  # (`Set[T].Add(v T)`: no copy of a T can be written there)
        return not _CACHE_NAME.search(key[0]) and not self._evicted(stored.text)

    def _zero_copy_helper(self, piece: Piece, state: _Climb, call: Node, position: int) -> bool:
        """A piece passed to a helper of the package that converts it without a copy
        (`yoloString(b[i:j])` returning `unsafe.String(unsafe.SliceData(b), len(b))`): its
        result is the same memory, of the other family, followed from there."""
        if state.contained or state.levels != 0 or position < 0:
            return False
        returned = self.pkg.returned_at(self, call)
        if (
            returned is None
            or not returned.zero_copy
            or returned.param != position
            or returned.family == piece.family
        ):
            return False
        steps = [*piece.steps, *state.notes, *returned.notes]
        self._climb(replace(piece, family=returned.family, steps=steps), call)
        return True

    def _zero_copy_inline(self, piece: Piece, state: _Climb, node: Node) -> None:
        """The piece converted in place without a copy (`unsafe.String(&b[0], len(b))`,
        `unsafe.String(unsafe.SliceData(b), n)`): followed from the conversion, as a value of
        the other family."""
        conversion = node.parent
        for _ in range(4):  # (`&b[0]`, `unsafe.SliceData(b)`: then the conversion's call)
            if conversion is None:
                return
            if conversion.type == "call_expression":
                shared = zero_copy_operand(conversion)
                if shared is not None and shared.id == node.id:
                    break
            conversion = conversion.parent
        else:
            return
        family = SLICE if _callee_name(conversion) == "Slice" else STRING
        if family != piece.family:
            self._climb(
                replace(piece, family=family, steps=[*piece.steps, *state.notes]), conversion
            )

    def _through_helper(self, piece: Piece, state: _Climb, call: Node, position: int) -> bool:
        """A helper of the package that returns a piece of the argument the piece is passed
        as (`clean(line[:i])`, `fields(line)`): its result is a piece of the same source."""
        if state.contained or state.levels != 0 or position < 0:
            return False
        returned = self.pkg.returned_at(self, call)
        if returned is None or returned.param != position or returned.family != piece.family:
            # (A later result giving back the piece nearly whole, `typ, obj, ok :=
            # splitEvent(line)`: `_paired` takes those results. One cutting a piece of it is
            # a candidate of its own, `_helper_call`.)
            later = [
                found
                for _, found in self.pkg.later_at(self, call, whole=True)
                if found.param == position and found.family == piece.family and not found.piece
            ]
            if not later:
                return False
            returned = later[0]
        if returned.param_field is not None:  # (cuts a field of the argument, not the piece)
            return False
        if not returned.piece and not returned.levels and self.pkg.stored_at(self, call, position):
            # `intern(s)` keeping `s` and giving it back: reported where it keeps it, and the
            # copy there (`s = strings.Clone(s)` before the store) is what it gives back.
            return False
        state.node = state.value = call
        state.notes.extend(returned.notes)
        # Cut again: one helper's piece of each line is not one of the parts of a split.
        state.nested = True
        state.split = call
        if returned.levels:
            state.levels = returned.levels
        state.fields = returned.fields
        return True

    def _through_constructor(self, piece: Piece, state: _Climb, call: Node, position: int) -> bool:
        """A function of the package that puts the argument the piece is passed as inside the
        new object it returns (`newEntry(k, buf[:n])` with `return &entry{data: b}`): the
        object holds the piece, and is followed to where it is kept. Not when the object
        holds the piece's source as well (`NewPackage(path, path[i+1:])`): that is kept
        anyway."""
        if position < 0:
            return False
        contained = self.pkg.contained_at(self, call, position)
        if contained is None:
            return False
        source = _flat(text(piece.source.node))
        for i, arg in enumerate(_args(call)):
            kept = i != position and _flat(text(arg)) == source
            if kept and self.pkg.contained_at(self, call, i) is not None:
                return False
        # It may keep the object itself too (`Register` stores the new descriptor and
        # returns it): that store is reported; the returned object is followed as well.
        self._into_helper(piece, state, call, position)
        state.node = call
        state.contained = True
        state.notes.extend(contained.notes)
        state.wrapped = state.wrapped or _flat(text(call.child_by_field_name("function")))
        return True

    def _into_helper(self, piece: Piece, state: _Climb, call: Node, position: int) -> None:
        """A function of the package that stores the argument the piece is passed as, as it
        is, where it outlives the call (`c.keep(buf[:n])` with `c.data = p` in keep): the
        piece is reported at the call, with the store (in any file) as a related location."""
        if position < 0:
            return
        # (A piece inside the argument, `push(info{Magic: view})`, is kept with it.)
        stored = self.pkg.stored_at(self, call, position)
        if stored is None:
            stored = self._elements_stored(piece, state, call, position)
        closure = self._closure(call) if stored is None else None
        if closure is not None:
            # `record := func(obj, reason string) { c.last[obj] = reason }`, then
            # `record(f[0], reason)`: a function literal of this function that stores it.
            stored = self.pkg.closure_stored(self, closure, position)
        if stored is None and closure is None:
            self._into_method_value(piece, state, call, position)
            return
        if stored is None:
            return
        func = call.child_by_field_name("function")
        # The place is named in the callee: here, the object is the call's receiver, if any.
        holder = ""
        if stored.receiver and closure is None:  # (a literal's place is named as here)
            operand = func.child_by_field_name("operand") if func is not None else None
            if operand is None or func is None or func.type != "selector_expression":
                return
            if self.shared(operand) is None:
                # A local value's method: the place lives as long as that value, which holds
                # the piece as a local collection would (`rep.addBad(n, sc.Bytes(), err)` of
                # a report it returns: a view the next read overwrites, `collected`).
                root = operand
                while root.type == "selector_expression":
                    root = root.child_by_field_name("operand") or root
                binding = self.types.lookup(root) if root.type == "identifier" else None
                if binding is not None and binding.is_local:
                    step = (call.start_byte, call.end_byte, f"{_flat(text(func))} keeps it")
                    sub = replace(piece, steps=[*piece.steps, *state.notes, step])
                    # (`b.add(line)` appending it to `b.lines`: collected in b, one of many.
                    # A view it keeps across the next read is that store's to copy.)
                    inner = replace(state, appended=state.appended or stored.collects)
                    self.collected(sub, inner, binding, state.levels, _statement_of(call))
                    if piece.source.kind == sources.VIEW:
                        self._hand_to_store(state, call, stored, closure)
                return
            holder = f"{text(operand)}."
        called = _flat(text(call.child_by_field_name("function")))
        sub = replace(piece, steps=[*piece.steps, *state.notes, *stored.notes])
        if stored.fields is not None:
            sub = replace(sub, fields=stored.fields)  # (the ones it keeps)
        target = _stored_target(stored)
        how = f"passed to {called}, which keeps it in"
        key = (state.value.start_byte, state.value.end_byte)
        if key in self.leaks:
            return
        self._report(sub, state, state.levels, how, target, holder)
        self._hand_to_store(state, call, stored, closure)

    def _hand_to_store(
        self, state: _Climb, call: Node, stored: Stored, closure: Node | None
    ) -> None:
        """Report the leak just found at the call at the store of the function it calls,
        which a copy fixes for every caller (`_handed_here`), unless it is one of the parts
        of a partition (`climbed`)."""
        key = (state.value.start_byte, state.value.end_byte)
        called = _flat(text(call.child_by_field_name("function")))
        if (
            key in self.leaks
            and stored.at is not None
            and self._hands_over(state, call, stored, closure)
        ):
            caller = enclosing_function(call)
            name = (function_name(caller) if caller is not None else None) or "a caller"
            message = f"{name} passes {_flat(text(state.value))} to {called} here"
            self._handing[key] = (
                stored.at,
                (self.ctx.path, call.start_byte, call.end_byte, message),
            )
            if stored.rebind:
                self.leaks[key] = replace(self.leaks[key], rebind=stored.rebind)
            if stored.fields is not None:
                # At the store, the value kept is the field itself (`r.value`).
                handed = self.leaks[key]
                piece_ = replace(handed.piece, fields=None)
                self.leaks[key] = replace(handed, piece=piece_, levels=0)

    def _into_method_value(self, piece: Piece, state: _Climb, call: Node, position: int) -> None:
        """`parsePacket(buf[:n], s.add)`: a function of the package that gives pieces of its
        argument to its callback, here a method value of the package whose method keeps its
        parameter (`s.pending = append(s.pending, smp)`): the piece is reported at the call,
        where a copy of the argument fixes what the callback keeps."""
        if state.contained or state.levels != 0 or self.pkg.callee(self, call) is None:
            return
        for index, arg in enumerate(_args(call)):
            arg = unparen(arg)
            if index == position or arg.type != "selector_expression":
                continue
            operand = arg.child_by_field_name("operand")
            type_text = self.types.type_of(operand) if operand is not None else None
            if operand is None or type_text is None:
                continue
            key = (receiver_type_name(type_text), text(arg.child_by_field_name("field")))
            decl = self.pkg.decl(key)
            if decl is None or decl[1].type != "method_declaration" or self.shared(operand) is None:
                continue
            for param in range(len(param_names(decl[1]))):
                passed = self.pkg.passes(self, call, index, param)
                if passed is None or passed.param != position:
                    continue
                if not (passed.piece or passed.levels or passed.fields):
                    continue
                stored = self.pkg.stored(key).get(param)
                if stored is None:
                    continue
                called = _flat(text(call.child_by_field_name("function")))
                method = _flat(text(arg))
                sub = replace(
                    piece, steps=[*piece.steps, *state.notes, *passed.notes, *stored.notes]
                )
                how = (
                    f"passed to {called}, which gives pieces of it to {method}, which keeps them in"
                )
                self._report(sub, state, 0, how, _stored_target(stored), f"{text(operand)}.")
                return

    def _elements_stored(
        self, piece: Piece, state: _Climb, call: Node, position: int
    ) -> Stored | None:
        """Records whose fields are pieces (`recs, err := decodeRecords(buf)`), passed to a
        function of the package that stores one of those fields of each (`t.apply(recs)`
        with `t.rows[k] = r.Value`), or pieces or such records it stores each of whole
        (`s.store.Replace(objs)`): where (`Package.element_stored_at`)."""
        fields = piece.fields or state.fields
        if not fields and state.levels < 1:
            return None
        wanted = frozenset(fields) if fields else None
        stored = self.pkg.element_stored_at(self, call, position, wanted)
        if stored is not None and stored.elements:
            # (Each element kept whole: pieces, or records holding them. Not a piece itself,
            # `args[i+1:]` of strings: its elements are kept, not its array.)
            return stored
        if (
            stored is None
            or stored.fields is None
            or not fields
            or not stored.fields <= set(fields)
        ):
            return None
        return stored

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

    def _iterates(self, call: Node, family: str) -> bool:
        """Whether `call` is a splitting iterator over a value of `family` (`SplitSeq`,
        `FieldsSeq`, `Lines`, ... of strings or bytes)."""
        if not self._is_iterator(call):
            return False
        func = call.child_by_field_name("function")
        operand = func.child_by_field_name("operand") if func is not None else None
        binding = self.types.lookup(operand) if operand is not None else None
        return binding is not None and _PIECE_PACKAGES.get(binding.import_path or "") == family

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
            for lhs, levels in self._paired(piece, state, values, lefts):
                if lhs.type == "identifier":
                    self._follow(piece, state, lhs, levels, owner)
                else:
                    self._store(piece, state, lhs, levels)
        elif kind == "short_var_declaration":
            if owner.child_by_field_name("right") != values:
                return
            lefts = _list_items(owner.child_by_field_name("left"))
            for lhs, levels in self._paired(piece, state, values, lefts):
                if lhs.type == "identifier":
                    self._follow(piece, state, lhs, levels, owner)
        elif kind == "var_spec" and enclosing_function(owner) is not None:
            names = owner.children_by_field_name("name")
            for lhs, levels in self._paired(piece, state, values, names):
                self._follow(piece, state, lhs, levels, owner)
        elif kind == "return_statement" and state.contained:
            self._returned_new(piece, state, owner)
        elif kind == "return_statement" and _pooled_view(piece):
            # `return buf.Bytes()[:n]` with `defer putBuffer(buf)`: the caller gets bytes the
            # pool's next user overwrites.
            func = enclosing_function(owner)
            returns = function_name(func) if func is not None else ""
            where = f"the result of {returns or 'the function'}"
            target = Target(f"{returns or 'the function'}'s result", where, Confidence.HIGH)
            self._report(piece, state, state.levels, "returned as", target, None)
        elif kind == "return_statement":
            self._closure_returns(piece, state, owner, values)

    def _closure_returns(self, piece: Piece, state: _Climb, statement: Node, values: Node) -> None:
        """`return s, nil` of a function literal a local holds, set once (`readStr :=
        func() (string, error) {...}`, a decoder's helper over the bytes it captures): the
        piece is what each call of it in the function gives, followed from there (`name,
        err := readStr()`)."""
        literal = enclosing_function(statement)
        declared = literal.parent if literal is not None else None
        while declared is not None and declared.type == "expression_list":
            declared = declared.parent
        if (
            literal is None
            or literal.type != "func_literal"
            or declared is None
            or declared.type != "short_var_declaration"
            or piece.bindings >= _MAX_BINDINGS
        ):
            return
        names = _list_items(declared.child_by_field_name("left"))
        rights = _list_items(declared.child_by_field_name("right"))
        if len(names) != 1 or len(rights) != 1 or unparen(rights[0]) != literal:
            return
        param = piece.source.param
        if param is not None and param.node is not None and within(param.node, literal):
            # (A piece of its own parameter, `return ops[:j]` of a filter: what each call
            # passes decides, `txn.Success = f(txn.Success)` keeping what it kept.)
            return
        outer = enclosing_function(declared)
        name = text(names[0])
        returned = [unparen(r) for r in _list_items(values)]
        if outer is None or state.node not in returned:
            return
        index = returned.index(state.node)
        found = sources.assigned_offsets(
            self.ctx.source, name.encode(), declared.end_byte, outer.end_byte
        )
        if next(found, None) is not None:
            return  # (set again: which literal a call runs is not followed)
        note = f"{name} returns {_flat(text(state.node))}"
        step = (statement.start_byte, statement.end_byte, note)
        sub = replace(piece, steps=[*piece.steps, *state.notes, step], bindings=piece.bindings + 1)
        for call in _calls_of(outer, name):
            if call.start_byte < declared.end_byte or within(call, literal):
                continue
            parent = call.parent
            if parent is not None and parent.type == "expression_list" and index > 0:
                owner = parent.parent
                lefts = _list_items(owner.child_by_field_name("left")) if owner else []
                if owner is None or len(_list_items(parent)) != 1 or index >= len(lefts):
                    continue
                lhs = lefts[index]
                if lhs.type == "identifier":
                    self._follow(sub, _Climb(lhs, lhs, state.levels), lhs, state.levels, owner)
                else:
                    self._store(sub, _Climb(lhs, lhs, state.levels), lhs, state.levels)
                continue
            if index == 0:
                # (Its first result, where it goes: `name, err := readStr()` as a
                # multi-valued helper's, `m[k] = readStr()` as a value.)
                self._climb(sub, call)

    def _returned_new(self, piece: Piece, state: _Climb, statement: Node) -> None:
        """`return Frame{Payload: buf[:n]}, nil`: a new object returned as it is made, as for
        one held in a local first (see `collected`)."""
        func = enclosing_function(statement)
        made = state.node
        type_text = self.types.type_of(made)
        if func is not None and piece.source.kind == sources.VIEW and _is_fresh(unparen(made)):
            # `return Reply{Status: line[1:]}, nil` of a line `ReadSlice` returned, when a
            # caller keeps it (`c.val = rep.Status`): bytes the next read overwrites. (Not a
            # decoder's tokens its callers use at once, nor one the reader holds back itself,
            # `d.nextToken = t`, valid until its next read, as documented.)
            kept = self._kept_by_caller(func, _literal_key(made, state.value), apart=True)
            if kept is None:
                return
            place, note = kept
            returns = function_name(func) or "the function"
            made_text = f"that new {type_text or 'value'}, which {returns} returns"
            where = f"{made_text} (kept by its caller in {place})"
            target = Target(place, where, Confidence.MEDIUM, collects=True)
            piece = replace(piece, steps=[*piece.steps, note])
            self._report(piece, state, state.levels, "put in", target, "")
            return
        kind = self._returns_own_data(piece, made, type_text, func) if func else ""
        if not kind or func is None:
            return
        returns = function_name(func) or "the function"
        keeper = f"the {type_text} that {returns} returns"
        handle, bounded, notes = self._returned_object(kind, func)
        target = Target(keeper, f"that new {type_text}{handle}", Confidence.MEDIUM, collects=True)
        if notes:
            piece = replace(piece, steps=[*piece.steps, *notes])
        self._report(piece, state, state.levels, "put in", target, "", bounded)

    def _returned_object(
        self, kind: str, func: Node
    ) -> tuple[str, str, tuple[tuple[str, int, int, str], ...]]:
        """What the place says of a new object `func` returns (see `_returns_own_data`), why
        the leak is minor when it is not a handle, and the related notes: a caller of the
        package that keeps the object long-lived makes it no less a leak than a handle."""
        returns = function_name(func) or "the function"
        if kind == "handle":
            return " (a handle, which its caller keeps open)", "", ()
        kept = self._kept_by_caller(func)
        if kept is not None:
            place, note = kept
            return f" (kept by its caller in {place})", "", (note,)
        return (
            "",
            f"how long a caller keeps what {returns} returns decides what this pins, and "
            "nothing here shows it is long-lived",
            (),
        )

    def _kept_by_caller(
        self, func: Node, field: str | None = None, apart: bool = False
    ) -> tuple[str, tuple[str, int, int, str]] | None:
        """A call of `func` in the package whose first result the caller stores, as it is,
        in a long-lived place (`m, body, err := readFrame(r)` ... `s.history =
        append(s.history, m)`): (the place, a note there). With `field`, also that field of
        the result stored (`c.val = rep.Status`). With `apart`, not a place of the object
        the method is called on (`d.nextToken = t` of `d.rawToken()`). Calls in test files
        count only for test code."""
        key = key_of(func)
        if key is None:
            return None
        name = function_name(func) or key[1]
        for path, call in self.pkg.calls_to(key):
            if path.endswith("_test.go") and not self.ctx.path.endswith("_test.go"):
                continue
            caller = self.pkg.analysis(path)
            found = caller._keeps_result(call, field) if caller is not None else None
            if found is not None and apart and _on_callee_object(call, found[0].text):
                continue
            if found is not None:
                target, at = found
                message = f"{target.text} keeps what {name} returns here"
                return target.text, (path, at.start_byte, at.end_byte, message)
        return None

    def _keeps_result(self, call: Node, field: str | None = None) -> tuple[Target, Node] | None:
        """Where this function stores the first result of `call` as it is, long-lived: at
        once (`c.last = parse(b)`), or through the local it declares or sets (`m, err :=
        readFrame(r)` ... `s.history = append(s.history, m)`), or with `field`, that field of
        it (`c.val = rep.Status`)."""
        stored = self._stored_whole(call)
        target = self.assign_target(stored) if stored is not None else None
        if target is not None and stored is not None:
            return target, _statement_of(stored)
        if field is None:
            held = self._kept_by_holder(call)  # (`current.Store(parse(text))`)
            if held is not None:
                return held[0], _statement_of(call)
        values = call.parent
        owner = values.parent if values is not None else None
        if (
            values is None
            or owner is None
            or values.type != "expression_list"
            or owner.type not in ("short_var_declaration", "assignment_statement")
            or owner.child_by_field_name("right") != values
        ):
            return None
        lefts = _list_items(owner.child_by_field_name("left"))
        first = lefts[0] if lefts else None
        binding = None
        if first is not None and first.type == "identifier":
            declares = owner.type == "short_var_declaration"
            binding = self.types.declaration(first) if declares else self.types.lookup(first)
        func = enclosing_function(owner)
        if binding is None or binding.kind != LOCAL or func is None:
            return None
        for use in self._uses(binding, owner.end_byte, func.end_byte):
            if _is_assigned(use):
                break
            picked = use.parent
            if (
                field is not None
                and picked is not None
                and picked.type == "selector_expression"
                and picked.child_by_field_name("operand") == use
                and text(picked.child_by_field_name("field")) == field
            ):
                use = picked  # (`rep.Status`, the field that holds the piece)
            stored = self._stored_whole(use)
            target = self.assign_target(stored) if stored is not None else None
            if target is not None and stored is not None:
                return target, _statement_of(stored)
            held = self._kept_by_holder(use)  # (`c.state.Store(st)`, `c.cache.Add(k, st)`)
            if held is not None:
                return held[0], _statement_of(use)
            kept = self._kept_by_callee(use)  # (`im.store.Put(table, sch)`, keeping it)
            if kept is not None:
                target = replace(kept[0], text=f"{kept[0].text}, through {kept[1]}")
                return target, _statement_of(use)
        return None

    def _paired(
        self, piece: Piece, state: _Climb, values: Node, lefts: list[Node]
    ) -> list[tuple[Node, int]]:
        """The left-hand sides receiving the piece, with the levels each receives."""
        rights = _list_items(values)
        if len(rights) == len(lefts):
            for i, right in enumerate(rights):
                if right == state.node:
                    return [(lefts[i], state.levels)]
            return []
        if len(rights) == 1 and len(lefts) > 1 and state.contained:
            # A constructor of the package returning the new object first, with a status
            # (`res, err := newResource(src, doc)`): the object holds the piece. (Not a piece
            # of one line read: a record's worth of a line, which the line's object keeps.)
            call = unparen(rights[0])
            if (
                call == state.node
                and call.type == "call_expression"
                and piece.source.kind != sources.LINE
                and self._one_part(call)
            ):
                return [(lefts[0], state.levels)]
            return []
        if len(rights) == 1 and len(lefts) > 1:
            call = unparen(rights[0])
            indices = _PIECE_RESULTS.get(_callee_name(call), ())
            if call.type == "call_expression" and self._is_piece_call(call):
                return [(lefts[i], state.levels) for i in indices if i < len(lefts)]
            if call.type == "call_expression" and self._read_call(call) == sources.VIEW:
                return [(lefts[0], state.levels)]  # `line, err := r.ReadSlice('\n')`
            later = self.pkg.later_at(self, call, whole=True) if call == state.node else []
            if later:
                # Pieces after a first result that is none (`id, content, ok :=
                # parseKeyLine(line)`): those results.
                return [(lefts[i], state.levels) for i, _ in later if i < len(lefts)]
            if call == state.node and self._one_part(call):
                # A helper of the package returning the piece first, with a status (`id,
                # ok := requestID(line)`): its summary is about its first result.
                return [(lefts[0], state.levels)]
            if call == state.node:
                # Several parts (`key, val, next, err := decodeEntry(b, off)`): each that is
                # a piece too; kept together they are a partition (`_drop_partitions`).
                # (And the pieces of another shape: `addr, names, ok := parseLine(line)`,
                # the names a slice of them, not a part of the address.)
                parts, partition, others = self.pkg.parts_at(self, call, piece.family)
                if parts and not partition:
                    self._tokens.add(call.start_byte)
                found = [(lefts[i], state.levels) for i in (0, *parts) if i < len(lefts)]
                return found + [(lefts[i], levels) for i, levels in others if i < len(lefts)]
        return []

    def _one_part(self, call: Node) -> bool:
        """Whether the call's results after the first are a status (`bool`, `error`, a
        number): a helper returning one piece, with no other part to look for (see
        `Package.parts_at`)."""
        results = self.types.results_of(call)
        return results is not None and all(r in _STATUS_TYPES for r in results[1:])

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
        if not binding.is_local or binding.node is None:
            return
        if state.contained:
            # A local collection holding the piece: reported when it is stored later.
            self.collected(piece, state, binding, levels, statement)
            return
        func = _scope_of(statement, binding.node)
        if func is None:
            return
        step = (
            statement.start_byte,
            statement.end_byte,
            f"{text(ident)} holds {_describe(piece, state, levels)}",
        )
        named = piece.named
        if levels == 0 and not element:
            named = _defined_whole(statement, ident, state.value)
        # (`name = strings.TrimSuffix(name, "/")`: the same text trimmed, still the same
        # local, not a further step for the budget of locals followed. Not a cursor moved on,
        # `f = f[3:]`: what it holds next is another part.)
        right = (
            statement.child_by_field_name("right")
            if statement.type == "assignment_statement"
            else None
        )
        trimmed = (
            unparen(right.named_children[0]) if right is not None and right.named_children else None
        )
        same = (
            trimmed is not None
            and len(right.named_children) == 1
            and trimmed.type == "call_expression"
            and text(_first_arg(trimmed) or trimmed) == text(ident)
        )
        bindings = piece.bindings if same else piece.bindings + 1
        if (
            same
            and piece.element
            and _callee_name(trimmed) in _WHOLE_TRIMS
            and piece.source.kind != sources.PARAM  # (a caller's text, which a part is of)
            and binding.kind == RANGE
            and binding.value is not None
            and unparen(binding.value).type == "call_expression"  # (not `range f[1:]`)
        ):
            # (`s = strings.TrimSpace(s)` of a range variable over the parts of a split:
            # still the whole part, but for some blanks.)
            element = True
        again = -1  # the end of `x = trim(x)`: its right side's use of x follows the piece on
        other = -1  # the end of a block that set x to something else on its path only
        for use in self._uses(binding, statement.end_byte, func.end_byte):
            if 0 <= again <= use.start_byte:
                break  # (what the variable holds after `x = trim(x)` is followed from there)
            if use.start_byte < other:
                continue  # (holds the other value there)
            if _is_assigned(use):
                owner = use.parent.parent if use.parent is not None else None
                right = owner.child_by_field_name("right") if owner is not None else None
                if (
                    owner is None
                    or owner.type != "assignment_statement"
                    or right is None
                    or not re.search(
                        rb"(?<![\w.])" + re.escape(ident.text or b"") + rb"\b", right.text or b""
                    )
                ):
                    block = _block_of(owner) if owner is not None else None
                    if block is not None and not _contains(block, statement):
                        # `if title == "" { title = url }`: the piece on the other path.
                        other = block.end_byte
                        continue
                    break  # reassigned: later uses hold something else
                # `line = bytes.TrimRight(line, "\r\n")`: still (a piece of) the same value.
                again = owner.end_byte
                continue
            sub = Piece(
                piece.family,
                piece.origin,
                piece.source,
                levels,
                [*piece.steps, *state.notes, step],
                bindings,
                piece.nested or state.nested,
                element and levels == 0,
                state.split or piece.split,
                piece.helper,
                state.fields or piece.fields,
                named=named,
            )
            self._climb(sub, use)

    def collected(
        self,
        piece: Piece,
        state: _Climb,
        binding: Binding,
        levels: int,
        statement: Node,
        key: bool = False,
    ) -> None:
        """The piece was put in a local collection (a map, a slice, a struct: `refs[k] = v`,
        `out = append(out, v)`, `e.Name = v`): report it when the function later stores the
        collection whole in a long-lived place (`r.refs = refs`), or, for a view that the
        next read overwrites, returns it, or else keeps it across that read (`collected_across`)."""
        if piece.bindings >= _MAX_COLLECTED or binding.node is None:
            return
        if _trimmed_in_place(statement, binding.name) and self._split_whole(binding):
            return  # (the collection holds what it held: the parts of all of it, trimmed)
        deep = piece.bindings >= _MAX_BINDINGS
        func = _scope_of(statement, binding.node)
        if func is None or self._holds_whole(binding, piece.source.node, func):
            return
        name = binding.name
        uses = self._uses(binding, statement.end_byte, func.end_byte)
        loop = next(iter(loops_around(statement, func)), None)
        if loop is not None and not loop.start_byte <= binding.node.start_byte < loop.end_byte:
            # (A later iteration runs what comes before in the loop's body: `if err == io.EOF
            # { return w, nil }` at its top.)
            uses.extend(self._uses(binding, loop.start_byte, statement.start_byte))
        for use in uses:
            if self._ranged_over(piece, state, use, name, levels, key):
                continue
            if _is_assigned(use):
                owner = use.parent.parent if use.parent is not None else None
                right = owner.child_by_field_name("right") if owner is not None else None
                if right is not None and re.search(
                    rb"\bappend\(\s*" + re.escape(name.encode()) + rb"\b", right.text or b""
                ):
                    continue  # `out = append(out, more)`: still the same collection
                break
            how = f"collected in {name}, which is then stored in"
            stored = self._stored_whole(use)
            target = self.assign_target(stored) if stored is not None else None
            at = _statement_of(use)
            holder = None
            bounded = ""  # why what keeps it may well not outlive its use (minor)
            extra: tuple[tuple[str, int, int, str], ...] = ()
            if deep:
                # (Past the budget of a local holding the piece, only a collection put in
                # another, or returned to a caller that keeps it, is followed.)
                target = None
            kept = held = None
            if target is None and not deep:
                kept = self._kept_by_callee(use)
                held = self._kept_by_holder(use) if kept is None else None
            sent = None if deep or target is not None else self._sent_whole(use)
            if target is not None and stored is not None:
                note = f"{name} is stored in {_flat(text(stored))} here"
            elif sent is not None:
                # `msg.Line = sc.Bytes(); dst <- msg`: its receivers keep the collection.
                target = sent
                note = f"{name} is sent on {target.text} here"
                how = f"collected in {name}, which is then sent on"
            elif held is not None:
                # `g.routes.Store(&routes)`, `c.cache.Add(k, refs)`: a holder that keeps it.
                target, called = held
                note = f"{name} is passed to {called} here"
                how = f"collected in {name}, which is then stored in"
            elif kept is not None:
                # `info := upload{Magic: view}; s.recent.push(info)`, push keeping its parameter.
                target, called, holder, extra = kept
                note = f"{name} is passed to {called} here"
                how = f"collected in {name}, which is passed to {called}, which keeps it in"
            elif piece.source.kind == sources.VIEW and _returned(use) and not deep:
                returns = function_name(func) or "the function"
                target = Target(name, f"{name}, which {returns} returns", Confidence.MEDIUM)
                note = f"{name} is returned here"
                how = "collected in"
            elif not deep and (literal := _returned_literal(use, func)) is not None:
                # `return func(user string) ([]byte, bool) { k, ok := keys[user]; ... }`: the
                # handler the function returns holds the collection as long as it is kept.
                returns = function_name(func) or "the function"
                where = f"{name}, held by the function literal that {returns} returns"
                target = Target(name, where, Confidence.MEDIUM)
                at = literal
                note = f"{name} is captured by the function literal returned here"
                how = "collected in"
            elif (
                _returned(use)
                and not deep
                and (made_by := self._made_by(binding, func)) is not None
                and (
                    kind := self._returns_own_data(
                        piece,
                        made_by,
                        self.types.binding_type(binding),
                        func,
                        per_line=_in_loop(statement) and self._record_read(piece.source.node),
                    )
                )
            ):
                returns = function_name(func) or "the function"
                handle, bounded, extra = self._returned_object(kind, func)
                made = f"the new {self.types.binding_type(binding)} that {returns} returns"
                target = Target(name, f"{name}, {made}{handle}", Confidence.MEDIUM)
                note = f"{name} is returned here"
                how = "put in"
            elif _returned(use) and not deep and self._returns_own_pieces(piece, binding, func):
                # `keys = append(keys, page[a:b]); return keys` of a 1 MiB page it read.
                returns = function_name(func) or "the function"
                handle, bounded, extra = self._returned_object("object", func)
                target = Target(name, f"{name}, which {returns} returns{handle}", Confidence.MEDIUM)
                note = f"{name} is returned here"
                how = "collected in"
            elif (
                _returned(use)
                and levels == 0
                and piece.source.kind == sources.PARAM
                and not self._every_part(state.value)
                and piece.source.field is None
                and self._made_here(binding)
                and not self._summarised(func)
                and (kept_by := self._kept_by_caller(func)) is not None
            ):
                # `hm := newHostsMap(); hm.byName[name] = ...; return hm` of pieces of the
                # text it parses, which a caller keeps (`h.hmap = parse(string(data))`): the
                # copy belongs here, where the pieces go in (what the caller passes decides
                # the size: `_report` lifts the parameter). (What the summaries follow, a
                # slice of pieces or records of them, its callers judge: `_hand_back`.)
                returns = function_name(func) or "the function"
                place, kept_note = kept_by
                where = f"{name}, which {returns} returns (kept by its caller in {place})"
                target = Target(name, where, Confidence.MEDIUM)
                note = f"{name} is returned here"
                extra = (kept_note,)
                how = "collected in"
            elif (
                piece.source.kind in (sources.VIEW, sources.PARAM)
                and stored is not None
                and stored.type in ("index_expression", "selector_expression")
            ):
                # `objs[res.ID()] = res` of a local map: followed to where that one goes, for
                # a view the next read overwrites, or a piece of a parameter (a parser's
                # records in the index it returns); of other data, a piece in a record in a
                # record is mostly a small header's worth: not followed.
                step = (at.start_byte, at.end_byte, f"{name} is put in {_flat(text(stored))} here")
                sub = replace(piece, steps=[*piece.steps, step], bindings=piece.bindings + 1)
                self._into_local(sub, state, stored, levels)
                continue
            elif (
                piece.source.kind == sources.VIEW
                and stored is not None
                and stored.type == "identifier"
                and (outer := self.types.lookup(stored)) is not None
                and outer.is_local
                and outer.kind != RANGE
                and outer.declared_at != binding.declared_at
            ):
                # `e := Entry{Data: rec[16:]}; ents = append(ents, e)` of a view: followed
                # to where that collection goes.
                step = (at.start_byte, at.end_byte, f"{name} is put in {text(stored)} here")
                sub = replace(piece, steps=[*piece.steps, step], bindings=piece.bindings + 1)
                self.collected(sub, state, outer, levels, at)
                continue
            elif (
                piece.source.kind == sources.VIEW
                and not deep
                and (handed := self._handed_with_reader(piece, binding, use)) is not None
            ):
                # `c := &Conn{br: br}; c.hello = hello` of `hello, err := br.Peek(n)`, then
                # `h(c)`: the object goes on with the reader, whose next read overwrites it.
                called, reader = handed
                where = f"{name}, which is handed to {called} with its reader {reader}"
                target = Target(name, where, Confidence.MEDIUM)
                note = f"{name} is handed to {called} here, with {reader}"
                how = "collected in"
            else:
                continue
            step = (at.start_byte, at.end_byte, note)
            steps = [*piece.steps, *state.notes, step, *extra]
            sub = replace(piece, steps=steps, bindings=piece.bindings + 1)
            collects = Target(
                target.text,
                target.where,
                target.confidence,
                target.related,
                target.places,
                collects=True,
            )
            self._report(sub, state, levels, how, collects, holder, bounded)
            return
        if (
            piece.source.kind == sources.VIEW
            and not deep
            and state.appended
            and _collected_across(binding.node, statement, piece)
        ):
            # `tokens = append(tokens, Token{Body: sc.Bytes()})` in the scan loop: the earlier
            # elements are views of reads the loop has made since.
            note = f"{name} is kept across the loop's next read here"
            step = (statement.start_byte, statement.end_byte, note)
            sub = replace(piece, steps=[*piece.steps, *state.notes, step])
            where = f"{name}, which the loop keeps across its next read"
            target = Target(name, where, Confidence.MEDIUM, collects=True)
            self._report(sub, state, levels, "collected in", target, None)
            return

    def _handed_with_reader(
        self, piece: Piece, binding: Binding, use: Node
    ) -> tuple[str, str] | None:
        """(the function called, the reader) when `use` passes the local object `binding`,
        made with a literal holding the reader a view is of (`c := &Conn{br: br}`, the view
        `br.Peek(n)` or a helper's peek of `br`), to a function (`h(c)`): whatever reads
        through it next overwrites the view it holds."""
        args = use.parent
        call = args.parent if args is not None and args.type == "argument_list" else None
        if call is None or call.type != "call_expression" or _callee_name(call) == "append":
            return None
        value = unparen(binding.value) if binding.value is not None else None
        if value is not None and value.type == "unary_expression" and text(value)[:1] == "&":
            value = unparen(value.child_by_field_name("operand") or value)
        body = value.child_by_field_name("body") if value is not None else None
        source = piece.source.node
        if body is None or value is None or value.type != "composite_literal":
            return None
        if source.type != "call_expression":
            return None
        # (The reader: what the view's call hangs off, or a reader passed to a helper.)
        root = source.child_by_field_name("function")
        while root is not None and root.type == "selector_expression":
            root = root.child_by_field_name("operand")
        # (Of a helper's arguments, only readers: not `n` of `peek(br, n)` held as a size.)
        readers = [
            n
            for n in (
                root,
                *(a for a in _args(source) if _READER_TYPE.search(self.types.type_of(a) or "")),
            )
            if n is not None and n.type == "identifier"
        ]
        declared = {
            found.declared_at: text(n)
            for n in readers
            if (found := self.types.lookup(n)) is not None and found.is_local
        }
        for element in body.named_children:
            keyed = keyed_value(element)
            held = unparen(keyed[1]) if keyed is not None else None
            found = (
                self.types.lookup(held) if held is not None and held.type == "identifier" else None
            )
            if found is not None and found.declared_at in declared:
                return _flat(text(call.child_by_field_name("function"))), declared[
                    found.declared_at
                ]
        return None

    def _made_by(self, binding: Binding, func: Node) -> Node | None:
        """The value the local `binding` is made with: its initial value, or for one declared
        empty (`var z *Zone`), the only value the function sets it to (`z = NewZone(o, f)`)."""
        if binding.value is not None:
            return binding.value
        if not _declared_empty(binding):
            return None
        return _assigned_once(self, func, binding.name)

    def _every_part(self, value: Node) -> bool:
        """Whether the piece collected may be every part of what it was cut from: a split's
        whole result (`append(out, strings.Fields(line)...)`), or what a callback is handed
        (`table[k] = v` of each key and value a helper passes), unless it is one field picked
        of a split (`picked_field`). A helper's whole result kept as it is is then the text's
        worth, as a caller's split kept whole is."""
        value = unparen(value)
        if picked_field(self, value):
            return False
        if value.type == "call_expression":
            return _callee_name(value) in _SPLITTERS
        binding = self.types.lookup(value) if value.type == "identifier" else None
        if binding is None or binding.kind != PARAM or binding.node is None:
            return False
        owner = enclosing_function(binding.node)
        return owner is not None and owner.type == "func_literal"

    def _summarised(self, func: Node) -> bool:
        """Whether the package's summaries follow what `func` returns (`Package.returned`)."""
        key = key_of(func)
        return key is not None and self.pkg.returned(key) is not None

    def _made_here(self, binding: Binding) -> bool:
        """Whether the local collection `binding` is made by its function: declared empty
        (`var out []T`), or set to a new value (`&T{}`, `make(...)`, `newIndex()`)."""
        value = binding.value
        if value is None:
            return _declared_empty(binding)
        return not binding.multi and _is_fresh(unparen(value))

    def _ranged_over(
        self, piece: Piece, state: _Climb, use: Node, name: str, levels: int, key: bool = False
    ) -> bool:
        """Whether `use` ranges over the local collection `name` (`for _, u := range batch`):
        each element then holds what was collected, followed as a collection of its own
        (`s.users = append(s.users, u)` once the batch is built). With `key`, the pieces are
        the keys of a local map (`unique[m[1]] = struct{}{}`): the range's key holds one."""
        clause = use.parent
        if (
            clause is None
            or clause.type != "range_clause"
            or clause.child_by_field_name("right") != use
            or not any(c.type == ":=" for c in clause.children)
            or len(piece.steps) > 12
        ):
            return False
        names = _list_items(clause.child_by_field_name("left"))
        at = 0 if key else 1
        if len(names) <= at or text(names[at]) == "_":
            return True
        element = self.types.declaration(names[at]) or self.types.lookup(names[at])
        if element is None or not element.is_local:
            return True
        what = "keys" if key else "elements"
        note = f"{text(names[at])} ranges over the {what} of {name}"
        step = (clause.start_byte, clause.end_byte, note)
        sub = replace(piece, steps=[*piece.steps, step])
        if key and levels == 0:
            # Each key is the piece itself, kept (and copied) where it is used next
            # (`verificationCache.Set(token, ok)`): the set only gathered them. (Not keys
            # put back in the same map, `refs[strings.TrimSuffix(ref, "^{}")] = hash`: still
            # its keys, followed with it.)
            loop = clause.parent
            body = loop.child_by_field_name("body") if loop is not None else None
            again = re.compile(rb"(?<![\w.])" + re.escape(name.encode()) + rb"\[[^\]\n]*\]\s*=")
            if body is None or again.search(body.text or b"") is None:
                self._follow(sub, _Climb(names[at], names[at], 0), names[at], 0, clause)
            return True
        self.collected(sub, state, element, levels, clause)
        return True

    def _returns_own_data(
        self,
        piece: Piece,
        made: Node,
        type_text: str | None,
        func: Node,
        per_line: bool = False,
    ) -> str:
        """What the function returns, made by `made` (`&Segment{...}`, also through a local
        returned later) of type `type_text`, when that is a new struct of the package holding
        a piece of a big buffer or of data it read itself (or through a helper it called),
        and not that source whole: "handle" or "object"; else "". The caller cannot tell that
        a 16-byte ID pins the 1 MiB buffer read to find it, and cannot copy it: the fix
        belongs here. Each object keeps a buffer of its own, so the source is judged as for a
        piece collected per call. A handle (a struct with a `Close` method or an `*os.File`
        field, or what a function named `Open...` returns: by Go's convention, kept until it
        is closed, `os.Open`, `sql.Open`) is kept while it is open; how long another object
        is kept is its caller's business, so that is minor. (A piece of a parameter is the
        caller's data: the constructor summaries follow it there.) Pieces of lines read one by
        one count when the object takes one per turn of a loop (`per_line`: an index built
        from a CSV's rows keeps every row through the one column it wants)."""
        source = piece.source
        lines = per_line and source.kind == sources.LINE
        if source.kind not in (sources.READ, sources.BUFFER) and not lines:
            return ""
        if not _is_fresh(unparen(made)):
            return ""
        if sources.judge(source, text(source.node), True).impact is not Impact.GROWS:
            return ""
        type_name = receiver_type_name(type_text or "")
        if not self._package_struct(type_name):
            return ""
        opens = re.match(r"[Oo]pen(?:[A-Z_0-9]|$)", function_name(func) or "") is not None
        kind = "handle" if opens or self._handle(type_name) else "object"
        # What the piece was cut from, in this function: the source, or the value a helper
        # returned it in (`rec` of `rec, err := readRecord(r)`).
        whole: Node | None = source.node
        if not func.start_byte <= whole.start_byte < func.end_byte:
            origin = piece.origin
            cut = (
                origin.child_by_field_name("operand")
                if origin.type == "slice_expression"
                else next((a for a in _args(origin) if self.origin(a) is source), None)
            )
            whole = cut if cut is not None and cut.type == "identifier" else None
        if per_line and whole is not None and whole.type == "call_expression":
            return kind  # (the read itself, `rec, err := r.Read()`: no name to keep it whole)
        return kind if whole is not None and not self._kept_whole(whole, func) else ""

    def _split_whole(self, binding: Binding) -> bool:
        """Whether the local `binding` holds a split of a whole value, not of a piece of one
        (`strings.Split(strings.TrimSpace(body), "\n")`, not of `header` cut from the body)."""
        value = unparen(binding.value) if binding.value is not None else None
        if (
            value is None
            or value.type != "call_expression"
            or _callee_name(value) not in _SPLITTERS
        ):
            return False
        return not _is_cut(self, _first_arg(value))

    def _holds_whole(self, binding: Binding, source: Node, func: Node) -> bool:
        """Whether the local collection `binding` also holds the source itself (`t :=
        &Template{Source: src}`, `t.Source = src`): a piece of it beside it pins nothing."""
        wanted = self.types.lookup(source) if source.type == "identifier" else None
        if wanted is None or wanted.kind not in (LOCAL, PARAM):
            return False
        name = binding.name
        for use in self._uses(wanted, func.start_byte, func.end_byte):
            if not self._same(use, wanted):
                continue
            parent = use.parent
            while parent is not None and parent.type == "parenthesized_expression":
                parent = parent.parent
            if parent is None:
                continue
            # As it is, in the literal that makes the collection, or stored in one of its
            # slots (not cut: `seg.ID = hdr[2:18]` is the piece).
            if parent.type == "literal_element":
                if binding.value is not None and within(use, binding.value):
                    return True
                continue
            statement = _statement_of(use)
            if parent.type == "expression_list" and statement.type == "assignment_statement":
                lefts = _list_items(statement.child_by_field_name("left"))
                right = statement.child_by_field_name("right")
                if (
                    right is not None
                    and within(use, right)
                    and any(re.match(re.escape(name) + r"\s*[.\[]", text(x)) for x in lefts)
                ):
                    return True
        return False

    def _returns_own_pieces(self, piece: Piece, binding: Binding, func: Node) -> bool:
        """Whether the local slice or map `binding` that the function returns collects pieces
        of a big buffer or of data the function read itself, and not that source whole: each
        call pins what it read for the few bytes it returns, which its callers cannot tell
        nor copy (see `_returns_own_data`)."""
        source = piece.source
        under = self.types.underlying(self.types.binding_type(binding))
        if source.kind not in (sources.READ, sources.BUFFER) or not (
            is_slice(under) or is_map(under)
        ):
            return False
        if sources.judge(source, text(source.node), True).impact is not Impact.GROWS:
            return False
        whole = source.node
        if not func.start_byte <= whole.start_byte < func.end_byte or whole.type != "identifier":
            return False
        return not self._kept_whole(whole, func)

    def _handle(self, type_name: str) -> bool:
        """Whether `type_name` is a struct of the package with a `Close` method or an
        `*os.File` field: an open handle, of which a program keeps many (a table cache)."""
        index = self.types.package
        info = index.types.get(type_name)
        if info is None or info.underlying != "struct":
            return False
        return index.method(type_name, "Close") is not None or any(
            normalise(field_type) == "*os.File" for _, field_type in info.fields
        )

    def _handle_field(self, place: str, at: Node) -> bool:
        """Whether `place` is a field of a handle (`t.firstKey` of `t *Table`)."""
        match = re.fullmatch(r"\(?\*?\s*([A-Za-z_]\w*)\)?\.[A-Za-z_]\w*", place)
        binding = self.types.visible(match.group(1), at) if match is not None else None
        if binding is None:
            return False
        return self._handle(receiver_type_name(self.types.binding_type(binding) or ""))

    def _kept_whole(self, source: Node, func: Node) -> bool:
        """Whether the function stores, returns or passes on the source itself somewhere
        (`&Msg{raw: buf, hdr: buf[:12]}`): then the piece pins nothing more."""
        binding = self.types.lookup(source)
        if binding is None:
            return True
        for use in self._uses(binding, func.start_byte, func.end_byte):
            if not self._same(use, binding):
                continue
            parent = use.parent
            if parent is not None and parent.type == "literal_element":
                return True
            if _returned(use) or self._stored_whole(use) is not None:
                return True
        return False

    def _kept_by_holder(self, use: Node) -> tuple[Target, str] | None:
        """(where, the call) when `use` (or `&use`) is an argument of a method of a holder
        known to keep it that outlives the call (`g.routes.Store(&routes)` of an
        `atomic.Pointer` field, `c.cache.Add(k, refs)`; see `keeper_target`)."""
        node = use.parent if use.parent is not None and text(use.parent) == f"&{text(use)}" else use
        args = node.parent
        call = args.parent if args is not None and args.type == "argument_list" else None
        func = call.child_by_field_name("function") if call is not None else None
        if call is None or func is None or func.type != "selector_expression":
            return None
        position = next((i for i, a in enumerate(_args(call)) if a == node), -1)
        target = self.keeper_target(func, position) if position >= 0 else None
        return (target, _flat(text(func))) if target is not None else None

    def _kept_by_callee(
        self, use: Node
    ) -> tuple[Target, str, str, tuple[tuple[str, int, int, str], ...]] | None:
        """(where, the callee, the place as named here, the callee's notes) when `use` is an
        argument of a package function that keeps that parameter where it outlives the call
        (`s.recent.push(info)` with `r.items[r.next] = u` in push), or in a record literal
        passed so (`b.AddMetric(Metric{Tags: tags})`: the record keeps the collection)."""
        while use.parent is not None and (
            use.parent.type in ("literal_element", "keyed_element", "literal_value")
            or use.parent.type == "composite_literal"
            or (use.parent.type == "unary_expression" and text(use.parent).startswith("&"))
        ):
            if use.parent.type == "keyed_element" and use.parent.named_children[0] == use:
                return None  # (a key of a map literal: a copy of nothing, but not kept here)
            use = use.parent
        args = use.parent
        call = args.parent if args is not None and args.type == "argument_list" else None
        if call is None or call.type != "call_expression" or _callee_name(call) == "append":
            return None
        position = next((i for i, a in enumerate(_args(call)) if a == use), -1)
        stored = self.pkg.stored_at(self, call, position) if position >= 0 else None
        if stored is None:
            return None
        func = call.child_by_field_name("function")
        holder = ""
        if stored.receiver:
            operand = func.child_by_field_name("operand") if func is not None else None
            if operand is None or func is None or func.type != "selector_expression":
                return None
            if self.shared(operand) is None:
                return None  # a local value's method: the place lives as long as that value
            holder = f"{text(operand)}."
        called = _flat(text(func)) if func is not None else "a function"
        return _stored_target(stored), called, holder, stored.notes

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

    def _excluded(
        self,
        piece: Piece,
        places: tuple[str, ...],
        collects: bool,
        value: Node,
        spread: bool = False,
    ) -> bool:
        """Pieces that waste nothing: put back where they came from (`x = x[1:]`,
        `lines[i] = line[n:]` while ranging over lines, `m[k] = list[:n]` after
        `list := m[k]`), or one of the consecutive parts a loop cuts a value into, which are
        all kept (`parts = append(parts, s[:i]); s = s[i+1:]`, `scopes[k] = vars[i0:i]`,
        `n.path = path[:i]` of each node of a tree). Not a part that one slot keeps after
        the loop (`t.firstKey = first`, the first key of an index block): the rest of the
        parts is wasted. Nor, with `spread`, parts kept by holders picked per part."""
        if piece.source.kind == sources.TRUNCATED:
            return False  # put back where it came from, on purpose: that is the finding
        origin = piece.origin
        if origin.type == "slice_expression":
            operand = origin.child_by_field_name("operand")
        else:
            operand = _first_arg(origin)
        if operand is None:
            return False
        if places and self._roots(operand, 0) & set(places):
            return True
        kept_at = None if collects else value
        if spread:
            return False
        return origin.type == "slice_expression" and self._partitioned(origin, operand, kept_at)

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

    def _partitioned(self, piece: Node, operand: Node, kept_at: Node | None = None) -> bool:
        """Whether `piece` is one of the consecutive parts a loop cuts `operand` into (see
        `_excluded`). `kept_at`: the store, when it keeps one part in one slot; a part kept
        that way after the loop is not a partition."""
        func = enclosing_function(piece)
        if operand.type == "selector_expression" and func is not None and kept_at is None:
            return _tokenized(piece, operand, func)
        if operand.type != "identifier" or func is None:
            return False
        name = re.escape(operand.text or b"")
        loop = piece.parent
        while loop is not None and loop != func and loop.type != "for_statement":
            loop = loop.parent
        in_loop = loop is not None and loop.type == "for_statement"
        if kept_at is not None and in_loop and not _contains(loop, kept_at):
            return False
        start = piece.child_by_field_name("start")
        end = piece.child_by_field_name("end")
        if loop is not None and loop.type == "for_statement":
            # (`s = s[i+1:]`, or paired with the part, `part, s = s[:n], s[n:]`.)
            consumed = re.compile(
                rb"(?<![\w.])(?:\w+\s*,\s*"
                + name
                + rb"\s*=\s*[^,\n]+,\s*|"
                + name
                + rb"\s*=\s*)"
                + name
                + rb"\[([^\]:\n]*):"
            )
            # Consecutive parts start at the front of what is left (`s[:i]`, or past a
            # separator of a constant size) and what is left starts where they end (`s =
            # s[i+1:]`); a part that skips a header or a key of run-time size
            # (`chunk[4+kl : 4+kl+vl]` while decoding), or is followed by a value of
            # run-time size it does not keep (`d[2:2+k]`, then `d = d[2+k+v:]`), leaves the
            # skipped bytes pinned.
            front = start is None or self._constant(start)
            at = loop.start_byte
            # (The piece itself, cut in place, `rb = rb[:chunk]`, when the loop then moves
            # past it, `b = b[len(rb):]`; not a comment cut off a line, `line = line[:j]`.)
            moves_past = re.search(rb"\[\s*len\(\s*" + name + rb"\s*\)\s*:", loop.text or b"")
            if front and any(
                end is None
                or _next_part_at(match.group(1), end.text or b"")
                or (
                    moves_past is not None
                    and at + match.start() <= piece.start_byte < at + match.end() + 1
                )
                for match in consumed.finditer(loop.text or b"")
            ):
                return True
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

    def _per_call(
        self, holder: str, value: Node
    ) -> tuple[bool, tuple[tuple[str, int, int, str], ...]] | None:
        """When the place hangs off the method's pointer receiver or a pointer parameter
        (`p.refs`, `nc.elems`), the package's evidence that this object is made per call
        and dropped with it (`Package.per_call`): (whether other packages may pass one of
        their own, notes), or None."""
        match = re.match(r"\*?\s*\(?\s*([A-Za-z_]\w*)\s*\)?\s*[.\[]", holder)
        if match is None:
            return None
        binding = self.types.visible(match.group(1), value)
        if binding is None or binding.kind not in (RECEIVER, PARAM) or binding.node is None:
            return None
        if binding.kind == PARAM and not is_pointer(binding.type):
            return None
        func = binding.node.parent
        while func is not None and func.type not in ("function_declaration", "method_declaration"):
            if func.type == "func_literal":
                return None
            func = func.parent
        key = key_of(func) if func is not None else None
        if key is None or func is None:
            return None
        inner = re.match(r"\*?\s*\(?\s*[A-Za-z_]\w*\s*\)?\s*\.\s*([A-Za-z_]\w*)\s*[.\[]", holder)
        if inner is not None and re.search(
            rb"(?:<-|\breturn)[ \t]*" + re.escape(match.group(1).encode()) + rb"\."
            rb"[ \t]*" + re.escape(inner.group(1).encode()) + rb"[ \t]*(?:$|[\n;,]|//)",
            func.text or b"",
        ):
            # (An object it holds, handed out whole: `s.queue <- s.env` of `s.env.From`.)
            return None
        if binding.kind == RECEIVER:
            position = -1
        else:
            names = param_names(func)
            if binding.name not in names:
                return None
            position = names.index(binding.name)
        return self.pkg.per_call(key, position)

    def _own_cursor(
        self,
        piece: Piece,
        state: _Climb,
        target: Target,
        holder: str,
        value: Node,
        outlives: bool,
    ) -> bool:
        """A view kept in one slot of the object that owns the reader (`dec.key =
        line[a:b]` of `line := dec.s.Bytes()`): the object's current token, reset at each
        read, over a buffer it keeps anyway (a zero-copy cursor, "valid until the next
        call"). Not a view collected (appended, a map entry, a cache, a channel) or kept by
        another object, nor one that `outlives` its reader (`_outlives_reader`)."""
        source = piece.source
        if source.kind != sources.VIEW or source.reader is None:
            return False
        match = re.match(r"\*?\s*([A-Za-z_]\w*)\s*\.", holder)
        binding = self.types.visible(match.group(1), value) if match is not None else None
        if binding is None or binding.declared_at != source.reader:
            return False
        if source.own_buffer:
            # (The receiver's own read buffer, `rs.msgBuf`: what the object keeps of it, one
            # token or a row's columns, it resets at each read by design.)
            return True
        if target.collects or state.appended or state.wrapped:
            return False
        return not outlives and not _read_again(value, source.node)

    def _decoded_into(self, piece: Piece, holder: str, value: Node, collects: bool) -> bool:
        """A documented view of a reader the caller passes in as a parameter, kept in the
        receiver or another parameter (`func (c *ErrorCode) GetFrom(m *Message)`, `c.Reason =
        v[4:]` of `v, err := m.Get(AttrErrorCode)`): a zero-copy decoder filling its caller's
        object, whose documentation the caller reads; in one slot, not collected (`for
        rows.Next() { t.pending = append(t.pending, ...) }`). Not a reader given to a callback
        (`db.View(func(tx Tx) error { ... })`): there the function itself decides what
        outlives the call."""
        source = piece.source
        if collects or source.next_op != "documented" or source.reader is None:
            return False  # (a collection of its views: `t.pending = append(t.pending, v)`)
        match = re.match(r"[*&(\s]*([A-Za-z_]\w*)", holder)
        kept = self.types.visible(match.group(1), value) if match is not None else None
        func = enclosing_function(value)
        if kept is None or kept.kind not in (PARAM, RECEIVER) or func is None:
            return False
        if func.type not in ("function_declaration", "method_declaration"):
            return False
        if enclosing_function(source.node) != func:
            return False  # (handed on to another function)
        # (A reader of its own, the receiver's connection, is the function's to mind.)
        params = func.child_by_field_name("parameters")
        return params is not None and params.start_byte <= source.reader[0] < params.end_byte

    def _outlives_reader(self, piece: Piece, kept: str) -> bool:
        """Whether a reader's view kept in a field of the reader's owner outlives the reader:
        a function of the package sets the owner's reader field again (`f.rd =
        bufio.NewReader(r)`) and uses the field kept (`f.lastLine`) there too. Then the view
        pins the old reader's buffer, and it is not a current token: its bytes are another
        read's."""
        if piece.source.kind != sources.VIEW:
            return False
        reader = _flat(text(piece.source.node)).split("(", 1)[0].rsplit(".", 1)[0]
        parts, kept_parts = reader.split("."), kept.split(".")
        if len(parts) != 2 or len(kept_parts) != 2:
            return False
        set_again = re.compile(rb"\w\." + re.escape(parts[1].encode()) + rb"[ \t]*=[^=]")
        used = re.compile(rb"\w\." + re.escape(kept_parts[1].encode()) + rb"\b")
        for path, (source, tree) in self.pkg.files.items():
            self.pkg._read(path)
            for found in set_again.finditer(source):
                node = tree.root_node.descendant_for_byte_range(found.start(), found.start() + 1)
                func = enclosing_function(node) if node is not None else None
                if func is not None and used.search(source, func.start_byte, func.end_byte):
                    return True
        return False

    def _parent_kept(self, found: sources.Source, holder_text: str, value: Node) -> bool:
        """Whether the holder keeps the source itself anyway, so the piece wastes nothing:
        the function also stores it in the same holder (`e.tag = tag; e.suffix = tag[n:]`,
        `c.raw = data; c.head = data[:64]`), or the source is a field of the holder's own
        object (`m.entries = append(m.entries, kv{k, v})` of `k, err :=
        m.arena.alloc(key)`)."""
        source = found.node
        holder = self._holder(holder_text, value)
        if found.field is not None and found.kind != sources.PARAM and holder is not None:
            # (A field handed out by a method of the object: `m.arena`, `tx` with `img`; not
            # through a call, `r.cur.Load()`, which may give another object each time.)
            place = _flat(text(source))
            place = f"{place}.{found.field}" if source.type == "identifier" else place
            held = re.fullmatch(r"[A-Za-z_][\w.]*", place) is not None
            return held and self._holder(place, source) == holder
        if source.type != "identifier":
            return False
        wanted = self.types.lookup(source)
        func = enclosing_function(value)
        if wanted is None or holder is None or func is None:
            return False
        name = text(source)
        body = func.text or b""
        # (Cheap first: the source used as it is, or cut from its start and to its end.)
        whole = re.search(rb"[=,(]\s*" + re.escape(name.encode()) + rb"\s*[,)}\n;]", body)
        word = re.escape(name.encode())
        if not whole and not re.search(rb"(?<![\w.])" + word + rb"\[[^\]\n]+:\s*\]", body):
            return False
        parts: list[Node] = []  # (cuts of the source kept in the holder)
        for use in self._uses(wanted, func.start_byte, func.end_byte):
            if not self._same(use, wanted):
                continue
            cut = use.parent
            if cut is not None and cut.type == "slice_expression":
                kept_in = self._stored_whole(cut)
                if (
                    kept_in is not None
                    and self._holder(text(kept_in), kept_in) == holder
                    and _on_one_path(kept_in, value)
                ):
                    parts.append(cut)
            if use.start_byte == source.start_byte or not whole:
                continue
            stored_in = self._stored_whole(use)
            if (
                stored_in is not None
                and _flat(text(stored_in)) != _flat(holder_text)  # not overwritten by the piece
                and self._holder(text(stored_in), stored_in) == holder
                and _on_one_path(stored_in, value)
            ):
                return True
        # (A prefix and the rest kept in the holder, `udp.BaseLayer = BaseLayer{Contents:
        # data[:8], Payload: data[8:]}` of a packet decoder: all of it, so any other piece
        # wastes nothing.)
        return _covering(parts)

    def _same(self, use: Node, binding: Binding) -> bool:
        found = self.types.lookup(use)
        return found is not None and found.declared_at == binding.declared_at

    def _stored_whole(self, use: Node) -> Node | None:
        """The left-hand side a value is stored in as it is: `x.f = use`,
        `x.f = append(x.f, use)`, `x.f = T{F: use}`; else None. (Or its elements:
        `x.f = append(x.f, use...)` of a local collection.)"""
        node = use
        while node.parent is not None and node.parent.type in (
            "literal_element",
            "keyed_element",
            "literal_value",
            "composite_literal",
            "argument_list",
            "variadic_argument",
            "call_expression",
            "unary_expression",
        ):
            parent = node.parent
            if parent.type == "call_expression" and not appends(parent):
                return None
            if parent.type == "unary_expression" and not text(parent).startswith(("&", "*")):
                return None  # (`&rec`, or `*rec`: a copy of the record, with its slices)
            if parent.type == "variadic_argument":
                under = self.types.underlying(self.types.type_of(use))
                if under is None or not is_slice(under) or under[2:] in _PLAIN_ELEMENTS:
                    return None  # (`append(b.buf, p...)` copies p's bytes)
            node = parent
        found = paired_target(node)
        return found[1] if found is not None else None

    def _sent_whole(self, use: Node) -> Target | None:
        """The channel a local collection is sent on as it is (`dst <- msg`), when its
        receivers are elsewhere (not a channel this function makes and receives from)."""
        send = use.parent
        if (
            send is None
            or send.type != "send_statement"
            or send.child_by_field_name("value") != use
        ):
            return None
        channel = send.child_by_field_name("channel")
        if channel is None or self._local_channel(unparen(channel)) is not None:
            return None
        return Target(text(channel), f"channel {text(channel)}", Confidence.MEDIUM)

    # -- reporting -------------------------------------------------------------------------

    def _holds_result(self, value: Node, call: Node) -> bool:
        """Whether `value` is a local declared with the call's (first) result, as it is
        (`lines, err := responseLines(r)`)."""
        if value.type != "identifier":
            return False
        binding = self.types.lookup(value)
        if binding is None or binding.kind != LOCAL or binding.index != 0:
            return False
        held = unparen(binding.value) if binding.value is not None else None
        return held is not None and held == call

    def _picked_whole(self, piece: Piece, value: Node) -> bool:
        """Whether `value`, a whole part of a split (`line` of `range bytes.Split(body,
        "\n")`), is kept only for the parts a test picks (`if err != nil { h.recordError(line,
        err) }`): some lines of the text, which keep all of it."""
        if not (piece.element and value.type == "identifier" and piece.origin is not None):
            return False
        args = _args(piece.origin) if piece.origin.type == "call_expression" else []
        if not args:
            return False
        return _line_tests(_statement_of(value), _flat(text(args[0]))) == _PICKS

    def _apart(self, piece: Piece, state: _Climb) -> bool:
        """Whether the helper's record the piece is kept in holds pieces of the text that
        are not the parts of one cut (`Returned.apart`): kept whole, it is still a small part
        of it."""
        # (A record of a helper the piece went through, `n, err := parseEnode(line)`: that
        # call, not the cut it was a piece of before.)
        if state.fields:
            call = state.split
        elif piece.fields:
            call = piece.origin if piece.helper else state.split or piece.split
        else:
            return False
        if call is None or call.type != "call_expression":
            return False
        returned = self.pkg.returned_at(self, call)
        if returned is None:
            return False
        # (Of one line read on its own, the fields left out are a few bytes of that line.)
        return returned.apart or (returned.gaps and piece.source.kind != sources.LINE)

    def _report(
        self,
        piece: Piece,
        state: _Climb,
        levels: int,
        how: str,
        target: Target,
        holder: str | None = None,
        bounded: str = "",
    ) -> None:
        """Record a leak. `holder`: the place as named here, when `target` names it in
        another function (a helper's store: the call's receiver, or "" for none).
        `bounded`: why the place may well not outlive its use (the leak is then minor)."""
        value = state.value
        holder = target.text if holder is None else holder
        key = (value.start_byte, value.end_byte)
        collects = target.collects or state.appended
        # (Parts kept by a holder the call picks per part, `s.block(fp).Append(ts, line)`:
        # spread over holders that go one by one, so no partition keeps them together.)
        spread = bool(holder) and "(" in holder
        if key in self.leaks or self._excluded(piece, target.places, collects, value, spread):
            return
        if _rest_kept_with(value):
            return  # `Rule{Pattern: f[0], Owners: f[1:]}`: every field of the split is kept
        if _replaced_after(value):
            return  # `p.name = strings.Trim(v, " ")` ... `p.name = string([]byte(p.name))`
        nested = piece.nested or state.nested
        # All the parts of a split value kept together keep nothing extra alive: the whole
        # result, or each range variable over it as it is (`m[line] = true`). Not one
        # element picked out of it (`t.edge[s] = segs[len(segs)-1]`: one record of many).
        whole = (levels > 0 and value.type != "index_expression") or (
            piece.element and value.type == "identifier"
        )
        if (
            whole
            and levels == 1
            and (piece.fields or state.fields)
            and piece.source.kind != sources.LINE
            and self._one_record(value)
        ):
            # One record with a field cut from a whole text: the rest of the text goes. (Of
            # a line read on its own, the record is that line's worth.)
            whole = False
        if (
            piece.element
            and value.type == "slice_expression"
            and self._wastes_little(value)
            and not _selected_lines(_statement_of(value), _flat(text(piece.source.node)))
        ):
            whole = True  # `line[2:]` of every line: nearly all of the text
        # (So does a helper's result stored as it is, records of all the tokens it parsed
        # (`netrc = parseNetrc(string(data))`), as a split's result does.)
        # (Also a map or slice of them, `db.states, err = parseStates(r)`.)
        splits = _callee_name(piece.origin) in _SPLITTERS or bool(piece.fields or state.fields)
        picked = piece.origin.start_byte in self._picked
        # (Or a local holding that result as it is: `lines, err := responseLines(r)`, then
        # `a.names = lines`.)
        given = value == piece.origin or self._holds_result(value, piece.origin)
        splits = splits or (piece.helper and given and not picked)
        # (Not a view the next read overwrites: all of its parts are overwritten as well.)
        view = piece.source.kind == sources.VIEW
        if (
            whole
            and not nested
            and splits
            and not view
            and not self._apart(piece, state)
            and not self._picked_whole(piece, value)
        ):
            return
        if not how.endswith("sent on") and self._parent_kept(piece.source, target.text, value):
            return
        outlives = self._outlives_reader(piece, target.text)
        if self._own_cursor(piece, state, target, holder, value, outlives):
            return
        if self._decoded_into(piece, holder, value, collects):
            return
        per_call = self._per_call(holder, value)
        if per_call is not None and not per_call[0]:
            return  # the holder is made per call and dropped with it
        if piece.source.kind == sources.PARAM:
            lifted = self.pkg.lift(piece.source)
            if (
                piece.source.field is not None
                and (lifted is None or lifted[0].kind == sources.PARAM)
                and not (_BULK_FIELD.match(piece.source.field) and not self.pkg.called(piece))
            ):
                # A field of a parameter no caller fills with data: mostly a name, unless
                # its name says it holds a document (`frag.Raw`, `msg.Body`) and nothing in
                # the package calls the function (an entry point of its API): then it is
                # judged as a parameter (`info`: its caller decides its size).
                return
            if lifted is not None:
                piece = replace(piece, source=lifted_source(piece.source, *lifted))
        confidence = weaker(piece.source.confidence, target.confidence)
        stored = Target(
            target.text,
            target.where,
            confidence,
            target.related,
            # A field of a handle keeps a buffer of its own per open handle, of which there
            # are many (not a line or view in one slot: one at a time per reader).
            collects=collects
            or (
                piece.source.kind in (sources.BUFFER, sources.READ)
                and self._handle_field(holder, value)
            )
            # A view left in its slot while the loop reads on is not a current token: some
            # earlier line's bytes, overwritten under the holder; nor is one kept while the
            # owner reads from a new reader.
            or (piece.source.kind == sources.VIEW and _read_again(value, piece.source.node))
            or outlives,
            caller=target.caller,
            interned=target.interned,
        )
        split = state.split or piece.split
        if state.fields and not piece.fields:
            piece = replace(piece, fields=state.fields)
        if piece.fields:
            piece = replace(piece, apart=self._apart(piece, state))
        notes = [note for note in state.notes if note not in piece.steps]
        if notes:
            piece = replace(piece, steps=[*piece.steps, *notes])
        if state.wrapped:
            how = f"passed to {state.wrapped}, whose new object is {how}"
        leak = Leak(piece, value, levels, how, stored, nested, split, bounded=bounded)
        if per_call is not None:
            named = holder.split(".", 1)[0].lstrip("*( ")
            reason = (
                f"{named} is likely made per call and dropped with it, as the package's own "
                "calls do; only code of another package keeping its own could keep it long"
            )
            leak.per_call = (reason, per_call[1])
        self.leaks[key] = leak


def _tokenized(piece: Node, operand: Node, func: Node) -> bool:
    """A lexer's token appended in order (`l.parts = append(l.parts, l.src[l.start:l.pos])`,
    then `l.start = l.pos`): its cursor moves past each token to the next, so the tokens
    kept in order are the text itself, cut up. Its bounds are fields of the object whose
    field holds the text (the lexer's state); the end may leave off a marker the token ends
    with (`l.src[l.start:l.pos-width]`). Not a token kept in a map (a set of names picked
    from the text)."""
    args = piece.parent
    if args is None or args.type != "argument_list" or args.parent is None:
        return False
    if not appends(args.parent) or args.named_children[0] == piece:
        return False
    owner = operand.child_by_field_name("operand")
    start = piece.child_by_field_name("start")
    end = piece.child_by_field_name("end")
    if owner is None or start is None or end is None or start.type != "selector_expression":
        return False
    if text(start.child_by_field_name("operand")) != text(owner):
        return False
    end = unparen(end)
    if end.type == "binary_expression" and text(end.child_by_field_name("operator")) == "-":
        end = unparen(end.child_by_field_name("left") or end)
    if end.type != "selector_expression" or text(end.child_by_field_name("operand")) != text(owner):
        return False
    moved = re.compile(
        rb"(?<![\w.])"
        + re.escape(start.text or b"")
        + rb"[ \t]*=[ \t]*"
        + re.escape(end.text or b"")
        + rb"[ \t]*(?:$|[\n;}]|//)",
        re.MULTILINE,
    )
    return moved.search(func.text or b"", piece.end_byte - func.start_byte) is not None


# The type of a value a view can be read from (`*bufio.Reader`, `*bufio.Scanner`, a
# connection, a buffer), by its name.
_READER_TYPE = re.compile(r"Reader|Scanner|Conn|Buffer")

# `&rec` passed to a call (`d.decode(&rec)`): a record a function may fill (`_filled_uses`).
# (Found from the `&`: a pattern starting with a class of characters tries every position.)
# The nodes whose children are a function's statements, in order.
_BLOCKS = frozenset({"block", "statement_list"})
_FILLED_RX = re.compile(rb"&([A-Za-z_]\w*)[ \t]*[,)]")


# A name that says it is a limit (`maxLen`, `keepSize`, `limit`).
_LIMIT_NAME = r"(?i)max|limit|keep|size|cap|bound|most"


def _record_declared(
    source: bytes, word: bytes, start: int, end: int, records: frozenset[bytes]
) -> bool:
    """Whether the text from `start` (its function's) to `end` (a call passing `&word`)
    declares `word` as one of the package's structs (`records`) to fill: `var rec Record`,
    `rec := Record{}` (a cheap look at the text)."""
    for prefix, suffix in ((b"var " + word + b" ", b""), (word + b" := ", b"{}")):
        at = source.find(prefix, start, end)
        while at >= 0:
            line = source[at + len(prefix) : at + len(prefix) + 80].split(b"\n", 1)[0].strip()
            kind = line.removesuffix(suffix) if suffix and line.endswith(suffix) else line
            if (not suffix or line.endswith(suffix)) and kind in records:
                return True
            at = source.find(prefix, at + 1, end)
    return False


def _next_part_at(rest: bytes, end: bytes) -> bool:
    """Whether what is left after a part (`s = s[REST:]`) starts where the part ends
    (`s[:END]`), or a separator of a constant size after it (`i+1`, `n + len(sep)`)."""
    rest, end = re.sub(rb"\s+", b"", rest), re.sub(rb"\s+", b"", end)
    return rest == end or re.fullmatch(re.escape(end) + rb"\+(?:\d+|len\(\w+\))", rest) is not None


def _guards(statement: Node) -> Iterator[Node]:
    """The conditions of the `if`s (in the same function) whose body holds `statement`,
    innermost first."""
    node, inner = statement.parent, statement
    while node is not None and node.type not in FUNCTION_NODES:
        if node.type == "if_statement" and node.child_by_field_name("consequence") == inner:
            cond = node.child_by_field_name("condition")
            if cond is not None:
                yield cond
        node, inner = node.parent, node


def _holding_statement(value: Node) -> Node | None:
    """The statement whose list of values holds `value` directly (`x.f = value`, `return
    value`), else None."""
    values = value.parent
    if values is None or values.type != "expression_list":
        return None
    return values.parent


def _prefix_end(piece: Node) -> Node | None:
    """The bound of a prefix cut, `n` of `x[:n]` or `x[0:n]` (no capacity given), else None."""
    start = piece.child_by_field_name("start")
    if piece.child_by_field_name("capacity") is not None:
        return None
    if start is not None and text(start) != "0":
        return None
    return piece.child_by_field_name("end")


def _truncated(operand: Node, guard: Node, why: str) -> Source:
    """The source of a value cut or emptied in place under `guard` (its condition)."""
    what = _flat(text(guard))
    related = (guard.start_byte, guard.end_byte, f"{what}: {why}")
    return Source(operand, Confidence.MEDIUM, related, sources.TRUNCATED, what=what)


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


# Trims that leave a part whole but for a few blanks or a case change.
_WHOLE_TRIMS = frozenset({"TrimSpace", "ToLower", "ToUpper", "TrimRight", "TrimLeft", "Trim"})


def _collected_across(declared: Node, statement: Node, piece: Piece) -> bool:
    """Whether a loop that makes the view's read again also puts the view in a collection
    declared before it (`tokens = append(tokens, tok)`): the collection outlives the
    iteration, and its earlier elements share the buffer the loop reads into again."""
    read = piece.source.node
    node = statement.parent
    while node is not None and node.type not in FUNCTION_NODES:
        if node.type == "for_statement" and within(read, node):
            return not within(declared, node)
        node = node.parent
    return False


def _read_again(stored: Node, read: Node) -> bool:
    """Whether a loop around the store of a view also reads (`read`), and may read again
    after the store: the view is then not the object's current token but a line of some
    earlier read (`case "HELO": s.helo = arg` in a session's command loop). Not when the
    store runs with every read (in the read's own block: `r.line, err = r.br.ReadSlice(
    '\n')`), or its block leaves the loop or the function right after it (a `Next` that
    skips blank lines, then sets its token and returns)."""
    statement = _statement_of(stored)
    block = statement.parent
    if block is not None and block == _statement_of(read).parent:
        return False
    if block is not None:
        after = block.named_children
        rest = after[after.index(statement) + 1 :] if statement in after else []
        if any(n.type in ("return_statement", "break_statement") for n in rest):
            return False
    node = statement.parent
    while node is not None and node.type not in FUNCTION_NODES:
        if node.type == "for_statement" and node.start_byte <= read.start_byte < node.end_byte:
            return True
        node = node.parent
    return False


def _in_place(cut: Node) -> bool:
    """`x = x[...]`: a cut assigned back to what it cuts."""
    values = cut.parent
    owner = values.parent if values is not None else None
    if owner is None or owner.type != "assignment_statement":
        return False
    operand = cut.child_by_field_name("operand")
    lefts = _list_items(owner.child_by_field_name("left"))
    return operand is not None and any(_flat(text(left)) == _flat(text(operand)) for left in lefts)


def _block_of(statement: Node) -> Node | None:
    """The block (`{ ... }`) a statement is directly in."""
    node = statement.parent
    while node is not None and node.type != "block":
        if node.type in FUNCTION_NODES:
            return None
        node = node.parent
    return node


def _pooled_view(piece: Piece) -> bool:
    """A view of a pooled buffer the function gives back (`Source.next_op`)."""
    return piece.source.kind == sources.VIEW and piece.source.next_op == "pool"


def _rest_kept_with(value: Node) -> bool:
    """Whether `value` is the first element of a split (`f[0]`) whose statement keeps the
    rest of it too, as it is (`Owners: f[1:]`; not `strings.Join(f[1:], " ")`, a copy):
    the head and the tail, all of what the split cut."""
    operand = value.child_by_field_name("operand") if value.type == "index_expression" else None
    index = value.child_by_field_name("index") if operand is not None else None
    if operand is None or index is None or operand.type != "identifier" or text(index) != "0":
        return False
    statement = _statement_of(value)
    for rest in captures("(slice_expression) @s", statement).get("s", []):
        start = rest.child_by_field_name("start")
        if (
            text(rest.child_by_field_name("operand")) != text(operand)
            or start is None
            or text(start) != "1"
            or rest.child_by_field_name("end") is not None
        ):
            continue
        # (Not passed to a call: what it makes of the rest is its business.)
        node = rest.parent
        while node is not None and node != statement:
            if node.type == "call_expression" and _callee_name(node) != "append":
                break
            node = node.parent
        else:
            return True
    return False


def _literal_key(made: Node, value: Node) -> str | None:
    """The field of the struct literal `made` (`Reply{Status: line[1:]}`) that holds `value`
    (the innermost keyed element around it)."""
    node = value.parent
    while node is not None and node != made:
        keyed = keyed_value(node)
        if keyed is not None and within(value, keyed[1]):
            return keyed[0]
        node = node.parent
    return None


def _on_callee_object(call: Node, place: str) -> bool:
    """Whether `place` is reached from the object the method call `call` is made on
    (`d.nextToken` of `d.rawToken()`)."""
    function = call.child_by_field_name("function")
    operand = function.child_by_field_name("operand") if function is not None else None
    if function is None or function.type != "selector_expression" or operand is None:
        return False
    return place.startswith(_flat(text(operand)) + ".")


def _calls_named(
    source: bytes, names: Iterable[str], spans: Iterable[tuple[int, int]]
) -> Iterator[tuple[int, int]]:
    """Where `source` calls one of `names` (`name(`, `x.name(`, not `myname(`), within
    `spans`: the name's (start, end)."""
    spans = list(spans)
    for name in names:
        word = name.encode()
        for a, b in spans:
            at = source.find(word, a, b)
            while at >= 0:
                end = at + len(word)
                before = source[at - 1 : at]
                if source[end : end + 1] == b"(" and not (before.isalnum() or before == b"_"):
                    yield at, end
                at = source.find(word, end, b)


def _returned_literal(use: Node, func: Node) -> Node | None:
    """The function literal around `use` that `func` returns as it is (`return func(...) {
    ... use ... }`), if any."""
    node = use.parent
    while node is not None and node != func:
        if node.type == "func_literal":
            return node if _returned(node) and enclosing_function(node) == func else None
        node = node.parent
    return None


def _returned(use: Node) -> bool:
    """`return use`, as it is."""
    parent = use.parent
    if parent is not None and parent.type == "expression_list":
        parent = parent.parent
    return parent is not None and parent.type == "return_statement"


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
# Element types of slices whose dropped tail holds no pointers (strings count as plain, as in
# resliced-pointers): a truncation of those is retention.
_PLAIN_ELEMENTS = frozenset(
    {
        "byte",
        "uint8",
        "int8",
        "bool",
        "int16",
        "uint16",
        "int32",
        "uint32",
        "rune",
        "float32",
        "int",
        "uint",
        "int64",
        "uint64",
        "float64",
        "string",
    }
)
_KEEPERS = frozenset({"assignment_statement", "short_var_declaration", "var_spec"})
# Results that say how a call went rather than carry data.
_STATUS_TYPES = frozenset(
    {
        "bool",
        "error",
        *(f"{sign}int{bits}" for sign in ("", "u") for bits in ("", "8", "16", "32", "64")),
        "float32",
        "float64",
        "time.Duration",
        "time.Time",
    }
)


def _scope_of(statement: Node, declared: Node) -> Node | None:
    """The function whose later uses of a local, declared at `declared`, follow what
    `statement` puts in it: the one around the statement, or the function around that whose
    local a function literal sets (`service = v` in a callback, `c.Update(service)` after
    the call that runs it; `meta[k] = v`, then `t.meta = meta`)."""
    func = enclosing_function(statement)
    outer = enclosing_function(declared)
    if func is not None and outer is not None and within(func, outer):
        return outer
    return func


def _may_be_kept(
    node: Node, storers: Callable[[], frozenset[str]] | None = None, returns: bool = False
) -> bool:
    """A cheap syntactic pre-check: can this expression's value reach a statement that stores
    it (an assignment, a declaration, a send, a range, a cache-like call, a call of a package
    function named by `storers()` that may store a parameter, a new object returned)? Calls
    other than these pass the value on only as arguments of append, conversions and trimming
    functions, which `_climb` checks properly later. `returns`: a value returned as it is
    counts too (the package gives pooled buffers back: a view of one may be returned)."""
    parent = node.parent
    contained = False  # in a composite literal: `return Frame{Payload: buf[:n]}`
    while parent is not None:
        kind = parent.type
        contained = contained or kind == "composite_literal"
        if kind == "argument_list":
            call = parent.parent
            func = call.child_by_field_name("function") if call is not None else None
            if func is not None and func.type == "selector_expression":
                name = text(func.child_by_field_name("field"))
            else:
                name = text(func) if func is not None and func.type == "identifier" else ""
            if name in _KEEPER_METHODS and func is not None and func.type != "identifier":
                return True
            if storers is not None and name and name in storers():
                return True
        elif kind == "expression_list":
            owner = parent.parent
            if owner is not None and (contained or returns) and owner.type == "return_statement":
                return True
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


# Field names that say the field holds a whole document or message, not a name.
_BULK_FIELD = re.compile(
    r"(?i)^(?:raw|body|data|contents?|payload|blob|dump|doc(?:ument)?|page|html|buf(?:fer)?|"
    r"src|source|input|output)$"
)


def _fails_on_error(statement: Node | None) -> bool:
    """Whether `n, err := call` is followed at once by `if err != nil { ... return }`."""
    left = statement.child_by_field_name("left") if statement is not None else None
    names = _list_items(left) if left is not None else []
    after = statement.next_named_sibling if statement is not None else None
    if len(names) != 2 or after is None or after.type != "if_statement":
        return False
    condition = after.child_by_field_name("condition")
    then = after.child_by_field_name("consequence")
    if condition is None or then is None or after.child_by_field_name("initializer"):
        return False
    if _flat(text(condition)) != f"{text(names[1])} != nil":
        return False
    body = statements(then)
    return bool(body) and body[-1].type == "return_statement"


def _stored_target(stored: Stored) -> Target:
    """The place a function of the package stores its parameter in, as a target."""
    return Target(
        stored.text,
        stored.where,
        stored.confidence,
        collects=stored.collects,
        interned=stored.interned,
    )


def _interning(stored: Stored | None) -> bool:
    return stored is not None and stored.interned


def _describe(piece: Piece, state: _Climb, levels: int) -> str:
    noun = "substring" if piece.family == STRING else "subslice"
    source = text(piece.source.node)
    if levels == 0:
        return f"a {noun} of {source}"
    return f"{noun}s of {source}"


# -- diagnostics ----------------------------------------------------------------


def _diagnostic(ctx: FileContext, leak: Leak) -> Diagnostic:
    piece = leak.piece
    noun = "substring" if piece.family == STRING else "subslice"
    # (A statement storing a parameter twice is named by the parameter.)
    value_text = leak.rebind or _flat(text(leak.store or leak.value))
    origin_text = _flat(text(piece.origin))
    source_text = _flat(text(piece.source.node))
    if piece.source.node.type == "call_expression" and len(source_text) > 60:
        called = piece.source.node.child_by_field_name("function")  # (`b.ForEach(...)`)
        source_text = f"{_flat(text(called))}(...)" if called is not None else source_text
    if piece.source.field is not None and piece.source.node.type == "identifier":
        source_text = f"{source_text}.{piece.source.field}"  # (`frag` passed: its field)
    target = leak.target
    keeper = f"a receiver of {target.text}" if leak.how.endswith("sent on") else target.text
    what = value_text if origin_text in value_text else f"{value_text} (from {origin_text})"
    fields = ", ".join(sorted(piece.fields)) if piece.fields and leak.levels in (1, 2) else ""
    if leak.levels == 0:
        detail = f"{what} is a {noun} {leak.how} {target.where}"
    elif fields:
        of = what if leak.levels == 1 else f"the elements of {what}"
        detail = (
            f"the fields {fields} of {of} are {noun}s of {source_text}, {leak.how} {target.where}"
        )
    else:
        detail = f"the elements of {what} are {noun}s of {source_text}, {leak.how} {target.where}"
    if leak.also:
        places = "place" if leak.also == 1 else "places"
        detail += f", and {value_text} is kept in {leak.also} other {places}: copy it once here"
    message = f"{keeper} keeps the whole backing array of {source_text} alive: {detail}"
    view = piece.source.kind == sources.VIEW
    if view:
        call = piece.source.what or source_text
        reader = call.rsplit(".", 1)[0] if "(" in call else call
        if leak.levels == 0:
            detail = f"{what} is {leak.how} {target.where}"
        else:
            detail = f"the elements of {what} are {leak.how} {target.where}"
        op = piece.source.next_op
        if op == "unmap":
            message = (
                f"{keeper} keeps a view of a memory-mapped file: {detail}, but the mapping "
                f"of {call} is valid only until it is unmapped (or remapped to grow), and "
                "reading it then faults; store a copy"
            )
        elif op == "pool":
            message = (
                f"{keeper} keeps a view of a pooled buffer: {detail}, but {call} gives the "
                "buffer back to its pool, whose next user overwrites it; store a copy"
            )
        elif op == "documented":
            message = (
                f"{keeper} keeps a view that is valid for a while only: {detail}, but the "
                f'documentation of {call} says "{piece.source.until}"; store a copy'
            )
        else:
            message = (
                f"{keeper} keeps a view that the next {op} overwrites: {detail}, and shares "
                f"the buffer of {reader}, so its bytes change at the next {op}; store a copy"
            )
    emptied = piece.source.kind == sources.TRUNCATED and _is_reset(leak.value)
    if emptied:
        message = (
            f"{target.text} still keeps its whole backing array: {value_text} empties it in "
            f"place under the guard {piece.source.what}, which frees nothing; set it to nil "
            "(or a new, smaller buffer) to let the array go"
        )
    elif piece.source.kind == sources.TRUNCATED and piece.helper:
        # (A helper's `if len(s) > max { return s[:max] }`: the related notes show where.)
        message = (
            f"{target.text} keeps the whole backing array of what {origin_text} cuts alive: "
            f"it is the start of a string that can be longer (the guard {piece.source.what}); "
            "store a copy"
        )
    elif piece.source.kind == sources.TRUNCATED and not _in_place(piece.origin):
        message = (
            f"{target.text} keeps the whole backing array of {source_text} alive: "
            f"{origin_text} keeps only its last elements; store a copy"
        )
    elif piece.source.kind == sources.TRUNCATED:
        # (the cut, also when a local holds it until the store: `r.recent = entries`)
        message = (
            f"{target.text} still keeps its whole backing array: {origin_text} truncates it "
            f"in place under the guard {piece.source.what}, which frees nothing; store a copy"
        )
    related: list[tuple[int, int, str] | Related] = list(target.related)
    if piece.source.related is not None:
        related.append(piece.source.related)
    package = package_for(ctx)
    per_call_notes = leak.per_call[1] if leak.per_call is not None else ()
    for note in (*piece.source.chain, *piece.steps, *per_call_notes):
        if len(note) == 4:
            if package is not None:
                related.append(package.related(note, ctx.path))  # type: ignore[arg-type]
            elif note[0] == ctx.path:
                # (summaries not kept for an index never attached: a note in this file)
                related.append(note[1:])  # type: ignore[arg-type]
        else:
            related.append(note)  # type: ignore[arg-type]
    diag = Diagnostic(
        leak.value.start_byte,
        leak.value.end_byte,
        message,
        confidence=target.confidence,
        related=_unique(related),
    )
    # Test data lives as long as the test: the engine makes those bounded.
    if not ctx.is_test:
        size = sources.judge(piece.source, source_text, target.collects, target.caller)
        diag.impact, diag.impact_reason = size.impact, size.reason
        if leak.per_call is not None:
            diag.impact, diag.impact_reason = Impact.BOUNDED, leak.per_call[0]
        elif leak.bounded:
            diag.impact, diag.impact_reason = Impact.BOUNDED, leak.bounded
        elif view and size.impact is Impact.GROWS:
            diag.severity = Severity.ERROR  # a correctness bug, not only memory
    if leak.levels > 0:
        copier = "strings.Clone" if piece.family == STRING else "bytes.Clone or slices.Clone"
        if view:
            copier = "bytes.Clone (Go 1.20) or append([]byte(nil), v...)"
        diag.no_fix_reason = (
            f"no automatic fix: every element of {value_text} shares the memory of "
            f"{source_text}; copy the elements you keep with {copier}"
        )
        if fields:
            diag.no_fix_reason = (
                f"no automatic fix: the fields {fields} of {value_text} share the memory of "
                f"{source_text}; copy them with {copier} where the record is made"
            )
        return diag
    if emptied:
        diag.fix = drop_fix(leak.value)
        return diag
    if leak.rebind:
        diag.fix, diag.no_fix_reason = rebind_fix(ctx, leak.value, leak.rebind, piece.family)
        return diag
    diag.fix, diag.no_fix_reason = make_fix(ctx, leak.value, piece.family)
    return diag


def _trimmed_in_place(statement: Node, name: str) -> bool:
    """`s[i] = strings.TrimSpace(s[i])`: an element of `name` trimmed where it is, still the
    whole part it was (of a split, the parts are all of the text)."""
    if statement.type != "assignment_statement":
        return False
    lefts = _list_items(statement.child_by_field_name("left"))
    rights = _list_items(statement.child_by_field_name("right"))
    if len(lefts) != 1 or len(rights) != 1:
        return False
    left, right = unparen(lefts[0]), unparen(rights[0])
    operand = left.child_by_field_name("operand") if left.type == "index_expression" else None
    return (
        operand is not None
        and text(operand) == name
        and right.type == "call_expression"
        and _callee_name(right) in _WHOLE_TRIMS
        and text(_first_arg(right) or right) == text(left)
    )


def _replaced_after(value: Node) -> bool:
    """Whether the place `value` is assigned to is set again later, whenever the store runs,
    to a copy of itself (`p.name = strings.Trim(v, " ")` ... `p.name = string([]byte(
    p.name))`, commented "ensure we have a copy") or to nil (`c.msgBuf = buf[c.as : i+1]`,
    the message handled, then `c.argBuf, c.msgBuf = nil, nil`, a parser's slot for the one
    message under way): what it keeps is that copy, or nothing."""
    statement = _statement_of(value)
    if statement.type != "assignment_statement":
        return False
    lefts = _list_items(statement.child_by_field_name("left"))
    rights = _list_items(statement.child_by_field_name("right"))
    if len(lefts) != 1 or len(rights) != 1 or not within(value, rights[0]):
        return False
    place = text(lefts[0])
    if lefts[0].type not in ("identifier", "selector_expression"):
        return False
    func = enclosing_function(statement)
    body = func.child_by_field_name("body") if func is not None else None
    if func is None or body is None:
        return False
    name = re.escape(place)
    copy = re.compile(rf"nil|{copy_of(name)}")
    source = func.text or b""
    start = func.start_byte
    word = re.compile(rb"(?<![\w.])" + re.escape(place.encode()) + rb"(?![\w.(\[])")
    for match in word.finditer(source, statement.end_byte - start):
        node = body.descendant_for_byte_range(start + match.start(), start + match.end())
        later = node.parent if node is not None else None
        if later is not None and later.type == "expression_list":
            later = later.parent
        if later is None or later.type != "assignment_statement":
            continue
        targets = _list_items(later.child_by_field_name("left"))
        values = _list_items(later.child_by_field_name("right"))
        if len(targets) != len(values) or node not in targets:
            continue
        again = text(values[targets.index(node)])
        if copy.fullmatch(_flat(again)) and always_after(statement, later, early_exits=True):
            return True
    return False
