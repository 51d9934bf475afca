"""The watch loop with real file-system events in temporary folders.

Every assertion waits on a condition with a timeout; none sleeps and then looks.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from leakscope.core.config import Config
from leakscope.core.fixes import plan_fixes, write_change
from leakscope.core.model import Applicability
from leakscope.core.project import Project
from leakscope.core.rules import RULES_BY_NAME
from leakscope.core.watch import WatchEvent, watch_project

LEAKY = """package {pkg}

import "os"

func Open{n}(paths []string) error {{
\tfor _, p := range paths {{
\t\tf, err := os.Open(p)
\t\tif err != nil {{
\t\t\treturn err
\t\t}}
\t\tdefer f.Close()
\t}}
\treturn nil
}}
"""

CLEAN = """package {pkg}

import "os"

func Open{n}(paths []string) error {{
\tfor _, p := range paths {{
\t\tf, err := os.Open(p)
\t\tif err != nil {{
\t\t\treturn err
\t\t}}
\t\tf.Close()
\t}}
\treturn nil
}}
"""

TICKER = """package {pkg}

import "time"

func Poll() int {{
\tt := time.NewTicker(time.Second)
\t<-t.C
\treturn 1
}}
"""


class Watching:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.events: list[WatchEvent] = []
        self.changed = asyncio.Event()

    def on_update(self, event: WatchEvent) -> None:
        self.events.append(event)
        self.changed.set()

    async def until(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        async def poll() -> None:
            while not condition():
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(poll(), timeout)

    def rules_at(self, path: str) -> list[str]:
        result = self.project.results.get(path)
        return [f.rule for f in result.findings] if result is not None else []


@pytest.fixture
async def watching(tmp_path: Path) -> AsyncIterator[Watching]:
    (tmp_path / "go.mod").write_text("module example.com/w\n\ngo 1.22\n")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "a.go").write_text(CLEAN.format(pkg="a", n=0))
    project = Project(tmp_path, Config(), use_cache=False)
    project.scan()
    w = Watching(project)
    stop = asyncio.Event()
    task = asyncio.create_task(watch_project(project, w.on_update, stop))
    # Wait until the watcher sees events: write a probe file until an update arrives.
    probe = tmp_path / "a" / "probe.go"
    for attempt in range(50):
        probe.write_text(f"package a\n\n// {attempt}\n")
        try:
            await w.until(lambda: bool(w.events), timeout=0.2)
            break
        except TimeoutError:
            continue
    probe.unlink()
    await w.until(lambda: "a/probe.go" not in project.results)
    w.events.clear()
    yield w
    stop.set()
    await asyncio.wait_for(task, 10)


async def test_a_new_leaky_file_appears(watching: Watching, tmp_path: Path) -> None:
    (tmp_path / "a" / "b.go").write_text(LEAKY.format(pkg="a", n=1))
    await watching.until(lambda: watching.rules_at("a/b.go") == ["defer-in-loop"])
    added = [f for e in watching.events for f in e.update.added]
    assert [(f.path, f.rule) for f in added] == [("a/b.go", "defer-in-loop")]


async def test_editing_the_leak_away_removes_it(watching: Watching, tmp_path: Path) -> None:
    path = tmp_path / "a" / "a.go"
    path.write_text(LEAKY.format(pkg="a", n=0))
    await watching.until(lambda: watching.rules_at("a/a.go") == ["defer-in-loop"])
    path.write_text(CLEAN.format(pkg="a", n=0))
    await watching.until(lambda: watching.rules_at("a/a.go") == [])
    assert any(e.update.removed for e in watching.events)


async def test_deleting_a_file_drops_its_findings(watching: Watching, tmp_path: Path) -> None:
    path = tmp_path / "a" / "b.go"
    path.write_text(LEAKY.format(pkg="a", n=1))
    await watching.until(lambda: watching.rules_at("a/b.go") == ["defer-in-loop"])
    path.unlink()
    await watching.until(lambda: "a/b.go" not in watching.project.results)


async def test_renaming_a_folder_moves_its_findings(watching: Watching, tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "x.go").write_text(LEAKY.format(pkg="old", n=2))
    await watching.until(lambda: watching.rules_at("old/x.go") == ["defer-in-loop"])
    shutil.move(tmp_path / "old", tmp_path / "new")
    await watching.until(
        lambda: (
            "old/x.go" not in watching.project.results
            and watching.rules_at("new/x.go") == ["defer-in-loop"]
        )
    )


async def test_go_mod_version_change_is_followed(watching: Watching, tmp_path: Path) -> None:
    (tmp_path / "a" / "t.go").write_text(TICKER.format(pkg="a"))
    await watching.until(lambda: "a/t.go" in watching.project.results)
    timer_rule = "ticker-not-stopped" in RULES_BY_NAME
    if timer_rule:
        await watching.until(lambda: "ticker-not-stopped" in watching.rules_at("a/t.go"))
    (tmp_path / "go.mod").write_text("module example.com/w\n\ngo 1.23\n")
    await watching.until(lambda: watching.project.versions.get("a") == (1, 23))
    if timer_rule:
        await watching.until(lambda: "ticker-not-stopped" not in watching.rules_at("a/t.go"))


async def test_own_fix_is_not_analysed_twice(watching: Watching, tmp_path: Path) -> None:
    path = tmp_path / "a" / "a.go"
    path.write_text(LEAKY.format(pkg="a", n=0))
    await watching.until(lambda: watching.rules_at("a/a.go") == ["defer-in-loop"])
    project = watching.project
    result = project.results["a/a.go"]
    changes = plan_fixes(
        project.root,
        [result],
        {"a": project.job("a")},
        Applicability.UNSAFE,
    )
    assert changes, "the defer-in-loop finding should have a fix"
    write_change(project.root, changes[0])
    direct = project.update([path])  # what the app does right after its own write
    assert direct.analysed == 1
    assert watching.rules_at("a/a.go") == []
    watching.events.clear()
    await watching.until(lambda: any("a/a.go" in e.update.files for e in watching.events))
    assert sum(e.update.analysed for e in watching.events) == 0


async def test_a_burst_settles_in_one_update(watching: Watching, tmp_path: Path) -> None:
    folder = tmp_path / "burst"
    folder.mkdir()
    for n in range(300):
        (folder / f"f{n}.go").write_text(LEAKY.format(pkg="burst", n=n))
    await watching.until(
        lambda: sum(r.startswith("burst/") for r in watching.project.results) == 300, timeout=30
    )
    with_burst = [e for e in watching.events if any(f.startswith("burst/") for f in e.update.files)]
    assert len(with_burst) == 1
    assert len(with_burst[0].update.added) == 300


async def test_a_config_change_reloads_it(watching: Watching, tmp_path: Path) -> None:
    (tmp_path / "a" / "b.go").write_text(LEAKY.format(pkg="a", n=1))
    await watching.until(lambda: watching.rules_at("a/b.go") == ["defer-in-loop"])
    config = tmp_path / "leakscope.toml"
    config.write_text('select = ["defer-in-loop"\n')  # invalid: the findings stay
    await watching.until(lambda: any(e.update.error for e in watching.events))
    assert "invalid TOML" in watching.events[-1].update.error
    assert watching.rules_at("a/b.go") == ["defer-in-loop"]
    config.write_text('ignore = ["defer-in-loop"]\n')
    await watching.until(lambda: watching.rules_at("a/b.go") == [])
    assert any(e.update.full_rescan for e in watching.events)


async def test_held_batches_are_not_analysed(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/w\n\ngo 1.22\n")
    project = Project(tmp_path, Config(), use_cache=False)
    project.scan()
    w = Watching(project)
    held: list[Path] = []

    def hold(paths: list[Path]) -> bool:
        held.extend(paths)
        return True

    stop = asyncio.Event()
    task = asyncio.create_task(watch_project(project, w.on_update, stop, hold=hold))
    try:
        for attempt in range(100):
            (tmp_path / "b.go").write_text(LEAKY.format(pkg="a", n=attempt))
            if held:
                break
            await asyncio.sleep(0.1)
        assert tmp_path / "b.go" in held
        assert not w.events
        assert "b.go" not in project.results
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
