"""What a retained piece was cut from, and whether that source is big: the one place that
judges the impact of `substring-retention` and `subslice-retention` findings.

The analysis in `_retention.py` finds the source of a piece (a parameter, data read here, a
buffer made here, a conversion) and records what it knows in a `Source`. `judge` turns that
into an impact:

- grows: the source is demonstrably big: data read whole (`io.ReadAll`, `os.ReadFile`, the
  contents of a `bytes.Buffer`), data read from a stream (`bufio`, a `Scanner`), a buffer
  made here with a constant size of at least 4 KiB or filled by a read (`r.Read(buf)`,
  `io.ReadFull(r, buf)`; not one under 4 KiB made for each read and kept up to the count
  read, a datagram's `buf[:n]`), or a parameter that a caller in the file fills with one of
  those;
- bounded: nothing shows the source is big: a parameter (the caller decides its size; on
  real code most cut-and-kept parameters are names, flags, tags, routes, DSNs), a small
  scratch buffer, a conversion of a byte slice of unknown origin, a kernel status file
  (`/proc/...`), what the code itself wrote into a `bytes.Buffer`, one line of a stream kept
  in a single slot. Names that say the value is
  small by nature (`name`, `host`, `dsn`, `tag`, ...) make the reason say so.

A view that the next read overwrites (`Scanner.Bytes`, `ReadSlice`, `ReadLine`, `Peek`) grows
when it is collected (an error: the bytes change under the holder), and is bounded in a single
slot (a zero-copy decoder's current token). A parameter lifted by the package's callers
(`_retention_summaries`) is judged as what the caller passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tree_sitter import Node

from leakscope.core.context import FileContext
from leakscope.core.flow import always_after
from leakscope.core.index import normalise_type, receiver_type_name, signature_of
from leakscope.core.model import Confidence, Impact
from leakscope.core.rules import _retention_pools as pools
from leakscope.core.rules._loops import loops_around
from leakscope.core.rules._retention_syntax import (
    _PIECE_PACKAGES,
    _PIECE_RESULTS,
    _REGEXP,
    _REGEXP_BY_NAME,
    _SMALL_BUFFER,
    _SPLITTERS,
    _TRANSPARENT,
    SLICE,
    STRING,
    _args,
    _call_of_argument,
    _callee_name,
    _element_size,
    _first_arg,
    _flat,
    _list_items,
    keyed_value,
    normalise,
    weaker,
    zero_copy_operand,
)
from leakscope.core.syntax import enclosing_function, text, unparen, within
from leakscope.core.types import (
    CASE,
    IMPORT,
    LOCAL,
    PACKAGE_CONST,
    RANGE,
    RECEIVER,
    TYPE,
    Binding,
    TypeResolver,
    is_map,
    is_slice,
)
from leakscope.core.types import PARAM as BINDING_PARAM

if TYPE_CHECKING:
    from leakscope.core.rules._retention_summaries import Package, Returned

# Source kinds.
PARAM = "param"  # a parameter or receiver: the caller decides its size
READ = "read"  # data read whole: io.ReadAll, os.ReadFile, bytes.Buffer contents
LINE = "line"  # data read from a stream piece by piece: bufio.Reader, bufio.Scanner
BUFFER = "buffer"  # a buffer made here with make and a constant size
CONVERSION = "conversion"  # string(b) / []byte(s) of a value of unknown origin
ASSEMBLED = "assembled"  # the contents of a bytes.Buffer written piece by piece here
STATUS_FILE = "status-file"  # a kernel status file read whole: /proc/..., /sys/...
# What a command prints of its version (`exec.Command(bin, "--version").Output()`): a line.
VERSION_OUTPUT = "version-output"
# Sources small by nature, whatever reads them: a helper returning a piece of one is no
# piece helper.
SMALL_BY_NATURE = frozenset({STATUS_FILE, VERSION_OUTPUT})
# A view of a reader's buffer that the next read overwrites: bufio.Scanner.Bytes,
# bufio.Reader.ReadSlice, ReadLine, Peek. Keeping one is a correctness bug as well.
VIEW = "view"
# A long-lived string or slice cut in place under a length guard (`if len(x.f) > n { x.f =
# x.f[:n] }`): meant to free memory, it keeps the whole original.
TRUNCATED = "truncated"

# A buffer at least this large holds a meaningful amount of memory per retained piece.
BIG_BUFFER = 4096

# Functions (package path, name) returning data read whole.
READ_FUNCS = frozenset(
    {
        ("io", "ReadAll"),
        ("io/ioutil", "ReadAll"),
        ("io/ioutil", "ReadFile"),
        ("os", "ReadFile"),
        ("io/fs", "ReadFile"),
        # A whole request or response, headers and body (`httputil.DumpResponse(resp, true)`).
        ("net/http/httputil", "DumpResponse"),
        ("net/http/httputil", "DumpRequest"),
        ("net/http/httputil", "DumpRequestOut"),
    }
)
# Memory-mapped files: valid until unmapped (or remapped to grow), not heap memory.
MMAP_FUNCS = frozenset({("syscall", "Mmap"), ("golang.org/x/sys/unix", "Mmap")})
# Methods returning data read from a stream: name -> receiver type, or None for any.
READ_METHODS: dict[str, tuple[str, str] | None] = {
    "ReadString": ("bufio", "Reader"),
    "ReadBytes": ("bufio", "Reader"),
    "ReadSlice": ("bufio", "Reader"),
    "ReadLine": ("bufio", "Reader"),
    "ReadAll": None,
    "ReadFile": None,
    # A command's whole output (`exec.Command(...).Output()`); by type only.
    "Output": ("os/exec", "Cmd"),
    "CombinedOutput": ("os/exec", "Cmd"),
    # A whole message received from a connection or a broker (`conn.ReadMessage()` of a
    # websocket, `src.Receive(ctx)`): as big as the sender made it.
    "ReadMessage": None,
    "Receive": None,
    "ReceiveMessage": None,
    "Recv": None,
}
# Of those, the ones that read a whole stream, file or message (the rest read one line or
# token).
WHOLE_READ_METHODS = frozenset(
    {
        "ReadAll",
        "ReadFile",
        "Output",
        "CombinedOutput",
        "ReadMessage",
        "Receive",
        "ReceiveMessage",
        "Recv",
    }
)
# Of those, the ones known by their receiver's type only (the name alone says little).
_TYPED_READ_METHODS = frozenset({"Output", "CombinedOutput"})
# Methods returning a view of the reader's own buffer, valid until the next read: name ->
# (receiver type, whether the name is specific enough when the receiver's type is unknown).
VIEW_METHODS: dict[str, tuple[tuple[str, str], bool]] = {
    "ReadSlice": (("bufio", "Reader"), True),
    "ReadLine": (("bufio", "Reader"), False),
    "Peek": (("bufio", "Reader"), False),
    "Bytes": (("bufio", "Scanner"), False),
}
SCANNER_METHODS = frozenset({"Text", "Bytes"})
# `r.Read()` of a `csv.Reader` gives a record whose fields are all cut from one string, the
# row: a field kept keeps the whole row.
CSV_READER = ("encoding/csv", "Reader")
_MEMORY_READER = re.compile(r"(?:strings\.NewReader|bytes\.NewReader|bytes\.NewBufferString)\(")
BUFFER_METHODS = frozenset({"Bytes", "String"})

# Calls that fill their buffer argument with read data: `r.Read(buf)`, `io.ReadFull(r, buf)`,
# `conn.ReadFromUDP(buf)`, `unix.Recvfrom(fd, buf, 0)`, or with what they decode into it
# (`base64.StdEncoding.Decode(buf, raw)`, `hex.Decode(buf, src)`).
_FILLS = (
    r"(Read\w*|Recv\w*)\((?:[^()]*,\s*)?{name}\s*(?:\[[^\]]*\])?\s*[,)]"
    r"|(Decode)\(\s*{name}\s*,"
)
# Of those, the calls that fill the whole buffer or fail (so a buffer sized at run time and
# filled by them is made to the size of what is read).
_FILLS_WHOLE = frozenset({"ReadFull", "ReadAt"})
# How many steps `origin` follows back (assignments, trims, cuts, helpers): a cursor cut and
# trimmed line by line (`line, doc, _ = strings.Cut(doc, "\n")`, `line =
# strings.TrimSpace(line)`, `k, v, _ := strings.Cut(line, "=")`, `k = strings.TrimSpace(k)`)
# takes eight.
_MAX_ORIGIN_DEPTH = 10
# What a pool's New makes: `make([]byte, 64<<10)`.
_POOL_MAKE = re.compile(
    rb"make\(\s*\[\]byte\s*,\s*([0-9][0-9 <*]*?)\s*(?:,\s*([0-9][0-9 <*]*?)\s*)?\)"
)


# What follows a name that is assigned: `x = `, `x, err := `, `x += ` (not `x == `).
_ASSIGN_AFTER = re.compile(rb"\s*(?:,\s*[\w.]+\s*)*(?:[-+*/|&^%]?=[^=]|:=)")


def assigned_offsets(source: bytes, name: bytes, start: int, end: int) -> Iterator[int]:
    """Where `name` looks assigned in source[start:end] (`name = `, `name, err := `, `err,
    name = `, `name += `): a text search, without a pattern made for the name."""
    at = source.find(name, start, end)
    while at >= 0:
        after = at + len(name)
        before = source[at - 1 : at]
        if (
            not (before.isalnum() or before in (b"_", b"."))
            and not (source[after : after + 1].isalnum() or source[after : after + 1] == b"_")
            and _ASSIGN_AFTER.match(source, after) is not None
        ):
            yield at
        at = source.find(name, after, end)


@dataclass(frozen=True)
class Source:
    """The value a piece shares memory with, and what is known of its size."""

    node: Node  # the expression named in messages (`s1`, `data`)
    confidence: Confidence
    related: tuple[int, int, str] | None = None
    kind: str = READ
    param: Binding | None = None  # the parameter, for kind PARAM
    what: str = ""  # how the source came to be, for the impact reason: "os.ReadFile(path)"
    size: int | None = None  # a buffer's constant size in bytes, when it can be computed
    filled: bool = False  # a buffer that a read fills
    fresh: bool = False  # with `filled`: made anew for each read whose bytes are kept
    # A buffer sized at run time and filled whole by io.ReadFull or ReadAt: made to the size
    # of the record read (`what` holds its size expression).
    exact: bool = False
    # Related locations that show how the data got here, when it came through other
    # functions of the package: (path, start, end, message), source first.
    chain: tuple[tuple[str, int, int, str], ...] = ()
    # For a view: where the variable the reader hangs off is declared (`dec` of
    # `dec.s.Bytes()`), to tell a holder on the same object (the reader's own cursor).
    reader: tuple[int, int] | None = None
    # The variable of a range over the parts of the value (`line` of `range strings.Split(text,
    # "\n")`): what is cut from it is cut from one part, not from the whole.
    part: bool = False
    # For kind PARAM: the field of the parameter that holds the data (`Raw` of `frag.Raw`,
    # `frag Fragment`): what callers put in that field decides (`Package.lift`). Kept on
    # what a caller passes there (`lifted_source`), to name it.
    field: str | None = None
    # For a view: what overwrites it next, "read" (a reader's buffer) or "write" (the bytes
    # of a `bytes.Buffer` reset and written again: `s.gzBuf.Bytes()`), or "documented": a
    # function of the package whose documentation says so, in the words of `until`.
    next_op: str = "read"
    until: str = ""
    # For kind PARAM, in a summary: reached through a zero-copy decoder over the parameter
    # (`Returned.decoded`).
    decoded: bool = False
    # For a view: the receiver's own read buffer (`f.buf`, `_reused_field`), which the
    # object reads into again at each call.
    own_buffer: bool = False


@dataclass(frozen=True)
class Size:
    impact: Impact
    reason: str


_LIMIT_READER = re.compile(r"^io\.LimitReader\(.*,\s*([^,()]+)\)$", re.S)


def constant_size(expr: str) -> int | None:
    """The value of a literal size (`4096`, `1<<20`, `64*1024`), else None."""
    terms = re.split(r"\s*(<<|\*)\s*", expr.strip())
    if not all(t.isdigit() for t in terms[::2]):
        return None
    value = int(terms[0])
    for op, term in zip(terms[1::2], terms[2::2], strict=True):
        value = value << int(term) if op == "<<" else value * int(term)
        if value > 1 << 40:
            return None
    return value


def _limited(reader: Node) -> bool:
    """`io.LimitReader(r, 64)`: a reader of fewer than BIG_BUFFER bytes, by a constant."""
    found = _LIMIT_READER.match(text(unparen(reader)))
    limit = constant_size(found.group(1)) if found is not None else None
    return limit is not None and limit < BIG_BUFFER


def judge(source: Source, name: str, collects: bool, caller: bool = False) -> Size:
    """Whether `source` (named `name` in the message) is demonstrably big. `collects`: the
    place keeps one piece per store (a map key, an appended element, a channel), rather than
    one piece in a single slot; `caller`: it is a collection the caller passes in."""
    kind = source.kind
    what = source.what or name
    if kind == VIEW:
        if source.next_op == "unmap" and collects:
            return Size(
                Impact.GROWS,
                f"{what} maps a file: its bytes are valid only until it is unmapped, or "
                "remapped to grow",
            )
        if source.next_op == "pool":
            # (Kept anywhere, even in one slot: the next user of the pool writes over it.)
            return Size(
                Impact.GROWS,
                f"the bytes belong to a pooled buffer that {what} gives back, and the pool's "
                "next user overwrites them",
            )
        if source.next_op == "Scan":
            return Size(
                Impact.GROWS,
                f"database/sql lends {what}: the driver's bytes, valid only until the next "
                "call to Scan, which its documentation says to copy before keeping",
            )
        if source.next_op == "documented":
            # (The author's word: kept past that point, even in one slot, the bytes change
            # under the holder; one slot of the reader's own object is let be before this.)
            return Size(
                Impact.GROWS,
                f"the documentation of {what} says its result is valid for a while only: "
                f'"{source.until}"',
            )
        if not collects:
            # One slot holding the current token is the zero-copy design of decoders
            # ("valid until the next call"); the reader keeps its buffer anyway.
            return Size(
                Impact.BOUNDED,
                f"one slot holds the current view of {what}, as a zero-copy decoder does: "
                f"it is valid until the next {source.next_op}",
            )
        if source.next_op == "write":
            return Size(
                Impact.GROWS,
                f"{what} returns the bytes of a buffer that is reset and written again",
            )
        if source.own_buffer:
            return Size(
                Impact.GROWS, f"{what} is an object's read buffer, which its next read overwrites"
            )
        return Size(
            Impact.GROWS,
            f"{what} returns a view of the reader's buffer, which the next read overwrites",
        )
    if kind == TRUNCATED:
        return Size(
            Impact.GROWS,
            f"the guard {what} shows {name} can be longer than what is kept; the cut keeps "
            "all of it",
        )
    if kind == READ:
        return Size(Impact.GROWS, f"the source is the data read by {what}")
    if kind == LINE:
        # One line (token) of a stream: what adds up is one line per collected piece.
        if collects and caller:
            # (A line is a few dozen bytes: what adds up is how long the entries live, and a
            # parameter's collection is often a result the caller reads and drops.)
            return Size(
                Impact.BOUNDED,
                f"each kept piece keeps a whole line read by {what}, but the collection is "
                "the caller's: nothing here shows it outlives the call",
            )
        if collects:
            return Size(Impact.GROWS, f"each kept piece keeps a whole line read by {what}")
        return Size(
            Impact.BOUNDED, f"one slot keeps one line read by {what}: the line, not the stream"
        )
    if kind == BUFFER and source.what:
        # Sized at run time (`make([]byte, size)`) and filled by a read.
        if source.exact:
            if collects:
                return Size(
                    Impact.GROWS,
                    f"each kept piece keeps all of {name}, a record read whole "
                    f"(make([]byte, {source.what}))",
                )
            return Size(
                Impact.BOUNDED,
                f"{name} is made to the size of the record it reads "
                f"(make([]byte, {source.what})): one slot keeps the rest of one record",
            )
        return Size(
            Impact.GROWS,
            f"{name} is a read buffer sized at run time (make([]byte, {source.what})): a short "
            "read leaves the rest unused but kept",
        )
    if kind == BUFFER:
        amount = _bytes(source.size)
        if source.filled and source.fresh and source.size is not None and source.size < BIG_BUFFER:
            # (`buf := make([]byte, 1500)` for each datagram, `buf[:n]` handed on: at most the
            # rest of one small buffer per piece.)
            return Size(
                Impact.BOUNDED,
                f"{name} is {amount} read buffer made for each read: each kept piece keeps "
                "at most that",
            )
        if source.filled:
            return Size(Impact.GROWS, f"{name} is {amount} read buffer")
        if source.size is None or source.size >= BIG_BUFFER:
            return Size(Impact.GROWS, f"{name} is {amount} buffer")
        return Size(Impact.BOUNDED, f"{name} is {amount} scratch buffer (small)")
    if kind == STATUS_FILE:
        return Size(Impact.BOUNDED, f"the source is {what}, a small kernel status file")
    if kind == VERSION_OUTPUT:
        return Size(Impact.BOUNDED, f"the source is {what}, what a command prints of its version")
    if kind == ASSEMBLED:
        return Size(
            Impact.BOUNDED,
            f"the source is {what}, what this code wrote into a buffer: nothing shows it is large",
        )
    if kind == CONVERSION:
        return Size(
            Impact.BOUNDED,
            f"{name} copies a byte slice of unknown size: nothing here shows it is large",
        )
    small = small_by_nature(source.param) if source.param is not None else None
    if small is not None:
        what, via = small
        return Size(Impact.BOUNDED, f"by its {via}, {name} holds {what} (small by nature)")
    role = (
        "the receiver"
        if source.param is not None and source.param.kind == "receiver"
        else ("a parameter")
    )
    param = source.param.name if source.param is not None else name
    if param != name and not name.startswith((f"{param}.", f"{param}[")):
        # (`all := append(e.pending, spans...)`, a copy as big as the parameter, or `s :=
        # strings.TrimSpace(line)`, the parameter trimmed.)
        return Size(
            Impact.BOUNDED,
            f"{name} comes from {param}, {role}: the caller decides its size, and "
            "nothing here shows it is large",
        )
    return Size(
        Impact.BOUNDED,
        f"{name} is {role}: the caller decides its size, and nothing here shows it is large",
    )


def name_of(call: Node) -> str:
    """The called name of `call` (`Mmap` of `syscall.Mmap(...)`)."""
    func = call.child_by_field_name("function")
    if func is not None and func.type == "selector_expression":
        return text(func.child_by_field_name("field"))
    return text(func) if func is not None else ""


def _release_call(node: Node | None, name: str) -> Node | None:
    """The call that the identifier `node` (named `name`) is passed to (`put(bb)`,
    `pool.Put(&b)`) or called a method on (`bb.release()`), or None."""
    if node is None or node.type != "identifier" or text(node) != name:
        return None
    parent = node.parent
    if parent is not None and parent.type == "unary_expression":
        node, parent = parent, parent.parent
    if parent is not None and parent.type == "argument_list":
        call = parent.parent
        return call if call is not None and call.type == "call_expression" else None
    if parent is not None and parent.type == "selector_expression":
        call = parent.parent
        if call is not None and call.type == "call_expression" and not _args(call):
            return call if call.child_by_field_name("function") == parent else None
    return None


def _deferred(call: Node, body: Node) -> bool | None:
    """Whether `call` runs when the function returns (`defer put(b)`, also in a deferred
    closure); None when it is in another function literal (a release function returned to
    the caller, a goroutine: it runs at some other time)."""
    node = call.parent
    while node is not None and node != body:
        if node.type == "defer_statement":
            return True
        if node.type == "func_literal":
            return None
        node = node.parent
    return False


def _bytes(size: int | None) -> str:
    if size is None:
        return "a constant-size"
    amount = f"{size // 1024} KiB" if size >= 1024 and size % 1024 == 0 else f"{size}-byte"
    article = "an" if amount.startswith(("8", "11 ", "18 ", "11-", "18-")) else "a"
    return f"{article} {amount}"


# Kernel tables that grow with the machine's load, not a few kilobytes: the mount tables (a
# node running hundreds of containers has thousands of mounts), the network tables (a line per
# socket or route), a process's memory maps, the kernel's symbols.
_GROWING_TABLE = re.compile(r"/(?:mounts|mountinfo|mountstats|maps|smaps|kallsyms)$|/net/")


def status_file(path: str) -> bool:
    """A literal path of a kernel status file (`"/proc/self/status"`, `"/sys/fs/..."`): a
    few kilobytes at most (not a table that grows with the machine, `_GROWING_TABLE`)."""
    if re.fullmatch(r'"/(?:proc|sys)/[^"]*"|`/(?:proc|sys)/[^`]*`', path) is None:
        return False
    return _GROWING_TABLE.search(path[1:-1]) is None


def read_into(body: bytes, buffer: str) -> bool:
    """Whether the function text `body` fills the bytes.Buffer or strings.Builder `buffer`
    from a reader: `buf.ReadFrom(r)`, `io.Copy(&buf, r)`, or writes into it what it reads
    (`line, err := br.ReadString('\n')`, then `b.WriteString(line)`; `io.ReadFull(r, body)`,
    then `b.Write(body)`)."""
    name = re.escape(buffer.lstrip("&")).encode()
    if (
        re.search(rb"(?<![\w.])" + name + rb"\.ReadFrom\(", body) is not None
        or re.search(rb"\bio\.Copy(?:N|Buffer)?\(\s*&?" + name + rb"\s*,", body) is not None
    ):
        return True
    written = re.compile(rb"(?<![\w.])" + name + rb"\.Write(?:String)?\(\s*([A-Za-z_]\w*)")
    for match in written.finditer(body):
        value = re.escape(match.group(1))
        read = rb"(?<![\w.])" + value + rb"\s*(?:,\s*\w+\s*)?:?=\s*[\w.]+\.Read(?:String|Bytes)\("
        if re.search(read, body) is not None or fills(body, match.group(1).decode()):
            return True
    return False


def fills(body: bytes, name: str) -> bool:
    """Whether the function text `body` reads data into the buffer `name`."""
    return bool(fillers(body, name))


# Arguments that ask a command for its version.
_VERSION_FLAGS = frozenset({'"--version"', '"-version"', '"version"', '"-v"', '"-V"'})


def _version_command(call: Node) -> bool:
    """`exec.Command(bin, "--version").Output()` (or CombinedOutput): a command asked for
    its version, whose output is a line or two."""
    func = call.child_by_field_name("function")
    command = unparen(func.child_by_field_name("operand")) if func is not None else None
    if command is None or command.type != "call_expression":
        return False
    if _callee_name(command) not in ("Command", "CommandContext"):
        return False
    return any(_flat(text(arg)) in _VERSION_FLAGS for arg in _args(command))


def decoded_from(found: Source | None, decoded: bool, evaluating: bool) -> Source | None:
    """What a zero-copy decoder (`Returned.decoded`) gives of `found`, its argument's origin:
    a view stays a view; a parameter, in a summary, is still decoded; anything else is
    the decoder's design, not followed."""
    if found is None or not decoded or found.kind == VIEW:
        return found
    if found.kind == PARAM and evaluating:
        return replace(found, decoded=True)
    return None


def _field_of_param(node: Node, binding: Binding, field: str) -> Source:
    """The data in the field `field` of the parameter `binding` (at `node`): what the
    callers put there decides (`Package.lift`)."""
    decl = binding.node
    assert decl is not None
    note = (
        decl.start_byte,
        decl.end_byte,
        f"{binding.name} is a parameter: the caller decides what {binding.name}.{field} holds",
    )
    return Source(node, Confidence.LOW, note, PARAM, binding, field=field)


def fillers(body: bytes, name: str) -> set[str]:
    """The names of the calls that read data into the buffer `name` in the function text
    `body` (`Read`, `ReadFull`, `RecvFrom`, ...)."""
    pattern = _FILLS.replace("{name}", re.escape(name))
    return {(m.group(1) or m.group(2)).decode() for m in re.finditer(pattern.encode(), body)}


# Words (in a name or type) that say a value is small by nature -> how to say it.
_SMALL_WORDS = {
    "name": "a name",
    "id": "an ID",
    "uuid": "an ID",
    "key": "a key",
    "tag": "a tag",
    "structtag": "a struct tag",
    "label": "a label",
    "dsn": "a DSN",
    "domain": "a domain name",
    "host": "a host name",
    "hostname": "a host name",
    "addr": "an address",
    "address": "an address",
    "ip": "an IP address",
    "port": "a port",
    "url": "a URL",
    "uri": "a URI",
    "route": "a route",
    "path": "a path",
    "pattern": "a pattern",
    "flag": "a flag",
    "arg": "a command-line argument",
    "opt": "an option",
    "option": "an option",
    "env": "an environment value",
    "scheme": "a scheme",
    "method": "a method name",
    "prefix": "a prefix",
    "suffix": "a suffix",
    "ext": "an extension",
    "mime": "a MIME type",
    "version": "a version",
    "user": "a user name",
    "username": "a user name",
    "token": "a token",
    "nonce": "a nonce",
    "challenge": "an authentication message",
    "auth": "an authentication message",
    "cred": "a credential",
    "credential": "a credential",
    "password": "a password",
    "field": "a field name",
    "column": "a column name",
    "lang": "a language tag",
    "locale": "a locale",
}
# Words that only say how a value is stored: `tagStr`, `keyBytes`, `hostVal`.
_FILLERS = frozenset({"s", "str", "string", "b", "bytes", "byte", "buf", "val", "value", "in"})
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def small_by_nature(binding: Binding) -> tuple[str, str] | None:
    """(what, "name" or "type") when the parameter's name or type says it is small by
    nature (("a host name", "name")), else None. The head noun counts: `fileName` is a
    name, `nameData` is data."""
    for via, word_source in (("name", binding.name), ("type", _type_name(binding.type))):
        words = [w.lower() for w in _WORDS.findall(word_source or "")]
        while words and words[-1] in _FILLERS:
            words.pop()
        if not words:
            continue
        joined = "".join(words)
        if joined in _SMALL_WORDS:
            return _SMALL_WORDS[joined], via
        if words[-1] in _SMALL_WORDS:
            return _SMALL_WORDS[words[-1]], via
    return None


def _type_name(type_text: str | None) -> str:
    """`reflect.StructTag` -> `StructTag`; built-in and composite types say nothing."""
    if not type_text or not re.fullmatch(r"\*?[\w.]+", type_text):
        return ""
    name = type_text.rsplit(".", 1)[-1].lstrip("*")
    return "" if name in ("string", "byte", "rune", "any") else name


class Origins:
    """The part of the analysis that finds what a value was cut from (a mixin of
    `_retention._Analysis`)."""

    ctx: FileContext
    types: TypeResolver
    root: Node
    _origins: dict[tuple[int, int], Source | None]
    _summary_origins: dict[tuple[int, int], Source | None]
    _pools: frozenset[str] | None  # the pools this file declares by type (`_declared_pools`)
    # The assignments to a parameter in a function: (function start, name) -> statements.
    _assignments: dict[tuple[int, str], list[tuple[Node, int]]]
    pkg: Package

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

    def origin(self, expr: Node | None, depth: int = 0) -> Source | None:
        """The plausibly large value `expr` is (part of), or None (small, unknown, global)."""
        if expr is None or depth > _MAX_ORIGIN_DEPTH:
            return None
        expr = unparen(expr)
        key = (expr.start_byte, expr.end_byte)
        # (What a helper's summary follows differs a little, `_multi_origin`: its own memo.)
        memo = self._summary_origins if self.pkg.evaluating else self._origins
        if key in memo:
            return memo[key]
        memo[key] = None  # cycles end here
        found = self._origin(expr, depth)
        memo[key] = found
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
        if kind == "binary_expression" and text(expr.child_by_field_name("operator")) == "+":
            return self._concatenated(expr, depth)
        if kind == "selector_expression":
            return (
                self._param_field(expr)
                or self._filled_field(expr, depth)
                or self._pooled_part(expr, expr.child_by_field_name("operand"))
                or self._reused_field(expr)
            )
        if kind == "unary_expression" and text(expr.child_by_field_name("operator")) == "*":
            # `(*bp)[:n]` of `bp := pool.Get().(*[]byte)`: the slice it points to. (Not a
            # slice the caller owns, `*ptr, err = readN(r, *ptr, n)`: reused on purpose.)
            found = self.origin(expr.child_by_field_name("operand"), depth + 1)
            return found if found is not None and found.kind in (BUFFER, VIEW) else None
        return None

    def _param_field(self, expr: Node) -> Source | None:
        """`frag.Raw` of a parameter `frag` (a struct, or a pointer to one): the data in that
        field is what the callers put there. Only such a source that a caller fills with big
        data is reported (`Package.lift`): on its own, a field of a parameter is mostly a
        name or an option."""
        operand = expr.child_by_field_name("operand")
        field = expr.child_by_field_name("field")
        parent = expr.parent
        if operand is None or field is None or operand.type != "identifier":
            return None
        if parent is not None and parent.type == "call_expression":
            return None  # `p.Method(...)`
        binding = self.types.lookup(operand)
        if binding is None or binding.kind != BINDING_PARAM or binding.node is None:
            return None
        if self._reassigned(expr, binding) is not None:
            return None
        return _field_of_param(expr, binding, text(field))

    def _reused_field(self, expr: Node) -> Source | None:
        """`f.buf` of the receiver, a byte slice the method makes there when too small
        (`f.buf = make([]byte, need)`) and reads into (`b := f.buf[:need]`, then
        `io.ReadFull(f.conn, b)`): the object's one read buffer, which the next call reads
        into again."""
        operand = expr.child_by_field_name("operand")
        binding = self.types.lookup(operand) if operand is not None else None
        if operand is None or operand.type != "identifier" or binding is None:
            return None
        if binding.kind != RECEIVER or normalise_type(self.types.type_of(expr) or "") != "[]byte":
            return None
        func = enclosing_function(expr)
        code = func.text or b"" if func is not None else b""
        place = re.escape(_flat(text(expr)).encode())
        if re.search(rb"(?<![\w.])" + place + rb"\s*=\s*make\(", code) is None:
            return None
        names = {_flat(text(expr))}
        local = re.compile(rb"(?<![\w.])(\w+)\s*:=\s*" + place + rb"\s*\[")
        names.update(m.group(1).decode() for m in local.finditer(code))
        if not any(fills(code, name) for name in names):
            return None
        note = (
            expr.start_byte,
            expr.end_byte,
            f"{_flat(text(expr))} is the object's read buffer, which each call reads into again",
        )
        what = _flat(text(expr))
        # (Kept in the same object, a record of what it last read: its own buffer, by design.)
        reader = binding.declared_at
        return Source(expr, Confidence.HIGH, note, VIEW, what=what, reader=reader, own_buffer=True)

    def _filled_field(self, expr: Node, depth: int) -> Source | None:
        """`rec.Data` of a local record a function of the package filled before, in this
        function (`var rec Record; d.decode(&rec)` with `rec.Data = data` in decode, a view
        of the decoder's buffer): what that function set the field to (`Package.filled`)."""
        operand = expr.child_by_field_name("operand")
        if operand is None or operand.type != "identifier":
            return None
        parent = expr.parent
        if parent is not None and parent.type == "call_expression":
            return None  # `rec.Method(...)`
        binding = self.types.lookup(operand)
        func = enclosing_function(expr)
        if binding is None or binding.kind != LOCAL or func is None or binding.node is None:
            return None
        if self.ctx.source.find(b"&" + binding.name.encode(), binding.node.end_byte) < 0:
            return None  # (never passed by its address: the usual case, cheap to see)
        name = re.escape(binding.name.encode())
        passed = re.compile(rb"[(,]\s*&" + name + rb"\s*[,)]")
        found = None
        for match in passed.finditer(self.ctx.source, binding.node.end_byte, expr.start_byte):
            found = match  # (the last call before the use)
        if found is None:
            return None
        at = found.end() - 2
        call = self.root.descendant_for_byte_range(at, at + 1)
        while call is not None and call.type != "call_expression":
            call = call.parent
        if call is None or enclosing_function(call) != func:
            return None
        args = _args(call)
        position = next((i for i, a in enumerate(args) if _flat(text(a)) == f"&{binding.name}"), -1)
        key = self.pkg.callee(self, call) if position >= 0 else None
        if key is None:
            return None
        returned = self.pkg.filled(key, position).get(text(expr.child_by_field_name("field")))
        if returned is None:
            return None
        given = self._given(call, returned, depth)
        if given is None:
            return None
        note = (call.start_byte, call.end_byte, f"{_flat(text(call))} sets {_flat(text(expr))}")
        return replace(given, node=expr, chain=(*given.chain, *returned.notes), related=note)

    def field_origin(self, arg: Node, field: str, depth: int = 0) -> Source | None:
        """What the field `field` of the value `arg` holds, as a caller passes it: a field of
        its own parameter (`buildFinding(frag, ...)`), the value a composite literal sets it to
        (`Detect(Fragment{Raw: string(data)})`, also through a local holding the literal), or
        else the data read whole that the package only ever sets that field of the type to
        (`f, err := readFragment(path)` of a helper making `Fragment{Raw: string(data)}`)."""
        arg = unparen(arg)
        if arg.type == "unary_expression" and text(arg).startswith("&"):
            operand = arg.child_by_field_name("operand")
            arg = unparen(operand) if operand is not None else arg
        typed = arg
        if arg.type == "identifier":
            binding = self.types.lookup(arg)
            if binding is None:
                return None
            if binding.kind == BINDING_PARAM and binding.node is not None:
                if self._reassigned(arg, binding) is not None:
                    return None
                return _field_of_param(arg, binding, field)
            if binding.kind != LOCAL or binding.value is None or self._set_before(arg, binding):
                return None
            value = unparen(binding.value)
            if value.type == "unary_expression" and text(value).startswith("&"):
                operand = value.child_by_field_name("operand")
                value = unparen(operand) if operand is not None else value
            arg = value
        if arg.type == "call_expression" and depth <= 3:
            held = self.types.type_of(typed)
            owner = receiver_type_name(held) if held else ""
            found = self.pkg.field_read(owner, field) if owner else None
            return replace(found, node=typed) if found is not None else None
        if arg.type != "composite_literal" or depth > 3:
            return None
        body = arg.child_by_field_name("body")
        for element in body.named_children if body is not None else ():
            keyed = keyed_value(element)
            if keyed is not None and keyed[0] == field:
                return self.origin(keyed[1], depth + 1)
        return None

    def _binding_origin(self, use: Node, binding: Binding, depth: int) -> Source | None:
        name = binding.name
        if binding.kind in (CASE, LOCAL) and binding.value is not None:
            scanned = self._scanned(use, binding)
            if scanned is not None:
                return scanned
        if binding.kind in (BINDING_PARAM, RECEIVER):
            if binding.node is None:
                return None
            role = "the receiver" if binding.kind == RECEIVER else "a parameter"
            decl = binding.node
            if self._small_by_contract(binding):
                return None
            if binding.kind == BINDING_PARAM:
                reassigned = self._reassigned(use, binding)
                if reassigned is not None:
                    # `key = store.Normalize(key)` before this use: what it holds now.
                    return self._reassigned_origin(use, reassigned, depth)
                handed = self._callback_origin(use, binding, depth)
                if handed is not None:
                    return handed
            # The caller decides the size. On real code most parameters that get cut and
            # kept are small (names, flags, tags, routes): worth a look, not an alarm.
            return Source(
                use,
                Confidence.LOW,
                (decl.start_byte, decl.end_byte, f"{name} is {role}: the caller decides its size"),
                PARAM,
                binding,
            )
        if binding.kind == RANGE and binding.value is not None:
            # A range variable over large data (the lines of a file) is large.
            if binding.index == 0 and not self._ranges_keys(binding):
                return None
            inner = self.origin(binding.value, depth + 1)
            if inner is None:
                return None
            return replace(inner, node=use, part=True)
        if binding.kind == LOCAL and binding.value is None:
            appended = self._read_appended(use, binding)
            if appended is not None:
                return appended
        if binding.kind == LOCAL and self._set_before(use, binding):
            reassigned = self._reassigned(use, binding)
            if reassigned is not None:
                # `line, rest, _ = strings.Cut(rest, "\n")` before this use: what it holds now.
                return self._reassigned_origin(use, reassigned, depth)
        if binding.kind == LOCAL and binding.value is None and binding.node is not None:
            decoded = self._unmarshalled(use, binding, depth)
            if decoded is not None:
                return decoded
        if binding.kind == LOCAL and binding.value is not None:
            pooled = self._written_back(use, binding)
            if pooled is not None:
                return pooled
            value = unparen(binding.value)
            if binding.multi:
                return self._multi_origin(use, value, binding.index, depth)
            if value.type == "call_expression" and _callee_name(value) == "make":
                return self._made_buffer(use, value, binding)
            if value.type == "type_assertion_expression":
                return self._pooled(use, value, binding)
            if value.type == "call_expression" and self._pool_taken(value) is not None:
                return self._pooled(use, value, binding)
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

    def _written_back(self, use: Node, binding: Binding) -> Source | None:
        """A local its function puts back as a pooled buffer's new contents (`*bp = buf[:0]`
        of `bp := bufPool.Get().(*[]byte)` given back, `buf` what `c.fetch(key, (*bp)[:0])`
        appended to it): the pool's buffer, a view its next user overwrites."""
        func = enclosing_function(use)
        if func is None or not self.pkg.gives_back():
            return None  # (no pool given back to in the package: nothing to look for)
        name = re.escape(binding.name.encode())
        back = re.compile(
            rb"\*\s*([A-Za-z_]\w*)\s*=\s*" + name + rb"\s*(?:\[\s*:\s*0\s*\])?\s*$", re.M
        )
        for match in back.finditer(self.ctx.source, func.start_byte, func.end_byte):
            holder = self.root.descendant_for_byte_range(match.start(1), match.end(1))
            if holder is None or holder.type != "identifier":
                continue
            found = self.origin(holder)
            if found is not None and found.kind == VIEW and found.next_op == "pool":
                return replace(found, node=use)
        return None

    def _read_appended(self, use: Node, binding: Binding) -> Source | None:
        """A byte slice declared empty (`var out []byte`) that its function grows with
        `append` and fills with reads (`io.ReadFull(br, out[start:])`): the messages read
        whole, as `io.ReadAll` would give them."""
        func = enclosing_function(use)
        code = func.text or b"" if func is not None else b""
        name = re.escape(binding.name.encode())
        if func is None or (self.types.binding_type(binding) or "").replace(" ", "") != "[]byte":
            return None
        grown = rb"(?<![\w.])" + name + rb"\s*=\s*append\(\s*" + name + rb"\s*,"
        if re.search(grown, code) is None or not fills(code, binding.name):
            return None
        decl = binding.node
        related = (
            (decl.start_byte, decl.end_byte, f"{binding.name} is filled with what is read here")
            if decl is not None
            else None
        )
        return Source(use, Confidence.MEDIUM, related, READ, what=f"{binding.name}, read here")

    def _callback_origin(self, use: Node, binding: Binding, depth: int) -> Source | None:
        """A parameter of a function literal passed to a function of the package, which
        calls it with pieces (`ls.Range(func(name, value string) {...})`): what that
        function passes it, in terms of this call (`Package.passes`)."""
        decl = binding.node
        params = decl.parent if decl is not None else None
        params = params.parent if params is not None else None
        literal = params.parent if params is not None else None
        if literal is None or literal.type != "func_literal" or depth > 4:
            return None
        call = _call_of_argument(literal)
        if call is None:
            return None
        from leakscope.core.rules._retention_summaries import param_names

        names = param_names(literal)
        if literal not in _args(call) or binding.name not in names:
            return None
        passed = self.pkg.passes(self, call, _args(call).index(literal), names.index(binding.name))
        if passed is None:
            return None
        if passed.field is not None:
            # The receiver's field: what the caller's receiver holds there (`ls.Range` of
            # a parameter `ls`: what its callers put in `ls.data`).
            func = call.child_by_field_name("function")
            operand = func.child_by_field_name("operand") if func is not None else None
            if operand is not None and unparen(operand).type == "identifier":
                receiver = self.types.lookup(unparen(operand))
                found = None
                if receiver is not None and receiver.kind == BINDING_PARAM:
                    found = self.field_origin(operand, passed.field, depth + 1)
                    if found is None or found.kind == PARAM:
                        # (A field the package only ever sets to data read whole.)
                        found = self._field_read(call, passed) or found
                elif receiver is not None and receiver.kind in (LOCAL, RANGE):
                    # `attrs := parseLogfmt(line)`: what it was made with, the caller's
                    # parameter too (its callers decide). Or one of a helper's records
                    # (`for _, p := range parsePoints(body)`) whose field is a piece.
                    made = self.made_origin(call, passed.field, depth)
                    found = made[0] if made is not None else None
                    found = found or self._record_piece(call, passed.field, depth)
                if found is None:
                    # (A field the package only ever sets to data read whole.)
                    return self._field_read(call, passed)
                return replace(found, chain=(*found.chain, *passed.notes))
        found = self._given(call, passed, depth)
        if found is None:
            return None
        return replace(found, chain=(*found.chain, *passed.notes))

    def _scanned(self, use: Node, binding: Binding) -> Source | None:
        """The bytes a `sql.Scanner`'s `Scan(src any) error` gets (`case []byte:` of
        `switch v := src.(type)`, or `b, ok := src.([]byte)`): database/sql's contract is
        that they are the driver's, valid only until the next call to Scan, and must be
        copied to be kept."""
        value = unparen(binding.value) if binding.value is not None else None
        if value is None:
            return None
        if binding.kind == CASE:
            if binding.type != "[]byte":
                return None
        elif value.type == "type_assertion_expression" and binding.index == 0:
            asserted = value.child_by_field_name("type")
            if asserted is None or normalise_type(text(asserted)) != "[]byte":
                return None
            value = unparen(value.child_by_field_name("operand") or value)
        else:
            return None
        src = self.types.lookup(value) if value.type == "identifier" else None
        func = enclosing_function(use)
        if src is None or src.kind != BINDING_PARAM or func is None:
            return None
        if func.type != "method_declaration" or text(func.child_by_field_name("name")) != "Scan":
            return None
        params = func.child_by_field_name("parameters")
        result = func.child_by_field_name("result")
        declared = (
            [p for p in params.named_children if p.type == "parameter_declaration"]
            if params
            else []
        )
        if len(declared) != 1 or result is None or text(result) != "error":
            return None
        kind = normalise_type(text(declared[0].child_by_field_name("type") or declared[0]))
        if kind not in ("any", "interface{}"):
            return None
        note = (
            value.start_byte,
            value.end_byte,
            f"{text(value)} is the driver's: valid only until the next call to Scan",
        )
        return Source(use, Confidence.HIGH, note, VIEW, what=text(value), next_op="Scan")

    def _unmarshalled(self, use: Node, binding: Binding, depth: int) -> Source | None:
        """`var events []Event; json.Unmarshal(data, &events)`: a slice decoded from read
        data is as big as what it was decoded from (one element per record of it)."""
        start = binding.node.end_byte  # type: ignore[union-attr]
        if self.ctx.source.find(b"Unmarshal(", start, use.start_byte) < 0:
            return None
        if not is_slice(self.types.underlying(self.types.binding_type(binding))):
            return None
        pattern = re.compile(
            rb"\bUnmarshal\(\s*([\w.]+)\s*,\s*&" + re.escape(binding.name.encode()) + rb"\s*\)"
        )
        match = pattern.search(self.ctx.source, start, use.start_byte)
        if match is None:
            return None
        call = self.root.descendant_for_byte_range(match.start(), match.end() - 1)
        while call is not None and call.type != "call_expression":
            call = call.parent
        args = _args(call) if call is not None else []
        inner = self.origin(args[0], depth + 1) if args else None
        if call is None or inner is None or inner.kind not in (READ, BUFFER):
            return None
        note = (call.start_byte, call.end_byte, f"{binding.name} is decoded from {text(args[0])}")
        return replace(inner, node=use, related=note)

    def _set_before(self, use: Node, binding: Binding) -> bool:
        """A cheap look between a local's declaration and `use`: does anything there look
        like an assignment to it?"""
        start = binding.statement.end_byte if binding.statement is not None else 0
        if start >= use.start_byte:
            return False
        found = assigned_offsets(self.ctx.source, binding.name.encode(), start, use.start_byte)
        return next(found, None) is not None

    def _reassigned(self, use: Node, binding: Binding) -> tuple[Node, int] | None:
        """The last assignment to the parameter or local `binding` before `use` that runs on every
        path to it (its statement's block holds `use`): (statement, position among its
        left-hand sides), or None when the use still holds what the caller passed."""
        func = enclosing_function(use)
        if func is None:
            return None
        key = (func.start_byte, binding.name)
        assignments = self._assignments.get(key)
        if assignments is None:
            assignments = self._assignments[key] = self._assignments_of(func, binding)
        found = None
        for statement, index in assignments:
            if statement.end_byte > use.start_byte:
                break
            block = statement.parent
            if block is not None and block.start_byte <= use.start_byte < block.end_byte:
                found = (statement, index)
            elif _both_branches(statement, use, assignments):
                # `if i >= 0 { line, data = data[:i], data[i+1:] } else { line, data =
                # data, "" }`: set on every path, by the first branch as by the other.
                found = (statement, index)
        return found

    def _assignments_of(self, func: Node, binding: Binding) -> list[tuple[Node, int]]:
        """The statements of `func` (not of its function literals) assigning the parameter
        `binding` (`p = ...`, `p, err = ...`, `p += ...`, `p, err := ...` in its own scope,
        `for _, p = range ...`), in source order, with p's position on the left."""
        body = func.child_by_field_name("body")
        if body is None:
            return []
        name = binding.name.encode()
        out = []
        for at in assigned_offsets(self.ctx.source, name, body.start_byte, body.end_byte):
            ident = self.root.descendant_for_byte_range(at, at + len(name))
            if ident is None or ident.type != "identifier" or ident.start_byte != at:
                continue
            lefts = ident.parent
            owner = lefts.parent if lefts is not None else None
            if lefts is None or owner is None or lefts.type != "expression_list":
                continue
            if owner.child_by_field_name("left") != lefts:
                continue
            if owner.type == "short_var_declaration":
                if owner.parent != body:
                    continue  # a new variable in an inner scope
            elif owner.type == "assignment_statement":
                found = self.types.lookup(ident)
                if found is None or found.declared_at != binding.declared_at:
                    continue
            elif owner.type == "range_clause":
                owner = owner.parent or owner
            else:
                continue
            if enclosing_function(owner) != func:
                continue
            index = _list_items(lefts).index(ident) if ident in _list_items(lefts) else 0
            out.append((owner, index))
        return out

    def _reassigned_origin(
        self, use: Node, reassigned: tuple[Node, int], depth: int
    ) -> Source | None:
        """What a parameter holds after `statement` assigned it: a piece of what it held
        (`p = p[1:]`, `s = strings.TrimSpace(s)`), big data read into it, or (a new value from
        a call that is not known to return a piece of it: `key = store.Normalize(key)`, a
        concatenation, a range variable) no longer the caller's data: None."""
        statement, index = reassigned
        if statement.type not in ("assignment_statement", "short_var_declaration"):
            return None
        operator = statement.child_by_field_name("operator")
        if statement.type == "assignment_statement" and (operator is None or text(operator) != "="):
            return None  # `p += x`: a new string
        lefts = _list_items(statement.child_by_field_name("left"))
        rights = _list_items(statement.child_by_field_name("right"))
        if len(lefts) == len(rights):
            found = self.origin(rights[index], depth + 1)
        elif len(rights) == 1:
            found = self._multi_origin(use, unparen(rights[0]), index, depth + 1)
        else:
            return None
        if found is None or found.kind != PARAM:
            return found
        return replace(found, node=use)

    def _small_by_contract(self, binding: Binding) -> bool:
        """A parameter known to be small: the argument of a flag.Value's `Set(string) error`
        is one command-line argument."""
        func = enclosing_function(binding.node) if binding.node is not None else None
        return func is not None and flag_setter(func)

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
            # (The data is the first result, but of `kind, data, err := c.ReadMessage()`.)
            at = 1 if _callee_name(call) == "ReadMessage" else 0
            return replace(read, node=use) if index == at else None
        name = _callee_name(call)
        if name in _PIECE_RESULTS and index in _PIECE_RESULTS[name] and self._is_piece_call(call):
            return self.origin(_first_arg(call), depth + 1)
        if index == 0:  # `data, err := load(path)`
            found = self._helper_origin(call, depth)
            return replace(found, node=use) if found is not None else None
        for at, returned in self.pkg.later_at(self, call):
            # (`typ, rec, err := d.decode()`: a later result documented as a view. A piece of
            # an argument there, `n, data, err = decodeVarint(data)`, is a decoder's cursor.)
            view = returned.source is not None and returned.source.next_op == "documented"
            found = self._given(call, returned, depth) if at == index and view else None
            if found is not None:
                return replace(found, node=use)
        key = self.pkg.callee(self, call)
        later = self.pkg.returned(key, index) if key is not None else None
        if later is None or not later.piece or later.fields:
            return None
        if not self.pkg.evaluating and later.param is None and later.source is not None:
            # (`_, uri, err := peerIdentity(r)` of a helper cutting it from a body it reads.)
            found = self._given(call, later, depth)
            return replace(found, node=use) if found is not None else None
        if not self.pkg.evaluating:
            # (A cursor a decoder advances over its caller's data, `n, data, err =
            # decodeVarint(data)`, whose views it keeps in its own state by design: followed
            # only into what a helper returns, below.)
            return None
        if later.param is not None:
            # (`val, rest, err := lengthPrefixed(rest)` in a helper returning the records it
            # decodes: the rest, a piece of the argument.)
            found = self._given(call, later, depth)
            if found is not None:
                return replace(found, node=use)
        return None

    def _made_buffer(self, use: Node, make: Node, binding: Binding) -> Source | None:
        args = _args(make)
        if len(args) < 2 or not is_slice(self.types.underlying(normalise(text(args[0])))):
            return None
        size_node = args[1] if len(args) == 2 else args[2]
        # A scratch buffer has a constant size; one sized from variables is usually made to
        # measure (make([]T, n, capacity) semantics, a record of known length), unless a
        # read fills it.
        if not self._constant(size_node):
            return self._sized_buffer(use, make, binding, size_node)
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
        filled = func is not None and fills(func.text or b"", binding.name)
        # (Made anew for each piece, in the loop that keeps them, or in a function without
        # one, and kept up to what the read returned, `buf[:n]` of `n, err := r.Read(buf)`:
        # no piece shares it with another, and only its unused end is wasted.)
        loops = loops_around(use, func)
        fresh = (not loops or within(make, loops[0])) and _read_count_cut(use, binding.name)
        return Source(
            use, Confidence.MEDIUM, related, BUFFER, size=size, filled=filled, fresh=fresh
        )

    def _pooled(self, use: Node, value: Node, binding: Binding) -> Source | None:
        """`bp := bufPool.Get().(*[]byte)` (or `.([]byte)`, or `bp := getBuf()` of a getter of
        the package) of a `sync.Pool`. Given back in this function (`defer bufPool.Put(bp)`),
        a view of it: its bytes change under the holder once the pool's next user has it.
        Handed on: a scratch buffer as big as the pool makes them (`New: ... make([]byte,
        65535)`), which a piece kept of it pins whole; a getter's (`chunk := getChunk()`)
        too, its result a byte slice or a pointer to one."""
        pool = self._pool_taken(value)
        if pool is None:
            return None
        value = unparen(value)
        asserted = value.child_by_field_name("type")
        if asserted is not None and text(asserted).replace(" ", "") not in ("*[]byte", "[]byte"):
            return None
        if asserted is None:  # (a getter: its result type)
            kind = normalise_type(self.types.binding_type(binding) or "")
            if kind not in ("*[]byte", "[]byte"):
                return None
        view = self._given_back(use, binding, pool)
        if view is not None:
            return view
        size = self._pool_size(pool)
        decl = binding.node
        made = f"{_bytes(size)} " if size is not None else "a "
        related = (
            (
                decl.start_byte,
                decl.end_byte,
                f"{binding.name} is {made}buffer taken from {pool} here, which "
                "goes back to the pool for the next user",
            )
            if decl is not None
            else None
        )
        body = enclosing_function(value)
        code = body.text or b"" if body is not None else b""
        filled = fills(code, binding.name) or fills(code, f"*{binding.name}")
        return Source(use, Confidence.MEDIUM, related, BUFFER, size=size, filled=filled)

    def _field_read(self, call: Node, returned: Returned) -> Source | None:
        """What a method of the package gives its caller (returns, or passes a callback) of
        its receiver's field, when every value the package sets that field to is data read
        whole (`Package.field_read`): a view into it, however the receiver was made."""
        key = self.pkg.callee(self, call)
        func = call.child_by_field_name("function")
        operand = func.child_by_field_name("operand") if func is not None else None
        if key is None or not key[0] or returned.field is None or operand is None:
            return None
        found = self.pkg.field_read(key[0], returned.field)
        if found is None:
            return None
        return replace(
            found,
            node=unparen(operand),  # (named with the field: `tx.img`)
            field=returned.field,
            related=None,
            chain=(*found.chain, *returned.notes),
            confidence=weaker(found.confidence, Confidence.MEDIUM),
            reader=None,
        )

    def _receiver_given_back(self, call: Node) -> Source | None:
        """A view of a pooled buffer, for a method `call` handing out a piece of a field of
        its local receiver, when this function gives that receiver back to its pool (`defer
        s.Close()` of a `Close` that puts `s.slab` back)."""
        func = call.child_by_field_name("function")
        operand = func.child_by_field_name("operand") if func is not None else None
        operand = unparen(operand) if operand is not None else None
        if operand is None or operand.type != "identifier" or not self.pkg.gives_back():
            return None
        binding = self.types.lookup(operand)
        if binding is None or binding.kind != LOCAL or binding.node is None:
            return None
        return self._given_back(call, binding, None)

    def _pool_taken(self, value: Node) -> str | None:
        """The pool the value `value` is taken from: `bufPool.Get().(*T)`, or `getBuffer()` of
        a getter of the package (`_retention_pools`)."""
        declared = self._declared_pools()
        found = pools.pool_get(value, declared)
        if found is not None:
            return found
        value = unparen(value)
        if value.type != "call_expression" or _args(value) or not self.pkg.gives_back():
            return None  # (a getter's buffer is a view only when something puts it back)
        key = self.pkg.callee(self, value)
        return self.pkg.pool_getter(key) if key is not None else None

    def _declared_pools(self) -> frozenset[str]:
        if self._pools is None:
            self._pools = pools.declared_pools([self.ctx.source])
        return self._pools

    def _pooled_part(self, use: Node, operand: Node | None) -> Source | None:
        """`bb.B` or `buf.Bytes()` of a local taken from a pool and given back in this
        function (`bb := getBuffer(); defer putBuffer(bb)`): a view of the pooled bytes."""
        operand = unparen(operand) if operand is not None else None
        if operand is None or operand.type != "identifier":
            return None
        called = use.parent is not None and use.parent.type == "call_expression"
        if called and use.type == "selector_expression":
            return None  # `bb.Method(...)`
        binding = self.types.lookup(operand)
        if binding is None or binding.kind != LOCAL or binding.value is None or binding.multi:
            return None
        if self._set_before(operand, binding):
            return None
        pool = self._pool_taken(binding.value)
        return self._given_back(use, binding, pool) if pool is not None else None

    def _given_back(self, use: Node, binding: Binding, pool: str | None) -> Source | None:
        """A view of the pooled local `binding` at `use`, when the function gives it back to
        the pool (`_release`). `pool`: the pool it is taken from here, None for an object
        holding a pooled buffer (`s := openSegment(path)`)."""
        func = enclosing_function(binding.node) if binding.node is not None else None
        body = func.child_by_field_name("body") if func is not None else None
        if body is None or binding.node is None:
            return None
        release = self._release(body, binding.name, use, self._declared_pools())
        if release is None:
            return None
        decl = binding.node
        note = (
            decl.start_byte,
            decl.end_byte,
            (
                f"{binding.name} is taken from {pool} here"
                if pool is not None
                else f"{binding.name} holds a buffer taken from a pool"
            )
            + f", and {_flat(text(release))} gives it back for the pool's next user",
        )
        return Source(use, Confidence.HIGH, note, VIEW, what=_flat(text(release)), next_op="pool")

    def _release(self, body: Node, name: str, use: Node, declared: frozenset[str]) -> Node | None:
        """The call in `body` that gives the local `name` back to a pool after `use`: `Put`
        of a pool, a putter of the package (`putBuffer(bb)`, `f.release()`), deferred or
        run whenever `use` is (not an error path's `put(b); return`)."""
        source = self.ctx.source
        word = re.compile(rb"\b" + re.escape(name.encode()) + rb"\b")
        for match in word.finditer(source, body.start_byte, body.end_byte):
            node = self.root.descendant_for_byte_range(match.start(), match.end())
            call = _release_call(node, name)
            if call is None:
                continue
            func = call.child_by_field_name("function")
            if func is None:
                continue
            if func.type == "selector_expression" and text(func.child_by_field_name("field")) == (
                "Put"
            ):
                operand = func.child_by_field_name("operand")
                if operand is None or not (
                    pools.is_pool(_flat(text(operand)), declared)
                    or (self.types.type_of(operand) or "").endswith("sync.Pool")
                ):
                    continue
            else:
                key = self.pkg.callee(self, call)
                position = self.pkg.pool_putter(key) if key is not None else None
                if position is None:
                    continue
                args = _args(call)
                if position == -1:
                    operand = func.child_by_field_name("operand")
                    if func.type != "selector_expression" or operand is None:
                        continue
                    if text(unparen(operand)) != name:
                        continue
                elif position >= len(args) or _flat(text(args[position])).lstrip("&") != name:
                    continue
            deferred = _deferred(call, body)
            if deferred or (deferred is False and always_after(use, call)):
                return call
        return None

    def _pool_size(self, pool: str) -> int | None:
        """The size of the byte slices the pool `pool` makes (`var bufPool = sync.Pool{New:
        func() any { b := make([]byte, 65535); return &b }}` in a file of the package)."""
        name = pool.rsplit(".", 1)[-1]
        declared = re.compile(
            rb"\b" + re.escape(name.encode()) + rb"\s*:?=\s*(?:&\s*)?sync\.Pool\s*\{"
        )
        for path, (source, _) in sorted(self.pkg.files.items()):
            self.pkg._read(path)
            found = declared.search(source)
            if found is None:
                continue
            made = _POOL_MAKE.search(source, found.end(), found.end() + 400)
            if made is None:
                return None
            size = constant_size((made.group(2) or made.group(1)).decode())  # (its capacity)
            return size or None
        return None

    def _sized_buffer(
        self, use: Node, make: Node, binding: Binding, size_node: Node
    ) -> Source | None:
        """A buffer sized at run time (`make([]byte, n)`) that a read fills: a read buffer,
        or, filled whole by io.ReadFull or ReadAt, one made to the size of the record."""
        under = self.types.underlying(normalise(text(_args(make)[0])))
        func = enclosing_function(make)
        if under not in ("[]byte", "[]uint8") or func is None:
            return None
        calls = fillers(func.text or b"", binding.name)
        if not calls:
            return None
        if calls == {"Decode"}:
            return self._decoded(use, func, binding.name)
        decl = binding.node
        size = _flat(text(size_node))
        related = (
            (
                decl.start_byte,
                decl.end_byte,
                f"{binding.name} is a buffer of {size} bytes made here",
            )
            if decl is not None
            else None
        )
        return Source(
            use,
            Confidence.MEDIUM,
            related,
            BUFFER,
            what=size,
            filled=True,
            exact=calls <= _FILLS_WHOLE,
        )

    def _decoded(self, use: Node, func: Node, name: str) -> Source | None:
        """A buffer sized at run time that a decoder fills (`base64.StdEncoding.Decode(buf,
        raw)`): as large as what it decodes, so that source, if any."""
        pattern = re.compile(rb"\bDecode\(\s*" + re.escape(name.encode()) + rb"\s*,")
        body = func.text or b""
        for match in pattern.finditer(body):
            at = func.start_byte + match.start()
            node = self.root.descendant_for_byte_range(at, at + len("Decode"))
            call = node.parent if node is not None else None
            while call is not None and call.type != "call_expression":
                call = call.parent
            args = _args(call) if call is not None else []
            found = self.origin(args[1]) if len(args) == 2 else None
            if found is None or found.kind not in (READ, BUFFER):
                return None  # (a parameter's size is its callers' business, not this copy's)
            note = (call.start_byte, call.end_byte, f"{name} holds what {text(call)} decodes")
            return Source(use, found.confidence, note, READ, what=found.what or text(args[1]))
        return None

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
        named = self._named_conversion(call)
        if named is not None:
            # `Pairs(body)` of `type Pairs string`: a copy as `string(body)` is; `Raw(b)` of
            # `type Raw []byte`, the same memory.
            under, arg = named
            inner = self.types.underlying(self.types.type_of(arg))
            if inner is None:
                return None
            if (under == "string") != (inner == "string"):
                return self._converted(call, arg, depth)
            return self.origin(arg, depth + 1)
        if self._is_piece_call(call):
            return self.origin(_first_arg(call), depth + 1)
        shared = zero_copy_operand(call)
        if shared is not None:  # `unsafe.String(unsafe.SliceData(b), len(b))`: b's memory
            return self.origin(shared, depth + 1)
        if func is not None and text(func) == "append" and self.types.lookup(func) is None:
            # `all := append(e.pending, spans...)`: at least as big as what it appends, and
            # a copy of it (of a reader's view too, stable: `append([]byte(nil), line...)`).
            args = _args(call)
            if len(args) == 2 and args[1].type == "variadic_argument" and args[1].named_children:
                inner = self.origin(args[1].named_children[0], depth + 1)
                if inner is None:
                    return None
                return replace(inner, node=call, kind=LINE if inner.kind == VIEW else inner.kind)
            return None
        return self._helper_origin(call, depth)

    def _reader_of(self, call: Node) -> tuple[int, int] | None:
        """Where the variable a reader's method call hangs off is declared (`dec` of
        `dec.s.Bytes()`), for `Source.reader`."""
        root = call.child_by_field_name("function")
        while root is not None and root.type in ("selector_expression", "call_expression"):
            field = "function" if root.type == "call_expression" else "operand"
            root = root.child_by_field_name(field)
        root = unparen(root) if root is not None else None
        binding = (
            self.types.lookup(root) if root is not None and root.type == "identifier" else None
        )
        return binding.declared_at if binding is not None else None

    def _helper_origin(self, call: Node, depth: int) -> Source | None:
        """What a helper of the package returns, when it is (part of) big data or of one of
        its arguments (summaries across the package's files)."""
        func = call.child_by_field_name("function")
        if func is None or func.type not in ("identifier", "selector_expression"):
            return None
        returned = self.pkg.returned_at(self, call)
        return self._given(call, returned, depth) if returned is not None else None

    def _given(self, call: Node, returned: Returned, depth: int) -> Source | None:
        """What the package function `call` calls gives back (`Returned`: a result, or what
        it passes a callback), in terms of this call's arguments and receiver."""
        if returned.receiver:
            # (`Pairs(body).ForEach(...)`: what the call is made on.)
            func = call.child_by_field_name("function")
            operand = func.child_by_field_name("operand") if func is not None else None
            if func is None or func.type != "selector_expression" or operand is None:
                return None
            return self.origin(operand, depth + 1)
        if returned.param is not None:
            args = _args(call)
            if returned.param >= len(args):
                return None
            if returned.param_field is not None:
                return self.field_origin(args[returned.param], returned.param_field, depth + 1)
            if (
                not returned.piece
                and not returned.levels
                and self.pkg.stored_at(self, call, returned.param) is not None
            ):
                # `k = intern(k)` of a helper keeping its argument and giving it back: the
                # helper's store is the leak, and its copy there is what it gives back.
                return None
            found = self.origin(args[returned.param], depth + 1)
            return decoded_from(found, returned.decoded, self.pkg.evaluating)
        if returned.field is not None:
            # (`b := s.chunk(off)` of a segment holding a pooled slab, then `defer s.Close()`
            # putting it back: a view of the pool's buffer.)
            pooled = self._receiver_given_back(call)
            if pooled is not None:
                return pooled
            made = self.made_origin(call, returned.field, depth)
            if made is None:
                # (`p.Name()` of `for _, p := range parsePoints(string(body))`, a helper's
                # records whose field is a piece: a piece of what the records are of.)
                record = self._record_piece(call, returned.field, depth)
                if record is not None:
                    return record
                # (`tx.ForEach(...)` of a `Tx` whose field holds a file read whole.)
                return self._field_read(call, returned)
            # (A zero-copy decoder over its caller's data is by design: not followed there,
            # but a summary tells its callers, which pass it a view now and then.)
            if made[1] or made[0].kind != PARAM:
                return made[0]
            return replace(made[0], decoded=True) if self.pkg.evaluating else None
        if returned.source is None:
            return None
        if returned.source.next_op == "documented":
            # (The call itself is the reader's: `it.Key()`, valid until `it` moves on.)
            what = _flat(text(call))
            if len(what) > 60:
                what = f"{_flat(text(call.child_by_field_name('function')))}(...)"
            return replace(
                returned.source,
                node=call,
                chain=returned.notes,
                what=what,
                reader=self._reader_of(call),
            )
        return replace(
            returned.source,
            node=call,
            related=None,
            chain=returned.notes,
            confidence=weaker(returned.source.confidence, Confidence.MEDIUM),
            reader=None,  # (a place in the helper, perhaps in another file)
        )

    def _record_piece(self, call: Node, field: str, depth: int) -> Source | None:
        """The origin of the local receiver of the method `call` calls, when it is one of
        the records a helper of the package returns (`p` of `for _, p := range
        parsePoints(string(body))`, or `p := parsePoint(line)`) whose field `field` is a
        piece (`Returned.fields`): what that piece is of."""
        receiver = method_receiver(self.types, call)
        if receiver is None:
            return None
        _, binding = receiver
        if binding.kind not in (LOCAL, RANGE) or binding.value is None:
            return None
        if binding.kind == RANGE and binding.index != 1:
            return None
        made = unparen(binding.value)
        if made.type != "call_expression" or (binding.kind == LOCAL and binding.index != 0):
            return None
        returned = self.pkg.returned_at(self, made)
        if returned is None or returned.fields is None or field not in returned.fields:
            return None
        found = self._given(made, returned, depth + 1)
        # (Each of the records a range goes through is one part of it.)
        return replace(found, part=True) if found and binding.kind == RANGE else found

    def made_origin(self, call: Node, field: str, depth: int = 0) -> tuple[Source, bool] | None:
        """The origin of what the local receiver of the method `call` calls was made with
        for its `field` (`rr.next()` of `rr := &recordReader{buf: data}`: data's), and
        whether the receiver holds a copy of it: then the caller's parameter is big data
        the receiver copied (`p := newParser(body)` of `&parser{buf: string(body)}`), where
        as it is it is a zero-copy decoder over its caller's data, by design."""
        from leakscope.core.rules._retention_summaries import receiver_made_with

        made = receiver_made_with(self, call, field)  # type: ignore[arg-type]
        if made is None:
            return None
        found = self.origin(made[0], depth + 1)
        return (found, made[1]) if found is not None else None

    def _concatenated(self, expr: Node, depth: int) -> Source | None:
        """`carry + string(buf[:n])`: a new string as large as its operands, big when one of
        them is data read or a read buffer's worth (not when it only joins parameters or
        names: the caller decides those)."""
        operands = [expr.child_by_field_name("left"), expr.child_by_field_name("right")]
        if not any(
            operand is not None and self.types.underlying(self.types.type_of(operand)) == "string"
            for operand in operands
        ):
            return None
        for operand in operands:
            found = self._converted(expr, operand, depth)
            if found is not None and found.kind in (READ, BUFFER, LINE):
                return found
        return None

    def _named_conversion(self, call: Node) -> tuple[str, Node] | None:
        """(the underlying type, the operand) of a conversion to a named string or slice
        type of the package (`Pairs(body)`), else None."""
        func = call.child_by_field_name("function")
        args = _args(call)
        if func is None or func.type != "identifier" or len(args) != 1:
            return None
        binding = self.types.lookup(func)
        if binding is None or binding.kind != TYPE:
            return None
        under = self.types.underlying(text(func))
        if under is None or not (under == "string" or is_slice(under)):
            return None
        return under, args[0]

    def _converted(self, conversion: Node, operand: Node | None, depth: int) -> Source | None:
        """`string(buf)` and `[]byte(s)` copy their operand: as large as it is."""
        if operand is None:
            return None
        inner = self.origin(operand, depth + 1)
        if inner is not None:
            # A copy of a reader's view is stable: one line read from the stream. So is a
            # copy of a piece cut in a loop (`f := strings.Fields(string(line))` of each
            # line of a file read whole): a line's worth, not the whole data.
            kind = LINE if inner.kind == VIEW else inner.kind
            if kind in (READ, BUFFER, PARAM) and self._cut_per_turn(operand, conversion):
                kind = LINE
            return replace(inner, node=conversion, kind=kind)
        if self._read_little(operand):
            return None
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
                CONVERSION,
            )
        return None

    def _cut_per_turn(self, operand: Node, conversion: Node) -> bool:
        """Whether `operand` is a cut of something (`line[2:]`, a local set to one) that the
        conversion copies on each turn of a loop."""
        from leakscope.core.rules._retention_partitions import _in_loop
        from leakscope.core.rules._retention_summaries import _is_cut

        operand = unparen(operand)
        if operand.type == "slice_expression" and operand.child_by_field_name("start") is None:
            inner = self.origin(operand.child_by_field_name("operand"))
            if inner is not None and inner.kind == BUFFER:
                return False  # `string(buf[:n])`: all a read gave, a chunk's worth
        return _in_loop(conversion) and _is_cut(self, operand)  # type: ignore[arg-type]

    def _read_little(self, operand: Node) -> bool:
        """Whether `operand` holds what a read limited to a few bytes gave (`b, err :=
        io.ReadAll(io.LimitReader(f, 64))`)."""
        operand = unparen(operand)
        binding = self.types.lookup(operand) if operand.type == "identifier" else None
        value = unparen(binding.value) if binding is not None and binding.value else None
        if value is None or value.type != "call_expression" or self._read_call(value) != READ:
            return False
        reader = _first_arg(value)
        return reader is not None and _limited(reader)

    def _read_source(self, call: Node) -> Source | None:
        """The data `call` reads, as a source (io.ReadAll, os.ReadFile, bufio, ...)."""
        kind = self._read_call(call)
        if kind is None:
            return None
        what = _flat(text(call))
        if len(what) > 60:
            what = f"{_flat(text(call.child_by_field_name('function')))}(...)"
        note = (call.start_byte, call.end_byte, f"{text(call)} reads the data")
        reader = None
        if kind == VIEW and name_of(call) == "Mmap":
            note = (call.start_byte, call.end_byte, f"{what} maps the file into memory")
            return Source(call, Confidence.HIGH, note, VIEW, what=what, next_op="unmap")
        if kind == VIEW:
            note = (
                call.start_byte,
                call.end_byte,
                f"{text(call)} returns a view of the reader's buffer, valid until the next read",
            )
            reader = self._reader_of(call)
        path = _first_arg(call)
        if kind == READ and path is not None and _limited(path):
            return None  # `io.ReadAll(io.LimitReader(f, 64))`: a few bytes at most
        if kind == READ and path is not None and status_file(text(path)):
            kind = STATUS_FILE
        elif kind == READ and _version_command(call):
            kind = VERSION_OUTPUT
        elif kind == ASSEMBLED:
            func = call.child_by_field_name("function")
            buffer = func.child_by_field_name("operand") if func is not None else None
            body = enclosing_function(call)
            # (`String()` copies a `bytes.Buffer`'s bytes: only `Bytes()` is a view of them.)
            view = name_of(call) == "Bytes"
            pooled = self._pooled_part(call, buffer) if buffer is not None and view else None
            if pooled is not None:
                return pooled
            if (
                buffer is not None
                and body is not None
                and read_into(body.text or b"", _flat(text(buffer)))
            ):
                kind = READ
            elif self._builder(buffer):
                return None  # (a strings.Builder: only what it gathers of reads is followed)
            elif buffer is not None and self._reused_buffer(call, buffer):
                note = (
                    call.start_byte,
                    call.end_byte,
                    f"{text(call)} returns the buffer's own bytes, valid until it is reset and "
                    "written again",
                )
                return Source(call, Confidence.HIGH, note, VIEW, what=what, next_op="write")
        return Source(call, Confidence.HIGH, note, kind, what=what, reader=reader)

    def _builder(self, buffer: Node | None) -> bool:
        """Whether `buffer` is a strings.Builder."""
        held = self.types.type_of(buffer) if buffer is not None else None
        return self.types.qualified(held) == ("strings", "Builder")

    def _reused_buffer(self, call: Node, buffer: Node) -> bool:
        """`s.gzBuf.Bytes()` of a `bytes.Buffer` kept in a field and reset for reuse (the
        file calls `s.gzBuf.Reset()`): its bytes are overwritten by the next use."""
        name = (
            text(func.child_by_field_name("field"))
            if (func := call.child_by_field_name("function"))
            else ""
        )
        if name != "Bytes" or buffer.type != "selector_expression":
            return False
        return (_flat(text(buffer)) + ".Reset()").encode() in self.ctx.source

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
            if (binding.import_path, name) in MMAP_FUNCS:
                return VIEW
            return READ if (binding.import_path, name) in READ_FUNCS else None
        if name in VIEW_METHODS:
            wanted, by_name = VIEW_METHODS[name]
            qualified = self.types.qualified(self.types.type_of(operand))
            if qualified == wanted or (qualified is None and by_name):
                return VIEW
        if name in READ_METHODS:
            wanted = READ_METHODS[name]
            qualified = self.types.qualified(self.types.type_of(operand))
            if qualified is None and name in _TYPED_READ_METHODS:
                return None
            if wanted is None or qualified is None or qualified == wanted:
                return READ if name in WHOLE_READ_METHODS else LINE
            return None
        qualified = self.types.qualified(self.types.type_of(operand))
        if name in SCANNER_METHODS and qualified == ("bufio", "Scanner"):
            return LINE
        if name == "Read" and qualified == CSV_READER and not _args(call):
            # (A record: its fields are pieces of one string, the row. Not of a reader over a
            # string in memory, `csv.NewReader(strings.NewReader(value))`: a flag's value.)
            return None if self._reads_memory(operand) else LINE
        if name in BUFFER_METHODS and qualified == ("bytes", "Buffer"):
            return ASSEMBLED
        if name == "String" and qualified == ("strings", "Builder"):
            return ASSEMBLED  # (its bytes, not copied)
        return None

    def _reads_memory(self, reader: Node) -> bool:
        """Whether the local `reader` is made over a string or bytes in memory
        (`csv.NewReader(strings.NewReader(value))`)."""
        binding = self.types.lookup(reader) if reader.type == "identifier" else None
        made = unparen(binding.value) if binding is not None and binding.value else None
        arg = _first_arg(made) if made is not None and made.type == "call_expression" else None
        return arg is not None and _MEMORY_READER.match(_flat(text(arg))) is not None

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


def _both_branches(statement: Node, use: Node, assignments: list[tuple[Node, int]]) -> bool:
    """Whether `statement` is in the first branch of an `if` with an `else` that also
    assigns the variable, the `if` itself in a block holding `use`: the variable is set on
    every path to it (the first branch's assignment stands for both)."""
    block = _block_around(statement)
    owner = block.parent if block is not None else None
    if block is None or owner is None or owner.type != "if_statement":
        return False
    if owner.child_by_field_name("consequence") != block:
        return False
    other = owner.child_by_field_name("alternative")
    around = owner.parent
    if other is None or around is None:
        return False
    if not around.start_byte <= use.start_byte < around.end_byte:
        return False
    return any(_block_around(s) == other for s, _ in assignments)


def _block_around(statement: Node) -> Node | None:
    """The block a statement is directly in (through its statement list)."""
    parent = statement.parent
    if parent is not None and parent.type == "statement_list":
        parent = parent.parent
    return parent if parent is not None and parent.type == "block" else None


def flag_setter(func: Node) -> bool:
    """Whether `func` is a flag.Value's `Set(string) error` method: given one command-line
    argument (or one value a flag package split out of an environment variable)."""
    if func.type != "method_declaration" or text(func.child_by_field_name("name")) != "Set":
        return False
    sig = signature_of(func)
    return sig.result_types == ("error",) and [t for _, t in sig.params] == ["string"]


def _read_count_cut(use: Node, name: str) -> bool:
    """Whether `use` is cut to the count a read into `name` returned: `buf[:n]` (also
    through `buf = buf[:n]`) of `n, err := r.Read(buf)` or `conn.ReadFromUDP(buf)`."""
    cut = use.parent
    if cut is None or cut.type != "slice_expression" or cut.child_by_field_name("operand") != use:
        return False
    start, end = cut.child_by_field_name("start"), cut.child_by_field_name("end")
    if (start is not None and text(start) != "0") or end is None or end.type != "identifier":
        return False
    func = enclosing_function(use)
    read = re.compile(
        rb"\b%s\s*(?:,[^=\n]*)?:?=\s*[\w.]*Read\w*\((?:[^()\n]*,\s*)?%s\s*[,)]"
        % (re.escape(text(end).encode()), re.escape(name.encode()))
    )
    return func is not None and read.search(func.text or b"") is not None


def method_receiver(types: TypeResolver, call: Node) -> tuple[Node, Binding] | None:
    """The variable a method call is made on (`p` of `p.Name()`), with its binding."""
    func = call.child_by_field_name("function")
    operand = func.child_by_field_name("operand") if func is not None else None
    if func is None or func.type != "selector_expression" or operand is None:
        return None
    operand = unparen(operand)
    binding = types.lookup(operand) if operand.type == "identifier" else None
    return (operand, binding) if binding is not None else None
