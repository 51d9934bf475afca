"""The rule fixture harness, after go/analysis's analysistest.

A case is a folder under tests/fixtures/rules/<rule>/ holding a small Go module. Lines that must
be reported end with `// want "regexp"` (several quoted regexps for several findings on one
line); every finding must be wanted and every want must be found. A `NAME.go.golden` beside a
file is that file after all its fixes (safe and unsafe) are applied; a file with fixes must have
one. Set LEAKSCOPE_UPDATE_GOLDEN=1 to write goldens, then read them before committing.

A case that the current Go cannot build (it needs settings a newer Go refuses, such as
`godebug asynctimerchan=1` from Go 1.27 on) holds a `NO_BUILD` file saying why: its wants and
goldens are still checked, but `check_fixed_case_builds` skips it with that reason.

A quoted regexp may be preceded by `info`: that finding must be reported as info (negligible,
hidden by default). Without it the finding must be a warning or an error, so a fixture that
stops showing by default fails (`// want "leak" info "minor"` wants one of each).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from leakscope.core.config import Config
from leakscope.core.engine import scan
from leakscope.core.fixes import plan_fixes
from leakscope.core.model import Applicability, Finding, Severity
from leakscope.core.rules import RULES_BY_NAME
from leakscope.core.syntax import error_count, parse

_WANT = re.compile(r"//\s*want\s+((?:(?:info\s+)?\"(?:[^\"\\]|\\.)*\"\s*)+)")
_QUOTED = re.compile(r"(info\s+)?\"((?:[^\"\\]|\\.)*)\"")


@dataclass
class Want:
    path: str
    line: int
    pattern: str
    info: bool = False  # the finding must be info; otherwise warning or above
    matched: bool = False


def collect_wants(case: Path) -> list[Want]:
    wants = []
    for go_file in sorted(case.rglob("*.go")):
        rel = go_file.relative_to(case).as_posix()
        for number, line in enumerate(go_file.read_text(encoding="utf-8").splitlines(), start=1):
            match = _WANT.search(line)
            if match:
                for info, quoted in _QUOTED.findall(match.group(1)):
                    wants.append(Want(rel, number, quoted.replace('\\"', '"'), bool(info)))
    return wants


def check_case(rule: str, case: Path) -> list[Finding]:
    """Assert the case's wants and goldens; returns the findings for extra assertions."""
    assert rule in RULES_BY_NAME, f"unknown rule {rule}"
    result = scan(case, Config(), rules=(rule,), use_cache=False, workers=1)
    findings = result.findings
    wants = collect_wants(case)
    problems = []
    for finding in findings:
        for want in wants:
            if (
                not want.matched
                and want.path == finding.path
                and want.line == finding.line
                and re.search(want.pattern, finding.message)
            ):
                want.matched = True
                if want.info != (finding.severity is Severity.INFO):
                    level = "info" if want.info else "warning or above"
                    problems.append(
                        f"{finding.path}:{finding.line}: reported as {finding.severity.value} "
                        f"({finding.impact.value}: {finding.impact_reason or 'no reason'}), "
                        f"wanted {level}: {finding.message}"
                    )
                break
        else:
            problems.append(f"unexpected finding {finding.path}:{finding.line}: {finding.message}")
    problems += [
        f"missing finding {w.path}:{w.line} matching {w.pattern!r}" for w in wants if not w.matched
    ]
    # (A rule that fails on a file reports nothing there: not a pass.)
    problems += [f"{r.path}: {error}" for r in result.files for error in r.internal_errors]
    assert not problems, "\n".join(problems)

    changes = {c.path: c for c in plan_fixes(case, result.files, result.jobs, Applicability.UNSAFE)}
    update = os.environ.get("LEAKSCOPE_UPDATE_GOLDEN") == "1"
    for go_file in sorted(case.rglob("*.go")):
        rel = go_file.relative_to(case).as_posix()
        golden = go_file.with_name(go_file.name + ".golden")
        change = changes.get(rel)
        fixed = change.after if change is not None else go_file.read_bytes()
        if change is not None:
            assert error_count(parse(fixed)) == 0, f"{rel}: the fixed source does not parse"
        if update and (change is not None or golden.exists()):
            golden.write_bytes(fixed)
        if change is not None:
            assert golden.exists(), f"{rel} has fixes but no {golden.name}"
        if golden.exists():
            assert fixed.decode() == golden.read_text(encoding="utf-8"), (
                f"{rel}: fixed source differs from {golden.name}"
            )
    return findings


def check_fixed_case_builds(case: Path, tmp: Path, go: str, env: dict[str, str]) -> None:
    """The case with its goldens in place must build with `go build` and be gofmt-clean.

    Skipped, with the reason it gives, for a case holding a `NO_BUILD` file."""
    marker = case / "NO_BUILD"
    if marker.is_file():
        import pytest

        reason = marker.read_text(encoding="utf-8").strip()
        assert reason, f"{marker} must say why the case does not build"
        pytest.skip(f"{case.parent.name}/{case.name}: {reason}")
    target = tmp / case.name
    shutil.copytree(case, target)
    for golden in target.rglob("*.go.golden"):
        golden.with_name(golden.name.removesuffix(".golden")).write_bytes(golden.read_bytes())
        golden.unlink()
    build = subprocess.run(
        [go, "vet", "./..."], cwd=target, env=env, capture_output=True, text=True, timeout=300
    )
    assert build.returncode == 0, f"go vet failed for fixed {case.name}:\n{build.stderr}"
    gofmt = str(Path(go).parent / "gofmt")
    if not Path(gofmt).exists():
        gofmt = shutil.which("gofmt") or ""
    if gofmt:
        fmt = subprocess.run(
            [gofmt, "-l", "."], cwd=target, capture_output=True, text=True, timeout=60
        )
        assert fmt.stdout.strip() == "", f"not gofmt-clean after fixing {case.name}: {fmt.stdout}"


def shown(findings: list[Finding]) -> list[tuple[object, ...]]:
    """What a user sees of each finding (everything but fix-check bookkeeping), to compare a
    live or focused re-analysis with a full scan."""
    return [
        (
            f.path,
            f.rule,
            f.span,
            f.message,
            f.severity,
            f.impact,
            f.impact_reason,
            f.confidence,
            f.fix,
            f.no_fix_reason,
            f.related,
            f.fingerprint,
        )
        for f in findings
    ]
