"""The live path (`Project.update` after an edit) gives the findings of a full scan.

Rules look across the files of a package (a caller in another file, an append to a field in
another file): re-analysing one changed file must see its package's other files, and the
other files' findings must follow a change they depend on. Fixes of the live path are
checked lazily (`check_fixes`), with the same verdicts as a scan's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rule_harness import shown

from leakscope.core.config import Config
from leakscope.core.model import Finding
from leakscope.core.project import Project

FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def _copy(tmp_path: Path, rule: str, case: str) -> Path:
    root = tmp_path / case
    shutil.copytree(FIXTURES / rule / case, root, ignore=shutil.ignore_patterns("*.golden"))
    return root


def _full_scan(root: Path) -> list[Finding]:
    return Project(root, Config(), use_cache=False).scan().findings


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


CASES = [
    # graph.go keeps keys that iter.go's Next cuts out of the block: a copy there makes
    # Key return no piece, and graph.go's finding goes (its summary read iter.go).
    (
        "subslice-retention",
        "iterator-keys",
        "iter.go",
        "\tit.key = it.block[start : start+n]\n",
        "\tit.key = append([]byte(nil), it.block[start:start+n]...)\n",
    ),
    # The reset is reuse because pool_fill.go appends to the field: a comment in the reset's
    # function must not make it a finding (the changed file's own findings need the other).
    (
        "resliced-pointers",
        "not-drops",
        "pool_reset.go",
        "\te.elems = e.elems[:0]\n",
        "\t// reset for the next user\n\te.elems = e.elems[:0]\n",
    ),
    # The other file's finding depends on the edit: without the append, the reset drops
    # pointers that nothing writes again.
    (
        "resliced-pointers",
        "not-drops",
        "pool_fill.go",
        "\te.elems = append(e.elems, v)\n",
        "\t_ = v\n",
    ),
    # remember (store.go) is judged by what its caller in load.go passes: lines of a file.
    (
        "substring-retention",
        "across-files",
        "store.go",
        '\tkey, _, _ := strings.Cut(line, "=")\n',
        '\t// the key of a key=value line\n\tkey, _, _ := strings.Cut(line, "=")\n',
    ),
    # The caller changes what it passes: store.go's finding follows.
    (
        "substring-retention",
        "across-files",
        "load.go",
        "\t\tc.remember(line)\n",
        '\t\tc.remember("fixed")\n',
    ),
    # A helper of helpers.go now copies: load.go's findings through it (and through key and
    # skipA, which call it) go, though the summaries of its other helpers are reused.
    (
        "substring-retention",
        "helper-chains",
        "helpers.go",
        "\treturn s[:i]\n",
        "\treturn strings.Clone(s[:i])\n",
    ),
    # The caller no longer keeps the frame: frame.go's finding becomes minor.
    (
        "subslice-retention",
        "caller-keeps",
        "session.go",
        "\t\ts.history = append(s.history, m)\n",
        "\t\t_ = m\n",
    ),
    # A store (store.go) reports the pieces its callers (read.go) pass: an edit of the
    # storing method re-analyses it with its callers' calls...
    (
        "subslice-retention",
        "helper-stores",
        "store.go",
        "\tc.data = p // want",
        "\t// keep it\n\tc.data = p // want",
    ),
    # ... an edit elsewhere in its file keeps it...
    (
        "subslice-retention",
        "helper-stores",
        "store.go",
        '\tc.checked += bytes.Count(p, []byte("\\n"))\n',
        '\tc.checked += 2 * bytes.Count(p, []byte("\\n"))\n',
    ),
    # ... and a caller that no longer passes a piece takes it away.
    (
        "subslice-retention",
        "helper-stores",
        "read.go",
        "\t\tc.keep(buf[:n]) // (reported at the stores)\n",
        "\t\tc.keep(nil)\n",
    ),
    # And a helper that copied now returns its piece: a new finding in load.go.
    (
        "substring-retention",
        "helper-chains",
        "helpers.go",
        "\treturn strings.Clone(key(line))\n",
        "\treturn key(line)\n",
    ),
    # index.go's literals keep what labels.go's eachKey passes them: once it passes a copy,
    # their findings go (what a callback is given is the other file's summary).
    (
        "substring-retention",
        "callbacks",
        "labels.go",
        "\t\t\tfn(k)\n",
        "\t\t\tfn(strings.Clone(k))\n",
    ),
]


@pytest.mark.parametrize(("rule", "case", "name", "old", "new"), CASES)
def test_an_edit_gives_the_findings_of_a_full_scan(
    tmp_path: Path, rule: str, case: str, name: str, old: str, new: str
) -> None:
    root = _copy(tmp_path, rule, case)
    project = Project(root, Config(), use_cache=False)
    project.scan()
    # A first edit summarises the package (a scan's results carry no summaries).
    (root / name).write_text((root / name).read_text() + "\n// edited\n")
    project.update([root / name])
    _edit(root / name, old, new)

    # The changed file alone first, as the watch loop does: its own findings are final.
    update = project.update([root / name], settle=False)
    assert update.analysed == 1
    project.check_fixes()
    expected = _full_scan(root)
    mine = [f for f in project.findings if f.path == name]
    assert shown(mine) == shown([f for f in expected if f.path == name])

    # Then the package's other files, whose findings may depend on the changed one.
    project.settle()
    project.check_fixes()
    assert not project.pending_fixes()
    assert shown(project.findings) == shown(expected)


def test_an_edit_reuses_the_summaries_of_the_files_it_did_not_change(tmp_path: Path) -> None:
    root = _copy(tmp_path, "substring-retention", "helper-chains")
    project = Project(root, Config(), use_cache=False)
    project.scan()
    load = root / "load.go"
    load.write_text(load.read_text() + "\n// edited\n")
    project.update([load])
    first = _summaries(project)
    assert first.evaluations > 0  # head, key, skipA, ... of helpers.go: worked out

    _edit(load, "\t\tix.counted += len(r.name)\n", "\t\tix.counted += 2 * len(r.name)\n")
    project.update([load])
    again = _summaries(project)
    assert again is not first
    assert again.evaluations == 0  # each answer reused: none read load.go
    assert shown(project.findings) == shown(_full_scan(root))

    helpers = root / "helpers.go"
    _edit(helpers, "\treturn s[:i]\n", "\treturn s[:i+0]\n")
    project.update([helpers])
    assert _summaries(project).evaluations > 0  # what read helpers.go is worked out again


def _summaries(project: Project) -> object:
    """The retention summaries the project kept of the fixture's package."""
    (state,) = project._states.values()
    return state["retention-summaries"]


def test_the_default_update_settles_at_once(tmp_path: Path) -> None:
    root = _copy(tmp_path, "resliced-pointers", "not-drops")
    project = Project(root, Config(), use_cache=False)
    before = project.scan().findings
    _edit(root / "pool_fill.go", "\te.elems = append(e.elems, v)\n", "\t_ = v\n")
    update = project.update([root / "pool_fill.go"])
    assert not project.unsettled
    project.check_fixes()
    expected = _full_scan(root)
    assert shown(project.findings) == shown(expected)
    assert {f.fingerprint for f in update.added} == {f.fingerprint for f in expected} - {
        f.fingerprint for f in before
    }


def test_live_fixes_are_pending_until_checked(tmp_path: Path) -> None:
    root = _copy(tmp_path, "substring-retention", "across-files")
    project = Project(root, Config(), use_cache=False)
    project.scan()
    _edit(root / "store.go", "\tc.tags[name] = true", "\tc.tags[name] = true // tagged")
    project.update([root / "store.go"])
    pending = [f for f in project.findings if f.fix_pending]
    assert pending and all(f.fix is not None for f in pending)
    assert project.pending_fixes() == ["store.go"]
    # Step by step, as the app's idle worker goes.
    while project.pending_fixes():
        project.check_fixes(limit=1)
    assert not any(f.fix_pending for f in project.findings)
    assert shown(project.findings) == shown(_full_scan(root))
    # The same content again (an undo, an editor's revert): checked fixes are reused.
    text = (root / "store.go").read_text()
    (root / "store.go").write_text(text + "\n")
    project.update([root / "store.go"])
    (root / "store.go").write_text(text)
    project.update([root / "store.go"])
    assert not project.pending_fixes() or all(
        f.path == "store.go" for f in project.findings if f.fix_pending
    )


def _stores_project(tmp_path: Path, name: str) -> tuple[Path, Path, Project]:
    """The helper-stores fixture, scanned, with `name` given other functions (so that an
    edit of one is a small part of the file: re-analysed in focus) and edited once."""
    root = _copy(tmp_path, "subslice-retention", "helper-stores")
    path = root / name
    fillers = "".join(f"\nfunc filler{i}(n int) int {{\n\treturn n + {i}\n}}\n" for i in range(12))
    path.write_text(path.read_text() + fillers)
    project = Project(root, Config(), use_cache=False)
    project.scan()
    path.write_text(path.read_text() + "\n// edited\n")
    project.update([path])
    return root, path, project


def test_a_store_keeps_the_pieces_its_callers_pass_across_an_edit_of_a_caller(
    tmp_path: Path,
) -> None:
    # store.go reports the pieces read.go's loop passes. An edit of another function of
    # read.go is re-analysed in focus, and store.go with it (the default `settle`): the
    # calls outside that focus still count.
    root, read, project = _stores_project(tmp_path, "read.go")
    focused = project.focused
    _edit(read, "\treturn n + 3\n", "\treturn n + 30\n")
    project.update([read])
    assert project.focused == focused + 1
    stores = [f for f in project.findings if f.path == "store.go"]
    assert shown(stores) == shown([f for f in _full_scan(root) if f.path == "store.go"])
    assert len(stores) == 3


def test_an_edit_of_a_store_reports_the_pieces_its_callers_pass(tmp_path: Path) -> None:
    # An edit inside the storing method, re-analysed in focus on its own (`settle` False):
    # the pieces read.go passes are reported there at once.
    root, store, project = _stores_project(tmp_path, "store.go")
    focused = project.focused
    _edit(store, "\tc.data = p // want", "\t// keep it\n\tc.data = p // want")
    project.update([store], settle=False)
    assert project.focused == focused + 1
    mine = [f for f in project.findings if f.path == "store.go"]
    assert shown(mine) == shown([f for f in _full_scan(root) if f.path == "store.go"])
    assert len(mine) == 3


def test_an_edit_of_broken_code_gives_the_findings_of_a_full_scan(tmp_path: Path) -> None:
    """Tree-sitter's error recovery can shape a broken file otherwise when it re-parses it
    from the tree of its last text than when it parses it afresh: a file with errors is
    parsed afresh, so the live findings never depend on the edits that led to the text.
    (names_a and names_b are a random-edit run's texts of helper-stores' names.go, b
    closing one brace less.)"""
    broken = Path(__file__).parent / "fixtures" / "broken"
    root = tmp_path / "broken"
    root.mkdir()
    (root / "go.mod").write_text((broken / "go.mod.txt").read_text())
    names = root / "names.go"
    names.write_text((FIXTURES / "substring-retention" / "helper-stores" / "names.go").read_text())
    project = Project(root, Config(), use_cache=False)
    project.scan()
    for text in ("names_a.go.txt", "names_b.go.txt"):
        names.write_text((broken / text).read_text())
        project.update([names])
        project.settle()
        assert shown(project.findings) == shown(_full_scan(root)), text
    assert any("intern" in f.message for f in project.findings)
