"""Scanning a project: discovery, Go versions, the process pool and the result cache.

Work is split by folder (a Go package), because rules need the whole package's index; big
scans run the packages in a pool of processes, small ones in this process (a pool costs more
than it saves below a few hundred kilobytes).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from leakscope.core import rules as registry
from leakscope.core.analysis import FileResult, PackageJob, analyse_package
from leakscope.core.cache import ResultCache
from leakscope.core.config import Config
from leakscope.core.discovery import discover, relative
from leakscope.core.gomod import ModuleFinder
from leakscope.core.model import Finding

PARALLEL_MIN_BYTES = 512 * 1024
# How much lower the CPU priority of a background scan's workers is (see iter_scan).
BACKGROUND_NICE = 10
BATCH_BYTES = 1024 * 1024
# About how much source one pool worker analyses before it makes way for a fresh one.
GENERATION_BYTES = 8 * 1024 * 1024


def __getattr__(name: str) -> object:
    if name == "RULES":  # (the registry imports the rules on first use)
        return registry.RULES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class ScanResult:
    root: Path
    files: list[FileResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # folders that could not be read
    jobs: dict[str, PackageJob] = field(default_factory=dict)  # folder ("" for the root) -> job

    @property
    def go_versions(self) -> dict[str, tuple[int, int]]:
        return {folder: job.go_version for folder, job in self.jobs.items()}

    @property
    def findings(self) -> list[Finding]:
        out = [f for r in self.files for f in r.findings]
        out.sort(key=lambda f: f.sort_key)
        return out


@dataclass(frozen=True)
class Progress:
    done_files: int
    total_files: int
    batch: list[FileResult]


def enabled_rules(
    config: Config, select: Iterable[str] = (), ignore: Iterable[str] = ()
) -> tuple[str, ...]:
    chosen = list(registry.names())
    select = list(select) or list(config.select)
    ignore = [*config.ignore, *ignore]
    if select:
        chosen = [r for r in chosen if r in select]
    return tuple(r for r in chosen if r not in ignore)


def plan_jobs(
    root: Path, files: list[Path], config: Config, rules: tuple[str, ...], modules: ModuleFinder
) -> list[PackageJob]:
    by_dir: dict[str, list[str]] = {}
    for path in files:
        by_dir.setdefault(os.path.dirname(path), []).append(relative(root, path))
    jobs = []
    for directory, rels in sorted((Path(d), r) for d, r in by_dir.items()):
        module = modules.module_for(directory)
        version = config.go_version or module.version
        folder = "" if directory == root else relative(root, directory)
        jobs.append(
            PackageJob(str(root), folder, tuple(sorted(rels)), version, rules, module.build)
        )
    return jobs


def iter_scan(
    root: Path,
    config: Config,
    *,
    paths: Iterable[Path] = (),
    rules: tuple[str, ...] | None = None,
    use_cache: bool = True,
    workers: int | None = None,
    result: ScanResult | None = None,
    verify_cache: bool = False,
    background: bool = False,
) -> Iterator[Progress]:
    """Scan and yield results package by package as they finish (for the UI's live tree).

    `verify_cache` hashes every file before a cached result is used, trusting no stat: what
    a scan that fixes will be planned from is then exactly the content on disk.
    `background` (the app): the pool's workers run at a lower CPU priority, so the process
    showing the results gets a core at once when a key comes.
    """
    root = root.resolve()
    result = result if result is not None else ScanResult(root)
    paths = [Path(p) for p in paths]
    found = discover(root, paths, config.exclude)
    result.problems.extend(found.problems)
    rules = rules if rules is not None else enabled_rules(config)
    modules = ModuleFinder(root)
    files = found.files
    # Scanning some files only: their packages' other files are still analysed (rules need the
    # whole package's index, as the compiler does) but not reported.
    wanted: set[str] | None = None
    if paths:
        wanted = {relative(root, f) for f in found.files}
        walked = [p.resolve() for p in paths if p.is_dir()]
        files = with_package_siblings(root, found.files, config.exclude, walked)
    jobs = plan_jobs(root, files, config, rules, modules)
    result.problems.extend(modules.problems)  # (go.mod files that could not be used)
    result.jobs.update((job.directory, job) for job in jobs)
    total = len(wanted) if wanted is not None else sum(len(j.files) for j in jobs)

    def shown(job: PackageJob, batch: list[FileResult]) -> tuple[int, list[FileResult]]:
        if wanted is None:
            return len(job.files), batch
        return sum(1 for f in job.files if f in wanted), [r for r in batch if r.path in wanted]

    cache = ResultCache.for_root(root, verify=verify_cache) if use_cache else None
    done = 0
    pending: list[PackageJob] = []
    for job, cached in cache.lookup(jobs) if cache is not None else ((j, None) for j in jobs):
        if cached is not None:
            count, batch = shown(job, cached)
            done += count
            result.files.extend(batch)
            yield Progress(done, total, batch)
        else:
            pending.append(job)
    for job, files in _run(root, pending, workers, nice=BACKGROUND_NICE if background else 0):
        if cache is not None:
            cache.store(job, files)
        count, batch = shown(job, files)
        done += count
        result.files.extend(batch)
        yield Progress(done, total, batch)
    if cache is not None:
        cache.save()
    result.files.sort(key=lambda r: r.path)


def with_package_siblings(
    root: Path, files: list[Path], exclude: Iterable[str], walked: Iterable[Path] = ()
) -> list[Path]:
    """`files` plus the other files of their folders that a full scan would cover, sorted.
    A folder inside one of `walked` (folders discovered whole) has them all already: only
    the folders of files named alone are walked again."""
    inside = tuple(f"{w}{os.sep}" for w in walked)
    directories = {d for d in {f.parent for f in files} if not f"{d}{os.sep}".startswith(inside)}
    if not directories:
        return sorted(files)
    siblings = discover(root, sorted(directories), exclude).files  # (a walk, no parsing)
    return sorted({*files, *(f for f in siblings if f.parent in directories)})


def scan(
    root: Path,
    config: Config,
    *,
    paths: Iterable[Path] = (),
    rules: tuple[str, ...] | None = None,
    use_cache: bool = True,
    workers: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    verify_cache: bool = False,
) -> ScanResult:
    result = ScanResult(root.resolve())
    for progress in iter_scan(
        root,
        config,
        paths=paths,
        rules=rules,
        use_cache=use_cache,
        workers=workers,
        result=result,
        verify_cache=verify_cache,
    ):
        if on_progress is not None:
            on_progress(progress)
    return result


def _batches(jobs: list[PackageJob], sizes: list[int]) -> list[tuple[int, list[PackageJob]]]:
    """Group small packages so each pool task carries about BATCH_BYTES of source:
    (bytes, jobs) per task."""
    batches: list[tuple[int, list[PackageJob]]] = []
    current: list[PackageJob] = []
    size = 0
    for job, job_size in zip(jobs, sizes, strict=True):
        current.append(job)
        size += job_size
        if size >= BATCH_BYTES:
            batches.append((size, current))
            current, size = [], 0
    if current:
        batches.append((size, current))
    return batches


def _job_size(root: str, job: PackageJob) -> int:
    size = 0
    for rel in job.files:
        with contextlib.suppress(OSError):
            size += os.stat(os.path.join(root, rel)).st_size
    return size


def _die_with_parent(parent: int, nice: int = 0) -> None:
    """Pool worker initializer: a worker never outlives the scan that started it, and runs
    `nice` steps below the parent's CPU priority.

    On Linux the kernel kills the worker when its parent dies (even by kill -9); elsewhere
    the pool's own shutdown is all there is.
    """
    if nice:
        with contextlib.suppress(OSError, AttributeError):
            os.nice(nice)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _analyse_batch(jobs: list[PackageJob]) -> list[tuple[PackageJob, list[FileResult]]]:
    return [(job, analyse_package(job)) for job in jobs]


def _run(
    root: Path, jobs: list[PackageJob], workers: int | None, *, nice: int = 0
) -> Iterator[tuple[PackageJob, list[FileResult]]]:
    if not jobs:
        return
    workers = workers or os.cpu_count() or 1
    sizes = [_job_size(str(root), job) for job in jobs]
    if workers <= 1 or sum(sizes) < PARALLEL_MIN_BYTES:
        for job in jobs:
            yield job, analyse_package(job)
        return
    # (Imported here: a run served from the cache never starts a pool.)
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    registry.RULES  # noqa: B018 (import the rules once, before the workers fork)
    # Biggest batches (in bytes) first so the pool does not end waiting on a straggler.
    batches = sorted(_batches(jobs, sizes), key=lambda batch: batch[0], reverse=True)
    # A worker's memory only grows: what Python and tree-sitter free between packages stays
    # in the process, fragmented (a std scan's workers grew past 150 MB). So the batches go
    # to pools of fresh workers in turns of about GENERATION_BYTES per worker; the next
    # pool starts once the current one has no batch left to start, so no core waits.
    turns: list[list[list[PackageJob]]] = [[]]
    size = 0
    for batch_size, batch in batches:
        if size >= GENERATION_BYTES * workers:
            turns.append([])
            size = 0
        turns[-1].append(batch)
        size += batch_size
    pools: list[ProcessPoolExecutor] = []
    running: dict[Future[list[tuple[PackageJob, list[FileResult]]]], int] = {}
    done = 0  # the pools before this one are shut down
    try:
        while turns or running:
            waiting = sum(1 for turn in running.values() if turn == len(pools) - 1)
            if turns and waiting <= workers:  # the current pool is about to run dry
                pool = ProcessPoolExecutor(
                    max_workers=workers,
                    initializer=_die_with_parent,
                    initargs=(os.getpid(), nice),
                )
                running.update((pool.submit(_analyse_batch, b), len(pools)) for b in turns.pop(0))
                pools.append(pool)
                continue
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                del running[future]
                yield from future.result()
            # A pool with no batch left lets its workers go now, and is waited for: one shut
            # down without waiting leaves its manager thread running, which can race Python's
            # exit handler into an OSError traceback (CPython gh-125451, unfixed in 3.11).
            while done < len(pools) and done not in running.values():
                pools[done].shutdown(wait=True)
                done += 1
    finally:
        for pool in pools[done:]:
            pool.shutdown(wait=True, cancel_futures=True)
