"""`//leakscope:ignore RULE[,RULE...] reason` directives.

A directive at the end of a line of code covers findings that start on that line; a directive
on a line of its own covers the line below it. The reason is
required, as with staticcheck's `//lint:ignore`; a directive without one, naming an unknown rule,
or matching nothing is itself reported under the `ignore-directive` rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Tree

from leakscope.core.model import FixAvailability, Rule, Severity

DIRECTIVE_RULE = Rule(
    name="ignore-directive",
    summary="A //leakscope:ignore directive that is malformed or matches nothing",
    doc="""## What it does
Reports `//leakscope:ignore` directives that have no reason, name an unknown rule, or suppress
nothing (the finding they were written for is gone).

## Why is this bad?
A directive without a reason leaves the next reader guessing; one that matches nothing hides
the next real finding on that line without anyone having looked at it.

## Example
```go
s0 = s1[:50] //leakscope:ignore substring-retention
```

## Use instead
```go
s0 = s1[:50] //leakscope:ignore substring-retention s1 is at most 64 bytes (checked by the caller)
```

## Fix safety
No automatic fix: only a person can say why a finding is acceptable.
""",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.NEVER,
    check=lambda ctx: iter(()),
)

_DIRECTIVE = re.compile(rb"//\s*leakscope:ignore\b([^\n]*)")


@dataclass(slots=True)
class Directive:
    line: int  # 1-based line of the comment
    start_byte: int
    end_byte: int
    rules: tuple[str, ...]
    reason: str
    used: bool = False
    # False when code precedes the comment on its line: then it covers that line only.
    own_line: bool = True

    def covers(self, rule: str, line: int) -> bool:
        if not (rule in self.rules or "all" in self.rules):
            return False
        return line == self.line or (self.own_line and line == self.line + 1)


def find_directives(source: bytes, tree: Tree) -> list[Directive]:
    if b"leakscope:ignore" not in source:
        return []
    root = tree.root_node
    out = []
    for match in _DIRECTIVE.finditer(source):
        start = match.start()
        node = root.descendant_for_byte_range(start, start + 2)
        if node is None or node.type != "comment":
            continue  # the text sits inside a string literal, not a comment
        rest = match.group(1).decode("utf-8", errors="replace").strip()
        if rest.endswith("*/"):
            rest = rest[:-2].strip()
        rule_text, _, reason = rest.partition(" ")
        rules = tuple(r for r in rule_text.split(",") if r)
        line = source.count(b"\n", 0, start) + 1
        line_start = source.rfind(b"\n", 0, start) + 1
        own_line = not source[line_start:start].strip()
        out.append(Directive(line, start, match.end(), rules, reason.strip(), own_line=own_line))
    return out
