"""Applying fixes to files: edits together per file, gofmt, proof, atomic writes, undo records.

`plan_fixes` works in memory (the rule tests use it); `plan_checked_fixes` adds the proof: it
type-checks every changed package with the fixes in place (`leakscope.core.verify`) and drops
the fixes that do not compile. `leakscope fix`, `fix --diff` and the terminal app plan through
it; `write_change` puts a planned change on disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import posixpath
import re
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from leakscope.core.analysis import (
    BOM,
    FileResult,
    PackageJob,
    analyse_package,
    apply_edits,
    content_hash,
)
from leakscope.core.model import Applicability, Finding, Fix, TextEdit
from leakscope.core.verify import (
    DEFAULT_TIMEOUT,
    NO_TOOLCHAIN,
    Proof,
    Toolchain,
    Verdict,
    toolchain_for,
    verify_package,
)


class FixError(Exception):
    """A fix that cannot be written; the message says why in the user's terms."""


class NeedsForce(FixError):
    """A write refused for the file's sake (read-only, hard-linked, owner or extended
    attributes that cannot be kept): `fix --force`, or a yes in the app, writes it anyway."""


def write_refusal(root: Path, path: str) -> str | None:
    """Why writing `path` (relative to `root`) needs force, known before writing, or None."""
    try:
        st = (root / path).stat()
    except OSError:
        return None  # (the write itself says what is wrong)
    if not stat.S_IMODE(st.st_mode) & 0o222:
        return "the file is read-only"
    if st.st_nlink > 1:
        return f"the file has {st.st_nlink} hard links and replacing it would split them"
    return None


@dataclass
class FileChange:
    """One file's planned or applied change, enough to show a diff and to undo it."""

    path: str  # relative to the root
    before: bytes
    after: bytes
    applied: list[Finding] = field(default_factory=list)
    skipped: list[tuple[Finding, str]] = field(default_factory=list)  # (finding, why)
    # The type-check of the change's package with it in place; None: not checked (planning only).
    verdict: Verdict | None = None

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def verified(self) -> bool:
        return self.verdict is not None and self.verdict.verified


@dataclass
class FixPlan:
    """Planned and type-checked changes for some findings: what a UI shows, asks about, writes."""

    findings: list[Finding]
    changes: list[FileChange]
    title: str = ""

    @property
    def writable(self) -> list[FileChange]:
        return [c for c in self.changes if c.changed]

    @property
    def skipped(self) -> list[tuple[Finding, str]]:
        return [s for c in self.changes for s in c.skipped]

    @property
    def verified(self) -> bool:
        return all(c.verified for c in self.writable)

    @property
    def unsafe(self) -> bool:
        return any(
            f.fix is not None and f.fix.applicability is Applicability.UNSAFE
            for c in self.writable
            for f in c.applied
        )

    @property
    def proof_text(self) -> str:
        """ "verified: ..." or "unverified: why", for a header or a question."""
        if self.verified:
            return "verified: the package compiles with it"
        reasons = {c.verdict.detail if c.verdict else "not checked" for c in self.writable}
        return "unverified: " + "; ".join(sorted(reasons))


def allowed(fix: Fix | None, applicability: Applicability) -> bool:
    if fix is None:
        return False
    return applicability is Applicability.UNSAFE or fix.applicability is Applicability.SAFE


def merge_fixes(
    source: bytes, findings: list[Finding]
) -> tuple[bytes, list[Finding], list[tuple[Finding, str]]]:
    """Apply the fixes of `findings` together; a fix overlapping an earlier one is skipped.

    Identical edits (the same import added by two fixes) are applied once.
    """
    chosen: list[TextEdit] = []
    applied: list[Finding] = []
    skipped: list[tuple[Finding, str]] = []
    taken: list[tuple[int, int]] = []
    seen_edits: set[TextEdit] = set()
    for finding in sorted(findings, key=lambda f: f.span.start_byte):
        assert finding.fix is not None
        new_edits = [e for e in finding.fix.edits if e not in seen_edits]
        if any(_overlaps(e, taken) for e in new_edits):
            skipped.append((finding, "its edits overlap another fix; run fix again"))
            continue
        chosen.extend(new_edits)
        seen_edits.update(new_edits)
        taken.extend((e.start_byte, e.end_byte) for e in new_edits)
        applied.append(finding)
    return apply_edits(source, chosen), applied, skipped


def _overlaps(edit: TextEdit, taken: list[tuple[int, int]]) -> bool:
    for start, end in taken:
        if edit.start_byte < end and edit.end_byte > start:
            return True
        # Two insertions at one point would interleave unpredictably.
        if edit.start_byte == edit.end_byte == start == end:
            return True
        if start == end and edit.start_byte < start < edit.end_byte:
            return True
    return False


def gofmt_path() -> str | None:
    return shutil.which("gofmt")


def gofmt(source: bytes) -> bytes | None:
    """gofmt's output, or None when gofmt is missing or rejects the source."""
    exe = gofmt_path()
    if exe is None:
        return None
    try:
        proc = subprocess.run([exe], input=source, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def finish_source(original: bytes, edited: bytes) -> bytes:
    """Format and restore the file's conventions after edits.

    gofmt runs only on files that were gofmt-clean before, so a fix never reformats code the
    user keeps in another style. CRLF files stay CRLF (edits and gofmt write LF).
    """
    crlf = b"\r\n" in original
    plain_original = original.replace(b"\r\n", b"\n") if crlf else original
    plain_edited = edited.replace(b"\r\n", b"\n") if crlf else edited
    bom = plain_original.startswith(BOM)
    if bom:
        plain_original, plain_edited = plain_original[3:], plain_edited[3:]
    if gofmt_path() is not None and gofmt(plain_original) == plain_original:
        formatted = gofmt(plain_edited)
        if formatted is not None:
            plain_edited = formatted
    if bom:
        plain_edited = BOM + plain_edited
    return plain_edited.replace(b"\n", b"\r\n") if crlf else plain_edited


def crlf_edits(source: bytes, fix: Fix) -> Fix:
    """Edits with CRLF line breaks for a file that uses them."""
    if b"\r\n" not in source:
        return fix
    edits = tuple(
        TextEdit(e.start_byte, e.end_byte, e.new_text.replace("\r\n", "\n").replace("\n", "\r\n"))
        for e in fix.edits
    )
    return Fix(fix.title, edits, fix.applicability)


def check_inside_root(root: Path, path: Path) -> Path:
    """The real path to write, refusing anything that leaves the root (symlinks included)."""
    root = root.resolve()
    real = path.resolve()
    try:
        real.relative_to(root)
    except ValueError as exc:
        raise FixError(f"{path}: refusing to write outside {root}") from exc
    return real


def _copy_xattrs(source: Path, target: str) -> str | None:
    """Copy extended attributes; why they could not be copied, or None."""
    if not hasattr(os, "listxattr"):
        return None
    try:
        names = os.listxattr(source, follow_symlinks=False)
    except OSError:
        return None  # the file system has none
    for name in names:
        try:
            os.setxattr(target, name, os.getxattr(source, name, follow_symlinks=False))
        except OSError as exc:
            return f"cannot keep its extended attribute {name} ({exc.strerror or exc})"
    return None


# The temp file write_atomic writes beside the file: `.NAME.go.XXXXXXXX.leakscope`
# (mkstemp's 8 random characters). A leakscope killed (kill -9, power loss) between creating
# and renaming it leaves one behind; the next write in that folder removes those older than
# STALE_TEMP_SECONDS (a live write renames its temp within milliseconds).
_TEMP_NAME = re.compile(r"\..+\.go\.[a-z0-9_]{8}\.leakscope")
STALE_TEMP_SECONDS = 60.0


def clean_stale_temps(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove leakscope's own temp files in `folder` older than STALE_TEMP_SECONDS (regular
    files of exactly its name pattern, never a link); returns those removed."""
    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        if not entry.name.endswith(".leakscope") or not _TEMP_NAME.fullmatch(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(st.st_mode) and now - st.st_mtime > STALE_TEMP_SECONDS:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def write_atomic(
    path: Path,
    data: bytes,
    *,
    expected: str | None = None,
    force: bool = False,
    before_replace: Callable[[], None] | None = None,
) -> list[Path]:
    """Replace `path` with `data` through a temp file in the same folder; returns the stale
    temp files of an interrupted leakscope it removed from that folder first.

    A FixError's message is the reason alone (the caller names the file).

    Keeps the mode, owner, group and extended attributes, or refuses (FixError) when they
    cannot be kept; refuses a read-only file and a hard-linked one (a rename would split the
    link), unless `force`. With `expected` (a content hash), the file is hashed again once the
    temp file is complete, right before the rename, and nothing is written when it differs:
    another writer's save is then never lost, except one landing in the few microseconds
    between that last read and the rename (POSIX has no compare-and-rename).
    """
    try:
        st: os.stat_result | None = path.stat()
    except FileNotFoundError:
        st = None
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o644
    if st is not None and not force:
        if not mode & 0o222:
            raise NeedsForce("the file is read-only; not written (--force writes it)")
        if st.st_nlink > 1:
            raise NeedsForce(
                f"the file has {st.st_nlink} hard links and replacing it would "
                "split them; not written (--force writes it)"
            )
    stale = clean_stale_temps(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".leakscope")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if st is not None:
            problem = None
            tmp_st = os.stat(tmp)
            if (tmp_st.st_uid, tmp_st.st_gid) != (st.st_uid, st.st_gid):
                try:
                    os.chown(tmp, st.st_uid, st.st_gid)
                    os.chmod(tmp, mode)  # (chown may clear setuid/setgid bits)
                except OSError:
                    problem = "cannot keep its owner and group"
            problem = problem or _copy_xattrs(path, tmp)
            if problem and not force:
                raise NeedsForce(f"{problem}; not written (--force writes it)")
        if before_replace is not None:
            before_replace()
        if expected is not None:
            try:
                current = _read_regular(path)
            except FileNotFoundError as exc:
                raise FixError("the file was deleted meanwhile; not written") from exc
            if content_hash(current) != expected:
                raise FixError("the file changed while it was being written; kept")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return stale


def _read_regular(path: Path) -> bytes:
    """A file's bytes; refuses (FixError) anything but a regular file, without blocking."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FixError("not a regular file; not written")
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read()
    finally:
        os.close(fd)


# Called right before the final hash check and rename of each write (tests use it to play
# an editor saving at the worst moment).
_before_replace: Callable[[], None] | None = None


def write_change(root: Path, change: FileChange, *, force: bool = False) -> list[Path]:
    """Write a planned change, refusing when the file changed since it was analysed.

    The file is compared with the change's `before` (the bytes the fix was planned from) when
    the write starts and once more right before the rename. Returns the stale temp files of
    an interrupted leakscope removed from its folder (see `clean_stale_temps`), for a note.
    """
    path = check_inside_root(root, root / change.path)
    try:
        current = _read_regular(path)
    except FileNotFoundError as exc:
        raise FixError(f"{change.path}: the file was deleted since it was analysed") from exc
    except FixError as exc:
        raise FixError(f"{change.path}: {exc}") from exc
    except OSError as exc:
        raise FixError(f"{change.path}: cannot read: {exc.strerror}") from exc
    expected = content_hash(change.before)
    if content_hash(current) != expected:
        raise FixError(f"{change.path}: the file changed since it was analysed; scan again")
    try:
        return write_atomic(
            path, change.after, expected=expected, force=force, before_replace=_before_replace
        )
    except FixError as exc:
        raise type(exc)(f"{change.path}: {exc}") from exc
    except OSError as exc:
        raise FixError(f"{change.path}: cannot write: {exc.strerror}") from exc


@contextlib.contextmanager
def fix_lock(
    root: Path, on_wait: Callable[[], None] | None = None, *, wait: bool = True
) -> Iterator[None]:
    """Hold the root's fix lock: two leakscope processes never plan and write one tree at once.

    An advisory lock (flock) on a file in leakscope's cache folder, never in the repository;
    released when the process ends, however it ends. Where flock is missing, a no-op. With
    `wait=False` (the app, which must not freeze), a held lock is a FixError at once.
    """
    try:
        import fcntl
    except ImportError:  # (not on POSIX)
        yield
        return
    from leakscope.core.cache import cache_dir

    name = hashlib.blake2b(str(root.resolve()).encode(), digest_size=12).hexdigest()
    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / f"fix-{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield  # no cache folder: the hash checks before each write still protect the files
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise FixError(
                    "another leakscope fix of this folder is running; try again once it ends"
                ) from None
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # (releases the lock)


def undo_change(root: Path, change: FileChange, *, force: bool = False) -> None:
    """Put the file back as it was, refusing when it changed after the fix was written."""
    reverse = FileChange(change.path, change.after, change.before)
    try:
        write_change(root, reverse, force=force)
    except FixError as exc:
        if "changed since" in str(exc) or "changed while" in str(exc):
            raise FixError(f"{change.path}: the file changed after the fix; not undone") from exc
        raise


MAX_FIX_ROUNDS = 5


def plan_fixes(
    root: Path,
    results: list[FileResult],
    jobs: dict[str, PackageJob],
    applicability: Applicability = Applicability.SAFE,
    only: set[str] | None = None,
) -> list[FileChange]:
    """Changes that apply every allowed fix, in memory, nothing written.

    Fixes whose edits overlap wait for the next round: the changed packages are analysed again
    (with the edited contents) and the remaining fixes applied, until nothing is left or
    MAX_FIX_ROUNDS is reached, as ruff does. `only` limits the fixes to these fingerprints.
    """
    root = root.resolve()
    originals: dict[str, bytes] = {}
    current: dict[str, bytes] = {}
    changes: dict[str, FileChange] = {}
    findings_by_file = {r.path: r.findings for r in results}
    analysed_hash = {r.path: r.content_hash for r in results}
    for _ in range(MAX_FIX_ROUNDS):
        touched_dirs: set[str] = set()
        for path, findings in sorted(findings_by_file.items()):
            fixable = [
                f
                for f in findings
                if allowed(f.fix, applicability) and (only is None or f.fingerprint in only)
            ]
            if not fixable:
                if path in changes:
                    changes[path].skipped = []  # what an earlier round skipped is resolved
                continue
            if path not in current:
                try:
                    data = (root / path).read_bytes()
                except OSError:
                    continue
                if content_hash(data) != analysed_hash.get(path):
                    # The findings' offsets belong to the content that was analysed.
                    why = "the file changed since it was analysed; scan again"
                    changes[path] = FileChange(
                        path, data, data, skipped=[(f, why) for f in fixable]
                    )
                    findings_by_file[path] = []
                    continue
                originals[path] = current[path] = data
            source = current[path]
            fixable = [_with_line_endings(source, f) for f in fixable]
            new_source, applied, skipped = merge_fixes(source, fixable)
            change = changes.setdefault(path, FileChange(path, originals[path], originals[path]))
            change.applied.extend(applied)
            change.skipped = skipped
            if applied:
                current[path] = new_source
                touched_dirs.add(posixpath.dirname(path))
        if not touched_dirs:
            break
        findings_by_file = {}
        for directory in touched_dirs:
            job = jobs[directory]
            overrides = {p: current[p] for p in job.files if p in current}
            for result in analyse_package(job, overrides):
                if result.path in current:
                    findings_by_file[result.path] = result.findings
    out = []
    for path, change in sorted(changes.items()):
        if path in current:
            change.after = finish_source(originals[path], current[path])
        if change.changed or change.skipped:
            out.append(change)
    return out


def plan_checked_fixes(
    root: Path,
    results: list[FileResult],
    jobs: dict[str, PackageJob],
    applicability: Applicability = Applicability.SAFE,
    only: set[str] | None = None,
    *,
    toolchain: Toolchain | None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[FileChange]:
    """`plan_fixes`, then a proof: each changed package is type-checked with its changes.

    Every change carries its package's verdict. A package that no longer compiles is planned
    again one fix at a time: the fixes that compile alone are kept and checked together, the
    others are listed in `skipped` ("fix dropped: it does not compile: ..."). With no toolchain
    every change is unverified. Changes that end up changing nothing keep only their skips.
    """
    root = root.resolve()
    changes = plan_fixes(root, results, jobs, applicability, only)
    if toolchain is None:
        for change in changes:
            change.verdict = NO_TOOLCHAIN
        return changes
    groups: dict[str, list[FileChange]] = {}
    for change in changes:
        groups.setdefault(posixpath.dirname(change.path), []).append(change)
    verdicts = _verify_groups(root, toolchain, groups, timeout)
    out: list[FileChange] = []
    for directory, group in sorted(groups.items()):
        verdict = verdicts[directory]
        if verdict.proof is Proof.FAILED:
            package_results = [r for r in results if posixpath.dirname(r.path) == directory]
            group = _salvage(root, package_results, jobs, applicability, group, toolchain, timeout)
        else:
            for change in group:
                change.verdict = verdict
        out.extend(group)
    return sorted(out, key=lambda c: c.path)


def _verify_group(
    root: Path, toolchain: Toolchain, directory: str, group: list[FileChange], timeout: float
) -> Verdict:
    fixed = {posixpath.basename(c.path): c.after for c in group if c.changed}
    if not fixed:
        return Verdict(Proof.VERIFIED)
    if _has_undecodable_go_file(root / directory):
        return Verdict(Proof.UNVERIFIED, "a Go file name in the folder is not valid UTF-8")
    package_toolchain = toolchain_for(root / directory, toolchain) or toolchain
    return verify_package(package_toolchain, root / directory, fixed, timeout)


def _has_undecodable_go_file(directory: Path) -> bool:
    """Whether a Go file of the folder has a name that is not UTF-8 (discovery skips it, and
    the go command would not build the package as leakscope sees it)."""
    try:
        names = [e.name for e in os.scandir(directory) if e.name.endswith(".go")]
    except OSError:
        return False
    for name in names:
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            return True
    return False


def _verify_groups(
    root: Path, toolchain: Toolchain, groups: dict[str, list[FileChange]], timeout: float
) -> dict[str, Verdict]:
    """Each folder's verdict; two go commands at a time (each is parallel inside, too)."""
    if len(groups) <= 1:
        return {d: _verify_group(root, toolchain, d, g, timeout) for d, g in groups.items()}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            d: pool.submit(_verify_group, root, toolchain, d, g, timeout) for d, g in groups.items()
        }
        return {d: f.result() for d, f in futures.items()}


def _salvage(
    root: Path,
    results: list[FileResult],
    jobs: dict[str, PackageJob],
    applicability: Applicability,
    group: list[FileChange],
    toolchain: Toolchain,
    timeout: float,
) -> list[FileChange]:
    """The changes of one package without the fixes that break its build."""
    candidates: dict[str, Finding] = {}
    for change in group:
        for finding in change.applied:
            candidates.setdefault(finding.fingerprint, finding)
    dropped: list[tuple[Finding, str]] = []
    good: list[str] = []
    for fingerprint, finding in candidates.items():
        trial = plan_fixes(root, results, jobs, applicability, {fingerprint})
        directory = posixpath.dirname(group[0].path)
        verdict = _verify_group(root, toolchain, directory, trial, timeout)
        if verdict.proof is Proof.FAILED:
            dropped.append((finding, f"fix dropped: it does not compile: {verdict.detail}"))
        else:
            good.append(fingerprint)
    while True:
        final = plan_fixes(root, results, jobs, applicability, set(good)) if good else []
        verdict = _verify_group(root, toolchain, posixpath.dirname(group[0].path), final, timeout)
        if verdict.proof is not Proof.FAILED or not good:
            break
        last = candidates[good.pop()]
        dropped.append(
            (last, f"fix dropped: it does not compile with the others: {verdict.detail}")
        )
    by_path = {c.path: c for c in final}
    out = []
    for change in group:
        kept = by_path.get(change.path) or FileChange(change.path, change.before, change.before)
        kept.verdict = verdict
        kept.skipped = [*kept.skipped, *((f, why) for f, why in dropped if f.path == change.path)]
        out.append(kept)
    return out


def _with_line_endings(source: bytes, finding: Finding) -> Finding:
    if finding.fix is None or b"\r\n" not in source:
        return finding
    from dataclasses import replace

    return replace(finding, fix=crlf_edits(source, finding.fix))
