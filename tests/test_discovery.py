from __future__ import annotations

from pathlib import Path

import pytest

from leakscope.core import engine
from leakscope.core.config import Config
from leakscope.core.discovery import discover


def names(root: Path, **kwargs: object) -> list[str]:
    return [p.relative_to(root.resolve()).as_posix() for p in discover(root, **kwargs).files]


def touch(path: Path, text: str = "package p\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_skips_what_the_go_tool_skips(tmp_path: Path) -> None:
    for rel in (
        "a.go",
        "sub/b.go",
        "vendor/v.go",
        "testdata/t.go",
        ".hidden/h.go",
        "_tmp/u.go",
        "notes.txt",
    ):
        touch(tmp_path / rel)
    assert names(tmp_path) == ["a.go", "sub/b.go"]


def test_honours_nested_gitignore_and_exclude_globs(tmp_path: Path) -> None:
    touch(tmp_path / ".gitignore", "gen/\n")
    touch(tmp_path / "sub" / ".gitignore", "*_mock.go\n")
    for rel in ("a.go", "gen/g.go", "sub/s.go", "sub/s_mock.go", "api/x.pb.go"):
        touch(tmp_path / rel)
    assert names(tmp_path, exclude=["*.pb.go"]) == ["a.go", "sub/s.go"]


def test_symlinked_folders_are_not_followed_and_loops_are_harmless(tmp_path: Path) -> None:
    touch(tmp_path / "a" / "a.go")
    (tmp_path / "a" / "loop").symlink_to(tmp_path)
    (tmp_path / "outside").mkdir()
    touch(tmp_path / "outside" / "o.go")
    root = tmp_path / "a"
    (root / "o.go").symlink_to(tmp_path / "outside" / "o.go")  # leaves the root: skipped
    (root / "inside.go").symlink_to(root / "a.go")  # stays inside: kept
    assert names(root) == ["a.go", "inside.go"]


def test_paths_limit_the_scan(tmp_path: Path) -> None:
    for rel in ("a.go", "x/b.go", "y/c.go"):
        touch(tmp_path / rel)
    assert names(tmp_path, paths=[tmp_path / "x", tmp_path / "a.go"]) == ["a.go", "x/b.go"]


def test_a_scan_of_some_paths_analyses_the_packages_of_files_named_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file named alone brings its folder's other files into the analysis (the package's
    index), not into the report; a folder named is walked once, not again for siblings."""
    (tmp_path / "go.mod").write_text("module x\n\ngo 1.22\n")
    for rel in ("a/a.go", "a/b.go", "a/deep/c.go", "d/d.go", "d/e.go"):
        touch(tmp_path / rel)
    walks: list[list[str]] = []
    real = engine.discover

    def counting(root: Path, paths: object = (), exclude: object = ()):  # type: ignore[no-untyped-def]
        walks.append(sorted(Path(p).name for p in paths))  # type: ignore[attr-defined]
        return real(root, paths, exclude)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "discover", counting)
    result = engine.scan(tmp_path, Config(), paths=[tmp_path / "a", tmp_path / "d" / "d.go"])
    analysed = {f for job in result.jobs.values() for f in job.files}
    assert analysed == {"a/a.go", "a/b.go", "a/deep/c.go", "d/d.go", "d/e.go"}
    assert sorted(r.path for r in result.files) == ["a/a.go", "a/b.go", "a/deep/c.go", "d/d.go"]
    assert walks == [["a", "d.go"], ["d"]]  # (the named folder is not walked again)
