"""The source of the selected finding's file: Go-coloured, read-only, the leak highlighted.

TextArea positions are (row, character column), 0-based; findings carry 1-based line and
character columns (`Finding.span`, converted once by `core.text.LineIndex`). TextArea keeps
its syntax highlights per line in byte columns, so the leak ranges are added there, converted
from character columns with the line's own text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from textual.binding import BindingType
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import TextAreaTheme

from leakscope.core.model import Finding, Position
from leakscope.ui import keys
from leakscope.ui.themes import LeakTheme

LEAK = "leakscope.leak"
RELATED = "leakscope.related"
MARK_NAMES = (LEAK, RELATED)
# Rows highlighted at once (see SourceView._build_highlight_map).
HIGHLIGHT_CHUNK = 128


@dataclass(frozen=True)
class Mark:
    start: Position  # 1-based line and character column
    end: Position
    name: str  # LEAK or RELATED


def marks_for(finding: Finding) -> list[Mark]:
    marks = [
        Mark(r.span.start, r.span.end, RELATED) for r in finding.related if r.path is None
    ]  # (a related place in another file is not in this view)
    marks.append(Mark(finding.span.start, finding.span.end, LEAK))
    return marks


def text_area_theme(leak_theme: LeakTheme) -> TextAreaTheme:
    """A TextArea theme with the leak colours; other colours come from the app's CSS."""
    palette = TextAreaTheme.get_builtin_theme(leak_theme.syntax)
    styles = dict(palette.syntax_styles) if palette is not None else {}
    styles[LEAK] = Style(bgcolor=leak_theme.style("leak-range").bgcolor, underline=True)
    styles[RELATED] = leak_theme.style("related-range")
    return TextAreaTheme(name=f"ls-{leak_theme.name}", syntax_styles=styles)


class SourceView(TextArea):
    """Read-only Go source with leak and related ranges marked."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("source")

    def __init__(self, *, id: str | None = None) -> None:
        # No language until a file is shown: setting it loads the Go grammar and compiles its
        # highlight query (5-10 ms), which the app's first frame does not need.
        super().__init__(
            "",
            language=None,
            read_only=True,
            show_line_numbers=True,
            soft_wrap=False,
            tab_behavior="focus",
            id=id,
        )
        self.indent_width = 4
        self.path: str | None = None
        self.marks: list[Mark] = []

    def _rewrap_and_refresh_virtual_size(self) -> None:
        # TextArea wraps a new document twice (building it, then here), and again on every
        # resize; this view never soft-wraps, so the width stays 0 and a wrap at the same
        # width and tab width changes nothing (edits re-wrap their own range). Skipping it
        # is a third of loading a 3,000-line file, which a key arriving then would wait for.
        wrapped = self.wrapped_document
        if (wrapped._width, wrapped._tab_width) != (self.wrap_width, self.indent_width):
            wrapped.wrap(self.wrap_width, tab_width=self.indent_width)
        self._line_cache.clear()
        self._refresh_size()

    def use_theme(self, leak_theme: LeakTheme) -> None:
        area_theme = text_area_theme(leak_theme)
        self.register_theme(area_theme)
        self.theme = area_theme.name

    def show_text(self, path: str | None, text: str, marks: list[Mark]) -> None:
        """Show `text` (reloading only when it changed) with `marks` highlighted."""
        if path != self.path or text != self.text:
            self.path = path
            self.marks = marks
            if self.language is None:
                self.language = "go"
            self.load_text(text)  # rebuilds the highlight map, marks included
        else:
            self._set_marks(marks)

    def show_text_in_place(self, path: str | None, text: str, marks: list[Mark]) -> None:
        """Like `show_text`, but a reload keeps the cursor and the scroll where they were
        (the file changed on disk while the user looked at it)."""
        if path == self.path and text == self.text:
            if marks != self.marks:
                self._set_marks(marks)
            return
        scroll = self.scroll_offset
        row, column = self.cursor_location
        if path == self.path and self.text and "\r" not in text and "\r" not in self.text:
            # One edit from the old text to the new: the document re-parses incrementally
            # (a new document would re-parse, re-wrap and recompile the highlight query).
            old = self.text
            start, old_end, new_end = _one_edit(old, text)
            self.marks = marks
            self.replace(
                text[start:new_end],
                _location(old, start),
                _location(old, old_end),
                maintain_selection_offset=False,
            )
            self.history.clear()
            if self.text != text:  # never show anything but the file
                self.load_text(text)
        else:
            self.show_text(path, text, marks)
        last = self.document.line_count - 1
        row = min(row, last)
        column = min(column, len(self.document.get_line(row)))
        self.move_cursor((row, column))
        self.scroll_to(x=scroll.x, y=scroll.y, animate=False, immediate=True)

    def clear_source(self) -> None:
        if self.path is None and not self.text:
            return
        self.path = None
        self.marks = []
        self.load_text("")

    def reveal(self, mark: Mark | None) -> None:
        """Put the cursor on a mark and scroll it into the upper third of the view."""
        if mark is None:
            return
        row = max(0, mark.start.line - 1)
        column = max(0, mark.start.column - 1)
        last = self.document.line_count - 1
        row = min(row, last)
        self.move_cursor((row, column))
        height = max(1, self.scrollable_content_region.height)
        self.scroll_to(x=0, y=max(0, row - height // 3), animate=False, immediate=True)

    # Syntax highlights are made per chunk of rows when a row of it is first painted (or
    # marked), not for the whole file on every selection: a 3,000-line file took 40 ms to
    # highlight, an 8,000-line one most of a second, on the app's thread.
    def _build_highlight_map(self) -> None:
        self._line_cache.clear()
        self._highlights.clear()
        self._chunks: set[int] = set()
        for row in self._mark_rows(getattr(self, "marks", ())):
            self._ensure_highlighted(row)

    def _mark_rows(self, marks: list[Mark] | tuple[Mark, ...]) -> list[int]:
        last = self.document.line_count - 1
        return [
            row
            for mark in marks
            for row in range(max(0, mark.start.line - 1), min(mark.end.line - 1, last) + 1)
        ]

    def _ensure_highlighted(self, row: int) -> None:
        """Highlight the chunk of rows holding `row`: syntax first, then the marks."""
        chunk = row // HIGHLIGHT_CHUNK
        if chunk in self._chunks:
            return
        self._chunks.add(chunk)
        first = chunk * HIGHLIGHT_CHUNK
        end = min(first + HIGHLIGHT_CHUNK, self.document.line_count)  # (exclusive)
        if first >= end:
            return
        highlights = self._highlights
        if self._highlight_query:
            captures = self.document.query_syntax_tree(
                self._highlight_query, start_point=(first, 0), end_point=(end, 0)
            )
            for name, nodes in captures.items():
                for node in nodes:
                    start_row, start_column = node.start_point
                    end_row, end_column = node.end_point
                    for node_row in range(max(start_row, first), min(end_row, end - 1) + 1):
                        highlights[node_row].append(
                            (
                                start_column if node_row == start_row else 0,
                                end_column if node_row == end_row else None,
                                name,
                            )
                        )
        self._line_cache.clear()
        self._add_marks(first, end)

    def _add_marks(self, first: int, end: int) -> None:
        """The marks' ranges on rows first..end-1 (after the syntax, so they show on top)."""
        highlights = self._highlights
        for mark in getattr(self, "marks", ()):
            top = mark.start.line - 1
            bottom = mark.end.line - 1
            for row in range(max(first, top), min(bottom, end - 1) + 1):
                line = self.document.get_line(row)
                start = _byte_col(line, mark.start.column - 1) if row == top else 0
                stop = _byte_col(line, mark.end.column - 1) if row == bottom else None
                if stop is not None and stop <= start:
                    continue
                highlights[row].append((start, stop, mark.name))

    def _set_marks(self, marks: list[Mark]) -> None:
        """Other marks on the same text: only the marked rows change."""
        highlights = self._highlights
        for row in set(self._mark_rows(self.marks)):
            if row in highlights:
                highlights[row] = [h for h in highlights[row] if h[2] not in MARK_NAMES]
        self.marks = marks
        for row in sorted(set(self._mark_rows(marks))):
            if row // HIGHLIGHT_CHUNK in self._chunks:
                highlights[row] = [h for h in highlights[row] if h[2] not in MARK_NAMES]
                self._add_marks(row, row + 1)
            else:
                self._ensure_highlighted(row)
        self._line_cache.clear()
        self.refresh()

    def _render_line(self, y: int) -> Strip:
        if self.soft_wrap:
            rows = range(self.document.line_count)
        else:
            rows = range(self.scroll_offset.y + y, self.scroll_offset.y + y + 1)
        for row in rows:
            if row < self.document.line_count:
                self._ensure_highlighted(row)
        return super()._render_line(y)

    def action_back(self) -> None:
        self.screen.query_one("FindingsTree").focus()


def _byte_col(line: str, char_col: int) -> int:
    """Byte column of a 0-based character column in `line` (TextArea highlights use bytes)."""
    if char_col <= 0:
        return 0
    return len(line[:char_col].encode("utf-8"))


def _one_edit(old: str, new: str) -> tuple[int, int, int]:
    """The single edit turning `old` into `new`: (start, old_end, new_end) string indexes."""
    limit = min(len(old), len(new))
    start = 0
    # Compare in chunks first: a 2,000-line file is compared in a few dozen slices.
    step = 4096
    while start + step <= limit and old[start : start + step] == new[start : start + step]:
        start += step
    while start < limit and old[start] == new[start]:
        start += 1
    old_end, new_end = len(old), len(new)
    while (
        old_end - step >= start
        and new_end - step >= start
        and old[old_end - step : old_end] == new[new_end - step : new_end]
    ):
        old_end -= step
        new_end -= step
    while old_end > start and new_end > start and old[old_end - 1] == new[new_end - 1]:
        old_end -= 1
        new_end -= 1
    return start, old_end, new_end


def _location(text: str, index: int) -> tuple[int, int]:
    """TextArea's (row, character column) of a string index."""
    row = text.count("\n", 0, index)
    return row, index - (text.rfind("\n", 0, index) + 1)
