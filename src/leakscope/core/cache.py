"""A content-hash cache of package results in the user cache folder.

A package's results are keyed by the hashes of its files' contents, the Go version, the rules
and leakscope's version, so an unchanged package is never analysed twice. To avoid reading
every file on a warm run, a stat table remembers each file's content hash under its stat
(mtime, ctime, size, inode, device), as git's index does: a file whose stat changed is
re-hashed, a file touched without a change still hits. ctime cannot be set back, so an edit
whose mtime and size were restored (rsync -a, cp -p, tar) is still seen; a stat too recent to
tell apart from an edit in the same clock tick is not trusted (the file is hashed again).
`verify=True` (what `leakscope fix` uses) trusts no stat at all: every file is hashed.

The cache is JSON, never pickle: loading it cannot run code, and every entry is validated as
it is read; a corrupt entry is dropped and its package analysed again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import stat as stat_module
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from leakscope import __version__
from leakscope.core.analysis import FileResult, FileStatus, PackageJob, content_hash
from leakscope.core.model import (
    Applicability,
    Confidence,
    Finding,
    Fix,
    Impact,
    Position,
    Related,
    Severity,
    Span,
    TextEdit,
)

_FORMAT = 3
# The file is this header and the hash of the JSON that follows it: corruption that leaves
# well-typed JSON (a findings list emptied, a number changed) cannot pass validation, but it
# cannot pass the hash (blake2b: about 1 ms per MB).
_HEADER = b"leakscope-cache "


def _checksum(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=16).hexdigest().encode()


# A stat this close to now may be followed by a same-size edit in the same clock tick.
_RACY_NS = 2_000_000_000
StatKey = tuple[int, int, int, int, int]


@functools.cache
def engine_fingerprint() -> str:
    """leakscope's version plus a hash of the engine's own source.

    A changed rule (a development checkout, a patched install) must not be served results
    its old version computed; reading the core's few hundred kilobytes costs about a
    millisecond.
    """
    core = Path(__file__).parent
    h = hashlib.blake2b(__version__.encode(), digest_size=12)
    for path in sorted(core.rglob("*.py")):
        try:
            h.update(path.relative_to(core).as_posix().encode() + b"\0" + path.read_bytes())
        except OSError:
            continue
    return h.hexdigest()


def cache_dir() -> Path:
    override = os.environ.get("LEAKSCOPE_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs  # (start-up time: only when it is needed)

    return Path(platformdirs.user_cache_dir("leakscope"))


def _stat_key(path: Path | str) -> StatKey | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev


def _trustworthy(stat: StatKey) -> bool:
    """Whether a stat is old enough that an edit would have changed it."""
    now = time.time_ns()
    return now - stat[0] > _RACY_NS and now - stat[1] > _RACY_NS


# -- JSON encoding of results, validated on the way back --------------------------------------


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("not an int")
    return value


def _str(value: Any) -> str:
    if type(value) is not str:
        raise TypeError("not a string")
    return value


def _span_json(span: Span) -> list[int]:
    return [
        span.start_byte,
        span.end_byte,
        span.start.line,
        span.start.column,
        span.end.line,
        span.end.column,
    ]


def _span(data: Any) -> Span:
    sb, eb, sl, sc, el, ec = (_int(v) for v in data)
    if not 0 <= sb <= eb:
        raise ValueError("bad span")
    return Span(sb, eb, Position(sl, sc), Position(el, ec))


def _finding_json(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": f.rule,
        "path": f.path,
        "span": _span_json(f.span),
        "message": f.message,
        "severity": f.severity.value,
        "confidence": f.confidence.value,
        "impact": f.impact.value,
        "impact_reason": f.impact_reason,
        "fingerprint": f.fingerprint,
        "related": [
            [_span_json(r.span), r.message, *([r.path] if r.path is not None else [])]
            for r in f.related
        ],
    }
    if f.fix is not None:
        out["fix"] = [
            f.fix.title,
            f.fix.applicability.value,
            [[e.start_byte, e.end_byte, e.new_text] for e in f.fix.edits],
        ]
    if f.no_fix_reason is not None:
        out["no_fix_reason"] = f.no_fix_reason
    return out


def _edit(data: Any) -> TextEdit:
    start, end, text = data
    start, end = _int(start), _int(end)
    if not 0 <= start <= end:
        raise ValueError("bad edit")
    return TextEdit(start, end, _str(text))


def _finding(data: Any) -> Finding:
    fix = None
    if "fix" in data:
        title, applicability, edits = data["fix"]
        fix = Fix(_str(title), tuple(_edit(e) for e in edits), Applicability(applicability))
    reason = data.get("no_fix_reason")
    return Finding(
        rule=_str(data["rule"]),
        path=_str(data["path"]),
        span=_span(data["span"]),
        message=_str(data["message"]),
        severity=Severity(data["severity"]),
        confidence=Confidence(data["confidence"]),
        fix=fix,
        no_fix_reason=None if reason is None else _str(reason),
        related=tuple(
            Related(_span(r[0]), _str(r[1]), _str(r[2]) if len(r) > 2 else None)
            for r in data["related"]
        ),
        impact=Impact(data["impact"]),
        impact_reason=_str(data["impact_reason"]),
        fingerprint=_str(data["fingerprint"]),
    )


def result_json(r: FileResult) -> dict[str, Any]:
    return {
        "path": r.path,
        "status": r.status.value,
        "findings": [_finding_json(f) for f in r.findings],
        "content_hash": r.content_hash,
        "error": r.error,
        "size": r.size,
        "internal_errors": list(r.internal_errors),
    }


def result_from_json(data: Any) -> FileResult:
    """A FileResult from its JSON form; TypeError, ValueError or KeyError when it is not one."""
    path = _str(data["path"])
    findings = [_finding(f) for f in data["findings"]]
    if any(f.path != path for f in findings):
        raise ValueError("a finding of another file")
    return FileResult(
        path=path,
        status=FileStatus(data["status"]),
        findings=findings,
        content_hash=_str(data["content_hash"]),
        error=_str(data["error"]),
        size=_int(data["size"]),
        internal_errors=[_str(e) for e in data["internal_errors"]],
    )


def _read_cache_file(file: Path) -> bytes | None:
    """The cache file's bytes; None for anything but a regular file (a FIFO must not hang)."""
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not stat_module.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read()
    except OSError:
        return None
    finally:
        os.close(fd)


class ResultCache:
    def __init__(self, file: Path, root: Path, version: str, *, verify: bool = False) -> None:
        self.file = file
        self.root = root
        self._root_text = str(root)
        self.version = version
        self.verify = verify  # hash every file, trusting no stat (for writing fixes)
        self.stats: dict[str, tuple[StatKey, str]] = {}
        self.packages: dict[str, list[dict[str, Any]]] = {}  # key -> results, still JSON
        self._used: set[str] = set()
        self._dirty = False
        # Stats read (trustworthy) before a file was analysed, whose hash was not known:
        # the same stat after the analysis means the analysed bytes are those on disk.
        self._before: dict[str, StatKey] = {}
        raw = _read_cache_file(file)
        if raw is None:
            return  # no cache yet, or not a file: start empty
        header, _, payload = raw.partition(b"\n")
        if header != _HEADER + _checksum(payload):
            return  # corrupt (or another format): start empty (and overwrite it on save)
        try:
            data = json.loads(payload)
        except (ValueError, RecursionError):
            return  # garbage: start empty (and overwrite it on save)
        if (
            not isinstance(data, dict)
            or data.get("format") != _FORMAT
            or data.get("version") != version
        ):
            return
        stats, packages = data.get("stats"), data.get("packages")
        if isinstance(stats, dict):
            for rel, entry in stats.items():
                with contextlib.suppress(TypeError, ValueError):
                    *key, digest = entry
                    if len(key) == 5:
                        self.stats[rel] = (tuple(_int(v) for v in key), _str(digest))  # type: ignore[assignment]
        if isinstance(packages, dict):
            self.packages = {
                k: v for k, v in packages.items() if isinstance(k, str) and isinstance(v, list)
            }

    @classmethod
    def for_root(
        cls, root: Path, version: str | None = None, *, verify: bool = False
    ) -> ResultCache:
        name = hashlib.blake2b(str(root).encode(), digest_size=12).hexdigest()
        return cls(
            cache_dir() / f"results-{name}.json",
            root,
            version or engine_fingerprint(),
            verify=verify,
        )

    def _hash(self, rel: str, read: bool) -> str | None:
        path = os.path.join(self._root_text, rel)
        stat = _stat_key(path)
        if stat is None:
            return None
        known = self.stats.get(rel)
        if not self.verify and known is not None and known[0] == stat and _trustworthy(stat):
            return known[1]
        if not read:
            if _trustworthy(stat):
                self._before[rel] = stat
            return None
        try:
            with open(path, "rb") as fh:
                digest = content_hash(fh.read())
        except OSError:
            return None
        self._remember(rel, stat, digest)
        return digest

    def _remember(self, rel: str, stat: StatKey, digest: str) -> None:
        if _trustworthy(stat):
            self.stats[rel] = (stat, digest)
            self._dirty = True
        elif rel in self.stats:
            del self.stats[rel]
            self._dirty = True

    def _key(self, job: PackageJob, hashes: list[str]) -> str:
        h = hashlib.blake2b(digest_size=20)
        h.update(
            f"{self.version}\0{job.directory}\0{job.go_version}\0{','.join(job.rules)}".encode()
        )
        if job.build is not None:  # the go.mod's toolchain and godebug lines
            h.update(f"\0{job.build.toolchain}\0{job.build.godebug}".encode())
        for rel, digest in zip(job.files, hashes, strict=True):
            h.update(f"\0{rel}\0{digest}".encode())
        return h.hexdigest()

    def _results(self, key: str, job: PackageJob, hashes: list[str]) -> list[FileResult] | None:
        """The cached results of a package, validated: each must be one of the job's files,
        analysed from the content the key names; anything else drops the entry."""
        entry = self.packages.get(key)
        if entry is None:
            return None
        expected = dict(zip(job.files, hashes, strict=True))
        try:
            results = [result_from_json(item) for item in entry]
            for r in results:
                if r.content_hash and expected.get(r.path) != r.content_hash:
                    raise ValueError("a result of other content")
                if r.path not in expected:
                    raise ValueError("a result of another file")
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
            del self.packages[key]
            self._dirty = True
            return None
        return results

    def lookup(
        self, jobs: list[PackageJob]
    ) -> Iterator[tuple[PackageJob, list[FileResult] | None]]:
        for job in jobs:
            # Only re-hash (read) a file when the cache knows this package at all.
            hashes = [self._hash(rel, read=bool(self.packages)) for rel in job.files]
            if any(h is None for h in hashes):
                yield job, None
                continue
            key = self._key(job, hashes)  # type: ignore[arg-type]
            cached = self._results(key, job, hashes)  # type: ignore[arg-type]
            if cached is not None:
                self._used.add(key)
            yield job, cached

    def store(self, job: PackageJob, results: list[FileResult]) -> None:
        by_path = {r.path: r for r in results}
        hashes = []
        for rel in job.files:
            result = by_path.get(rel)
            stat = _stat_key(os.path.join(self._root_text, rel))
            if result is None or not result.content_hash or stat is None:
                return  # a file vanished or could not be read: do not cache this package
            hashes.append(result.content_hash)
            known = self.stats.get(rel)
            if self._before.get(rel) == stat:
                # Unchanged since before it was read (a stat that old changes with any
                # edit): the analysed bytes are what is on disk, so the next run need not
                # read the file to know its hash.
                self._remember(rel, stat, result.content_hash)
            elif known is None or known[0] != stat:
                # (The analysed bytes may not be what is on disk now: only a stat read
                # with a hash of the same bytes goes in the table, so re-hash next time.)
                self.stats.pop(rel, None)
        key = self._key(job, hashes)
        self.packages[key] = [result_json(r) for r in results]
        self._used.add(key)
        self._dirty = True

    def save(self) -> None:
        if not self._dirty and len(self._used) == len(self.packages):
            return
        data = {
            "format": _FORMAT,
            "version": self.version,
            "stats": {rel: [*key, digest] for rel, (key, digest) in self.stats.items()},
            "packages": {k: v for k, v in self.packages.items() if k in self._used},
        }
        tmp: str | None = None
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, prefix=".results-", suffix=".tmp")
            payload = json.dumps(data, separators=(",", ":")).encode()
            with os.fdopen(fd, "wb") as fh:
                fh.write(_HEADER + _checksum(payload) + b"\n" + payload)
            os.replace(tmp, self.file)
            tmp = None
        except (OSError, ValueError):
            pass  # a cache that cannot be written only costs speed
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
