"""Bad input never crashes a run: odd bytes, broken code, unreadable or vanishing files,
symlink loops, huge files, bad configs, and files that change under `fix`."""

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

from leakscope import cli
from leakscope.core import discovery, engine
from leakscope.core.analysis import BOM

GO_MOD = "module example.com/m\n\ngo 1.22\n"
PRELUDE = "package m\n\nfunc Leak(s string) {}\n\nfunc Clean(s string) {}\n\n"
LEAKY = PRELUDE + 'func f() {\n\tLeak("a")\n}\n'  # gofmt-clean; the finding is on line 8
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def make_project(root: Path, files: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text(GO_MOD)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return root


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch)


def findings(out: str) -> list[dict[str, object]]:
    return json.loads(out)["findings"]


# -- odd contents ----------------------------------------------------------------------------


def test_non_utf8_bytes(run: Run, tmp_path: Path, fake: None) -> None:
    source = (
        PRELUDE.encode()
        + b"// caf\xe9 latin-1 comment \xff\xfe\n"
        + b'func f() {\n\ts := "\xff\xfe"; Leak(s)\n}\n'
    )
    root = make_project(tmp_path, {"a.go": source, "b.go": LEAKY.replace("func f", "func g")})
    for fmt in ("text", "json", "sarif", "github"):
        code, out, err = run("check", "--format", fmt, cwd=root)
        assert code == 1, err
    code, out, _ = run("check", "--format", "json", cwd=root)
    got = {(f["path"], f["line"], f["column"]) for f in findings(out)}
    # Each invalid byte counts as one (replacement) character: `\ts := "\xff\xfe"; ` is 12.
    assert got == {("a.go", 9, 13), ("b.go", 8, 2)}
    # (the package does not compile as it is, so no fix can be proven)
    code, out, _ = run("fix", "--unverified", cwd=root)
    assert code == 0, out
    fixed = (root / "a.go").read_bytes()
    assert b'"\xff\xfe"; Clean(s)' in fixed and b"caf\xe9" in fixed  # other bytes untouched


def test_syntax_errors_analyse_the_rest(run: Run, tmp_path: Path, fake: None) -> None:
    broken = PRELUDE + "func broken( {\n\tx := \n}\n\n" + 'func f() {\n\tLeak("a")\n}\n'
    root = make_project(tmp_path, {"a.go": broken, "b.go": LEAKY.replace("func f", "func g")})
    code, out, _ = run("check", "--format", "json", cwd=root)
    assert code == 1
    data = json.loads(out)
    assert ("a.go", 12) in {(f["path"], f["line"]) for f in data["findings"]}
    assert data["files"] == [
        {"path": "a.go", "status": "partial", "message": data["files"][0]["message"]}
    ]
    assert "syntax error" in data["files"][0]["message"]
    code, out, _ = run("check", cwd=root)
    assert "a.go: partially parsed:" in out
    assert "; 1 file partially parsed." in out.splitlines()[-1]


def test_an_empty_file_and_a_file_of_garbage(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(
        tmp_path, {"empty.go": "", "noise.go": bytes(range(256)) * 64, "a.go": LEAKY}
    )
    code, out, _ = run("check", "--format", "json", cwd=root)
    assert code == 1
    assert [f["path"] for f in findings(out)] == ["a.go"]


# -- unreadable, odd and vanishing files -----------------------------------------------------


@pytest.mark.skipif(AS_ROOT, reason="root reads files whatever their mode")
def test_unreadable_file_by_mode(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path, {"a.go": LEAKY, "secret.go": LEAKY.replace("func f", "func g")})
    (root / "secret.go").chmod(0)
    try:
        code, out, err = run("check", cwd=root)
    finally:
        (root / "secret.go").chmod(0o644)
    assert code == 2
    assert out.startswith("a.go:8:2: fake-leak:")
    assert "secret.go: unreadable: Permission denied" in out
    assert "could not be read" in err


def test_unreadable_file(
    run: Run, tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same as by mode, for root too: reading the file fails with EACCES."""
    root = make_project(tmp_path, {"a.go": LEAKY, "secret.go": LEAKY.replace("func f", "func g")})
    secret = (root / "secret.go").resolve()
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.resolve() == secret:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, out, err = run("check", cwd=root)
    assert code == 2
    assert out.startswith("a.go:8:2: fake-leak:")
    assert "secret.go: unreadable: Permission denied" in out
    assert out.splitlines()[-1].endswith("; 1 file unreadable.")
    assert err == (
        "leakscope: error: 1 file or folder could not be read; the report is incomplete\n"
    )
    code, out, _ = run("check", "--format", "json", cwd=root)
    assert {"path": "secret.go", "status": "unreadable", "message": "Permission denied"} in (
        json.loads(out)["files"]
    )
    # (secret.go repeats a.go's declarations: the package does not compile, nothing is proven)
    code, out, err = run("fix", "--unverified", cwd=root)
    assert code == 2 and "Fixed a.go" in out and "could not be read" in err


def test_unreadable_folder(
    run: Run, tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path, {"a.go": LEAKY, "locked/b.go": LEAKY})
    locked = (root / "locked").resolve()
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)).resolve() == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(discovery.os, "scandir", scandir)
    code, out, err = run("check", cwd=root)
    assert code == 2
    assert "locked: cannot read folder: Permission denied" in out
    assert out.splitlines()[-1].endswith("; 1 folder unreadable.")
    assert "could not be read" in err


def test_a_folder_named_like_a_go_file(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path, {"x.go/inner.go": LEAKY, "a.go": LEAKY})
    code, out, _ = run("check", "--format", "json", cwd=root)
    assert code == 1
    assert sorted(f["path"] for f in findings(out)) == ["a.go", "x.go/inner.go"]
    code, out, _ = run("check", "--format", "json", "x.go", cwd=root)  # as an explicit path
    assert [f["path"] for f in findings(out)] == ["inner.go"]  # one folder: it is the root


def _entry_point() -> str:
    exe = Path(sys.executable).parent / "leakscope"
    if not exe.exists():
        pytest.skip("the leakscope entry point is not installed beside this Python")
    return str(exe)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_like_a_go_file_does_not_hang(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"a.go": LEAKY})
    os.mkfifo(root / "pipe.go")
    proc = subprocess.run(
        [_entry_point(), "check", "--no-cache", str(root)],
        capture_output=True,
        text=True,
        timeout=60,  # reading the FIFO would block forever
        env={**os.environ, "LEAKSCOPE_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "1 file scanned" in proc.stdout


def test_symlink_loops(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path, {"a.go": LEAKY, "sub/b.go": LEAKY})
    os.symlink(".", root / "sub" / "loop")  # a folder linking to itself
    os.symlink(root, root / "sub" / "up")  # a folder linking to an ancestor
    os.symlink("self.go", root / "self.go")  # a file linking to itself
    os.symlink("pong.go", root / "ping.go")
    os.symlink("ping.go", root / "pong.go")
    os.symlink("missing.go", root / "dangling.go")
    os.symlink("a.go", root / "alias.go")  # a good link inside the root is scanned
    code, out, err = run("check", "--format", "json", cwd=root)
    assert code == 1, err
    assert sorted(f["path"] for f in findings(out)) == ["a.go", "alias.go", "sub/b.go"]


def test_a_file_deleted_mid_scan(
    run: Run, tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path, {"a.go": LEAKY})
    real_discover = engine.discover

    def discover(*args: object, **kwargs: object) -> discovery.Discovery:
        found = real_discover(*args, **kwargs)  # type: ignore[arg-type]
        found.files.append(found.root / "gone.go")  # listed, then deleted before reading
        found.files.append(found.root / "vanished" / "pkg.go")
        return found

    monkeypatch.setattr(engine, "discover", discover)
    for flags in ((), ("--no-cache",)):
        code, out, err = run("check", "--format", "json", *flags, cwd=root)
        assert code == 1, err
        data = json.loads(out)
        assert [f["path"] for f in data["findings"]] == ["a.go"]
        assert data["files"] == []


# -- huge files ------------------------------------------------------------------------------


def _big_go(marker: bool, size: int = 5 * 1024 * 1024) -> str:
    head = "// Code generated by tablegen. DO NOT EDIT.\n\n" if marker else ""
    parts = [head + PRELUDE + "var table = []int{\n"]
    total = len(parts[0])
    i = 0
    while total < size:
        line = f"\t{i}, {i * 7 % 1000}, {i * 13 % 977}, // row {i}\n"
        parts.append(line)
        total += len(line)
        i += 1
    parts.append("}\n\n")
    for j in range(2000):
        parts.append(f"func f{j}(x int) int {{\n\tif x > {j} {{\n\t\treturn x - {j}\n\t}}\n")
        parts.append(f"\treturn table[x%len(table)] + {j}\n}}\n\n")
    parts.append('func last() {\n\tLeak("end")\n}\n')
    return "".join(parts)


def test_a_5mb_generated_file_is_skipped(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path, {"gen.go": _big_go(marker=True), "a.go": LEAKY})
    assert (root / "gen.go").stat().st_size > 5 * 1024 * 1024
    started = time.perf_counter()
    code, out, _ = run("check", cwd=root)
    print(f"5 MB generated file: {time.perf_counter() - started:.2f}s")
    assert code == 1
    assert out.startswith("a.go:8:2:") and "gen.go:" not in out
    assert out.splitlines()[-1].endswith("; 1 generated file skipped.")


def test_a_5mb_file_without_the_marker_is_analysed(
    run: Run, tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _big_go(marker=False)
    root = make_project(tmp_path, {"big.go": source})
    monkeypatch.setattr(engine, "PARALLEL_MIN_BYTES", 1 << 40)  # the fake rule: in-process
    started = time.perf_counter()
    code, out, _ = run("check", "--format", "json", cwd=root)
    print(f"5 MB file, fake rule: {time.perf_counter() - started:.2f}s")
    assert code == 1
    last_line = source.count("\n") - 1
    assert [(f["path"], f["line"]) for f in findings(out)] == [("big.go", last_line)]


def test_a_5mb_file_with_the_real_rules(run: Run, tmp_path: Path) -> None:
    root = make_project(tmp_path, {"big.go": _big_go(marker=False)})
    started = time.perf_counter()
    code, out, err = run("check", "--format", "json", cwd=root)
    print(f"5 MB file, every rule: {time.perf_counter() - started:.2f}s")
    assert code in (0, 1), err
    assert json.loads(out)["files"] == []  # analysed: neither partial nor unreadable


# -- config errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("leakscope.toml", 'colour = "red"\n', "unknown key 'colour'"),
        ("leakscope.toml", "select = [\n", "invalid TOML"),
        ("leakscope.toml", "exclude = 3\n", "'exclude' must be a list of strings"),
        ("leakscope.toml", "go = 1.20\n", "'go' must be a quoted Go version"),
        ("leakscope.toml", 'ignore = ["nope"]\n', "'ignore' names unknown rule 'nope'"),
        ("leakscope.toml", "theme = 3\n", "'theme' must be a string"),
        ("leakscope.toml", "[keys]\napply_fix = 1\n", "[keys] must map"),
        (".leakscope.toml", 'extra = "x"\n', "unknown key 'extra'"),
        ("leakscope.toml", b"select = ['\xff']\n", "cannot read"),
    ],
)
def test_config_errors(
    run: Run, tmp_path: Path, name: str, content: str | bytes, message: str
) -> None:
    root = make_project(tmp_path, {"a.go": LEAKY})
    path = root / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    for command in ("check", "fix", "fix --diff"):
        code, out, err = run(*command.split(), cwd=root)
        assert code == 2, (command, out)
        assert out == ""
        assert err.startswith(f"leakscope: error: {path}") and message in err, err
        assert "Traceback" not in err
    assert (root / "a.go").read_text() == LEAKY  # fix wrote nothing


# -- fix: line endings, BOM, files changing under it -----------------------------------------


@pytest.mark.parametrize(
    ("bom", "crlf"), [(False, True), (True, False), (True, True)], ids=["crlf", "bom", "bom+crlf"]
)
def test_fix_keeps_crlf_and_bom(
    run: Run, tmp_path: Path, fake: None, bom: bool, crlf: bool
) -> None:
    text = LEAKY.replace("\n", "\r\n") if crlf else LEAKY
    raw = (BOM if bom else b"") + text.encode()
    root = make_project(tmp_path, {"a.go": raw})
    code, out, _ = run("check", "--format", "json", cwd=root)
    assert [(f["line"], f["column"]) for f in findings(out)] == [(8, 2)]
    code, out, err = run("fix", cwd=root)
    assert code == 0, out + err
    fixed = (root / "a.go").read_bytes()
    expected = LEAKY.replace('Leak("a")', 'Clean("a")')
    expected = expected.replace("\n", "\r\n") if crlf else expected
    assert fixed == (BOM if bom else b"") + expected.encode()


def test_fix_diff_of_a_crlf_file(run: Run, tmp_path: Path, fake: None) -> None:
    root = make_project(tmp_path, {"a.go": LEAKY.replace("\n", "\r\n")})
    code, out, _ = run("fix", "--diff", cwd=root)
    assert code == 1
    assert '-\tLeak("a")\r\n' in out and '+\tClean("a")\r\n' in out


def test_fix_refuses_a_file_changed_since_analysis(
    run: Run, tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path, {"a.go": LEAKY, "b.go": LEAKY.replace("func f", "func g")})
    real_plan = cli.plan_checked_fixes

    def plan_then_edit(*args: object, **kwargs: object) -> object:
        changes = real_plan(*args, **kwargs)  # type: ignore[arg-type]
        with (root / "a.go").open("a") as fh:  # the user saves while leakscope works
            fh.write("\n// edited by hand\n")
        return changes

    monkeypatch.setattr(cli, "plan_checked_fixes", plan_then_edit)
    # (b.go repeats a.go's declarations: nothing compiles, so the write guard is what is tested)
    code, out, err = run("fix", "--unverified", cwd=root)
    assert code == 2
    assert "a.go: the file changed since it was analysed" in err
    assert (root / "a.go").read_text() == LEAKY + "\n// edited by hand\n"  # not overwritten
    assert "Fixed b.go: 1 finding" in out  # the other file is still fixed
    assert 'Clean("a")' in (root / "b.go").read_text()


def test_fix_never_writes_through_a_symlink_leaving_the_root(
    run: Run, tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "real.go").write_text(LEAKY)
    root = make_project(tmp_path / "root", {"a.go": LEAKY})
    os.symlink(outside / "real.go", root / "link.go")
    # Discovery does not follow it: only a.go is reported.
    code, out, _ = run("check", "--format", "json", cwd=root)
    assert [f["path"] for f in findings(out)] == ["a.go"]

    real_plan = cli.plan_checked_fixes

    def plan_then_swap(*args: object, **kwargs: object) -> object:
        changes = real_plan(*args, **kwargs)  # type: ignore[arg-type]
        (root / "a.go").unlink()  # swapped for a link to a file with the same content
        os.symlink(outside / "real.go", root / "a.go")
        return changes

    monkeypatch.setattr(cli, "plan_checked_fixes", plan_then_swap)
    code, _, err = run("fix", "--unverified", cwd=root)  # (link.go repeats a.go's declarations)
    assert code == 2
    assert "refusing to write outside" in err
    assert (outside / "real.go").read_text() == LEAKY
    assert (root / "a.go").is_symlink()


def test_fix_planning_refuses_content_other_than_what_was_analysed(
    tmp_path: Path, fake: None
) -> None:
    """Offsets from one read are never applied to another: a file edited between the scan and
    the planning (same size, mtime restored, as rsync -a or cp -p leave it) is skipped."""
    from leakscope.core.config import Config
    from leakscope.core.fixes import plan_fixes

    root = make_project(tmp_path, {"a.go": LEAKY})
    result = engine.scan(root, Config(), use_cache=False, workers=1)
    path = root / "a.go"
    stat = path.stat()
    edited = LEAKY.replace('Leak("a")', 'Leak("b")')
    assert len(edited) == len(LEAKY)
    path.write_text(edited)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    changes = plan_fixes(root, result.files, result.jobs)
    assert [c.changed for c in changes] == [False]
    assert {why for _, why in changes[0].skipped} == {
        "the file changed since it was analysed; scan again"
    }
    assert path.read_text() == edited
