"""Tickers and cancel functions kept in a field and replaced by a function that runs again
(ticker-not-stopped, context-not-cancelled): what the fixture harness cannot say (impact
reasons, related calls, fix applicability), and a helper of another file reaching a file
that names no ticker."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES

from leakscope.core.config import Config
from leakscope.core.engine import scan
from leakscope.core.model import Applicability, Finding, Impact, Severity
from leakscope.core.rules import RULES_BY_NAME

RULES = FIXTURES / "rules"


def findings(case: Path, rule: str) -> dict[tuple[str, int], Finding]:
    result = scan(case, Config(), rules=(rule,), use_cache=False, workers=1)
    return {(f.path, f.line): f for f in result.findings}


def test_ticker_rule_runs_on_files_of_a_package_that_makes_tickers() -> None:
    rule = RULES_BY_NAME["ticker-not-stopped"]
    poll = (RULES / "ticker-not-stopped" / "helper-other-file" / "poll.go").read_bytes()
    every = (RULES / "ticker-not-stopped" / "helper-other-file" / "every.go").read_bytes()
    assert b"Tick" not in poll and b"ticker" not in poll
    assert not rule.may_match(poll)
    assert rule.may_match(poll, lambda wanted: any(w in every for w in wanted))
    assert not rule.may_match(poll, lambda wanted: any(w in poll for w in wanted))
    got = findings(RULES / "ticker-not-stopped" / "helper-other-file", "ticker-not-stopped")
    assert list(got) == [("poll.go", 8)]
    related = got[("poll.go", 8)].related
    # The helper's return (in the other file), then the return that skips Stop.
    assert [(r.path, r.span.start.line) for r in related] == [("every.go", 7), (None, 12)]


def test_ticker_field_impact_related_calls_and_fix_safety() -> None:
    got = findings(RULES / "ticker-not-stopped" / "fields", "ticker-not-stopped")
    start = got[("server.go", 24)]
    assert start.impact is Impact.GROWS
    assert "Restart calls start" in start.impact_reason
    assert [r.span.start.line for r in start.related] == [35]
    assert start.fix is not None and start.fix.applicability is Applicability.SAFE
    # time.Tick in a field: no fix, and the reason says why.
    tick = got[("server.go", 44)]
    assert tick.fix is None and "cannot be stopped" in (tick.no_fix_reason or "")
    # A reader keeps the old channel (for range w.tk.C): stopping it is not safe.
    arm = got[("server.go", 67)]
    assert arm.fix is not None and arm.fix.applicability is Applicability.UNSAFE
    assert arm.impact_reason == "a ticker per call of Worker.arm: Run and backOff call arm"
    assert [(r.path, r.span.start.line) for r in arm.related] == [
        ("helper.go", 6),
        (None, 71),
        (None, 77),
    ]
    assert got[("server.go", 56)].impact_reason.startswith("a ticker per iteration")


def test_ticker_field_replaced_a_fixed_number_of_times_is_minor() -> None:
    got = findings(RULES / "ticker-not-stopped" / "fields-main", "ticker-not-stopped")
    finding = got[("main.go", 14)]
    assert finding.severity is Severity.INFO and finding.impact is Impact.BOUNDED
    assert finding.impact_reason == "a fixed number of tickers: main calls start twice"


def test_cancel_field_impact_related_calls_and_unsafe_fix() -> None:
    got = findings(RULES / "context-not-cancelled" / "fields", "context-not-cancelled")
    assert set(got) == {
        ("watcher.go", 21),
        ("watcher.go", 31),
        ("watcher.go", 52),
        ("watcher.go", 65),
        ("watcher.go", 78),
    }
    for finding in got.values():
        assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    assert all(got[("watcher.go", n)].impact is Impact.GROWS for n in (21, 31, 52, 65))
    lease = got[("watcher.go", 78)]
    assert lease.impact is Impact.BOUNDED and lease.severity is Severity.INFO
    assert lease.impact_reason == "only a timer per run, alive for at most 1h"
    arm = got[("watcher.go", 31)]
    assert arm.impact_reason.startswith("one per call of Session.arm: Open and retry call arm")
    assert [r.span.start.line for r in arm.related] == [32, 37, 41]
    pump = got[("watcher.go", 52)]
    assert "go p.run(ctx)" in pump.message and "context.Background()" in pump.message
