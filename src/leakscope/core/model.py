"""The values the engine produces and every layer above it consumes.

Inside the engine everything is a byte offset into the UTF-8 source, as tree-sitter gives it.
`Position` (1-based line, 1-based character column) is what users see; the conversion lives in
`leakscope.core.text.LineIndex` and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leakscope.core.context import Diagnostic, FileContext


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Impact(StrEnum):
    """Whether a finding's cost can grow with input or running time, or stays small.

    `grows`: worth a developer's time (a loop over data, a long-lived holder, a large source).
    `bounded`: true but negligible (a few iterations, a small value, test code); such findings
    are reported as `info`, which the default views hide.
    """

    GROWS = "grows"
    BOUNDED = "bounded"


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Applicability(StrEnum):
    """How much a fix can be trusted, as in ruff: `safe` keeps behaviour, `unsafe` may not."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class FixAvailability(StrEnum):
    ALWAYS = "always"
    SOMETIMES = "sometimes"
    NEVER = "never"


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace source bytes [start_byte, end_byte) with new_text."""

    start_byte: int
    end_byte: int
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[TextEdit, ...]
    applicability: Applicability = Applicability.SAFE


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """1-based line and 1-based column counted in characters (code points)."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Span:
    start_byte: int
    end_byte: int
    start: Position
    end: Position


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains a finding, e.g. where the long-lived variable is declared."""

    span: Span
    message: str
    # The file it is in, relative to the scanned root, when not the finding's own (a caller
    # in another file of the package); None: the finding's file.
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    path: str  # relative to the scanned root, always with "/"
    span: Span
    message: str
    severity: Severity
    confidence: Confidence
    fix: Fix | None = None
    no_fix_reason: str | None = None
    related: tuple[Related, ...] = ()
    impact: Impact = Impact.GROWS
    # Why the impact is what it is: "the loop ranges over a parameter", "test code".
    impact_reason: str = ""
    # Survives line shifts: rule, path, the enclosing function and the flagged text.
    fingerprint: str = ""
    # The fix has not been checked yet (re-parsed, the rule run again on it): the live path
    # leaves that to preview, apply or an idle worker; the UI shows "checking…" meanwhile.
    fix_pending: bool = False

    @property
    def line(self) -> int:
        return self.span.start.line

    @property
    def column(self) -> int:
        return self.span.start.column

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.start_byte, self.span.end_byte, self.rule)


@dataclass(frozen=True)
class Rule:
    """A leak rule. `doc` is its user-facing documentation (the rule module's docstring)."""

    name: str
    summary: str
    doc: str
    severity: Severity
    fix_availability: FixAvailability
    check: Callable[[FileContext], Iterable[Diagnostic]] = field(repr=False, compare=False)
    # The rule runs only when min_go <= module go version < max_go (None: unbounded).
    min_go: tuple[int, int] | None = None
    max_go: tuple[int, int] | None = None
    # Bytes the file must contain for the rule to find anything (any one of them): files
    # without them are skipped before the rule runs. Empty: the rule runs on every file.
    triggers: tuple[bytes, ...] = ()
    # Bytes that make the rule run on every file of a package when any file of it holds one:
    # a helper in one file (`return time.NewTicker(d)`) gives a call elsewhere its meaning.
    package_triggers: tuple[bytes, ...] = ()

    def may_match(
        self, source: bytes, package_holds: Callable[[tuple[bytes, ...]], bool] | None = None
    ) -> bool:
        """False when the file cannot hold what the rule looks for: none of its triggers,
        and, when `package_holds` tells whether the file's package holds some bytes, none of
        its package triggers in the package."""
        if not self.triggers or any(trigger in source for trigger in self.triggers):
            return True
        if not self.package_triggers or package_holds is None:
            return False
        return package_holds(self.package_triggers)

    def applies_to(self, go_version: tuple[int, int]) -> bool:
        if self.min_go is not None and go_version < self.min_go:
            return False
        return not (self.max_go is not None and go_version >= self.max_go)
