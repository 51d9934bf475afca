"""The Go version in force for a file: the `go` line of the nearest go.mod above it.

Also its `toolchain` line and `godebug` settings, which decide some runtime behaviour that the
`go` line alone does not (the timer rules read them: see `BuildSettings`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

# With no go.mod, Go itself assumes go 1.16 semantics for module-less code; staying that low
# keeps the version-gated timer rules live and fixes conservative.
DEFAULT_GO_VERSION: tuple[int, int] = (1, 16)

# Version numbers have at most this many digits (Python refuses int() of 4,300 digits, and
# no Go version will reach a million).
MAX_VERSION_DIGITS = 6
# go.mod files are small (the biggest in the Go ecosystem are a few hundred KB of requires).
MAX_GO_MOD_BYTES = 1024 * 1024

_GO_LINE = re.compile(rb"^go\s+(\d+)\.(\d+)(?:\.\d+|rc\d+|beta\d+)?\s*(?://.*)?$", re.MULTILINE)
_ANY_GO_LINE = re.compile(rb"^go[ \t]+(\S*)", re.MULTILINE)
_TOOLCHAIN_LINE = re.compile(
    rb"^toolchain\s+go(\d+)\.(\d+)(?:\.\d+|rc\d+|beta\d+)?(?:-\S+)?\s*(?://.*)?$", re.MULTILINE
)
# `godebug key=value` or a block `godebug (\n key=value\n ... )`.
_GODEBUG_LINE = re.compile(rb"^godebug\s+([\w.-]+)\s*=\s*([^\s/]+)", re.MULTILINE)
_GODEBUG_BLOCK = re.compile(rb"^godebug\s*\(([^)]*)\)", re.MULTILINE)
_SETTING = re.compile(rb"^\s*([\w.-]+)\s*=\s*([^\s/]+)", re.MULTILINE)


def parse_go_version(text: str) -> tuple[int, int] | None:
    """`1.21`, `1.21.3` or `go1.21` to (1, 21); None when it is not a Go version."""
    if len(text) > 64:  # (a Go version is a few characters; never run a regex over megabytes)
        return None
    match = re.fullmatch(r"\s*(?:go)?(\d+)\.(\d+)(?:\.\d+|rc\d+|beta\d+)?\s*", text)
    if match is None or max(len(match.group(1)), len(match.group(2))) > MAX_VERSION_DIGITS:
        return None
    return int(match.group(1)), int(match.group(2))


def format_go_version(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


@dataclass(frozen=True, slots=True)
class BuildSettings:
    """What a go.mod says about how the module is built, beyond its `go` line.

    Read as if the module were the main module of the build (its go.mod's `toolchain` and
    `godebug` lines apply only then): leakscope never knows the program a library ends up in.
    """

    go_line: tuple[int, int] | None = None  # its `go` line, None when there is none
    toolchain: tuple[int, int] | None = None  # `toolchain go1.27.0`, None when absent
    godebug: tuple[tuple[str, str], ...] = ()  # `godebug` settings in file order

    def setting(self, key: str) -> str | None:
        """The value go.mod's `godebug` lines give `key` (the last one wins), or None."""
        found = None
        for name, value in self.godebug:
            if name == key:
                found = value
        return found


@dataclass(frozen=True, slots=True)
class GoModule:
    path: Path | None  # the go.mod file, None when there is none
    version: tuple[int, int]
    module_path: str = ""
    toolchain: tuple[int, int] | None = None
    godebug: tuple[tuple[str, str], ...] = ()
    has_go_line: bool = False
    problem: str = ""  # why go.mod could not be used as it is (read as if absent), for the user

    @property
    def build(self) -> BuildSettings:
        return BuildSettings(
            self.version if self.has_go_line else None,
            self.toolchain,
            self.godebug,
        )


def _godebug_settings(data: bytes) -> tuple[tuple[str, str], ...]:
    found: list[tuple[int, str, str]] = []
    for match in _GODEBUG_LINE.finditer(data):
        found.append((match.start(), _decode(match.group(1)), _decode(match.group(2))))
    for block in _GODEBUG_BLOCK.finditer(data):
        for match in _SETTING.finditer(block.group(1)):
            offset = block.start(1) + match.start()
            found.append((offset, _decode(match.group(1)), _decode(match.group(2))))
    return tuple((key, value) for _, key, value in sorted(found))


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _version(match: re.Match[bytes] | None) -> tuple[int, int] | None:
    if match is None or max(len(match.group(1)), len(match.group(2))) > MAX_VERSION_DIGITS:
        return None
    return int(match.group(1)), int(match.group(2))


def read_go_mod(go_mod: Path, root: Path | None = None) -> GoModule:
    """What `go_mod` says; a file that cannot be used is read as absent, with `problem` set.

    Read through `discovery.read_repo_file`: a regular file of at most MAX_GO_MOD_BYTES,
    opened non-blocking (a FIFO cannot hang), never through a link leaving `root` (by
    default the go.mod's own folder: a go.mod above the scanned folder is still read).
    """
    from leakscope.core.discovery import RepoFileError, read_repo_file
    from leakscope.core.text import display

    shown = _shown(go_mod, root)
    try:
        data = read_repo_file(go_mod, root or go_mod.parent, MAX_GO_MOD_BYTES)
    except RepoFileError as exc:
        return GoModule(None, DEFAULT_GO_VERSION, problem=f"{shown}: {exc}")
    match = _GO_LINE.search(data)
    version = _version(match)
    if version is None:
        line = _ANY_GO_LINE.search(data)
        if line is not None:
            raw = display(line.group(1)[:40].decode("utf-8", "replace"))
            more = "…" if len(line.group(1)) > 40 else ""
            return GoModule(
                None,
                DEFAULT_GO_VERSION,
                problem=(
                    f"{shown}: the go line's version '{raw}{more}' is not a Go version "
                    f"(such as 1.22, at most {MAX_VERSION_DIGITS} digits a number): "
                    f"go {format_go_version(DEFAULT_GO_VERSION)} assumed"
                ),
            )
        version = DEFAULT_GO_VERSION
    module = re.search(rb"^module\s+(\S+)", data, re.MULTILINE)
    module_path = module.group(1).decode("utf-8", "replace").strip('"') if module else ""
    toolchain_match = _TOOLCHAIN_LINE.search(data)
    toolchain = _version(toolchain_match)
    return GoModule(
        go_mod, version, module_path, toolchain, _godebug_settings(data), match is not None
    )


def _shown(go_mod: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return go_mod.relative_to(root).as_posix()
        except ValueError:
            pass
    return str(go_mod)


class ModuleFinder:
    """Finds (and remembers) the go.mod above each folder.

    With the scan's `root`, a go.mod inside it is never read through a link leaving it, and
    `problems` lists each go.mod that could not be used (a FIFO, a device, too big, a link
    leaving the root, an invalid go line), once.
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.problems: list[str] = []
        self._by_dir: dict[Path, GoModule] = {}

    def module_for(self, directory: Path) -> GoModule:
        chain: list[Path] = []
        current = directory
        found: GoModule | None = None
        while True:
            if current in self._by_dir:
                found = self._by_dir[current]
                break
            chain.append(current)
            candidate = current / "go.mod"
            # (lexists: a FIFO or a dangling link in go.mod's place is reported, not skipped)
            if os.path.lexists(candidate) and not os.path.isdir(candidate):
                inside = self.root is not None and current.is_relative_to(self.root)
                found = read_go_mod(candidate, self.root if inside else None)
                if found.problem:
                    self.problems.append(found.problem)
                break
            if current.parent == current:
                found = GoModule(None, DEFAULT_GO_VERSION)
                break
            current = current.parent
        for seen in chain:
            self._by_dir[seen] = found
        return found

    def forget(self) -> None:
        self._by_dir.clear()
