"""Run leakscope rules over real Go code and print per-rule counts (a script, not a test).

    python tests/corpus_run.py                         # every rule, the default corpora
    python tests/corpus_run.py --rules ticker-not-stopped,time-after-in-loop \\
        --go 1.19 /usr/share/go-1.19/src /usr/share/gocode/src/go.etcd.io/etcd
    python tests/corpus_run.py --rules finalizer-cycle --sample 20   # findings to judge
    python tests/corpus_run.py --list > findings.txt                   # every finding

Corpora default to the Go standard library (Debian golang-1.19-src, whose go.mod says
go 1.19, so the timer rules are live) and a few Debian golang-*-dev trees. `--go` overrides
every go.mod (as `go = "..."` in leakscope.toml does). Samples are drawn with a fixed seed, so
a rerun shows the same findings, each with a few lines of code around it for judging.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

from leakscope.core.config import Config
from leakscope.core.engine import scan
from leakscope.core.gomod import parse_go_version
from leakscope.core.model import Finding
from leakscope.core.rules import RULES

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("corpora", nargs="*", help="folders to scan (default: see module doc)")
    parser.add_argument("--rules", default="", help="comma-separated rule names (default: all)")
    parser.add_argument("--go", default="", help="Go version for every file, e.g. 1.19")
    parser.add_argument("--sample", type=int, default=0, help="findings per rule to show")
    parser.add_argument("--around", type=int, default=6, help="context lines for samples")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--list", action="store_true", help="print every finding")
    parser.add_argument("--workers", type=int, default=None)
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
            pool = [(c, f) for c, f in everything if f.rule == rule]
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
