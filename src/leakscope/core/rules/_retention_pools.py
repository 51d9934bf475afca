"""Pooled buffers given back: the retention rules' model of a `sync.Pool` round trip.

A function takes an object from a pool (`bp := bufPool.Get().(*[]byte)`, or through a getter
of the package, `bb := getBuffer()`) and gives it back (`bufPool.Put(bp)`, `defer
putBuffer(bb)`, `defer f.release()`, or a release function it returns). Whatever still points
into the object's bytes after that (`(*bp)[:n]`, `bb.B[a:b]`, `buf.Bytes()`) shares memory
with the pool's next user, who overwrites it: a view kept past the give-back is a correctness
bug as well as retention, reported as a view (`Source.next_op == "pool"`) whose fix is a copy.

What is recognised, by syntax and the package's own declarations:
- a pool: an expression whose type is `sync.Pool`, or whose name ends in "pool" (`bufPool`,
  `p.framePool`);
- a getter: a function of the package with one result whose body takes from a pool;
- a putter: a function of the package that puts a parameter back into a pool
  (`func putBuffer(b *ByteBuffer) { b.B = b.B[:0]; bbPool.Put(b) }`), or a method that puts
  its receiver or a field of it back (`func (f frame) release() { framePool.Put(f.buf) }`);
- the give-back of a local: a putter or `Put` call passing it, deferred, placed after the use,
  or in a deferred closure.

An object taken from a pool and not given back in the function is handed on (to a queue, to
the caller): its owner decides, and it is not a view here.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from leakscope.core.rules._retention_syntax import _args, _flat
from leakscope.core.syntax import text, unparen

# A pool by its name (`bufPool`, `framePool`), when its type is not known.
POOL_NAME = re.compile(r"(?i)pool$")
# Names declared as pools in a package: `var bufPool sync.Pool`, `bufPool = sync.Pool{`,
# `framePool: &sync.Pool{`, a field `pool *sync.Pool`.
_DECLARED = re.compile(rb"\b(\w+)\s*(?::?=\s*&?\s*|\s+\*?|:\s*&?\s*)sync\.Pool\b")
_GET = re.compile(rb"([A-Za-z_][\w.]*)\s*\.\s*Get\(\s*\)")
_PUT = re.compile(rb"([A-Za-z_][\w.]*)\s*\.\s*Put\(\s*&?\s*([A-Za-z_]\w*)")
# A getter's result: a pointer, a slice or a named type (not an int, a bool or an error).
_SCALAR = frozenset({"bool", "error", "int", "int64", "uint64", "string", "any", "interface{}"})
# The most statements a getter has (`v := pool.Get(); if v == nil { ... }; return v.(*T)`).
_GETTER_STATEMENTS = 6


def declared_pools(sources: list[bytes]) -> frozenset[str]:
    """The names the package declares with type `sync.Pool` (variables and fields)."""
    return frozenset(
        m.group(1).decode()
        for s in sources
        if b"sync.Pool" in s  # (few files declare one: a cheap test first)
        for m in _DECLARED.finditer(s)
    )


def is_pool(expr_text: str, declared: frozenset[str]) -> bool:
    """Whether the expression `expr_text` (`bufPool`, `s.pool`) names a pool."""
    last = expr_text.rsplit(".", 1)[-1]
    return bool(POOL_NAME.search(last)) or last in declared


def pool_get(call: Node, declared: frozenset[str]) -> str | None:
    """The pool `call` takes from (`bufPool.Get()`, also asserted: `.(*[]byte)`), or None."""
    call = unparen(call)
    if call.type == "type_assertion_expression":
        call = unparen(call.child_by_field_name("operand") or call)
    func = call.child_by_field_name("function") if call.type == "call_expression" else None
    if func is None or func.type != "selector_expression" or _args(call):
        return None
    pool = func.child_by_field_name("operand")
    if text(func.child_by_field_name("field")) != "Get" or pool is None:
        return None
    name = _flat(text(pool))
    return name if is_pool(name, declared) else None


def getter_pool(decl: Node, declared: frozenset[str]) -> str | None:
    """The pool the function `decl` takes its one result from (`func getBuffer() *ByteBuffer
    { v := bbPool.Get(); ...; return v.(*ByteBuffer) }`), or None."""
    result = decl.child_by_field_name("result")
    body = decl.child_by_field_name("body")
    if result is None or body is None or body.named_child_count > _GETTER_STATEMENTS:
        return None
    kind = _flat(text(result)).strip("()")
    if "," in kind or kind in _SCALAR:
        return None
    for match in _GET.finditer(body.text or b""):
        name = match.group(1).decode()
        if is_pool(name, declared):
            return name
    return None


def putter_position(decl: Node, declared: frozenset[str]) -> int | None:
    """Which value the function `decl` puts back into a pool: the index of a parameter, -1
    for the receiver (or a field of it), or None."""
    body = decl.child_by_field_name("body")
    if body is None:
        return None
    put = {
        m.group(2).decode()
        for m in _PUT.finditer(body.text or b"")
        if is_pool(m.group(1).decode(), declared)
    }
    if not put:
        return None
    receiver = decl.child_by_field_name("receiver")
    if receiver is not None and _names(receiver) & put:
        return -1
    params = decl.child_by_field_name("parameters")
    for index, name in enumerate(_param_list(params)):
        if name in put:
            return index
    return None


def _names(params: Node) -> set[str]:
    return set(_param_list(params))


def _param_list(params: Node | None) -> list[str]:
    """The parameter names of a parameter list, in order (`_` and unnamed ones included, as
    "_", to keep positions)."""
    names: list[str] = []
    for decl in params.named_children if params is not None else ():
        if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        idents = decl.children_by_field_name("name")
        names.extend(text(i) for i in idents) if idents else names.append("_")
    return names
