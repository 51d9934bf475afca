"""The leakscope terminal app.

`make_app` builds the app for the CLI and for tests alike; `run_app` runs it and returns the
exit code. The app opens at once and scans in a worker thread, filling the tree as packages
finish.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen
from textual.theme import Theme

from leakscope.core.config import Config
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


class UnknownThemeError(ValueError):
    pass


class LeakscopeApp(App[int]):
    TITLE = "leakscope"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("app")
    ENABLE_COMMAND_PALETTE = True

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
    ) -> None:
        self.leak_themes, self.theme_problems = load_themes()
        super().__init__()
        self.root = root.expanduser()
        self.config = config
        self.cursor_blink = cursor_blink
        self.start_scan = start_scan
        self.watch_state = watch_state
        for leak_theme in self.leak_themes.values():
            self.register_theme(leak_theme.theme)
        self._config_problems: list[str] = []
        self.theme = self._initial_theme(theme)
        bad_keys = keys.unknown_ids(config.keys)
        if bad_keys:
            self._config_problems.append(
                f"[keys] in {config.path or 'leakscope.toml'}: unknown binding id "
                f"'{bad_keys[0]}' (see ? for the ids)"
            )
        self.keymap = {k: v for k, v in config.keys.items() if k not in bad_keys}
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

    # -- screens ------------------------------------------------------------------------

    @property
    def main(self):  # type: ignore[no-untyped-def]
        from leakscope.ui.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("no main screen")

    def on_mount(self) -> None:
        from leakscope.ui.screens.main import MainScreen

        # Pushed (not the default screen) so Textual loads the screen's own .tcss.
        self.push_screen(MainScreen(self.session, not_a_folder=self.not_a_folder))
        self.theme_changed_signal.subscribe(self, self._on_theme_changed)
        for problem in [*self.theme_problems, *self._config_problems]:
            self.notify(problem, severity="warning", timeout=8)

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

    # -- the seam for the file watcher (issue 4) ----------------------------------------

    def set_watch_state(self, state: str, last_update: str = "") -> None:
        """Show the watcher's state ("watching", "paused", ...) in the status line."""
        self.watch_state = state
        with contextlib.suppress(LookupError):
            self.main.status.set(watch=state, last_update=last_update)

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
) -> LeakscopeApp:
    """The app over `root`; raises UnknownThemeError for a theme name that does not exist."""
    return LeakscopeApp(
        root,
        config,
        theme,
        use_cache=use_cache,
        cursor_blink=cursor_blink,
        start_scan=start_scan,
    )


def run_app(root: Path, config: Config, theme: str | None = None) -> int:
    """Run the terminal app; returns the process exit code."""
    try:
        app = make_app(root, config, theme)
    except UnknownThemeError as exc:
        print(f"leakscope: {exc}", file=sys.stderr)
        return 2
    if theme:
        remember_theme(app.theme)
    app.run()
    return app.return_code or 0
