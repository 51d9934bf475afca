from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from leakscope.core import analysis
from leakscope.core.config import Config
from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.engine import scan
from leakscope.core.model import FixAvailability, Rule, Severity


def crashing(ctx: FileContext) -> Iterator[Diagnostic]:
    raise RecursionError("maximum recursion depth exceeded")
    yield  # pragma: no cover


def test_a_crashing_rule_is_reported_and_the_others_still_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = Rule("crashes", "s", "d", Severity.WARNING, FixAvailability.NEVER, crashing)
    monkeypatch.setitem(analysis.RULES_BY_NAME, "crashes", rule)
    (tmp_path / "go.mod").write_text("module x\n\ngo 1.22\n")
    (tmp_path / "a.go").write_text(
        'package a\n\nimport "os"\n\nfunc f(ps []string) {\n\tfor _, p := range ps {\n'
        "\t\tf, _ := os.Open(p)\n\t\tdefer f.Close()\n\t}\n}\n"
    )
    result = scan(tmp_path, Config(), rules=("crashes", "defer-in-loop"), use_cache=False)
    [file] = result.files
    assert file.internal_errors == [
        "rule crashes failed: RecursionError: maximum recursion depth exceeded"
    ]
    assert [f.rule for f in file.findings] == ["defer-in-loop"]
