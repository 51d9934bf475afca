"""## What it does
(placeholder: being written)
"""

from __future__ import annotations

from collections.abc import Iterator

from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.model import FixAvailability, Rule, Severity


def check(ctx: FileContext) -> Iterator[Diagnostic]:
    return iter(())


RULE = Rule(
    name="subslice-retention",
    summary="(placeholder)",
    doc=__doc__ or "",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    check=check,
)
