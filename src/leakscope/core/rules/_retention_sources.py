"""What a retained piece was cut from, and whether that source is big: the one place that
judges the impact of `substring-retention` and `subslice-retention` findings.

The analysis in `_retention.py` finds the source of a piece (a parameter, data read here, a
buffer made here, a conversion) and records what it knows in a `Source`. `judge` turns that
into an impact:

- grows: the source is demonstrably big: data read whole (`io.ReadAll`, `os.ReadFile`, the
  contents of a `bytes.Buffer`), data read from a stream (`bufio`, a `Scanner`), a buffer
  made here with a constant size of at least 4 KiB or filled by a read (`r.Read(buf)`,
  `io.ReadFull(r, buf)`), or a parameter that a caller in the file fills with one of those;
- bounded: nothing shows the source is big: a parameter (the caller decides its size; on
  real code most cut-and-kept parameters are names, flags, tags, routes, DSNs), a small
  scratch buffer, a conversion of a byte slice of unknown origin, a kernel status file
  (`/proc/...`), what the code itself wrote into a `bytes.Buffer`, one line of a stream kept
  in a single slot. Names that say the value is
  small by nature (`name`, `host`, `dsn`, `tag`, ...) make the reason say so.

Recall work (issue 12: sources reached through helpers, read buffers sized by input, scanner
views) extends `Source` kinds and `judge`, not the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from leakscope.core.model import Confidence, Impact
from leakscope.core.types import Binding

# Source kinds.
PARAM = "param"  # a parameter or receiver: the caller decides its size
READ = "read"  # data read whole: io.ReadAll, os.ReadFile, bytes.Buffer contents
LINE = "line"  # data read from a stream piece by piece: bufio.Reader, bufio.Scanner
BUFFER = "buffer"  # a buffer made here with make and a constant size
CONVERSION = "conversion"  # string(b) / []byte(s) of a value of unknown origin
ASSEMBLED = "assembled"  # the contents of a bytes.Buffer written piece by piece here
STATUS_FILE = "status-file"  # a kernel status file read whole: /proc/..., /sys/...

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
    }
)
# Methods returning data read from a stream: name -> receiver type, or None for any.
READ_METHODS: dict[str, tuple[str, str] | None] = {
    "ReadString": ("bufio", "Reader"),
    "ReadBytes": ("bufio", "Reader"),
    "ReadSlice": ("bufio", "Reader"),
    "ReadLine": ("bufio", "Reader"),
    "ReadAll": None,
    "ReadFile": None,
}
# Of those, the ones that read a whole stream or file (the rest read one line or token).
WHOLE_READ_METHODS = frozenset({"ReadAll", "ReadFile"})
SCANNER_METHODS = frozenset({"Text", "Bytes"})
BUFFER_METHODS = frozenset({"Bytes", "String"})

# Calls that fill their buffer argument with read data: `r.Read(buf)`, `io.ReadFull(r, buf)`,
# `conn.ReadFromUDP(buf)`, `unix.Recvfrom(fd, buf, 0)`.
_FILLS = r"(?:Read\w*|Recv\w*)\((?:[^()]*,\s*)?{name}\s*(?:\[[^\]]*\])?\s*[,)]"


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


@dataclass(frozen=True)
class Size:
    impact: Impact
    reason: str


def judge(source: Source, name: str, collects: bool) -> Size:
    """Whether `source` (named `name` in the message) is demonstrably big. `collects`: the
    place keeps one piece per store (a map key, an appended element, a channel), rather than
    one piece in a single slot."""
    kind = source.kind
    what = source.what or name
    if kind == READ:
        return Size(Impact.GROWS, f"the source is the data read by {what}")
    if kind == LINE:
        # One line (token) of a stream: what adds up is one line per collected piece.
        if collects:
            return Size(Impact.GROWS, f"each kept piece keeps a whole line read by {what}")
        return Size(
            Impact.BOUNDED, f"one slot keeps one line read by {what}: the line, not the stream"
        )
    if kind == BUFFER:
        amount = _bytes(source.size)
        if source.filled:
            return Size(Impact.GROWS, f"{name} is {amount} read buffer")
        if source.size is None or source.size >= BIG_BUFFER:
            return Size(Impact.GROWS, f"{name} is {amount} buffer")
        return Size(Impact.BOUNDED, f"{name} is {amount} scratch buffer (small)")
    if kind == STATUS_FILE:
        return Size(Impact.BOUNDED, f"the source is {what}, a small kernel status file")
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
    return Size(
        Impact.BOUNDED,
        f"{name} is {role}: the caller decides its size, and nothing here shows it is large",
    )


def _bytes(size: int | None) -> str:
    if size is None:
        return "a constant-size"
    amount = f"{size // 1024} KiB" if size >= 1024 and size % 1024 == 0 else f"{size}-byte"
    article = "an" if amount.startswith(("8", "11 ", "18 ", "11-", "18-")) else "a"
    return f"{article} {amount}"


def status_file(path: str) -> bool:
    """A literal path of a kernel status file (`"/proc/mounts"`, `"/sys/fs/..."`): a few
    kilobytes at most."""
    return re.fullmatch(r'"/(?:proc|sys)/[^"]*"|`/(?:proc|sys)/[^`]*`', path) is not None


def read_into(body: bytes, buffer: str) -> bool:
    """Whether the function text `body` fills the bytes.Buffer `buffer` from a reader:
    `buf.ReadFrom(r)`, `io.Copy(&buf, r)`."""
    name = re.escape(buffer.lstrip("&")).encode()
    return (
        re.search(rb"(?<![\w.])" + name + rb"\.ReadFrom\(", body) is not None
        or re.search(rb"\bio\.Copy(?:N|Buffer)?\(\s*&?" + name + rb"\s*,", body) is not None
    )


def fills(body: bytes, name: str) -> bool:
    """Whether the function text `body` reads data into the buffer `name`."""
    pattern = _FILLS.replace("{name}", re.escape(name))
    return re.search(pattern.encode(), body) is not None


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
