"""## What it does
Finds a slice of pointers (or of values holding pointers) kept somewhere long-lived that is
resliced past its head or its tail without clearing the elements it drops:

```go
q.items = q.items[1:]          // pop from the front
s.stack = s.stack[:len(s.stack)-1] // pop from the back
*h = old[0 : n-1]              // container/heap's Pop
s.pending = s.pending[:0]      // reset for reuse
c.entries = kept               // an in-place filter: kept := c.entries[:0], the kept appended
```

Long-lived means a field reached through a pointer (a pointer receiver, a pointer parameter, a
pointer-typed local), a package-level variable, or `*p` for a pointer `p`; reslicing a local
slice is not reported. The element type must be known to hold pointers: pointers, maps,
slices, channels, functions, interfaces (`any`, `error`, the package's interfaces, a few
well-known standard ones), or a struct of this package with such a field (directly or through
another local struct). **Strings do not count**: a dropped string keeps its bytes alive, but
the bytes are usually small and clearing strings is not an idiom anyone expects; slices of
numbers, strings and structs of those are never reported. Element types from other packages
(`[]pkg.T`) are unknown and stay silent, except pointers to them (`[]*pkg.T`) and the
well-known interfaces. Elements of a type parameter (`[]T` in a generic container) are
reported with **low confidence**: they hold pointers only for some instantiations.

Nothing is reported when the dropped elements are already cleared (`q.items[0] = nil`,
`clear(...)`, a loop assigning `nil` or a zero value, through the slice or a view of its
dropped part such as `tail := x[i:]`, or field by field through `d := &x[i]`), when the
enclosing loop clears each element once used (`io.MultiReader`'s `mr.readers[i] = nil`), when
only nil heads are skipped (`if x[0] != nil { return }; x = x[1:]`), when a slab hands out its
head by address (`e := &x[0]; x = x[1:]`, `it.cur = &it.items[0]`), when a tail is dropped
from a slice `make` filled from the front in the same function, and when the slice grows
(`x[:len(x)+1]`, `x[:cap(x)]`) or is resized under a capacity check (`if cap(x) >= n { x =
x[:n] }`, which may grow it).

Nor when the reslice is not a drop, or the dropped elements are still in use:

- the file re-extends the slice within its capacity (`x = x[:len(x)+1]`, `x[:cap(x)]`): a
  tail drop keeps the elements on purpose, to reuse them (or their inner arrays) later;
- the slice is reset (`x[:0]`, `x[0:0]`) or loses its last element and is appended to right
  after in the same function, or in a loop around the reslice: the appends rewrite the slots;
- the slice is reset (`x[:0]`) in one method and appended to in another (a `Reset` of a
  long-lived value that is filled again as it is used), unless the reset follows a flush
  (see Impact);
- a pop hands the element on: `v := x[len(x)-1]` (or `x[n-1]`, `x[i]` after `i := len(x)-1`)
  returned, stored in a field, a named result or an element (a swap-delete's `x[i] =
  x[len(x)-1]`), appended or sent. heap.Interface's `Pop` is the exception and stays
  reported: container/heap's documentation clears the slot (`old[n-1] = nil`), and its
  callers reach it through `heap.Pop`, so it is never treated as unused;
- the dropped elements were moved to another collection first: the head appended elsewhere
  (`dead = append(dead, x[0])`, or `v` after `if v == x[0]`), a head read into a variable that
  is appended or stored (returning it does not count: a head slot is never rewritten), a
  loop over the dropped part that appends or stores each element, or the dropped tail stored
  in a field of another value just before (`next.inodes = n.inodes[k:]; n.inodes =
  n.inodes[:k]`, splitting a node in two; a local taking it, closed and gone, does not count).

Confidence says how sure leakscope is that the dropped elements are garbage the array keeps:

- **high**: a head drop (`x = x[k:]`: append never writes those slots again, so they stay
  until the array is reallocated), a removal (a copy-delete or swap-delete, an in-place filter,
  `heap.Interface`'s `Pop`, a function named remove/delete/evict/prune/...), and Go 101's
  `return s[1:3:3]` of a slice the function made;
- **low**: other tail drops (stack pops and resets such as `x = x[:0]`, whose slots the next
  pushes overwrite), slices of function values (mostly static code), `*p` for a plain `*[]T`
  parameter (usually a cursor over the caller's slice), and type parameters.

## Impact
What a dropped element costs depends on how long the array stays and whether anything
rewrites the slot. The finding is a warning (it grows) when the slice belongs to a long-lived
value that is popped or trimmed again and again:

- a head drop (`x = x[k:]`) of a queue in a long-lived value: appends write at the end, so the
  dropped head stays until the array is reallocated, and a busy queue keeps a whole array of
  popped elements;
- a tail drop right after the dropped elements were consumed (`export(x); x = x[:0]`,
  `closeAll(x[n:]); x = x[:n]`, a range over them): a flushed batch stays whole until as many
  new elements are appended, which may be never;
- a tail drop of a slice nothing in the package appends to again (a filter, a delete, a
  truncation): the removed elements stay as long as the array;
- a package variable: it lives for the whole program.

It is minor (`info`, bounded) when the dropped elements cannot pile up or are small, and the
impact reason says which:

- the slice is appended to again in the file (a stack, a reused buffer) and the drop is at the
  tail: later appends rewrite the dropped slots, so at most the slice's peak length stays;
- it is refilled right after in the same function;
- a head drop of a queue the file makes anew when it runs dry (`if len(x) == 0 { x = make(...)
  ... }`, a literal, `nil`): the popped heads stay only until the current batch is drained;
- a head drop capped by a length check (`if len(x) > max { x = x[1:] }`, `x = x[len(x)-max:]`):
  a ring whose appends reallocate the array, so only a bounded number of dropped elements stay;
- the slice belongs to a value for one use: a type named like an iterator (`...Iter`,
  `...Iterator`) or a message (`...Msg`, `...Message`, `...Packet`) that is trimmed before it
  is written and then discarded;
- the slice is set somewhere in the file to an array made elsewhere (a parameter, another
  value's slice): its maker may still hold the elements anyway;
- the elements point to small values (`*int`, `*bool`, a pointer to a named number type);
- a test double (a type or folder named mock, fake or stub), and `_test.go` files;
- a returned view of a local slice that drops a constant few elements (`return s[1:]`,
  Go 101's `return s[1:3:3]`): they stay only as long as the caller keeps the result.

## Why is this bad?
Reslicing does not free anything: the backing array stays as it was, and the dropped elements
are still in it, out of reach of the program but not of the garbage collector. Every object
they point to stays alive until the array is reallocated by a later `append`, which may be
never (a queue that shrinks, a stack that stays small, a buffer reset with `[:0]`).

## Example
```go
type Queue struct{ items []*Job }

func (q *Queue) Pop() *Job {
        j := q.items[0]
        q.items = q.items[1:]
        return j
}
```

## Use instead
```go
func (q *Queue) Pop() *Job {
        j := q.items[0]
        q.items[0] = nil // let the Job be collected
        q.items = q.items[1:]
        return j
}
```

## Fix safety
The fix inserts, right before the reslice, statements that set the dropped elements to the
zero value of their type: `nil` for pointers, slices, maps, channels, functions and interfaces
(`any`, `error`, the package's own, and the well-known ones of other packages such as
`io.Writer` or `context.Context`), `T{}` for a struct or an array, `var zero T` for a type
parameter. One dropped element (`[1:]`, `[:len(x)-1]`, `[:n-1]` after `n := len(x)`) takes one
assignment. More take `clear(x[:n])` or `clear(x[n:])` when the module's Go version is 1.21 or
later, else a loop: `for i := n; i < len(x); i++` when the bound `n` is known to be an `int`,
otherwise a range over a view of the dropped part
(`tail := x[n:]; for i := range tail { tail[i] = nil }`), so that a bound of a named integer
type or `int32` never meets an `int` index (in a function with a `goto`, that view is declared
in a block of its own).

From Go 1.22 (the module's `go` line), a copy-delete of one element, `copy(x[i:], x[i+1:])`
right before `x = x[:len(x)-1]`, is rewritten as `x = slices.Delete(x, i, i+1)` (importing
`slices` when needed): the same removal, and `slices.Delete` zeroes the slot it drops from
the tail since Go 1.22, which is the write the clearing fix would add. It is offered under
the same conditions, safe or unsafe for the same reasons, as the clearing fix. Removals of
several elements (`copy(x[i:], x[j:])`) keep the clearing fix, as do modules before Go 1.22,
where `slices.Delete` leaves the tail as it was.

There is **no fix** when another variable still shares the dropped elements after the
reslice, however it got them (`:=`, `var`, or a plain `=` such as `closing = x[n:]` or
`a, b = x[:n], x[n:]`; the whole old slice or a view of it; a named result): clearing would
change what it sees. Nor when a bound is not a simple expression (it would be evaluated twice),
or the reslice is not a statement of its own block. A zero value is never guessed: element
types leakscope cannot tell an interface from a struct (a non-pointer `pkg.T` of another
package) are not reported at all.

The fix is **unsafe**, and its title says why, when code other than the reslice may hold the
backing array, so that clearing would change what that code sees:

- the function or method is exported and reaches the slice through its receiver or a
  parameter (go/scanner's `func (p *ErrorList) Reset() { *p = (*p)[0:0] }`, where a caller
  may still hold `err := list.Err()`); or the slice is an exported field or package variable;
- the slice is `*p` for a plain pointer parameter (a slice of the caller's), or an element of
  another collection (`m[k] = m[k][1:]`);
- anywhere in the file, the slice, a view of it, or a variable holding either is returned,
  passed to a function, stored (in a field, an element, a package variable or a composite
  literal), sent on a channel, captured by a closure, or has an element's address taken
  (`&x[i]`): a method returning it or a view of it hands it out, as go/scanner's
  `func (p ErrorList) Err() error { return p }` does. Reading or copying its elements does
  not count: indexing, `len`, `range`, `copy`, `append(other, x[i:]...)`, `clear`, and the
  sorting and searching functions of `sort` and `slices`;
- a method of its type in another file of the package returns the field's type (or, for a
  slice type, anything but plain values);
- the slice is set to something not made here (`&queue{jobs: jobs}` with a parameter, another
  slice): its array may still be used by whoever made it;
- the file slices it up to a sum or to its capacity anywhere (`x[:i+1]`, or, for a head
  drop, `x[:len(x)+1]` and `x[:cap(x)]`), which may re-extend it and find the cleared
  elements.

Otherwise the fix is **safe**: the slice is private to the package (an unexported field or
variable, not reached through the receiver or parameters of an exported function), and no code
in the file lets it, a view of it or its elements' slots out, so the dropped elements are
unreachable once the reslice is done.

## References
- Go 101, "Memory Leaking Scenarios": kind-of resource leaking by not resetting pointers in
  lost slice elements
- https://pkg.go.dev/container/heap (the PriorityQueue example's `old[n-1] = nil`)
- https://go.dev/blog/slices-intro
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from tree_sitter import Node

from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.model import (
    Applicability,
    Confidence,
    Fix,
    FixAvailability,
    Impact,
    Rule,
    Severity,
    TextEdit,
)
from leakscope.core.package_files import files_of
from leakscope.core.syntax import (
    FUNCTION_NODES,
    LOOP_NODE,
    SLICE_OPENING,
    ancestors,
    captures,
    enclosing_function,
    function_name,
    line_indent,
    masked_type_parameters,
    names_in,
    outermost_function,
    statements,
    text,
    tokens,
    unparen,
    within,
)

_IDENTS = "(identifier) @id"
# The identifiers `_defining` can give a value for (the names `:=`, `var` and `range` define).
_DEFINED = """
(short_var_declaration left: (expression_list (identifier) @id))
(var_spec name: (identifier) @id)
(range_clause left: (expression_list (identifier) @id))
"""
_ASSIGNS = "[(assignment_statement) (short_var_declaration)] @a"
_CLEARS = "[(assignment_statement) (call_expression)] @node"
_CHANGES = "[(assignment_statement) (inc_statement) (dec_statement)] @a"

_PLAIN = re.compile(
    r"bool|string|byte|rune|uintptr|u?int(8|16|32|64)?|float(32|64)|complex(64|128)"
    r"|time\.(Time|Duration|Month|Weekday)|sync\.(Mutex|RWMutex|Once)|struct\{\}"
)
# Well-known interfaces (and unsafe.Pointer) of other packages, with their import paths: their
# zero value is nil. Other types of other packages are unknown (struct or interface?).
_NILABLE_QUALIFIED = {
    "context.Context": "context",
    "io.Reader": "io",
    "io.Writer": "io",
    "io.Closer": "io",
    "io.ReadCloser": "io",
    "io.WriteCloser": "io",
    "io.ReadWriteCloser": "io",
    "io.ReadWriter": "io",
    "net.Conn": "net",
    "net.Listener": "net",
    "net.PacketConn": "net",
    "net.Addr": "net",
    "fmt.Stringer": "fmt",
    "http.Handler": "net/http",
    "http.ResponseWriter": "net/http",
    "reflect.Type": "reflect",
    "sort.Interface": "sort",
    "unsafe.Pointer": "unsafe",
}
_SIMPLE_BOUND = frozenset(
    {
        "identifier",
        "int_literal",
        "selector_expression",
        "field_identifier",
        "binary_expression",
        "parenthesized_expression",
        "call_expression",
        "argument_list",
    }
)
_ZERO_NAME = re.compile(r"(?i)^(zero|empty|nil)\w*$")


@dataclass
class _Elem:
    kind: str  # "nil" (pointer-like), "struct" (or array), "generic", "unknown"
    zero: str  # the zero value to assign, "" for a type parameter or an unknown type
    type_text: str


def check(ctx: FileContext) -> Iterator[Diagnostic]:
    assigns, returned = _candidates(ctx)
    definitions: dict[int, _Definitions] = {}  # per function, shared by resolvers
    for assign in assigns:
        diag = _check_assign(ctx, assign, definitions)
        if diag is not None:
            yield diag
    for slice_node in returned:
        diag = _check_return(ctx, slice_node, definitions)
        if diag is not None:
            yield diag


def _candidates(ctx: FileContext) -> tuple[list[Node], list[Node]]:
    """Assignments with a slice expression on the right, and slice expressions returned, in
    source order. Found from the `:` of each slice expression (a byte search), not by
    querying the whole tree."""
    assigns: list[Node] = []
    returned: list[Node] = []
    seen: set[int] = set()
    source = ctx.source
    within = ctx.root.named_descendant_for_byte_range
    for start, stop in ctx.focus if ctx.focus is not None else ((0, len(source)),):
        # `[...:` on one line (brackets nested once): where a slice expression's colon can
        # be. Every colon of the file (map keys, cases, labels) would cost a tree lookup each.
        for match in SLICE_OPENING.finditer(source, start, stop):
            first, pos = match.start(), match.end() - 1
            # The smallest named node around a `:` of a slice expression is the expression.
            slice_node = within(pos, pos + 1)
            while slice_node is not None and slice_node.type != "slice_expression":
                pos = source.rfind(b":", first, pos)
                slice_node = within(pos, pos + 1) if pos >= 0 else None
            if slice_node is None:
                continue
            values = slice_node.parent
            holder = values.parent if values is not None else None
            if holder is None or values is None or values.type != "expression_list":
                continue
            if holder.type == "assignment_statement":
                if holder.child_by_field_name("right") == values and holder.id not in seen:
                    seen.add(holder.id)
                    assigns.append(holder)
            elif holder.type == "short_var_declaration":
                # `kept := x[:0]` ... `x = kept`: an in-place filter (`_filter_of`).
                found = _filter_assignment(holder, slice_node)
                if found is not None and found.id not in seen:
                    seen.add(found.id)
                    assigns.append(found)
            elif holder.type == "return_statement" and slice_node.id not in seen:
                seen.add(slice_node.id)
                returned.append(slice_node)
    assigns.sort(key=lambda node: node.start_byte)  # (an assignment inside a literal)
    return assigns, returned


def _filter_assignment(declaration: Node, slice_node: Node) -> Node | None:
    """`x = kept` after `kept := x[:0]` in the same block, `kept` appended to in between (the
    in-place filter of SliceTricks: `for _, e := range x { if keep(e) { kept = append(kept,
    e) } }`), or None."""
    start = slice_node.child_by_field_name("start")
    end = slice_node.child_by_field_name("end")
    operand = slice_node.child_by_field_name("operand")
    left = declaration.child_by_field_name("left")
    if operand is None or left is None or left.named_child_count != 1:
        return None
    if end is None or text(end).strip() != "0" or (start is not None and text(start) != "0"):
        return None
    if slice_node.child_by_field_name("capacity") is not None:
        return None
    local = text(left.named_children[0])
    storage = _norm(operand)
    appended = False
    sibling = declaration.next_named_sibling
    while sibling is not None:
        if sibling.type == "assignment_statement" and _filter_of(sibling) == (storage, local):
            return sibling if appended else None
        name = re.escape(local.encode())
        if re.search(
            rb"\b" + name + rb"\s*=[^=]|\bappend\(\s*" + name + rb"\b", sibling.text or b""
        ):
            # Set only by a range over the slice appending one element at a time: `kept`
            # never outgrows it (the fix clears `x[len(kept):]` before `x = kept`).
            if not _filters(sibling, storage, local):
                return None
            appended = True
        sibling = sibling.next_named_sibling
    return None


def _filters(loop: Node, storage: str, local: str) -> bool:
    """Whether `loop` is `for ... range x` whose only uses of `local` append one value to
    it (`kept = append(kept, e)`)."""
    clause = next((c for c in loop.named_children if c.type == "range_clause"), None)
    over = clause.child_by_field_name("right") if clause is not None else None
    if loop.type != "for_statement" or over is None or _norm(over) != storage:
        return False
    appends = 0
    for node in captures("(assignment_statement) @a", loop).get("a", []):
        left = node.child_by_field_name("left")
        if left is None or text(left) != local:
            continue
        right = node.child_by_field_name("right")
        call = (
            unparen(right.named_children[0]) if right is not None and right.named_children else None
        )
        args = call.child_by_field_name("arguments") if call is not None else None
        values = [a for a in args.named_children if a.type != "comment"] if args else []
        if (
            call is None
            or call.type != "call_expression"
            or text(call.child_by_field_name("function")) != "append"
            or len(values) != 2
            or text(values[0]) != local
            or values[1].type == "variadic_argument"
        ):
            return False
        appends += 1
    uses = len(re.findall(rb"\b" + re.escape(local.encode()) + rb"\b", loop.text or b""))
    return appends > 0 and uses == 2 * appends


def _filter_assignment_of(assign: Node) -> Node | None:
    """The declaration `kept := x[:0]` that the assignment `x = kept` closes the in-place
    filter of (`_filter_assignment`), or None."""
    names = _filter_of(assign)
    sibling = assign.prev_named_sibling
    while names is not None and sibling is not None:
        if sibling.type == "short_var_declaration":
            left = sibling.child_by_field_name("left")
            right = sibling.child_by_field_name("right")
            values = right.named_children if right is not None else []
            if left is not None and text(left) == names[1] and len(values) == 1:
                value = unparen(values[0])
                if value.type == "slice_expression" and _filter_assignment(sibling, value) == (
                    assign
                ):
                    return sibling
        sibling = sibling.prev_named_sibling
    return None


def _filter_of(assign: Node) -> tuple[str, str] | None:
    """(`x`, `kept`) of an assignment `x = kept`, else None."""
    left = assign.child_by_field_name("left")
    right = assign.child_by_field_name("right")
    if text(assign.child_by_field_name("operator")) != "=" or left is None or right is None:
        return None
    if left.named_child_count != 1 or right.named_child_count != 1:
        return None
    value = unparen(right.named_children[0])
    if value.type != "identifier":
        return None
    return _norm(left.named_children[0]), text(value)


def _norm(node: Node) -> str:
    """Expression text without spaces or outer parentheses: `(*h)` -> `*h`."""
    return "".join(text(unparen(node)).split())


def _check_assign(
    ctx: FileContext, assign: Node, definitions: dict[int, _Definitions]
) -> Diagnostic | None:
    if text(assign.child_by_field_name("operator")) != "=":
        return None
    left = assign.child_by_field_name("left")
    right = assign.child_by_field_name("right")
    if left is None or right is None or left.named_child_count != 1:
        return None
    if right.named_child_count != 1:
        return None
    target = left.named_children[0]
    slice_node = right.named_children[0]
    if slice_node.type == "identifier":
        return _check_filter(ctx, assign, target, slice_node, definitions)
    if slice_node.type != "slice_expression":
        return None
    operand = slice_node.child_by_field_name("operand")
    func = enclosing_function(assign)
    if operand is None or func is None:
        return None
    operand = unparen(operand)
    storage = _norm(target)
    start = slice_node.child_by_field_name("start")
    end = slice_node.child_by_field_name("end")
    head = start is not None and text(start).strip() != "0"
    if not head and (end is None or _whole_length(end, {storage})):
        return None  # drops nothing (an alias found below can only make `len(x)` match more)
    resolver = _Resolver(ctx, func, assign, definitions)
    aliases = {storage}
    if _norm(operand) != storage:
        alias = resolver.alias_of(operand, storage)
        if alias is None:
            return None
        aliases.add(alias)
    tail = end is not None and not _whole_length(end, aliases)
    if tail and end is not None and (_grows(end) or _resized(assign, aliases)):
        return None  # `x[:len(x)+1]`, `x[:cap(x)]`: re-exposes elements, drops none
    if not head and not tail:
        return None
    elem = _kept_elements(resolver, assign, target, aliases)
    if elem is None:
        return None
    if head and not tail and _skips_nils(assign, aliases):
        return None  # `if x[0] != nil { return }; x = x[1:]`: the dropped element is nil
    pointers = resolver.element_pointers(aliases, assign)
    if head and any(index == "0" for _, index in pointers):
        return None  # `e := &x[0]; x = x[1:]`: a slab handing out its elements, still in use
    if resolver.fields_cleared({name for name, _ in pointers}):
        return None  # `d := &x[i]; ...; d.sym = nil`: cleared field by field
    if tail and not head and resolver.freshly_made(aliases, assign):
        return None  # filled from the front after make(): the dropped tail was never set
    zero_length = tail and end is not None and text(end).strip() == "0"
    judged = _judge(
        ctx, resolver, assign, target, aliases, start if head else None, end if tail else None, elem
    )
    if judged is None:
        return None  # not a drop, or the dropped elements are still in use
    impact, impact_reason = judged
    if head or (not zero_length and _removes(assign, func, end, aliases)):
        confidence = Confidence.HIGH
    else:
        confidence = Confidence.LOW  # a stack unwinding or a reset: slots get reused
    if (
        elem.kind == "generic"
        or elem.type_text.startswith("func")
        or resolver.cursor_parameter(target)
    ):
        # A type parameter may hold no pointers; function values are mostly static code;
        # `*p = (*p)[1:]` on a plain parameter is mostly a cursor over the caller's
        # short-lived slice.
        confidence = Confidence.LOW
    where = "head and tail" if head and tail else ("head" if head else "tail")
    verb = "truncated to" if zero_length else "resliced past its"
    message = (
        f"{text(target)} is {verb} {'length zero' if zero_length else where} without clearing "
        f"the dropped elements: {_held(elem)} stay reachable through the backing array"
    )
    diag = Diagnostic.at(
        assign, message, confidence=confidence, impact=impact, impact_reason=impact_reason
    )
    diag.fix, diag.no_fix_reason = _fix(
        ctx,
        resolver,
        assign,
        target,
        operand,
        start if head else None,
        end if tail else None,
        elem,
        aliases,
    )
    return diag


def _kept_elements(
    resolver: _Resolver, assign: Node, target: Node, aliases: set[str]
) -> _Elem | None:
    """The elements of the long-lived slice `target` that hold pointers, when `assign` drops
    some without clearing them first; else None."""
    if not resolver.long_lived(target):
        return None
    elem = resolver.element(target)
    if elem is None or _cleared_before(assign, aliases | resolver.views(aliases, assign)):
        return None
    return elem


def _check_filter(
    ctx: FileContext, assign: Node, target: Node, kept: Node, definitions: dict[int, _Definitions]
) -> Diagnostic | None:
    """`x = kept` closing an in-place filter (`kept := x[:0]`, the kept elements appended):
    the slots past `len(kept)` still hold the elements the filter dropped."""
    func = enclosing_function(assign)
    if func is None or _filter_assignment_of(assign) is None:
        return None
    resolver = _Resolver(ctx, func, assign, definitions)
    aliases = {_norm(target), text(kept)}
    elem = _kept_elements(resolver, assign, target, aliases)
    if elem is None:
        return None
    judged = _judge(ctx, resolver, assign, target, aliases, None, kept, elem)
    if judged is None:
        return None
    impact, impact_reason = judged
    confidence = Confidence.HIGH  # a removal: the filter drops them for good
    if (
        elem.kind == "generic"
        or elem.type_text.startswith("func")
        or resolver.cursor_parameter(target)
    ):
        confidence = Confidence.LOW
    message = (
        f"{text(target)} is filtered in place (through {text(kept)}) without clearing the "
        f"dropped elements: past len({text(kept)}), {_held(elem)} stay reachable through the "
        "backing array"
    )
    diag = Diagnostic.at(
        assign, message, confidence=confidence, impact=impact, impact_reason=impact_reason
    )
    diag.fix, diag.no_fix_reason = _fix(
        ctx, resolver, assign, target, target, None, kept, elem, aliases, filtered=True
    )
    return diag


def _check_return(
    ctx: FileContext, slice_node: Node, definitions: dict[int, _Definitions]
) -> Diagnostic | None:
    """`return s[1:3:3]` of a slice the function made: the caller keeps the whole array."""
    values = slice_node.parent
    ret = values.parent if values is not None else None
    func = enclosing_function(slice_node)
    operand = slice_node.child_by_field_name("operand")
    if ret is None or func is None or operand is None or operand.type != "identifier":
        return None
    resolver = _Resolver(ctx, func, ret, definitions)
    if not resolver.made_here(text(operand)):
        return None
    aliases = {text(operand)}
    start = slice_node.child_by_field_name("start")
    end = slice_node.child_by_field_name("end")
    capacity = slice_node.child_by_field_name("capacity")
    head = start is not None and text(start).strip() != "0"
    tail = end is not None and not _whole_length(end, aliases) and not _grows(end)
    # Past a plain `[:n]` the elements may never have been filled; a capacity bound or
    # `len(s)-k` says they were.
    tail = tail and (capacity is not None or _len_minus(end, aliases))
    if not head and not tail:
        return None
    elem = resolver.element(operand)
    if elem is None or _cleared_before(ret, aliases):
        return None
    where = "head and tail" if head and tail else ("head" if head else "tail")
    message = (
        f"returning {text(slice_node)} drops the {where} of {text(operand)} without clearing "
        f"it: {_held(elem)} stay reachable through the backing array the caller keeps"
    )
    confidence = Confidence.LOW if elem.kind == "generic" else Confidence.HIGH
    impact: Impact | None = None
    reason = ""
    if _small(resolver, elem):
        impact, reason = Impact.BOUNDED, f"the elements point to small values ({elem.type_text})"
    elif _fixed_drop(start if head else None, end if tail else None, capacity, aliases):
        impact, reason = (
            Impact.BOUNDED,
            (
                f"{text(operand)} is a local slice and a fixed few of its elements are dropped: "
                "they stay only as long as the caller keeps the result"
            ),
        )
    diag = Diagnostic.at(
        slice_node, message, confidence=confidence, impact=impact, impact_reason=reason
    )
    diag.fix, diag.no_fix_reason = _fix(
        ctx,
        resolver,
        ret,
        operand,
        operand,
        start if head else None,
        end if tail else None,
        elem,
        aliases,
    )
    return diag


def _fixed_drop(
    start: Node | None, end: Node | None, capacity: Node | None, aliases: set[str]
) -> bool:
    """A returned view that drops a constant number of elements: `s[1:]`, `s[1:3:3]`,
    `s[:len(s)-1]`."""
    if start is not None and unparen(start).type != "int_literal":
        return False
    if end is None:
        return True
    if _len_minus(end, aliases):
        right = unparen(end).child_by_field_name("right")
        return right is not None and unparen(right).type == "int_literal"
    return (
        unparen(end).type == "int_literal"
        and capacity is not None
        and unparen(capacity).type == "int_literal"
    )


def _held(elem: _Elem) -> str:
    return {
        "nil": f"the {elem.type_text} values they hold",
        "struct": f"the pointers inside the dropped {elem.type_text} values",
        "generic": f"whatever the dropped {elem.type_text} values point to",
        "unknown": f"whatever the dropped {elem.type_text} values point to",
    }[elem.kind]


def _grows(end: Node) -> bool:
    end = unparen(end)
    if end.type == "binary_expression":
        return text(end.child_by_field_name("operator")) == "+"
    return end.type == "call_expression" and text(end.child_by_field_name("function")) == "cap"


def _resized(assign: Node, aliases: set[str]) -> bool:
    """A reslice under a capacity check (`if cap(x) >= n { x = x[:n] }`): a resize that may
    grow the slice as well as shrink it."""
    caps = {f"cap({alias})" for alias in aliases}
    for node in ancestors(assign):
        if node.type in FUNCTION_NODES:
            return False
        if node.type == "if_statement":
            condition = "".join(text(node.child_by_field_name("condition")).split())
            if any(c in condition for c in caps):
                return True
    return False


def _len_minus(end: Node, aliases: set[str]) -> bool:
    end = unparen(end)
    if end.type != "binary_expression" or text(end.child_by_field_name("operator")) != "-":
        return False
    left = end.child_by_field_name("left")
    return left is not None and _whole_length(left, aliases)


_REMOVER = re.compile(
    r"(?i)^(dequeue|remove|delete|del|shift|take|poll|evict|drop|prune|purge|expire|"
    r"compact|discard|unregister|unsubscribe|release|detach)"
)


def _removes(assign: Node, func: Node, end: Node | None, aliases: set[str]) -> bool:
    """Whether the tail drop removes elements for good rather than unwinding a stack:
    a pop/remove-like function, a copy-delete, or a filter that compacted the slice."""
    name = func.child_by_field_name("name")
    if name is not None and _REMOVER.match(text(name)):
        return True
    if name is not None and text(name) == "Pop" and func.type == "method_declaration":
        result = text(func.child_by_field_name("result"))
        if result in ("any", "interface{}"):
            return True  # heap.Interface's Pop: container/heap documents the nil
    sibling = assign.prev_named_sibling
    while sibling is not None:
        if sibling.type == "expression_statement" and sibling.named_child_count:
            call = sibling.named_children[0]
            if call.type == "call_expression" and text(call.child_by_field_name("function")) == (
                "copy"
            ):
                args = call.child_by_field_name("arguments")
                first = args.named_children[0] if args is not None and args.named_children else None
                if first is not None and _norm(_slice_base(first)) in aliases:
                    return True
        if sibling.type == "for_statement":
            for node in captures(_CLEARS, sibling).get("node", []):
                if node.type != "assignment_statement":
                    continue
                left = node.child_by_field_name("left")
                for target in left.named_children if left is not None else []:
                    operand = target.child_by_field_name("operand")
                    if (
                        target.type == "index_expression"
                        and operand is not None
                        and _norm(operand) in aliases
                    ):
                        return True
        sibling = sibling.prev_named_sibling
    return False


def _slice_base(node: Node) -> Node:
    node = unparen(node)
    if node.type == "slice_expression":
        operand = node.child_by_field_name("operand")
        if operand is not None:
            return unparen(operand)
    return node


def _regrown(ctx: FileContext, aliases: set[str]) -> bool:
    """The file re-extends this slice within its capacity somewhere (`x[:len(x)+1]`,
    `x[:cap(x)]`): code that reuses old elements would see the cleared ones."""
    for alias in aliases:
        pattern = re.escape(alias).replace(r"\.", r"\s*\.\s*") + r"\s*\[\s*:[^\]]*(\+|cap\()"
        if re.search(pattern.encode(), ctx.source):
            return True
    return False


def _whole_length(end: Node, aliases: set[str]) -> bool:
    """`len(x)` (or `cap(x)`) of the same slice: nothing dropped at the tail."""
    end = unparen(end)
    if end.type != "call_expression":
        return False
    function = text(end.child_by_field_name("function"))
    args = end.child_by_field_name("arguments")
    if function not in ("len", "cap") or args is None or args.named_child_count != 1:
        return False
    return _norm(args.named_children[0]) in aliases


def _skips_nils(assign: Node, aliases: set[str]) -> bool:
    """The head drop only runs when the head is nil: an enclosing `if x[0] == nil` or an
    earlier `if x[0] != nil { return/break/continue }`."""
    heads = {f"{a}[0]" for a in aliases}
    node = assign.parent
    while node is not None and node.type not in ("function_declaration", "method_declaration"):
        if node.type == "if_statement":
            condition = "".join(text(node.child_by_field_name("condition")).split())
            if any(f"{h}==nil" in condition for h in heads):
                return True
        if node.type == "for_statement":
            body = node.child_by_field_name("body")
            for stmt in statements(body) if body is not None else []:
                if stmt.start_byte >= assign.start_byte or stmt.type != "if_statement":
                    continue
                condition = "".join(text(stmt.child_by_field_name("condition")).split())
                if any(f"{h}!=nil" in condition for h in heads):
                    return True
            break
        node = node.parent
    return False


def _tail_moved(assign: Node, aliases: set[str], end: Node) -> bool:
    """Just before `x = x[:k]`, the same function stores `x[k:]` in a field of another value
    (`next.inodes = n.inodes[splitIndex:]`, splitting a node in two): the dropped elements are
    in use there, not dropped. A local that takes the tail (`closing = x[k:]`, closed and
    gone) does not count: the array still pins them afterwards."""
    bound = _norm(end)
    tails = {f"{a}[{bound}:]" for a in aliases}
    sibling = assign.prev_named_sibling
    while sibling is not None:
        if sibling.type == "assignment_statement":
            right = sibling.child_by_field_name("right")
            left = sibling.child_by_field_name("left")
            pairs = zip(
                left.named_children if left is not None else [],
                right.named_children if right is not None else [],
                strict=False,
            )
            for target, value in pairs:
                kept = _norm(target)
                if _norm(value) in tails and "." in kept and kept not in aliases:
                    return True
        sibling = sibling.prev_named_sibling
    return False


def _handed_over(assign: Node, aliases: set[str]) -> bool:
    """The dropped elements were moved to another structure first, which keeps them alive
    anyway: the head is appended elsewhere (`dead = append(dead, x[0])`, or a value the
    enclosing `if` found equal to it: `if b == x[0] { dead = append(dead, b) }`), or an
    earlier loop over the dropped part (`for _, n := range x[mark:]`) appends or stores
    each element."""
    heads = {f"{a}[0]" for a in aliases}
    equal = set(heads)
    for node in ancestors(assign):
        if node.type in FUNCTION_NODES:
            break
        if node.type == "if_statement":
            condition = "".join(text(node.child_by_field_name("condition")).split())
            for head in heads:
                for match in re.finditer(
                    rf"(\w+)=={re.escape(head)}|{re.escape(head)}==(\w+)", condition
                ):
                    equal.add(match.group(1) or match.group(2))
    sibling = assign.prev_named_sibling
    while sibling is not None:
        for call in captures(_CLEARS, sibling).get("node", []):
            if call.type != "call_expression":
                continue
            if text(call.child_by_field_name("function")) != "append":
                continue
            args = call.child_by_field_name("arguments")
            if args is not None and any(_norm(a) in equal for a in args.named_children[1:]):
                return True
        if sibling.type == "for_statement":
            clause = next((c for c in sibling.named_children if c.type == "range_clause"), None)
            right = clause.child_by_field_name("right") if clause is not None else None
            left = clause.child_by_field_name("left") if clause is not None else None
            values = left.named_children if left is not None else []
            body = sibling.child_by_field_name("body")
            if (
                right is not None
                and body is not None
                and len(values) == 2
                and unparen(right).type == "slice_expression"
                and _norm(_slice_base(right)) in aliases
                and _stores(body, text(values[1]))
            ):
                return True
        sibling = sibling.prev_named_sibling
    return False


def _stores(body: Node, name: str) -> bool:
    """Whether `body` appends `name` to a slice or stores it in a field, element or map."""
    for node in captures(_CLEARS, body).get("node", []):
        if node.type == "call_expression":
            args = node.child_by_field_name("arguments")
            if (
                text(node.child_by_field_name("function")) == "append"
                and args is not None
                and any(text(a) == name for a in args.named_children[1:])
            ):
                return True
            continue
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            continue
        for target, value in zip(left.named_children, right.named_children, strict=False):
            if text(value) == name and target.type in ("selector_expression", "index_expression"):
                return True
    return False


def _cleared_before(assign: Node, aliases: set[str]) -> bool:
    """An earlier statement of the same block sets elements of the slice to nil/zero or
    clears it, or the enclosing loop does so on every iteration (io.MultiReader's
    `mr.readers[i] = nil // permit early GC`)."""
    places = []
    sibling = assign.prev_named_sibling
    while sibling is not None:
        places.append(sibling)
        sibling = sibling.prev_named_sibling
    loop = assign.parent
    while loop is not None and loop.type not in ("for_statement", *FUNCTION_NODES):
        loop = loop.parent
    if loop is not None and loop.type == "for_statement":
        places.append(loop)
    for place in places:
        for node in captures(_CLEARS, place).get("node", []):
            if node.type == "call_expression":
                if text(node.child_by_field_name("function")) != "clear":
                    continue
                args = node.child_by_field_name("arguments")
                if args is not None and any(a in "".join(text(args).split()) for a in aliases):
                    return True
                continue
            if text(node.child_by_field_name("operator")) != "=":
                continue
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is None or right is None:
                continue
            for target, value in zip(left.named_children, right.named_children, strict=False):
                if target.type != "index_expression":
                    continue
                indexed = target.child_by_field_name("operand")
                if indexed is None or _norm(indexed) not in aliases:
                    continue
                if _is_zero(value):
                    return True
    return False


def _is_zero(value: Node) -> bool:
    value = unparen(value)
    if value.type == "nil" or text(value) == "nil":
        return True
    if value.type == "identifier":
        return _ZERO_NAME.match(text(value)) is not None
    if value.type == "composite_literal":
        body = value.child_by_field_name("body")
        return body is not None and body.named_child_count == 0
    return "".join(text(value).split()).startswith("*new(")


# ---------------------------------------------------------------------------------------------
# Impact, and the reslices that are not worth a finding

_SCALAR = re.compile(r"bool|byte|rune|uintptr|u?int(8|16|32|64)?|float(32|64)|complex(64|128)")
# Owners that live for one use: an iterator over data made elsewhere, a message being
# built or trimmed before it is written.
_PER_USE = re.compile(r"(?i)(iter|iterator|msg|message|packet)$")
_TEST_DOUBLE = re.compile(r"(?i)(mock|fake|stub)")
_CONSUMING_SKIP = frozenset({"len", "cap", "copy", "append", "clear", "print", "println"})


def _judge(
    ctx: FileContext,
    resolver: _Resolver,
    assign: Node,
    target: Node,
    aliases: set[str],
    start: Node | None,
    end: Node | None,
    elem: _Elem,
) -> tuple[Impact | None, str] | None:
    """(impact, reason) of a reslice that drops elements (`start`: the head bound, `end`: the
    tail bound, None when that side drops nothing), or None when it is not worth a finding:
    the slice is re-extended or refilled over the dropped slots, or the dropped elements are
    still in use (popped and handed on, moved to another collection, addressed)."""
    func = resolver.func
    label = text(target)
    storage = _storage(resolver, target)
    occurrences = _occurrences(ctx, resolver, storage)
    tail_only = end is not None and start is None
    zero_length = end is not None and text(end).strip() == "0"
    single = end is not None and _pops_one(resolver, end, aliases)
    heap_pop = _heap_pop(func)
    # -- not drops
    if end is not None and _reextended(occurrences, assign):
        return None  # `x = x[:len(x)+1]` elsewhere: the dropped elements are kept for reuse
    refilled = tail_only and _refilled_after(assign, func, aliases)
    if refilled and (zero_length or single):
        return None  # `x = x[:0]` or a pop, then `x = append(x, ...)`: the slots are rewritten
    # -- dropped elements still in use
    if (
        single
        and not heap_pop
        and end is not None
        and _popped_in_use(resolver, assign, end, aliases)
    ):
        return None  # a stack or free-list pop handing the element on
    if start is not None and text(start).strip() == "1" and _head_kept(resolver, assign, aliases):
        return None  # `e := x[0]; x = x[1:]; dead = append(dead, e)`, `p.cur = &x[0]`
    if _handed_over(assign, aliases):
        return None
    if tail_only and end is not None and _tail_moved(assign, aliases, end):
        return None  # `next.items = x[k:]; x = x[:k]`: a split, the tail lives on there
    appended = _appended(occurrences, assign) or _appended_in_package(ctx, storage)
    flushed = _flushed(ctx, resolver, assign, target, aliases, start, end)
    if zero_length and appended and flushed is None:
        return None  # a reset for reuse: the slice is refilled as it is used again
    # -- impact
    if ctx.is_test:
        return None, ""  # the engine judges test code bounded
    small = _small(resolver, elem)
    if small:
        return Impact.BOUNDED, f"the elements point to small values ({elem.type_text})"
    owner = storage.owner or ""
    if _TEST_DOUBLE.search(owner) or any(
        _TEST_DOUBLE.search(part) for part in ctx.path.split("/")[:-1]
    ):
        return Impact.BOUNDED, f"{label} belongs to a test double"
    if start is not None and _capped(assign, aliases, start, resolver):
        return Impact.BOUNDED, (
            f"{label} is capped by a length check: append reallocates it, so only a bounded "
            "number of dropped elements stay"
        )
    if owner and _PER_USE.search(owner):
        return (
            Impact.BOUNDED,
            f"{label} belongs to {owner}, a value for one use (an iterator or a message)",
        )
    foreign = _set_from_elsewhere(ctx, resolver, occurrences, storage)
    if foreign is not None:
        return Impact.BOUNDED, (
            f"{label} is set to {foreign}: the slice it came from may still hold the elements"
        )
    if refilled:
        return Impact.BOUNDED, f"{label} is refilled right after: the appends rewrite the slots"
    if start is None and appended and flushed is None:
        return Impact.BOUNDED, (
            f"{label} is appended to again (a stack or a reused buffer): later appends rewrite "
            "the dropped slots, so at most its peak length stays"
        )
    if flushed is not None:
        return Impact.GROWS, (
            f"the dropped elements were just {flushed} and are done with, yet stay until as "
            "many new ones are appended"
        )
    if storage.kind == "var":
        return Impact.GROWS, f"{label} is a package variable, alive for the whole program"
    if start is not None and _made_anew(occurrences, assign):
        return Impact.BOUNDED, (
            f"{label} is made anew when it runs dry: the popped head stays only until the "
            "current batch is drained"
        )
    if start is not None:
        return Impact.GROWS, (
            f"{label} is a queue in a long-lived value: appends never rewrite the dropped head, "
            "which stays until the array is reallocated"
        )
    return Impact.GROWS, (
        f"nothing in the package appends to {label} again: the dropped elements stay as long "
        "as its array"
    )


def _heap_pop(func: Node) -> bool:
    """heap.Interface's Pop (`Pop() any`): container/heap documents clearing the slot."""
    name = func.child_by_field_name("name")
    if name is None or text(name) != "Pop" or func.type != "method_declaration":
        return False
    return text(func.child_by_field_name("result")) in ("any", "interface{}")


def _pops_one(resolver: _Resolver, end: Node, aliases: set[str]) -> bool:
    """The tail bound drops one element: `len(x)-1`, `n-1` after `n := len(x)`, or `i` after
    `i := len(x) - 1`."""
    node = unparen(end)
    if node.type == "call_expression" and text(node.child_by_field_name("function")) == "len":
        args = node.child_by_field_name("arguments")
        view = args.named_children[0] if args is not None and args.named_child_count == 1 else None
        if view is not None and view.type == "identifier":  # `len(v)` after `v := x[1:]`
            defs = resolver.defined(text(view))
            value = _defining(defs[0]) if len(defs) == 1 else None
            if value is not None and unparen(value).type == "slice_expression":
                value = unparen(value)
                low = value.child_by_field_name("start")
                return (
                    _norm(_slice_base(value)) in aliases
                    and low is not None
                    and text(low).strip() == "1"
                    and value.child_by_field_name("end") is None
                )
    if node.type == "identifier":
        ident = _visible_definition(resolver, node)
        value = _defining(ident) if ident is not None else None
        if ident is None or value is None or value.type in ("var_spec", "range_clause"):
            return False
        if _reassigned(ident):
            return False
        node = unparen(value)
    return _single_index(resolver, "", node, aliases) is not None


def _visible_definition(resolver: _Resolver, use: Node) -> Node | None:
    """The only definition of the identifier `use` whose scope (its block, or its loop for a
    loop clause) contains `use`, when it comes before `use`."""
    found = []
    for ident in resolver.defined(text(use)):
        if ident.start_byte >= use.start_byte:
            continue
        scope = ident.parent
        while scope is not None and scope.type not in ("block", LOOP_NODE, *FUNCTION_NODES):
            scope = scope.parent
        if scope is not None and within(use, scope):
            found.append(ident)
    return found[0] if len(found) == 1 else None


def _reassigned(ident: Node) -> bool:
    """A variable changed after its definition (`i--`, `i = j`, a loop counter)."""
    holder = ident.parent.parent if ident.parent is not None else None
    if holder is not None and holder.parent is not None and holder.parent.type == "for_clause":
        return True
    scope = enclosing_function(ident)
    body = scope.child_by_field_name("body") if scope is not None else None
    if body is None:
        return True
    name = text(ident)
    for assign in captures(_CHANGES, body).get("a", []):
        if _shadowed(assign, ident, name):
            continue
        if assign.type != "assignment_statement":
            if _norm(assign.named_children[0]) == name:
                return True
            continue
        left = assign.child_by_field_name("left")
        if left is not None and any(_norm(t) == name for t in left.named_children):
            return True
    return False


def _shadowed(node: Node, ident: Node, name: str) -> bool:
    """`node` lies in a loop whose own clause declares another `name` (`for i := ...; i--`)."""
    for outer in ancestors(node):
        if within(ident, outer):
            return False
        if outer.type == LOOP_NODE:
            clause = next((c for c in outer.named_children if c.type == "for_clause"), None)
            init = clause.child_by_field_name("initializer") if clause is not None else None
            left = init.child_by_field_name("left") if init is not None else None
            if left is not None and any(text(n) == name for n in left.named_children):
                return True
    return False


def _reextended(occurrences: list[tuple[Node, Node]], stmt: Node) -> bool:
    """The file sets the slice to a longer view of itself (`x = x[:len(x)+1]`, `x[:cap(x)]`):
    the elements it drops are kept on purpose, to be found again."""
    for occ, _ in occurrences:
        parent = occ.parent
        if within(occ, stmt) or parent is None or parent.type != "slice_expression":
            continue
        bound = parent.child_by_field_name("end")
        if parent.child_by_field_name("operand") != occ or bound is None:
            continue
        bound = unparen(bound)
        if bound.type == "binary_expression":  # `len(x)+1`, not `i+1` (which may be a drop)
            left = bound.child_by_field_name("left")
            if text(bound.child_by_field_name("operator")) != "+" or left is None:
                continue
            if not _whole_length(left, {_norm(occ)}):
                continue
        elif not _grows(bound):
            continue
        if _assigned_to_itself(parent, occ):
            return True
    return False


def _made_anew(occurrences: list[tuple[Node, Node]], stmt: Node) -> bool:
    """The file sets the slice to a new array somewhere else (`d.fams = make(...)`, a
    literal, `nil`): a queue refilled that way lets go of its old array, and of the heads
    popped from it, each time it is remade."""
    for occ, _ in occurrences:
        assign = occ.parent.parent if occ.parent is not None else None
        if within(occ, stmt) or assign is None or assign.type != "assignment_statement":
            continue
        left, right = assign.child_by_field_name("left"), assign.child_by_field_name("right")
        if left is None or right is None or occ.parent != left:
            continue
        if len(left.named_children) != 1 or len(right.named_children) != 1:
            continue
        value = unparen(right.named_children[0])
        if value.type in ("composite_literal", "nil"):
            return True
        if value.type != "call_expression":
            continue
        function = value.child_by_field_name("function")
        if function is not None and text(function) == "make":
            return True
    return False


def _appended(occurrences: list[tuple[Node, Node]], stmt: Node) -> bool:
    """The file appends to the slice somewhere (`x = append(x, v)`), or hands its address to a
    function that may (`addReplace(&f.Replace, ...)`)."""
    for occ, _ in occurrences:
        args = occ.parent
        if (
            args is not None
            and args.type == "unary_expression"
            and text(args.child_by_field_name("operator")) == "&"
            and args.parent is not None
            and args.parent.type == "argument_list"
            and not within(occ, stmt)
        ):
            return True
        call = args.parent if args is not None else None
        if within(occ, stmt) or args is None or call is None or args.type != "argument_list":
            continue
        if text(call.child_by_field_name("function")) != "append":
            continue
        if args.named_children and args.named_children[0] == occ and _assigned_to_itself(call, occ):
            return True
    return False


def _appended_in_package(ctx: FileContext, storage: _Storage) -> bool:
    """Another file of the package appends to the same field (`x.elems = append(x.elems,
    ...)`): a pooled encoder reset in one file and filled in another is reused, not dropped.
    Only when the package's files are at hand (a whole-package scan)."""
    if storage.kind != "field":
        return False
    name = re.escape(storage.name.encode())
    pattern = re.compile(rb"\." + name + rb"\s*=\s*append\(\s*[\w.()*]*\." + name + rb"\b")
    return any(
        pattern.search(source)
        for path, (source, _tree) in files_of(ctx.package).items()
        if path != ctx.path
    )


def _assigned_to_itself(value: Node, occ: Node) -> bool:
    """`value` (built from `occ`) is assigned back to the expression `occ` names."""
    values = value.parent
    holder = values.parent if values is not None else None
    if values is None or holder is None or holder.type != "assignment_statement":
        return False
    left = holder.child_by_field_name("left")
    if holder.child_by_field_name("right") != values or left is None:
        return False
    index = values.named_children.index(value)
    return index < left.named_child_count and _norm(left.named_children[index]) == _norm(occ)


def _refilled_after(assign: Node, func: Node, aliases: set[str]) -> bool:
    """`x = append(x, ...)` follows the reslice in the same function (or is in a loop around
    it): the appends rewrite the dropped slots."""
    body = func.child_by_field_name("body")
    loop = None
    for node in ancestors(assign):
        if node == func:
            break
        if node.type == LOOP_NODE:
            loop = node
    for node in captures(_ASSIGNS, body).get("a", []) if body is not None else []:
        if node.type != "assignment_statement" or node == assign:
            continue
        if enclosing_function(node) != func:
            continue
        if node.start_byte < assign.end_byte and (loop is None or not within(node, loop)):
            continue
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            continue
        for target, value in zip(left.named_children, right.named_children, strict=False):
            value = unparen(value)
            if _norm(target) not in aliases or value.type != "call_expression":
                continue
            args = value.child_by_field_name("arguments")
            if (
                text(value.child_by_field_name("function")) == "append"
                and args is not None
                and args.named_children
                and _norm(args.named_children[0]) in aliases
            ):
                return True
    return False


def _popped_in_use(resolver: _Resolver, assign: Node, end: Node, aliases: set[str]) -> bool:
    """A pop whose element (`x[len(x)-1]`, read before the reslice) is handed on: returned,
    stored in a field or a named result, appended, sent or put in a literal."""
    body = resolver.func.child_by_field_name("body")
    want = _norm(end)
    for node in captures("(index_expression) @i", body).get("i", []) if body else []:
        if node.start_byte >= assign.start_byte:
            continue
        operand = node.child_by_field_name("operand")
        index = node.child_by_field_name("index")
        if operand is None or index is None or _norm(operand) not in aliases:
            continue
        if _norm(index) == want and _value_kept(resolver, node, returns=True):
            return True
    return False


def _head_kept(resolver: _Resolver, assign: Node, aliases: set[str]) -> bool:
    """The head `x[0]` is read before the drop and kept elsewhere (appended, stored in a field
    or an element, sent; returning it does not count: the slot is never rewritten), or its
    address is taken (`p.cur = &x[0]`)."""
    body = resolver.func.child_by_field_name("body")
    for node in captures("(index_expression) @i", body).get("i", []) if body else []:
        if node.start_byte >= assign.start_byte:
            continue
        operand = node.child_by_field_name("operand")
        index = node.child_by_field_name("index")
        if operand is None or index is None or _norm(operand) not in aliases:
            continue
        if text(index).strip() != "0":
            continue
        parent = node.parent
        while parent is not None and parent.type == "parenthesized_expression":
            parent = parent.parent
        if (
            parent is not None
            and parent.type == "unary_expression"
            and text(parent.child_by_field_name("operator")) == "&"
        ):
            return True
        if _value_kept(resolver, node, returns=False):
            return True
    return False


def _value_kept(resolver: _Resolver, value: Node, returns: bool, depth: int = 0) -> bool:
    """Whether the value of `value` is kept beyond the statement: appended to a slice, stored
    in a field, an element, a package variable or a named result, sent, put in a literal, or
    (with `returns`) returned; followed once through a local variable."""
    node = value
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        node, parent = parent, parent.parent
    if parent is None:
        return False
    kind = parent.type
    if kind == "return_statement" or (
        kind == "expression_list"
        and parent.parent is not None
        and parent.parent.type == "return_statement"
    ):
        return returns
    if kind == "send_statement":
        return parent.child_by_field_name("value") == node
    if kind in ("literal_element", "keyed_element"):
        return True
    if kind == "argument_list":
        call = parent.parent
        function = call.child_by_field_name("function") if call is not None else None
        return text(function) == "append" and parent.named_children[0] != node
    holder = parent.parent
    if kind != "expression_list" or holder is None:
        return False
    if holder.type not in ("assignment_statement", "short_var_declaration"):
        return False
    left = holder.child_by_field_name("left")
    if holder.child_by_field_name("right") != parent or left is None:
        return False
    index = parent.named_children.index(node)
    if index >= left.named_child_count:
        return False
    place = unparen(left.named_children[index])
    if place.type != "identifier":
        return True  # a field, an element, `*p`
    name = text(place)
    if name == "_":
        return False
    if name in resolver.named_results():
        return returns
    if not resolver.is_local(name):
        return True  # a package variable
    if depth > 1:
        return False
    body = resolver.func.child_by_field_name("body")
    if body is None:
        return False
    span = ((place.end_byte, body.end_byte),)
    for ident in tokens(resolver.ctx.root, resolver.ctx.source, name.encode(), span):
        if ident.type == "identifier" and _value_kept(resolver, ident, returns, depth + 1):
            return True
    return False


def _flushed(
    ctx: FileContext,
    resolver: _Resolver,
    assign: Node,
    target: Node,
    aliases: set[str],
    start: Node | None,
    end: Node | None,
) -> str | None:
    """How the dropped elements were consumed just before a tail drop (`export(x); x =
    x[:0]`, `closeAll(x[n:]); x = x[:n]`, `for _, p := range x { ... }; x = x[:0]`):
    "passed to export", "ranged over"; None when they were not."""
    if end is None or start is not None:
        return None
    zero = text(end).strip() == "0"
    bound = _norm(end)
    func = resolver.func
    for occ in _same_expressions(ctx, func, target):
        if occ.start_byte >= assign.start_byte or enclosing_function(occ) != func:
            continue
        node = occ
        parent = node.parent
        if parent is not None and parent.type == "slice_expression":
            low = parent.child_by_field_name("start")
            high = parent.child_by_field_name("end")
            if parent.child_by_field_name("operand") != node or high is not None:
                continue
            if low is None or _norm(low) != bound:
                continue
            node, parent = parent, parent.parent  # `x[n:]`: the dropped part
        elif not zero:
            continue
        if parent is None:
            continue
        if parent.type == "range_clause" and parent.child_by_field_name("right") == node:
            return "ranged over"
        if parent.type == "variadic_argument":
            parent = parent.parent
        if parent is not None and parent.type == "argument_list" and parent.parent is not None:
            function = parent.parent.child_by_field_name("function")
            name = text(function)
            if name in _CONSUMING_SKIP or function is None:
                continue
            if function.type == "selector_expression":
                operand = function.child_by_field_name("operand")
                package = ctx.imports.get(text(operand)) if operand is not None else None
                if package in _NON_RETAINING:
                    continue
            return f"passed to {name}"
    return None


def _capped(assign: Node, aliases: set[str], start: Node, resolver: _Resolver) -> bool:
    """A head drop that keeps the slice at most some length: under `if len(x) > max` (or
    `>=`, `==`, not against 0 or 1), or by a bound `len(x) - max`."""
    bound = unparen(start)
    if bound.type == "identifier":
        defs = resolver.defined(text(bound))
        value = _defining(defs[0]) if len(defs) == 1 else None
        if value is not None and value.type not in ("var_spec", "range_clause"):
            bound = unparen(value)
    if _len_minus(bound, aliases):
        return True
    lengths = "|".join(re.escape(f"len({a})") for a in aliases)
    limit = r"(?!(0|1)(\W|$))[\w.()]+"
    pattern = re.compile(rf"(?:{lengths})(?:>|>=|==){limit}|{limit}(?:<|<=|==)(?:{lengths})")
    for node in ancestors(assign):
        if node.type in FUNCTION_NODES:
            return False
        if node.type == "if_statement":
            condition = "".join(text(node.child_by_field_name("condition")).split())
            if pattern.search(condition):
                return True
    return False


def _small(resolver: _Resolver, elem: _Elem) -> bool:
    """Pointers to numbers or booleans (`*int`, `*ID` for `type ID int64`): each dropped
    element keeps a few bytes."""
    if not elem.type_text.startswith("*"):
        return False
    pointee = resolver.underlying(elem.type_text[1:]) or ""
    return _SCALAR.fullmatch(pointee) is not None


def _set_from_elsewhere(
    ctx: FileContext,
    resolver: _Resolver,
    occurrences: list[tuple[Node, Node]],
    storage: _Storage,
) -> str | None:
    """The value the file sets the slice to when that is an array made elsewhere (a
    parameter, another value's slice), as `items (in newIter)`; None when every value set
    is made here."""
    if storage.kind not in ("field", "var"):
        return None
    for occ, where in occurrences:
        use = _use(ctx, occ, _norm(occ))
        if use.kind != "target" or use.node is None:
            continue
        held = "" if occ.type == "literal_element" or _is_key(occ) else _norm(occ)
        if _made(resolver.at_function(where, occ), use.node, held):
            continue
        value = unparen(use.node)
        if value.type == "slice_expression" and held:
            operand = value.child_by_field_name("operand")
            if operand is not None and _norm(operand) == held:
                continue  # a reslice of itself
        return f"{text(use.node)} (in {function_name(where)})"
    return None


# ---------------------------------------------------------------------------------------------
# Types


@dataclass
class _Definitions:
    """A function's local definitions: some names, or (complete) all of them."""

    names: dict[str, list[Node]] = dataclass_field(default_factory=dict)
    complete: bool = False


class _Resolver:
    """Just enough typing of the reslice's target: where it lives and what it holds."""

    def __init__(
        self,
        ctx: FileContext,
        func: Node,
        at: Node,
        definitions: dict[int, _Definitions] | None = None,
    ) -> None:
        self.ctx = ctx
        self.func = func
        self.at = at
        # Local definitions by function (node id), shared by the resolvers of one file.
        shared = definitions if definitions is not None else {}
        self._shared = shared
        self._defs = shared.setdefault(func.id, _Definitions())
        self._active: set[int] = set()
        self.type_params = _type_params(func, ctx.source)

    # -- local definitions ----------------------------------------------------------------

    def definitions(self) -> dict[str, list[Node]]:
        """Every name the function defines (`:=`, `var`, `range`) -> its defining identifiers,
        in source order."""
        if not self._defs.complete:
            names: dict[str, list[Node]] = {}
            body = self.func.child_by_field_name("body")
            found = captures(_DEFINED, body).get("id", []) if body is not None else []
            for ident in sorted(found, key=lambda node: node.start_byte):
                if _defining(ident) is not None:
                    names.setdefault(text(ident), []).append(ident)
            self._defs.names, self._defs.complete = names, True
        return self._defs.names

    def defined(self, name: str) -> list[Node]:
        """`definitions().get(name, [])`, found by searching the body's bytes for the name
        (most reslices need one or two names, not the whole table)."""
        known = self._defs.names.get(name)
        if known is not None or self._defs.complete:
            return known or []
        body = self.func.child_by_field_name("body")
        found = []
        if body is not None:
            within = ((body.start_byte, body.end_byte),)
            for ident in tokens(self.ctx.root, self.ctx.source, name.encode(), within):
                if ident.type == "identifier" and _defining(ident) is not None:
                    found.append(ident)
        self._defs.names[name] = found
        return found

    def alias_of(self, operand: Node, storage: str) -> str | None:
        """`old` when `old := <storage>` is its only definition (heap's `old := *h`)."""
        if operand.type != "identifier":
            return None
        defs = self.defined(text(operand))
        if len(defs) != 1:
            return None
        value = _defining(defs[0])
        if value is None or _norm(value) != storage:
            return None
        return text(operand)

    def views(self, aliases: set[str], before: Node) -> set[str]:
        """Locals defined before `before` as a reslice of the slice (`tail := x[i:]`)."""
        out = set()
        for name, defs in self.definitions().items():
            for ident in defs:
                value = _defining(ident)
                if ident.start_byte > before.start_byte or value is None:
                    continue
                value = unparen(value)
                if value.type == "slice_expression" and _norm(_slice_base(value)) in aliases:
                    out.add(name)
        return out

    def cursor_parameter(self, target: Node) -> bool:
        """`*p` where p is a parameter (not the receiver) of type `*[]T`."""
        node = unparen(target)
        inner = node.child_by_field_name("operand") if node.type == "unary_expression" else None
        if inner is None or inner.type != "identifier":
            return False
        params = self.func.child_by_field_name("parameters")
        for decl in params.named_children if params is not None else []:
            if any(text(n) == text(inner) for n in decl.children_by_field_name("name")):
                type_node = decl.child_by_field_name("type")
                return type_node is not None and "".join(text(type_node).split()).startswith("*[]")
        return False

    def element_pointers(self, aliases: set[str], before: Node) -> list[tuple[str, str]]:
        """(name, index) of locals defined before `before` as `&x[index]`."""
        out = []
        for name, defs in self.definitions().items():
            for ident in defs:
                value = _defining(ident)
                if ident.start_byte > before.start_byte or value is None:
                    continue
                value = unparen(value)
                operator = value.child_by_field_name("operator")
                inner = value.child_by_field_name("operand")
                if value.type != "unary_expression" or operator is None or operator.type != "&":
                    continue
                if inner is None or unparen(inner).type != "index_expression":
                    continue
                inner = unparen(inner)
                indexed = inner.child_by_field_name("operand")
                index = inner.child_by_field_name("index")
                if indexed is not None and index is not None and _norm(indexed) in aliases:
                    out.append((name, "".join(text(index).split())))
        return out

    def fields_cleared(self, names: set[str]) -> bool:
        """Whether the function sets a pointer field of one of these element pointers to nil."""
        if not names:
            return False
        body = self.func.child_by_field_name("body")
        for assign in captures(_ASSIGNS, body).get("a", []) if body is not None else []:
            left = assign.child_by_field_name("left")
            right = assign.child_by_field_name("right")
            if left is None or right is None or assign.type != "assignment_statement":
                continue
            for target, value in zip(left.named_children, right.named_children, strict=False):
                operand = target.child_by_field_name("operand")
                if (
                    target.type == "selector_expression"
                    and operand is not None
                    and text(operand) in names
                    and _is_zero(value)
                ):
                    return True
        return False

    def freshly_made(self, aliases: set[str], before: Node) -> bool:
        """Whether the slice was assigned a `make(...)` earlier in this function."""
        body = self.func.child_by_field_name("body")
        if body is None:
            return False
        for assign in captures(_ASSIGNS, body).get("a", []):
            if assign.start_byte >= before.start_byte:
                continue
            left = assign.child_by_field_name("left")
            right = assign.child_by_field_name("right")
            if left is None or right is None or left.named_child_count != right.named_child_count:
                continue
            for target, value in zip(left.named_children, right.named_children, strict=True):
                value = unparen(value)
                if (
                    _norm(target) in aliases
                    and value.type == "call_expression"
                    and text(value.child_by_field_name("function")) == "make"
                ):
                    return True
        return False

    def made_here(self, name: str) -> bool:
        """A local slice this function makes (`make`, a literal, `var s []T`) and only ever
        appends to: returning part of it hands its whole array to the caller."""
        if self.param_type(name) is not None:
            return False
        defs = self.defined(name)
        if not defs:
            return False
        for ident in defs:
            value = _defining(ident)
            if value is None or enclosing_function(ident) != self.func:
                return False
            if value.type == "var_spec":
                continue
            value = unparen(value)
            if value.type == "composite_literal":
                continue
            if value.type == "call_expression" and text(value.child_by_field_name("function")) == (
                "make"
            ):
                continue
            return False
        body = self.func.child_by_field_name("body")
        for ident in captures(_IDENTS, body).get("id", []) if body is not None else []:
            if text(ident) != name or ident.parent is None:
                continue
            holder = ident.parent.parent
            if (
                holder is None
                or holder.type != "assignment_statement"
                or holder.child_by_field_name("left") != ident.parent
            ):
                continue
            right = holder.child_by_field_name("right")
            index = ident.parent.named_children.index(ident)
            if right is None or index >= right.named_child_count:
                return False
            value = unparen(right.named_children[index])
            if value.type == "call_expression" and text(value.child_by_field_name("function")) == (
                "append"
            ):
                args = value.child_by_field_name("arguments")
                if (
                    args is not None
                    and args.named_children
                    and text(args.named_children[0]) == name
                ):
                    continue
            return False
        return True

    def at_function(self, func: Node, at: Node) -> _Resolver:
        """A resolver for another function of the file (sharing the definitions found)."""
        if func == self.func and at == self.at:
            return self
        return _Resolver(self.ctx, func, at, self._shared)

    def role(self, name: str) -> str | None:
        """ "receiver" or "parameter" when `name` is one of the function's (or, in a function
        literal, of an enclosing function's), else None."""
        func: Node | None = self.func
        while func is not None:
            for field, role in (("receiver", "receiver"), ("parameters", "parameter")):
                params = func.child_by_field_name(field)
                for decl in params.named_children if params is not None else []:
                    if any(text(n) == name for n in decl.children_by_field_name("name")):
                        return role
            func = enclosing_function(func) if func.type == "func_literal" else None
        return None

    def named_results(self) -> set[str]:
        result = self.func.child_by_field_name("result")
        if result is None or result.type != "parameter_list":
            return set()
        return {
            text(n) for decl in result.named_children for n in decl.children_by_field_name("name")
        }

    def is_local(self, name: str) -> bool:
        """A variable of the function: defined in its body, a parameter or a named result."""
        return (
            bool(self.defined(name))
            or self.param_type(name) is not None
            or name in self.named_results()
        )

    def int_typed(self, node: Node, depth: int = 0) -> bool:
        """Whether an integer expression certainly has type int (or is an untyped constant),
        so that a variable set to it can be compared with `len(...)`."""
        node = unparen(node)
        if depth > 8:
            return False
        kind = node.type
        if kind == "int_literal":
            return True
        if kind == "call_expression":
            return text(node.child_by_field_name("function")) in ("len", "cap", "int")
        if kind == "unary_expression":
            inner = node.child_by_field_name("operand")
            operator = text(node.child_by_field_name("operator"))
            return (
                inner is not None
                and operator in ("-", "+", "^")
                and self.int_typed(inner, depth + 1)
            )
        if kind == "binary_expression":
            operator = text(node.child_by_field_name("operator"))
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is None or right is None:
                return False
            if operator in ("<<", ">>"):
                return self.int_typed(left, depth + 1)
            if operator in ("+", "-", "*", "/", "%", "&", "|", "^", "&^"):
                return self.int_typed(left, depth + 1) and self.int_typed(right, depth + 1)
            return False
        if kind == "selector_expression":
            return self.expr_type(node) == "int"
        if kind != "identifier":
            return False
        name = text(node)
        defs = [d for d in self.defined(name) if d.start_byte < self.at.start_byte]
        if defs:
            return all(self._defined_int(d, depth) for d in defs)
        declared = self.param_type(name)
        if declared is not None:
            return declared == "int"
        info = self.ctx.package.vars.get(name) or self.ctx.package.consts.get(name)
        return info is not None and info.type == "int"

    def _defined_int(self, ident: Node, depth: int) -> bool:
        parent = ident.parent
        if parent is not None and parent.type == "var_spec":
            type_node = parent.child_by_field_name("type")
            if type_node is not None:
                return text(type_node).strip() == "int"
        value = _defining(ident)
        if value is None or value.type == "var_spec":
            return False
        if value.type == "range_clause":
            left = value.child_by_field_name("left")
            right = value.child_by_field_name("right")
            if left is None or right is None or left.named_children.index(ident) != 0:
                return False
            ranged = self.underlying(self.expr_type(right))
            return ranged is not None and (ranged.startswith("[") or ranged == "string")
        return self.int_typed(value, depth + 1)

    def param_type(self, name: str) -> str | None:
        func: Node | None = self.func
        while func is not None:
            for field in ("receiver", "parameters"):
                params = func.child_by_field_name(field)
                for decl in params.named_children if params is not None else []:
                    if any(text(n) == name for n in decl.children_by_field_name("name")):
                        type_node = decl.child_by_field_name("type")
                        return "".join(text(type_node).split()) if type_node else None
            func = enclosing_function(func) if func.type == "func_literal" else None
        return None

    def ident_type(self, ident: Node) -> str | None:
        name = text(ident)
        defs = [d for d in self.defined(name) if d.start_byte < self.at.start_byte]
        if defs:
            key = defs[-1].start_byte
            if key in self._active:
                return None  # `n := n.next`: defined through itself
            self._active.add(key)
            try:
                return self.defined_type(defs[-1])
            finally:
                self._active.discard(key)
        declared = self.param_type(name)
        if declared is not None:
            return declared
        if name in self.ctx.package.vars:
            return self.ctx.package.vars[name].type
        return None

    def defined_type(self, ident: Node) -> str | None:
        parent = ident.parent
        if parent is not None and parent.type == "var_spec":
            type_node = parent.child_by_field_name("type")
            if type_node is not None:
                return "".join(text(type_node).split())
        if parent is not None and parent.type == "expression_list":
            holder = parent.parent
            if holder is not None and holder.type == "range_clause":
                if parent.named_children.index(ident) != 1:
                    return None
                right = holder.child_by_field_name("right")
                return self.element_of(self.expr_type(right)) if right is not None else None
        value = _defining(ident)
        return self.expr_type(value) if value is not None else None

    # -- expressions ------------------------------------------------------------------------

    def expr_type(self, node: Node | None, depth: int = 0) -> str | None:
        if node is None or depth > 8:
            return None
        node = unparen(node)
        kind = node.type
        if kind == "identifier":
            return self.ident_type(node)
        if kind == "selector_expression":
            base = self.expr_type(node.child_by_field_name("operand"), depth + 1)
            if base is None:
                return None
            name = base.lstrip("*").split("[", 1)[0]
            if "." in name:
                return None
            return self.ctx.package.field_type(name, text(node.child_by_field_name("field")))
        if kind == "index_expression":
            return self.element_of(
                self.expr_type(node.child_by_field_name("operand"), depth + 1), maps=True
            )
        if kind == "unary_expression":
            operator = node.child_by_field_name("operator")
            inner = node.child_by_field_name("operand")
            if operator is None or inner is None:
                return None
            if operator.type == "*":
                base = self.expr_type(inner, depth + 1)
                return base[1:] if base is not None and base.startswith("*") else None
            if operator.type == "&" and unparen(inner).type == "composite_literal":
                type_node = unparen(inner).child_by_field_name("type")
                return "*" + "".join(text(type_node).split()) if type_node else None
            return None
        if kind == "composite_literal":
            type_node = node.child_by_field_name("type")
            return "".join(text(type_node).split()) if type_node else None
        if kind == "call_expression" and text(node.child_by_field_name("function")) == "new":
            args = node.child_by_field_name("arguments")
            if args is not None and args.named_child_count == 1:
                return "*" + "".join(text(args.named_children[0]).split())
        if kind == "call_expression" and text(node.child_by_field_name("function")) == "make":
            args = node.child_by_field_name("arguments")
            if args is not None and args.named_child_count:
                return "".join(text(args.named_children[0]).split())
        return None

    def underlying(self, type_text: str | None, depth: int = 0) -> str | None:
        """A local named non-struct type's definition (`Stack` -> `[]*Node`)."""
        if type_text is None or depth > 8:
            return type_text
        info = self.ctx.package.types.get(type_text.split("[", 1)[0])
        if info is None or info.underlying in ("struct", "interface", ""):
            return type_text
        return self.underlying(info.underlying, depth + 1)

    def element_of(self, type_text: str | None, maps: bool = False) -> str | None:
        resolved = self.underlying(type_text)
        if resolved is None:
            return None
        if resolved.startswith("[]"):
            return resolved[2:]
        if maps and resolved.startswith("map["):
            depth = 0
            for i, ch in enumerate(resolved):
                if ch == "[":
                    depth += 1
                elif ch == "]":
                    depth -= 1
                    if depth == 0:
                        return resolved[i + 1 :]
        return None

    # -- the questions the rule asks ------------------------------------------------------

    def long_lived(self, target: Node) -> bool:
        """Whether the target is reached through a pointer or a package variable."""
        node = unparen(target)
        while True:
            kind = node.type
            if kind == "unary_expression":
                operator = node.child_by_field_name("operator")
                inner = node.child_by_field_name("operand")
                if operator is None or operator.type != "*" or inner is None:
                    return False
                inner_type = self.expr_type(inner)
                return inner_type is not None and inner_type.startswith("*")
            if kind == "identifier":
                name = text(node)
                local = bool(self.defined(name)) or self.param_type(name) is not None
                return not local and name in self.ctx.package.vars
            if kind == "selector_expression":
                operand = node.child_by_field_name("operand")
                if operand is None:
                    return False
                operand_type = self.expr_type(operand)
                if operand_type is not None and operand_type.startswith("*"):
                    return True
                node = unparen(operand)
                continue
            if kind == "index_expression":
                operand = node.child_by_field_name("operand")
                if operand is None:
                    return False
                operand_type = self.underlying(self.expr_type(operand))
                if operand_type is not None and operand_type.startswith("[]"):
                    return True  # an element of a slice: shared with whoever holds the slice
                node = unparen(operand)
                continue
            return False

    def element(self, target: Node) -> _Elem | None:
        elem = self.element_of(self.expr_type(target))
        if elem is None:
            return None
        return self.classify(elem)

    def classify(self, elem: str) -> _Elem | None:
        """What the element type holds and its zero value: `nil` for pointer-like types
        (interfaces of this package and well-known ones of others included), `T{}` for a
        struct or an array, `var zero T` for a type parameter; kind "unknown" (no zero value
        to write) for anything else."""
        holds = self.holds_pointers(elem, set())
        if holds is None or holds is False:
            return None
        if holds == "generic":
            return _Elem("generic", "", elem)
        resolved = self.underlying(elem) or elem
        if _nilable(resolved) or self.known_interface(resolved) or self.is_interface(resolved):
            return _Elem("nil", "nil", elem)
        if _is_array(resolved) or self.is_struct(resolved):
            return _Elem("struct", f"{elem}{{}}", elem)
        return _Elem("unknown", "", elem)

    def is_interface(self, type_text: str) -> bool:
        info = self.ctx.package.types.get(type_text.split("[", 1)[0])
        return info is not None and info.underlying == "interface"

    def is_struct(self, type_text: str) -> bool:
        info = self.ctx.package.types.get(type_text.split("[", 1)[0])
        return info is not None and info.underlying == "struct"

    def known_interface(self, type_text: str) -> bool:
        """`io.Writer` and the other well-known interfaces, unless this file imports its
        qualifier from somewhere else."""
        path = _NILABLE_QUALIFIED.get(type_text)
        if path is None:
            return False
        imported = self.ctx.imports.get(type_text.split(".", 1)[0])
        return imported is None or imported == path

    def holds_pointers(self, type_text: str, seen: set[str]) -> bool | str | None:
        """True, False, "generic" (a type parameter) or None (unknown)."""
        t = type_text
        if _nilable(t) or self.known_interface(t):
            return True
        if _PLAIN.fullmatch(t):
            return False
        if t.startswith("[") and "]" in t:  # an array
            return self.holds_pointers(t[t.index("]") + 1 :], seen)
        base = t.split("[", 1)[0]
        if base in self.type_params:
            return "generic"
        if "." in base:
            return None
        info = self.ctx.package.types.get(base)
        if info is None:
            return None
        if info.underlying == "interface":
            return True
        if base in seen:
            return False  # a cycle through values only: its pointers are counted elsewhere
        seen = seen | {base}
        if info.underlying != "struct":
            return self.holds_pointers(info.underlying, seen)
        unknown = False
        for _, field_type in info.fields:
            holds = self.holds_pointers(field_type, seen)
            if holds is True:
                return True
            if holds is None or holds == "generic":
                unknown = True
        return None if unknown else False


_CHAN = re.compile(r"(<-)?chan(?!\w)")


def _nilable(t: str) -> bool:
    """Pointers, slices, maps, channels, functions and interfaces written out: zero is nil."""
    return (
        t.startswith(("*", "[]", "map[", "func(", "func ", "interface{", "interface {"))
        or t in ("any", "error")
        or _CHAN.match(t) is not None
    )


def _is_array(t: str) -> bool:
    """`[4]*T` (not a slice `[]T`): `T{}` is its zero value."""
    return t.startswith("[") and not t.startswith("[]") and "]" in t


def _type_params(func: Node, source: bytes) -> set[str]:
    """Type parameter names in scope: the function's, its generic receiver's, and a generic
    method's own (Go 1.27 `func (s *S[T]) M[D any]()`, whose list is blanked before parsing
    and read back from the source)."""
    names: set[str] = set()
    node: Node | None = func
    while node is not None:
        params = node.child_by_field_name("type_parameters")
        for decl in params.named_children if params is not None else []:
            names.update(text(n) for n in decl.children_by_field_name("name"))
        names.update(masked_type_parameters(node, source))
        receiver = node.child_by_field_name("receiver")
        if receiver is not None:
            for decl in receiver.named_children:
                type_text = "".join(text(decl.child_by_field_name("type")).split())
                if "[" in type_text:
                    args = type_text.split("[", 1)[1].rstrip("]")
                    names.update(a.strip() for a in args.split(","))
        node = enclosing_function(node)
    return names


def _defining(ident: Node) -> Node | None:
    """The value assigned to `ident` where it is defined (`:=` or `var x = v`), or None."""
    parent = ident.parent
    if parent is None:
        return None
    if parent.type == "var_spec":
        names = parent.children_by_field_name("name")
        values = parent.child_by_field_name("value")
        if ident not in names:
            return None
        if values is None:
            return parent  # `var x T`: typed, no value
        if len(values.named_children) == len(names):
            return values.named_children[names.index(ident)]
        return None
    if parent.type == "expression_list" and parent.parent is not None:
        holder = parent.parent
        if holder.type == "range_clause" and holder.child_by_field_name("left") == parent:
            return holder
        if holder.type != "short_var_declaration" or holder.child_by_field_name("left") != parent:
            return None
        values = holder.child_by_field_name("right")
        if values is None or len(values.named_children) != len(parent.named_children):
            return None
        return values.named_children[parent.named_children.index(ident)]
    return None


# ---------------------------------------------------------------------------------------------
# The fix


def _fix(
    ctx: FileContext,
    resolver: _Resolver,
    stmt: Node,
    held: Node,
    operand: Node,
    start: Node | None,
    end: Node | None,
    elem: _Elem,
    aliases: set[str],
    filtered: bool = False,
) -> tuple[Fix | None, str | None]:
    """The fix for a reslice (or a return) `stmt` of the slice kept in `held`, or the reason
    there is none. The fix is unsafe when someone else may hold the backing array.
    `filtered`: `stmt` is `x = kept` of an in-place filter, `end` is `kept` (the tail past
    `len(kept)` is cleared)."""
    stmts = stmt.parent
    if stmts is None or stmts.type != "statement_list":
        return None, "no automatic fix: the reslice is not a statement of its own block"
    for bound in (start, end):
        if bound is not None and not _simple(bound):
            return None, "no automatic fix: a slice bound is not a simple expression"
    if elem.kind == "unknown":
        return None, (
            f"no automatic fix: leakscope cannot tell whether {elem.type_text} is an interface "
            "or a struct, so it does not know its zero value; set the dropped elements to it "
            "before reslicing"
        )
    storage = _storage(resolver, held)
    shared, unsafe = _sharing(ctx, resolver, stmt, storage, aliases)
    if shared is not None:
        return None, (
            f"no automatic fix: {shared} still shares the dropped elements after the reslice; "
            "clear them once it is done with them"
        )
    unsafe = _exposed(resolver, storage) or unsafe or _handed_out_elsewhere(resolver, storage)
    if unsafe is None and storage.kind != "local" and _regrown(ctx, aliases):
        unsafe = (
            "the file re-extends the slice within its capacity (`[:len+1]` or `[:cap]`), "
            "which would find the cleared elements"
        )
    deleted = _slices_delete(ctx, stmt, held, operand, start, end)
    if deleted is not None:
        title, edits = deleted
    else:
        block = _clearing(ctx, resolver, stmt, operand, start, end, elem, aliases, filtered)
        title = "Clear the dropped elements before reslicing"
        edits = (TextEdit(stmt.start_byte, stmt.start_byte, block),)
    if unsafe is None:
        return Fix(title, edits), None
    return Fix(f"{title} (unsafe: {unsafe})", edits, Applicability.UNSAFE), None


def _slices_delete(
    ctx: FileContext,
    stmt: Node,
    held: Node,
    operand: Node,
    start: Node | None,
    end: Node | None,
) -> tuple[str, tuple[TextEdit, ...]] | None:
    """From Go 1.22, a copy-delete of one element, `copy(x[i:], x[i+1:])` right before
    `x = x[:len(x)-1]`, becomes `x = slices.Delete(x, i, i+1)`: the same removal, and
    slices.Delete zeroes the element it drops from the tail since Go 1.22 (the same write
    the clearing fix makes, so the same safety holds). None when it does not apply."""
    if ctx.go_version < (1, 22) or start is not None or end is None:
        return None
    x = text(held)
    if _norm(operand) != _norm(held) or text(unparen(end)).replace(" ", "") != f"len({x})-1":
        return None
    before = stmt.prev_named_sibling
    if before is None or before.type != "expression_statement" or not before.named_children:
        return None
    call = before.named_children[0]
    args = call.child_by_field_name("arguments") if call.type == "call_expression" else None
    if args is None or text(call.child_by_field_name("function")) != "copy":
        return None
    values = [a for a in args.named_children if a.type != "comment"]
    if len(values) != 2 or any(unparen(v).type != "slice_expression" for v in values):
        return None
    into, src = (unparen(v) for v in values)
    bounds = []
    for part in (into, src):
        base = part.child_by_field_name("operand")
        if base is None or _norm(unparen(base)) != _norm(held):
            return None
        if part.child_by_field_name("end") or part.child_by_field_name("capacity"):
            return None
        bound = part.child_by_field_name("start")
        if bound is None or not _simple(bound):
            return None
        bounds.append(text(bound).replace(" ", ""))
    i = bounds[0]
    if bounds[1] != f"{i}+1":
        return None
    qualifier, imports = ctx.ensure_import("slices")
    call_text = f"{qualifier}.Delete" if qualifier else "Delete"
    edits = (
        *imports,
        TextEdit(before.start_byte, stmt.end_byte, f"{x} = {call_text}({x}, {i}, {i}+1)"),
    )
    return "Remove the element with slices.Delete, which clears the dropped slot", edits


def _clearing(
    ctx: FileContext,
    resolver: _Resolver,
    stmt: Node,
    operand: Node,
    start: Node | None,
    end: Node | None,
    elem: _Elem,
    aliases: set[str],
    filtered: bool = False,
) -> str:
    """The statements that set the dropped elements to their zero value, indented to go
    before `stmt` (`filtered`: past `len(end)`, of an in-place filter). An index variable
    is only ever compared with a bound known to be an int: other bounds (a named integer
    type, int32) are cleared through a view of the dropped part (`tail := x[m:]`), which a
    range loop indexes with ints."""
    whole = text(operand)  # for clear(), len() and range
    x = whole  # for indexing
    if operand.type not in ("identifier", "selector_expression", "index_expression"):
        x = f"({x})"
    names = _Names(resolver)
    zero = elem.zero
    lines: list[str] = []
    declares = False  # a new variable in the block (a goto must not jump over it)
    if elem.kind == "generic":
        zero = names.fresh("zero")
        lines.append(f"var {zero} {elem.type_text}")
        declares = True
    use_clear = ctx.go_version >= (1, 21)
    single = _single_index(resolver, x, end, aliases) if end is not None else None
    if filtered:
        single = None
    if start is not None:
        if text(start).strip() == "1":
            lines.append(f"{x}[0] = {zero}")
        elif use_clear:
            lines.append(f"clear({x}[:{text(start)}])")
        else:
            i = names.fresh("i", scoped=True)
            lines.append(f"for {i} := range {x}[:{text(start)}] {{\n\t{x}[{i}] = {zero}\n}}")
    if end is not None:
        bound = f"len({text(end)})" if filtered else text(end)
        if single is not None:
            lines.append(f"{x}[{single}] = {zero}")
        elif bound.strip() == "0":
            if use_clear:
                lines.append(f"clear({whole})")
            else:
                i = names.fresh("i", scoped=True)
                lines.append(f"for {i} := range {whole} {{\n\t{x}[{i}] = {zero}\n}}")
        elif use_clear:
            lines.append(f"clear({x}[{bound}:])")
        elif filtered or resolver.int_typed(end):
            i = names.fresh("i", scoped=True)
            lines.append(
                f"for {i} := {bound}; {i} < len({whole}); {i}++ {{\n\t{x}[{i}] = {zero}\n}}"
            )
        else:
            view, i = names.fresh("tail"), names.fresh("i", scoped=True)
            lines.append(f"{view} := {x}[{bound}:]")
            lines.append(f"for {i} := range {view} {{\n\t{view}[{i}] = {zero}\n}}")
            declares = True
    if elem.kind == "generic" and all(line.startswith(("var ", "clear(")) for line in lines):
        lines = lines[1:]  # clear needs no zero value
        declares = False
    if declares and _has_goto(resolver.func):
        lines = ["{\n\t" + "\n".join(lines).replace("\n", "\n\t") + "\n}"]
    indent = line_indent(ctx.source, stmt.start_byte)
    return "".join(line.replace("\n", "\n" + indent) + "\n" + indent for line in lines)


def _has_goto(func: Node) -> bool:
    outer = outermost_function(func) or func
    return b"goto" in (outer.text or b"") and bool(captures("(goto_statement) @g", outer))


def _simple(node: Node) -> bool:
    if node.type not in _SIMPLE_BOUND:
        return False
    if node.type == "call_expression":
        function = text(node.child_by_field_name("function"))
        if function not in ("len", "cap"):
            return False
    return all(_simple(c) for c in node.named_children)


def _single_index(resolver: _Resolver, x: str, end: Node, aliases: set[str]) -> str | None:
    """The one index a `[:len(x)-1]` or `[:n-1]` (with `n := len(x)`) tail drop removes."""
    end = unparen(end)
    if end.type != "binary_expression" or text(end.child_by_field_name("right")) != "1":
        return None
    if text(end.child_by_field_name("operator")) != "-":
        return None
    left = end.child_by_field_name("left")
    if left is None:
        return None
    length = unparen(left)
    if length.type == "identifier":
        defs = resolver.defined(text(length))
        value = _defining(defs[0]) if len(defs) == 1 else None
        if value is None:
            return None
        length = unparen(value)
    if length.type != "call_expression" or text(length.child_by_field_name("function")) != "len":
        return None
    args = length.child_by_field_name("arguments")
    if args is None or args.named_child_count != 1 or _norm(args.named_children[0]) not in aliases:
        return None
    return text(end)


# ---------------------------------------------------------------------------------------------
# Fix safety: who else may hold the backing array

# Standard functions that read or reorder a slice they are given and keep nothing of it.
_NON_RETAINING = {
    "sort": frozenset({"Slice", "SliceStable", "SliceIsSorted", "Sort", "Stable", "IsSorted"}),
    "slices": frozenset(
        {
            "Sort",
            "SortFunc",
            "SortStableFunc",
            "IsSorted",
            "IsSortedFunc",
            "Reverse",
            "Contains",
            "ContainsFunc",
            "Index",
            "IndexFunc",
            "Equal",
            "EqualFunc",
            "BinarySearch",
            "BinarySearchFunc",
            "Max",
            "MaxFunc",
            "Min",
            "MinFunc",
        }
    ),
}
_READING_BUILTINS = frozenset({"copy", "clear", "print", "println"})


@dataclass
class _Storage:
    """Where the resliced slice is kept, and how to find it elsewhere in the file."""

    node: Node
    norm: str
    kind: str  # "field", "var" (package), "deref" (`*p`), "local", "element" (`a[i]`)
    name: str  # the field, variable or pointer name
    # field: the struct type; deref: the pointed-to slice type; element: its collection's
    owner: str | None = None
    receiver: bool = False  # deref: p is the method's receiver

    @property
    def label(self) -> str:
        """How reasons name the slice: `Queue.items`, `handlers`, `ErrorList`, `*p`."""
        if self.kind == "field" and self.owner:
            return f"{self.owner}.{self.name}"
        if self.kind == "deref" and self.owner:
            return self.owner
        return self.norm


@dataclass
class _Use:
    """How an expression holding the slice (or a view of it) is used."""

    kind: str  # "read", "length", "write", "self", "target", "local", "escape"
    detail: str = ""  # escape: how it escapes; local: the variable's name
    node: Node | None = None  # target: the value stored (None: unknown); local: the variable


def _storage(resolver: _Resolver, held: Node) -> _Storage:
    node = unparen(held)
    norm = _norm(node)
    if node.type == "selector_expression":
        operand = node.child_by_field_name("operand")
        owner_type = resolver.expr_type(operand) if operand is not None else None
        owner = owner_type.lstrip("*").split("[", 1)[0] if owner_type else None
        if owner is not None and "." in owner:
            owner = None
        field = text(node.child_by_field_name("field"))
        return _Storage(node, norm, "field", field, owner)
    if node.type == "identifier":
        name = text(node)
        if resolver.is_local(name):
            return _Storage(node, norm, "local", name)
        return _Storage(node, norm, "var", name)
    inner = node.child_by_field_name("operand") if node.type == "unary_expression" else None
    if inner is not None and unparen(inner).type == "identifier":
        name = text(unparen(inner))
        pointer = resolver.param_type(name) or resolver.expr_type(unparen(inner)) or ""
        owner = pointer[1:].split("[", 1)[0] if pointer.startswith("*") else None
        receiver = resolver.role(name) == "receiver"
        return _Storage(node, norm, "deref", name, owner, receiver)
    container = node.child_by_field_name("operand") if node.type == "index_expression" else None
    # An element (`w.stack[n-1]`) belongs to whatever holds its collection: an iterator's
    # stack of views is as short-lived as the iterator.
    owner = _storage(resolver, container).owner if container is not None else None
    return _Storage(node, norm, "element", norm, owner)


def _root(node: Node) -> Node | None:
    """The variable an expression starts from: `q` of `q.a.items`, `p` of `(*p)[i]`."""
    node = unparen(node)
    while node.type != "identifier":
        if node.type in ("selector_expression", "index_expression", "unary_expression"):
            inner = node.child_by_field_name("operand")
            if inner is None:
                return None
            node = unparen(inner)
        else:
            return None
    return node


def _exposed(resolver: _Resolver, storage: _Storage) -> str | None:
    """Why code outside the package may hold the slice's array (an exported function reaching
    it through a pointer receiver or parameter, an exported field or variable), or why its
    holders cannot be known (a caller's slice, an element of another collection)."""
    if storage.kind == "field" and storage.name[:1].isupper():
        return (
            f"{storage.name} is an exported field: code outside the package may hold copies "
            "of the slice that share its array"
        )
    if storage.kind == "var" and storage.name[:1].isupper():
        return (
            f"{storage.name} is an exported variable: code outside the package may hold "
            "copies of the slice that share its array"
        )
    root = _root(storage.node)
    role = resolver.role(text(root)) if root is not None else None
    if root is not None and role is not None:
        top = outermost_function(resolver.func)
        name = text(top.child_by_field_name("name")) if top is not None else ""
        if top is None or top.type == "func_literal" or name[:1].isupper():
            what = f"{name or 'the function'} is exported"
            return (
                f"{what} and reaches the slice through its {role} {text(root)}: callers may "
                "hold copies of the slice that share its array"
            )
    if storage.kind == "deref" and not storage.receiver:
        return (
            f"{storage.name} points to a slice of the caller's, who may hold copies of it "
            "that share its array"
        )
    if storage.kind == "element":
        return (
            f"the slice is an element of another collection ({storage.norm}), whose other "
            "users leakscope does not follow"
        )
    return None


def _handed_out_elsewhere(resolver: _Resolver, storage: _Storage) -> str | None:
    """A method of the slice's owner in another file of the package that may hand the slice
    out, judged by its signature: it returns the field's type or, for a slice type's own
    methods, anything but plain values (`func (p ErrorList) Err() error` returns the list)."""
    if storage.kind not in ("field", "deref") or storage.owner is None:
        return None
    kept = resolver.expr_type(storage.node) if storage.kind == "field" else None
    for path, summary in sorted(resolver.ctx.package.summaries.items()):
        if path == resolver.ctx.path:
            continue
        for (type_name, method), signature in sorted(summary.methods.items()):
            if type_name != storage.owner:
                continue
            results = signature.result_types
            if storage.kind == "field" and kept is not None and kept not in results:
                continue
            if storage.kind == "deref" and all(_PLAIN.fullmatch(r) for r in results):
                continue
            if kept is None and storage.kind == "field":
                continue
            return f"{type_name}.{method} (in {path.rsplit('/', 1)[-1]}) may return it"
    return None


def _sharing(
    ctx: FileContext, resolver: _Resolver, stmt: Node, storage: _Storage, aliases: set[str]
) -> tuple[str | None, str | None]:
    """(a variable that still holds the old slice or a view of it and is used after `stmt`,
    or None; why clearing is unsafe anyway, or None).

    Every place the file reaches the slice is followed: into local variables (by `:=`, `var`
    or `=`), and out of them. The slice is held elsewhere when it (or a view of it, or a
    variable holding either) is returned, passed to a function, stored in a field, an element,
    a package variable or a literal, sent on a channel, captured by a closure or has an
    element's address taken, anywhere in the file; and when something not made here is
    stored in it (its array may be someone else's)."""
    func = resolver.func
    loop = None
    for node in ancestors(stmt):
        if node == func:
            break
        if node.type == LOOP_NODE:
            loop = node  # the outermost loop: later code runs before the next reslice

    def after(node: Node) -> bool:  # runs after the reslice (or before the next one)
        return node.start_byte >= stmt.end_byte or (loop is not None and within(node, loop))

    def before(node: Node) -> bool:  # sees the old slice
        return node.end_byte <= stmt.start_byte or (loop is not None and within(node, loop))

    shared: str | None = None
    unsafe: str | None = None
    # (variable, its function, holds the old slice, the place it was read from)
    pending: list[tuple[str, Node, bool, str]] = []
    for occ, where in _occurrences(ctx, resolver, storage):
        if within(occ, stmt):
            continue
        use = _use(ctx, occ, _norm(occ))
        literal = occ.type == "literal_element" or _is_key(occ)  # `T{v}`, `T{f: v}`
        held = "" if literal else _norm(occ)
        here = within(occ, func)
        site = "" if here else f" (in {function_name(where)})"
        if use.kind == "local" and use.node is not None:
            owner = enclosing_function(use.node) or where
            pending.append((use.detail, owner, here and before(occ), _norm(occ)))
        elif use.kind == "escape":
            unsafe = unsafe or f"{storage.label} {use.detail}{site}"
        elif use.kind == "target" and not _made(resolver.at_function(where, occ), use.node, held):
            value = text(use.node) if use.node is not None else "a value"
            unsafe = unsafe or f"{storage.label} is set to {value}{site}, whose array may be shared"
    for alias in aliases - {storage.norm}:
        pending.append((alias, func, True, storage.norm))
    seen: set[tuple[str, int, bool]] = set()
    while pending:
        name, owner, old, home = pending.pop()
        if (name, owner.id, old) in seen:
            continue
        seen.add((name, owner.id, old))
        local = resolver.at_function(owner, owner)
        if not local.is_local(name):
            unsafe = unsafe or f"{storage.label} is stored in {name}"
            continue
        if old and name in local.named_results():
            shared = shared or name
        body = owner.child_by_field_name("body")
        if body is None:
            continue
        span = ((body.start_byte, body.end_byte),)
        for ident in tokens(ctx.root, ctx.source, name.encode(), span):
            if ident.type != "identifier" or within(ident, stmt) or _is_key(ident):
                continue
            use = _use(ctx, ident, home)
            if use.kind == "target":
                continue
            if enclosing_function(ident) != owner:
                unsafe = (
                    unsafe or f"{name}, which shares the slice's array, is captured by a closure"
                )
                continue
            if old and after(ident) and use.kind not in ("write", "length"):
                shared = shared or name
            if use.kind == "local" and use.node is not None:
                pending.append((use.detail, owner, old, home))
            elif use.kind == "escape":
                unsafe = unsafe or f"{name}, which shares the slice's array, {use.detail}"
    return shared, unsafe


def _occurrences(
    ctx: FileContext, resolver: _Resolver, storage: _Storage
) -> list[tuple[Node, Node]]:
    """(expression, its function) for every place the file reaches the slice: the same
    expression in the reslice's function; the same field of the same type, the same package
    variable, or the receiver of a method of the same slice type anywhere in the file."""
    out: dict[int, tuple[Node, Node]] = {}
    outer = outermost_function(resolver.func) or resolver.func
    for node in _same_expressions(ctx, outer, storage.node):
        out[node.id] = (node, enclosing_function(node) or outer)
    if storage.kind == "field":
        for node in tokens(ctx.root, ctx.source, storage.name.encode()):
            parent = node.parent
            func = enclosing_function(node)
            if parent is None or func is None:
                continue
            if node.type == "field_identifier" and parent.type == "selector_expression":
                operand = parent.child_by_field_name("operand")
                owner = resolver.at_function(func, parent).expr_type(operand)
                base = owner.lstrip("*").split("[", 1)[0] if owner else None
                if base is None or storage.owner is None or base == storage.owner:
                    out.setdefault(parent.id, (parent, func))
            elif _is_key(node) and storage.owner is not None:
                keyed = parent.parent
                literal = keyed.parent.parent if keyed and keyed.parent else None
                type_node = literal.child_by_field_name("type") if literal else None
                type_name = text(type_node).lstrip("*").split("[", 1)[0] if type_node else None
                if type_name in (None, storage.owner) and keyed is not None:
                    out.setdefault(node.id, (node, func))
        if storage.owner is not None:
            for element in _positional(ctx, storage.owner, storage.name):
                func = enclosing_function(element)
                if func is not None:
                    out.setdefault(element.id, (element, func))
    elif storage.kind == "var":
        for node in tokens(ctx.root, ctx.source, storage.name.encode()):
            func = enclosing_function(node)
            if node.type != "identifier" or func is None or _is_key(node):
                continue
            if not resolver.at_function(func, node).is_local(storage.name):
                out.setdefault(node.id, (node, func))
    elif storage.kind == "deref" and storage.receiver and storage.owner:
        for method, name, pointer in _methods_of(ctx, storage.owner):
            body = method.child_by_field_name("body")
            if body is None:
                continue
            span = ((body.start_byte, body.end_byte),)
            for node in tokens(ctx.root, ctx.source, name.encode(), span):
                if node.type != "identifier" or node.parent is None:
                    continue
                if pointer:
                    parent = node.parent
                    if (
                        parent.type == "unary_expression"
                        and text(parent.child_by_field_name("operator")) == "*"
                    ):
                        out.setdefault(parent.id, (parent, enclosing_function(parent) or method))
                elif not _is_key(node):
                    out.setdefault(node.id, (node, enclosing_function(node) or method))
    return sorted(out.values(), key=lambda pair: pair[0].start_byte)


def _positional(ctx: FileContext, owner: str, field: str) -> list[Node]:
    """The elements giving `field` its value in the file's unkeyed literals `owner{a, b}`."""
    info = ctx.package.types.get(owner)
    names = [name for name, _ in info.fields] if info is not None else []
    if field not in names:
        return []
    index = names.index(field)
    out = []
    for node in tokens(ctx.root, ctx.source, owner.encode()):
        literal = node.parent
        if literal is not None and literal.type == "generic_type":
            node, literal = literal, literal.parent
        if literal is None or literal.type != "composite_literal":
            continue
        if literal.child_by_field_name("type") != node:
            continue
        body = literal.child_by_field_name("body")
        elements = [c for c in body.named_children if c.type != "comment"] if body else []
        if len(elements) == len(names) and all(e.type == "literal_element" for e in elements):
            out.append(elements[index])
    return out


def _same_expressions(ctx: FileContext, scope: Node, node: Node) -> list[Node]:
    """Expressions inside `scope` written like `node` (`q.items`, `*p`, `a[i]`)."""
    norm = _norm(node)
    leaf = node
    while leaf.named_child_count and leaf.type != "identifier":
        leaf = leaf.named_children[0]
    if leaf.type != "identifier":
        return []
    span = ((scope.start_byte, scope.end_byte),)
    out = []
    for ident in tokens(ctx.root, ctx.source, text(leaf).encode(), span):
        if ident.type != "identifier" or _is_key(ident):
            continue
        candidate: Node | None = ident
        for _ in range(8):
            if candidate is None:
                break
            if candidate.type == node.type and _norm(candidate) == norm:
                out.append(candidate)
                break
            if len(text(candidate)) > len(text(node)) + 8:
                break
            candidate = candidate.parent
    return out


def _methods_of(ctx: FileContext, type_name: str) -> list[tuple[Node, str, bool]]:
    """(method, receiver name, receiver is a pointer) of the file's methods on `type_name`."""
    out = []
    for node in tokens(ctx.root, ctx.source, type_name.encode()):
        if node.type != "type_identifier":
            continue
        decl = node.parent
        while decl is not None and decl.type in ("pointer_type", "generic_type"):
            decl = decl.parent
        params = decl.parent if decl is not None else None
        method = params.parent if params is not None else None
        if (
            decl is None
            or decl.type != "parameter_declaration"
            or method is None
            or method.type != "method_declaration"
            or method.child_by_field_name("receiver") != params
        ):
            continue
        names = decl.children_by_field_name("name")
        type_node = decl.child_by_field_name("type")
        if names and type_node is not None:
            out.append((method, text(names[0]), type_node.type == "pointer_type"))
    return out


def _is_key(node: Node) -> bool:
    """The `f` of a keyed element `T{f: v}`."""
    parent = node.parent
    keyed = parent.parent if parent is not None else None
    return (
        parent is not None
        and parent.type == "literal_element"
        and keyed is not None
        and keyed.type == "keyed_element"
        and keyed.named_children[0] == parent
    )


def _use(ctx: FileContext, occ: Node, home: str) -> _Use:
    """How the value of `occ` (the slice, a variable holding it) is used, following it
    through parentheses, conversions, reslices and `append(s, ...)`. Storing it back in
    `home` (where the slice is kept) or in itself is not a copy."""
    if occ.type == "literal_element":  # `T{v, w}`: the element stored in the field
        value = occ.named_children[0] if occ.named_child_count == 1 else None
        return _Use("target", node=value)
    if _is_key(occ):  # `T{items: v}`: v is stored in the field
        keyed = occ.parent.parent if occ.parent is not None else None
        value = (
            keyed.named_children[1] if keyed is not None and keyed.named_child_count > 1 else None
        )
        if value is not None and value.named_child_count == 1:
            value = value.named_children[0]
        return _Use("target", node=value)
    homes = {_norm(occ), home}
    node = occ
    while True:
        parent = node.parent
        if parent is None:
            return _Use("escape", "is used in a way leakscope does not follow")
        kind = parent.type
        if kind in ("parenthesized_expression", "type_conversion_expression"):
            node = parent
            continue
        if kind == "slice_expression":
            if parent.child_by_field_name("operand") == node:
                node = parent  # a view of the slice
                continue
            return _Use("read")
        if kind == "index_expression":
            if parent.child_by_field_name("operand") != node:
                return _Use("read")
            holder = parent.parent
            if (
                holder is not None
                and holder.type == "unary_expression"
                and text(holder.child_by_field_name("operator")) == "&"
            ):
                return _Use("escape", "has an element's address taken")
            if (
                holder is not None
                and holder.type == "expression_list"
                and holder.parent is not None
                and holder.parent.type == "assignment_statement"
                and holder.parent.child_by_field_name("left") == holder
            ):
                return _Use("write")
            return _Use("read")
        if kind == "argument_list":
            call = parent.parent
            function = call.child_by_field_name("function") if call is not None else None
            name = text(function)
            if call is None or function is None:
                return _Use("escape", "is passed to a function")
            if name in ("len", "cap"):
                return _Use("length")
            if name in _READING_BUILTINS or _non_retaining(ctx, function):
                return _Use("read")
            if name == "append":
                if parent.named_children and parent.named_children[0] == node:
                    node = call  # the result may share the array
                    continue
                return _Use("escape", "is appended to another slice")
            if function.type == "identifier" and name in ctx.package.types:
                node = call  # a conversion
                continue
            return _Use("escape", f"is passed to {name}")
        if kind == "variadic_argument":
            call = parent.parent.parent if parent.parent is not None else None
            function = call.child_by_field_name("function") if call is not None else None
            if text(function) == "append":
                return _Use("read")  # `append(other, s...)` copies the elements
            if function is not None and _non_retaining(ctx, function):
                return _Use("read")
            return _Use("escape", f"is passed to {text(function) or 'a function'}")
        if kind in ("range_clause", "binary_expression", "expression_statement"):
            return _Use("read")
        if kind == "expression_list":
            return _list_use(parent, node, homes)
        if kind == "var_spec":  # declared: `var x T` holds nil
            value = _defining(node)
            return _Use("target", node=value if value is not None else None)
        if kind == "send_statement":
            return _Use("escape", "is sent on a channel")
        if kind == "return_statement":
            return _Use("escape", "is returned")
        if kind in ("literal_element", "keyed_element", "literal_value"):
            return _Use("escape", "is stored in a composite literal")
        if kind == "selector_expression":
            method = text(parent.child_by_field_name("field"))
            return _Use("escape", f"is the receiver of a call to its method {method}")
        if kind == "unary_expression":
            return _Use("escape", "has its address taken")
        if kind == "inc_statement" or kind == "dec_statement":
            return _Use("write")
        return _Use("escape", f"is used in a {kind.replace('_', ' ')}")


def _list_use(values: Node, node: Node, homes: set[str]) -> _Use:
    """The use of `node`, one of the expressions of `values` (an assignment's side, a return's
    values, a `var` declaration's values)."""
    holder = values.parent
    index = values.named_children.index(node)
    if holder is None:
        return _Use("escape", "is used in a way leakscope does not follow")
    if holder.type == "return_statement":
        return _Use("escape", "is returned")
    if holder.type == "range_clause":
        return _Use("target") if holder.child_by_field_name("left") == values else _Use("read")
    if holder.type == "var_spec":
        names = holder.children_by_field_name("name")
        if index < len(names) and text(names[index]) != "_":
            return _Use("local", text(names[index]), names[index])
        return _Use("read")
    if holder.type not in ("assignment_statement", "short_var_declaration"):
        return _Use("escape", f"is used in a {holder.type.replace('_', ' ')}")
    left = holder.child_by_field_name("left")
    right = holder.child_by_field_name("right")
    if left is None or right is None:
        return _Use("escape", "is used in a way leakscope does not follow")
    if left == values:
        same = right.named_child_count == left.named_child_count
        return _Use("target", node=right.named_children[index] if same else None)
    if left.named_child_count != right.named_child_count:
        return _Use("escape", "is used in a way leakscope does not follow")
    target = unparen(left.named_children[index])
    if text(target) == "_":
        return _Use("read")
    if _norm(target) in homes:
        return _Use("self")  # `q.items = append(q.items, x)`, `q.items = q.items[1:]`
    if target.type == "identifier":
        return _Use("local", text(target), target)
    return _Use("escape", f"is stored in {text(target)}")


def _non_retaining(ctx: FileContext, function: Node) -> bool:
    """`sort.Slice` and the like: read the slice, keep nothing of it."""
    if function.type != "selector_expression":
        return False
    package = function.child_by_field_name("operand")
    name = text(function.child_by_field_name("field"))
    if package is None or package.type != "identifier":
        return False
    path = ctx.imports.get(text(package))
    return path is not None and name in _NON_RETAINING.get(path, frozenset())


def _made(resolver: _Resolver, value: Node | None, held: str) -> bool:
    """Whether a value stored in the slice's place is an array nobody else holds: nil, a
    literal, `make`, an append to it or to such a value, a reslice of it, a local made here."""
    if value is None:
        return False
    value = unparen(value)
    if value.type in ("nil", "composite_literal", "var_spec") or text(value) == "nil":
        return True
    if held and _norm(_slice_base(value)) == held:
        return True
    if value.type == "call_expression":
        function = value.child_by_field_name("function")
        name = text(function)
        args = value.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        if name == "make":
            return True
        if name == "append" or (function is not None and name in resolver.ctx.package.types):
            return (
                first is not None
                and first.type != "variadic_argument"
                and (_made(resolver, first, held))
            )
        return False
    if value.type == "slice_expression":
        operand = value.child_by_field_name("operand")
        return operand is not None and _made(resolver, operand, held)
    if value.type == "identifier":  # a local made here, or `old := q.items`
        statement = value.parent.parent if value.parent is not None else None
        if statement is not None and statement.type == "assignment_statement":
            names = _filter_of(statement)
            if (
                names is not None
                and names[0] == held
                and _filter_assignment_of(statement) is not None
            ):
                return True  # `x = kept` of an in-place filter `kept := x[:0]`: its own array
        return resolver.made_here(text(value)) or (
            bool(held) and resolver.alias_of(value, held) is not None
        )
    return False


class _Names:
    """Fresh variable names for a fix: used nowhere in the function (variables, types,
    packages, labels) and not declared by the package. Names declared in the block come from
    `FileContext.fresh_name`, so no other fix of the file declares them too."""

    def __init__(self, resolver: _Resolver) -> None:
        package = resolver.ctx.package
        outer = outermost_function(resolver.func) or resolver.func
        self.resolver = resolver
        self.used = names_in(outer)
        for table in (package.vars, package.consts, package.types, package.funcs):
            self.used.update(table)
        self.used.update(resolver.ctx.imports)

    def fresh(self, base: str, scoped: bool = False) -> str:
        """A new name; `scoped` for a loop variable, which later fixes may reuse."""
        if not scoped:
            name = self.resolver.ctx.fresh_name(self.resolver.func, base)
            self.used.add(name)
            return name
        name, n = base, 2
        while name in self.used:
            name, n = f"{base}{n}", n + 1
        return name


RULE = Rule(
    name="resliced-pointers",
    summary="A slice of pointers resliced without clearing the dropped elements",
    doc=__doc__ or "",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    check=check,
)
