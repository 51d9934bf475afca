"""The `leakscope` command: every subcommand, format, flag and exit code.

Most tests call `main([...])` in-process with the test-only `fake-leak` rule (see
fake_rules.py); a few run the installed `leakscope` entry point as a subprocess.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fake_rules import FAKE, install

from leakscope import __version__, cli
from leakscope.core import engine
from leakscope.core.report import all_rules

GO_MOD = "module example.com/m\n\ngo 1.22\n"
PRELUDE = """package m

func Leak(s string)     {}
func Clean(s string)    {}
func Risky(s string)    {}
func Careful(s string)  {}
func Hopeless(s string) {}
func Pair()             {}
func Done()             {}
func Also()             {}

"""
LEAKY = PRELUDE + 'func f() {\n\tLeak("a")\n\tRisky("b")\n\tHopeless("c")\n}\n'
CLEAN = PRELUDE + 'func f() {\n\tClean("a")\n}\n'
REPO = Path(__file__).resolve().parent.parent

Run = Callable[..., tuple[int, str, str]]


def make_project(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text(GO_MOD)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch)


@pytest.fixture
def leaky(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj", {"a.go": LEAKY, "pkg/b.go": CLEAN})


# -- global flags ----------------------------------------------------------------------------


def test_version(run: Run) -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.strip() == f"leakscope {__version__}"


def test_help_lists_the_subcommands(run: Run) -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in ("check", "fix", "rule", "demo"):
        assert re.search(rf"^\s+{command}\s", out, re.M), command
    assert "open" not in re.findall(r"^\s+(\w+)\s", out, re.M)


def test_unknown_option_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    code, _, err = run("check", "--frobnicate", cwd=tmp_path)
    assert code == 2 and "unrecognized arguments: --frobnicate" in err
    code, _, err = run("check", "--format", "xml", cwd=tmp_path)
    assert code == 2 and "invalid choice: 'xml'" in err


# -- check: exit codes and formats -----------------------------------------------------------


def test_check_exit_1_with_findings_text(run: Run, leaky: Path, fake: None) -> None:
    code, out, err = run("check", cwd=leaky)
    assert code == 1, err
    assert out.splitlines()[0] == "a.go:13:2: fake-leak: Leak leaks its argument [*]"
    assert out.splitlines()[-1].startswith("Found 3 findings (fake-leak: 3)")
    assert err == ""


def test_check_exit_0_when_clean(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path, {"a.go": CLEAN})
    code, out, _ = run("check", cwd=root)
    assert code == 0
    assert out == "No findings; 1 file scanned.\n"


def test_check_exit_zero_flag(run: Run, leaky: Path, fake: None) -> None:
    code, out, _ = run("check", "--exit-zero", cwd=leaky)
    assert code == 0 and "Found 3 findings" in out


MINOR_TEST = 'package m\n\nfunc g() {\n\tLeak("t")\n}\n'


def test_minor_findings_are_counted_not_shown_and_never_fail(
    run: Run, tmp_path: Path, fake: None
) -> None:
    """Test code is bounded: its findings are info, hidden by default and never exit 1."""
    root = make_project(tmp_path, {"a.go": CLEAN, "a_test.go": MINOR_TEST})
    code, out, _ = run("check", cwd=root)
    assert code == 0
    assert out == (
        "No findings; 2 files scanned; 1 minor finding not shown "
        "(--min-severity info shows them).\n"
    )
    code, out, _ = run("check", "--min-severity", "info", cwd=root)
    assert code == 0
    assert out.splitlines()[0] == (
        "a_test.go:4:2: fake-leak (info: test code: it lasts at most as long as the test): "
        "Leak leaks its argument [*]"
    )
    code, out, _ = run("check", "--format", "json", cwd=root)
    assert json.loads(out)["findings"] == []
    code, out, _ = run("check", "--format", "json", "--min-severity", "info", cwd=root)
    (finding,) = json.loads(out)["findings"]
    assert (finding["severity"], finding["impact"]) == ("info", "bounded")
    assert finding["impact_reason"].startswith("test code")


def test_a_warning_still_fails_next_to_minor_findings(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path, {"a.go": LEAKY, "a_test.go": MINOR_TEST})
    code, out, _ = run("check", "--min-severity", "info", cwd=root)
    assert code == 1 and "Found 4 findings" in out
    code, out, _ = run("check", "--min-severity", "error", cwd=root)
    assert code == 0  # the fake rule's findings are warnings: none is shown, none fails


def test_fix_leaves_minor_findings_unless_asked(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path, {"a.go": CLEAN, "a_test.go": MINOR_TEST})
    code, out, _ = run("fix", "--unverified", cwd=root)
    assert code == 0 and out == "Nothing to fix.\n"
    assert 'Leak("t")' in (root / "a_test.go").read_text()
    code, out, _ = run("fix", "--unverified", "--min-severity", "info", cwd=root)
    assert code == 0, out
    assert 'Clean("t")' in (root / "a_test.go").read_text()


@pytest.mark.parametrize("fmt", ["json", "sarif", "github"])
def test_check_formats(run: Run, leaky: Path, fake: None, fmt: str) -> None:
    code, out, _ = run("check", "--format", fmt, cwd=leaky)
    assert code == 1
    if fmt == "json":
        data = json.loads(out)
        assert [f["line"] for f in data["findings"]] == [13, 14, 15]
        assert data["findings"][0]["path"] == "a.go"
    elif fmt == "sarif":
        from test_report import validate_sarif

        data = json.loads(out)
        validate_sarif(data)
        assert len(data["runs"][0]["results"]) == 3
    else:
        lines = out.splitlines()
        assert len(lines) == 3
        assert lines[0].startswith("::warning file=a.go,line=13,col=2,")


def test_check_one_folder_argument_is_the_root(run: Run, leaky: Path, fake: None) -> None:
    code, out, _ = run("check", "--format", "json", str(leaky), cwd=leaky.parent)
    assert code == 1
    assert json.loads(out)["findings"][0]["path"] == "a.go"  # relative to the root
    code, out, _ = run("check", str(leaky), cwd=leaky.parent)
    assert out.startswith("proj/a.go:13:2:")  # text shows paths from the working folder


def test_check_paths_inside_the_working_folder(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path / "proj", {"a.go": LEAKY, "pkg/b.go": LEAKY, "c.go": LEAKY})
    code, out, _ = run("check", "--format", "json", "a.go", "pkg", cwd=root)
    assert code == 1
    assert sorted({f["path"] for f in json.loads(out)["findings"]}) == ["a.go", "pkg/b.go"]


def test_check_of_one_file_still_indexes_its_package(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(
        tmp_path,
        {
            "a.go": "package m\n\nfunc Global() {}\n\nfunc f() { Global() }\n",
            "b.go": 'package m\n\nvar flagged int\n\nfunc g() { Leak("x") }\n',
            "c.go": PRELUDE,
        },
    )
    code, out, _ = run("check", "--format", "json", "a.go", cwd=root)
    assert code == 1
    assert [(f["path"], f["message"]) for f in json.loads(out)["findings"]] == [
        ("a.go", "Global sees the package variable flagged")
    ]  # found through b.go's declaration; b.go's own finding is not reported
    code, out, _ = run("check", "a.go", cwd=root)
    assert out.splitlines()[-1].endswith("; 1 file scanned.")


def test_check_path_outside_the_working_folder(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path / "proj", {"a.go": LEAKY})
    other = make_project(tmp_path / "other", {"b.go": LEAKY})
    code, out, err = run("check", "a.go", str(other / "b.go"), cwd=root)
    assert code == 2 and out == ""
    assert "is outside the current folder" in err and "Traceback" not in err


def test_check_missing_path(run: Run, tmp_path: Path) -> None:
    code, _, err = run("check", "nope.go", cwd=tmp_path)
    assert code == 2
    assert err == "leakscope: error: nope.go: no such file or folder\n"


def test_check_a_file_that_is_not_go(run: Run, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    code, _, err = run("check", "notes.txt", cwd=tmp_path)
    assert code == 2 and "notes.txt: not a Go file" in err


def test_check_statistics(run: Run, leaky: Path, fake: None) -> None:
    code, out, _ = run("check", "--statistics", cwd=leaky)
    assert code == 1
    # "fixable" means a safe fix, as in the summary and the app; the other kind is named.
    assert out.splitlines()[0].split() == ["3", FAKE, "1", "fixable,", "1", "unsafe", "fix"]
    assert out.splitlines()[-1].startswith(
        f"Found 3 findings ({FAKE}: 3); 1 fixable with `leakscope fix`; "
        "1 unsafe fix with `leakscope fix --unsafe`;"
    )
    assert "a.go:" not in out
    code, out, _ = run("check", "--statistics", "--format", "json", cwd=leaky)
    assert json.loads(out)["statistics"] == [
        {"rule": FAKE, "count": 3, "fixable": 1, "unsafe_fixes": 1}
    ]
    code, _, err = run("check", "--statistics", "--format", "sarif", cwd=leaky)
    assert code == 2 and "--statistics works with" in err


# -- rule selection --------------------------------------------------------------------------

DIRECTIVES = PRELUDE + (
    "func f() {\n"
    '\tLeak("a") //leakscope:ignore fake-leak the caller owns it\n'
    "\t//leakscope:ignore fake-leak\n"
    '\tLeak("b")\n'
    "}\n"
)


def test_select_and_ignore(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path, {"a.go": DIRECTIVES})
    code, out, _ = run("check", "--format", "json", cwd=root)
    rules = [f["rule"] for f in json.loads(out)["findings"]]
    assert rules == ["ignore-directive", FAKE]  # no reason: it suppresses nothing
    code, out, _ = run("check", "--format", "json", "--select", FAKE, cwd=root)
    assert [f["rule"] for f in json.loads(out)["findings"]] == [FAKE]
    code, out, _ = run("check", "--ignore", "ignore-directive", "--format", "json", cwd=root)
    assert [f["rule"] for f in json.loads(out)["findings"]] == [FAKE]
    code, out, _ = run("check", "--ignore", f"{FAKE},ignore-directive", cwd=root)
    assert code == 0 and out.startswith("No findings")
    code, out, _ = run("check", "--select", "ignore-directive", "--format", "json", cwd=root)
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["ignore-directive"]


def test_selecting_other_rules_does_not_flag_directives_as_unused(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(monkeypatch, only=False)
    root = make_project(
        tmp_path, {"a.go": DIRECTIVES.replace("\t//leakscope:ignore fake-leak\n", "")}
    )
    other = next(r.name for r in all_rules() if r.name not in (FAKE, "ignore-directive"))
    code, out, _ = run("check", "--select", f"{other},ignore-directive", cwd=root)
    assert code == 0, out  # fake-leak did not run: its directive may well match when it does
    (root / "a.go").write_text(
        DIRECTIVES.replace('Leak("a")', 'Clean("a")').replace(
            "\t//leakscope:ignore fake-leak\n", ""
        )
    )
    code, out, _ = run("check", "--format", "json", cwd=root)
    messages = [f["message"] for f in json.loads(out)["findings"]]
    assert "this leakscope:ignore matches no fake-leak finding" in messages


def test_unknown_rule_names_are_usage_errors(run: Run, leaky: Path, fake: None) -> None:
    code, _, err = run("check", "--select", "fake-leak,nonsense", cwd=leaky)
    assert code == 2 and "--select: unknown rule 'nonsense'" in err
    assert FAKE in err  # the known names are listed
    code, _, err = run("fix", "--ignore", "bogus", cwd=leaky)
    assert code == 2 and "--ignore: unknown rule 'bogus'" in err


def test_config_select_and_ignore(run: Run, leaky: Path, fake: None) -> None:
    (leaky / "leakscope.toml").write_text('ignore = ["fake-leak"]\n')
    code, out, _ = run("check", cwd=leaky)
    assert code == 0 and out.startswith("No findings")
    code, out, _ = run("check", "--select", FAKE, cwd=leaky)
    assert code == 0  # the config's ignore still applies, as ruff's extend-ignore would


def test_config_errors_exit_2(run: Run, leaky: Path, fake: None) -> None:
    (leaky / "leakscope.toml").write_text('colour = "red"\n')
    code, out, err = run("check", cwd=leaky)
    assert code == 2 and out == ""
    assert "unknown key 'colour'" in err and "Traceback" not in err
    (leaky / "leakscope.toml").write_text('select = ["nonsense"]\n')
    code, _, err = run("fix", cwd=leaky)
    assert code == 2 and "'select' names unknown rule 'nonsense'" in err


def test_no_cache_analyses_again(
    run: Run, leaky: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = engine.analyse_package

    def counting(job: engine.PackageJob, overrides: object = None) -> object:
        calls.append(job.directory)
        return original(job, overrides)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "analyse_package", counting)
    run("check", cwd=leaky)
    assert sorted(calls) == ["", "pkg"]
    calls.clear()
    code, _, _ = run("check", cwd=leaky)
    assert code == 1 and calls == []  # warm: everything from the cache
    code, _, _ = run("check", "--no-cache", cwd=leaky)
    assert code == 1 and sorted(calls) == ["", "pkg"]


# -- fix -------------------------------------------------------------------------------------


def test_fix_applies_safe_fixes_and_reports(run: Run, leaky: Path, fake: None) -> None:
    code, out, err = run("fix", cwd=leaky)
    assert code == 1, err  # Risky and Hopeless remain
    assert out.splitlines() == [
        "Fixed a.go: 1 finding (fake-leak)",
        "2 findings remain: 1 with no automatic fix, 1 with an unsafe fix (apply with --unsafe)."
        " `leakscope check` lists them.",
    ]
    text = (leaky / "a.go").read_text()
    assert 'Clean("a")' in text and 'Risky("b")' in text


def test_fix_unsafe_and_exit_0_when_nothing_remains(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path, {"a.go": PRELUDE + 'func f() {\n\tLeak("a")\n\tRisky("b")\n}\n'})
    code, out, _ = run("fix", "--unsafe", cwd=root)
    assert code == 0
    assert out.splitlines() == ["Fixed a.go: 2 findings (fake-leak x2)", "No findings remain."]
    assert 'Careful("b")' in (root / "a.go").read_text()
    code, out, _ = run("fix", cwd=root)
    assert code == 0 and out == "Nothing to fix.\n"


def test_fix_diff_writes_nothing(run: Run, leaky: Path, fake: None) -> None:
    before = (leaky / "a.go").read_text()
    code, out, err = run("fix", "--diff", cwd=leaky)
    assert code == 1
    assert (leaky / "a.go").read_text() == before
    assert out.splitlines()[:2] == ["--- a/a.go", "+++ b/a.go"]
    assert '-\tLeak("a")' in out.splitlines() and '+\tClean("a")' in out.splitlines()
    assert 'Risky("b")' not in "".join(line for line in out.splitlines() if line[:1] in "+-")
    assert "Would fix 1 finding in 1 file." in err
    assert "2 findings would remain" in err
    code, out, _ = run("fix", "--diff", "--unsafe", cwd=leaky)
    assert '+\tCareful("b")' in out.splitlines()


def test_fix_diff_applies_as_a_patch(run: Run, leaky: Path, fake: None, tmp_path: Path) -> None:
    _, out, _ = run("fix", "--diff", cwd=leaky)
    patch = tmp_path / "fix.patch"
    patch.write_text(out)
    applied = subprocess.run(
        ["patch", "-p1", "--dry-run", "-i", str(patch)], cwd=leaky, capture_output=True, text=True
    )
    if applied.returncode == 127:
        pytest.skip("no patch program")
    assert applied.returncode == 0, applied.stdout + applied.stderr


def test_fix_diff_clean_project(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path, {"a.go": CLEAN})
    code, out, err = run("fix", "--diff", cwd=root)
    assert code == 0 and out == "" and "Nothing to fix." in err


def test_fix_select(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, only=False)
    root = make_project(tmp_path, {"a.go": LEAKY})
    other = next(r.name for r in all_rules() if r.name not in (FAKE, "ignore-directive"))
    code, out, _ = run("fix", "--select", other, cwd=root)
    assert out == "Nothing to fix.\n" and code == 0
    assert (root / "a.go").read_text() == LEAKY
    code, out, _ = run("fix", "--select", FAKE, cwd=root)
    assert out.startswith("Fixed a.go: 1 finding")


def test_fix_does_not_report_stale_skips(run: Run, tmp_path: Path, fake: None) -> None:
    """Two overlapping fixes: the second is skipped in round one, then resolved by the first."""
    root = make_project(tmp_path, {"a.go": PRELUDE + "func f() {\n\tPair()\n\tPair()\n}\n"})
    code, out, _ = run("fix", cwd=root)
    assert code == 0, out
    assert "Skipped" not in out
    assert out.splitlines()[0] == "Fixed a.go: 1 finding (fake-leak)"
    assert "\tDone()\n\tAlso()\n" in (root / "a.go").read_text()


def test_fix_reports_a_write_failure(
    run: Run, leaky: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leakscope.core.fixes import FixError

    def refuse(root: Path, change: object, **kwargs: object) -> None:
        raise FixError("a.go: cannot write: Read-only file system")

    monkeypatch.setattr(cli, "write_change", refuse)
    code, out, err = run("fix", cwd=leaky)
    assert code == 2
    assert err == "leakscope: error: a.go: cannot write: Read-only file system\n"
    assert "Fixed" not in out


# -- rule ------------------------------------------------------------------------------------


def test_rule_lists_every_rule(run: Run) -> None:
    code, out, _ = run("rule")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["rule", "severity", "fix", "go", "summary"]
    names = [line.split()[0] for line in lines[1:]]
    assert names == [r.name for r in all_rules()]
    for line, rule in zip(lines[1:], all_rules(), strict=True):
        assert rule.severity.value in line and rule.fix_availability.value in line
        assert line.endswith(rule.summary)


def test_rule_document_plain_when_not_a_terminal(run: Run) -> None:
    code, out, _ = run("rule", "ignore-directive")
    assert code == 0
    assert out.startswith("# ignore-directive\n")
    assert "## What it does" in out and "## Fix safety" in out


def test_rule_document_rendered_on_a_terminal(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _ = run("rule", "ignore-directive")
    assert code == 0
    assert "What it does" in out and "## What it does" not in out  # rendered by rich


def test_rule_unknown(run: Run) -> None:
    code, out, err = run("rule", "no-such-rule")
    assert code == 2 and out == ""
    assert "unknown rule 'no-such-rule'" in err
    for rule in all_rules():
        assert rule.name in err


def test_rule_fake_documents_go_versions(
    run: Run, monkeypatch: pytest.MonkeyPatch, fake: None
) -> None:
    from dataclasses import replace

    from fake_rules import FAKE_RULE

    from leakscope.core import report, rules

    bounded = replace(FAKE_RULE, min_go=(1, 18), max_go=(1, 23))
    for module in (rules, report):
        monkeypatch.setattr(module, "RULES", (bounded,))
    _, out, _ = run("rule")
    assert ">= 1.18, < 1.23" in out
    _, out, _ = run("rule", FAKE)
    assert "go versions: >= 1.18, < 1.23" in out


# -- the app, the demo, errors ---------------------------------------------------------------


def test_no_subcommand_without_the_app_runs_check(
    run: Run, leaky: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "load_app", lambda: None)
    code, out, _ = run(cwd=leaky)
    assert code == 1 and out.startswith("a.go:13:2: fake-leak")
    code, out, _ = run(str(leaky), cwd=leaky.parent)
    assert code == 1 and out.startswith("proj/a.go:13:2: fake-leak")


def test_no_subcommand_opens_the_app_on_a_terminal(
    run: Run, leaky: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[Path, object, str | None]] = []

    def run_app(root: Path, config: object, theme: str | None) -> int:
        seen.append((root, config, theme))
        return 0

    monkeypatch.setattr(cli, "load_app", lambda: run_app)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    (leaky / "leakscope.toml").write_text('theme = "leakscope-light"\n')
    code, out, _ = run("--theme", "leakscope-dark", str(leaky), cwd=leaky.parent)
    assert code == 0 and out == ""
    root, config, theme = seen[0]
    assert root == leaky.resolve() and theme == "leakscope-dark"
    assert config.theme == "leakscope-light"  # type: ignore[attr-defined]


def test_no_subcommand_without_a_terminal_prints_the_report(
    run: Run, leaky: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    called: list[object] = []
    monkeypatch.setattr(cli, "load_app", lambda: lambda *a: called.append(a))
    code, out, err = run(cwd=leaky)
    assert called == [] and code == 1
    assert "not a terminal" in err and out.startswith("a.go:13:2:")


def test_open_rejects_a_file(run: Run, leaky: Path) -> None:
    code, _, err = run("a.go", cwd=leaky)
    assert code == 2 and "leakscope opens a folder" in err


def test_load_app_missing_ui(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> object:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    monkeypatch.setattr(cli.importlib, "import_module", missing)
    assert cli.load_app() is None


def test_a_broken_ui_is_an_error_not_a_fallback(
    run: Run, leaky: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(name: str) -> object:
        raise ModuleNotFoundError("No module named 'textual'", name="textual")

    monkeypatch.setattr(cli.importlib, "import_module", broken)
    with pytest.raises(ModuleNotFoundError):
        cli.load_app()
    code, out, err = run(cwd=leaky)
    assert code == 2 and out == ""
    assert "the terminal app cannot start (No module named 'textual')" in err


def test_demo_copies_the_project_and_reports(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(cli, "load_app", lambda: None)
    code, out, err = run("demo", cwd=tmp_path)
    assert code == 0, err
    match = re.match(r"Copied the demo Go project to (\S+)\n", err)
    assert match, err
    copy = Path(match.group(1))
    assert copy.parent.parent == tmp_path.resolve() or copy.parent.parent == tmp_path
    assert (copy / "go.mod").read_text().splitlines()[2] == "go 1.22"
    assert "files scanned" in out.splitlines()[-1]
    # A second demo gets a fresh folder.
    code, _, err2 = run("demo", cwd=tmp_path)
    assert code == 0 and err2 != err


def test_interrupt_exits_130(run: Run, leaky: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "scan", interrupted)
    code, _, err = run("check", cwd=leaky)
    assert code == 130 and err == "interrupted\n"


def test_os_errors_exit_2_without_a_traceback(
    run: Run, leaky: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(leaky / "a.go"))

    monkeypatch.setattr(cli, "scan", denied)
    code, _, err = run("check", cwd=leaky)
    assert code == 2
    assert err == f"leakscope: error: {leaky / 'a.go'}: Permission denied\n"


# -- the installed entry point ---------------------------------------------------------------


def _entry_point() -> str:
    exe = Path(sys.executable).parent / "leakscope"
    if not exe.exists():
        pytest.skip("the leakscope entry point is not installed beside this Python")
    return str(exe)


def test_entry_point_subprocess(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"a.go": CLEAN})
    env = {**os.environ, "LEAKSCOPE_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run(
        [_entry_point(), "check", "--format", "json", str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["findings"] == []
    proc = subprocess.run(
        [_entry_point(), "check", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("leakscope: error: ") and "Traceback" not in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "leakscope", "--version"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0 and proc.stdout.strip() == f"leakscope {__version__}"


def test_entry_point_without_a_terminal_does_not_hang(tmp_path: Path) -> None:
    """`leakscope DIR` with no terminal prints the report (the app needs one)."""
    root = make_project(tmp_path, {"a.go": CLEAN})
    env = {**os.environ, "LEAKSCOPE_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run(
        [_entry_point(), str(root)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith("1 file scanned.\n")


# -- the README ------------------------------------------------------------------------------


def test_readme_documents_every_subcommand_and_flag() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for name, sub in subparsers.choices.items():  # type: ignore[attr-defined]
        if name != "open":
            assert f"leakscope {name}" in readme, name
        for action in sub._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert flag in readme, f"{name} {flag}"
    assert "--version" in readme


def test_readme_key_table_matches_the_app() -> None:
    keys = pytest.importorskip("leakscope.ui.keys")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| key | id | does |") :].split("\n\n", 1)[0]
    rows = [row.split("|")[1:3] for row in table.splitlines()[2:]]
    documented = {i.strip(" `") for _, ids in rows for i in ids.split(",")}
    main_keys = {k.id for k in keys.KEYS if k.section in ("app", "main")}
    assert documented == main_keys
    for key_cell, id_cell in rows:
        shown, ids = key_cell.split(","), id_cell.split(",")
        pairs = zip(shown, ids * len(shown) if len(ids) == 1 else ids, strict=True)
        for text, key_id in pairs:
            key = keys.KEYS_BY_ID[key_id.strip(" `")]
            assert text.strip(" `") in key.display.split(), (text, key.id, key.display)


def test_readme_lists_every_rule() -> None:
    from readme_rules import README, rules_table, table_in_readme

    assert table_in_readme(README.read_text(encoding="utf-8")) == rules_table(), (
        "the README's rule table is out of date: run `python tests/readme_rules.py --write`"
    )


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = "python -m pytest"
    assert f"pip install '.[test]' && {command}" in readme
    assert re.search(rf"^{re.escape(command)}\b", ci, re.M), "the README's command in .ci/run"
    assert "pip install . && leakscope demo" in readme


# -- issue 15: the rough edges a new user hits ------------------------------------------------


def test_usage_lines_name_the_subcommand(run: Run, tmp_path: Path) -> None:
    for command in ("check", "fix", "rule", "demo"):
        code, out, _ = run(command, "-h", cwd=tmp_path)
        assert code == 0 and out.startswith(f"usage: leakscope {command} [-h]"), out
        assert "{check,fix,rule,demo}" not in out.split("\n\n")[0]
    code, _, err = run("check", "--frobnicate", cwd=tmp_path)
    assert code == 2
    assert err.startswith("usage: leakscope check [-h]"), err
    assert "leakscope check: error: unrecognized arguments: --frobnicate" in err
    code, _, err = run("fix", "--select", cwd=tmp_path)
    assert code == 2 and "leakscope fix: error: argument --select" in err


def test_help_lists_the_app_options(run: Run) -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert out.startswith("usage: leakscope [-h] [--version] [--theme NAME] [PATH]\n")
    assert re.search(r"^\s+--theme NAME\s+colour theme", out, re.M)
    assert re.search(r"^\s+PATH\s+folder to open", out, re.M)


def test_paths_outside_the_working_folder_are_relative(
    run: Run, tmp_path: Path, fake: None
) -> None:
    root = make_project(tmp_path / "proj", {"a.go": LEAKY, "sub/b.go": LEAKY, "c/c.go": LEAKY})
    code, out, _ = run("check", "..", cwd=root / "sub")
    assert code == 1
    paths = {line.split(":")[0] for line in out.splitlines()[:-1]}
    assert paths == {"../a.go", "b.go", "../c/c.go"}, out
    code, out, _ = run("fix", "--diff", "..", cwd=root / "sub")
    assert "/proj/" not in out


def test_config_naming_unknown_key_ids_or_themes_is_an_error(
    run: Run, leaky: Path, fake: None
) -> None:
    pytest.importorskip("leakscope.ui.keys")
    (leaky / "leakscope.toml").write_text('[keys]\napply_fixx = "x"\n')
    code, out, err = run("check", cwd=leaky)
    assert code == 2 and out == ""
    assert "[keys] has unknown binding id 'apply_fixx'" in err and "apply_fix," in err
    (leaky / "leakscope.toml").write_text('theme = "nope"\n')
    code, _, err = run("check", cwd=leaky)
    assert code == 2 and "unknown theme 'nope' (themes: leakscope-dark, leakscope-light" in err
    (leaky / "leakscope.toml").write_text('theme = "light"\n[keys]\napply_fix = "x"\n')
    code, _, err = run("check", cwd=leaky)
    assert code == 1, err


def test_a_folder_without_go_files_is_an_error(run: Run, tmp_path: Path, fake: None) -> None:
    empty = tmp_path / "empty"
    (empty / "docs").mkdir(parents=True)
    (empty / "vendor").mkdir()
    (empty / "vendor" / "v.go").write_text("package v\n")
    for command in ("check", "fix"):
        code, out, err = run(command, cwd=empty)
        assert code == 2, (command, out, err)
        assert f"leakscope: error: no Go files in {empty.resolve()} (vendor/" in err
    code, _, err = run("check", "docs", cwd=empty)
    assert code == 2 and f"no Go files in {(empty / 'docs').resolve()} (" in err


def test_empty_rule_lists_are_usage_errors(run: Run, leaky: Path, fake: None) -> None:
    for option in ("--select", "--ignore"):
        for value in ("", " , "):
            code, out, err = run("check", option, value, cwd=leaky)
            assert code == 2 and out == ""
            assert f"argument {option}: expected rule names, got {value!r}" in err


def test_fix_summary_agrees_in_number(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path / "p", {"a.go": PRELUDE + 'func f() {\n\tHopeless("c")\n}\n'})
    code, out, _ = run("fix", cwd=root)
    assert code == 1
    assert "1 finding remains: 1 with no automatic fix." in out
    code, _, err = run("fix", "--diff", cwd=root)
    assert "1 finding would remain: 1 with no automatic fix." in err


def test_pre_commit_hook_checks_the_staged_files(run: Run, tmp_path: Path, fake: None) -> None:
    """pre-commit runs the hook's entry from the repository root with the staged files of
    any folders appended; files the config excludes are left out."""
    text = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    hook = _yaml_hook(text)
    assert hook["id"] == "leakscope" and hook["language"] == "python"
    assert hook["types"] == "[go]" and hook.get("pass_filenames", "true") == "true"
    entry = hook["entry"].split()
    assert entry[:2] == ["leakscope", "check"]
    root = make_project(
        tmp_path / "repo",
        {"a/x.go": LEAKY, "b/c/y.go": LEAKY, "gen/z.go": LEAKY, "clean.go": CLEAN},
    )
    (root / "leakscope.toml").write_text('exclude = ["gen/**"]\n')
    files = ["a/x.go", "b/c/y.go", "gen/z.go", "clean.go"]
    code, out, err = run(*entry[1:], *files, cwd=root)
    assert code == 1, err
    assert {line.split(":")[0] for line in out.splitlines()[:-1]} == {"a/x.go", "b/c/y.go"}
    assert "3 files scanned" in out.splitlines()[-1]
    code, out, err = run(*entry[1:], "clean.go", cwd=root)
    assert code == 0, err
    code, out, err = run(*entry[1:], "gen/z.go", cwd=root)  # only excluded files: no error
    assert code == 0, err


def _yaml_hook(text: str) -> dict[str, str]:
    """The one hook of a .pre-commit-hooks.yaml, as flat `key: value` strings."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert lines[0].startswith("- id: ") and sum(line.startswith("- ") for line in lines) == 1
    hook = {}
    for line in lines:
        key, _, value = line.removeprefix("- ").strip().partition(":")
        hook[key.strip()] = value.strip().strip('"')
    return hook


TICKER = """package m

import "time"

func Poll(work chan int) {
	ticker := time.NewTicker(time.Second)
	for range work {
		<-ticker.C
	}
}
"""


def test_wording_of_messages_fix_titles_and_counts(run: Run, tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"poll.go": TICKER})
    _, out, _ = run("check", "--min-severity", "info", cwd=root)
    assert "poll.go:6:12: ticker-not-stopped: ticker is never stopped:" in out, out
    assert "ticker is never stopped" in out and "ticker ticker" not in out
    # Every rule's fix titles are sentences: capitalised, like the rest of the output.
    _, out, _ = run(
        "check",
        "--format",
        "json",
        "--min-severity",
        "info",
        "--exit-zero",
        "--no-cache",
        str(REPO / "tests" / "fixtures" / "rules"),
    )
    titles = {f["rule"] + ": " + f["fix"]["title"] for f in json.loads(out)["findings"] if f["fix"]}
    assert len({t.split(":")[0] for t in titles}) >= 6, titles
    assert [t for t in titles if not t.split(": ", 1)[1][0].isupper()] == []


def test_readme_quotes_the_new_messages_word_for_word() -> None:
    keys = pytest.importorskip("leakscope.ui.keys")
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    conflict = keys.conflicts({"apply_fix": "d"})[0]
    assert f"`{conflict}`" in readme
    summary = "3 fixable with \\`leakscope fix\\`; 2 unsafe fixes with \\`leakscope fix --unsafe\\`"
    assert summary in readme
    assert "`leakscope: error: no Go files in PATH (…)`" in readme
    assert "`The demo copy stays in PATH: delete it when you are done.`" in readme
    assert "id: leakscope" in (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "github/codeql-action/upload-sarif" in readme and "security-events: write" in readme
