"""The `leakscope` command: the terminal app, `check`, `fix`, `rule` and `demo`.

argparse (standard library) rather than click or typer: one dependency fewer, and the
surface (four subcommands, a dozen flags) needs nothing argparse lacks.

Exit codes, as ruff's: 0 nothing found, 1 findings (remaining), 2 usage, config or I/O error,
130 interrupted. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import importlib
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from leakscope import __version__
from leakscope.core import rules as registry
from leakscope.core.config import Config, ConfigError, load_config
from leakscope.core.model import Applicability, Finding, Rule, Severity
from leakscope.core.suppress import DIRECTIVE_RULE
from leakscope.core.text import display

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from leakscope.core.engine import Progress, ScanResult, enabled_rules, scan
    from leakscope.core.fixes import (
        FileChange,
        FixError,
        fix_lock,
        plan_checked_fixes,
        write_change,
    )
    from leakscope.core.report import (
        Report,
        all_rules,
        finding_line,
        fixable_counts,
        go_versions,
        render,
        statistics_rows,
    )

# What `check`, `fix` and `rule` use of the engine, imported when one of them runs
# (`load_engine`): the terminal app's first frame needs none of it (start-up time, issue 14).
ENGINE_NAMES = {
    "leakscope.core.engine": ("Progress", "ScanResult", "enabled_rules", "scan"),
    "leakscope.core.fixes": (
        "FileChange",
        "FixError",
        "fix_lock",
        "plan_checked_fixes",
        "write_change",
    ),
    "leakscope.core.report": (
        "Report",
        "all_rules",
        "finding_line",
        "fixable_counts",
        "go_versions",
        "render",
        "statistics_rows",
    ),
}

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130

SUBCOMMANDS = ("check", "fix", "rule", "demo")
DEMO_NAME = "logship"

RunApp = Callable[[Path, Config, "str | None"], "int | None"]


class UsageError(Exception):
    """Bad arguments: reported on stderr, exit 2."""


def load_engine() -> None:
    """Import the engine's names into this module (see ENGINE_NAMES). A name already set
    (a test's replacement) is kept."""
    namespace = globals()
    for module_name, names in ENGINE_NAMES.items():
        module = importlib.import_module(module_name)
        for name in names:
            namespace.setdefault(name, getattr(module, name))


def __getattr__(name: str) -> object:
    """`cli.scan` and the other engine names from outside (tests replace some of them)."""
    if any(name in names for names in ENGINE_NAMES.values()):
        load_engine()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Formats(Sequence[str]):
    """`--format`'s choices, core.report.FORMATS, read when argparse needs them (a check's
    format, the help) rather than when the parser is built."""

    def _formats(self) -> Sequence[str]:
        from leakscope.core.report import FORMATS

        return FORMATS

    def __getitem__(self, index):  # type: ignore[no-untyped-def,override]
        return self._formats()[index]

    def __len__(self) -> int:
        return len(self._formats())


class _NeverRaised(Exception):
    pass


def _fix_error() -> type[Exception]:
    """core.fixes.FixError when core.fixes was imported (only then can one be raised)."""
    fixes = sys.modules.get("leakscope.core.fixes")
    return fixes.FixError if fixes is not None else _NeverRaised  # type: ignore[no-any-return]


# -- arguments -------------------------------------------------------------------------------


def _rule_list(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        # `--select ''` (an empty variable in a CI script) must not quietly mean every rule.
        raise argparse.ArgumentTypeError(f"expected rule names, got {value!r}")
    return names


def _add_rule_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--select",
        action="append",
        type=_rule_list,
        default=[],
        metavar="RULE,...",
        help="only these rules (overrides the config's select); repeatable",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        type=_rule_list,
        default=[],
        metavar="RULE,...",
        help="skip these rules (added to the config's ignore); repeatable",
    )
    parser.add_argument(
        "--min-severity",
        choices=[s.value for s in Severity],
        default=Severity.WARNING.value,
        metavar="LEVEL",
        help="the lowest severity to report: error, warning (default) or info. Info findings "
        "are true but minor (bounded: a few iterations, a small value, test code)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="analyse every file again, ignoring the cache"
    )


APP_HELP = """the terminal app (leakscope [--theme NAME] [PATH]):
  PATH                  folder to open (default: the current folder)
  --theme NAME          colour theme: leakscope-dark, leakscope-light or one of
                        yours (overrides the config's theme)

Run `leakscope COMMAND -h` for a command's options."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leakscope",
        usage=(
            "leakscope [-h] [--version] [--theme NAME] [PATH]\n"
            "       leakscope {check,fix,rule,demo} ..."
        ),
        description=(
            "Find and fix memory and resource leaks in Go code. With no subcommand, open the "
            "terminal app on PATH (default: the current folder)."
        ),
        epilog=APP_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"leakscope {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{check,fix,rule,demo}")

    # The terminal app; reached by `leakscope [PATH]` (main() inserts the hidden name).
    app = sub.add_parser("open", prog="leakscope", usage="leakscope [-h] [--theme NAME] [PATH]")
    app.add_argument("path", nargs="?", metavar="PATH", help="folder to open (default: .)")
    app.add_argument("--theme", metavar="NAME", help="colour theme (overrides the config's)")

    check = sub.add_parser(
        "check",
        prog="leakscope check",
        help="report leaks (for CI)",
        description="Scan Go files and report findings.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="a folder to scan (it becomes the root), or files and folders inside the "
        "current folder (default: .)",
    )
    check.add_argument(
        "--format", choices=_Formats(), default="text", help="output format (default: text)"
    )
    _add_rule_filters(check)
    check.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings"
    )
    check.add_argument(
        "--watch",
        action="store_true",
        help="keep watching after the report and print each change to the findings (text)",
    )
    check.add_argument(
        "--statistics",
        action="store_true",
        help="print counts per rule instead of each finding (text and json)",
    )

    fix = sub.add_parser(
        "fix",
        prog="leakscope fix",
        help="apply automatic fixes",
        description="Apply the safe automatic fixes (and unsafe ones with --unsafe).",
    )
    fix.add_argument("paths", nargs="*", metavar="PATH", help="as for check")
    fix.add_argument(
        "--diff", action="store_true", help="print a unified diff of the fixes; write nothing"
    )
    fix.add_argument("--unsafe", action="store_true", help="also apply unsafe fixes")
    fix.add_argument(
        "--unverified",
        action="store_true",
        help="also apply fixes that could not be type-checked (no Go toolchain, cgo, ...)",
    )
    fix.add_argument(
        "--force",
        action="store_true",
        help="also write read-only or hard-linked files, and files whose owner, group or "
        "extended attributes cannot be kept",
    )
    _add_rule_filters(fix)

    rule = sub.add_parser(
        "rule",
        prog="leakscope rule",
        help="list the rules or show one rule's documentation",
        description="List the rules, or print one rule's documentation.",
    )
    rule.add_argument("name", nargs="?", metavar="NAME", help="the rule to document")

    demo = sub.add_parser(
        "demo",
        prog="leakscope demo",
        help="copy the bundled demo Go project to a temporary folder and open it",
        description="Copy the bundled demo Go project to a new temporary folder and open it.",
    )
    demo.add_argument("--theme", metavar="NAME", help="colour theme")
    return parser


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[name]  # type: ignore[no-any-return]
    return parser


def _normalise_argv(argv: list[str]) -> list[str]:
    """`leakscope [PATH]` is the hidden `open` subcommand."""
    if argv and (argv[0] in SUBCOMMANDS or argv[0] in ("-h", "--help", "--version")):
        return argv
    return ["open", *argv]


# -- roots, config, rules --------------------------------------------------------------------


@dataclass
class Target:
    root: Path
    paths: list[Path]  # inside root; empty: the whole root
    config: Config
    cwd: Path


def resolve_target(raw_paths: Sequence[str], cwd: Path | None = None) -> tuple[Path, list[Path]]:
    """The scan root and the paths inside it.

    One folder argument is the root. Otherwise the current folder is the root and every path
    must be inside it.
    """
    cwd = (cwd or Path.cwd()).resolve()
    for raw in raw_paths:
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"{raw}: no such file or folder")
        if path.is_file() and path.suffix != ".go":
            raise UsageError(f"{raw}: not a Go file")
    if not raw_paths:
        return cwd, []
    if len(raw_paths) == 1 and Path(raw_paths[0]).is_dir():
        return Path(raw_paths[0]).resolve(), []
    paths = []
    for raw in raw_paths:
        resolved = (cwd / raw).resolve()
        try:
            resolved.relative_to(cwd)
        except ValueError:
            raise UsageError(
                f"{raw} is outside the current folder {cwd}: run leakscope from a folder that "
                "contains every path, or pass a single folder to scan"
            ) from None
        paths.append(resolved)
    return cwd, paths


def rule_names() -> list[str]:
    """What all_rules() names, without importing every rule (start-up time)."""
    return [*registry.names(), DIRECTIVE_RULE.name]


def validate_rules(names: Sequence[str], option: str) -> None:
    known = rule_names()
    for name in names:
        if name not in known:
            raise UsageError(f"{option}: unknown rule '{name}' (known rules: {', '.join(known)})")


@dataclass(frozen=True)
class RuleFilter:
    """Which rules run and which findings are shown, from the config and the command line."""

    select: tuple[str, ...]
    ignore: tuple[str, ...]
    engine_rules: tuple[str, ...]
    # Findings below this severity are minor: counted, not shown (`--min-severity`).
    min_severity: Severity = Severity.WARNING

    def shows_rule(self, rule: str) -> bool:
        if self.select and rule not in self.select:
            return False
        return rule not in self.ignore

    def shows(self, finding: Finding) -> bool:
        return self.shows_rule(finding.rule) and self.severe_enough(finding)

    def severe_enough(self, finding: Finding) -> bool:
        return finding.severity.rank <= self.min_severity.rank

    def findings(self, findings: Sequence[Finding]) -> list[Finding]:
        return [f for f in findings if self.shows(f)]

    def hidden(self, findings: Sequence[Finding]) -> int:
        """How many of the selected rules' findings are below the severity shown."""
        return sum(1 for f in findings if self.shows_rule(f.rule) and not self.severe_enough(f))


def rule_filter(
    config: Config,
    select: Sequence[str],
    ignore: Sequence[str],
    min_severity: str = Severity.WARNING.value,
) -> RuleFilter:
    validate_rules(select, "--select")
    validate_rules(ignore, "--ignore")
    chosen_select = tuple(select) or tuple(config.select)
    chosen_ignore = (*config.ignore, *ignore)
    engine = enabled_rules(config, select, ignore)
    return RuleFilter(chosen_select, chosen_ignore, engine, Severity(min_severity))


def _flatten(values: list[list[str]]) -> list[str]:
    return [name for group in values for name in group]


def load_target(raw_paths: Sequence[str]) -> Target:
    cwd = Path.cwd().resolve()
    root, paths = resolve_target(raw_paths, cwd)
    config = load_config(root, rule_names())
    check_app_settings(config)
    return Target(root, paths, config, cwd)


def check_app_settings(config: Config) -> None:
    """The config's `[keys]` ids and `theme` are the app's, but naming one that does not
    exist is a config error for every command (as an unknown rule is), not only in the app.

    The app's modules are imported only when the config has these keys (start-up time), and
    not at all when the terminal app is not installed."""
    where = config.path or "leakscope.toml"
    if config.keys:
        try:
            from leakscope.ui import keys
        except ImportError:
            return
        bad = keys.unknown_ids(config.keys)
        if bad:
            raise ConfigError(
                f"{where}: [keys] has unknown binding id '{bad[0]}' (ids: "
                f"{', '.join(k.id for k in keys.KEYS)}; the help screen, ?, shows each key's id)"
            )
    if config.theme:
        try:
            from leakscope.ui.themes import load_themes, resolve_name
        except ImportError:
            return
        themes, _ = load_themes()
        if resolve_name(config.theme, themes) is None:
            raise ConfigError(
                f"{where}: 'theme' names unknown theme '{config.theme}' "
                f"(themes: {', '.join(sorted(themes))})"
            )


def check_found_go_files(target: Target, result: ScanResult) -> None:
    """A scan of folders that found no Go file at all is an error: a CI job aimed at the
    wrong folder must fail, not pass with "0 files scanned". Files named one by one (as
    pre-commit passes them) may all be left out by the config's `exclude`."""
    if result.files or result.problems or any(p.is_file() for p in target.paths):
        return
    where = ", ".join(display_from(target.cwd, p) for p in target.paths) or str(target.root)
    raise UsageError(
        f"no Go files in {where} (vendor/, testdata/, folders starting with . or _, "
        ".gitignore'd files and the config's exclude are skipped)"
    )


def display_from(cwd: Path, path: Path) -> str:
    """A path as the user typed it: relative to the current folder when below it."""
    try:
        return path.relative_to(cwd).as_posix() or "."
    except ValueError:
        return path.as_posix()


# -- scanning --------------------------------------------------------------------------------


class ProgressLine:
    """`scanning 120/5564 files` on a terminal's stderr; silent when stderr is not a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.active = stream.isatty()
        self.shown = False

    def __call__(self, progress: Progress) -> None:
        if not self.active or progress.total_files < 200:
            return
        self.stream.write(f"\rscanning {progress.done_files}/{progress.total_files} files")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def run_scan(
    target: Target, rules: RuleFilter, use_cache: bool, *, verify_cache: bool = False
) -> ScanResult:
    progress = ProgressLine(sys.stderr)
    try:
        return scan(
            target.root,
            target.config,
            paths=target.paths,
            rules=rules.engine_rules,
            use_cache=use_cache,
            on_progress=progress,
            verify_cache=verify_cache,
        )
    finally:
        progress.clear()


def _io_problems(result: ScanResult) -> int:
    return len([r for r in result.files if r.status == "unreadable"]) + len(result.problems)


def _internal_errors(result: ScanResult) -> int:
    """How many rule runs crashed (a leakscope bug): the run must fail visibly, not pass."""
    return sum(len(r.internal_errors) for r in result.files)


# -- check -----------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    if args.statistics and args.format not in ("text", "json"):
        raise UsageError("--statistics works with --format text or json")
    if args.watch and (args.format != "text" or args.statistics):
        raise UsageError("--watch works with the text format only, without --statistics")
    target = load_target(args.paths)
    if args.watch:
        return watch_check(
            target,
            select=_flatten(args.select),
            ignore=_flatten(args.ignore),
            use_cache=not args.no_cache,
            min_severity=args.min_severity,
        )
    return run_check(
        target,
        fmt=args.format,
        select=_flatten(args.select),
        ignore=_flatten(args.ignore),
        use_cache=not args.no_cache,
        statistics=args.statistics,
        exit_zero=args.exit_zero,
        min_severity=args.min_severity,
    )


def run_check(
    target: Target,
    *,
    fmt: str = "text",
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    use_cache: bool = True,
    statistics: bool = False,
    exit_zero: bool = False,
    show_from_root: bool = False,
    min_severity: str = Severity.WARNING.value,
) -> int:
    rules = rule_filter(target.config, select, ignore, min_severity)
    result = run_scan(target, rules, use_cache)
    check_found_go_files(target, result)
    findings = rules.findings(result.findings)
    from leakscope.core.verify import go_command

    report = Report(
        target.root,
        findings,
        result.files,
        result.problems,
        cwd=None if show_from_root else target.cwd,
        toolchain=go_command() is not None,
        hidden=rules.hidden(result.findings),
    )
    if statistics and fmt == "json":
        sys.stdout.write(statistics_json(findings))
    else:
        sys.stdout.write(render(report, fmt, statistics=statistics))
    sys.stdout.flush()
    problems = _io_problems(result)
    if problems:
        _error(f"{_files_or_folders(problems)} could not be read; the report is incomplete")
        return EXIT_ERROR
    crashed = _internal_errors(result)
    if crashed:
        _error(f"{_count(crashed, 'rule run')} failed (a leakscope bug); the report is incomplete")
        return EXIT_ERROR
    if any(counts_for_exit(f) for f in findings) and not exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


def counts_for_exit(finding: Finding) -> bool:
    """Warnings and errors fail a check; info findings (minor) never do, even when shown."""
    return finding.severity.rank <= Severity.WARNING.rank


def watch_check(
    target: Target,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    use_cache: bool = True,
    min_severity: str = Severity.WARNING.value,
) -> int:
    """`check --watch`: the report, then one block per change until interrupted."""
    import asyncio

    from leakscope.core.project import Project
    from leakscope.core.watch import WatchEvent, watch_project

    rules = rule_filter(target.config, select, ignore, min_severity)
    result = run_scan(target, rules, use_cache)
    from leakscope.core.verify import go_command

    report = Report(
        target.root,
        rules.findings(result.findings),
        result.files,
        result.problems,
        cwd=target.cwd,
        toolchain=go_command() is not None,
        hidden=rules.hidden(result.findings),
    )
    sys.stdout.write(render(report, "text"))
    project = Project(target.root, target.config, use_cache=use_cache)
    project.load(result)
    wanted = [p.relative_to(target.root).as_posix() for p in target.paths]

    def shown(f: Finding) -> bool:
        under = not wanted or any(f.path == w or f.path.startswith(w + "/") for w in wanted)
        return under and rules.shows(f)

    def on_update(event: WatchEvent) -> None:
        update = event.update
        stamp = time.strftime("%H:%M:%S", time.localtime(event.finished_at))
        if update.error:
            sys.stdout.write(
                display(f"[{stamp}] {update.error}; keeping the previous findings") + "\n"
            )
        added = [f for f in update.added if shown(f)]
        removed = [f for f in update.removed if shown(f)]
        if not (added or removed or update.error):
            return
        total = sum(1 for f in project.findings if shown(f))
        sys.stdout.write(
            f"[{stamp}] {_count(len(added), 'new finding')}, {len(removed)} gone, "
            f"{_count(total, 'finding')} in all ({event.seconds * 1000:.0f} ms)\n"
        )
        for f in added:
            sys.stdout.write(f"  + {display(finding_line(report, f))}\n")
        for f in removed:
            sys.stdout.write(f"  - {display(finding_line(report, f))}\n")
        sys.stdout.flush()

    _note(f"watching {target.root} for changes (ctrl+c to stop)")
    sys.stdout.flush()

    async def run() -> None:
        await watch_project(project, on_update, asyncio.Event())

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        _note("stopped watching")
    return EXIT_OK


def statistics_json(findings: Sequence[Finding]) -> str:
    import json

    rows = [
        {"rule": rule, "count": n, "fixable": fixable, "unsafe_fixes": unsafe}
        for rule, n, fixable, unsafe in statistics_rows(findings)
    ]
    return json.dumps({"version": __version__, "statistics": rows}, indent=2) + "\n"


# -- fix -------------------------------------------------------------------------------------


def unified_diff(change: FileChange) -> str:
    before = change.before.decode("utf-8", errors="replace").splitlines(keepends=True)
    after = change.after.decode("utf-8", errors="replace").splitlines(keepends=True)
    lines = list(difflib.unified_diff(before, after, f"a/{change.path}", f"b/{change.path}"))
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _rule_counts(findings: Sequence[Finding]) -> str:
    counts = Counter(f.rule for f in findings)
    return ", ".join(f"{rule} x{n}" if n > 1 else rule for rule, n in sorted(counts.items()))


def cmd_fix(args: argparse.Namespace) -> int:
    target = load_target(args.paths)
    if args.diff:
        return run_fix(args, target)

    def waiting() -> None:
        _note(f"waiting for another leakscope fix of {target.root} to finish")

    # One fix per tree at a time: two runs would each plan from bytes the other rewrites.
    with fix_lock(target.root, waiting):
        return run_fix(args, target)


def run_fix(args: argparse.Namespace, target: Target) -> int:
    rules = rule_filter(
        target.config, _flatten(args.select), _flatten(args.ignore), args.min_severity
    )
    use_cache = not args.no_cache
    # Fixes are planned from what this scan analysed: a cached result must be of the bytes on
    # disk now (by hash), not of a file whose mtime and size were put back after an edit.
    result = run_scan(target, rules, use_cache, verify_cache=True)
    check_found_go_files(target, result)
    findings = rules.findings(result.findings)
    shown = [replace(r, findings=rules.findings(r.findings)) for r in result.files]
    applicability = Applicability.UNSAFE if args.unsafe else Applicability.SAFE
    from leakscope.core.verify import find_toolchain

    toolchain = find_toolchain()
    report = Report(
        target.root, [], result.files, result.problems, cwd=target.cwd, toolchain=bool(toolchain)
    )
    if toolchain is None:
        _note(
            "No Go toolchain (`go`) on PATH: fixes cannot be type-checked, so none is applied "
            "unless --unverified is given."
        )
    planned = plan_checked_fixes(
        target.root, shown, result.jobs, applicability, toolchain=toolchain
    )
    changes, held = _split_unverified(planned, args.unverified)
    if args.diff:
        status = fix_diff(report, changes, held, findings, args.unsafe)
    else:
        status = fix_write(
            target, rules, use_cache, report, changes, held, args.unsafe, force=args.force
        )
    io_problems = _io_problems(result)
    if io_problems:
        for r in report.unreadable:
            _note(f"{report.display_path(r.path)}: unreadable: {r.error or 'cannot read'}")
        for problem in report.problems:
            _note(problem)
        _error(f"{_files_or_folders(io_problems)} could not be read; nothing was fixed there")
        return EXIT_ERROR
    crashed = _internal_errors(result)
    if crashed:
        for r in result.files:
            for error in r.internal_errors:
                _note(f"{report.display_path(r.path)}: leakscope bug: {error}")
        _error(
            f"{_count(crashed, 'rule run')} failed (a leakscope bug); their findings are missing"
        )
        return EXIT_ERROR
    return status


def _split_unverified(
    planned: Sequence[FileChange], unverified_ok: bool
) -> tuple[list[FileChange], list[FileChange]]:
    """(changes to write, changes held back because no type-check proved them)."""
    changes: list[FileChange] = []
    held: list[FileChange] = []
    for change in planned:
        if change.verified or unverified_ok or not change.changed:
            changes.append(change)
        else:
            held.append(change)
    return changes, held


def _skipped_lines(
    report: Report, changes: Sequence[FileChange], held: Sequence[FileChange] = ()
) -> list[str]:
    lines = [
        f"Skipped {finding_line(report, finding)}: {why}"
        for change in [*changes, *held]
        for finding, why in change.skipped
    ]
    for change in held:
        why = change.verdict.detail if change.verdict else "not type-checked"
        lines.extend(
            f"Skipped {finding_line(report, finding)}: unverified ({why}); --unverified applies it"
            for finding in change.applied
        )
    return lines


def fix_diff(
    report: Report,
    changes: Sequence[FileChange],
    held: Sequence[FileChange],
    findings: Sequence[Finding],
    unsafe: bool,
) -> int:
    """Print the planned changes as a unified diff on stdout; the summary goes to stderr."""
    changes = [c for c in changes if c.changed]
    # The diff is exact for `patch` and `git apply`; a terminal sees control characters escaped.
    tty = sys.stdout.isatty()
    for change in changes:
        diff = unified_diff(change)
        sys.stdout.write(display(diff, keep_lines=True) if tty else diff)
    sys.stdout.flush()
    for line in _skipped_lines(report, changes, held):
        _note(line)
    applied = {f.fingerprint for c in changes for f in c.applied}
    if changes:
        _note(f"Would fix {_count(len(applied), 'finding')} in {_count(len(changes), 'file')}.")
    else:
        _note("Nothing to fix.")
    remaining = [f for f in findings if f.fingerprint not in applied]
    if remaining:
        _note(_remaining_summary(remaining, unsafe, "would remain"))
    return EXIT_FINDINGS if any(counts_for_exit(f) for f in findings) else EXIT_OK


def fix_write(
    target: Target,
    rules: RuleFilter,
    use_cache: bool,
    report: Report,
    changes: Sequence[FileChange],
    held: Sequence[FileChange],
    unsafe: bool,
    *,
    force: bool = False,
) -> int:
    """Write the planned changes, say what changed, and count what remains."""
    out = sys.stdout
    failed = False
    written = 0
    for change in changes:
        if not change.changed:
            continue
        try:
            stale = write_change(target.root, change, force=force)
        except FixError as exc:
            _error(str(exc))
            failed = True
            continue
        for temp in stale:  # (left by a leakscope that was killed while writing)
            shown = report.display_path(
                Path(os.path.relpath(temp, target.root.resolve())).as_posix()
            )
            _note(f"removed {shown}: a temporary file left by an interrupted leakscope")
        written += 1
        where = report.display_path(change.path)
        n = len(change.applied)
        proof = "" if change.verified else " [unverified]"
        out.write(
            display(
                f"Fixed {where}: {_count(n, 'finding')} ({_rule_counts(change.applied)}){proof}"
            )
            + "\n"
        )
    for line in _skipped_lines(report, changes, held):
        out.write(display(line) + "\n")
    after = run_scan(target, rules, use_cache) if written else None
    remaining = rules.findings(after.findings) if after is not None else None
    if remaining is None:
        remaining = rules.findings([f for r in report.files for f in r.findings])
    if not written and not failed:
        out.write("Nothing to fix.\n")
    if remaining:
        out.write(_remaining_summary(remaining, unsafe, "remain") + "\n")
    elif written:
        out.write("No findings remain.\n")
    out.flush()
    if failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if any(counts_for_exit(f) for f in remaining) else EXIT_OK


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _files_or_folders(n: int) -> str:
    return f"{n} file or folder" if n == 1 else f"{n} files or folders"


def _remaining_summary(remaining: Sequence[Finding], unsafe: bool, verb: str) -> str:
    no_fix = sum(1 for f in remaining if f.fix is None)
    safe, unsafe_only = fixable_counts(remaining)
    parts = []
    if no_fix:
        parts.append(f"{no_fix} with no automatic fix")
    if unsafe_only and not unsafe:
        parts.append(f"{unsafe_only} with an unsafe fix (apply with --unsafe)")
    elif unsafe_only:
        parts.append(f"{unsafe_only} whose unsafe fix could not be applied")
    if safe:
        parts.append(f"{safe} whose fix could not be applied")
    detail = f": {', '.join(parts)}" if parts else ""
    if len(remaining) == 1 and verb == "remain":
        verb = "remains"
    return f"{_count(len(remaining), 'finding')} {verb}{detail}. `leakscope check` lists them."


# -- rule ------------------------------------------------------------------------------------


def rule_table(rules: Sequence[Rule]) -> str:
    header = ("rule", "severity", "fix", "go", "summary")
    rows = [
        (r.name, r.severity.value, r.fix_availability.value, go_versions(r), r.summary)
        for r in rules
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:4])]
        lines.append("  ".join([*cells, row[4]]).rstrip())
    return "\n".join(lines) + "\n"


def rule_document(rule: Rule) -> str:
    """A rule's documentation as Markdown: title, facts, then the rule's docstring."""
    facts = (
        f"severity: {rule.severity.value} · fix: {rule.fix_availability.value} · "
        f"go versions: {go_versions(rule)}"
    )
    return f"# {rule.name}\n\n{rule.summary}\n\n{facts}\n\n{rule.doc.strip()}\n"


def cmd_rule(args: argparse.Namespace) -> int:
    rules = all_rules()
    if args.name is None:
        sys.stdout.write(rule_table(rules))
        return EXIT_OK
    by_name = {r.name: r for r in rules}
    rule = by_name.get(args.name)
    if rule is None:
        raise UsageError(f"unknown rule '{args.name}' (known rules: {', '.join(by_name)})")
    document = rule_document(rule)
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(document))
    else:
        sys.stdout.write(document)
    return EXIT_OK


# -- the app and the demo --------------------------------------------------------------------


def load_app() -> RunApp | None:
    """`leakscope.ui.app.run_app` when the terminal app is installed, else None.

    Imported lazily so `check`, `fix` and `rule` never pay for Textual. A terminal app that
    is there but cannot be imported (Textual missing) raises ImportError.
    """
    try:
        module = importlib.import_module("leakscope.ui.app")
    except ModuleNotFoundError as exc:
        if exc.name in ("leakscope.ui", "leakscope.ui.app"):
            return None
        raise
    return getattr(module, "run_app", None)


def open_project(
    root: Path, config: Config, theme: str | None, cwd: Path | None, *, demo: bool = False
) -> int:
    try:
        run_app = load_app()
    except ImportError as exc:
        _error(f"the terminal app cannot start ({exc}); `leakscope check` still works")
        return EXIT_ERROR
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if run_app is not None and interactive:
        if demo:  # the app shows where the copy is
            return run_app(root, config, theme, demo=True) or EXIT_OK  # type: ignore[call-arg]
        return run_app(root, config, theme) or EXIT_OK
    if run_app is not None:
        _note("not a terminal: printing the check report instead of opening the app")
    load_engine()
    target = Target(root, [], config, cwd or root)
    return run_check(target, show_from_root=cwd is None)


def cmd_open(args: argparse.Namespace) -> int:
    raw = [args.path] if args.path else []
    if raw and Path(raw[0]).is_file():
        raise UsageError(f"{raw[0]}: leakscope opens a folder; use `leakscope check` for files")
    target = load_target(raw)
    return open_project(target.root, target.config, args.theme, target.cwd)


def demo_source() -> Traversable:
    from importlib import resources

    return resources.files("leakscope") / "demo"


def copy_demo(destination_parent: Path | None = None) -> Path:
    """Copy the bundled demo module into a new temporary folder; returns the copy's root."""
    from importlib import resources

    parent = Path(tempfile.mkdtemp(prefix="leakscope-demo-", dir=destination_parent))
    target = parent / DEMO_NAME
    with resources.as_file(demo_source()) as source:
        if not (Path(source) / "go.mod").is_file():
            raise OSError(f"the bundled demo project is missing ({source})")
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def cmd_demo(args: argparse.Namespace) -> int:
    root = copy_demo()
    _note(f"Copied the demo Go project to {root}")
    config = load_config(root, rule_names())
    status = open_project(root, config, args.theme, None, demo=True)
    _note(f"The demo copy stays in {root}: delete it when you are done.")
    # Findings are the point of a demo: only real errors make it fail.
    return status if status not in (EXIT_OK, EXIT_FINDINGS) else EXIT_OK


# -- main ------------------------------------------------------------------------------------


def _error(message: str) -> None:
    sys.stderr.write(f"leakscope: error: {display(message)}\n")
    sys.stderr.flush()


def _note(message: str) -> None:
    sys.stderr.write(f"{display(message)}\n")
    sys.stderr.flush()


# The commands that run the engine in this process (the app runs it in its own workers).
ENGINE_COMMANDS = ("check", "fix", "rule")
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "open": cmd_open,
    "check": cmd_check,
    "fix": cmd_fix,
    "rule": cmd_rule,
    "demo": cmd_demo,
}


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args, extras = parser.parse_known_args(_normalise_argv(args_list))
        if extras:
            # Reported by the subcommand's own parser: its usage line, not the top-level one.
            _subparser(parser, args.command).error(f"unrecognized arguments: {' '.join(extras)}")
    except SystemExit as exc:  # argparse: usage errors (2), --help and --version (0)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    try:
        if args.command in ENGINE_COMMANDS:
            load_engine()
        return COMMANDS[args.command](args)
    except UsageError as exc:
        _error(str(exc))
        return EXIT_ERROR
    except ConfigError as exc:
        _error(str(exc))
        return EXIT_ERROR
    except _fix_error() as exc:
        _error(str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        _note("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`leakscope check | head`): stop quietly.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror or exc}")
        return EXIT_ERROR
    except Exception as exc:  # a bug: exit 2 (an error), never 1 (which CI reads as findings)
        if os.environ.get("LEAKSCOPE_DEBUG"):
            import traceback

            traceback.print_exc()
        _error(
            f"internal error: {type(exc).__name__}: {exc} (a leakscope bug, please report it; "
            "LEAKSCOPE_DEBUG=1 shows the traceback)"
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
