"""A value kept in a field or a package variable, replaced by a function that can run again.

`s.t = time.NewTicker(d)` or `s.ctx, s.cancel = context.WithCancel(parent)` in a method (or
`heartbeat = time.NewTicker(d)` in a function): when the function runs again on the same
object, the ticker (cancel function) the field held before is lost without being stopped
(called). `replaced` says whether that can happen, for the ticker and context rules; each
rule says what *releases* the held value (a `Release`: `.t.Stop()`, `.cancel()`) and words
its own finding, impact and fix.

- `store_target`, `plain_path`, `package_variable`: what an `=` assignment stores a value
  into: a field path (`s.inner.t`) or a package variable;
- `replaced`: whether the function storing there can run again while the old value is
  still held and unreleased. Its `Replaced` names the function, the loops or the callers
  that run it again (`repeats`: whether their number grows, and why; `related`: the calls);
- `runs_again`: the callers walk behind it (a loop, several callers, a caller that runs
  again, on a live object, with nothing released before the call);
- `held_types`, `release_old_first`: for the fix that releases the old value first.

The walks read the package's files as text first (a name, a regexp) and parse nodes only
where that matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from tree_sitter import Node, Tree

from leakscope.core.context import FileContext
from leakscope.core.model import Impact, Related, TextEdit
from leakscope.core.package_files import files_of, state
from leakscope.core.rules._lifetime import function_name_of, package_name, runs_once
from leakscope.core.rules._loops import loops_around, loops_impact
from leakscope.core.syntax import (
    FUNCTION_NODES,
    ancestors,
    assigned_by,
    captures,
    enclosing_function,
    function_name,
    line_indent,
    paired_target,
    receiver_name,
    receiver_type,
    text,
    tokens,
    unparen,
)
from leakscope.core.text import LineIndex
from leakscope.core.types import FUNC, PACKAGE_VAR

Files = Mapping[str, tuple[bytes, Tree]]
Location = tuple[int, int, str] | Related


@dataclass(frozen=True)
class Release:
    """What releases the value a field or package variable holds, for one rule."""

    # The regexp that follows the held name in a release: rb"\s*\.\s*Stop\s*\(" (a ticker's
    # Stop), rb"\s*\(" (calling a cancel function).
    call: bytes
    # Members whose read neither keeps nor checks the old value (a ticker's `.C`).
    reads: frozenset[str] = frozenset()

    def pattern(self, name: str, variable: bool) -> bytes:
        """A release of `X.name` (or of the package variable `name`)."""
        before = rb"(?<![\w.])" if variable else rb"\."
        return before + re.escape(name.encode()) + self.call


@dataclass(frozen=True)
class Replaced:
    """A store that replaces, in each run of `named` but the first, a value nobody released."""

    named: Node  # the function or method whose runs store the value
    name: str  # what messages call it (`Server.start`, or "the function")
    field: str  # the field's name (the package variable's)
    files: dict[str, tuple[bytes, Tree]]  # the package's files (this file alone if unattached)
    loops: list[Node]  # the loops around the store, innermost first (empty: see `again`)
    again: RunsAgain | None  # why `named` runs again, when no loop around the store says so

    def repeats(self, root: Node) -> tuple[bool, str]:
        """(whether the number of lost values grows, why): the loop's trips (`the loop ranges
        over data`; a known small number does not grow) or why `named` runs again (code that
        runs once calling it twice does not grow). `root` is the file's root node."""
        if self.loops:
            impact, reason = loops_impact(self.loops, root)
            return impact is Impact.GROWS, reason
        assert self.again is not None
        return self.again.grows, self.again.reason

    def related(self, ctx: FileContext) -> list[Location]:
        """The calls that run `named` again, as related locations of a finding in `ctx`."""
        calls = self.again.calls if self.again is not None else ()
        return [related_at(ctx, self.files, *call) for call in calls]


def package_files(ctx: FileContext) -> dict[str, tuple[bytes, Tree]]:
    """The package's files (path -> source and tree), or the current file alone when the
    package's files are not attached."""
    return dict(files_of(ctx.package)) or {ctx.path: (ctx.source, ctx.tree)}


def package_variable(ctx: FileContext, ident: Node) -> bool:
    """Whether the identifier names a variable declared at the package level."""
    binding = ctx.types.lookup(ident)
    return binding is not None and binding.kind == PACKAGE_VAR


def related_at(
    ctx: FileContext, files: Files, path: str, start: int, end: int, message: str
) -> Location:
    """A related location at bytes `start`-`end` of `path` (a file of the package)."""
    if path == ctx.path or not path:
        return (start, end, message)
    source = files.get(path, (b"",))[0]
    return Related(LineIndex(source).span(start, end), message, path)


@dataclass(frozen=True)
class Maker:
    """A function of the package that hands its caller something to release (a new ticker,
    a context's cancel function): findings name it and point at its `return`."""

    name: str
    path: str
    returns: Node  # the `return` that hands it out

    def at_return(self, ctx: FileContext, message: str) -> Location:
        start, end = self.returns.start_byte, self.returns.end_byte
        return related_at(ctx, files_of(ctx.package), self.path, start, end, message)


def function_calls(ctx: FileContext, name: str) -> Iterator[Node]:
    """The calls `name(...)` in the file where `name` is the package's function, not a local
    of the same name."""
    for ident in tokens(ctx.root, ctx.source, name.encode()):
        call = ident.parent
        if (
            ident.type != "identifier"
            or call is None
            or call.type != "call_expression"
            or call.child_by_field_name("function") != ident
        ):
            continue
        binding = ctx.types.lookup(ident)
        if binding is None or binding.kind == FUNC:
            yield call


def store_target(value: Node) -> tuple[Node, Node] | None:
    """(the assignment, its target, unparenthesised) when `value` is one of the values of a
    plain `=` assignment with as many targets: `s.t = time.NewTicker(d)`, `s.a, s.cancel = a,
    cancel`. The caller passes the outermost parenthesised expression it means."""
    found = paired_target(value)
    if found is None or text(found[0].child_by_field_name("operator")) != "=":
        return None
    return found[0], unparen(found[1])


def plain_path(node: Node) -> bool:
    """`s.t`, `s.inner.t`, `heartbeat`: identifiers and fields only (evaluating it twice is
    harmless)."""
    return bool(root_identifier(node))


def replaced(
    ctx: FileContext, func: Node, store: Node, target: Node, release: Release
) -> Replaced | None:
    """Whether `store` (an assignment in `func`, the innermost function around it) replaces
    what `target` (`x.f`, a plain path, or a package variable) held before, with nothing
    releasing it: the store is in a loop, or the function can run again on the same object
    (`runs_again`). None when that is not shown, or when the function handles the old value:

    - `func` is a function literal used as a value (a callback, a `sync.Once`'s `Do`): when
      it runs is not known. A literal called or started in place counts as its function;
    - the field belongs to an object the function makes (a constructor: once per object);
    - the function uses the field (variable) other than by assigning it or reading one of
      `release.reads` (a nil check, a release, a copy), or calls a function of the package
      that releases it;
    - the loop releases it in sequence with the store, or the caller before a call that runs
      the function again (in a loop: in sequence with the call).
    """
    variable = target.type == "identifier"  # a package variable
    root = root_identifier(target)
    if not root:
        return None
    field = text(target) if variable else text(target.child_by_field_name("field"))
    owner = named_function(func)
    if owner is None:
        return None  # a callback or a sync.Once literal: when it runs is not known
    named, outer_loop = owner
    if (
        not variable
        and root != receiver_name(named)
        and (fresh_local(func, root) or fresh_local(named, root))
    ):
        return None  # a new object's field: set once per object (a constructor)
    if variable:
        if variable_used(named, target, release.reads):
            return None  # the old value is released, checked or kept first: handled here
    elif field_mentioned(
        named, field, lambda selector: selector == target or member_read(selector, release.reads)
    ):
        return None
    files = package_files(ctx)
    pattern = release.pattern(field, variable)
    releasers = _releasers(ctx, files, pattern)
    own = text(named.child_by_field_name("name"))
    if released_in(named, None, rb"(?!)", releasers, skip=own):
        return None  # calls a function that releases it
    name = function_name(named) or "the function"
    loops = loops_around(store, func)
    if not loops and outer_loop is not None:
        loops = [outer_loop]
    if loops:
        if released_in_loop(loops[0], store, pattern, releasers):
            return None
        return Replaced(named, name, field, files, loops, None)

    def released(caller: Node, at: Node, loop: Node | None) -> bool:
        if loop is not None:
            return released_in_loop(loop, at, pattern, releasers, called_name(at))
        body = caller.child_by_field_name("body")
        return body is not None and released_in(
            body, at.start_byte, pattern, releasers, called_name(at)
        )

    holder = None if variable else holder_index(named, root)
    again = runs_again(named, package_name(ctx), files, released, holder)
    if again is None:
        return None
    return Replaced(named, name, field, files, [], again)


def _releasers(ctx: FileContext, files: Files, pattern: bytes) -> set[str]:
    """The package's functions that release the held value (match `pattern`), found once per
    package."""
    if not files_of(ctx.package):
        return releasing_functions(files, pattern)  # a file alone: nothing to keep
    cache = state(ctx.package).setdefault("replaced.releasers", {})
    assert isinstance(cache, dict)
    if pattern not in cache:
        cache[pattern] = releasing_functions(files, pattern)
    found: set[str] = cache[pattern]
    return found


def member_read(node: Node, members: frozenset[str]) -> bool:
    """`node.C` (or a call `node.C()`) for a member `C` in `members`: a ticker's `.C` in
    `Release.reads`, a context's `ctx.Done()`."""
    parent = node.parent
    return (
        parent is not None
        and parent.type == "selector_expression"
        and parent.child_by_field_name("operand") == node
        and text(parent.child_by_field_name("field")) in members
    )


def variable_used(func: Node, target: Node, reads: frozenset[str] = frozenset()) -> bool:
    """Whether `func` uses the package variable `target` names other than by assigning it
    (`heartbeat = ...`, as `target` does) or reading one of `reads` (a ticker's `.C`): a nil
    check, a release, a copy."""
    body = func.child_by_field_name("body")
    if body is None:
        return False
    name = text(target)
    for ident in captures("(identifier) @id", body).get("id", []):
        if ident == target or text(ident) != name:
            continue
        if member_read(ident, reads) or _assigned_to(ident):
            continue
        return True
    return False


def held_types(ctx: FileContext, files: Files, target: Node, field: str) -> set[str]:
    """The declared types (spaces removed) of what `target` stores into: the package
    variable's, or those of every struct field called `field` in the package."""
    if target.type == "identifier":
        binding = ctx.types.lookup(target)
        return {"".join((binding.type or "?").split())} if binding is not None else set()
    return field_types(files, field)


def release_old_first(
    ctx: FileContext, store: Node, held: str, release: str, what: str
) -> tuple[TextEdit | None, str | None]:
    """(the edit inserting `if s.t != nil { s.t.Stop() }` (`release`) before `store`, None)
    or, when the store is a statement header (`if s.t = ...; ...`) where nothing can go
    before it, (None, why there is no fix: `what` is stored there)."""
    if store.parent is None or store.parent.type != "statement_list":
        return None, f"no automatic fix: the {what} is stored in a statement header"
    indent = line_indent(ctx.source, store.start_byte)
    guard = f"if {held} != nil {{\n{indent}\t{release}\n{indent}}}\n{indent}"
    return TextEdit(store.start_byte, store.start_byte, guard), None


# --- does the function run again on the same object ---------------------------------------------

# Exported methods named so are meant to be called again on a live object.
_AGAIN_WORDS = (
    "restart",
    "reset",
    "reload",
    "reconnect",
    "reconfigure",
    "reopen",
    "renew",
    "refresh",
    "resume",
    "reschedule",
    "rearm",
    "update",
    "change",
)


@dataclass(frozen=True)
class RunsAgain:
    """Why a function can run more than once on the same object, and whether the number of
    runs is open-ended (`grows`) or fixed by code that runs once (main calling it twice)."""

    reason: str
    grows: bool
    # (path, start, end, message) of the calls that run it again, for related locations
    calls: tuple[tuple[str, int, int, str], ...] = ()


def restart_like(name: str) -> bool:
    """An exported method name meant for calling again: `Restart`, `Reset`, `SetInterval`."""
    if not name[:1].isupper():
        return False
    lower = name.lower()
    if lower.startswith("set") and len(name) > 3 and name[3].isupper():
        return True
    return lower.startswith(_AGAIN_WORDS)


def named_function(func: Node) -> tuple[Node, Node | None] | None:
    """The function declaration or method whose run runs `func`: `func` itself, or the one a
    function literal is called or started in (`go func() {...}()`), with the loop around that
    call when there is one; None for a literal used as a value (a callback, a `Once.Do`)."""
    loop: Node | None = None
    hops = 0
    while func.type == "func_literal" and hops < 4:
        hops += 1
        call = func.parent
        if call is None or call.type != "call_expression":
            return None
        if call.child_by_field_name("function") != func:
            return None
        outer = enclosing_function(call)
        if outer is None:
            return None
        if loop is None:
            loop = _loop_in(call, outer)
        func = outer
    if func.type == "func_literal":
        return None
    return func, loop


def _loop_in(node: Node, func: Node) -> Node | None:
    for anc in ancestors(node):
        if anc == func or anc.type in FUNCTION_NODES:
            return None
        if anc.type == "for_statement":
            return anc
    return None


def fresh_local(func: Node, name: str) -> bool:
    """Whether `name` is a variable that `func` declares in its body (`s := &Server{}`,
    `var s Server`): an object made by this call, not one that lives on between calls."""
    body = func.child_by_field_name("body")
    if body is None or not name:
        return False
    code = body.text or b""
    word = re.escape(name.encode())
    return (
        re.search(rb"(?:^|[\s;{(])" + word + rb"(?:\s*,\s*\w+)*\s*:=", code) is not None
        or re.search(rb"\bvar\s+" + word + rb"\b", code) is not None
    )


def runs_again(
    func: Node,
    package: str,
    files: Mapping[str, tuple[bytes, Tree]],
    released: Callable[[Node, Node, Node | None], bool],
    holder: int | None = None,
    _depth: int = 0,
) -> RunsAgain | None:
    """Why `func` (a function or method of the package) can run again on the same object
    with nothing released in between, or None when that is not shown.

    Shown when: it is an exported method named for calling again (`Reset`, `Restart`,
    `SetInterval`: see `restart_like`); a caller calls it in a loop; two callers or more call
    it; or its one caller runs again itself (two levels up). A call counts only when it can
    run on a live object: not in a `_test.go` file (unless `func` is in one), not on an
    object the caller has just made (`s := &S{}; s.start()`), and not after `released(caller,
    call, None)` says the value was released before the call (for a call in a loop:
    `released(caller, call, loop)`, anywhere in the loop's body). A method is matched by
    name; when several receiver types of the package declare that name, only calls on the
    caller's own receiver of the same type count. Function values (`time.AfterFunc(d,
    s.reset)`) are not followed.

    `holder` is the index of the parameter that holds the object (`func (c *setPeriod)
    handle(w *worker)` storing into `w.timer`), None when it is the receiver (or a package
    variable): then the object of a call is that argument, and a call of a method that
    several types declare (an interface's, dispatched `cmd.handle(w)`) counts in a loop.
    """
    name = function_name_of(func)
    if not name or name in ("main", "init"):
        return None
    method = func.type == "method_declaration"
    if method and restart_like(name):
        return RunsAgain(f"{name} is an exported method meant to be called again", True)
    own_root = func
    while own_root.parent is not None:
        own_root = own_root.parent
    own_path = next(
        (p for p, (_s, tree) in files.items() if tree.root_node == own_root),
        "",
    )
    in_test = own_path.endswith("_test.go")
    recv = receiver_type(func)
    ambiguous = method and _declared_types(name, files) > 1
    unreleased: list[tuple[str, Node, Node]] = []  # (path, call, caller)
    for path, (source, tree) in sorted(files.items()):
        if path.endswith("_test.go") and not in_test:
            continue
        if name.encode() not in source:
            continue
        for ident in tokens(tree.root_node, source, name.encode()):
            call, operand = _call_of(ident, method)
            if call is None:
                continue
            caller = enclosing_function(call)
            if caller is None or caller == func:
                continue
            outer = named_function(caller)
            named = outer[0] if outer is not None else caller
            loop = _loop_in(call, caller)
            if loop is None and outer is not None and outer[1] is not None:
                loop = outer[1]
            if holder is not None:
                args = _arguments(call)
                root_name = root_identifier(args[holder]) if holder < len(args) else ""
                if not root_name or (ambiguous and loop is None):
                    continue  # an unknown object; a dispatched call runs again in loops only
            else:
                root_name = root_identifier(operand) if operand is not None else ""
                if ambiguous and (
                    receiver_type(named) != recv or root_name != receiver_name(named)
                ):
                    continue
            if (
                (method or holder is not None)
                and root_name
                and root_name != receiver_name(named)
                and (fresh_local(caller, root_name) or fresh_local(named, root_name))
            ):
                continue  # a new object: its first run
            where = function_name_of(named) or "a function literal"
            if loop is not None:
                if released(caller, call, loop):
                    continue
                message = f"{where} calls {name} in a loop"
                return RunsAgain(message, True, ((path, call.start_byte, call.end_byte, message),))
            if released(caller, call, None):
                continue
            unreleased.append((path, call, named))
    if not unreleased:
        return None
    callers = sorted({function_name_of(c) or "a function literal" for _p, _c, c in unreleased})
    calls = tuple(
        (path, call.start_byte, call.end_byte, f"{function_name_of(caller)} calls {name} here")
        for path, call, caller in unreleased[:3]
    )
    if len(unreleased) >= 2:
        grows = not all(runs_once(c, package, files) for _p, _c, c in unreleased)
        if len(callers) > 1:
            reason = f"{' and '.join(callers[:3])} call {name}"
        else:
            times = "twice" if len(unreleased) == 2 else f"{len(unreleased)} times"
            reason = f"{callers[0]} calls {name} {times}"
        return RunsAgain(reason, grows, calls)
    _path, _call, caller = unreleased[0]
    caller_name = function_name_of(caller)
    if caller.type == "method_declaration" and restart_like(caller_name):
        return RunsAgain(
            f"{caller_name} calls {name}, and {caller_name} is an exported method meant to be "
            "called again",
            True,
            calls,
        )
    if _depth < 1 and caller.type != "func_literal":
        args = _arguments(_call) if holder is not None else []
        obj = root_identifier(args[holder]) if holder is not None and holder < len(args) else ""
        if holder is None:
            obj = root_identifier(_call_of_operand(_call))
        again = runs_again(caller, package, files, released, holder_index(caller, obj), _depth + 1)
        if again is not None:
            return RunsAgain(
                f"{caller_name} calls {name}, and {again.reason}", again.grows, calls + again.calls
            )
    return None


def _declared_types(name: str, files: Mapping[str, tuple[bytes, Tree]]) -> int:
    """How many receiver types of the package declare a method `name`."""
    pattern = re.compile(
        rb"^func\s*\(\s*\w*\s*\*?\s*(\w+)[^)]*\)\s*" + re.escape(name.encode()) + rb"\b", re.M
    )
    types = {m.group(1) for source, _tree in files.values() for m in pattern.finditer(source)}
    return len(types)


def _call_of(ident: Node, method: bool) -> tuple[Node | None, Node | None]:
    """(the call, the operand of `x.name`) when `ident` names the function called."""
    node = ident.parent
    operand = None
    if method:
        if node is None or node.type != "selector_expression":
            return None, None
        if node.child_by_field_name("field") != ident:
            return None, None
        operand = node.child_by_field_name("operand")
        ident, node = node, node.parent
    elif ident.type != "identifier":
        return None, None
    if node is None or node.type != "call_expression":
        return None, None
    if node.child_by_field_name("function") != ident:
        return None, None
    return node, operand


def root_identifier(node: Node) -> str:
    """`s` for `s`, `s.inner` or `s.inner.x`; "" for anything else."""
    node = unparen(node)
    while node.type == "selector_expression":
        operand = node.child_by_field_name("operand")
        if operand is None:
            return ""
        node = unparen(operand)
    return text(node) if node.type == "identifier" else ""


def releasing_functions(files: Mapping[str, tuple[bytes, Tree]], pattern: bytes) -> set[str]:
    """The names of the package's functions and methods whose body matches `pattern` (a
    regexp for the release: `\\.t\\.Stop\\(`), so that a call to them releases too."""
    found: set[str] = set()
    regexp = re.compile(pattern)
    for source, tree in files.values():
        matches = [m.start() for m in regexp.finditer(source)]
        if not matches:
            continue
        for decl in tree.root_node.named_children:
            if decl.type not in ("function_declaration", "method_declaration"):
                continue
            if any(decl.start_byte <= at < decl.end_byte for at in matches):
                found.add(function_name_of(decl))
    found.discard("")
    return found


def released_in(
    region: Node, before: int | None, pattern: bytes, releasers: set[str], skip: str = ""
) -> bool:
    """Whether the code of `region` (up to byte `before` when given) releases: matches
    `pattern`, or calls one of `releasers` (other than `skip`)."""
    code = region.text or b""
    if before is not None:
        code = code[: max(0, before - region.start_byte)]
    if re.search(pattern, code):
        return True
    names = [n for n in releasers if n != skip]
    if not names:
        return False
    calls = re.compile(rb"\b(" + b"|".join(re.escape(n.encode()) for n in names) + rb")\s*\(")
    return calls.search(code) is not None


def field_types(files: Mapping[str, tuple[bytes, Tree]], field: str) -> set[str]:
    """The types (as written, spaces removed) of the struct fields called `field` that the
    package declares."""
    out: set[str] = set()
    word = field.encode()
    for source, tree in files.values():
        if word not in source:
            continue
        for ident in tokens(tree.root_node, source, word):
            decl = ident.parent
            if ident.type != "field_identifier" or decl is None:
                continue
            if decl.type != "field_declaration":
                continue
            type_node = decl.child_by_field_name("type")
            if type_node is not None:
                out.add("".join(text(type_node).split()))
    return out


def field_mentioned(func: Node, field: str, allowed: Callable[[Node], bool]) -> bool:
    """Whether `func` (with its function literals) uses `X.field` anywhere `allowed` does not
    accept (a nil check, a call, a Stop, a copy): the function then handles the old value.
    Plain assignments to it (`s.t = time.NewTicker(other)` in another branch, `s.t = nil`)
    handle nothing and are accepted."""
    for node in _field_nodes(func, field.encode()):
        selector = node.parent
        if selector is None or selector.type != "selector_expression":
            continue
        if not allowed(selector) and not _assigned_to(selector):
            return True
    return False


def _assigned_to(node: Node) -> bool:
    """`node` is a target of a plain `=` assignment."""
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    holder = assigned_by(node)
    return holder is not None and text(holder.child_by_field_name("operator")) == "="


def _field_nodes(func: Node, word: bytes) -> list[Node]:
    """The `field_identifier` nodes spelling `word` inside `func`."""
    code = func.text or b""
    out = []
    pos = code.find(word)
    size = len(word)
    while pos != -1:
        end = pos + size
        before = code[pos - 1 : pos] if pos else b""
        after = code[end : end + 1]
        if before in (b".", b" ", b"\t", b"\n") and (not after or after not in _WORD):
            start = func.start_byte + pos
            node = func.descendant_for_byte_range(start, start + size)
            if node is not None and node.type == "field_identifier":
                out.append(node)
        pos = code.find(word, end)
    return out


_WORD = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"


def _arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    return [c for c in args.named_children if c.type != "comment"] if args is not None else []


def _call_of_operand(call: Node) -> Node:
    """`s` of `s.start()` (the call itself when there is no operand)."""
    function = call.child_by_field_name("function")
    if function is not None and function.type == "selector_expression":
        operand = function.child_by_field_name("operand")
        if operand is not None:
            return operand
    return call


def holder_index(func: Node, name: str) -> int | None:
    """The index of `func`'s parameter called `name`, or None (its receiver, a package
    variable, anything else): what `runs_again` takes as `holder`."""
    params = func.child_by_field_name("parameters")
    if params is None or not name or name == receiver_name(func):
        return None
    index = 0
    for decl in params.named_children:
        if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        names = decl.children_by_field_name("name")
        if not names:
            index += 1
            continue
        for ident in names:
            if text(ident) == name:
                return index
            index += 1
    return None


def released_in_loop(
    loop: Node, at: Node, pattern: bytes, releasers: set[str], skip: str = ""
) -> bool:
    """Whether the body of `loop` releases on the way from `at` (a call or a store in it) to
    its next run: a release (as in `released_in`) in sequence with `at`, before or after it,
    not in another branch of an `if`, `switch` or `select` (a `case <-quit: s.t.Stop()`
    beside the `case` that replaces the ticker releases nothing between two replacements).
    A release in an `if` in sequence with `at` is given the benefit of the doubt."""
    code = loop.text or b""
    found = [m.start() for m in re.finditer(pattern, code)]
    names = [n for n in releasers if n != skip]
    if names:
        calls = re.compile(rb"\b(" + b"|".join(re.escape(n.encode()) for n in names) + rb")\s*\(")
        found += [m.start() for m in calls.finditer(code)]
    for offset in found:
        start = loop.start_byte + offset
        node = loop.descendant_for_byte_range(start, start + 1)
        if node is not None and _in_sequence(node, at, loop):
            return True
    return False


_SWITCHES = frozenset({"select_statement", "expression_switch_statement", "type_switch_statement"})


def _in_sequence(node: Node, other: Node, top: Node) -> bool:
    """Whether `node` and `other` are not in two arms of one `select`, `switch` or `if`
    (below `top`): then a pass that runs one can run the other. A release nested in an
    `if` of its own gets the benefit of the doubt."""
    lca = node
    while lca is not None and not (
        lca.start_byte <= other.start_byte and other.end_byte <= lca.end_byte
    ):
        lca = lca.parent
    if lca is None or not (top.start_byte <= lca.start_byte and lca.end_byte <= top.end_byte):
        return False
    if lca.type in _SWITCHES:
        return False  # two cases of one select or switch
    if lca.type == "if_statement":
        arms = [
            c
            for c in (
                lca.child_by_field_name("consequence"),
                lca.child_by_field_name("alternative"),
            )
            if c is not None
        ]
        holds_node = next((a for a in arms if a.start_byte <= node.start_byte < a.end_byte), None)
        holds_other = next((a for a in arms if a.start_byte <= other.start_byte < a.end_byte), None)
        return not (holds_node and holds_other and holds_node != holds_other)
    return True


def called_name(call: Node) -> str:
    """`start` for `s.start()` or `start()`: the function a call calls, by name ("" for
    anything else). A release found by calling a function of that very name is the call
    itself (a method several types declare), not a release."""
    function = call.child_by_field_name("function") if call.type == "call_expression" else None
    if function is None:
        return ""
    if function.type == "selector_expression":
        return text(function.child_by_field_name("field"))
    return text(function) if function.type == "identifier" else ""
