"""Hostile repositories (issue 10): nothing reaches the terminal raw, nothing hangs or crashes,
and `fix` writes only the exact bytes it analysed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import Run
from fake_rules import install

from leakscope.core.text import display

GO_MOD = "module example.com/m\n\ngo 1.22\n"
PRELUDE = "package m\n\nfunc Leak(s string) {}\n\nfunc Clean(s string) {}\n\n"
LEAKY = PRELUDE + 'func f() {\n\tLeak("a")\n}\n'
ESC_TITLE = "\x1b]0;pwned\x07"
ESC_CLEAR = "\x1b[2J"
# A real rule quotes the flagged expression, so a string literal holding raw escapes ends up in
# the finding's message.
QUOTING = (
    "package m\n\nvar keep []string\n\nfunc F(s string) {\n"
    f'\tkeep = append(keep, s[:len("{ESC_CLEAR}{ESC_TITLE}")])\n}}\n'
)


def make_project(root: Path, files: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text(GO_MOD)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch)


def raw_controls(text: str) -> list[str]:
    """Control characters in `text` other than newline and tab."""
    return [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F]


def _entry_point() -> str:
    exe = Path(sys.executable).parent / "leakscope"
    if not exe.exists():
        pytest.skip("the leakscope entry point is not installed beside this Python")
    return str(exe)


def run_cli(
    tmp_path: Path, *args: str, cwd: Path, timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [_entry_point(), *args],
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "LEAKSCOPE_CACHE_DIR": str(tmp_path / "cache")},
        check=False,
    )


# -- terminal escapes ------------------------------------------------------------------------


def test_display_shows_control_characters_visibly() -> None:
    assert display(f"a{ESC_TITLE}b") == "a\\x1b]0;pwned\\x07b"
    assert display("one\ntwo\r") == "one\\ntwo\\r"
    assert display("one\ntwo", keep_lines=True) == "one\ntwo"
    assert display("\x9b2J \u202egnp.go \udcff") == "\\x9b2J \\u202egnp.go \\xff"
    assert display("plain\ttext é") == "plain\ttext é"


def test_escapes_in_file_names_and_literals_never_reach_text_or_github_output(
    run: Run, tmp_path: Path
) -> None:
    root = make_project(tmp_path, {f"x{ESC_CLEAR}.go": QUOTING})
    for fmt in ("text", "github"):
        code, out, err = run("check", "--min-severity", "info", "--format", fmt, cwd=root)
        assert code == 0, err
        assert "keep keeps the whole backing array" in out
        assert raw_controls(out + err) == [], (fmt, out)
        assert "x\\x1b[2J.go" in out and "\\x1b]0;pwned\\x07" in out
    # JSON stays exact.
    code, out, _ = run("check", "--min-severity", "info", "--format", "json", cwd=root)
    (finding,) = json.loads(out)["findings"]
    assert finding["path"] == f"x{ESC_CLEAR}.go"
    assert ESC_TITLE in finding["message"]


def test_a_newline_in_a_file_name_cannot_forge_report_lines(
    run: Run, tmp_path: Path, fake: None
) -> None:
    root = make_project(tmp_path, {"a.go\nb.go:1:1: fake-leak: forged.go": LEAKY})
    code, out, _ = run("check", cwd=root)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2, out  # the finding and the summary
    assert lines[0].startswith("a.go\\nb.go:1:1: fake-leak: forged.go:8:2: fake-leak:")


def test_fix_output_shows_hostile_names_escaped(run: Run, tmp_path: Path, fake: None) -> None:
    name = f"a{ESC_TITLE}.go"
    root = make_project(tmp_path, {name: LEAKY})
    code, out, err = run("fix", "--unverified", cwd=root)
    assert code == 0, out + err
    assert raw_controls(out + err) == []
    assert "Fixed a\\x1b]0;pwned\\x07.go: 1 finding" in out
    assert 'Clean("a")' in (root / name).read_text()


# -- .gitignore, config globs and file names from the repository -----------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("command", [("check",), ("fix", "--unverified")])
def test_a_fifo_or_dev_zero_as_gitignore_neither_hangs_nor_is_read(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    root = make_project(tmp_path / "p", {"a.go": LEAKY, "sub/b.go": LEAKY})
    os.mkfifo(root / ".gitignore")
    if os.path.exists("/dev/zero"):
        os.symlink("/dev/zero", root / "sub" / ".gitignore")
    proc = run_cli(tmp_path, *command, str(root), cwd=tmp_path, timeout=60)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    out = proc.stdout.decode() + err
    assert ".gitignore: not a regular file (a FIFO, device or socket): not read" in out
    if os.path.exists("/dev/zero"):
        assert "sub/.gitignore: a link leaving the scanned folder: not read" in out


def test_gitignore_lines_git_accepts_do_not_crash(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path, {"a.go": LEAKY, "gen/b.go": LEAKY, "keep/c.go": LEAKY})
    (root / ".gitignore").write_text("!\n\\\na\\\n[z-a]\ngen/\n" + "x" * 100_000 + "\n")
    code, out, err = run("check", "--format", "json", cwd=root)
    assert code == 1, err
    assert {f["path"] for f in json.loads(out)["findings"]} == {"a.go", "keep/c.go"}


def test_the_watcher_survives_a_bad_gitignore_appearing(tmp_path: Path, fake: None) -> None:
    from leakscope.core.project import Project

    root = make_project(tmp_path, {"a.go": LEAKY})
    project = Project(root, use_cache=False)
    project.scan()
    (root / ".gitignore").write_text("[z-a]\n\\\n")
    update = project.update([root / ".gitignore"])
    assert not update.error
    assert [f.path for f in project.findings] == ["a.go"]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("[z-a]", "is not a valid gitignore-style glob"),
        ("x" * 100_000, "longer than"),
        ("x" * 10_000_000, "leakscope.toml: larger than 1024 KB: not read"),
    ],
    ids=["invalid", "100KB", "10MB"],
)
def test_an_invalid_or_huge_exclude_glob_is_a_config_error(
    run: Run, tmp_path: Path, fake: None, pattern: str, message: str
) -> None:
    root = make_project(tmp_path, {"a.go": LEAKY})
    (root / "leakscope.toml").write_text(f"exclude = [{json.dumps(pattern)}]\n")
    code, out, err = run("check", cwd=root)
    assert code == 2, out
    assert message in err and "Traceback" not in err


def test_non_utf8_file_names_are_reported_escaped_and_the_scan_goes_on(
    tmp_path: Path, fake: None, run: Run
) -> None:
    root = make_project(tmp_path, {"a.go": LEAKY})
    try:
        (root / os.fsdecode(b"bad\xff.go")).write_text(LEAKY.replace("func f", "func g"))
        (root / os.fsdecode(b"dir\xfe")).mkdir()
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    (root / os.fsdecode(b"dir\xfe") / "c.go").write_text(LEAKY)
    for fmt in ("text", "json", "sarif", "github"):
        code, out, err = run("check", "--format", fmt, cwd=root)
        assert code == 2, (fmt, err)
        assert "file name is not valid UTF-8: not scanned" in out, fmt
        assert "folder name is not valid UTF-8: not scanned" in out, fmt
        assert "Traceback" not in err
    code, out, _ = run("check", cwd=root)
    assert "bad\\xff.go: file name is not valid UTF-8: not scanned" in out
    assert "dir\\xfe: folder name is not valid UTF-8: not scanned" in out
    code, out, _ = run("check", "--format", "json", cwd=root)
    assert [f["path"] for f in json.loads(out)["findings"]] == ["a.go"]
    code, out, err = run("fix", "--unverified", cwd=root)
    assert code == 2 and "Fixed a.go" in out, out + err


# -- the result cache ------------------------------------------------------------------------


def _cache_files(tmp_path: Path) -> list[Path]:
    cache = Path(os.environ["LEAKSCOPE_CACHE_DIR"])
    return sorted(cache.glob("results-*")) + sorted(cache.glob(".results-*"))


def test_a_same_size_edit_with_its_mtime_restored_is_never_served_from_the_cache(
    run: Run, tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leakscope.core import cache

    monkeypatch.setattr(cache, "_RACY_NS", 0)  # (trust stats at once, as an hour later)
    root = make_project(tmp_path / "p", {"a.go": LEAKY})
    for _ in range(2):  # the second run fills the stat table
        code, out, _ = run("check", "--format", "json", cwd=root)
        assert [f["line"] for f in json.loads(out)["findings"]] == [8]
    path = root / "a.go"
    before = path.stat()
    edited = LEAKY.replace('func f() {\n\tLeak("a")\n}\n', 'func f() {Leak("a")\n\t\n}\n')
    assert len(edited) == len(LEAKY)
    path.write_text(edited)  # (as rsync -a, cp -p or tar leave it)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    code, out, _ = run("check", "--format", "json", cwd=root)
    assert [(f["line"], f["column"]) for f in json.loads(out)["findings"]] == [(7, 11)]
    code, out, err = run("fix", "--unverified", cwd=root)
    assert code == 0, out + err
    assert path.read_text() == edited.replace('Leak("a")', 'Clean("a")')


def test_fix_hashes_every_file_even_when_the_stat_matches(
    run: Run, tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a stat that cannot tell (an edit in the same clock tick) never feeds `fix`."""
    from leakscope.core import cache

    monkeypatch.setattr(cache, "_RACY_NS", 0)
    real_stat_key = cache._stat_key
    frozen: dict[str, object] = {}

    def same_stat(path: object) -> object:  # the stat of the first read, forever
        return frozen.setdefault(str(path), real_stat_key(path))  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "_stat_key", same_stat)
    root = make_project(tmp_path / "p", {"a.go": LEAKY})
    for _ in range(2):
        run("check", cwd=root)
    edited = LEAKY.replace('func f() {\n\tLeak("a")\n}\n', 'func f() {Leak("a")\n\t\n}\n')
    (root / "a.go").write_text(edited)
    _, out, err = run("fix", "--unverified", cwd=root)
    assert "Fixed a.go: 1 finding" in out, out + err
    assert (root / "a.go").read_text() == edited.replace('Leak("a")', 'Clean("a")')


def _read_cache_json(path: Path) -> dict:
    header, _, payload = path.read_bytes().partition(b"\n")
    assert header.startswith(b"leakscope-cache ")
    return json.loads(payload)


def _write_cache_json(path: Path, data: dict) -> None:
    from leakscope.core import cache

    payload = json.dumps(data).encode()
    path.write_bytes(cache._HEADER + cache._checksum(payload) + b"\n" + payload)


def test_well_typed_corruption_of_the_cache_fails_its_checksum(
    run: Run, tmp_path: Path, fake: None
) -> None:
    # Found by tests/stress_hostile.py: a findings list emptied or a value swapped for one of
    # the right type passed validation and hid findings until the cache was deleted.
    root = make_project(tmp_path / "p", {"a.go": LEAKY})
    code, expected, _ = run("check", "--format", "json", cwd=root)
    (cache_file,) = _cache_files(tmp_path)
    header, _, payload = cache_file.read_bytes().partition(b"\n")
    data = json.loads(payload)
    for results in data["packages"].values():
        for result in results:
            result["findings"] = []
    cache_file.write_bytes(header + b"\n" + json.dumps(data).encode())
    code, out, err = run("check", "--format", "json", cwd=root)
    assert code == 1, err
    assert json.loads(out)["findings"] == json.loads(expected)["findings"] != []


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x80\x04\x95garbage",
        b"{",
        b"[]",
        b'{"format": 2}',
        b"[" * 100_000,
        "POISON",
    ],
    ids=["bytes", "truncated", "list", "partial", "deep", "mutated"],
)
def test_a_corrupt_cache_is_discarded_and_the_files_analysed_again(
    run: Run, tmp_path: Path, fake: None, garbage: bytes | str
) -> None:
    root = make_project(tmp_path / "p", {"a.go": LEAKY})
    code, expected, _ = run("check", "--format", "json", cwd=root)
    (cache_file,) = _cache_files(tmp_path)
    if garbage == "POISON":  # valid JSON, wrong shapes and values everywhere
        data = _read_cache_json(cache_file)
        for results in data["packages"].values():
            for result in results:
                result["findings"][0]["span"] = ["x", None]
                result["status"] = 12
        _write_cache_json(cache_file, data)  # (with its checksum: the validation must catch it)
    else:
        cache_file.write_bytes(garbage)  # type: ignore[arg-type]
    for _ in range(2):
        code, out, err = run("check", "--format", "json", cwd=root)
        assert code == 1, err
        assert json.loads(out)["findings"] == json.loads(expected)["findings"]


def test_the_cache_is_data_and_loading_it_runs_nothing(
    run: Run, tmp_path: Path, fake: None
) -> None:
    import pickle

    class Boom:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {tmp_path / 'pwned'}",))

    root = make_project(tmp_path / "p", {"a.go": LEAKY})
    run("check", cwd=root)
    (cache_file,) = _cache_files(tmp_path)
    assert _read_cache_json(cache_file)["format"]  # JSON, not a pickle
    cache_file.write_bytes(pickle.dumps({"format": 1, "stats": Boom()}))
    code, _, _ = run("check", cwd=root)
    assert code == 1
    assert not (tmp_path / "pwned").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_place_of_the_cache_file_does_not_hang(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"a.go": LEAKY})
    run_cli(tmp_path, "check", str(root), cwd=tmp_path)
    (cache_file,) = sorted((tmp_path / "cache").glob("results-*"))
    cache_file.unlink()
    os.mkfifo(cache_file)
    proc = run_cli(tmp_path, "check", str(root), cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert b"1 file scanned" in proc.stdout


def test_a_failed_cache_save_leaves_no_temp_file(
    run: Run, tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leakscope.core import cache

    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.os, "replace", full)
    root = make_project(tmp_path / "p", {"a.go": LEAKY})
    code, _, _ = run("check", cwd=root)
    assert code == 1
    assert _cache_files(tmp_path) == []


# -- fix writes only the bytes it analysed, and respects the file -----------------------------


def test_an_edit_between_the_scan_and_the_planning_is_never_corrupted(
    run: Run, tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leakscope import cli

    root = make_project(tmp_path, {"a.go": LEAKY})
    real_scan = cli.run_scan

    def scan_then_edit(*args: object, **kwargs: object) -> object:
        result = real_scan(*args, **kwargs)  # type: ignore[arg-type]
        path = root / "a.go"
        path.write_text("// a comment line added by the user\n" + path.read_text())
        return result

    monkeypatch.setattr(cli, "run_scan", scan_then_edit)
    code, out, err = run("fix", "--unverified", cwd=root)
    assert "Fixed" not in out
    assert "a.go:8:2: fake-leak" in out and "the file changed since it was analysed" in out
    assert (root / "a.go").read_text() == "// a comment line added by the user\n" + LEAKY
    assert code == 1, err


def test_a_save_landing_while_the_fix_is_written_is_kept(
    run: Run, tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leakscope.core import fixes

    root = make_project(tmp_path, {"a.go": LEAKY})
    saved = LEAKY + "// the editor's save\n"

    def editor_saves() -> None:  # after the first check, before the rename
        (root / "a.go").write_text(saved)

    monkeypatch.setattr(fixes, "_before_replace", editor_saves)
    code, out, err = run("fix", "--unverified", cwd=root)
    assert code == 2, out
    assert "a.go: the file changed while it was being written; kept" in err
    assert (root / "a.go").read_text() == saved
    assert [p.name for p in root.iterdir() if p.name.endswith(".leakscope")] == []


def test_undo_never_loses_a_save_landing_during_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leakscope.core import fixes

    root = make_project(tmp_path, {"a.go": LEAKY})
    fixed = LEAKY.replace('Leak("a")', 'Clean("a")')
    change = fixes.FileChange("a.go", LEAKY.encode(), fixed.encode())
    fixes.write_change(root, change)
    saved = fixed + "// the editor's save\n"
    monkeypatch.setattr(fixes, "_before_replace", lambda: (root / "a.go").write_text(saved))
    with pytest.raises(fixes.FixError, match="changed after the fix; not undone"):
        fixes.undo_change(root, change)
    assert (root / "a.go").read_text() == saved


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs POSIX processes")
def test_two_fix_runs_on_one_tree_take_turns(tmp_path: Path) -> None:
    from leakscope.core import fixes

    root = make_project(tmp_path / "p", {"a.go": LEAKY})
    with fixes.fix_lock(root):  # another fix of this tree is running (same cache folder)
        proc = subprocess.Popen(
            [_entry_point(), "fix", "--unverified", str(root)],
            cwd=tmp_path,
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stderr is not None
        line = proc.stderr.readline().decode()
        assert "waiting for another leakscope fix" in line
        assert proc.poll() is None
    out, err = proc.communicate(timeout=60)
    assert proc.returncode in (0, 1), err
    assert b"Nothing to fix." in out  # (it ran once the lock was free)


def test_a_read_only_file_is_written_only_with_force(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path, {"a.go": LEAKY})
    (root / "a.go").chmod(0o444)
    code, out, err = run("fix", "--unverified", cwd=root)
    assert code == 2
    assert "a.go: the file is read-only; not written (--force writes it)" in err
    assert (root / "a.go").read_text() == LEAKY
    code, out, err = run("fix", "--unverified", "--force", cwd=root)
    assert code == 0, out + err
    assert 'Clean("a")' in (root / "a.go").read_text()
    assert (root / "a.go").stat().st_mode & 0o777 == 0o444


def test_a_hard_linked_file_is_never_silently_split(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path / "p", {"a.go": LEAKY})
    os.link(root / "a.go", tmp_path / "other-name.go")
    code, _, err = run("fix", "--unverified", cwd=root)
    assert code == 2
    assert "a.go: the file has 2 hard links" in err
    assert (root / "a.go").read_text() == LEAKY
    assert os.path.samefile(root / "a.go", tmp_path / "other-name.go")


@pytest.mark.skipif(not hasattr(os, "setxattr"), reason="no extended attributes here")
def test_extended_attributes_are_kept(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path, {"a.go": LEAKY})
    try:
        os.setxattr(root / "a.go", "user.leakscope-test", b"kept")
    except OSError:
        pytest.skip("this file system has no user extended attributes")
    code, out, err = run("fix", "--unverified", cwd=root)
    assert code == 0, out + err
    assert os.getxattr(root / "a.go", "user.leakscope-test") == b"kept"


def test_bytes_that_are_not_utf8_are_never_rewritten_by_a_fix(run: Run, tmp_path: Path) -> None:
    source = (
        b"package m\n\nvar keep []string\n\nfunc F(s string) {\n\tfor i := 0; i < 10; i++ {\n"
        b'\t\tkeep = append(keep, s[:len("\xff\xfe")])\n\t}\n}\n'
    )
    root = make_project(tmp_path, {"a.go": source})
    _, out, _ = run("check", "--format", "json", "--min-severity", "info", cwd=root)
    (finding,) = json.loads(out)["findings"]
    assert finding["fix"] is None and "not UTF-8" in finding["no_fix_reason"]
    run("fix", "--unverified", "--unsafe", "--min-severity", "info", cwd=root)
    assert (root / "a.go").read_bytes() == source


# -- exit codes tell a crash from findings ---------------------------------------------------


def test_a_crashing_rule_fails_the_run(
    run: Run, tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    import fake_rules

    from leakscope.core import rules

    def boom(ctx: object) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    broken = dataclasses.replace(fake_rules.FAKE_RULE, check=boom)
    monkeypatch.setitem(rules.RULES_BY_NAME, fake_rules.FAKE, broken)
    root = make_project(tmp_path, {"a.go": LEAKY})
    for command in (("check",), ("fix", "--unverified")):
        code, out, err = run(*command, "--no-cache", cwd=root)
        assert code == 2, (command, out, err)
        assert "leakscope bug" in out + err and "Traceback" not in err


def test_an_internal_error_exits_2_without_a_traceback(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leakscope import cli

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("something impossible")

    monkeypatch.setattr(cli, "scan", broken)
    root = make_project(tmp_path, {"a.go": LEAKY})
    code, _, err = run("check", cwd=root)
    assert code == 2
    assert "internal error: RuntimeError: something impossible" in err
    assert "Traceback" not in err


# -- the terminal app ------------------------------------------------------------------------


def _screen_output(app: object) -> str:
    """What the app would write to the terminal for a full repaint of the current screen."""
    screen = app.screen  # type: ignore[attr-defined]
    update = screen._compositor.render_update(full=True)
    return update.render_segments(app.console)  # type: ignore[attr-defined]


async def test_the_app_never_writes_raw_escapes_from_the_repository(tmp_path: Path) -> None:
    from ui_app_helpers import Notes, app_for, settle

    name = f"x{ESC_TITLE}.go"
    hostile = QUOTING.replace("func F(", "func G(").replace("keep", "kept")
    root = make_project(tmp_path / "p", {name: QUOTING, f"sub/y{ESC_CLEAR}.go": hostile})
    (root / "sub" / f"y{ESC_CLEAR}.go").write_text(hostile.replace("package m", "package sub"))
    app = app_for(root)
    async with app.run_test(size=(140, 40)) as pilot:
        notes = Notes(app)
        await settle(pilot)
        await pilot.press("m")  # (these findings are minor: show them)
        await settle(pilot)
        outputs = [_screen_output(app)]
        for key in ("down", "down", "down", "enter", "down", "down", "down", "d"):
            await pilot.press(key)
            await settle(pilot)
            outputs.append(_screen_output(app))
        app.notify(f"cannot write {name}: {ESC_CLEAR}")
        await pilot.pause()
        outputs.append(_screen_output(app))
    seen = "".join(outputs)
    assert "pwned" in seen and "x\\x1b]0;pwned\\x07.go" in seen  # shown, escaped
    assert "\u241b[2J" in seen  # the source view shows ESC as a control picture
    assert ESC_TITLE not in seen and "\x1b]0;pwned" not in seen
    assert ESC_CLEAR not in seen and "\x07" not in seen
    assert notes.items  # (the notification went through the app's notify)


# -- deep nesting and bytes that are not Go: time stays linear ------------------------------


def _nested(kind: str, depth: int) -> str:
    """A file whose syntax tree is about `depth` levels deep, of a shape the rules walk."""
    head = 'package m\n\nimport "os"\n\nvar keep string\n\nfunc F(s string, names []string) {\n'
    if kind == "parens":
        body = "\tkeep = " + "(" * depth + "s[:10]" + ")" * depth + "\n"
    elif kind == "concat":
        body = "\tkeep = " + " + ".join(["s[:1]"] * depth) + "\n"
    else:  # nested ifs in a loop around a defer (three tree levels per if)
        ifs = depth // 3
        body = (
            "\tfor _, n := range names {\n"
            + 'if s != "" {\n' * ifs
            + "f, _ := os.Open(n)\ndefer f.Close()\n"
            + "}\n" * ifs
            + "}\n"
        )
    return head + body + "}\n"


@pytest.mark.parametrize(
    ("kind", "depth"), [("parens", 10_000), ("concat", 20_000), ("ifs", 15_000)]
)
def test_a_file_nested_beyond_the_limit_is_reported_not_analysed_for_minutes(
    tmp_path: Path, kind: str, depth: int
) -> None:
    # These took 28 s, 108 s and a RecursionError before the nesting limit.
    from leakscope.core.syntax import MAX_NESTING

    root = make_project(tmp_path / "p", {"deep.go": _nested(kind, depth), "a.go": QUOTING})
    proc = run_cli(tmp_path, "check", "--min-severity", "info", str(root), cwd=tmp_path, timeout=20)
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 2, out + err
    assert f"deep.go: unreadable: nested more than {MAX_NESTING} levels deep" in out
    assert "a.go:" in out  # the scan went on
    assert "Traceback" not in err


def test_a_file_nested_just_under_the_limit_is_analysed_quickly(tmp_path: Path) -> None:
    from leakscope.core.syntax import MAX_NESTING, nesting_problem, parse

    files = {
        f"d{i}.go": _nested("concat", MAX_NESTING - 50).replace("F(", f"F{i}(") for i in range(5)
    }
    files["ifs.go"] = _nested("ifs", MAX_NESTING - 60).replace("F(", "G(")
    assert all(nesting_problem(parse(t.encode())) is None for t in files.values())
    root = make_project(tmp_path / "p", files)
    proc = run_cli(tmp_path, "check", "--no-cache", str(root), cwd=tmp_path, timeout=20)
    out = proc.stdout.decode()
    assert proc.returncode == 1, out + proc.stderr.decode()
    assert "unreadable" not in out and "ifs.go:" in out  # (the defer in the loop is found)


def test_the_nesting_check_is_exact_at_the_limit() -> None:
    from leakscope.core.syntax import nesting_problem, parse

    def depth_of(n: int) -> int:  # the depth tree-sitter gives n nested parentheses
        tree = parse(f"package m\n\nvar x = {'(' * n}1{')' * n}\n".encode())
        for limit in range(200):
            if nesting_problem(tree, limit) is None:
                return limit
        raise AssertionError

    base = depth_of(0)
    assert depth_of(50) == base + 50 and depth_of(120) == base + 120


def test_a_file_of_random_bytes_is_reported_not_parsed_for_minutes(tmp_path: Path) -> None:
    import random

    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(400_000)) + b"\0"
    root = make_project(tmp_path / "p", {"noise.go": noise, "a.go": QUOTING})
    for command in ("check", "fix"):
        proc = run_cli(tmp_path, command, str(root), cwd=tmp_path, timeout=20)
        out, err = proc.stdout.decode(), proc.stderr.decode()
        assert proc.returncode == 0, out + err  # (a syntax error, as the compiler sees it)
        if command == "check":
            assert "noise.go: partially parsed: holds NUL bytes" in out, out + err
        assert "Traceback" not in err


def test_the_app_reports_a_deep_file_edited_in(tmp_path: Path, fake: None) -> None:
    from leakscope.core.analysis import FileStatus
    from leakscope.core.project import Project

    root = make_project(tmp_path, {"a.go": LEAKY, "b.go": LEAKY.replace("f()", "g()")})
    project = Project(root, use_cache=False)
    project.scan()
    (root / "b.go").write_text(_nested("concat", 20_000))
    (root / "a.go").write_bytes(LEAKY.encode() + b"\0")
    project.update([root / "a.go", root / "b.go"])
    assert project.results["b.go"].status is FileStatus.UNREADABLE
    assert "nested more than" in (project.results["b.go"].error or "")
    assert project.results["a.go"].status is FileStatus.PARTIAL
    assert "NUL bytes" in (project.results["a.go"].error or "")
    (root / "b.go").write_text(LEAKY.replace("f()", "g()"))
    project.update([root / "b.go"])
    assert [f.path for f in project.findings] == ["b.go"]


# -- leakscope.toml and go.mod: read safely, every refusal names the file and the problem -----


def _hostile_config(root: Path, case: str) -> str:
    """Put a hostile leakscope.toml or go.mod in `root`; the message expected for it."""
    toml, go_mod = root / "leakscope.toml", root / "go.mod"
    if case == "toml-fifo":
        os.mkfifo(toml)
        return "leakscope.toml: not a regular file (a FIFO, device or socket): not read"
    if case == "toml-deep":
        toml.write_text("exclude = " + "[" * 100_000 + "]" * 100_000 + "\n")
        return "leakscope.toml: arrays or tables nested too deeply"
    if case == "toml-digits":
        toml.write_text('go = "1.' + "9" * 5000 + '"\n')
        return "leakscope.toml: 'go' must be a quoted Go version such as \"1.21\""
    if case == "toml-link":
        os.symlink(os.devnull, toml)
        return "leakscope.toml: a link leaving the scanned folder: not read"
    go_mod.unlink()
    if case == "gomod-fifo":
        os.mkfifo(go_mod)
        return "go.mod: not a regular file (a FIFO, device or socket): not read"
    if case == "gomod-digits":
        go_mod.write_text("module example.com/m\n\ngo 1." + "9" * 5000 + "\n")
        return "go.mod: the go line's version '1.999"
    assert case == "gomod-link"
    os.symlink("/dev/zero", go_mod)
    return "go.mod: a link leaving the scanned folder: not read"


CONFIG_CASES = [
    "toml-fifo",
    "toml-deep",
    "toml-digits",
    "toml-link",
    "gomod-fifo",
    "gomod-digits",
    "gomod-link",
]


@pytest.mark.parametrize("case", CONFIG_CASES)
@pytest.mark.parametrize("command", ["check", "fix"])
def test_a_hostile_config_or_go_mod_is_a_precise_error_never_a_hang_or_traceback(
    tmp_path: Path, case: str, command: str
) -> None:
    root = make_project(tmp_path / "p", {"a.go": QUOTING})
    expected = _hostile_config(root, case)
    proc = run_cli(tmp_path, command, str(root), cwd=tmp_path, timeout=30)
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 2, out + err
    assert expected in out + err
    assert "Traceback" not in err and "9" * 100 not in out + err  # (not echoed whole)
    if case.startswith("gomod"):  # the scan went on without it
        assert "1 file scanned" in out + err or "Nothing to fix" in out + err


def test_a_go_mod_above_the_scanned_folder_is_still_read(tmp_path: Path) -> None:
    from leakscope.core.gomod import ModuleFinder

    root = make_project(tmp_path / "p", {"sub/a.go": QUOTING})
    finder = ModuleFinder((root / "sub").resolve())
    module = finder.module_for((root / "sub").resolve())
    assert module.version == (1, 22) and module.path == (root / "go.mod").resolve()
    assert finder.problems == []


async def test_the_app_reports_a_hostile_go_mod_at_start(tmp_path: Path) -> None:
    from ui_app_helpers import Notes, app_for, settle

    root = make_project(tmp_path / "p", {"a.go": QUOTING})
    (root / "go.mod").unlink()
    os.mkfifo(root / "go.mod")
    app = app_for(root)
    notes = Notes(app)  # (before it runs: the scan may end before the first pause)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "go.mod: not a regular file (a FIFO, device or socket): not read" in notes.text()
        assert app.main.session.file_count() == 1  # (the scan went on)
        await pilot.press("q")
    assert app.return_code in (0, None)


async def test_the_app_reports_a_config_turned_fifo_and_keeps_the_findings(
    tmp_path: Path,
) -> None:
    from test_ui_watch import app_of, running, until
    from ui_app_helpers import Notes, copy_project

    project = copy_project(tmp_path)
    async with running(project) as pilot:
        app = app_of(pilot)
        notes = Notes(app)
        before = sorted(f.fingerprint for f in app.main.all_findings)
        (project / "leakscope.toml").unlink()
        os.mkfifo(project / "leakscope.toml")
        await until(pilot, lambda: bool(notes.errors()), "the config error", timeout=20)
        assert (
            "leakscope.toml: not a regular file (a FIFO, device or socket): not read"
            in (notes.errors()[-1])
        )
        assert sorted(f.fingerprint for f in app.main.all_findings) == before


# -- the app's writes: the fix lock, protected files, all-or-nothing undo ----------------------

UI_FILES = "worker/files.go"
UI_SAFE_LINE = 17  # ProcessAll: defer f.Close() in a loop, safe fix


async def test_the_app_asks_before_writing_a_read_only_file(tmp_path: Path) -> None:
    from ui_app_helpers import Notes, app_for, copy_project, find, select, settle

    from leakscope.ui.screens.dialogs import ConfirmScreen

    project = copy_project(tmp_path)
    path = project / UI_FILES
    original = path.read_bytes()
    path.chmod(0o444)
    app = app_for(project)
    async with app.run_test(size=(160, 45)) as pilot:
        notes = Notes(app)
        await settle(pilot)
        await select(pilot, find(app, "defer-in-loop", UI_FILES, UI_SAFE_LINE))
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "worker/files.go: the file is read-only" in app.screen.message
        await pilot.press("n")
        await settle(pilot)
        assert path.read_bytes() == original and "Not applied" in notes.last
        await select(pilot, find(app, "defer-in-loop", UI_FILES, UI_SAFE_LINE))
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert path.read_bytes() != original, notes.text()
        assert (path.stat().st_mode & 0o777) == 0o444  # written, still read-only
        await pilot.press("u")  # undone the same way, without asking again
        await settle(pilot)
        assert path.read_bytes() == original, notes.text()
    path.chmod(0o644)


async def test_the_app_takes_the_fix_lock(tmp_path: Path) -> None:
    from ui_app_helpers import Notes, app_for, copy_project, find, select, settle

    from leakscope.core import fixes

    project = copy_project(tmp_path)
    original = (project / UI_FILES).read_bytes()
    app = app_for(project)
    async with app.run_test(size=(160, 45)) as pilot:
        notes = Notes(app)
        await settle(pilot)
        with fixes.fix_lock(project):  # `leakscope fix` runs on this tree
            await select(pilot, find(app, "defer-in-loop", UI_FILES, UI_SAFE_LINE))
            await pilot.press("f")
            await settle(pilot)
            assert "another leakscope fix of this folder is running" in notes.errors()[-1]
            assert (project / UI_FILES).read_bytes() == original
        await pilot.press("f")  # (free again)
        await settle(pilot)
        assert (project / UI_FILES).read_bytes() != original, notes.text()
        with fixes.fix_lock(project):
            await pilot.press("u")
            await settle(pilot)
            assert "another leakscope fix" in notes.errors()[-1]
            assert (project / UI_FILES).read_bytes() != original
        await pilot.press("u")
        await settle(pilot)
        assert (project / UI_FILES).read_bytes() == original


async def test_undo_of_a_group_is_all_or_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui_app_helpers import Notes, app_for, settle

    from leakscope.core import fixes

    root = make_project(tmp_path / "p", {"a.go": LEAKY, "b.go": LEAKY.replace("f()", "g()")})
    befores = {p: (root / p).read_bytes() for p in ("a.go", "b.go")}
    afters = {p: b.replace(b"Leak(", b"Clean(") for p, b in befores.items()}
    app = app_for(root)
    async with app.run_test(size=(120, 30)) as pilot:
        notes = Notes(app)
        await settle(pilot)
        session = app.main.session
        changes = [fixes.FileChange(p, befores[p], afters[p]) for p in ("a.go", "b.go")]
        session.apply("two files", changes)
        calls = []

        def disk_full_on_the_second_file() -> None:
            calls.append(1)
            if len(calls) == 2:
                raise OSError(28, "No space left on device")

        monkeypatch.setattr(fixes, "_before_replace", disk_full_on_the_second_file)
        await pilot.press("u")
        await settle(pilot)
        assert "nothing was undone" in notes.errors()[-1], notes.text()
        assert "No space left on device" in notes.errors()[-1]
        assert {p: (root / p).read_bytes() for p in afters} == afters  # b.go put back
        assert [e.title for e in session.undo_stack] == ["two files"]  # kept
        monkeypatch.setattr(fixes, "_before_replace", None)
        await pilot.press("u")
        await settle(pilot)
        assert {p: (root / p).read_bytes() for p in befores} == befores
        assert session.undo_stack == [] and notes.last.startswith("Undone")
        assert [p.name for p in root.iterdir() if p.name.endswith(".leakscope")] == []


def test_a_temp_file_left_by_a_killed_fix_is_removed_by_the_next_write(
    run: Run, tmp_path: Path, fake: None
) -> None:
    root = make_project(tmp_path, {"a.go": LEAKY, "sub/b.go": LEAKY})
    stale = root / ".a.go.k3x_9abc.leakscope"  # as a kill -9 between mkstemp and rename leaves
    fresh = root / ".a.go.zz0_1xyz.leakscope"  # another leakscope writing right now
    other = root / ".a.go.k3x_9abc.leakscope.bak"  # not ours
    for path in (stale, fresh, other):
        path.write_text("package m\n")
    old = time.time() - 120
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    code, _, err = run("fix", "--unverified", cwd=root)
    assert code in (0, 1), err
    assert "removed .a.go.k3x_9abc.leakscope: a temporary file left by an interrupted" in err
    assert not stale.exists() and fresh.exists() and other.exists()
    assert "Clean(" in (root / "a.go").read_text()
