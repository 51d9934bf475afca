"""A live model of a project's findings that follows file changes incrementally.

`Project.update(paths)` re-analyses only what changed: the changed files, plus the other files
of the same package when a changed file's package-level declarations changed (a new package
variable can create a finding in a sibling file). Unchanged contents are recognised by hash, so
leakscope's own writes, already analysed by whoever wrote them, are not analysed twice.
Recently edited files keep their tree so the next edit re-parses incrementally.
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

from leakscope.core.analysis import (
    FileResult,
    FileStatus,
    PackageJob,
    ParsedFile,
    analyse_file,
    content_hash,
    is_generated,
    mask_bom,
)
from leakscope.core.config import CONFIG_FILE_NAMES, Config, ConfigError, load_config
from leakscope.core.discovery import discover, relative
from leakscope.core.engine import ScanResult, enabled_rules, scan
from leakscope.core.gomod import ModuleFinder
from leakscope.core.index import FileSummary, PackageIndex, summarize_file
from leakscope.core.model import Finding
from leakscope.core.rules import RULES_BY_NAME
from leakscope.core.syntax import error_count, parse

KEEP_TREES = 16
# From this many changed files on (a branch switch), re-scan their folders with the process
# pool and the result cache instead of analysing file by file in this thread.
BURST_FILES = 200


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
    )


def _edit_between(old: bytes, new: bytes) -> tuple[int, int, int]:
    """The single edit turning old into new: (start, old_end, new_end) byte offsets."""
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    old_end, new_end = len(old), len(new)
    while old_end > start and new_end > start and old[old_end - 1] == new[new_end - 1]:
        old_end -= 1
        new_end -= 1
    return start, old_end, new_end


def _point(source: bytes, offset: int) -> Point:
    row = source.count(b"\n", 0, offset)
    return Point(row, offset - (source.rfind(b"\n", 0, offset) + 1))


class Project:
    """Findings of a project kept current with `update`; thread-safe for one writer."""

    def __init__(self, root: Path, config: Config | None = None, *, use_cache: bool = True) -> None:
        self.root = root.resolve()
        self.config = config if config is not None else load_config(self.root, list(RULES_BY_NAME))
        self.use_cache = use_cache
        self.results: dict[str, FileResult] = {}
        self.summaries: dict[str, FileSummary] = {}
        self.versions: dict[str, tuple[int, int]] = {}  # folder -> go version
        self._trees: OrderedDict[str, tuple[bytes, Tree]] = OrderedDict()
        self._modules = ModuleFinder()
        self._lock = threading.RLock()  # update -> _reload -> scan -> load re-enters

    # -- whole-project scans -------------------------------------------------------------

    def load(self, result: ScanResult) -> None:
        """Take the results of a full scan (e.g. the one the app ran at start)."""
        with self._lock:
            self.results = {r.path: r for r in result.files}
            self.versions = dict(result.go_versions)
            self.summaries.clear()
            self._trees.clear()

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

    def update(self, paths: Iterable[Path | str]) -> Update:
        """Re-analyse after the given paths changed (created, modified, deleted, renamed)."""
        with self._lock:
            return self._update([Path(p) for p in paths])

    def _update(self, paths: list[Path]) -> Update:
        names = {p.name for p in paths}
        if names & {*CONFIG_FILE_NAMES, ".gitignore"}:
            return self._reload()
        before = {f.fingerprint: f for r in self.results.values() for f in r.findings}
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
            self.results.pop(rel, None)
            self.summaries.pop(rel, None)
            self._trees.pop(rel, None)
        if len(changed) >= BURST_FILES:
            analysed = self._rescan_folders(changed)
        else:
            analysed = self._reanalyse(changed, removed_files, force=bool(go_mod_dirs))
        after = {f.fingerprint: f for r in self.results.values() for f in r.findings}
        return Update(
            added=sorted(
                (f for k, f in after.items() if k not in before), key=lambda f: f.sort_key
            ),
            removed=sorted(
                (f for k, f in before.items() if k not in after), key=lambda f: f.sort_key
            ),
            files=sorted(changed | removed_files),
            analysed=analysed,
        )

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
            self.config = load_config(self.root, list(RULES_BY_NAME))
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
            self._trees.pop(rel, None)
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
        kept = self._trees.pop(rel, None)
        if kept is None:
            tree = parse(source)
        else:
            old_source, old_tree = kept
            start, old_end, new_end = _edit_between(old_source, source)
            old_tree.edit(
                start_byte=start,
                old_end_byte=old_end,
                new_end_byte=new_end,
                start_point=_point(old_source, start),
                old_end_point=_point(old_source, old_end),
                new_end_point=_point(source, new_end),
            )
            tree = parse(source, old_tree)
        self._trees[rel] = (source, tree)
        while len(self._trees) > KEEP_TREES:
            self._trees.popitem(last=False)
        return tree

    def _reanalyse(self, changed: set[str], removed: set[str], force: bool) -> int:
        rules = [RULES_BY_NAME[n] for n in self.rules if n in RULES_BY_NAME]
        folders = {posixpath.dirname(r) for r in changed | removed}
        analysed = 0
        for folder in sorted(folders):
            members = sorted(
                r for r in set(self.results) | changed if posixpath.dirname(r) == folder
            )
            members = [r for r in members if r not in removed]
            parsed: dict[str, ParsedFile] = {}
            shape_changed = any(posixpath.dirname(r) == folder for r in removed)
            for rel in members:
                if rel not in changed and rel in self.summaries:
                    continue
                read = self._read(rel)
                if read is None:
                    self.results.pop(rel, None)
                    self.summaries.pop(rel, None)
                    continue
                raw, digest = read
                known = self.results.get(rel)
                if (
                    rel in changed
                    and not force
                    and known is not None
                    and known.content_hash == digest
                ) and rel in self.summaries:
                    continue  # our own write, or a touch: already analysed
                source = mask_bom(raw)
                if is_generated(source):
                    self.results[rel] = FileResult(rel, FileStatus.GENERATED, content_hash=digest)
                    self.summaries.pop(rel, None)
                    continue
                tree = self._parse(rel, source) if rel in changed else parse(source)
                summary = summarize_file(rel, tree)
                old = self.summaries.get(rel)
                if rel in changed and (
                    old is None or _summary_shape(old) != _summary_shape(summary)
                ):
                    shape_changed = True
                self.summaries[rel] = summary
                parsed[rel] = ParsedFile(rel, source, tree, summary, error_count(tree), digest)
            targets = [r for r in members if r in parsed and (r in changed or force)]
            if shape_changed:
                targets = [r for r in members if r in self.summaries]
            if not targets:
                continue
            version = self._version(folder)
            build = self._modules.module_for(self.root / folder).build
            for rel in targets:
                pf = parsed.get(rel)
                if pf is None:
                    read = self._read(rel)
                    if read is None:
                        continue
                    raw, digest = read
                    source = mask_bom(raw)
                    tree = parse(source)
                    pf = ParsedFile(
                        rel, source, tree, self.summaries[rel], error_count(tree), digest
                    )
                package = pf.summary.package
                index = PackageIndex(
                    [
                        s
                        for r, s in self.summaries.items()
                        if posixpath.dirname(r) == folder and s.package == package
                    ]
                )
                self.results[rel] = analyse_file(pf, index, version, rules, build=build)
                analysed += 1
        return analysed

    def replace_result(self, result: FileResult) -> None:
        with self._lock:
            self.results[result.path] = dataclasses.replace(result)
