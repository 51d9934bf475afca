"""Benchmark of the terminal app (a script, not a test): prints the numbers.

    python tests/bench_ui.py [--findings 20000]

1. First paint after process start: `leakscope demo` in a pseudo-terminal, timed from the
   spawn to the first frame on the terminal (the filter box's placeholder) and to the first
   findings in the status line. Target: first paint <= 300 ms.
2. With 20,000 findings (synthetic results in 2,000 files, fed through the app's session),
   the time from new results to the painted tree. Target <= 150 ms.
3. A filter keystroke with those 20,000 findings: from the key to the painted tree.
   Target <= 50 ms.
4. A bare Textual app (an Input, a Tree and a Footer) timed like 1, in the same run: the
   ratio of leakscope's first paint to it (issue 14: <= 1.3x).
5. Keys while the app scans a large tree (`--scan-corpus`, default the Go standard library,
   no cache): from each key press to the end of the next screen paint. Target <= 50 ms.
   In the same scan, and with `--only scan-batches` for a scan delivering half of
   `--findings` synthetic findings: how long the app's loop takes over each scan batch and
   each tree refresh. Target <= 16 ms each.
6. `--only imports`: what the app imports before its first frame that the bare app does not,
   by `python -X importtime` (each module's own time, the median of `--runs` runs): where the
   rest of the first paint's time goes besides Textual's own start.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import pty
import re
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]")
FINDINGS = re.compile(rb"[1-9][0-9]* findings")
# Compiled modules of the first-paint runs (see first_paint's `bytecode`).
PYCACHE = Path(tempfile.gettempdir()) / "leakscope-bench-pycache"


def _cpu_seconds(pid: int) -> float | None:
    """user + system CPU time of a running process (Linux /proc; 10 ms resolution)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Input, Tree

class Bare(App):
    def compose(self):
        yield Input(placeholder="/ filter: words")
        yield Tree("findings")
        yield Footer()

Bare().run()
"""


def first_paint(
    runs: int, command: list[str] | None = None, *, bytecode: bool = True
) -> tuple[list[float], list[float], list[float]]:
    """Seconds from spawn to the first frame and to the first findings, per run, and the
    process's CPU seconds at the first frame (what a quiet machine would need).
    `command` (default `leakscope demo`) must show "filter:" in its first frame.

    `bytecode`: Python may cache compiled modules (in a folder of its own, PYTHONPYCACHEPREFIX),
    as an installed package has them; without it (PYTHONDONTWRITEBYTECODE=1 in some
    environments) an editable install compiles every leakscope module at each start, while
    Textual's come compiled from site-packages."""
    paints, findings, cpu = [], [], []
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="160", LINES="45")
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    with tempfile.TemporaryDirectory() as tmp:
        env.setdefault("LEAKSCOPE_CONFIG_DIR", str(Path(tmp) / "config"))
        env.setdefault("LEAKSCOPE_CACHE_DIR", str(Path(tmp) / "cache"))
        env["TMPDIR"] = tmp  # `leakscope demo` copies the demo there: removed at the end
        for _ in range(runs):
            master, slave = pty.openpty()
            os.set_blocking(master, False)
            import fcntl
            import struct
            import termios

            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 160, 0, 0))
            start = time.perf_counter()
            proc = subprocess.Popen(
                command or [sys.executable, "-m", "leakscope", "demo"],
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=env,
                close_fds=True,
            )
            os.close(slave)
            seen = b""
            painted = found = None
            deadline = start + 20
            while time.perf_counter() < deadline and found is None:
                ready, _, _ = select.select([master], [], [], 0.05)
                if not ready:
                    continue
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                seen += chunk
                now = time.perf_counter()
                if painted is None and b"filter:" in seen:
                    painted = now - start
                    used = _cpu_seconds(proc.pid)
                    if used is not None:
                        cpu.append(used)
                if painted is not None and (
                    command is not None or FINDINGS.search(ANSI.sub(b"", seen))
                ):
                    found = now - start
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
            os.close(master)
            if painted is not None:
                paints.append(painted)
            if found is not None:
                findings.append(found)
    return paints, findings, cpu


# What the app imports before its first frame (the CLI, the app and its main screen), and
# what the bare app imports.
APP_IMPORTS = "import leakscope.cli, leakscope.ui.app, leakscope.ui.screens.main"
BARE_IMPORTS = "from textual.app import App; from textual.widgets import Footer, Input, Tree"
IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def import_times(code: str) -> dict[str, int]:
    """Each module's own import time (microseconds) when `code` runs in a fresh process."""
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(PYCACHE))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    times = {}
    for line in proc.stderr.splitlines():
        match = IMPORT_LINE.match(line)
        if match:
            times[match[4]] = int(match[1])
    return times


def extra_imports(runs: int) -> list[tuple[str, float]]:
    """(module, median ms) of what the app imports before its first frame and the bare app
    does not, most expensive first."""
    bare = set(import_times(BARE_IMPORTS))
    samples: dict[str, list[int]] = {}
    import_times(APP_IMPORTS)  # compiled modules cached
    for _ in range(runs):
        for name, micros in import_times(APP_IMPORTS).items():
            if name not in bare:
                samples.setdefault(name, []).append(micros)
    rows = [(name, statistics.median(v) / 1000) for name, v in samples.items()]
    return sorted(rows, key=lambda row: -row[1])


def synthetic_results(count: int, per_file: int = 10):
    from leakscope.core.analysis import FileResult, FileStatus
    from leakscope.core.model import (
        Applicability,
        Confidence,
        Finding,
        Fix,
        Position,
        Severity,
        Span,
        TextEdit,
    )

    rules = ("substring-retention", "subslice-retention", "defer-in-loop")
    results = {}
    files = max(1, count // per_file)
    n = 0
    for i in range(files):
        path = f"pkg{i // 20:03d}/file{i:05d}.go"
        findings = []
        for j in range(per_file):
            line = 10 + j * 7
            rule = rules[n % 3]
            fix = Fix("Copy with strings.Clone", (TextEdit(0, 0, ""),), Applicability.SAFE)
            findings.append(
                Finding(
                    rule,
                    path,
                    Span(0, 5, Position(line, 2), Position(line, 7)),
                    f"s[:{j}] keeps the whole string of parse{n} alive in a package variable",
                    Severity.WARNING if n % 5 else Severity.ERROR,
                    Confidence.HIGH,
                    fix if n % 2 else None,
                    fingerprint=f"fp{n}",
                )
            )
            n += 1
        results[path] = FileResult(path, FileStatus.OK, findings, content_hash=str(i))
    return results


class PaintClock:
    """When the screen last finished painting, and when the findings were last applied.

    Latency = end of the first screen paint after the change was applied, minus the moment
    the change (the keystroke, the new results) was made. Pilot's own settling sleeps come
    after that paint and are not counted.
    """

    def __init__(self, screen) -> None:  # type: ignore[no-untyped-def]
        self.paints: list[float] = []
        self.applied = 0.0
        original_refresh = screen._compositor_refresh
        original_apply = screen.apply_filter

        def refresh() -> None:
            original_refresh()
            self.paints.append(time.perf_counter())

        def apply_filter(**kwargs: bool) -> None:
            original_apply(**kwargs)
            self.applied = time.perf_counter()

        screen._compositor_refresh = refresh
        screen.apply_filter = apply_filter

    def painted_after(self, start: float) -> float:
        after = [t for t in self.paints if t >= self.applied >= start]
        return (after[0] - start) if after else float("nan")


async def tree_and_filter(count: int) -> dict[str, list[float]]:
    from leakscope.core.config import Config
    from leakscope.ui.app import make_app

    times: dict[str, list[float]] = {}

    def record(name: str, wall: float, cpu: float) -> None:
        times.setdefault(name, []).append(wall)
        times.setdefault(f"{name}_cpu", []).append(cpu)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "go.mod").write_text("module bench\n\ngo 1.22\n")
        app = make_app(root, Config(), cursor_blink=False, start_scan=False)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            main = app.main
            clock = PaintClock(main)
            results = synthetic_results(count)

            async def measure(name: str, change) -> None:  # type: ignore[no-untyped-def]
                start, cpu = time.perf_counter(), time.process_time()
                await change()
                await pilot.pause()
                cpu_used = time.process_time() - cpu
                record(name, clock.painted_after(start), cpu_used)

            for i in range(6):
                main.session.project.results = {}
                main.refresh_findings()
                await pilot.pause()
                main.session.project.results = dict(results)
                if i == 0:
                    # As the app does when a scan ends (see MainScreen._on_scan_done).
                    main.refresh_findings()
                    gc.collect()
                    gc.freeze()
                    continue

                async def new_results() -> None:
                    main.refresh_findings()

                await measure("tree", new_results)
            assert len(main.all_findings) == count, len(main.all_findings)
            main.filter_input.focus()
            await pilot.pause()
            for text in ("k", "ke", "kee", "keep", "keeps"):

                async def key(char: str = text[-1]) -> None:
                    await pilot.press(char)

                await measure("filter", key)
            main.filter_input.value = "parse"
            await pilot.pause()
            for text in ("parse1", "parse12", "parse123", "parse1234"):

                async def key(char: str = text[-1]) -> None:
                    await pilot.press(char)

                await measure("filter_narrow", key)
            shown = len(main.shown)
            assert 1 <= shown <= 11, shown
    return times


async def keys_during_scan(corpus: Path, presses: int = 40) -> tuple[list[float], int, list[float]]:
    """Key press -> end of the next paint while the app scans `corpus` (no cache); the
    number of files scanned by the end; and how long the app's loop took over each scan
    batch and over each view of the findings planned during the scan (its tree rebuilt)."""
    from leakscope.core.config import Config
    from leakscope.ui.app import make_app

    app = make_app(corpus, Config(), cursor_blink=False, use_cache=False, watch=False)
    latencies: list[float] = []
    async with app.run_test(size=(160, 45)) as pilot:
        main = app.main
        paints: list[float] = []
        original = main._compositor_refresh

        def refresh() -> None:
            original()
            paints.append(time.perf_counter())

        main._compositor_refresh = refresh  # type: ignore[method-assign]
        batches: list[float] = []
        dispatch = main._dispatch_message
        timed_refresh = main._timed_refresh

        flush = main._flush_next_callbacks
        flushed = [0.0]

        async def flush_timed() -> None:
            # Callbacks queued by others (a key's source view after its paint) run after
            # whichever message comes next: not the batch's time.
            start = time.perf_counter()
            await flush()
            flushed[0] += time.perf_counter() - start

        async def dispatch_timed(message) -> None:  # type: ignore[no-untyped-def]
            if not isinstance(message, (main.ScanBatch, main.ViewPlanned)):
                return await dispatch(message)
            start, flushed[0] = time.perf_counter(), 0.0
            await dispatch(message)
            batches.append(time.perf_counter() - start - flushed[0])

        main._flush_next_callbacks = flush_timed  # type: ignore[method-assign]

        def refresh_timed() -> None:
            start = time.perf_counter()
            timed_refresh()
            batches.append(time.perf_counter() - start)

        main._dispatch_message = dispatch_timed  # type: ignore[method-assign]
        main._timed_refresh = refresh_timed  # type: ignore[method-assign]
        # Until the tree shows findings (its refresh during a scan is throttled): a key
        # before that has nothing to move, and its "next paint" would be the tree's.
        while not main.shown and main.scanning:
            await pilot.pause(0.05)
        main.tree.focus()
        await pilot.pause(0.05)
        for i in range(presses):
            if not main.scanning:
                break
            key = "down" if i % 4 != 3 else "up"
            # A key that moves nothing paints nothing, and would be timed to whatever paints
            # next (the tree's throttled refresh): at the last line, go up.
            if key == "down" and main.tree.cursor_line >= main.tree.last_line:
                key = "up"
            start = time.perf_counter()
            await pilot.press(key)
            while not any(t >= start for t in paints):
                await asyncio.sleep(0.001)
            latencies.append(next(t for t in paints if t >= start) - start)
            await pilot.pause(0.1)
        done = main.status.info.done_files
        while main.scanning:  # (the batches to the end of the scan)
            await pilot.pause(0.05)
    return latencies, done, batches


async def batches_at_scale(count: int, batches: int = 400) -> list[float]:
    """How long the app's loop takes over each scan batch and each tree refresh while a
    scan delivers `count` synthetic findings in `batches` batches (8 ms apart)."""
    from leakscope.core.config import Config
    from leakscope.core.engine import Progress
    from leakscope.ui.app import make_app
    from leakscope.ui.screens.main import _freeze_survivors

    times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "go.mod").write_text("module bench\n\ngo 1.22\n")
        app = make_app(root, Config(), cursor_blink=False, start_scan=False, watch=False)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            main = app.main
            results = list(synthetic_results(count).values())
            # As `start_scan` does, without a real scan behind it.
            main.scanning = True
            gc.callbacks.append(_freeze_survivors)
            gc.freeze()
            dispatch = main._dispatch_message

            async def timed(message) -> None:  # type: ignore[no-untyped-def]
                if not isinstance(message, (main.ScanBatch, main.ViewPlanned)):
                    return await dispatch(message)
                start = time.perf_counter()
                await dispatch(message)
                times.append(time.perf_counter() - start)

            main._dispatch_message = timed  # type: ignore[method-assign]
            step = max(1, len(results) // batches)
            for i in range(0, len(results), step):
                progress = Progress(i + step, len(results), results[i : i + step])
                main.post_message(main.ScanBatch(main._generation, progress, True))
                await asyncio.sleep(0.008)
            await pilot.pause(0.3)
            main.scanning = False
    return times


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (
        f"median {statistics.median(values) * 1000:.0f} ms "
        f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}, n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scan-corpus", default="/usr/share/go-1.19/src")
    parser.add_argument(
        "--only",
        choices=("paint", "tree", "scan-keys", "scan-batches", "imports"),
        help="run one part of the benchmark",
    )
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="first paint as the environment says (PYTHONDONTWRITEBYTECODE kept)",
    )
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall times suffer)")
    if args.only == "imports":
        rows = extra_imports(args.runs)
        total = sum(took for _, took in rows)
        print(
            f"imported before the first frame, not by the bare app: {len(rows)} modules, "
            f"{total:.1f} ms of their own import time (medians of {args.runs} runs); the top:"
        )
        for name, took in rows[:20]:
            print(f"  {took:5.1f} ms  {name}")
        return
    if args.only in (None, "paint"):
        # Interleaved, so both see the same machine load.
        paints, findings, cpu, bare, bare_cpu = [], [], [], [], []
        bare_command = [sys.executable, "-c", BARE_APP]
        bytecode = not args.no_bytecode
        # One run each first, not counted: compiled modules cached, files in the page cache.
        first_paint(1, bytecode=bytecode)
        first_paint(1, bare_command, bytecode=bytecode)
        for _ in range(args.runs):
            p, f, c = first_paint(1, bytecode=bytecode)
            paints += p
            findings += f
            cpu += c
            p, _, c = first_paint(1, bare_command, bytecode=bytecode)
            bare += p
            bare_cpu += c
        how = "modules compiled each start" if args.no_bytecode else "compiled modules cached"
        print(f"first paint after process start (leakscope demo, {how}), target <= 300 ms")
        print(f"  wall: {ms(paints)}")
        print(f"  CPU:  {ms(cpu)}")
        print(f"first findings on screen (status line counts them), wall: {ms(findings)}")
        print("bare Textual app (Input, Tree, Footer), same run")
        print(f"  wall: {ms(bare)}")
        print(f"  CPU:  {ms(bare_cpu)}")
        if paints and bare:
            ratio = statistics.median(paints) / statistics.median(bare)
            cpu_ratio = statistics.median(cpu) / statistics.median(bare_cpu) if bare_cpu else 0
            print(f"  leakscope / bare: wall {ratio:.2f}x, CPU {cpu_ratio:.2f}x (target <= 1.3x)")
    if args.only in (None, "scan-keys"):
        latencies, done, batches = asyncio.run(keys_during_scan(Path(args.scan_corpus)))
        print(f"keys while scanning {args.scan_corpus} ({done} files done), target <= 50 ms")
        print(f"  wall: {ms(latencies)}; p95 {percentile(latencies, 0.95) * 1000:.0f} ms")
        print("scan batches and tree refreshes on the app's loop, target <= 16 ms each")
        print(f"  wall: {ms(batches)}; p95 {percentile(batches, 0.95) * 1000:.0f} ms")
        slow = sorted(batches, reverse=True)[:5]
        print(f"  slowest: {', '.join(f'{t * 1000:.0f}' for t in slow)} ms")
    if args.only in (None, "scan-batches"):
        batches = asyncio.run(batches_at_scale(args.findings // 2))
        print(
            f"a scan delivering {args.findings // 2} synthetic findings: scan batches and tree "
            "refreshes on the app's loop, target <= 16 ms each"
        )
        print(f"  wall: {ms(batches)}; p95 {percentile(batches, 0.95) * 1000:.0f} ms")
        slow = sorted(batches, reverse=True)[:5]
        print(f"  slowest: {', '.join(f'{t * 1000:.0f}' for t in slow)} ms")
    if args.only not in (None, "tree"):
        return
    times = asyncio.run(tree_and_filter(args.findings))
    rows = (
        ("tree", f"tree with {args.findings} findings, new results to painted", 150),
        ("filter", "filter keystroke, broad (every finding matches)", 50),
        ("filter_narrow", "filter keystroke, narrowing to one finding", 50),
    )
    for key, title, target in rows:
        print(f"{title}, target <= {target} ms")
        print(f"  wall: {ms(times[key])} (change to the end of the next screen paint)")
        print(f"  CPU:  {ms(times[key + '_cpu'])} (the whole step, Pilot's settling included)")


if __name__ == "__main__":
    main()
