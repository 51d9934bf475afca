"""A diff of a file before and after a fix: side by side, or unified when narrow.

One line-API widget renders both sides on each line, so they always scroll together. Changed
lines are marked on both sides (removed-line / added-line colours from the theme) with the
changed characters emphasised. Below SPLIT_MIN_WIDTH columns it shows a unified diff.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets.text_area import TextAreaTheme

from leakscope.ui.diffing import TAB_SIZE, Diff, SideRow, UnifiedRow, diff_texts, highlight_go
from leakscope.ui.themes import LeakTheme

SPLIT_MIN_WIDTH = 100
LAYOUTS = ("auto", "split", "unified")


def _blend(base: str, other: str, amount: float) -> Style:
    return Style(bgcolor=Color.parse(base).blend(Color.parse(other), amount).rich_color)


def _expanded(raw: str, index: int) -> int:
    """The display column of character `index` of `raw` once its tabs are expanded."""
    return len(raw[:index].expandtabs(TAB_SIZE))


def _old_no(row: SideRow | UnifiedRow) -> int | None:
    return row.old_no


class DiffView(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    DiffView {
        background: $surface;
        scrollbar-size-horizontal: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "scroll_down", "Down", show=False),
        Binding("up,k", "scroll_up", "Up", show=False),
        Binding("right,l", "scroll_right", "Right", show=False),
        Binding("left,h", "scroll_left", "Left", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("home,g", "scroll_home", "Top", show=False),
        Binding("end,G", "scroll_end", "Bottom", show=False),
    ]

    layout_mode: reactive[str] = reactive("auto")

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.diff: Diff | None = None
        self._old: list[Text] = []
        self._new: list[Text] = []
        self._number_width = 3
        self._styles: dict[str, Style] = {}
        self._muted = Style(dim=True)
        self._leak_theme: LeakTheme | None = None
        self._current_change: int | None = None  # the change n/p moved to last
        self._focus_line: int | None = None

    # -- content ------------------------------------------------------------------------

    def set_diff(
        self, before: str, after: str, leak_theme: LeakTheme, focus_line: int | None = None
    ) -> None:
        """Show the diff, scrolled to the change at (or after) old line `focus_line`."""
        self._leak_theme = leak_theme
        palette = TextAreaTheme.get_builtin_theme(leak_theme.syntax)
        syntax = dict(palette.syntax_styles) if palette is not None else {}
        self.diff = diff_texts(before, after)
        self._old = self._expand(before, syntax)
        self._new = self._expand(after, syntax)
        lines = max(len(self.diff.old_lines), len(self.diff.new_lines), 1)
        self._number_width = len(str(lines))
        self._set_styles(leak_theme)
        self._update_virtual_size()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._focus_line = focus_line
        self._current_change = None
        self.call_after_refresh(self._scroll_to_focus)

    def _expand(self, source: str, syntax: dict[str, Style]) -> list[Text]:
        texts = highlight_go(source, syntax)
        for text in texts:
            text.expand_tabs(TAB_SIZE)
        return texts

    def _set_styles(self, leak_theme: LeakTheme) -> None:
        theme = leak_theme.theme
        error = theme.error or "#ba3c5b"
        success = theme.success or "#4ebf71"
        self._styles = {
            "removed": leak_theme.style("removed-line"),
            "added": leak_theme.style("added-line"),
            "removed-strong": _blend(leak_theme.removed_line, error, 0.35),
            "added-strong": _blend(leak_theme.added_line, success, 0.35),
            "removed-mark": Style(color=Color.parse(error).rich_color, bold=True),
            "added-mark": Style(color=Color.parse(success).rich_color, bold=True),
        }
        self._muted = Style(color=Color.parse(theme.secondary or "#888888").rich_color)

    def on_resize(self) -> None:
        self._update_virtual_size()

    def watch_layout_mode(self) -> None:
        self._update_virtual_size()
        self.refresh()

    @property
    def split(self) -> bool:
        if self.layout_mode == "auto":
            return self.size.width >= SPLIT_MIN_WIDTH
        return self.layout_mode == "split"

    @property
    def rows(self) -> list[SideRow] | list[UnifiedRow]:
        if self.diff is None:
            return []
        return self.diff.side if self.split else self.diff.unified

    def _gutter_width(self) -> int:
        return self._number_width + 3  # "123 - "

    def _code_width(self) -> int:
        width = self.scrollable_content_region.width or self.size.width
        if self.split:
            return max(1, (width - 1) // 2 - self._gutter_width())
        return max(1, width - 2 * (self._number_width + 1) - 2)

    def _update_virtual_size(self) -> None:
        longest = max((t.cell_len for t in [*self._old, *self._new]), default=0)
        overflow = max(0, longest - self._code_width())
        width = (self.scrollable_content_region.width or self.size.width) + overflow
        self.virtual_size = Size(width, len(self.rows))
        self.refresh()

    def _change_rows(self) -> list[int]:
        starts = []
        previous_changed = False
        for index, row in enumerate(self.rows):
            changed = row.kind not in ("equal", "gap")
            if changed and not previous_changed:
                starts.append(index)
            previous_changed = changed
        return starts

    def _scroll_to_focus(self) -> None:
        starts = self._change_rows()
        if not starts:
            return
        target = starts[0]
        if self._focus_line is not None:
            rows = self.rows
            for start in starts:
                end = start
                while end < len(rows) and rows[end].kind not in ("equal", "gap"):
                    end += 1
                numbers = [_old_no(rows[i]) for i in range(start, end)]
                if any(n is not None and n >= self._focus_line for n in numbers):
                    target = start
                    break
        self._scroll_row(target)

    def _scroll_row(self, row: int) -> None:
        height = self.scrollable_content_region.height
        self.scroll_to(y=max(0, row - height // 3), animate=False)

    def action_next_change(self) -> None:
        self._move_change(1)

    def action_previous_change(self) -> None:
        self._move_change(-1)

    def _move_change(self, step: int) -> None:
        """n (step 1) or p (-1): scroll to the next or previous change and say which it is;
        with nowhere to go, say so instead of doing nothing."""
        rows = self._change_rows()
        if not rows:
            self.notify("This fix changes nothing here.", timeout=2)
            return
        if len(rows) == 1:
            self._scroll_row(rows[0])
            self.notify("This fix makes one change: it is the one shown.", timeout=2)
            return
        current = self._current_change
        if current is None or current >= len(rows):
            # From where the view is: the first change below (or above) its upper third.
            top = round(self.scroll_y) + self.scrollable_content_region.height // 3
            if step > 0:
                index = next((i for i, start in enumerate(rows) if start > top), len(rows))
            else:
                index = max((i for i, start in enumerate(rows) if start < top), default=-1)
        else:
            index = current + step
        if not 0 <= index < len(rows):
            where = "after" if step > 0 else "before"
            self.notify(f"No change {where} this one ({len(rows)} in all).", timeout=2)
            return
        self._current_change = index
        self._scroll_row(rows[index])
        self.notify(f"Change {index + 1} of {len(rows)}", timeout=1.5)

    def action_toggle_layout(self) -> None:
        self._current_change = None
        self.layout_mode = "unified" if self.split else "split"
        self.scroll_to(x=0, animate=False)

    # -- rendering ----------------------------------------------------------------------

    def _code(self, texts: list[Text], number: int | None, width: int) -> Text:
        if number is None or number - 1 >= len(texts):
            return Text(" " * width)
        x = round(self.scroll_x)
        text = texts[number - 1][x : x + width] if x else texts[number - 1][:width]
        text = text.copy()
        text.pad_right(width - text.cell_len)
        return text

    def _line(
        self,
        texts: list[Text],
        number: int | None,
        kind: str,
        spans: list[tuple[int, int]],
        width: int,
        numbers: str,
    ) -> Text:
        """Line numbers, a -/+ mark and the code, coloured for the row's kind."""
        line = Text(numbers, style=self._muted, no_wrap=True)
        mark = {"removed": "-", "added": "+"}.get(kind, " ")
        line.append(f" {mark} ", style=self._styles.get(f"{kind}-mark", self._muted))
        code = self._code(texts, number, max(1, width - line.cell_len))
        if kind in ("removed", "added") and number is not None:
            code.stylize(self._styles[kind])
            x = round(self.scroll_x)
            raw = self._raw_line(kind, number)
            for start, end in spans:
                # Spans count characters of the raw line; the code shown has tabs expanded.
                start, end = _expanded(raw, start), _expanded(raw, end)
                if end > x:
                    code.stylize(self._styles[f"{kind}-strong"], max(0, start - x), end - x)
            line.stylize(self._styles[kind])
        line.append_text(code)
        return line

    def _raw_line(self, kind: str, number: int) -> str:
        if self.diff is None:
            return ""
        lines = self.diff.old_lines if kind == "removed" else self.diff.new_lines
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def _number(self, number: int | None) -> str:
        return f"{number:>{self._number_width}}" if number is not None else " " * self._number_width

    def row_text(self, row: SideRow | UnifiedRow, width: int) -> Text:
        if row.kind == "gap":
            label = f"⋯ {row.hidden} unchanged line{'s' if row.hidden != 1 else ''} ⋯"
            return Text(label.center(width), style=self._muted)
        if isinstance(row, SideRow):
            half = (width - 1) // 2
            left_kind = "removed" if row.kind in ("changed", "removed") else "equal"
            right_kind = "added" if row.kind in ("changed", "added") else "equal"
            left = self._line(
                self._old, row.old_no, left_kind, row.old_spans, half, self._number(row.old_no)
            )
            right = self._line(
                self._new,
                row.new_no,
                right_kind,
                row.new_spans,
                width - half - 1,
                self._number(row.new_no),
            )
            return Text.assemble(left, ("│", self._muted), right)
        numbers = f"{self._number(row.old_no)} {self._number(row.new_no)}"
        if row.kind == "removed":
            return self._line(self._old, row.old_no, "removed", row.spans, width, numbers)
        if row.kind == "added":
            return self._line(self._new, row.new_no, "added", row.spans, width, numbers)
        return self._line(self._new, row.new_no, "equal", [], width, numbers)

    def render_line(self, y: int) -> Strip:
        row_index = round(self.scroll_y) + y
        rows = self.rows
        width = self.scrollable_content_region.width or self.size.width
        base = self.rich_style
        if row_index >= len(rows):
            return Strip.blank(width, base)
        text = self.row_text(rows[row_index], width)
        text.no_wrap = True
        strip = Strip(list(text.render(self.app.console, end=""))).apply_style(base)
        return strip.adjust_cell_length(width, base).crop(0, width)

    def plain_rows(self, width: int | None = None) -> list[str]:
        """Every row as plain text (for tests and screen readers of the code)."""
        width = width or self.size.width or 160
        return [self.row_text(row, width).plain.rstrip() for row in self.rows]
