"""A background scan (the app's) runs its pool's workers at a lower CPU priority (issue 14)."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from leakscope.core import engine
from leakscope.core.config import Config
from leakscope.ui import session as session_module


def test_background_workers_run_at_a_lower_priority() -> None:
    with ProcessPoolExecutor(
        1, initializer=engine._die_with_parent, initargs=(os.getpid(), engine.BACKGROUND_NICE)
    ) as pool:
        worker = pool.submit(os.nice, 0).result()
    assert worker == min(19, os.nice(0) + engine.BACKGROUND_NICE)
    with ProcessPoolExecutor(
        1, initializer=engine._die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        assert pool.submit(os.nice, 0).result() == os.nice(0)  # `check`, `fix`: as is


def test_the_app_scans_in_the_background(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[dict[str, object]] = []

    def fake_iter_scan(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        asked.append(kwargs)
        yield from ()

    monkeypatch.setattr(session_module, "iter_scan", fake_iter_scan)
    session = session_module.Session(tmp_path, Config())
    list(session.iter_scan())
    assert asked and asked[0]["background"] is True
