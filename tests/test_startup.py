"""Start-up: a `check` served from the cache imports no rule and starts no process pool (the
warm run must stay a few percent of a cold one), and the registry's names match its rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from leakscope.core import rules

LEAKY = """package a

import "os"

func f(paths []string) {
	for _, p := range paths {
		f, _ := os.Open(p)
		defer f.Close()
	}
}
"""


def test_the_registry_names_its_rules_without_importing_them() -> None:
    assert tuple(rule.name for rule in rules.RULES) == rules.RULE_NAMES
    assert rules.names() == rules.RULE_NAMES
    assert set(rules.RULES_BY_NAME) == set(rules.RULE_NAMES)
    assert rules.get_rule("defer-in-loop") is rules.RULES_BY_NAME["defer-in-loop"]


def _check_imports(project: Path, cache: Path) -> dict[str, object]:
    code = """
        import json, sys
        from leakscope.cli import main
        status = main(["check", sys.argv[1], "--exit-zero"])
        loaded = sorted(m for m in sys.modules if m.startswith("leakscope.core.rules."))
        pool = "concurrent.futures.process" in sys.modules
        print(json.dumps({"status": status, "rules": loaded, "pool": pool}))
    """
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), str(project)],
        capture_output=True,
        text=True,
        env={**os.environ, "LEAKSCOPE_CACHE_DIR": str(cache)},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_a_check_served_from_the_cache_imports_no_rule(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "go.mod").write_text("module p\n\ngo 1.22\n")
    (project / "a.go").write_text(LEAKY)
    cold = _check_imports(project, tmp_path / "cache")
    assert cold["status"] == 0 and "leakscope.core.rules.defer_in_loop" in cold["rules"]
    warm = _check_imports(project, tmp_path / "cache")
    assert warm == {"status": 0, "rules": [], "pool": False}
