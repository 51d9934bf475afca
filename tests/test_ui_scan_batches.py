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
from leakscope.ui.screens import main as main_module

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

