"""What the terminal app does to a project, without Textual: scan, fix, undo, ignore.

The app drives a `Session` from its workers; tests can drive one directly. Findings live in a
`core.project.Project`, which the file watcher (and `reanalyse`) keep current incrementally.
"""

from __future__ import annotations

import functools
import posixpath
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from leakscope.core.config import Config
from leakscope.core.gomod import ModuleFinder
from leakscope.core.model import Applicability, Finding

if TYPE_CHECKING:
    from leakscope.core.analysis import FileResult, PackageJob
    from leakscope.core.engine import Progress
    from leakscope.core.fixes import FileChange
    from leakscope.core.project import Project, Update
    from leakscope.core.verify import Toolchain

# The engine's scan, fix planning and writing, and the parser are imported where they are
# used: the app's first frame needs none of them (start-up time, issue 14).


def iter_scan(*args: object, **kwargs: object) -> Iterator[Progress]:
    """core.engine.iter_scan (tests replace this name to pace or fake a scan)."""
    from leakscope.core.engine import iter_scan as engine_iter_scan

    return engine_iter_scan(*args, **kwargs)  # type: ignore[arg-type]


IGNORE_PREFIX = "//leakscope:ignore"


@dataclass
class UndoEntry:
    """One user action (a fix, a group of fixes, an ignore comment) that `undo` reverts."""

    title: str
    changes: list[FileChange] = field(default_factory=list)
    force: bool = False  # written with the user's yes (a read-only file): undone the same way


@dataclass
class Applied:
    title: str
    changes: list[FileChange]
    skipped: list[tuple[Finding, str]]

    @property
    def count(self) -> int:
        return sum(len(c.applied) for c in self.changes)

    @property
    def paths(self) -> list[str]:
        return [c.path for c in self.changes]


class Session:
    def __init__(self, root: Path, config: Config, *, use_cache: bool = True) -> None:
        self.root = root.resolve()
        self.config = config
        self.use_cache = use_cache
        self._project: Project | None = None
        self._project_lock = threading.Lock()
        self.undo_stack: list[UndoEntry] = []
        self.scanned = False
        self.problems: list[str] = []
        self._modules = ModuleFinder()

    @property
    def project(self) -> Project:
        """The live model of the findings, made on first use (the app's scan, after the first
        frame): core.project imports the engine, which the first frame does not need."""
        if self._project is None:
            with self._project_lock:
                if self._project is None:
                    from leakscope.core.project import Project

                    self._project = Project(self.root, self.config, use_cache=self.use_cache)
        return self._project

    # -- scanning ----------------------------------------------------------------------

    def iter_scan(self) -> Iterator[Progress]:
        """Scan the whole project, yielding batches; the project takes the result at the end.

        Runs in a worker thread; the app shows batches as they come with `add_results`.
        """
        from leakscope.core.engine import ScanResult

        result = ScanResult(self.root)
        yield from iter_scan(
            self.root, self.config, use_cache=self.use_cache, result=result, background=True
        )
        self.project.load(result)
        self.problems = list(result.problems)
        self.scanned = True

    def add_results(self, batch: list[FileResult]) -> bool:
        """Show a scan batch before the scan ends (called on the app's thread). Whether the
        findings changed (most packages have none: the tree then needs no rebuild)."""
        results = self.project.results
        changed = False
        for file_result in batch:
            old = results.get(file_result.path)
            if file_result.findings or (old is not None and old.findings):
                changed = True
            self.project.replace_result(file_result)
        return changed

    @property
    def results(self) -> dict[str, FileResult]:
        return self.project.results

    def findings(self) -> list[Finding]:
        # list(dict.values()) copies atomically, so a worker thread replacing results while
        # this runs cannot break the iteration.
        results = sorted(self.project.results.values(), key=lambda r: r.path)
        # Each file's findings are already in position order.
        return [f for r in results for f in r.findings]

    def file_count(self) -> int:
        project = self._project  # (none yet: no results yet)
        return len(project.results) if project is not None else 0

    def go_version(self, path: str) -> tuple[int, int] | None:
        folder = posixpath.dirname(path)
        return self.project.versions.get(folder)

    def go_versions(self) -> set[tuple[int, int]]:
        """The Go versions in force for the folders that hold Go files now (a folder deleted
        or switched away by a branch change keeps its entry in the project's versions)."""
        versions = self.project.versions
        distinct = set(versions.values())
        found: set[tuple[int, int]] = set()
        if not distinct:
            return found
        # Usually one version for the whole tree: stop as soon as every version is seen.
        seen: set[str] = set()
        for path in list(self.project.results):
            folder = posixpath.dirname(path)
            if folder in seen:
                continue
            seen.add(folder)
            version = versions.get(folder)
            if version is not None:
                found.add(version)
                if len(found) == len(distinct):
                    break
        return found

    def reanalyse(self, paths: Iterable[str | Path]) -> Update:
        """Re-analyse after these paths (relative to the root, or absolute) changed."""
        absolute = [p if Path(p).is_absolute() else self.root / p for p in paths]
        return self.project.update(absolute)

    # -- fixes -------------------------------------------------------------------------

    def _jobs(self, paths: Iterable[str]) -> dict[str, PackageJob]:
        """Package jobs for the folders of `paths`, from what the project knows now."""
        from leakscope.core.analysis import PackageJob

        folders = {posixpath.dirname(p) for p in paths}
        jobs = {}
        rules = self.project.rules
        for folder in folders:
            files = tuple(sorted(p for p in self.results if posixpath.dirname(p) == folder))
            version = (
                self.project.versions.get(folder)
                or self.config.go_version
                or self._modules.module_for(self.root / folder).version
            )
            jobs[folder] = PackageJob(str(self.root), folder, files, version, rules)
        return jobs

    def _check_fresh(self, paths: Iterable[str]) -> None:
        """Refuse (and re-analyse) when a file changed on disk since its findings were made."""
        from leakscope.core.analysis import content_hash
        from leakscope.core.fixes import FixError

        stale = []
        for path in sorted(set(paths)):
            known = self.results.get(path)
            try:
                data = (self.root / path).read_bytes()
            except FileNotFoundError:
                self.reanalyse([path])
                raise FixError(f"{path}: the file was deleted; its findings are gone") from None
            except OSError as exc:
                raise FixError(f"{path}: cannot read: {exc.strerror}") from exc
            if known is None or known.content_hash != content_hash(data):
                stale.append(path)
        if stale:
            self.reanalyse(stale)
            raise FixError(
                f"{stale[0]}: the file changed since it was analysed; "
                "its findings are up to date now, try again"
            )

    def plan(self, findings: list[Finding], applicability: Applicability) -> list[FileChange]:
        """The changes that would apply these findings' fixes (nothing is written)."""
        paths = sorted({f.path for f in findings})
        self._check_fresh(paths)
        # Fixes of a live re-analysis are checked now, before they are planned.
        self.project.check_fixes(paths)
        results = [self.results[p] for p in paths if p in self.results]
        from leakscope.core.fixes import plan_checked_fixes

        return plan_checked_fixes(
            self.root,
            results,
            self._jobs(paths),
            applicability,
            only={f.fingerprint for f in findings},
            toolchain=self.toolchain,
        )

    @functools.cached_property
    def toolchain(self) -> Toolchain | None:
        """The Go toolchain that proves fixes (found once), or None: fixes are unverified."""
        from leakscope.core.verify import find_toolchain

        return find_toolchain()

    def apply(self, title: str, changes: list[FileChange], *, force: bool = False) -> Applied:
        """Write planned changes, remember them for undo, re-analyse the files.

        A read-only or hard-linked file is refused (NeedsForce, naming each, before anything
        is written) unless `force`: the app asks first, as `fix` needs --force. Holds the
        root's fix lock while writing (a running `leakscope fix` makes it a FixError)."""
        from leakscope.core.fixes import (
            FixError,
            NeedsForce,
            fix_lock,
            write_change,
            write_refusal,
        )

        changes = [c for c in changes if c.changed]
        if not force:
            refusals = [
                f"{c.path}: {why}" for c in changes if (why := write_refusal(self.root, c.path))
            ]
            if refusals:
                raise NeedsForce("; ".join(refusals))
        written: list[FileChange] = []
        error: FixError | None = None
        with fix_lock(self.root, wait=False):
            for change in changes:
                try:
                    write_change(self.root, change, force=force)
                except FixError as exc:
                    error = exc
                    break
                written.append(change)
        if written:
            self.undo_stack.append(UndoEntry(title, written, force))
            self.reanalyse([c.path for c in written])
        if error is not None:
            if written:
                raise FixError(f"{error} (other files were fixed; u undoes them)")
            raise error
        skipped = [s for c in written for s in c.skipped]
        return Applied(title, written, skipped)

    def fix(
        self,
        findings: list[Finding],
        applicability: Applicability,
        title: str,
        *,
        unverified: bool = False,
    ) -> Applied:
        """Plan, prove and write; refuses what does not compile, and unverified changes
        unless `unverified` (the app asks the user first)."""
        from leakscope.core.fixes import FixError, FixPlan

        plan = FixPlan(findings, self.plan(findings, applicability), title)
        if not plan.writable:
            why = plan.skipped[0][1] if plan.skipped else "the fix no longer applies"
            raise FixError(f"nothing to change: {why}")
        if not plan.verified and not unverified:
            raise FixError(f"not applied: the fix is {plan.proof_text}")
        return self.apply(title, plan.writable)

    def undo(self) -> UndoEntry:
        """Revert the last applied action; refuse when a file changed after it."""
        from leakscope.core.analysis import content_hash
        from leakscope.core.fixes import FixError, fix_lock

        if not self.undo_stack:
            raise FixError("nothing to undo")
        entry = self.undo_stack[-1]
        for change in entry.changes:
            try:
                current = (self.root / change.path).read_bytes()
            except OSError:
                current = None
            if current is None or content_hash(current) != content_hash(change.after):
                self.undo_stack.pop()
                raise FixError(
                    f"cannot undo '{entry.title}': {change.path} changed after it "
                    "(dropped from the undo list)"
                )
        with fix_lock(self.root, wait=False):
            self._undo_all(entry)
        self.undo_stack.pop()
        self.reanalyse([c.path for c in entry.changes])
        return entry

    def _undo_all(self, entry: UndoEntry) -> None:
        """Revert every file of `entry` or none: when one write fails, the files already
        reverted get the entry's changes back and the entry stays on the stack."""
        from leakscope.core.fixes import FixError, undo_change, write_change

        undone: list[FileChange] = []
        for change in reversed(entry.changes):
            try:
                undo_change(self.root, change, force=entry.force)
            except FixError as exc:
                failed = exc
                break
            undone.append(change)
        else:
            return
        lost = []
        for change in undone:
            try:
                write_change(self.root, change, force=entry.force)
            except FixError as exc:
                lost.append(str(exc))
        if undone:
            self.reanalyse([c.path for c in undone])
        if lost:
            raise FixError(
                f"cannot undo '{entry.title}': {failed}; and could not put back "
                f"{'; '.join(lost)}: the change is half undone"
            )
        raise FixError(
            f"cannot undo '{entry.title}': {failed}; nothing was undone "
            "(it stays on the undo list: u tries again)"
        )

    # -- ignore comments ---------------------------------------------------------------

    def plan_ignore(self, finding: Finding, reason: str) -> FileChange:
        """A change inserting `//leakscope:ignore RULE reason` on the line above the finding."""
        from leakscope.core.fixes import FileChange, FixError
        from leakscope.core.syntax import error_count, parse

        reason = " ".join(reason.split())
        if not reason:
            raise FixError("an ignore comment needs a reason")
        self._check_fresh([finding.path])
        before = (self.root / finding.path).read_bytes()
        line_start = _line_start(before, finding.line)
        line_end = before.find(b"\n", line_start)
        line = before[line_start : len(before) if line_end == -1 else line_end]
        indent = line[: len(line) - len(line.lstrip(b" \t"))]
        if line.startswith(b"\xef\xbb\xbf"):
            indent = b""
        newline = b"\r\n" if b"\r\n" in before else b"\n"
        comment = f"{IGNORE_PREFIX} {finding.rule} {reason}".encode()
        insert_at = line_start + (
            3 if before.startswith(b"\xef\xbb\xbf") and line_start == 0 else 0
        )
        after = before[:insert_at] + indent + comment + newline + before[insert_at:]
        if error_count(parse(after)) > error_count(parse(before)):
            raise FixError(
                f"{finding.path}:{finding.line}: a comment cannot go above this line "
                "(it starts inside a multi-line literal)"
            )
        return FileChange(finding.path, before, after, applied=[finding])

    def ignore(self, finding: Finding, reason: str) -> Applied:
        change = self.plan_ignore(finding, reason)
        return self.apply(f"ignore {finding.rule} at {finding.path}:{finding.line}", [change])


def _line_start(source: bytes, line: int) -> int:
    pos = 0
    for _ in range(line - 1):
        nxt = source.find(b"\n", pos)
        if nxt == -1:
            return len(source)
        pos = nxt + 1
    return pos
