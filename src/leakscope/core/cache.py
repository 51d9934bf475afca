"""A content-hash cache of package results in the user cache folder.

A package's results are keyed by the hashes of its files' contents, the Go version, the rules
and leakscope's version, so an unchanged package is never analysed twice. To avoid reading
every file on a warm run, a stat table remembers (mtime, size) -> content hash per file; a file
whose stat changed is re-hashed, and a file touched without a change still hits.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterator
from pathlib import Path

from leakscope import __version__
from leakscope.core.analysis import FileResult, PackageJob, content_hash

_FORMAT = 1


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


def _stat_key(path: Path | str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class ResultCache:
    def __init__(self, file: Path, root: Path, version: str) -> None:
        self.file = file
        self.root = root
        self._root_text = str(root)
        self.version = version
        self.stats: dict[str, tuple[tuple[int, int], str]] = {}
        self.packages: dict[str, list[FileResult]] = {}
        self._used: set[str] = set()
        self._dirty = False
        try:
            with file.open("rb") as fh:
                data = pickle.load(fh)
            if data.get("format") == _FORMAT and data.get("version") == version:
                self.stats = data["stats"]
                self.packages = data["packages"]
        except (OSError, pickle.PickleError, EOFError, KeyError, AttributeError, TypeError):
            pass  # no cache yet, or an unreadable one: start empty

    @classmethod
    def for_root(cls, root: Path, version: str | None = None) -> ResultCache:
        name = hashlib.blake2b(str(root).encode(), digest_size=12).hexdigest()
        return cls(cache_dir() / f"results-{name}.pickle", root, version or engine_fingerprint())

    def _hash(self, rel: str, read: bool) -> str | None:
        path = os.path.join(self._root_text, rel)
        stat = _stat_key(path)
        if stat is None:
            return None
        known = self.stats.get(rel)
        if known is not None and known[0] == stat:
            return known[1]
        if not read:
            return None
        try:
            with open(path, "rb") as fh:
                digest = content_hash(fh.read())
        except OSError:
            return None
        self.stats[rel] = (stat, digest)
        self._dirty = True
        return digest

    def _key(self, job: PackageJob, hashes: list[str]) -> str:
        h = hashlib.blake2b(digest_size=20)
        h.update(
            f"{self.version}\0{job.directory}\0{job.go_version}\0{','.join(job.rules)}".encode()
        )
        for rel, digest in zip(job.files, hashes, strict=True):
            h.update(f"\0{rel}\0{digest}".encode())
        return h.hexdigest()

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
            cached = self.packages.get(key)
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
            self.stats[rel] = (stat, result.content_hash)
            hashes.append(result.content_hash)
        key = self._key(job, hashes)
        self.packages[key] = results
        self._used.add(key)
        self._dirty = True

    def save(self) -> None:
        if not self._dirty and len(self._used) == len(self.packages):
            return
        packages = {k: v for k, v in self.packages.items() if k in self._used}
        data = {
            "format": _FORMAT,
            "version": self.version,
            "stats": self.stats,
            "packages": packages,
        }
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, prefix=".results-", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.file)
        except OSError:
            pass  # a cache that cannot be written only costs speed
