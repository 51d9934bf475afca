"""The vocabulary shared by the retention modules: what produces a piece (splitting,
trimming and regexp calls), and small syntax helpers."""

from __future__ import annotations

import re
from typing import Any

from tree_sitter import Node

from leakscope.core.model import Confidence
from leakscope.core.syntax import text, unparen
from leakscope.core.types import Binding

STRING = "string"
SLICE = "slice"

_SLICE_RX = re.compile(rb"\[[^\]\[\n]*(?:\[[^\]\[\n]*\][^\]\[\n]*)*:")
_PRODUCERS = (
    "Split|SplitN|SplitAfter|SplitAfterN|Fields|FieldsFunc|Cut|CutLast|SplitSeq|SplitAfterSeq|"
    "FieldsSeq|FieldsFuncSeq|Lines|FindString|FindStringSubmatch|FindAllString|"
    "FindAllStringSubmatch|Find|FindSubmatch|FindAll|FindAllSubmatch"
)
_CALL_RX = re.compile(rb"\.(?:" + _PRODUCERS.encode() + rb")\(")
# A `sql.Scanner`'s method: `func (j *RawJSON) Scan(src any) error {`.
# The parts of a `*url.URL` that `url.Parse` cuts from its input as they are (when nothing in
# them is escaped): `u.Host`, `u.Path`, ...
_URL_FIELD_RX = re.compile(rb"\.(?:Host|Path|RawPath|RawQuery|Fragment|Opaque)\b(?![ \t]*\()")
_URL_PARSERS = frozenset({"Parse", "ParseRequestURI"})
# A function literal passed as an argument (`ls.Range(func(name, value string) {`).
# (gofmt writes a literal `func(`; what precedes it is checked on the tree.)
_CALLBACK_RX = re.compile(rb"func\(")
_SCANNER_RX = re.compile(
    rb"\)[ \t]*Scan\([ \t]*\w+[ \t]+(?:any|interface\{\})[ \t]*\)[ \t]*error[ \t]*\{"
)
# Calls returning a view of a reader's buffer (checked by type later): `sc.Bytes()`, `ReadSlice`.
_VIEW_RX = re.compile(rb"\.(?:Bytes|ReadSlice|ReadLine|Peek)\(")
# A record read by a `csv.Reader` (checked by type later): its fields are pieces of one string.
_RECORD_RX = re.compile(rb"\.Read\(\)")

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
    "CutLast": 0,  # Go 1.27
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
    # (Unescaping gives back its argument itself when there is nothing to unescape, as a
    # name or a path in a listing mostly has: `url.PathUnescape(m[1])`.)
    "net/url": frozenset({"PathUnescape", "QueryUnescape"}),
}
_TRANSPARENT["bytes"] = _TRANSPARENT["strings"]
# The strings functions that return their argument itself when they change nothing: an
# already lower-case name (`strings.ToLower(host)`), nothing to replace. (Their bytes
# namesakes always copy.)
_TRANSPARENT["strings"] = _TRANSPARENT["strings"] | frozenset(
    {"ToLower", "ToUpper", "ToTitle", "Replace", "ReplaceAll", "Map"}
)
# Which results of a multi-result piece-producing call are pieces.
_PIECE_RESULTS: dict[str, tuple[int, ...]] = {
    "Cut": (0, 1),
    "CutLast": (0, 1),
    "CutPrefix": (0,),
    "CutSuffix": (0,),
    "Split": (0, 1),  # path.Split, filepath.Split
    "PathUnescape": (0,),
    "QueryUnescape": (0,),
}
_PIECE_PACKAGES = {"strings": STRING, "bytes": SLICE}

# What both retention rules say of holders made per call and of reassigned parameters, in
# their docs ({per_call}).
PER_CALL_DOC = """
- a place on an object that the package makes per call of a function and drops when it
  returns (`nc := converter{}; nc.init(buf)`, `p := New(); p.Parse(input)`): the method's
  receiver or pointer parameter is, at every call in the package's non-test code, a fresh
  object (`New().Parse(in)`), a local made fresh in the caller that never escapes it (each
  use reads or writes a field or calls a method; it is not returned, stored, passed or sent
  whole, nor is a field of it other than a number or a flag, nor used in a goroutine) and
  is not fed in a loop it outlives, or the caller's own receiver or parameter with the same
  evidence. A local made fresh and only returned counts when the function returning it is
  unexported and each of its calls in the package takes the result in a local that does not
  escape, or returns it on in the same way (`m := &openMsg{}; m.Unmarshal(raw); return m,
  nil`, its caller copying `string(m.Label)` and dropping it). When an
  exported function or method on the way lets other packages pass an object of their own
  (a parser's exported `Parse`), the finding is kept but is `info` ("p is likely made per
  call"). An object in a package variable, a field or a map, or fed every read of a loop
  (`s := &session{}; for { n, _ := r.Read(buf); s.keep(buf[:n]) }`), keeps what it holds;
- the result of a helper that reassigned its parameter, before it cut it, from a call not
  known to return a piece of it (`key = store.Normalize(key); return strings.TrimPrefix(key,
  "/")`): that is a new value, not the caller's data. A reassignment that cuts
  (`s = strings.TrimSpace(s)`, `p = p[1:]`) keeps it a piece;
"""

# What both retention rules say of functions that keep their parameter, in their docs
# ({stores}; {noun} and {clone} filled in per rule).
STORES_DOC = """
- a function or method that keeps its parameter as it is (`c.data = p`,
  `c.items = append(c.items, p)`, `m[p] = true`, `ch <- p`, a cache's `Add(k, p)`, or passing
  it on to a function that does, two calls deep; or a function literal held in a local
  variable set once, `record := func(obj, reason string) { c.last[obj] = reason }`, storing
  it itself; or a string made over it without a copy, `s := yoloString(name); c.ids[s] =
  id`; also through a parameter of one of the package's interfaces with one implementation
  there, `reg.GetOrCreate(addr)`): a {noun} of big data that a caller
  passes it (`c.keep(buf[:n])`) is reported at the store, in whatever file it is, where a
  copy fixes it for every caller (`c.data = {clone}(p)`); the calls, the piece's
  chain and the caller's source are related locations, and one finding stands for all the
  callers of one store (its source the first caller's big data). A statement storing the
  parameter twice, a key and its value (`m[s] = s`, `pool.LoadOrStore(s, s)`), is reported
  there too, its fix for a string a copy just before it (`s = strings.Clone(s)`; a byte
  slice copied there would no longer be the caller's to write through: no automatic fix).
  An intern table (the function
  looks the parameter up first and returns what it finds, `if v, ok := m[s]; ok { return v
  }`, even as a method named like a cache's `Add`; not a set or cache that only says it has
  it, `return false`) is reported at its store too, and its
  callers' pieces count whatever else of the text they keep: the table holds the first text
  seen of each value for good, and everything it was cut from. It stays at the call, its
  fix copying the argument there, when the function passes it on to one that stores it,
  when it stores that parameter in two statements
  (`d := &Desc{Name: name}; r.byName[name] = d`: one copy at the call fixes both), when
  the store is a cache's (its type or field named as one, or its entries dropped one by one,
  an LRU's `delete`): a cache keeps what it is given, its callers copy what they put in; when
  the argument only holds the piece (`s.recent.push(upload{magic: view})`), and for a
  test calling into the package's code. A function that ranges over its parameter and keeps
  a field of each element (`for _, r := range recs { t.rows[string(r.Key)] = r.Value }`) is
  followed the same way for records whose fields are pieces (`recs, err :=
  decodeRecords(buf)`; `t.apply(recs)`): reported at that store, the copy made of the field
  (`{clone}(r.Value)`); so is one keeping a field of a record parameter (`im.latest[k] =
  sample{host: rec.host}` of `observe(rec record)`, given each record `parseRow(line)`
  cuts); of the fields it keeps, the first that the caller's records hold pieces in is
  followed (`&Lease{MAC: p.chaddr}` of a copy the parser made aside, `l.Hostname =
  p.options[12]`), an element of a collection such a field holds counting as the field
  (`msg.Headers["Call-ID"]` of a parser's `m.Headers[k] = strings.TrimSpace(v)`). One
  keeping an element of a slice parameter it reads by index (`c.db.Set(args[1], args[2])`
  of `exec(args []string)`) keeps the elements: a slice of pieces passed to it (`c.exec(
  strings.Fields(line))`) is reported at the call. One keeping each element whole, in a
  local map or slice it then stores (`for _, it := range items { m[key(it)] = it };
  s.items = m`, a generic store's `Replace(items []V)` included), keeps what the elements
  hold: a slice of pieces, or of records holding them, passed to it is reported; a piece of
  the slice itself (`args[i+1:]`) is not, its elements being kept and not its array. Not
  followed: a parameter the function
  reassigns (`p = bytes.Clone(p)`), a place it sets again before it returns (held for the
  call only; not a trim of the place itself, `h.entries = append(h.entries[:0:0],
  h.entries[n:]...)`, which still holds it), a place that may be a new object or the
  caller's for the call (low
  confidence), and a store through the method's receiver when the caller's receiver is a
  local value (`var rb buffer; rb.init(p)`): that value is followed as a local collection
  instead, reported when the function returns it to a caller that keeps it (`m.add(name,
  addr)` of `m := newMap()` in a parser whose result is kept). A map held in an entry of a
  long-lived map is that map's, whether taken as `m := ix.labels[k]` or `m, ok :=
  ix.labels[k]` (`m[key] = v` writes into it); so is an entry a get-or-create method takes
  from its receiver's map or makes and keeps there (`e := c.entryLocked(metric); e.help =
  help`). A setter keeping a string made without a copy over the bytes it is given (`e.help =
  yoloString(help)`) is reported at its store even when it is a cache's: its callers cannot
  tell.
- a helper that gives its parameter back as it is on some path (`return s` of an
  `unescape` with nothing to unescape, `canonicalize`; never set again before) passes on
  the piece it is given, as strings.ToLower does, and so do `url.PathUnescape` and
  `url.QueryUnescape`; a piece it returns on another path decides (`Tail(s, n)` returns `s`
  when it is short, else `s[len(s)-n:]`). One that keeps its parameter and gives it back
  (`intern(s)`) is reported where it keeps it: the copy there is what it gives back.
- a helper that gives its pieces for some lines only (`annotation(line)` returning nothing
  unless the line starts with a prefix) picks those lines, as a test in the caller's loop
  does: what is kept of them is a small share of the text, not a partition of it.
"""

# What both retention rules say of function literals given to functions of the package
# ({callbacks}; {noun} filled in per rule).
CALLBACKS_DOC = """
- a function literal passed to a function of the package that calls it with pieces
  (`ls.Range(func(name, value T) { ix.keep(name) })` of a `Range` calling `f(s[:i],
  s[i+1:j])` on its data): what the function passes is followed to what the caller gave it
  (its argument, or what its receiver holds), and a {noun} of big data the literal keeps is
  reported in the literal, where a copy fixes it. The first call of the callback that passes
  a piece decides; the whole parts of a split passed one by one (`for _, line := range
  strings.Split(text, "\\n") { fn(line) }`) are not pieces, but what the literal cuts from
  them is. The function may be a method called through an interface of the package with one
  implementation there (`attrs.Range(...)` of `Attributes`, implemented by `kvAttrs` only),
  and what its receiver holds may be what a constructor of the package was given (`attrs :=
  parseKV(line)`), or the receiver itself, a value of a named string or slice type
  (`Pairs(body).ForEach(func(k, v string) {...})` of `type Pairs string`, cutting
  `string(p)`: a conversion to such a type is as big as what it converts).
"""

# What both retention rules do not follow across functions ({unfollowed}).
UNFOLLOWED_DOC = """
Not followed: calls through interfaces other than one with a single implementation in the
package (or one whose documentation says what a method returns is a view valid for a while
only), function values other than such a literal (a callback stored and called later; a
method value passed as the callback only when the function gives it pieces of an argument
and the method keeps its parameter, `parsePacket(buf[:n], s.add)` with `s.pending =
append(s.pending, smp)`: reported at the call) and other packages (the values of
`url.ParseQuery`, pieces of its input when nothing is escaped, included); a
constructor's object that the caller returns or passes to another function (how long it is
kept is decided further up); a parameter a constructor sets to anything but a cut of
itself. While a fix is checked,
only the fixed file is looked at.
"""

# What both retention rules say of helpers returning records, in their docs ({records};
# {window} filled in per rule).
RECORDS_DOC = """
So does a helper that returns one of the package's structs with pieces of its
  parameter in some fields (`return rec{ID: f[0], Kind: f[1]}, nil`, a local `r :=
  &Rule{...}` or `var s sample; s.name = line[:i]`, or a slice of them appended in a loop,
  `out = append(out, rec{...})`): a field selected from its result (`rec.Service`, also of
  a range variable over the slice) is a piece, and the record kept whole is reported
  when each record is cut from a line of a larger value (`w.rules = append(w.rules, r)`),
  or when a field holds a window of the text ({window}, both bounds given: the rest of the
  text is wasted), what a regular expression picked (`m[1]` of each match), or a field
  set in a case of a switch over the lines (`case strings.HasPrefix(line, "# Digest: ")`:
  the line looked up among the others), not when the
  helper's whole result is kept (`netrc = parseNetrc(string(data))`: all its tokens, as a
  split's result). It is reported where the helper puts the piece in its result (`Name:
  strings.Clone(name)` fixes it for every caller, where the caller holding records or a
  slice of them has nothing to wrap), with the caller's store as a related location; a
  local given the piece once and put in several fields (`match := raw[a:b]`) is copied
  where it is given. A part of a URL the helper parses from its parameter (`&Node{Addr:
  u.Host}` of `url.Parse(raw)`) is a piece of it. One record
  picked out of that result (`t.edge[s] = segs[len(segs)-1]`) is reported: its fields keep
  the whole text for the rest of it, which goes; so is the one record a helper returns with
  a field cut from a whole text (`s := parseSummary(log)`, its URL a line of the log), not
  from a line read on its own (that line's worth). Fields set
  from the helper's own reads are reported in the helper; in records it appends to a slice
  it returns (a listing it downloads whole, `objs = append(objs, object{key: ...})`), they
  are pieces of that data in its callers, as fields of a parameter's records are. So are
  the fields a parser sets through a pointer to the record it just appended (`cur =
  &out[len(out)-1]; cur.Mid = v`, an SDP offer's sections), and what a method of such a
  record returns or passes its callback (`p.Name()`, `p.ForEachTag(...)` of `for _, p :=
  range parsePoints(string(body))`). A record that also holds the parameter as it is
  (`&Plan{Original: query, Table: ...}`) holds no piece of it: it keeps all of it anyway.
  A record a constructor of the package makes, putting its argument in a named field
  (`rule := newRule(f[0])` with `return &Rule{Pattern: pattern}`, also after cutting it
  in place, `pattern = pattern[1:]`), counts as that literal written here. A record
  keeping one side of a `Cut` and not the other (`meta, p, ok := strings.Cut(line,
  "\t")`, then `Entry{name: path.Base(p)}`) is a small share of each line, not all its
  tokens. Fields set two at a time
  (`p.Key, p.Value, _ = strings.Cut(line, "=")`) are not followed. Fields cut by another
  helper that gives a piece and the rest (`key, rest, err := lengthPrefixed(buf)`, then
  `val, rest, err := lengthPrefixed(rest)`) are pieces of the helper's argument, and so are
  some of a split's pieces it returns after another (`return f[0], f[1:], true`). A record
  whose pieces are not the parts of one cut (fields cut from different lines, or windows of
  the text) is not a partition when kept whole.
  A helper that builds an index of pieces of its parameter in an object it makes and
  returns (`hm := newHostsMap(); hm.byName[name] = ...; return hm`, or records put in a
  field of it, `st.masters = append(st.masters, node)`), which a caller in the package keeps
  as it is (`h.hosts = parseHosts(string(data))`, `c.state.Store(st)`), is reported where
  the piece goes in, judged by what that caller passes. Not when the pieces may be every
  part of what they were cut from (a split's whole result spread in, `append(out,
  strings.Fields(line)...)`, or what a callback is handed), unless one field is picked out
  of a split (`f[1:]`, `fields[1]`).
"""

# The user documentation of the keepers below, shared by the retention rules' docs
# ({keepers}).
KEEPERS_DOC = """
## What keeps an argument
A method call keeps what it is given only when that is known:
- `sync.Map`'s `Store`, `LoadOrStore`, `Swap`, `CompareAndSwap`; `container/list`'s
  `PushBack`, `PushFront`, `InsertBefore`, `InsertAfter`; `Set` and `Add` of `http.Header`,
  `textproto.MIMEHeader` and `url.Values`; an `atomic.Value`'s or `atomic.Pointer`'s `Store`
  (one slot), also of a local collection of pieces (`g.routes.Store(&routes)`);
- a cache of another package, by its package's or type's name (`lru.Cache.Add`,
  `cache.Cache.Set`), except caches that copy what they are given (bigcache, freecache,
  fastcache);
- a method of a type of this package whose summary stores that argument
  (`func (c *LRU) Add(k, v string) { c.items[k] = v }`, or `c.ll.PushFront(&entry{k, v})`),
  or puts it in a new object held by a local it then stores (`d := &Descriptor{Help: help};
  r.byName[name] = d`), also when it returns that object, whatever its name; a piece inside
  the argument is kept with it (`s.recent.push(upload{magic: view})`). Such a finding is
  made where the method stores it (`s.counts[table] = c` of a counter's `Add(table
  string)`: one copy there fixes every caller, made once per new key), unless the type is
  a cache (named as one, or its entries dropped one by one): a cache's callers copy what
  they put in, and the finding is at the call;
- `Add`, `Set`, `Put`, `Store`, `LoadOrStore`, `Swap` on a holder whose type is unknown and
  whose name says it is a cache (`c.cache.Add`, `lru.Put`).

Not reported: the same names on anything else. A client of another package
(`s.client.Set(ctx, key, value)` of an etcd or ZooKeeper client) sends a request and keeps
nothing; a type of the package whose method copies or does not keep the argument keeps
nothing of it.
"""
_CACHE_METHODS = frozenset({"Add", "Set", "Store", "Put", "LoadOrStore", "Swap"})
# Types of other packages known to keep what their methods are given: (import path, type) ->
# (the methods that keep their arguments, whether the holder collects one per call). A method
# named like a cache's on anything else (a network client's `Set`, a request builder's `Add`)
# keeps nothing that is known.
_KNOWN_KEEPERS: dict[tuple[str, str], tuple[frozenset[str], bool]] = {
    ("sync", "Map"): (frozenset({"Store", "LoadOrStore", "Swap", "CompareAndSwap"}), True),
    ("sync/atomic", "Value"): (frozenset({"Store", "Swap", "CompareAndSwap"}), False),
    ("sync/atomic", "Pointer"): (frozenset({"Store", "Swap", "CompareAndSwap"}), False),
    ("container/list", "List"): (
        frozenset({"PushBack", "PushFront", "InsertBefore", "InsertAfter"}),
        True,
    ),
    ("net/http", "Header"): (frozenset({"Set", "Add"}), True),
    ("net/textproto", "MIMEHeader"): (frozenset({"Set", "Add"}), True),
    ("net/url", "Values"): (frozenset({"Set", "Add"}), True),
}
# Method names of those (a cheap syntactic pre-check: `_may_be_kept`).
_KEEPER_METHODS = _CACHE_METHODS | frozenset(
    name for methods, _ in _KNOWN_KEEPERS.values() for name in methods
)
# A cache by its name (`lru.Cache`, `*cache.Cache`, a field `c.cache`, `lru`): its
# `Add`/`Set`/`Put`/... keeps the value.
_CACHE_NAME = re.compile(r"(?i)cache|lru")
# Caches that copy what they are given into their own memory (serialised entries).
_COPYING_CACHES = frozenset(
    {
        "github.com/allegro/bigcache",
        "github.com/allegro/bigcache/v2",
        "github.com/allegro/bigcache/v3",
        "github.com/coocood/freecache",
        "github.com/VictoriaMetrics/fastcache",
    }
)


def copy_of(operand: str) -> str:
    """A regular expression for a copy of `operand` (itself a regular expression) as code
    writes one: `strings.Clone(x)`, `bytes.Clone(x)`, `slices.Clone(x)`, `string([]byte(x))`,
    `append([]byte(nil), x...)`."""
    return (
        rf"(?:strings|bytes|slices)\.Clone\(\s*{operand}\s*\)"
        rf"|string\(\[\]byte\(\s*{operand}\s*\)\)"
        rf"|append\(\s*\[\]byte\(nil\),\s*{operand}\.\.\.\)"
    )


_MAX_BINDINGS = 3
# A local collection the piece is put in (`collected`), which may be put in another and
# returned: followed two locals further than a local holding the piece itself.
_MAX_COLLECTED = _MAX_BINDINGS + 2
_SMALL_BUFFER = 256

_CONFIDENCE_RANK = {Confidence.HIGH: 2, Confidence.MEDIUM: 1, Confidence.LOW: 0}


def weaker(a: Confidence, b: Confidence) -> Confidence:
    return a if _CONFIDENCE_RANK[a] <= _CONFIDENCE_RANK[b] else b


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


def appends(call: Node) -> bool:
    """Whether `call` adds its later arguments to the slice it is given and returns it: the
    builtin `append`, or `slices.Insert(s, i, v...)`."""
    func = call.child_by_field_name("function") if call.type == "call_expression" else None
    if func is None:
        return False
    if func.type == "identifier":
        return text(func) == "append"
    operand = func.child_by_field_name("operand") if func.type == "selector_expression" else None
    return (
        operand is not None
        and text(operand) == "slices"
        and text(func.child_by_field_name("field")) == "Insert"
    )


def _callee_name(call: Node) -> str:
    func = call.child_by_field_name("function") if call.type == "call_expression" else None
    if func is None:
        return ""
    if func.type == "selector_expression":
        return text(func.child_by_field_name("field"))
    return text(func)


def zero_copy_operand(expr: Node) -> Node | None:
    """The value whose memory `expr` shares when it is a zero-copy conversion: `x` of
    `unsafe.String(unsafe.SliceData(x), n)`, `unsafe.String(&x[0], n)` (a string over a
    byte slice's array) and `unsafe.Slice(unsafe.StringData(x), n)` (the reverse), else
    None. (By the package's name as written: `unsafe` is not renamed in practice.)"""
    if expr.type != "call_expression":
        return None
    func = expr.child_by_field_name("function")
    if func is None or func.type != "selector_expression" or text(func) not in _ZERO_COPY:
        return None
    args = _args(expr)
    pointer = unparen(args[0]) if len(args) == 2 else None
    if pointer is None:
        return None
    if pointer.type == "call_expression":
        inner = pointer.child_by_field_name("function")
        if inner is None or text(inner) != _ZERO_COPY[text(func)]:
            return None
        found = _args(pointer)
        return unparen(found[0]) if len(found) == 1 else None
    if pointer.type == "unary_expression" and text(pointer).startswith("&"):
        operand = pointer.child_by_field_name("operand")
        operand = unparen(operand) if operand is not None else None
        if operand is not None and operand.type == "index_expression":
            inner = operand.child_by_field_name("operand")
            return unparen(inner) if inner is not None else None
    return None


# Zero-copy conversions: the conversion -> how it gets the pointer to the data.
_ZERO_COPY = {"unsafe.String": "unsafe.SliceData", "unsafe.Slice": "unsafe.StringData"}


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


def keyed_value(element: Node) -> tuple[str, Node] | None:
    """(the field's name, its value) of a keyed element of a composite literal's body
    (`Name: v` gives ("Name", v)), or None for any other element."""
    if element.type != "keyed_element":
        return None
    parts = [c for c in element.named_children if c.type != "comment"]
    if len(parts) != 2:
        return None
    key, value = parts
    if value.type == "literal_element" and value.named_children:
        value = value.named_children[0]
    return _flat(text(key)), value


def _defined_whole(statement: Node, ident: Node, value: Node) -> Node | None:
    """`value` when `statement` gives the local `ident` it whole, as its one name and one
    value (`name := f[1]`, `var key = b[a:b]`, `id = path.Base(k)`); else None."""
    if statement.type == "var_spec":
        lefts = statement.children_by_field_name("name")
    elif statement.type in ("short_var_declaration", "assignment_statement"):
        operator = statement.child_by_field_name("operator")
        if statement.type == "assignment_statement" and text(operator) != "=":
            return None
        lefts = _list_items(statement.child_by_field_name("left"))
    else:
        return None
    rights = _list_items(
        statement.child_by_field_name("value" if statement.type == "var_spec" else "right")
    )
    if len(lefts) != 1 or len(rights) != 1 or lefts[0] != ident:
        return None
    right = unparen(rights[0])
    same = (right.start_byte, right.end_byte) == (value.start_byte, value.end_byte)
    return right if same else None


def _flat(source_text: str) -> str:
    return " ".join(source_text.split())


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


def _declared_here(binding: Binding, what: str) -> tuple[tuple[int, int, str], ...]:
    at = binding.declared_at
    if at is None:
        return ()
    return ((at[0], at[1], f"{binding.name} {what}"),)


def _unique(items: list[Any]) -> list[Any]:
    """Related places, each place once: (start, end, message) in the file, or `Related`."""
    seen: set[object] = set()
    out = []
    for item in items:
        key = (item[0], item[1]) if isinstance(item, tuple) else (item.path, item.span)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _statement_of(node: Node) -> Node:
    parent = node.parent
    while parent is not None and parent.type not in ("statement_list", "source_file"):
        node = parent
        parent = node.parent
    return node
