"""The filter language of the `/` box.

Plain words must all appear (case-insensitively) in the finding's rule, path or message.
`rule:NAME` keeps findings whose rule contains NAME (or matches it as a glob), `path:GLOB`
findings whose path (or file name) matches the glob (a plain word matches a part of the path),
`severity:LEVEL` (or `sev:`) one severity, and `fixable` findings with an automatic fix.
Prefixing a term with `-` negates it: `-path:*_test.go`, `-fixable`.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from leakscope.core.model import Finding, Severity

_GLOB_CHARS = frozenset("*?[")
SEVERITY_NAMES = {s.value: s for s in Severity} | {"warn": Severity.WARNING, "err": Severity.ERROR}


@dataclass(frozen=True)
class Term:
    kind: str  # word, rule, path, severity, fixable
    value: str
    negate: bool = False

    def matches(self, finding: Finding, haystack: str) -> bool:
        return self._test(finding, haystack) != self.negate

    def _test(self, finding: Finding, haystack: str) -> bool:
        value = self.value
        if self.kind == "word":
            return value in haystack
        if self.kind == "rule":
            rule = finding.rule.lower()
            return fnmatchcase(rule, value) if _is_glob(value) else value in rule
        if self.kind == "path":
            path = finding.path.lower()
            if _is_glob(value):
                return (
                    fnmatchcase(path, value)
                    or fnmatchcase(posixpath.basename(path), value)
                    or fnmatchcase(path, f"*/{value}")
                    or fnmatchcase(path, f"{value.rstrip('/')}/*")
                )
            return value in path
        if self.kind == "severity":
            return finding.severity.value == value
        if self.kind == "fixable":
            return finding.fix is not None
        return False


@dataclass(frozen=True)
class Query:
    text: str = ""
    terms: tuple[Term, ...] = ()
    problems: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.terms

    def matches(self, finding: Finding, haystack: str | None = None) -> bool:
        if haystack is None:
            haystack = search_text(finding)
        return all(term.matches(finding, haystack) for term in self.terms)

    def filter(self, findings: Iterable[Finding], haystacks: dict[int, str]) -> list[Finding]:
        """The matching findings; `haystacks` caches search_text by id(finding)."""
        if not self.terms:
            return list(findings)
        terms = self.terms
        # Plain words are the common case: test them first, without a method call per term.
        words = [t.value for t in terms if t.kind == "word" and not t.negate]
        others = [t for t in terms if not (t.kind == "word" and not t.negate)]
        out = []
        for finding in findings:
            key = id(finding)
            haystack = haystacks.get(key)
            if haystack is None:
                haystack = haystacks[key] = search_text(finding)
            if all(w in haystack for w in words) and all(
                t.matches(finding, haystack) for t in others
            ):
                out.append(finding)
        return out


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
