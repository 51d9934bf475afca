"""A live model of a project's findings that follows file changes incrementally.

`Project.update(paths)` re-analyses only what changed: the changed files, plus the other files
of the same package when a changed file's package-level declarations changed (a new package
variable can create a finding in a sibling file). Unchanged contents are recognised by hash, so
leakscope's own writes, already analysed by whoever wrote them, are not analysed twice.
Recently edited packages keep their files' trees, so the next edit re-parses incrementally
and the rules that look across the package's files see them all (the findings after an edit
are those of a full scan). An edit inside one function's body is re-analysed in focus: the
rules look again at that function and at the functions tied to it by name, and the file's
other findings are kept, moved (`analysis.plan_focus`; it needs the file's last live
analysis, which `prepare` makes for the file the user looks at).

The live path never checks fixes: findings come back with `fix_pending` and their fixes are
checked by `check_fixes` (on preview and apply, or by an idle worker), cached by content.
A changed file is analysed first; the other files of its package, whose findings may depend on
it, follow in `settle` (the watch loop calls it right after showing the first update).
"""

from __future__ import annotations

import dataclasses
import posixpath
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tree_sitter import Point, Tree

from leakscope.core import package_files
from leakscope.core import rules as registry
from leakscope.core.analysis import (
    FileResult,
    FileStatus,
    FocusPlan,
    PackageJob,
    ParsedFile,
    PendingFixes,
    RawFinding,
    analyse_file,
    check_pending,
    content_hash,
    edit_between,
    is_generated,
    mask_bom,
    plan_focus,
)
from leakscope.core.config import CONFIG_FILE_NAMES, Config, ConfigError, load_config
from leakscope.core.discovery import discover, relative
from leakscope.core.engine import ScanResult, enabled_rules, scan
from leakscope.core.gomod import ModuleFinder
from leakscope.core.index import FileSummary, PackageIndex, summarize_file
from leakscope.core.model import Finding
from leakscope.core.syntax import error_count, nesting_problem, parse, source_problem

# The sources and trees of recently edited packages are kept (about 30x the source in memory):
# the next edit re-parses incrementally, and the package's other files are at hand for the
# rules that look across files, without reading and parsing them again.
KEEP_SOURCE_BYTES = 3 * 1024 * 1024
# From this many changed files on (a branch switch), re-scan their folders with the process
# pool and the result cache instead of analysing file by file in this thread.
BURST_FILES = 200
# The rules' state (the retention summaries) of this many recently analysed packages is kept
# for their next analysis, which reuses what the files that did not change gave.
KEEP_PACKAGE_STATES = 8


@dataclass
class Update:
    """What one batch of changes did to the findings."""

    added: list[Finding] = field(default_factory=list)
    removed: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # files whose results were replaced or dropped
    analysed: int = 0  # files actually parsed and analysed
    full_rescan: bool = False
    error: str = ""  # e.g. the config file became invalid: the old findings stay

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.files or self.error)


def _summary_shape(summary: FileSummary) -> object:
    """A summary without byte positions: equal shapes mean siblings' findings cannot change."""

    def strip(infos: dict) -> tuple:
        return tuple(sorted((k, v.type, v.value) for k, v in infos.items()))

    return (
        summary.package,
        strip(summary.vars),
        strip(summary.consts),
        tuple(sorted(summary.types.items())),
        tuple(sorted(summary.funcs.items())),
        tuple(sorted(summary.methods.items())),
        tuple(sorted(summary.interface_methods.items())),
    )


def _point(source: bytes, offset: int) -> Point:
    row = source.count(b"\n", 0, offset)
    return Point(row, offset - (source.rfind(b"\n", 0, offset) + 1))


class Project:
    """Findings of a project kept current with `update`; thread-safe for one writer."""

    def __init__(self, root: Path, config: Config | None = None, *, use_cache: bool = True) -> None:
        self.root = root.resolve()
        self.config = (
            config if config is not None else load_config(self.root, list(registry.names()))
        )
        self.use_cache = use_cache
        self.results: dict[str, FileResult] = {}
        self.summaries: dict[str, FileSummary] = {}
        self.versions: dict[str, tuple[int, int]] = {}  # folder -> go version
        # rel -> (source, tree) of the files of recently edited packages, oldest first.
        self._files: OrderedDict[str, tuple[bytes, Tree]] = OrderedDict()
        # rel -> what checking its pending fixes needs (only for its current content).
        self._pending: dict[str, PendingFixes] = {}
        # rel -> the source of its last live analysis, the rules run and their raw findings
        # (what the next edit's focused re-analysis keeps of the file).
        self._raw: dict[str, tuple[bytes, tuple[str, ...], list[RawFinding]]] = {}
        # (folder, package) -> the rules' state of its last live analysis, most recent last
        # (see `package_files.attached`).
        self._states: OrderedDict[tuple[str, str], dict[str, object]] = OrderedDict()
        # Folders whose other files wait for `settle`.
        self._unsettled: set[str] = set()
        self._modules = ModuleFinder()
        self._lock = threading.RLock()  # update -> _reload -> scan -> load re-enters
        self.focused = 0  # how many live re-analyses were focused (for tests and benchmarks)
        self._updating = 0  # updates running or waiting for the lock

    # -- whole-project scans -------------------------------------------------------------

    def load(self, result: ScanResult) -> None:
        """Take the results of a full scan (e.g. the one the app ran at start)."""
        with self._lock:
            self.results = {r.path: r for r in result.files}
            self.versions = dict(result.go_versions)
            self.summaries.clear()
            self._files.clear()
            self._pending.clear()
            self._raw.clear()
            self._states.clear()
            self._unsettled.clear()

    def scan(self) -> ScanResult:
        result = scan(self.root, self.config, use_cache=self.use_cache)
        self.load(result)
        return result

    @property
    def findings(self) -> list[Finding]:
        out = [f for r in self.results.values() for f in r.findings]
        out.sort(key=lambda f: f.sort_key)
        return out

    @property
    def rules(self) -> tuple[str, ...]:
        return enabled_rules(self.config)

    # -- incremental updates -------------------------------------------------------------

    def update(self, paths: Iterable[Path | str], *, settle: bool = True) -> Update:
        """Re-analyse after the given paths changed (created, modified, deleted, renamed).

        With `settle` False only the changed files are analysed (unless a package-level
        declaration changed): the other files of their packages wait for `settle()`.
        A stepwise `check_fixes` running meanwhile stops at its next fix (updates first).
        """
        self._updating += 1
        try:
            with self._lock:
                update = self._update([Path(p) for p in paths], settle)
        finally:
            self._updating -= 1
        if settle and self._unsettled:
            more = self.settle()
            update.added = _merge(update.added, more.added, more.removed)
            update.removed = _merge(update.removed, more.removed, more.added)
            update.files = sorted({*update.files, *more.files})
            update.analysed += more.analysed
        return update

    @property
    def unsettled(self) -> bool:
        return bool(self._unsettled)

    def settle(self) -> Update:
        """Re-analyse the other files of the packages an update touched (their findings may
        depend on the changed files: a caller, an append to a field)."""
        with self._lock:
            folders, self._unsettled = sorted(self._unsettled), set()
            before = self._fingerprints()
            analysed, files = 0, []
            for folder in folders:
                members = [r for r in self.results if posixpath.dirname(r) == folder]
                old = {r: self.results[r].findings for r in members}
                done = self._analyse_folder(folder, members, set(), set(members), False)
                analysed += len(done)
                # Only the files whose findings changed are news.
                files.extend(r for r in done if _shown(self.results[r].findings) != _shown(old[r]))
            update = self._diff(before, files, analysed)
            if not update.files:
                update.analysed = 0
            return update

    def prepare(self, rel: str) -> bool:
        """Make the next edit of `rel` quick (the file the user looks at): parse its package
        and analyse it once as the live path does, so that an edit inside a function is
        re-analysed in focus. Nothing changes on screen (same content, same findings; the
        checked fixes are kept). Does nothing when done already or when the file changed
        since it was analysed (the watcher brings that). Returns whether it analysed."""
        with self._lock:
            known = self.results.get(rel)
            if known is None or rel in self._raw or known.status is not FileStatus.OK:
                return False
            read = self._read(rel)
            if read is None or read[1] != known.content_hash:
                return False
            folder = posixpath.dirname(rel)
            members = sorted(r for r in self.results if posixpath.dirname(r) == folder)
            unsettled = folder in self._unsettled
            self._analyse_folder(folder, members, set(), {rel}, False, settle=False)
            if not unsettled:
                self._unsettled.discard(folder)  # (the other files did not change)
            return True

    def _fingerprints(self) -> dict[str, Finding]:
        return {f.fingerprint: f for r in self.results.values() for f in r.findings}

    def _diff(self, before: dict[str, Finding], files: Iterable[str], analysed: int) -> Update:
        after = self._fingerprints()
        return Update(
            added=sorted(
                (f for k, f in after.items() if k not in before), key=lambda f: f.sort_key
            ),
            removed=sorted(
                (f for k, f in before.items() if k not in after), key=lambda f: f.sort_key
            ),
            files=sorted(set(files)),
            analysed=analysed,
        )

    # -- fixes, checked lazily -----------------------------------------------------------

    def pending_fixes(self) -> list[str]:
        """Files whose findings carry fixes not checked yet (no lock: the UI asks it while
        an update may be running)."""
        return sorted(rel for rel in list(self._pending) if rel in self.results)

    def check_fixes(self, paths: Iterable[str] | None = None, *, limit: int = 0) -> Update:
        """Check the pending fixes of these files (all: None). `limit` > 0 checks at most that
        many fixes (an idle worker goes in small steps), and stops at the next fix when an
        `update` starts. The files whose findings changed are in the update's `files` (a fix
        found bad loses its fix mark)."""
        with self._lock:
            wanted = self._pending if paths is None else {p: None for p in paths}
            work = [(rel, self._pending[rel]) for rel in wanted if rel in self._pending]
        changed: list[str] = []
        budget = limit
        for rel, pending in work:
            with self._lock:
                result = self.results.get(rel)
                if result is None or result.content_hash != pending.digest:
                    self._pending.pop(rel, None)
                    continue
                findings = list(result.findings)
            done = True
            out = []
            for finding in findings:
                if finding.fix_pending and limit > 0 and self._updating:
                    done = False  # (an update waits: leave the rest for the next step)
                elif finding.fix_pending and (limit <= 0 or budget > 0):
                    budget -= 1
                    finding = check_pending(finding, pending)  # (outside the lock)
                elif finding.fix_pending:
                    done = False
                out.append(finding)
            with self._lock:
                if self.results.get(rel) is not result:
                    continue  # re-analysed meanwhile: its own pending entry stands
                self.results[rel] = dataclasses.replace(result, findings=out)
                if done:
                    self._pending.pop(rel, None)
                changed.append(rel)
            if limit > 0 and (budget <= 0 or self._updating):
                break
        return Update(files=changed)

    def _update(self, paths: list[Path], settle: bool) -> Update:
        names = {p.name for p in paths}
        if names & {*CONFIG_FILE_NAMES, ".gitignore"}:
            return self._reload()
        before = self._fingerprints()
        changed: set[str] = set()
        removed_files: set[str] = set()
        go_mod_dirs = [p.parent for p in paths if p.name == "go.mod"]
        if go_mod_dirs:
            self._modules.forget()
            for directory in go_mod_dirs:
                prefix = "" if directory.resolve() == self.root else relative(self.root, directory)
                changed.update(
                    rel for rel in self.results if not prefix or rel.startswith(prefix + "/")
                )
        included = self._included(paths)
        for path in paths:
            if path.suffix != ".go" and not path.is_dir():
                if not path.exists():  # a deleted folder: drop everything below it
                    prefix = relative(self.root, path) + "/"
                    removed_files.update(r for r in self.results if r.startswith(prefix))
                continue
            if path.is_dir():
                continue  # its files come through `included`
            rel = relative(self.root, path)
            if rel in included:
                changed.add(rel)
            elif rel in self.results:
                removed_files.add(rel)
        changed.update(r for r in included if r.endswith(".go"))
        changed -= removed_files
        for rel in removed_files:
            self._forget(rel)
        if len(changed) >= BURST_FILES:
            analysed = self._rescan_folders(changed)
        else:
            analysed = self._reanalyse(changed, removed_files, bool(go_mod_dirs), settle)
        return self._diff(before, changed | removed_files, analysed)

    def _forget(self, rel: str) -> None:
        self.results.pop(rel, None)
        self.summaries.pop(rel, None)
        self._files.pop(rel, None)
        self._pending.pop(rel, None)
        self._raw.pop(rel, None)

    def _included(self, paths: list[Path]) -> set[str]:
        """Relative paths of the Go files among (or below) `paths` that a scan would cover."""
        existing = [p for p in paths if p.exists()]
        if not existing:
            return set()
        found = discover(self.root, existing, self.config.exclude)
        return {relative(self.root, p) for p in found.files}

    def _reload(self) -> Update:
        before = {f.fingerprint: f for r in self.results.values() for f in r.findings}
        try:
            self.config = load_config(self.root, list(registry.names()))
        except ConfigError as exc:
            return Update(error=str(exc))
        self._modules.forget()
        self.scan()
        after = {f.fingerprint: f for r in self.results.values() for f in r.findings}
        return Update(
            added=[f for k, f in after.items() if k not in before],
            removed=[f for k, f in before.items() if k not in after],
            files=sorted(self.results),
            analysed=len(self.results),
            full_rescan=True,
        )

    def _rescan_folders(self, changed: set[str]) -> int:
        folders = sorted({posixpath.dirname(r) for r in changed})
        result = scan(
            self.root, self.config, paths=[self.root / f for f in folders], use_cache=self.use_cache
        )
        # A folder scan covers its subfolders too: only replace the folders asked for.
        fresh = {r.path: r for r in result.files if posixpath.dirname(r.path) in folders}
        for rel in [r for r in self.results if posixpath.dirname(r) in folders]:
            if rel not in fresh:
                self.results.pop(rel)
        for rel, file_result in fresh.items():
            self.results[rel] = file_result
            self.summaries.pop(rel, None)
            self._files.pop(rel, None)
            self._pending.pop(rel, None)
            self._raw.pop(rel, None)
        self.versions.update(result.go_versions)
        return len(fresh)

    def job(self, folder: str) -> PackageJob:
        """The analysis job for one folder as it is on disk now (for planning fixes)."""
        files = sorted(r for r in self.results if posixpath.dirname(r) == folder)
        return PackageJob(
            str(self.root),
            folder,
            tuple(files),
            self._version(folder),
            self.rules,
            self._modules.module_for(self.root / folder).build,
        )

    def _version(self, folder: str) -> tuple[int, int]:
        if self.config.go_version is not None:
            return self.config.go_version
        version = self._modules.module_for(self.root / folder).version
        self.versions[folder] = version
        return version

    def _read(self, rel: str) -> tuple[bytes, str] | None:
        try:
            raw = (self.root / rel).read_bytes()
        except OSError:
            return None
        return raw, content_hash(raw)

    def _parse(self, rel: str, source: bytes) -> Tree:
        """The tree of `source`, re-parsed incrementally from the kept tree of the file."""
        kept = self._files.pop(rel, None)
        if kept is None:
            tree = parse(source)
        elif kept[0] == source:
            tree = kept[1]
        else:
            old_source, kept_tree = kept
            # (A copy: a pending fix check may still read the old tree.)
            old_tree = kept_tree.copy()
            start, old_end, new_end = edit_between(old_source, source)
            old_tree.edit(
                start_byte=start,
                old_end_byte=old_end,
                new_end_byte=new_end,
                start_point=_point(old_source, start),
                old_end_point=_point(old_source, old_end),
                new_end_point=_point(source, new_end),
            )
            tree = parse(source, old_tree)
            if tree.root_node.has_error:
                # (Error recovery of an incremental parse may shape the broken part
                # otherwise than a fresh parse does: the findings of a scan must not
                # depend on the edits that led to the text.)
                tree = parse(source)
        self._files[rel] = (source, tree)
        return tree

    def _trim_files(self, keep: set[str]) -> None:
        """Drop the oldest kept trees beyond KEEP_SOURCE_BYTES (never those in `keep`)."""
        size = sum(len(source) for source, _ in self._files.values())
        for rel in list(self._files):
            if size <= KEEP_SOURCE_BYTES:
                break
            if rel in keep:
                continue
            size -= len(self._files.pop(rel)[0])
            self._raw.pop(rel, None)
        # The summaries kept of a package hold its trees: not beyond the trees kept.
        folders = {posixpath.dirname(rel) for rel in self._files}
        for key in [key for key in self._states if key[0] not in folders]:
            del self._states[key]

    def _reanalyse(self, changed: set[str], removed: set[str], force: bool, settle: bool) -> int:
        folders = {posixpath.dirname(r) for r in changed | removed}
        analysed = 0
        for folder in sorted(folders):
            members = sorted(
                r
                for r in set(self.results) | changed
                if posixpath.dirname(r) == folder and r not in removed
            )
            shape_changed = any(posixpath.dirname(r) == folder for r in removed)
            analysed += len(
                self._analyse_folder(
                    folder,
                    members,
                    changed,
                    set(),
                    force,
                    shape_changed=shape_changed,
                    settle=settle,
                )
            )
        return analysed

    def _analyse_folder(
        self,
        folder: str,
        members: list[str],
        changed: set[str],
        also: set[str],
        force: bool,
        *,
        shape_changed: bool = False,
        settle: bool = True,
    ) -> list[str]:
        """Analyse the changed files of one folder (and `also`), with every file of their
        package parsed and attached; returns the files analysed. A changed package-level
        declaration, or `settle`, analyses the package's other files too; otherwise they
        are left to `settle()`."""
        files: dict[str, ParsedFile] = {}
        targets: set[str] = set(also)
        # The former source and tree of each changed file (for a focused re-analysis).
        previous: dict[str, tuple[bytes, Tree]] = {}
        for rel in members:
            mine = rel in changed
            kept = self._files.get(rel)
            known = self.results.get(rel)
            if mine or kept is None:
                read = self._read(rel)
                if read is None:
                    self._forget(rel)
                    continue
                raw, digest = read
            else:
                raw, digest = kept[0], known.content_hash if known is not None else ""
            if (
                mine
                and not force
                and known is not None
                and known.content_hash == digest
                and rel in self.summaries
            ):
                mine = False  # our own write, or a touch: already analysed
            fresh = mine or kept is None
            source = mask_bom(raw) if fresh else raw
            if mine and kept is not None:
                previous[rel] = kept
            if fresh and is_generated(source):
                self.results[rel] = FileResult(rel, FileStatus.GENERATED, content_hash=digest)
                self.summaries.pop(rel, None)
                self._files.pop(rel, None)
                continue
            problem = source_problem(source) if fresh else None
            tree = self._parse(rel, source) if problem is None else None
            if tree is not None and fresh:
                problem = nesting_problem(tree)
            summary = self.summaries.get(rel)
            if problem is None and (summary is None or mine):
                try:
                    summary = summarize_file(rel, tree)
                except RecursionError:
                    problem = "nested too deeply to analyse"
            if problem is not None or tree is None or summary is None:
                # Not Go, or nested too deeply: reported, not analysed (as a scan does).
                status = FileStatus.PARTIAL if tree is None else FileStatus.UNREADABLE
                self.results[rel] = FileResult(
                    rel, status, content_hash=digest, size=len(raw), error=problem
                )
                self.summaries.pop(rel, None)
                self._files.pop(rel, None)
                continue
            if summary is not self.summaries.get(rel):
                old = self.summaries.get(rel)
                if mine and (old is None or _summary_shape(old) != _summary_shape(summary)):
                    shape_changed = True
                self.summaries[rel] = summary
            else:
                self._files.move_to_end(rel)
            if known is not None and not digest:
                digest = known.content_hash
            files[rel] = ParsedFile(rel, source, tree, summary, error_count(tree), digest)
            if mine or (force and rel in changed):
                targets.add(rel)
        if shape_changed or (settle and targets):
            targets = set(files)
        elif targets and len(files) > len(targets):
            self._unsettled.add(folder)
        if not targets:
            self._trim_files(set(files))
            return []
        # (The rules are imported on first use: start-up does not need them.)
        by_name = registry.RULES_BY_NAME
        rules = [by_name[n] for n in self.rules if n in by_name]
        version = self._version(folder)
        build = self._modules.module_for(self.root / folder).build
        by_package: dict[str, list[ParsedFile]] = {}
        for pf in files.values():
            by_package.setdefault(pf.summary.package, []).append(pf)
        done = []
        for name, package in by_package.items():
            index = PackageIndex([pf.summary for pf in package])
            files_by_path = {pf.path: (pf.source, pf.tree) for pf in package}
            kept = self._package_state(folder, name, fresh=shape_changed)
            every = all(pf.path in targets for pf in package)
            with package_files.attached(index, files_by_path, kept, every=every):
                for pf in package:
                    if pf.path not in targets:
                        continue
                    pending: dict[str, PendingFixes] = {}
                    plan = None
                    if not shape_changed and pf.path in previous:
                        plan = self._plan(pf, previous[pf.path], index)
                    raw: list[RawFinding] = []
                    result = analyse_file(
                        pf,
                        index,
                        version,
                        rules,
                        build=build,
                        defer_checks=pending,
                        focus=plan.focus if plan is not None else None,
                        keep=plan.keep if plan is not None else (),
                        raw=raw,
                    )
                    self._take(result, pending.get(pf.path))
                    self._raw[pf.path] = (pf.source, self.rules, raw)
                    self.focused += plan is not None
                    done.append(pf.path)
        self._trim_files(set(files))
        return done

    def _package_state(self, folder: str, package: str, *, fresh: bool) -> dict[str, object]:
        """The rules' state kept for a package's next analysis. Only while its files'
        summaries keep their shape (`fresh` otherwise: a declaration changed), which is what
        the summaries of the functions in its unchanged files may depend on besides those
        files."""
        key = (folder, package)
        kept = self._states.pop(key, None)
        if kept is None or fresh:
            kept = {}
        self._states[key] = kept
        while len(self._states) > KEEP_PACKAGE_STATES:
            self._states.popitem(last=False)
        return kept

    def _plan(
        self, pf: ParsedFile, previous: tuple[bytes, Tree], index: PackageIndex
    ) -> FocusPlan | None:
        """How to re-analyse a changed file from its last live analysis (see `plan_focus`),
        or None when it needs a full one."""
        entry = self._raw.get(pf.path)
        known = self.results.get(pf.path)
        if entry is None or known is None or previous[0] == pf.source:
            return None
        source, rules, raw = entry
        if source != previous[0] or rules != self.rules:
            return None
        if known.status is not FileStatus.OK or known.internal_errors:
            return None
        pending = self._pending.get(pf.path)
        if pending is not None and pending.digest != known.content_hash:
            pending = None
        return plan_focus(
            previous[0], previous[1], pf.source, pf.tree, index, raw, known.findings, pending
        )

    def _take(self, result: FileResult, pending: PendingFixes | None) -> None:
        """Store a live result; fixes checked before for the same content and the same
        finding are not checked again."""
        old = self.results.get(result.path)
        if pending is not None and old is not None and old.content_hash == result.content_hash:
            checked = {f.fingerprint: f for f in old.findings if not f.fix_pending}
            findings = []
            for finding in result.findings:
                known = checked.get(finding.fingerprint)
                if finding.fix_pending and known is not None and _same_fix(finding, known):
                    finding = dataclasses.replace(
                        finding,
                        fix=known.fix,
                        no_fix_reason=known.no_fix_reason,
                        fix_pending=False,
                    )
                findings.append(finding)
            result = dataclasses.replace(result, findings=findings)
        self.results[result.path] = result
        if pending is not None and any(f.fix_pending for f in result.findings):
            self._pending[result.path] = pending
        else:
            self._pending.pop(result.path, None)

    def replace_result(self, result: FileResult) -> None:
        with self._lock:
            self.results[result.path] = dataclasses.replace(result)


def _same_fix(new: Finding, checked: Finding) -> bool:
    """Whether a checked finding's verdict holds for the new one: the same fix was kept,
    or no fix was (the check refused it)."""
    if checked.fix is not None:
        return new.fix == checked.fix
    return (checked.no_fix_reason or "").startswith("no automatic fix: ")


def _merge(first: list[Finding], more: list[Finding], undone: list[Finding]) -> list[Finding]:
    """`first` plus `more`, without what `undone` takes back (by fingerprint), sorted."""
    gone = {f.fingerprint for f in undone}
    out = {f.fingerprint: f for f in first if f.fingerprint not in gone}
    out.update((f.fingerprint, f) for f in more)
    return sorted(out.values(), key=lambda f: f.sort_key)


def _shown(findings: list[Finding]) -> list[tuple[object, ...]]:
    """What the app shows of findings (a fix pending or checked looks the same)."""
    return [(f.fingerprint, f.span, f.message, f.severity, f.fix is not None) for f in findings]
