"""The main view: findings tree and filter on the left, source and explanation on the right."""

from __future__ import annotations

import gc
import os
import shlex
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from leakscope.core.config import CONFIG_FILE_NAMES
from leakscope.core.gomod import format_go_version
from leakscope.core.model import Applicability, Finding, Severity, TextEdit
from leakscope.core.suppress import DIRECTIVE_RULE
from leakscope.core.text import display, display_source
from leakscope.ui import keys
from leakscope.ui.query import Query, SearchIndex, parse_query
from leakscope.ui.session import Applied, Session
from leakscope.ui.view import View, plan_view
from leakscope.ui.widgets.explanation import ExplanationPane, explain_finding, explain_group
from leakscope.ui.widgets.findings_tree import (
    AUTO_EXPAND_LIMIT,
    GROUPINGS,
    FindingsTree,
    Group,
    Palette,
)
from leakscope.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from leakscope.core.engine import Progress
    from leakscope.core.fixes import FixPlan
    from leakscope.core.watch import WatchEvent
    from leakscope.ui.app import LeakscopeApp
    from leakscope.ui.widgets.source_view import Mark, SourceView

# During a scan, repaint the tree at most this often (seconds).
SCAN_REFRESH_INTERVAL = 0.1
# How long the keys rest (seconds) before the collection that ends a scan (see
# _collect_after_scan).
QUIET_BEFORE_COLLECT = 0.5


def _freeze_survivors(phase: str, info: dict[str, int]) -> None:
    """A gc callback while a scan runs: what a full collection leaves is alive, so it is
    frozen, and the next full collection walks only what came since. Without it each one
    walked every result so far (30-60 ms pauses, a key waiting behind them, on std)."""
    if phase == "stop" and info.get("generation") == 2:
        gc.freeze()


def _stop_freezing_survivors() -> None:
    """The scan is over: stop freezing, and give back to the collector what was frozen (at
    the scan's start and since), so cycles that died meanwhile (widgets, render caches) are
    collected after all."""
    if _freeze_survivors in gc.callbacks:
        gc.callbacks.remove(_freeze_survivors)
        gc.unfreeze()


# How long findings the watcher found carry their "new" badge (seconds).
NEW_SECONDS = 6.0
# The ignore prompt's example reason, per rule: what makes such a finding acceptable.
IGNORE_EXAMPLE = "reviewed: this runs a few times at start-up"
IGNORE_EXAMPLES = {
    "substring-retention": "the line is at most 64 bytes (checked by the caller)",
    "subslice-retention": "buf is the 8-byte header, not the body",
    "defer-in-loop": "the loop runs at most three times",
    "ticker-not-stopped": "the ticker lives as long as the process",
    "time-after-in-loop": "the loop runs once a minute; a timer per minute is fine",
    "finalizer-cycle": "the cycle is broken by Close before the last reference goes",
    "cleanup-keeps-alive": "the object is meant to live until the process exits",
    "resliced-pointers": "the queue is dropped as a whole right after",
    "hanging-goroutine": "the caller always reads the result (see Wait)",
    "context-not-cancelled": "the context lives as long as the server",
}
FILTER_PLACEHOLDER = "/ filter: words  rule:NAME  path:GLOB  severity:LEVEL  fixable"


@dataclass
class SourceFile:
    path: str
    text: str
    raw: bytes = b""


class FilterInput(Input):
    """The `/` box: enter goes to the first match, escape clears."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("filter")

    class Cleared(Message):
        pass

    def action_clear(self) -> None:
        self.post_message(self.Cleared())


# core.analysis, core.fixes and ui.diffing are imported where they are used: the first frame
# needs none of them (start-up time, issue 14).


def read_source(root: Path, path: str) -> SourceFile | None:
    from leakscope.core.analysis import BOM

    try:
        raw = (root / path).read_bytes()
    except OSError:
        return None
    data = raw[len(BOM) :] if raw.startswith(BOM) else raw
    # (Shown, never written back: control characters become visible, column for column.)
    return SourceFile(path, display_source(data.decode("utf-8", errors="replace")), raw)


PREVIEW_ROWS = 8
# The explanation's fix preview looks at the fix's edits within this many bytes of the finding.
PREVIEW_REACH = 8000


def fix_preview(finding: Finding, raw: bytes, known_hash: str | None) -> list[tuple[str, str]]:
    """The lines the fix changes near the finding, as ("-" | "+", text) rows, from the
    fix's own edits (before gofmt); empty when the file changed since it was analysed."""
    from leakscope.core.analysis import apply_edits, content_hash, mask_bom
    from leakscope.core.fixes import crlf_edits
    from leakscope.ui.diffing import diff_texts

    if finding.fix is None or known_hash is None or content_hash(raw) != known_hash:
        return []
    source = mask_bom(raw)
    edits = crlf_edits(source, finding.fix).edits
    if not edits:
        return []
    # Diff only the lines the fix's edits near the finding touch: diffing a whole 2,000-line
    # file costs 50 ms, and this runs on every selection and every live update.
    near = [
        e
        for e in edits
        if abs(e.start_byte - finding.span.start_byte) <= PREVIEW_REACH
        or abs(e.end_byte - finding.span.end_byte) <= PREVIEW_REACH
    ] or list(edits)
    start = source.rfind(b"\n", 0, min(e.start_byte for e in near)) + 1
    end = source.find(b"\n", max(e.end_byte for e in near))
    end = len(source) if end == -1 else end
    first_line = source.count(b"\n", 0, start)  # lines before the window
    window = source[start:end]
    try:
        after = apply_edits(
            window,
            [TextEdit(e.start_byte - start, e.end_byte - start, e.new_text) for e in near],
        )
    except ValueError:
        return []
    diff = diff_texts(
        display_source(window.decode("utf-8", errors="replace")),
        display_source(after.decode("utf-8", errors="replace")),
    )
    # The block of changes nearest the finding's line (rows placed by old line numbers: an
    # added row sits where it goes in the old file).
    blocks: list[list[tuple[str, str, int]]] = []
    current: list[tuple[str, str, int]] = []
    old_at = first_line
    for row in diff.unified:
        if row.old_no is not None:
            old_at = first_line + row.old_no
        if row.kind == "removed" and row.old_no is not None:
            current.append(("-", diff.old_lines[row.old_no - 1], old_at))
        elif row.kind == "added" and row.new_no is not None:
            current.append(("+", diff.new_lines[row.new_no - 1], old_at))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    if not blocks:
        return []
    block = min(blocks, key=lambda b: min(abs(r[2] - finding.line) for r in b))
    rows = [(mark, text.expandtabs(4)) for mark, text, _ in block]
    indent = min((len(t) - len(t.lstrip()) for _, t in rows if t.strip()), default=0)
    rows = [(mark, text[indent:]) for mark, text in rows]
    if len(rows) > PREVIEW_ROWS:
        more = len(rows) - PREVIEW_ROWS + 1
        rows = [*rows[: PREVIEW_ROWS - 1], ("…", f"{more} more lines: d shows them all")]
    return rows


def editor_command(path: Path, line: int, column: int) -> list[str]:
    """$VISUAL or $EDITOR (else vi) opened at a line, in the way each editor wants it."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        parts = shlex.split(editor)
    except ValueError:
        parts = editor.split()
    parts = parts or ["vi"]
    name = Path(parts[0]).name
    if name in ("code", "code-insiders", "codium", "cursor"):
        return [*parts, "--goto", f"{path}:{line}:{column}"]
    if name in ("subl", "zed", "hx", "helix"):
        return [*parts, f"{path}:{line}:{column}"]
    return [*parts, f"+{line}", str(path)]


# Fixes checked per step of the idle worker (each takes a few milliseconds).
FIX_CHECK_STEP = 4
# How long the source view shows a file before its package is parsed for quick live updates.
PREPARE_DELAY = 0.2
# How long after a live update, with no other, its fixes start being checked.
FIX_CHECK_IDLE = 0.25


class MainScreen(Screen[None]):
    CSS_PATH = "main.tcss"
    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("main")
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (80, "-wide")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (20, "-tall")]

    # -- messages from workers ----------------------------------------------------------

    class ScanBatch(Message):
        def __init__(self, generation: int, progress: Progress, live: bool) -> None:
            super().__init__()
            self.generation = generation
            self.progress = progress
            self.live = live

    class ScanDone(Message):
        def __init__(self, generation: int, error: str = "") -> None:
            super().__init__()
            self.generation = generation
            self.error = error

    class ChangeDone(Message):
        """A fix, undo, ignore or re-analysis finished; `message` tells the user what."""

        def __init__(self, message: str, severity: str = "information", focus: str = "") -> None:
            super().__init__()
            self.message = message
            self.severity = severity
            self.focus = focus  # a path whose source view should reload

    class ViewPlanned(Message):
        """A view planned off the loop during a scan (see `_refresh_off_the_loop`)."""

        def __init__(self, serial: int, view: View | None) -> None:
            super().__init__()
            self.serial = serial
            self.view = view

    class FixesChecked(Message):
        """The idle worker checked pending fixes of these files."""

        def __init__(self, files: list[str]) -> None:
            super().__init__()
            self.files = files

    class Planned(Message):
        """Fixes planned and type-checked, to show ("view") or apply ("apply")."""

        def __init__(self, plan: FixPlan, purpose: str, asked: bool) -> None:
            super().__init__()
            self.plan = plan
            self.purpose = purpose
            self.asked = asked  # the user already agreed to unsafe fixes

    # -----------------------------------------------------------------------------------

    def __init__(self, session: Session, *, not_a_folder: str = "") -> None:
        super().__init__()
        self.session = session
        self.not_a_folder = not_a_folder
        self.grouping = "file"
        self.query_filter: Query = parse_query("")
        self.all_findings: list[Finding] = []
        self.shown: list[Finding] = []
        # Minor (info) findings are true but bounded: hidden unless `m` or `severity:info`.
        self.show_minor = False
        self.minor_hidden = 0
        self._index = SearchIndex([])
        self._totals: dict[str, dict[str, int]] = {}
        self.selected: Finding | None = None
        self.selected_group: Group | None = None
        self.scanning = False
        self._generation = 0
        self._last_tree_refresh = 0.0
        self._refresh_timer: Timer | None = None
        self._view_serial = 0  # the latest refresh; a view planned for an earlier one is dropped
        self._view_planning = False
        self._view_again = False  # findings came while a view was being planned
        self.palette = Palette()
        self.busy = False  # a fix/undo/ignore is being written
        # What the source view shows: ("finding", fingerprint) or ("group", key); showing the
        # same again (a live update) keeps the view's scroll instead of jumping to the mark.
        self._source_key: tuple[str, str] | None = None
        self._source_view: SourceView | None = None  # (see `source`)
        self._show_scheduled = False  # a selection waits to be shown after the next paint
        self._new_timer: Timer | None = None
        # A live update is on its way to the screen: the idle fix checks wait for it.
        self._checks_held = False
        self._fix_timer: Timer | None = None
        self._prepare_wanted: str | None = None  # the file shown last (see _prepare_file)
        self._rescanning = False  # `r` asked for this scan: say when it is done

    @property
    def leakscope(self) -> LeakscopeApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        if self.leakscope.demo:
            yield Static(
                display(f"demo copy (kept after you quit): {self.session.root}"),
                id="banner",
                markup=False,
            )
        with Horizontal(id="body"):
            # Empty until results come (`_show_empty_or_tree`): a class set after the mount
            # would restyle the whole column before the first frame.
            with Vertical(id="left", classes="-empty"):
                yield FilterInput(placeholder=FILTER_PLACEHOLDER, id="filter", compact=True)
                yield FindingsTree(id="tree")
                yield Static(id="empty", markup=False)
            with Vertical(id="right"):
                # The source view (a TextArea) is made after the first frame: see `source`.
                yield Static(id="source-slot")
                yield ExplanationPane(id="explanation")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def tree(self) -> FindingsTree:
        return self.query_one(FindingsTree)

    @property
    def source(self) -> SourceView:
        """The source view, made on first use (right after the first frame): a TextArea's
        import and mount were a twentieth of the first paint, and nothing is selected then;
        an empty slot holds its place."""
        return self._make_source_view() if self._source_view is None else self._source_view

    def _make_source_view(self) -> SourceView:
        if self._source_view is None:
            from leakscope.ui.widgets.source_view import SourceView

            view = SourceView(id="source")
            view.cursor_blink = self.leakscope.cursor_blink
            view.use_theme(self.leakscope.leak_theme)
            slot = self.query_one("#source-slot")
            self.query_one("#right").mount(view, before=slot)
            slot.remove()
            self._source_view = view
        return self._source_view

    @property
    def explanation(self) -> ExplanationPane:
        return self.query_one(ExplanationPane)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#filter", Input)

    def on_resize(self) -> None:
        # At 80 columns the footer's keys fit only without their padding ("q Quit" was cut).
        self.query_one(Footer).compact = self.size.width < 110

    def on_mount(self) -> None:
        if not self.leakscope.cursor_blink:
            self.filter_input.cursor_blink = False
        self.apply_palette(self.leakscope.palette)
        self.tree.focus()
        self.status.set(watch=self.leakscope.watch_state)
        self._show_empty_or_tree()
        self._show_nothing_selected()
        self.call_after_refresh(self._make_source_view)  # (see `source`)
        if not self.not_a_folder and self.leakscope.start_scan:
            # After the first frame: the scan thread would otherwise compete for the GIL
            # with the first paint.
            self.scanning = True
            self.tree.stick_to_first = True
            self._show_empty_or_tree()
            # The first frame says so too (start_scan sets the same, after it).
            self.status.set(scanning=True, done_files=0, total_files=0)
            self.call_after_refresh(self.start_scan, live=True)

    # -- theme --------------------------------------------------------------------------

    def apply_palette(self, palette: Palette) -> None:
        self.palette = palette
        self.tree.set_palette(palette)
        self.status.set_palette(palette)
        if self._source_view is not None:
            self._source_view.use_theme(self.leakscope.leak_theme)
        self._show_selection()

    # -- scanning -----------------------------------------------------------------------

    def start_scan(self, *, live: bool) -> None:
        self._generation += 1
        self.scanning = True
        # File changes during the scan wait for it (its results would replace theirs), then
        # are applied; the watcher itself starts with the first scan.
        app = self.leakscope
        app.hold_watch("scan")
        if app.watcher_enabled:
            app.start_watching()
        self.status.set(scanning=True, done_files=0, total_files=0)
        self._show_empty_or_tree()
        if _freeze_survivors not in gc.callbacks:
            gc.callbacks.append(_freeze_survivors)
            gc.freeze()  # (what lives now, the app itself, need not be walked either)
        self._scan(self._generation, live)

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def _scan(self, generation: int, live: bool) -> None:
        worker = get_current_worker()
        try:
            for progress in self.session.iter_scan():
                if worker.is_cancelled:
                    # A newer scan replaced this one: stop before this one's results are
                    # loaded over the newer ones (closing the generator skips the load).
                    return
                self.post_message(self.ScanBatch(generation, progress, live))
        except Exception as exc:  # a scan must never take the app down
            self.post_message(self.ScanDone(generation, f"scan failed: {exc}"))
            return
        self.post_message(self.ScanDone(generation))

    @on(ScanBatch)
    def _on_scan_batch(self, message: ScanBatch) -> None:
        if message.generation != self._generation:
            return
        progress = message.progress
        self.status.set(done_files=progress.done_files, total_files=progress.total_files)
        if message.live and not self.session.scanned:
            if self.session.add_results(progress.batch):
                self._schedule_tree_refresh()
            elif self._refresh_timer is None:
                # No finding came or went: the tree stays; only the file count moves.
                self.status.set(files=self.session.file_count())

    def _schedule_tree_refresh(self) -> None:
        now = time.monotonic()
        if now - self._last_tree_refresh >= SCAN_REFRESH_INTERVAL:
            self._refresh_off_the_loop()
        elif self._refresh_timer is None:
            delay = SCAN_REFRESH_INTERVAL - (now - self._last_tree_refresh)
            self._refresh_timer = self.set_timer(delay, self._timed_refresh)

    def _timed_refresh(self) -> None:
        self._refresh_timer = None
        if self.scanning:
            self._refresh_off_the_loop()

    @on(ScanDone)
    def _on_scan_done(self, message: ScanDone) -> None:
        if message.generation != self._generation:
            return
        self.scanning = False
        self.status.set(scanning=False)
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
            self._refresh_timer = None
        self.refresh_findings()
        if self.selected is not None:
            # Shown during the scan, before the project knew the Go versions: the
            # explanation names the version in force now (the source keeps its scroll).
            self._show_selection()
        self.tree.stick_to_first = False
        self.leakscope.release_watch("scan")
        self._collect_after_scan()
        if message.error:
            self.notify(message.error, severity="error", timeout=8)
        elif self._rescanning:
            self._rescanning = False
            self.leakscope.set_watch_state(
                self.leakscope.watch_state, time.strftime("%H:%M:%S"), ""
            )
            n, files = len(self._universe()), self.session.file_count()
            self.notify(
                f"Rescanned: {n} finding{'s' if n != 1 else ''} in "
                f"{files} file{'s' if files != 1 else ''}.",
                timeout=3,
            )
        for problem in self.session.problems[:3]:
            self.notify(problem, severity="warning", timeout=6)

    def _collect_after_scan(self) -> None:
        """Give what the scan froze back to the collector, and collect it, once no key came
        for a moment: that full collection walks every result (70-140 ms after a scan of
        std), and it fell on the next keystroke when left to the collector. Until then the
        survivors stay frozen as during the scan."""
        if self.scanning:
            return  # (a new scan goes on freezing; its own end collects)
        quiet = time.monotonic() - self.leakscope.last_input
        if quiet < QUIET_BEFORE_COLLECT:
            self.set_timer(QUIET_BEFORE_COLLECT - quiet, self._collect_after_scan)
            return
        _stop_freezing_survivors()
        gc.collect()
        # What survives lives about as long as the scan's results: out of the collector's
        # way, so a later full collection does not walk it again (a keystroke waited 150 ms
        # for one with 20,000 findings; a live update's p95 was 140 ms, now 110, with 222).
        # A cycle among these that dies later waits for the next scan's collection.
        gc.freeze()

    def on_unmount(self) -> None:
        _stop_freezing_survivors()

    # -- the findings model -------------------------------------------------------------

    def refresh_findings(self, *, live: bool = False) -> None:
        """Take the session's current findings (after a scan batch, a fix, a watch update).

        `live` (a watch update): groups stay open or closed as they are."""
        self._last_tree_refresh = time.monotonic()
        self._view_serial += 1  # (a view being planned off the loop is out of date now)
        self.all_findings = self.session.findings()
        self._index = SearchIndex(self.all_findings)
        self._totals = {}
        self.apply_filter(keep_expansion=live)

    def _refresh_off_the_loop(self) -> None:
        """During a scan: take the session's findings as `refresh_findings` does, with the
        view planned on a worker thread (see `ui.view`); one plan at a time."""
        self._last_tree_refresh = time.monotonic()
        if self._view_planning:
            self._view_again = True
            return
        self._view_planning = True
        self._view_serial += 1
        self._plan_view(self._view_serial, self.query_filter, self.grouping, self.minor_visible)

    @work(thread=True, group="view", exit_on_error=False)
    def _plan_view(self, serial: int, query: Query, grouping: str, minor_visible: bool) -> None:
        view = None
        try:
            findings = self.session.findings()
            view = plan_view(findings, SearchIndex(findings), query, grouping, minor_visible)
        finally:  # (with no view the loop plans again itself)
            self.post_message(self.ViewPlanned(serial, view))

    @on(ViewPlanned)
    def _on_view_planned(self, message: ViewPlanned) -> None:
        self._view_planning = False
        view = message.view
        if view is None:
            self.refresh_findings()
        elif message.serial == self._view_serial:
            self.all_findings = list(view.findings)
            self._index, self._totals = view.index, view.totals
            if (view.query, view.grouping, view.minor_visible) == (
                self.query_filter,
                self.grouping,
                self.minor_visible,
            ):
                self._show_view(view)
            else:  # the filter changed meanwhile
                self.apply_filter()
        if self._view_again:
            self._view_again = False
            if self.scanning:
                self._schedule_tree_refresh()

    @property
    def minor_visible(self) -> bool:
        return self.show_minor or self.query_filter.asks_for_minor

    def _universe(self) -> list[Finding]:
        """The findings the view counts: all, or all but the minor ones while they are hidden."""
        if self.minor_visible:
            return self.all_findings
        return [f for f in self.all_findings if f.severity is not Severity.INFO]

    def apply_filter(self, *, keep_expansion: bool = False) -> None:
        view = plan_view(
            self.all_findings,
            self._index,
            self.query_filter,
            self.grouping,
            self.minor_visible,
            self._totals,
        )
        self._show_view(view, keep_expansion=keep_expansion)

    def _show_view(self, view: View, *, keep_expansion: bool = False) -> None:
        self.shown = view.shown
        self.minor_hidden = view.minor_hidden
        tree = self.tree
        tree.grouping = view.grouping
        tree.populate(
            view.groups,
            auto_expand=len(view.shown) <= AUTO_EXPAND_LIMIT,
            keep_expansion=keep_expansion,
        )
        self.status.set(
            total=view.total,
            minor_hidden=view.minor_hidden,
            shown=len(view.shown),
            fixable=view.fixable,
            unsafe_fixes=view.unsafe_fixes,
            files=self.session.file_count(),
            filtered=not view.query.empty,
            grouping=view.grouping,
            go_version=self._go_version_text(),
            undo=len(self.session.undo_stack),
        )
        self._show_empty_or_tree()

    def _go_version_text(self) -> str:
        if self.selected is not None:
            version = self.session.go_version(self.selected.path)
            if version is not None:
                return format_go_version(version)
        versions = sorted(self.session.go_versions())
        if not versions:
            return ""
        if len(versions) == 1:
            return format_go_version(versions[0])
        return f"{format_go_version(versions[0])}–{format_go_version(versions[-1])}"

    def _show_empty_or_tree(self) -> None:
        message = self._empty_message()
        left = self.query_one("#left")
        if left.has_class("-empty") != (message is not None):
            # A class change restyles the whole column: only when it changes.
            left.set_class(message is not None, "-empty")
            tree = self.tree
            if message is not None and self.focused is tree:
                # The hidden tree would hand focus on to the filter, which would then take
                # the next key as text (`u` after fixing the last finding): no focus, so
                # the screen's keys still work.
                self.set_focus(None)
            elif message is None and self.focused is None:
                tree.focus()
        if message is not None:
            self.query_one("#empty", Static).update(message)

    def _empty_message(self) -> Text | None:
        root = self.session.root
        muted = Style(color=self.palette.muted)
        if self.not_a_folder:
            return Text.assemble(("Not a folder\n\n", "bold"), (self.not_a_folder, muted))
        if self.shown:
            return None
        if self.all_findings and not self.query_filter.empty:
            text = Text.assemble(
                ("No finding matches the filter\n\n", "bold"),
                (self.query_filter.text, Style(color=self.palette.info)),
                ("\n\nesc clears it", muted),
            )
            for problem in self.query_filter.problems:
                text.append(f"\n{problem}", style=Style(color=self.palette.warning))
            if self.minor_hidden:
                text.append(f"\n{self.minor_hidden} minor hidden ones match: m shows them", muted)
            return text
        if self.scanning:
            return Text.assemble(("Scanning…\n\n", "bold"), (str(root), muted))
        if self.minor_hidden:
            n = self.minor_hidden
            return Text.assemble(
                ("Nothing worth fixing ✓\n\n", Style(bold=True, color=self.palette.success)),
                (f"{n} minor finding{'s' if n != 1 else ''} hidden: true, but bounded ", muted),
                ("(a few iterations, a small value, test code)\n\nm shows them", muted),
            )
        if self.all_findings:
            return None
        files = self.session.file_count()
        if files == 0:
            text = Text.assemble(
                ("No Go files here\n\n", "bold"),
                (f"{root} holds no .go files leakscope scans", muted),
                (
                    "\n(vendor/, testdata/, hidden folders and .gitignore'd files are skipped)",
                    muted,
                ),
            )
            for problem in self.session.problems[:3]:
                text.append(f"\n{problem}", style=Style(color=self.palette.warning))
            return text
        return Text.assemble(
            ("No leaks found ✓\n\n", Style(bold=True, color=self.palette.success)),
            (f"{files} Go file{'s' if files != 1 else ''} in {root} are clean", muted),
        )

    # -- selection ----------------------------------------------------------------------

    @on(FindingsTree.Selected)
    def _on_selected(self, message: FindingsTree.Selected) -> None:
        shown = (
            self._source_key is not None
            and message.finding is self.selected
            and message.group is self.selected_group
        )
        self.selected = message.finding
        self.selected_group = message.group
        if not shown and not self._show_scheduled:  # (a live update showed these already)
            # After the moved cursor is painted: loading and highlighting a big file takes
            # 30-40 ms, which a key would otherwise wait for; keys pressed meanwhile show
            # only where the cursor ends.
            self._show_scheduled = True
            self.call_after_refresh(self._show_latest_selection)
        self.status.set(go_version=self._go_version_text())

    def _show_latest_selection(self) -> None:
        self._show_scheduled = False
        self._show_selection()

    @on(FindingsTree.Opened)
    def _on_opened(self, message: FindingsTree.Opened) -> None:
        self.selected = message.finding
        self._show_selection(reveal=True)
        self.source.focus()

    def _show_selection(self, *, reveal: bool = False) -> None:
        """Show the selection's code and explanation. The source view scrolls to the mark
        when the selection changed (or `reveal`); the same selection again (a palette
        change, a live update of its file) keeps the view where the user scrolled it."""
        finding = self.selected
        if finding is not None:
            self._show_finding(finding, reveal)
        elif self.selected_group is not None:
            self._show_group(self.selected_group, reveal)
        else:
            self._show_nothing_selected()

    def _show_source(
        self,
        key: tuple[str, str],
        path: str,
        text: str,
        marks: list[Mark],
        focus: Mark,
        reveal: bool,
    ) -> None:
        source = self.source
        keep = not reveal and self._source_key == key and source.path == path
        self._source_key = key
        if keep:
            source.show_text_in_place(path, text, marks)
        else:
            source.show_text(path, text, marks)
            source.reveal(focus)
        # Not while a scan runs: preparing holds the project's lock for a whole package's
        # analysis, and the scan's results wait for that lock on the app's thread (a key
        # then waits too). The end of the scan shows the selection again, which prepares.
        if path != self._prepare_wanted and not self.scanning:
            self._prepare_wanted = path
            self._prepare_file(path)

    @work(thread=True, group="prepare", exit_on_error=False)
    def _prepare_file(self, path: str) -> None:
        """(Idle) Analyse the file shown once as the live path does, so that the user's next
        edit of it is re-analysed in focus (`Project.prepare`), without a wait then."""
        time.sleep(PREPARE_DELAY)  # (the selection rests there first)
        project = self.session.project
        if path != self._prepare_wanted or project.prepare(path):
            return
        if path not in project.results and path == self._prepare_wanted:
            self._prepare_wanted = None  # (not scanned yet: the next selection tries again)

    def _show_nothing_selected(self) -> None:
        self._source_key = None
        if self._source_view is not None:
            self._source_view.clear_source()
        muted = Style(color=self.palette.muted)
        if self.not_a_folder:
            self.explanation.show(Text(""))
            return
        self.explanation.show(
            Text.assemble(
                ("Select a finding ", muted),
                ("(j/k, arrows)", Style(color=self.palette.info)),
                (" to see its code and why it leaks. ", muted),
                ("?", Style(color=self.palette.info, bold=True)),
                (" lists every key.", muted),
            )
        )

    def _show_finding(self, finding: Finding, reveal: bool = False) -> None:
        source = read_source(self.session.root, finding.path)
        version = self.session.go_version(finding.path)
        known = self.session.results.get(finding.path)
        preview = (
            fix_preview(finding, source.raw, known.content_hash if known else None)
            if source is not None
            else []
        )
        text = explain_finding(
            finding, self.palette, format_go_version(version) if version else None, preview
        )
        if source is None:
            self._source_key = None
            self.source.clear_source()
            text.append(
                f"\n\n{finding.path} cannot be read any more (deleted?); r rescans.",
                style=Style(color=self.palette.warning),
            )
        else:
            from leakscope.ui.widgets.source_view import marks_for

            marks = marks_for(finding)
            key = ("finding", finding.fingerprint)
            self._show_source(key, source.path, source.text, marks, marks[-1], reveal)
        self.explanation.show(text)

    def _show_group(self, group: Group, reveal: bool = False) -> None:
        self.explanation.show(explain_group(group, self.palette))
        if not group.findings:
            self._source_key = None
            self.source.clear_source()
            return
        first = group.findings[0]
        source = read_source(self.session.root, first.path)
        if source is None:
            self._source_key = None
            self.source.clear_source()
            return
        from leakscope.ui.widgets.source_view import LEAK, Mark

        marks = [
            Mark(f.span.start, f.span.end, LEAK) for f in group.findings if f.path == first.path
        ]
        key = ("group", group.key)
        self._show_source(key, source.path, source.text, marks, marks[0], reveal)

    # -- filter -------------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        self.filter_input.focus()

    @on(Input.Changed, "#filter")
    def _on_filter_changed(self, event: Input.Changed) -> None:
        self.query_filter = parse_query(event.value)
        self.apply_filter()

    @on(Input.Submitted, "#filter")
    def _on_filter_submitted(self) -> None:
        tree = self.tree
        tree.focus()
        if self.shown:
            tree.select_finding(self.shown[0])

    @on(FilterInput.Cleared)
    def action_clear_filter(self) -> None:
        if self.filter_input.value:
            self.filter_input.value = ""  # Input.Changed re-applies the (empty) filter
        self.tree.focus()

    def action_toggle_minor(self) -> None:
        self.show_minor = not self.show_minor
        self.apply_filter(keep_expansion=True)
        if self.show_minor:
            self.notify("Showing minor findings (info: bounded, not worth fixing).", timeout=3)
        else:
            self.notify("Minor findings hidden; m shows them.", timeout=3)

    def action_cycle_grouping(self) -> None:
        index = GROUPINGS.index(self.grouping)
        self.set_grouping(GROUPINGS[(index + 1) % len(GROUPINGS)])

    def go_to_file(self, path: str) -> None:
        """(The command palette) Select the first finding shown in `path`."""
        first = next((f for f in self.shown if f.path == path), None)
        if first is None:
            self.notify(f"No finding shown in {path}.", severity="warning", timeout=3)
            return
        self.tree.focus()
        self.tree.select_finding(first)

    def set_grouping(self, grouping: str) -> None:
        if grouping not in GROUPINGS:
            return
        self.grouping = grouping
        self.apply_filter()
        self.notify(f"Grouped by {grouping}", timeout=2)

    # -- actions on findings ------------------------------------------------------------

    def _need_finding(self, verb: str) -> Finding | None:
        # The tree's cursor, not the last Selected message: a key pressed right after a
        # cursor move may arrive before that message.
        finding = self.tree.selected_finding
        if finding is None:
            self.notify(f"Select a finding to {verb}.", severity="warning", timeout=3)
        return finding

    def _check_busy(self, writing: bool = True) -> bool:
        """Whether a change must wait: one is being written, or (for changes) a scan runs,
        whose results, computed before the change, would replace the fresh ones."""
        if self.busy:
            self.notify("Still writing the last change…", severity="warning", timeout=2)
            return True
        if writing and self.scanning:
            self.notify("Scanning… files can be changed once it ends.", severity="warning")
            return True
        return False

    def action_diff(self) -> None:
        finding = self._need_finding("compare")
        if finding is None or self._check_busy(writing=False):
            return
        if finding.fix is None:
            self.notify(_no_fix_text(finding), severity="warning", timeout=4)
            return
        self._plan([finding], Applicability.UNSAFE, _fix_title(finding), "view")

    def action_apply_fix(self) -> None:
        finding = self._need_finding("fix")
        if finding is None or self._check_busy():
            return
        if finding.fix is None:
            self.notify(_no_fix_text(finding), severity="warning", timeout=4)
            return
        self._plan([finding], finding.fix.applicability, _fix_title(finding), "apply")

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def _plan(
        self,
        findings: list[Finding],
        applicability: Applicability,
        title: str,
        purpose: str,
        asked: bool = False,
    ) -> None:
        """Plan and type-check the fixes (off the UI thread), then show, ask or apply."""
        from leakscope.core.fixes import FixError, FixPlan

        self.busy = True
        self.app.call_from_thread(self.status.set, activity="checking the fix compiles…")
        try:
            changes = self.session.plan(findings, applicability)
        except FixError as exc:
            self.post_message(self.ChangeDone(str(exc), "error", findings[0].path))
            return
        except Exception as exc:
            self.post_message(self.ChangeDone(f"cannot plan the fix: {exc}", "error"))
            return
        finally:
            self.busy = False
            self.app.call_from_thread(self.status.set, activity="")
        self.post_message(self.Planned(FixPlan(findings, changes, title), purpose, asked))

    @on(Planned)
    def _on_planned(self, message: Planned) -> None:
        plan = message.plan
        if not plan.writable:
            why = plan.skipped[0][1] if plan.skipped else "the fix no longer applies"
            self.notify(f"Not applied: {why}", severity="error", timeout=8)
            return
        if message.purpose != "view":
            self._confirm_or_apply(plan, message.asked)
            return
        finding = plan.findings[0]
        change = next((c for c in plan.writable if c.path == finding.path), plan.writable[0])
        others = [c.path for c in plan.writable if c is not change]
        note = f"also changes {', '.join(others)}" if others else ""
        from leakscope.ui.screens.diff import DiffScreen

        def done(result: str | None) -> None:
            if result == "apply" and not self._check_busy():
                self._confirm_or_apply(plan, asked=False)

        self.app.push_screen(
            DiffScreen(
                finding,
                _decode(change.before),
                _decode(change.after),
                self.leakscope.leak_theme,
                self.palette,
                note,
                proof="compiles" if plan.verified else "unverified",
                proven=plan.verified,
            ),
            done,
        )

    def _confirm_or_apply(self, plan: FixPlan, asked: bool) -> None:
        """Apply a planned change; ask first when it is unsafe (unless asked) or unverified."""
        unsafe = plan.unsafe and not asked
        if not unsafe and plan.verified:
            self._apply(plan)
            return
        from leakscope.ui.screens.dialogs import ConfirmScreen

        finding = plan.findings[0]
        change = next((c for c in plan.writable if c.path == finding.path), plan.writable[0])
        reasons = []
        if unsafe:
            reasons.append("this fix may change behaviour; read the change first.")
        if not plan.verified:
            reasons.append(f"it is {plan.proof_text}.")
        title = "Apply an unsafe fix?" if unsafe else "Apply an unverified fix?"
        where = f"{finding.path}:{finding.line}  {finding.rule}" if len(plan.findings) == 1 else ""
        body = "\n".join(filter(None, [where, f"{plan.title}: " + " And ".join(reasons)]))

        def confirmed(yes: bool | None) -> None:
            if yes and not self._check_busy():
                self._apply(plan)
            else:
                self.notify("Not applied.", timeout=2)

        self.app.push_screen(
            ConfirmScreen(
                title,
                body,
                diff=(_decode(change.before), _decode(change.after), self.leakscope.leak_theme),
                focus_line=finding.line,
            ),
            confirmed,
        )

    def action_apply_group(self) -> None:
        if self._check_busy():
            return
        group = self.tree.selected_group
        if group is None:
            self.notify("Select a group (or a finding in it) first.", severity="warning")
            return
        safe = group.safe_fixable
        if not safe:
            self.notify(f"No safe fix in {group.title}.", severity="warning", timeout=3)
            return
        from leakscope.ui.screens.dialogs import ConfirmScreen

        count = len(safe)
        files = len({f.path for f in safe})
        where = f"{files} file{'s' if files != 1 else ''}"
        title = f"{count} fixes in {group.title}"

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._plan(safe, Applicability.SAFE, title, "apply", asked=True)
            else:
                self.notify("Not applied.", timeout=2)

        self.app.push_screen(
            ConfirmScreen(
                f"Apply {count} safe fix{'es' if count != 1 else ''}?",
                f"Every safe fix shown in {group.title} ({count} in {where}), each checked to "
                "compile first. u undoes them together.",
            ),
            confirmed,
        )

    @work(thread=True, exclusive=True, group="change", exit_on_error=False)
    def _apply(self, plan: FixPlan, force: bool = False) -> None:
        from leakscope.core.fixes import FixError, NeedsForce

        self.busy = True
        try:
            applied = self.session.apply(plan.title, plan.writable, force=force)
        except NeedsForce as exc:  # a read-only or hard-linked file: `fix` needs --force
            self.app.call_from_thread(self._ask_force, plan, str(exc))
            return
        except FixError as exc:
            self.post_message(self.ChangeDone(f"Not applied: {exc}", "error"))
            return
        except Exception as exc:
            self.post_message(self.ChangeDone(f"Not applied: {exc}", "error"))
            return
        finally:
            self.busy = False
        self.post_message(self.ChangeDone(_applied_text(applied), "information"))

    def _ask_force(self, plan: FixPlan, why: str) -> None:
        """Ask before writing a file that asked not to be: read-only, or hard-linked."""
        from leakscope.ui.screens.dialogs import ConfirmScreen

        def confirmed(yes: bool | None) -> None:
            if yes and not self._check_busy():
                self._apply(plan, force=True)
            else:
                self.notify("Not applied.", timeout=2)

        self.app.push_screen(
            ConfirmScreen(
                "Write a protected file?",
                f"{why}. Writing replaces it anyway (its mode is kept; a hard link is split).",
            ),
            confirmed,
        )

    def action_undo(self) -> None:
        if self._check_busy():
            return
        if not self.session.undo_stack:
            self.notify("Nothing to undo.", severity="warning", timeout=2)
            return
        self._undo()

    @work(thread=True, exclusive=True, group="change", exit_on_error=False)
    def _undo(self) -> None:
        from leakscope.core.fixes import FixError

        self.busy = True
        try:
            entry = self.session.undo()
        except FixError as exc:
            self.post_message(self.ChangeDone(str(exc), "error"))
            return
        except Exception as exc:
            self.post_message(self.ChangeDone(f"cannot undo: {exc}", "error"))
            return
        finally:
            self.busy = False
        self.post_message(self.ChangeDone(f"Undone: {entry.title}"))

    def action_ignore(self) -> None:
        finding = self._need_finding("ignore")
        if finding is None or self._check_busy():
            return
        if finding.rule == DIRECTIVE_RULE.name:
            self.notify(
                "This finding is about a //leakscope:ignore comment itself: edit it (e).",
                severity="warning",
                timeout=4,
            )
            return
        from leakscope.ui.screens.dialogs import PromptScreen

        def answered(reason: str | None) -> None:
            if reason:
                self._ignore(finding, reason)

        self.app.push_screen(
            PromptScreen(
                f"Ignore {finding.rule} at {finding.path}:{finding.line}",
                f"Adds //leakscope:ignore {finding.rule} REASON above the line. "
                "Why is this finding acceptable?",
                placeholder=f"e.g. {IGNORE_EXAMPLES.get(finding.rule, IGNORE_EXAMPLE)}",
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="change", exit_on_error=False)
    def _ignore(self, finding: Finding, reason: str) -> None:
        from leakscope.core.fixes import FixError

        self.busy = True
        try:
            self.session.ignore(finding, reason)
        except FixError as exc:
            self.post_message(self.ChangeDone(f"Not added: {exc}", "error"))
            return
        except Exception as exc:
            self.post_message(self.ChangeDone(f"Not added: {exc}", "error"))
            return
        finally:
            self.busy = False
        self.post_message(
            self.ChangeDone(
                f"Added //leakscope:ignore {finding.rule} above "
                f"{finding.path}:{finding.line} (u undoes it)"
            )
        )

    @on(ChangeDone)
    def _on_change_done(self, message: ChangeDone) -> None:
        self.refresh_findings()
        self.call_after_refresh(self._check_fixes_when_idle)
        if message.severity == "silent" or not message.message:
            return
        timeout = 6 if message.severity == "error" else 4
        self.notify(message.message, severity=message.severity, timeout=timeout)  # type: ignore[arg-type]

    def action_edit(self) -> None:
        finding = self.tree.selected_finding
        group = self.tree.selected_group
        if finding is None and (group is None or not group.findings):
            self.notify("Select a finding to edit.", severity="warning", timeout=3)
            return
        target = finding or group.findings[0]  # type: ignore[union-attr]
        path = self.session.root / target.path
        command = editor_command(path, target.line, target.column)
        try:
            with self.app.suspend():
                code = _run_editor(command)
        except SuspendNotSupported:
            code = _run_editor(command)
        if code is None:
            self.notify(f"Cannot run {command[0]}: set $VISUAL or $EDITOR.", severity="error")
        self.reanalyse_paths([target.path], quiet=True)

    def action_toggle_watch(self) -> None:
        self.leakscope.toggle_watch()

    def action_rescan(self) -> None:
        if self.not_a_folder:
            self.notify(self.not_a_folder, severity="error")
            return
        self.notify("Rescanning…", timeout=2)
        self._rescanning = True
        self.start_scan(live=False)

    # -- live updates from the file watcher ----------------------------------------------

    def apply_watch_event(self, event: WatchEvent) -> str:
        """Show what a batch of file changes did: one tree rebuild that keeps the cursor,
        the open groups, the filter and the scroll; new findings badged for a few seconds;
        the open file reloaded in place. Returns the status line's detail ("+1 −2")."""
        update = event.update
        names = {p.name for p in event.paths}
        config_changed = bool(names & set(CONFIG_FILE_NAMES))
        if update.error:
            self.notify(
                f"{update.error}. The previous findings stay until it is fixed.",
                severity="error",
                timeout=10,
            )
            return "· config error"
        gone, new = len(update.removed), len(update.added)
        counts = f"{new} new, {gone} gone"
        if update.full_rescan:
            # The config (or a .gitignore) changed: the project re-read it and rescanned.
            self.session.config = self.session.project.config
            what = "Config reloaded" if config_changed else ".gitignore changed"
            self.notify(f"{what}: findings updated ({counts}).", timeout=5)
        elif "go.mod" in names:
            versions = sorted(self.session.go_versions())
            now = ", ".join(format_go_version(v) for v in versions)
            self.notify(f"go.mod changed (go {now}): {counts}.", timeout=5)
        if not (update.files or update.added or update.removed):
            return ""
        results = self.session.results
        if (
            not update.added
            and not update.removed
            and update.analysed == 0
            and all(path in results for path in update.files)
        ):
            return ""  # e.g. leakscope's own write, already shown: nothing to repaint
        self._checks_held = True  # (until the update is painted: _check_fixes_when_idle)
        if update.removed and self.tree.fresh:
            back = {f.fingerprint for f in update.added}
            self.tree.unmark_new(f.fingerprint for f in update.removed if f.fingerprint not in back)
        fresh = _really_new(update.added, update.removed)
        if fresh:
            until = time.monotonic() + NEW_SECONDS
            self.tree.mark_new((f.fingerprint for f in fresh), until)
            self._schedule_new_expiry()
        self.refresh_findings(live=True)
        shown = self.source.path
        if shown is not None and shown in update.files:
            # The open file changed: reload it where the user is (the tree's Selected
            # message, when the finding objects changed, shows the same again).
            self.selected = self.tree.selected_finding
            self.selected_group = self.tree.selected_group
            self._show_selection()
        self.call_after_refresh(self._check_fixes_at_idle)
        return " ".join(part for part in (f"+{new}" * bool(new), f"−{gone}" * bool(gone)) if part)

    # -- fixes of live updates, checked at idle --------------------------------------------

    def _check_fixes_at_idle(self) -> None:
        """(A live update is on screen.) Check its pending fixes once no other update came
        for FIX_CHECK_IDLE: edits in quick succession are shown first, each at once."""
        if self._fix_timer is not None:
            self._fix_timer.stop()
        self._fix_timer = self.set_timer(FIX_CHECK_IDLE, self._check_fixes_when_idle)

    def _check_fixes_when_idle(self) -> None:
        """Check the fixes a live update left pending (their marks say "checking…"), in a
        worker that goes a few fixes at a time, after the update is on screen."""
        self._checks_held = False
        self._fix_timer = None
        if self.session.project.pending_fixes():
            self._check_fixes()

    @work(thread=True, exclusive=True, group="fix-check", exit_on_error=False)
    def _check_fixes(self) -> None:
        worker = get_current_worker()
        project = self.session.project
        files: set[str] = set()
        while not worker.is_cancelled and project.pending_fixes():
            if self._checks_held:  # a live update is being shown: it goes first
                time.sleep(0.01)
                continue
            files.update(project.check_fixes(limit=FIX_CHECK_STEP).files)
            time.sleep(0.002)  # (lets the event loop take the GIL between steps)
        if files:
            self.post_message(self.FixesChecked(sorted(files)))

    @on(FixesChecked)
    def _on_fixes_checked(self, message: FixesChecked) -> None:
        self.refresh_findings(live=True)
        if self.source.path in message.files:
            self.selected = self.tree.selected_finding
            self.selected_group = self.tree.selected_group
            self._show_selection()

    def _schedule_new_expiry(self) -> None:
        if self._new_timer is not None:
            return
        upcoming = min(self.tree.fresh.values(), default=None)
        if upcoming is None:
            return
        delay = max(0.05, upcoming - time.monotonic())
        self._new_timer = self.set_timer(delay, self._expire_new)

    def _expire_new(self) -> None:
        self._new_timer = None
        self.tree.expire_new(time.monotonic())
        self._schedule_new_expiry()

    # -- the seam for other changes -------------------------------------------------------

    def reanalyse_paths(self, paths: list[str | Path], *, quiet: bool = False) -> None:
        """Re-analyse these changed paths in a worker, then refresh the tree."""
        self._reanalyse(list(paths), quiet)

    @work(thread=True, group="reanalyse", exit_on_error=False)
    def _reanalyse(self, paths: list[str | Path], quiet: bool) -> None:
        try:
            update = self.session.reanalyse(paths)
        except Exception as exc:
            self.post_message(self.ChangeDone(f"cannot re-analyse: {exc}", "error"))
            return
        if quiet and not update.added and not update.removed:
            self.post_message(self.ChangeDone("", "silent"))
            return
        where = ", ".join(str(p) for p in paths[:2]) + (" …" if len(paths) > 2 else "")
        gone, new = len(update.removed), len(update.added)
        self.post_message(
            self.ChangeDone(
                f"Re-analysed {where}: {gone} finding{'s' if gone != 1 else ''} gone, {new} new",
                "information",
            )
        )


def _really_new(added: Iterable[Finding], removed: Iterable[Finding]) -> list[Finding]:
    """The added findings that are not a removed one moved to another file (a rename, a
    file moved by `git mv`): the same rule, place and message elsewhere is not news."""

    def same(f: Finding) -> tuple[object, ...]:
        return (f.rule, f.line, f.column, f.message)

    gone: dict[tuple[object, ...], int] = {}
    for finding in removed:
        gone[same(finding)] = gone.get(same(finding), 0) + 1
    out = []
    for finding in added:
        key = same(finding)
        if gone.get(key):
            gone[key] -= 1
        else:
            out.append(finding)
    return out


def _run_editor(command: list[str]) -> int | None:
    try:
        return subprocess.run(command, check=False).returncode
    except OSError:
        return None


def _decode(data: bytes) -> str:
    from leakscope.core.analysis import BOM

    if data.startswith(BOM):
        data = data[len(BOM) :]
    return display_source(data.decode("utf-8", errors="replace"))


def _no_fix_text(finding: Finding) -> str:
    reason = finding.no_fix_reason or "no automatic fix for this finding"
    return reason[:1].upper() + reason[1:]


def _fix_title(finding: Finding) -> str:
    title = finding.fix.title if finding.fix is not None else "fix"
    return f"{title} ({finding.path}:{finding.line})"


def _applied_text(applied: Applied) -> str:
    count = applied.count
    files = ", ".join(applied.paths)
    text = f"Fixed {count} finding{'s' if count != 1 else ''} in {files}"
    if count == 1 and applied.changes and applied.changes[0].applied:
        first = applied.changes[0].applied[0]
        if first.fix is not None:
            text = f"{first.fix.title}: {first.path}:{first.line}"
    if applied.skipped:
        text += f"; {len(applied.skipped)} skipped ({applied.skipped[0][1]})"
    return text + " · u undoes"
