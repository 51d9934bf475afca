from __future__ import annotations

from leakscope.core.model import Position
from leakscope.core.text import LineIndex


def test_positions_count_characters_not_bytes() -> None:
    source = 'package p\n\nvar s = "héllo" + x\n'.encode()
    index = LineIndex(source)
    x_offset = source.index(b"x")
    assert index.position(x_offset) == Position(3, 19)
    # The byte column would be 20: é takes two bytes.
    assert x_offset - source.rindex(b"\n", 0, x_offset) == 20


def test_position_round_trips_through_byte_offset() -> None:
    source = "a\n日本語 = y\r\nlast".encode()
    index = LineIndex(source)
    for offset in (0, 1, 2, source.index(b"="), source.index(b"y"), len(source)):
        assert index.byte_offset(index.position(offset)) == offset


def test_span_end_and_line_count() -> None:
    source = b"one\ntwo\n"
    index = LineIndex(source)
    span = index.span(4, 7)
    assert (span.start, span.end) == (Position(2, 1), Position(2, 4))
    assert index.line_count == 3
    assert index.position(10_000) == Position(3, 1)  # clamped to the end
