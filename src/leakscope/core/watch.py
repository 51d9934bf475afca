"""Watching a project: a watchfiles loop that feeds changed paths to `Project.update`.

watchfiles groups events: it yields once nothing new happened for `step` ms, or after at most
`debounce` ms. A short step keeps one editor save fast (10 ms of the time from a write to the
updated screen); the long debounce lets a branch switch touching thousands of files arrive as
one batch, analysed as one update. Batches queued meanwhile are taken together, and a batch of
more than a few paths is a burst: the loop waits until changes pause before the update.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from watchfiles import Change, DefaultFilter, awatch

from leakscope.core.config import CONFIG_FILE_NAMES
from leakscope.core.project import Project, Update

STEP_MS = 10
DEBOUNCE_MS = 1600
# A batch this big is a burst (an editor's save is one to three paths; a branch switch
# writing faster than `step` apart comes in batches of many): wait until changes pause for
# BURST_QUIET_S, then update once.
BURST_PATHS = 4
BURST_QUIET_S = 0.4


class GoWatchFilter(DefaultFilter):
    """Go sources, go.mod, the config and .gitignore files; never .git, vendor or editor litter."""

    ignore_dirs = (*DefaultFilter.ignore_dirs, "vendor", "testdata")
    ignore_entity_patterns = (
        *DefaultFilter.ignore_entity_patterns,
        r"^4913$",  # vim's probe file
        r"\.leakscope$",  # our own temp files before their rename
        r"\.(orig|bak|tmp)$",
    )
    _wanted_names = frozenset({"go.mod", ".gitignore", *CONFIG_FILE_NAMES})

    def __call__(self, change: Change, path: str) -> bool:
        if not super().__call__(change, path):
            return False
        name = Path(path).name
        if name.endswith(".go") or name in self._wanted_names:
            return True
        # A folder created, deleted or renamed: its name has no extension, or it is gone.
        return change is Change.deleted or "." not in name or Path(path).is_dir()


@dataclass(frozen=True)
class WatchEvent:
    update: Update
    changed_paths: int
    seconds: float  # from the batch's arrival to the updated model
    finished_at: float  # time.time() of the update
    paths: tuple[Path, ...] = ()  # the changed paths (absolute), sorted


async def watch_project(
    project: Project,
    on_update: Callable[[WatchEvent], Awaitable[None] | None],
    stop_event: asyncio.Event,
    *,
    on_batch: Callable[[int], Awaitable[None] | None] | None = None,
    hold: Callable[[list[Path]], bool] | None = None,
    step_ms: int = STEP_MS,
    debounce_ms: int = DEBOUNCE_MS,
) -> None:
    """Re-analyse on every batch of changes until `stop_event` is set.

    `on_batch(n)` is called when a batch of n paths arrives (to show progress for big ones);
    `on_update(event)` after the model is current. Analysis runs in a thread so the event loop
    (and the app's screen) stays responsive. When `hold(paths)` returns True the batch is not
    analysed: the caller keeps the paths for later (the app while paused or rescanning).
    """
    batches: asyncio.Queue[set[Path] | None] = asyncio.Queue()

    async def produce() -> None:
        try:
            async for changes in awatch(
                project.root,
                watch_filter=GoWatchFilter(),
                step=step_ms,
                debounce=debounce_ms,
                stop_event=stop_event,
                recursive=True,
                ignore_permission_denied=True,
            ):
                batches.put_nowait({Path(p) for _, p in changes})
        finally:
            batches.put_nowait(None)

    producer = asyncio.create_task(produce())
    try:
        while (batch := await batches.get()) is not None:
            started = time.perf_counter()
            while not batches.empty():  # (what came while the last update ran: one batch)
                more = batches.get_nowait()
                if more is None:
                    batches.put_nowait(None)
                    break
                batch |= more
            if len(batch) >= BURST_PATHS:
                # A branch switch or generator can pause longer than `step` between writes
                # (a loaded machine): gather what follows closely so it lands as one update.
                while True:
                    try:
                        more = await asyncio.wait_for(batches.get(), BURST_QUIET_S)
                    except TimeoutError:
                        break
                    if more is None:
                        batches.put_nowait(None)
                        break
                    batch |= more
            paths = sorted(batch)
            if hold is not None and hold(paths):
                continue
            if on_batch is not None:
                maybe = on_batch(len(paths))
                if maybe is not None:
                    await maybe
            # The changed files first (what the user is looking at), then the other files
            # of their packages, unless more changes are already waiting.
            update = await asyncio.to_thread(project.update, paths, settle=False)
            event = WatchEvent(
                update, len(paths), time.perf_counter() - started, time.time(), tuple(paths)
            )
            result = on_update(event)
            if result is not None:
                await result
            if project.unsettled and batches.empty():
                started = time.perf_counter()
                more = await asyncio.to_thread(project.settle)
                if not more.empty:
                    result = on_update(
                        WatchEvent(more, 0, time.perf_counter() - started, time.time())
                    )
                    if result is not None:
                        await result
    finally:
        producer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await producer
