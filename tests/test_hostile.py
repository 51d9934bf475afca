"""Hostile repositories (issue 10): nothing reaches the terminal raw, nothing hangs or crashes,
and `fix` writes only the exact bytes it analysed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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
