"""substring-retention and subslice-retention beyond the fixtures' messages: confidence,
related places, fix safety and fallbacks, documentation."""

from __future__ import annotations

import pytest
from conftest import FIXTURES
from rule_harness import check_case

from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.index import PackageIndex, summarize_file
from leakscope.core.model import Applicability, Confidence, Finding, Impact, Severity
from leakscope.core.rules import RULES_BY_NAME
from leakscope.core.rules._retention import SLICE, STRING, diagnostics
from leakscope.core.syntax import parse

CASES = FIXTURES / "rules"


def findings(rule: str, case: str) -> dict[int, list[Finding]]:
    by_line: dict[int, list[Finding]] = {}
    for finding in check_case(rule, CASES / rule / case):
        by_line.setdefault(finding.line, []).append(finding)
    return by_line


def only(by_line: dict[int, list[Finding]], line: int) -> Finding:
    assert len(by_line.get(line, [])) == 1, by_line.get(line)
    return by_line[line][0]


def analyse(
    source: str, family: str, go: tuple[int, int] = (1, 21), path: str = "a.go"
) -> list[Diagnostic]:
    data = source.encode()
    tree = parse(data)
    index = PackageIndex([summarize_file(path, tree)])
    ctx = FileContext(path, data, tree, go, index, is_test=path.endswith("_test.go"))
    return diagnostics(ctx, family)


def test_read_data_is_high_confidence_and_parameters_low() -> None:
    by_line = findings("substring-retention", "split-calls")
    assert only(by_line, 33).confidence is Confidence.HIGH  # lines of os.ReadFile data
    assert only(by_line, 67).confidence is Confidence.HIGH  # io.ReadAll, through string(b)
    assert only(by_line, 55).confidence is Confidence.LOW  # a parameter: size unknown


def test_a_caller_passing_read_data_lifts_a_parameter_source() -> None:
    finding = only(findings("substring-retention", "callers"), 24)
    assert finding.confidence is Confidence.MEDIUM
    notes = {r.message: r.span.start.line for r in finding.related}
    call = 'record is called here with strings.Split(string(body), "\\n"), which holds read data'
    assert notes[call] == 16


def test_unknown_holders_are_low_confidence() -> None:
    by_line = findings("substring-retention", "low-confidence")
    assert {f.confidence for fs in by_line.values() for f in fs} == {Confidence.LOW}


def test_parameter_subslices_are_low_confidence_buffers_medium() -> None:
    params = findings("subslice-retention", "params")
    assert {f.confidence for fs in params.values() for f in fs} == {Confidence.LOW}
    buffers = findings("subslice-retention", "read-buffers")
    assert only(buffers, 26).confidence is Confidence.MEDIUM  # a channel send
    assert only(buffers, 27).confidence is Confidence.MEDIUM  # a buffer made here
    assert only(buffers, 41).confidence is Confidence.HIGH  # os.ReadFile data


def test_related_places_name_the_variable_the_source_and_the_steps() -> None:
    seed = only(findings("substring-retention", "seed"), 10)
    notes = [r.message for r in seed.related]
    assert "s0 is declared here" in notes
    assert any(n.startswith("s1 is a parameter") for n in notes)
    declared = next(r for r in seed.related if r.message == "s0 is declared here")
    assert declared.span.start.line == 6

    via_local = only(findings("substring-retention", "fields"), 36)
    steps = [r for r in via_local.related if r.message == "name holds a substring of line"]
    assert len(steps) == 1 and steps[0].span.start.line == 35

    read = only(findings("substring-retention", "split-calls"), 67)
    assert any(r.message == "io.ReadAll(r) reads the data" for r in read.related)


def test_fix_safety_per_family() -> None:
    string_fix = only(findings("substring-retention", "seed"), 10).fix
    assert string_fix is not None and string_fix.applicability is Applicability.SAFE
    assert string_fix.title == "Copy with strings.Clone"
    old = only(findings("substring-retention", "go117"), 11).fix
    assert old is not None and old.applicability is Applicability.SAFE
    assert "string([]byte(" in old.title
    for case, line in (("seed", 10), ("go119", 16), ("go120", 17), ("go121", 24)):
        fix = only(findings("subslice-retention", case), line).fix
        assert fix is not None and fix.applicability is Applicability.UNSAFE, case


def test_whole_split_results_have_no_fix_and_say_why() -> None:
    finding = only(findings("substring-retention", "split-calls"), 48)
    assert finding.fix is None
    assert finding.no_fix_reason is not None
    assert finding.no_fix_reason.startswith("no automatic fix: every element of")
    assert "strings.Clone" in finding.no_fix_reason


READ_AND_KEPT = """package p

import "os"

var kept string

func f(path string, n int) {
	data, _ := os.ReadFile(path)
	kept = string(data)[:n]
}
"""


def test_findings_in_test_files_are_left_to_the_engine() -> None:
    (in_code,) = analyse(READ_AND_KEPT, STRING)
    (in_test,) = analyse(READ_AND_KEPT, STRING, path="a_test.go")
    assert in_code.severity is None and in_code.impact is Impact.GROWS  # a warning
    # No judgement of its own: the engine makes test code bounded, hence info.
    assert in_test.severity is None and in_test.impact is None


def reasons(rule: str, case: str) -> dict[int, tuple[Severity, Impact, str]]:
    return {
        line: (f.severity, f.impact, f.impact_reason)
        for line, fs in findings(rule, case).items()
        for f in fs
    }


def test_impact_says_what_the_source_is() -> None:
    strings = reasons("substring-retention", "impact")
    assert strings[23] == (
        Severity.INFO,
        Impact.BOUNDED,
        "by its name, dsn holds a DSN (small by nature)",
    )
    assert strings[28][2] == (
        "s is a parameter: the caller decides its size, and nothing here shows it is large"
    )
    assert strings[39] == (
        Severity.WARNING,
        Impact.GROWS,
        "the source is the data read by os.ReadFile(path)",
    )
    assert strings[49][2] == "each kept piece keeps a whole line read by sc.Text()"
    assert strings[82] == (
        Severity.INFO,
        Impact.BOUNDED,
        "one slot keeps one line read by sc.Text(): the line, not the stream",
    )
    # One piece per line, but in a collection the caller passes in: bounded.
    for line, reader in ((104, "sc.Text()"), (113, "sc.Text()")):
        assert strings[line] == (
            Severity.INFO,
            Impact.BOUNDED,
            f"each kept piece keeps a whole line read by {reader}, but the collection is the "
            "caller's: nothing here shows it outlives the call",
        )
    # A command asked for its version prints a line; other output grows.
    assert strings[124] == (
        Severity.INFO,
        Impact.BOUNDED,
        'the source is exec.Command(bin, "--version").Output(), what a command prints of '
        "its version",
    )
    assert strings[136][:2] == (Severity.WARNING, Impact.GROWS)
    slices = reasons("subslice-retention", "impact")
    assert slices[24][1:] == (Impact.BOUNDED, "buf is a 256-byte scratch buffer (small)")
    assert slices[40][1:] == (Impact.GROWS, "buf is a 64 KiB read buffer")
    assert slices[50][1:] == (Impact.GROWS, "buf is a 512-byte read buffer")


def test_a_parameter_filled_by_a_caller_is_judged_like_what_it_is_passed() -> None:
    finding = only(findings("substring-retention", "callers"), 24)
    assert finding.severity is Severity.WARNING
    assert finding.impact_reason == "the source is the data read by io.ReadAll(r)"


BUFFERS = """package p

import "io"

const size = 4 << 10

var kept [][]byte

func big(n int) {
	buf := make([]byte, size)
	kept = append(kept, buf[:n])
}

func words(n int) {
	buf := make([]uint64, 1024)
	_ = buf
	nums = append(nums, buf[:n])
}

func small(r io.Reader, n int) {
	buf := make([]byte, 1024)
	kept = append(kept, buf[:n])
}

var nums [][]uint64
"""


def test_buffer_sizes_are_computed_from_constants() -> None:
    got = [d.impact_reason for d in analyse(BUFFERS, SLICE)]
    assert got == [
        "buf is a 4 KiB buffer",
        "buf is an 8 KiB buffer",
        "buf is a 1 KiB scratch buffer (small)",
    ]


SLICES_TAKEN = """package p

import "example.com/slices"

var kept []int

func f(s []int, n int) {
	kept = s[:n]
	_ = slices.X
}
"""


def test_slices_import_conflict_falls_back_to_append() -> None:
    (diag,) = analyse(SLICES_TAKEN, SLICE)
    assert diag.fix is not None
    assert diag.fix.edits[-1].new_text == "append([]int(nil), s[:n]...)"
    assert len(diag.fix.edits) == 1  # no import added


STRINGS_TAKEN = """package p

import "example.com/strings"

var kept string

func f(s string, n int) {
	kept = s[:n]
	_ = strings.X
}
"""


def test_strings_import_conflict_falls_back_to_conversion() -> None:
    (diag,) = analyse(STRINGS_TAKEN, STRING)
    assert diag.fix is not None
    assert diag.fix.edits[-1].new_text == "string([]byte(s[:n]))"


SHADOWING_LOCAL = """package p

import "strings"

var kept string

func f(s string, n int) {
	strings := []string{s}
	kept = s[:n]
	_ = strings
}
"""


def test_a_local_hiding_the_package_name_gets_the_conversion() -> None:
    (diag,) = analyse(SHADOWING_LOCAL, STRING)
    assert diag.fix is not None
    assert [e.new_text for e in diag.fix.edits] == ["string([]byte(s[:n]))"]


NAMED_STRING = """package p

type Name string

var kept Name

func f(s Name, n int) {
	kept = s[:n]
}
"""


def test_named_string_types_get_no_fix() -> None:
    (diag,) = analyse(NAMED_STRING, STRING)
    assert diag.fix is None
    assert diag.no_fix_reason is not None and "has type Name" in diag.no_fix_reason


ALIASED = """package p

import str "strings"

var kept string

func f(s string, n int) {
	kept = s[:n]
	_ = str.ToUpper
}
"""


def test_fix_uses_the_files_name_for_strings() -> None:
    (diag,) = analyse(ALIASED, STRING)
    assert diag.fix is not None
    assert [e.new_text for e in diag.fix.edits] == ["str.Clone(s[:n])"]


SHADOWED = """package p

var kept string

func f(s string, n int) {
	kept := s[:n]
	_ = kept
}

func g(s string, n int) {
	var kept string
	kept = s[:n]
	_ = kept
}
"""


def test_local_variables_shadowing_a_package_variable_are_not_stores() -> None:
    assert analyse(SHADOWED, STRING) == []


@pytest.mark.parametrize("rule", ["substring-retention", "subslice-retention"])
def test_rule_docs_have_every_heading(rule: str) -> None:
    doc = RULES_BY_NAME[rule].doc
    headings = [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Fix safety",
        "## References",
    ]
    positions = [doc.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "confidence" in doc.lower()


OTHER_BRANCH = """package p

import "os"

type Node struct{ content []byte }

func (n *Node) load(path string, cut int) {
	data, _ := os.ReadFile(path)
	if cut > 0 {
		n.content = data[:cut]
	} else {
		n.content = data
	}
}

func (n *Node) keep(path string, cut int) {
	data, _ := os.ReadFile(path)
	n.content = data
	if cut > 0 {
		n.content = data[:cut]
	}
}
"""


def test_the_parent_kept_by_the_holder_counts_only_on_the_same_path_and_in_another_place() -> None:
    first, second = analyse(OTHER_BRANCH, SLICE)  # another branch; the same field, overwritten
    assert first.start_byte == OTHER_BRANCH.index("data[:cut]")
    assert second.start_byte == OTHER_BRANCH.rindex("data[:cut]")


def test_views_a_read_overwrites_are_errors_when_collected_and_minor_in_one_slot() -> None:
    by_line = findings("subslice-retention", "views")
    assert only(by_line, 23).severity is Severity.ERROR  # appended to a field
    assert only(by_line, 52).severity is Severity.ERROR  # collected in a returned slice
    assert only(by_line, 33).severity is Severity.INFO  # one slot: the current token
    assert only(by_line, 23).fix is not None


def test_a_chain_through_callers_in_other_files_names_their_file() -> None:
    finding = only(findings("substring-retention", "across-files"), 17)
    assert finding.path == "store.go" and finding.impact is Impact.GROWS
    chain = [(r.path, r.span.start.line, r.message) for r in finding.related]
    assert ("load.go", 9, "os.ReadFile(path) reads the data") in chain
    assert ("load.go", 9, "readConfig returns os.ReadFile(path)") in chain
    calls = [c for c in chain if "is called here" in c[2]]
    assert [c[:2] for c in calls] == [("load.go", 17), ("load.go", 24)]  # source first


def test_a_helper_returning_another_helpers_piece_lists_every_return() -> None:
    finding = only(findings("substring-retention", "helper-chains"), 14)
    assert finding.impact is Impact.GROWS
    chain = [(r.path, r.span.start.line, r.message) for r in finding.related]
    at = [c[:2] for c in chain]
    # source first, then the helper's return, then the return of the helper it calls
    assert at.index((None, 9)) < at.index(("helpers.go", 36)) < at.index(("helpers.go", 31))
    assert ("helpers.go", 31, "head returns s[:i], a piece of its parameter s") in chain


def test_mutually_recursive_helpers_end_and_return_pieces() -> None:
    finding = only(findings("substring-retention", "helper-chains"), 15)
    assert finding.impact is Impact.GROWS
    assert any(r.path == "helpers.go" and r.span.start.line == 31 for r in finding.related)


def test_a_constructor_keeping_its_parameter_is_a_step_of_the_chain() -> None:
    by_line = findings("subslice-retention", "constructors")
    finding = only(by_line, 15)  # e := wrap("w", buf[:n]); c.last = e
    assert finding.impact is Impact.GROWS and finding.fix is not None
    chain = [(r.path, r.span.start.line, r.message) for r in finding.related]
    at = [c[:2] for c in chain]
    assert at.index(("entry.go", 48)) < at.index(("entry.go", 31)) < at.index((None, 16))
    assert ("entry.go", 31, "newEntry puts b in the new object it returns") in chain


CHAINS = """package p

import (
	"os"
	"strings"
)

type C struct{ names []string }

func loop(s string) string { return loop(s[1:]) }
func a(s string) string {
	if len(s) > 3 {
		return b(s[1:])
	}
	return s[:2]
}
func b(s string) string  { return c(s) }
func c(s string) string  { return a(s) }
func h1(s string) string { return h2(s) }
func h2(s string) string { return h3(s) }
func h3(s string) string { return h4(s) }
func h4(s string) string { return s[:3] }

func (x *C) Load(p string) {
	data, _ := os.ReadFile(p)
	for _, line := range strings.Split(string(data), "\\n") {
		x.names = append(x.names, loop(line))
		x.names = append(x.names, b(line))
		x.names = append(x.names, h1(line))
	}
}
"""


def test_helper_chains_end_on_cycles_and_list_each_return() -> None:
    found = {CHAINS[d.start_byte : d.end_byte]: d for d in analyse(CHAINS, STRING)}
    assert set(found) == {"b(line)", "h1(line)"}  # loop never returns a piece
    steps = [r[2] for r in found["h1(line)"].related]
    returns = [s for s in steps if " returns " in s]
    assert returns == [
        "h1 returns h2(s), a piece of its parameter s",
        "h2 returns h3(s), a piece of its parameter s",
        "h3 returns h4(s), a piece of its parameter s",
        "h4 returns s[:3], a piece of its parameter s",
    ]
    cycle = [r[2] for r in found["b(line)"].related if " returns " in r[2]]
    assert cycle[0].startswith("b returns c(s)") and cycle[-1].startswith("a returns s[:2]")


KEEPERS = """package p

import (
	"os"
	"strings"
	"sync"

	"example.com/kv"
)

type lru struct{ items map[string]string }

func (c *lru) Add(k, v string) { c.items[k] = v }

type S struct {
	client *kv.Client
	cache  *lru
	seen   sync.Map
	pool   sync.Pool
}

func (s *S) load(path string) {
	data, _ := os.ReadFile(path)
	text := string(data)
	s.client.Set(text[:10], "v")
	s.cache.Add("k", text[20:30])
	s.seen.Store(text[40:50], true)
	s.pool.Put(text[60:70])
	_ = strings.TrimSpace(text)
}
"""


def test_a_method_named_like_a_caches_keeps_only_on_a_known_keeper() -> None:
    found = analyse(KEEPERS, STRING)
    kept = sorted(d.message.split(" keeps ")[0] for d in found)
    # Not s.client (another package's Set sends a request), not sync.Pool (it recycles).
    assert kept == ["s.cache", "s.seen"]


NORMALIZE = """package p

import "strings"

type S struct{ names []string }

func build(parts []string) string { return "/" + strings.Join(parts, "/") }

func normalize(key string) string {
	key = build(strings.Split(key, "/"))
	return strings.TrimPrefix(key, "/")
}

func clean(key string) string {
	key = strings.TrimSpace(key)
	if i := strings.IndexByte(key, ' '); i > 0 {
		return key[:i]
	}
	return key
}

func (s *S) add(line string) {
	s.names = append(s.names, normalize(line))
}

func (s *S) addClean(line string) {
	s.names = append(s.names, clean(line))
}
"""


def test_a_parameter_reassigned_from_a_new_value_is_no_longer_the_callers_data() -> None:
    # normalize(line) is a new string; clean(line) cuts what it trimmed: still a piece.
    (found,) = analyse(NORMALIZE, STRING)
    assert "clean(line)" in found.message


def test_an_object_made_per_call_is_evidence_for_its_methods() -> None:
    by_line = findings("subslice-retention", "per-call")
    parse = only(by_line, 59)
    assert parse.severity is Severity.INFO and parse.impact is Impact.BOUNDED
    assert "likely made per call" in (parse.impact_reason or "")
    notes = [r.message for r in parse.related]
    assert "p is made here, per call of Render, and dropped when it returns" in notes
    assert 22 not in by_line  # converter: unexported all the way, dropped with its caller
    assert only(by_line, 104).severity is Severity.WARNING  # fed in a loop it outlives
    # Only a test passes read data: what a test passes says nothing of the program.
    assert only(by_line, 127).impact is Impact.BOUNDED
    # hello: made per message, returned to a caller that copies its name and drops it.
    assert 147 not in by_line
    assert only(by_line, 189).severity is Severity.WARNING  # greeting: its caller keeps it


def test_every_function_known_to_read_data_has_known_results() -> None:
    # A source whose result type is unknown is neither a string nor a slice: its pieces go
    # unreported (`raw, err := httputil.DumpResponse(resp, true)`; `raw[:n]` kept).
    from leakscope.core.rules._retention_sources import READ_FUNCS
    from leakscope.core.types import STD_FUNCS

    unknown = sorted(f"{path}.{name}" for path, name in READ_FUNCS if (path, name) not in STD_FUNCS)
    assert not unknown, f"no result types for {unknown}"


def test_a_piece_of_a_dumped_response_kept_is_reported() -> None:
    source = """package p

import (
	"bytes"
	"net/http"
	"net/http/httputil"
)

type cache struct{ heads map[string][]byte }

func (c *cache) keep(url string, resp *http.Response) error {
	raw, err := httputil.DumpResponse(resp, true)
	if err != nil {
		return err
	}
	end := bytes.Index(raw, []byte("\\r\\n\\r\\n"))
	c.heads[url] = raw[:end+4]
	return nil
}
"""
    found = analyse(source, SLICE)
    assert [d.message.split(":")[0] for d in found] == [
        "c.heads keeps the whole backing array of raw alive"
    ]


def test_a_receivers_read_buffer_is_named_as_such() -> None:
    """A view of a receiver's own read buffer (`f.buf`, `_reused_field`) is told as a buffer
    the object reads into again, not as a call that returns a view."""
    assert reasons("subslice-retention", "reused-field-buffer")[38] == (
        Severity.ERROR,
        Impact.GROWS,
        "f.buf is an object's read buffer, which its next read overwrites",
    )
