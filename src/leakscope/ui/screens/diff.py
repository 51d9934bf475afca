"""The side-by-side view of one finding's fix: current code left, fixed code right."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from leakscope.core.model import Applicability, Finding
from leakscope.core.text import display
from leakscope.ui import keys
from leakscope.ui.themes import LeakTheme
from leakscope.ui.widgets.diff_view import DiffView
from leakscope.ui.widgets.findings_tree import Palette


class DiffScreen(Screen[str | None]):
    """Dismisses with "apply" when the user presses f here, else None."""

    CSS_PATH = "diff.tcss"
    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("diff")

    def __init__(
        self,
        finding: Finding,
        before: str,
        after: str,
        leak_theme: LeakTheme,
        palette: Palette,
        note: str = "",
        *,
        proof: str = "",
        proven: bool = False,
    ) -> None:
        super().__init__()
        self.proof = proof  # "compiles" (type-checked with the fix) or "unverified"
        self.proven = proven
        self.finding = finding
        self.before = before
        self.after = after
        self.leak_theme = leak_theme
        self.palette = palette
        self.note = note

    def compose(self) -> ComposeResult:
        yield Static(self._header(), id="diff-header")
        yield Static(id="diff-columns")
        yield DiffView(id="diff-view")
        yield Footer()

    def _header(self) -> Text:
        finding = self.finding
        palette = self.palette
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(display(f"{finding.path}:{finding.line}"), style="bold")
        text.append("  ")
        text.append(finding.rule, style=Style(color=palette.info, bold=True))
        if finding.fix is not None:
            safe = finding.fix.applicability is Applicability.SAFE
            text.append(
                "  safe" if safe else "  unsafe",
                style=Style(color=palette.success if safe else palette.warning, bold=True),
            )
            if self.proof:
                mark = "✓ " if self.proven else "? "
                colour = palette.success if self.proven else palette.warning
                text.append(f" · {mark}{self.proof}", style=Style(color=colour))
            text.append(f"  {display(finding.fix.title)}")
        if self.note:
            text.append(f"  ({display(self.note)})", style=Style(color=palette.muted))
        return text

    def on_mount(self) -> None:
        view = self.query_one(DiffView)
        view.set_diff(self.before, self.after, self.leak_theme, self.finding.line)
        view.focus()
        self._update_columns()

    def on_resize(self) -> None:
        # At 80 columns the footer's keys fit only without their padding.
        self.query_one(Footer).compact = self.size.width < 110
        self._update_columns()

    def _update_columns(self) -> None:
        view = self.query_one(DiffView)
        columns = self.query_one("#diff-columns", Static)
        width = self.size.width
        muted = Style(color=self.palette.muted, bold=True)
        if view.split:
            half = (width - 1) // 2
            text = Text.assemble(
                ("current code".center(half), muted),
                " ",
                ("after the fix".center(width - half - 1), muted),
            )
        else:
            text = Text("current code (-) and after the fix (+)".center(width), style=muted)
        columns.update(text)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_apply(self) -> None:
        self.dismiss("apply")

    def action_next_change(self) -> None:
        self.query_one(DiffView).action_next_change()

    def action_previous_change(self) -> None:
        self.query_one(DiffView).action_previous_change()

    def action_toggle_layout(self) -> None:
        self.query_one(DiffView).action_toggle_layout()
        self.call_after_refresh(self._update_columns)
