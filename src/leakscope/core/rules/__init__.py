"""The rule registry: the one place rules are listed. Add a module here and every command and
the terminal app pick it up."""

from __future__ import annotations

from leakscope.core.model import Rule
from leakscope.core.rules import (
    context_not_cancelled,
    defer_in_loop,
    finalizer_cycle,
    hanging_goroutine,
    resliced_pointers,
    subslice_retention,
    substring_retention,
    ticker_not_stopped,
    time_after_in_loop,
)

RULES: tuple[Rule, ...] = (
    substring_retention.RULE,
    subslice_retention.RULE,
    defer_in_loop.RULE,
    ticker_not_stopped.RULE,
    time_after_in_loop.RULE,
    finalizer_cycle.RULE,
    resliced_pointers.RULE,
    hanging_goroutine.RULE,
    context_not_cancelled.RULE,
)

RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}


def get_rule(name: str) -> Rule | None:
    return RULES_BY_NAME.get(name)
