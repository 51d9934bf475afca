"""The leakscope terminal app.

`make_app` builds the app for the CLI and for tests alike; `run_app` runs it and returns the
exit code. The app opens at once and scans in a worker thread, filling the tree as packages
finish. A second worker thread watches the files (`run_file_watcher`): every batch of changes
is re-analysed incrementally and lands in the views as one update.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable
from pathlib import Path, PurePath
from typing import ClassVar

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import Initialize, Reactive
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import get_current_worker

from leakscope.core.config import Config
from leakscope.core.text import display
from leakscope.ui import keys
from leakscope.ui.session import Session
from leakscope.ui.themes import (
    DEFAULT_THEME,
    LeakTheme,
    fallback_theme,
    load_themes,
    remember_theme,
    remembered_theme,
    resolve_name,
)
from leakscope.ui.widgets.findings_tree import GROUPINGS, Palette

# From this many changed paths in one batch on, the status line says "updating N files…".
BURST_PROGRESS = 20
# How many watch events the app remembers (`watch_log`, for tests and the benchmark).
WATCH_LOG = 200


class UnknownThemeError(ValueError):
    pass


class LeakscopeApp(App[int]):
    TITLE = "leakscope"
    # The main screen is the default screen: its .tcss is read with the app's (Textual reads
    # a screen's own CSS_PATH only when it is pushed).
    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss", "screens/main.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("app")
    ENABLE_COMMAND_PALETTE = True
    # The app starts in its theme (`start_theme`, see _initial_theme): Textual's own start
    # takes its colours, CSS variables and dark/light mode from it. Setting `theme` after
    # would parse every stylesheet again before the first frame.
    theme: Reactive[str] = Reactive(Initialize(lambda app: app.start_theme))

    class WatchBatch(Message):
        """A batch of `count` changed paths arrived and is being re-analysed."""

        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    class WatchUpdated(Message):
        """The project was updated after file changes (the watcher's, or held ones)."""

        def __init__(self, event: object) -> None:
            super().__init__()
            self.event = event  # a core.watch.WatchEvent

    class WatchHeld(Message):
        """Changes arrived while watching is paused (or a scan runs): `waiting` paths kept."""

        def __init__(self, waiting: int) -> None:
            super().__init__()
            self.waiting = waiting

    class WatchStopped(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(
        self,
        root: Path,
        config: Config,
        theme: str | None = None,
        *,
        use_cache: bool = True,
        cursor_blink: bool = True,
        start_scan: bool = True,
        watch_state: str = "off",
        watch: bool = True,
        demo: bool = False,
    ) -> None:
        self.leak_themes, self.theme_problems = load_themes()
        # run_app pauses the garbage collector until the first frame is on the screen.
        self.gc_paused = False
        self.demo = demo  # root is a temporary copy of the demo project
        self.config = config
        self._config_problems: list[str] = []
        self.start_theme = self._initial_theme(theme)
        super().__init__()
        self.root = root.expanduser()
        self.cursor_blink = cursor_blink
        self.start_scan = start_scan
        self.watch_state = watch_state
        # The file watcher: started with the first scan when `watch`; `w` pauses it.
        self.watcher_enabled = watch
        self.watcher_paused = False
        self.watcher_log: deque[object] = deque(maxlen=WATCH_LOG)  # core.watch.WatchEvent
        self.last_update = ""
        self.last_input = 0.0  # (monotonic) when the last key or click came
        self._watcher_lock = threading.Lock()
        self._holds: set[str] = set()  # why batches are kept for later: "paused", "scan"
        self._held: set[Path] = set()
        self._watcher_loop: asyncio.AbstractEventLoop | None = None
        self._watcher_stop: asyncio.Event | None = None
        self._watcher_running = False
        for leak_theme in self.leak_themes.values():
            self.register_theme(leak_theme.theme)
        bad_keys = keys.unknown_ids(config.keys)
        if bad_keys:
            self._config_problems.append(
                f"[keys] in {config.path or 'leakscope.toml'}: unknown binding id "
                f"'{bad_keys[0]}' (? lists every key with its id)"
            )
        self.keymap = {k: v for k, v in config.keys.items() if k not in bad_keys}
        self._config_problems.extend(keys.conflicts(self.keymap))
        self.set_keymap(self.keymap)
        not_a_folder = ""
        if not self.root.exists():
            not_a_folder = f"{self.root} does not exist."
        elif not self.root.is_dir():
            not_a_folder = f"{self.root} is a file; leakscope scans folders of Go code."
        self.session = Session(self.root, config, use_cache=use_cache)
        self.not_a_folder = not_a_folder

    def _initial_theme(self, requested: str | None) -> str:
        if requested:
            name = resolve_name(requested, self.leak_themes)
            if name is None:
                raise UnknownThemeError(
                    f"unknown theme '{requested}' (themes: {', '.join(sorted(self.leak_themes))})"
                )
            return name
        for candidate in (self.config.theme, remembered_theme()):
            if not candidate:
                continue
            name = resolve_name(candidate, self.leak_themes)
            if name is not None:
                return name
            if candidate == self.config.theme:
                self._config_problems.append(f"unknown theme '{candidate}' in the config")
        if DEFAULT_THEME in self.leak_themes:
            return DEFAULT_THEME
        return next(iter(self.leak_themes), "textual-dark")

    def get_theme(self, theme_name: str) -> Theme | None:
        # (Textual looks the start theme up in its own __init__, before ours registers it.)
        leak_theme = self.leak_themes.get(theme_name)
        return leak_theme.theme if leak_theme is not None else super().get_theme(theme_name)

    # -- screens ------------------------------------------------------------------------

    @property
    def main(self):  # type: ignore[no-untyped-def]
        from leakscope.ui.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("no main screen")

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification (screens' too) carries repository text: file names, messages,
        errors. Control characters are shown escaped and nothing is read as markup."""
        super().notify(
            display(message),
            title=display(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def get_default_screen(self) -> Screen:
        from leakscope.ui.screens.main import MainScreen

        return MainScreen(self.session, not_a_folder=self.not_a_folder)

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._on_theme_changed)
        for problem in [*self.theme_problems, *self._config_problems]:
            self.notify(problem, severity="warning", timeout=8)
        self.call_after_refresh(self._after_first_frame)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown)):
            self.last_input = time.monotonic()
        await super().on_event(event)

    def _after_first_frame(self) -> None:
        if self.gc_paused:
            # What start-up made lives as long as the app: out of the collector's way, so
            # no full collection walks it again (and none pauses a key for it).
            self.gc_paused = False
            gc.freeze()
            gc.enable()

    # -- themes -------------------------------------------------------------------------

    @property
    def leak_theme(self) -> LeakTheme:
        leak_theme = self.leak_themes.get(self.theme)
        return leak_theme if leak_theme is not None else fallback_theme(self.current_theme)

    @property
    def palette(self) -> Palette:
        theme = self.current_theme
        return Palette(
            error=theme.error or "#e06c75",
            warning=theme.warning or "#e5c07b",
            info=theme.primary,
            success=theme.success or "#7bc67e",
            muted=theme.secondary or "#7f8fa6",
        )

    def _on_theme_changed(self, theme: Theme) -> None:
        try:
            main = self.main
        except LookupError:
            return
        main.apply_palette(self.palette)

    def choose_theme(self, name: str) -> None:
        """Switch theme (from the palette) and remember the choice for next time."""
        self.theme = name
        problem = remember_theme(name)
        if problem:
            self.notify(problem, severity="warning")
        else:
            self.notify(f"Theme: {name}", timeout=2)

    # -- commands -----------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for name in sorted(self.leak_themes):
            current = " (current)" if name == self.theme else ""
            yield SystemCommand(
                f"Theme: {name}{current}",
                f"Switch to the {name} theme (remembered for next time)",
                lambda name=name: self.choose_theme(name),
            )
        for grouping in GROUPINGS:
            yield SystemCommand(
                f"Group by {grouping}",
                f"Group the findings by {grouping}",
                lambda grouping=grouping: self.main.set_grouping(grouping),
            )
        yield SystemCommand("Rescan", "Scan the whole project again", self._rescan)
        # Files with findings shown, by path: `ctrl+p`, then part of a file name.
        with contextlib.suppress(LookupError):
            shown = self.main.shown
            counts: dict[str, int] = {}
            for finding in shown:
                counts[finding.path] = counts.get(finding.path, 0) + 1
            for path, n in sorted(counts.items()):
                yield SystemCommand(
                    f"File: {display(path)}",
                    f"Go to its first finding ({n} finding{'s' if n != 1 else ''})",
                    lambda path=path: self.main.go_to_file(path),
                )
        from leakscope.core.rules import RULES

        for rule in RULES:
            yield SystemCommand(
                f"Rule docs: {rule.name}",
                rule.summary,
                lambda rule=rule: self._open_rule(rule.name),
            )
        yield SystemCommand("Help", "Every key and the filter syntax", self.action_help)
        yield SystemCommand("Quit", "Quit leakscope", self.action_quit_app)

    def _rescan(self) -> None:
        self.main.action_rescan()

    def _open_rule(self, name: str) -> None:
        from leakscope.ui.screens.rule_doc import RuleDocScreen

        self.push_screen(RuleDocScreen(name))

    def action_help(self) -> None:
        from leakscope.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.keymap, self.palette))

    def action_quit_app(self) -> None:
        self.exit(0)

    def exit(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        self.stop_watching()
        super().exit(*args, **kwargs)  # type: ignore[arg-type]

    # -- the file watcher ---------------------------------------------------------------

    def set_watch_state(self, state: str, last_update: str = "", detail: str = "") -> None:
        """Show the watcher's state ("watching", "paused", ...) in the status line."""
        self.watch_state = state
        if last_update:
            self.last_update = last_update
        with contextlib.suppress(LookupError):
            self.main.status.set(watch=state, last_update=self.last_update, watch_detail=detail)

    @property
    def watcher_running(self) -> bool:
        return self._watcher_running

    def start_watching(self) -> None:
        """Start the file watcher (once; again after it stopped with an error)."""
        if self._watcher_running or self.not_a_folder:
            return
        self._watcher_running = True
        self.watcher_enabled = True
        self.set_watch_state("paused" if self.watcher_paused else "watching")
        self.run_file_watcher()

    def stop_watching(self) -> None:
        """Stop the watcher thread (on quit); it ends within a few milliseconds."""
        loop, stop = self._watcher_loop, self._watcher_stop
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # its loop already closed
                loop.call_soon_threadsafe(stop.set)

    @work(thread=True, exclusive=True, group="watcher", exit_on_error=False)
    def run_file_watcher(self) -> None:
        """The watch loop, in its own thread and event loop: setting up the OS watches of a
        big tree takes a while, and the app's loop must not wait for it."""
        from leakscope.core.watch import watch_project

        worker = get_current_worker()
        project = self.session.project

        async def main() -> None:
            stop = asyncio.Event()
            self._watcher_loop, self._watcher_stop = asyncio.get_running_loop(), stop

            async def guard() -> None:
                # However the app ends (quit, crash, a test's end), the thread ends with it.
                while not stop.is_set():
                    if worker.is_cancelled or self._exit or not self.is_running:
                        stop.set()
                    await asyncio.sleep(0.1)

            guarding = asyncio.create_task(guard())
            try:
                await watch_project(
                    project,
                    self._on_watch_update,
                    stop,
                    on_batch=self._on_watch_batch,
                    hold=self._hold_batch,
                )
            finally:
                stop.set()
                await guarding

        error = ""
        try:
            asyncio.run(main())
        except Exception as exc:  # e.g. the OS limit of watched folders
            error = str(exc) or type(exc).__name__
        finally:
            self._watcher_loop = self._watcher_stop = None
        self.post_message(self.WatchStopped(error))

    def _on_watch_update(self, event: object) -> None:
        self.post_message(self.WatchUpdated(event))

    def _on_watch_batch(self, count: int) -> None:
        if count >= BURST_PROGRESS:
            self.post_message(self.WatchBatch(count))

    def _hold_batch(self, paths: list[Path]) -> bool:
        """(Watcher thread) Keep the batch for later while paused or while a scan runs."""
        with self._watcher_lock:
            if not self._holds:
                return False
            self._held.update(paths)
            waiting = len(self._held)
        self.post_message(self.WatchHeld(waiting))
        return True

    def hold_watch(self, reason: str) -> None:
        """Keep changes for later instead of analysing them (a scan runs, or paused)."""
        with self._watcher_lock:
            self._holds.add(reason)

    def release_watch(self, reason: str) -> None:
        """Stop holding for `reason`; when nothing holds any more, apply what was kept."""
        with self._watcher_lock:
            self._holds.discard(reason)
            if self._holds or not self._held:
                return
            paths = sorted(self._held)
            self._held.clear()
        self._on_watch_batch(len(paths))
        self._apply_held(paths)

    @work(thread=True, group="watch-held", exit_on_error=False)
    def _apply_held(self, paths: list[Path]) -> None:
        from leakscope.core.watch import WatchEvent

        started = time.perf_counter()
        try:
            update = self.session.project.update(paths)
        except Exception as exc:  # the watcher itself goes on
            self.call_from_thread(
                self.notify, f"Cannot re-analyse the changes: {exc}", severity="error"
            )
            return
        event = WatchEvent(
            update, len(paths), time.perf_counter() - started, time.time(), tuple(paths)
        )
        self.post_message(self.WatchUpdated(event))

    def toggle_watch(self) -> None:
        """`w`: pause or resume; start the watcher when it is off or stopped."""
        if self.not_a_folder:
            self.notify(self.not_a_folder, severity="error")
            return
        if not self._watcher_running:
            self.watcher_paused = False
            self.release_watch("paused")
            self.start_watching()
            self.notify("Watching for file changes.", timeout=3)
            return
        if self.watcher_paused:
            self.watcher_paused = False
            with self._watcher_lock:
                waiting = len(self._held)
            self.set_watch_state("watching")
            self.release_watch("paused")
            more = f": applying {waiting} change{'s' if waiting != 1 else ''}" if waiting else ""
            self.notify(f"Watching again{more}.", timeout=3)
        else:
            self.watcher_paused = True
            self.hold_watch("paused")
            self.set_watch_state("paused")
            self.notify("Paused: file changes are kept until w resumes.", timeout=3)

    @on(WatchBatch)
    def _on_watch_batch_message(self, message: WatchBatch) -> None:
        if not self.watcher_paused:
            self.set_watch_state(f"updating {message.count} files…")

    @on(WatchHeld)
    def _on_watch_held(self, message: WatchHeld) -> None:
        if self.watcher_paused:
            n = message.waiting
            self.set_watch_state("paused", detail=f"· {n} change{'s' if n != 1 else ''} waiting")

    @on(WatchUpdated)
    def _on_watch_updated(self, message: WatchUpdated) -> None:
        from leakscope.core.watch import WatchEvent

        event = message.event
        assert isinstance(event, WatchEvent)
        self.watcher_log.append(event)
        stamp = time.strftime("%H:%M:%S", time.localtime(event.finished_at))
        detail = ""
        with contextlib.suppress(LookupError):
            detail = self.main.apply_watch_event(event)
        if event.update.full_rescan or event.update.error:
            self._reload_keys()
        self.set_watch_state("paused" if self.watcher_paused else "watching", stamp, detail)

    @on(WatchStopped)
    def _on_watch_stopped(self, message: WatchStopped) -> None:
        self._watcher_running = False
        if message.error:
            self.set_watch_state(f"error: {message.error}")
            self.notify(
                f"File watching stopped: {message.error} (w tries again)",
                severity="error",
                timeout=10,
            )
        else:
            self.set_watch_state("off")

    def _reload_keys(self) -> None:
        """After the config file changed: take its key remapping."""
        config = self.session.project.config
        if config is self.config:
            return
        self.config = config
        bad_keys = keys.unknown_ids(config.keys)
        keymap = {k: v for k, v in config.keys.items() if k not in bad_keys}
        if keymap != self.keymap:
            self.keymap = keymap
            self.set_keymap(keymap)

    # -- the seam for other changes ------------------------------------------------------

    def findings_changed(self) -> None:
        """The session's project was updated elsewhere (the watcher): refresh the views."""
        self.main.refresh_findings()

    def reanalyse_paths(self, paths: list[str | Path]) -> None:
        """Re-analyse these changed files in a worker and refresh the views."""
        self.main.reanalyse_paths(paths, quiet=True)


def make_app(
    root: Path,
    config: Config,
    theme: str | None = None,
    *,
    use_cache: bool = True,
    cursor_blink: bool = True,
    start_scan: bool = True,
    watch: bool = True,
    demo: bool = False,
) -> LeakscopeApp:
    """The app over `root`; raises UnknownThemeError for a theme name that does not exist.

    `watch=False` starts without the file watcher (snapshot tests; `w` starts it)."""
    return LeakscopeApp(
        root,
        config,
        theme,
        use_cache=use_cache,
        cursor_blink=cursor_blink,
        start_scan=start_scan,
        watch=watch,
        demo=demo,
    )


def run_app(root: Path, config: Config, theme: str | None = None, *, demo: bool = False) -> int:
    """Run the terminal app; returns the process exit code. `demo`: root is a copy of the
    demo project, and the app says where it is."""
    try:
        app = make_app(root, config, theme, demo=demo)
    except UnknownThemeError as exc:
        print(f"leakscope: {exc}", file=sys.stderr)
        return 2
    if theme:
        remember_theme(app.theme)
    # No garbage collection until the first frame is painted (LeakscopeApp._after_first_frame):
    # a full collection of start-up's objects would delay it by 15-30 ms.
    paused = gc.isenabled()
    if paused:
        gc.freeze()
        gc.disable()
        app.gc_paused = True
    try:
        app.run()
    finally:
        if paused:
            gc.enable()
    return app.return_code or 0
