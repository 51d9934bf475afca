"""The Go version in force for a file: the `go` line of the nearest go.mod above it.

Also its `toolchain` line and `godebug` settings, which decide some runtime behaviour that the
`go` line alone does not (the timer rules read them: see `BuildSettings`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# With no go.mod, Go itself assumes go 1.16 semantics for module-less code; staying that low
# keeps the version-gated timer rules live and fixes conservative.
DEFAULT_GO_VERSION: tuple[int, int] = (1, 16)

_GO_LINE = re.compile(rb"^go\s+(\d+)\.(\d+)(?:\.\d+|rc\d+|beta\d+)?\s*(?://.*)?$", re.MULTILINE)
_TOOLCHAIN_LINE = re.compile(
    rb"^toolchain\s+go(\d+)\.(\d+)(?:\.\d+|rc\d+|beta\d+)?(?:-\S+)?\s*(?://.*)?$", re.MULTILINE
)
# `godebug key=value` or a block `godebug (\n key=value\n ... )`.
_GODEBUG_LINE = re.compile(rb"^godebug\s+([\w.-]+)\s*=\s*([^\s/]+)", re.MULTILINE)
_GODEBUG_BLOCK = re.compile(rb"^godebug\s*\(([^)]*)\)", re.MULTILINE)
_SETTING = re.compile(rb"^\s*([\w.-]+)\s*=\s*([^\s/]+)", re.MULTILINE)


def parse_go_version(text: str) -> tuple[int, int] | None:
    """`1.21`, `1.21.3` or `go1.21` to (1, 21); None when it is not a Go version."""
    match = re.fullmatch(r"\s*(?:go)?(\d+)\.(\d+)(?:\.\d+|rc\d+|beta\d+)?\s*", text)
    if match is None:
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


def read_go_mod(go_mod: Path) -> GoModule:
    try:
        data = go_mod.read_bytes()
    except OSError:
        return GoModule(None, DEFAULT_GO_VERSION)
    match = _GO_LINE.search(data)
    version = (int(match.group(1)), int(match.group(2))) if match else DEFAULT_GO_VERSION
    module = re.search(rb"^module\s+(\S+)", data, re.MULTILINE)
    module_path = module.group(1).decode("utf-8", "replace").strip('"') if module else ""
    toolchain_match = _TOOLCHAIN_LINE.search(data)
    toolchain = (
        (int(toolchain_match.group(1)), int(toolchain_match.group(2))) if toolchain_match else None
    )
    return GoModule(
        go_mod, version, module_path, toolchain, _godebug_settings(data), match is not None
    )


class ModuleFinder:
    """Finds (and remembers) the go.mod above each folder, never looking above `root`'s parents."""

    def __init__(self) -> None:
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
            if candidate.is_file():
                found = read_go_mod(candidate)
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
