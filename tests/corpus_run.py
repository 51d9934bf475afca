"""Run leakscope rules over real Go code and print per-rule counts (a script, not a test).

    python tests/corpus_run.py                         # every rule, the default corpora
    python tests/corpus_run.py --rules ticker-not-stopped,time-after-in-loop \\
        --go 1.19 /usr/share/go-1.19/src /usr/share/gocode/src/go.etcd.io/etcd
    python tests/corpus_run.py --rules finalizer-cycle --sample 20   # findings to judge
    python tests/corpus_run.py --rules resliced-pointers --sample 20 --confidence high
    python tests/corpus_run.py --list > findings.txt                   # every finding
    python tests/corpus_run.py --rules ticker-not-stopped --go 1.19 \
        --build-check /tmp/bc /usr/share/gocode/src/github.com/modern-go/concurrent

`--build-check DIR` copies each corpus into DIR (adding a go.mod when it has none, named
after its path under /usr/share/gocode/src), runs `go build`, `go vet` and `go test -run '^$'`
(which compiles the tests), applies the selected rules' fixes (safe ones; unsafe too with
`--unsafe`), and runs them again: the fixed code must build and vet as cleanly as before.

Corpora default to the Go standard library (Debian golang-1.19-src, whose go.mod says
go 1.19, so the timer rules are live) and a few Debian golang-*-dev trees. `--go` overrides
every go.mod (as `go = "..."` in leakscope.toml does). Samples are drawn with a fixed seed, so
a rerun shows the same findings, each with a few lines of code around it for judging.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from leakscope.core.config import Config
from leakscope.core.engine import scan
from leakscope.core.fixes import plan_fixes, write_change
from leakscope.core.gomod import format_go_version, parse_go_version
from leakscope.core.model import Applicability, Finding
from leakscope.core.rules import RULES

GOCODE = Path("/usr/share/gocode/src")
CHECKS = {
    "go build": ["build", "./..."],
    "go vet": ["vet", "./..."],
    "go test (compile only)": ["test", "-count=1", "-run", "^$", "./..."],
}

DEFAULT_CORPORA = (
    "/usr/share/go-1.19/src",
    "/usr/share/gocode/src/github.com/docker/docker",
    "/usr/share/gocode/src/go.etcd.io/etcd",
    "/usr/share/gocode/src/golang.org/x/tools",
)


def context_lines(root: Path, finding: Finding, around: int) -> str:
    try:
        lines = (root / finding.path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    first = max(0, finding.line - 1 - around)
    last = min(len(lines), finding.span.end.line + around)
    out = []
    for number in range(first, last):
        mark = ">" if finding.line - 1 <= number < finding.span.end.line else " "
        out.append(f"  {mark}{number + 1:5d} {lines[number]}")
    return "\n".join(out)


def go_command() -> str:
    beside = Path(sys.executable).parent / "go"
    return shutil.which("go") or str(beside)


def go_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GOTOOLCHAIN="local", GOPROXY="off", GOFLAGS="-mod=mod", GOWORK="off", CGO_ENABLED="0"
    )
    return env


def run_go(args: list[str], cwd: Path) -> tuple[int, str]:
    proc = subprocess.run(
        [go_command(), *args], cwd=cwd, env=go_env(), capture_output=True, text=True, check=False
    )
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def build_check(
    corpus: Path,
    dest: Path,
    rules: tuple[str, ...],
    go_version: tuple[int, int],
    applicability: Applicability,
) -> bool:
    """Copy, build and vet, fix, build and vet again; True when the fixes broke nothing."""
    target = dest / corpus.name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(corpus, target, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    if not (target / "go.mod").exists():
        try:
            module = corpus.relative_to(GOCODE).as_posix()
        except ValueError:
            module = "example.com/" + corpus.name
        (target / "go.mod").write_text(
            f"module {module}\n\ngo {format_go_version(go_version)}\n", encoding="utf-8"
        )
    before = {name: run_go(args, target) for name, args in CHECKS.items()}
    result = scan(target, Config(go_version=go_version), rules=rules, use_cache=False)
    changes = plan_fixes(target, result.files, result.jobs, applicability)
    applied: Counter[str] = Counter()
    for change in changes:
        write_change(target, change)
        applied.update(f.rule for f in change.applied)
    after = {name: run_go(args, target) for name, args in CHECKS.items()}
    print(f"{corpus} -> {target}")
    print(f"  findings: {len(result.findings)}; fixes applied: {dict(applied) or 'none'}")
    for change in changes:
        print(f"  changed {change.path} ({len(change.applied)} fixes)")
    ok = True
    for name in CHECKS:
        (rc0, out0), (rc1, out1) = before[name], after[name]
        if rc1 == 0:
            state = "pass"
        elif rc0 != 0 and _problems(out0) == _problems(out1):
            state = "fails as before the fixes, with the same messages"
        else:
            state = "FAIL"
            ok = False
        print(f"  {name}: before rc={rc0}, after rc={rc1} ({state})")
        if rc1 != 0:
            print("    " + out1.replace("\n", "\n    "))
    return ok


def _problems(output: str) -> set[str]:
    """Go's messages without line and column numbers (fixes shift lines)."""
    return {re.sub(r":\d+(:\d+)?:", ":", line) for line in output.splitlines()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("corpora", nargs="*", help="folders to scan (default: see module doc)")
    parser.add_argument("--rules", default="", help="comma-separated rule names (default: all)")
    parser.add_argument("--go", default="", help="Go version for every file, e.g. 1.19")
    parser.add_argument("--sample", type=int, default=0, help="findings per rule to show")
    parser.add_argument("--around", type=int, default=6, help="context lines for samples")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--confidence", default="", help="sample only these confidences, e.g. high,medium"
    )
    parser.add_argument("--list", action="store_true", help="print every finding")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--build-check", metavar="DIR", help="fix copies in DIR, build, vet")
    parser.add_argument("--unsafe", action="store_true", help="apply unsafe fixes too")
    args = parser.parse_args(argv)

    known = [r.name for r in RULES]
    rules = tuple(r for r in args.rules.split(",") if r) or tuple(known)
    unknown = [r for r in rules if r not in known]
    if unknown:
        parser.error(f"unknown rule(s): {', '.join(unknown)}; known: {', '.join(known)}")
    go_version = parse_go_version(args.go) if args.go else None
    if args.go and go_version is None:
        parser.error(f"not a Go version: {args.go}")
    config = Config(go_version=go_version)
    corpora = [Path(c) for c in (args.corpora or DEFAULT_CORPORA)]
    if args.build_check:
        dest = Path(args.build_check)
        dest.mkdir(parents=True, exist_ok=True)
        applicability = Applicability.UNSAFE if args.unsafe else Applicability.SAFE
        results = [
            build_check(c, dest, rules, go_version or (1, 19), applicability) for c in corpora
        ]
        return 0 if all(results) else 1

    totals: Counter[str] = Counter()
    everything: list[tuple[Path, Finding]] = []
    for corpus in corpora:
        if not corpus.is_dir():
            print(f"{corpus}: not a folder, skipped", file=sys.stderr)
            continue
        started = time.perf_counter()
        result = scan(corpus, config, rules=rules, use_cache=False, workers=args.workers)
        elapsed = time.perf_counter() - started
        findings = [f for f in result.findings if f.rule in rules]
        counts = Counter(f.rule for f in findings)
        by_confidence = Counter((f.rule, f.confidence.value) for f in findings)
        fixable = Counter(f.rule for f in findings if f.fix is not None)
        print(f"{corpus}  ({len(result.files)} files, {elapsed:.1f} s)")
        for rule in rules:
            detail = ", ".join(
                f"{c} {by_confidence[(rule, c)]}"
                for c in ("high", "medium", "low")
                if by_confidence[(rule, c)]
            )
            print(
                f"  {rule:24s} {counts[rule]:5d}"
                + (f"  ({detail}; fixable {fixable[rule]})" if counts[rule] else "")
            )
        totals.update(counts)
        everything.extend((corpus, f) for f in findings)
    if len(corpora) > 1:
        print("total")
        for rule in rules:
            print(f"  {rule:24s} {totals[rule]:5d}")

    if args.list:
        for corpus, f in everything:
            print(f"{corpus / f.path}:{f.line}:{f.column}: {f.rule} [{f.confidence}] {f.message}")
    if args.sample:
        rng = random.Random(args.seed)
        for rule in rules:
            wanted = {c for c in args.confidence.split(",") if c}
            pool = [
                (c, f)
                for c, f in everything
                if f.rule == rule and (not wanted or f.confidence.value in wanted)
            ]
            chosen = rng.sample(pool, min(args.sample, len(pool)))
            chosen.sort(key=lambda cf: (str(cf[0]), cf[1].path, cf[1].line))
            print(f"\n===== {rule}: {len(chosen)} of {len(pool)} =====")
            for i, (corpus, f) in enumerate(chosen, 1):
                print(f"\n[{i}] {corpus / f.path}:{f.line}: [{f.confidence}] {f.message}")
                if f.fix is not None:
                    print(f"  fix: {f.fix.title} ({f.fix.applicability})")
                elif f.no_fix_reason:
                    print(f"  {f.no_fix_reason}")
                print(context_lines(corpus, f, args.around))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
