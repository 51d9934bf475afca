"""Details the `// want` fixtures cannot express for resliced-pointers, hanging-goroutine and
context-not-cancelled: fix applicability, confidence, severity in tests, no-fix reasons, and
that the tag-guarded no-fix context fixture compiles."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, find_go, go_env
from rule_harness import check_case

from leakscope.core.model import Applicability, Confidence, Finding, Impact, Severity

RULES = FIXTURES / "rules"


def _by_function(findings: list[Finding], case: Path) -> dict[str, Finding]:
    """Findings keyed by the name of the Go function they are in."""
    out: dict[str, Finding] = {}
    for finding in findings:
        lines = (case / finding.path).read_text(encoding="utf-8").splitlines()
        for number in range(finding.line - 1, -1, -1):
            line = lines[number]
            if line.startswith("func "):
                name = line[5:]
                if name.startswith("("):
                    name = name.split(")", 1)[1].strip()
                out[name.split("(", 1)[0].split("[", 1)[0]] = finding
                break
    return out


def test_context_fix_applicability() -> None:
    case = RULES / "context-not-cancelled" / "discarded"
    found = _by_function(check_case("context-not-cancelled", case), case)
    assert found["fetch"].fix is not None
    assert found["fetch"].fix.applicability is Applicability.SAFE
    # WithCancel has no deadline of its own: cancelling at return may end background work.
    assert found["collide"].fix is not None
    assert found["collide"].fix.applicability is Applicability.UNSAFE
    assert "cancelCtx" in found["collide"].fix.title
    # A value built from the context is returned.
    assert found["request"].fix is not None
    assert found["request"].fix.applicability is Applicability.UNSAFE
    assert found["TestFetch"].severity is Severity.INFO
    assert found["fetch"].severity is Severity.WARNING


def test_context_no_fix_reasons() -> None:
    case = RULES / "context-not-cancelled" / "nofix"
    found = _by_function(check_case("context-not-cancelled", case), case)
    assert all(f.fix is None for f in found.values())
    expected = {
        "derive": "is returned",
        "init": "is stored in j.ctx",
        "background": "used by a goroutine",
        "perItem": "inside a loop",
        "loopContinue": "inside a loop",
        "start": "passed or stored",
        "reassigned": "existing variable",
        "header": "if/switch header",
        "inClosureGoroutine": "used by a goroutine",
        "poll": "passed or stored on some paths",
    }
    assert set(found) == set(expected)
    for name, words in expected.items():
        assert words in (found[name].no_fix_reason or ""), (name, found[name].no_fix_reason)
    related = found["start"].related
    assert related and related[0].message == "this return is reached without calling it"


@pytest.mark.parametrize("case", ["nofix", "parents"])
def test_context_nofix_fixture_compiles(tmp_path: Path, case: str) -> None:
    """go vet's own lostcancel flags these findings, so the fixture is tag-guarded: check that
    it compiles and passes every other vet check."""
    go = find_go()
    if go is None:
        pytest.skip("no Go toolchain")
    target = tmp_path / case
    shutil.copytree(RULES / "context-not-cancelled" / case, target)
    vet = subprocess.run(
        [go, "vet", "-tags", "leakscope_nofix", "-lostcancel=false", "./..."],
        cwd=target,
        env=go_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert vet.returncode == 0, vet.stderr
    with_lostcancel = subprocess.run(
        [go, "vet", "-tags", "leakscope_nofix", "./..."],
        cwd=target,
        env=go_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert with_lostcancel.returncode != 0  # the tag is needed: vet agrees these are leaks


def test_context_impact_says_what_leaks() -> None:
    """A child of Background/TODO is registered nowhere: minor, with the timer's length;
    a child of a parameter grows per call, and the reason names the parent."""
    case = RULES / "context-not-cancelled" / "parents"
    found = _by_function(check_case("context-not-cancelled", case), case)
    assert found["detached"].impact is Impact.BOUNDED
    assert found["shortTimer"].impact_reason == "only a timer leaks, for at most 2s"
    assert found["perCall"].impact is Impact.GROWS
    assert "registered with `parent`" in found["perCall"].impact_reason
    assert found["perMessage"].impact is Impact.GROWS
    assert found["init"].impact_reason == "the context is created once: it runs once, in init"


def test_hanging_goroutine_impact_reasons() -> None:
    case = RULES / "hanging-goroutine" / "impact"
    found = _by_function(check_case("hanging-goroutine", case), case)
    assert "after the test has failed (t.Fatal)" in found["WaitResult"].impact_reason
    assert found["Query"].impact_reason == "a goroutine per call of Query"
    assert found["Query"].severity is Severity.WARNING
    assert found["init"].severity is Severity.INFO


def test_hanging_goroutine_fix_details() -> None:
    case = RULES / "hanging-goroutine" / "basic"
    found = _by_function(check_case("hanging-goroutine", case), case)
    assert found["query"].fix is not None
    assert found["query"].fix.applicability is Applicability.SAFE
    assert found["errPaths"].fix is not None
    assert found["notLast"].fix is not None
    assert found["notLast"].fix.applicability is Applicability.UNSAFE
    messages = [r.message for r in found["query"].related]
    assert "ch is made unbuffered here" in messages


def test_hanging_goroutine_no_fix_reasons() -> None:
    case = RULES / "hanging-goroutine" / "nofix"
    findings = check_case("hanging-goroutine", case)
    found = _by_function(findings, case)
    assert all(f.fix is None for f in findings)
    assert "several goroutines" in (found["all"].no_fix_reason or "")
    assert "more than once" in (found["stream"].no_fix_reason or "")
    assert "several goroutines" in (found["race"].no_fix_reason or "")


def test_resliced_pointers_confidence_and_reasons() -> None:
    case = RULES / "resliced-pointers" / "generic"
    generic = check_case("resliced-pointers", case)
    assert generic and all(f.confidence is Confidence.LOW for f in generic)
    case = RULES / "resliced-pointers" / "basic"
    basic = check_case("resliced-pointers", case)
    found = _by_function(basic, case)
    # A reset and stack pops (the slots get reused) and function values (mostly static
    # code). Pops handing the element on and elements moved to another structure first are
    # not reported at all.
    low = {"Reset", "unwind", "dropHandler"}
    assert not {"PopBack", "popTemp", "retire"} & set(found)
    for name, finding in found.items():
        expected = Confidence.LOW if name in low else Confidence.HIGH
        assert finding.confidence is expected, name
    # Head drops, removals (heap.Interface's Pop, copy-delete, compaction) and Go 101's return.
    assert {"Pop", "Skip", "Keep", "Drop", "removeAt", "middle", "rest"} <= set(found)
    # Exported methods reach the slice through their receiver, so callers may hold copies of
    # it that share its array: their fixes are unsafe and say why. The rest are private.
    assert all(f.fix is not None for f in basic)
    exported = {"Pop", "DropBack", "Skip", "Reset", "Keep", "Drop"}
    for name, finding in found.items():
        assert finding.fix is not None
        if name in exported:
            assert finding.fix.applicability is Applicability.UNSAFE, name
            assert f"{name} is exported and reaches the slice through its receiver" in (
                finding.fix.title
            )
        else:
            assert finding.fix.applicability is Applicability.SAFE, name
    case = RULES / "resliced-pointers" / "go120"
    regrow = _by_function(check_case("resliced-pointers", case), case)
    # The free list's release is not reported (it re-extends the slice to reuse what it
    # drops); trail's is, and `[:i+1]` elsewhere in the file makes its fix unsafe.
    assert regrow["release"].fix is not None
    assert regrow["release"].fix.applicability is Applicability.UNSAFE
    assert "re-extends the slice" in regrow["release"].fix.title
    case = RULES / "resliced-pointers" / "nofix"
    found = _by_function(check_case("resliced-pointers", case), case)
    assert "batch still shares" in (found["Take"].no_fix_reason or "")
    assert "not a simple expression" in (found["Advance"].no_fix_reason or "")
    assert "old still shares" in (found["Shift"].no_fix_reason or "")


def test_resliced_pointers_fix_safety() -> None:
    """Each fix of the fix-safety cases is safe, unsafe with its reason, or not offered."""
    case = RULES / "resliced-pointers" / "fix-safety"
    found = _by_function(check_case("resliced-pointers", case), case)
    safe = {
        # Zero values: nil for interfaces (io.Writer, an alias of it, error, any, this
        # package's), frame{} for a struct.
        "popWriter",
        "unwind",
        "dropAliased",
        "dropErr",
        "dropValues",
        "dropNamed",
        "dropFrame",
        # Bounds of a named integer type, int32 and int; a goto in the function.
        "popTemp",
        "popTo",
        "popInt",
        "popOrRetry",
        # Elements copied elsewhere; a private stack cut back to a mark.
        "moveActive",
        "cut",
    }
    unsafe = {
        "activate": "activePool.free is stored in p.active",
        "drain": "drainPool.free is passed to closeAll",
        "deferClose": "old, which shares the slice's array, is captured by a closure",
        "popAddr": "slotPool.free has an element's address taken",
        "Reset": "Reset is exported and reaches the slice through its receiver p",
        "dropFirst": "ErrorList is returned (in ErrorList.Err)",
        "Prune": "Prune is exported and reaches the slice through its parameter t",
        "trim": "Members is an exported field",
        "popAll": "list points to a slice of the caller's",
        "popHook": "registry.hooks is returned (in registry.list)",
        "forget": "history.events is returned (in history.recent)",
        "trimOld": "journal.all (in entries.go) may return it",
        "next": "queue.jobs is set to jobs (in newQueue)",
        "shift": "batch.items is set to items (in newBatch)",
    }
    none = {"shrink": "closing still shares", "split": "dropped still shares"}
    assert set(found) == safe | set(unsafe) | set(none)
    for name in safe:
        fix = found[name].fix
        assert fix is not None and fix.applicability is Applicability.SAFE, name
    for name, reason in unsafe.items():
        fix = found[name].fix
        assert fix is not None and fix.applicability is Applicability.UNSAFE, name
        assert f"(unsafe: {reason}" in fix.title, (name, fix.title)
    for name, reason in none.items():
        assert found[name].fix is None, name
        assert reason in (found[name].no_fix_reason or ""), name
    case = RULES / "resliced-pointers" / "fix-safety-clear"
    for finding in check_case("resliced-pointers", case):
        assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE
        assert finding.fix.edits[0].new_text.startswith("clear(o.temp[")


def test_hanging_goroutine_fix_is_unsafe_when_the_goroutine_defers() -> None:
    """A buffer lets the goroutine's deferred calls run before the value is received."""
    case = RULES / "hanging-goroutine" / "deferred"
    found = _by_function(check_case("hanging-goroutine", case), case)
    for name in ("query", "locked"):
        fix = found[name].fix
        assert fix is not None and fix.applicability is Applicability.UNSAFE, name
        assert "deferred calls now run before the value is received" in fix.title
    fix = found["nested"].fix
    assert fix is not None and fix.applicability is Applicability.SAFE


def test_substring_from_a_multi_valued_call_gets_no_fix() -> None:
    """`c.key, _, _ = strings.Cut(...)`: Clone cannot wrap a call with three results."""
    case = RULES / "substring-retention" / "multi-valued"
    (finding,) = check_case("substring-retention", case)
    assert finding.fix is None
    assert finding.no_fix_reason is not None and "several results" in finding.no_fix_reason


def test_resliced_pointers_impact_reasons() -> None:
    """Each finding of the impact case grows or is bounded, and says why."""
    case = RULES / "resliced-pointers" / "impact"
    found = _by_function(check_case("resliced-pointers", case), case)
    expected = {
        "sent": (Severity.WARNING, "a queue in a long-lived value"),
        "add": (Severity.INFO, "capped by a length check"),
        "flush": (Severity.WARNING, "just passed to p.export"),
        "unwind": (Severity.INFO, "appended to again"),
        "keepOpen": (Severity.WARNING, "nothing in the package appends to c.spans"),
        "skip": (Severity.INFO, "a value for one use"),
        "truncate": (Severity.INFO, "belongs to Msg"),
        "rotate": (Severity.INFO, "small values (*int64)"),
        "nextWork": (Severity.WARNING, "a package variable"),
        "send": (Severity.INFO, "a test double"),
        "Decode": (Severity.INFO, "made anew when it runs dry"),
        "next": (Severity.INFO, "w.stack[n-1] belongs to walkIterator, a value for one use"),
        "take": (Severity.WARNING, "a queue in a long-lived value"),
    }
    assert set(found) == set(expected)
    for name, (severity, reason) in expected.items():
        assert found[name].severity is severity, name
        assert reason in found[name].impact_reason, (name, found[name].impact_reason)
    case = RULES / "resliced-pointers" / "fix-safety"
    found = _by_function(check_case("resliced-pointers", case), case)
    assert "set to jobs (in newQueue)" in found["next"].impact_reason
