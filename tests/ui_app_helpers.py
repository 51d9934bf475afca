"""Helpers for the terminal app's tests: a copy of the fixed Go project, settling workers."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.pilot import Pilot

from leakscope.core.config import load_config
from leakscope.core.model import Finding
from leakscope.core.rules import RULES_BY_NAME
from leakscope.ui.app import LeakscopeApp, make_app
from leakscope.ui.screens.main import MainScreen
from leakscope.ui.widgets.findings_tree import FindingsTree, Group

UI_PROJECT = Path(__file__).parent / "fixtures" / "ui_project"


def copy_project(tmp_path: Path, source: Path = UI_PROJECT) -> Path:
    root = tmp_path / "project"
    shutil.copytree(source, root)
    return root


def app_for(root: Path, **kwargs: object) -> LeakscopeApp:
    config = load_config(root, list(RULES_BY_NAME)) if root.is_dir() else load_config(root.parent)
    kwargs.setdefault("cursor_blink", False)
    # No file watcher unless a test asks for one: `settle` waits for every worker to end.
    kwargs.setdefault("watch", False)
    return make_app(root, config, **kwargs)  # type: ignore[arg-type]


async def settle(pilot: Pilot, rounds: int = 30) -> None:
    """Wait until workers finished and the messages they posted were handled."""
    app = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                return


def main_screen(app: LeakscopeApp) -> MainScreen:
    return app.main


def tree(app: LeakscopeApp) -> FindingsTree:
    return app.main.tree


def selected(app: LeakscopeApp) -> Finding | None:
    return app.main.tree.selected_finding


def tree_findings(app: LeakscopeApp) -> list[Finding]:
    """Findings in tree order (built leaves only)."""
    out = []
    for node in app.main.tree.root.children:
        out.extend(child.data for child in node.children if isinstance(child.data, Finding))
    return out


def group_titles(app: LeakscopeApp) -> list[str]:
    return [node.data.title for node in app.main.tree.root.children if isinstance(node.data, Group)]


def group_labels(app: LeakscopeApp) -> list[str]:
    t = app.main.tree
    return [t.label_of(node).plain for node in t.root.children]


def find(app: LeakscopeApp, rule: str, path: str, line: int | None = None) -> Finding:
    for finding in app.main.all_findings:
        if finding.rule == rule and finding.path == path and (line is None or finding.line == line):
            return finding
    raise AssertionError(f"no {rule} finding in {path}:{line}")


async def select(pilot: Pilot, finding: Finding) -> None:
    app = pilot.app
    assert app.main.tree.select_finding(finding)
    await pilot.pause()


class Notes:
    """Records the app's notifications."""

    def __init__(self, app: LeakscopeApp) -> None:
        self.items: list[tuple[str, str]] = []
        original = app.notify

        def notify(message: str, *args: object, **kwargs: object) -> None:
            self.items.append((str(message), str(kwargs.get("severity", "information"))))
            original(message, *args, **kwargs)  # type: ignore[arg-type]

        app.notify = notify  # type: ignore[method-assign]

    @property
    def last(self) -> str:
        return self.items[-1][0] if self.items else ""

    def text(self) -> str:
        return "\n".join(m for m, _ in self.items)

    def errors(self) -> list[str]:
        return [m for m, s in self.items if s == "error"]
