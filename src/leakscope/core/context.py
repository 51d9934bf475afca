"""What a rule sees of one file, and what it reports back."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from tree_sitter import Node, Tree

from leakscope.core.model import Confidence, Fix, Impact, Severity, TextEdit
from leakscope.core.syntax import (
    Ranges,
    names_in,
    outermost_function,
    selector_calls,
    text,
    tokens,
)

if TYPE_CHECKING:
    from leakscope.core.gomod import BuildSettings
    from leakscope.core.index import PackageIndex
    from leakscope.core.types import TypeResolver


@dataclass(slots=True)
class Diagnostic:
    """A rule's raw report, in byte offsets; the engine turns it into a `Finding`."""

    start_byte: int
    end_byte: int
    message: str
    confidence: Confidence = Confidence.HIGH
    fix: Fix | None = None
    # Shown to the user when there is no fix: "no automatic fix: the loop body uses break".
    no_fix_reason: str | None = None
    # (start_byte, end_byte, message) of places that explain the finding.
    related: list[tuple[int, int, str]] = field(default_factory=list)
    # None: the rule's default when the impact grows, `info` when it is bounded.
    severity: Severity | None = None
    # Does the cost grow with input or time, or is it bounded? None: grows, except in test
    # code, which is bounded. `impact_reason` says why, in a few words for the user.
    impact: Impact | None = None
    impact_reason: str = ""
    # Text that identifies the finding across edits (defaults to the flagged source text).
    anchor: str | None = None

    @classmethod
    def at(cls, node: Node, message: str, **kwargs: object) -> Diagnostic:
        return cls(node.start_byte, node.end_byte, message, **kwargs)  # type: ignore[arg-type]


# Test support code: a file that imports "testing" and takes a *testing.T (B, TB, F, M).
_IMPORTS_TESTING = re.compile(rb'^\s*(?:import\s+)?"testing"[ \t]*(?://.*)?$', re.MULTILINE)
_TEST_HANDLES = re.compile(rb"\btesting\.(?:TB?|B|F|M)\b")


def is_test_code(path: str, source: bytes) -> bool:
    """A `_test.go` file, or test support code (a helper package for tests, an integration
    framework): a file that imports "testing" and takes its `*testing.T` (`B`, `TB`, `F`,
    `M`). Production code does not link the test framework in, so such a file runs in test
    binaries only, and what it leaks lasts no longer than the test run. A file calling only
    `testing.Testing()` (which production code may do) is not one."""
    if path.endswith("_test.go"):
        return True
    return (
        b'"testing"' in source
        and _IMPORTS_TESTING.search(source) is not None
        and _TEST_HANDLES.search(source) is not None
    )


@dataclass
class FileContext:
    """One parsed Go file with everything a rule may ask about it."""

    path: str  # relative to the scanned root, with "/"
    source: bytes
    tree: Tree
    go_version: tuple[int, int]
    package: PackageIndex
    is_test: bool = False
    # Where rules need to look (byte ranges of whole top-level declarations, sorted), or None
    # for the whole file. Checking a fix re-runs the rule on the fixed declarations only;
    # `tokens` and `selector_calls` honour it, so rules that find candidates with them do too.
    focus: Ranges | None = None
    # The go.mod's toolchain and godebug lines (None: not known, as when no go.mod was read).
    build: BuildSettings | None = None
    # Names not to give a new variable, per outermost function (keyed by its byte range): the
    # names it uses, the package's and the file's, and those `fresh_name` handed out already.
    _taken_names: dict[tuple[int, int], set[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def root(self) -> Node:
        return self.tree.root_node

    def text(self, node: Node | None) -> str:
        return text(node)

    def tokens(self, word: bytes) -> list[Node]:
        """Nodes whose whole text is `word`, in source order, found without walking the tree
        (see `syntax.tokens`): how rules find their candidates."""
        return tokens(self.root, self.source, word, self.focus)

    def selector_calls(self, *names: bytes) -> list[Node]:
        """Calls `x.NAME(...)` for the given names, in source order (see
        `syntax.selector_calls`)."""
        return selector_calls(self.root, self.source, names, self.focus)

    def fresh_name(self, scope: Node, base: str, *alternatives: str) -> str:
        """A name for a variable that a fix declares at `scope` (a node inside a function).

        Rules compute their fixes one finding at a time and the fixes of a file are applied
        together, so the name must be new to the code and to every other fix: it is not used
        anywhere in the outermost function around `scope` (a new variable then neither clashes
        with a declaration nor hides a name the code reads, function literals included), not a
        package-level name or an import of the file, and not handed out before for that
        function during this analysis of the file, by any rule. `base` first, then each of
        `alternatives`, then `base2`, `base3`, ...
        """
        func = outermost_function(scope) or scope
        key = (func.start_byte, func.end_byte)
        taken = self._taken_names.get(key)
        if taken is None:
            package = self.package
            taken = names_in(func) | set(self.imports)
            taken |= package.vars.keys() | package.funcs.keys() | package.consts.keys()
            taken |= package.types.keys()
            self._taken_names[key] = taken
        name = next((c for c in (base, *alternatives) if c not in taken), None)
        n = 2
        while name is None:
            if f"{base}{n}" not in taken:
                name = f"{base}{n}"
            n += 1
        taken.add(name)
        return name

    def slice(self, start: int, end: int) -> str:
        return self.source[start:end].decode("utf-8", errors="replace")

    @cached_property
    def types(self) -> TypeResolver:
        from leakscope.core.types import TypeResolver

        return TypeResolver(self)

    @cached_property
    def imports(self) -> dict[str, str]:
        """Local name -> import path for this file (`strings` -> `strings`, `s` -> `strings`)."""
        return self.package.file_imports(self.path)

    def import_name(self, import_path: str) -> str | None:
        """The name this file uses for `import_path`, or None when not imported."""
        for name, path in self.imports.items():
            if path == import_path:
                return name
        return None

    def ensure_import(self, import_path: str) -> tuple[str, list[TextEdit]]:
        """The qualifier to use for `import_path` and the edits that import it when missing."""
        from leakscope.core.imports import add_import_edits

        existing = self.import_name(import_path)
        if existing is not None and existing not in ("_", "."):
            return existing, []
        if existing == ".":
            return "", []
        return add_import_edits(self.root, self.source, import_path)
