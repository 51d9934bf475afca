"""Scan speed against a bare tree-sitter parse, in one run (a benchmark, not a test).

    python tests/bench_scan.py [CORPUS] [--workers N]

Prints, for one corpus: the bare parse time (read + parse every file, same process count),
`check` cold (empty cache), `check` warm (same cache), and the ratios. Targets from issue 2:
cold <= 1.2x bare parse, warm <= 5% of cold.
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


def timed_check(corpus: Path, env: dict[str, str]) -> tuple[float, str]:
    """A whole `leakscope check` process: what a user waits for."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "leakscope", "check", str(corpus), "--exit-zero", "--statistics"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"check failed ({proc.returncode}): {proc.stderr}")
    return elapsed, proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", default="/usr/share/go-1.19/src")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    corpus = Path(args.corpus)
    files = discover(corpus, (), Config().exclude).files
    size = sum(p.stat().st_size for p in files)
    print(f"corpus: {corpus} ({len(files)} files, {size / 1e6:.1f} MB), {args.workers} processes")

    cache = Path(tempfile.mkdtemp(prefix="leakscope-bench-"))
    env = dict(os.environ, LEAKSCOPE_CACHE_DIR=str(cache))
    try:
        bare = bare_parse(files, args.workers)
        cold, summary = timed_check(corpus, env)
        warm, _ = timed_check(corpus, env)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    print(f"bare parse:  {bare:7.2f} s  ({size / 1e6 / bare:.1f} MB/s)")
    print(f"check cold:  {cold:7.2f} s  = {cold / bare:.2f}x bare parse (target <= 1.2x)")
    print(f"check warm:  {warm:7.2f} s  = {warm / cold:.1%} of cold (target <= 5%)")
    if summary:
        print(f"last line of check: {summary}")


if __name__ == "__main__":
    main()
