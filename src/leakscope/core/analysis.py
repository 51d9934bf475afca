"""Analysing one package: parse its files, index it, run the rules, check every fix.

Runs inside worker processes, so everything it returns is plain, picklable data; trees are
dropped as soon as the package is done (they cost about 29x the source in memory).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import partial
from pathlib import Path

from tree_sitter import Node, Tree

from leakscope.core import package_files
from leakscope.core import rules as registry
from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.gomod import BuildSettings, ModuleFinder
from leakscope.core.index import FileSummary, PackageIndex, VarInfo, summarize_file
from leakscope.core.model import (
    Confidence,
    Finding,
    Fix,
    Impact,
    Related,
    Rule,
    Severity,
    TextEdit,
)
from leakscope.core.suppress import DIRECTIVE_RULE, Directive, find_directives
from leakscope.core.syntax import (
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
        package_files.attach(index, {pf.path: (pf.source, pf.tree) for pf in files})
        for pf in files:
            results.append(analyse_file(pf, index, job.go_version, rules, build=build))
        package_files.detach(index)  # a worker scans many packages: keep none of them
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


def analyse_file(
    pf: ParsedFile,
    index: PackageIndex,
    go_version: tuple[int, int],
    rules: list[Rule],
    build: BuildSettings | None = None,
    *,
    defer_checks: dict[str, PendingFixes] | None = None,
) -> FileResult:
    """Run the rules on one parsed file.

    Every fix is checked (`verify_fix`) unless `defer_checks` is given: then the findings'
    fixes are marked `fix_pending` and what checking them needs is stored there under the
    file's path (see `check_pending`), so a live re-analysis does not pay for it.
    """
    ctx = FileContext(
        path=pf.path,
        source=pf.source,
        tree=pf.tree,
        go_version=go_version,
        package=index,
        is_test=pf.path.endswith("_test.go"),
        build=build,
    )
    lines = LineIndex(pf.source)
    findings: list[Finding] = []
    internal_errors: list[str] = []
    pending = None
    if defer_checks is not None:
        pending = PendingFixes(ctx, pf.digest or content_hash(pf.source))
    holds = partial(package_files.holds, index)
    for rule in rules:
        if not rule.applies_to(go_version) or not rule.may_match(pf.source, holds):
            continue
        try:
            diags = run_rule(rule, ctx)
        except Exception as exc:  # one rule's bug must not take the whole scan down
            internal_errors.append(f"rule {rule.name} failed: {type(exc).__name__}: {exc}")
            continue
        for diag in diags:
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
    findings = apply_directives(ctx, findings, lines, {rule.name for rule in rules})
    findings = with_fingerprints(findings, ctx)
    findings.sort(key=lambda f: f.sort_key)
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
    default = Severity.INFO if impact is Impact.BOUNDED else rule.severity
    return Finding(
        rule=rule.name,
        path=ctx.path,
        span=lines.span(diag.start_byte, diag.end_byte),
        message=diag.message,
        severity=diag.severity or default,
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


def with_fingerprints(findings: list[Finding], ctx: FileContext) -> list[Finding]:
    """Give each finding an id that survives edits elsewhere in the file.

    Built from rule, path, enclosing function and flagged text, plus an occurrence number for
    identical ones, never from line numbers.
    """
    counts: dict[str, int] = {}
    out = []
    for finding in sorted(findings, key=lambda f: f.sort_key):
        node = ctx.root.descendant_for_byte_range(finding.span.start_byte, finding.span.end_byte)
        func = function_name(enclosing_function(node)) if node is not None else ""
        base = f"{finding.rule}\0{finding.path}\0{func}\0{' '.join(finding.fingerprint.split())}"
        n = counts.get(base, 0)
        counts[base] = n + 1
        digest = hashlib.blake2b(f"{base}\0{n}".encode(), digest_size=8).hexdigest()
        out.append(replace(finding, fingerprint=digest))
    return out


def _syntax_errors(n: int) -> str:
    return "1 syntax error" if n == 1 else f"{n} syntax errors"
