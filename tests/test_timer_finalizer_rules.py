"""What the fixture harness cannot say about ticker-not-stopped, time-after-in-loop and
finalizer-cycle: confidence, severity, applicability, related locations, version gates."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES

from leakscope.core.config import Config
from leakscope.core.context import FileContext
from leakscope.core.engine import scan
from leakscope.core.gomod import BuildSettings, read_go_mod
from leakscope.core.index import PackageIndex, summarize_file
from leakscope.core.model import Applicability, Confidence, Finding, Impact, Severity
from leakscope.core.rules import RULES_BY_NAME
from leakscope.core.rules._timers import TimerBuild, timer_build
from leakscope.core.rules.time_after_in_loop import reset_lines
from leakscope.core.syntax import parse

RULES = FIXTURES / "rules"
HEADINGS = (
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Fix safety",
    "## References",
)


def findings(case: Path, rule: str) -> dict[tuple[str, int], Finding]:
    result = scan(case, Config(), rules=(rule,), use_cache=False, workers=1)
    return {(f.path, f.line): f for f in result.findings}


@pytest.mark.parametrize("name", ["ticker-not-stopped", "time-after-in-loop", "finalizer-cycle"])
def test_docs_have_every_heading(name: str) -> None:
    doc = RULES_BY_NAME[name].doc
    positions = [doc.find(h) for h in HEADINGS]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)


def _timers(
    go: tuple[int, int], build: BuildSettings | None, directive: str = "", path: str = "a.go"
) -> TimerBuild:
    source = f"{directive}\npackage main\n".encode()
    tree = parse(source)
    index = PackageIndex([summarize_file(path, tree)])
    ctx = FileContext(path, source, tree, go, index, path.endswith("_test.go"), build=build)
    return timer_build(ctx)


def test_timer_rules_stop_at_go_1_23_unless_asynctimerchan_or_go_1_27() -> None:
    # The rules run at every go line; the go.mod's lines decide inside (issue 13).
    plain = BuildSettings(go_line=(1, 22))
    assert _timers((1, 22), plain) == TimerBuild(True, "go.mod says go 1.22", True)
    assert not _timers((1, 23), BuildSettings(go_line=(1, 23))).leaks
    assert not _timers((1, 24), BuildSettings(go_line=(1, 24))).leaks
    # The toolchain line: Go 1.27 removed asynctimerchan, whatever the go line.
    newer = _timers((1, 21), BuildSettings((1, 21), toolchain=(1, 27)))
    assert not newer.leaks and "toolchain line says go1.27" in newer.reason
    assert _timers((1, 21), BuildSettings((1, 21), toolchain=(1, 26))).leaks
    # godebug asynctimerchan=1 in go.mod brings the leak back before 1.27 ...
    old = BuildSettings((1, 23), godebug=(("asynctimerchan", "1"),))
    got = _timers((1, 23), old)
    assert got.leaks and "godebug line sets asynctimerchan=1" in got.reason
    # ... but not with a 1.27 toolchain, and 0 or 2 keep the collectable timers.
    assert not _timers((1, 23), BuildSettings((1, 23), (1, 27), old.godebug)).leaks
    off = BuildSettings((1, 21), godebug=(("asynctimerchan", "0"),))
    assert not _timers((1, 21), off).leaks
    two = _timers((1, 23), BuildSettings((1, 23), godebug=(("asynctimerchan", "2"),)))
    assert not two.leaks and two.async_channels
    # A //go:debug directive overrides go.mod; one in a test file counts for tests only.
    directive = "//go:debug asynctimerchan=1"
    got = _timers((1, 24), BuildSettings((1, 24)), directive)
    assert got.leaks and "//go:debug asynctimerchan=1 in a.go" in got.reason
    assert not _timers((1, 21), old, "//go:debug asynctimerchan=0").leaks
    assert _timers((1, 24), BuildSettings((1, 24)), directive, "a_test.go").leaks
    # leakscope.toml's go overrides the go line only.
    assert "leakscope.toml says go = 1.21" in _timers((1, 21), BuildSettings((1, 24))).reason
    for name in ("ticker-not-stopped", "time-after-in-loop"):
        assert RULES_BY_NAME[name].applies_to((1, 24))
    assert RULES_BY_NAME["finalizer-cycle"].applies_to((1, 24))


def test_go_mod_toolchain_and_godebug_lines(tmp_path: Path) -> None:
    go_mod = tmp_path / "go.mod"
    go_mod.write_text(
        "module x\n\ngo 1.23.4\n\ntoolchain go1.26.2\n\ngodebug asynctimerchan=1 // old\n"
        "godebug (\n\tpanicnil=1\n\tasynctimerchan=0\n)\n"
    )
    build = read_go_mod(go_mod).build
    assert build.go_line == (1, 23) and build.toolchain == (1, 26)
    assert build.godebug == (("asynctimerchan", "1"), ("panicnil", "1"), ("asynctimerchan", "0"))
    assert build.setting("asynctimerchan") == "0"  # the last one wins
    go_mod.write_text("module x\n")
    assert read_go_mod(go_mod).build == BuildSettings()


def test_go_version_from_config_overrides_go_mod() -> None:
    case = RULES / "ticker-not-stopped" / "go123"
    assert scan(case, Config(), rules=("ticker-not-stopped",), use_cache=False).findings == []
    old = scan(
        case, Config(go_version=(1, 19)), rules=("ticker-not-stopped",), use_cache=False
    ).findings
    assert len(old) >= 5


def test_ticker_confidence_and_related_returns() -> None:
    got = findings(RULES / "ticker-not-stopped" / "basic", "ticker-not-stopped")
    never = got[("poll.go", 15)]
    assert never.confidence is Confidence.HIGH
    assert never.fix is not None and never.fix.applicability is Applicability.SAFE
    partial = got[("poll.go", 28)]
    assert partial.confidence is Confidence.MEDIUM
    # The return through ctx.Done() skips Stop; the one after ticker.Stop() does not.
    assert [r.span.start.line for r in partial.related] == [35]
    in_loop = got[("poll.go", 64)]
    assert in_loop.fix is None and "inside a loop" in (in_loop.no_fix_reason or "")


def test_ticker_in_test_file_is_info() -> None:
    got = findings(RULES / "ticker-not-stopped" / "test_files", "ticker-not-stopped")
    assert [f.severity for f in got.values()] == [Severity.INFO]


def test_time_after_confidence_follows_the_loop() -> None:
    got = findings(RULES / "time-after-in-loop" / "basic", "time-after-in-loop")
    assert got[("loops.go", 21)].confidence is Confidence.HIGH  # for {}
    assert got[("loops.go", 46)].confidence is Confidence.MEDIUM  # for i := 0; i < n; i++
    in_test = got[("loops_test.go", 17)]
    assert (in_test.confidence, in_test.severity) == (Confidence.LOW, Severity.INFO)
    fixed = [f for f in got.values() if f.fix is not None]
    assert fixed and all(f.fix.applicability is Applicability.UNSAFE for f in fixed)  # type: ignore[union-attr]
    labelled = got[("loops.go", 104)]
    assert labelled.fix is None and "labelled" in (labelled.no_fix_reason or "")


def test_reset_idiom_depends_on_go_version() -> None:
    assert reset_lines("t", "d", (1, 23)) == ["t.Reset(d)"]
    old = reset_lines("t", "d", (1, 22))
    assert old[0] == "if !t.Stop() {" and old[-1] == "t.Reset(d)"
    assert "\tcase <-t.C:" in old and "\tdefault:" in old
    # asynctimerchan=1 or 2 keeps the old buffered channels at any go line.
    assert reset_lines("t", "d", (1, 24), stale_values=True) == old


def test_finalizer_confidence_levels() -> None:
    got = findings(RULES / "finalizer-cycle" / "basic", "finalizer-cycle")
    by_line = {line: f for (path, line), f in got.items() if path == "cycles.go"}
    assert by_line[17].confidence is Confidence.HIGH  # x.t, y.t = &y, &x
    assert by_line[32].confidence is Confidence.MEDIUM  # prev and next
    assert by_line[47].confidence is Confidence.MEDIUM  # Conn <-> Server
    low = by_line[58]  # next only
    assert (low.confidence, low.severity) == (Confidence.LOW, Severity.INFO)
    assert all(f.fix is None and f.no_fix_reason for f in got.values())


def test_time_after_impact_follows_loop_and_timer_length() -> None:
    got = findings(RULES / "time-after-in-loop" / "impact", "time-after-in-loop")
    assert got[("impact.go", 15)].impact is Impact.BOUNDED  # three iterations
    assert "250ms" in got[("impact.go", 27)].impact_reason
    grows = got[("impact.go", 39)]
    assert (grows.impact, grows.severity) == (Impact.GROWS, Severity.WARNING)
    assert grows.impact_reason == "the loop ranges over `jobs`, each timer lasts 2s"


def test_time_after_cases_that_win_once_are_silent() -> None:
    got = findings(RULES / "time-after-in-loop" / "wins-once", "time-after-in-loop")
    names = {line for _, line in got}
    source = (RULES / "time-after-in-loop" / "wins-once" / "once.go").read_text().splitlines()
    assert all("want" in source[line - 1] for line in names)
    assert len(got) == 5  # reset, notOnce, manyValues, shortSleep, pump


def test_ticker_and_finalizer_impact_reasons() -> None:
    got = findings(RULES / "ticker-not-stopped" / "impact", "ticker-not-stopped")
    assert got[("main.go", 16)].impact_reason == "a ticker created once: it runs once, in main"
    assert got[("main.go", 50)].impact_reason == "a ticker per call of handle"
    assert got[("record.go", 7)].impact_reason == (
        "a ticker created once: only main calls record, outside any loop"
    )
    cycles = findings(RULES / "finalizer-cycle" / "impact", "finalizer-cycle")
    assert "package variable" in cycles[("impact.go", 24)].impact_reason
    assert cycles[("impact.go", 47)].impact is Impact.GROWS
