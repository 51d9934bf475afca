"""A rule's documentation (its module docstring), opened from the command palette."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from leakscope.ui.widgets.explanation import find_rule


class RuleDocScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    RuleDocScreen {
        align: center middle;
        background: $background 60%;
    }
    #rule-doc {
        width: 100;
        max-width: 100%;
        height: 90%;
        padding: 0 1;
        border: thick $primary 70%;
        background: $panel;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [("escape,q", "close", "Close")]

    def __init__(self, rule_name: str) -> None:
        super().__init__()
        self.rule_name = rule_name

    def compose(self) -> ComposeResult:
        rule = find_rule(self.rule_name)
        text = f"# {self.rule_name}\n\n"
        if rule is None:
            text += "Unknown rule."
        else:
            text += f"*{rule.summary}*\n\n{rule.doc}"
        with VerticalScroll(id="rule-doc"):
            yield Markdown(text)

    def on_mount(self) -> None:
        self.query_one("#rule-doc").focus()

    def action_close(self) -> None:
        self.dismiss(None)
