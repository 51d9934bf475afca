"""Snapshot tests of the terminal app on the fixed tests/fixtures/ui_project.

The fixture's leakscope.toml selects the three seed rules, so rules added later do not change
these pictures; the cursor does not blink and no file watcher runs. Textual is pinned to a
minor version in pyproject.toml because its rendering changes between releases.
Update after a deliberate change with `pytest tests/test_ui_snapshots.py --snapshot-update`,
then look at the SVGs under tests/__snapshots__/.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_app_helpers import app_for, copy_project, find, select, settle

SIZE = (130, 38)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def steps(*actions: Callable[[Pilot], Awaitable[None]]) -> Callable[[Pilot], Awaitable[None]]:
    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        for action in actions:
            await action(pilot)
            await settle(pilot)

    return run


def keys(*names: str) -> Callable[[Pilot], Awaitable[None]]:
    async def press(pilot: Pilot) -> None:
        await pilot.press(*names)

    return press


def select_finding(rule: str, path: str, line: int) -> Callable[[Pilot], Awaitable[None]]:
    async def run(pilot: Pilot) -> None:
        await select(pilot, find(pilot.app, rule, path, line))  # type: ignore[arg-type]

    return run


def test_main_view_dark(snap_compare, project: Path) -> None:
    assert snap_compare(app_for(project), terminal_size=SIZE, run_before=steps())


def test_main_view_light(snap_compare, project: Path) -> None:
    app = app_for(project, theme="leakscope-light")
    assert snap_compare(app, terminal_size=SIZE, run_before=steps())


def test_split_view_dark(snap_compare, project: Path) -> None:
    run = steps(select_finding("defer-in-loop", "worker/files.go", 17), keys("d"))
    assert snap_compare(app_for(project), terminal_size=SIZE, run_before=run)


def test_split_view_light(snap_compare, project: Path) -> None:
    run = steps(select_finding("substring-retention", "catalog/catalog.go", 27), keys("d"))
    app = app_for(project, theme="leakscope-light")
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_unified_view_narrow(snap_compare, project: Path) -> None:
    run = steps(select_finding("defer-in-loop", "worker/files.go", 17), keys("d"))
    assert snap_compare(app_for(project), terminal_size=(90, 30), run_before=run)


def test_filter(snap_compare, project: Path) -> None:
    run = steps(keys("slash", *"rule:retention"))
    assert snap_compare(app_for(project), terminal_size=SIZE, run_before=run)


def test_help(snap_compare, project: Path) -> None:
    run = steps(keys("question_mark"))
    assert snap_compare(app_for(project), terminal_size=SIZE, run_before=run)


def test_unsafe_fix_question(snap_compare, project: Path) -> None:
    run = steps(select_finding("subslice-retention", "store/store.go", 22), keys("f"))
    assert snap_compare(app_for(project), terminal_size=SIZE, run_before=run)


def test_grouped_by_rule(snap_compare, project: Path) -> None:
    run = steps(keys("v"), keys("j", "j"))
    assert snap_compare(app_for(project), terminal_size=SIZE, run_before=run)
