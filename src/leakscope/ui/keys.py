"""Every key binding of the app, with the id users remap it by in `[keys]` of leakscope.toml.

```toml
[keys]
apply_fix = "x"
cursor_down = "j,ctrl+n"
```

One table, so the help screen, the footer and the remapping cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Key:
    id: str
    keys: str  # Textual key names, comma separated
    action: str
    description: str
    section: str  # where it works: app, main, tree, source, diff, dialog
    footer: bool = False
    display: str = ""  # how the help screen shows the default keys
    short: str = ""  # the footer's text, when shorter than the description


KEYS: tuple[Key, ...] = (
    # anywhere
    Key("help", "question_mark,f1", "app.help", "Help: every key", "app", True, "? F1", "Help"),
    Key("command_palette", "ctrl+p", "app.command_palette", "Commands", "app", False, "ctrl+p"),
    Key("quit", "q", "app.quit_app", "Quit", "app", True, "q"),
    # the main view
    Key("filter", "slash", "focus_filter", "Filter", "main", True, "/"),
    Key("clear_filter", "escape", "clear_filter", "Clear the filter", "main", False, "esc"),
    Key("grouping", "v", "cycle_grouping", "Group by file/rule/severity", "main", False, "v"),
    Key(
        "minor",
        "m",
        "toggle_minor",
        "Show or hide minor findings (info: bounded, not worth fixing)",
        "main",
        False,
        "m",
    ),
    Key(
        "diff",
        "d",
        "diff",
        "Compare the code and its fix side by side",
        "main",
        True,
        "d",
        "Compare",
    ),
    Key(
        "apply_fix",
        "f",
        "apply_fix",
        "Apply the fix (unsafe ones ask first)",
        "main",
        True,
        "f",
        "Fix",
    ),
    Key("apply_group", "F", "apply_group", "Apply all safe fixes in the group", "main", False, "F"),
    Key(
        "undo",
        "u",
        "undo",
        "Undo the last change (repeat to go further back)",
        "main",
        True,
        "u",
        "Undo",
    ),
    Key(
        "ignore", "i", "ignore", "Add //leakscope:ignore with a reason", "main", True, "i", "Ignore"
    ),
    Key("edit", "e", "edit", "Open in $EDITOR", "main", False, "e"),
    Key("rescan", "r", "rescan", "Rescan", "main", False, "r"),
    Key(
        "watch",
        "w",
        "toggle_watch",
        "Pause or resume following file changes",
        "main",
        True,
        "w",
        "Watch",
    ),
    # the filter box
    Key("filter_done", "enter", "submit", "Go to the first match", "filter", True, "enter", "Go"),
    Key("filter_clear", "escape", "clear", "Clear the filter", "filter", True, "esc", "Clear"),
    # the findings tree
    Key("cursor_down", "down,j", "cursor_down", "Next line", "tree", False, "j ↓"),
    Key("cursor_up", "up,k", "cursor_up", "Previous line", "tree", False, "k ↑"),
    Key("first", "home,g", "scroll_home", "First line", "tree", False, "g home"),
    Key("last", "end,G", "scroll_end", "Last line", "tree", False, "G end"),
    Key("page_down", "pagedown", "page_down", "Page down", "tree", False, "pgdn"),
    Key("page_up", "pageup", "page_up", "Page up", "tree", False, "pgup"),
    Key("select", "enter", "select_cursor", "Open group / go to the code", "tree", False, "enter"),
    Key("toggle", "space", "toggle_node", "Open or close the group", "tree", False, "space"),
    Key("collapse", "left,h", "collapse_or_parent", "Close group / go to it", "tree", False, "h ←"),
    Key("expand", "right,l", "expand_or_child", "Open group", "tree", False, "l →"),
    # the source view
    Key("source_back", "escape", "back", "Back to the findings", "source", False, "esc"),
    # the side-by-side view
    Key("diff_close", "escape,q", "close", "Close", "diff", True, "esc q"),
    Key("diff_apply", "f", "apply", "Apply this fix", "diff", True, "f"),
    Key("diff_next", "n", "next_change", "Next change", "diff", True, "n"),
    Key("diff_previous", "p", "previous_change", "Previous change", "diff", True, "p"),
    Key("diff_layout", "t", "toggle_layout", "Side by side / unified", "diff", True, "t", "Layout"),
    # y/n dialogs
    Key("confirm_yes", "y", "yes", "Yes", "dialog", True, "y"),
    Key("confirm_no", "n,escape", "no", "No", "dialog", True, "n esc"),
)

KEYS_BY_ID = {k.id: k for k in KEYS}

SECTION_TITLES = {
    "app": "Anywhere",
    "main": "Findings",
    "filter": "Filter box",
    "tree": "Moving in the tree",
    "source": "Source view",
    "diff": "Side-by-side view",
    "dialog": "Questions",
}


def bindings(section: str) -> list[Binding]:
    return [
        Binding(k.keys, k.action, k.short or k.description, show=k.footer, id=k.id)
        for k in KEYS
        if k.section == section
    ]


def unknown_ids(keymap: dict[str, str]) -> list[str]:
    return sorted(set(keymap) - set(KEYS_BY_ID))


# Sections whose keys work at the same time: a key bound twice in one of them reaches only one
# of its bindings (the tree's and the source view's keys win over the main view's).
ACTIVE_TOGETHER = (
    frozenset({"app", "main", "tree", "source"}),
    frozenset({"app", "filter"}),
    frozenset({"app", "diff"}),
    frozenset({"app", "dialog"}),
)


def _keys_of(key: Key, keymap: dict[str, str]) -> set[str]:
    return {k.strip() for k in keymap.get(key.id, key.keys).split(",") if k.strip()}


def conflicts(keymap: dict[str, str]) -> list[str]:
    """What a remapping takes away: one message per binding left without its key because a
    remapped binding now uses it (`apply_fix = "d"` hides `d`, the side-by-side view)."""
    out: list[str] = []
    seen: set[tuple[str, str]] = set()
    for remapped in KEYS:
        if remapped.id not in keymap:
            continue
        for key in KEYS:
            if key is remapped or (key.id, remapped.id) in seen:
                continue
            if not any({key.section, remapped.section} <= s for s in ACTIVE_TOGETHER):
                continue
            shared = _keys_of(remapped, keymap) & _keys_of(key, keymap)
            if not shared:
                continue
            seen.add((remapped.id, key.id))
            taken = ", ".join(_pretty(k) for k in sorted(shared))
            out.append(
                f'[keys] {remapped.id} = "{keymap[remapped.id]}" takes {taken} from {key.id} '
                f"({key.description}): give one of them another key"
            )
    return out


def key_display(key: Key, keymap: dict[str, str]) -> str:
    """The keys as the help screen shows them, after the user's remapping."""
    if key.id in keymap:
        return " ".join(_pretty(k) for k in keymap[key.id].split(","))
    return key.display or " ".join(_pretty(k) for k in key.keys.split(","))


def _pretty(key: str) -> str:
    key = key.strip()
    names = {
        "slash": "/",
        "question_mark": "?",
        "escape": "esc",
        "space": "space",
        "down": "↓",
        "up": "↑",
        "left": "←",
        "right": "→",
    }
    return names.get(key, key)
