"""Byte offsets to 1-based (line, character column) and back: the only place that converts."""

from __future__ import annotations

import re
from bisect import bisect_right

from leakscope.core.model import Position, Span


class LineIndex:
    """Line starts of one UTF-8 source, for converting byte offsets to user positions."""

    __slots__ = ("_line_starts", "_source")

    def __init__(self, source: bytes) -> None:
        self._source = source
        self._line_starts: list[int] | None = None  # found on first use: most files need none

    @property
    def _starts(self) -> list[int]:
        starts = self._line_starts
        if starts is None:
            starts = [0]
            find = self._source.find
            pos = find(b"\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = find(b"\n", pos + 1)
            self._line_starts = starts
        return starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        """Byte offset of the start of 1-based `line`."""
        return self._starts[max(0, min(line - 1, len(self._starts) - 1))]

    def position(self, byte_offset: int) -> Position:
        byte_offset = max(0, min(byte_offset, len(self._source)))
        row = bisect_right(self._starts, byte_offset) - 1
        start = self._starts[row]
        prefix = self._source[start:byte_offset]
        return Position(row + 1, len(prefix.decode("utf-8", errors="replace")) + 1)

    def span(self, start_byte: int, end_byte: int) -> Span:
        return Span(start_byte, end_byte, self.position(start_byte), self.position(end_byte))

    def byte_offset(self, position: Position) -> int:
        """Inverse of `position`: a 1-based line and character column to a byte offset."""
        start = self.line_start(position.line)
        end = self._source.find(b"\n", start)
        line = self._source[start : len(self._source) if end == -1 else end]
        text = line.decode("utf-8", errors="replace")
        return start + len(text[: max(0, position.column - 1)].encode("utf-8"))


# Characters that must never reach a terminal raw: C0 controls but tab (ESC starts escape
# sequences, CR and LF forge lines), DEL, C1 controls (0x9b is a one-byte CSI on some
# terminals), bidirectional overrides and isolates (they reorder what is shown, as in "Trojan
# Source"), the Unicode line separators, and lone surrogates (the bytes of a file name that is
# not UTF-8, decoded with surrogateescape).
_UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)
_UNSAFE_KEEPING_LINES = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\x1b": "\\x1b"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def display(text: str, *, keep_lines: bool = False) -> str:
    """`text` safe to write to a terminal: control characters shown visibly (`\\x1b`, `\\n`).

    Everything that comes from a scanned repository (file names, messages quoting source,
    source text) goes through here before text, github or `fix` output and the app show it;
    JSON and SARIF carry the exact text instead. `keep_lines` keeps LF and CR (for text made
    of lines, such as a diff, that is split later); tab is always kept.
    """
    pattern = _UNSAFE_KEEPING_LINES if keep_lines else _UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_visible, text)


_UNSAFE_IN_SOURCE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
    "|\r(?!\n)"
)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: \x1b is ␛
    return "\u2421" if code == 0x7F else "\ufffd"


def display_source(text: str) -> str:
    """Source text safe for a terminal, character for character: each control character
    becomes one visible one (ESC shows as ␛), so columns and highlighted ranges stay put.
    Tabs and line breaks are kept."""
    if _UNSAFE_IN_SOURCE.search(text) is None:
        return text
    return _UNSAFE_IN_SOURCE.sub(_picture, text)
