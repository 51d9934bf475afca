"""Pieces handed to a store in another function, for both retention rules.

A piece passed to a function of the package that keeps its parameter as it is (`c.put(k, v)`
with `c.m[k] = v` in put) is reported at that store, where one copy fixes it for every
caller. The call's file finds the leak (`_Analysis._into_helper`) and hands it over once its
partitions are dropped (`HandOver.hand`). The store's file takes the leaks handed to its
stores (`Handing._handed_here`), after the package's other files have looked at their calls
(`HandOver.handed_to`). A live re-analysis picks those files by the functions that store
(`_storers_in`, `_called_in`); a scan looks at every file once anyway."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from tree_sitter import Node

from leakscope.core import package_files
from leakscope.core.context import FileContext, is_test_code
from leakscope.core.rules import _retention_sources as sources
from leakscope.core.rules._retention_syntax import _CACHE_NAME, _args, _flat, _list_items, copy_of
from leakscope.core.syntax import captures, enclosing_function, function_name, text, unparen
from leakscope.core.types import LOCAL

if TYPE_CHECKING:
    from tree_sitter import Tree

    from leakscope.core.index import PackageIndex
    from leakscope.core.rules._retention import Leak, _Analysis, _Climb
    from leakscope.core.rules._retention_summaries import Key, Note, Package, Stored
    from leakscope.core.types import TypeResolver

# A type parameter's constraint that a copy can be converted to (`~string`, `[]byte`).
_STRINGISH = re.compile(r"~?(?:string|\[\]byte)")
# A parameter list with a string or a slice (what a store can be handed as it is).
_PIECE_PARAM = re.compile(rb"\bstring\b|\[\]")
_CALLED = re.compile(rb"([A-Za-z_]\w*)\(")
# On a line, what stores a value: an assignment, a send, a literal's field, a keeper's call.
_STORING_LINE = re.compile(
    rb"[^=!<>:]=[^=]|<-|\w:\s|\b(?:Store|LoadOrStore|Swap|Add|Set|Put|Push\w*|Insert\w*)\("
)


class HandOver:
    """The package's side of the hand-over (a mixin of `_retention_summaries.Package`)."""

    files: dict[str, tuple[bytes, Tree]]
    index: PackageIndex
    go_version: tuple[int, int]
    _handed: dict[tuple[str, int, int], list[tuple[str, Leak, Note]]]
    _whole: dict[str, _Analysis]
    _storers: dict[str, frozenset[str]]
    _type_params_of: dict[str, dict[str, str]]
    _called: dict[str, frozenset[str]]

    def _called_in(self, path: str) -> frozenset[str]:
        """The names the file `path` calls (`name(`, `x.name(`), by its text."""
        found = self._called.get(path)
        if found is None:
            words = _CALLED.findall(self.files[path][0])
            found = self._called[path] = frozenset(w.decode("utf-8", "replace") for w in words)
        return found

    def _storers_in(self, path: str) -> frozenset[str]:
        """The names of the functions of `path` that store a string or slice parameter as
        it is themselves (`_param_stored`, no call followed; `direct_store`), looked at only
        when their text shows such a parameter used as a value on a line that assigns,
        sends, sets a literal's field or calls a keeper. (Which files' calls to look at: the
        calls decide, `_hands_over`.)"""
        from leakscope.core.rules._retention_summaries import _MAX_STORE_DEPTH, param_names

        found = self._storers.get(path)
        if found is None:
            names = set()
            for key, node in self._decls_of(path).items():
                params = node.child_by_field_name("parameters")
                body = node.child_by_field_name("body")
                if params is None or body is None:
                    continue
                if _PIECE_PARAM.search(params.text or b"") is None:
                    continue
                words = [n.encode() for n in param_names(node) if n != "_"]
                if not words or not _stores_a_name(body.text or b"", words):
                    continue
                # (The text says it may; the summary says it does, itself: no calls followed.)
                analysis = self.analysis(path)
                for param in param_names(node) if analysis is not None else ():
                    found = self._param_stored(analysis, path, node, body, param, _MAX_STORE_DEPTH)
                    if found is not None and self.direct_store(key, found):
                        names.add(key[1])
                        break
            found = self._storers[path] = frozenset(names)
        return found

    def _makers_in(self, path: str) -> frozenset[str]:
        """The names of the functions of `path` that put pieces of a parameter in what they
        return (`Returned.copy_at`): their callers hand leaks back to them
        (`_Analysis._hand_back`)."""
        return frozenset(
            key[1]
            for key, _ in self._typed_of(path)  # type: ignore[attr-defined]
            if (found := self.returned(key)) is not None  # type: ignore[attr-defined]
            and found.copy_at
        )

    def generic_param(self, key: Key, position: int) -> bool:
        """Whether the parameter at `position` of the function `key` is of a type parameter
        that is not a string or byte slice type (`v T` of `func (s *Set[T]) Add(v T)` with
        `T comparable`): no copy can be written there (`strings.Clone` takes a string), so
        its callers copy what they pass. (A `~string` one can be copied by a conversion.)"""
        decl = self.decl(key)  # type: ignore[attr-defined]
        if decl is None:
            return False
        func = decl[1]
        bounds = self._type_params(key[0], func)
        kind = _param_type(func, position)
        if kind is None or kind.lstrip("*[]") not in bounds:
            return False
        return _STRINGISH.fullmatch(bounds[kind.lstrip("*[]")]) is None

    def _type_params(self, type_name: str, func: Node) -> dict[str, str]:
        """The type parameters in scope in `func`, with their constraints: those its receiver's
        type declares (`type Set[T comparable] struct`, found in the package's files by their
        text) and its own."""
        out = dict(self._declared_type_params(type_name)) if type_name else {}
        params = func.child_by_field_name("type_parameters")
        if params is not None:
            out.update(_constraints((params.text or b"")[1:-1]))
        return out

    def _declared_type_params(self, type_name: str) -> dict[str, str]:
        """The type parameters the type `type_name` declares, with their constraints, found
        once per package by the text of its declaration (`type Set[T comparable] struct`)."""
        found = self._type_params_of.get(type_name)
        if found is None:
            declared = re.compile(rb"\btype\s+%s\s*\[([^\]]*)\]" % re.escape(type_name.encode()))
            found = {}
            for source, _ in self.files.values():
                for match in declared.finditer(source):
                    found.update(_constraints(match.group(1)))
            self._type_params_of[type_name] = found
        return found

    def direct_store(self, key: Key, stored: Stored) -> bool:
        """Whether the function `key` makes the store `stored` itself (not a function it
        passes the parameter on to)."""
        decl = self.decl(key)
        if decl is None or stored.at is None:
            return False
        path, func = decl
        return stored.at[0] == path and func.start_byte <= stored.at[1] < func.end_byte

    def hand(self, at: tuple[str, int, int], path: str, leak: Leak, call: Note) -> None:
        """A leak the file `path` found at a call (`call`) passing a piece to a function
        that stores it as it is, at `at`: reported there (`handed_to`)."""
        found = self._handed.setdefault(at, [])
        if all(other != call for _, _, other in found):
            found.append((path, leak, call))

    def handed_to(self, analysis: _Analysis) -> dict[tuple[int, int], list[tuple[str, Leak, Note]]]:
        """The leaks handed to the stores of `analysis`'s file, by the store's offsets, once
        every file of the package has looked at its calls."""
        here = analysis.ctx.path
        # (When every file is analysed, each is looked at once anyway: no need to pick.)
        every = package_files.analysed_whole(self.index)
        names = frozenset() if every else self._storers_in(here) | self._makers_in(here)
        if not every and not names:
            return {}
        for path in sorted(self.files):
            if path == here or (not every and names.isdisjoint(self._called_in(path))):
                continue  # (no call of this file's stores there)
            other = self.analysis(path)
            if other is not None and other.ctx.focus is not None:
                # (A live re-analysis looked at part of that file: all its calls count.)
                other = self._whole.get(path)
                if other is None:
                    from leakscope.core.rules._retention import _Analysis

                    source, tree = self.files[path]
                    ctx = FileContext(
                        path,
                        source,
                        tree,
                        self.go_version,
                        self.index,
                        is_test=is_test_code(path, source),
                    )
                    other = self._whole[path] = _Analysis(ctx, ctx.types, self)
            if other is not None:
                other.climbed()
        return {
            (start, end): found
            for (path, start, end), found in self._handed.items()
            if path == here
        }

    def closure_stored(self, analysis: _Analysis, literal: Node, position: int) -> Stored | None:
        """Where the function literal `literal` stores its parameter at `position` as it is
        itself (not through calls: a literal's calls are not summarised)."""
        from leakscope.core.rules._retention_summaries import _MAX_STORE_DEPTH, param_names

        names = param_names(literal)
        body = literal.child_by_field_name("body")
        if position >= len(names) or body is None or names[position] == "_":
            return None
        name = names[position]
        params = literal.child_by_field_name("parameters")
        declared = (params.start_byte, params.end_byte) if params is not None else (0, 0)
        return self._name_stored(
            analysis,
            analysis.ctx.path,
            "the function literal",
            name,
            body,
            body.start_byte,
            lambda b: b.node is not None and declared[0] <= b.node.start_byte < declared[1],
            _MAX_STORE_DEPTH,
        )


class Handing:
    """The file's side of the hand-over (a mixin of `_retention._Analysis`)."""

    ctx: FileContext
    root: Node
    types: TypeResolver
    pkg: Package
    _handing: dict[tuple[int, int], tuple[tuple[str, int, int], Note]]

    def _stores_in_focus(self) -> bool:
        """Whether a function of the part of the file a live re-analysis looks at stores a
        parameter as it is (its callers' pieces are then reported there)."""
        from leakscope.core.rules._retention_summaries import key_of

        spans = self.ctx.focus or ()
        if any(at[0] == self.ctx.path for at, _ in self._handing.values()):
            return True  # (a function literal of this file storing what its calls pass)
        # (What `handed_to` picks files by.)
        names = self.pkg._storers_in(self.ctx.path) | self.pkg._makers_in(self.ctx.path)
        for node in self.root.named_children:
            if node.type not in ("function_declaration", "method_declaration"):
                continue
            if not any(a < node.end_byte and node.start_byte < b for a, b in spans):
                continue
            key = key_of(node)
            if key is not None and key[1] in names:
                return True
        return False

    def _evicted(self, place: str) -> bool:
        """Whether the entries of `place` (`c.items`) are dropped one by one: a cache by its
        name (`a.lru`, `c.cache`), or `delete(c.items, k)` or `c.items.Remove(e)` anywhere in
        the package (an LRU's eviction)."""
        field = place.rsplit(".", 1)[-1].strip("*() ")
        if not field.isidentifier():
            return False
        if _CACHE_NAME.search(field):
            return True
        name = re.escape(field.encode())
        pattern = re.compile(
            rb"\bdelete\(\s*[\w.()*]*\b" + name + rb"\s*,|\b" + name + rb"\.Remove\("
        )
        return any(pattern.search(source) for source, _ in self.pkg.files.values())

    def _handed_here(self) -> list[Leak]:
        """The leaks that calls of the package hand to the stores of this file: a piece
        passed to a function storing it as it is (`c.put(key, val)` with `c.m[k] = v` in
        put) is reported at the store, where a copy fixes it for every caller, with the
        call and the piece's chain as related locations."""
        out = []
        spans = self.ctx.focus
        for (start, end), found in sorted(self.pkg.handed_to(self).items()):
            if spans is not None and not any(a <= start and end <= b for a, b in spans):
                continue  # (a live re-analysis keeps the findings outside what it looks at)
            node = self.root.descendant_for_byte_range(start, end)
            if node is None or (node.start_byte, node.end_byte) != (start, end):
                continue
            # (One finding per store: of big data a caller reads first, the others related.)
            found.sort(
                key=lambda item: (item[1].piece.source.kind == sources.PARAM, item[0], item[2][1])
            )
            path, leak, call = found[0]
            source = leak.piece.source
            notes: list[tuple[str, int, int, str]] = []
            if source.related is not None:
                notes.append((path, *source.related))
                source = replace(source, related=None)
            # (Of a piece a helper returned, the chain reads on to the caller's store: the
            # call that keeps it, then the place.)
            after = [*leak.target.related] if leak.made else []
            notes.extend(
                step if len(step) == 4 else (path, *step)  # type: ignore[misc]
                for step in [*leak.piece.steps, *([] if leak.made else leak.target.related)]
            )
            notes.extend(call for _, _, call in found)
            notes.extend((path, *step) for step in after)
            func = enclosing_function(node)
            callee = _literal_name(func) or (function_name(func) if func is not None else None)
            callee = callee or "the function"
            caller = call[3].split(" ", 1)[0]
            piece = replace(leak.piece, source=source, steps=notes)
            target = replace(leak.target, related=())
            if leak.made:
                # (A piece the helper puts in what it returns: copied where it goes in.)
                piece = replace(piece, origin=node, fields=None)
                through = "" if leak.made.endswith(callee) else f" through {leak.made}"
                how = f"put in what {callee} returns, which {caller} keeps{through} in"
                out.append(replace(leak, piece=piece, value=node, levels=0, how=how, target=target))
                continue
            how = f"passed by {caller} to {callee}, which keeps it in"
            out.append(replace(leak, piece=piece, value=node, how=how, target=target))
        return out

    def _closure(self, call: Node) -> Node | None:
        """The function literal a local variable the call calls holds, set once
        (`record := func(...) {...}`; `record(x)`), or None."""
        func = call.child_by_field_name("function")
        if func is None or func.type != "identifier":
            return None
        binding = self.types.lookup(func)
        if binding is None or binding.kind != LOCAL or binding.value is None:
            return None
        literal = unparen(binding.value)
        outer = enclosing_function(call)
        if literal.type != "func_literal" or outer is None:
            return None
        found = sources.assigned_offsets(
            self.ctx.source, func.text or b"", outer.start_byte, outer.end_byte
        )
        if next(found, None) is None or next(found, None) is not None:
            return None  # (set again: which literal a call runs is not followed)
        return literal

    def _hands_over(self, state: _Climb, call: Node, stored: Stored, closure: Node | None) -> bool:
        """Whether a piece passed to a function that stores it is reported at the store: the
        argument is the piece itself (not a value holding it, which a copy at the store
        cannot fix), and the store is not in a file of the package's code that a test calls
        into (a test's data says nothing of what the program keeps)."""
        if stored.at is None:
            return False
        if stored.fields is None and (state.contained or state.levels != 0):
            return False  # (a field of each element: copied at the store, `r.Value`)
        if state.node not in _args(call):
            return False
        if closure is not None:
            # (The literal's own store: `closure_stored` follows no call.)
            return closure.start_byte <= stored.at[1] < closure.end_byte
        key = self.pkg.callee(self, call)
        if key is None or not self.pkg.direct_store(key, stored):
            return False  # (passed on to another function that stores it: reported here)
        position = _args(call).index(state.node)
        if self.pkg.generic_param(key, position):
            return False  # (`Set[T].Add(v T)`: no copy of a T can be written there)
        if _copied_elsewhere(call, position):
            return False  # (the code copies at its calls: `rep.addBad(n, bytes.Clone(b))`)
        cache = self._evicted(stored.text) or _CACHE_NAME.search(key[0])
        if cache and not stored.interned and not stored.zero_copy:
            return False  # (a cache keeps what it is given: its callers copy what they put in)
        return not self.ctx.is_test or stored.at[0].endswith("_test.go")


# An argument copied where it is passed (`append([]byte(nil), raw...)`, `bytes.Clone(b)`, or
# converted to the other family, `string(b)`).
_COPIED_ARG = re.compile(rf"{copy_of('.+')}|(?:string|\[\]byte)\(.+\)")


def _copied_elsewhere(call: Node, position: int) -> bool:
    """Whether another call of the same function or method in the function around `call`
    copies what it passes at `position` (`rep.addBad(line, append([]byte(nil), raw...),
    err)`): the code's own way is a copy at the call, so a piece passed as it is is fixed at
    its call too."""
    func = call.child_by_field_name("function")
    outer = enclosing_function(call)
    if func is None or outer is None:
        return False
    name = text(func.child_by_field_name("field") if func.type == "selector_expression" else func)
    for node in captures("(call_expression) @c", outer).get("c", []):
        other = node.child_by_field_name("function")
        if node == call or other is None:
            continue
        field = other.child_by_field_name("field") if other.type == "selector_expression" else other
        if text(field) != name:
            continue
        args = _args(node)
        if position < len(args) and _COPIED_ARG.fullmatch(_flat(text(args[position]))):
            return True
    return False


def _stores_a_name(body: bytes, words: list[bytes]) -> bool:
    """Whether one of the names is used as a value (not `p.f`, `p(...)`, `p[i]`) on a line
    of `body` that stores something (`_STORING_LINE`): a cheap look at the text."""
    for word in words:
        at = body.find(word)
        while at >= 0:
            end = at + len(word)
            before, after = body[at - 1 : at], body[end : end + 1]
            joined = before.isalnum() or (before != b"" and before in b"_.")
            used = after.isalnum() or (after != b"" and after in b"_.([")
            if not joined and not used:
                line_start = body.rfind(b"\n", 0, at) + 1
                line_end = body.find(b"\n", end)
                line = body[line_start : line_end if line_end >= 0 else len(body)]
                if _STORING_LINE.search(line) is not None:
                    return True
            at = body.find(word, end)
    return False


def _literal_name(func: Node | None) -> str | None:
    """The variable a function literal is assigned to (`record` of `record := func(...)
    {...}`), or None."""
    if func is None or func.type != "func_literal":
        return None
    values = func.parent
    owner = values.parent if values is not None else None
    if values is None or owner is None or values.type != "expression_list":
        return None
    if owner.type not in ("short_var_declaration", "assignment_statement", "var_spec"):
        return None
    lefts = _list_items(owner.child_by_field_name("left")) or owner.children_by_field_name("name")
    rights = _list_items(values)
    if len(lefts) != len(rights) or func not in rights:
        return None
    return text(lefts[rights.index(func)])


def _constraints(listed: bytes) -> dict[str, str]:
    """The names and constraints of a type parameter list's text (`K comparable, V any`,
    `K, V any`: both `any`)."""
    out: dict[str, str] = {}
    pending: list[str] = []
    for part in listed.split(b","):
        words = part.split(None, 1)
        if not words:
            continue
        pending.append(words[0].decode("utf-8", "replace"))
        if len(words) == 2:
            for name in pending:
                out[name] = words[1].decode("utf-8", "replace").strip()
            pending = []
    return out


def _param_type(func: Node, position: int) -> str | None:
    """The type, as written, of the parameter at `position` of `func` (`T` of `v T`)."""
    params = func.child_by_field_name("parameters")
    declared = [
        p
        for p in (params.named_children if params is not None else ())
        if p.type in ("parameter_declaration", "variadic_parameter_declaration")
    ]
    flat = [p for p in declared for _ in (p.children_by_field_name("name") or [None])]
    kind = flat[position].child_by_field_name("type") if position < len(flat) else None
    return text(kind) if kind is not None else None
