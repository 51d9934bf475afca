"""`leakscope.toml` (or `.leakscope.toml`) at the scanned root.

```toml
select = ["substring-retention", "defer-in-loop"]   # default: every rule
ignore = ["subslice-retention"]
exclude = ["gen/**", "*_mock.go"]                    # gitignore-style globs
go = "1.21"                                          # overrides every go.mod

[keys]                                                # terminal app key remapping
apply_fix = "x"
```
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from leakscope.core.gomod import MAX_VERSION_DIGITS, parse_go_version
from leakscope.core.text import display

CONFIG_FILE_NAMES = ("leakscope.toml", ".leakscope.toml")
# A real config is a few hundred bytes; a bigger one (or /dev/zero behind a link) is not read.
MAX_CONFIG_BYTES = 1024 * 1024
_KNOWN_KEYS = {"select", "ignore", "exclude", "go", "keys", "theme"}


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()  # empty: every rule
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    go_version: tuple[int, int] | None = None
    keys: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
    path: Path | None = None  # the file it was read from

    def enabled_rules(self, all_rules: list[str]) -> list[str]:
        chosen = [r for r in all_rules if not self.select or r in self.select]
        return [r for r in chosen if r not in self.ignore]


def find_config(root: Path) -> Path | None:
    """The config file at `root`, or None; anything but a folder of that name counts (a FIFO
    or a link leaving the root is then refused with a message by `load_config`)."""
    for name in CONFIG_FILE_NAMES:
        candidate = root / name
        if os.path.lexists(candidate) and not os.path.isdir(candidate):
            return candidate
    return None


def _short(value: object) -> str:
    """`value` for a message: repr, cut short (a 5,000-digit version is not echoed whole)."""
    text = repr(value)
    return display(text if len(text) <= 60 else text[:57] + "...")


def _string_list(path: Path, key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: '{key}' must be a list of strings")
    return tuple(value)


def load_config(root: Path, known_rules: list[str] | None = None) -> Config:
    """Read the config at `root`; a missing file is the default config."""
    path = find_config(root)
    if path is None:
        return Config()
    import tomllib  # (start-up time: only a project with a config file needs it)

    from leakscope.core.discovery import RepoFileError, read_repo_file

    # Regular files only, non-blocking, size-capped, never through a link leaving the root.
    try:
        raw = read_repo_file(path, root, MAX_CONFIG_BYTES)
    except RepoFileError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read: not UTF-8 text (byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {display(str(exc))}") from exc
    except RecursionError as exc:
        raise ConfigError(f"{path}: arrays or tables nested too deeply") from exc
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown key '{unknown[0]}' (known keys: {', '.join(sorted(_KNOWN_KEYS))})"
        )
    select = _string_list(path, "select", data.get("select", []))
    ignore = _string_list(path, "ignore", data.get("ignore", []))
    if known_rules is not None:
        for key, names in (("select", select), ("ignore", ignore)):
            for name in names:
                if name not in known_rules:
                    raise ConfigError(f"{path}: '{key}' names unknown rule '{name}'")
    go_version = None
    if "go" in data:
        raw = data["go"]
        go_version = parse_go_version(raw) if isinstance(raw, str) else None
        if go_version is None:
            # A bare 1.20 is the float 1.2 in TOML: insist on a quoted string.
            raise ConfigError(
                f"{path}: 'go' must be a quoted Go version such as \"1.21\" (at most "
                f"{MAX_VERSION_DIGITS} digits a number), got {_short(raw)}"
            )
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keys.items()
    ):
        raise ConfigError(f"{path}: [keys] must map binding ids to key names")
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        raise ConfigError(f"{path}: 'theme' must be a string")
    return Config(
        select=select,
        ignore=ignore,
        exclude=_string_list(path, "exclude", data.get("exclude", [])),
        go_version=go_version,
        keys=dict(keys),
        theme=theme,
        path=path,
    )
