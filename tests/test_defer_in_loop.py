"""defer-in-loop beyond the fixture wants: severities, no-fix reasons, fix safety, layout."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES

from leakscope.core.config import Config
from leakscope.core.engine import scan
from leakscope.core.model import Applicability, Finding, Impact, Severity
from leakscope.core.rules import RULES_BY_NAME, defer_in_loop
from leakscope.core.rules._wrap_loop import zero_value
from leakscope.core.syntax import captures, parse

CASES = FIXTURES / "rules" / "defer-in-loop"
RULE = "defer-in-loop"


def findings(root: Path) -> list[Finding]:
    result = scan(root, Config(), rules=(RULE,), use_cache=False, workers=1)
    return [f for f in result.findings if f.rule == RULE]


def by_line(root: Path, path: str) -> dict[int, Finding]:
    return {f.line: f for f in findings(root) if f.path == path}


def line_of(root: Path, path: str, needle: str) -> int:
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    matches = [n for n, line in enumerate(lines, start=1) if needle in line]
    assert len(matches) == 1, f"{needle!r} must occur once in {path}"
    return matches[0]


def test_test_files_are_reported_at_lower_severity() -> None:
    found = findings(CASES / "test-files")
    severity = {f.path: f.severity for f in found}
    assert severity == {"files.go": Severity.WARNING, "files_test.go": Severity.INFO}
    assert RULES_BY_NAME[RULE].severity is Severity.WARNING


@pytest.mark.parametrize(
    ("function", "reason"),
    [
        ("func usesBreak", "no automatic fix: the loop body uses break"),
        ("func usesGoto", "no automatic fix: the loop body uses goto"),
        (
            "func continueOuter",
            "no automatic fix: the loop body continues an outer loop (continue outer)",
        ),
        (
            "func breakOuter",
            "no automatic fix: the loop body breaks out of an outer loop (break outer)",
        ),
        ("func breakOwnLabel", "no automatic fix: the loop body uses break"),
        (
            "func namedResults",
            "no automatic fix: the function has named results, which deferred calls can set",
        ),
        (
            "func callResults",
            "no automatic fix: a return in the loop body passes on a call's results",
        ),
    ],
)
def test_no_fix_reasons(function: str, reason: str) -> None:
    root = CASES / "no-fix"
    start = line_of(root, "nofix.go", function)
    found = [f for f in findings(root) if f.line > start]
    first = min(found, key=lambda f: f.line)
    assert first.fix is None
    assert first.no_fix_reason == reason


def applicability(root: Path, path: str, needle: str) -> Applicability | None:
    finding = by_line(root, path)[line_of(root, path, needle)]
    return finding.fix.applicability if finding.fix is not None else None


def test_fix_is_safe_for_a_resource_the_iteration_opens_and_keeps() -> None:
    forms = CASES / "loop-forms"
    assert applicability(forms, "forms.go", "defer conn.Close()") is Applicability.SAFE
    assert applicability(CASES / "seed", "seed.go", "defer f.Close()") is Applicability.SAFE
    again = CASES / "not-repeated"
    assert applicability(again, "once.go", "defer cancel()") is Applicability.SAFE


def test_fix_is_unsafe_when_the_deferred_call_may_be_meant_for_the_whole_function() -> None:
    again = CASES / "not-repeated"
    # An outer mutex: unlocking per iteration changes what the rest of the function holds.
    assert applicability(again, "once.go", "defer mu.Unlock() // want") is Applicability.UNSAFE
    nested = CASES / "nested-loops"
    # A deferred function literal may do anything (recover, set outer state).
    line = line_of(nested, "nested.go", "func innerOnly")
    literal = next(f for f in findings(nested) if f.line > line)
    assert literal.fix is not None and literal.fix.applicability is Applicability.UNSAFE


def test_resource_handed_to_a_goroutine_is_kept_on_purpose(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/x\n\ngo 1.21\n")
    (tmp_path / "x.go").write_text(
        "package x\n\n"
        'import (\n\t"io"\n\t"os"\n)\n\n'
        "type holder struct{ r io.Reader }\n\n"
        "func f(paths []string, h *holder, ch chan io.Reader) {\n"
        "\tfor _, p := range paths {\n"
        "\t\tf, err := os.Open(p)\n"
        "\t\tif err != nil {\n"
        "\t\t\tcontinue\n"
        "\t\t}\n"
        "\t\tdefer f.Close()\n"
        "\t\tgo io.Copy(io.Discard, f)\n"
        "\t}\n"
        "}\n"
    )
    # Handed to a goroutine: kept beyond the iteration on purpose, not reported at all.
    assert findings(tmp_path) == []


def test_fix_is_unsafe_when_a_value_made_from_the_resource_is_stored(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/x\n\ngo 1.21\n")
    (tmp_path / "x.go").write_text(
        "package x\n\n"
        'import (\n\t"bufio"\n\t"os"\n)\n\n'
        "var last *bufio.Reader\n\n"
        "func f(paths []string) {\n"
        "\tfor _, p := range paths {\n"
        "\t\tf, err := os.Open(p)\n"
        "\t\tif err != nil {\n"
        "\t\t\tcontinue\n"
        "\t\t}\n"
        "\t\tdefer f.Close()\n"
        "\t\tr := bufio.NewReader(f)\n"
        "\t\tlast = r\n"
        "\t}\n"
        "}\n"
    )
    (finding,) = findings(tmp_path)
    # A reader made from f is stored in a package variable: closing f early would break it.
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE


def first_after(root: Path, path: str, needle: str) -> Finding:
    start = line_of(root, path, needle)
    return min(
        (f for f in findings(root) if f.path == path and f.line > start), key=lambda f: f.line
    )


@pytest.mark.parametrize(
    ("path", "function", "reason"),
    [
        (
            "servers_test.go",
            "func TestAddressesUsedAfterTheLoop",
            "net.JoinHostPort(host, port), made from srv, is appended to addrs, which "
            "outlives the iteration",
        ),
        (
            "derived.go",
            "func namesSeen",
            "f.Name() is stored in seen[f.Name()], which outlives the iteration",
        ),
        ("derived.go", "func sendLines", "sc.Text(), made from f, is sent on lines"),
        (
            "derived.go",
            "func registerFirstLines",
            "line, made from f, is passed to register, which may keep it",
        ),
        ("derived.go", "func readInBackground", "r, made from f, is used by a goroutine"),
        ("derived.go", "func widest", "w, made from f, is stored in best, which outlives"),
        (
            "derived.go",
            "func startAll",
            "cmd, made from cctx, is appended to started, which outlives the iteration",
        ),
    ],
)
def test_fix_is_unsafe_when_a_value_made_from_the_resource_outlives_the_iteration(
    path: str, function: str, reason: str
) -> None:
    finding = first_after(CASES / "derived-values", path, function)
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.UNSAFE
    # The title says why, as "(unsafe: ...)".
    assert f"(unsafe: {reason}" in finding.fix.title


@pytest.mark.parametrize(
    ("path", "function"),
    [
        # Host and port are made from the listener but used only in their iteration.
        ("derived.go", "func dialEach"),
        # Passed to a function of the file that keeps nothing, printed, compared.
        ("derived.go", "func printWide"),
        # Returned: the function's return runs the deferred call with the fix or without.
        ("derived.go", "func firstNonEmpty"),
        # A context passed to a function: used while the function runs.
        ("derived.go", "func tryAll"),
    ],
)
def test_fix_stays_safe_when_values_made_from_the_resource_stay_in_the_iteration(
    path: str, function: str
) -> None:
    finding = first_after(CASES / "derived-values", path, function)
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.SAFE
    assert "unsafe" not in finding.fix.title


def test_fix_in_a_test_file_asks_first() -> None:
    """Tests fill a backlog or keep servers up by deferring in a loop on purpose (yamux's
    TestBacklogExceeded): even what would be safe elsewhere is unsafe there."""
    finding = first_after(
        CASES / "derived-values", "servers_test.go", "func TestAddressesUsedInTheIteration"
    )
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    assert finding.fix.title.endswith(
        "(unsafe: in a test, holding what every iteration opens until the test ends may be "
        "the point)"
    )


def test_fix_is_unsafe_when_the_iteration_only_holds_what_it_opens() -> None:
    root = CASES / "goroutines"
    held = first_after(root, "workers.go", "func holdOpen")
    assert held.fix is not None and held.fix.applicability is Applicability.UNSAFE
    assert "(unsafe: nothing in the iteration uses f but f.Close()" in held.fix.title
    # The same loop reading what it opens: safe.
    used = first_after(root, "workers.go", "func drainEach")
    assert used.fix is not None and used.fix.applicability is Applicability.SAFE


def test_loop_on_one_line_gets_no_fix(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/x\n\ngo 1.21\n")
    (tmp_path / "x.go").write_text(
        'package x\n\nimport "os"\n\nfunc f(ps []string) {\n'
        "\tfor _, p := range ps { f, _ := os.Open(p); defer f.Close() }\n}\n"
    )
    (finding,) = findings(tmp_path)
    assert finding.fix is None
    assert finding.no_fix_reason == "no automatic fix: the loop body shares a line with its braces"


def test_outer_fix_is_offered_even_when_inner_loop_has_a_multiline_finding() -> None:
    nested = CASES / "nested-loops"
    start = line_of(nested, "nested.go", "func multiLineInner")
    inside = [f for f in findings(nested) if f.line > start]
    assert len(inside) == 2
    assert all(f.fix is not None and f.no_fix_reason is None for f in inside)


def test_the_rule_documents_itself() -> None:
    doc = RULES_BY_NAME[RULE].doc
    headings = [line for line in doc.splitlines() if line.startswith("## ")]
    assert headings == [
        "## What it does",
        "## Impact",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Fix safety",
        "## References",
    ]


@pytest.mark.parametrize(
    ("type_text", "zero"),
    [
        ("error", "nil"),
        ("*os.File", "nil"),
        ("[]byte", "nil"),
        ("map[string]int", "nil"),
        ("chan int", "nil"),
        ("func() error", "nil"),
        ("interface{ Close() error }", "nil"),
        ("string", '""'),
        ("bool", "false"),
        ("int64", "0"),
        ("[4]byte", "[4]byte{}"),
        ("struct{ a int }", "struct{ a int }{}"),
        ("entry", "entry{}"),
        ("label", '""'),
        ("time.Time", "*new(time.Time)"),
        ("T", "*new(T)"),
        ("funcs", "*new(funcs)"),
    ],
)
def test_zero_values(type_text: str, zero: str) -> None:
    from leakscope.core.index import PackageIndex, summarize_file
    from leakscope.core.syntax import parse

    source = b"package p\n\ntype entry struct{ a int }\n\ntype label string\n"
    index = PackageIndex([summarize_file("p.go", parse(source))])

    class Ctx:
        package = index

    assert zero_value(type_text, Ctx()) == zero  # type: ignore[arg-type]


# The rewrite the seed document (Go 101, "Memory Leaking Scenarios") gives for its example,
# without its two explanatory comment lines.
SEED_REWRITE = """\
func writeManyFiles(files []File) error {
	for _, file := range files {
		if err := func() error {
			f, err := os.Open(file.path)
			if err != nil {
				return err
			}
			defer f.Close()

			_, err = f.WriteString(file.content)
			if err != nil {
				return err
			}

			return f.Sync()
		}(); err != nil {
			return err
		}
	}

	return nil
}
"""


def test_the_seed_example_is_fixed_as_the_seed_rewrites_it() -> None:
    golden = (CASES / "seed" / "seed.go.golden").read_text(encoding="utf-8")
    fixed = golden[golden.index("func writeManyFiles") :]
    without_want = "\n".join(line.split(" // want")[0] for line in fixed.splitlines()) + "\n"
    assert without_want == SEED_REWRITE


def test_impact_reasons_say_why() -> None:
    root = CASES / "impact"
    found = {f.line: f for f in findings(root)}

    def at(function: str) -> Finding:
        start = line_of(root, "impact.go", function)
        return min((f for line, f in found.items() if line > start), key=lambda f: f.line)

    bounded = {
        "func fetchMirrors": "the loop ranges over a literal list of 2 items",
        "func openRetry": "the loop runs 3 times",
        "func restoreDirs": "`os.Chdir(cwd)` releases nothing: only the deferred calls pile up",
        "func formValues": (
            "part is a multipart part: its Close only reads the rest of the part (the reader's "
            "next NextPart does that too) and holds no file or connection"
        ),
    }
    for function, reason in bounded.items():
        finding = at(function)
        assert (finding.impact, finding.impact_reason) == (Impact.BOUNDED, reason)
        assert finding.severity is Severity.INFO
    grows = {
        "func fetchAll": "the loop ranges over `urls`",
        "func openUntil": "the loop runs while `i < tries`",
        "func copyDir": "the loop ranges over `entries`",
        "func perMirror": "the loop ranges over `paths`",
        "func worker": "the loop ranges over `jobs`",
    }
    for function, reason in grows.items():
        finding = at(function)
        assert (finding.impact, finding.impact_reason) == (Impact.GROWS, reason)
        assert finding.severity is Severity.WARNING


def test_test_code_in_an_unbounded_loop_is_minor(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/x\n\ngo 1.21\n")
    (tmp_path / "x_test.go").write_text(
        "package x\n\n"
        'import (\n\t"os"\n\t"testing"\n)\n\n'
        "func TestOpen(t *testing.T) {\n"
        "\tfor _, p := range os.Args {\n"
        "\t\tf, err := os.Open(p)\n"
        "\t\tif err != nil {\n"
        "\t\t\tcontinue\n"
        "\t\t}\n"
        "\t\tdefer f.Close()\n"
        "\t}\n"
        "}\n"
    )
    (finding,) = findings(tmp_path)
    assert finding.severity is Severity.INFO
    assert finding.impact is Impact.BOUNDED
    assert finding.impact_reason.startswith("test code")


@pytest.mark.parametrize(
    ("deferred", "releases"),
    [
        ("f.Close()", True),
        ("resp.Body.Close()", True),
        ("mu.RUnlock()", True),
        ("cancel()", True),
        ("cancelFn()", True),
        ("wg.Done()", True),
        ("os.RemoveAll(dir)", True),
        ("C.free(p)", True),
        ("span.End()", True),
        ("close(done)", True),
        ("func() { <-sem }()", True),
        ("func() { _ = f.Close() }()", True),
        ("os.Chdir(cwd)", False),
        ('os.Setenv("A", old)', False),
        ("fmt.Println(i)", False),
        ("func() { log.Print(i) }()", False),
    ],
)
def test_which_deferred_calls_release_something(deferred: str, releases: bool) -> None:
    tree = parse(f"package p\n\nfunc f() {{\n\tdefer {deferred}\n}}\n".encode())
    defer = captures("(defer_statement) @d", tree.root_node)["d"][0]
    assert defer_in_loop.releases(defer) is releases
