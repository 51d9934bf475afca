"""The core never imports Textual: importing every leakscope.core module, and running the
headless commands, leaves `textual` out of sys.modules (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import leakscope.core

CORE_MODULES = sorted(
    m.name for m in pkgutil.walk_packages(leakscope.core.__path__, prefix="leakscope.core.")
)


def _python(code: str, tmp_path: Path) -> dict[str, object]:
    env = {**os.environ, "LEAKSCOPE_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_the_core_has_modules_to_check() -> None:
    # Guards the test below against an empty list passing trivially.
    for name in ("engine", "analysis", "fixes", "report", "rules", "config", "suppress"):
        assert f"leakscope.core.{name}" in CORE_MODULES


def test_importing_every_core_module_does_not_import_textual(tmp_path: Path) -> None:
    result = _python(
        f"""
        import importlib, json, sys
        names = {CORE_MODULES!r}
        for name in names:
            importlib.import_module(name)
        textual = sorted(m for m in sys.modules if m.split(".")[0] == "textual")
        imported = [m for m in names if m in sys.modules]
        print(json.dumps({{"textual": textual, "imported": imported}}))
        """,
        tmp_path,
    )
    assert result["imported"] == CORE_MODULES
    assert result["textual"] == []


def test_headless_commands_do_not_import_textual(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "go.mod").write_text("module m\n\ngo 1.22\n")
    (project / "a.go").write_text("package m\n\nfunc f() {}\n")
    result = _python(
        f"""
        import contextlib, io, json, sys
        from leakscope.cli import main
        p = {str(project)!r}
        runs = [["check", p], ["check", "--format", "sarif", p], ["fix", "--diff", p],
                ["rule"], ["rule", "defer-in-loop"]]
        with contextlib.redirect_stdout(io.StringIO()):
            codes = [main(args) for args in runs]
        textual = [m for m in sys.modules if m.split(".")[0] == "textual"]
        print(json.dumps({{"codes": codes, "textual": textual}}))
        """,
        tmp_path,
    )
    assert result["codes"] == [0, 0, 0, 0, 0]
    assert result["textual"] == []


def test_the_check_detects_textual(tmp_path: Path) -> None:
    """The probe itself works: importing Textual is seen."""
    result = _python(
        """
        import json, sys
        import textual.app
        print(json.dumps({"textual": [m for m in sys.modules if m.split(".")[0] == "textual"]}))
        """,
        tmp_path,
    )
    assert "textual.app" in result["textual"]
