"""What analysis leaves behind: nothing the garbage collector has to find, and no package
kept after a live update. (A package's state referring back to itself made every package's
objects cyclic garbage: a tenth of a scan went to collecting it, and the app kept every
package it re-analysed, trees and all.)"""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from leakscope.core import package_files
from leakscope.core.analysis import analyse_package
from leakscope.core.config import Config
from leakscope.core.discovery import discover
from leakscope.core.engine import enabled_rules, plan_jobs
from leakscope.core.gomod import ModuleFinder
from leakscope.core.project import Project

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def collector_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_analysing_the_rule_fixtures_leaves_no_cyclic_garbage(collector_off: None) -> None:
    root = FIXTURES / "rules"
    config = Config()
    files = discover(root, [], config.exclude).files
    jobs = plan_jobs(root, files, config, enabled_rules(config), ModuleFinder(root))
    assert len(jobs) > 100
    findings = 0
    for job in jobs:
        findings += sum(len(result.findings) for result in analyse_package(job))
    assert findings > 300  # (the rules did run, retention across files among them)
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        assert gc.collect() == 0, sorted({type(o).__qualname__ for o in gc.garbage})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_a_live_update_keeps_no_package_attached(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "ui_project", root)
    project = Project(root, Config(), use_cache=False)
    project.scan()
    path = root / "worker" / "files.go"
    source = path.read_text()
    for n in range(5):
        path.write_text(f"{source}\n// edit {n}\n")
        assert project.update([path]).analysed
    assert not package_files._FILES  # (the files and trees of the packages analysed)
    assert not package_files._STATE  # (what rules kept for them)
