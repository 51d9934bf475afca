"""Which Go files a scan covers.

Skips what the go tool skips (`vendor/`, `testdata/`, folders starting with `.` or `_`), what
`.gitignore` files ignore (nested ones too, via pathspec's gitignore matching, which follows
git's rules more faithfully than anything hand-written would), and the config's `exclude` globs.
Symlinked folders are never followed (no loops, nothing outside the root); a symlinked file is
kept only when it resolves inside the root.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

SKIPPED_DIRS = frozenset({"vendor", "testdata", "node_modules"})


@dataclass
class Discovery:
    root: Path
    files: list[Path] = field(default_factory=list)  # absolute paths, sorted
    problems: list[str] = field(default_factory=list)  # folders that could not be read


def _gitignore(directory: Path) -> pathspec.GitIgnoreSpec | None:
    try:
        lines = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines.splitlines())


def _is_ignored(rel: str, is_dir: bool, specs: list[tuple[str, pathspec.GitIgnoreSpec]]) -> bool:
    candidate = rel + "/" if is_dir else rel
    for base, spec in specs:
        sub = candidate[len(base) + 1 :] if base else candidate
        if spec.match_file(sub):
            return True
    return False


def relative(root: Path, path: Path) -> str:
    """`path` relative to `root` with "/" separators (the form findings carry)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def discover(root: Path, paths: Iterable[Path] = (), exclude: Iterable[str] = ()) -> Discovery:
    """Go files under `root` (or under the given `paths` inside it), sorted."""
    root = root.resolve()
    result = Discovery(root)
    excluded = pathspec.GitIgnoreSpec.from_lines(list(exclude)) if exclude else None
    starts = [Path(p).resolve() for p in paths] or [root]
    seen: set[Path] = set()
    for start in starts:
        if start.is_file():
            if start.suffix == ".go" and start not in seen:
                seen.add(start)
                result.files.append(start)
            continue
        for path in _walk(root, start, excluded, result.problems):
            if path not in seen:
                seen.add(path)
                result.files.append(path)
    result.files.sort()
    return result


def _walk(
    root: Path,
    start: Path,
    excluded: pathspec.GitIgnoreSpec | None,
    problems: list[str],
) -> Iterator[Path]:
    # gitignore specs of the folders from the root down to the current one.
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []
    current = root
    for part in ("", *start.relative_to(root).parts) if start != root else ("",):
        current = current / part if part else current
        spec = _gitignore(current)
        if spec is not None:
            specs.append((relative(root, current) if current != root else "", spec))
    yield from _walk_dir(root, start, specs, excluded, problems)


def _walk_dir(
    root: Path,
    directory: Path,
    specs: list[tuple[str, pathspec.GitIgnoreSpec]],
    excluded: pathspec.GitIgnoreSpec | None,
    problems: list[str],
) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        problems.append(f"{relative(root, directory)}: cannot read folder: {exc.strerror}")
        return
    subdirs = []
    for entry in entries:
        name = entry.name
        rel = relative(root, Path(entry.path))
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        if is_dir:
            if name in SKIPPED_DIRS or name.startswith((".", "_")):
                continue
            if _is_ignored(rel, True, specs) or (excluded and excluded.match_file(rel + "/")):
                continue
            subdirs.append(Path(entry.path))
            continue
        if not name.endswith(".go"):
            continue
        if not is_link:
            try:
                regular = entry.is_file(follow_symlinks=False)
            except OSError:
                continue
            if not regular:
                continue  # a FIFO or socket named x.go: reading it would block or fail
        if is_link:
            try:
                target = Path(entry.path).resolve(strict=True)
                target.relative_to(root)
            except (OSError, RuntimeError, ValueError):
                continue  # dangling, looping, or pointing outside the root
            if not target.is_file():
                continue
        if _is_ignored(rel, False, specs) or (excluded and excluded.match_file(rel)):
            continue
        yield Path(entry.path)
    for sub in subdirs:
        spec = _gitignore(sub)
        child_specs = [*specs, (relative(root, sub), spec)] if spec is not None else specs
        yield from _walk_dir(root, sub, child_specs, excluded, problems)
