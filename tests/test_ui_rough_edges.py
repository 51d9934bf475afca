"""Issue 15, the rough edges a new user hits: each driven with Pilot as a user would.

The CLI's items are in test_cli.py; the themes' contrast in test_ui_parts.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_ui_watch import app_of, running, until
from textual.widgets import Footer, Input
from ui_app_helpers import Notes, app_for, copy_project, find, select, settle, tree

from leakscope.core.model import Applicability
from leakscope.core.report import has_unsafe_fix, is_fixable
from leakscope.ui.screens.dialogs import ConfirmScreen, PromptScreen
from leakscope.ui.screens.diff import DiffScreen
from leakscope.ui.screens.help import HelpScreen, help_text
from leakscope.ui.widgets.findings_tree import Palette

SIZE = (160, 45)
SMALL = (80, 24)
FILES = "worker/files.go"
SAFE_LINE = 17  # defer-in-loop with a safe fix
STORE = "store/store.go"  # subslice-retention at line 22, unsafe fix


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def _palette_titles(app: object) -> list[str]:
    return [str(c.title) for c in app.get_system_commands(app.screen)]  # type: ignore[attr-defined]


# -- item 1: every way to apply an unsafe fix asks first -------------------------------------


async def test_no_path_applies_an_unsafe_fix_without_asking(project: Path) -> None:
    app = app_for(project)
    original = (project / STORE).read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        unsafe = find(app, "subslice-retention", STORE, 22)
        assert unsafe.fix is not None and unsafe.fix.applicability is Applicability.UNSAFE
        # The command palette has no command that applies a fix.
        titles = _palette_titles(app)
        assert not [t for t in titles if "fix" in t.lower() or "apply" in t.lower()], titles
        # F applies the safe fixes of the group only, and asks first.
        await select(pilot, unsafe)
        await pilot.press("F")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)  # store.go has no safe fix
        assert (project / STORE).read_bytes() == original
        # f asks, and so does f in the side-by-side view (tests/test_ui_app.py: each path).
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.title_text == "Apply an unsafe fix?"
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert (project / STORE).read_bytes() == original


# -- item 2: the command palette finds files -------------------------------------------------


async def test_command_palette_finds_files(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert f"File: {STORE}" in _palette_titles(app)
        await pilot.press("ctrl+p", *"store.go")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is app.main
        finding = tree(app).selected_finding
        assert finding is not None and finding.path == STORE


# -- item 3: a remap that hides a key is reported, the help screen shows the ids -------------


async def test_a_remap_that_takes_another_bindings_key_is_reported(project: Path) -> None:
    config = project / "leakscope.toml"
    config.write_text(config.read_text() + '\n[keys]\napply_fix = "d"\n')
    app = app_for(project)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        messages = [m for m, _ in notes.items] + [str(n.message) for n in app._notifications]
        assert any(
            'apply_fix = "d" takes d from diff (Compare the code and its fix side by side)' in m
            for m in messages
        ), messages


async def test_help_screen_shows_the_ids_the_config_remaps(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
    table = help_text({}, Palette())
    ids = [str(cell) for cell in table.columns[2].cells]
    assert {"apply_fix", "diff", "cursor_down", "confirm_yes"} <= set(ids)


# -- item 7: a list item's continuation line stays in its bullet -----------------------------


async def test_explanation_keeps_each_bullet_whole(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")  # group by rule
        await settle(pilot)
        node = next(n for n in tree(app).root.children if n.data.title == "defer-in-loop")
        tree(app).move_cursor(node)
        await settle(pilot)
        text = str(app.main.query_one("#explanation-text").render())
        assert "• a defer inside a function literal inside the loop" in text
        bullet = text[text.index("• a defer inside a function literal") :].split("\n")[0]
        assert "that literal returns every iteration" in bullet, bullet


# -- item 8: "fixable" is a safe fix, the other kind is named ------------------------------


async def test_status_line_counts_fixable_as_the_cli_does(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = app.main.shown
        safe, unsafe = sum(map(is_fixable, shown)), sum(map(has_unsafe_fix, shown))
        assert safe and unsafe
        status = app.main.status.render_info().plain
        fixes = "unsafe fix" if unsafe == 1 else "unsafe fixes"
        assert f" · {safe} fixable · {unsafe} {fixes} · " in status, status
        await pilot.press("slash", *"fixable", "enter")
        await settle(pilot)
        assert len(app.main.shown) == safe


# -- item 10: wording and small things ------------------------------------------------------


async def test_ignore_prompt_example_fits_the_rule(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        placeholders = []
        for finding in (
            find(app, "defer-in-loop", FILES, SAFE_LINE),
            find(app, "subslice-retention", STORE, 22),
        ):
            await select(pilot, finding)
            await pilot.press("i")
            await settle(pilot)
            assert isinstance(app.screen, PromptScreen)
            placeholders.append(app.screen.query_one(Input).placeholder)
            await pilot.press("escape")
            await settle(pilot)
        assert placeholders[0] != placeholders[1]
        assert "loop" in placeholders[0] and "buf" in placeholders[1]


async def test_n_and_p_always_say_where_they_went(project: Path) -> None:
    app = app_for(project)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # One change (the loop body wrapped in a function literal).
        await select(pilot, find(app, "defer-in-loop", FILES, SAFE_LINE))
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        for key in ("n", "p"):
            notes.items.clear()
            await pilot.press(key)
            await pilot.pause()
            assert notes.last == "This fix makes one change: it is the one shown."
        await pilot.press("escape")
        await settle(pilot)
        # Two changes (the import and the copy), the view opened at the second.
        await select(pilot, find(app, "subslice-retention", STORE, 22))
        await pilot.press("d")
        await settle(pilot)
        said = []
        for key in ("n", "n", "p", "p", "p"):
            await pilot.press(key)
            await pilot.pause()
            said.append(notes.last)
        assert said[-3:] == [
            "Change 1 of 2",
            "No change before this one (2 in all).",
            "No change before this one (2 in all).",
        ], said
        assert "No change after this one (2 in all)." in said[:2], said


async def test_rescan_says_when_it_is_done_and_updates_the_time(project: Path) -> None:
    app = app_for(project)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.status.info.last_update == ""
        await pilot.press("r")
        await settle(pilot)
        n = len(app.main.shown)
        assert notes.last.startswith(f"Rescanned: {n} findings in "), notes.items
        assert app.main.status.info.last_update != ""
        assert "updated " in app.main.status.render_info().plain


async def test_an_empty_filter_result_says_so(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for grouping in ("file", "rule"):
            app.main.set_grouping(grouping)
            await pilot.press("slash", *"zzzz", "enter")
            await settle(pilot)
            assert app.main.shown == []
            assert app.main.query_one("#left").has_class("-empty")
            empty = str(app.main.query_one("#empty").render())
            assert "No finding matches the filter" in empty and "zzzz" in empty
            await pilot.press("slash", "escape")
            await settle(pilot)


async def test_at_80x24_the_footer_and_status_line_stay_visible(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        footer = app.main.query_one(Footer)
        assert footer.compact
        quit_key = next(k for k in footer.query("FooterKey") if k.action == "app.quit_app")
        assert quit_key.region.right <= SMALL[0] - len("^p Commands")
        status = app.main.status.region
        app.notify("a notification", timeout=10)
        await pilot.pause(0.3)
        toasts = list(app.screen.query("Toast"))
        assert toasts
        for toast in toasts:
            assert toast.region.bottom <= status.y, (toast.region, status)


async def test_the_demo_shows_where_its_copy_is(project: Path) -> None:
    app = app_for(project, demo=True)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        banner = str(app.main.query_one("#banner").render())
        assert banner.startswith("demo copy (kept after you quit): ")
        assert str(project) in banner
    plain = app_for(project)
    async with plain.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert not plain.main.query("#banner")


async def test_a_plain_rename_marks_nothing_new(project: Path) -> None:
    async with running(project) as pilot:
        app = app_of(pilot)
        before = sorted(f.rule for f in app.main.all_findings if f.path == STORE)
        assert before
        shutil.move(project / STORE, project / "store" / "kept.go")
        await until(
            pilot,
            lambda: (
                sorted(f.rule for f in app.main.all_findings if f.path == "store/kept.go") == before
            ),
            "the renamed file's findings",
        )
        await pilot.pause(0.1)
        assert tree(app).fresh == {}
        (project / "store" / "extra.go").write_text(
            (project / "store" / "kept.go")
            .read_text()
            .replace("package store", "package store")
            .replace("func ", "func X", 1)
        )
        await until(pilot, lambda: bool(tree(app).fresh), "a copy's findings marked new")
