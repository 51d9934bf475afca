"""Scan speed against a bare tree-sitter parse, in one run (a benchmark, not a test).

    python tests/bench_scan.py [CORPUS] [--workers N]

Prints, for one corpus: the bare parse time (read + parse every file, same process count),
`check` cold (empty cache), `check` warm (same cache), and the ratios. Targets from issue 2:
cold <= 1.2x bare parse, warm <= 5% of cold. Also the peak RSS of the largest `check` process
(the main one or a pool worker; issue 14: <= 150 MB on std + docker + etcd + x/tools +
containerd), and several CORPUS folders are scanned as one run of each.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import leakscope
from leakscope.core.config import Config
from leakscope.core.discovery import discover
from leakscope.core.syntax import parse


def _parse_chunk(paths: list[str]) -> int:
    nodes = 0
    for path in paths:
        try:
            tree = parse(Path(path).read_bytes())
        except OSError:
            continue
        nodes += tree.root_node.descendant_count
    return nodes


def bare_parse(files: list[Path], workers: int) -> float:
    chunks: list[list[str]] = [[] for _ in range(workers * 8)]
    for i, path in enumerate(files):
        chunks[i % len(chunks)].append(str(path))
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_parse_chunk, chunks))
    return time.perf_counter() - start


def peak_rss_mb(proc: subprocess.Popen[str]) -> float:
    """The peak RSS of a finished child and of the descendants it waited for (its pool
    workers): the largest single process, in MB (Linux reports ru_maxrss in KiB)."""
    _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_maxrss / 1024


def timed_check(corpus: list[Path], env: dict[str, str]) -> tuple[float, str, float]:
    """A whole `leakscope check` process: what a user waits for, and its peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "leakscope",
            "check",
            *map(str, corpus[1:] or corpus),
            "--exit-zero",
            "--statistics",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=corpus[0] if len(corpus) > 1 else None,
    )
    # (Read the output, then reap the process with wait4 to get its resource usage.)
    assert proc.stdout is not None and proc.stderr is not None
    stdout, stderr = proc.stdout.read(), proc.stderr.read()
    rss = peak_rss_mb(proc)
    elapsed = time.perf_counter() - start
    proc.returncode = 0
    return elapsed, stdout.strip().splitlines()[-1] if stdout.strip() else stderr[-300:], rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="*", default=["/usr/share/go-1.19/src"])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--no-bytecode", action="store_true", help="keep PYTHONDONTWRITEBYTECODE as it is"
    )
    args = parser.parse_args()
    corpus = [Path(c).resolve() for c in args.corpus]
    if len(corpus) > 1:
        # `check` takes one root: the folders' common parent, scanning the folders given.
        root = Path(os.path.commonpath(corpus))
        corpus = [root, *corpus]
    files = discover(corpus[0], corpus[1:], Config().exclude).files
    size = sum(p.stat().st_size for p in files)
    names = " ".join(str(c) for c in corpus[1:] or corpus)
    print(f"corpus: {names} ({len(files)} files, {size / 1e6:.1f} MB), {args.workers} processes")

    cache = Path(tempfile.mkdtemp(prefix="leakscope-bench-"))
    env = dict(os.environ, LEAKSCOPE_CACHE_DIR=str(cache))
    if not args.no_bytecode:
        # As an installed package: compiled modules cached (in a folder of their own), not
        # every leakscope module compiled at each start (PYTHONDONTWRITEBYTECODE=1 in some
        # environments), which is a sixth of a warm run.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "leakscope-bench-pycache")
        package = Path(leakscope.__file__).parent
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(package)], env=env, check=False
        )
    try:
        bare = bare_parse(files, args.workers)
        cold, summary, cold_rss = timed_check(corpus, env)
        warm, _, warm_rss = timed_check(corpus, env)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    print(f"bare parse:  {bare:7.2f} s  ({size / 1e6 / bare:.1f} MB/s)")
    print(f"check cold:  {cold:7.2f} s  = {cold / bare:.2f}x bare parse (target <= 1.2x)")
    print(f"check warm:  {warm:7.2f} s  = {warm / cold:.1%} of cold (target <= 5%)")
    print(
        f"peak RSS:    cold {cold_rss:.0f} MB, warm {warm_rss:.0f} MB "
        "(largest process; target <= 150 MB)"
    )
    if summary:
        print(f"last line of check: {summary}")


if __name__ == "__main__":
    main()
