"""Which Go files a scan covers.

Skips what the go tool skips (`vendor/`, `testdata/`, folders starting with `.` or `_`), what
`.gitignore` files ignore (nested ones too, via pathspec's gitignore matching, which follows
git's rules more faithfully than anything hand-written would), and the config's `exclude` globs.
Symlinked folders are never followed (no loops, nothing outside the root); a symlinked file is
kept only when it resolves inside the root.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from leakscope.core.text import display

if TYPE_CHECKING:  # imported when a .gitignore or an exclude needs it (start-up time)
    import pathspec

SKIPPED_DIRS = frozenset({"vendor", "testdata", "node_modules"})


@dataclass
class Discovery:
    root: Path
    files: list[Path] = field(default_factory=list)  # absolute paths, sorted
    problems: list[str] = field(default_factory=list)  # folders that could not be read


# git reads .gitignore files of any size; a real one is a few kilobytes. A bigger one (or
# /dev/zero behind a link) is not read at all rather than read until memory runs out.
MAX_IGNORE_BYTES = 1024 * 1024
# A gitignore-style pattern longer than this is refused (compiling a 10 MB one takes minutes).
MAX_PATTERN_CHARS = 4096


class RepoFileError(Exception):
    """A repository file that must not be read; the message says why, for the user."""


def read_repo_file(path: Path | str, root: Path | str, limit: int) -> bytes:
    """The bytes of a small file from the scanned repository, read safely.

    Refuses (RepoFileError) anything but a regular file (a FIFO would block forever, a device
    never ends), a link leaving `root`, and a file larger than `limit`. Opened non-blocking and
    checked with fstat, so a file swapped for a FIFO between the checks cannot hang the read.
    """
    path_text = os.fspath(path)
    if os.path.islink(path_text):
        try:
            Path(path_text).resolve(strict=True).relative_to(Path(root).resolve())
        except (OSError, RuntimeError, ValueError) as exc:
            raise RepoFileError("a link leaving the scanned folder: not read") from exc
    try:
        fd = os.open(path_text, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise RepoFileError(f"cannot read: {exc.strerror or exc}") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise RepoFileError("not a regular file (a FIFO, device or socket): not read")
        if st.st_size > limit:
            raise RepoFileError(f"larger than {limit // 1024} KB: not read")
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(65536, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise RepoFileError(f"larger than {limit // 1024} KB: not read")
        return b"".join(chunks)
    except OSError as exc:
        raise RepoFileError(f"cannot read: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)


def _gitignore(
    directory: Path | str, root: Path | str, problems: list[str]
) -> pathspec.GitIgnoreSpec | None:
    path = os.path.join(directory, ".gitignore")
    try:
        data = read_repo_file(path, root, MAX_IGNORE_BYTES)
    except RepoFileError as exc:
        if os.path.lexists(path):
            problems.append(f"{relative(Path(root), Path(path))}: {exc}")
        return None
    return _spec(data.decode("utf-8", errors="replace").splitlines())


def _spec(lines: list[str]) -> pathspec.GitIgnoreSpec:
    """A gitignore spec of `lines`; lines git would not match anything with (`!`, a trailing
    backslash, `[z-a]`) are dropped, as git ignores them, instead of failing the scan."""
    import pathspec

    lines = [line for line in lines if len(line) <= MAX_PATTERN_CHARS]
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except Exception:  # (pathspec raises its own errors, and re.error for some)
        valid = [line for line in lines if _valid_pattern(line)]
        return pathspec.GitIgnoreSpec.from_lines(valid)


def _valid_pattern(line: str) -> bool:
    import pathspec

    if len(line) > MAX_PATTERN_CHARS:
        return False
    try:
        pathspec.GitIgnoreSpec.from_lines([line]).match_file("x")
    except Exception:  # (any failure: git would not match with it either)
        return False
    return True


def exclude_spec(patterns: Iterable[str]) -> pathspec.GitIgnoreSpec | None:
    """The config's `exclude` globs; an invalid or oversized one is a ConfigError."""
    from leakscope.core.config import ConfigError

    patterns = list(patterns)
    if not patterns:
        return None
    for pattern in patterns:
        if len(pattern) > MAX_PATTERN_CHARS:
            raise ConfigError(
                f"exclude pattern is longer than {MAX_PATTERN_CHARS} characters: "
                f"{pattern[:40]!r}..."
            )
        if not _valid_pattern(pattern):
            raise ConfigError(f"exclude pattern {pattern!r} is not a valid gitignore-style glob")
    return _spec(patterns)


def _bad_name(name: str) -> bool:
    """A name that is not valid UTF-8 (its bytes were kept as surrogates by os.fsdecode)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


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
    excluded = exclude_spec(exclude)
    starts = [Path(p).resolve() for p in paths] or [root]
    seen: set[str] = set()
    found: list[str] = []
    for start in starts:
        if start.is_file():
            # A file named on the command line (pre-commit passes every staged one) is
            # checked unless the config's `exclude` leaves it out.
            rel = start.relative_to(root).as_posix() if start.is_relative_to(root) else ""
            if excluded and rel and excluded.match_file(rel):
                continue
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
        spec = _gitignore(current, root, problems)
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
        spec = _gitignore(directory, root, problems)
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
            if _bad_name(name):
                problems.append(f"{display(rel)}: folder name is not valid UTF-8: not scanned")
                continue
            if _is_ignored(rel, True, specs) or (excluded and excluded.match_file(rel + "/")):
                continue
            subdirs.append((entry.path, rel))
            continue
        if not name.endswith(".go"):
            continue
        if _bad_name(name):
            problems.append(f"{display(rel)}: file name is not valid UTF-8: not scanned")
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
