"""Help: every key (as remapped by the user), the tree's marks and the filter syntax."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from leakscope.ui.keys import KEYS, SECTION_TITLES, key_display
from leakscope.ui.widgets.findings_tree import FIX_ICON, NEW_BADGE, SEVERITY_ICONS, Palette

FILTER_HELP = (
    ("words", "all must appear in the rule, path or message"),
    ("rule:NAME", "rule name contains NAME (or matches a glob)"),
    ("path:GLOB", "path or file name matches (path:store/*, path:*_test.go)"),
    ("severity:LEVEL", "error, warning or info (sev: for short)"),
    ("fixable", "has a safe automatic fix (what F applies)"),
    ("-TERM", "negates a term: -path:*_test.go"),
)


def help_text(keymap: dict[str, str], palette: Palette) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", no_wrap=True)
    table.add_column()
    table.add_column(no_wrap=True)  # the id `[keys]` remaps it by
    id_style = Style(color=palette.muted)
    key_style = Style(bold=True, color=palette.info)
    title_style = Style(bold=True, underline=True)
    for section, title in SECTION_TITLES.items():
        table.add_row("", Text(title, style=title_style), Text("id", style=id_style))
        for key in KEYS:
            if key.section == section:
                table.add_row(
                    Text(key_display(key, keymap), style=key_style),
                    Text(key.description),
                    Text(key.id, style=id_style),
                )
        table.add_row("", "")
    table.add_row("", Text("Filter (/)", style=title_style))
    for term, meaning in FILTER_HELP:
        table.add_row(Text(term, style=key_style), Text(meaning))
    table.add_row("", "")
    table.add_row("", Text("Marks in the tree", style=title_style))
    for severity, icon in SEVERITY_ICONS.items():
        table.add_row(
            Text(icon, style=Style(color=palette.severity(severity))), Text(severity.value)
        )
    table.add_row(Text(FIX_ICON, style=Style(color=palette.success)), Text("safe automatic fix"))
    table.add_row(
        Text(FIX_ICON, style=Style(color=palette.warning)),
        Text("unsafe fix: f asks first"),
    )
    table.add_row(
        Text(NEW_BADGE, style=Style(color="black", bgcolor=palette.success, bold=True)),
        Text("just found by the file watcher (for a few seconds)"),
    )
    table.add_row("", "")
    table.add_row(
        "",
        Text(
            "Keys are remapped by the id in the right column, in [keys] of leakscope.toml: "
            'apply_fix = "x"',
            style="dim",
        ),
    )
    return table


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        ("escape,q,question_mark,f1", "close", "Close"),
        ("down,j", "scroll('down')", "Down"),
        ("up,k", "scroll('up')", "Up"),
    ]

    def __init__(self, keymap: dict[str, str], palette: Palette) -> None:
        super().__init__()
        self.keymap = keymap
        self.palette = palette
        self.table = help_text(keymap, palette)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Label("leakscope keys  (esc closes)", id="help-title")
            yield Static(self.table, id="help-table")

    def on_mount(self) -> None:
        self.query_one("#help").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, direction: str) -> None:
        view = self.query_one("#help", VerticalScroll)
        if direction == "down":
            view.scroll_down(animate=False)
        else:
            view.scroll_up(animate=False)
