"""Where a retained piece is stored so that it outlives the call: the long-lived places of
`substring-retention` and `subslice-retention` (package variables, fields reached through a
pointer, maps and slices reached from those, channels, caches)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node

from leakscope.core.index import receiver_type_name
from leakscope.core.model import Confidence
from leakscope.core.rules._retention_syntax import (
    _CACHE_METHODS,
    _CACHE_NAME,
    _COPYING_CACHES,
    _KEEPER_METHODS,
    _KNOWN_KEEPERS,
    _args,
    _declared_here,
    _flat,
    _is_fresh,
    _is_literal,
    weaker,
)
from leakscope.core.syntax import (
    FUNCTION_NODES,
    enclosing_function,
    outermost_function,
    text,
    unparen,
)
from leakscope.core.types import (
    IMPORT,
    LOCAL,
    PACKAGE_VAR,
    PARAM,
    RANGE,
    RECEIVER,
    Binding,
    TypeResolver,
    deref,
    is_map,
    is_pointer,
    is_slice,
)

if TYPE_CHECKING:
    from leakscope.core.context import FileContext
    from leakscope.core.rules._retention import Piece, _Climb
    from leakscope.core.rules._retention_summaries import Package


@dataclass(frozen=True)
class Target:
    """Where a piece is stored so that it outlives the call."""

    text: str  # `s0`, `c.names`, `c.index`, `ch`
    where: str  # `package variable s0`, `field c.name (c is a pointer receiver)`
    confidence: Confidence
    related: tuple[tuple[int, int, str], ...] = ()
    places: tuple[str, ...] = ()  # texts naming the place: `lines[i]`, `lines`
    # Collects one piece per store (a map key, an element at a varying index, a cache, a
    # channel), rather than holding one in a single slot (a field, a variable).
    collects: bool = False
    # The place is a collection the caller passes in (a map or slice parameter, or a pointer
    # parameter to one): how long it lives is the caller's business, often only the call.
    caller: bool = False
    # An intern table (`Stored.interned`): one value per distinct text, the first seen.
    interned: bool = False


@dataclass(frozen=True)
class Shared:
    """Why a place is long-lived (a package variable, reached through a pointer, ...)."""

    reason: str  # "" for package variables, else "c is a pointer receiver"
    confidence: Confidence
    related: tuple[tuple[int, int, str], ...] = ()
    caller: bool = False  # a map or slice the caller passes in (`Target.caller`)


class Places:
    """The part of the analysis that decides whether a place outlives the call (a mixin of
    `_retention._Analysis`)."""

    types: TypeResolver
    ctx: FileContext
    pkg: Package

    def _store(self, piece: Piece, state: _Climb, lhs: Node, levels: int) -> None:
        target = self.assign_target(lhs)
        if target is None:
            self._into_local(piece, state, lhs, levels)
            return
        how = "appended to" if state.appended else "stored in"
        if state.contained and not state.appended and not state.wrapped:
            how = "stored, inside a composite literal, in"
        self._report(piece, state, levels, how, target)

    def _key_store(self, piece: Piece, state: _Climb, index_expr: Node) -> None:
        """`m[piece] = v`: the piece becomes a key of map m."""
        parent = index_expr.parent
        if parent is None:
            return
        if parent.type == "expression_list":
            owner = parent.parent
            if owner is None or owner.type != "assignment_statement":
                return
            if owner.child_by_field_name("left") != parent:
                return
        elif parent.type not in ("inc_statement", "dec_statement"):  # `m[piece]++` inserts too
            return
        container = index_expr.child_by_field_name("operand")
        if container is None or not is_map(self.types.underlying(self.types.type_of(container))):
            return
        shared = self.shared(container)
        if shared is None:
            self._into_local(piece, state, index_expr, state.levels, key=True)
            return
        where = _where("map", text(container), shared)
        places = (_flat(text(container)),)
        target = Target(
            text(container),
            where,
            shared.confidence,
            shared.related,
            places,
            collects=True,
            caller=shared.caller,
        )
        self._report(piece, state, state.levels, "used as a key of", target)

    def _into_local(
        self, piece: Piece, state: _Climb, lhs: Node, levels: int, key: bool = False
    ) -> None:
        """`refs[k] = piece`, `e.Name = piece`, `seen[piece] = true` (`key`) on a local
        collection: followed to where the collection is stored (`collected`)."""
        lhs = unparen(lhs)
        if lhs.type not in ("index_expression", "selector_expression"):
            return
        container = unparen(lhs.child_by_field_name("operand") or lhs)
        while container.type == "selector_expression":
            # `ix.offsets[id] = off` of a local `ix`: in ix, whose field the map is.
            container = unparen(container.child_by_field_name("operand") or container)
        if container.type != "identifier":
            return
        binding = self.types.lookup(container)
        if binding is not None and lhs.type == "selector_expression":
            # `s := next[name]; s.addrs = append(s.addrs, piece)`: a field of an element
            # (a pointer) of a local collection is in that collection.
            binding = self._element_of(binding) or binding
        if binding is None or not binding.is_local or binding.kind == RANGE:
            return
        statement = lhs.parent
        while statement is not None and statement.type not in (
            "assignment_statement",
            "inc_statement",
            "dec_statement",
        ):
            statement = statement.parent
        if statement is not None:
            self.collected(piece, state, binding, levels, statement, key)

    def _element_of(self, binding: Binding) -> Binding | None:
        """The local map or slice whose element the local pointer `binding` is: set from
        an index of it (`s := next[name]`), or ranging over its values (`for _, s := range
        next`); else None."""
        if not is_pointer(self.types.binding_type(binding)) or binding.value is None:
            return None
        value = unparen(binding.value)
        if binding.kind == LOCAL and not binding.multi and value.type == "index_expression":
            collection = unparen(value.child_by_field_name("operand") or value)
        elif binding.kind == RANGE and binding.index == 1:
            collection = value
        else:
            return None
        if collection.type != "identifier":
            return None
        found = self.types.lookup(collection)
        if found is None or not found.is_local or found.kind == RANGE:
            return None
        under = self.types.underlying(self.types.binding_type(found))
        return found if is_map(under) or is_slice(under) else None

    def _send(self, piece: Piece, state: _Climb, send: Node) -> None:
        channel = send.child_by_field_name("channel")
        if channel is None:
            return
        local = None if state.contained else self._local_channel(unparen(channel))
        if local is not None:
            # A channel this function makes and uses alone: the piece goes where its
            # receives put it (a receiver that copies it and moves on keeps nothing).
            decl, receives = local
            key = (piece.origin.start_byte, piece.origin.end_byte, decl)
            if key in self._channels:
                return  # (sent on again after a receive: already followed)
            self._channels.add(key)
            for receive in receives:
                self._received(piece, receive, state.levels)
            return
        target = Target(text(channel), f"channel {text(channel)}", Confidence.MEDIUM, collects=True)
        self._report(piece, state, state.levels, "sent on", target)

    def _local_channel(self, channel: Node) -> tuple[int, list[Node]] | None:
        """For `ch` made by `ch := make(chan ...)` in this function and used there only to
        send, receive (`<-ch`), `close` or `len`: (where it is declared, its receives).
        None for any other channel: a field, a parameter, one passed on, ranged over or
        returned, whose receivers are elsewhere."""
        if channel.type != "identifier":
            return None
        binding = self.types.lookup(channel)
        decl = binding.node if binding is not None else None
        statement = binding.statement if binding is not None else None
        if (
            binding is None
            or not binding.is_local
            or decl is None
            or statement is None
            or statement.type != "short_var_declaration"
        ):
            return None
        value = unparen(binding.value) if binding.value is not None else None
        func = value.child_by_field_name("function") if value is not None else None
        args = _args(value) if value is not None else []
        if func is None or text(func) != "make" or not args or args[0].type != "channel_type":
            return None
        outer = outermost_function(statement)  # (its goroutines and callbacks included)
        if outer is None:
            return None
        name = text(channel)
        receives: list[Node] = []
        source = self.ctx.source
        word = re.compile(rb"(?<![\w.])" + re.escape(name.encode()) + rb"(?!\w)")
        for match in word.finditer(source, outer.start_byte, outer.end_byte):
            node = self.ctx.root.descendant_for_byte_range(match.start(), match.end())
            if node is None or node.type != "identifier" or node == decl:
                continue
            found = self.types.lookup(node)
            if found is None or found.node != decl:
                continue  # (another variable of that name)
            parent = node.parent
            kind = parent.type if parent is not None else ""
            if kind == "send_statement" and parent.child_by_field_name("channel") == node:
                continue
            if kind == "unary_expression" and text(parent.child_by_field_name("operator")) == "<-":
                receives.append(parent)
                continue
            call = parent.parent if kind == "argument_list" else None
            callee = call.child_by_field_name("function") if call is not None else None
            if callee is not None and text(callee) in ("close", "len", "cap"):
                continue
            return None
        return decl.start_byte, receives

    def _cache_store(self, piece: Piece, state: _Climb, func: Node, position: int) -> bool:
        """`c.cache.Add(k, piece)` on a holder known to keep what it is given (`keeps`)
        that outlives the call. False when the holder is not known to keep it."""
        holder = func.child_by_field_name("operand")
        if holder is None or holder.type not in ("identifier", "selector_expression"):
            return False
        if self.keeps(func, position) is None:
            return False
        target = self.keeper_target(func, position)
        if target is None:
            # (A local value's, `site.Group.Add(t, v)` of a `site` it returns: followed as
            # a store of the package's, `_into_helper`.)
            return False
        self._report(piece, state, state.levels, "stored in", target)
        return True

    def keeper_target(self, func: Node, position: int) -> Target | None:
        """Where the method call `func(...)` keeps its argument at `position` (`c.cache.Add(k,
        v)`, `g.routes.Store(&routes)`): its holder, when it is known to keep it (`keeps`)
        and outlives the call; else None."""
        holder = func.child_by_field_name("operand")
        if holder is None or holder.type not in ("identifier", "selector_expression"):
            return None
        collects = self.keeps(func, position)
        shared = self.place(holder) if collects is not None else None
        if shared is None and collects is not None and holder.type == "identifier":
            # (`c.Add(repoID, name)` of a cache the caller passes in, or the receiver's.)
            shared = self.shared(holder)
        if shared is None:
            return None
        method = text(func.child_by_field_name("field"))
        where = _where("", f"{text(holder)} with {method}", shared)
        places = (_flat(text(holder)),)
        return Target(
            text(holder), where, shared.confidence, shared.related, places, collects=bool(collects)
        )

    def keeps(self, func: Node, position: int) -> bool | None:
        """Whether the method call `func(...)` (`holder.M`) is known to keep its argument at
        `position` (whether the holder then collects one per call), or None:

        - a type of another package known to keep (`sync.Map.Store`, `list.List.PushBack`,
          `http.Header.Set`, an `atomic.Value`'s single slot);
        - a cache of another package, by its package's or type's name (`lru.Cache.Add`,
          `cache.Cache.Set`), unless it copies what it is given (bigcache, freecache);
        - a type of this package whose method, by its summary, stores that parameter
          (`func (c *LRU) Add(k, v string) { c.items[k] = v }`); a method promoted from an
          embedded field, when the type is named as a cache;
        - a holder of unknown type named as a cache (`c.cache.Add`, `lru.Put`).

        A method that only looks like a cache's on anything else (an RPC client's `Set`, a
        request's `Add`) is not known to keep anything: the call sends or copies."""
        holder = func.child_by_field_name("operand")
        method = text(func.child_by_field_name("field"))
        if holder is None:
            return None
        type_text = self.types.type_of(holder)
        qualified = self.types.qualified(type_text)
        if qualified is not None:
            known = _KNOWN_KEEPERS.get(qualified)
            if known is not None:
                return known[1] if method in known[0] else None
            path, name = qualified
            if (
                method in _CACHE_METHODS
                and path not in _COPYING_CACHES
                and _CACHE_NAME.search(f"{_package_name(path)} {name}")
            ):
                return True
            return None
        if method not in _KEEPER_METHODS:
            return None
        if type_text is not None:
            name = receiver_type_name(type_text)
            if name not in self.ctx.package.types:
                return None  # a built-in or composite type: no methods that keep
            key = (name, method)
            if key in self.pkg.declared():
                stored = self.pkg.stored(key).get(position)
                return stored.collects if stored is not None else None
            if method in _CACHE_METHODS and _CACHE_NAME.search(name):
                return True  # promoted from an embedded cache
            return None
        if method not in _CACHE_METHODS:
            return None
        last = re.findall(r"\w+", text(holder))
        if last and _CACHE_NAME.search(last[-1]):
            return True
        # `var c, _ = lru.New(128)`: made by a cache package's function.
        binding = self.types.lookup(holder) if holder.type == "identifier" else None
        made = ""
        if binding is not None and binding.value is not None:
            call = unparen(binding.value)
            func = call.child_by_field_name("function") if call.type == "call_expression" else None
            if func is not None and func.type == "generic_type":
                func = func.child_by_field_name("type")
            made = text(func) if func is not None else ""
        elif binding is not None and binding.var is not None:
            made = (binding.var.value or "").removeprefix("call:")
        if "." in made:
            qualifier = made.split(".", 1)[0]
            path = self.ctx.package.file_imports(self.ctx.path).get(qualifier, qualifier)
            if path not in _COPYING_CACHES and _CACHE_NAME.search(_package_name(path)):
                return True
        return None

    def assign_target(self, lhs: Node) -> Target | None:
        """The long-lived place an assignment to `lhs` stores into, or None."""
        lhs = unparen(lhs)
        kind = lhs.type
        places: tuple[str, ...] = (_flat(text(lhs)),)
        if kind == "identifier":
            binding = self.types.lookup(lhs)
            if binding is None or binding.kind != PACKAGE_VAR:
                return None
            return Target(
                text(lhs),
                f"package variable {text(lhs)}",
                Confidence.HIGH,
                _declared_here(binding, "is declared here"),
                places,
            )
        if kind == "selector_expression":
            shared = self.place(lhs)
            if shared is None:
                return None
            where = _where("field", text(lhs), shared)
            return Target(text(lhs), where, shared.confidence, shared.related, places)
        if kind == "index_expression":
            container = lhs.child_by_field_name("operand")
            if container is None:
                return None
            under = self.types.underlying(self.types.type_of(container))
            # (An array in a long-lived place is one too: `recent.ring[i%len(recent.ring)]`.)
            array = under is not None and re.match(r"\[\s*\w+\s*\]", under) is not None
            if not (is_map(under) or is_slice(under) or array):
                return None
            shared = self.shared(container)
            if shared is None:
                return None
            places = (*places, _flat(text(container)))
            noun = "map" if is_map(under) else "array" if array else "slice"
            index = lhs.child_by_field_name("index")
            return Target(
                text(container),
                _where(noun, text(container), shared),
                shared.confidence,
                shared.related,
                places,
                # `m["role"] = v`, `s[0] = v`: one slot.
                collects=index is None or not (_is_literal(index) or self._constant(index)),
                caller=shared.caller,
            )
        if kind == "unary_expression" and text(lhs).startswith("*"):
            pointer = lhs.child_by_field_name("operand")
            shared = self.shared(pointer) if pointer is not None else None
            if shared is None:
                return None
            where = _where("", text(lhs), shared)
            return Target(
                text(lhs), where, shared.confidence, shared.related, places, caller=shared.caller
            )
        return None

    def place(self, selector: Node) -> Shared | None:
        """Whether the variable `a.f` (or a package-level `pkg.V`) outlives the call."""
        selector = unparen(selector)
        if selector.type == "identifier":
            binding = self.types.lookup(selector)
            if binding is not None and binding.kind == PACKAGE_VAR:
                return Shared(
                    f"{text(selector)} is a package variable",
                    Confidence.HIGH,
                    _declared_here(binding, "is declared here"),
                )
            return None
        if selector.type != "selector_expression":
            return None
        operand = selector.child_by_field_name("operand")
        if operand is None:
            return None
        if operand.type == "identifier":
            binding = self.types.lookup(operand)
            if binding is not None and binding.kind == IMPORT:
                return Shared(f"a package-level variable of {binding.import_path}", Confidence.HIGH)
        return self.shared(operand)

    def shared(self, expr: Node, depth: int = 0) -> Shared | None:
        """Whether the storage `expr` designates outlives the call: the variable itself for a
        struct value, what it points to for a pointer, map or slice."""
        if depth > 5:
            return None
        expr = unparen(expr)
        kind = expr.type
        type_text = self.types.type_of(expr)
        under = self.types.underlying(type_text)
        ref = is_pointer(type_text) or is_map(under) or is_slice(under)
        name = text(expr)
        if kind == "identifier":
            binding = self.types.lookup(expr)
            if binding is None:
                return None
            if binding.kind == PACKAGE_VAR:
                return Shared(
                    f"{name} is a package variable",
                    Confidence.HIGH,
                    _declared_here(binding, "is declared here"),
                )
            if binding.kind in (PARAM, RECEIVER):
                role = "receiver" if binding.kind == RECEIVER else "parameter"
                note = _declared_here(binding, f"is a {role}")
                pointee = self.types.underlying(deref(type_text))
                if binding.kind == PARAM and (is_map(pointee) or is_slice(pointee)):
                    # (`out *[]T`: an out-parameter, the caller's collection like `out []T`)
                    noun = "map" if is_map(pointee) else "slice"
                    return Shared(
                        f"{name} points to a {noun} owned by the caller",
                        Confidence.LOW,
                        note,
                        caller=True,
                    )
                if is_pointer(type_text):
                    return Shared(f"{name} is a pointer {role}", Confidence.HIGH, note)
                if ref:
                    noun = "map" if is_map(under) else "slice"
                    # How long the caller keeps it is unknown: often only for the call.
                    return Shared(
                        f"{name} is a {noun} {role} owned by the caller",
                        Confidence.LOW,
                        note,
                        caller=binding.kind == PARAM,
                    )
                if type_text is None or self._is_type_param(binding):
                    return Shared(
                        f"{name} may be a pointer {role} (its type is unknown)",
                        Confidence.LOW,
                        note,
                    )
                info = self.ctx.package.types.get(type_text)
                if info is not None and info.underlying == "interface":
                    # (`reg.GetOrCreate(addr)` of a registry the caller passes in: a method
                    # that keeps what it is given changes state the value points to.)
                    return Shared(
                        f"{name} is a {role} of the package's interface {type_text}",
                        Confidence.MEDIUM,
                        note,
                    )
                return None
            if binding.kind in (LOCAL, RANGE) or binding.is_local:
                return self._local_shared(expr, binding, type_text, ref, depth)
            return None
        if kind == "selector_expression":
            operand = expr.child_by_field_name("operand")
            if operand is None:
                return None
            if operand.type == "identifier":
                binding = self.types.lookup(operand)
                if binding is not None and binding.kind == IMPORT:
                    return Shared(f"{name} is a package-level variable", Confidence.HIGH)
            inner = self.shared(operand, depth + 1)
            if inner is None:
                return None
            if type_text is None and not ref:
                return Shared(inner.reason, weaker(inner.confidence, Confidence.LOW), inner.related)
            return inner
        if kind == "index_expression":
            operand = expr.child_by_field_name("operand")
            return self.shared(operand, depth + 1) if operand is not None else None
        if kind == "unary_expression" and name.startswith("*"):
            operand = expr.child_by_field_name("operand")
            return self.shared(operand, depth + 1) if operand is not None else None
        if kind == "call_expression" and is_pointer(type_text):
            return Shared(f"{name} may return shared data (or a new object)", Confidence.LOW)
        return None

    def _local_shared(
        self, expr: Node, binding: Binding, type_text: str | None, ref: bool, depth: int
    ) -> Shared | None:
        name = text(expr)
        value = binding.value
        if binding.kind == RANGE:
            if value is None or not (ref or is_pointer(type_text)):
                return None
            inner = self.shared(value, depth + 1)
            if inner is None:
                return None
            return Shared(f"{name} points into {text(value)}", inner.confidence, inner.related)
        if (
            binding.multi
            and ref
            and value is not None
            and unparen(value).type == "index_expression"
            and is_map(
                self.types.underlying(
                    self.types.type_of(unparen(value).child_by_field_name("operand") or value)
                )
            )
        ):
            # `m, ok := ix.labels[dgst]`: the map (or slice, pointer) held in that entry, as
            # `m := ix.labels[dgst]` is; `m[k] = v` writes into it.
            inner = self.shared(unparen(value), depth + 1)
            if inner is not None:
                return Shared(f"{name} aliases {text(value)}", inner.confidence, inner.related)
        if value is None or binding.multi:
            if binding.multi and value is not None and _is_fresh(unparen(value)):
                return None
            if binding.multi and is_pointer(type_text):
                return Shared(f"{name} may point to shared data", Confidence.LOW)
            return None
        value = unparen(value)
        if _is_fresh(value):
            return None
        if not ref:
            if type_text is None and value.type == "call_expression":
                return Shared(
                    f"{name} may point to shared data (its type is unknown)", Confidence.LOW
                )
            return None
        if value.type in ("identifier", "selector_expression", "index_expression"):
            inner = self.shared(value, depth + 1)
            if inner is None:
                return None
            return Shared(f"{name} aliases {text(value)}", inner.confidence, inner.related)
        if value.type == "call_expression" and is_pointer(type_text):
            key = self.pkg.callee(self, value)
            entry = self.pkg.entry_kept(key) if key is not None else None
            if entry is not None:
                # `e := c.entryLocked(metric)` of a get-or-create keeping e in c.metadata.
                function = value.child_by_field_name("function")
                operand = function.child_by_field_name("operand") if function else None
                inner = self.shared(operand, depth + 1) if operand is not None else None
                if inner is not None:
                    called = _flat(text(function))
                    reason = f"{name} is an entry {called} keeps in {entry}"
                    return Shared(reason, inner.confidence, inner.related)
            return Shared(
                f"{name} may point to shared data (or to a new object from {text(value)})",
                Confidence.LOW,
            )
        return None

    def _holder(self, place: str, at: Node) -> tuple[int, int] | None:
        """The object a place belongs to, by where it is declared: `e` for `e.meta.label`,
        `c` for `c.byKey`; every package variable belongs to the program, (-1, -1)."""
        match = re.match(r"\*?\s*([A-Za-z_]\w*)", place)
        if match is None:
            return None
        binding = self.types.visible(match.group(1), at)
        if binding is None:
            return None
        if binding.kind in (PACKAGE_VAR, IMPORT):
            return (-1, -1)
        if "." not in place and "[" not in place:
            return None
        return binding.declared_at

    def _is_type_param(self, binding: Binding) -> bool:
        if binding.type is None or binding.node is None:
            return False
        func = enclosing_function(binding.node)
        while func is not None:
            if func.type in FUNCTION_NODES and func.type != "func_literal":
                params = func.child_by_field_name("type_parameters")
                return params is not None and binding.type in text(params)
            func = enclosing_function(func)
        return False


def _where(noun: str, place: str, shared: Shared) -> str:
    head = f"{noun} {place}".strip()
    return f"{head} ({shared.reason})" if shared.reason else head


def _package_name(path: str) -> str:
    """The last element of an import path that is not a major version (`golang-lru` of
    `github.com/hashicorp/golang-lru/v2`)."""
    parts = path.split("/")
    while len(parts) > 1 and re.fullmatch(r"v\d+", parts[-1]):
        parts.pop()
    return parts[-1]
