"""The app while a scan is running: the tree fills in batches, keys act on it (issue 14).

The scan is paced by the test: each package's batch is let through one at a time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_app_helpers import app_for, copy_project, selected, settle, tree_findings

from leakscope.ui import session as session_module
from leakscope.ui.query import SearchIndex
from leakscope.ui.screens import main as main_module
from leakscope.ui.view import plan_view

SIZE = (130, 38)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


async def until(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.01)


def fingerprint(app) -> str | None:  # type: ignore[no-untyped-def]
    finding = selected(app)
    return finding.fingerprint if finding is not None else None


async def test_tree_fills_in_batches_and_keys_act_during_the_scan(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Semaphore(0)
    real_iter_scan = session_module.iter_scan

    def paced_iter_scan(*args, **kwargs):  # type: ignore[no-untyped-def]
        # (main.go without findings, catalog 2, store 2, worker 3 with a minor one)
        for progress in list(real_iter_scan(*args, **kwargs)):
            gate.acquire(timeout=10)
            yield progress

    monkeypatch.setattr(session_module, "iter_scan", paced_iter_scan)
    monkeypatch.setattr(main_module, "SCAN_REFRESH_INTERVAL", 0.0)
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        main = app.main
        populated: list[int] = []
        real_populate = main.tree.populate

        def populate(groups, **kwargs):  # type: ignore[no-untyped-def]
            populated.append(sum(len(g.findings) for g in groups))
            real_populate(groups, **kwargs)

        main.tree.populate = populate  # type: ignore[method-assign]
        await until(pilot, lambda: main.scanning, "the scan to start")

        # A package without findings: counted, but the tree is not rebuilt.
        gate.release()
        await until(pilot, lambda: main.status.info.done_files == 1, "the first batch")
        await pilot.pause()
        assert populated == []
        assert main.status.info.files == 1
        assert tree_findings(app) == []

        # The first findings show while the scan goes on, the first one selected.
        gate.release()
        await until(pilot, lambda: len(tree_findings(app)) == 2, "catalog's findings")
        assert main.scanning
        first, second = tree_findings(app)
        assert fingerprint(app) == first.fingerprint

        # A key during the scan moves the cursor; the next batch keeps it there.
        main.tree.focus()
        await pilot.press("down")
        await until(pilot, lambda: fingerprint(app) == second.fingerprint, "the cursor to move")
        gate.release()
        await until(pilot, lambda: len(tree_findings(app)) == 4, "store's findings")
        assert main.scanning
        assert fingerprint(app) == second.fingerprint

        gate.release()
        await settle(pilot)
        assert not main.scanning
        assert len(tree_findings(app)) == len(main.shown) > 4
        assert fingerprint(app) == second.fingerprint
        assert populated[:2] == [2, 4]


async def test_source_view_highlights_lazily_and_moves_marks_alone() -> None:
    """A long file is highlighted by chunks of rows as they are shown; the result equals
    TextArea's whole-file highlights, and other marks on the same text touch their rows only."""
    from textual.app import App, ComposeResult
    from textual.widgets import TextArea

    from leakscope.core.model import Position
    from leakscope.ui.widgets.source_view import (
        HIGHLIGHT_CHUNK,
        LEAK,
        MARK_NAMES,
        Mark,
        SourceView,
    )

    body = "".join(
        f'// f{i} says hi\nfunc f{i}(s string) string {{\n\treturn s[:{i}] + "x"\n}}\n\n'
        for i in range(200)
    )
    text = "package p\n\n/* a comment\nover lines */\n" + body

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield SourceView(id="source")
            yield TextArea(text, language="go", id="plain")

    def mark(line: int) -> Mark:
        return Mark(Position(line, 9), Position(line, 14), LEAK)

    async with Host().run_test(size=(100, 30)) as pilot:
        source = pilot.app.query_one(SourceView)
        source.show_text("p.go", text, [mark(700)])
        source.reveal(source.marks[-1])
        await pilot.pause()
        chunks = -(-source.document.line_count // HIGHLIGHT_CHUNK)
        assert 0 < len(source._chunks) < chunks
        assert (8, 13, LEAK) in source._highlights[699]

        # Another finding in the same file: only the marked rows change.
        before = {row: list(h) for row, h in source._highlights.items() if row != 699}
        source.show_text("p.go", text, [mark(702)])
        assert not any(h[2] == LEAK for h in source._highlights[699])
        assert (8, 13, LEAK) in source._highlights[701]
        for row, highlights in before.items():
            if row != 701:
                assert source._highlights[row] == highlights

        # Every row once shown: the same highlights as the whole-file map, marks on top.
        for row in range(source.document.line_count):
            source._ensure_highlighted(row)
        plain = pilot.app.query_one("#plain", TextArea)
        for row in range(source.document.line_count):
            ours = [h for h in source._highlights.get(row, []) if h[2] not in MARK_NAMES]
            assert sorted(ours, key=repr) == sorted(plain._highlights.get(row, []), key=repr)
            if row == 701:
                assert source._highlights[row][-1][2] == LEAK


async def test_source_view_wraps_once_and_matches_a_plain_text_area() -> None:
    """The source view skips TextArea's second wrap of a new document (and the one on
    resize): what it lays out is still what a plain TextArea lays out, after a load, a
    resize and an edit in place."""
    from textual.app import App, ComposeResult
    from textual.widgets import TextArea

    from leakscope.ui.widgets.source_view import SourceView

    text = "package p\n\nfunc f() {\n\tif x {\n\t\treturn\t// \tdone\n\t}\n}\n" * 40
    edited = text.replace("\t\treturn", "\t\t\treturn x", 3)

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield SourceView(id="source")
            yield TextArea(id="plain", read_only=True, soft_wrap=False, show_line_numbers=True)

    def layout(area: TextArea) -> tuple[object, ...]:
        wrapped = area.wrapped_document
        return (area.virtual_size, wrapped._tab_width_cache, wrapped._offset_to_line_info)

    async with Host().run_test(size=(100, 30)) as pilot:
        source = pilot.app.query_one(SourceView)
        plain = pilot.app.query_one("#plain", TextArea)
        plain.indent_width = source.indent_width
        wraps: list[int] = []
        real_wrap = type(source.wrapped_document).wrap

        def counting_wrap(self, width: int, tab_width: int | None = None) -> None:  # type: ignore[no-untyped-def]
            wraps.append(width)
            real_wrap(self, width, tab_width)

        source.show_text("q.go", "package q\n", [])  # (the first one sets the language)
        plain.language = "go"
        type(source.wrapped_document).wrap = counting_wrap  # type: ignore[method-assign]
        try:
            source.show_text("p.go", text, [])
            loads = len(wraps)
            plain.load_text(text)
            assert loads == 1 and len(wraps) == 3  # (the plain one: twice)
        finally:
            type(source.wrapped_document).wrap = real_wrap  # type: ignore[method-assign]
        await pilot.pause()
        assert layout(source) == layout(plain)
        await pilot.resize_terminal(80, 24)
        assert layout(source) == layout(plain)
        source.show_text_in_place("p.go", edited, [])
        plain.load_text(edited)
        await pilot.pause()
        assert layout(source) == layout(plain)
        source.indent_width = plain.indent_width = 8  # (a new tab width does wrap again)
        await pilot.pause()
        assert layout(source) == layout(plain)


async def test_the_collection_that_ends_a_scan_waits_for_the_keys_to_rest(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full collection after a scan walks every result (70-140 ms on std): it comes once
    no key came for QUIET_BEFORE_COLLECT, not on a keystroke."""
    gate = threading.Event()
    real_iter_scan = session_module.iter_scan

    def held_iter_scan(*args, **kwargs):  # type: ignore[no-untyped-def]
        yield from real_iter_scan(*args, **kwargs)
        gate.wait(timeout=10)  # the scan ends when the test says so

    monkeypatch.setattr(session_module, "iter_scan", held_iter_scan)
    # (A second, not the app's half: on a loaded machine the keys below came 0.3 s apart.)
    monkeypatch.setattr(main_module, "QUIET_BEFORE_COLLECT", 1.0)
    collected: list[float] = []  # when the scan's frozen objects went back and were collected
    real_stop = main_module._stop_freezing_survivors

    def stop() -> None:
        collected.append(time.monotonic())
        real_stop()

    monkeypatch.setattr(main_module, "_stop_freezing_survivors", stop)
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        main = app.main
        main.tree.focus()
        await until(pilot, lambda: bool(main.shown), "the findings")
        await pilot.press("down")
        gate.set()
        await until(pilot, lambda: not main.scanning, "the scan to end")
        end = time.monotonic()
        while time.monotonic() - end < 1.5:  # keys keep coming: no collection yet
            await pilot.press("down", "up")
            await pilot.pause(0.05)
        assert collected == []
        assert main_module._freeze_survivors in main_module.gc.callbacks
        await until(pilot, lambda: bool(collected), "the collection")
        assert collected[0] - app.last_input >= 1.0
        assert main_module._freeze_survivors not in main_module.gc.callbacks


async def test_a_view_planned_off_the_loop_shows_only_what_is_current(project: Path) -> None:
    """While a scan runs the tree's view is planned on a worker thread: a plan made before a
    later refresh is dropped, and one made for a filter the user has changed since shows the
    current filter."""
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        everything = tree_findings(app)
        assert len(everything) > 2

        # A plan older than the last refresh (here: of no findings at all) is dropped.
        nothing = plan_view([], SearchIndex([]), main.query_filter, main.grouping, False)
        main._view_planning = True
        main.post_message(main.ViewPlanned(main._view_serial - 1, nothing))
        await pilot.pause()
        assert tree_findings(app) == everything
        assert not main._view_planning

        # A plan for the filter as it was before the user typed: the typed filter shows.
        before = main.query_filter
        main.filter_input.value = "worker"
        await pilot.pause()
        filtered = tree_findings(app)
        assert 0 < len(filtered) < len(everything)
        assert all("worker" in f.path for f in filtered)
        findings = main.session.findings()
        unfiltered = plan_view(findings, SearchIndex(findings), before, main.grouping, False)
        main.post_message(main.ViewPlanned(main._view_serial, unfiltered))
        await pilot.pause()
        assert tree_findings(app) == filtered

        # A current plan is shown as it is.
        now = plan_view(findings, SearchIndex(findings), main.query_filter, main.grouping, False)
        main.filter_input.value = ""
        await pilot.pause()
        assert tree_findings(app) == everything
        main.filter_input.value = "worker"
        await pilot.pause()
        main.post_message(main.ViewPlanned(main._view_serial, now))
        await pilot.pause()
        assert tree_findings(app) == filtered
