"""What the findings tree and the status line show, planned from the findings and the filter.

Planning is plain Python over immutable findings, so while a scan runs it is done on a worker
thread and only the tree is rebuilt on the app's loop: with 20,000 findings the plan takes
15-20 ms, which on the loop held every key back as long (issue 14: a scan batch never blocks
the loop for more than 16 ms).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from leakscope.core.model import Finding, Severity
from leakscope.core.report import has_unsafe_fix, is_fixable
from leakscope.ui.query import Query, SearchIndex
from leakscope.ui.widgets.findings_tree import Group, group_totals, make_groups


@dataclass
class View:
    findings: Sequence[Finding]  # every finding known
    index: SearchIndex  # (of `findings`)
    query: Query
    grouping: str
    minor_visible: bool
    shown: list[Finding]
    groups: list[Group]
    minor_hidden: int  # matching findings hidden as minor
    total: int  # findings the view counts (all, or all but the minor ones)
    fixable: int
    unsafe_fixes: int
    # Per-group totals of `findings`, by grouping and minor visibility (for a filtered view).
    totals: dict[str, dict[str, int]] = field(default_factory=dict)


def plan_view(
    findings: Sequence[Finding],
    index: SearchIndex,
    query: Query,
    grouping: str,
    minor_visible: bool,
    totals: dict[str, dict[str, int]] | None = None,
) -> View:
    """The findings `query` shows, grouped; `totals` caches group totals across calls with
    the same `findings`."""
    totals = {} if totals is None else totals
    shown = query.filter(index)
    minor_hidden = 0
    total = len(findings)
    if not minor_visible:
        visible = [f for f in shown if f.severity is not Severity.INFO]
        minor_hidden = len(shown) - len(visible)
        shown = visible
        total -= sum(1 for f in findings if f.severity is Severity.INFO)
    group_counts = None
    if not query.empty:
        key = f"{grouping}:{minor_visible}"
        group_counts = totals.get(key)
        if group_counts is None:
            counted = (
                findings
                if minor_visible
                else [f for f in findings if f.severity is not Severity.INFO]
            )
            group_counts = totals[key] = group_totals(counted, grouping)
    return View(
        findings=findings,
        index=index,
        query=query,
        grouping=grouping,
        minor_visible=minor_visible,
        shown=shown,
        groups=make_groups(shown, grouping, group_counts),
        minor_hidden=minor_hidden,
        total=total,
        fixable=sum(map(is_fixable, shown)),
        unsafe_fixes=sum(map(has_unsafe_fix, shown)),
        totals=totals,
    )
