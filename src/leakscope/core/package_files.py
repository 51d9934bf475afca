"""The parsed files of the package being analysed, for rules that summarise functions across
the files of a package (the retention rules follow a value into helpers and callers).

`analyse_package` attaches the package's files to its `PackageIndex` while it analyses them
(`attached`); a rule asks for them with `files_of(ctx.package)`. An index attached with no
files (a fix being checked) or never attached has none: such rules then look at the current
file only. Kept out of `PackageIndex` itself, which holds picklable per-file summaries.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary, WeakSet

from tree_sitter import Tree

if TYPE_CHECKING:
    from leakscope.core.index import PackageIndex

# path -> (source, tree), per index; gone with the index.
_FILES: WeakKeyDictionary[PackageIndex, dict[str, tuple[bytes, Tree]]] = WeakKeyDictionary()
# What rules work out once per package (the retention summaries), per index. Such state
# usually refers back to the index (its contexts do), which a weak key cannot survive: it is
# dropped by `detach` when the package is done, not left to the garbage collector.
_STATE: WeakKeyDictionary[PackageIndex, dict[str, object]] = WeakKeyDictionary()
# Packages whose every file is analysed this time (`attached`).
_WHOLE: WeakSet[PackageIndex] = WeakSet()
# The state of the package's last analysis, while it is analysed again (`attached`).
_PREVIOUS: WeakKeyDictionary[PackageIndex, dict[str, object]] = WeakKeyDictionary()


def attach(index: PackageIndex, files: dict[str, tuple[bytes, Tree]]) -> None:
    _FILES[index] = files


@contextmanager
def attached(
    index: PackageIndex,
    files: dict[str, tuple[bytes, Tree]],
    kept: dict[str, object] | None = None,
    *,
    every: bool = False,
) -> Iterator[None]:
    """`attach` for the duration of a package's analysis, then `detach`. With `kept`, the
    rules' state for the package outlives the analysis: `kept` holds the state of the
    package's last analysis, which rules may reuse (`previous`) for what has not changed
    since (the live path analyses a package again at each edit), and then this one's.
    `every`: every file of it is analysed (see `analysed_whole`)."""
    attach(index, files)
    if every:
        _WHOLE.add(index)
    if kept is not None:
        _PREVIOUS[index] = dict(kept)
    try:
        yield
    finally:
        now = _STATE.get(index, {})
        detach(index)
        if kept is not None:
            _PREVIOUS.pop(index, None)
            kept.clear()
            kept.update(now)


def analysed_whole(index: PackageIndex) -> bool:
    """Whether every attached file of the package is analysed this time (a scan, or the
    live path settling a package): work a rule does for all of them up front is not extra."""
    return index in _WHOLE


def files_of(index: PackageIndex) -> dict[str, tuple[bytes, Tree]]:
    return _FILES.get(index, {})


def previous(index: PackageIndex) -> dict[str, object]:
    """The rules' state for the package's last analysis, when the caller kept it (see
    `attached`): closed, and made for an index of the former files."""
    return _PREVIOUS.get(index, {})


def state(index: PackageIndex) -> dict[str, object]:
    """Scratch space for what rules compute once per package, kept until `detach`. An index
    that was never attached (a fix being checked, a file re-analysed alone) gets a fresh one
    each time: nobody would detach it, and what it holds refers back to the index, so the
    weak key would keep the index, its trees and all, for the life of the process."""
    found = _STATE.get(index)
    if found is None:
        found = {}
        if index in _FILES:
            _STATE[index] = found
    return found


def holds(index: PackageIndex, triggers: tuple[bytes, ...]) -> bool:
    """Whether an attached file of the package holds one of `triggers` (worked out once per
    package; see `Rule.package_triggers`)."""
    found = state(index).setdefault("triggers", {})
    assert isinstance(found, dict)
    if triggers not in found:
        files = files_of(index).values()
        found[triggers] = any(t in source for source, _ in files for t in triggers)
    return bool(found[triggers])


def detach(index: PackageIndex) -> None:
    """The package is analysed: let go of its files and of the rules' state for it. State
    with a `close()` method is closed: it may refer to itself through the analyses it keeps,
    and a cycle would be freed only by the garbage collector, which then has to walk every
    object of the package (a tenth of a scan's time went to that)."""
    _FILES.pop(index, None)
    _WHOLE.discard(index)
    for value in (_STATE.pop(index, None) or {}).values():
        close = getattr(value, "close", None)
        if close is not None:
            close()
