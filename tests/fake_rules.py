"""A test-only rule, so CLI and report tests do not depend on the real rules' precision.

`fake-leak` reports calls by name:
- `Leak(x)`: safe fix, renames the call to `Clean(x)`;
- `Risky(x)`: unsafe fix, renames it to `Careful(x)`;
- `Hopeless(x)`: no fix, with a reason;
- `Broken(x)`: a safe fix that does not compile (renames the call to the undefined `Missing`);
- `Pair()`: its fix renames it to `Done()` and every other `Pair()` of the file to `Also()`,
  so two of them have overlapping fixes and the first one's fix resolves the second;
- `Global()`: reported only when the package declares a variable `flagged` (in any file).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from leakscope.core import engine, report, rules
from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.model import (
    Applicability,
    Confidence,
    Fix,
    FixAvailability,
    Rule,
    Severity,
    TextEdit,
)
from leakscope.core.syntax import captures

FAKE = "fake-leak"
_QUERY = "(call_expression function: (identifier) @name)"
_RENAMES = {
    "Leak": ("Clean", Applicability.SAFE),
    "Risky": ("Careful", Applicability.UNSAFE),
    "Broken": ("Missing", Applicability.SAFE),
}


def check(ctx: FileContext) -> Iterator[Diagnostic]:
    names = captures(_QUERY, ctx.root).get("name", [])
    pairs = [n for n in names if ctx.text(n) == "Pair"]
    for name in names:
        callee = ctx.text(name)
        call = name.parent
        assert call is not None
        if callee in _RENAMES:
            new, applicability = _RENAMES[callee]
            edit = TextEdit(name.start_byte, name.end_byte, new)
            fix = Fix(f"call {new} instead", (edit,), applicability)
            yield Diagnostic.at(call, f"{callee} leaks its argument", fix=fix)
        elif callee == "Pair":
            edits = tuple(
                TextEdit(
                    p.start_byte, p.end_byte, "Done" if p.start_byte == name.start_byte else "Also"
                )
                for p in pairs
            )
            yield Diagnostic.at(call, "Pair leaks", fix=Fix("pair up", edits))
        elif callee == "Global" and "flagged" in ctx.package.vars:
            yield Diagnostic.at(call, "Global sees the package variable flagged")
        elif callee == "Hopeless":
            yield Diagnostic.at(
                call,
                "Hopeless leaks its argument",
                confidence=Confidence.LOW,
                no_fix_reason="no automatic fix: nothing can save it",
            )


FAKE_RULE = Rule(
    name=FAKE,
    summary="Calls to Leak, Risky or Hopeless (test rule)",
    doc="""## What it does
Reports calls to `Leak`, `Risky` and `Hopeless`.

## Why is this bad?
They leak.

## Example
```go
Leak(x)
```

## Use instead
```go
Clean(x)
```

## Fix safety
`Leak` has a safe fix, `Risky` an unsafe one, `Hopeless` none.

## References
- tests/fake_rules.py
""",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    check=check,
)


def install(monkeypatch: pytest.MonkeyPatch, only: bool = True) -> None:
    """Put `fake-leak` in the registry (alone, unless `only` is False) for one test."""
    registry = (FAKE_RULE,) if only else (*rules.RULES, FAKE_RULE)
    for module in (rules, engine, report):
        monkeypatch.setattr(module, "RULES", registry)
    monkeypatch.setitem(rules.RULES_BY_NAME, FAKE, FAKE_RULE)
