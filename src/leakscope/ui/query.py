"""The filter language of the `/` box.

Plain words must all appear (case-insensitively) in the finding's rule, path or message.
`rule:NAME` keeps findings whose rule contains NAME (or matches it as a glob), `path:GLOB`
findings whose path (or file name) matches the glob (a plain word matches a part of the path),
`severity:LEVEL` (or `sev:`) one severity, and `fixable` findings with a safe automatic fix.
Prefixing a term with `-` negates it: `-path:*_test.go`, `-fixable`.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from leakscope.core.model import Finding, Severity
from leakscope.core.report import is_fixable

_GLOB_CHARS = frozenset("*?[")
SEVERITY_NAMES = {s.value: s for s in Severity} | {"warn": Severity.WARNING, "err": Severity.ERROR}


class SearchIndex:
    """Per-finding columns the filter reads, built on first use and kept until the findings
    change (a keystroke then costs one pass over plain lists, not 20,000 method calls)."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = findings
        self._texts: list[str] | None = None
        self._paths: list[str] | None = None
        self._rules: list[str] | None = None

    @property
    def texts(self) -> list[str]:
        if self._texts is None:
            self._texts = [search_text(f) for f in self.findings]
        return self._texts

    @property
    def paths(self) -> list[str]:
        if self._paths is None:
            self._paths = [f.path.lower() for f in self.findings]
        return self._paths

    @property
    def rules(self) -> list[str]:
        if self._rules is None:
            self._rules = [f.rule.lower() for f in self.findings]
        return self._rules


@dataclass(frozen=True)
class Term:
    kind: str  # word, rule, path, severity, fixable
    value: str
    negate: bool = False

    def matches(self, finding: Finding, haystack: str) -> bool:
        return self._test(finding, haystack) != self.negate

    def _test(self, finding: Finding, haystack: str) -> bool:
        if self.kind == "word":
            return self.value in haystack
        if self.kind == "rule":
            return self._test_rule(finding.rule.lower())
        if self.kind == "path":
            return self._test_path(finding.path.lower())
        if self.kind == "severity":
            return finding.severity.value == self.value
        if self.kind == "fixable":
            return is_fixable(finding)
        return False

    def _test_rule(self, rule: str) -> bool:
        value = self.value
        return fnmatchcase(rule, value) if _is_glob(value) else value in rule

    def _test_path(self, path: str) -> bool:
        value = self.value
        if _is_glob(value):
            return (
                fnmatchcase(path, value)
                or fnmatchcase(posixpath.basename(path), value)
                or fnmatchcase(path, f"*/{value}")
                or fnmatchcase(path, f"{value.rstrip('/')}/*")
            )
        return value in path

    def select(self, index: SearchIndex, keep: Iterable[int]) -> list[int]:
        """The indexes in `keep` whose findings this term accepts."""
        negate = self.negate
        findings = index.findings
        if self.kind == "word":
            texts, value = index.texts, self.value
            if negate:
                return [i for i in keep if value not in texts[i]]
            return [i for i in keep if value in texts[i]]
        if self.kind in ("rule", "path"):
            column = index.rules if self.kind == "rule" else index.paths
            test = self._test_rule if self.kind == "rule" else self._test_path
            # Few distinct rules and paths: test each once, then look them up.
            accepted = {v for v in set(column) if test(v) != negate}
            return [i for i in keep if column[i] in accepted]
        if self.kind == "severity":
            value = self.value
            return [i for i in keep if (findings[i].severity.value == value) != negate]
        if self.kind == "fixable":
            return [i for i in keep if is_fixable(findings[i]) != negate]
        return []


@dataclass(frozen=True)
class Query:
    text: str = ""
    terms: tuple[Term, ...] = ()
    problems: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def asks_for_minor(self) -> bool:
        """`severity:info` (not negated): minor findings are wanted even when hidden."""
        return any(t.kind == "severity" and t.value == "info" and not t.negate for t in self.terms)

    def matches(self, finding: Finding, haystack: str | None = None) -> bool:
        if haystack is None:
            haystack = search_text(finding)
        return all(term.matches(finding, haystack) for term in self.terms)

    def filter(self, index: SearchIndex) -> list[Finding]:
        """The matching findings, in their order."""
        findings = index.findings
        if not self.terms:
            return list(findings)
        keep: Iterable[int] = range(len(findings))
        for term in self.terms:
            keep = term.select(index, keep)
            if not keep:
                break
        return [findings[i] for i in keep]


def search_text(finding: Finding) -> str:
    return f"{finding.rule}\n{finding.path}\n{finding.message}".lower()


def _is_glob(value: str) -> bool:
    return any(c in _GLOB_CHARS for c in value)


def parse_query(text: str) -> Query:
    """Parse the filter box's text; unknown `key:` prefixes are plain words."""
    try:
        tokens = shlex.split(text)
    except ValueError:  # an unclosed quote while typing: split on spaces
        tokens = text.split()
    terms: list[Term] = []
    problems: list[str] = []
    for token in tokens:
        negate = token.startswith("-") and len(token) > 1
        body = token[1:] if negate else token
        key, sep, value = body.partition(":")
        key = key.lower()
        value = value.lower()
        if body.lower() == "fixable":
            terms.append(Term("fixable", "", negate))
        elif sep and key == "rule" and value:
            terms.append(Term("rule", value, negate))
        elif sep and key == "path" and value:
            terms.append(Term("path", value, negate))
        elif sep and key in ("severity", "sev") and value:
            severity = SEVERITY_NAMES.get(value)
            if severity is None:
                problems.append(f"unknown severity '{value}' (error, warning, info)")
                terms.append(Term("severity", value, negate))  # matches nothing, as typed
            else:
                terms.append(Term("severity", severity.value, negate))
        elif sep and key in ("rule", "path", "severity", "sev") and not value:
            continue  # still being typed
        else:
            terms.append(Term("word", body.lower(), negate))
    return Query(text, tuple(terms), tuple(problems))
