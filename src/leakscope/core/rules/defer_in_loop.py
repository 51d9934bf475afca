"""## What it does
Reports a `defer` statement that sits inside a `for` loop of its own function (any form:
`for {}`, `for cond {}`, `for i := 0; i < n; i++ {}`, `for ... range ...`), including loops in
the bodies of `go func() { ... }()` and other function literals. A loop made with `goto`
counts too: a `goto` after the `defer` that jumps back to a label before it, on a way the
function can take from the `defer` (`reconnect: conn, err := dial(); ...; defer
conn.Close(); ...; goto reconnect`). Such a finding has no automatic fix.

It does not report:
- a `defer` inside a function literal inside the loop (`for ... { func() { defer ... }() }`):
  that literal returns every iteration, so its deferred calls run every iteration;
- a `defer` after which the loop can never start another iteration: every way on from the
  `defer` ends in `return`, `panic`, `os.Exit`, `log.Fatal`, `t.Fatal` and the like, or in a
  `break` out of a loop that no other loop repeats, also through a flag (`found = true`, then
  `if found { break }`). A `continue`, `goto` or `break` of an enclosing `switch` on the way
  counts as a possible next iteration;
- a `defer` in loops that run at most once by the code's own constants (`for i := 0; i <
  numKinds; i++` where `const ( kindA = iota; numKinds )` makes `numKinds` 1): there is one
  deferred call, as if there were no loop;
- a `defer` in a lazy initialisation the loop runs at most once: `if x == nil { x = ...;
  defer ... }` (also `x == ""`, `x == 0`, `len(x) == 0`, `!x`), or after a guard that leaves
  the iteration once `x` is set, on a way that sets it (`if s.started { continue }` ...
  `s.started = true; defer ...`), where `x` lives outside the loop body and nothing else in
  the body sets it;
- a `defer` whose release the iteration also makes itself, on every way on to the next
  iteration (`defer f.Close()` followed by `f.Close()`, `err = f.Close()` or `if err :=
  f.Close(); err != nil { ... }` with no `continue` before it; `tx.Commit()` counts for
  `defer tx.Rollback()`), in a loop of a known small size. In any other loop it is reported:
  nothing stays held, but each iteration leaves its deferred call, with what it refers to
  (the transaction), until the function returns. That is minor, except in a loop that runs
  as long as the program (`for {}`, a range over a channel), where the function never
  returns and the deferred calls pile up without end (a warning);
- defers that hold nothing per iteration, or hold it on purpose until the function returns:
  - a call that only releases values from before the loop (`for _, c := range closers {
    defer c.Close() }`, locking every shard with `for _, s := range shards { s.mu.Lock();
    defer s.mu.Unlock() }` or `s := shards[id]`, read-locking each parent on a walk up a
    chain `cur = cur.parent`); not when the `range` reads a channel, which brings new values
    every iteration, nor when the value is the same every iteration (locking one mutex
    again blocks forever, and is reported). A `range` whose iteration works on the element
    after deferring its unlock (`s.mu.RLock(); defer s.mu.RUnlock(); write(s.items)`; also
    the element its index picks, `s := &t.shards[i]`, one its key looks up elsewhere, `u :=
    i.users[id]` of `for _, id := range ids`, or `defer st.locks[i].Unlock()` in a
    counting loop) is reported as minor: each lock stays held while the later elements are
    worked on, which is meant only if all must stay locked together;
  - a resource the body keeps beyond its iteration (appended to an outer slice, stored in an
    outer variable, field or map, sent on a channel, passed to or used by a goroutine the
    iteration starts), which the function uses after the loop; a channel made per iteration
    whose deferred `close` tells such a goroutine that the function returned is one;
  - every slot of a semaphore from before the loop: `sem <- x` with `defer func() { <-sem
    }()`, or `sem.Acquire(...)` with `defer sem.Release(...)`;
  - a deferred function literal that only acts when the function fails (`defer func() { if
    err != nil { ... } }()` with `err` not the iteration's own), or that calls `recover()`
    and releases nothing (it guards the function, e.g. setting a named error result).

## Impact
A finding **grows** (severity `warning`) when the loop runs as many times as the input or the
running time allow (`for {}`, `for cond {}`, a count up to a variable, a range over a
parameter, a field, a call's result such as a directory listing, data read, or a channel) and
the deferred call releases something: its name says so (`Close`, `Unlock`, `RUnlock`,
`Release`, `Stop`, `cancel`, `Done`, `Remove`, `RemoveAll`, `Rollback`, `free`, `End`,
`cleanup`, `Delete`, `Wait`, ...), or a deferred function literal makes such a call or gives
back a semaphore slot (`<-sem`). The impact reason says which loop, e.g. "the loop ranges over
`paths`".

It is **bounded** (severity `info`, hidden by default) when:
- every loop around the defer runs a known small number of times: it ranges over a literal
  table (in the function or the file, never assigned again) or counts to a small constant,
  at most 64 times ("the loop ranges over a literal list of 3 items", "the loop runs 3
  times"); or
- the deferred call releases nothing (`defer os.Chdir(cwd)`, `defer log.Println(...)`): only
  the deferred calls themselves wait for the return ("`os.Chdir(cwd)` releases nothing:
  only the deferred calls pile up"); or
- it is `defer p.Close()` of a multipart part the loop's body gets from `NextPart()` (or
  `NextRawPart()`): its Close only reads the rest of the part, which the reader's next
  `NextPart` does too, and holds no file or connection; or
- it is `defer resp.Body.Close()` (a statement of the loop's body) and every path on to the
  next iteration first reads the body to its end (`io.ReadAll(resp.Body)`, `io.Copy(w,
  resp.Body)`, as a statement or an `if`'s initializer; an `if` counts when its other branch
  returns or breaks out): a body read to its end gives its connection back to the client, so
  only the small responses wait. A `continue` before the read, a read of a prefix
  (`io.CopyN`) or a decoder (which stops at the end of its value) keeps it growing.

Findings in test code (`_test.go` files and test support files) are `info` as well: bounded
by their loop as above, and otherwise "test code": tests often open a few files in a loop on
purpose, and the test process ends soon.

Everything here is read from the syntax tree; no types are needed, so findings have
confidence `high`.

## Why is this bad?
A deferred call runs when the surrounding *function* returns, not at the end of the loop
iteration. Every iteration adds one more call to the function's defer queue and keeps what
it would release (an open file, a database row set, a connection, a held lock, a timer) alive
until the function returns. A loop over many files can run out of file descriptors; a
long-running loop (a server's accept loop, a worker reading a channel) never returns, so
nothing is ever released and the defer queue itself grows without bound.

## Example
```go
func writeManyFiles(files []File) error {
        for _, file := range files {
                f, err := os.Open(file.path)
                if err != nil {
                        return err
                }
                defer f.Close()

                _, err = f.WriteString(file.content)
                if err != nil {
                        return err
                }

                err = f.Sync()
                if err != nil {
                        return err
                }
        }

        return nil
}
```

## Use instead
Give each iteration a function of its own, so its deferred calls run when the iteration ends:
```go
func writeManyFiles(files []File) error {
        for _, file := range files {
                if err := func() error {
                        f, err := os.Open(file.path)
                        if err != nil {
                                return err
                        }
                        defer f.Close()

                        _, err = f.WriteString(file.content)
                        if err != nil {
                                return err
                        }

                        return f.Sync()
                }(); err != nil {
                        return err
                }
        }

        return nil
}
```

The fix writes this rewrite for you, in the simplest shape that keeps the function's
behaviour:
- a body without `return` becomes `func() { ... }()`, each `continue` becoming `return`;
- when the function's last result is `error` and every `return` in the body passes on an error
  that cannot be nil (`return err` under `if err != nil`, `fmt.Errorf(...)`, `errors.New(...)`,
  a composite literal, or a `github.com/pkg/errors` wrapper of such an error), the shape above:
  `if err := func() error { ... }(); err != nil { return err }` (for `(T, error)`:
  `if v, err := func() (T, error) { ... }(); err != nil { return v, err }`), with `continue`
  becoming `return nil` (`return <zero value>, nil`); for a single `error`, a final `err = X`
  / `if err != nil { return err }` pair (or `if err := X; err != nil { return err }`) becomes
  `return X` when `err` is the body's own;
- otherwise (a `return nil` or `return wrap(err)` that may end the function with a nil error,
  results without an `error`, a function without results that returns from inside the loop)
  a flag carries "the function returns now":
  `if done, v, err := func() (bool, T, error) { ... }(); done { return v, err }`, each
  `return X` becoming `return true, X` and `continue` becoming `return false, <zero values>`
  (`*new(T)` when the zero value of an imported type or a type parameter cannot be spelled
  otherwise).

Returns inside nested function literals, and `continue`/`break` that belong to a nested loop,
`switch` or `select`, are left as they are. Labels inside the body move into the function
literal with every jump to them; the loop's own label is removed when its only uses were
`continue` statements that became returns.

There is no automatic fix, and the finding says why, when the loop body uses `break` for the
loop itself, `goto` to a label outside the body, a `continue` or `break` to an outer loop's
label, or a `return` of a call's several results (`return f()` for `(T, error)`); when the
function has named results (a deferred call may set them, and moving it changes the value
returned); and when the loop body shares a line with its braces (not gofmt's layout).

A loop inside a loop that both defer is fixed in two rounds (`leakscope fix` repeats until
nothing is left).

## Fix safety
The fix moves deferred calls from the end of the function to the end of the iteration. That
is the point, but it changes behaviour when what a deferred call releases is still needed
after the iteration: an `Unlock` of a mutex the code after the loop expects to be held, a test
server whose address the code after the loop still dials, a file whose reader is kept
(`last = bufio.NewReader(f)`), a temporary file removed by `defer os.Remove(name)` that the
code after the loop still reads, a `recover()` in a deferred function literal (it would
swallow a panic of one iteration and let the loop go on).

So the fix is **safe** only when every deferred call in the loop body releases something the
iteration itself created, and nothing made from that is used after the iteration:
- each deferred call is `x.Close()` or `x.Body.Close()` (or `CloseSend`, `Stop`, `Release`,
  `Rollback`, `Cancel`, `Free`, `Finish`) where `x` is declared inside the loop body, or
  `cancel()` where `ctx, cancel := context.WithCancel/WithTimeout/WithDeadline(...)` is
  declared inside the loop body;
- the iteration does something with `x` besides releasing it: a loop that only opens
  something and defers its release (`rows, err := db.Query(q)` ... `defer rows.Close()`,
  with `rows` used nowhere else) holds every iteration's resource on purpose, to keep several
  connections busy at once or a listener open; and
- no value made from `x` (or from `ctx` and `cancel`) leaves the iteration. Made from it are
  `x` itself, its fields (`srv.URL`), what calls make from it or from its fields (`u, _ :=
  url.Parse(srv.URL)`, `r := bufio.NewReader(f)`, `info, _ := f.Stat()`), and values computed
  from those (`u.Host`, `host + ":" + port`, `parts[0]`, a composite literal holding one),
  followed through the variables of the loop body, transitively. Comparisons, `len`/`cap`,
  and errors in variables named `err` are not followed.
- Such a value leaves the iteration when it is assigned, appended or copied to a variable,
  field, map key or element, or slice that is not the body's own (`addrs = append(addrs,
  host)`, `seen[f.Name()] = true`), sent on a channel, passed to a `go` statement, used inside
  a function literal that is not called on the spot (a goroutine, a callback, a stored
  closure; a deferred one counts as called, since after the fix it runs at the end of the
  iteration), or passed to a function that may keep it.
- Functions taken not to keep their arguments: built-ins and conversions; the standard
  library, except the functions that register or store an argument (`http.Handle`,
  `http.HandleFunc`, `heap.Push`, `signal.Notify`, `runtime.SetFinalizer`, `log.SetOutput`,
  `slog.SetDefault`, `expvar.Publish`, `flag.Var`, the `sync/atomic` stores); whatever their
  package or receiver, functions and methods named for writing, logging, asserting, reading,
  matching, looking up or constructing (names starting with `Write`, `Print`, `Log`, `Error`,
  `Fatal`, `Skip`, `Debug`, `Info`, `Warn`, `Assert`, `Equal`, `NotEqual`, `Contains`,
  `NotContains`, `Match`, `Find` or `New`, and `Get`, `Load`, `Has`, `Lookup`, `Read`,
  `ReadFrom`, `Decode`, `Unmarshal`, `Check`, `DeepEqual`, `True`, `False`, `Nil`, `NotNil`,
  `NoError`, `Len`, `Empty`, `NotEmpty`, `Same`: a constructor keeps what it gets in its
  result, which is followed); methods of a value that is followed already; functions declared
  in the same file whose parameter, followed the same way inside them (three calls deep),
  does not leave them; and, for `cancel()`, any function that receives the context itself or
  one the `context` package made from it (by Go's convention a function uses its context only
  while it runs; what it makes from it, such as `exec.CommandContext(ctx, ...)`, is
  followed). A method of a variable of the loop body is taken to keep the value in that
  variable, which is then followed (`b.WriteString(u.Host)`). Every other function may keep
  what it receives: one of another package outside the standard library or of another file,
  a function value, a method of a variable from outside the loop.

Returning such a value from the function is not a use after the iteration: the function's
return runs the deferred call before the caller sees the value, with the fix or without it.
What a call writes through a pointer argument (`dec.Decode(&v)`, `f.Read(buf)`) is a copy of
data and is not followed.

Nor is it ever safe in test code: a test that opens in a loop and defers the release often
means to hold everything until it ends (a backlog filled to its limit, servers kept up for what
follows), and the leak lasts no longer than the test.

Every other fix is **unsafe** and needs `leakscope fix --unsafe`; its title ends with the
reason, e.g. `(unsafe: net.JoinHostPort(host, port), made from srv, is appended to addrs,
which outlives the iteration)`, `(unsafe: mu.Unlock() is not known to release something the
iteration opened)` or `(unsafe: a deferred function literal may do more than release what the
iteration opened)`. This is read from the syntax alone: a number computed from the resource
counts like a port that is useless once it is closed, and a callee that keeps a value in a way
the lists above miss would make a fix marked safe wrong.

There is no fix (the finding says why) when the loop body uses `break` for the loop itself,
`goto` to a label outside the body, or `continue`/`break` to an outer loop's label; when a
`return` in the body passes on a call's several results; when the function has named results
(or results leakscope cannot read); and when the loop body shares a line with its braces or
does not parse cleanly. The rewrite itself never changes which
values the function returns: the flag shape is used whenever an `error` return could be nil.

## References
- [Go 101: Memory Leaking Scenarios, "Deferred function calls"](https://go101.org/article/memory-leaking.html)
- [The Go Programming Language Specification: Defer statements](https://go.dev/ref/spec#Defer_statements)
- [Effective Go: Defer](https://go.dev/doc/effective_go#defer)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.model import Confidence, Fix, FixAvailability, Impact, Rule, Severity
from leakscope.core.rules._escape import declared_in, kept_outside
from leakscope.core.rules._flow import (
    JUMPS,
    LOOP,
    conjuncts,
    jump_target,
    own_nodes,
    stmts_of,
    terminates,
)
from leakscope.core.rules._loops import known_trips, loops_around, loops_impact
from leakscope.core.rules._wrap_loop import wrap_loop_body
from leakscope.core.syntax import (
    FUNCTION_NODES,
    captures,
    function_name,
    text,
    unparen,
    within,
)

_RESOURCE = frozenset(
    {"Close", "CloseSend", "Stop", "Release", "Rollback", "Free", "Finish", "Shutdown", "Cancel"}
)
_LOCKS = frozenset({"Unlock", "RUnlock"})
_CALL_LIMIT = 40
# Words in a function's name that say it releases something (`Close`, `RUnlock`, `cancel`,
# `wg.Done`, `os.RemoveAll`, `C.free`, `span.End`, `cleanup`, `deleteNode`, `LeaveGroup`).
_RELEASE_WORDS = frozenset(
    {
        "close",
        "closer",
        "unlock",
        "runlock",
        "release",
        "stop",
        "cancel",
        "done",
        "remove",
        "free",
        "rollback",
        "finish",
        "shutdown",
        "end",
        "unbind",
        "cleanup",
        "clean",
        "unref",
        "decref",
        "put",
        "unmap",
        "munmap",
        "unsubscribe",
        "leave",
        "delete",
        "destroy",
        "dispose",
        "terminate",
        "kill",
        "teardown",
        "disconnect",
        "detach",
        "unmount",
        "umount",
        "unregister",
        "deregister",
        "unlink",
        "wait",
    }
)
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def _deferred_call(defer: Node) -> Node | None:
    return next((c for c in defer.named_children if c.type == "call_expression"), None)


def _release_name(name: str) -> bool:
    """Whether a function or method name says it releases something."""
    if name.lower() in _RELEASE_WORDS:
        return True
    return any(word.lower() in _RELEASE_WORDS for word in _WORDS.findall(name))


def _release_call(call: Node) -> bool:
    """A call whose function's name says it releases something (`f.Close()`, `cancel()`,
    `close(ch)`, `os.RemoveAll(dir)`)."""
    func = call.child_by_field_name("function")
    if func is None:
        return False
    func = unparen(func)
    if func.type == "selector_expression":
        return _release_name(text(func.child_by_field_name("field")))
    return func.type == "identifier" and _release_name(text(func))


def releases(defer: Node) -> bool:
    """Whether the deferred call releases something: its function's name says so, or, for a
    deferred function literal, one of the calls it makes does, or it receives from a
    channel (`defer func() { <-sem }()` gives back a semaphore slot)."""
    call = _deferred_call(defer)
    if call is None:
        return False
    func = call.child_by_field_name("function")
    if func is None or func.type != "func_literal":
        return _release_call(call)
    body = func.child_by_field_name("body")
    if body is None:
        return False
    pattern = '(call_expression) @call (unary_expression operator: "<-") @receive'
    return any(kind == "receive" or _release_call(node) for kind, node in own_nodes(pattern, body))


def _loop_and_function(defer: Node) -> tuple[Node | None, Node | None]:
    """The nearest loop around `defer` inside its function (None when a function literal
    comes first), and that function."""
    loop = None
    node = defer.parent
    while node is not None:
        if node.type in FUNCTION_NODES:
            return loop, node
        if node.type == LOOP and loop is None:
            loop = node
        node = node.parent
    return loop, None


def _loops_above(node: Node, func: Node) -> bool:
    parent = node.parent
    while parent is not None and parent != func:
        if parent.type == LOOP:
            return True
        parent = parent.parent
    return False


def _ends_loops(jump: Node, loop: Node, func: Node) -> bool:
    """Whether a `break` leaves `loop` (or a loop around it) with no loop left to repeat it."""
    if jump.type != "break_statement":
        return False
    target = jump_target(jump)
    if target is None or target.type != LOOP or not within(loop, target):
        return False
    return not _loops_above(target, func)


def _escapes(stmt: Node, loop: Node, func: Node) -> bool:
    """Whether a jump inside `stmt` may lead to another iteration of `loop`."""
    for _, jump in own_nodes(JUMPS, stmt):
        if jump.type == "goto_statement":
            return True
        target = jump_target(jump)
        if target is not None and within(target, stmt):
            continue
        if _ends_loops(jump, loop, func):
            continue
        return True
    return False


def iterates_after(
    defer: Node,
    loop: Node,
    func: Node,
    imports: dict[str, str],
    released: frozenset[str] = frozenset(),
) -> bool:
    """Whether the loop can start another iteration after `defer` ran, still holding what
    the deferred call releases.

    Follows the statements after the `defer`, then after each statement around it, up to the
    loop body. A statement that ends the function (or the loops) stops the walk: no next
    iteration. So does `flag = true` followed by `if flag { break }` (or `return`), and,
    when `released` names the calls that release what the deferred call does (`f.Close()`),
    a statement that makes all of them: the iteration releases it itself before any next
    one. A jump that may go elsewhere, or reaching the end of the body, means there may be
    one.
    """
    body = loop.child_by_field_name("body")
    node = defer
    flags: set[str] = set()
    done: set[str] = set()
    while True:
        holder = node.parent
        if holder is None or holder.type != "statement_list":
            return True
        for sibling in holder.named_children:
            if sibling.start_byte <= node.start_byte or sibling.type == "comment":
                continue
            if released:
                done |= _explicit_releases(sibling) & released
                if done >= released:
                    return False
            if _escapes(sibling, loop, func):
                return True
            if terminates(sibling, broad=True, imports=imports) or _ends_loops(sibling, loop, func):
                return False
            if _flag_exit(sibling, flags, loop, func, imports):
                return False
            flags |= _flag_set(sibling)
        container = holder.parent
        if container is None or container == body:
            return True
        node = container
        while node.parent is not None and node.parent.type != "statement_list":
            if node == body or node.type in FUNCTION_NODES or node.type == LOOP:
                return True
            node = node.parent
        if node == body or node.parent is None:
            return True


def _flag_set(stmt: Node) -> set[str]:
    """`found = true`: the flag it sets."""
    if stmt.type != "assignment_statement" or text(stmt.child_by_field_name("operator")) != "=":
        return set()
    left, right = stmt.child_by_field_name("left"), stmt.child_by_field_name("right")
    if left is None or right is None or left.named_child_count != 1:
        return set()
    target, value = left.named_children[0], right.named_children
    if target.type != "identifier" or len(value) != 1 or text(value[0]) != "true":
        return set()
    return {text(target)}


def _flag_exit(
    stmt: Node, flags: set[str], loop: Node, func: Node, imports: dict[str, str]
) -> bool:
    """`if found { break }` (or `return`) after `found = true`: the loop ends here."""
    if not flags or stmt.type != "if_statement":
        return False
    cond = stmt.child_by_field_name("condition")
    if stmt.child_by_field_name("initializer") is not None or cond is None:
        return False
    if text(unparen(cond)) not in flags:
        return False
    return any(
        terminates(s, broad=True, imports=imports) or _ends_loops(s, loop, func)
        for s in stmts_of(stmt.child_by_field_name("consequence"))
    )


def _explicit_releases(stmt: Node) -> set[str]:
    """The call a statement always makes first, as a key (`f.Close()`): `f.Close()`,
    `err = f.Close()`, `err := f.Close()`, `if err := f.Close(); err != nil { ... }`."""
    if stmt.type == "if_statement":
        init = stmt.child_by_field_name("initializer")
        return _explicit_releases(init) if init is not None else set()
    if stmt.type == "expression_statement":
        values = stmt.named_children
    elif stmt.type in ("assignment_statement", "short_var_declaration"):
        right = stmt.child_by_field_name("right")
        values = right.named_children if right is not None else []
    else:
        return set()
    if len(values) != 1 or unparen(values[0]).type != "call_expression":
        return set()
    key = _key(unparen(values[0]))
    if key.endswith(".Commit()"):
        return {key, key[: -len("Commit()")] + "Rollback()"}
    return {key}


def _key(call: Node) -> str:
    """A call as written, without spaces or comments: what an explicit release is matched by."""
    return "".join(text(call).split())


def _release_keys(defer: Node) -> frozenset[str]:
    """The explicit calls that release what the deferred call releases: the call itself
    (`f.Close()`, `cancel()`, `mu.Unlock()`; `tx.Commit()` also stands for `tx.Rollback()`);
    for a deferred function literal, every release call it makes (all must be made). Empty
    when the deferred call releases nothing."""
    call = _deferred_call(defer)
    if call is None:
        return frozenset()
    func = call.child_by_field_name("function")
    if func is not None and func.type == "func_literal":
        calls = [c for _, c in own_nodes("(call_expression) @c", func.child_by_field_name("body"))]
        return frozenset(_key(c) for c in calls if _release_call(c))
    return frozenset({_key(call)}) if _release_call(call) else frozenset()


_ASSIGNMENTS = "(assignment_statement left: (expression_list) @left)"


def _unset_tests(cond: Node) -> list[str]:
    """The `x` of `x == nil`, `x == ""`, `x == 0`, `x == false`, `len(x) == 0` and `!x`
    conjuncts of a condition: tests that a lazily set variable is still unset."""
    out = []
    for part in conjuncts(cond):
        if part.type == "unary_expression" and text(part.child_by_field_name("operator")) == "!":
            operand = part.child_by_field_name("operand")
            if operand is not None and operand.type in ("identifier", "selector_expression"):
                out.append(text(operand))
            continue
        name = _zero_compared(part, ("==",))
        if name is not None:
            out.append(name)
    return out


def _zero_compared(part: Node, operators: tuple[str, ...]) -> str | None:
    """The `x` of `x OP zero` (`nil`, `""`, `0`, `false`, either side) or of `len(x) OP 0`,
    for an OP of `operators` (`>` only as `len(x) > 0`), else None."""
    if part.type != "binary_expression":
        return None
    operator = text(part.child_by_field_name("operator"))
    left, right = part.child_by_field_name("left"), part.child_by_field_name("right")
    if operator not in operators or left is None or right is None:
        return None
    if operator != ">" and text(left) in _UNSET:
        left, right = right, left
    if text(right) not in _UNSET or (operator == ">" and text(right) != "0"):
        return None
    left = unparen(left)
    if left.type == "call_expression" and text(right) == "0":
        args = left.child_by_field_name("arguments")
        named = [a for a in args.named_children if a.type != "comment"] if args else []
        if text(left.child_by_field_name("function")) == "len" and len(named) == 1:
            return text(named[0])
        return None
    if left.type in ("identifier", "selector_expression") and operator != ">":
        return text(left)
    return None


_UNSET = frozenset({"nil", '""', "``", "0", "false"})


def _set_tests(cond: Node) -> list[str]:
    """The `x` of `x != nil`, `x != ""`, `x != 0`, `len(x) > 0`, `len(x) != 0` and `x`
    disjuncts of a condition: tests that a lazily set variable is set already."""
    out = []
    for part in conjuncts(cond, "||"):
        if part.type in ("identifier", "selector_expression"):
            out.append(text(part))
            continue
        name = _zero_compared(part, ("!=", ">"))
        if name is not None:
            out.append(name)
    return out


def runs_once(defer: Node, loop: Node) -> bool:
    """Whether the defer sits in a lazy initialisation the loop runs at most once.

    `if x == nil { x = ...; defer ... }` (or `== ""`, `== 0`, `len(x) == 0`, `if !done { done =
    true; ... }`), or after a guard that leaves the iteration once `x` is set, on a way that
    sets it (`if s.pty != nil { continue }` ... `s.pty = &req; defer ...`), where `x` is not a
    variable of the loop body and nothing else in the body sets it again.
    """
    body = loop.child_by_field_name("body")
    if body is None:
        return False
    node = defer
    while node.parent is not None and node != body:
        parent = node.parent
        if (
            parent.type == "if_statement"
            and parent.child_by_field_name("consequence") == node
            and parent.child_by_field_name("condition") is not None
        ):
            for name in _unset_tests(parent.child_by_field_name("condition")):
                if _set_only_in(name, node, body):
                    return True
        if _guarded(node, parent, body, _header_names(loop)):
            return True
        node = parent
    return False


def _guarded(node: Node, block: Node, body: Node, header: set[str]) -> bool:
    """Whether a statement of `block` before `node` is `if x != nil { ...; continue }` (a
    guard that leaves the iteration once `x` is set), `block` sets `x` itself to a value
    surely set (on the way to `node`, a statement of `block`), and nothing else in the loop
    body sets it."""
    sets: set[str] = set()
    for statement in block.named_children:
        left = statement.child_by_field_name("left")
        right = statement.child_by_field_name("right")
        if statement.type != "assignment_statement" or left is None or right is None:
            continue
        if text(statement.child_by_field_name("operator")) != "=":
            continue
        pairs = zip(left.named_children, right.named_children, strict=False)
        sets.update(text(target) for target, value in pairs if _surely_set(value))
    for guard in block.named_children:
        if guard.end_byte > node.start_byte:
            break
        condition = guard.child_by_field_name("condition")
        leaves = guard.child_by_field_name("consequence")
        if guard.type != "if_statement" or condition is None or leaves is None:
            continue
        inner = leaves.named_children
        if len(inner) == 1 and inner[0].type == "statement_list":
            inner = inner[0].named_children
        last = [c for c in inner if c.type != "comment"][-1:]
        if guard.child_by_field_name("alternative") is not None or not last:
            continue
        if last[0].type not in ("continue_statement", "return_statement"):
            continue
        if any(
            name in sets
            and name not in header
            and _set_only_in(name, block, body)
            and not _assigned_before(name, guard, body)
            for name in _set_tests(condition)
        ):
            return True
    return False


def _surely_set(value: Node) -> bool:
    """Whether a value assigned is surely not the zero value: `true`, `&req`, `T{...}`,
    `make(...)`, `new(T)`, a literal other than zero (so a guard testing it is set leaves
    every later iteration)."""
    value = unparen(value)
    if value.type in ("true", "composite_literal", "func_literal"):
        return True
    if value.type == "unary_expression":
        return text(value).startswith("&")
    if value.type == "call_expression":
        return text(value.child_by_field_name("function")) in ("make", "new")
    if value.type in ("int_literal", "interpreted_string_literal", "raw_string_literal"):
        return text(value) not in _UNSET
    return False


def _assigned_before(name: str, guard: Node, body: Node) -> bool:
    """Whether the loop body assigns `name` before the guard's block (`f, err = open(p)`, or
    `if _, err = open(p); err != nil { continue }`: a test of this iteration's value, not
    of a value set once)."""
    leaves = guard.child_by_field_name("consequence")
    until = leaves.start_byte if leaves is not None else guard.end_byte
    return any(
        left.start_byte < until and any(text(t) == name for t in left.named_children)
        for _, left in own_nodes(_ASSIGNMENTS, body)
    )


def _set_only_in(name: str, block: Node, body: Node) -> bool:
    """`name` is assigned (with `=`) inside `block` and nowhere else in the loop body."""
    assigned_inside = False
    for _, left in own_nodes(_ASSIGNMENTS, body):
        if not any(text(t) == name for t in left.named_children):
            continue
        if not within(left, block):
            return False
        assigned_inside = True
    if not assigned_inside:
        return False
    declared = "(short_var_declaration left: (expression_list) @left) (var_spec) @left"
    return not any(
        text(n) == name
        for _, left in own_nodes(declared, body)
        for n in left.named_children
        if n.type == "identifier"
    )


def _header_names(loop: Node) -> set[str]:
    """Variables the loop header declares (`for i, x := range xs`, `for i := 0; ...`)."""
    names: set[str] = set()
    for child in loop.named_children:
        if child.type == "range_clause":
            left = child.child_by_field_name("left")
            if left is not None and any(c.type == ":=" for c in child.children):
                names.update(text(n) for n in left.named_children if n.type == "identifier")
        elif child.type == "for_clause":
            init = child.child_by_field_name("initializer")
            left = init.child_by_field_name("left") if init is not None else None
            if init is not None and init.type == "short_var_declaration" and left is not None:
                names.update(text(n) for n in left.named_children if n.type == "identifier")
    return names


def _ranges_over_channel(loop: Node, func: Node) -> bool:
    """Whether a `range` loop may read a channel: new values arrive every iteration.

    Known from a `chan` parameter or a `make(chan ...)` in the function; any other range
    expression whose name hints at a channel also counts.
    """
    clause = next((c for c in loop.named_children if c.type == "range_clause"), None)
    if clause is None:
        return False
    right = clause.child_by_field_name("right")
    if right is None:
        return False
    name = text(right)
    if name.startswith("<-") or "chan" in name.lower() or name.endswith((".C", "Ch", "ch")):
        return True
    params = func.child_by_field_name("parameters")
    for decl in params.named_children if params is not None else []:
        type_text = text(decl.child_by_field_name("type"))
        if "chan" in type_text and any(
            text(n) == name for n in decl.children_by_field_name("name")
        ):
            return True
    return any(text(made) == name for made in captures(_MAKE_CHAN, func).get("made", []))


_MAKE_CHAN = (
    "(short_var_declaration left: (expression_list (identifier) @made)"
    " right: (expression_list (call_expression function: (identifier) @_make"
    " arguments: (argument_list (channel_type)))))"
)
_DECLARED_NAMES = (
    "(short_var_declaration left: (expression_list (identifier) @name))"
    " (var_spec name: (identifier) @name)"
    " (range_clause left: (expression_list (identifier) @name))"
    " (receive_statement left: (expression_list (identifier) @name))"
)


_ASSIGNED_NAMES = "(assignment_statement left: (expression_list (identifier) @name)) " + (
    _DECLARED_NAMES
)


def _iteration_names(body: Node, assigned: bool = True) -> set[str]:
    """Names the loop body declares, or also assigns (outside nested function literals)."""
    pattern = _ASSIGNED_NAMES if assigned else _DECLARED_NAMES
    return {text(n) for _, n in own_nodes(pattern, body)}


def _on_failure_only(call: Node, iteration: set[str]) -> bool:
    """`defer func() { if err != nil { ... } }()` or `if err == nil { return }` first, where
    `err` is not declared in the loop body: undoing work when the function fails."""
    func = call.child_by_field_name("function")
    if func is None or func.type != "func_literal":
        return False
    body = stmts_of(func.child_by_field_name("body"))
    if not body or body[0].type != "if_statement":
        return False
    first = body[0]
    cond = first.child_by_field_name("condition")
    if cond is None or first.child_by_field_name("initializer") is not None:
        return False
    if len(body) == 1 and first.child_by_field_name("alternative") is None:
        for part in conjuncts(cond):
            op = part.child_by_field_name("operator")
            if part.type == "binary_expression" and text(op) == "!=":
                left, right = part.child_by_field_name("left"), part.child_by_field_name("right")
                if (
                    text(right) == "nil"
                    and left is not None
                    and left.type == "identifier"
                    and text(left) not in iteration
                ):
                    return True
            if part.type == "unary_expression" and text(op) == "!":
                operand = part.child_by_field_name("operand")
                if (
                    operand is not None
                    and operand.type == "identifier"
                    and text(operand) not in iteration
                ):
                    return True
    inner = stmts_of(first.child_by_field_name("consequence"))
    if len(inner) == 1 and inner[0].type == "return_statement" and len(body) > 1:
        cond = unparen(cond)
        tested = None
        if cond.type == "binary_expression" and text(cond.child_by_field_name("operator")) == "==":
            if text(cond.child_by_field_name("right")) == "nil":
                tested = cond.child_by_field_name("left")
        elif cond.type == "identifier":
            tested = cond
        if tested is not None and tested.type == "identifier" and text(tested) not in iteration:
            return True
    return False


def intentional(defer: Node, loop: Node, func: Node, imports: dict[str, str]) -> bool:
    """Whether the defer holds nothing per iteration, or holds it on purpose.

    - the deferred call only releases values from before the loop (`for _, c := range
      closers { defer c.Close() }`, `for _, s := range shards { s.mu.Lock(); defer
      s.mu.Unlock() }`, `s := shards[id]`, a walk up a chain `cur = cur.parent`): nothing is
      acquired per iteration, everything is released at the end;
    - what it releases is kept beyond the iteration (appended to an outer slice, stored,
      sent, handed to a goroutine by argument or capture): the loop collects resources the
      function uses later;
    - a deferred function literal that only acts when the function fails (`if err != nil`),
      or that calls `recover()` and releases nothing: it guards the function, not the
      iteration;
    - the loop acquires a slot of a semaphore from before the loop (`sem <- x`,
      `sem.Acquire(...)`) and defers giving it back (`<-sem`, `sem.Release(...)`): taking
      every slot until the function returns is the point.
    """
    body = loop.child_by_field_name("body")
    call = _deferred_call(defer)
    if body is None or call is None:
        return False
    iteration = _iteration_names(body)
    if _on_failure_only(call, _iteration_names(body, assigned=False)):
        return True
    if _recovers(call) and not releases(defer):
        return True
    if _semaphore_slot(call, body, iteration):
        return True
    used = {
        text(n)
        for n in captures("(identifier) @i", call).get("i", [])
        if text(n) not in imports or declared_in(text(n), defer, body) is not None
    }
    mine = used & iteration
    header = set() if _ranges_over_channel(loop, func) else _header_names(loop)
    if not mine:
        return bool(used & header)
    if _made_before(mine, body, header, iteration):
        return True
    local = {n for n in mine if declared_in(n, defer, body) is not None}
    local -= _only_called(local, body, defer)
    return bool(local) and kept_outside(local, body, defer, imports)


def _declaring(ident: Node) -> bool:
    """Whether `ident` is a name a `:=` declares (`cancel` of `ctx, cancel := ...`)."""
    names = ident.parent
    owner = names.parent if names is not None else None
    return (
        names is not None
        and owner is not None
        and owner.type == "short_var_declaration"
        and owner.child_by_field_name("left") == names
    )


def _only_called(names: set[str], body: Node, defer: Node) -> set[str]:
    """The function values among `names` that the loop body only calls, outside the defer
    (`go func() { <-stop; cancel() }()` of `defer cancel()`): a goroutine that calls the
    release is a watchdog of the iteration, not a holder of what it releases."""
    out = set()
    uses: dict[str, list[Node]] = {}
    for node in captures("(identifier) @i", body).get("i", []):
        if text(node) in names and not within(node, defer):
            uses.setdefault(text(node), []).append(node)
    for name, found in uses.items():
        called = [
            n
            for n in found
            if n.parent is not None
            and n.parent.type == "call_expression"
            and n.parent.child_by_field_name("function") == n
        ]
        declared = [n for n in found if _declaring(n)]
        if called and len(called) + len(declared) == len(found):
            out.add(name)
    return out


def _works_under_each_lock(defer: Node, loop: Node, func: Node) -> bool:
    """`for _, s := range shards { s.mu.RLock(); defer s.mu.RUnlock(); write(s.items) }`:
    the deferred unlock of each element's own mutex, with work on the element after it in
    the iteration of a `range`. Locking every shard on purpose holds them all before any
    work (`{ s.mu.Lock(); defer s.mu.Unlock() }`, then the work after the loop); here each
    shard's work is done, yet its lock stays held while the later ones are worked on."""
    call = _deferred_call(defer)
    if call is None or _method(call)[1] not in _LOCKS:
        return False
    counted = any(c.type == "for_clause" for c in loop.named_children)
    if not counted and not any(c.type == "range_clause" for c in loop.named_children):
        return False  # (a walk up a chain holds each parent while it looks further: on purpose)
    header = set() if _ranges_over_channel(loop, func) else _header_names(loop)
    receiver = _method(call)[0]
    root = _root_name(receiver)
    # (In a counting loop only an element the index picks: `for p := c; p != nil; p =
    # p.parent` holds each parent while it looks further, on purpose.)
    if (counted or root not in header) and not _element_of_range(
        receiver, root, loop, header, defer
    ):
        return False
    after = [c for c in defer.parent.named_children if c.start_byte > defer.start_byte]
    return any(c.type not in ("defer_statement", "comment") and not _locks(c) for c in after)


def _element_of_range(receiver: str, name: str, loop: Node, header: set[str], defer: Node) -> bool:
    """Whether the deferred call's receiver is the element the loop's index picks, as
    written (`defer s.locks[i].Unlock()` in `for i := range s.locks`, or of any collection
    the index or key picks from, `i.users[id]` in `for _, id := range ids`) or through a
    local the body binds to it before the defer (`s := &t.shards[i]`)."""
    clause = next((c for c in loop.named_children if c.type == "range_clause"), None)
    ranged = clause.child_by_field_name("right") if clause is not None else None
    body = loop.child_by_field_name("body")
    if body is None or not header:
        return False
    # (The ranged collection, or another the iteration's key picks from: `u :=
    # i.users[id]` in `for _, id := range ids`.)
    collection = r"[A-Za-z_][\w.]*"
    if ranged is not None:
        collection = r"(?:" + re.escape(text(ranged)) + r"|" + collection + r")"
    index = "|".join(map(re.escape, header))
    element = collection + r"\[\s*(?:" + index + r")\s*\]"
    if re.match(element + r"(?:\.|$)", receiver):
        return True
    picked = re.compile(r"&?\s*" + element + r"$")
    for _, statement in own_nodes("(short_var_declaration) @d", body):
        if statement.start_byte > defer.start_byte:
            break
        left = statement.child_by_field_name("left")
        right = statement.child_by_field_name("right")
        if left is None or right is None or [text(n) for n in left.named_children] != [name]:
            continue
        if len(right.named_children) == 1 and picked.match(text(right.named_children[0])):
            return True
    return False


def _locks(statement: Node) -> bool:
    """`s.mu.Lock()` and the like, as a statement."""
    inner = statement.named_children[0] if statement.named_children else None
    return (
        statement.type == "expression_statement"
        and inner is not None
        and inner.type == "call_expression"
        and _method(inner)[1] in _LOCK_CALLS
    )


_LOCK_CALLS = frozenset({"Lock", "RLock", "Unlock", "RUnlock"})


def _recovers(call: Node) -> bool:
    """A deferred function literal that calls `recover()`."""
    func = call.child_by_field_name("function")
    if func is None or func.type != "func_literal":
        return False
    calls = own_nodes("(call_expression function: (identifier) @f)", func)
    return any(text(f) == "recover" for _, f in calls)


def _semaphore_slot(call: Node, body: Node, iteration: set[str]) -> bool:
    """`sem <- x` ... `defer func() { <-sem }()`, or `sem.Acquire(...)` ... `defer
    sem.Release(...)`, with `sem` from before the loop."""
    func = call.child_by_field_name("function")
    if func is None:
        return False
    given_back: set[str] = set()
    if func.type == "func_literal":
        stmts = stmts_of(func.child_by_field_name("body"))
        for stmt in stmts:
            inner = unparen(stmt.named_children[0]) if stmt.named_children else None
            if stmt.type != "expression_statement" or inner is None:
                return False
            operator = text(inner.child_by_field_name("operator"))
            if inner.type == "unary_expression" and operator == "<-":
                given_back.add("chan " + text(inner.child_by_field_name("operand")))
            elif inner.type == "call_expression" and _method(inner)[1] == "Release":
                given_back.add(_method(inner)[0])
            else:
                return False
    elif _method(call)[1] == "Release":
        given_back.add(_method(call)[0])
    if not given_back or any(_root_name(k.removeprefix("chan ")) in iteration for k in given_back):
        return False
    taken = {"chan " + text(n) for _, n in own_nodes("(send_statement channel: (_) @c)", body)}
    for _, acquire in own_nodes("(call_expression) @c", body):
        receiver, name = _method(acquire)
        if name in ("Acquire", "TryAcquire"):
            taken.add(receiver)
    return given_back <= taken


def _method(call: Node) -> tuple[str, str]:
    """(`sem`, `Release`) for `sem.Release(1)`; ("", "") for other calls."""
    func = call.child_by_field_name("function")
    if func is None or func.type != "selector_expression":
        return "", ""
    return text(func.child_by_field_name("operand")), text(func.child_by_field_name("field"))


def _root_name(path: str) -> str:
    """`s` of `s.sem` or `s.pool[i]`."""
    return re.split(r"[.\[(]", path.lstrip("*&("), maxsplit=1)[0]


_BINDINGS = (
    "(short_var_declaration) @bind (assignment_statement) @bind (var_spec) @bind"
    " (range_clause) @other (receive_statement) @other (inc_statement) @other"
    " (dec_statement) @other (type_switch_statement) @other"
)


def _made_before(names: set[str], body: Node, header: set[str], iteration: set[str]) -> bool:
    """Whether the variables `names` of the loop body only ever hold values that exist
    before the loop, a different one each iteration: a field, element or getter of a loop
    variable (`s := shards[id]`, `n := nodes[i].parent`), or a step along a chain
    (`cur = cur.parent`, `p = p.Parent()`). Nothing is opened per iteration then."""
    before = _MadeBefore(body, header, iteration)
    results = [before.holds(n, frozenset()) for n in names]
    return all(ok for ok, _ in results) and any(varies for _, varies in results)


class _MadeBefore:
    """(See `_made_before`.)"""

    def __init__(self, body: Node, header: set[str], iteration: set[str]) -> None:
        self._values = _bindings(body)
        self._header = header
        self._iteration = iteration
        self._memo: dict[str, tuple[bool, bool]] = {}

    def holds(self, name: str, visiting: frozenset[str]) -> tuple[bool, bool]:
        """(only values from before the loop, different each iteration) for a body variable."""
        if name in self._memo:
            return self._memo[name]
        sites = self._values.get(name)
        if not sites:
            return False, False
        ok, varies = True, False
        for site in sites:
            if site is None:
                ok = False
                break
            found, step = self.path(site, name, visiting | {name})
            ok, varies = ok and found, varies or step
        self._memo[name] = (ok, varies)
        return ok, varies

    def path(self, node: Node, owner: str, visiting: frozenset[str]) -> tuple[bool, bool]:
        node = unparen(node)
        kind = node.type
        if kind == "identifier":
            name = text(node)
            if name == owner or name in self._header or name in visiting:
                return True, True
            if name in self._iteration:
                return self.holds(name, visiting)
            return True, False
        if kind == "selector_expression":
            return self.path(node.child_by_field_name("operand"), owner, visiting)
        if kind == "index_expression":
            ok, varies = self.path(node.child_by_field_name("operand"), owner, visiting)
            index = node.child_by_field_name("index")
            idents = captures("(identifier) @i", index).get("i", []) if index else []
            moving = self._header | self._iteration | {owner}
            return ok, varies or any(text(i) in moving for i in idents)
        if kind == "unary_expression" and text(node.child_by_field_name("operator")) in "*&":
            return self.path(node.child_by_field_name("operand"), owner, visiting)
        if kind == "call_expression":
            func, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
            if func is None or func.type != "selector_expression" or args is None:
                return False, False
            if any(a.type != "comment" for a in args.named_children):
                return False, False
            # Only a step along a chain (`cur = cur.Parent()`): any other call may open
            # something new (`sub := c.Subscribe()`).
            operand = func.child_by_field_name("operand")
            if operand is None or owner not in _names_in(operand):
                return False, False
            return self.path(operand, owner, visiting)
        return False, False


def _names_in(node: Node) -> set[str]:
    return {text(n) for n in captures("(identifier) @i", node).get("i", [])}


def _bindings(body: Node) -> dict[str, list[Node | None]]:
    """What each variable of the loop body is set to there (None: a value that cannot be
    read as one expression, such as one of a call's several results)."""
    out: dict[str, list[Node | None]] = {}
    for kind, node in own_nodes(_BINDINGS, body):
        if kind == "other":
            targets = node.child_by_field_name("left") or node.child_by_field_name("alias")
            for n in captures("(identifier) @i", targets).get("i", []) if targets else []:
                out.setdefault(text(n), []).append(None)
            continue
        if node.type == "var_spec":
            left = node.children_by_field_name("name")
            right = node.child_by_field_name("value")
        else:
            op = node.child_by_field_name("operator")
            if node.type == "assignment_statement" and text(op) != "=":
                left_list = node.child_by_field_name("left")
                for n in left_list.named_children if left_list is not None else []:
                    out.setdefault(text(n), []).append(None)
                continue
            left_list = node.child_by_field_name("left")
            left = left_list.named_children if left_list is not None else []
            right = node.child_by_field_name("right")
        values = [v for v in right.named_children if v.type != "comment"] if right else []
        for i, target in enumerate(left):
            if target.type != "identifier":
                continue
            if right is None:
                continue  # `var x T`: the zero value, nothing opened
            value = values[i] if len(values) == len(left) else None
            out.setdefault(text(target), []).append(value)
    return out


def _call_text(defer: Node) -> tuple[str, str]:
    """How to name the deferred call in a message, and its method or function name."""
    call = next((c for c in defer.named_children if c.type != "comment"), None)
    if call is None:
        return "the deferred call", ""
    func = call.child_by_field_name("function") if call.type == "call_expression" else None
    if func is not None and func.type == "func_literal":
        return "a deferred function literal", ""
    name = ""
    if func is not None:
        name = text(func.child_by_field_name("field")) if func.type == "selector_expression" else ""
        name = name or text(func)
    shown = " ".join(text(call).split())
    if len(shown) > _CALL_LIMIT and func is not None:
        shown = " ".join(text(func).split()) + "(...)"
    return shown, name


def _loop_text(loop: Node) -> str:
    body = loop.child_by_field_name("body")
    end = body.start_byte if body is not None else loop.end_byte
    source = loop.text or b""
    header = " ".join(source[: end - loop.start_byte].decode("utf-8", "replace").split())
    if len(header) > _CALL_LIMIT:
        header = header[: _CALL_LIMIT - 3].rstrip() + "..."
    return header


def _function_text(func: Node) -> str:
    if func.type != "func_literal":
        return function_name(func)
    outer = func.parent
    while outer is not None and outer.type not in FUNCTION_NODES:
        outer = outer.parent
    launched = func.parent is not None and func.parent.type == "call_expression"
    launched = launched and func.parent.parent is not None
    kind = "go_statement" if launched and func.parent.parent.type == "go_statement" else ""
    where = f" in {function_name(outer)}" if outer is not None else ""
    return ("the goroutine's function" if kind else "the function literal") + where


def message(defer: Node, loop: Node, func: Node, piled: bool = False) -> str:
    call, name = _call_text(defer)
    if piled:
        held = (
            "each iteration releases it itself, but the deferred calls, and what they refer "
            "to, pile up until then"
        )
    else:
        held = _held(name, "iteration")
    return (
        f"{call} is deferred inside a loop (`{_loop_text(loop)}`): it runs only when "
        f"{_function_text(func)} returns, so {held}"
    )


def _held(name: str, each: str) -> str:
    """What waits for the return, by the deferred call's name: `each` iteration's (or
    round's) lock or resource, or only the deferred calls."""
    if name in _LOCKS:
        return f"every {each}'s lock stays held until then"
    if name in _RESOURCE or name.lower() == "cancel":
        return f"every {each}'s resource stays open until then"
    return "the deferred calls pile up until then"


def _piled_up(
    defer: Node, loop: Node, func: Node, ctx: FileContext, impact: Impact | None
) -> tuple[Impact | None, str]:
    """The impact of a defer whose release each iteration also makes (`defer tx.Rollback()`
    with `tx.Commit()`): nothing stays held, but every iteration leaves a deferred call on
    the stack, holding what it refers to (the transaction). It grows without end in a loop
    that runs as long as the program (`for {}`, a range over a channel): the function never
    returns. Elsewhere it is minor; in a loop of a known small size, not reported (None)."""
    if impact is Impact.BOUNDED:
        return None, ""  # a known small number of trips, or a call that releases nothing
    call, _ = _call_text(defer)
    body = loop.child_by_field_name("body")
    header = [c for c in loop.named_children if c != body and c.type != "comment"]
    endless = (loop.type == "for_statement" and not header) or _ranges_over_channel(loop, func)
    if endless and not ctx.is_test:
        return Impact.GROWS, (
            f"the loop runs as long as the program does, so {_function_text(func)} does not "
            f"return: one deferred `{call}` per iteration piles up without end"
        )
    return Impact.BOUNDED, (
        f"each iteration releases what `{call}` does itself: only the deferred calls pile up, "
        "one per iteration, until the function returns"
    )


def judge(defer: Node, func: Node, ctx: FileContext) -> tuple[Impact | None, str]:
    """Does what the defer holds grow with the loop's trips, or is it bounded, and why.

    Bounded when every loop around the defer (inside its function) runs a known small number
    of times, or when the deferred call releases nothing. In test code an unbounded loop
    is left to the engine's default (bounded: the test ends soon)."""
    impact, reason = loops_impact(loops_around(defer, func), ctx.root)
    if impact is Impact.BOUNDED:
        return impact, reason
    if not releases(defer):
        call, _ = _call_text(defer)
        what = "the deferred function literal" if call.startswith("a deferred") else f"`{call}`"
        return Impact.BOUNDED, f"{what} releases nothing: only the deferred calls pile up"
    loop = next(iter(loops_around(defer, func)), None)
    part = _multipart_part(defer, loop) if loop is not None else None
    if part is not None:
        return Impact.BOUNDED, (
            f"{part} is a multipart part: its Close only reads the rest of the part (the "
            "reader's next NextPart does that too) and holds no file or connection"
        )
    drained = drained_body(defer, loop) if loop is not None else None
    if drained is not None:
        return Impact.BOUNDED, (
            f"{drained}.Body is read to its end before the loop goes on, which gives the "
            "connection back: only the small responses wait for the return"
        )
    if ctx.is_test:
        return None, ""
    return Impact.GROWS, reason


# Reading an HTTP body to its end hands the connection back to the client's pool.
_DRAINS = re.compile(
    r"(?:io|ioutil)\.ReadAll\(\s*(\w+)\.Body\s*\)|io\.Copy\([^,()]+,\s*(\w+)\.Body\s*\)"
)


def _multipart_part(defer: Node, loop: Node) -> str | None:
    """`p` when the defer is `defer p.Close()` and the loop's body sets `p` from a
    `NextPart()` or `NextRawPart()` call (a `multipart.Reader`'s part), else None."""
    call = _deferred_call(defer)
    func_node = call.child_by_field_name("function") if call is not None else None
    if func_node is None or func_node.type != "selector_expression":
        return None
    operand = func_node.child_by_field_name("operand")
    if text(func_node.child_by_field_name("field")) != "Close" or operand is None:
        return None
    if operand.type != "identifier":
        return None
    name = re.escape(text(operand))
    set_from = re.compile(rf"\b{name}\b[\w, ]*:?=\s*[\w.]+\.Next(?:Raw)?Part\(\)")
    body = loop.child_by_field_name("body")
    return text(operand) if body is not None and set_from.search(text(body)) else None


def drained_body(defer: Node, loop: Node) -> str | None:
    """`resp` when the defer is `defer resp.Body.Close()` at the top of the loop's body and
    every path from it to the next iteration first reads the body to its end
    (`io.ReadAll(resp.Body)`, `io.Copy(w, resp.Body)`): the connection is back in the pool,
    and what waits for the function's return is only the small response. A `continue` (or
    a `goto`) before the read, or a branch that goes on without it, gives None."""
    call = _deferred_call(defer)
    func_node = call.child_by_field_name("function") if call is not None else None
    if func_node is None or func_node.type != "selector_expression":
        return None
    body_sel = func_node.child_by_field_name("operand")
    if (
        text(func_node.child_by_field_name("field")) != "Close"
        or body_sel is None
        or body_sel.type != "selector_expression"
        or text(body_sel.child_by_field_name("field")) != "Body"
    ):
        return None
    owner = body_sel.child_by_field_name("operand")
    body = loop.child_by_field_name("body")
    if owner is None or owner.type != "identifier" or body is None or defer.parent is None:
        return None
    stmts = stmts_of(body)
    if defer not in stmts:
        return None
    name = text(owner)
    at = stmts.index(defer)
    before = any(_drain_in(stmt, name) for stmt in stmts[:at])  # (read, then deferred)
    return name if before or _drains(stmts[at + 1 :], name) else None


def _drains(stmts: list[Node], name: str) -> bool:
    """Whether running `stmts` in order reads `name`.Body to its end on every path that
    falls through them to the next iteration."""
    for stmt in stmts:
        if _jumps(stmt):
            return False  # (a continue before the read goes on without it)
        if _drain_in(stmt, name):
            return True
        if stmt.type == "if_statement":
            sides = [_branch(stmt, "consequence"), _branch(stmt, "alternative")]
            drained = [b is not None and _drains(b, name) for b in sides]
            stops = [b is not None and bool(b) and _stops_at(b[-1]) for b in sides]
            if any(drained) and all(d or e for d, e in zip(drained, stops, strict=True)):
                return True
        if _stops_at(stmt):
            return False
    return False


def _branch(stmt: Node, field: str) -> list[Node] | None:
    """The statements of an `if`'s branch (an `else if` is one statement), None without one."""
    node = stmt.child_by_field_name(field)
    if node is None:
        return None
    return [node] if node.type == "if_statement" else stmts_of(node)


def _stops_at(stmt: Node) -> bool:
    return terminates(stmt, broad=True) or (
        stmt.type == "break_statement" and not stmt.named_children
    )


def _drain_in(stmt: Node, name: str) -> bool:
    """`stmt` reads `name`.Body to its end unconditionally: the read is the statement itself
    (a call, an assignment, a declaration) or an `if`'s initializer."""
    if stmt.type == "if_statement":
        head = stmt.child_by_field_name("initializer")
    elif stmt.type in ("expression_statement", "short_var_declaration", "assignment_statement"):
        head = stmt
    else:
        return False
    return head is not None and any(name in m.groups() for m in _DRAINS.finditer(text(head)))


def _jumps(stmt: Node) -> bool:
    return any(
        node.type in ("continue_statement", "goto_statement")
        for _, node in own_nodes("(continue_statement) @j (goto_statement) @j", stmt)
    )


def _runs_at_most_once(defer: Node, func: Node, ctx: FileContext) -> bool:
    """Every loop around the defer runs at most once, by the code's own constants (`for i :=
    0; i < numKinds; i++` with `numKinds` 1): one deferred call, nothing piles up."""
    for loop in loops_around(defer, func):
        trips = known_trips(loop, ctx.root)
        if trips is None or trips > 1:
            return False
    return True


def goto_loop(defer: Node, func: Node, imports: dict[str, str]) -> tuple[Node, Node] | None:
    """(label, goto) when a `goto` after `defer` jumps back to a label before it, and the
    function can get from the `defer` to that `goto`: the code from the label on is a loop
    (`reconnect: conn, err := dial(); ...; defer conn.Close(); ...; goto reconnect`)."""
    body = func.child_by_field_name("body")
    if body is None or b"goto" not in (body.text or b""):
        return None
    labels = {
        text(node.child_by_field_name("label")): node
        for _, node in own_nodes("(labeled_statement) @l", body)
        if node.start_byte < defer.start_byte
    }
    gotos = [
        jump
        for _, jump in own_nodes("(goto_statement) @g", body)
        if jump.start_byte > defer.end_byte and _goto_label(jump) in labels
    ]
    if not gotos:
        return None
    node = defer
    while node != body:
        holder = node.parent
        if holder is None or holder.type in FUNCTION_NODES:
            return None
        if holder.type == "statement_list":
            for sibling in holder.named_children:
                if sibling.start_byte <= node.start_byte or sibling.type == "comment":
                    continue
                jump = next((g for g in gotos if within(g, sibling)), None)
                if jump is not None:
                    return labels[_goto_label(jump)], jump
                if terminates(sibling, broad=True, imports=imports):
                    return None
        node = holder
    return None


# `retries > 0` (counting down), `tries < 3` (counting up): a retry count in a condition.
_COUNT_DOWN = re.compile(r"\b([A-Za-z_]\w*)\s*(?:>\s*0|>=\s*1|!=\s*0)(?![\w.(])")
_COUNT_UP = re.compile(r"\b([A-Za-z_]\w*)\s*(<=?)\s*(\d+)(?![\w.(])")
_SMALL_COUNT = 64


def _goto_bound(jump: Node, func: Node) -> str | None:
    """Why a backward `goto` runs a known small number of times, or None: it is taken only
    under a retry count (`if retries > 0 { retries--; goto again }` with `retries := 1`,
    or `if tries < 3 { tries++; goto retry }`)."""
    body = text(func.child_by_field_name("body"))
    node = jump.parent
    while node is not None and node != func:
        if node.type == "if_statement" and within(
            jump, node.child_by_field_name("consequence") or node
        ):
            cond = text(node.child_by_field_name("condition"))
            for match in _COUNT_UP.finditer(cond):
                name, limit = match.group(1), int(match.group(3))
                if limit <= _SMALL_COUNT and re.search(rf"\b{name}\s*(?:\+\+|\+=)", body):
                    return f"the goto is taken only while `{match.group(0)}`: a retry count"
            for match in _COUNT_DOWN.finditer(cond):
                name = match.group(1)
                start = re.search(rf"\b{name}\s*:?=\s*(\d+)\b", body)
                if (
                    start is not None
                    and int(start.group(1)) <= _SMALL_COUNT
                    and re.search(rf"\b{name}\s*(?:--|-=)", body)
                ):
                    return (
                        f"the goto is taken only while `{match.group(0)}`, counting down from "
                        f"{start.group(1)}: a retry count"
                    )
        node = node.parent
    return None


def _goto_label(jump: Node) -> str:
    return next((text(c) for c in jump.named_children if c.type == "label_name"), "")


def _goto_diagnostic(defer: Node, func: Node, ctx: FileContext) -> Diagnostic | None:
    """A `defer` repeated by a backward `goto` (see `goto_loop`), or None."""
    found = goto_loop(defer, func, ctx.imports)
    if found is None:
        return None
    label, jump = found
    name = _goto_label(jump)
    call, held_name = _call_text(defer)
    held = _held(held_name, "round")
    bound = _goto_bound(jump, func)
    if ctx.is_test:
        impact, reason = None, ""
    elif bound is not None:
        impact, reason = Impact.BOUNDED, bound
    elif releases(defer):
        impact = Impact.GROWS
        reason = f"`goto {name}` repeats it with no bound: as often as the code jumps back"
    else:
        what = "the deferred function literal" if call.startswith("a deferred") else f"`{call}`"
        impact, reason = Impact.BOUNDED, f"{what} releases nothing: only the deferred calls pile up"
    return Diagnostic.at(
        defer,
        f"{call} is deferred inside a loop made with `goto {name}`: it runs only when "
        f"{_function_text(func)} returns, so {held}",
        confidence=Confidence.HIGH,
        no_fix_reason=(
            "no automatic fix: the loop is made with goto; move the code from the label to "
            "the goto into a function of its own, or release it before jumping back"
        ),
        related=[
            (
                label.start_byte,
                label.start_byte + len(name) + 1,
                "the label the goto jumps back to",
            ),
            (jump.start_byte, jump.end_byte, "the goto that repeats the defer"),
        ],
        impact=impact,
        impact_reason=reason,
    )


def check(ctx: FileContext) -> Iterator[Diagnostic]:
    imports = ctx.imports
    fixes: dict[int, tuple[Fix | None, str | None]] = {}
    for keyword in ctx.tokens(b"defer"):
        defer = keyword.parent
        if keyword.type != "defer" or defer is None or defer.type != "defer_statement":
            continue
        loop, func = _loop_and_function(defer)
        if loop is None and func is not None:
            found = _goto_diagnostic(defer, func, ctx)
            if found is not None:
                yield found
            continue
        if loop is None or func is None:
            continue
        released = _release_keys(defer)
        if runs_once(defer, loop):
            continue
        piled = False  # the iteration releases it itself; only the deferred calls pile up
        if not iterates_after(defer, loop, func, imports, released):
            if not released or not iterates_after(defer, loop, func, imports):
                continue
            piled = True
        each = _works_under_each_lock(defer, loop, func)
        if not each and intentional(defer, loop, func, imports):
            continue
        if _runs_at_most_once(defer, func, ctx):
            continue
        impact, impact_reason = judge(defer, func, ctx)
        if each and impact is not Impact.BOUNDED:
            impact, impact_reason = (
                Impact.BOUNDED,
                (
                    "each element's lock is held while the later ones are worked on, until the "
                    "function returns: meant only if all must stay locked together"
                ),
            )
        if piled:
            impact, impact_reason = _piled_up(defer, loop, func, ctx, impact)
            if impact is None:
                continue
        if loop.id not in fixes:
            fixes[loop.id] = wrap_loop_body(ctx, loop, func)
        fix, reason = fixes[loop.id]
        body = loop.child_by_field_name("body")
        header_end = body.start_byte if body is not None else loop.end_byte
        yield Diagnostic.at(
            defer,
            message(defer, loop, func, piled),
            confidence=Confidence.HIGH,
            fix=fix,
            no_fix_reason=reason,
            related=[(loop.start_byte, header_end, "the loop that repeats the defer")],
            impact=impact,
            impact_reason=impact_reason,
        )


RULE = Rule(
    name="defer-in-loop",
    summary="A deferred call inside a loop runs only when the function returns",
    doc=__doc__ or "",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    check=check,
    triggers=(b"defer",),
)
