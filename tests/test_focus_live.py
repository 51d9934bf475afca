"""A focused re-analysis (an edit inside one function's body: the rules look again at that
function and at what may depend on it, the other findings are moved) gives the findings of a
full scan.

Every rule's fixtures are edited function by function (a comment, a statement dropped, a
statement doubled) and the live model is compared with a fresh scan after each edit.
`LEAKSCOPE_FOCUS_ALL=1` edits every function of every fixture (slow); by default a fixed
sample is taken.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rule_harness import shown

from leakscope.core import analysis
from leakscope.core.analysis import FUNCTION_DECLS, FocusPlan, plan_focus
from leakscope.core.config import Config
from leakscope.core.index import PackageIndex, summarize_file
from leakscope.core.project import Project
from leakscope.core.syntax import parse

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
ALL = os.environ.get("LEAKSCOPE_FOCUS_ALL") == "1"


def _edits(source: bytes) -> Iterator[tuple[str, bytes]]:
    """(what, new source) for edits inside the bodies of the file's functions."""
    tree = parse(source)
    for decl in tree.root_node.children:
        if decl.type not in FUNCTION_DECLS:
            continue
        body = decl.child_by_field_name("body")
        if body is None:
            continue
        name = decl.child_by_field_name("name")
        where = name.text.decode() if name is not None and name.text else "?"
        at = body.start_byte + 1
        yield f"{where}: comment", source[:at] + b"\n\t// edited" + source[at:]
        statements = [c for c in body.named_children if c.type != "comment"]
        for i, stmt in enumerate(statements[:3]):
            line_start = source.rfind(b"\n", 0, stmt.start_byte) + 1
            line_end = source.find(b"\n", stmt.end_byte) + 1 or len(source)
            text = source[line_start:line_end]
            yield f"{where}: drop #{i}", source[:line_start] + source[line_end:]
            if i == 0:
                yield f"{where}: double #0", source[:line_end] + text + source[line_end:]


def _cases() -> list[Path]:
    cases = sorted(p for p in FIXTURES.glob("*/*") if p.is_dir())
    return cases if ALL else cases[::4]


@pytest.mark.parametrize("case", _cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_focused_reanalysis_matches_a_full_scan(
    tmp_path: Path, case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (Fixtures are small files: focus on however much of them an edit ties in.)
    monkeypatch.setattr(analysis, "FOCUS_MAX_SHARE", 1.0)
    root = tmp_path / case.name
    shutil.copytree(case, root, ignore=shutil.ignore_patterns("*.golden"))
    project = Project(root, Config(), use_cache=False)
    project.scan()
    files = sorted(root.rglob("*.go"))
    for path in files if ALL else files[:2]:
        original = path.read_bytes()
        edits = list(_edits(original))
        for what, new in edits if ALL else edits[::3]:
            # A first edit outside the functions: a full live analysis, which the focused
            # one then starts from.
            path.write_bytes(original + b"\n// primed\n")
            project.update([path])
            focused = project.focused
            path.write_bytes(new + b"\n// primed\n")
            project.update([path])
            project.check_fixes()
            expected = Project(root, Config(), use_cache=False).scan().findings
            label = f"{path.relative_to(root)}: {what} (focused: {project.focused > focused})"
            assert shown(project.findings) == shown(expected), label
        path.write_bytes(original)
        project.update([path])


# Edits whose effect reaches other functions of the file: the focused re-analysis must
# look at those too. (fixture case, file, old text, new text)
REACHING = [
    # The helper no longer makes a ticker: its caller's finding goes.
    (
        "ticker-not-stopped/helpers",
        "tickers.go",
        "\treturn time.NewTicker(d)\n}\n\n// jittered",
        "\treturn nil\n}\n\n// jittered",
    ),
    # main now calls waitOnce in a loop: its ticker is no longer made once.
    (
        "ticker-not-stopped/main_package",
        "main.go",
        "\twaitOnce()\n",
        "\tfor range 3 {\n\t\twaitOnce()\n\t}\n",
    ),
]


@pytest.mark.parametrize(("case", "name", "old", "new"), REACHING)
def test_an_edit_reaching_other_functions(
    tmp_path: Path, case: str, name: str, old: str, new: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analysis, "FOCUS_MAX_SHARE", 1.0)
    root = tmp_path / "case"
    shutil.copytree(FIXTURES / case, root, ignore=shutil.ignore_patterns("*.golden"))
    path = root / name
    text = path.read_text()
    assert old in text
    project = Project(root, Config(), use_cache=False)
    before = project.scan().findings
    path.write_text(text + "\n// primed\n")
    project.update([path])
    path.write_text(text.replace(old, new, 1) + "\n// primed\n")
    focused = project.focused
    project.update([path])
    assert project.focused == focused + 1
    project.check_fixes()
    expected = Project(root, Config(), use_cache=False).scan().findings
    assert shown(project.findings) == shown(expected)
    # (The edit does change a finding outside the edited function.)
    assert shown(expected) != shown(before)


GO = """package p

import "os"

var kept []byte

func helper(b []byte) {
	kept = b[:4]
}

func caller(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	helper(data)
	return nil
}

func other(paths []string) {
	for _, p := range paths {
		f, _ := os.Open(p)
		defer f.Close()
	}
}
"""


def _plan(old: str, new: str) -> FocusPlan | None:
    old_tree, new_tree = parse(old.encode()), parse(new.encode())
    index = PackageIndex([summarize_file("p.go", new_tree)])
    return plan_focus(old.encode(), old_tree, new.encode(), new_tree, index, [], [], None)


def test_a_helper_edit_focuses_its_callers_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analysis, "FOCUS_MAX_SHARE", 1.0)  # (a small file)
    new = GO.replace("kept = b[:4]", "kept = b[:5]")
    plan = _plan(GO, new)
    assert plan is not None
    focused = {new[a:b].split("(")[0] for a, b in plan.focus}
    assert focused == {"func helper", "func caller", "var kept []byte"}


def test_edits_outside_one_body_are_analysed_in_full() -> None:
    # A signature, a new declaration, a change across two functions: no plan.
    assert _plan(GO, GO.replace("func helper(b []byte)", "func helper(b []byte, n int)")) is None
    assert _plan(GO, GO + "\nfunc added() {}\n") is None
    two = GO.replace("kept = b[:4]", "kept = b[:5]").replace("defer f.Close()", "f.Close()")
    assert _plan(GO, two) is None
    # Inside a body, but it closes the function and opens another: the top level changed.
    assert _plan(GO, GO.replace("\thelper(data)\n", "}\n\nfunc x() {\n")) is None


def test_a_prepared_file_is_focused_from_its_first_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analysis, "FOCUS_MAX_SHARE", 1.0)
    root = tmp_path / "case"
    shutil.copytree(
        FIXTURES / "ticker-not-stopped" / "helpers", root, ignore=shutil.ignore_patterns("*.golden")
    )
    project = Project(root, Config(), use_cache=False)
    scanned = project.scan().findings
    assert project.prepare("tickers.go")
    # Nothing changes: same findings, the scan's checked fixes kept; done once.
    assert shown(project.findings) == shown(scanned)
    assert not project.pending_fixes()
    assert not project.unsettled
    assert not project.prepare("tickers.go")
    path = root / "tickers.go"
    path.write_text(
        path.read_text().replace("\tt := time.NewTicker(d + d/10)\n", "\tt := time.NewTicker(d)\n")
    )
    project.update([path])
    assert project.focused == 1
    project.check_fixes()
    assert shown(project.findings) == shown(
        Project(root, Config(), use_cache=False).scan().findings
    )
