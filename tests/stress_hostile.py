"""Stress runs of issue 10 (not part of the suite): python tests/stress_hostile.py [--scale X]

Repeats, and prints counts for:
  - kill -9 trials: `leakscope fix` killed at a random moment; every file must be original or
    fully fixed, and a later fix must leave no temp file behind;
  - the edit-during-fix race on a copy of the standard library (Go 1.19 sources): an editor
    prepends a line to the files being fixed while `fix` runs; no file may end up unparseable
    or without the editor's line;
  - two concurrent `fix` runs on one tree;
  - cache corruption: the result cache file mutated 1,000 times, `check` run on each;
  - undo against an editor's atomic save (write a temp file, rename it over the file).
Counts: corrupted files, lost saves, tracebacks, hangs (runs past their time limit). Every
count should be 0 except where noted. --scale 0.2 is a quick run; 1 is the issue's sizes
(slow).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
UI_PROJECT = HERE / "fixtures" / "ui_project"
STDLIB = Path("/usr/share/go-1.19/src")
LEAKSCOPE = [sys.executable, "-m", "leakscope"]
TIMEOUT = 300.0

counts: Counter[str] = Counter()


def env(cache: Path) -> dict[str, str]:
    # No toolchain: fixes are unverified (written with --unverified), and the runs are fast.
    return {**os.environ, "LEAKSCOPE_CACHE_DIR": str(cache), "LEAKSCOPE_GO": "off"}


def go_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.go"))}


def temps(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.leakscope")]


def run(args: list[str], cache: Path, cwd: Path, what: str) -> subprocess.CompletedProcess[str]:
    try:
        proc = subprocess.run(
            args, cwd=cwd, env=env(cache), capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        counts[f"{what}: hangs"] += 1
        return subprocess.CompletedProcess(args, -1, "", "")
    if "Traceback" in proc.stderr or proc.returncode not in (0, 1, 2):
        counts[f"{what}: tracebacks"] += 1
        print(proc.stderr[-2000:], file=sys.stderr)
    return proc


def errors_of(data: bytes) -> int:
    from leakscope.core.syntax import error_count, parse

    return error_count(parse(data))


# -- kill -9 ---------------------------------------------------------------------------------


def kill_trials(n: int, work: Path) -> None:
    what = "kill -9"
    reference = work / "kill-ref"
    shutil.copytree(UI_PROJECT, reference)
    original = go_files(reference)
    run([*LEAKSCOPE, "fix", "--unverified", "--unsafe", "."], work / "c0", reference, what)
    fixed = go_files(reference)
    changed = [p for p in original if original[p] != fixed[p]]
    print(f"{what}: {len(changed)} files the fix changes; {n} trials")
    for trial in range(n):
        root = work / f"kill-{trial}"
        shutil.copytree(UI_PROJECT, root)
        cache = work / f"kill-cache-{trial % 3}"  # (warm and cold caches)
        proc = subprocess.Popen(
            [*LEAKSCOPE, "fix", "--unverified", "--unsafe", "."],
            cwd=root,
            env=env(cache),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(random.uniform(0.05, 1.5))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        now = go_files(root)
        for rel, data in now.items():
            if data not in (original[rel], fixed[rel]):
                counts[f"{what}: corrupted files"] += 1
        if temps(root):
            counts[f"{what}: temp files left right after the kill (expected, cleaned next)"] += 1
            old = time.time() - 120  # (pretend a minute passed)
            for temp in temps(root):
                os.utime(temp, (old, old))
        run([*LEAKSCOPE, "fix", "--unverified", "--unsafe", "."], cache, root, what)
        if go_files(root) != fixed:
            counts[f"{what}: not fully fixed by the next run"] += 1
        # A temp is only cleaned where the next run writes: a folder it had nothing left to
        # write in keeps it until a later write there. Count what is left in written folders.
        written = {(root / p).parent for p in changed if now[p] != fixed[p]}
        left = [t for t in temps(root) if t.parent in written]
        counts[f"{what}: temp files left after the next fix"] += len(left)
        shutil.rmtree(root)


# -- the edit-during-fix race on the standard library ------------------------------------------


def copy_stdlib(target: Path) -> None:
    target.mkdir(parents=True)
    (target / "go.mod").write_text("module std\n\ngo 1.19\n")
    for part in STDLIB.iterdir():
        if part.is_dir():
            shutil.copytree(part, target / part.name, ignore=shutil.ignore_patterns("testdata"))


def stdlib_race(n: int, work: Path) -> None:
    what = "edit during fix (stdlib)"
    if not STDLIB.is_dir():
        print(f"{what}: skipped, no {STDLIB}")
        return
    reference = work / "std-ref"
    copy_stdlib(reference)
    original = go_files(reference)
    cache = work / "std-cache"
    started = time.monotonic()
    run([*LEAKSCOPE, "fix", "--unverified", "--unsafe", "."], cache, reference, what)
    took = time.monotonic() - started
    targets = [p for p, data in go_files(reference).items() if data != original[p]]
    print(f"{what}: {len(targets)} files fixed in {len(original)}; {n} trials")
    shutil.rmtree(reference)
    for trial in range(n):
        root = work / f"std-{trial}"
        copy_stdlib(root)
        proc = subprocess.Popen(
            [*LEAKSCOPE, "fix", "--unverified", "--unsafe", "."],
            cwd=root,
            env=env(cache),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(random.uniform(0.3, max(1.0, took)))  # (the cache is warm: faster)
        line = f"// edited during the fix, trial {trial}\n".encode()
        for rel in targets:  # an editor that writes in place
            path = root / rel
            path.write_bytes(line + path.read_bytes())
        try:
            _, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            counts[f"{what}: hangs"] += 1
            continue
        if "Traceback" in err:
            counts[f"{what}: tracebacks"] += 1
        for rel in targets:
            data = (root / rel).read_bytes()
            if not data.startswith(line):
                counts[f"{what}: lost saves"] += 1
            if errors_of(data) > errors_of(original[rel]):
                counts[f"{what}: corrupted files"] += 1
        shutil.rmtree(root)


# -- two fix runs at once ----------------------------------------------------------------------


def concurrent_fixes(n: int, work: Path) -> None:
    what = "two concurrent fixes"
    reference = work / "two-ref"
    shutil.copytree(UI_PROJECT, reference)
    original = go_files(reference)
    run([*LEAKSCOPE, "fix", "--unverified", "--unsafe", "."], work / "two-c", reference, what)
    fixed = go_files(reference)
    print(f"{what}: {n} trials")
    for trial in range(n):
        root = work / f"two-{trial}"
        shutil.copytree(UI_PROJECT, root)
        procs = [
            subprocess.Popen(
                [*LEAKSCOPE, "fix", "--unverified", "--unsafe", "."],
                cwd=root,
                env=env(work / f"two-cache-{trial}"),  # (one cache folder: one lock)
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        for proc in procs:
            try:
                _, err = proc.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                counts[f"{what}: hangs"] += 1
                continue
            if "Traceback" in err:
                counts[f"{what}: tracebacks"] += 1
        for rel, data in go_files(root).items():
            if data != fixed[rel]:
                counts[f"{what}: corrupted files"] += data != original[rel]
                counts[f"{what}: files not fixed"] += data == original[rel]
        shutil.rmtree(root)


# -- cache corruption --------------------------------------------------------------------------


def mutate(data: bytes, rng: random.Random) -> bytes:
    kind = rng.randrange(6)
    if kind == 0 and data:  # flip bytes
        out = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    if kind == 1:  # truncate
        return data[: rng.randrange(len(data) + 1)]
    if kind == 2:  # garbage
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 4096)))
    if kind == 3:  # deep nesting
        return b"[" * rng.randint(1000, 200_000)
    if kind == 4:  # valid JSON, wrong shapes: swap a value for another type
        try:
            doc = json.loads(data)
        except ValueError:
            return data[::-1]
        return json.dumps(_scramble(doc, rng)).encode()
    return data.replace(b'"', b"'", rng.randint(1, 20))


def _scramble(doc: object, rng: random.Random) -> object:
    if isinstance(doc, dict):
        return {
            k: (_scramble(v, rng) if rng.random() < 0.7 else _junk(rng)) for k, v in doc.items()
        }
    if isinstance(doc, list):
        return [_scramble(v, rng) if rng.random() < 0.8 else _junk(rng) for v in doc]
    return doc if rng.random() < 0.8 else _junk(rng)


def _junk(rng: random.Random) -> object:
    return rng.choice([None, -1, 10**30, "x", [], {}, 1.5, True, "\x1b[2J"])


def cache_corruption(n: int, work: Path) -> None:
    what = "cache corruption"
    from leakscope import cli

    root = work / "cache-proj"
    shutil.copytree(UI_PROJECT, root)
    cache = work / "cache-dir"
    os.environ["LEAKSCOPE_CACHE_DIR"] = str(cache)
    os.environ["LEAKSCOPE_GO"] = "off"

    def check() -> tuple[int, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(["check", "--format", "json", str(root)])
            except BaseException as exc:
                counts[f"{what}: tracebacks"] += 1
                print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
                return -1, ""
        if "internal error" in err.getvalue() or "Traceback" in err.getvalue():
            counts[f"{what}: tracebacks"] += 1
        return code, out.getvalue()

    _, reference = check()
    expected = sorted(f["fingerprint"] for f in json.loads(reference)["findings"])
    files = [p for p in cache.rglob("*") if p.is_file() and not p.name.endswith(".lock")]
    print(f"{what}: {n} mutations of {len(files)} cache file(s)")
    pristine = {p: p.read_bytes() for p in files}
    rng = random.Random(10)
    for _ in range(n):
        path = rng.choice(files)
        path.write_bytes(mutate(pristine[path], rng))
        code, out = check()
        try:
            found = sorted(f["fingerprint"] for f in json.loads(out)["findings"])
        except (ValueError, KeyError):
            found = None
        if code not in (0, 1) or found != expected:
            counts[f"{what}: wrong results"] += 1
            if counts[f"{what}: wrong results"] <= 3:
                lost = sorted(set(expected) - set(found or []))
                print(f"  wrong result: exit {code}, findings missing {lost[:3]}", file=sys.stderr)
                (work / f"bad-cache-{counts[f'{what}: wrong results']}").write_bytes(
                    path.read_bytes()
                )
        for p, data in pristine.items():
            p.write_bytes(data)


# -- undo against an editor's atomic save ------------------------------------------------------


def undo_race(n: int, work: Path) -> None:
    what = "undo vs atomic save"
    from leakscope.core.config import Config
    from leakscope.core.fixes import FileChange, FixError
    from leakscope.ui.session import Session

    root = work / "undo"
    root.mkdir()
    (root / "go.mod").write_text("module m\n\ngo 1.22\n")
    before = b"package m\n\nfunc F() {}\n"
    after = b"package m\n\nfunc F() { _ = 1 }\n"
    path = root / "a.go"
    refused = 0
    for trial in range(n):
        path.write_bytes(before)
        session = Session(root, Config(), use_cache=False)
        for _ in session.iter_scan():
            pass
        session.apply("t", [FileChange("a.go", before, after)])
        saved = f"package m\n\n// editor save {trial}\nfunc F() {{}}\n".encode()
        delay = random.uniform(0, 0.004)

        def editor(delay: float = delay, saved: bytes = saved) -> None:
            time.sleep(delay)
            fd, tmp = tempfile.mkstemp(dir=root, prefix=".editor.")
            with os.fdopen(fd, "wb") as fh:
                fh.write(saved)
            os.replace(tmp, path)

        thread = threading.Thread(target=editor)
        thread.start()
        time.sleep(random.uniform(0, 0.004))
        try:
            session.undo()
        except FixError:
            refused += 1
        thread.join()
        if path.read_bytes() != saved:
            counts[f"{what}: lost saves"] += 1
    print(f"{what}: {n} trials, {refused} undos refused (the save came first)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.2)
    args = parser.parse_args()
    scale = args.scale
    random.seed(1)
    with tempfile.TemporaryDirectory(prefix="leakscope-stress-") as tmp:
        work = Path(tmp)
        started = time.monotonic()
        for name, fn, full in (
            ("kill", kill_trials, 500),
            ("stdlib", stdlib_race, 20),
            ("concurrent", concurrent_fixes, 40),
            ("cache", cache_corruption, 1000),
            ("undo", undo_race, 500),
        ):
            t0 = time.monotonic()
            fn(max(1, round(full * scale)) if name != "cache" else full, work)
            print(f"  ({name}: {time.monotonic() - t0:.0f} s)")
        print(f"\nall runs: {time.monotonic() - started:.0f} s")
    keys = [
        "corrupted files",
        "lost saves",
        "tracebacks",
        "hangs",
    ]
    print("\ncounts:")
    for key in sorted(counts):
        print(f"  {key}: {counts[key]}")
    for key in keys:
        total = sum(v for k, v in counts.items() if k.endswith(key))
        print(f"TOTAL {key}: {total}")
    bad = sum(v for k, v in counts.items() if "expected" not in k)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
