"""Findings as text, JSON, SARIF 2.1.0 and GitHub workflow annotations.

Finding positions come from `Finding.span` (computed once by `text.LineIndex` in the engine).
Fix edits carry byte offsets only, so their positions are computed here with the same
`LineIndex` over the analysed source, read back from disk; a file whose content no longer
matches the hash it was analysed with gets no edit positions (its fix is left out rather
than pointing at the wrong place).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from leakscope import __version__
from leakscope.core import rules as registry
from leakscope.core.model import Applicability, Finding, Fix, Position, Rule, Severity
from leakscope.core.suppress import DIRECTIVE_RULE
from leakscope.core.text import LineIndex, display

if TYPE_CHECKING:
    from leakscope.core.analysis import FileResult

# core.analysis, core.fixes and json are imported where they are used: the terminal app's
# first frame needs is_fixable and friends from here, not the engine (start-up time, issue 14).

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_URI = "https://github.com/leakscope/leakscope"


def __getattr__(name: str) -> object:
    if name == "RULES":  # (the registry imports the rules on first use)
        return registry.RULES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def all_rules() -> tuple[Rule, ...]:
    """Every rule a finding can carry: the registry plus the ignore-directive meta rule."""
    return (*registry.RULES, DIRECTIVE_RULE)


@dataclass
class Report:
    """What a report shows: the scanned root, the findings to show, and the files' states."""

    root: Path
    findings: list[Finding]
    files: list[FileResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # folders that could not be read
    # Where paths in text and github output are shown from (None: relative to the root).
    cwd: Path | None = None
    # Whether a Go toolchain can type-check the fixes (`leakscope fix` does, before writing).
    toolchain: bool = True
    # Findings below the severity shown (minor: `info`), counted in the summary.
    hidden: int = 0

    @property
    def unverified_reason(self) -> str:
        """Why the fixes in this report are not proven: a report never type-checks them."""
        if not self.toolchain:
            return "no Go toolchain on PATH to type-check it"
        return "not checked yet: `leakscope fix` type-checks a fix before writing it"

    @property
    def partial(self) -> list[FileResult]:
        from leakscope.core.analysis import FileStatus

        return [r for r in self.files if r.status is FileStatus.PARTIAL]

    @property
    def unreadable(self) -> list[FileResult]:
        from leakscope.core.analysis import FileStatus

        return [r for r in self.files if r.status is FileStatus.UNREADABLE]

    @property
    def generated(self) -> list[FileResult]:
        from leakscope.core.analysis import FileStatus

        return [r for r in self.files if r.status is FileStatus.GENERATED]

    def display_path(self, rel: str) -> str:
        """The path as a user types it: relative to `cwd`, going up with `..` when the file
        is not below it (as go vet and ruff print them), so one report has one style."""
        if self.cwd is None:
            return rel
        absolute = self.root / rel
        try:
            return absolute.relative_to(self.cwd).as_posix()
        except ValueError:
            pass
        try:
            return Path(os.path.relpath(absolute, self.cwd)).as_posix()
        except ValueError:  # another drive (Windows)
            return absolute.as_posix()

    def annotation_path(self, rel: str) -> str:
        """The path for a GitHub annotation: below `cwd` (the workspace) or absolute."""
        if self.cwd is None:
            return rel
        absolute = self.root / rel
        try:
            return absolute.relative_to(self.cwd).as_posix()
        except ValueError:
            return absolute.as_posix()


# -- fix edit positions ----------------------------------------------------------------------


@dataclass(frozen=True)
class EditRange:
    start: Position
    end: Position
    new_text: str


class Sources:
    """The analysed source of each file, read once, for turning edit bytes into positions."""

    def __init__(self, root: Path, files: Iterable[FileResult]) -> None:
        self.root = root
        self.hashes = {r.path: r.content_hash for r in files}
        self._cache: dict[str, tuple[bytes, LineIndex] | None] = {}

    def get(self, rel: str) -> tuple[bytes, LineIndex] | None:
        if rel not in self._cache:
            self._cache[rel] = self._load(rel)
        return self._cache[rel]

    def _load(self, rel: str) -> tuple[bytes, LineIndex] | None:
        from leakscope.core.analysis import content_hash, mask_bom

        try:
            raw = (self.root / rel).read_bytes()
        except OSError:
            return None
        expected = self.hashes.get(rel)
        if expected and content_hash(raw) != expected:
            return None  # changed since it was analysed: its offsets mean nothing now
        source = mask_bom(raw)  # the engine's offsets and columns are over the masked source
        return source, LineIndex(source)

    def edits(self, finding: Finding) -> tuple[Fix, list[EditRange]] | None:
        """The finding's fix (with the file's line endings) and its edits' positions."""
        if finding.fix is None:
            return None
        loaded = self.get(finding.path)
        if loaded is None:
            return None
        source, lines = loaded
        from leakscope.core.fixes import crlf_edits

        fix = crlf_edits(source, finding.fix)
        ranges = [
            EditRange(lines.position(e.start_byte), lines.position(e.end_byte), e.new_text)
            for e in sorted(fix.edits, key=lambda e: (e.start_byte, e.end_byte))
        ]
        return fix, ranges


# -- text ------------------------------------------------------------------------------------


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


# One definition of "fixable" everywhere (the CLI summary, `--statistics`, the app's status
# line, tree and `fixable` filter): a finding with a safe fix, which `leakscope fix` and the
# app's F apply without asking. The other kind is named "unsafe fix": applied only with
# `--unsafe`, or in the app after a question.


def is_fixable(finding: Finding) -> bool:
    """Whether the finding has a safe automatic fix."""
    return finding.fix is not None and finding.fix.applicability is Applicability.SAFE


def has_unsafe_fix(finding: Finding) -> bool:
    """Whether the finding's only automatic fix is unsafe."""
    return finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE


def fixable_counts(findings: Sequence[Finding]) -> tuple[int, int]:
    """(fixable, with an unsafe fix) counts."""
    return sum(map(is_fixable, findings)), sum(map(has_unsafe_fix, findings))


def unsafe_fixes_text(n: int) -> str:
    """`1 unsafe fix`, `2 unsafe fixes`: the name of the other kind, everywhere."""
    return _plural(n, "unsafe fix", "unsafe fixes")


def summary_line(report: Report) -> str:
    from leakscope.core.analysis import FileStatus

    findings = report.findings
    if findings:
        per_rule = Counter(f.rule for f in findings)
        rules = ", ".join(f"{rule}: {n}" for rule, n in sorted(per_rule.items()))
        parts = [f"Found {_plural(len(findings), 'finding')} ({rules})"]
        safe, unsafe = fixable_counts(findings)
        flag = "" if report.toolchain else " --unverified"
        if safe:
            parts.append(f"{safe} fixable with `leakscope fix{flag}`")
        if unsafe:
            parts.append(f"{unsafe_fixes_text(unsafe)} with `leakscope fix --unsafe{flag}`")
        if (safe or unsafe) and not report.toolchain:
            parts.append("no Go toolchain on PATH, so the fixes are unverified")
    else:
        parts = ["No findings"]
    scanned = sum(1 for r in report.files if r.status in (FileStatus.OK, FileStatus.PARTIAL))
    parts.append(f"{_plural(scanned, 'file')} scanned")
    if report.partial:
        parts.append(f"{_plural(len(report.partial), 'file')} partially parsed")
    if report.unreadable:
        parts.append(f"{_plural(len(report.unreadable), 'file')} unreadable")
    if report.problems:
        parts.append(f"{_plural(len(report.problems), 'folder')} unreadable")
    if report.generated:
        parts.append(f"{_plural(len(report.generated), 'generated file')} skipped")
    if report.hidden:
        parts.append(
            f"{_plural(report.hidden, 'minor finding')} not shown (--min-severity info shows them)"
        )
    return "; ".join(parts) + "."


def finding_line(report: Report, f: Finding) -> str:
    rule = f.rule
    if f.severity is Severity.INFO:
        rule += f" (info: {f.impact_reason})" if f.impact_reason else " (info)"
    line = f"{report.display_path(f.path)}:{f.line}:{f.column}: {rule}: {f.message}"
    if f.fix is not None:
        marker = "*" if f.fix.applicability is Applicability.SAFE else "unsafe fix"
        if not report.toolchain:
            marker += ", unverified"
        line += f" [{marker}]"
    return line


def file_status_lines(report: Report) -> list[str]:
    out = []
    for r in report.unreadable:
        out.append(f"{report.display_path(r.path)}: unreadable: {r.error or 'cannot read'}")
    for r in report.partial:
        out.append(f"{report.display_path(r.path)}: partially parsed: {r.error}")
    for r in report.files:
        for error in r.internal_errors:
            out.append(f"{report.display_path(r.path)}: leakscope bug: {error} (please report it)")
    out.extend(report.problems)
    return out


def statistics_rows(findings: Sequence[Finding]) -> list[tuple[str, int, int, int]]:
    """(rule, count, fixable, with an unsafe fix) per rule, most frequent first."""
    counts = Counter(f.rule for f in findings)
    fixable = Counter(f.rule for f in findings if is_fixable(f))
    unsafe = Counter(f.rule for f in findings if has_unsafe_fix(f))
    return [
        (rule, n, fixable[rule], unsafe[rule])
        for rule, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def statistics_lines(findings: Sequence[Finding]) -> list[str]:
    """One line per rule, most frequent first: count, rule, fixable count (like ruff)."""
    rows = statistics_rows(findings)
    if not rows:
        return []
    width = max(len(str(n)) for _, n, _, _ in rows)
    name_width = max(len(rule) for rule, _, _, _ in rows)
    out = []
    for rule, n, fixable, unsafe in rows:
        fixes = [
            f"{fixable} fixable" if fixable else "",
            unsafe_fixes_text(unsafe) if unsafe else "",
        ]
        fix = ", ".join(filter(None, fixes)) or "no fix"
        out.append(f"{n:>{width}}  {rule:<{name_width}}  {fix}")
    return out


def render_text(report: Report, *, statistics: bool = False) -> str:
    lines = statistics_lines(report.findings) if statistics else []
    if not statistics:
        lines = [finding_line(report, f) for f in report.findings]
    lines.extend(file_status_lines(report))
    lines.append(summary_line(report))
    # Names, messages and problems come from the repository: one line each, nothing raw.
    return "\n".join(display(line) for line in lines) + "\n"


# -- json ------------------------------------------------------------------------------------


def _edit_json(e: EditRange) -> dict[str, object]:
    return {
        "start_line": e.start.line,
        "start_column": e.start.column,
        "end_line": e.end.line,
        "end_column": e.end.column,
        "new_text": e.new_text,
    }


def finding_json(f: Finding, sources: Sources, unverified_reason: str = "") -> dict[str, object]:
    fix_json: dict[str, object] | None = None
    resolved = sources.edits(f)
    if resolved is not None:
        fix, ranges = resolved
        fix_json = {
            "title": fix.title,
            "applicability": fix.applicability.value,
            "verified": False,
            "unverified_reason": unverified_reason,
            "edits": [_edit_json(e) for e in ranges],
        }
    return {
        "rule": f.rule,
        "path": f.path,
        "line": f.span.start.line,
        "column": f.span.start.column,
        "end_line": f.span.end.line,
        "end_column": f.span.end.column,
        "message": f.message,
        "severity": f.severity.value,
        "confidence": f.confidence.value,
        "impact": f.impact.value,
        "impact_reason": f.impact_reason,
        "fix": fix_json,
        "no_fix_reason": f.no_fix_reason if fix_json is None else None,
        "related": [
            {
                "line": r.span.start.line,
                "column": r.span.start.column,
                "end_line": r.span.end.line,
                "end_column": r.span.end.column,
                "message": r.message,
                **({"path": r.path} if r.path is not None else {}),
            }
            for r in f.related
        ],
        "fingerprint": f.fingerprint,
    }


def render_json(report: Report) -> str:
    import json

    sources = Sources(report.root, report.files)
    data = {
        "version": __version__,
        "findings": [finding_json(f, sources, report.unverified_reason) for f in report.findings],
        "files": [
            {"path": r.path, "status": r.status.value, "message": r.error}
            for r in [*report.unreadable, *report.partial]
        ],
        "problems": list(report.problems),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# -- SARIF 2.1.0 -----------------------------------------------------------------------------

SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def doc_section(doc: str, heading: str) -> str:
    """The text under `## heading` in a rule doc, up to the next heading."""
    match = re.search(rf"^##\s+{re.escape(heading)}\s*$(.*?)(?=^##\s|\Z)", doc, re.M | re.S)
    return " ".join(match.group(1).split()) if match else ""


def go_versions(rule: Rule) -> str:
    """`all`, `>= 1.18`, `< 1.23` or `>= 1.18, < 1.23`."""
    parts = []
    if rule.min_go is not None:
        parts.append(f">= {rule.min_go[0]}.{rule.min_go[1]}")
    if rule.max_go is not None:
        parts.append(f"< {rule.max_go[0]}.{rule.max_go[1]}")
    return ", ".join(parts) or "all"


def sarif_rule(rule: Rule) -> dict[str, object]:
    doc = rule.doc.strip()
    full = doc_section(doc, "What it does") or rule.summary
    return {
        "id": rule.name,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": doc or rule.summary, "markdown": doc or rule.summary},
        "defaultConfiguration": {"level": SARIF_LEVELS[rule.severity]},
        "properties": {
            "fixAvailability": rule.fix_availability.value,
            "goVersions": go_versions(rule),
            "tags": ["memory-leak", "resource-leak", "go"],
        },
    }


def _region(start: Position, end: Position) -> dict[str, int]:
    return {
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    }


def _artifact(path: str) -> dict[str, str]:
    return {"uri": quote(path), "uriBaseId": "%SRCROOT%"}


def sarif_result(
    f: Finding, rule_index: dict[str, int], sources: Sources, unverified_reason: str = ""
) -> dict[str, object]:
    result: dict[str, object] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index[f.rule],
        "level": SARIF_LEVELS[f.severity],
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(f.path),
                    "region": _region(f.span.start, f.span.end),
                }
            }
        ],
        "partialFingerprints": {"leakscopeFingerprint/v1": f.fingerprint},
        "properties": {
            "confidence": f.confidence.value,
            "impact": f.impact.value,
            "impactReason": f.impact_reason,
        },
    }
    if f.related:
        result["relatedLocations"] = [
            {
                "id": i,
                "physicalLocation": {
                    "artifactLocation": _artifact(r.path or f.path),
                    "region": _region(r.span.start, r.span.end),
                },
                "message": {"text": r.message},
            }
            for i, r in enumerate(f.related)
        ]
    resolved = sources.edits(f)
    if resolved is not None:
        fix, ranges = resolved
        result["fixes"] = [
            {
                "description": {"text": fix.title},
                "artifactChanges": [
                    {
                        "artifactLocation": _artifact(f.path),
                        "replacements": [
                            {
                                "deletedRegion": _region(e.start, e.end),
                                "insertedContent": {"text": e.new_text},
                            }
                            for e in ranges
                        ],
                    }
                ],
                "properties": {
                    "applicability": fix.applicability.value,
                    "verified": False,
                    "unverifiedReason": unverified_reason,
                },
            }
        ]
    elif f.no_fix_reason:
        result["properties"]["noFixReason"] = f.no_fix_reason  # type: ignore[index]
    return result


def render_sarif(report: Report) -> str:
    import json

    from leakscope.core.analysis import FileStatus

    rules = all_rules()
    rule_index = {r.name: i for i, r in enumerate(rules)}
    sources = Sources(report.root, report.files)
    notifications = [
        {
            "level": "error" if r.status is FileStatus.UNREADABLE else "warning",
            "message": {"text": f"{r.path}: {r.error or r.status.value}"},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(r.path)}}],
        }
        for r in [*report.unreadable, *report.partial]
    ] + [{"level": "error", "message": {"text": problem}} for problem in report.problems]
    root_uri = report.root.resolve().as_uri().rstrip("/") + "/"
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": "leakscope",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": TOOL_URI,
                "rules": [sarif_rule(r) for r in rules],
            }
        },
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
        "columnKind": "unicodeCodePoints",
        "results": [
            sarif_result(f, rule_index, sources, report.unverified_reason) for f in report.findings
        ],
    }
    data = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# -- GitHub workflow commands ----------------------------------------------------------------

GITHUB_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def github_escape_data(value: str) -> str:
    """A workflow command's message: %, CR and LF are percent-encoded, and other control
    characters are shown visibly (the runner's log is a terminal: ESC must not reach it)."""
    value = display(value, keep_lines=True)
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_escape_property(value: str) -> str:
    """A workflow command's property value: the message escapes plus `:` and `,`."""
    return github_escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_command(level: str, message: str, **properties: object) -> str:
    props = ",".join(
        f"{key}={github_escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    return (
        f"::{level} {props}::{github_escape_data(message)}"
        if props
        else (f"::{level}::{github_escape_data(message)}")
    )


def render_github(report: Report) -> str:
    lines = []
    for f in report.findings:
        message = f.message
        if f.fix is not None:
            message += f" (fix: {f.fix.title})"
        lines.append(
            github_command(
                GITHUB_LEVELS[f.severity],
                message,
                file=report.annotation_path(f.path),
                line=f.span.start.line,
                col=f.span.start.column,
                endLine=f.span.end.line,
                endColumn=f.span.end.column,
                title=f"leakscope {f.rule}",
            )
        )
    for r in report.unreadable:
        lines.append(
            github_command(
                "error",
                f"leakscope could not read this file: {r.error}",
                file=report.annotation_path(r.path),
                title="leakscope",
            )
        )
    for r in report.partial:
        lines.append(
            github_command(
                "notice",
                f"leakscope: {r.error}",
                file=report.annotation_path(r.path),
                title="leakscope",
            )
        )
    for problem in report.problems:
        lines.append(github_command("error", problem, title="leakscope"))
    return "".join(line + "\n" for line in lines)


def render(report: Report, fmt: str, *, statistics: bool = False) -> str:
    if fmt == "text":
        return render_text(report, statistics=statistics)
    if fmt == "json":
        return render_json(report)
    if fmt == "sarif":
        return render_sarif(report)
    if fmt == "github":
        return render_github(report)
    raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
