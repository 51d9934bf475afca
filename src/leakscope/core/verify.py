"""Proving fixes: type-check each changed package with the fixed files in place, nothing written.

A fix that parses and silences its rule can still break the build (a composite literal of an
interface type, a loop index of the wrong integer type, two fixes declaring the same name). So
before a fix is written or called safe, the package it changes is compiled by the user's own Go
toolchain with the fixed files substituted through the go command's `-overlay` flag, and the
diagnostics are compared with those of the unfixed package. A fix that adds one is dropped.

Why the go command and not a go/types helper program: the go command already knows everything a
helper would have to be taught (build tags, GOOS/GOARCH, modules, vendor folders, GOPATH mode,
test variants, the export data of dependencies) and keeps its results in its build cache, so a
second check of an unchanged package costs a cache lookup. `go vet -overlay` type-checks the
package *with its tests* and runs vet's analyzers, so a fix that makes vet complain is dropped
too; toolchains whose vet ignores overlays (older than Go 1.2x; found by a probe, once per
toolchain) get `go build` and, when a test file changes, `go test -c`: both compile only.

The check never runs the user's code, reaches the network or writes to the user's tree:
GOTOOLCHAIN=local, GOPROXY=off, GOFLAGS cleared (then `-mod=readonly`, or `-mod=vendor` where a
vendor folder is in use, in module mode), CGO_ENABLED=0 (a fixed file that needs cgo is reported
as not verifiable), every output under a temporary folder, and a time limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

DEFAULT_TIMEOUT = 180.0  # seconds for one go command
_FORMAT = 1


class Proof(StrEnum):
    VERIFIED = "verified"  # the package type-checks with the fix, no new diagnostic
    FAILED = "failed"  # the fix adds a diagnostic: it is dropped
    UNVERIFIED = "unverified"  # no check could be made (no toolchain, cgo, timeout, ...)


@dataclass(frozen=True)
class Verdict:
    proof: Proof
    detail: str = ""  # FAILED: the new diagnostics; UNVERIFIED: why no check was made

    @property
    def verified(self) -> bool:
        return self.proof is Proof.VERIFIED


NO_TOOLCHAIN = Verdict(Proof.UNVERIFIED, "no Go toolchain (`go`) on PATH")


@dataclass(frozen=True)
class Toolchain:
    go: str  # the go command's path
    version: str  # as `go env GOVERSION` prints it, e.g. go1.22.4
    vet_overlay: bool  # `go vet` honours -overlay


def go_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of every go command leakscope runs: local, offline, no cgo, no flags."""
    env = dict(os.environ if base is None else base)
    env.update(
        GOTOOLCHAIN="local",
        GOPROXY="off",
        GOSUMDB="off",
        GOVCS="*:off",
        GOFLAGS="",
        CGO_ENABLED="0",
    )
    return env


_toolchains: dict[str, Toolchain | None] = {}


def go_command() -> str | None:
    """The go command to check fixes with: $LEAKSCOPE_GO, else `go` on PATH.

    LEAKSCOPE_GO=off turns the check off (fixes are then unverified, as with no toolchain).
    """
    chosen = os.environ.get("LEAKSCOPE_GO", "").strip()
    if chosen.lower() == "off":
        return None
    if chosen:
        return shutil.which(chosen) or (chosen if os.path.isfile(chosen) else None)
    return shutil.which("go")


def find_toolchain() -> Toolchain | None:
    """The go command (see `go_command`), or None when there is none or it does not run."""
    exe = go_command()
    return _toolchain_at(exe) if exe else None


def _toolchain_at(exe: str) -> Toolchain | None:
    if exe in _toolchains:
        return _toolchains[exe]
    toolchain = None
    try:
        proc = subprocess.run(
            [exe, "env", "GOVERSION"],
            capture_output=True,
            env=go_environment(),
            timeout=30,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        version = proc.stdout.decode(errors="replace").strip()
        if proc.returncode == 0 and version:
            toolchain = Toolchain(exe, version, _vet_honours_overlay(exe, version))
    except (OSError, subprocess.TimeoutExpired):
        toolchain = None
    _toolchains[exe] = toolchain
    return toolchain


def toolchain_for(directory: Path, default: Toolchain | None) -> Toolchain | None:
    """The toolchain for a package: a standard library's own (`GOROOT/bin/go` for a folder
    under `GOROOT/src`, which no other Go version can compile), else `default`."""
    for parent in directory.resolve().parents:
        if (parent / "VERSION").is_file() and (parent / "src" / "go.mod").is_file():
            exe = parent / "bin" / "go"
            if not exe.is_file():
                return default
            if default is not None and Path(default.go).resolve() == exe.resolve():
                return default
            found = _toolchain_at(str(exe))
            return found if found is not None else default
    return default


def _verify_cache() -> Path:
    from leakscope.core.cache import cache_dir

    return cache_dir() / "verify"


_PROBE_TEST = (
    b'package p\n\nimport "testing"\n\nfunc TestP(t *testing.T) { var s string = 1; _ = s }\n'
)


def _vet_honours_overlay(exe: str, version: str) -> bool:
    """Whether `go vet -overlay` sees overlaid files (it did not before Go 1.2x): a probe.

    A tiny module whose overlaid test file has a type error; its answer is kept per toolchain.
    """
    key = hashlib.blake2b(f"{exe}\0{version}".encode(), digest_size=10).hexdigest()
    memo = _verify_cache() / f"probe-{key}.json"
    with contextlib.suppress(OSError, ValueError):
        return bool(json.loads(memo.read_text())["vet_overlay"])
    with tempfile.TemporaryDirectory(prefix="leakscope-probe-") as tmp:
        base = Path(tmp)
        (base / "p").mkdir()
        (base / "go.mod").write_text("module probe\n\ngo 1.16\n")
        (base / "p" / "p.go").write_text("package p\n")
        (base / "p" / "p_test.go").write_text("package p\n")
        (base / "fixed_test.go").write_bytes(_PROBE_TEST)
        overlay = {"Replace": {str(base / "p" / "p_test.go"): str(base / "fixed_test.go")}}
        (base / "overlay.json").write_text(json.dumps(overlay))
        try:
            proc = subprocess.run(
                [exe, "vet", f"-overlay={base / 'overlay.json'}", "."],
                cwd=base / "p",
                capture_output=True,
                env={**go_environment(), "GOFLAGS": "-mod=mod"},
                timeout=120,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
        honours = proc.returncode != 0 and b"fixed_test.go" in proc.stderr
    with contextlib.suppress(OSError):
        memo.parent.mkdir(parents=True, exist_ok=True)
        memo.write_text(json.dumps({"version": version, "vet_overlay": honours}))
    return honours


# -- one package -------------------------------------------------------------------------------

_DIAGNOSTIC = re.compile(
    r"^(?:vet: )?(?P<path>[^\s:][^:]*\.go):(?P<line>\d+)(?::\d+)?: (?P<msg>.*)$"
)
_IMPORTS_C = re.compile(rb'(?m)^(?:import[ \t]+|[ \t]+)"C"[ \t]*$')


class _Timeout(Exception):
    pass


@dataclass(frozen=True)
class _Run:
    fatal: str  # the package did not load or compile as it is: why ("" when it did)
    diagnostics: tuple[str, ...]  # "file.go: message", positions dropped (fixes move lines)
    shown: tuple[str, ...]  # the same, with positions, for messages


def verify_package(
    toolchain: Toolchain,
    directory: Path,
    fixed: Mapping[str, bytes],
    timeout: float = DEFAULT_TIMEOUT,
) -> Verdict:
    """Type-check the package in `directory` with `fixed` (file name -> new content) in place.

    VERIFIED when it compiles (and vets, where vet sees overlays) with no diagnostic that the
    unfixed package does not have; FAILED with the new ones; UNVERIFIED when no check could be
    made. Results are cached by the contents of the package's files and of the fixed files.
    """
    directory = directory.resolve()
    key = _cache_key(toolchain, directory, fixed)
    memo = _verify_cache() / f"{key}.json" if key else None
    if memo is not None:
        with contextlib.suppress(OSError, ValueError, KeyError):
            data = json.loads(memo.read_text())
            if data.get("format") == _FORMAT:
                return Verdict(Proof(data["proof"]), data["detail"])
    try:
        verdict = _check(toolchain, directory, fixed, timeout)
    except _Timeout:
        return Verdict(Proof.UNVERIFIED, f"the type-check took longer than {timeout:.0f} s")
    except OSError as exc:
        return Verdict(Proof.UNVERIFIED, f"cannot run {toolchain.go}: {exc.strerror or exc}")
    if memo is not None:
        with contextlib.suppress(OSError):
            memo.parent.mkdir(parents=True, exist_ok=True)
            tmp = memo.with_suffix(f".{os.getpid()}.tmp")
            payload = {"format": _FORMAT, "proof": verdict.proof.value, "detail": verdict.detail}
            tmp.write_text(json.dumps(payload))
            os.replace(tmp, memo)
    return verdict


def _cache_key(toolchain: Toolchain, directory: Path, fixed: Mapping[str, bytes]) -> str | None:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{_FORMAT}\0{toolchain.go}\0{toolchain.version}\0{directory}\0".encode())
    for name in ("GOOS", "GOARCH", "GO111MODULE", "GOPATH", "GOWORK", "GOEXPERIMENT"):
        h.update(f"{name}={os.environ.get(name, '')}\0".encode())
    try:
        names = sorted(e.name for e in os.scandir(directory) if e.name.endswith(".go"))
        for name in names:
            h.update(
                name.encode() + b"\0" + hashlib.sha256((directory / name).read_bytes()).digest()
            )
    except OSError:
        return None
    for name in sorted(fixed):
        h.update(b"fixed\0" + name.encode() + b"\0" + hashlib.sha256(fixed[name]).digest())
    # The module's requirements decide what the package compiles against.
    for parent in (directory, *directory.parents):
        go_mod = parent / "go.mod"
        if go_mod.is_file():
            with contextlib.suppress(OSError):
                h.update(go_mod.read_bytes())
                go_sum = parent / "go.sum"
                if go_sum.is_file():
                    h.update(go_sum.read_bytes())
            break
    return h.hexdigest()


def _go(
    toolchain: Toolchain, args: list[str], cwd: Path, timeout: float
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            [toolchain.go, *args],
            cwd=cwd,
            capture_output=True,
            env=go_environment(),
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise _Timeout from exc


def _mod_flags(toolchain: Toolchain, directory: Path, timeout: float) -> list[str]:
    """-mod=readonly (or vendor) in module mode; nothing in GOPATH mode, where -mod is refused."""
    proc = _go(toolchain, ["env", "GOMOD", "GOWORK"], directory, timeout)
    lines = proc.stdout.decode(errors="replace").splitlines()
    go_mod = lines[0].strip() if lines else ""
    work = lines[1].strip() if len(lines) > 1 else ""
    if not go_mod or go_mod == os.devnull:
        return []
    if work and work != "off":
        return ["-mod=readonly"]
    if (Path(go_mod).parent / "vendor" / "modules.txt").is_file():
        return ["-mod=vendor"]
    return ["-mod=readonly"]


def _check(
    toolchain: Toolchain, directory: Path, fixed: Mapping[str, bytes], timeout: float
) -> Verdict:
    mod = _mod_flags(toolchain, directory, timeout)
    listed = _go(toolchain, ["list", *mod, "-e", "-json", "."], directory, timeout)
    try:
        package = json.loads(listed.stdout.decode(errors="replace") or "{}")
    except ValueError:
        package = {}
    if not package:
        why = _first_line(listed.stderr) or "go list printed nothing"
        return Verdict(Proof.UNVERIFIED, f"the go command cannot load the package: {why}")
    if package.get("Error"):
        why = str(package["Error"].get("Err", "")).splitlines()[0:1]
        return Verdict(Proof.UNVERIFIED, f"the go command cannot load the package: {''.join(why)}")
    built = {*package.get("GoFiles", ()), *package.get("CompiledGoFiles", ())}
    tests = {*package.get("TestGoFiles", ()), *package.get("XTestGoFiles", ())}
    for name, content in sorted(fixed.items()):
        if name in built or name in tests:
            continue
        if _IMPORTS_C.search(content):
            return Verdict(Proof.UNVERIFIED, f"{name} uses cgo, which the check does not compile")
        return Verdict(
            Proof.UNVERIFIED,
            f"{name} is not built for this system (build constraints), so it cannot be compiled",
        )
    with tempfile.TemporaryDirectory(prefix="leakscope-verify-") as tmp:
        work = Path(tmp)
        replace: dict[str, str] = {}
        back: dict[str, str] = {}
        for n, (name, content) in enumerate(sorted(fixed.items())):
            (work / str(n)).mkdir()
            target = work / str(n) / name
            target.write_bytes(content)
            replace[str(directory / name)] = str(target)
            back[str(target)] = name
        (work / "overlay.json").write_text(json.dumps({"Replace": replace}))
        overlay = f"-overlay={work / 'overlay.json'}"
        if toolchain.vet_overlay:
            commands = [["vet", *mod]]
        else:
            commands = [["build", *mod, "-o", str(work / "out")]]
            if tests and any(name in tests for name in fixed):
                commands.append(["test", *mod, "-c", "-o", str(work / "pkg.test")])
        for command in commands:
            before = _run(toolchain, [*command, "."], directory, timeout, back)
            if before.fatal:
                return Verdict(
                    Proof.UNVERIFIED, f"the package does not compile as it is: {before.fatal}"
                )
            after = _run(toolchain, [*command, overlay, "."], directory, timeout, back)
            new = Counter(after.diagnostics) - Counter(before.diagnostics)
            if new or (after.fatal and not after.diagnostics):
                shown = [
                    line
                    for line, plain in zip(after.shown, after.diagnostics, strict=True)
                    if plain in new
                ] or [after.fatal]
                return Verdict(Proof.FAILED, "; ".join(shown[:3]))
    return Verdict(Proof.VERIFIED)


def _run(
    toolchain: Toolchain, args: list[str], directory: Path, timeout: float, back: dict[str, str]
) -> _Run:
    proc = _go(toolchain, args, directory, timeout)
    plain: list[str] = []
    shown: list[str] = []
    fatal = ""
    for raw in proc.stderr.decode(errors="replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _DIAGNOSTIC.match(line)
        if match is None:
            if not fatal and not line.startswith(("exit status", "FAIL", "ok ")):
                fatal = line
            continue
        path = match["path"]
        full = os.path.normpath(os.path.join(directory, path))
        name = back.get(full) or (
            os.path.basename(full) if os.path.dirname(full) == str(directory) else path
        )
        plain.append(f"{name}: {match['msg']}")
        shown.append(f"{name}:{match['line']}: {match['msg']}")
        if line.startswith("vet: ") and not fatal:
            fatal = f"{name}:{match['line']}: {match['msg']}"  # a type error vet ran into
    if proc.returncode != 0 and not plain and not fatal:
        fatal = f"`go {args[0]}` failed with exit status {proc.returncode}"
    if args[0] != "vet" and plain:
        fatal = fatal or shown[0]  # the compiler found errors: the package does not compile
    return _Run(fatal, tuple(plain), tuple(shown))


def _first_line(data: bytes) -> str:
    for line in data.decode(errors="replace").splitlines():
        if line.strip():
            return line.strip()
    return ""
