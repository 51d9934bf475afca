from __future__ import annotations

from pathlib import Path

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
