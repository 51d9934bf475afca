"""The findings tree: groups (by file, rule or severity) holding findings.

Leaves are built only when their group is expanded, so a project with 20,000 findings paints
as fast as one with 20. A rebuild (new scan results, a filter keystroke, a fix) keeps the
cursor on the same finding (or where it was, when that finding is gone) and keeps the groups
the user opened or closed as they were. Findings the file watcher just found carry a "new"
badge for a few seconds (`mark_new`, `expire_new`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from leakscope.core.model import Applicability, Finding, Severity
from leakscope.core.report import is_fixable
from leakscope.core.text import display
from leakscope.ui import keys

GROUPINGS = ("file", "rule", "severity")
# Expand every group by default when the shown findings are this few.
AUTO_EXPAND_LIMIT = 300
MESSAGE_WIDTH = 70
SEVERITY_ICONS = {Severity.ERROR: "●", Severity.WARNING: "▲", Severity.INFO: "•"}
FIX_ICON = "✎"
NEW_BADGE = " new "
# The label of a node not painted yet (see FindingsTree.label_of).
_LAZY = Text()


@dataclass
class Group:
    key: str  # unique across groupings: "file:a/b.go", "rule:defer-in-loop", "severity:error"
    title: str
    findings: list[Finding]
    total: int  # findings in this group before filtering
    built: bool = False

    @property
    def fixable(self) -> int:
        """Findings with a safe fix (one definition everywhere: core.report.is_fixable)."""
        return sum(1 for f in self.findings if is_fixable(f))

    @property
    def safe_fixable(self) -> list[Finding]:
        return [
            f
            for f in self.findings
            if f.fix is not None and f.fix.applicability is Applicability.SAFE
        ]


@dataclass
class Palette:
    """Colours for labels, taken from the current theme."""

    error: str = "#e06c75"
    warning: str = "#e5c07b"
    info: str = "#5aa9e6"
    success: str = "#7bc67e"
    muted: str = "#7f8fa6"
    extra: dict[str, str] = field(default_factory=dict)

    def severity(self, severity: Severity) -> str:
        return {Severity.ERROR: self.error, Severity.WARNING: self.warning}.get(severity, self.info)


_GROUP_ATTR = {"file": "path", "rule": "rule", "severity": "severity"}


def _group_of(value: object, grouping: str) -> tuple[tuple[object, ...], str, str]:
    """(sort key, unique key, title) of the group for one attribute value."""
    if grouping == "severity":
        assert isinstance(value, Severity)
        return (value.rank,), f"severity:{value.value}", value.value
    text = str(value)
    return (text,), f"{grouping}:{text}", text


def group_key(finding: Finding, grouping: str) -> tuple[tuple[object, ...], str, str]:
    """(sort key, unique key, title) of the group a finding belongs to."""
    return _group_of(getattr(finding, _GROUP_ATTR.get(grouping, "path")), grouping)


def make_groups(
    shown: Iterable[Finding], grouping: str, totals: dict[str, int] | None = None
) -> list[Group]:
    """Group findings (already sorted by path and position) in display order."""
    attr = attrgetter(_GROUP_ATTR.get(grouping, "path"))
    buckets: dict[object, list[Finding]] = {}
    for finding in shown:
        value = attr(finding)
        bucket = buckets.get(value)
        if bucket is None:
            bucket = buckets[value] = []
        bucket.append(finding)
    groups = []
    for value, findings in buckets.items():
        sort, key, title = _group_of(value, grouping)
        total = totals.get(key, 0) if totals is not None else len(findings)
        groups.append((sort, Group(key, title, findings, total)))
    groups.sort(key=lambda pair: pair[0])
    return [group for _, group in groups]


def group_totals(findings: Iterable[Finding], grouping: str) -> dict[str, int]:
    counts = Counter(map(attrgetter(_GROUP_ATTR.get(grouping, "path")), findings))
    return {_group_of(value, grouping)[1]: n for value, n in counts.items()}


def _short(message: str, width: int = MESSAGE_WIDTH) -> str:
    message = " ".join(message.split())
    return message if len(message) <= width else message[: width - 1].rstrip() + "…"


class FindingsTree(Tree[Group | Finding]):
    """The tree of findings; post `Selected` when the finding under the cursor changes."""

    ICON_NODE = "▸ "
    ICON_NODE_EXPANDED = "▾ "

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("tree")

    class Selected(Message):
        """The cursor moved to another finding (or to a group, or to nothing)."""

        def __init__(self, finding: Finding | None, group: Group | None) -> None:
            super().__init__()
            self.finding = finding
            self.group = group

    class Opened(Message):
        """Enter on a finding: the user wants to look at its code."""

        def __init__(self, finding: Finding) -> None:
            super().__init__()
            self.finding = finding

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("findings", id=id)
        self.show_root = False
        self.auto_expand = False  # enter on a group toggles it (handled below), once
        self.guide_depth = 2
        self.grouping = "file"
        self.palette = Palette()
        self.groups: list[Group] = []
        self.expanded: dict[str, bool] = {}  # group key -> the user's choice
        self._auto_expand = True
        self._leaf_nodes: dict[str, TreeNode[Group | Finding]] = {}
        self._group_nodes: dict[str, TreeNode[Group | Finding]] = {}
        self._last_selected: object = None
        # Where the user last put the cursor; a rebuild that lost it (a filter hid the
        # finding) returns to it once it is back.
        self._anchor: tuple[str, str] | None = None
        self._auto_node: TreeNode[Group | Finding] | None = None
        self.stick_to_first = False  # set while the first scan fills the tree
        # Fingerprints of findings the watcher just found -> time.monotonic() their badge ends.
        self.fresh: dict[str, float] = {}

    # -- labels ---------------------------------------------------------------------------

    def process_label(self, label: str | Text) -> Text:
        # Labels are always single-line Text: never parse them as markup.
        return label if isinstance(label, Text) else Text(label)

    def get_label_width(self, node: TreeNode[Group | Finding]) -> int:
        # Labels are made when first painted; the width only sizes the (hidden) x scroll.
        if node._label is _LAZY:
            data = node.data
            return len(data.title) + 14 if isinstance(data, Group) else MESSAGE_WIDTH + 30
        return node._label.cell_len + (2 if node._allow_expand else 0)

    def label_of(self, node: TreeNode[Group | Finding]) -> Text:
        """The node's label, made now if it was not painted yet."""
        if node._label is _LAZY:
            data = node.data
            if isinstance(data, Group):
                node._label = self.group_label(data)
            elif isinstance(data, Finding):
                node._label = self.leaf_label(data)
        return node._label

    def render_label(
        self, node: TreeNode[Group | Finding], base_style: Style, style: Style
    ) -> Text:
        self.label_of(node)
        return super().render_label(node, base_style, style)

    def group_label(self, group: Group) -> Text:
        palette = self.palette
        label = Text(display(group.title), style="bold", no_wrap=True, end="")
        shown = len(group.findings)
        count = f"{shown}" if shown == group.total else f"{shown}/{group.total}"
        label.append(f"  {count}", style=Style(color=palette.info, bold=True))
        fixable = group.fixable
        if fixable:
            label.append(f"  {FIX_ICON}{fixable}", style=Style(color=palette.success))
        fresh = self.fresh
        if fresh:
            new = sum(1 for f in group.findings if f.fingerprint in fresh)
            if new:
                label.append("  ")
                label.append(f"+{new} new", style=self._new_style())
        return label

    def _new_style(self) -> Style:
        return Style(color="black", bgcolor=self.palette.success, bold=True)

    def leaf_label(self, finding: Finding) -> Text:
        palette = self.palette
        label = Text(no_wrap=True, end="")
        if finding.fingerprint in self.fresh:
            label.append(NEW_BADGE, style=self._new_style())
            label.append(" ")
        label.append(
            SEVERITY_ICONS.get(finding.severity, "•"),
            style=Style(color=palette.severity(finding.severity)),
        )
        label.append(" ")
        if finding.fix is None:
            label.append("  ")
        elif finding.fix_pending:  # "checking…": a live update's fix, not checked yet
            label.append(f"{FIX_ICON} ", style=Style(color=palette.muted, dim=True))
        else:
            color = (
                palette.success
                if finding.fix.applicability is Applicability.SAFE
                else palette.warning
            )
            label.append(f"{FIX_ICON} ", style=Style(color=color))
        if self.grouping == "file":
            label.append(f"{finding.line:>4} ", style=Style(color=palette.muted))
            label.append(finding.rule, style=Style(bold=True))
        else:
            label.append(
                display(f"{finding.path}:{finding.line}"), style=Style(color=palette.muted)
            )
            if self.grouping == "severity":
                label.append(" ")
                label.append(finding.rule, style=Style(bold=True))
        label.append("  ")
        label.append(_short(display(finding.message)))
        return label

    # -- building -----------------------------------------------------------------------

    @property
    def selected_finding(self) -> Finding | None:
        node = self.cursor_node
        return node.data if node is not None and isinstance(node.data, Finding) else None

    @property
    def selected_group(self) -> Group | None:
        """The group under the cursor, or the group of the finding under it."""
        node = self.cursor_node
        if node is None:
            return None
        if isinstance(node.data, Group):
            return node.data
        parent = node.parent
        return parent.data if parent is not None and isinstance(parent.data, Group) else None

    def _cursor_identity(self) -> tuple[str, str] | None:
        node = self.cursor_node
        if node is None or node.data is None:
            return None
        if isinstance(node.data, Finding):
            return ("finding", node.data.fingerprint)
        return ("group", node.data.key)

    def populate(
        self, groups: list[Group], *, auto_expand: bool, keep_expansion: bool = False
    ) -> None:
        """Show these groups, keeping the cursor, the scroll and the opened groups.

        With `keep_expansion` (a live update), groups already shown stay open or closed as
        they are even where the default would change (more findings than AUTO_EXPAND_LIMIT);
        new groups follow the default.
        """
        looked: dict[str, bool] = {}
        if keep_expansion:
            looked = {key: node.is_expanded for key, node in self._group_nodes.items()}
        identity = self._cursor_identity()
        old_line = self.cursor_line
        old_group_key = None
        if identity is not None and identity[0] == "finding":
            group = self.selected_group
            old_group_key = group.key if group is not None else None
        scroll_y = self.scroll_offset.y
        self.set_reactive(Tree.cursor_line, -1)
        self._cursor_node = None
        self.clear()
        self.groups = groups
        self._auto_expand = auto_expand
        self._leaf_nodes = {}
        self._group_nodes = {}
        root = self.root
        for group in groups:
            expand = self.expanded.get(group.key, looked.get(group.key, auto_expand))
            node = self._add(root, group, expand=expand, allow_expand=True)
            self._group_nodes[group.key] = node
            if expand:
                self._build_leaves(node)
        self._invalidate()
        target = None
        if self._anchor is not None and self._anchor != identity:
            kind, value = self._anchor
            nodes = self._leaf_nodes if kind == "finding" else self._group_nodes
            target = nodes.get(value)
        if target is None and identity is not None:
            kind, value = identity
            target = self._leaf_nodes.get(value) if kind == "finding" else None
            if target is None and kind == "group":
                target = self._group_nodes.get(value)
            if target is None and kind == "finding" and old_group_key in self._group_nodes:
                # The finding is gone (fixed, filtered out): stay in its group.
                group_node = self._group_nodes[old_group_key]
                target = group_node if not group_node.is_expanded else None
        lines = self._tree_lines  # builds the lines so nodes know their line numbers
        if not lines:
            self._post_selection()
            return
        if self._anchor is None and (self.stick_to_first or identity is None):
            # The scan is still filling the tree and the user has not moved: stay on the
            # first finding, so its code shows at once.
            target = next(iter(self._leaf_nodes.values()), None)
        if target is not None and target._line >= 0:
            line = target._line
            if keep_expansion and old_line >= 0:
                # A live update: the cursor's finding stays on the same row of the screen,
                # however many lines came or went above it.
                scroll_y = max(0, scroll_y + line - old_line)
        else:
            line = min(max(old_line, 0), len(lines) - 1)
        self.scroll_to(y=scroll_y, animate=False, immediate=True)
        self._auto_node = lines[line].node
        self.cursor_line = line
        if self.scrollable_content_region.height > 1:
            self.scroll_to_line(line, animate=False)
        else:
            # Not laid out yet: a one-line viewport would scroll the first group away.
            self.call_after_refresh(self._scroll_to_cursor)
        self._post_selection()

    def _scroll_to_cursor(self) -> None:
        if self.cursor_line >= 0:
            self.scroll_to_line(self.cursor_line, animate=False)

    def _build_leaves(self, node: TreeNode[Group | Finding]) -> None:
        group = node.data
        if not isinstance(group, Group) or group.built:
            return
        group.built = True
        leaves = self._leaf_nodes
        for finding in group.findings:
            leaves[finding.fingerprint] = self._add(node, finding, expand=False, allow_expand=False)
        self._invalidate()

    def _add(
        self,
        parent: TreeNode[Group | Finding],
        data: Group | Finding,
        *,
        expand: bool,
        allow_expand: bool,
    ) -> TreeNode[Group | Finding]:
        """`TreeNode.add` without repainting per node (thousands are added at once); the
        label is made when the node is first painted."""
        node = self._add_node(parent, _LAZY, data)
        node._expanded = expand
        node._allow_expand = allow_expand
        parent._children.append(node)
        parent._updates += 1
        return node

    def _toggle_node(self, node: TreeNode[Group | Finding]) -> None:
        if not node.allow_expand:
            return
        group = node.data
        if isinstance(group, Group):
            self.expanded[group.key] = not node.is_expanded
            if not node.is_expanded:
                self._build_leaves(node)
        super()._toggle_node(node)

    def expand_group_of(self, finding: Finding) -> TreeNode[Group | Finding] | None:
        """Make sure the finding's leaf exists (expanding its group) and return it."""
        if finding.fingerprint in self._leaf_nodes:
            leaf = self._leaf_nodes[finding.fingerprint]
            parent = leaf.parent
            if parent is not None and not parent.is_expanded:
                self._toggle_node(parent)
            return leaf
        key = group_key(finding, self.grouping)[1]
        node = self._group_nodes.get(key)
        if node is None:
            return None
        if not node.is_expanded:
            self._toggle_node(node)
        return self._leaf_nodes.get(finding.fingerprint)

    def select_finding(self, finding: Finding) -> bool:
        leaf = self.expand_group_of(finding)
        if leaf is None:
            return False
        self._tree_lines  # noqa: B018 (builds line numbers)
        self.cursor_line = leaf._line
        self.scroll_to_line(leaf._line, animate=False)
        self._post_selection()
        return True

    def mark_new(self, fingerprints: Iterable[str], until: float) -> None:
        """Badge these findings as new until `until` (time.monotonic()); call before populate."""
        for fingerprint in fingerprints:
            self.fresh[fingerprint] = until

    def unmark_new(self, fingerprints: Iterable[str]) -> None:
        """These findings are gone: their badges go with them (back later, they are new)."""
        for fingerprint in fingerprints:
            self.fresh.pop(fingerprint, None)

    def expire_new(self, now: float) -> float | None:
        """Drop the badges whose time is up; returns when the next one ends (or None)."""
        gone = {fp for fp, until in self.fresh.items() if until <= now}
        if gone:
            for fp in gone:
                del self.fresh[fp]
            for fp in gone:
                node = self._leaf_nodes.get(fp)
                if node is not None:
                    self._relabel(node)
            for node in self._group_nodes.values():
                group = node.data
                if isinstance(group, Group) and any(f.fingerprint in gone for f in group.findings):
                    self._relabel(node)
            self.refresh()
        return min(self.fresh.values(), default=None)

    def _relabel(self, node: TreeNode[Group | Finding]) -> None:
        node._label = _LAZY  # made again when painted
        node._updates += 1

    def set_palette(self, palette: Palette) -> None:
        self.palette = palette
        for group in self.groups:
            group.built = False
        self.populate(self.groups, auto_expand=self._auto_expand)

    # -- events -------------------------------------------------------------------------

    def _post_selection(self) -> None:
        node = self.cursor_node
        data = node.data if node is not None else None
        # A rebuilt group is a new object: it is "the same" while its key and counts are.
        seen = (
            ("group", data.key, len(data.findings), data.fixable, data.total)
            if isinstance(data, Group)
            else data
        )
        if seen is self._last_selected or (isinstance(data, Group) and seen == self._last_selected):
            return
        self._last_selected = seen
        if isinstance(data, Finding):
            self.post_message(self.Selected(data, self.selected_group))
        elif isinstance(data, Group):
            self.post_message(self.Selected(None, data))
        else:
            self.post_message(self.Selected(None, None))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Group | Finding]) -> None:
        event.stop()
        if event.node is not self._auto_node:
            self._anchor = self._cursor_identity()
        self._auto_node = None
        self._post_selection()

    def on_tree_node_selected(self, event: Tree.NodeSelected[Group | Finding]) -> None:
        event.stop()
        data = event.node.data
        if isinstance(data, Group):
            self._toggle_node(event.node)
        elif isinstance(data, Finding):
            self.post_message(self.Opened(data))

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Group | Finding]) -> None:
        event.stop()

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[Group | Finding]) -> None:
        event.stop()

    def action_collapse_or_parent(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if isinstance(node.data, Group) and node.is_expanded:
            self._toggle_node(node)
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def action_expand_or_child(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if isinstance(node.data, Group):
            if not node.is_expanded:
                self._toggle_node(node)
            elif node.children:
                self._tree_lines  # noqa: B018
                self.move_cursor(node.children[0])
