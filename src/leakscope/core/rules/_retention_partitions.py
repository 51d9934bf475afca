"""Partitions for the retention rules: pieces of one value that, kept together, keep most of it
in use and waste nothing (`_drop_partitions`), and the tests a loop uses to pick some lines
of a text (`_line_tests`), which make the pieces of those lines a small share of it."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from tree_sitter import Node

from leakscope.core.rules import _retention_sources as sources
from leakscope.core.rules._retention_syntax import (
    _REGEXP,
    _SPLITTERS,
    _args,
    _callee_name,
    _flat,
    _statement_of,
)
from leakscope.core.syntax import FUNCTION_NODES, enclosing_function, text

if TYPE_CHECKING:
    from leakscope.core.rules._retention import Leak


def _drop_partitions(
    leaks: Iterable[Leak],
    tokens: Collection[int] = (),
    evicted: Callable[[str], bool] = lambda place: False,
    picks: Callable[[Node], bool] = lambda call: False,
) -> list[Leak]:
    """Pieces that together keep most of their source in use waste nothing:

    - several pieces of one source stored by one statement (`m[line[:i]] = line[i+1:]`,
      `c.a, c.b = before, after`; not one piece stored twice, `m[name] = &T{Name: name}`),
      unless a helper found them: two fields a helper looks
      up in a document (`jsonField(doc, "user")`, `jsonField(doc, "token")`) are two
      small pieces of all of it; or one is a window cut in a loop (`content[loc[0]:loc[1]]`
      of each match, both bounds given): a match and its context, not the parts of a cut;
    - several parts of one split stored by one function (`p.Name = f[0]; p.Type = f[1]`),
      or of one call of a helper returning consecutive parts (not of a call in `tokens`,
      whose pieces the helper found apart: see `Package.parts_at`),
      or, for the fields of a line of a larger value, in one place
      (`m["role"] = f[0]; m["type"] = f[1]`), unless the package drops that place's
      entries one by one (`evicted`: an LRU's `delete(c.items, k)`): each line's entry then
      dies on its own, and any one left keeps the whole value;
    - a prefix and the rest of one value stored by one function
      (`c.key = line[:i]; c.value = line[i+1:]`).

    Not the pieces of some lines only, picked by a test in the loop (`_line_tests`) or in
    the helper that cut them (`picks`: `annotation(line)` returning nothing unless the line
    starts with a prefix): the lines left out are wasted.
    """
    leaks = list(leaks)
    dropped: set[int] = set()
    by_statement: dict[tuple[int, str], list[int]] = {}
    by_split: dict[tuple[int, int, str], list[int]] = {}
    by_operand: dict[tuple[int, str], list[int]] = {}
    # How many elements of each split of a line are kept (`f[0]` of `f := strings.Split(line,
    # ",")`): one field of many is not most of the line, though every line gives one.
    picked: dict[int, int] = {}
    for leak in leaks:
        if leak.split is not None and leak.value.type == "index_expression":
            picked[leak.split.start_byte] = picked.get(leak.split.start_byte, 0) + 1
    for i, leak in enumerate(leaks):
        if leak.piece.source.kind == sources.VIEW:
            continue  # a view the next read overwrites is wrong to keep, whatever else is kept
        if _callee_name(leak.piece.origin).startswith("FindAll"):
            continue  # the submatches of the matches in a text: what the pattern picks of it
        if leak.piece.apart:
            continue  # a helper's record of pieces cut apart: not the parts of one cut
        if leak.target.interned:
            continue  # an intern table keeps the first text seen of each: not the rest
        statement = _statement_of(leak.value)
        source = _flat(text(leak.piece.source.node))
        # Cut from a part of the source (a line of it), not from the source itself.
        of_a_part = (
            leak.nested
            or leak.piece.nested
            or leak.piece.source.part
            or _cut_from(leak.piece.origin) != source
        )
        # (A handler's cases pick lines when its callers pass it lines of data they read; a
        # bare parameter, of which nothing is known, is a zero-copy parser's, not a pick.)
        handler = leak.piece.source.kind != sources.PARAM
        tests = _line_tests(statement, source, handler) if of_a_part else ""
        helper = leak.split if leak.split is not None else leak.piece.origin
        if of_a_part and not tests and picks(helper):
            tests = _PICKS
        if tests == _PICKS:
            continue  # the fields of some lines of a larger value: the rest is wasted
        lines = leak.nested or leak.piece.nested or leak.piece.source.part
        one_field = leak.split is not None and picked.get(leak.split.start_byte) == 1
        one_field = one_field and leak.value.type == "index_expression"
        if tests == _SKIPS and lines and not _looked_up(leak.split) and not one_field:
            # Every line but blank ones and comments: most of the text is kept anyway, unless
            # its comments are most of it.
            leaks[i] = replace(leak, bounded=leak.bounded or _KEEPS_MOST)
            continue
        if not leak.piece.helper:
            by_statement.setdefault((statement.start_byte, source), []).append(i)
        if leak.levels > 0:
            continue
        func = enclosing_function(leak.value)
        func_at = func.start_byte if func is not None else -1
        if leak.nested:
            # Parts of one split of one line (of a file), stored in one place.
            if leak.split is not None:
                key = (func_at, leak.split.start_byte, leak.target.text)
                by_split.setdefault(key, []).append(i)
            continue
        origin = leak.piece.origin
        if origin.type == "call_expression" and origin.start_byte not in tokens:
            by_split.setdefault((func_at, origin.start_byte, ""), []).append(i)
        elif origin.type == "slice_expression":
            operand = origin.child_by_field_name("operand")
            by_operand.setdefault((func_at, _flat(text(operand))), []).append(i)
    for group in [*by_statement.values(), *by_split.values()]:
        # Parts, not one piece kept twice (`r.topics[name] = &Topic{Name: name}`), and all
        # of them when the split says how many (not `id` and `user` of `strings.SplitN(text,
        # "\r\n", 3)`, whose rest, the body, goes).
        values = {_flat(text(leaks[i].value)) for i in group}
        kept = len(values)
        first = leaks[group[0]].piece
        # (Of one line read on its own, the fields left out are a few bytes of that line.)
        # (Of a helper's records, the fields left out: `rec.kind` only tested.)
        parts = len(first.fields) if first.fields else _parts_of(first.origin)
        func = enclosing_function(leaks[group[0]].value)
        some = first.source.kind != sources.LINE and (
            kept < parts
            or _gaps(values, func.text if func is not None else b"")
            # (Windows of the text cut in a loop, `content[loc[0]:loc[1]]` of each match: a
            # match and its context each time, not the parts of the text.)
            or (
                any(_window(leaks[i].piece.origin) for i in group)
                and _in_loop(leaks[group[0]].piece.origin)
            )
        )
        lines = leaks[group[0]].nested
        if kept > 1 and not some and not (lines and evicted(leaks[group[0]].target.text)):
            dropped.update(group)
    for group in by_operand.values():
        if len(group) > 1 and _covering([leaks[i].piece.origin for i in group]):
            dropped.update(group)
    return [leak for i, leak in enumerate(leaks) if i not in dropped]


# Tests that pick some lines of a text out of the others: a prefix or substring test, or a
# comparison with a string literal (`if fields[0] != "cgroup" { continue }`).
_LINE_FILTER = re.compile(
    rb'\.(?:HasPrefix|HasSuffix|CutPrefix|CutSuffix|Contains)\(|[!=]=\s*"|"\s*[!=]='
)
# Of those, the ones that only skip blank lines, empty fields and comments (`line == ""`,
# `strings.HasPrefix(line, "#")`).
_SKIP_TEST = re.compile(
    rb'(?:[!=]=\s*""|""\s*[!=]=|\.HasPrefix\(\s*[\w.]+\s*,\s*"(?:#|//|;|--)"\s*\))'
)
_PICKS, _SKIPS = "picks", "skips"
# A call negated just before a test's method (`!strings` of `!strings.HasPrefix(`).
_NEGATED = re.compile(rb"!\s*[\w.]*$")
# A test that something failed: `err != nil`, `perr != nil`.
_FAILED = re.compile(r"\w*[eE]rr\w*\s*!=\s*nil")
_KEEPS_MOST = (
    "every line but blank ones and comments is kept: most of the text stays in use, unless "
    "comments are most of it"
)


def _looked_up(split: Node | None) -> bool:
    """Whether the last cut of a piece of each line is a helper of the package looking up
    one field by name (`stringField(obj, "Address")`), or a part of a URL parsed from it
    (`u.Host`): the rest of the line is not kept,
    however many lines are (not a split, `strings.Split(line, ",")`)."""
    if split is not None and split.type == "selector_expression":
        return True  # (`u.Host` of each line parsed as a URL)
    if split is None or split.type != "call_expression":
        return False
    if _callee_name(split) in _SPLITTERS or _callee_name(split) in _REGEXP:
        return False
    return any(
        arg.type in ("interpreted_string_literal", "raw_string_literal") for arg in _args(split)[1:]
    )


def _window(origin: Node) -> bool:
    """A slice with both bounds given (`content[loc[0]:loc[1]]`), not a prefix or a rest."""
    return (
        origin.type == "slice_expression"
        and origin.child_by_field_name("start") is not None
        and origin.child_by_field_name("end") is not None
        and text(origin.child_by_field_name("start")) != "0"
    )


def _in_loop(node: Node) -> bool:
    """Whether `node` is in a loop of its function."""
    parent = node.parent
    while parent is not None and parent.type not in FUNCTION_NODES:
        if parent.type == "for_statement":
            return True
        parent = parent.parent
    return False


def _gaps(values: set[str], code: bytes = b"") -> bool:
    """Whether the parts kept are fields of one split picked with others left out: between
    them (`f[0]` and `f[5]` of `bytes.Fields(l)`: fields 1 to 4 go), before them (`f[1]`
    and `f[2]`: `f[0]` goes), or after them when the function's length test on the split
    says there are more (`if len(f) < 5 { continue }` and `f[0]` to `f[3]`: `f[4]` goes)."""
    # (Also through a call that may return its argument: `strings.ToLower(f[0])`.)
    found = [
        re.fullmatch(r"(?:[A-Za-z_][\w.]*\()?([A-Za-z_]\w*)\[(\d+)\]\)?", value) for value in values
    ]
    if not all(found):
        return False
    names = {match.group(1) for match in found if match is not None}
    if len(names) != 1:
        return False
    indices = sorted(int(match.group(2)) for match in found if match is not None)
    if indices != list(range(indices[0], indices[0] + len(indices))) or indices[0] > 0:
        return True
    return indices[-1] + 1 < _length_at_least(code, next(iter(names)))


def _length_at_least(code: bytes, name: str) -> int:
    """How many elements a length test in `code` shows `name` has where it is used, at least
    (`if len(f) < 5 { continue }`, `len(f) != 4`, `len(f) >= 3 &&`), else 0."""
    at_least = 0
    pattern = rb"len\(\s*" + re.escape(name.encode()) + rb"\s*\)\s*(<|<=|!=|==|>=|>)\s*(\d+)\b"
    for match in re.finditer(pattern, code):
        op, count = match.group(1), int(match.group(2))
        bound = {b"<": count, b"!=": count, b"==": count, b">=": count}.get(op)
        if op in (b"<=", b">"):
            bound = count + 1
        at_least = max(at_least, bound or 0)
    return at_least


def _parts_of(origin: Node) -> int:
    """How many parts a split makes when it says (`strings.SplitN(s, sep, 3)`: 3), else 0."""
    if origin.type != "call_expression" or _callee_name(origin) not in ("SplitN", "SplitAfterN"):
        return 0
    args = _args(origin)
    count = text(args[2]).strip() if len(args) == 3 else ""
    return int(count) if count.isdigit() else 0


def _cut_from(origin: Node) -> str:
    """The text of what the slicing or splitting expression `origin` cuts."""
    if origin.type == "slice_expression":
        operand = origin.child_by_field_name("operand")
        return _flat(text(operand)) if operand is not None else ""
    args = _args(origin) if origin.type == "call_expression" else []
    return _flat(text(args[0])) if args else ""


def _selected_lines(statement: Node, source: str) -> bool:
    return _line_tests(statement, source) != ""


def _line_tests(statement: Node, source: str, handler: bool = False) -> str:
    """Whether `statement` runs for some of the parts of `source` a loop goes through only,
    picked by a test before it in the body of a loop around it (`if !strings.HasPrefix(line,
    "# HELP") { continue }`, or around it, or a message type's case, `case 'S':`): what it
    keeps of those parts is then a small share of the value they were cut from, not a
    partition of it (`_PICKS`); or `_SKIPS` when the only tests skip blank lines and
    comments, "" when there is none. Not when the loop makes `source` anew each time (a line
    read per iteration is all of its own source). With `handler` (`source` is known data, not
    a bare parameter: what callers read and pass, `c.processLine(data[:i])`), a function with
    no loop that keeps pieces in one case of a switch over literals (`case "SUB":`) picks
    too: its callers' loop hands it each line."""
    declared = re.compile(
        rb"(?<![\w.])"
        + re.escape(source.encode())
        + rb"\s*(?:,\s*\w+\s*)*:=|\bvar\s+"
        + re.escape(source.encode())
        + rb"\b"
    )
    node = statement.parent
    looped = False
    while node is not None and node.type not in FUNCTION_NODES:
        if node.type == "for_statement":
            body = node.child_by_field_name("body")
            if body is not None:
                before = _choices_blanked(
                    statement, body, (body.text or b"")[: statement.start_byte - body.start_byte]
                )
                if declared.search(before) is not None:
                    return ""
                if not source.isidentifier() and source.encode() in before:
                    return ""  # (`chunk := carry + string(buf[:n])`: made in the loop too)
                if (
                    picks_lines(before)
                    or _on_failure(statement, body)
                    or _within_comment_test(statement, body)
                    or _in_literal_case(statement, body, _RUNE_CASE)
                ):
                    return _PICKS
                if _LINE_FILTER.search(before) is not None:
                    return _SKIPS
            looped = True
        node = node.parent
    if looped or not handler:
        return ""
    return _PICKS if _in_literal_case(statement, None, _LITERAL_CASE) else ""


# The literals of a switch's cases that pick some parts of a text: a message's type byte
# (`case 'S':` of `switch msgs[0]`), in a loop over the messages; or a command's name too
# (`case "SUB":`) in a handler called with each line.
_RUNE_CASE = frozenset({"rune_literal"})
_LITERAL_CASE = frozenset({"rune_literal", "interpreted_string_literal", "raw_string_literal"})


def _in_literal_case(statement: Node, body: Node | None, kinds: frozenset[str]) -> bool:
    """Whether `statement` is in a case of a switch naming literals of `kinds`, within
    `body` (a loop's) or else its function."""
    node = statement.parent
    while node is not None and node != body and node.type not in FUNCTION_NODES:
        if node.type == "expression_case":
            value = node.child_by_field_name("value")
            if value is not None and any(v.type in kinds for v in value.named_children):
                return True
        node = node.parent
    return False


def _within_comment_test(statement: Node, body: Node) -> bool:
    """Whether `statement` runs only for the comment or blank lines a test picks, inside the
    block of an `if` whose condition is such a test (`if strings.HasPrefix(line, "#") {
    t.meta.setHelp(name, help); continue }`): those lines are picked, not skipped."""
    for cond in _guards(statement, body):
        code = cond.text or b""
        tests = list(_SKIP_TEST.finditer(code))
        # (Each test as it is: not `line != ""`, nor `!strings.HasPrefix(line, "#")`.)
        if tests and all(
            b"!=" not in t.group(0) and _NEGATED.search(code, 0, t.start()) is None for t in tests
        ):
            return True
    return False


def _on_failure(statement: Node, body: Node) -> bool:
    """Whether `statement` runs only when something failed (`if err != nil {
    h.recordError(line, err) }`): the lines that fail, a few of them."""
    return any(_FAILED.fullmatch(text(cond).strip()) for cond in _guards(statement, body))


def _guards(statement: Node, body: Node) -> Iterator[Node]:
    """The conditions of the `if`s within `body` whose block `statement` is in."""
    node = statement.parent
    while node is not None and node != body:
        if node.type == "if_statement":
            cond = node.child_by_field_name("condition")
            consequence = node.child_by_field_name("consequence")
            if (
                cond is not None
                and consequence is not None
                and consequence.start_byte <= statement.start_byte < consequence.end_byte
            ):
                yield cond
        node = node.parent


def _choices_blanked(statement: Node, body: Node, before: bytes) -> bytes:
    """`before` (the loop body's text up to `statement`) without the conditions of the `if`s
    around the statement that have an `else`: such a test chooses where each line goes
    (`if parts[0] == "def" { s.defs[sym] = abi } else { s.refs[sym] |= ... }`), not which
    lines are kept."""
    out = bytearray(before)
    node = statement.parent
    while node is not None and node != body:
        if node.type == "if_statement" and node.child_by_field_name("alternative") is not None:
            cond = node.child_by_field_name("condition")
            if cond is not None and cond.end_byte <= statement.start_byte:
                start, end = cond.start_byte - body.start_byte, cond.end_byte - body.start_byte
                out[start:end] = b" " * (end - start)
        node = node.parent
    return bytes(out)


def _covering(slices: list[Node]) -> bool:
    """A prefix `s[:i]` and a rest `s[i:]` / `s[i+1:]` of the same value."""
    ends = set()
    starts = []
    for piece in slices:
        start = piece.child_by_field_name("start")
        end = piece.child_by_field_name("end")
        if (start is None or text(start) == "0") and end is not None:
            ends.add(_flat(text(end)))
        elif start is not None and end is None:
            starts.append(_flat(text(start)))
    return any(
        start == end or start.startswith((end + "+", end + " +"))
        for start in starts
        for end in ends
    )


def picks_lines(code: bytes) -> bool:
    """Whether `code` (a loop's body before a store, or a helper's body) picks some lines
    out of the others (see `_line_tests`): a prefix or substring test, or a comparison with
    a string literal, other than one that only skips blank lines and comments."""
    return any(
        _SKIP_TEST.match(code, at.start()) is None
        and _SKIP_TEST.match(code, max(at.start() - 1, 0)) is None  # (`"" == x`)
        for at in _LINE_FILTER.finditer(code)
    )
