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
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a .gitignore or an exclude needs it (start-up time)
    import pathspec

SKIPPED_DIRS = frozenset({"vendor", "testdata", "node_modules"})


@dataclass
class Discovery:
    root: Path
    files: list[Path] = field(default_factory=list)  # absolute paths, sorted
    problems: list[str] = field(default_factory=list)  # folders that could not be read


def _gitignore(directory: Path | str) -> pathspec.GitIgnoreSpec | None:
    try:
        with open(os.path.join(directory, ".gitignore"), encoding="utf-8", errors="replace") as fh:
            lines = fh.read()
    except OSError:
        return None
    return _spec(lines.splitlines())


def _spec(lines: list[str]) -> pathspec.GitIgnoreSpec:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _is_ignored(rel: str, is_dir: bool, specs: list[tuple[str, pathspec.GitIgnoreSpec]]) -> bool:
    candidate = rel + "/" if is_dir else rel
    for base, spec in specs:
        sub = candidate[len(base) + 1 :] if base else candidate
        if spec.match_file(sub):
            return True
    return False


def relative(root: Path, path: Path) -> str:
    """`path` relative to `root` with "/" separators (the form findings carry)."""
    root_text, path_text = str(root), str(path)
    size = len(root_text)
    if (
        path_text.startswith(root_text)
        and len(path_text) > size
        and path_text[size] == os.sep
        and root_text[-1:] != os.sep
    ):  # the usual case, without pathlib's parsing
        rel = path_text[size + 1 :]
        return rel if os.sep == "/" else rel.replace(os.sep, "/")
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def discover(root: Path, paths: Iterable[Path] = (), exclude: Iterable[str] = ()) -> Discovery:
    """Go files under `root` (or under the given `paths` inside it), sorted."""
    root = root.resolve()
    result = Discovery(root)
    excluded = _spec(list(exclude)) if exclude else None
    starts = [Path(p).resolve() for p in paths] or [root]
    seen: set[str] = set()
    found: list[str] = []
    for start in starts:
        if start.is_file():
            if start.suffix == ".go" and str(start) not in seen:
                seen.add(str(start))
                found.append(str(start))
            continue
        for path in _walk(root, start, excluded, result.problems):
            if path not in seen:
                seen.add(path)
                found.append(path)
    result.files = [Path(path) for path in sorted(found, key=_path_order)]
    return result


def _path_order(path: str) -> tuple[str, ...]:
    """How pathlib sorts paths (part by part), for plain strings."""
    return tuple(path.split(os.sep))


def _walk(
    root: Path,
    start: Path,
    excluded: pathspec.GitIgnoreSpec | None,
    problems: list[str],
) -> Iterator[str]:
    # gitignore specs of the folders from the root down to the one above the start.
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []
    current = root
    parts = start.relative_to(root).parts if start != root else ()
    for part in ("", *parts[:-1]) if parts else ():
        current = current / part if part else current
        spec = _gitignore(current)
        if spec is not None:
            specs.append((relative(root, current) if current != root else "", spec))
    rel = relative(root, start) if start != root else ""
    yield from _walk_dir(str(root), str(start), rel, specs, excluded, problems)


def _walk_dir(
    root: str,
    directory: str,
    rel_dir: str,  # `directory` relative to the root with "/" ("" for the root itself)
    specs: list[tuple[str, pathspec.GitIgnoreSpec]],
    excluded: pathspec.GitIgnoreSpec | None,
    problems: list[str],
) -> Iterator[str]:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        problems.append(f"{rel_dir or '.'}: cannot read folder: {exc.strerror}")
        return
    if any(entry.name == ".gitignore" for entry in entries):
        spec = _gitignore(directory)
        if spec is not None:
            specs = [*specs, (rel_dir, spec)]
    prefix = rel_dir + "/" if rel_dir else ""
    subdirs = []
    for entry in entries:
        name = entry.name
        rel = prefix + name
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
            subdirs.append((entry.path, rel))
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
        yield entry.path
    for path, rel in subdirs:
        yield from _walk_dir(root, path, rel, specs, excluded, problems)
