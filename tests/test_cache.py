from __future__ import annotations

import os
from pathlib import Path

import pytest

from leakscope.core import engine
from leakscope.core.config import Config


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "go.mod").write_text("module x\n\ngo 1.22\n")
    for pkg in ("a", "b"):
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / f"{pkg}.go").write_text(f"package {pkg}\n\nvar V int\n")
    return tmp_path


@pytest.fixture
def analysed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = engine.analyse_package

    def counting(job: engine.PackageJob, overrides: dict[str, bytes] | None = None) -> list:
        calls.append(job.directory)
        return real(job, overrides)

    monkeypatch.setattr(engine, "analyse_package", counting)
    return calls


def test_warm_scan_analyses_nothing(project: Path, analysed: list[str]) -> None:
    first = engine.scan(project, Config())
    assert sorted(analysed) == ["a", "b"]
    analysed.clear()
    second = engine.scan(project, Config())
    assert analysed == []
    assert [r.path for r in second.files] == [r.path for r in first.files]


def test_only_the_changed_package_is_analysed_again(project: Path, analysed: list[str]) -> None:
    engine.scan(project, Config())
    analysed.clear()
    (project / "b" / "b.go").write_text("package b\n\nvar W int\n")
    engine.scan(project, Config())
    assert analysed == ["b"]


def test_touched_but_unchanged_file_still_hits(project: Path, analysed: list[str]) -> None:
    engine.scan(project, Config())
    analysed.clear()
    path = project / "a" / "a.go"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    engine.scan(project, Config())
    assert analysed == []


def test_rules_and_go_version_are_part_of_the_key(project: Path, analysed: list[str]) -> None:
    engine.scan(project, Config())
    analysed.clear()
    engine.scan(project, Config(go_version=(1, 20)))
    assert sorted(analysed) == ["a", "b"]
    analysed.clear()
    engine.scan(project, Config(go_version=(1, 20)), rules=("defer-in-loop",))
    assert sorted(analysed) == ["a", "b"]


def test_no_cache_always_analyses(project: Path, analysed: list[str]) -> None:
    engine.scan(project, Config())
    analysed.clear()
    engine.scan(project, Config(), use_cache=False)
    assert sorted(analysed) == ["a", "b"]


def test_a_cold_scan_leaves_the_hashes_so_the_next_reads_no_file(
    project: Path, analysed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from leakscope.core import cache

    monkeypatch.setattr(cache, "_RACY_NS", 0)  # (trust stats at once, as an hour later)
    engine.scan(project, Config())
    hashed: list[int] = []
    real_hash = cache.content_hash
    monkeypatch.setattr(cache, "content_hash", lambda data: hashed.append(1) or real_hash(data))
    analysed.clear()
    engine.scan(project, Config())
    assert analysed == [] and hashed == []


def test_a_file_edited_while_it_is_analysed_is_analysed_again(
    project: Path, analysed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from leakscope.core import cache

    monkeypatch.setattr(cache, "_RACY_NS", 0)
    real = engine.analyse_package  # (the fixture's, counting)

    def edit_after_reading(job: engine.PackageJob, overrides: dict[str, bytes] | None = None):
        results = real(job, overrides)
        if job.directory == "b":  # what was analysed is no longer what is on disk
            (project / "b" / "b.go").write_text("package b\n\nvar Longer int\n")
        return results

    monkeypatch.setattr(engine, "analyse_package", edit_after_reading)
    engine.scan(project, Config())
    monkeypatch.setattr(engine, "analyse_package", real)  # (`analysed` counts again)
    analysed.clear()
    engine.scan(project, Config())
    assert analysed == ["b"]
