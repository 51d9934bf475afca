"""The status line: counts, scan progress, the Go version in force and the watch state."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from leakscope.core.report import unsafe_fixes_text
from leakscope.ui.widgets.findings_tree import Palette


@dataclass(frozen=True)
class StatusInfo:
    total: int = 0
    shown: int = 0
    fixable: int = 0  # shown findings with a safe fix (core.report.is_fixable)
    unsafe_fixes: int = 0  # shown findings whose only fix is unsafe
    files: int = 0
    scanning: bool = False
    done_files: int = 0
    total_files: int = 0
    go_version: str = ""
    # "off", "starting", "watching", "paused", "updating", or "error: ..." (the file watcher)
    watch: str = "off"
    last_update: str = ""  # time of the last watch update, e.g. "12:04:31"
    watch_detail: str = ""  # e.g. "+1 −2" after an update, "3 changes waiting" while paused
    grouping: str = "file"
    filtered: bool = False
    minor_hidden: int = 0  # info findings left out of the tree (`m` shows them)
    undo: int = 0
    activity: str = ""  # a slow action in progress, e.g. "checking the fix compiles…"


class StatusLine(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.info = StatusInfo()
        self.palette = Palette()

    def set(self, **changes: object) -> None:
        info = replace(self.info, **changes)  # type: ignore[arg-type]
        if info != self.info:
            self.info = info
            self._show()

    def set_palette(self, palette: Palette) -> None:
        self.palette = palette
        self._show()

    def _show(self) -> None:
        # One line whose size never changes: no layout of the screen (a layout repaints
        # every widget, and the scan updates this line for every package).
        self.update(self.render_info(), layout=False)

    def render_info(self) -> Text:
        info = self.info
        palette = self.palette
        muted = Style(color=palette.muted)
        sep = (" · ", muted)
        parts: list[tuple[str, Style | str] | str] = []
        if info.activity:
            parts += [(info.activity, Style(color=palette.info, bold=True)), sep]
        if info.scanning:
            total = max(info.total_files, 1)
            width = 10
            filled = min(width, info.done_files * width // total) if info.total_files else 0
            parts += [
                ("scanning ", Style(color=palette.info, bold=True)),
                ("█" * filled + "░" * (width - filled), Style(color=palette.info)),
                (f" {info.done_files}/{info.total_files} files", muted),
                sep,
            ]
        parts.append((f"{info.total}", Style(bold=True)))
        parts.append((" findings" if info.total != 1 else " finding", muted))
        if info.filtered:
            parts += [sep, (f"{info.shown}", Style(bold=True)), (" shown", muted)]
        if info.minor_hidden:
            parts += [sep, (f"{info.minor_hidden} minor hidden", muted), (" · m shows", muted)]
        parts += [sep, (f"{info.fixable}", Style(bold=True, color=palette.success))]
        parts.append((" fixable", muted))
        if info.unsafe_fixes:
            parts += [sep, (unsafe_fixes_text(info.unsafe_fixes), muted)]
        if not info.scanning:
            parts += [sep, (f"{info.files} files", muted)]
        if info.go_version:
            parts += [sep, (f"go {info.go_version}", muted)]
        parts += [sep, (f"by {info.grouping}", muted)]
        parts += [sep, *self._watch_parts()]
        if info.undo:
            parts += [sep, (f"u undoes {info.undo}", muted)]
        text = Text.assemble(*parts, no_wrap=True, overflow="ellipsis")
        return text

    def _watch_parts(self) -> list[tuple[str, Style]]:
        """The watcher's state: coloured by state, then the last update's time and detail."""
        info = self.info
        palette = self.palette
        muted = Style(color=palette.muted)
        state = info.watch
        if state == "watching":
            parts = [("watching", Style(color=palette.success))]
        elif state == "paused":
            # Short: the line is cut at the terminal's width.
            parts = [("paused", Style(color=palette.warning, bold=True))]
            if info.watch_detail:
                parts.append((f" {info.watch_detail}", muted))
            parts.append((" · w resumes", muted))
            return parts
        elif state.startswith("updating"):
            parts = [(state, Style(color=palette.info, bold=True))]
        elif state.startswith("error"):
            parts = [(f"watch {state}", Style(color=palette.error, bold=True))]
        elif state == "off":
            parts = [("watch off", muted)]
        else:
            parts = [(f"watch: {state}", muted)]
        if info.last_update and not state.startswith("updating"):
            parts.append((f" · updated {info.last_update}", muted))
        if info.watch_detail:
            parts.append((f" {info.watch_detail}", muted))
        return parts
