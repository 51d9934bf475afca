"""The rule registry: the one place rules are listed. Add a module here and every command and
the terminal app pick it up.

A rule lives in `rules/<snake_name>.py` and is named `<snake-name>`, so the names are known
without importing the rules: `RULES` and `RULES_BY_NAME` import them on first use (a run
served from the cache never needs them, and they are most of leakscope's start-up time).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leakscope.core.model import Rule

_MODULES: tuple[str, ...] = (
    "substring_retention",
    "subslice_retention",
    "defer_in_loop",
    "ticker_not_stopped",
    "time_after_in_loop",
    "finalizer_cycle",
    "cleanup_keeps_alive",
    "resliced_pointers",
    "hanging_goroutine",
    "context_not_cancelled",
)

RULE_NAMES: tuple[str, ...] = tuple(module.replace("_", "-") for module in _MODULES)

RULES: tuple[Rule, ...]
RULES_BY_NAME: dict[str, Rule]


def _load() -> None:
    rules = tuple(importlib.import_module(f"{__name__}.{m}").RULE for m in _MODULES)
    names = tuple(rule.name for rule in rules)
    if names != RULE_NAMES:  # a rule module must be named after its rule
        raise ImportError(f"rule names {names} do not match their modules {_MODULES}")
    globals()["RULES"] = rules
    globals()["RULES_BY_NAME"] = {rule.name: rule for rule in rules}


def __getattr__(name: str) -> object:
    if name in ("RULES", "RULES_BY_NAME"):
        _load()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def names() -> tuple[str, ...]:
    """The rules' names, in registry order, without importing the rules (unless they are
    loaded already: then from `RULES` itself)."""
    loaded = globals().get("RULES")
    return tuple(rule.name for rule in loaded) if loaded is not None else RULE_NAMES


def get_rule(name: str) -> Rule | None:
    by_name: dict[str, Rule] = __getattr__("RULES_BY_NAME")  # type: ignore[assignment]
    return by_name.get(name)
