"""Per-package function summaries for the retention rules: the data followed across helpers.

Facts about a function, computed on demand and kept once per package (the `Package` of a
`PackageIndex` is shared by every file of the package):

- what it returns (`Returned`): a piece of one of its parameters (`return line[:i]`,
  `return strings.TrimSpace(p)`, `return bytes.Fields(b)`, `return head(p)` of another such
  helper), or big data, whole or a piece of it (`return os.ReadFile(path)`, `return buf[:n]`
  of a 64 KiB read buffer, `return sc.Bytes()`); a conversion (`return string(b[:i])`) is a
  copy. The functions that return a string or a slice are found once per package by their
  headers' text (`followed`) and summarised then, so that a file's analysis looks for calls
  of the few piece-returning names only (by name, with `bytes.find`), and `returned_at`
  rejects any other call by its name before resolving the callee;
- which parameters it stores where they outlive the call (`Stored`), and which it puts in
  the new object it returns (`Contained`: `return &entry{data: b}`, `e.data = b; return e`),
  both computed only for a piece actually passed to the function;
- whether the object its receiver or a pointer parameter designates is made per call of a
  function of the package and dropped when that returns (`per_call`);
- what its callers pass it (`lift`): the package's calls of the function, found by name in
  every file of the package, with methods resolved by the receiver's type (or by a method name
  that only one type of the package declares). A parameter's source is what any caller
  passes; when a caller passes its own parameter, its callers are asked in turn. Calls in
  test files do not count for code outside them.

`lift` is a breadth-first search over the graph whose nodes are (function, parameter) and
whose edges are calls passing a parameter on: it visits each node once, so recursion and
cycles end, and the first big source found is the nearest one (the least fixpoint of "some
caller passes big data"). `returned` is memoised, with a function under evaluation counting as
returning nothing (a recursive helper returns what its other branches return); an answer that
depended on an enclosing evaluation is not memoised, and the outermost function of a cycle
is evaluated once more with its first answer known. The stack of evaluations is bounded
(`_MAX_RETURN_DEPTH`), so the fixpoint ends on any recursion.

Both answers carry the chain as related locations, which may lie in other files of the
package (`Related.path`): source -> helper call -> store.

The package's files come from `package_files` (attached by `analyse_package` and the app's
live path); without them (a fix being checked) only the current file is looked at.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tree_sitter import Node, Tree

from leakscope.core import package_files
from leakscope.core.context import FileContext, is_test_code
from leakscope.core.flow import always_after
from leakscope.core.index import Signature, receiver_type_name, signature_of
from leakscope.core.model import Confidence, Impact, Related
from leakscope.core.package_files import files_of
from leakscope.core.rules import _retention_partitions as partitions
from leakscope.core.rules import _retention_pools as pools
from leakscope.core.rules import _retention_sources as sources
from leakscope.core.rules._retention_docs import DocView, doc_view, documented_views
from leakscope.core.rules._retention_handover import HandOver
from leakscope.core.rules._retention_partitions import _gaps
from leakscope.core.rules._retention_sources import Source, assigned_offsets
from leakscope.core.rules._retention_syntax import (
    _PIECE_RESULTS,
    _REGEXP,
    _SPLITTERS,
    SLICE,
    STRING,
    _args,
    _callee_name,
    _flat,
    _is_fresh,
    _is_reset,
    _is_whole,
    _list_items,
    _statement_of,
    appends,
    keyed_value,
    weaker,
    zero_copy_operand,
)
from leakscope.core.syntax import (
    FUNCTION_NODES,
    SLICE_OPENING,
    assigned_by,
    captures,
    enclosing_function,
    receiver_name,
    receiver_type,
    text,
    unparen,
    within,
)
from leakscope.core.text import LineIndex
from leakscope.core.types import (
    FUNC,
    IMPORT,
    LOCAL,
    NUMERIC_TYPES,
    PARAM,
    RANGE,
    RECEIVER,
    RESULT,
    TYPE,
    Binding,
    is_map,
    is_pointer,
    is_slice,
)

if TYPE_CHECKING:
    from leakscope.core.rules._retention import Leak, Piece, _Analysis

Note = tuple[str, int, int, str]  # a related location: (path, start, end, message)
Key = tuple[str, str]  # (receiver type name or "", function name)
Slot = Key | tuple[str, str, int]  # a function's first result, or (*key, index) for another

_MAX_RETURN_DEPTH = 6  # helpers being summarised at once (a chain's depth)
# A string, slice or map first: `string`, `([]byte, error)`, `(key, val []byte, n int)`.
_RESULT_TYPE = re.compile(rb"^\(?\s*(?:\w+(?:\s*,\s*\w+)*\s+)?(?:string|\[\]|map\[)")
_HINT_TEXT = (
    # (A slice's opening, bounds indexed once too: `raw[loc[0]:loc[1]]`.)
    rb"(?:" + SLICE_OPENING.pattern + rb"|\.(?:Split|Fields|Cut|Trim|Find|Lines|Bytes|Read|"
    rb"Peek|Output|CombinedOutput|Dump)|\burl\.Parse)"
)
_RESULT_HINT = re.compile(_HINT_TEXT)
# A zero-copy conversion (`unsafe.String(...)`): apart, the hint above keeps its fast scan.
_ZERO_COPY_HINT = re.compile(rb"unsafe\.(?:String|Slice)\(")
# `it.key = it.block[a:b]`: a field set to a cut of another field of the same value (found
# from the `= x.f[...:` side, then the left side is checked: `_windowed_fields`).
_WINDOW_SET = re.compile(rb"=[ \t]*(\w+)\.(\w+)\[[^\]\n]*:")
_WINDOW_LEFT = re.compile(rb"(\w+)\.(\w+)[ \t]*$")
# `= d[a:b]` of a local: a window when the local holds a cut of another field (see above).
_WINDOW_LOCAL_SET = re.compile(rb"\.(\w+)[ \t]*=[ \t]*([A-Za-z_]\w*)\[[^\]\n]*:")
_WORD_BEFORE = re.compile(rb"(\w+)$")  # (the value whose field is set: `it` of `it.key =`)
# The methods that move an iterator or a reader on, after which a view of what it held
# before is stale ("valid until the next call to Next"): not a `Reset` or an `init`, which
# start over when the object is reused.
_ADVANCES = re.compile(r"(?:Next|Prev|Seek|First|Last|Scan|Read|Advance|Step|Decode)")
# `x.key = append(x.key[:n], ...)` or `x.key = x.key[:0]`: a field rebuilt over its memory.
_REBUILT = re.compile(
    rb"\b(\w+)\.(\w+)[ \t]*=[ \t]*(?:append\([ \t]*\1\.\2\[[ \t]*:|\1\.\2\[[ \t]*:[ \t]*0[ \t]*\])"
)
_REBUILT_HINT = re.compile(rb"=[ \t]*append\(|\[[ \t]*:[ \t]*0[ \t]*\]|Read(?:Full|AtLeast)?\(")
# A read into what follows: `io.ReadFull(r.rd, `, `r.rd.Read(`.
_READ_CALL = rb"(?:\bio\.(?:ReadFull|ReadAtLeast)\([^,()]+,\s*|\.Read\(\s*)"
# `io.ReadFull(r.rd, r.rec)`, `r.rd.Read(r.rec)`: a read into a field, over its memory.
_READ_INTO = re.compile(_READ_CALL + rb"(\w+)\.(\w+)(?:\[[^\]\n]*\])?[ \t]*[,)]")
# `r.rec = r.buf` or `r.rec = r.buf[4:n]`: a field set to another of the same value.
_FIELD_ALIAS = re.compile(rb"(?m)^[ \t]*(\w+)\.(\w+)[ \t]*=[ \t]*\1\.(\w+)(?:\[[^\]\n]*\])?[ \t]*$")
# `return it.key`: a field returned as it is.
_RETURN_FIELD = re.compile(rb"\breturn[ \t]+\w+\.(\w+)[ \t]*[\n}]")
# `return s` (`return s, nil`): a name returned as it is.
_RETURN_NAME = re.compile(rb"\breturn[ \t]+([A-Za-z_]\w*)[ \t]*(?:[,\n}]|//)")
# `return f(`, `return x.f(`: the names of the functions whose results are returned.
_RETURN_CALL = re.compile(rb"\breturn[ \t]+(?:&?[A-Za-z_]\w*\.)*([A-Za-z_]\w*)\(")
# `v, ok := f(`, `x = s.f(`: the names of the functions whose results are assigned.
_ASSIGNED_CALL = re.compile(rb"[^:!<>=]:?=[ \t]*(?:&?[A-Za-z_]\w*\.)*([A-Za-z_]\w*)\(")


@dataclass(frozen=True)
class Returned:
    """What a function returns, when it matters for retention."""

    family: str  # STRING or SLICE
    levels: int  # 0: the result is a piece; 1: its elements are
    piece: bool  # a piece (not the whole value) of the parameter or source
    param: int | None = None  # the result is (a piece of) this parameter
    source: Source | None = None  # else: (a piece of) this big source
    notes: tuple[Note, ...] = ()
    # A named result returned by a bare `return`: set wherever the function assigns it, not
    # cut next to the other results by one return (see `parts_at`).
    named: bool = False
    # Else: (a piece of) this field of the method's receiver (`return l.src[start:l.pos]` of
    # a lexer, `rec := r.buf[r.off:r.off+n]` of a record reader): what the caller's receiver
    # was made with decides (`lx := &lexer{src: string(data)}`).
    field: str | None = None
    # The result is a struct (or a pointer to one) whose fields of these names are pieces
    # (`return rec{ID: f[0], Kind: f[1]}, nil` of a line's fields): `levels` counts the
    # record as one level, which selecting one of these fields takes off.
    fields: frozenset[str] | None = None
    # Else: (a piece of) the method's receiver itself, a string or a slice of a named type
    # (`fn(k, v)` of `func (p Pairs) ForEach(fn func(k, v string))` cutting `string(p)`):
    # what the call's receiver holds decides.
    receiver: bool = False
    # With `param`: the result is (a piece of) this field of that parameter (`frag.Raw[i:j]`
    # of `frag Fragment`): what the caller's argument holds in that field decides.
    param_field: str | None = None
    # With `fields`: the fields are not the parts of one cut of the text: some field holds a
    # window of it (`frag.Raw[loc[0]:loc[1]]`, both bounds given), or they come from different
    # cuts (`Kind` of an `m=` line, `Mid` of an `a=mid:` line of an SDP offer). Kept whole,
    # the record still wastes the rest (unlike `rule{Variable: before, Operator: after}` of
    # one Cut, or `record{uuid: f[0], name: f[1]}` of one split).
    apart: bool = False
    # With `fields`: one split's fields with others left out (`Name: f[1]` without `f[0]`):
    # apart too, unless they are cut from one line read on its own (a few bytes left out).
    gaps: bool = False
    # A zero-copy conversion of the parameter (`return unsafe.String(unsafe.SliceData(b),
    # len(b))`): a string sharing the bytes' memory, of the other family.
    zero_copy: bool = False
    # With `levels`: the elements are one field picked out of each line's split, the only
    # thing appended (`out = append(out, f[2])`): a small share of the text, not its worth.
    picked: bool = False
    # With `levels`: where the helper puts each piece in what it returns, (path, start, end)
    # of the value (`strings.TrimSuffix(name, "/")` of `Entry{Name: ...}`, `f[2]` of
    # `append(out, f[2])`): a copy there fixes the result for every caller, where a caller
    # keeping the whole result cannot copy it (`_Analysis._hand_back`).
    copy_at: tuple[tuple[str, int, int], ...] = ()
    # With `levels`: a map whose values are set with their keys, both results of one cut
    # (`m[k] = v` of `k, v, rest, err := parseRecord(s)`): kept whole, the parts of each
    # record together, which waste nothing; one value picked out of it keeps the rest.
    keyed: bool = False
    # With `param`: the piece comes out of a zero-copy decoder over the parameter (`r :=
    # &reader{b: hs}; name, ok := r.bytes(n)`), which is its design: followed only when the
    # caller passes a view the next read overwrites (`serverName(rec[5:])` of a `Peek`).
    decoded: bool = False


_BUSY = Returned(STRING, 0, False)  # a function under evaluation


def _elements(inner: Returned) -> dict[str, bool]:
    """What `inner` says of its elements, which a function returning its result in other
    terms (of its own parameter, of the data it reads) returns as they are."""
    return {
        "apart": inner.apart,
        "gaps": inner.gaps,
        "picked": inner.picked,
        "keyed": inner.keyed,
    }


@dataclass(frozen=True)
class Stored:
    """Where a function stores one of its parameters, as it is, so that it outlives the call
    (`c.data = p`, `c.items = append(c.items, p)`, `ch <- p`, `c.cache.Add(k, p)`)."""

    text: str  # the place, as written in the function: `c.data`
    where: str  # `field c.data (c is a pointer receiver)`
    confidence: Confidence
    collects: bool
    notes: tuple[Note, ...] = ()  # the chain: the store (and helpers passed through)
    # The place is reached through the method's receiver (`c.data`): it outlives the call
    # only when the caller's receiver does (not a local `var rb buffer; rb.init(p)`).
    receiver: bool = False
    # The parameter's use that is stored, in the function that stores it (perhaps a helper
    # it passes the parameter to): (path, start, end). A copy there fixes it for every caller.
    at: tuple[str, int, int] | None = None
    # The name to copy before `at` (a statement) when the parameter is stored twice there,
    # a key and its value (`m[s] = s`, `pool.LoadOrStore(s, s)`): `s = strings.Clone(s)`.
    rebind: str = ""
    # The function looks the parameter up first and returns what it finds (`if v, ok :=
    # m[s]; ok { return v }`): an intern table, which keeps one value per distinct text, the
    # first one seen, and with it whatever text that was cut from.
    interned: bool = False
    # The fields of each element of the parameter that are stored, not the parameter itself
    # (`for _, r := range recs { t.rows[k] = r.Value }`: Value), see `element_stored_at`.
    fields: frozenset[str] | None = None
    # Each element of the parameter is stored as it is, not the parameter (`for _, it := range
    # items { m[k] = it }; s.items = m`): what the elements hold is kept, not the slice.
    elements: bool = False
    # What is stored is a zero-copy conversion of the parameter (`e.help = yoloString(help)`):
    # its callers pass bytes they cannot tell are kept, as a string; the copy belongs here.
    zero_copy: bool = False


_MAX_STORE_DEPTH = 2


@dataclass(frozen=True)
class Contained:
    """A parameter that a function puts, as it is or cut, inside the new object it returns
    (`return &entry{key: k, data: b}`, `e := &entry{}; e.data = b; return e`, `T{b}`)."""

    notes: tuple[Note, ...]  # where it is put in (and constructors passed through)
    field: str | None = None  # the field of the new object it is put in, when named


# What a value can be wrapped in on its way into a container's call (`&entry{k, v}`).
_WRAPPERS = frozenset(
    {"literal_element", "keyed_element", "literal_value", "composite_literal", "unary_expression"}
)

# A bump allocator by its type's name (`arena`, `slabAllocator`): its buffer is handed out in
# pieces, and what is kept of one pins all of it.
_ARENA = re.compile(r"(?i)arena|slab")
# The first result of a constructor: a (pointer to a) type of the package.
_OBJECT_RESULT = re.compile(rb"^\(?\s*(?:\w+\s+)?\*?([A-Za-z_]\w*)\b(?!\.)")


class Package(HandOver):
    """The retention facts of one package's functions (see the module docstring)."""

    def __init__(self, ctx: FileContext, previous: Package | None = None) -> None:
        self.index = ctx.package
        self.go_version = ctx.go_version
        self.files: dict[str, tuple[bytes, Tree]] = dict(files_of(ctx.package))
        self._analyses: dict[str, _Analysis] = {}
        self._lines: dict[str, LineIndex] = {}
        self._declared: dict[Key, str] | None = None
        self._declared_names: frozenset[str] | None = None
        self._unsafe: bool | None = None  # (see `uses_unsafe`)
        self._nodes: dict[str, dict[Key, Node]] = {}
        self._calls: dict[Key, list[tuple[str, Node]]] = {}
        self._returned: dict[Slot, Returned | None] = {}
        # The files each memoised `returned` answer read (its own and its helpers'), and
        # those read by the evaluations under way (innermost last): what an answer depends
        # on, so that the next analysis of the package reuses it while none changed.
        self._deps: dict[Slot, frozenset[str]] = {}
        self._reading: list[set[str]] = []
        self.evaluations = 0  # `returned` answers worked out (not reused or memoised)
        self._lifted: dict[tuple[Key, int, str | None], tuple[Source, tuple[Note, ...]] | None] = {}
        # Names of the functions whose results retention follows (see `_scan`).
        self._followed: tuple[frozenset[str], frozenset[str]] | None = None
        self._typed: dict[Key, tuple[str, Node]] = {}  # functions returning a string or slice
        self._stack: list[Slot] = []  # functions (results) whose `returned` is being evaluated
        self._low = 0  # the lowest of those an evaluation depended on
        self._truncated = False  # an evaluation stopped at _MAX_RETURN_DEPTH
        self._contains: dict[Key, dict[int, Contained] | None] = {}
        self._storer_names: frozenset[str] | None = None
        self._stored: dict[Key, dict[int, Stored] | None] = {}
        # (see `element_stored_at`)
        self._element_stored: dict[tuple[Key, frozenset[str] | None], dict[int, Stored]] = {}
        self._filled: dict[tuple[Key, int], dict[str, Returned]] = {}  # (see `filled`)
        self._typed_names_memo: frozenset[str] | None = None  # (see `_typed_names`)
        self._rebuilders: dict[tuple[str, str], str] | None = None  # (see `_rebuilder`)
        self._aliased: dict[tuple[str, str], frozenset[str]] | None = None  # (`_aliases`)
        self._per_call: dict[tuple[Key, int], tuple[bool, tuple[Note, ...]] | None] = {}
        # Typed declarations per file (see `followed`).
        self._typed_in: dict[str, list[tuple[Key, Node]]] = {}
        self._records: frozenset[bytes] | None = None
        self._windows: dict[str, str] | None = None  # (see `_windowed_fields`)
        # Leaks found at a call that passes a piece to a function storing it as it is, kept
        # for the store's file to report (see `hand`), by the store's (path, start, end).
        self._handed: dict[tuple[str, int, int], list[tuple[str, Leak, Note]]] = {}
        self._whole: dict[str, _Analysis] = {}  # (see `handed_to`)
        self._storers: dict[str, frozenset[str]] = {}  # (see `_storers_in`)
        self._type_params_of: dict[str, dict[str, str]] = {}  # (`_declared_type_params`)
        self._called: dict[str, frozenset[str]] = {}  # (see `_called_in`)
        self._handed_on: dict[tuple[Key, int, int], Returned | None] = {}  # (see `passes`)
        # (see `pool_getter`) (key, getter?) -> (path, role)
        self._pool_roles: dict[tuple[Key, bool], tuple[str, str | int | None]] = {}
        self._gives_back: bool | None = None
        self._fields_read: dict[tuple[str, str], Source | None] = {}  # (see `field_read`)
        self._entries: dict[Key, str | None] = {}  # (see `entry_kept`)
        self._records_busy: set[tuple[str, int, int]] = set()  # (see `_returned_record`)
        self._docs: dict[Key, DocView] | None = None  # (see `doc_view`)
        self._doc_views: dict[Key, DocView | None] = {}
        if previous is not None:
            self._reuse(previous)

    def _reuse(self, previous: Package) -> None:
        """Take over what `previous`, this package's last analysis (its files' summaries of
        the same shape: see `Project`), worked out from files that have not changed since:
        the same tree object (an edited file is parsed again into a new one). The answers
        that read a changed file are worked out again."""
        if previous.go_version != self.go_version or previous.files.keys() != self.files.keys():
            return
        if previous._docs is not None and previous._docs != self._documented():
            # (A doc comment changed what a function of another file returns. Docs never
            # read before mean no answer was worked out that could depend on them.)
            return
        changed = {
            path for path, (_, tree) in self.files.items() if previous.files[path][1] is not tree
        }
        for slot, deps in previous._deps.items():
            found = previous._returned.get(slot, _BUSY)
            if found is not _BUSY and changed.isdisjoint(deps):
                self._returned[slot] = found
                self._deps[slot] = deps
        for path, typed in previous._typed_in.items():
            if path not in changed:
                self._typed_in[path] = typed
        for path, called in previous._called.items():
            if path not in changed:
                self._called[path] = called

    @property
    def evaluating(self) -> bool:
        """Whether a function's summary (`returned`) is being worked out."""
        return bool(self._reading)

    def _read(self, path: str) -> None:
        """The evaluation under way reads `path`."""
        if self._reading:
            self._reading[-1].add(path)

    def close(self) -> None:
        """The package is done (`package_files.detach`): drop the file analyses, which refer
        back to this package."""
        self._analyses.clear()

    # -- files -------------------------------------------------------------------------------

    def bind(self, analysis: _Analysis) -> None:
        """The current file's own analysis (its source may differ from the attached one when
        a fix is being checked)."""
        ctx = analysis.ctx
        self._analyses[ctx.path] = analysis
        if self.files.get(ctx.path, (b"",))[0] != ctx.source:
            self.files[ctx.path] = (ctx.source, ctx.tree)
            self._declared = None
            self._declared_names = None
            self._unsafe = None
            self._followed = None
            self._typed_names_memo = None
            self._rebuilders = None
            self._aliased = None
            self._typed = {}
            self._typed_in.pop(ctx.path, None)
            self._nodes.pop(ctx.path, None)
            self._handed.clear()  # (offsets in the former source)
            self._whole.clear()
            self._storers.clear()
            self._type_params_of.clear()
            self._handed_on.clear()
            self._called.pop(ctx.path, None)
            for slot, deps in list(self._deps.items()):
                if ctx.path in deps and self._returned.get(slot) is not _BUSY:
                    self._returned.pop(slot, None)
                    del self._deps[slot]

    def ready(self, ctx: FileContext) -> _Analysis | None:
        """An analysis of `ctx`'s file made for the summaries (or for another file's stores,
        see `handed_to`), on the same tree, to reuse."""
        found = self._analyses.get(ctx.path)
        if found is None or found.ctx.tree is not ctx.tree:
            return None
        found.ctx.is_test = ctx.is_test
        return found

    def analysis(self, path: str) -> _Analysis | None:
        self._read(path)
        found = self._analyses.get(path)
        if found is not None:
            return found
        if path not in self.files:
            return None
        from leakscope.core.rules._retention import _Analysis

        source, tree = self.files[path]
        ctx = FileContext(
            path, source, tree, self.go_version, self.index, is_test=is_test_code(path, source)
        )
        found = _Analysis(ctx, ctx.types, self)
        self._analyses[path] = found
        return found

    def note(self, path: str, node: Node, message: str) -> Note:
        """A step of a chain: `message` about `node`, in the file `path`."""
        return (path, node.start_byte, node.end_byte, message)

    def related(self, note: Note, here: str) -> tuple[int, int, str] | Related:
        """A note as a Diagnostic's related item: a plain tuple in the file `here`, a
        `Related` naming its file elsewhere."""
        path, start, end, message = note
        if path == here or path not in self.files:
            return (start, end, message)
        lines = self._lines.get(path)
        if lines is None:
            lines = self._lines[path] = LineIndex(self.files[path][0])
        return Related(lines.span(start, end), message, path)

    # -- declarations and calls --------------------------------------------------------------

    def declared(self) -> dict[Key, str]:
        """The package's functions and methods (from the index's summaries): key -> path."""
        if self._declared is None:
            self._declared = {}
            for path, summary in sorted(self.index.summaries.items()):
                if path not in self.files:
                    continue
                for name in summary.funcs:
                    self._declared.setdefault(("", name), path)
                for method in summary.methods:
                    self._declared.setdefault(method, path)
        return self._declared

    def uses_unsafe(self) -> bool:
        """Whether a file of the package mentions `unsafe.` (else it has no zero-copy
        conversion to follow, and the summaries need not look for one)."""
        if self._unsafe is None:
            self._unsafe = any(b"unsafe." in source for source, _ in self.files.values())
        return self._unsafe

    def declared_names(self) -> frozenset[str]:
        """The names of the package's functions and methods."""
        if self._declared_names is None:
            self._declared_names = frozenset(name for _, name in self.declared())
        return self._declared_names

    def followed(self) -> tuple[frozenset[str], frozenset[str]]:
        """The names of the package's functions whose results retention follows, found in
        one pass over its declarations (made once per package): those that return (a piece
        of) a parameter or big data (`returned`), and of those the ones returning a piece.
        Calls of other names are not looked at closer."""
        if self._followed is None:
            returning: set[str] = set()
            pieces: set[str] = set()
            typed = []
            for path in sorted(self.files):
                for key, node in self._typed_of(path):
                    if self.declared().get(key) == path:
                        self._typed.setdefault(key, (path, node))
                        typed.append(key)
            for key in typed:
                found = self.returned(key)
                if found is not None:
                    returning.add(key[1])
                    # (A reader's view is kept wrong even whole: `return
                    # bytes.TrimRight(line, "\r\n")` of `br.ReadSlice('\n')`.)
                    view = found.source is not None and found.source.kind == sources.VIEW
                    if found.piece or view:
                        pieces.add(key[1])
                elif self._later_result(key) and self.later_pieces(key, whole=True):
                    returning.add(key[1])
                    pieces.add(key[1])
            # (Documented views, interfaces' methods among them: a superset by name.)
            documented = self._documented()
            owners = {owner for owner, name in documented if name == "*"}
            names = {name for _, name in documented if name != "*"}
            names.update(
                m for t, m in (*self.index.methods, *self.index.interface_methods) if t in owners
            )
            returning.update(names)
            pieces.update(names)
            self._followed = (frozenset(returning), frozenset(pieces))
        return self._followed

    def _typed_of(self, path: str) -> list[tuple[Key, Node]]:
        """The functions of the file `path` that return a string or a slice (first, or after
        a status: `id, content, ok`)."""
        found = self._typed_in.get(path)
        if found is None:
            found = self._typed_in[path] = []
            source, tree = self.files[path]
            records = self._record_types()
            for node in _typed_declarations(source, tree, records):
                result = node.child_by_field_name("result")
                if result is None or not (
                    self._may_return_piece(result) or _LATER_RESULT.search(result.text or b"")
                ):
                    continue
                key = key_of(node)
                if key is not None:
                    found.append((key, node))
        return found

    def _record_types(self) -> frozenset[bytes]:
        """The names of the package's struct types (a helper returning one may return
        pieces in its fields)."""
        if self._records is None:
            self._records = frozenset(
                name.encode()
                for name, info in self.index.types.items()
                if info.underlying == "struct"
            )
        return self._records

    def _may_return_piece(self, result: Node) -> bool:
        """Whether a result list starts with a string, a slice or a struct of the package
        (or a pointer to one)."""
        data = result.text or b""
        if _RESULT_TYPE.search(data) is not None:
            return True
        match = _RECORD_RESULT.match(data)
        return match is not None and match.group(1) in self._record_types()

    def _decls_of(self, path: str) -> dict[Key, Node]:
        nodes = self._nodes.get(path)
        if nodes is None:
            nodes = self._nodes[path] = {}
            for node in self.files[path][1].root_node.named_children:
                if node.type in ("function_declaration", "method_declaration"):
                    found = key_of(node)
                    if found is not None:
                        nodes.setdefault(found, node)
        return nodes

    def decl(self, key: Key) -> tuple[str, Node] | None:
        """(path, declaration node) of a function of the package."""
        found = self._typed.get(key)
        if found is not None:
            self._read(found[0])
            return found
        path = self.declared().get(key)
        if path is None:
            return None
        self._read(path)
        node = self._decls_of(path).get(key)
        return (path, node) if node is not None else None

    def gives_back(self) -> bool:
        """Whether a file of the package puts something back into a pool (`.Put(`)."""
        if self._gives_back is None:
            self._gives_back = any(b".Put(" in source for source, _ in self.files.values())
        return self._gives_back

    def pool_getter(self, key: Key) -> str | None:
        """The pool the package function `key` takes its result from (`getBuffer`), or None
        (`_retention_pools`)."""
        found = self._pool_role(key, getter=True)
        return found if isinstance(found, str) else None

    def pool_putter(self, key: Key) -> int | None:
        """Which value the package function `key` puts back into a pool: a parameter's index,
        -1 for the receiver, or None (`_retention_pools`)."""
        found = self._pool_role(key, getter=False)
        return found if isinstance(found, int) else None

    def _pool_role(self, key: Key, getter: bool) -> str | int | None:
        known = self._pool_roles.get((key, getter))
        if known is not None:
            self._read(known[0])  # (what the evaluation under way depends on)
            return known[1]
        found = self.decl(key)
        if found is None:
            return None
        path, node = found
        # (A pool is declared by its type in the file of its getter and putter, mostly.)
        declared = pools.declared_pools([self.files[path][0]])
        if getter:
            role: str | int | None = pools.getter_pool(node, declared)
        else:
            role = pools.putter_position(node, declared)
        self._pool_roles[(key, getter)] = (path, role)
        return role

    def _held_read(self, analysis: _Analysis, expr: Node) -> Source | None:
        """`b.tx.db.data` (of a value of a package type, here `DB`), or a piece of it through
        locals and cuts (`_cut_selector`), when the package only ever sets that field to data
        read whole (`field_read`): that data, named by the field."""
        selector = _cut_selector(analysis, expr)
        operand = selector.child_by_field_name("operand") if selector is not None else None
        held = analysis.types.type_of(operand) if operand is not None else None
        owner = receiver_type_name(held) if held else ""
        if selector is None or not owner:
            return None
        found = self.field_read(owner, text(selector.child_by_field_name("field")))
        return replace(found, node=selector) if found is not None else None

    def entry_kept(self, key: Key) -> str | None:
        """Where the method `key` keeps the pointer it returns, or takes it from: an entry
        of a map of its receiver (`e, ok := c.metadata[k]` ... `c.metadata[k] = e` ...
        `return e` of a get-or-create, `c.metadata`), else None. What a caller writes
        through that pointer stays in the receiver's map."""
        if key in self._entries:
            return self._entries[key]
        self._entries[key] = None
        decl = self.decl(key)
        func = decl[1] if decl is not None else None
        body = func.child_by_field_name("body") if func is not None else None
        receiver = receiver_name(func) if func is not None else ""
        if body is None or not receiver or body.text is None:
            return None
        code = body.text
        names = {m.group(1) for m in _RETURN_NAME.finditer(code)} - {b"nil"}
        if len(names) != 1:
            return None
        name = re.escape(names.pop())
        place = rb"(?<![\w.])" + re.escape(receiver.encode()) + rb"\.(\w+(?:\.\w+)*)\["
        kept = re.compile(place + rb"[^\]\n]*\][ \t]*=[ \t]*" + name + rb"\b")
        taken = re.compile(rb"(?<![\w.])" + name + rb"(?:[ \t]*,[ \t]*\w+)?[ \t]*:?=[ \t]*" + place)
        found = kept.search(code) or taken.search(code)
        if found is not None:
            self._entries[key] = f"{receiver}.{found.group(1).decode()}"
        return self._entries[key]

    def field_read(self, type_name: str, field: str, depth: int = 0) -> Source | None:
        """The data read whole that the field `field` of the package's type `type_name`
        holds (`DB.data`, set only by `db.data, err = os.ReadFile(path)`, or by `&Tx{img:
        db.img}` of such a field): every value the package sets it to, in a keyed literal
        of the type or an assignment through a value of the type, is that (nil aside), and
        there is one. None when any other value is set there, or none is found."""
        # (Any file of the package may set the field: the answer depends on them all.)
        for path in self.files:
            self._read(path)
        memo = (type_name, field)
        if memo in self._fields_read:
            return self._fields_read[memo]
        self._fields_read[memo] = None  # (recursion ends here)
        found: Source | None = None
        # (`db.data = v`, `db.data, db.n = v, n`, `DB{data: v}`)
        word = re.compile(rb"(?<![\w])" + re.escape(field.encode()) + rb"\s*[,:=]")
        for path, (source, tree) in sorted(self.files.items()):
            if field.encode() not in source or depth > _MAX_STORE_DEPTH:
                continue
            analysis = self.analysis(path)
            if analysis is None:
                continue
            for match in word.finditer(source):
                at = match.start()
                name = tree.root_node.descendant_for_byte_range(at, at + len(field))
                value = _field_value(analysis, name, type_name) if name is not None else None
                if value is None or text(value) == "nil":
                    continue
                origin = self._field_value_read(analysis, value, type_name, field, depth)
                if origin is None:
                    return None
                note = self.note(path, value, f"{type_name}.{field} holds {_flat(text(value))}")
                chain = (*_source_notes(self, path, origin), note)  # (in their own files)
                found = found or replace(origin, related=None, chain=chain)
        self._fields_read[memo] = found
        return found

    def _field_value_read(
        self, analysis: _Analysis, value: Node, type_name: str, field: str, depth: int
    ) -> Source | None:
        """What `value`, set to the field `field` of `type_name`, is when that is data read
        whole, a mapped file, an arena's buffer or another such field (`field_read`)."""
        if _ARENA.search(type_name) and _callee_name(value) == "make":
            # (A bump allocator's one buffer, `&arena{buf: make([]byte, size)}`.)
            note = f"{type_name}.{field} is an arena: one buffer handed out in pieces"
            size = analysis._int_value(_args(value)[-1]) if _args(value) else None
            related = (value.start_byte, value.end_byte, note)
            what = f"the {type_name}"
            return Source(value, Confidence.MEDIUM, related, sources.BUFFER, what=what, size=size)
        origin = analysis.origin(value)
        if origin is None and value.type == "selector_expression":
            # (`&Tx{img: db.img}`: another such field, checked there.)
            operand = value.child_by_field_name("operand")
            held = analysis.types.type_of(operand) if operand is not None else None
            owner = receiver_type_name(held) if held else ""
            inner = text(value.child_by_field_name("field"))
            return self.field_read(owner, inner, depth + 1) if owner else None
        if origin is None or not (origin.kind == sources.READ or origin.next_op == "unmap"):
            return None
        return origin

    def callee(self, analysis: _Analysis, call: Node) -> Key | None:
        """The package function or method `call` calls, or None."""
        func = call.child_by_field_name("function")
        if func is None:
            return None
        decls = self.declared()
        if func.type == "identifier":
            key = ("", text(func))
            if key not in decls:
                return None
            binding = analysis.types.lookup(func)
            return key if binding is None or binding.kind == FUNC else None
        if func.type != "selector_expression":
            return None
        operand = func.child_by_field_name("operand")
        name = text(func.child_by_field_name("field"))
        if operand is None:
            return None
        if operand.type == "identifier":
            binding = analysis.types.lookup(operand)
            if binding is not None and binding.kind == IMPORT:
                return None
        type_text = analysis.types.type_of(operand)
        if type_text is not None:
            key = (receiver_type_name(type_text), name)
            info = self.index.types.get(key[0])
            if key in decls or info is None or info.underlying != "interface":
                return key if key in decls else None
            # An interface of the package: its one implementation here (`attrs.Range(...)`
            # of `Attributes`, implemented by `logfmtAttrs` only).
            found = self._implementations(key[0])
            return (found[0], name) if len(found) == 1 and (found[0], name) in decls else None
        owners = [k for k in decls if k[1] == name and k[0]]
        return owners[0] if len(owners) == 1 else None

    def _implementations(self, interface: str) -> list[str]:
        """The types of the package whose methods implement every method the interface
        `interface` declares, by their parameter and result types."""
        index = self.index
        wanted = {m: sig for (i, m), sig in index.interface_methods.items() if i == interface}
        if not wanted:
            return []

        def same(a: Signature | None, b: Signature) -> bool:
            return (
                a is not None
                and [t for _, t in a.params] == [t for _, t in b.params]
                and (a.result_types == b.result_types)
            )

        owners = {t for (t, m) in index.methods if m in wanted}
        return sorted(
            t
            for t in owners
            if all(same(index.methods.get((t, m)), sig) for m, sig in wanted.items())
        )

    def calls_to(self, key: Key) -> list[tuple[str, Node]]:
        """The calls of `key` in the package's files: (path, call)."""
        for path in self.files:
            self._read(path)
        found = self._calls.get(key)
        if found is not None:
            return found
        found = []
        recv, name = key
        prefix = rb"\." if recv else rb"(?<![\w.])"
        pattern = re.compile(prefix + re.escape(name.encode()) + rb"\(")
        for path, (source, tree) in sorted(self.files.items()):
            analysis = None
            for match in pattern.finditer(source):
                end = match.end() - 1
                ident = tree.root_node.descendant_for_byte_range(end - len(name), end)
                if ident is None or ident.type not in ("identifier", "field_identifier"):
                    continue
                call = ident.parent
                if call is not None and call.type == "selector_expression":
                    call = call.parent
                if call is None or call.type != "call_expression":
                    continue
                analysis = analysis or self.analysis(path)
                if analysis is not None and self.callee(analysis, call) == key:
                    found.append((path, call))
        self._calls[key] = found
        return found

    # -- what a function returns -------------------------------------------------------------

    def _documented(self) -> dict[Key, DocView]:
        if self._docs is None:
            # (Only a function returning bytes can return a documented view: the comments of
            # a package without one are not read.)
            self._docs = documented_views(self.files, key_of) if self._returns_bytes() else {}
        return self._docs

    def _returns_bytes(self) -> bool:
        """Whether a function, method or interface method of the package returns a slice of
        bytes (or of slices of bytes, or a type of the package that is one)."""
        index = self.index
        named = {name for name, info in index.types.items() if info.underlying == "[]byte"}
        kinds = {"[]byte", "[][]byte", *named}
        signatures = (*index.funcs.values(), *index.methods.values())
        return any(
            kind in kinds
            for signature in (*signatures, *index.interface_methods.values())
            for kind in signature.result_types
        )

    def doc_view(self, key: Key) -> DocView | None:
        """What the documentation of the function `key`, of its type, or of an interface of
        the package its type implements, says of its results when that is that they are
        valid for a while only (`_retention_docs`)."""
        docs = self._documented()
        if not docs:
            return None
        if key in self._doc_views:
            return self._doc_views[key]
        owner, name = key
        found = doc_view(docs, owner, name)
        info = self.index.types.get(owner) if owner else None
        if found is None and info is not None and info.underlying != "interface":
            for interface, method in self.index.interface_methods:
                if method == name and owner in self._implementations(interface):
                    found = found or doc_view(docs, interface, name)
        self._doc_views[key] = found
        return found

    def _signature(self, key: Key) -> Signature | None:
        """The declared signature of the function or (interface) method `key`."""
        owner, name = key
        return self.index.method(owner, name) if owner else self.index.funcs.get(name)

    def _documented_result(self, key: Key, index: int) -> Returned | None:
        """The result `index` of the function `key` as a documented view, when it is a
        slice of bytes (or of slices of bytes) its documentation says is valid for a while
        only."""
        view = self.doc_view(key)
        if view is None:
            return None
        owner, name = key
        signature = self._signature(key)
        results = signature.result_types if signature is not None else ()
        if index >= len(results):
            return None
        if any(_names_owner(view.sentence, param, kind) for param, kind in signature.params):
            # (`c.Key(buf, s)`, "valid until the next call to buf.Reset()": a view of the
            # caller's own buffer, which the caller resets when it is done.)
            return None
        kind = results[index]
        info = self.index.types.get(kind)
        kind = info.underlying if info is not None else kind
        if kind not in ("[]byte", "[][]byte"):
            return None
        what = f"{owner}.{name}" if owner else name
        source = Source(
            view.doc,
            Confidence.HIGH,
            None,
            sources.VIEW,
            what=what,
            next_op="documented",
            until=view.sentence,
        )
        note = (view.path, view.doc.start_byte, view.end, f'{view.owner}\'s doc: "{view.sentence}"')
        return Returned(SLICE, 0 if kind == "[]byte" else 1, False, source=source, notes=(note,))

    def returned(self, key: Key, index: int = 0) -> Returned | None:
        """What the function `key` returns (`_returned_by`), or else what its documentation
        says it returns: a view valid for a while only (`_documented_result`). A view the
        code shows (a buffer it refills) is told in those terms."""
        found = self._returned_by(key, index)
        if found is not None and found.source is not None and found.source.kind == sources.VIEW:
            # (Unless the doc says the elements are views too: `RawValues() [][]byte`, "the
            # slices are only valid until the next call to Next", of a slice rebuilt in place.)
            documented = self._documented_result(key, index)
            if documented is not None and documented.levels > found.levels:
                return documented
            return found
        return self._documented_result(key, index) or found

    def _returned_by(self, key: Key, index: int = 0) -> Returned | None:
        """What the function `key` returns (memoised), as its first result or, with `index`,
        as another (`key, val, err := decode(b)`). Recursion ends at a function under
        evaluation, which counts as returning nothing there (its other returns decide); a
        result that depended on an enclosing evaluation is not kept until that one is done,
        and the outermost function of a cycle is evaluated a second time with its first
        answer known, so that `B` returning `A(p)` while `A` returns `B(p[1:])` or `p[:i]`
        agrees with `A`."""
        slot: Slot = key if index == 0 else (*key, index)
        if slot in self._returned:
            found = self._returned[slot]
            if found is _BUSY:
                self._low = min(self._low, self._stack.index(slot))
                return None
            if self._reading:
                self._reading[-1].update(self._deps.get(slot, ()))
            return found
        decl = self.decl(key)
        if decl is None:
            return None
        path, func = decl
        body = func.child_by_field_name("body")
        result = func.child_by_field_name("result")
        if (
            body is None
            or result is None
            or not (self._may_return_piece(result) or (index > 0 and _later_typed(func, index)))
            or not self._may_return(path, body)
        ):
            self._returned[slot] = None
            # (Returning a field as it is: whether another file cuts it into a window of
            # another field decides, `_windowed_fields`; so does which of the package's
            # functions return strings or slices for a field set to a call's result.)
            code = self.files[path][0]
            across = body is not None and (
                _RETURN_FIELD.search(code, body.start_byte, body.end_byte)
                or _FIELD_RESULT.search(code, body.start_byte, body.end_byte)
            )
            self._deps[slot] = frozenset(self.files) if across else frozenset((path,))
            return None
        if len(self._stack) >= _MAX_RETURN_DEPTH:
            self._truncated = True  # too deep: nothing above is kept, each is asked again
            return None
        at = len(self._stack)
        outer_low, self._low = self._low, at + 1
        outer_truncated, self._truncated = self._truncated, False
        self._stack.append(slot)
        self._returned[slot] = _BUSY
        self._reading.append({path})
        self.evaluations += 1
        try:
            found = self._evaluate(path, func, body, index)
            if self._low == at:
                # A call in the cycle asked for this function while it was busy: once more,
                # with this answer known.
                self._returned[slot] = found
                self._low = at + 1
                again = self._evaluate(path, func, body, index)
                if (
                    again is None
                    or found is None
                    or replace(again, notes=()) != replace(found, notes=())
                ):
                    found = again  # (the same answer keeps the shorter chain)
        except BaseException:
            del self._returned[slot]  # (not an answer to remember as busy)
            self._low, self._truncated = outer_low, outer_truncated
            raise
        finally:
            self._stack.pop()
            read = self._reading.pop()
            if self._reading:
                self._reading[-1].update(read)
        if self._low < at or self._truncated:
            del self._returned[slot]  # depends on an enclosing evaluation: asked again later
        else:
            self._returned[slot] = found
            self._deps[slot] = frozenset(read)
        self._low = min(outer_low, self._low)
        self._truncated = outer_truncated or self._truncated
        return found

    def _later_result(self, key: Key) -> bool:
        """Whether a typed function's result list has a string or a slice after a comma."""
        found = self._typed.get(key)
        result = found[1].child_by_field_name("result") if found is not None else None
        return result is not None and _LATER_RESULT.search(result.text or b"") is not None

    def later_pieces(self, key: Key, whole: bool = False) -> list[tuple[int, Returned]]:
        """The results after the first that are pieces, by position, of a function whose
        first result is not one (`id, content, ok := parseKeyLine(line)`: 1, a field of the
        line), else []. With `whole`, also those that give back a parameter nearly whole
        (`typ, obj, ok := splitEvent(line)`, obj a trim of the line's tail): a piece of
        what the caller passes when that is one, and a reader's view still."""
        if self.doc_view(key) is not None:
            # (`typ, rec, err := d.decode()`: which results are views, by their types.)
            first = self.returned(key)
            if first is not None:
                return []
            signature = self._signature(key)
            count = len(signature.result_types) if signature is not None else 0
            found = ((i, self._documented_result(key, i)) for i in range(1, count))
            return [(i, r) for i, r in found if r is not None]
        decl = self.decl(key)
        result = decl[1].child_by_field_name("result") if decl is not None else None
        if decl is None or result is None or not _LATER_RESULT.search(result.text or b""):
            return []
        first = self.returned(key)
        if first is not None and first.piece:
            return []
        results = signature_of(decl[1]).result_types
        out = []
        for index in range(1, len(results)):
            if not _later_typed(decl[1], index):
                continue
            found = self.returned(key, index)
            if found is None or found.fields is not None:
                continue
            if found.piece or (whole and found.param is not None and not found.levels):
                out.append((index, found))
        return out

    def later_at(
        self, analysis: _Analysis, call: Node, whole: bool = False
    ) -> list[tuple[int, Returned]]:
        """`later_pieces` of the package function `call` calls."""
        followed = self._followed
        if followed is not None and not self._reading and _callee_name(call) not in followed[1]:
            return []
        key = self.callee(analysis, call)
        return self.later_pieces(key, whole) if key is not None else []

    def _may_return(self, path: str, body: Node) -> bool:
        """A cheap look at a body: it cuts or reads something, returns a call of a
        package function (which may return a piece), or a field set to a window of another
        (`return it.key`, `_windowed_fields`)."""
        source = self.files[path][0]
        start, end = body.start_byte, body.end_byte
        if _RESULT_HINT.search(source, start, end) is not None:
            return True
        if _ZERO_COPY_HINT.search(source, start, end) is not None:
            return True
        returned = _RETURN_FIELD.search(source, start, end)
        if returned is not None and returned.group(1).decode() in self._windowed_fields():
            return True
        func = body.parent
        returned_names = _RETURN_NAME.findall(source, start, end)
        if (
            returned_names
            and func is not None
            and func.type in ("function_declaration", "method_declaration")
        ):
            # `return s` of a parameter given back as it is on some path.
            params = set(param_names(func))
            if any(n.decode() in params for n in returned_names):
                return True
        if (
            returned is not None
            and func is not None
            and func.type == "method_declaration"
            and self._rebuilder_of(receiver_type(func), returned.group(1).decode()) is not None
        ):
            return True  # (`return it.key` of a field `Next` rebuilds in place)
        names = self.storer_names()
        if any(n.decode() in names for n in _RETURN_CALL.findall(source, start, end)):
            return True
        if returned_names and any(
            n.decode() in names for n in _ASSIGNED_CALL.findall(source, start, end)
        ):
            return True  # (`v, ok := jsonField(rec, key)` ... `return v`)
        # `r.Key, b, err = readBytes(b)`: a field set to a result of a package function that
        # may return a piece (`_field_results`); or to its only result, in a literal or
        # after it (`&Plan{Table: tableOf(query)}`, `p.Table = tableOf(query)`).
        called = [
            *_FIELD_RESULT.findall(source, start, end),
            *_FIELD_CALL.findall(source, start, end),
        ]
        return bool(called) and any(n.decode() in self._typed_names() for n in called)

    def _typed_names(self) -> frozenset[str]:
        """The names of the package's functions that may return a string or a slice."""
        if self._typed_names_memo is None:
            self._typed_names_memo = frozenset(
                key[1] for path in sorted(self.files) for key, _ in self._typed_of(path)
            )
        return self._typed_names_memo

    def _evaluate(self, path: str, func: Node, body: Node, index: int = 0) -> Returned | None:
        analysis = self.analysis(path)
        if analysis is None:
            return None
        params = param_names(func)
        # (A piece on one path decides over the argument given back as it is on another:
        # `Tail(s, n)` returns `s` when it is short enough, else `s[len(s)-n:]`.)
        whole: Returned | None = None
        for expr in self._returned_values(path, func, body, index):
            found = self._returned_value(analysis, path, params, expr)
            if found is not None:
                parent = expr.parent
                bare = parent is not None and parent.type == "parameter_declaration"
                if bare or _found_apart(analysis, func, expr):
                    found = replace(found, named=True)
                if not _given_back(found):
                    return found
                whole = whole or found
        return whole

    def _returned_value(
        self, analysis: _Analysis, path: str, params: list[str], expr: Node
    ) -> Returned | None:
        shared = zero_copy_operand(expr)
        if shared is not None:
            return self._zero_copy(analysis, path, params, expr, shared)
        if expr.type in ("selector_expression", "slice_expression", "identifier"):
            refilled = self._refilled(analysis, path, expr) or self._rebuilt(analysis, path, expr)
            if refilled is not None:
                return refilled
        if expr.type == "slice_expression":
            truncated = analysis.guarded_return(expr)
            if truncated is not None:
                name = _returner(expr)
                note = self.note(
                    path,
                    expr,
                    f"{name} returns {_flat(text(expr))}, the start of a longer string",
                )
                return Returned(STRING, 0, True, source=truncated, notes=(note,))
        if expr.type == "selector_expression":
            windowed = self._windowed_field(analysis, path, expr)
            if windowed is not None:
                return windowed
            field = expr.child_by_field_name("field")
            part = analysis._url_part(field.start_byte, field.end_byte) if field else None
            if part is not None:
                # `u.Host` of `u, err := url.Parse(raw)`: a piece of `raw`.
                found = self._returned_value(analysis, path, params, part[3])
                if found is not None and found.levels == 0 and not found.fields:
                    return replace(found, piece=True)
                origin = analysis.origin(part[3]) if found is None else None
                binding = origin.param if origin is not None else None
                if (
                    origin is None
                    or origin.kind != sources.PARAM
                    or origin.field is not None
                    or binding is None
                    or binding.kind != PARAM
                    or binding.name not in params
                ):
                    return None
                # (Of the parameter as it is, `url.Parse(raw)`: a part cut from it.)
                name = _returner(expr)
                note = self.note(
                    path,
                    expr,
                    f"{name} returns {_flat(text(expr))}, a part of its parameter {binding.name}",
                )
                return Returned(STRING, 0, True, param=params.index(binding.name), notes=(note,))
        if expr.type not in _RETURNED_SHAPES:
            return None  # `return nil`, `return x.name`, `return "", err`: no type needed
        under = analysis.types.underlying(analysis.types.type_of(expr))
        if is_map(under) and expr.type == "identifier":
            # `out[name] = val` ... `return out`: a map of pieces (its values).
            return self._pieces_appended(analysis, path, params, expr)
        if under == "string":
            family = STRING
        elif is_slice(under):
            family = SLICE
        elif _is_record(analysis, under):
            return self._returned_record(analysis, path, params, expr)
        else:
            return None
        converted = _conversion_operand(analysis, expr)
        if converted is not None:
            inner = analysis.types.underlying(analysis.types.type_of(converted))
            if inner is None:
                return None
            if (inner == "string") != (family == STRING) and _is_cut(analysis, converted):
                return None  # `return string(b[:i])`: a copy of a piece
            # `return string(body)` of data read whole: a new value, as big (see below).
        levels, piece, operand = 0, False, expr
        copy_at: tuple[tuple[str, int, int], ...] = ()
        if expr.type == "slice_expression":
            if _is_reset(expr):
                return None
            # A cut that wastes little (`return data[:len(data)-4]`, a trailer checked and
            # dropped) returns what it cut, as it is: big data stays big data. (Unless what
            # it cut is a piece: `seg[6:]` of `seg := data[p+4 : end]`, a segment's payload.)
            piece = _is_cut(analysis, expr)
            operand = expr.child_by_field_name("operand")
            held = _held_cut(analysis, operand) if operand is not None else None
            if operand is not None and operand.type == "identifier" and held:
                # `return fields[1:]` of `fields := strings.Fields(line)`: some of the
                # split's pieces, as the split gives them.
                piece, levels = True, held
        elif expr.type == "call_expression" and analysis._is_piece_call(expr):
            name = _callee_name(expr)
            split = _SPLITTERS.get(name, _REGEXP.get(name, ("", 0))[1])
            if not isinstance(split, int):
                return None
            args = _args(expr)
            operand = args[0] if args else None
            levels = split
            # A split cuts; a trim (`strings.TrimSpace(p[i:j])`) is a piece when what it
            # trims is one.
            piece = name in _SPLITTERS or name in _REGEXP or _is_cut(analysis, operand)
        elif expr.type == "call_expression" and analysis._read_call(expr) == sources.VIEW:
            piece = True
        elif expr.type == "index_expression" and _indexes_split(analysis, expr):
            piece = True  # `f[0]` of `f := strings.Fields(line)`
        elif _builtin_append(analysis, expr):
            # `return append(dst[:0], src...)`: dst's memory (or a new array), a copy of src.
            args = _args(expr)
            operand = args[0] if args else None
        elif expr.type == "call_expression":
            inner = self.returned_at(analysis, expr)
            if inner is not None and inner.param is not None:
                # `return first(p)` of a helper returning a piece of its parameter: a piece
                # of p too, with the helper's own steps after this one.
                passed = self._passed_on(analysis, path, params, expr, inner)
                if passed is None:
                    passed = self._read_into(analysis, path, expr, inner)
                if passed is not None:
                    return passed
            if inner is not None:
                family, levels, piece = inner.family, inner.levels, inner.piece
        elif expr.type == "identifier" and _is_record(analysis, _element_type(under)):
            # `out = append(out, rec{...})` ... `return out`: a slice of records.
            func = _function_of(expr)
            body = func.child_by_field_name("body") if func is not None else None
            # Fields set through a pointer to the element just appended (`cur =
            # &out[len(out)-1]; cur.Mid = v`, a parser filling the record it opened).
            later = [
                pair
                for pointer in (_element_pointers(body, text(expr)) if body is not None else ())
                for pair in _field_sets(body, pointer)  # type: ignore[arg-type]
            ]
            for item in _appended_to(body, text(expr)) if body is not None else ():
                literal = _new_literal(item) is not None
                found = self._returned_record(
                    analysis, path, params, item, later if literal else None, own=True
                )
                if found is None:
                    found = self._returned_value(analysis, path, params, item)
                if found is not None and found.fields is not None and found.levels == 1:
                    return replace(found, levels=2)
            return None
        elif expr.type == "identifier":
            held = _held_cut(analysis, expr)
            if held is None and is_slice(under):
                collected = self._pieces_appended(analysis, path, params, expr)
                if collected is not None:
                    return collected
            if held is not None:
                piece, levels = True, held  # `id, _, _ := strings.Cut(line, sep); return id`
                binding = analysis.types.lookup(expr)
                func = _function_of(expr)
                # `cols[i] = strings.TrimSpace(c)` of each part: where a copy fixes every one.
                reset = _element_set(func, text(expr)) if levels == 1 and func else None
                if reset is not None and analysis.origin(reset) is None:
                    return None  # (`keys[i] = strings.Clone(k)`: copies in their place)
                if reset is not None:
                    copy_at = ((path, reset.start_byte, reset.end_byte),)
                if (
                    binding is not None
                    and func is not None
                    and (binding.kind == RESULT or _declared_empty(binding))
                ):
                    # A named result (or a local declared empty): what it was cut from is
                    # what its assignment cut.
                    cut = _set_to(analysis, func, binding.name)
                    operand = cut[1] if cut is not None else None
            else:
                binding = analysis.types.lookup(expr)
                func = _function_of(expr)
                if binding is not None and func is not None and _declared_empty(binding):
                    # `var pin []byte` ... `pin = line[2:]` (a reader's view, kept wrong even
                    # nearly whole) ... `return pin`: what its one assignment holds.
                    operand = _assigned_once(analysis, func, binding.name) or expr
        elif expr.type != "call_expression":
            return None
        if operand is None:
            return None
        if levels > 0 and under is not None:
            # The parts are what is kept: `[]string` of `strings.Split` holds strings.
            element = under
            for _ in range(levels):
                element = element.removeprefix("[]")
            family = STRING if element == "string" else SLICE
        found = analysis.origin(operand)
        func = _function_of(expr)
        name = _returner(expr)
        if found is None and piece and func is not None:
            field = _receiver_field(analysis, func, operand)
            if field is not None:
                note = self.note(
                    path,
                    expr,
                    f"{name} returns {_flat(text(expr))}, a piece of its receiver's {field}",
                )
                return Returned(family, levels, piece, field=field, notes=(note,))
            found = self._held_read(analysis, operand)  # (`b.tx.db.data[a:b]`)
        if found is None or found.kind == sources.CONVERSION:
            return None
        if found.kind == sources.PARAM and found.field is None and (piece or levels):
            binding = found.param
            if binding is not None and binding.kind == RECEIVER and _valued_receiver(func, binding):
                note = self.note(
                    path, expr, f"{name} gives {_flat(text(expr))}, a piece of its receiver"
                )
                return Returned(family, levels, piece, receiver=True, notes=(note,))
        if found.kind == sources.PARAM:
            binding = found.param
            if binding is None or binding.kind != PARAM or binding.name not in params:
                return None
            if not piece and levels == 0 and expr.type == "identifier" and not found.decoded:
                # `u = u[i+3:]` on some path before: a cut of it, or the parameter as it is.
                cut = _cut_in_place(analysis, func, binding.name) if func is not None else None
                if cut is None and (
                    (
                        text(expr) != binding.name
                        and not _holds_param(analysis, func, expr, binding.name)
                    )
                    or func is None
                    or _assigned_values(analysis, func, binding.name)
                ):
                    # (Set to something else before, `s = b.String()`, or another local that
                    # held it once.)
                    return None
                # (Never set again: the parameter as it is, `return s` of an `unescape` with
                # nothing to unescape, which gives back a piece when it is passed one.)
                piece = bool(cut)
            piece = piece or found.decoded
            # (Trimmed or nearly whole, `return strings.TrimSpace(p)`, `return p[1:]`: a piece
            # of the argument only when the argument is one; see `Returned.piece`.)
            what = "a piece of" if piece or levels else "nearly all of"
            if text(expr) == binding.name and not piece:
                what = "as it is,"
            note = self.note(
                path,
                expr,
                f"{name} returns {_flat(text(expr))}, {what} its parameter {binding.name}",
            )
            position = params.index(binding.name)
            if found.field is not None:
                if not piece and levels == 0:
                    return None  # `return p.Raw`: the field as it is, nothing cut
                note = self.note(
                    path,
                    expr,
                    f"{name} returns {_flat(text(expr))}, a piece of {binding.name}.{found.field}",
                )
            return Returned(
                family,
                levels,
                piece,
                param=position,
                notes=(note,),
                param_field=found.field,
                copy_at=copy_at,
                decoded=found.decoded,
            )
        if found.kind in sources.SMALL_BY_NATURE:
            return None
        statement = expr.parent
        while statement is not None and statement.type != "return_statement":
            statement = statement.parent
        at = statement or expr
        note = self.note(path, at, f"{name} returns {_flat(text(expr))}")
        notes = (*_source_notes(self, path, found), note)
        return Returned(family, levels, piece, source=found, notes=notes, copy_at=copy_at)

    def _zero_copy(
        self, analysis: _Analysis, path: str, params: list[str], expr: Node, shared: Node
    ) -> Returned | None:
        """`return unsafe.String(unsafe.SliceData(b), len(b))`: the parameter `b` (or what
        the function returns of it) as a value of the other family, in the same memory."""
        family = SLICE if _callee_name(expr) == "Slice" else STRING
        name = _returner(expr)
        note = self.note(
            path,
            expr,
            f"{name} returns {_flat(text(expr))}, which shares the memory of {_flat(text(shared))}",
        )
        if shared.type == "identifier" and text(shared) in params:
            binding = analysis.types.lookup(shared)
            if binding is None or binding.kind != PARAM:
                return None
            position = params.index(text(shared))
            return Returned(family, 0, False, param=position, notes=(note,), zero_copy=True)
        inner = self._returned_value(analysis, path, params, shared)
        if inner is None or inner.levels or inner.fields is not None:
            return None
        return replace(inner, family=family, notes=(*inner.notes, note), zero_copy=True)

    def _pieces_appended(
        self, analysis: _Analysis, path: str, params: list[str], expr: Node
    ) -> Returned | None:
        """`out = append(out, p[i:j])` ... `return out` of a local slice (or `out[k] = v` of
        a local map): its elements are pieces (of a parameter or of big data) when what is
        appended (or set) is one (`splitObjects` returning the objects of a JSON array it
        scanned, a tokenizer's tokens, a series' labels by name)."""
        binding = analysis.types.lookup(expr)
        func = _function_of(expr)
        body = func.child_by_field_name("body") if func is not None else None
        if binding is None or binding.kind not in (LOCAL, RESULT) or body is None:
            return None
        name = text(expr)
        appended = _appended_to(body, name)
        set_in = _set_in(body, name)
        keyed = bool(set_in) and not appended
        keyed = keyed and all(
            _set_with_its_key(analysis, v) for v in set_in if _is_cut(analysis, v)
        )
        for item in [*appended, *set_in]:
            under = analysis.types.underlying(analysis.types.type_of(item))
            if _is_record(analysis, under):
                # `m[email] = &Contributor{Name: f[1]}`: a map of records of pieces (also
                # through a local set to one: `c = &Contributor{...}; m[email] = c`), or a
                # slice of them (`h, err := decodeHeader(rec); out = append(out, h)`).
                made = item
                if item.type == "identifier" and func is not None:
                    values = _assigned_values(analysis, func, text(item)) or []
                    made = next((v for v in values if _new_literal(v) is not None), item)
                found = self._returned_record(analysis, path, params, made)
                if found is not None and found.fields is not None and found.levels == 1:
                    return replace(found, levels=2)
                continue
            levels = 1
            literal = unparen(item)
            if literal.type == "composite_literal" and not _is_record(analysis, under):
                # `out = append(out, [2][]byte{key, chunk[:vl]})`: tuples of pieces.
                item = next(
                    (
                        v
                        for v in _literal_values(literal.child_by_field_name("body"))
                        if _is_cut(analysis, v)
                    ),
                    item,
                )
                levels = 2
            if not _is_cut(analysis, item):
                continue
            found = self._returned_value(analysis, path, params, item)
            if found is None or not found.piece or found.levels != 0 or found.fields:
                continue
            assert func is not None
            helper = text(func.child_by_field_name("name")) or "the helper"
            of = f"its parameter {params[found.param]}" if found.param is not None else "it"
            note = self.note(
                path,
                item,
                f"{helper} puts {_flat(text(item))}, a piece of {of}, in {name}, which it returns",
            )
            only = len(appended) == 1 and not set_in
            picked = only and levels == 1 and unparen(item).type == "index_expression"
            picked = picked and _indexes_split(analysis, unparen(item))
            # (Or of some lines only, picked by a test in the loop: `if !inEntries {
            # continue }` before `names = append(names, name)`. Also in a map, of a
            # parameter's lines: one of data the function reads itself is reported here,
            # where it is collected and returned.)
            of_what = params[found.param] if found.param is not None else None
            if of_what is None and found.source is not None:
                of_what = _flat(text(found.source.node))
            mapped = bool(set_in) and not appended and found.param is not None
            picked = picked or (
                (only or mapped)
                and of_what is not None
                and partitions._line_tests(_statement_of(item), of_what) == partitions._PICKS
            )
            notes = (*found.notes[:-1], note)
            at = (path, item.start_byte, item.end_byte)
            return replace(
                found, levels=levels, notes=notes, picked=picked, copy_at=(at,), keyed=keyed
            )
        return None

    def _windowed_field(self, analysis: _Analysis, path: str, expr: Node) -> Returned | None:
        """`return it.key` of an iterator whose methods set that field to a window of
        another field of the receiver (`it.key = it.block[start : start+kl]` in `Next`): a
        piece of what the receiver was made with (`NewIterator(block)`)."""
        func = _function_of(expr)
        field = _receiver_field(analysis, func, expr) if func is not None else None
        under = analysis.types.underlying(analysis.types.type_of(expr))
        if field is None or func is None or not (under == "string" or is_slice(under)):
            return None
        for read in self.files:
            self._read(read)  # (the window may be cut in any file of the package)
        other = self._windowed_fields().get(field)
        if other is None:
            return None
        name = text(func.child_by_field_name("name")) or "the method"
        note = self.note(
            path,
            expr,
            f"{name} returns {_flat(text(expr))}, set to a window of its receiver's {other}",
        )
        family = STRING if under == "string" else SLICE
        return Returned(family, 0, True, field=other, notes=(note,))

    def _windowed_fields(self) -> dict[str, str]:
        """The fields the package's code sets to a cut of another field of the same value
        (`it.key = it.block[start : start+kl]`: key -> block), found once by their text."""
        if self._windows is None:
            self._windows = {}
            for path in sorted(self.files):
                source = self.files[path][0]
                for match in _WINDOW_SET.finditer(source):
                    start = source.rfind(b"\n", 0, match.start()) + 1
                    left = _WINDOW_LEFT.search(source, start, match.start())
                    if left is None or left.group(1) != match.group(1):
                        continue
                    field, other = left.group(2).decode(), match.group(2).decode()
                    if field != other:
                        self._windows.setdefault(field, other)
                # Through a local holding the rest of the other field (`d :=
                # it.data[it.pos:]` ... `it.key = d[2 : 2+kl]`), in the same function.
                for match in _WINDOW_LOCAL_SET.finditer(source):
                    start = source.rfind(b"\n", 0, match.start()) + 1
                    owner = _WORD_BEFORE.search(source, start, match.start())
                    if owner is None:
                        continue
                    func_start = source.rfind(b"\nfunc ", 0, match.start())
                    held = re.compile(
                        rb"\b"
                        + re.escape(match.group(2))
                        + rb"[ \t]*:=[ \t]*"
                        + re.escape(owner.group(1))
                        + rb"\.(\w+)\["
                    )
                    sets = list(held.finditer(source, max(func_start, 0), match.start()))
                    other = sets[-1].group(1).decode() if sets else None  # (the last one)
                    field = match.group(1).decode()
                    if other is not None and other != field:
                        self._windows.setdefault(field, other)
        return self._windows

    def _rebuilt(self, analysis: _Analysis, path: str, expr: Node) -> Returned | None:
        """`return it.key` (or a cut of it) of an accessor whose type has a method that
        rebuilds that field in place (`it.key = append(it.key[:shared], ...)` or
        `it.key = it.key[:0]` in `Next`): a view the next call of that method overwrites,
        as an iterator's `Key()` is."""
        func = _function_of(expr)
        if func is None or func.type != "method_declaration":
            return None
        field = _receiver_field(analysis, func, expr)
        type_name = receiver_type(func)
        if field is None or not type_name:
            return None
        if not is_slice(analysis.types.underlying(analysis.types.type_of(expr))):
            return None
        found = self._rebuilder_of(type_name, field)
        if found is None:
            return None
        how = f"its receiver's {field}, which {found} rebuilds in place"
        return self._view_returned(path, func, expr, how, f"{type_name}.{field}", found)

    def _view_returned(
        self, path: str, func: Node, expr: Node, how: str, what: str, next_op: str = "read"
    ) -> Returned:
        """The method `func` returns `expr`, a view that `next_op` overwrites (`how`, for the
        related note; `what`, the buffer it shares)."""
        name = text(func.child_by_field_name("name"))
        note = self.note(path, expr, f"{name} returns {_flat(text(expr))}, {how}")
        source = Source(expr, Confidence.MEDIUM, kind=sources.VIEW, what=what, next_op=next_op)
        return Returned(SLICE, 0, True, source=source, notes=(note,))

    def _rebuilder(self, type_name: str, field: str) -> str | None:
        """The name of a method of `type_name` that moves it on (`_ADVANCES`) and rebuilds its
        slice field `field` in place, over the memory it had (`x.key = append(x.key[:n],
        ...)`, `x.key = x.key[:0]`, or reads into it, `io.ReadFull(r.rd, r.rec)`, a buffer it
        does not make anew at every call), else None. The package's text is searched once for
        all such rebuilds (`_REBUILT`, `_READ_INTO`)."""
        if self._reading:
            self._reading[-1].update(self.files)  # (any file may hold such a method)
        if self._rebuilders is None:
            found: dict[tuple[str, str], str] = {}
            for path in sorted(self.files):
                source, tree = self.files[path]
                for hint in _REBUILT_HINT.finditer(source):
                    # (The line of a cheap hit, `= append(`, `[:0]` or a read, looked at whole.)
                    start = source.rfind(b"\n", 0, hint.start()) + 1
                    end = source.find(b"\n", hint.end())
                    end = end if end >= 0 else len(source)
                    match = _REBUILT.search(source, start, end) or _READ_INTO.search(
                        source, start, end
                    )
                    if match is None:
                        continue
                    node = tree.root_node.descendant_for_byte_range(match.start(), match.start())
                    method = _function_of(node) if node is not None else None
                    if method is None or method.type != "method_declaration":
                        continue
                    name = text(method.child_by_field_name("name"))
                    recv, field_name = match.group(1).decode(), match.group(2).decode()
                    if receiver_name(method) != recv or not _ADVANCES.match(name):
                        continue
                    place = re.escape(match.group(1) + b"." + match.group(2))
                    if not _made_each_call(method.text or b"", place):
                        found.setdefault((receiver_type(method), field_name), name)
            self._rebuilders = found
        return self._rebuilders.get((type_name, field))

    def _rebuilder_of(self, type_name: str, field: str) -> str | None:
        """`_rebuilder` of the field, or of a field it is set to (`r.rec = r.buf` after
        `io.ReadFull(r.rd, r.buf)` in `Next`: the same memory)."""
        found = self._rebuilder(type_name, field)
        for other in self._aliases().get((type_name, field), ()) if found is None else ():
            found = found or self._rebuilder(type_name, other)
        return found

    def _aliases(self) -> dict[tuple[str, str], frozenset[str]]:
        """The fields a method of the package sets to another field of its receiver, as it
        is or cut (`r.rec = r.buf`, `r.rec = r.buf[4:n]`): (type, field) -> those others.
        The package's text is searched once."""
        if self._reading:
            self._reading[-1].update(self.files)  # (any file may hold such a method)
        if self._aliased is None:
            found: dict[tuple[str, str], set[str]] = {}
            for path in sorted(self.files):
                source, tree = self.files[path]
                for match in _FIELD_ALIAS.finditer(source):
                    if match.group(2) == match.group(3):
                        continue  # (`r.buf = r.buf[:n]`: itself)
                    node = tree.root_node.descendant_for_byte_range(match.start(), match.start())
                    method = _function_of(node) if node is not None else None
                    if method is None or method.type != "method_declaration":
                        continue
                    if receiver_name(method) != match.group(1).decode():
                        continue
                    key = (receiver_type(method), match.group(2).decode())
                    found.setdefault(key, set()).add(match.group(3).decode())
            self._aliased = {k: frozenset(v) for k, v in found.items()}
        return self._aliased

    def _refilled(self, analysis: _Analysis, path: str, expr: Node) -> Returned | None:
        """`return c.buf` (or a cut of it) of a method that reads into its receiver's buffer,
        kept from call to call (`io.ReadFull(c.r, c.buf)`, the buffer made again only when
        too small): a view the next call's read overwrites, as `ReadSlice`'s."""
        func = _function_of(expr)
        if func is None or func.type != "method_declaration":
            return None
        body = func.child_by_field_name("body")
        code = body.text or b"" if body is not None else b""
        if b"Read" not in code:
            return None  # (no read into anything: cheap to see first)
        field = _receiver_field(analysis, func, expr)
        if field is None or body is None:
            return None
        if not is_slice(analysis.types.underlying(analysis.types.type_of(expr))):
            return None
        recv = receiver_name(func)
        if not recv:
            return None
        place = re.escape(f"{recv}.{field}".encode())
        # (Or a local holding a cut of it: `data := d.buf[:n]; io.ReadFull(d.r, data)`.)
        into = place if expr.type != "identifier" else place + rb"|" + re.escape(expr.text or b"")
        if re.search(_READ_CALL + rb"(?:" + into + rb")\b", code) is None:
            return None
        if _made_each_call(code, place):
            return None  # (not kept from call to call)
        how = "its receiver's buffer, which its next call reads into again"
        return self._view_returned(path, func, expr, how, f"{receiver_type(func) or recv}.{field}")

    def _returned_record(
        self,
        analysis: _Analysis,
        path: str,
        params: list[str],
        expr: Node,
        later: list[tuple[str, Node]] | None = None,
        own: bool = False,
    ) -> Returned | None:
        """A new struct returned with pieces in some of its fields (`return rec{ID: f[0],
        Kind: f[1]}, nil`, or `r := Rule{...}` ... `return r`): the fields that hold pieces
        of one parameter, as a record of them. With `own` (a record appended to a slice the
        function returns), also of data the function reads itself. A record met again
        while its own fields are looked at (`dlp.df = dlp`) holds nothing more there."""
        expr = unparen(expr)
        key = (path, expr.start_byte, expr.end_byte)
        if key in self._records_busy:
            return None
        self._records_busy.add(key)
        try:
            return self._record_fields(analysis, path, params, expr, later, own)
        finally:
            self._records_busy.discard(key)

    def _record_fields(
        self,
        analysis: _Analysis,
        path: str,
        params: list[str],
        expr: Node,
        later: list[tuple[str, Node]] | None,
        own: bool,
    ) -> Returned | None:
        """`_returned_record` of `expr`, once per chain of records."""
        # (field name, value) pairs: of the literal, and of `s.name = ...` of a local `s`.
        values: list[tuple[str, Node]] = []
        inner = self.returned_at(analysis, expr) if expr.type == "call_expression" else None
        if expr.type == "call_expression" and (inner is None or inner.fields is None):
            # `return newRule(f[0])` of a constructor keeping its argument in a field.
            values.extend(self._constructed(analysis, expr))
            if not values:
                return None
        elif expr.type == "call_expression":
            # `return parseLine(line)` of a helper returning a record of its parameter's pieces.
            assert inner is not None and inner.fields is not None
            passed = self._passed_on(analysis, path, params, expr, inner)
            if passed is None:
                return None
            return replace(passed, fields=inner.fields, apart=inner.apart, gaps=inner.gaps)
        literal = _new_literal(expr)
        # (field name, call, result index) of `s.name, rest, err = readBytes(b)`.
        results: list[tuple[str, Node, int]] = []
        if literal is None and expr.type == "identifier":
            binding = analysis.types.lookup(expr)
            func = _function_of(expr)
            body = func.child_by_field_name("body") if func is not None else None
            if binding is None or binding.kind != LOCAL or body is None or func is None:
                return None
            if binding.value is not None:
                if _set_again(analysis.ctx.source, func, binding.name):
                    return None
                literal = _new_literal(binding.value)
                made = unparen(binding.value)
                if literal is None and made.type == "call_expression" and not _is_new(made):
                    return self._returned_record(analysis, path, params, binding.value)
            values.extend(_field_sets(body, binding.name))
            results.extend(_field_results(body, binding.name))
        body = literal.child_by_field_name("body") if literal is not None else None
        for element in body.named_children if body is not None else ():
            keyed = keyed_value(element)
            if keyed is not None:
                values.append(keyed)
        values.extend(later or ())  # (`later`: set after, through a pointer to it)
        first: Returned | None = None
        names: list[str] = []
        window = False
        cuts: set[tuple[int, int]] = set()
        kept: set[str] = set()
        copy_at: list[tuple[str, int, int]] = []
        picks = False  # (submatches: the text around them goes, as for fields left out)
        pieces: list[tuple[str, Node, int, Returned]] = []
        whole: set[int | None] = set()  # (parameters it holds as they are)
        for key_text, value, index in [
            *((k, v, -1) for k, v in values),
            *((k, call, i) for k, call, i in results),
        ]:
            if value.type == "literal_value" or any(key_text == p[0] for p in pieces):
                continue
            if index < 0:
                found = self._returned_value(analysis, path, params, value)
            else:
                found = self._result_of(analysis, path, params, value, index)
            if found is not None and found.piece and found.levels == 0:
                pieces.append((key_text, value, index, found))
            elif found is not None and _given_back(found) and found.param_field is None:
                whole.add(found.param)
        # Pieces of a parameter; else, with `own`, of data the function read whole (pieces of
        # what it reads, in a record it returns as it is, are reported where it makes the
        # record: `_returned_new`).
        first = next((p[3] for p in pieces if p[3].param is not None), None)
        if first is not None and first.param in whole:
            # `&Plan{Original: query, Table: strings.Trim(rest, "`")}`: the record keeps all
            # of the parameter anyway, and its piece beside it pins nothing more.
            return None
        if first is None and own:
            first = next((p[3] for p in pieces if _read_whole(p[3].source)), None)
        for key_text, value, index, found in pieces if first is not None else ():
            assert first is not None
            if first.param is None:
                if found.param is not None or not _read_whole(found.source):
                    continue
            elif found.param != first.param or found.param_field != first.param_field:
                continue
            names.append(key_text)
            # (A part of a URL parsed from a piece, `u.Host`, is a window of it too.)
            window = window or _window(analysis, value) or value.type == "selector_expression"
            picks = picks or _pattern_pick(analysis, value) or _looked_up_case(value)
            kept.add(_flat(text(value)))
            if index < 0:
                # (A local given the piece once, `match := raw[a:b]`, put in two fields: one
                # copy where it is given.)
                site = value
                owner = _function_of(value)
                if value.type == "identifier" and owner is not None:
                    site = _assigned_once(analysis, owner, text(value)) or value
                at = (path, site.start_byte, site.end_byte)
                if at not in copy_at:
                    copy_at.append(at)
            cut = _cut_of(analysis, value)
            if cut is not None:
                cuts.add((cut.start_byte, cut.end_byte))
        if first is None:
            return None
        func = _function_of(expr)
        name = _returner(expr)
        what = ", ".join(names)
        if first.param is None:
            of = "the data it reads"
        else:
            of = f"its parameter {params[first.param]}" if first.param < len(params) else "it"
        note = self.note(
            path,
            expr,
            f"{name} returns {_flat(text(expr))[:60]}, whose {what} "
            + (f"are pieces of {of}" if len(names) > 1 else f"is a piece of {of}"),
        )
        return replace(
            first,
            levels=1,
            notes=(note, *first.notes),
            fields=frozenset(names),
            apart=window or len(cuts) > 1,
            gaps=picks
            or _gaps(kept, func.text or b"" if func else b"")
            or _cut_side_left(analysis, [p[1] for p in pieces if p[0] in names]),
            copy_at=tuple(copy_at),
        )

    def _constructed(self, analysis: _Analysis, call: Node) -> list[tuple[str, Node]]:
        """(field, argument) of each argument a constructor of the package puts as it is, or
        cut, in a named field of the new object it returns (`newRule(f[0])` with `return
        &Rule{Pattern: pattern}`): as the fields of a literal made here."""
        if _callee_name(call) not in self.storer_names():
            return []
        key = self.callee(analysis, call)
        args = _args(call)
        out = []
        for position, contained in (self.contains(key) if key is not None else {}).items():
            if contained.field is not None and position < len(args):
                out.append((contained.field, unparen(args[position])))
        return out

    def _result_of(
        self, analysis: _Analysis, path: str, params: list[str], call: Node, index: int
    ) -> Returned | None:
        """The result `index` of the package function `call` calls, when it is a piece of
        one of its parameters: in terms of this function's parameters (`_passed_on`)."""
        key = self.callee(analysis, call)
        inner = self.returned(key, index) if key is not None else None
        if inner is None or inner.param is None:
            return None
        if not inner.piece:
            # (`in.Mountpoint, err = unescape(fields[4])` of a helper giving its argument
            # back when there is nothing to unescape: a piece when the argument is one.)
            args = _args(call)
            if inner.param >= len(args) or not _is_cut(analysis, args[inner.param]):
                return None
        return self._passed_on(analysis, path, params, call, inner)

    def _passed_on(
        self, analysis: _Analysis, path: str, params: list[str], call: Node, inner: Returned
    ) -> Returned | None:
        """`return A(p)` (or `return A(p[i:])`) where A returns a piece of its parameter
        `inner.param`: this function returns a piece of its own parameter p."""
        args = _args(call)
        if inner.param is None or inner.param >= len(args):
            return None
        arg = args[inner.param]
        if inner.param_field is not None:
            found = analysis.field_origin(arg, inner.param_field)
        else:
            found = analysis.origin(arg)
        binding = found.param if found is not None and found.kind == sources.PARAM else None
        if binding is None or binding.kind != PARAM or binding.name not in params:
            return None
        name = _returner(call)
        note = self.note(
            path,
            call,
            f"{name} returns {_flat(text(call))}, a piece of its parameter {binding.name}",
        )
        return Returned(
            inner.family,
            inner.levels,
            True,
            param=params.index(binding.name),
            notes=(note, *inner.notes),
            fields=inner.fields,
            param_field=found.field if found is not None else None,
            copy_at=inner.copy_at,
            **_elements(inner),
        )

    def _read_into(
        self, analysis: _Analysis, path: str, call: Node, inner: Returned
    ) -> Returned | None:
        """`return parseMountInfo(string(data))` of data this function reads whole, where
        the helper returns pieces of its parameter (records whose fields are, among them):
        this function returns pieces of that big data."""
        args = _args(call)
        if inner.param is None or inner.param >= len(args) or inner.param_field is not None:
            return None
        found = analysis.origin(args[inner.param])
        if found is None or found.kind in (
            sources.PARAM,
            sources.CONVERSION,
            *sources.SMALL_BY_NATURE,
        ):
            return None
        note = self.note(path, call, f"{_returner(call)} returns {_flat(text(call))}")
        return Returned(
            inner.family,
            inner.levels,
            True,
            source=found,
            notes=(*_source_notes(self, path, found), note, *inner.notes),
            fields=inner.fields,
            copy_at=inner.copy_at,
            **_elements(inner),
        )

    def returned_at(self, analysis: _Analysis, call: Node) -> Returned | None:
        # By name first: most calls are of functions that return nothing of interest, and
        # resolving the callee (a scope lookup, a type) costs more than their summaries. (Not
        # inside an evaluation: its answer would depend on every function of the package.)
        followed = self._followed
        if followed is not None and not self._reading and _callee_name(call) not in followed[0]:
            return None
        key = self.callee(analysis, call)
        return self.returned(key) if key is not None else None

    def parts_at(
        self, analysis: _Analysis, call: Node, family: str
    ) -> tuple[list[int], bool, list[tuple[int, int]]]:
        """The results of the helper `call` calls, after the first, that are pieces of what
        its first result is a piece of, of the same family (`key, val, next, err :=
        decodeEntry(b, off)`: 1 for val), and whether they are its parts: cut next to each
        other by one return, they waste nothing kept together, which the partition of
        `_drop_partitions` sees. Named results set wherever the helper finds them (`origin,
        serial, err := parseSOA(zone)`, two tokens of a zone file) are pieces, not parts.
        Third, the pieces of the same value in another shape, never parts: (position,
        levels) (`return fields[0], fields[1:], true`, a slice of pieces after one)."""
        key = self.callee(analysis, call)
        first = self.returned(key) if key is not None else None
        results = analysis.types.results_of(call)
        if key is None or first is None or not first.piece or results is None:
            return [], False, []
        parts: list[int] = []
        others: list[tuple[int, int]] = []
        named = first.named
        for index in range(1, len(results)):
            found = self.returned(key, index)
            if (
                found is None
                or not found.piece
                or found.family != family
                or found.param != first.param
                or (found.source is None) != (first.source is None)
            ):
                continue
            if found.levels == first.levels and found.param_field == first.param_field:
                parts.append(index)
                named = named or found.named
            elif found.levels != first.levels and found.fields is None:
                others.append((index, found.levels))
        return parts, not named, others

    def passes(
        self, analysis: _Analysis, call: Node, callback: int, position: int
    ) -> Returned | None:
        """What the package function `call` calls passes its callback (its argument at
        `callback`, a function) as that callback's argument at `position`: a piece of one
        of its own parameters, of its receiver's field, or of big data, as `Returned` says
        of a result (`ls.Range(func(name, value string) {...})` of a `Range` calling
        `f(s[:i], s[i+1:j])` on its data). The first call of the callback that passes such
        a piece decides; calls through other names (the callback stored, then called) are
        not followed."""
        key = self.callee(analysis, call)
        if key is None:
            return None
        slot = (key, callback, position)
        if slot in self._handed_on:
            return self._handed_on[slot]
        self._handed_on[slot] = None  # (recursion ends here)
        found = self._passes(key, callback, position)
        self._handed_on[slot] = found
        return found

    def _passes(self, key: Key, callback: int, position: int) -> Returned | None:
        decl = self.decl(key)
        body = decl[1].child_by_field_name("body") if decl is not None else None
        if decl is None or body is None:
            return None
        path, func = decl
        params = param_names(func)
        if callback >= len(params):
            return None
        name = params[callback]
        source = self.files[path][0]
        called = re.compile(rb"\b%s\s*\(" % re.escape(name.encode()))
        if called.search(source, body.start_byte, body.end_byte) is None:
            return None
        analysis = self.analysis(path)
        if analysis is None:
            return None
        helper = text(func.child_by_field_name("name"))
        for node in _calls_of(body, name):
            binding = analysis.types.lookup(node.child_by_field_name("function"))
            args = _args(node)
            if binding is None or binding.kind != PARAM or position >= len(args):
                continue
            if any(arg.type == "variadic_argument" for arg in args):
                continue
            arg = unparen(args[position])
            found = self._returned_value(analysis, path, params, arg)
            if found is None or (arg.type == "identifier" and _given_back(found)):
                continue  # (`emit(nals)` whole: a later call passing a piece decides)
            if _whole_part(analysis, arg):
                found = replace(found, piece=False)  # (the parts of a split, one by one)
            note = self.note(
                path,
                arg,
                f"{helper} passes {_flat(text(arg))} to its callback {name}",
            )
            # (In place of the summary's own step, which says the function returns it.)
            own = f"{helper} returns {_flat(text(arg))}"
            notes = [n for n in found.notes if not (n[0] == path and n[3].startswith(own))]
            return replace(found, notes=(*notes, note))
        return None

    def piece_helpers(self) -> frozenset[str]:
        """The names of the package's functions and methods that return a piece (of a
        parameter or of big data): their calls are candidates."""
        return self.followed()[1]

    # -- what a function returns inside a new object ------------------------------------------

    def contained_at(self, analysis: _Analysis, call: Node, position: int) -> Contained | None:
        """Whether the package function `call` calls puts its argument at `position` inside
        the new object it returns."""
        if position < 0 or _callee_name(call) not in self.storer_names():
            return None
        key = self.callee(analysis, call)
        return self.contains(key).get(position) if key is not None else None

    def contains(self, key: Key) -> dict[int, Contained]:
        """The parameters (by position) the function `key` puts, as they are or cut, inside
        the new object it returns: a composite literal returned (`&entry{data: b}`, `T{b}`),
        a new object assigned a field before it is returned (`e := &entry{}; e.data = b`),
        or the result of another such constructor (`return newEntry(k, b)`). A parameter
        the function reassigns is not followed."""
        if key in self._contains:
            return self._contains[key] or {}
        self._contains[key] = None  # recursion ends here
        out: dict[int, Contained] = {}
        decl = self.decl(key)
        result = decl[1].child_by_field_name("result") if decl is not None else None
        named = _OBJECT_RESULT.match(result.text or b"") if result is not None else None
        info = self.index.types.get(named.group(1).decode()) if named is not None else None
        body = decl[1].child_by_field_name("body") if decl is not None else None
        if decl is not None and info is not None and info.underlying == "struct" and body:
            path, func = decl
            analysis = self.analysis(path)
            params = param_names(func)
            source = self.files[path][0]
            kept = [
                p
                for p in params
                if p != "_"
                and (
                    not _reassigned(source, body, p)
                    or (analysis is not None and _cut_in_place_only(analysis, func, p))
                )
            ]
            for expr in self._returned_values(path, func, body) if analysis else ():
                assert analysis is not None
                self._inside(analysis, path, func, kept, params, expr, out, 0)
        self._contains[key] = out
        return out

    def _returned_values(self, path: str, func: Node, body: Node, index: int = 0) -> list[Node]:
        """The first value (or the one at `index`) of each `return` of `func` that lists its
        values (not of its function literals)."""
        source = self.files[path][0]
        out = []
        analysis: _Analysis | None = None  # (asked for `return strings.Cut(...)` only)
        at = source.find(b"return", body.start_byte, body.end_byte)
        while at >= 0:
            node = body.descendant_for_byte_range(at, at + 6)
            statement = node.parent if node is not None else None
            at = source.find(b"return", at + 6, body.end_byte)
            if statement is None or statement.type != "return_statement":
                continue
            if enclosing_function(statement) != func:
                continue
            if not statement.named_children:
                # A bare `return` of named results: the name, where the signature declares it
                # (what it holds is what its assignments put in it: `_held_cut`).
                names = result_names(func)
                if index < len(names):
                    out.append(names[index])
                continue
            first = statement.named_children[0]
            items = [first]
            if first.type == "expression_list":
                items = [c for c in first.named_children if c.type != "comment"]
            if len(items) > 1:
                if index >= len(items):
                    continue
                out.append(unparen(items[index]))
                continue
            first = unparen(items[0]) if items else first
            if index > 0:
                if analysis is None:
                    analysis = self.analysis(path)
                if (
                    first.type == "call_expression"
                    and index in _PIECE_RESULTS.get(_callee_name(first), ())
                    and analysis is not None
                    and analysis._is_piece_call(first)
                ):
                    out.append(first)  # `return strings.Cut(line, "=")`: both are pieces
                continue  # `return f()` of several results: else not followed
            out.append(first)
        return out

    def _inside(
        self,
        analysis: _Analysis,
        path: str,
        func: Node,
        kept: list[str],
        params: list[str],
        expr: Node,
        out: dict[int, Contained],
        depth: int,
    ) -> None:
        """Record in `out` the parameters that the new object `expr` holds."""
        if depth > 3:
            return
        fname = text(func.child_by_field_name("name"))
        expr = unparen(expr)
        if expr.type == "unary_expression" and text(expr).startswith("&"):
            expr = unparen(expr.child_by_field_name("operand") or expr)
        if expr.type == "composite_literal":
            body = expr.child_by_field_name("body")
            for value in _literal_values(body):
                if value.type in ("composite_literal", "unary_expression", "call_expression"):
                    self._inside(analysis, path, func, kept, params, value, out, depth + 1)
                    continue
                name = _param_or_piece(analysis, value, kept)
                if name is not None and params.index(name) not in out:
                    note = self.note(
                        path,
                        value,
                        f"{fname} puts {_flat(text(value))} in the new object it returns",
                    )
                    keyed = _keyed_field(value) if depth == 0 else None
                    out[params.index(name)] = Contained((note,), keyed)
            return
        if expr.type == "call_expression":
            if _callee_name(expr) not in self.storer_names():
                return
            callee = self.callee(analysis, expr)
            inner = self.contains(callee) if callee is not None else {}
            args = _args(expr)
            for position, contained in inner.items():
                if position >= len(args):
                    continue
                name = _param_or_piece(analysis, args[position], kept)
                if name is not None and params.index(name) not in out:
                    note = self.note(
                        path,
                        expr,
                        f"{fname} returns {_flat(text(expr))}, which holds {name}",
                    )
                    out[params.index(name)] = Contained(
                        (note, *contained.notes), contained.field if depth == 0 else None
                    )
            return
        if expr.type != "identifier":
            return
        binding = analysis.types.lookup(expr)
        if binding is None or not binding.is_local or binding.value is None or binding.multi:
            return
        value = unparen(binding.value)
        fresh = value.type in ("composite_literal", "unary_expression") or (
            value.type == "call_expression" and _callee_name(value) == "new"
        )
        if not fresh:
            return
        self._inside(analysis, path, func, kept, params, value, out, depth + 1)
        # `e.data = b` (or `e.items = append(e.items, b)`) before it is returned.
        source = self.files[path][0]
        body = func.child_by_field_name("body")
        if body is None:
            return
        word = re.escape(binding.name.encode())
        pattern = re.compile(rb"(?<![\w.])" + word + rb"\.[\w.]+\s*=[^=]")
        for match in pattern.finditer(source, body.start_byte, body.end_byte):
            node = body.descendant_for_byte_range(match.start(), match.start() + len(word))
            statement = node
            while statement is not None and statement.type != "assignment_statement":
                if statement.type in ("block", "function_declaration", "method_declaration"):
                    statement = None
                    break
                statement = statement.parent
            if statement is None:
                continue
            lefts = _list_items(statement.child_by_field_name("left"))
            rights = _list_items(statement.child_by_field_name("right"))
            if len(lefts) != len(rights):
                continue
            for lhs, rhs in zip(lefts, rights, strict=True):
                root = lhs
                while root.type == "selector_expression":
                    root = root.child_by_field_name("operand") or root
                if root.type != "identifier" or text(root) != binding.name:
                    continue
                rhs = unparen(rhs)
                if rhs.type == "call_expression" and _callee_name(rhs) == "append":
                    items = _args(rhs)[1:]
                else:
                    items = [rhs]
                for item in items:
                    name = _param_or_piece(analysis, item, kept)
                    if name is not None and params.index(name) not in out:
                        note = self.note(
                            path,
                            statement,
                            f"{fname} stores {_flat(text(item))} in {_flat(text(lhs))}, "
                            "a field of the new object it returns",
                        )
                        field = text(lhs.child_by_field_name("field"))
                        single = (
                            lhs.type == "selector_expression"
                            and lhs.child_by_field_name("operand") == root
                        )
                        out[params.index(name)] = Contained(
                            (note,), field if single and depth <= 1 else None
                        )

    # -- what a function stores -------------------------------------------------------------

    def storer_names(self) -> frozenset[str]:
        """Names of the package's functions and methods (a cheap pre-check for
        `_may_be_kept`: a piece passed to one of them may be stored by it; `stored` decides,
        for the few pieces of big data passed to one)."""
        if self._storer_names is None:
            self._storer_names = frozenset(name for _, name in self.declared())
        return self._storer_names

    def stored_at(
        self, analysis: _Analysis, call: Node, position: int, depth: int = 0
    ) -> Stored | None:
        """Where the package function `call` calls stores its argument at `position`."""
        if position < 0 or _callee_name(call) not in self.storer_names():
            return None
        key = self.callee(analysis, call)
        return self.stored(key, depth).get(position) if key is not None else None

    def stored(self, key: Key, depth: int = 0) -> dict[int, Stored]:
        """The parameters (by position) the function `key` stores as they are in a place that
        outlives the call, with where. A parameter the function reassigns is not followed."""
        if key in self._stored:
            return self._stored[key] or {}
        self._stored[key] = None  # recursion ends here
        decl = self.decl(key)
        out: dict[int, Stored] = {}
        if decl is not None and depth <= _MAX_STORE_DEPTH:
            path, func = decl
            analysis = self.analysis(path)
            body = func.child_by_field_name("body")
            if analysis is not None and body is not None:
                for i, name in enumerate(param_names(func)):
                    found = self._param_stored(analysis, path, func, body, name, depth)
                    if found is not None:
                        out[i] = found
        self._stored[key] = out
        return out

    def filled(self, key: Key, position: int) -> dict[str, Returned]:
        """What the function `key` sets the fields of its pointer parameter at `position`
        to, when that is a piece or a view (`rec.Data = data` of `data := d.buf[:n]` read
        into its receiver's buffer, kept from call to call), by field: its caller's record
        holds that after the call (`d.decode(&rec)`)."""
        memo = (key, position)
        if memo in self._filled:
            return self._filled[memo]
        self._filled[memo] = {}  # (recursion ends here)
        out: dict[str, Returned] = {}
        decl = self.decl(key)
        body = decl[1].child_by_field_name("body") if decl is not None else None
        params = param_names(decl[1]) if decl is not None else []
        name = (params[position] if 0 <= position < len(params) else "_").encode()
        if (
            decl is not None
            and body is not None
            and name != b"_"
            and any(
                found.group(1) == name
                for found in _FIELD_SET.finditer(
                    self.files[decl[0]][0], body.start_byte, body.end_byte
                )
            )
        ):
            path = decl[0]
            analysis = self.analysis(path)
            for field, value in _field_sets(body, name.decode()) if analysis is not None else ():
                found = self._returned_value(analysis, path, params, value)  # type: ignore[arg-type]
                view = found is not None and found.source is not None
                view = view and found.source.kind == sources.VIEW  # type: ignore[union-attr]
                if found is not None and (found.piece or view) and found.levels == 0:
                    out.setdefault(field, found)
        self._filled[memo] = out
        return out

    def element_stored_at(
        self,
        analysis: _Analysis,
        call: Node,
        position: int,
        fields: frozenset[str] | None = None,
    ) -> Stored | None:
        """Where the package function `call` calls stores a field of each element of its
        argument at `position` (`for _, r := range recs { t.rows[string(r.Key)] = r.Value
        }`), with `fields` naming it, or each element whole (`elements`); None when it stores
        none. With `fields`, only a store of one of those fields counts (`Lease{MAC:
        p.chaddr}` of a copy made by the parser aside, `l.Hostname = p.options[opt]`)."""
        if position < 0 or _callee_name(call) not in self.storer_names():
            return None
        key = self.callee(analysis, call)
        if key is None:
            return None
        memo = (key, fields)
        if memo not in self._element_stored:
            self._element_stored[memo] = self._elements_stored(key, fields)
        return self._element_stored[memo].get(position)

    def _elements_stored(self, key: Key, fields: frozenset[str] | None) -> dict[int, Stored]:
        decl = self.decl(key)
        analysis = self.analysis(decl[0]) if decl is not None else None
        body = decl[1].child_by_field_name("body") if decl is not None else None
        if decl is None or analysis is None or body is None:
            return {}
        path, func = decl
        fname = text(func.child_by_field_name("name"))
        out: dict[int, Stored] = {}
        for clause in captures("(range_clause) @r", body).get("r", []):
            ranged = clause.child_by_field_name("right")
            left = clause.child_by_field_name("left")
            items = _list_items(left) if left is not None else []
            if ranged is None or ranged.type != "identifier" or len(items) != 2:
                continue
            names = param_names(func)
            binding = analysis.types.lookup(ranged)
            if binding is None or binding.kind != PARAM or binding.name not in names:
                continue
            if items[1].type != "identifier":
                continue
            if _reassigned(analysis.ctx.source, body, binding.name):
                continue
            loop = clause.parent
            scope = loop.child_by_field_name("body") if loop is not None else None
            found = self._element_field_stored(analysis, path, fname, scope, items[1], fields)
            if found is None and scope is not None and any(c.type == ":=" for c in clause.children):
                found = self._element_whole_stored(analysis, path, fname, scope, items[1])
            if found is not None:
                out.setdefault(names.index(binding.name), found)
        # An element of a slice parameter read by index and stored as it is (`m[args[1]] =
        # args[2]`, or `c.db.Set(args[1], args[2])` of `exec(args []string)`): the elements
        # are kept, as for each of a loop's.
        names = param_names(func)
        source = analysis.ctx.source
        for position, name in enumerate(names):
            if position in out or name == "_" or _reassigned(source, body, name):
                continue
            found = self._index_stored(analysis, path, fname, body, name)
            if found is not None:
                out[position] = found
        # A record parameter whose field it stores (`im.latest[k] = latest{host: rec.host}`
        # of `observe(rec record)`): as for each element of a slice.
        params = func.child_by_field_name("parameters")
        position = -1
        for declared in params.named_children if params is not None else ():
            if declared.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            kind = declared.child_by_field_name("type")
            for ident in declared.children_by_field_name("name") or [None]:
                position += 1
                if ident is None or kind is None or position in out:
                    continue
                if not _is_record(analysis, analysis.types.underlying(text(kind))):
                    continue
                if _reassigned(analysis.ctx.source, body, text(ident)):
                    continue
                found = self._element_field_stored(analysis, path, fname, body, ident, fields)
                if found is not None:
                    out[position] = found
        return out

    def _index_stored(
        self, analysis: _Analysis, path: str, fname: str, body: Node, name: str
    ) -> Stored | None:
        """Where the first element of the slice parameter `name` that `body` reads by index
        (`name[i]`) is stored as it is."""
        source = analysis.ctx.source
        word = re.compile(rb"(?<![\w.])" + re.escape(name.encode()) + rb"\[")
        for match in word.finditer(source, body.start_byte, body.end_byte):
            use = body.descendant_for_byte_range(match.start(), match.start() + len(name))
            index = use.parent if use is not None else None
            if (
                use is None
                or use.type != "identifier"
                or index is None
                or index.type != "index_expression"
                or index.child_by_field_name("operand") != use
            ):
                continue
            binding = analysis.types.lookup(use)
            if binding is None or binding.kind != PARAM or binding.name != name:
                continue
            if not is_slice(analysis.types.underlying(analysis.types.type_of(use))):
                continue  # (a map's value, a string's byte)
            stored = self._stored_use(analysis, path, fname, _flat(text(index)), index, 1)
            if stored is not None:
                at = (path, index.start_byte, index.end_byte)
                return replace(stored, at=stored.at or at, elements=True)
        return None

    def _element_whole_stored(
        self, analysis: _Analysis, path: str, fname: str, body: Node, element: Node
    ) -> Stored | None:
        """Where the range variable `element` is stored as it is in the loop's `body` (`for
        _, it := range items { m[key(it)] = it }; s.items = m`): each element is kept."""
        name = text(element)
        if name == "_":
            return None
        stored = self._name_stored(
            analysis, path, fname, name, body, body.start_byte, lambda b: b.node == element, 1
        )
        return replace(stored, elements=True) if stored is not None else None

    def _element_field_stored(
        self,
        analysis: _Analysis,
        path: str,
        fname: str,
        body: Node | None,
        element: Node,
        fields: frozenset[str] | None = None,
    ) -> Stored | None:
        """The first field of `element` (a range variable, or a record parameter) stored in
        `body`, the loop's or the function's (`r.Value`)."""
        declared = analysis.types.declaration(element) or analysis.types.lookup(element)
        if body is None or declared is None:
            return None
        name = text(element)
        source = analysis.ctx.source
        word = re.compile(rb"(?<![\w.])" + re.escape(name.encode()) + rb"\.(\w+)")
        for match in word.finditer(source, body.start_byte, body.end_byte):
            use = body.descendant_for_byte_range(match.start(), match.start() + len(name))
            selector = use.parent if use is not None else None
            if use is None or selector is None or selector.type != "selector_expression":
                continue
            found = analysis.types.lookup(use)
            if found is None or found.declared_at != declared.declared_at:
                continue
            field = match.group(1).decode()
            if fields is not None and field not in fields:
                continue
            used = selector
            outer = selector.parent
            if (
                outer is not None
                and outer.type == "index_expression"
                and outer.child_by_field_name("operand") == selector
            ):
                # `msg.Headers["Call-ID"]`: an element of a collection the field holds.
                under = analysis.types.underlying(analysis.types.type_of(selector)) or ""
                if not under.startswith(("[]", "map[")):
                    continue
                used = outer
            stored = self._stored_use(analysis, path, fname, _flat(text(used)), used, 1)
            if stored is not None:
                at = (path, used.start_byte, used.end_byte)
                return replace(stored, at=stored.at or at, fields=frozenset((field,)))
        return None

    def _param_stored(
        self, analysis: _Analysis, path: str, func: Node, body: Node, name: str, depth: int
    ) -> Stored | None:
        if name == "_":
            return None
        fname = text(func.child_by_field_name("name"))
        return self._name_stored(
            analysis,
            path,
            fname,
            name,
            body,
            body.start_byte,
            lambda b: b.kind == PARAM and b.name == name,
            depth,
        )

    def _name_stored(
        self,
        analysis: _Analysis,
        path: str,
        fname: str,
        name: str,
        scope: Node,
        start: int,
        means: Callable[[Binding], bool],
        depth: int,
    ) -> Stored | None:
        """Where the first use of `name` in `scope` from `start` on that `means` the value
        followed is stored as it is; None when the name is set again there (which value a
        later use holds is not followed)."""
        source = analysis.ctx.source
        if next(assigned_offsets(source, name.encode(), start, scope.end_byte), None) is not None:
            return None
        word = re.compile(rb"(?<![\w.])" + re.escape(name.encode()) + rb"(?!\w)")
        first: Stored | None = None
        first_use: Node | None = None
        for match in word.finditer(source[start : scope.end_byte]):
            at = start + match.start()
            use = scope.descendant_for_byte_range(at, at + len(name))
            if use is None or use.type != "identifier" or use.start_byte != at:
                continue
            parent = use.parent
            if (
                parent is not None
                and parent.type == "literal_element"
                and not analysis._element_value(parent)
            ):
                continue  # (a field's name in a struct literal: `T{sql: sql}`)
            binding = analysis.types.lookup(use)
            if binding is None or not means(binding):
                continue
            found = self._use_stored(analysis, path, fname, name, use, depth)
            if found is None:
                continue
            if first is None and not _passed_twice(use, name):
                first, first_use = found, use
                continue
            # Stored twice (`d := &T{Name: name}; r.byName[name] = d`, or a key and its
            # value, `m[s] = s`, `m.LoadOrStore(s, s)`): a copy at one store leaves the
            # other. When both are one statement of the function itself, a copy of the name
            # just before it fixes both (`rebind`); else a copy at the call does (no `at`).
            first = first or found
            statement = _statement_of(use)
            own = found.at is not None and found.at[1] == use.start_byte
            if (
                own
                and _statement_of(first_use or use) == statement
                and statement.parent is not None
                and statement.parent.type == "statement_list"
            ):
                at = (path, statement.start_byte, statement.end_byte)
                return _interned(replace(first, at=at, rebind=name), use, name)
            return replace(first, at=None)
        return _interned(first, first_use, name) if first is not None else None

    def _use_stored(
        self, analysis: _Analysis, path: str, fname: str, name: str, use: Node, depth: int
    ) -> Stored | None:
        """Where the use `use` of a parameter is stored as it is, if it is (with `at`, the
        use stored, in the function that stores it)."""
        found = self._stored_use(analysis, path, fname, name, use, depth)
        if found is not None and found.at is None:
            found = replace(found, at=(path, use.start_byte, use.end_byte))
        return found

    def _stored_use(
        self, analysis: _Analysis, path: str, fname: str, name: str, use: Node, depth: int
    ) -> Stored | None:
        parent = use.parent
        if parent is not None and parent.type == "send_statement":
            channel = parent.child_by_field_name("channel")
            if parent.child_by_field_name("value") != use or channel is None:
                return None
            note = self.note(path, parent, f"{fname} sends {name} on {text(channel)}")
            where = f"channel {text(channel)}"
            return Stored(text(channel), where, Confidence.MEDIUM, True, (note,))
        if (
            parent is not None
            and parent.type == "index_expression"
            and parent.child_by_field_name("index") == use
        ):
            return self._key_stored(analysis, path, fname, name, parent)
        wrapped = use
        while wrapped.parent is not None and wrapped.parent.type in _WRAPPERS:
            if wrapped.parent.type == "unary_expression" and not text(wrapped.parent).startswith(
                "&"
            ):
                break
            wrapped = wrapped.parent
        if wrapped is not use and wrapped.parent is not None:
            # `c.ll.PushFront(&entry{k, v})`: put in an object a known container keeps.
            args = wrapped.parent
            call = args.parent if args.type == "argument_list" else None
            func = call.child_by_field_name("function") if call is not None else None
            if call is not None and func is not None and func.type == "selector_expression":
                position = _args(call).index(wrapped) if wrapped in _args(call) else -1
                return self._kept_by(analysis, path, fname, name, call, func, position)
        if parent is not None and parent.type == "argument_list" and not _appends(parent):
            call = parent.parent
            func = call.child_by_field_name("function") if call is not None else None
            if call is None or func is None:
                return None
            position = _args(call).index(use) if use in _args(call) else -1
            converted = (
                self.returned_at(analysis, call) if position >= 0 and self.uses_unsafe() else None
            )
            if converted is not None and converted.zero_copy and converted.param == position:
                # `s := toUnsafeString(name)`, then `c.ids[s] = id`: the same memory.
                found = self._stored_use(analysis, path, fname, name, call, depth)
                return replace(found, zero_copy=True) if found is not None else None
            if func.type == "selector_expression" and position > 0:
                found = self._kept_by(analysis, path, fname, name, call, func, position)
                if found is not None:
                    return found
            inner = (
                self.stored_at(analysis, call, position, depth + 1)
                if depth < _MAX_STORE_DEPTH
                else None
            )
            if inner is None:
                return None
            note = self.note(
                path,
                call,
                f"{fname} passes {name} to {_flat(text(func))}",
            )
            return replace(inner, notes=(note, *inner.notes))
        local = _declared_local(wrapped) if depth < _MAX_STORE_DEPTH else None
        if local is not None:
            return self._local_stored(analysis, path, fname, name, local, depth + 1)
        lhs = analysis._stored_whole(use)
        target = analysis.assign_target(lhs) if lhs is not None else None
        if target is None or lhs is None or target.confidence is Confidence.LOW:
            collection = _local_collection(analysis, lhs) if lhs is not None else None
            if collection is not None and depth < _MAX_STORE_DEPTH:
                # `m[it.Key] = it`, then `s.items = m`: kept with the local collection.
                return self._local_stored(analysis, path, fname, name, collection, depth + 1)
            return None  # a place that may be a new object or the caller's for the call
        statement = lhs.parent.parent if lhs.parent is not None else lhs
        func = _function_of(statement)
        place = re.escape(_flat(text(lhs)).encode())
        later = (func.text or b"")[statement.end_byte - func.start_byte :] if func else b""
        for again in re.finditer(rb"(?<![\w.])" + place + rb"\s*=[^=]([^\n]*)", later):
            # Set again before the function returns: held for the call only. (Not on every
            # path: `if len(t.pending) < t.batchSize { return nil }; t.pending = nil` keeps
            # the batch until it fills.)
            if re.search(rb"(?<![\w.])" + place + rb"\b", again.group(1)) is None and _always_reset(
                statement, statement.end_byte + again.start()
            ):
                return None
            # (`h.entries = append(h.entries[:0:0], h.entries[n:]...)`: trimmed, still held)
        note = self.note(
            path,
            statement,
            f"{fname} stores {name} in {_flat(text(lhs))}",
        )
        collects = target.collects or "append(" in text(statement)
        receiver = _on_receiver(analysis, lhs)
        return Stored(
            target.text, target.where, target.confidence, collects, (note,), receiver=receiver
        )

    def _local_stored(
        self, analysis: _Analysis, path: str, fname: str, name: str, local: Node, depth: int
    ) -> Stored | None:
        """`d := &Descriptor{Help: help}`, then `r.byName[k] = d`: the parameter is stored with
        the local (set once) that holds it."""
        binding = analysis.types.declaration(local)
        statement = binding.statement if binding is not None else None
        if binding is None:
            # `rs = &RouteStats{Path: path}` of `rs := a.routes[key]` missing: from there on.
            binding = analysis.types.lookup(local)
            statement = local.parent.parent if local.parent is not None else None
        func = _function_of(statement) if statement is not None else None
        if binding is None or binding.kind != LOCAL or statement is None or func is None:
            return None
        holder = text(local)
        declared = binding.node
        stored = self._name_stored(
            analysis,
            path,
            fname,
            holder,
            func,
            statement.end_byte,
            lambda b: b.node == declared,
            depth,
        )
        if stored is None or _rooted_at(stored.text, name):
            # (`unit := &Unit{Lib: lib}; lib.Units = append(lib.Units, unit)`: kept in
            # itself, it lives no longer than it does.)
            return None
        note = self.note(path, statement, f"{fname} puts {name} in {holder}")
        # (What a copy fixes is the parameter's use in the local, not the local: `at` is
        # set by the caller, `_use_stored`.)
        return replace(stored, notes=(note, *stored.notes), at=None)

    def _kept_by(
        self,
        analysis: _Analysis,
        path: str,
        fname: str,
        name: str,
        call: Node,
        func: Node,
        position: int,
    ) -> Stored | None:
        """`c.cache.Add(k, name)`, `c.ll.PushFront(&entry{k, name})`: a holder of another
        package known to keep what it is given (`Places.keeps`), that outlives the call. A
        method of the package is followed by its own summary instead (`stored_at`)."""
        holder = func.child_by_field_name("operand")
        if holder is None or self.callee(analysis, call) is not None:
            return None
        collects = analysis.keeps(func, position)
        shared = analysis.place(holder) if collects is not None else None
        if collects is None or shared is None or shared.confidence is Confidence.LOW:
            return None
        where = f"{text(holder)} with {_callee_name(call)}"
        if shared.reason:
            where += f" ({shared.reason})"
        note = self.note(path, call, f"{fname} stores {name} here")
        receiver = _on_receiver(analysis, holder)
        return Stored(text(holder), where, shared.confidence, collects, (note,), receiver)

    def _key_stored(
        self, analysis: _Analysis, path: str, fname: str, name: str, index: Node
    ) -> Stored | None:
        """`m[name] = v` (or `m[name]++`) on a map that outlives the call."""
        holder = index.parent
        if holder is not None and holder.type == "expression_list":
            holder = holder.parent
            if holder is None or holder.type != "assignment_statement":
                return None
            if index not in _list_items(holder.child_by_field_name("left")):
                return None
        elif holder is None or holder.type not in ("inc_statement", "dec_statement"):
            return None
        container = index.child_by_field_name("operand")
        if container is None or not is_map(
            analysis.types.underlying(analysis.types.type_of(container))
        ):
            return None
        shared = analysis.shared(container)
        if shared is None or shared.confidence is Confidence.LOW:
            return None
        where = f"map {text(container)}" + (f" ({shared.reason})" if shared.reason else "")
        note = self.note(
            path,
            holder,
            f"{fname} uses {name} as a key of {text(container)}",
        )
        receiver = _on_receiver(analysis, container)
        return Stored(text(container), where, shared.confidence, True, (note,), receiver)

    # -- objects made per call ---------------------------------------------------------------

    def per_call(self, key: Key, position: int) -> tuple[bool, tuple[Note, ...]] | None:
        """Evidence that the object the method `key`'s receiver (`position` -1) or pointer
        parameter `position` designates is made per call of a function of the package and
        dropped when that returns: every call in the package's non-test code passes a fresh
        object (`New().parse(in)`), a local made fresh in the caller that does not escape it
        and is not fed in a loop (`p := New(); p.parse(in)`, `nc := conv{}; nc.init(b)`), or
        the caller's own receiver or parameter with the same evidence (`p.block(data)` in
        `Parse`; a call from within a cycle of such calls counts neither way, and a function
        with no calls in the package, called through a function value or an interface,
        counts as one other packages may call). Returns (whether an exported function on
        the way lets other packages pass an object of their own, the notes), or None: no
        evidence, or a call passes anything else."""
        memo = (key, position)
        if memo not in self._per_call:
            found = self._per_call_of(key, position, set())
            # Calls only from within a cycle (or none) are no evidence.
            self._per_call[memo] = found if found is not None and found[1] else None
        return self._per_call[memo]

    def _per_call_of(
        self, key: Key, position: int, seen: set[tuple[Key, int]]
    ) -> tuple[bool, tuple[Note, ...]] | None:
        if (key, position) in seen:
            return (False, ())  # a cycle: the other calls decide
        if len(seen) > 8:
            return None
        seen.add((key, position))
        calls = [(p, c) for p, c in self.calls_to(key) if not p.endswith("_test.go")]
        # (a test's objects say nothing of the program's)
        outside = key[1][:1].isupper() or not calls
        notes: list[Note] = []
        for path, call in calls:
            analysis = self.analysis(path)
            caller = _function_of(call)
            if analysis is None or caller is None:
                return None
            func = call.child_by_field_name("function")
            if position < 0:
                holder = func.child_by_field_name("operand") if func is not None else None
            else:
                args = _args(call)
                holder = args[position] if position < len(args) else None
            holder = unparen(holder) if holder is not None else None
            if holder is not None and holder.type == "unary_expression":
                holder = unparen(holder.child_by_field_name("operand") or holder)
            if holder is None:
                return None
            if holder.type in ("call_expression", "composite_literal") and _is_fresh(holder):
                continue  # `New().Parse(in)`: made for this call
            if holder.type != "identifier":
                return None
            binding = analysis.types.lookup(holder)
            if binding is None:
                return None
            if binding.kind in (RECEIVER, PARAM):
                outer = key_of(caller)
                if outer is None:
                    return None
                names = param_names(caller)
                if binding.kind == PARAM and binding.name not in names:
                    return None  # (a parameter of a function around the literal calling)
                at = -1 if binding.kind == RECEIVER else names.index(binding.name)
                inner = self._per_call_of(outer, at, seen)
                if inner is None:
                    return None
                outside = outside or inner[0]
                notes.extend(n for n in inner[1] if n not in notes)
                continue
            made = _made_here(analysis, binding, call, caller)
            if made is None:
                # `msg := &channelOpen{}; msg.Unmarshal(raw); return msg, nil`: made per
                # call and handed to callers that drop it.
                made = _made_here(analysis, binding, call, caller, returned=True)
                outer = key_of(caller)
                inner = self._result_dropped(outer, seen) if made and outer else None
                if made is None or inner is None:
                    return None
                outside = outside or inner[0]
                notes.append((path, *made))
                notes.extend(n for n in inner[1] if n not in notes)
                continue
            notes.append((path, *made))
        return outside, tuple(notes)  # (no notes: no evidence either way)

    def _result_dropped(
        self, key: Key, seen: set[tuple[Key, int]]
    ) -> tuple[bool, tuple[Note, ...]] | None:
        """Evidence that every call in the package's non-test code of the function `key`
        drops the object it returns when the caller returns: it takes it in a local that
        does not escape (`openMsg, err := parseOpen(buf)`, then only its fields copied or
        read), or returns it on to callers that do. (Whether an exported function on the
        way lets other packages keep it, the notes), or None: no call in the package, or an
        exported function returning it (other packages take it to keep it: `Open`)."""
        if (key, _RESULT_POSITION) in seen:
            return (False, ())
        if len(seen) > 8:
            return None
        seen.add((key, _RESULT_POSITION))
        calls = [(p, c) for p, c in self.calls_to(key) if not p.endswith("_test.go")]
        if key[1][:1].isupper() or not calls:
            return None
        outside = False
        notes: list[Note] = []
        for path, call in calls:
            analysis = self.analysis(path)
            caller = _function_of(call)
            values = call.parent
            statement = values.parent if values is not None else None
            if analysis is None or caller is None or values is None or statement is None:
                return None
            if (
                values.type != "expression_list"
                or statement.type not in ("short_var_declaration", "assignment_statement")
                or statement.child_by_field_name("right") != values
                or len(values.named_children) != 1
            ):
                return None
            left = statement.child_by_field_name("left")
            taken = left.named_children[0] if left is not None and left.named_children else None
            binding = None
            if taken is not None:
                declares = statement.type == "short_var_declaration"
                binding = (analysis.types.declaration if declares else analysis.types.lookup)(taken)
            body = caller.child_by_field_name("body")
            if taken is None or binding is None or binding.kind != LOCAL or body is None:
                return None
            returned: list[Node] = []
            if _escapes(analysis, binding, body, returned):
                return None
            name = text(caller.child_by_field_name("name")) or "the caller"
            if returned:
                outer = key_of(caller)
                inner = self._result_dropped(outer, seen) if outer is not None else None
                if inner is None:
                    return None
                outside = outside or inner[0]
                notes.extend(n for n in inner[1] if n not in notes)
                continue
            notes.append(
                self.note(
                    path,
                    statement,
                    f"{binding.name} takes what {key[1]} returns, and {name} drops it",
                )
            )
        return outside, tuple(notes)

    # -- what the callers pass ---------------------------------------------------------------

    def called(self, piece: Piece) -> bool:
        """Whether the function whose parameter is `piece`'s source is called in the
        package."""
        binding = piece.source.param
        func = enclosing_function(binding.node) if binding and binding.node else None
        key = key_of(func) if func is not None else None
        return key is not None and bool(self.calls_to(key))

    def lift(self, source: Source) -> tuple[Source, tuple[Note, ...]] | None:
        """What the package's callers pass for the parameter `source` names: the nearest big
        source (or, failing one, the first known one) with the chain of calls."""
        binding = source.param
        if binding is None or binding.kind != PARAM or binding.node is None:
            return None
        func = enclosing_function(binding.node)
        key = key_of(func) if func is not None else None
        if key is None or func is None:
            return None
        names = param_names(func)
        if binding.name not in names:
            return None
        # (With `source.field`: what the callers put in that field of the parameter.)
        start = (key, names.index(binding.name), source.field)
        if start in self._lifted:
            return self._lifted[start]
        queue: deque[tuple[Key, int, str | None, tuple[Note, ...]]] = deque([(*start, ())])
        seen = {start}
        fallback: tuple[Source, tuple[Note, ...]] | None = None
        result = None
        # What a test passes says nothing of what the program passes.
        tests = self.declared().get(key, "").endswith("_test.go")
        while queue and result is None:
            callee, position, field, chain = queue.popleft()
            for path, call in self.calls_to(callee):
                if path.endswith("_test.go") and not tests:
                    continue
                analysis = self.analysis(path)
                args = _args(call)
                caller = _function_of(call)
                if analysis is None or position >= len(args) or caller is None:
                    continue
                if key_of(caller) == callee:
                    continue  # recursion: the same parameter
                arg = args[position]
                found = analysis.field_origin(arg, field) if field else analysis.origin(arg)
                if found is None or found.kind == sources.CONVERSION:
                    continue
                called = _flat(text(call.child_by_field_name("function")))
                if found.kind == sources.PARAM:
                    outer = found.param
                    outer_key = key_of(caller)
                    names = param_names(caller)
                    if outer is None or outer.kind != PARAM or outer_key is None:
                        continue
                    if outer.name not in names:
                        continue
                    node = (outer_key, names.index(outer.name), found.field)
                    if node not in seen:
                        seen.add(node)
                        note = self.note(
                            path,
                            call,
                            f"{called} is called here with {_flat(text(arg))}, "
                            f"from {outer.name}, a parameter of {outer_key[1]}",
                        )
                        queue.append((*node, (note, *chain)))
                    continue
                holds = {
                    sources.BUFFER: "a scratch buffer",
                    sources.VIEW: "a view of a reader's buffer",
                    sources.LINE: "a line read from a stream",
                }.get(found.kind, "read data")
                note = self.note(
                    path,
                    call,
                    f"{called} is called here with {_flat(text(arg))}, which holds {holds}",
                )
                lifted = replace(found, related=None, chain=())
                notes = (*_source_notes(self, path, found), note, *chain)
                size = sources.judge(found, _flat(text(arg)), True)
                if size.impact is Impact.GROWS:
                    result = (lifted, notes)
                    break
                fallback = fallback or (lifted, notes)
        answer = result or fallback
        self._lifted[start] = answer
        return answer


# Where the summaries live in `package_files.state(index)`: they refer back to the index
# (through their contexts), so they are dropped with the package's files by `detach`.
_STATE_KEY = "retention-summaries"


def _names_owner(sentence: str, name: str, kind: str) -> bool:
    """Whether a doc's sentence names the parameter `name` of type `kind` when that is an
    object the caller owns (a pointer or a value of a named type): the view is then into
    the caller's own buffer."""
    if not name or name == "_" or kind.startswith(("[]", "map[", "func", "chan")):
        return False
    if kind in ("string", "int", "int64", "uint64", "bool", "byte", "uint32", "int32", "error"):
        return False
    owner = receiver_type_name(kind).rsplit(".", 1)[-1]
    return bool(re.search(rf"\b(?:{re.escape(name)}|{re.escape(owner)})\b", sentence))


def _given_back(found: Returned) -> bool:
    """Whether `found` says a parameter is given back as it is (`return s`): a piece only when
    the argument is one."""
    return not found.piece and not found.levels and found.param is not None


def package_of(analysis: _Analysis) -> Package:
    """The package summaries shared by the files of `analysis`'s package."""
    shared = package_files.state(analysis.ctx.package)
    found = shared.get(_STATE_KEY)
    if not isinstance(found, Package):
        # (A package analysed again, its former summaries kept by the caller: see `_reuse`.)
        previous = package_files.previous(analysis.ctx.package).get(_STATE_KEY)
        found = Package(analysis.ctx, previous if isinstance(previous, Package) else None)
        shared[_STATE_KEY] = found
    found.bind(analysis)
    return found


def package_for(ctx: FileContext) -> Package | None:
    """The package summaries made for `ctx`'s package, if any were."""
    found = package_files.state(ctx.package).get(_STATE_KEY)
    return found if isinstance(found, Package) else None


def lifted_source(source: Source, found: Source, notes: tuple[Note, ...]) -> Source:
    """`source` (a parameter) judged as what a caller passes (`found`), named as before."""
    return replace(
        found,
        node=source.node,
        confidence=weaker(found.confidence, Confidence.MEDIUM),
        related=None,
        chain=(*notes, *source.chain),  # (the callers', then the steps here: a callback's)
        reader=None,  # (a place in another function, perhaps another file)
        field=source.field,  # (named `frag.Raw` still)
    )


def _source_notes(package: Package, path: str, found: Source) -> tuple[Note, ...]:
    out: list[Note] = []
    if found.related is not None:
        out.append((path, *found.related))
    out.extend(found.chain)
    return tuple(out)


def _on_receiver(analysis: _Analysis, place: Node) -> bool:
    """Whether a place (`c.items`, `c.byKey[k]`) is reached through the method's receiver."""
    root = place
    while root.type in ("selector_expression", "index_expression", "parenthesized_expression"):
        inner = root.child_by_field_name("operand") or (
            root.named_children[0] if root.named_children else None
        )
        if inner is None:
            break
        root = inner
    binding = analysis.types.lookup(root) if root.type == "identifier" else None
    return binding is not None and binding.kind == RECEIVER


def _made_here(
    analysis: _Analysis, binding: Binding, call: Node, caller: Node, returned: bool = False
) -> tuple[int, int, str] | None:
    """(start, end, note) when the local `binding` that `call` is made on (or passed) holds
    an object made fresh in `caller` (`p := New(...)`, `nc := conv{...}`, `var b buf`),
    which does not escape it (each use reads or writes a field or calls a method: never
    returned, stored, passed or sent whole, nor a field of it; with `returned`, it is
    returned, and only that), and `call` is not in a loop that the object outlives (one
    object fed many inputs)."""
    if binding.kind != LOCAL or binding.multi or binding.statement is None:
        return None
    value = unparen(binding.value) if binding.value is not None else None
    if value is None:
        if binding.statement.type not in ("var_declaration", "var_spec"):
            return None
        if binding.type is None or is_pointer(binding.type):
            return None
    elif not _is_fresh(value) or value.type == "nil" or _callee_name(value) == "make":
        return None
    statement = binding.statement
    loop = call.parent
    while loop is not None and loop != caller:
        if loop.type == "for_statement" and not (
            loop.start_byte <= statement.start_byte < loop.end_byte
        ):
            return None
        loop = loop.parent
    body = caller.child_by_field_name("body")
    given: list[Node] = []
    if body is None or _escapes(analysis, binding, body, given if returned else None, call):
        return None
    name = text(caller.child_by_field_name("name"))
    if returned:
        if not given:
            return None
        end = "returned to callers that drop it"
        return statement.start_byte, statement.end_byte, f"{binding.name} is made here, {end}"
    return (
        statement.start_byte,
        statement.end_byte,
        f"{binding.name} is made here, per call of {name}, and dropped when it returns",
    )


def _escapes(
    analysis: _Analysis,
    binding: Binding,
    body: Node,
    returned: list[Node] | None = None,
    call: Node | None = None,
) -> bool:
    """Whether a use of the local `binding` in `body` lets its object (or a field of it)
    outlive the function: the variable used whole (returned, assigned, passed, `&x`), a field
    returned, assigned, put in a literal or sent (unless it is a number or a boolean), or any
    use in a goroutine. With `returned`, the variable returned whole is collected there
    instead (the caller decides). Passed to `call` (`decodeMessage(&b)`, the call whose
    callee is asked about) is not an escape: what the callee does with it is that answer."""
    name = binding.name.encode()
    source = analysis.ctx.source
    start = binding.node.end_byte if binding.node is not None else body.start_byte
    pattern = re.compile(rb"(?<![\w.])" + re.escape(name) + rb"(?!\w)")
    for match in pattern.finditer(source, start, body.end_byte):
        use = body.descendant_for_byte_range(match.start(), match.end())
        if use is None or use.type != "identifier" or use.start_byte != match.start():
            continue
        found = analysis.types.lookup(use)
        if found is None or found.declared_at != binding.declared_at:
            continue
        node = use.parent
        while node is not None and node != body:
            if node.type == "go_statement":
                return True
            node = node.parent
        parent = use.parent
        if parent is None or parent.type != "selector_expression":
            if assigned_by(use) is not None:
                continue  # the variable set again
            arg = parent if parent is not None and parent.type == "unary_expression" else use
            if call is not None and arg.parent is not None and arg.parent.parent == call:
                continue  # (given to the call asked about)
            owner = parent.parent if parent is not None else None
            if (
                returned is not None
                and parent is not None
                and parent.type == "expression_list"
                and owner is not None
                and owner.type == "return_statement"
            ):
                returned.append(use)
                continue
            return True
        selector = parent
        while (
            selector.parent is not None
            and selector.parent.type == "selector_expression"
            and selector.parent.child_by_field_name("operand") == selector
        ):
            selector = selector.parent
        above = selector.parent
        if above is None:
            continue
        if above.type == "call_expression" and above.child_by_field_name("function") == selector:
            continue  # a method call
        under = analysis.types.underlying(analysis.types.type_of(selector))
        if under in NUMERIC_TYPES or under == "bool":
            continue  # (a number or a flag holds no memory of the object)
        if above.type in ("literal_element", "keyed_element", "send_statement"):
            return True
        if above.type == "expression_list":
            owner = above.parent
            if owner is None or owner.type == "return_statement":
                return True
            if owner.child_by_field_name("left") != above:
                return True  # a field read into another variable
    return False


def _appends(args: Node) -> bool:
    """Whether the argument list is the builtin append's (`append(x.items, p)`), or
    `slices.Insert`'s."""
    call = args.parent
    return call is not None and appends(call)


def _indexes_split(analysis: _Analysis, expr: Node) -> bool:
    """`parts[i]` where parts is (a local holding) the result of a splitting call, or an
    element of one that holds parts itself (`m[1]` of `for _, m := range
    re.FindAllStringSubmatch(s, -1)`)."""
    operand = expr.child_by_field_name("operand")
    operand = unparen(operand) if operand is not None else None
    element = False
    for _ in range(3):
        if operand is None or operand.type != "identifier":
            break
        binding = analysis.types.lookup(operand)
        if binding is None or not binding.value:
            return False
        if binding.kind == RANGE:
            if binding.index != 1 or element:
                return False
            element = True
        operand = unparen(binding.value)
    if operand is None or operand.type != "call_expression":
        return False
    if not element:
        return analysis._is_piece_call(operand) and isinstance(
            _SPLITTERS.get(_callee_name(operand), 1), int
        )
    levels = _split_levels_of(analysis, operand)
    return levels is not None and levels >= 2


def key_of(func: Node) -> Key | None:
    if func.type == "function_declaration":
        return ("", text(func.child_by_field_name("name")))
    if func.type == "method_declaration":
        receiver = func.child_by_field_name("receiver")
        decl = (
            receiver.named_children[0] if receiver is not None and receiver.named_children else None
        )
        type_node = decl.child_by_field_name("type") if decl is not None else None
        if type_node is None:
            return None
        return (receiver_type_name(text(type_node)), text(func.child_by_field_name("name")))
    return None


def param_names(func: Node) -> list[str]:
    params = func.child_by_field_name("parameters")
    if params is None:
        return []
    return [
        text(ident)
        for decl in params.named_children
        if decl.type in ("parameter_declaration", "variadic_parameter_declaration")
        for ident in decl.children_by_field_name("name")
    ]


def result_names(func: Node) -> list[Node]:
    """The identifiers of `func`'s named results, in order (none when they are unnamed)."""
    result = func.child_by_field_name("result")
    if result is None or result.type != "parameter_list":
        return []
    return [
        ident
        for decl in result.named_children
        if decl.type == "parameter_declaration"
        for ident in decl.children_by_field_name("name")
    ]


def _valued_receiver(func: Node | None, binding: Binding) -> bool:
    """Whether `binding` is the receiver of the method `func`, a value of a named string or
    slice type (`func (p Pairs) ForEach(...)` of `type Pairs string`), not a pointer."""
    if func is None or func.type != "method_declaration":
        return False
    receiver = func.child_by_field_name("receiver")
    if binding.node is None or receiver is None or not within(binding.node, receiver):
        return False
    return binding.type is not None and not binding.type.startswith("*")


def _receiver_field(analysis: _Analysis, func: Node, expr: Node) -> str | None:
    """The field of `func`'s receiver that `expr` is (a piece of), through locals and cuts
    (`rec` of `rec := r.buf[r.off : r.off+n]`: "buf"), else None."""
    selector = _cut_selector(analysis, expr)
    if selector is None or func.type != "method_declaration":
        return None
    operand = selector.child_by_field_name("operand")
    if operand is None or operand.type != "identifier":
        return None
    binding = analysis.types.lookup(operand)
    if binding is None or binding.kind != RECEIVER:
        return None
    return text(selector.child_by_field_name("field"))


def _cut_selector(analysis: _Analysis, expr: Node, depth: int = 0) -> Node | None:
    """The field selector (`r.buf`, `b.db.data`) that `expr` is, or is a piece of, through
    locals, range variables, cuts and trims (`rec := r.buf[r.off : r.off+n]`), else None."""
    expr = unparen(expr)
    if depth > 8:
        return None
    if expr.type == "slice_expression":
        operand = expr.child_by_field_name("operand")
        return _cut_selector(analysis, operand, depth + 1) if operand else None
    if expr.type == "identifier":
        binding = analysis.types.lookup(expr)
        func = _function_of(expr)
        if binding is not None and _declared_empty(binding) and func is not None:
            # `var row string; row, rest, _ = strings.Cut(rest, "\n")`: what it is cut from.
            cut = _set_to(analysis, func, binding.name)
            return _cut_selector(analysis, cut[1], depth + 1) if cut is not None else None
        if binding is None or binding.value is None:
            return None
        if binding.kind == RANGE and binding.index == 1:
            # `for _, f := range strings.Fields(a.line)`: a part of what is ranged over.
            return _cut_selector(analysis, binding.value, depth + 1)
        value = unparen(binding.value)
        if binding.kind != LOCAL or (binding.multi and not analysis._is_piece_call(value)):
            return None  # (`k, v, ok := strings.Cut(f, "=")`: pieces of f)
        return _cut_selector(analysis, value, depth + 1)
    if expr.type == "call_expression" and analysis._is_piece_call(expr):
        args = _args(expr)
        return _cut_selector(analysis, args[0], depth + 1) if args else None
    return expr if expr.type == "selector_expression" else None


def _field_value(analysis: _Analysis, name: Node, type_name: str) -> Node | None:
    """The value the field name `name` is set to, when it is one of the type `type_name`:
    a keyed element of a literal of the type (`&Tx{img: v}`), or the left of an assignment
    through a value of the type (`db.img = v`, `db.img, err = read()` of one call: the call)."""
    parent = name.parent
    if parent is not None and parent.type == "literal_element":
        element = parent.parent
        literal = element.parent.parent if element is not None and element.parent else None
        if element is None or element.type != "keyed_element" or literal is None:
            return None
        if literal.type != "composite_literal":
            return None
        kind = literal.child_by_field_name("type")
        if kind is None or receiver_type_name(text(kind)) != type_name:
            return None
        keyed = keyed_value(element)
        key = next((c for c in element.named_children if c.type != "comment"), None)
        return keyed[1] if keyed is not None and key == parent else None
    if (
        parent is None
        or parent.type != "selector_expression"
        or parent.child_by_field_name("field") != name
    ):
        return None
    operand = parent.child_by_field_name("operand")
    held = analysis.types.type_of(operand) if operand is not None else None
    if not held or receiver_type_name(held) != type_name:
        return None
    lefts = parent.parent
    statement = lefts.parent if lefts is not None else None
    if lefts is None or statement is None or lefts.type != "expression_list":
        return None
    if statement.type != "assignment_statement" or statement.child_by_field_name("left") != lefts:
        return None
    values = _list_items(statement.child_by_field_name("right"))
    targets = _list_items(lefts)
    if len(values) == len(targets):
        return values[targets.index(parent)] if parent in targets else None
    return values[0] if len(values) == 1 else None


def receiver_made_with(analysis: _Analysis, call: Node, field: str) -> tuple[Node, bool] | None:
    """The value the local receiver of the method `call` calls was made with for `field`
    (`lx.next()` of `lx := &lexer{src: string(data)}`: `string(data)`), and whether the
    receiver holds a copy of it (a conversion, here or in the constructor: `p :=
    newParser(body)` of `return &parser{buf: string(body)}` gives `body`, copied), else
    None."""
    found = sources.method_receiver(analysis.types, call)
    binding = found[1] if found is not None else None
    if binding is None or binding.kind != LOCAL or binding.value is None:
        return None
    made = unparen(binding.value)
    if made.type == "unary_expression" and text(made).startswith("&"):
        made = unparen(made.child_by_field_name("operand") or made)
    if made.type == "call_expression":
        return _constructed_with(analysis, made, field)  # `it := NewIterator(block)`
    if made.type != "composite_literal":
        return None
    body = made.child_by_field_name("body")
    for element in body.named_children if body is not None else ():
        keyed = keyed_value(element)
        if keyed is not None and keyed[0] == field:
            inner = keyed[1]
            return inner, _conversion_operand(analysis, unparen(inner)) is not None
    return None


def _constructed_with(analysis: _Analysis, call: Node, field: str) -> tuple[Node, bool] | None:
    """The argument of the constructor `call` (`NewIterator(block)`) that it puts in the
    field `field` of the literal it returns (`return &Iterator{block: block}`), and whether
    it puts a conversion of it there (`buf: string(body)`: a copy), or is passed one, else
    None."""
    pkg = analysis.pkg
    key = pkg.callee(analysis, call)
    decl = pkg.decl(key) if key is not None else None
    body = decl[1].child_by_field_name("body") if decl is not None else None
    if decl is None or body is None:
        return None
    path, func = decl
    params = param_names(func)
    for value in pkg._returned_values(path, func, body):
        literal = _new_literal(value)
        body_ = literal.child_by_field_name("body") if literal is not None else None
        for element in body_.named_children if body_ is not None else ():
            keyed = keyed_value(element)
            if keyed is None or keyed[0] != field:
                continue
            value = unparen(keyed[1])
            into = pkg.analysis(path)
            operand = _conversion_operand(into, value) if into is not None else None
            name = _flat(text(operand if operand is not None else value))
            args = _args(call)
            if name in params and params.index(name) < len(args):
                # (Or converted where it is passed: `newTextParser(string(body))`.)
                arg = args[params.index(name)]
                passed = _conversion_operand(analysis, unparen(arg)) is not None
                return arg, operand is not None or passed
    return None


def _builtin_append(analysis: _Analysis, expr: Node) -> bool:
    """Whether `expr` is a call of the builtin `append`."""
    func = expr.child_by_field_name("function") if expr.type == "call_expression" else None
    return (
        func is not None
        and func.type == "identifier"
        and text(func) == "append"
        and analysis.types.lookup(func) is None
    )


def _whole_part(analysis: _Analysis, arg: Node) -> bool:
    """Whether `arg` is one of the parts of a split as it is (`line` of `for _, line := range
    strings.Split(text, "\n")`): kept whole, the parts waste nothing of the text."""
    binding = analysis.types.lookup(arg) if arg.type == "identifier" else None
    if binding is None or binding.kind != RANGE or binding.value is None or binding.index != 1:
        return False
    value = unparen(binding.value)
    return value.type == "call_expression" and _callee_name(value) in _SPLITTERS


def _calls_of(body: Node, name: str) -> list[Node]:
    """The calls of the function named `name` in `body` (`name(...)`), nested ones included."""
    found = []
    stack = [body]
    while stack:
        node = stack.pop()
        if node.type == "call_expression":
            func = node.child_by_field_name("function")
            if func is not None and func.type == "identifier" and text(func) == name:
                found.append(node)
        stack.extend(reversed(node.named_children))
    return found


def _returner(node: Node) -> str:
    """The name of the top-level function returning `node`, for the chain's notes."""
    func = _function_of(node)
    return text(func.child_by_field_name("name")) if func is not None else "the helper"


def _function_of(node: Node) -> Node | None:
    """The top-level function or method declaring `node` (function literals included)."""
    parent = node.parent
    while parent is not None and parent.type not in ("function_declaration", "method_declaration"):
        parent = parent.parent
    return parent


# The end of a function header whose first result is a string, a slice or a map: `) string
# {`, `) ([]byte, error) {`, `) (name string, err error) {`, `) (map[string]string, error) {`.
_TYPED_HEADER = re.compile(
    rb"\)[ \t]*\(?[ \t]*(?:[A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*[ \t]+)?"
    rb"(?:string|\[\]|map\[)[^\n{]*\{"
)
# `rec.Data = ...`: a field of a variable set (the variable's name).
_FIELD_SET = re.compile(rb"(?<![\w.])([A-Za-z_]\w*)\.\w+[ \t]*=[^=]")
# `r.Key, b, err = readBytes(b)`: a field set to one of a call's results (the callee's name).
_FIELD_RESULT = re.compile(rb"\w\.\w+[ \t]*,[^=\n]*[^:!<>=]=[ \t]*(\w+)\(")
_FIELD_CALL = re.compile(rb"(?:\w:|\w\.\w+[ \t]*=)[ \t]*(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*)\(")
_LATER_HEADER = re.compile(rb"\)[ \t]*\([^()\n{]*,[^()\n{]*(?:\bstring\b|\[\])[^\n{]*\{")
_RECORD_HEADER = re.compile(
    rb"\)[ \t]*\(?[ \t]*(?:[A-Za-z_]\w*[ \t]+)?\*?([A-Za-z_]\w*)[ \t]*(?:,[^\n{]*)?\)?[ \t]*\{"
)
_DECLARATIONS = ("function_declaration", "method_declaration")
# A result list with a string or a slice after a comma (`(id int64, content string, ok
# bool)`): a piece may come later than the first result.
_LATER_RESULT = re.compile(rb"^\([^()]*,[^()]*(?:\bstring\b|\[\])")


def _later_typed(func: Node, index: int) -> bool:
    """Whether the function's result at `index` is a string or a slice."""
    results = signature_of(func).result_types
    if index >= len(results):
        return False
    kind = results[index]
    return kind == "string" or kind.startswith("[]")


# The returned values `_returned_value` looks at; any other is not a piece.
_RETURNED_SHAPES = frozenset(
    {
        "slice_expression",
        "call_expression",
        "index_expression",
        "identifier",
        "type_conversion_expression",
        "composite_literal",
        "unary_expression",
    }
)
# The position `_result_dropped` marks in `seen`: the function's result.
_RESULT_POSITION = -2
# A result list starting with a named type, perhaps a pointer (`(rec, error)`, `*Rule`).
_RECORD_RESULT = re.compile(rb"\(?\s*(?:[A-Za-z_]\w*\s+)?\*?([A-Za-z_]\w*)\s*(?:[,)]|$)")


def _cut_of(analysis: _Analysis, node: Node, depth: int = 0) -> Node | None:
    """The cut a piece is a part of: the split or `Cut` call (`f[1]` of `f :=
    strings.Fields(line)`, `v` of `name, v, _ := strings.Cut(val, ":")`), the operand of a
    prefix or rest (`line[:i]`, `line[i+1:]`), through locals and trims; None when unknown."""
    node = unparen(node)
    if depth > 4:
        return None
    if node.type == "identifier":
        binding = analysis.types.lookup(node)
        if binding is None or binding.kind != LOCAL or binding.value is None:
            return None
        if binding.multi:
            return unparen(binding.value)
        return _cut_of(analysis, binding.value, depth + 1)
    if node.type == "index_expression":
        operand = node.child_by_field_name("operand")
        return _cut_of(analysis, operand, depth + 1) if operand is not None else None
    if node.type == "slice_expression":
        operand = node.child_by_field_name("operand")
        return unparen(operand) if operand is not None else None
    if node.type == "call_expression":
        if analysis._is_piece_call(node) and _callee_name(node) not in _SPLITTERS:
            args = _args(node)
            return _cut_of(analysis, args[0], depth + 1) if args else None  # (a trim)
        return node
    return None


def _window(analysis: _Analysis, node: Node, depth: int = 0) -> bool:
    """Whether `node` is a window of the text (`raw[a:b]`, `partitions._window`), or a
    local set to one (`match := raw[a:b]`)."""
    node = unparen(node)
    if node.type == "slice_expression":
        return partitions._window(node)
    if node.type != "identifier" or depth > 3:
        return False
    binding = analysis.types.lookup(node)
    if binding is None or binding.kind != LOCAL or binding.value is None or binding.multi:
        return False
    return _window(analysis, binding.value, depth + 1)


def _cut_back(analysis: _Analysis, node: Node) -> Iterator[Node]:
    """`node`, then what it was cut from, step by step: through locals and range variables
    to their values, an index to what it indexes, a trim or a `Cut` to its argument (`name`
    of `name := m[1]`, `m`, the `FindAllStringSubmatch` it ranges over, ...), up to eight
    (`name, err := url.PathUnescape(strings.TrimSuffix(href, "/"))` of `href := m[1]`)."""
    for _ in range(8):
        node = unparen(node)
        yield node
        if node.type == "index_expression":
            following = node.child_by_field_name("operand")
        elif node.type == "call_expression":
            name = _callee_name(node)
            args = _args(node)
            cuts = analysis._is_piece_call(node) and name not in _REGEXP
            cuts = cuts and (name not in _SPLITTERS or name in _PIECE_RESULTS)
            following = args[0] if cuts and args else None
        elif node.type == "identifier":
            binding = analysis.types.lookup(node)
            kept = binding is not None and binding.kind in (LOCAL, RANGE)
            following = binding.value if kept and binding is not None else None
        else:
            following = None
        if following is None:
            return
        node = following


def _pattern_pick(analysis: _Analysis, node: Node) -> bool:
    """Whether `node` is what a regular expression picked out of a text (`m[1]` of each
    match of `hrefRe.FindAllStringSubmatch(body, -1)`), through locals, range variables and
    trims: the text around the matches goes, so records of such picks are no partition."""
    return any(
        n.type == "call_expression" and _callee_name(n) in _REGEXP and analysis._is_piece_call(n)
        for n in _cut_back(analysis, node)
    )


def picked_field(analysis: _Analysis, node: Node) -> bool:
    """Whether `node` is one field picked out of a split (`fields[1]`, a range variable over
    `f[1:]`), or a piece cut from one (`addr` of `strings.Cut(fields[1], "@")`), through
    locals and trims: the other fields go, so it is a small share of the text, not one of
    all its parts."""
    return any(_picks_from_split(analysis, n) for n in _cut_back(analysis, node))


def _picks_from_split(analysis: _Analysis, node: Node) -> bool:
    """`f[1]` of a split, or `f[1:]` of a local holding one (not all of it)."""
    if node.type == "index_expression":
        return _indexes_split(analysis, node)
    operand = node.child_by_field_name("operand") if node.type == "slice_expression" else None
    if operand is None or _is_whole(node) or unparen(operand).type != "identifier":
        return False
    return _held_cut(analysis, unparen(operand)) == 1  # (`f[1:]` of `f := strings.Fields(l)`)


def _looked_up_case(value: Node) -> bool:
    """Whether `value` is set in a case of a switch in a loop that picks a line by a test of
    its text (`case strings.HasPrefix(line, "# Digest: "): rec.Digest = ...`): the field a
    parser looks up among the lines, the others going, as for fields left out. (Not a
    switch over tokens, `case "login": l.login = f[i+1]`: the tokens kept are the text's
    worth, a netrc's.)"""
    node = value.parent
    case = False
    while node is not None and node.type not in FUNCTION_NODES:
        if node.type == "expression_case":
            tested = node.child_by_field_name("value")
            case = case or _CASE_TEST.search(tested.text or b"" if tested else b"") is not None
        elif node.type == "for_statement":
            return case
        node = node.parent
    return False


# A case that picks a line by its text (`case strings.HasPrefix(line, "# Digest: "):`).
_CASE_TEST = re.compile(rb"\.(?:HasPrefix|HasSuffix|Contains|CutPrefix)\(")


def _is_record(analysis: _Analysis, under: str | None) -> bool:
    """Whether an underlying type is a struct of the package, or a pointer to one."""
    if under is None or under == "struct":
        return under == "struct"
    return analysis.types.underlying(under.removeprefix("*")) == "struct"


def _is_new(call: Node) -> bool:
    """`new(T)`: a new zero value, as a literal with no fields set."""
    func = call.child_by_field_name("function")
    return func is not None and func.type == "identifier" and text(func) == "new"


def _new_literal(expr: Node) -> Node | None:
    """The composite literal `expr` is, or takes the address of (`T{...}`, `&T{...}`)."""
    expr = unparen(expr)
    if expr.type == "unary_expression" and text(expr).startswith("&"):
        operand = expr.child_by_field_name("operand")
        expr = unparen(operand) if operand is not None else expr
    return expr if expr.type == "composite_literal" else None


def _is_cut(analysis: _Analysis, node: Node | None, depth: int = 0) -> bool:
    """Whether `node` is a cut of something, not a whole value: `p[i:j]`, `f[0]` of a
    split, a local declared with one, or a trim of one."""
    if node is None or depth > 3:
        return False
    node = unparen(node)
    if node.type == "slice_expression":
        if _is_whole(node) or _is_reset(node):
            return False
        # (Nearly all of a part is still a cut of the whole: `line[len("a=ice-ufrag:"):]`
        # of a line of a split text.)
        operand = node.child_by_field_name("operand")
        return not analysis._wastes_little(node) or _is_cut(analysis, operand, depth + 1)
    if node.type == "identifier":
        return _held_cut(analysis, node, depth) == 0
    if node.type == "index_expression":
        return _indexes_split(analysis, node)
    if node.type == "selector_expression":
        field = node.child_by_field_name("field")  # (`u.Host` of a URL parsed from a piece)
        return (
            field is not None and analysis._url_part(field.start_byte, field.end_byte) is not None
        )
    if node.type == "call_expression" and analysis._is_piece_call(node):
        name = _callee_name(node)
        if name in _SPLITTERS or name in _REGEXP:
            return False  # (its result holds parts: judged by levels)
        args = _args(node)
        return bool(args) and _is_cut(analysis, args[0], depth + 1)
    return False


def _held_cut(analysis: _Analysis, ident: Node, depth: int = 0) -> int | None:
    """The levels of the piece the local `ident` was declared with when that was cut from
    something (`id, _, _ := strings.Cut(line, sep)` or `rest := line[i:]`: 0; `f :=
    strings.Fields(line)`: 1; through other locals), or None when it holds a value as it is
    or trimmed (`s := strings.TrimSpace(p)`)."""
    binding = analysis.types.lookup(ident)
    if depth > 3 or binding is None:
        return None
    if binding.kind == RESULT or _declared_empty(binding):
        # A named result, or a local declared without a value (`var pin []byte`): cut when
        # one of its assignments is (`token = strings.Trim(v, " ")`, `pin = line[2:]`).
        func = _function_of(ident)
        cut = _cut_in_place(analysis, func, binding.name, depth + 1) if func is not None else None
        return 0 if cut else None
    if binding.kind == RANGE and binding.index == 1 and binding.value is not None:
        # The parts a loop ranges over: `for _, line := range strings.Split(text, "\n")`.
        over = unparen(binding.value)
        if over.type == "identifier":
            return 0 if _held_cut(analysis, over, depth + 1) == 1 else None
        return 0 if _split_levels_of(analysis, over) == 1 else None
    if binding.kind != LOCAL or binding.value is None:
        return None
    value = unparen(binding.value)
    if value.type == "slice_expression":
        whole = _is_whole(value) or _is_reset(value) or analysis._wastes_little(value)
        return None if whole else 0
    if value.type == "call_expression" and analysis._is_piece_call(value):
        split = _split_levels_of(analysis, value)
        if split is None:
            # A trim (`v, ok := strings.CutPrefix(line, "ID:")`): a cut when its input is.
            args = _args(value)
            return 0 if args and _is_cut(analysis, args[0], depth + 1) else None
        if binding.multi and split != 0:
            return None
        return split
    if value.type == "call_expression" and value.child_by_field_name("function") is not None:
        # `key, rest, err := lengthPrefixed(buf)`: a helper of the package cutting its
        # argument (`return b[k : k+n], b[k+n:], nil`).
        package = package_of(analysis)
        key = package.callee(analysis, value)
        found = package.returned(key, binding.index if binding.multi else 0) if key else None
        if found is not None and found.piece and found.param is not None and not found.fields:
            return found.levels
    if binding.multi:
        return None
    if value.type == "index_expression" and _indexes_split(analysis, value):
        return 0
    if value.type == "identifier":
        held = _held_cut(analysis, value, depth + 1)
        if held is None:
            # `line := save` then `line, save = save[:i], save[i+1:]`: a cursor's line, a
            # cut when some assignment cuts it.
            func = _function_of(ident)
            if func is not None and _cut_in_place(analysis, func, binding.name, depth + 1):
                return 0
        return held
    return None


def _read_whole(source: Source | None) -> bool:
    """Whether `source` is data read whole or a buffer made for reads (not a line of a
    stream, a view, or a conversion of something of unknown size)."""
    return source is not None and source.kind in (sources.READ, sources.BUFFER)


def _split_levels_of(analysis: _Analysis, call: Node) -> int | None:
    """The levels of a splitting call's result (`strings.Split`: 1, `strings.Cut`: 0), or
    None for any other call."""
    if call.type != "call_expression" or not analysis._is_piece_call(call):
        return None
    name = _callee_name(call)
    split = _SPLITTERS.get(name, _REGEXP.get(name, ("", None))[1])
    return split if isinstance(split, int) else None


def _declared_empty(binding: Binding) -> bool:
    """A local declared without a value (`var pin []byte`): what it holds is what it is
    assigned later."""
    return binding.kind == LOCAL and binding.value is None and not binding.multi


def _cut_in_place(analysis: _Analysis, func: Node, name: str, depth: int = 0) -> bool | None:
    """How a function sets `name` (a parameter or named result) again: True when some
    assignment is a cut (`u = u[i+3:]`, `token = strings.Trim(v, " ")` of a cut `v`),
    False when only trims, None when none is either."""
    found = _set_to(analysis, func, name, depth)
    return None if found is None else found[0]


def _found_apart(analysis: _Analysis, func: Node, expr: Node) -> bool:
    """Whether the returned `expr` is a named result (or a local declared empty) that the
    function sets where it finds it, in a loop or a branch of a switch (`case
    strings.HasPrefix(line, "a=ice-ufrag:"): ufrag = line[12:]`): a token looked up, not a
    part cut next to the others."""
    if expr.type != "identifier":
        return False
    binding = analysis.types.lookup(expr)
    if binding is None or not (binding.kind == RESULT or _declared_empty(binding)):
        return False
    cut = _set_to(analysis, func, binding.name)
    node = cut[1] if cut is not None else None
    while node is not None and node != func:
        if node.type in ("for_statement", "expression_case", "type_case", "communication_case"):
            return True
        node = node.parent
    return False


def _element_set(func: Node, name: str) -> Node | None:
    """The value of the one assignment setting an element of the local `name` where it is,
    in a loop over it (`cols[i] = strings.TrimSpace(unquote(c))` in `for i, c := range
    cols`), else None."""
    body = func.child_by_field_name("body")
    source = body.text if body is not None else None
    if body is None or not source:
        return None
    pattern = re.compile(rb"(?<![\w.])" + re.escape(name.encode()) + rb"\[(\w+)\]\s*=[^=]")
    found = None
    for match in pattern.finditer(source):
        at = body.start_byte + match.start()
        node = body.descendant_for_byte_range(at, at + len(name))
        while node is not None and node.type != "assignment_statement":
            node = node.parent if node.type != "block" else None
        rights = _list_items(node.child_by_field_name("right")) if node is not None else []
        if node is None or len(rights) != 1 or found is not None:
            return None
        # (Each element in turn: the index is the key of a range over it.)
        loop = node.parent
        while loop is not None and loop.type in ("statement_list", "block"):
            loop = loop.parent
        clause = loop.named_children[0] if loop is not None and loop.named_children else None
        if (
            loop is None
            or loop.type != "for_statement"
            or clause is None
            or clause.type != "range_clause"
            or text(clause.child_by_field_name("right")) != name
            or not text(clause.child_by_field_name("left")).startswith(match.group(1).decode())
        ):
            return None
        found = unparen(rights[0])
    return found


def _set_to(analysis: _Analysis, func: Node, name: str, depth: int = 0) -> tuple[bool, Node] | None:
    """(whether it is a cut, the value) of the first assignment of `name` in `func` that
    cuts, else of the last that trims, else None. (`depth`: how deep `_is_cut` already is;
    `name = strings.TrimSpace(name)` asks about `name` again.)"""
    body = func.child_by_field_name("body")
    if body is None:
        return None
    source = analysis.ctx.source
    found: tuple[bool, Node] | None = None
    for at in sources.assigned_offsets(source, name.encode(), body.start_byte, body.end_byte):
        ident = body.descendant_for_byte_range(at, at + len(name))
        lefts = ident.parent if ident is not None else None
        owner = lefts.parent if lefts is not None else None
        if owner is None or owner.type != "assignment_statement":
            continue
        left = [c for c in lefts.named_children if c.type != "comment"]
        right_node = owner.child_by_field_name("right")
        rights = [c for c in right_node.named_children if c.type != "comment"] if right_node else []
        if ident not in left:
            continue
        if len(rights) == 1 and len(left) > 1:
            # `line, rest, _ = strings.Cut(rest, "\n")`: a part of a cut.
            call = unparen(rights[0])
            name_ = _callee_name(call) if call.type == "call_expression" else ""
            if left.index(ident) in _PIECE_RESULTS.get(name_, ()) and analysis._is_piece_call(call):
                return True, call
            continue
        if len(left) != len(rights):
            continue
        value = unparen(rights[left.index(ident)])
        if _is_cut(analysis, value, depth):
            return True, value
        if value.type == "call_expression" and analysis._is_piece_call(value):
            found = (False, value)
        elif value.type == "slice_expression" and _self_cut(value, name):
            found = (False, value)  # `s = s[1:]` (skipping a space): a trim
    return found


def _made_each_call(code: bytes, place: bytes) -> bool:
    """Whether the function text `code` makes the buffer `place` (escaped for a pattern) anew
    at its top level (`r.rec = make(...)`), at every call: a view of it stays valid."""
    return re.search(rb"(?m)^\t" + place + rb"\s*=\s*make\(", code) is not None


def _self_cut(value: Node, name: str) -> bool:
    """Whether `value` cuts the variable `name` itself (`s[1:]`, `s[i:]`)."""
    operand = value.child_by_field_name("operand")
    return operand is not None and operand.type == "identifier" and text(operand) == name


def _assigned_once(analysis: _Analysis, func: Node, name: str) -> Node | None:
    """The value of the only plain assignment to `name` in `func` (`name = v`), or None."""
    found = _assigned_values(analysis, func, name)
    return found[0] if found is not None and len(found) == 1 else None


def _holds_param(analysis: _Analysis, func: Node | None, expr: Node, param: str) -> bool:
    """Whether the local `expr` holds the parameter `param` nearly whole: each value it is
    set to is the parameter, a trim of it or a cut of it, or of a local that holds it so
    (`obj := bytes.TrimSpace(rest[len(key):])` of `rest := line[len(prefix):]`; a reader's
    view given back still changes at the next read)."""
    if func is None or expr.type != "identifier":
        return False
    return _cut_from(analysis, func, expr, param, set())


def _cut_in_place_only(analysis: _Analysis, func: Node, param: str) -> bool:
    """Whether each assignment to the parameter `param` in `func` sets it to a cut or a
    trim of itself (`pattern = pattern[1:]`): it still holds a piece of what was passed."""
    values = _assigned_values(analysis, func, param)
    return bool(values) and all(_cut_from(analysis, func, v, param, {param}) for v in values or ())


def _cut_from(analysis: _Analysis, func: Node, node: Node, param: str, seen: set[str]) -> bool:
    """Whether `node` is the parameter `param`, or a cut or a trim of it, through locals
    that hold it so (`seen`: the locals met on the way, which hold what they held before)."""
    family = (
        STRING if analysis.types.underlying(analysis.types.type_of(node)) == "string" else SLICE
    )
    depth = len(seen)
    node = unparen(node)
    for _ in range(8):
        if node.type == "slice_expression":
            node = unparen(node.child_by_field_name("operand") or node)
        elif node.type == "call_expression" and analysis._transparent(node, family) and _args(node):
            node = unparen(_args(node)[0])
        else:
            break
    if node.type != "identifier":
        return False
    name = text(node)
    if name == param or name in seen:
        return True  # (`rest = rest[i+1:]`: what it held before)
    binding = analysis.types.lookup(node)
    if binding is None or binding.kind != LOCAL or binding.multi or depth > 6:
        return False
    values = _assigned_values(analysis, func, name)
    inner = seen | {name}
    return bool(values) and all(_cut_from(analysis, func, v, param, inner) for v in values or ())


def _assigned_values(analysis: _Analysis, func: Node, name: str) -> list[Node] | None:
    """The values of the plain assignments to `name` in `func` (`name = v`, `name := v`),
    or None when one is not plain (`name += v`, `a, name = f()`)."""
    body = func.child_by_field_name("body")
    if body is None:
        return None
    found = []
    source = analysis.ctx.source
    for at in sources.assigned_offsets(source, name.encode(), body.start_byte, body.end_byte):
        ident = body.descendant_for_byte_range(at, at + len(name))
        lefts = ident.parent if ident is not None else None
        owner = lefts.parent if lefts is not None else None
        if owner is None or owner.type not in ("assignment_statement", "short_var_declaration"):
            return None
        right = owner.child_by_field_name("right")
        left = [c for c in lefts.named_children if c.type != "comment"]
        rights = [c for c in right.named_children if c.type != "comment"] if right else []
        plain = owner.type == "short_var_declaration" or (
            text(owner.child_by_field_name("operator")) == "="
        )
        if not plain or len(left) != len(rights) or ident not in left:
            return None
        found.append(unparen(rights[left.index(ident)]))
    return found


def _local_collection(analysis: _Analysis, lhs: Node) -> Node | None:
    """The local map or slice an element is set in (`m` of `m[k] = v`), else None."""
    lhs = unparen(lhs)
    if lhs.type != "index_expression":
        return None
    operand = unparen(lhs.child_by_field_name("operand") or lhs)
    binding = analysis.types.lookup(operand) if operand.type == "identifier" else None
    if binding is None or binding.kind != LOCAL:
        return None
    return operand


def _rooted_at(place: str, name: str) -> bool:
    """Whether the place `place` (`lib.Units`, `*p.items`) hangs off the variable `name`."""
    found = re.match(r"[*&(\s]*([A-Za-z_]\w*)\s*[.\[]", place)
    return found is not None and found.group(1) == name


def _declared_local(value: Node) -> Node | None:
    """The local `value` initialises (`d := value`, `var d = value`), or sets (`d = value`,
    of `d := m[k]` missing), or None."""
    values = value.parent
    owner = values.parent if values is not None else None
    if values is None or owner is None or values.type != "expression_list":
        return None
    assigns = (
        owner.type == "assignment_statement" and text(owner.child_by_field_name("operator")) == "="
    )
    if (owner.type == "short_var_declaration" or assigns) and owner.child_by_field_name(
        "right"
    ) == values:
        left = owner.child_by_field_name("left")
        lefts = [c for c in left.named_children if c.type != "comment"] if left else []
        if any(c.type != "identifier" for c in lefts):
            return None
    elif owner.type == "var_spec" and owner.child_by_field_name("value") == values:
        lefts = owner.children_by_field_name("name")
    else:
        return None
    rights = [c for c in values.named_children if c.type != "comment"]
    if len(rights) != len(lefts) or value not in rights:
        return None
    return lefts[rights.index(value)]


def _typed_declarations(
    source: bytes, tree: Tree, records: frozenset[bytes] = frozenset()
) -> list[Node]:
    """The top-level functions and methods that may return a string, a slice or one of the
    package's structs (`records`) first, found by their headers' text (without visiting
    every declaration of the file)."""
    out = []
    root = tree.root_node
    starts = [m.start() for m in _TYPED_HEADER.finditer(source)]
    later = [m.start() for m in _LATER_HEADER.finditer(source)]
    if later:
        starts = sorted({*starts, *later})
    if records:
        starts.extend(m.start() for m in _RECORD_HEADER.finditer(source) if m.group(1) in records)
        starts.sort()
    for start in starts:
        node = root.descendant_for_byte_range(start, start + 1)
        while node is not None and node.type not in _DECLARATIONS:
            if node.type in ("block", "source_file"):
                node = None
                break
            node = node.parent
        if node is not None and (not out or out[-1] != node):
            out.append(node)
    return out


def _conversion_operand(analysis: _Analysis, expr: Node) -> Node | None:
    """The operand of a conversion (`string(b)`, `[]byte(s)`, `Name(s)`), else None."""
    if expr.type == "type_conversion_expression":
        return expr.child_by_field_name("operand")
    if expr.type != "call_expression":
        return None
    func = expr.child_by_field_name("function")
    args = _args(expr)
    if func is None or len(args) != 1:
        return None
    if func.type in ("slice_type", "parenthesized_expression"):
        return args[0]
    if func.type == "identifier":
        binding = analysis.types.lookup(func)
        if (binding is None and text(func) == "string") or (
            binding is not None and binding.kind == TYPE
        ):
            return args[0]
    return None


def _reassigned(source: bytes, body: Node, name: str) -> bool:
    """Whether a body assigns or redeclares `name` (`p = bytes.Clone(p)`, `p, err := ...`)."""
    found = assigned_offsets(source, name.encode(), body.start_byte, body.end_byte)
    return next(found, None) is not None


def _single_assignments(body: Node) -> list[tuple[Node, Node]]:
    """(left, right) of each `a = b` of a function body with one value on each side."""
    out = []
    for node in captures("(assignment_statement) @a", body).get("a", []):
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None or left.named_child_count != 1:
            continue
        if right.named_child_count == 1:
            out.append((left.named_children[0], right.named_children[0]))
    return out


def _field_sets(body: Node, name: str) -> list[tuple[str, Node]]:
    """(field, value) of each `name.field = value` in a function body, and of each
    `name.field[k] = value` (an element of a collection the field holds: `m.Headers[k] =
    strings.TrimSpace(v)`, the field then holds pieces)."""
    out = []
    for target, value in _single_assignments(body):
        if target.type == "index_expression":
            target = target.child_by_field_name("operand") or target
        operand = target.child_by_field_name("operand")
        if target.type == "selector_expression" and operand is not None and text(operand) == name:
            out.append((text(target.child_by_field_name("field")), value))
    return out


def _field_results(body: Node, name: str) -> list[tuple[str, Node, int]]:
    """(field, call, position) of each `name.field, ... = call(...)` in a function body (a
    field set to one of several results: `r.Key, b, err = readBytes(b)`)."""
    out = []
    for node in captures("(assignment_statement) @a", body).get("a", []):
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None or left.named_child_count < 2:
            continue
        if right.named_child_count != 1 or right.named_children[0].type != "call_expression":
            continue
        for i, target in enumerate(left.named_children):
            operand = target.child_by_field_name("operand")
            if target.type != "selector_expression" or operand is None or text(operand) != name:
                continue
            out.append((text(target.child_by_field_name("field")), right.named_children[0], i))
    return out


def _element_pointers(body: Node, name: str) -> list[str]:
    """The variables set to the address of an element of `name` in a function body (`cur =
    &out[len(out)-1]`, `e := &out[i]`)."""
    out = []
    query = "[(assignment_statement) (short_var_declaration)] @a"
    for node in captures(query, body).get("a", []):
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None or left.named_child_count != 1:
            continue
        if right.named_child_count != 1:
            continue
        value = unparen(right.named_children[0])
        operand = value.child_by_field_name("operand") if value.type == "unary_expression" else None
        operand = unparen(operand) if operand is not None else None
        if not text(value).startswith("&") or operand is None or operand.type != "index_expression":
            continue
        indexed = operand.child_by_field_name("operand")
        if (
            indexed is not None
            and text(indexed) == name
            and left.named_children[0].type == ("identifier")
        ):
            out.append(text(left.named_children[0]))
    return out


def _set_in(body: Node, name: str) -> list[Node]:
    """The values a function body sets in the map or slice `name` (`name[k] = v`)."""
    out = []
    for target, value in _single_assignments(body):
        operand = target.child_by_field_name("operand")
        if target.type == "index_expression" and operand is not None and text(operand) == name:
            out.append(value)
    return out


def _set_with_its_key(analysis: _Analysis, value: Node) -> bool:
    """Whether `value`, set in a map (`m[k] = v`), and its key are results of one call
    (`k, v, rest, err := parsePAXRecord(s)`): two parts of one record."""
    statement = value.parent.parent if value.parent is not None else None
    left = statement.child_by_field_name("left") if statement is not None else None
    target = left.named_children[0] if left is not None and left.named_children else None
    key = target.child_by_field_name("index") if target is not None else None
    if key is None or key.type != "identifier" or value.type != "identifier":
        return False
    a, b = analysis.types.lookup(key), analysis.types.lookup(value)
    if a is None or b is None or not (a.multi and b.multi) or a.statement is None:
        return False
    if a.statement != b.statement or b.value is None:
        return False
    # (A record parser of the package, a cursor over all of its input; not a cut of each
    # line, `k, v, ok := strings.Cut(line, "::")`, of lines some test picks.)
    call = unparen(b.value)
    if call.type != "call_expression":
        return False
    return package_of(analysis).callee(analysis, call) is not None


def _appended_to(body: Node, name: str) -> list[Node]:
    """The values appended to `name` by `name = append(name, v...)` in a function body."""
    out = []
    for target, call in _single_assignments(body):
        if text(target) != name or call.type != "call_expression":
            continue
        args = _args(call) if _callee_name(call) == "append" else []
        if args and text(args[0]) == name:
            out.extend(args[1:])
    return out


def _element_type(under: str | None) -> str | None:
    return under[2:] if under is not None and under.startswith("[]") else None


def _interned(stored: Stored, use: Node | None, name: str) -> Stored:
    """`stored`, marked `interned` when the function stores `name` (at `use`) only after
    looking it up and returning what it found: an `if` before the store whose header uses
    the name as a map's key, a lookup's argument or one side of `==` (`if v, ok := m[s]; ok
    { return v }`, `if v, ok := pool.Load(s); ok {...}`, `if labels[id] == s { return id
    }`), with a return in its body. (A check of the name against a literal, `if s == ""
    { return }`, is not a lookup.)"""
    func = _function_of(use) if use is not None else None
    if use is None or func is None or stored.at is None:
        return stored
    body = func.child_by_field_name("body")
    stack = list(body.named_children) if body is not None else []
    while stack:
        node = stack.pop()
        if node.start_byte >= use.start_byte:
            continue
        if node.type == "if_statement" and node.end_byte <= use.start_byte:
            header = (node.child_by_field_name(f) for f in ("initializer", "condition"))
            then = node.child_by_field_name("consequence")
            looked_up = any(_looks_up(h, name) for h in header)
            if looked_up and then is not None and _returns_found(then):
                return replace(stored, interned=True)
        stack.extend(node.named_children)
    return stored


def _returns_found(block: Node) -> bool:
    """Whether `block` returns a value it found (`return v`, `return e.id, true`), not only
    a status (`return`, `return false`, `return nil`): an intern table hands back the value
    it keeps; a set or a cache that was asked to add what it has just says so."""
    stack = list(block.named_children)
    while stack:
        node = stack.pop()
        if node.type == "func_literal":
            continue
        if node.type == "return_statement":
            values = node.named_children[0].named_children if node.named_children else []
            if any(v.type not in _STATUS_VALUES for v in values):
                return True
            continue
        stack.extend(node.named_children)
    return False


# What a `return` hands back that is only a status, not a value found.
_STATUS_VALUES = frozenset({"true", "false", "nil", "int_literal", "comment"})


def _looks_up(header: Node | None, name: str) -> bool:
    """Whether an `if`'s header uses `name` as a key (`m[s]`), a lookup's argument
    (`pool.Load(s)`) or a side of `==` against something other than a literal."""
    if header is None:
        return False
    n = re.escape(name)
    pattern = (
        rf"\[\s*{n}\s*\]"
        rf"|\b(?:Load|Get|Lookup|Find)\w*\(\s*{n}\s*[,)]"
        rf"|==\s*{n}\b(?!\s*[.\[(])"
        rf"|(?<![\w.])\b{n}\s*==\s*(?![\"`'\d-])"
    )
    return re.search(pattern, text(header)) is not None


def _always_reset(statement: Node, at: int) -> bool:
    """Whether the assignment at byte `at` runs whenever `statement` does (`always_after`)."""
    func = _function_of(statement)
    again = func.descendant_for_byte_range(at, at + 1) if func is not None else None
    return again is not None and always_after(statement, again)


def _passed_twice(use: Node, name: str) -> bool:
    """Whether the call `use` is an argument of has `name` as another argument too."""
    args = use.parent
    if args is None or args.type != "argument_list":
        return False
    return sum(1 for arg in args.named_children if text(arg) == name) > 1


def _set_again(source: bytes, func: Node, name: str) -> bool:
    """Whether a function sets `name` more than once (declared, then assigned)."""
    found = assigned_offsets(source, name.encode(), func.start_byte, func.end_byte)
    return next(found, None) is not None and next(found, None) is not None


def _cut_side_left(analysis: _Analysis, values: list[Node]) -> bool:
    """Whether the values kept hold one side of a cut whose other side none of them holds
    (`meta, p, ok := strings.Cut(line, "\t")`, then `Entry{name: path.Base(p)}`): the
    other side goes, as fields of a split left out do (`_gaps`)."""
    roots = {_cut_root(analysis, v) for v in values}
    for name in roots:
        ident = name[1] if name is not None else None
        binding = analysis.types.lookup(ident) if ident is not None else None
        if binding is None or not binding.multi or binding.statement is None:
            continue
        call = unparen(binding.value) if binding.value is not None else None
        if call is None or call.type != "call_expression" or _callee_name(call) != "Cut":
            continue
        if not analysis._is_piece_call(call):
            continue
        lefts = _list_items(binding.statement.child_by_field_name("left"))
        if len(lefts) < 2 or binding.index not in (0, 1):
            continue
        other = text(lefts[1 - binding.index])
        if other == "_" or other not in {r[0] for r in roots if r is not None}:
            return True
    return False


def _cut_root(analysis: _Analysis, value: Node) -> tuple[str, Node] | None:
    """(name, identifier) of the local a kept value is, or a trim of (`path.Base(p)`)."""
    node = unparen(value)
    for _ in range(4):
        if node.type == "call_expression" and _args(node) and analysis._is_piece_call(node):
            node = unparen(_args(node)[0])
        elif node.type == "slice_expression":
            node = unparen(node.child_by_field_name("operand") or node)
        else:
            break
    return (text(node), node) if node.type == "identifier" else None


def _keyed_field(value: Node) -> str | None:
    """The field a composite literal's keyed element puts `value` in (`Name: v`)."""
    element = value.parent
    if element is not None and element.type == "literal_element":
        element = element.parent
    found = keyed_value(element) if element is not None else None
    return found[0] if found is not None and found[1] == value else None


def _literal_values(body: Node | None) -> list[Node]:
    """The value expressions of a composite literal's body, keyed or positional."""
    out = []
    for element in body.named_children if body is not None else []:
        if element.type == "keyed_element":
            element = element.child_by_field_name("value") or element
        if element.type == "literal_element" and element.named_children:
            out.append(unparen(element.named_children[0]))
    return out


def _param_or_piece(analysis: _Analysis, value: Node, kept: list[str]) -> str | None:
    """The parameter (of `kept`) that `value` is, as it is or cut (`b`, `b[4:]`)."""
    value = unparen(value)
    if value.type == "slice_expression":
        value = unparen(value.child_by_field_name("operand") or value)
    if value.type != "identifier" or text(value) not in kept:
        return None
    binding = analysis.types.lookup(value)
    return binding.name if binding is not None and binding.kind == PARAM else None
