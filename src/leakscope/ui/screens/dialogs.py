"""Modal questions: yes/no (optionally showing a diff) and a one-line answer."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from leakscope.core.text import display
from leakscope.ui import keys
from leakscope.ui.themes import LeakTheme
from leakscope.ui.widgets.diff_view import DiffView


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes/no question; `y` is yes, `n` and `escape` are no."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("dialog")

    def __init__(
        self,
        title: str,
        message: str,
        *,
        diff: tuple[str, str, LeakTheme] | None = None,
        focus_line: int | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.diff = diff
        self.focus_line = focus_line

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="with-diff" if self.diff else ""):
            yield Label(self.title_text, id="dialog-title")
            yield Static(display(self.message, keep_lines=True), id="dialog-message", markup=False)
            if self.diff is not None:
                yield DiffView(id="dialog-diff")
            with Horizontal(id="dialog-buttons"):
                yield Button("Yes (y)", id="yes", variant="primary")
                yield Button("No (n, esc)", id="no")

    def on_mount(self) -> None:
        if self.diff is not None:
            before, after, leak_theme = self.diff
            view = self.query_one(DiffView)
            view.set_diff(before, after, leak_theme, self.focus_line)
            view.focus()
        else:
            self.query_one("#no", Button).focus()

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.dismiss(False)


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; enter answers (when not empty), escape cancels."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [("escape", "cancel", "Cancel")]

    def __init__(self, title: str, message: str, placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="prompt"):
            yield Label(self.title_text, id="dialog-title")
            yield Static(display(self.message, keep_lines=True), id="dialog-message", markup=False)
            yield Input(placeholder=self.placeholder, id="dialog-input")
            yield Static("", id="dialog-error", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button("OK (enter)", id="ok", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        value = " ".join(self.query_one(Input).value.split())
        if not value:
            self.query_one("#dialog-error", Static).update("A reason is required.")
            return
        self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
