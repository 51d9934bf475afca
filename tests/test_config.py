from __future__ import annotations

from pathlib import Path

import pytest

from leakscope.core.config import ConfigError, load_config

RULES = ["substring-retention", "defer-in-loop"]


def write(tmp_path: Path, text: str, name: str = "leakscope.toml") -> None:
    (tmp_path / name).write_text(text)


def test_missing_file_is_the_default(tmp_path: Path) -> None:
    config = load_config(tmp_path, RULES)
    assert config.path is None and config.select == () and config.go_version is None


def test_reads_every_key(tmp_path: Path) -> None:
    write(
        tmp_path,
        'select = ["defer-in-loop"]\nignore = []\nexclude = ["gen/**"]\ngo = "1.21.4"\n'
        'theme = "leakscope-light"\n[keys]\napply_fix = "x"\n',
        ".leakscope.toml",
    )
    config = load_config(tmp_path, RULES)
    assert config.select == ("defer-in-loop",)
    assert config.exclude == ("gen/**",)
    assert config.go_version == (1, 21)
    assert config.keys == {"apply_fix": "x"}
    assert config.theme == "leakscope-light"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("selct = []\n", "unknown key 'selct'"),
        ('select = ["no-such-rule"]\n', "unknown rule 'no-such-rule'"),
        ("go = 1.20\n", "quoted Go version"),
        ('go = "one"\n', "quoted Go version"),
        ("select = 3\n", "'select' must be a list of strings"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_errors_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(tmp_path, RULES)
    assert "leakscope.toml" in str(info.value)
