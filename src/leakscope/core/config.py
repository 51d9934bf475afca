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

from dataclasses import dataclass, field
from pathlib import Path

from leakscope.core.gomod import parse_go_version

CONFIG_FILE_NAMES = ("leakscope.toml", ".leakscope.toml")
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
    for name in CONFIG_FILE_NAMES:
        candidate = root / name
        if candidate.is_file():
            return candidate
    return None


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

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
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
                f"{path}: 'go' must be a quoted Go version such as \"1.21\", got {raw!r}"
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
