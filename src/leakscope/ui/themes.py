"""leakscope's themes: TOML files read from the bundled `themes/` folder and the user's.

A theme file holds Textual's theme colours (`[colors]`), the colours leakscope adds
(`[leakscope]`: the leaky range, related places, added and removed diff lines) and the name of
the palette for Go syntax (`syntax`). Bundled files live in the repository's top-level
`themes/` folder, packaged into the wheel as `leakscope/themes`; a user's files in
`<config dir>/themes/` are loaded after them (a user file may replace a bundled theme).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs
from rich.style import Style
from textual.color import Color, ColorParseError
from textual.theme import Theme

import leakscope

DEFAULT_THEME = "leakscope-dark"
SETTINGS_FILE = "settings.toml"
EXTRA_KEYS = ("leak-range", "related-range", "added-line", "removed-line")
COLOR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "success",
    "warning",
    "error",
    "boost",
)
SYNTAX_PALETTES = ("vscode_dark", "monokai", "dracula", "github_light")


class ThemeError(Exception):
    """A theme file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class LeakTheme:
    name: str
    theme: Theme  # the Textual theme
    syntax: str  # a TextArea syntax palette name
    leak_range: str
    related_range: str
    added_line: str
    removed_line: str
    path: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def dark(self) -> bool:
        return self.theme.dark

    def style(self, key: str) -> Style:
        """A background style for one of EXTRA_KEYS."""
        return Style(bgcolor=Color.parse(self.color(key)).rich_color)

    def color(self, key: str) -> str:
        return {
            "leak-range": self.leak_range,
            "related-range": self.related_range,
            "added-line": self.added_line,
            "removed-line": self.removed_line,
        }[key]


# -- how visible a colour is -----------------------------------------------------------------
# The leaky range must be the most visible thing in the source view in every theme (issue 15:
# a bright yellow related line outshone a pale pink leak). Visibility is measured as the
# CIE76 colour difference (ΔE, in CIELAB) from the view's background, which counts hue and
# saturation as the eye does; WCAG's contrast ratio alone sees only lightness and rated the
# yellow line as the fainter one.


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _lab(colour: str) -> tuple[float, float, float]:
    parsed = Color.parse(colour)
    r, g, b = (_linear(c / 255) for c in (parsed.r, parsed.g, parsed.b))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def colour_difference(a: str, b: str) -> float:
    """CIE76 ΔE between two colours: about 2.3 is just noticeable, 20 and more is obvious."""
    return sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b), strict=True)) ** 0.5


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio (1 to 21), for text on a background."""

    def luminance(colour: str) -> float:
        c = Color.parse(colour)
        r, g, b = (_linear(v / 255) for v in (c.r, c.g, c.b))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    low, high = sorted((luminance(a), luminance(b)))
    return (high + 0.05) / (low + 0.05)


def config_dir() -> Path:
    """The user's leakscope config folder (LEAKSCOPE_CONFIG_DIR overrides it)."""
    override = os.environ.get("LEAKSCOPE_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir("leakscope"))


def bundled_theme_dirs() -> list[Path]:
    """`leakscope/themes` in an installed wheel, or `themes/` at the top of a source tree."""
    package = Path(leakscope.__file__).resolve().parent
    candidates = [package / "themes", package.parent.parent / "themes"]
    return [c for c in candidates if c.is_dir()]


def user_theme_dir() -> Path:
    return config_dir() / "themes"


def _check_color(path: Path, key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ThemeError(f"{path}: '{key}' must be a colour string such as \"#1e1e2e\"")
    try:
        Color.parse(value)
    except ColorParseError as exc:
        raise ThemeError(f"{path}: '{key}' is not a colour: {value!r}") from exc
    return value


def parse_theme(path: Path) -> LeakTheme:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ThemeError(f"{path}: invalid TOML: {exc}") from exc
    unknown = sorted(set(data) - {"name", "dark", "syntax", "colors", "leakscope", "variables"})
    if unknown:
        raise ThemeError(f"{path}: unknown key '{unknown[0]}'")
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.strip():
        raise ThemeError(f"{path}: 'name' must be a non-empty string")
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeError(f"{path}: 'dark' must be true or false")
    syntax = data.get("syntax", "vscode_dark" if dark else "github_light")
    if syntax not in SYNTAX_PALETTES:
        raise ThemeError(f"{path}: 'syntax' must be one of {', '.join(SYNTAX_PALETTES)}")
    colors = data.get("colors", {})
    extra = data.get("leakscope", {})
    variables = data.get("variables", {})
    for table_name, table in (("colors", colors), ("leakscope", extra), ("variables", variables)):
        if not isinstance(table, dict):
            raise ThemeError(f"{path}: [{table_name}] must be a table")
    unknown = sorted(set(colors) - set(COLOR_KEYS))
    if unknown:
        raise ThemeError(f"{path}: [colors] has unknown key '{unknown[0]}'")
    if "primary" not in colors:
        raise ThemeError(f"{path}: [colors] needs at least 'primary'")
    checked = {k: _check_color(path, k, v) for k, v in colors.items()}
    unknown = sorted(set(extra) - set(EXTRA_KEYS))
    if unknown:
        raise ThemeError(f"{path}: [leakscope] has unknown key '{unknown[0]}'")
    missing = [k for k in EXTRA_KEYS if k not in extra]
    if missing:
        raise ThemeError(f"{path}: [leakscope] needs '{missing[0]}'")
    checked_extra = {k: _check_color(path, k, v) for k, v in extra.items()}
    if not all(isinstance(v, str) for v in variables.values()):
        raise ThemeError(f"{path}: [variables] values must be strings")
    theme = Theme(
        name=name,
        dark=dark,
        variables={**checked_extra, **variables},
        **checked,
    )
    return LeakTheme(
        name=name,
        theme=theme,
        syntax=syntax,
        leak_range=checked_extra["leak-range"],
        related_range=checked_extra["related-range"],
        added_line=checked_extra["added-line"],
        removed_line=checked_extra["removed-line"],
        path=path,
    )


def load_themes() -> tuple[dict[str, LeakTheme], list[str]]:
    """Every usable theme by name, and the problems with files that could not be used."""
    themes: dict[str, LeakTheme] = {}
    problems: list[str] = []
    for directory in [*bundled_theme_dirs(), user_theme_dir()]:
        try:
            files = sorted(directory.glob("*.toml"))
        except OSError:
            continue
        for path in files:
            try:
                leak_theme = parse_theme(path)
            except ThemeError as exc:
                problems.append(str(exc))
                continue
            themes[leak_theme.name] = leak_theme
    return themes, problems


def resolve_name(name: str, themes: dict[str, LeakTheme]) -> str | None:
    """A theme name as typed (`light` finds `leakscope-light`), or None."""
    if name in themes:
        return name
    prefixed = f"leakscope-{name}"
    return prefixed if prefixed in themes else None


def fallback_theme(theme: Theme) -> LeakTheme:
    """leakscope colours derived from a plain Textual theme (one without a leakscope file)."""
    background = Color.parse(theme.background or ("#1e1e1e" if theme.dark else "#f0f0f0"))
    error = Color.parse(theme.error or "#ba3c5b")
    warning = Color.parse(theme.warning or "#ffa62b")
    success = Color.parse(theme.success or "#4ebf71")
    return LeakTheme(
        name=theme.name,
        theme=theme,
        syntax="vscode_dark" if theme.dark else "github_light",
        leak_range=_blend_until(background, error, LEAK_DIFFERENCE),
        related_range=_blend_until(background, warning, RELATED_DIFFERENCE),
        added_line=background.blend(success, 0.2).hex,
        removed_line=background.blend(error, 0.2).hex,
    )


# How far (ΔE) a derived theme puts the leak and related places from the background.
LEAK_DIFFERENCE = 34.0
RELATED_DIFFERENCE = 14.0


def _blend_until(background: Color, colour: Color, difference: float) -> str:
    """`background` blended toward `colour` just far enough to differ from it by ΔE."""
    for step in range(5, 101, 5):
        blended = background.blend(colour, step / 100)
        if colour_difference(blended.hex, background.hex) >= difference:
            return blended.hex
    return colour.hex


def remembered_theme() -> str | None:
    """The theme the user chose last time, from the user config folder."""
    try:
        data = tomllib.loads((config_dir() / SETTINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    theme = data.get("theme")
    return theme if isinstance(theme, str) else None


def remember_theme(name: str) -> str | None:
    """Save the chosen theme; returns a problem message instead of raising."""
    path = config_dir() / SETTINGS_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = {}
    data["theme"] = name
    lines = [f"{key} = {_toml_value(value)}" for key, value in data.items() if _is_scalar(value)]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        return f"cannot remember the theme in {path}: {exc.strerror}"
    return None


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | bool | int | float)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
