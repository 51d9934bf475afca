"""The Go version in force for a file: the `go` line of the nearest go.mod above it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# With no go.mod, Go itself assumes go 1.16 semantics for module-less code; staying that low
# keeps the version-gated timer rules live and fixes conservative.
DEFAULT_GO_VERSION: tuple[int, int] = (1, 16)

_GO_LINE = re.compile(rb"^go\s+(\d+)\.(\d+)(?:\.\d+|rc\d+|beta\d+)?\s*(?://.*)?$", re.MULTILINE)


def parse_go_version(text: str) -> tuple[int, int] | None:
    """`1.21`, `1.21.3` or `go1.21` to (1, 21); None when it is not a Go version."""
    match = re.fullmatch(r"\s*(?:go)?(\d+)\.(\d+)(?:\.\d+|rc\d+|beta\d+)?\s*", text)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2))


def format_go_version(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


@dataclass(frozen=True, slots=True)
class GoModule:
    path: Path | None  # the go.mod file, None when there is none
    version: tuple[int, int]
    module_path: str = ""


def read_go_mod(go_mod: Path) -> GoModule:
    try:
        data = go_mod.read_bytes()
    except OSError:
        return GoModule(None, DEFAULT_GO_VERSION)
    match = _GO_LINE.search(data)
    version = (int(match.group(1)), int(match.group(2))) if match else DEFAULT_GO_VERSION
    module = re.search(rb"^module\s+(\S+)", data, re.MULTILINE)
    module_path = module.group(1).decode("utf-8", "replace").strip('"') if module else ""
    return GoModule(go_mod, version, module_path)


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
