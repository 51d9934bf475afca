"""Diff rows for the side-by-side and unified views, and Go syntax colouring for them.

The context around a change is the whole enclosing function when it is short (the reader
needs the loop, the variable and the return to judge a fix), else the function's signature
and a few lines around the change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import textual
import tree_sitter_go
from rich.style import Style
from rich.text import Text
from tree_sitter import Language, Query, QueryCursor

from leakscope.core.syntax import parse

CONTEXT = 3
MAX_FUNCTION_LINES = 60
TAB_SIZE = 4


@dataclass
class SideRow:
    """One row of the side-by-side view; `kind` is equal, changed, removed, added or gap."""

    kind: str
    old_no: int | None = None  # 1-based line numbers
    new_no: int | None = None
    hidden: int = 0  # for gap rows: how many unchanged lines are not shown
    old_spans: list[tuple[int, int]] = field(default_factory=list)  # changed characters
    new_spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class UnifiedRow:
    kind: str  # equal, removed, added, gap
    old_no: int | None = None
    new_no: int | None = None
    hidden: int = 0
    spans: list[tuple[int, int]] = field(default_factory=list)


def _function_bounds(lines: list[str], index: int) -> tuple[int, int] | None:
    """The top-level declaration (func, or a var/type block) holding 0-based line `index`."""
    start = None
    for i in range(min(index, len(lines) - 1), -1, -1):
        line = lines[i]
        if line.startswith(("func ", "func(")):
            start = i
            break
        if i != index and line.startswith(("}", ")")):
            return None  # the end of an earlier declaration: `index` sits between two
    if start is None:
        return None
    # Doc comments belong to the function.
    while start > 0 and lines[start - 1].startswith("//"):
        start -= 1
    for j in range(max(index, start), len(lines)):
        if lines[j].startswith("}"):
            return start, j
    return start, len(lines) - 1


def _visible(lines: list[str], changed: list[tuple[int, int]]) -> set[int]:
    """0-based line indexes to show around the changed [i1, i2) ranges of `lines`."""
    shown: set[int] = set()
    for i1, i2 in changed:
        anchor_lines = range(i1, max(i2, i1 + 1))
        shown.update(range(max(0, i1 - CONTEXT), min(len(lines), max(i2, i1 + 1) + CONTEXT)))
        for anchor in (anchor_lines[0], anchor_lines[-1]):
            if anchor >= len(lines):
                continue
            bounds = _function_bounds(lines, anchor)
            if bounds is None:
                continue
            start, end = bounds
            if end - start + 1 <= MAX_FUNCTION_LINES:
                shown.update(range(start, end + 1))
            else:
                # Long function: its signature (and doc) line, plus wider context.
                signature = start
                while signature < end and lines[signature].startswith("//"):
                    signature += 1
                shown.add(signature)
                shown.update(range(max(start, i1 - 2 * CONTEXT), min(end + 1, i2 + 2 * CONTEXT)))
    return shown


Spans = list[tuple[int, int]]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def _char_spans(old: str, new: str) -> tuple[Spans, Spans]:
    """The changed characters of two similar lines (none when only the indentation moved).

    Compared token by token (identifiers, spaces, punctuation), so `buf[:16]` becoming
    `bytes.Clone(buf[:16])` marks `bytes.Clone(` and `)`, not stray letters.
    """
    old_body, new_body = old.strip(), new.strip()
    if old_body == new_body:
        return [], []
    old_tokens = _TOKEN.findall(old_body)
    new_tokens = _TOKEN.findall(new_body)
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    if matcher.ratio() < 0.4:
        return [], []
    old_starts = _offsets(old_tokens, _indent(old))
    new_starts = _offsets(new_tokens, _indent(new))
    old_spans, new_spans = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            old_spans.append((old_starts[i1], old_starts[i2]))
        if j2 > j1:
            new_spans.append((new_starts[j1], new_starts[j2]))
    return old_spans, new_spans


def _offsets(tokens: list[str], start: int) -> list[int]:
    """Character offset of each token, plus the end."""
    out = [start]
    for token in tokens:
        out.append(out[-1] + len(token))
    return out


def _align(
    old_lines: list[str], new_lines: list[str], i1: int, i2: int, j1: int, j2: int
) -> list[tuple[int | None, int | None, Spans, Spans]]:
    """Rows for one replaced block: lines equal but for indentation side by side, similar
    lines paired with their changed characters, the rest alone on their side."""
    old_block = [line.strip() for line in old_lines[i1:i2]]
    new_block = [line.strip() for line in new_lines[j1:j2]]
    rows: list[tuple[int | None, int | None, Spans, Spans]] = []
    matcher = SequenceMatcher(None, old_block, new_block, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend((i1 + a1 + k + 1, j1 + b1 + k + 1, [], []) for k in range(a2 - a1))
            continue
        n_old, n_new = a2 - a1, b2 - b1
        for k in range(max(n_old, n_new)):
            old_no = i1 + a1 + k + 1 if k < n_old else None
            new_no = j1 + b1 + k + 1 if k < n_new else None
            if old_no is not None and new_no is not None:
                old_spans, new_spans = _char_spans(old_lines[old_no - 1], new_lines[new_no - 1])
                rows.append((old_no, new_no, old_spans, new_spans))
            else:
                rows.append((old_no, new_no, [], []))
    return rows


@dataclass
class Diff:
    old_lines: list[str]
    new_lines: list[str]
    side: list[SideRow]
    unified: list[UnifiedRow]


def diff_texts(before: str, after: str) -> Diff:
    old_lines = before.splitlines()
    new_lines = after.splitlines()
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    opcodes = matcher.get_opcodes()
    changes = [op for op in opcodes if op[0] != "equal"]
    show_old = _visible(old_lines, [(i1, i2) for _, i1, i2, _, _ in changes])
    show_new = _visible(new_lines, [(j1, j2) for _, _, _, j1, j2 in changes])
    side: list[SideRow] = []
    unified: list[UnifiedRow] = []
    pending_gap = 0

    def flush_gap() -> None:
        nonlocal pending_gap
        if pending_gap:
            side.append(SideRow("gap", hidden=pending_gap))
            unified.append(UnifiedRow("gap", hidden=pending_gap))
            pending_gap = 0

    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            for k in range(i2 - i1):
                i, j = i1 + k, j1 + k
                if i in show_old or j in show_new:
                    flush_gap()
                    side.append(SideRow("equal", i + 1, j + 1))
                    unified.append(UnifiedRow("equal", i + 1, j + 1))
                else:
                    pending_gap += 1
            continue
        flush_gap()
        removed_rows: list[UnifiedRow] = []
        added_rows: list[UnifiedRow] = []
        for old_no, new_no, old_spans, new_spans in _align(old_lines, new_lines, i1, i2, j1, j2):
            if old_no is not None and new_no is not None:
                side.append(SideRow("changed", old_no, new_no, 0, old_spans, new_spans))
            elif old_no is not None:
                side.append(SideRow("removed", old_no, None))
            else:
                side.append(SideRow("added", None, new_no))
            if old_no is not None:
                removed_rows.append(UnifiedRow("removed", old_no, None, 0, old_spans))
            if new_no is not None:
                added_rows.append(UnifiedRow("added", None, new_no, 0, new_spans))
        unified.extend(removed_rows)
        unified.extend(added_rows)
    flush_gap()
    # A gap at the very end says nothing useful.
    if side and side[-1].kind == "gap":
        side.pop()
    if unified and unified[-1].kind == "gap":
        unified.pop()
    return Diff(old_lines, new_lines, side, unified)


# -- Go colouring --------------------------------------------------------------------------

_GO = Language(tree_sitter_go.language())


@lru_cache(maxsize=1)
def _highlight_query() -> Query:
    path = Path(textual.__file__).parent / "tree-sitter" / "highlights" / "go.scm"
    return Query(_GO, path.read_text(encoding="utf-8"))


def highlight_go(source: str, styles: dict[str, Style]) -> list[Text]:
    """One Rich Text per line of `source`, coloured like the TextArea colours Go."""
    data = source.encode("utf-8")
    lines = source.splitlines()
    texts = [Text(line) for line in lines]
    if not styles or not lines:
        return texts
    # Byte column -> character column per line, built only for lines that need it.
    line_bytes = [line.encode("utf-8") for line in lines]

    def char_col(row: int, byte_col: int) -> int:
        raw = line_bytes[row]
        if len(raw) == len(lines[row]):
            return byte_col
        return len(raw[:byte_col].decode("utf-8", errors="replace"))

    try:
        captures = QueryCursor(_highlight_query()).captures(parse(data).root_node)
    except Exception:  # colouring is a nicety: never let it break the diff
        return texts
    for name, nodes in captures.items():
        style = styles.get(name)
        if style is None:
            continue
        for node in nodes:
            (r1, c1), (r2, c2) = node.start_point, node.end_point
            for row in range(r1, min(r2, len(lines) - 1) + 1):
                start = char_col(row, c1) if row == r1 else 0
                end = char_col(row, c2) if row == r2 else len(lines[row])
                if end > start:
                    texts[row].stylize(style, start, end)
    return texts
