"""The terminal app's parts without a running app: filter, diff rows, themes, session, keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_app_helpers import copy_project

from leakscope.core.config import load_config
from leakscope.core.fixes import FixError
from leakscope.core.model import Applicability, Confidence, Finding, Fix, Position, Severity, Span
from leakscope.core.rules import RULES_BY_NAME
from leakscope.ui.diffing import diff_texts, highlight_go
from leakscope.ui.keys import KEYS, KEYS_BY_ID, bindings, key_display, unknown_ids
from leakscope.ui.query import SearchIndex, parse_query, search_text
from leakscope.ui.screens.main import editor_command
from leakscope.ui.session import Session
from leakscope.ui.themes import (
    EXTRA_KEYS,
    LeakTheme,
    ThemeError,
    bundled_theme_dirs,
    colour_difference,
    contrast_ratio,
    fallback_theme,
    load_themes,
    parse_theme,
    remember_theme,
    remembered_theme,
    resolve_name,
)
from leakscope.ui.widgets.findings_tree import make_groups


def finding(
    rule: str = "substring-retention",
    path: str = "a/b.go",
    message: str = "keeps the whole line alive",
    severity: Severity = Severity.WARNING,
    fix: bool = False,
    line: int = 3,
) -> Finding:
    span = Span(0, 1, Position(line, 1), Position(line, 2))
    return Finding(
        rule,
        path,
        span,
        message,
        severity,
        Confidence.HIGH,
        Fix("copy", (), Applicability.SAFE) if fix else None,
        fingerprint=f"{rule}{path}{line}",
    )


# -- filter ----------------------------------------------------------------------------------


def test_words_must_all_match_rule_path_or_message() -> None:
    f = finding()
    assert parse_query("substring line").matches(f)
    assert parse_query("a/b.go WHOLE").matches(f)
    assert not parse_query("substring nothere").matches(f)
    assert parse_query("").matches(f)


def test_rule_path_severity_fixable_terms() -> None:
    a = finding(fix=True)
    b = finding(rule="defer-in-loop", path="x/y_test.go", severity=Severity.INFO)
    assert parse_query("rule:substring").matches(a) and not parse_query("rule:substring").matches(b)
    assert parse_query("rule:defer-*").matches(b)
    assert parse_query("path:*_test.go").matches(b) and not parse_query("path:*_test.go").matches(a)
    assert parse_query("path:x/*").matches(b)
    assert parse_query("path:x").matches(b) and not parse_query("path:x").matches(a)
    assert parse_query("severity:info").matches(b) and not parse_query("sev:info").matches(a)
    assert parse_query("sev:warn").matches(a)
    assert parse_query("fixable").matches(a) and not parse_query("fixable").matches(b)
    assert parse_query("-fixable").matches(b) and not parse_query("-fixable").matches(a)
    assert parse_query("-path:*_test.go").matches(a)


def test_unknown_severity_is_reported_and_matches_nothing() -> None:
    query = parse_query("severity:fatal")
    assert query.problems and "fatal" in query.problems[0]
    assert not query.matches(finding())


def test_half_typed_terms_do_not_filter_everything_out() -> None:
    assert parse_query("rule:").empty
    assert parse_query('"unclosed').matches(finding(message='an "unclosed quote'))


def test_filter_over_an_index_agrees_with_matches() -> None:
    items = [
        finding(
            rule=("defer-in-loop", "substring-retention")[i % 2],
            path=f"p{i % 3}/f{i}{'_test' if i % 4 == 0 else ''}.go",
            severity=(Severity.ERROR, Severity.WARNING, Severity.INFO)[i % 3],
            fix=i % 2 == 0,
            line=i,
            message=f"message {i}",
        )
        for i in range(40)
    ]
    index = SearchIndex(items)
    for text in [
        "fixable message",
        "-fixable",
        "rule:defer path:p1",
        "-path:*_test.go sev:info",
        "rule:*retention 1",
        "path:p2/* -rule:defer",
        "",
    ]:
        query = parse_query(text)
        assert query.filter(index) == [f for f in items if query.matches(f)], text
    assert index.texts[0] == search_text(items[0])


# -- grouping ---------------------------------------------------------------------------------


def test_groups_in_display_order_with_totals() -> None:
    items = [
        finding(path="b.go", rule="defer-in-loop", severity=Severity.INFO),
        finding(path="a.go", rule="substring-retention", severity=Severity.ERROR),
        finding(path="a.go", rule="defer-in-loop", line=9),
    ]
    by_file = make_groups(items, "file")
    assert [g.title for g in by_file] == ["a.go", "b.go"]
    assert [len(g.findings) for g in by_file] == [2, 1]
    by_rule = make_groups(items, "rule")
    assert [g.title for g in by_rule] == ["defer-in-loop", "substring-retention"]
    by_severity = make_groups(items, "severity")
    assert [g.title for g in by_severity] == ["error", "warning", "info"]
    filtered = make_groups(items[:1], "file", {"file:a.go": 2, "file:b.go": 1})
    assert filtered[0].total == 1


# -- diff rows -------------------------------------------------------------------------------

BEFORE = """package p

import "os"

// Open opens every path.
func Open(paths []string) {
\tfor _, p := range paths {
\t\tf, _ := os.Open(p)
\t\tdefer f.Close()
\t}
}

func Other() int {
\treturn 1
}
"""

AFTER = """package p

import "os"

// Open opens every path.
func Open(paths []string) {
\tfor _, p := range paths {
\t\tfunc() {
\t\t\tf, _ := os.Open(p)
\t\t\tdefer f.Close()
\t\t}()
\t}
}

func Other() int {
\treturn 1
}
"""


def test_diff_rows_mark_both_sides_and_keep_the_function() -> None:
    diff = diff_texts(BEFORE, AFTER)
    kinds = [r.kind for r in diff.side]
    assert "added" in kinds and "changed" in kinds
    shown_old = {r.old_no for r in diff.side if r.old_no}
    # The whole function (with its doc comment) is context; `Other` is not.
    assert {5, 6, 7, 10, 11} <= shown_old
    assert 13 not in shown_old
    # Re-indented lines are aligned with their old selves.
    pairs = {(r.old_no, r.new_no) for r in diff.side if r.kind == "changed"}
    assert (8, 9) in pairs and (9, 10) in pairs
    # The unified form has every old line as - and every new one as +.
    removed = [r.old_no for r in diff.unified if r.kind == "removed"]
    added = [r.new_no for r in diff.unified if r.kind == "added"]
    assert removed == [8, 9] and added == [8, 9, 10, 11]


def test_diff_character_spans_only_for_real_changes() -> None:
    diff = diff_texts("x := a[1:3]\n", "x := strings.Clone(a[1:3])\n")
    row = diff.side[0]
    assert row.kind == "changed" and row.new_spans and not row.old_spans
    same = diff_texts("\tx := 1\n", "\t\tx := 1\n")
    assert same.side[0].kind == "changed" and not same.side[0].new_spans


def test_diff_gap_rows_count_hidden_lines() -> None:
    before = "\n".join(f"// line {i}" for i in range(40)) + "\n"
    after = before.replace("// line 20", "// line twenty")
    diff = diff_texts(before, after)
    assert diff.side[0].kind == "gap" and diff.side[0].hidden == 17
    assert sum(1 for r in diff.side if r.kind != "gap") == 7


def test_highlight_go_uses_character_columns() -> None:
    from rich.style import Style

    lines = highlight_go('s := "ünï" + x\n', {"string": Style(bold=True)})
    spans = [(s.start, s.end) for s in lines[0].spans]
    assert (5, 10) in spans


# -- themes ----------------------------------------------------------------------------------


def test_bundled_themes_load_dark_and_light() -> None:
    assert bundled_theme_dirs()
    themes, problems = load_themes()
    assert problems == []
    assert themes["leakscope-dark"].dark and not themes["leakscope-light"].dark
    for leak_theme in themes.values():
        for key in EXTRA_KEYS:
            assert leak_theme.color(key).startswith("#")
            assert leak_theme.theme.variables[key] == leak_theme.color(key)
    assert resolve_name("light", themes) == "leakscope-light"
    assert resolve_name("nope", themes) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name = 1\n", "'name'"),
        ('name = "x"\nsyntax = "nope"\n[colors]\nprimary = "#000"\n', "'syntax'"),
        ('name = "x"\n[colors]\nprimary = "#000"\n[leakscope]\n', "needs 'leak-range'"),
        ('name = "x"\n[colors]\nprimary = "zzz"\n', "not a colour"),
        ('name = "x"\n[colours]\n', "unknown key 'colours'"),
        ('name = "x"\n[colors]\nprimay = "#000"\n', "unknown key 'primay'"),
        ("name = [\n", "invalid TOML"),
    ],
)
def test_theme_file_problems_are_named(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "t.toml"
    path.write_text(text)
    with pytest.raises(ThemeError, match=problem.replace("(", r"\(")) as info:
        parse_theme(path)
    assert str(path) in str(info.value)


def test_theme_choice_is_remembered_in_the_config_dir() -> None:
    assert remembered_theme() is None
    assert remember_theme("leakscope-light") is None
    assert remembered_theme() == "leakscope-light"
    assert remember_theme('odd "name"') is None
    assert remembered_theme() == 'odd "name"'


# -- keys -------------------------------------------------------------------------------------


def test_every_binding_has_a_unique_id_and_description() -> None:
    assert len(KEYS_BY_ID) == len(KEYS)
    for key in KEYS:
        assert key.description and key.keys
    main_ids = {b.id for b in bindings("main")}
    assert {"filter", "diff", "apply_fix", "undo", "apply_group", "ignore", "edit"} <= main_ids
    assert {"rescan", "grouping"} <= main_ids
    assert unknown_ids({"apply_fix": "x", "nope": "y"}) == ["nope"]
    assert key_display(KEYS_BY_ID["apply_fix"], {"apply_fix": "x,ctrl+f"}) == "x ctrl+f"
    assert key_display(KEYS_BY_ID["filter"], {}) == "/"


# -- editor -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("editor", "expected"),
    [
        ("vim", ["vim", "+12", "/p/a.go"]),
        ("nvim -u NONE", ["nvim", "-u", "NONE", "+12", "/p/a.go"]),
        ("code", ["code", "--goto", "/p/a.go:12:4"]),
        ("/usr/bin/subl", ["/usr/bin/subl", "/p/a.go:12:4"]),
    ],
)
def test_editor_command(monkeypatch: pytest.MonkeyPatch, editor: str, expected: list[str]) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor)
    assert editor_command(Path("/p/a.go"), 12, 4) == expected


def test_visual_wins_over_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISUAL", "nano")
    monkeypatch.setenv("EDITOR", "vim")
    assert editor_command(Path("a.go"), 1, 1)[0] == "nano"


# -- session ---------------------------------------------------------------------------------


def _session(root: Path) -> Session:
    session = Session(root, load_config(root, list(RULES_BY_NAME)))
    for _ in session.iter_scan():
        pass
    return session


def test_session_fix_undo_and_ignore(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    session = _session(root)
    path = "worker/files.go"
    original = (root / path).read_bytes()
    safe = [f for f in session.findings() if f.path == path and f.fix is not None]
    assert safe
    applied = session.fix(safe[:1], Applicability.SAFE, "fix one")
    assert applied.count == 1 and applied.paths == [path]
    assert (root / path).read_bytes() != original
    assert safe[0].fingerprint not in {f.fingerprint for f in session.findings()}
    entry = session.undo()
    assert entry.title == "fix one"
    assert (root / path).read_bytes() == original
    with pytest.raises(FixError, match="nothing to undo"):
        session.undo()
    no_fix = next(f for f in session.findings() if f.path == path and f.fix is None)
    with pytest.raises(FixError, match="reason"):
        session.ignore(no_fix, "   ")
    session.ignore(no_fix, "only three\npaths")
    text = (root / path).read_text().splitlines()
    assert text[no_fix.line - 1].strip() == "//leakscope:ignore defer-in-loop only three paths"
    assert no_fix.fingerprint not in {f.fingerprint for f in session.findings()}


def test_session_ignore_keeps_crlf(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    path = root / "worker" / "files.go"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    session = _session(root)
    target = next(f for f in session.findings() if f.path == "worker/files.go")
    session.ignore(target, "reviewed")
    data = path.read_bytes()
    assert b"//leakscope:ignore defer-in-loop reviewed\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_session_refuses_stale_and_deleted_files(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    session = _session(root)
    target = next(f for f in session.findings() if f.fix is not None)
    (root / target.path).write_text("// changed\n" + (root / target.path).read_text())
    with pytest.raises(FixError, match="changed since"):
        session.fix([target], Applicability.SAFE, "x")
    moved = next(f for f in session.findings() if f.fix is not None and f.path == target.path)
    (root / target.path).unlink()
    with pytest.raises(FixError, match="deleted"):
        session.fix([moved], Applicability.SAFE, "x")
    assert all(f.path != target.path for f in session.findings())


# -- fix preview in the explanation ------------------------------------------------------


def test_fix_preview_shows_the_changed_lines_dedented(tmp_path: Path) -> None:
    from leakscope.core.analysis import content_hash
    from leakscope.core.model import TextEdit
    from leakscope.ui.screens.main import PREVIEW_ROWS, fix_preview

    raw = b"package p\n\nfunc F(s string) {\n\tkept = s[:8]\n}\n"
    start = raw.index(b"s[:8]")
    fixed = Finding(
        "substring-retention",
        "p.go",
        Span(start, start + 5, Position(4, 9), Position(4, 14)),
        "m",
        Severity.WARNING,
        Confidence.HIGH,
        Fix("Copy", (TextEdit(start, start + 5, "strings.Clone(s[:8])"),), Applicability.SAFE),
    )
    rows = fix_preview(fixed, raw, content_hash(raw))
    assert rows == [("-", "kept = s[:8]"), ("+", "kept = strings.Clone(s[:8])")]
    # A file that changed since it was analysed gets no preview (its offsets are stale).
    assert fix_preview(fixed, raw, "another hash") == []
    # A long rewrite is cut, saying how much more there is.
    big = TextEdit(start, start + 5, "\n".join(f"x{i}" for i in range(20)))
    long_fix = Finding(
        fixed.rule,
        fixed.path,
        fixed.span,
        "m",
        fixed.severity,
        fixed.confidence,
        Fix("Long", (big,), Applicability.SAFE),
    )
    rows = fix_preview(long_fix, raw, content_hash(raw))
    assert len(rows) == PREVIEW_ROWS and rows[-1][0] == "…" and "more lines" in rows[-1][1]


def test_fix_preview_of_a_far_finding_in_a_big_file_picks_its_own_change() -> None:
    from leakscope.core.analysis import content_hash
    from leakscope.core.model import TextEdit
    from leakscope.ui.screens.main import fix_preview

    # An import edit at the top, the real change 3,000 lines below (only that one is diffed).
    body = "".join(f"func F{i}() {{}}\n" for i in range(3000))
    raw = f'package p\n\nimport "os"\n\n{body}func G(s string) {{\n\tkept = s[:8]\n}}\n'.encode()
    start = raw.index(b"s[:8]")
    line = raw.count(b"\n", 0, start) + 1
    imports = raw.index(b'import "os"')
    finding = Finding(
        "substring-retention",
        "p.go",
        Span(start, start + 5, Position(line, 9), Position(line, 14)),
        "m",
        Severity.WARNING,
        Confidence.HIGH,
        Fix(
            "Copy",
            (
                TextEdit(imports, imports + 11, 'import (\n\t"os"\n\t"strings"\n)'),
                TextEdit(start, start + 5, "strings.Clone(s[:8])"),
            ),
            Applicability.SAFE,
        ),
    )
    rows = fix_preview(finding, raw, content_hash(raw))
    assert rows == [("-", "kept = s[:8]"), ("+", "kept = strings.Clone(s[:8])")]
    # In a small file the edits are diffed together and the block nearest the finding shown.
    small = raw.replace(body.encode(), b"")
    start = small.index(b"s[:8]")
    near = Finding(
        finding.rule,
        finding.path,
        Span(start, start + 5, Position(6, 9), Position(6, 14)),
        "m",
        finding.severity,
        finding.confidence,
        Fix(
            "Copy",
            (finding.fix.edits[0], TextEdit(start, start + 5, "strings.Clone(s[:8])")),
            Applicability.SAFE,
        ),
    )
    assert fix_preview(near, small, content_hash(small)) == rows


def test_fix_preview_numbers_lines_from_the_top_of_the_file() -> None:
    from leakscope.core.analysis import content_hash
    from leakscope.core.model import TextEdit
    from leakscope.ui.screens.main import fix_preview

    # Two changes ten lines apart deep in a big file: the one at the finding is shown.
    body = "".join(f"func F{i}() {{}}\n" for i in range(3000))
    gap = "".join(f"\t_ = {i}\n" for i in range(10))
    raw = f"package p\n\n{body}func G(s string) {{\n\tkept = s[:8]\n{gap}\tmore = s[:9]\n}}\n"
    raw_b = raw.encode()
    first, second = raw_b.index(b"s[:8]"), raw_b.index(b"s[:9]")
    line = raw_b.count(b"\n", 0, first) + 1
    finding = Finding(
        "substring-retention",
        "p.go",
        Span(first, first + 5, Position(line, 9), Position(line, 14)),
        "m",
        Severity.WARNING,
        Confidence.HIGH,
        Fix(
            "Copy",
            (
                TextEdit(first, first + 5, "strings.Clone(s[:8])"),
                TextEdit(second, second + 5, "strings.Clone(s[:9])"),
            ),
            Applicability.SAFE,
        ),
    )
    rows = fix_preview(finding, raw_b, content_hash(raw_b))
    assert rows == [("-", "kept = s[:8]"), ("+", "kept = strings.Clone(s[:8])")]


def test_one_edit_turns_the_old_text_into_the_new() -> None:
    import random

    from leakscope.ui.widgets.source_view import _location, _one_edit

    rng = random.Random(4)
    base = "".join(f"line {i} é\tx\n" for i in range(2000))
    for _ in range(200):
        a, b = sorted(rng.randrange(len(base) + 1) for _ in range(2))
        insert = rng.choice(["", "\n", "new text\n", "ü", base[:5000]])
        new = base[:a] + insert + base[b:]
        start, old_end, new_end = _one_edit(base, new)
        assert base[:start] + new[start:new_end] + base[old_end:] == new
    assert _one_edit(base, base) == (len(base), len(base), len(base))
    assert _location("ab\ncd\n", 4) == (1, 1)
    assert _location("ab\ncd\n", 0) == (0, 0)
    assert _location("ab\ncd\n", 6) == (2, 0)


# -- the leak is the most visible thing on screen, in every theme (issue 15 item 9) ----------

# The leaky range must stand out from the background clearly, and clearly more than a related
# place does; the code on it must stay readable.
LEAK_MIN_DIFFERENCE = 25.0
LEAK_OVER_RELATED = 1.4
TEXT_MIN_CONTRAST = 4.5


def _bundled_themes() -> list[LeakTheme]:
    themes, problems = load_themes()
    assert problems == []
    bundled = [t for t in themes.values() if t.path is not None and t.path.parent.name == "themes"]
    assert {t.name for t in bundled} >= {"leakscope-dark", "leakscope-light"}
    return bundled


def _textual_fallbacks() -> list[LeakTheme]:
    from textual.theme import BUILTIN_THEMES

    # (The ansi themes use the terminal's own colours: nothing to measure.)
    return [fallback_theme(t) for t in BUILTIN_THEMES.values() if not t.name.startswith("ansi")]


@pytest.mark.parametrize("which", ["bundled", "textual"])
def test_the_leak_range_outshines_related_places(which: str) -> None:
    themes = _bundled_themes() if which == "bundled" else _textual_fallbacks()
    problems = []
    for leak_theme in themes:
        theme = leak_theme.theme
        foreground = theme.foreground or ("#e0e0e0" if theme.dark else "#1e1e1e")
        for background in filter(None, {theme.background, theme.surface}):
            leak = colour_difference(leak_theme.leak_range, background)
            related = colour_difference(leak_theme.related_range, background)
            where = f"{leak_theme.name} on {background}"
            if leak < LEAK_MIN_DIFFERENCE:
                problems.append(f"{where}: the leak range barely shows (ΔE {leak:.1f})")
            if leak < LEAK_OVER_RELATED * related:
                problems.append(
                    f"{where}: a related place (ΔE {related:.1f}) shows about as much as "
                    f"the leak (ΔE {leak:.1f})"
                )
        # The bundled themes' text colours are ours to keep readable on the ranges.
        for key in ("leak-range", "related-range") if which == "bundled" else ():
            ratio = contrast_ratio(foreground, leak_theme.color(key))
            if ratio < TEXT_MIN_CONTRAST:
                problems.append(f"{leak_theme.name}: code on {key} is hard to read ({ratio:.1f})")
    assert problems == []


def test_colour_difference_sees_saturation() -> None:
    # The old light theme: the pale yellow related line was the louder colour on white.
    assert colour_difference("#fff0b3", "#ffffff") > colour_difference("#ffcdd2", "#ffffff")
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
