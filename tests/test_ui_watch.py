"""The terminal app following file changes: Pilot drives the real app, with the real watcher,
on a copy of tests/fixtures/ui_project while the test edits files on disk.

Every assertion waits on a condition with a deadline (`until`); none sleeps and then looks.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from test_watch import CLEAN, LEAKY, TICKER
from textual.pilot import Pilot
from ui_app_helpers import Notes, app_for, copy_project, find, select, tree, tree_findings

from leakscope.core.watch import WatchEvent
from leakscope.ui.app import LeakscopeApp
from leakscope.ui.widgets.findings_tree import AUTO_EXPAND_LIMIT, NEW_BADGE

SIZE = (160, 45)
FILES = "worker/files.go"


async def until(
    pilot: Pilot, condition: Callable[[], bool], what: str, timeout: float = 10.0
) -> None:
    """Let the app run until `condition()` holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await pilot.pause(0.02)


def app_of(pilot: Pilot) -> LeakscopeApp:
    return pilot.app  # type: ignore[return-value]


def events(app: LeakscopeApp) -> list[WatchEvent]:
    return list(app.watcher_log)  # type: ignore[arg-type]


def touched(app: LeakscopeApp, path: str) -> list[WatchEvent]:
    """The watch events whose update covered `path` (relative to the project root)."""
    return [e for e in events(app) if path in e.update.files]


def rules_at(app: LeakscopeApp, path: str) -> list[str]:
    return [f.rule for f in app.main.all_findings if f.path == path]


def status(app: LeakscopeApp) -> str:
    return app.main.status.render_info().plain


@asynccontextmanager
async def running(root: Path, **kwargs: object) -> AsyncIterator[Pilot]:
    """The app on `root` with its watcher, once the scan is in and the watcher sees events."""
    app = app_for(root, watch=True, **kwargs)
    async with app.run_test(size=SIZE) as pilot:
        await until(
            pilot,
            lambda: app.session.scanned and not app.main.scanning and app.watcher_running,
            "the first scan",
            timeout=30,
        )
        # The watcher needs a moment to set up: write a probe until an update shows it.
        # Each write is atomic (a rename), so every update that reads the probe finds its
        # finding, and only the update that saw it deleted removes it.
        probe = root / "probe.go"
        for attempt in range(100):
            staged = root / "probe.go.tmp"
            staged.write_text(LEAKY.format(pkg="main", n="Probe") + f"\n// probe {attempt}\n")
            staged.replace(probe)
            try:
                await until(pilot, lambda: bool(touched(app, "probe.go")), "probe", 0.3)
                break
            except AssertionError:
                continue
        seen = len(app.watcher_log)
        probe.unlink()
        # Updates of earlier writes can still be on their way (each batch's results change
        # in the watcher's thread before its event reaches the app): wait for the deletion's.
        await until(
            pilot,
            lambda: any(f.path == "probe.go" for e in events(app)[seen:] for f in e.update.removed),
            "the probe's deletion",
        )
        assert "probe.go" not in app.session.results
        app.watcher_log.clear()
        yield pilot


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


async def test_status_line_says_watching(project: Path) -> None:
    async with running(project) as pilot:
        app = app_of(pilot)
        assert app.watch_state == "watching"
        assert "watching" in status(app)
        # The probe's update stamped the time of the last update.
        assert "updated " in status(app)


async def test_a_new_leaky_file_appears_marked_new(project: Path) -> None:
    async with running(project) as pilot:
        app = app_of(pilot)
        before = len(app.main.all_findings)
        (project / "worker" / "more.go").write_text(LEAKY.format(pkg="worker", n=1))
        await until(pilot, lambda: rules_at(app, "worker/more.go") == ["defer-in-loop"], "new")
        assert len(app.main.all_findings) == before + 1
        finding = find(app, "defer-in-loop", "worker/more.go")
        assert finding in tree_findings(app)
        assert finding.fingerprint in tree(app).fresh
        leaf = tree(app)._leaf_nodes[finding.fingerprint]
        assert tree(app).label_of(leaf).plain.startswith(NEW_BADGE)
        group = leaf.parent
        assert group is not None and "+1 new" in tree(app).label_of(group).plain
        assert status(app).endswith("+1")
        # The badge goes away by itself.
        tree(app).fresh[finding.fingerprint] = time.monotonic()  # its time is up now
        app.main._schedule_new_expiry()
        await until(pilot, lambda: not tree(app).fresh, "the badge to expire")
        # (The leaf may have been rebuilt meanwhile: its fix was checked at idle.)
        leaf = tree(app)._leaf_nodes[finding.fingerprint]
        assert not tree(app).label_of(leaf).plain.startswith(NEW_BADGE)


async def test_a_new_finding_removed_again_takes_its_badge_along(project: Path) -> None:
    async with running(project) as pilot:
        app = app_of(pilot)
        more = project / "worker" / "more.go"
        more.write_text(LEAKY.format(pkg="worker", n=1))
        await until(pilot, lambda: rules_at(app, "worker/more.go") == ["defer-in-loop"], "new")
        finding = find(app, "defer-in-loop", "worker/more.go")
        assert finding.fingerprint in tree(app).fresh
        more.unlink()
        await until(pilot, lambda: not rules_at(app, "worker/more.go"), "the file's finding gone")
        assert finding.fingerprint not in tree(app).fresh
        # Back again, it is news again.
        more.write_text(LEAKY.format(pkg="worker", n=1))
        await until(pilot, lambda: finding.fingerprint in tree(app).fresh, "marked new again")


async def test_editing_a_leak_away_keeps_the_users_place(project: Path) -> None:
    async with running(project) as pilot:
        app = app_of(pilot)
        # The user shows minor findings (the test file's), filters, closes a group and
        # selects a finding elsewhere.
        await pilot.press("m")
        await pilot.press("slash", *"rule:defer", "enter")
        await until(pilot, lambda: app.main.shown and app.main.tree.has_focus, "the filter")
        keep = find(app, "defer-in-loop", "worker/files.go", 33)
        test_group = tree(app)._group_nodes["file:worker/files_test.go"]
        tree(app)._toggle_node(test_group)  # the user closes a group
        await select(pilot, keep)
        gone = find(app, "defer-in-loop", "worker/files.go", 17)
        text = (project / FILES).read_text()
        fixed = text.replace(
            "\t\tdefer f.Close()\n\t\tif err := process(f)",
            "\t\tf.Close()\n\t\tif err := process(f)",
            1,
        )
        assert fixed != text
        (project / FILES).write_text(fixed)
        await until(
            pilot,
            lambda: gone.fingerprint not in {f.fingerprint for f in app.main.all_findings},
            "the fixed finding to vanish",
        )
        assert app.main.filter_input.value == "rule:defer"
        assert all(f.rule == "defer-in-loop" for f in app.main.shown)
        cursor = tree(app).selected_finding
        assert cursor is not None and cursor.fingerprint == keep.fingerprint
        assert cursor.line == keep.line  # nothing moved: the edit kept the line count
        assert not tree(app)._group_nodes["file:worker/files_test.go"].is_expanded
        assert tree(app)._group_nodes["file:worker/files.go"].is_expanded
        assert status(app).endswith("−1")


async def test_a_moved_finding_keeps_its_identity_and_the_source_its_scroll(
    project: Path,
) -> None:
    async with running(project) as pilot:
        app = app_of(pilot)
        target = find(app, "defer-in-loop", FILES, 33)
        await select(pilot, target)
        source = app.main.source
        await until(pilot, lambda: source.path == FILES, "the source view")
        # The user scrolls the source elsewhere.
        source.scroll_to(y=5, animate=False, immediate=True)
        await pilot.pause()
        scrolled = source.scroll_offset.y
        assert scrolled == 5
        # Three lines inserted above it: the same finding, three lines lower.
        text = (project / FILES).read_text()
        (project / FILES).write_text(text.replace("import (", "// a\n// b\n// c\nimport (", 1))
        await until(
            pilot,
            lambda: (
                tree(app).selected_finding is not None
                and tree(app).selected_finding.line == target.line + 3
            ),
            "the moved finding",
        )
        moved = tree(app).selected_finding
        assert moved is not None and moved.fingerprint == target.fingerprint
        await until(pilot, lambda: "// a\n// b\n// c\nimport (" in source.text, "the reload")
        assert source.text == (project / FILES).read_text()
        await pilot.pause()
        assert source.scroll_offset.y == scrolled
        assert not touched(app, FILES)[-1].update.added  # moved, not new


async def test_deleting_a_file_drops_its_group(project: Path) -> None:
    async with running(project) as pilot:
        app = app_of(pilot)
        assert rules_at(app, "store/store.go")
        (project / "store" / "store.go").unlink()
        await until(pilot, lambda: not rules_at(app, "store/store.go"), "store.go's findings")
        titles = [n.data.title for n in tree(app).root.children]
        assert "store/store.go" not in titles


async def test_renaming_a_folder_moves_its_findings(project: Path) -> None:
    async with running(project) as pilot:
        app = app_of(pilot)
        old = sorted(f.rule for f in app.main.all_findings if f.path.startswith("worker/"))
        assert old
        shutil.move(project / "worker", project / "jobs")
        await until(
            pilot,
            lambda: (
                not any(f.path.startswith("worker/") for f in app.main.all_findings)
                and sorted(f.rule for f in app.main.all_findings if f.path.startswith("jobs/"))
                == old
            ),
            "the findings under jobs/",
        )
        titles = [n.data.title for n in tree(app).root.children]
        assert "jobs/files.go" in titles and "worker/files.go" not in titles


async def test_go_mod_1_23_silences_the_ticker_rule(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    (root / "leakscope.toml").write_text(
        'select = ["defer-in-loop", "ticker-not-stopped"]\n', encoding="utf-8"
    )
    (root / "poll").mkdir()
    (root / "poll" / "poll.go").write_text(TICKER.format(pkg="poll"))
    async with running(root) as pilot:
        app = app_of(pilot)
        notes = Notes(app)
        await until(pilot, lambda: "ticker-not-stopped" in rules_at(app, "poll/poll.go"), "t")
        assert app.session.go_version("poll/poll.go") == (1, 22)
        shutil.rmtree(root / "store")  # a folder gone: its Go version is not in force any more
        await until(pilot, lambda: not rules_at(app, "store/store.go"), "store/ gone")
        (root / "go.mod").write_text("module example.com/inventory\n\ngo 1.23\n")
        await until(pilot, lambda: not rules_at(app, "poll/poll.go"), "the ticker finding gone")
        assert app.session.go_version("poll/poll.go") == (1, 23)
        assert rules_at(app, FILES)  # the other rule still reports
        assert "go 1.23" in status(app)
        await until(pilot, lambda: "go.mod changed (go 1.23)" in notes.text(), "the note")


async def test_the_apps_own_fix_is_not_analysed_twice(project: Path) -> None:
    async with running(project) as pilot:
        app = app_of(pilot)
        target = find(app, "defer-in-loop", FILES, 17)
        await select(pilot, target)
        live: list[bool] = []
        original = app.main.refresh_findings

        def counting(**kwargs: bool) -> None:
            live.append(kwargs.get("live", False))
            original(**kwargs)

        app.main.refresh_findings = counting  # type: ignore[method-assign]
        await pilot.press("f")  # a safe fix: written at once, then re-analysed by the app
        await until(
            pilot,
            lambda: target.fingerprint not in {f.fingerprint for f in app.main.all_findings},
            "the fixed finding to vanish",
        )
        assert "func() error {" in (project / FILES).read_text()
        # The watcher sees the app's write, and finds nothing left to analyse.
        await until(pilot, lambda: bool(touched(app, FILES)), "the watcher to see the write")
        assert [e.update.analysed for e in touched(app, FILES)] == [0]
        assert not touched(app, FILES)[0].update.added
        await pilot.pause()
        assert live == [False]  # the app's own refresh; the watcher's event repaints nothing


async def test_a_burst_lands_as_one_update(project: Path) -> None:
    # Enough findings below the cursor's for the tree to scroll freely.
    (project / "zz").mkdir()
    for n in range(40):
        (project / "zz" / f"z{n}.go").write_text(LEAKY.format(pkg="zz", n=n))
    async with running(project) as pilot:
        app = app_of(pilot)
        main = app.main
        refreshes: list[int] = []
        original = main.refresh_findings

        def counting(*, live: bool = False) -> None:
            refreshes.append(len(app.watcher_log))
            original(live=live)

        main.refresh_findings = counting  # type: ignore[method-assign]
        states: list[str] = []
        original_set = app.set_watch_state

        def recording(state: str, last_update: str = "", detail: str = "") -> None:
            states.append(state)
            original_set(state, last_update, detail)

        app.set_watch_state = recording  # type: ignore[method-assign]
        target = find(app, "defer-in-loop", FILES, 33)
        await select(pilot, target)
        line, scroll = tree(app).cursor_line, tree(app).scroll_offset.y
        folder = project / "burst"
        folder.mkdir()
        for n in range(300):
            (folder / f"f{n}.go").write_text(LEAKY.format(pkg="burst", n=n))
        await until(
            pilot,
            lambda: sum(f.path.startswith("burst/") for f in main.all_findings) == 300,
            "300 new findings",
            timeout=30,
        )
        with_burst = [e for e in events(app) if any(f.startswith("burst/") for f in e.update.files)]
        assert len(with_burst) == 1
        assert len(with_burst[0].update.added) == 300
        # One repaint of the tree.
        assert len(refreshes) == 1, [
            (e.changed_paths, e.update.files[:3], len(e.update.added), e.update.analysed)
            for e in events(app)
        ]
        # Past AUTO_EXPAND_LIMIT findings groups start closed, but the ones the user was
        # looking at stay open.
        assert len(main.all_findings) > AUTO_EXPAND_LIMIT
        assert tree(app)._group_nodes["file:worker/files.go"].is_expanded
        assert not tree(app)._group_nodes["file:burst/f0.go"].is_expanded
        # 300 groups came above the cursor's finding: it stays on its row of the screen.
        await pilot.pause()
        assert tree(app).selected_finding == target
        assert tree(app).cursor_line == line + 300
        assert tree(app).scroll_offset.y == scroll + 300
        assert any(s.startswith("updating") and "files" in s for s in states), states
        assert app.watch_state == "watching"


async def test_w_pauses_and_resume_applies_what_changed(project: Path) -> None:
    async with running(project) as pilot:
        app = app_of(pilot)
        await pilot.press("w")
        assert app.watch_state == "paused"
        assert "paused" in status(app)
        (project / "worker" / "more.go").write_text(LEAKY.format(pkg="worker", n=1))
        (project / "store" / "store.go").unlink()
        await until(pilot, lambda: "2 changes waiting" in status(app), "the waiting changes")
        assert not rules_at(app, "worker/more.go")
        assert rules_at(app, "store/store.go")
        await pilot.press("w")
        assert app.watch_state in ("watching",) or app.watch_state.startswith("updating")
        await until(
            pilot,
            lambda: (
                rules_at(app, "worker/more.go") == ["defer-in-loop"]
                and not rules_at(app, "store/store.go")
            ),
            "the changes made while paused",
        )
        assert "watching" in status(app)
        # And it goes on watching.
        (project / "worker" / "more.go").write_text(CLEAN.format(pkg="worker", n=1))
        await until(pilot, lambda: not rules_at(app, "worker/more.go"), "the next edit")


async def test_config_change_reloads_and_an_invalid_one_keeps_the_findings(
    project: Path,
) -> None:
    async with running(project) as pilot:
        app = app_of(pilot)
        notes = Notes(app)
        config = project / "leakscope.toml"
        before = sorted(f.fingerprint for f in app.main.all_findings)
        assert "substring-retention" in {f.rule for f in app.main.all_findings}
        config.write_text('select = ["defer-in-loop"\n')  # broken TOML
        await until(pilot, lambda: bool(notes.errors()), "the config error")
        assert "invalid TOML" in notes.errors()[-1]
        assert "previous findings stay" in notes.errors()[-1]
        assert sorted(f.fingerprint for f in app.main.all_findings) == before
        assert "config error" in status(app)
        config.write_text('select = ["defer-in-loop"]\n')
        await until(
            pilot,
            lambda: {f.rule for f in app.main.all_findings} == {"defer-in-loop"},
            "only defer-in-loop findings",
        )
        await until(pilot, lambda: "Config reloaded" in notes.text(), "the note")
        assert app.session.config.select == ("defer-in-loop",) or list(
            app.session.config.select
        ) == ["defer-in-loop"]


async def test_quitting_stops_the_watcher_thread(project: Path) -> None:
    async with running(project) as pilot:
        app = app_of(pilot)
        assert app._watcher_loop is not None
        await pilot.press("q")
    deadline = time.monotonic() + 5
    while app._watcher_loop is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert app._watcher_loop is None


async def test_without_watch_nothing_runs_and_w_starts_it(project: Path) -> None:
    app = app_for(project)  # watch=False, as the snapshot tests run
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.session.scanned and not app.main.scanning, "the scan")
        assert not app.watcher_running
        assert not [w for w in app.workers if w.group == "watcher"]
        assert "watch off" in status(app)
        await pilot.press("w")
        await until(pilot, lambda: app.watcher_running, "the watcher")
        assert app.watch_state == "watching"
