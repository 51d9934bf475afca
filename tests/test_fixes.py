from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from leakscope.core.fixes import (
    FileChange,
    FixError,
    finish_source,
    merge_fixes,
    undo_change,
    write_change,
)
from leakscope.core.model import (
    Applicability,
    Confidence,
    Finding,
    Fix,
    Position,
    Severity,
    Span,
    TextEdit,
)


def finding(start: int, end: int, *edits: TextEdit) -> Finding:
    span = Span(start, end, Position(1, start + 1), Position(1, end + 1))
    return Finding(
        rule="r",
        path="a.go",
        span=span,
        message="m",
        severity=Severity.WARNING,
        confidence=Confidence.HIGH,
        fix=Fix("t", tuple(edits), Applicability.SAFE),
        fingerprint=f"{start}",
    )


def test_merge_applies_disjoint_fixes_and_dedupes_shared_edits() -> None:
    source = b"aaaa bbbb cccc"
    shared = TextEdit(0, 0, ">")
    first = finding(0, 4, TextEdit(0, 4, "AAAA"), shared)
    second = finding(10, 14, TextEdit(10, 14, "CCCC"), shared)
    out, applied, skipped = merge_fixes(source, [second, first])
    assert out == b">AAAA bbbb CCCC"
    assert applied == [first, second]
    assert skipped == []


def test_merge_skips_an_overlapping_fix_and_says_why() -> None:
    source = b"aaaa bbbb"
    first = finding(0, 4, TextEdit(0, 6, "X"))
    second = finding(5, 9, TextEdit(5, 9, "Y"))
    out, applied, skipped = merge_fixes(source, [first, second])
    assert out == b"Xbbb"
    assert applied == [first]
    assert [f for f, _ in skipped] == [second]
    assert "overlap" in skipped[0][1]


def test_finish_keeps_crlf_and_bom() -> None:
    original = b"\xef\xbb\xbfpackage p\r\n\r\nvar x = 1\r\n"
    edited = b"\xef\xbb\xbfpackage p\r\n\r\nvar x = 2\nvar y = 3\r\n"
    out = finish_source(original, edited)
    assert out.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in out.replace(b"\r\n", b"")
    assert b"var y = 3" in out


def test_write_is_atomic_keeps_mode_and_undo_restores(tmp_path: Path) -> None:
    path = tmp_path / "a.go"
    path.write_bytes(b"package a\n")
    os.chmod(path, 0o640)
    change = FileChange("a.go", b"package a\n", b"package a // fixed\n")
    write_change(tmp_path, change)
    assert path.read_bytes() == b"package a // fixed\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.go"]  # no temp file left behind
    undo_change(tmp_path, change)
    assert path.read_bytes() == b"package a\n"


def test_write_refuses_when_the_file_changed_since_analysis(tmp_path: Path) -> None:
    path = tmp_path / "a.go"
    path.write_bytes(b"package a // edited by the user\n")
    change = FileChange("a.go", b"package a\n", b"package a // fixed\n")
    with pytest.raises(FixError, match="changed since it was analysed"):
        write_change(tmp_path, change)
    assert path.read_bytes() == b"package a // edited by the user\n"


def test_undo_refuses_when_the_file_changed_after_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "a.go"
    path.write_bytes(b"package a\n")
    change = FileChange("a.go", b"package a\n", b"package a // fixed\n")
    write_change(tmp_path, change)
    path.write_bytes(b"package a // fixed, then edited\n")
    with pytest.raises(FixError, match="changed after the fix"):
        undo_change(tmp_path, change)
    assert path.read_bytes() == b"package a // fixed, then edited\n"


def test_write_refuses_a_symlink_leaving_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside.go"
    outside.write_bytes(b"package o\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link.go").symlink_to(outside)
    change = FileChange("link.go", b"package o\n", b"package o // fixed\n")
    with pytest.raises(FixError, match="outside"):
        write_change(root, change)
    assert outside.read_bytes() == b"package o\n"


def test_write_refuses_a_deleted_file(tmp_path: Path) -> None:
    change = FileChange("gone.go", b"package a\n", b"package a // fixed\n")
    with pytest.raises(FixError, match="deleted"):
        write_change(tmp_path, change)
    assert not (tmp_path / "gone.go").exists()
