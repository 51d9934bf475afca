"""Analysing one package: parse its files, index it, run the rules, check every fix.

Runs inside worker processes, so everything it returns is plain, picklable data; trees are
dropped as soon as the package is done (they cost about 29x the source in memory).
"""

from __future__ import annotations

import functools
import hashlib
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from tree_sitter import Node, Tree

from leakscope.core import package_files
from leakscope.core import rules as registry
from leakscope.core.context import Diagnostic, FileContext, is_test_code
from leakscope.core.gomod import BuildSettings, ModuleFinder
from leakscope.core.index import FileSummary, PackageIndex, VarInfo, summarize_file
from leakscope.core.model import (
    Confidence,
    Finding,
    Fix,
    Impact,
    Position,
    Related,
    Rule,
    Severity,
    Span,
    TextEdit,
)
from leakscope.core.suppress import DIRECTIVE_RULE, Directive, find_directives
from leakscope.core.syntax import (
    Ranges,
    enclosing_function,
    error_count,
    function_name,
    nesting_problem,
    parse,
    source_problem,
    top_level_nodes,
    top_level_ranges,
)
from leakscope.core.text import LineIndex

_GENERATED = re.compile(rb"^// Code generated .* DO NOT EDIT\.$", re.MULTILINE)
MAX_FILE_BYTES = 16 * 1024 * 1024
# The impact reason of a finding in a _test.go file that its rule did not judge itself.
TEST_CODE = "test code: it lasts at most as long as the test"
SCRIPT = (
    "a program excluded from every build (//go:build ignore), run on its own by go generate "
    "or go run: what it keeps goes when it exits"
)
# The build constraint of such a program, in the file's header (before `package`).
_IGNORED_BUILD = re.compile(rb"^//go:build ignore[ \t]*$|^// \+build ignore[ \t]*$", re.MULTILINE)


def is_script(source: bytes) -> bool:
    """Whether a file is a program built on its own only (`//go:build ignore`, as
    generators run by `go generate` are): it runs once and exits."""
    package = re.search(rb"^package\s", source, re.MULTILINE)
    header = source[: package.start()] if package is not None else source[:4096]
    return b"ignore" in header and _IGNORED_BUILD.search(header) is not None


class FileStatus(StrEnum):
    OK = "ok"
    PARTIAL = "partial"  # has syntax errors: what parsed was analysed
    GENERATED = "generated"  # `// Code generated ... DO NOT EDIT.`: not analysed
    UNREADABLE = "unreadable"


@dataclass
class FileResult:
    path: str  # relative to the root, with "/"
    status: FileStatus
    findings: list[Finding] = field(default_factory=list)
    content_hash: str = ""
    error: str = ""  # why the file is unreadable or partial
    size: int = 0
    # Rules that crashed on this file (a bug in leakscope: the other rules' findings stand).
    internal_errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PackageJob:
    root: str
    directory: str
    files: tuple[str, ...]  # relative paths
    go_version: tuple[int, int]
    rules: tuple[str, ...]
    # The go.mod's toolchain and godebug lines; None: read them from the folder's go.mod.
    build: BuildSettings | None = None


def __getattr__(name: str) -> object:
    if name == "RULES_BY_NAME":  # (the registry imports the rules on first use)
        return registry.RULES_BY_NAME
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def is_generated(source: bytes) -> bool:
    # The marker must come before the package clause; looking at the head is enough.
    head = source[: source.find(b"\npackage ") + 1 or 4096]
    return _GENERATED.search(head) is not None


@dataclass
class ParsedFile:
    path: str
    source: bytes
    tree: Tree
    summary: FileSummary
    errors: int
    digest: str = ""  # content hash of the raw bytes on disk


BOM = b"\xef\xbb\xbf"


def mask_bom(source: bytes) -> bytes:
    """Replace a UTF-8 BOM by three spaces: same offsets, and tree-sitter parses the file."""
    return b"   " + source[3:] if source.startswith(BOM) else source


def analyse_package(job: PackageJob, overrides: dict[str, bytes] | None = None) -> list[FileResult]:
    """Analyse the files of one folder; `overrides` gives in-memory contents for some of them."""
    root = Path(job.root)
    results: list[FileResult] = []
    parsed: list[ParsedFile] = []
    for rel in job.files:
        try:
            raw = overrides[rel] if overrides and rel in overrides else (root / rel).read_bytes()
        except FileNotFoundError:
            continue  # deleted since discovery: nothing to report
        except OSError as exc:
            results.append(FileResult(rel, FileStatus.UNREADABLE, error=exc.strerror or str(exc)))
            continue
        digest = content_hash(raw)
        source = mask_bom(raw)
        if is_generated(source):
            results.append(
                FileResult(rel, FileStatus.GENERATED, content_hash=digest, size=len(source))
            )
            continue
        if len(source) > MAX_FILE_BYTES:
            results.append(
                FileResult(
                    rel,
                    FileStatus.UNREADABLE,
                    content_hash=digest,
                    size=len(source),
                    error=f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, skipped",
                )
            )
            continue
        # A file that is not Go (NUL bytes: a syntax error to the compiler) or nested deeper
        # than MAX_NESTING is reported, not analysed: on such input analysis takes minutes.
        problem = source_problem(source)
        if problem is not None:
            results.append(
                FileResult(
                    rel, FileStatus.PARTIAL, content_hash=digest, size=len(source), error=problem
                )
            )
            continue
        try:
            tree = parse(source)
            problem = nesting_problem(tree)
            if problem is None:
                summary = summarize_file(rel, tree)
                parsed.append(ParsedFile(rel, source, tree, summary, error_count(tree), digest))
        except RecursionError:  # pathological nesting: this file only, and say so
            problem = "nested too deeply to analyse"
        if problem is not None:
            results.append(
                FileResult(
                    rel, FileStatus.UNREADABLE, content_hash=digest, size=len(source), error=problem
                )
            )
    rules = [registry.RULES_BY_NAME[name] for name in job.rules if name in registry.RULES_BY_NAME]
    # Files of one folder may hold two packages (`foo` and `foo_test`): index each on its own.
    by_package: dict[str, list[ParsedFile]] = {}
    for pf in parsed:
        by_package.setdefault(pf.summary.package, []).append(pf)
    build = job.build
    if build is None and by_package:
        build = ModuleFinder().module_for(root / job.directory).build
    for files in by_package.values():
        index = PackageIndex([pf.summary for pf in files])
        # (A worker scans many packages: it keeps none of them.)
        sources = {pf.path: (pf.source, pf.tree) for pf in files}
        with package_files.attached(index, sources, every=True):
            for pf in files:
                results.append(analyse_file(pf, index, job.go_version, rules, build=build))
    return results


@dataclass
class PendingFixes:
    """What checking a file's fixes later needs: its context and, per finding (by
    `pending_key`), the rule, the diagnostic and the rule's other diagnostics there."""

    ctx: FileContext
    digest: str
    checks: dict[tuple[str, int, int, str], tuple[Rule, Diagnostic, list[Diagnostic]]] = field(
        default_factory=dict
    )


def pending_key(finding: Finding) -> tuple[str, int, int, str]:
    return (finding.rule, finding.span.start_byte, finding.span.end_byte, finding.message)


Check = tuple[Rule, Diagnostic, list[Diagnostic]]


@dataclass(frozen=True, slots=True)
class RawFinding:
    """A finding as the rules reported it (its `fingerprint` still the text the id is made
    from), and the id it got ("" when a directive dropped it)."""

    finding: Finding
    digest: str
    base: str = ""  # what the id is made from (see `fingerprint_pairs`)


@dataclass(frozen=True, slots=True)
class Kept:
    """A former finding carried into a focused re-analysis, moved to the new source, with
    what checking its fix needs when that is still pending."""

    finding: Finding
    check: Check | None = None
    base: str = ""


def _inside(ranges: Ranges, offset: int) -> bool:
    i = bisect_right(ranges, (offset, 1 << 62)) - 1
    return i >= 0 and ranges[i][0] <= offset < ranges[i][1]


def analyse_file(
    pf: ParsedFile,
    index: PackageIndex,
    go_version: tuple[int, int],
    rules: list[Rule],
    build: BuildSettings | None = None,
    *,
    defer_checks: dict[str, PendingFixes] | None = None,
    focus: Ranges | None = None,
    keep: Sequence[Kept] = (),
    raw: list[RawFinding] | None = None,
) -> FileResult:
    """Run the rules on one parsed file.

    Every fix is checked (`verify_fix`) unless `defer_checks` is given: then the findings'
    fixes are marked `fix_pending` and what checking them needs is stored there under the
    file's path (see `check_pending`), so a live re-analysis does not pay for it.

    With `focus` (see `plan_focus`) the rules' findings inside those byte ranges are taken,
    and `keep` stands for the rest of the file (findings of a former analysis, moved to this
    source). `raw` receives every finding before directives and fingerprints, with the
    fingerprint it got (what the next focused re-analysis keeps).
    """
    ctx = FileContext(
        path=pf.path,
        source=pf.source,
        tree=pf.tree,
        go_version=go_version,
        package=index,
        is_test=is_test_code(pf.path, pf.source),
        focus=focus,
        build=build,
    )
    lines = LineIndex(pf.source)
    findings: list[Finding] = []
    internal_errors: list[str] = []
    pending = None
    if defer_checks is not None:
        pending = PendingFixes(ctx, pf.digest or content_hash(pf.source))
    for kept in keep:
        findings.append(kept.finding)
        if kept.check is not None and pending is not None:
            pending.checks[pending_key(kept.finding)] = kept.check
    holds = functools.partial(package_files.holds, index)
    for rule in rules:
        if not rule.applies_to(go_version) or not rule.may_match(pf.source, holds):
            continue
        try:
            diags = run_rule(rule, ctx)
        except Exception as exc:  # one rule's bug must not take the whole scan down
            internal_errors.append(f"rule {rule.name} failed: {type(exc).__name__}: {exc}")
            continue
        for diag in diags:
            if focus is not None and not _inside(focus, diag.start_byte):
                continue  # (`keep` has what lies elsewhere)
            fix, reason = diag.fix, diag.no_fix_reason
            if fix is not None and pending is not None:
                finding = replace(to_finding(ctx, rule, diag, lines, fix, reason), fix_pending=True)
                pending.checks[pending_key(finding)] = (rule, diag, diags)
                findings.append(finding)
                continue
            if fix is not None:
                problem = verify_fix(ctx, rule, diag, fix, diags)
                if problem is not None:
                    fix, reason = None, f"no automatic fix: {problem}"
            findings.append(to_finding(ctx, rule, diag, lines, fix, reason))
    if pending is not None and defer_checks is not None and pending.checks:
        defer_checks[pf.path] = pending
    shown = apply_directives(ctx, findings, lines, {rule.name for rule in rules})
    bases = {id(kept.finding): kept.base for kept in keep}
    pairs = fingerprint_pairs(shown, ctx, bases)
    if raw is not None:
        ids = {id(before): (after.fingerprint, base) for before, after, base in pairs}
        raw.extend(RawFinding(f, *ids.get(id(f), ("", ""))) for f in findings)
    findings = [after for _, after, _ in pairs]
    status = FileStatus.PARTIAL if pf.errors else FileStatus.OK
    error = f"{_syntax_errors(pf.errors)}; analysed what parsed" if pf.errors else ""
    return FileResult(
        pf.path,
        status,
        findings,
        pf.digest or content_hash(pf.source),
        error,
        len(pf.source),
        internal_errors,
    )


def check_pending(finding: Finding, pending: PendingFixes) -> Finding:
    """The finding with its fix checked: kept, or dropped with the reason."""
    if not finding.fix_pending:
        return finding
    found = pending.checks.get(pending_key(finding))
    if found is None or finding.fix is None:
        return replace(finding, fix_pending=False)
    rule, diag, diags = found
    problem = verify_fix(pending.ctx, rule, diag, finding.fix, diags)
    if problem is None:
        return replace(finding, fix_pending=False)
    reason = f"no automatic fix: {problem}"
    return replace(finding, fix=None, no_fix_reason=reason, fix_pending=False)


def run_rule(rule: Rule, ctx: FileContext) -> list[Diagnostic]:
    return list(rule.check(ctx))


def to_finding(
    ctx: FileContext,
    rule: Rule,
    diag: Diagnostic,
    lines: LineIndex,
    fix: Fix | None,
    no_fix_reason: str | None,
) -> Finding:
    impact, impact_reason = diag.impact, diag.impact_reason
    if impact is None:
        impact = Impact.BOUNDED if ctx.is_test else Impact.GROWS
        if ctx.is_test and not impact_reason:
            impact_reason = TEST_CODE
    severity = diag.severity
    if impact is not Impact.BOUNDED and is_script(ctx.source):
        impact, impact_reason, severity = Impact.BOUNDED, SCRIPT, None
    default = Severity.INFO if impact is Impact.BOUNDED else rule.severity
    return Finding(
        rule=rule.name,
        path=ctx.path,
        span=lines.span(diag.start_byte, diag.end_byte),
        message=diag.message,
        severity=severity or default,
        impact=impact,
        impact_reason=impact_reason,
        confidence=diag.confidence,
        fix=fix,
        no_fix_reason=no_fix_reason,
        related=tuple(
            r if isinstance(r, Related) else Related(lines.span(r[0], r[1]), r[2])
            for r in diag.related
        ),
        fingerprint=diag.anchor
        if diag.anchor is not None
        else ctx.slice(diag.start_byte, diag.end_byte),
    )


def apply_edits(source: bytes, edits: list[TextEdit] | tuple[TextEdit, ...]) -> bytes:
    """Apply non-overlapping edits (identical duplicates are applied once)."""
    out: list[bytes] = []
    last = 0
    for edit in sorted(set(edits), key=lambda e: (e.start_byte, e.end_byte)):
        if edit.start_byte < last:
            raise ValueError(f"overlapping edits at byte {edit.start_byte}")
        out.append(source[last : edit.start_byte])
        out.append(edit.new_text.encode("utf-8"))
        last = edit.end_byte
    out.append(source[last:])
    return b"".join(out)


def map_offset(offset: int, edits: tuple[TextEdit, ...]) -> int:
    """Where `offset` of the old source lands in the edited one (after insertions there)."""
    # Order does not matter: every edit ending before the offset shifts it.
    return offset + sum(
        len(edit.new_text.encode("utf-8")) - (edit.end_byte - edit.start_byte)
        for edit in edits
        if edit.end_byte <= offset
    )


def edited_ranges(edits: tuple[TextEdit, ...]) -> list[tuple[int, int]]:
    """The byte ranges the edits' new text occupies in the edited source."""
    out = []
    shift = 0
    for edit in sorted(set(edits), key=lambda e: (e.start_byte, e.end_byte)):
        new_len = len(edit.new_text.encode("utf-8"))
        out.append((edit.start_byte + shift, edit.start_byte + shift + new_len))
        shift += new_len - (edit.end_byte - edit.start_byte)
    return out


def _points(source: bytes, offsets: list[int]) -> dict[int, tuple[int, int]]:
    """tree-sitter's (row, byte column) of each offset: one pass over the source, counting
    newlines between consecutive offsets."""
    out: dict[int, tuple[int, int]] = {}
    row = last = 0
    for offset in sorted(set(offsets)):
        row += source.count(b"\n", last, offset)
        out[offset] = (row, offset - (source.rfind(b"\n", 0, offset) + 1))
        last = offset
    return out


def reparse(
    source: bytes, tree: Tree, new_source: bytes, edits: list[TextEdit] | tuple[TextEdit, ...]
) -> Tree:
    """The tree of `new_source` (`source` with `edits` applied), re-parsed incrementally.

    The edits are told to a copy of `tree` from the last to the first, so each one's offsets
    are still those of the original source; tree-sitter then re-parses only what changed
    (about 26x faster than a parse from scratch). `tree` itself is left as it was.
    """
    edited = tree.copy()
    points = _points(source, [o for e in edits for o in (e.start_byte, e.end_byte)])
    for edit in sorted(set(edits), key=lambda e: (e.start_byte, e.end_byte), reverse=True):
        new = edit.new_text.encode("utf-8")
        start = points[edit.start_byte]
        old_end = points[edit.end_byte]
        lines = new.count(b"\n")
        if lines:
            new_end = (start[0] + lines, len(new) - new.rfind(b"\n") - 1)
        else:
            new_end = (start[0], start[1] + len(new))
        edited.edit(
            start_byte=edit.start_byte,
            old_end_byte=edit.end_byte,
            new_end_byte=edit.start_byte + len(new),
            start_point=start,
            old_end_point=old_end,
            new_end_point=new_end,
        )
    return parse(new_source, edited)


def _inside_function_bodies(root: Node, edits: tuple[TextEdit, ...]) -> bool:
    """Whether every edit falls strictly inside the body of a top-level function or method
    (where nothing the package index records can change)."""
    nodes = top_level_nodes(root, [(edit.start_byte, edit.end_byte) for edit in edits])
    if nodes is None:
        return False
    for edit, node in zip(edits, nodes, strict=True):
        if node.type not in ("function_declaration", "method_declaration"):
            return False
        body = node.child_by_field_name("body")
        if body is None or not body.start_byte < edit.start_byte <= edit.end_byte < body.end_byte:
            return False
    return True


def summary_after(ctx: FileContext, new_tree: Tree, edits: tuple[TextEdit, ...]) -> FileSummary:
    """The file's summary once `edits` are applied (`new_tree` is the edited tree).

    Edits inside function bodies leave every declaration as it was, only moved: the old
    summary is reused with its offsets shifted instead of summarising the file again.
    """
    old = ctx.package.summaries.get(ctx.path)
    if old is None or not _inside_function_bodies(ctx.root, edits):
        return summarize_file(ctx.path, new_tree)

    def moved(names: dict[str, VarInfo]) -> dict[str, VarInfo]:
        return {
            name: replace(
                info,
                start_byte=map_offset(info.start_byte, edits),
                end_byte=map_offset(info.end_byte, edits),
            )
            for name, info in names.items()
        }

    return replace(old, vars=moved(old.vars), consts=moved(old.consts))


def _would_replace_bytes(source: bytes, fix: Fix) -> bool:
    """Whether the fix's text carries U+FFFD standing for bytes that were not UTF-8 (rules
    build new text from decoded source): writing it would change bytes outside the fix's
    intent. Only looked at when a replacement character is there at all (rare)."""
    if not any("\ufffd" in e.new_text for e in fix.edits):
        return False
    try:
        source.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def verify_fix(
    ctx: FileContext,
    rule: Rule,
    diag: Diagnostic,
    fix: Fix,
    found: list[Diagnostic] | None = None,
) -> str | None:
    """Why the fix must not be offered, or None when it is good.

    The fix is applied in memory; the result must parse with no new ERROR or MISSING node,
    and the rule, run again, must find nothing at the fixed place.
    """
    if _would_replace_bytes(ctx.source, fix):
        return "the code it rewrites holds bytes that are not UTF-8, which the rewrite would change"
    try:
        new_source = apply_edits(ctx.source, fix.edits)
    except ValueError as exc:
        return f"the fix's edits overlap ({exc})"
    new_tree = reparse(ctx.source, ctx.tree, new_source, fix.edits)
    if error_count(new_tree) > error_count(ctx.tree):
        return "the rewrite would not parse (please report this)"
    summary = summary_after(ctx, new_tree, fix.edits)
    start = map_offset(diag.start_byte, fix.edits)
    end = max(start, map_offset(diag.end_byte, fix.edits))
    places = [(start, end), *edited_ranges(fix.edits)]
    # Only what the rule reports at these places counts: the declarations holding them are
    # all it needs to look at again (a report lies in the declaration of what it is about).
    new_ctx = FileContext(
        ctx.path,
        new_source,
        new_tree,
        ctx.go_version,
        ctx.package.with_file(summary),
        ctx.is_test,
        focus=top_level_ranges(new_tree.root_node, places),
        build=ctx.build,
    )
    # The file's other findings of this rule, moved by the edits but not made by them (a
    # defer-in-loop fix re-indents an inner loop's own finding), do not count.
    moved = {map_offset(d.start_byte, fix.edits) for d in found or () if d is not diag}
    try:
        # (Attached with no other files, so what the rule keeps for the package is let go.)
        with package_files.attached(new_ctx.package, {}):
            found_again = run_rule(rule, new_ctx)
    except Exception:  # the rule fails on its own rewrite: do not offer it
        return "the rewrite could not be checked (please report this)"
    for again in found_again:
        if again.start_byte in moved:
            continue
        for p_start, p_end in places:
            if again.start_byte < p_end and again.end_byte > p_start:
                return "the rewritten code would still be reported"
    return None


def apply_directives(
    ctx: FileContext,
    findings: list[Finding],
    lines: LineIndex,
    ran: set[str] | None = None,
) -> list[Finding]:
    """Drop the findings directives cover; report bad directives.

    `ran` names the rules that ran on the file (None: all of them). A directive for a rule
    that did not run (`--select` chose others) is never reported as matching nothing.
    """
    directives = find_directives(ctx.source, ctx.tree)
    if not directives:
        return findings
    kept: list[Finding] = []
    for finding in findings:
        matched = [d for d in directives if d.reason and d.covers(finding.rule, finding.line)]
        for d in matched:
            d.used = True
        if not matched:
            kept.append(finding)
    for d in directives:
        problem = _directive_problem(d, ran)
        if problem is None:
            continue
        kept.append(
            Finding(
                rule=DIRECTIVE_RULE.name,
                path=ctx.path,
                span=lines.span(d.start_byte, d.end_byte),
                message=problem,
                severity=DIRECTIVE_RULE.severity,
                confidence=Confidence.HIGH,
                no_fix_reason="no automatic fix: only a person can say why a finding is acceptable",
                fingerprint=f"{ctx.slice(d.start_byte, d.end_byte)}",
            )
        )
    return kept


def _all_ran(d: Directive, ran: set[str]) -> bool:
    names = list(registry.RULES_BY_NAME) if "all" in d.rules else d.rules
    return all(name in ran for name in names if name in registry.RULES_BY_NAME)


def _directive_problem(d: Directive, ran: set[str] | None = None) -> str | None:
    if not d.rules:
        return "leakscope:ignore needs a rule name and a reason"
    unknown = [r for r in d.rules if r != "all" and r not in registry.RULES_BY_NAME]
    if unknown:
        return f"leakscope:ignore names unknown rule '{unknown[0]}'"
    if not d.reason:
        return "leakscope:ignore needs a reason after the rule name"
    if not d.used and (ran is None or _all_ran(d, ran)):
        # (When its rules did not run, `--select` chose others: it may match when they do.)
        return f"this leakscope:ignore matches no {', '.join(d.rules)} finding"
    return None


def fingerprint_pairs(
    findings: list[Finding], ctx: FileContext, bases: dict[int, str] | None = None
) -> list[tuple[Finding, Finding, str]]:
    """(finding, the finding with its id, what the id is made from) for each finding, sorted.

    The id survives edits elsewhere in the file: it is built from rule, path, enclosing
    function and flagged text, plus an occurrence number for identical ones, never from line
    numbers. `bases` has what is known of the last part already (by the finding's id()): a
    finding moved by a focused re-analysis keeps it."""
    counts: dict[str, int] = {}
    out = []
    for finding in sorted(findings, key=lambda f: f.sort_key):
        base = bases.get(id(finding), "") if bases else ""
        if not base:
            base = _fingerprint_base(finding, ctx)
        n = counts.get(base, 0)
        counts[base] = n + 1
        digest = hashlib.blake2b(f"{base}\0{n}".encode(), digest_size=8).hexdigest()
        out.append((finding, replace(finding, fingerprint=digest), base))
    return out


def _fingerprint_base(finding: Finding, ctx: FileContext) -> str:
    node = ctx.root.descendant_for_byte_range(finding.span.start_byte, finding.span.end_byte)
    func = function_name(enclosing_function(node)) if node is not None else ""
    return f"{finding.rule}\0{finding.path}\0{func}\0{' '.join(finding.fingerprint.split())}"


def _syntax_errors(n: int) -> str:
    return "1 syntax error" if n == 1 else f"{n} syntax errors"


# -- Focused re-analysis after an edit -------------------------------------------------------
#
# An edit inside one function's body leaves every declaration of the file as it was, only
# moved: the rules need to look again at that function and at what may depend on it, and the
# findings elsewhere stand, moved. What may depend on it is found by name. Shared state: the
# functions naming a package variable or struct field that the edited function names (before
# or after the edit): what the package does with a field is all its functions' doing, and only
# the edited one changed. Calls: the functions naming one of the package's functions or
# methods that a joined function names or is (callers and callees: helper summaries, helpers
# of helpers, `runs_once`), over and over until nothing new joins. Package-level var, const
# and type declarations are always looked at again (a finding there may be about any use).

FUNCTION_DECLS = ("function_declaration", "method_declaration")
_DECLS = ("var_declaration", "const_declaration", "type_declaration")
# Beyond this share of the file's bytes in focus, a full analysis costs about the same.
FOCUS_MAX_SHARE = 0.5


def common_prefix(a: bytes, b: bytes) -> int:
    """The length of the longest common prefix (a binary search of memcmp's)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def edit_between(old: bytes, new: bytes) -> tuple[int, int, int]:
    """The single edit turning old into new: (start, old_end, new_end) byte offsets."""
    start = common_prefix(old, new)
    limit = min(len(old), len(new)) - start
    lo, hi = 0, limit  # the common suffix, not overlapping the prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid : len(old) - lo] == new[len(new) - mid : len(new) - lo]:
            lo = mid
        else:
            hi = mid - 1
    return start, len(old) - lo, len(new) - lo


@dataclass
class FocusPlan:
    """What a focused re-analysis looks at (`focus`, in the new source) and keeps."""

    focus: Ranges
    keep: list[Kept]


@dataclass(frozen=True)
class _Names:
    """The package's names that tie functions together, by how code names them."""

    funcs: frozenset[bytes]  # functions, named alone
    variables: frozenset[bytes]  # package variables, named alone
    methods: frozenset[bytes]  # named after a dot
    fields: frozenset[bytes]  # struct fields: after a dot, or as a key (`T{f: v}`)

    @classmethod
    def of(cls, index: PackageIndex) -> _Names:
        fields = {name for info in index.types.values() for name, _ in info.fields if name}
        return cls(
            frozenset(n.encode() for n in index.funcs),
            frozenset(n.encode() for n in index.vars if n != "_"),
            frozenset(n.encode() for _, n in index.methods),
            frozenset(n.encode() for n in fields),
        )

    def mentions(self, code: bytes, *, calls: bool = False) -> set[bytes]:
        """The names `code` (a declaration) uses: `name` for a function or variable, `.name`
        for a method or field. `calls`: functions and methods only."""
        out: set[bytes] = set()
        for use in _uses(code):
            kind, word = use[:1], use[1:]
            if kind == b".":
                if word in self.methods or (not calls and word in self.fields):
                    out.add(use)
            elif kind == b":":
                if not calls and word in self.fields:
                    out.add(b"." + word)
            elif word in self.funcs or (not calls and word in self.variables):
                out.add(word)
        return out

    def users(self, where: dict[bytes, list[int]], name: bytes) -> set[int]:
        """The declarations that use `name`, as `mentions` gives it (`where`: the
        declarations by each use in their `_uses`)."""
        if not name.startswith(b"."):
            return set(where.get(b" " + name, ()))
        found = set(where.get(name, ()))
        if name[1:] in self.fields:
            found.update(where.get(b":" + name[1:], ()))
        return found


_MENTION = re.compile(rb"(\.[ \t]*)?([A-Za-z_][A-Za-z0-9_]*)([ \t]*:(?!=))?")
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.")


@functools.lru_cache(maxsize=4096)
def _uses(code: bytes) -> frozenset[bytes]:
    """Every name `code` uses, marked by how: b" name" alone, b".name" after a dot, and also
    b":name" alone before a colon (a key: `T{name: v}`). Cached by the declaration's bytes:
    a re-analysis after an edit scans only the declarations that changed."""
    out = set()
    for match in _MENTION.finditer(code):
        dot, word, colon = match.groups()
        if dot:
            out.add(b"." + word)
            continue
        at = match.start()
        if at and code[at - 1] in _WORD_BYTES:
            continue  # (the tail of a number: `1e5`)
        out.add(b" " + word)
        if colon:
            out.add(b":" + word)
    return frozenset(out)


def _own_name(decl: Node) -> bytes:
    """How code names a function declaration: `name`, or `.name` for a method."""
    name = decl.child_by_field_name("name")
    text = name.text or b"" if name is not None else b""
    return b"." + text if decl.type == "method_declaration" else text


def plan_focus(
    old_source: bytes,
    old_tree: Tree,
    new_source: bytes,
    new_tree: Tree,
    index: PackageIndex,
    raw: Sequence[RawFinding],
    shown: Sequence[Finding],
    pending: PendingFixes | None,
) -> FocusPlan | None:
    """How to re-analyse `new_source` from its former analysis (`raw`, the findings `shown`
    with their fix verdicts, the fix checks still `pending`), or None when only a full
    analysis will do: the change is not inside one function's body (or a comment), the top
    level changed, a tree has syntax errors, or what depends on it is most of the file."""
    if old_tree.root_node.has_error or new_tree.root_node.has_error:
        return None
    start, old_end, new_end = edit_between(old_source, new_source)
    delta = new_end - old_end
    old_children = old_tree.root_node.children
    new_children = new_tree.root_node.children
    if len(old_children) != len(new_children):
        return None
    old_starts = [c.start_byte for c in old_children]
    i = bisect_right(old_starts, start) - 1
    if i < 0:
        return None
    touched = old_children[i]
    if touched.type in FUNCTION_DECLS:
        body = touched.child_by_field_name("body")
        if body is None or not body.start_byte < start <= old_end < body.end_byte - 1:
            return None
    elif touched.type == "comment":
        if not touched.start_byte + 2 <= start <= old_end <= touched.end_byte:
            return None
    else:
        return None
    # The same top level, moved: the edit changed no declaration's extent but the touched one.
    new_ranges: list[tuple[int, int]] = []
    for j, (o, n) in enumerate(zip(old_children, new_children, strict=True)):
        shift = 0 if j < i else delta
        if (
            o.type != n.type
            or n.start_byte != o.start_byte + (0 if j <= i else delta)
            or n.end_byte != o.end_byte + shift
        ):
            return None
        new_ranges.append((n.start_byte, n.end_byte))
    if touched.type in FUNCTION_DECLS:
        body = new_children[i].child_by_field_name("body")
        if body is None or not body.start_byte < start <= new_end < body.end_byte - 1:
            return None

    names = _Names.of(index)
    types = [n.type for n in new_children]
    # Function declarations by how they are named: a call joins its callee.
    declared: dict[bytes, list[int]] = {}
    for j, child in enumerate(new_children):
        if child.type in FUNCTION_DECLS:
            declared.setdefault(_own_name(child), []).append(j)

    focused: set[int] = set()
    todo: set[bytes] = set()
    done: set[bytes] = set()
    where: dict[bytes, list[int]] = {}
    for j, (a, b) in enumerate(new_ranges):
        for use in _uses(new_source[a:b]):
            where.setdefault(use, []).append(j)
    if touched.type in FUNCTION_DECLS:
        focused.add(i)
        todo = names.mentions(old_source[touched.start_byte : touched.end_byte])
        todo |= names.mentions(new_source[slice(*new_ranges[i])])
        todo.add(_own_name(touched))
    linked_decls: set[int] = set()
    budget = FOCUS_MAX_SHARE * len(new_source)
    size = sum(new_ranges[j][1] - new_ranges[j][0] for j in focused)

    def join(j: int) -> None:
        nonlocal size
        if types[j] in FUNCTION_DECLS and j not in focused:
            focused.add(j)
            size += new_ranges[j][1] - new_ranges[j][0]
            # (Its body did not change: only what it calls, or is called by, ties in more.)
            todo.update(names.mentions(new_source[slice(*new_ranges[j])], calls=True) - done)
            todo.add(_own_name(new_children[j]))
        elif types[j] in _DECLS and j not in linked_decls:
            # `var t = newTicker()`: a use of t may depend on the helper's body.
            linked_decls.add(j)
            todo.update(names.mentions(new_source[slice(*new_ranges[j])]) - done)

    def spread() -> bool:
        """Join every declaration that names a name to do, and the functions declared under
        it, until none is left; False when the focus grew beyond the budget."""
        while todo:
            name = todo.pop()
            if name in done:
                continue
            done.add(name)
            call = name in names.funcs or name[1:] in names.methods
            for j in declared.get(name, ()):
                join(j)
            for j in sorted(names.users(where, name)):
                if types[j] in _DECLS and not call:
                    continue  # (a declaration of a name that ties others already)
                join(j)
            if size > budget:
                return False
        return True

    if not spread():
        return None

    mover = _Mover(old_source, new_source, start, old_end, new_end)

    def old_range(j: int) -> tuple[int, int]:
        return (old_children[j].start_byte, old_children[j].end_byte)

    decls = {j for j, t in enumerate(types) if t in _DECLS}
    by_digest = {f.fingerprint: f for f in shown}
    memo: dict[int, tuple[list[Diagnostic], dict[int, Diagnostic]]] = {}
    while True:
        memo.clear()
        old_focus = tuple(sorted(old_range(j) for j in focused | decls))
        old_functions = tuple(sorted(old_range(j) for j in focused))
        keep: list[Kept] = []
        more: set[int] = set()
        for item in raw:
            finding = item.finding
            if _inside(old_focus, finding.span.start_byte):
                continue
            shown_as = finding
            if item.digest:
                found = by_digest.get(item.digest)
                if found is None:
                    return None
                shown_as = found
            # A finding explained by, or fixed in, focused code depends on it.
            places = [
                (r.span.start_byte, r.span.end_byte) for r in finding.related if r.path is None
            ]
            if finding.fix is not None:
                places += [(e.start_byte, e.end_byte) for e in finding.fix.edits]
            # (Places in var, const and type declarations: their text did not change.)
            if any(_overlaps(old_functions, p) for p in places):
                j = bisect_right(old_starts, finding.span.start_byte) - 1
                if j < 0 or types[j] not in FUNCTION_DECLS:
                    return None
                more.add(j)  # (its own declaration joins the focus)
                continue
            check = None
            if shown_as.fix_pending:
                found_check = pending.checks.get(pending_key(shown_as)) if pending else None
                if found_check is None:
                    return None
                check = found_check if mover.still else _moved_check(found_check, mover, memo)
            if (
                shown_as.fix is not finding.fix
                or shown_as.no_fix_reason != finding.no_fix_reason
                or shown_as.fix_pending != finding.fix_pending
            ):
                finding = replace(
                    finding,
                    fix=shown_as.fix,
                    no_fix_reason=shown_as.no_fix_reason,
                    fix_pending=shown_as.fix_pending,
                )
            keep.append(Kept(mover.finding(finding), check, item.base))
        if not more:
            break
        for j in more:
            join(j)
        if size > budget or not spread():
            return None
    focus = tuple(sorted(new_ranges[j] for j in focused | decls))
    return FocusPlan(focus, keep)


def _overlaps(ranges: Ranges, place: tuple[int, int]) -> bool:
    start, end = place
    return any(a < max(end, start + 1) and start < b for a, b in ranges)


class _Mover:
    """Moves what lies outside an edit (start, old_end) -> (start, new_end) to the new source:
    offsets after it by the change in length, lines by the change in line count."""

    def __init__(self, old: bytes, new: bytes, start: int, old_end: int, new_end: int) -> None:
        self.old_end = old_end
        self.delta = new_end - old_end
        self.rows = new.count(b"\n", start, new_end) - old.count(b"\n", start, old_end)
        # From here on a position's line starts after the edit: its column stays.
        nl = old.find(b"\n", old_end)
        self.own_line = nl + 1 if nl != -1 else len(old) + 1
        self.lines = LineIndex(new)
        self.still = self.delta == 0 and self.rows == 0
        self._spans: dict[Span, Span] = {}

    def offset(self, offset: int) -> int:
        return offset + self.delta if offset >= self.old_end else offset

    def span(self, span: Span) -> Span:
        if span.end_byte < self.old_end or (self.still and span.start_byte >= self.own_line):
            return span
        done = self._spans.get(span)
        if done is None:
            if span.start_byte >= self.own_line:
                rows = self.rows
                done = Span(
                    span.start_byte + self.delta,
                    span.end_byte + self.delta,
                    Position(span.start.line + rows, span.start.column),
                    Position(span.end.line + rows, span.end.column),
                )
            else:
                done = self.lines.span(self.offset(span.start_byte), self.offset(span.end_byte))
            self._spans[span] = done
        return done

    def fix(self, fix: Fix | None) -> Fix | None:
        if fix is None or self.still or all(e.end_byte < self.old_end for e in fix.edits):
            return fix
        offset = self.offset
        edits = tuple(
            TextEdit(offset(e.start_byte), offset(e.end_byte), e.new_text) for e in fix.edits
        )
        return replace(fix, edits=edits)

    def finding(self, finding: Finding) -> Finding:
        span = self.span(finding.span)
        related = tuple(
            r
            if r.path is not None or self.span(r.span) is r.span
            else replace(r, span=self.span(r.span))
            for r in finding.related
        )
        fix = self.fix(finding.fix)
        if span is finding.span and fix is finding.fix and related == finding.related:
            return finding
        return replace(finding, span=span, related=related, fix=fix)

    def diagnostic(self, diag: Diagnostic) -> Diagnostic:
        offset = self.offset
        related = [
            (offset(r[0]), offset(r[1]), r[2]) if isinstance(r, tuple) else r for r in diag.related
        ]
        return replace(
            diag,
            start_byte=offset(diag.start_byte),
            end_byte=offset(diag.end_byte),
            fix=self.fix(diag.fix),
            related=related,
        )


def _moved_check(
    check: Check,
    mover: _Mover,
    memo: dict[int, tuple[list[Diagnostic], dict[int, Diagnostic]]],
) -> Check:
    """The check moved to the new source. A rule's diagnostics of the file (one list shared by
    all its findings) are moved once: `memo` holds them by the list's id. (Those inside the
    focus are left out: the focused run finds them again where they are now.)"""
    rule, diag, diags = check
    done = memo.get(id(diags))
    if done is None:
        by_id = {id(d): mover.diagnostic(d) for d in diags}
        done = (list(by_id.values()), by_id)
        memo[id(diags)] = done
    others, by_id = done
    new_diag = by_id.get(id(diag)) or mover.diagnostic(diag)
    return rule, new_diag, others
