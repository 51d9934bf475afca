"""Make the SVG screenshots in this folder from the real app on the bundled demo project.

    python screenshots/make.py

Each picture runs the terminal app headless on a fresh copy of `leakscope/demo` (at 140x40,
cursor blink off, a private config and cache folder) and saves what the screen shows.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZE = (140, 40)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait for the app's workers, except the file watcher (it runs until the app quits)."""
    app = pilot.app

    def busy() -> list:  # type: ignore[type-arg]
        return [w for w in app.workers if w.group != "watcher" and w.is_running]

    for _ in range(30):
        running = busy()
        if running:  # (an empty list would mean every worker, the watcher included)
            await app.workers.wait_for_complete(running)
        await pilot.pause()
        if not busy():
            return


def demo_copy(parent: Path) -> Path:
    target = parent / "logship"
    with resources.as_file(resources.files("leakscope") / "demo") as source:
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


async def shoot(
    name: str,
    action: Callable[[object], Awaitable[None]] | None = None,
    theme: str | None = None,
) -> Path:
    from leakscope.core.config import load_config
    from leakscope.core.rules import RULES_BY_NAME
    from leakscope.ui.app import make_app

    with tempfile.TemporaryDirectory() as tmp:
        root = demo_copy(Path(tmp))
        app = make_app(root, load_config(root, list(RULES_BY_NAME)), theme, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            if action is not None:
                await action(pilot)
                await settle(pilot)
            await pilot.pause(0.2)
            svg = app.export_screenshot(title="leakscope demo")
    out = HERE / f"{name}.svg"
    out.write_text(svg, encoding="utf-8")
    return out


async def press(pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*keys)


async def select_fixable(pilot, rule: str) -> None:  # type: ignore[no-untyped-def]
    main = pilot.app.main
    finding = next(f for f in main.all_findings if f.rule == rule and f.fix is not None)
    main.tree.select_finding(finding)
    await pilot.pause()


async def main() -> None:
    async def filtered(pilot) -> None:  # type: ignore[no-untyped-def]
        await press(pilot, "slash", *"rule:retention")

    async def split(pilot) -> None:  # type: ignore[no-untyped-def]
        await select_fixable(pilot, "defer-in-loop")
        await press(pilot, "d")

    async def helped(pilot) -> None:  # type: ignore[no-untyped-def]
        await press(pilot, "question_mark")

    async def light(pilot) -> None:  # type: ignore[no-untyped-def]
        await select_fixable(pilot, "substring-retention")

    made = [
        await shoot("main"),
        await shoot("filter", filtered),
        await shoot("split", split),
        await shoot("help", helped),
        await shoot("light", light, theme="leakscope-light"),
    ]
    for path in made:
        print(path.relative_to(HERE.parent))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as private:
        # Never read or write the user's own remembered theme or result cache.
        os.environ["LEAKSCOPE_CONFIG_DIR"] = str(Path(private) / "config")
        os.environ["LEAKSCOPE_CACHE_DIR"] = str(Path(private) / "cache")
        sys.path.insert(0, str(HERE.parent / "src"))
        asyncio.run(main())
