"""## What it does
Finds a subslice that is stored where it outlives the function while the slice it was cut from
can be large. A subslice is a slice expression on a slice (`b[a:b]`, `items[len(items)-30:]`)
or a result of a call that returns pieces of its argument without copying: `bytes.Split`,
`SplitN`, `SplitAfter`, `Fields`, `FieldsFunc`, `Cut`, `CutLast` (Go 1.27), the iterators
`Lines`, `SplitSeq`, `SplitAfterSeq`, `FieldsSeq`, `FieldsFuncSeq` (Go 1.24, ranged over), and a
`*regexp.Regexp`'s `Find`, `FindSubmatch`, `FindAll`, `FindAllSubmatch`. Values derived from a
subslice without copying stay subslices: `bytes.TrimSpace(part)` and the other `Trim*`
functions, an element of a split result, a conversion to a named slice type, a local variable
or range variable holding one, or set by a function literal of the function (followed to that
function's later uses). A piece turned into a string without a copy (`unsafe.String`, a
"yolo" helper) is followed as a substring (see `substring-retention`).

It is stored long-term in the same places as for `substring-retention`: a package-level
variable, a field reached through a pointer, an element or key of a long-lived map, slice or
array,
`append` into one, a composite literal stored in one of those, a channel send, or a
method of a field or package-level value that is known to keep it (see "What keeps an
argument" below; not `sync.Pool.Put`, which recycles the array on purpose). A piece sent on a
channel the function makes itself and only sends on, receives from, closes or measures there
(a goroutine handing its result back) is followed to what its receives do with it instead: a
receiver that copies it keeps nothing.

Its source is plausibly large when it is a parameter, data read with `io.ReadAll`,
`os.ReadFile` or a `bufio.Reader`, a whole message received (`conn.ReadMessage()`,
`src.Receive(ctx)`, `Recv`, `ReceiveMessage`, by the method's name), a scratch buffer made
in the function with `make` and a constant size of at least 256, a byte buffer taken from a
`sync.Pool` (`bp := bufPool.Get().(*[]byte)`, or `bp := getChunk()` of a getter of the
package returning one, as big as the pool's `New` makes them; it goes
back to the pool for the next user, who overwrites what a holder kept), a byte buffer sized at run
time (`make([]byte, size)`) that a read fills (`Read`, `ReadFrom`, `ReadAt`, `io.ReadFull`,
`io.ReadAtLeast`, `Recv*`; a buffer
sized from variables that no read fills is made to measure and is not a source; one a
decoder fills, `base64.StdEncoding.Decode(buf, raw)`, is as big as what it decodes, when
that is read data), a slice decoded from read data (`var events []Event;
json.Unmarshal(data, &events)`: one element per record of it), what `append` copies of one
(`all := append(e.pending, spans...)`, as big as `spans`), a
`[]byte(s)` conversion, or a local or range variable holding one (also when set again from
a cut of it before the store: `line, rest, _ = bytes.Cut(rest, nl)`).

Not reported:
- reslicing a variable or field into itself (`x = x[1:]`, `s.buf = s.buf[n:]`), resetting
  for reuse (`s.buf = buf[:0]`, `buf[:cap(buf)]`), the whole slice (`x[:]`, `x[:len(x)]`);
- slicing package-level values, struct fields or arrays;
- values already copied (`make` + `copy`, `append([]T(nil), x...)`, `slices.Clone`,
  `bytes.Clone`, `string(b)`), or copied by the place itself right after the store, whenever
  it runs (`c.key = bytes.Clone(c.key)`), or a place emptied then (`c.msgBuf = nil` once
  the message is handled: a parser's slot for the message under way);
- subslices kept in local variables, returned, or passed to other functions; except pieces
  of a buffer or of data the function read itself, collected in a local slice or map it
  returns (`keys = append(keys, page[a:b])` ... `return keys` of a 1 MiB page it read):
  each call pins what it read for a few bytes its callers can neither see nor copy, which is
  reported where they are put in, as minor (how long the callers keep them decides);
- subslices that waste little or nothing, as for `substring-retention`: a constant-size
  header cut off (`data[4:]`, or a start an earlier `if` returns above a constant for,
  `line[end+1:]` after `if end < 0 || end > 4 { return ... }`), a cut to the size the buffer
  was made with (`buf[:n]` of
  `buf := make([]byte, n)`, `n` not set again in between: all of it, or all but a trailer
  of at most 16 bytes cut off, `make([]byte, n+1)`; `buf[:n]` of `n, err :=
  io.ReadFull(r, buf)` or `buf`'s `ReadAt` followed by `if err != nil { return ... }`, which
  fill the whole buffer unless they fail: not when a short read is let through,
  `io.ErrUnexpectedEOF`), every part of a
  split kept together, a prefix and the rest stored together, consecutive chunks a loop cuts
  a slice into
  (`parts = append(parts, d[:n]); d = d[n:]`; not when each kept part skips a header or key
  of run-time size, `m[string(d[4:4+kl])] = d[4+kl : 4+kl+vl]` while decoding a chunk, or is
  followed by a value of run-time size it does not keep, `keys = append(keys, d[2:2+k]); d =
  d[2+k+v:]`: the skipped bytes stay pinned; or when one slot keeps one of the parts after
  the loop, `t.firstKey = first`: the rest is wasted), a value put back where it came from,
  every part of one line stored through one composite literal
  (`Record{Key: f[0], Value: f[1]}`); as there, parts of the lines a loop picks by a test
  before the store (or by `if err != nil`: the lines that fail to parse; or by a case of a
  switch, as there), pieces two
  helper calls look up in one value, fields with others left out before, between or after
  them, and the fields of each line kept in entries dropped
  one by one (an evicting cache, a map the package deletes from), are reported;
- a subslice whose source is stored as it is in the same holder by the same function, on
  the same path (`s.raw = data; s.magic = data[:4]`): the holder keeps the source alive anyway;
- a subslice stored in a fresh object made in the function, by `&T{}`, `new(T)` or a
  constructor (`NewNode(Code)`, `p.newFrame()`), that is returned or passed on: the caller
  decides how long it keeps that object (a parser's node over its input). Except a handle:
  a new struct of the package with a `Close` method or an `*os.File` field, or what a
  function named `Open...` returns (kept until closed, by Go's convention), returned holding
  a piece of a big buffer or of data the function read itself (directly or through a helper
  it calls: `rec, err := readRecord(r)`), and not that source whole
  (`seg.ID = hdr[2:18]` of a 1 MiB header read into `hdr := make([]byte, 1<<20)`, then
  `return seg`): the caller keeps the handle while it is open and cannot see what it pins,
  so this is reported where the piece goes in, also in an object returned as it is made
  (`return &Table{f: f, footer: buf[:n]}, nil`). Any other new struct returned that way
  (`return Frame{Payload: buf[:n]}, nil`) is reported there too, as minor: the fix is still
  in the function, but how long the object is kept is its caller's business; unless a caller
  in the package keeps what it returns, as it is, in a long-lived place (`m, body, err :=
  readFrame(r)` ... `s.history = append(s.history, m)`): that is a warning, with the
  caller's store as a related location. A field of a
  handle (`t.firstKey`) keeps a buffer of its own per open handle, too: a piece of a buffer
  made to the size of the record it reads is judged there as a collected piece (it grows
  with the number of handles), not as one slot;
{per_call}
- a subslice passed to a method that is not known to keep it (see "What keeps an argument");
- a view a read overwrites kept in one field of the object that owns the reader
  (`dec.key = line[a:b]` of `line := dec.s.Bytes()`; see "Views a read overwrites").

A whole split result stored long-term is reported only when the split slice is itself a
subslice of something larger.

{keepers}

## Impact
A finding is a warning only when the source is demonstrably big; otherwise it is `info`
(hidden by default), with a reason that says what the source is:
- grows: data read whole (`io.ReadAll`, `os.ReadFile`, a `bytes.Buffer`'s bytes, or a
  byte slice declared empty that the function grows with `append` and fills with reads,
  `io.ReadFull(br, out[start:])`); a buffer
  made here that a read fills (`r.Read(buf)`, `io.ReadFull(r, buf)`, `conn.ReadFromUDP(buf)`:
  "buf is a 64 KiB read buffer", as when `buf[:n]` of a packet buffer is queued); a buffer
  made here with a constant size of at least 4 KiB (sizes from named constants and
  expressions such as `64 << 10` are computed, times the element size); a buffer sized at
  run time that a partial read fills (`Read`, `ReadFrom`, `ReadAtLeast`: "a short read leaves
  the rest unused but kept"); one filled whole by `io.ReadFull` or `ReadAt` (a record made to
  measure) when the place collects one piece per store (the blocks of a multi-block read put
  in a cache each pin the whole read); a line read from a stream when the place collects one
  piece per line (unless the collection is one the caller passes in, as for strings);
- bounded: a parameter, unless a caller in the same file passes it read data or a buffer
  ("data is a parameter: the caller decides its size, and nothing here shows it is large").
  Views into a caller's slice are mostly deliberate (decoders, zero-copy parsers, frames valid
  until the next read), and the parameters that get cut and kept on real code are mostly
  keys, tags and small records. This is why the seed `s0 = s1[len(s1)-30:]` and the fixtures
  that cut parameters are `info`: nothing in the function shows that `s1` is large. Also
  bounded: a scratch buffer under 4 KiB that no read fills ("buf is a 256-byte scratch buffer
  (small)"), a read buffer under 4 KiB made anew for each read and kept up to the count read
  (`buf := make([]byte, 1500)` in the loop, `buf[:n]` of `n, err := r.Read(buf)` sent on: at
  most the unused end of one small buffer per piece; a 16-byte header cut from a full 512-byte
  read still grows), a piece of a record read whole by `io.ReadFull` into a buffer of its size,
  kept in a single slot (it keeps the rest of one record), a line of a stream kept in a single
  slot, a kernel status file read by a literal path (`/proc/...`, `/sys/...`; not the mount,
  network and memory-map tables, which grow with the machine), what a command prints of its
  version (`exec.Command(bin, "--version").Output()`), and the bytes of
  a `bytes.Buffer` that this code wrote (one filled with `ReadFrom` or `io.Copy` from a reader
  is read data).

A buffer made with a constant size under 256 elements is not a source at all (a small
record). A store that runs once (lazy initialisation, `sync.Once`) pins one source, like any
assignment to one field or variable: it is judged by the size of that source. Findings in
`_test.go` files are `info`.

Confidence: `high` when the source is read data and the place is certainly long-lived;
`medium` when the source is a scratch buffer, or the place is a channel (what the receiver
keeps is unknown); `low` when the source is a parameter (a view into the caller's slice is
often deliberate: decoders, zero-copy parsers, syntax trees over their input), when the place
is a map or slice parameter (the caller may keep it only for the call), or when leakscope
cannot tell whether the holder is a pointer or a new object. A parameter that a call in the
same file fills with read data or a scratch buffer counts as that data (`medium`). When the
type of the sliced value is unknown (it may be a string or a slice), nothing is reported.

## Views a read overwrites
`bufio.Scanner.Bytes()`, and `bufio.Reader`'s `ReadSlice`, `ReadLine` and `Peek` return a view
of the reader's own buffer, valid until the next read. Keeping one (or a piece of one) past
that read is a correctness bug as well as retention: the kept bytes change under the holder.
So does `s.buf.Bytes()` of a `bytes.Buffer` kept in a field and reset for reuse (the file
calls `s.buf.Reset()`): the next reset and write overwrite it ("the next write"). And the
bytes a `sql.Scanner`'s `Scan(src any) error` gets (`case []byte:` of `switch v :=
src.(type)`, `b, ok := src.([]byte)`): database/sql documents them as the driver's, valid
only until the next call to Scan, to be copied before they are kept; kept even in one slot
(`*j = v`), that is an error.
Such a view appended to a kept slice, collected in a local slice that is stored or returned,
or appended to a local slice declared before the loop that reads (`tokens = append(tokens,
Token{Body: sc.Bytes()})`, a batch handed on every hundred lines: its earlier elements change
at each read), put in a map or cache, or sent on a channel is an **error**, with its own
message. So is every field of it kept together (`hosts = append(hosts,
bytes.Fields(sc.Bytes()))`: all of them change at the next read, which no partition makes
right), a new object a constructor of the package returns with its error (`res, err :=
newResource(sc.Bytes())`), and a local collection holding a view put in another one that
is returned or stored (`objs[res.ID()] = res`), or a local object made with the reader
itself and handed to another function (`c := &Conn{br: br}; c.hello = hello` of
`br.Peek(n)`, then `h(c)`: any read through it overwrites the view); the fix
stores a copy (`bytes.Clone` from Go 1.20, else `append([]byte(nil), v...)`). One field or
variable holding the current view (`dec.key = line[a:b]`, the token of a zero-copy decoder,
valid until the next call) is `info`: the reader keeps its buffer anyway. Not when a loop
reads on after the store without setting it again (`case "HELO": s.helo = arg` in a
session's command loop): the field then holds some earlier line, overwritten under it, an
error as for a collected view. A field set in the read's own block (`r.line, err =
r.br.ReadSlice('\n')`) or just before the loop is left is the current token. When that field
hangs off the same variable as the reader (`dec.key` and `dec.s` of one decoder, or of its
own `bufio.Reader`), it is not reported at all: it is the object's current token, reset at
each read over a buffer the object owns anyway, a deliberate zero-copy cursor; unless a
function of the package gives the object a new reader and still uses that field (`f.rd =
bufio.NewReader(r)`, then `f.lastLine` compared): the view then outlives its reader, an
error as above. A view appended to a kept collection, put in a map or cache, sent, returned
in a local collection, or stored in another object is still reported. A copy (`string(sc.Bytes())`,
`bytes.Clone`) is a stable line. A helper of the package that returns such a view, whole
or trimmed (`return bytes.TrimRight(line, "\r\n")` of `br.ReadSlice('\n')`), makes its calls
views too. So does a method that reads into its receiver's buffer, kept from call to call,
and returns it (`io.ReadFull(c.r, c.buf)` ... `return c.buf`, the buffer made again only when
too small: a packet reader's ephemeral packet); not one that makes the buffer anew at every
call. A receiver's byte slice that a method makes there when too small and reads into
(`f.buf = make([]byte, need)`, `b := f.buf[:need]`, `io.ReadFull(f.conn, b)`) is one too:
pieces of it collected or returned (`recs = append(recs, Record{Key: b[:klen]})`) are
errors ("f.buf is an object's read buffer"); what the object keeps of it itself is its own
cursor, as for a decoder's token. So is what a call handed a pooled buffer returns when the
function puts it back as the pool's new contents (`buf, err := c.fetch(key, (*bp)[:0])`,
`*bp = buf[:0]`), and what a helper gives back of a view as it is or nearly whole (`return
b[12:]` past a header). A zero-copy decoder of the package (a cursor over its parameter,
`r := &reader{b: hs}; name, ok := r.bytes(n)`), not followed over data its caller owns, is
followed when it is given a view (`serverName(rec[5:])` of a `Peek`): what it returns is a
view too. So does one that sets a field of its caller's record to such a view (`data :=
d.buf[:n]; io.ReadFull(d.r, data); rec.Data = data`): after `d.decode(&rec)`, `rec.Data` is
a view (kept in an object the function returns, even by a later iteration's `return`).
So is what an accessor returns of a field that a method moving the object on (`Next`,
`Prev`, `Seek...`, `First`, `Last`, `Scan`, `Read...`, `Advance`, `Step`, `Decode...`)
rebuilds in place (`i.key = append(i.key[:shared], ...)` or `i.key = i.key[:0]`) or reads
into (`io.ReadFull(r.rd, r.rec)`, a buffer it does not make anew at every call): an
iterator's `Key()`, a log reader's `Record()`, valid until the next `Next`. Not a field only
ever extended (an arena's `a.all = a.all[:total+n]`), nor one rebuilt by a `Reset` or an
`init` when the object is reused.

## Views the package documents
A function or method of the package whose documentation says its result is valid for a while
only is taken at its word: "The returned slice is only valid until the next call to Next",
"Values returned by Get are only valid until the transaction ends", "Key and Value return
views into the current block, which is overwritten when the iterator moves to the next
block", "must not be retained", "its contents may change on the next call". The doc may be
the function's, an interface method's (its implementations in the package and calls through
the interface share it), or its type's: a type's sentence applies to the methods it names, or
to all of them when it speaks of what they return. A `[]byte` (or `[][]byte`) result of such
a function kept past the call, even in one field, or a piece of it, even a constant cut
(`rec[16:]`), is an **error** that quotes the doc; the fix stores a copy. A sentence about
time (a token "valid until it expires"), about an argument (`after Decode returns`), or that
names a buffer the caller passes in ("valid until the next call to buf.Reset()": the caller
owns it) is not read as one. Nor is a view of a reader the caller passes in, kept in the
receiver or another parameter (`func (a *Attr) GetFrom(m *Message)` setting `a.Text` to
`m.Get(...)`): a zero-copy decoder filling its caller's object, whose documentation the
caller reads; unless the function collects them (`for rows.Next() { t.pending =
append(t.pending, rows.RawValues()[0]) }`). A `[][]byte`
rebuilt in place whose doc says its slices are views too has its elements followed as views.
Not followed: a view the documentation names only in a parameter's field
("rec.Sample is only valid until the next call"), nor the documentation of other modules.

## Pooled buffers given back
An object taken from a pool (`bp := bufPool.Get().(*[]byte)`, or `bb := getBuffer()` of a
getter of the package whose result comes from a pool's `Get`) and given back in the same
function (`bufPool.Put(bp)`, `defer putBuffer(bb)` of a function of the package that puts
its parameter back, `defer f.release()` of a method that puts its receiver back) leaves
whatever points into its bytes (`(*bp)[:n]`, `bb.B[a:b]`, `buf.Bytes()` of a pooled
`bytes.Buffer`) shared with the pool's next user, who overwrites it. Kept anywhere past the
give-back (even in one field, even in a batch emptied once it fills), passed to a function
of the package that keeps it, or returned, it is an **error**, with a copy as the fix. The
give-back counts when it is deferred or runs whenever the use does: `if err != nil {
bufPool.Put(bp); return }` on an error path does not, nor does a release function handed
to the caller (`return body, func() { bufPool.Put(bp) }`): the caller owns the buffer then.
So is a piece a method hands out of a field of its receiver (`b := s.chunk(off)`) when
the function gives that receiver back (`defer s.Close()` of a `Close` putting `s.slab`
back). A pool is an expression of type `sync.Pool` or whose name ends in "pool"; getters
and putters are recognised in the package only.

## Across functions
Within a package (every file of it), leakscope follows the data into helpers and callers:
- a parameter's size is what the package's callers pass: a piece of a parameter kept here
  grows when any caller, directly or through other functions passing it on, passes read data
  or a big buffer (`Load` reads a file, calls `ingest(string(data))`, which calls
  `c.remember(line)`); the finding lists that chain as related locations, source first, in
  whatever file each step is. Methods are matched by the receiver's type (or by a method name
  only one type declares). Calls in `_test.go` files do not count for code outside them:
  what a test passes says nothing of what the program passes;
- so is a field of a parameter (`f.Data[2:n]` of `f *Frame`): what the callers put in that
  field (`c.handle(&Frame{Data: buf[1:n]})` of a read buffer), directly, through a local
  holding the literal, or passed on from their own parameter. Reported only when a caller
  fills the field with data: a field of a parameter no caller fills is mostly an option,
  except one named as a whole document or message (as for `substring-retention`) of a
  function nothing in the package calls, judged as a parameter (`info`);
- a helper that returns a piece of its parameter (`return f[0]` of `strings.Fields(line)`,
  `return line[:i]`, a `Trim*` of it) makes its call a piece of the argument
  (`c.names = append(c.names, firstField(line))`), and so does one that appends pieces to a
  local slice (or map) it returns (`out = append(out, b[4:4+n]) ... return out`). A cut
  that drops only a few bytes of what is itself a piece is a piece (`info.exif = seg[6:]`
  of `seg := data[p+4 : end]`, a segment's payload past its tag), and so is a line a
  hand-written cursor cuts (`line := rest` then `line, rest = rest[:i], rest[i+1:]`).
  {records}
  A helper that returns data it read (`return os.ReadFile(path)`) or a piece of it makes its
  call that source. A helper that
  returns another helper's piece of its parameter (`return head(strings.TrimSpace(line))`)
  returns a piece too, in any file and through any number of helpers (up to 6 deep); the
  finding lists each helper's return, outermost first, down to the cut. Each part of a
  helper returning several pieces of its input is followed (`k, v, next, err :=
  decodeEntry(block, off)`): a key and its value kept together waste nothing, a value kept
  alone keeps the whole block. A result after the first that gives the argument back nearly
  whole (`typ, obj, ok := splitEvent(sc.Bytes())`, obj a trim of the line's tail) is the
  argument still: a reader's view stays one. Helpers that call each other are summarised
  once each (a call back into a helper being summarised counts as returning nothing there; the
  outermost of the cycle is summarised again with its answer known). A helper that
  converts what it cuts (`return string(b[:i])`) returns a copy. A key-value iterator's
  `Key()` returning a field its `Next` sets to a window of the block it was made with
  (`it.key = it.block[start : start+n]`, or through a local holding the rest of it, `d :=
  it.data[it.pos:]` ... `it.key = d[2 : 2+n]`; `it := NewIterator(block)` of read data) returns a
  piece of that block; an iterator over the function's parameter is a zero-copy decoder, by
  design, and is not followed;
- a method that hands out pieces of a field of its receiver (returns them, or passes them to
  a callback: `b.ForEach(func(k, v []byte) error {...})` cutting `b.db.data`, through
  locals and fields of fields) gives what that field holds: when every value the package
  sets the field to is data read whole (`db.data, err = os.ReadFile(path)`, `&Tx{img:
  db.img}`) or a memory-mapped file (`syscall.Mmap`, `unix.Mmap`), whatever receiver the
  call is on. A piece of a mapped file kept in a collection is an **error**: it is valid
  only until the file is unmapped (or remapped to grow), and reading it then faults. The
  buffer of an arena (a type named `...arena...` or `...slab...` whose field is set to
  `make([]byte, size)`: a bump allocator) counts too: a key kept of it keeps the whole arena.
  A field that any other value is set to (a parameter: the caller's image) is not followed,
  nor a piece kept by the object that holds the field (`m.entries` of `m.arena`'s pieces);
- pieces put in a local map, slice or struct that the function then stores whole
  (`refs[k] = line[:i]` ... `r.refs = refs`), spreads into a kept slice (`d.batches =
  append(d.batches, out...)`), or passes to a function of the package that keeps it (also
  inside a record literal, `b.add(Batch{Items: items})`), are reported where they are put
  in; a function literal held
  in a local set once that returns a piece (`next := func() []byte {... return
  buf[pos:end]}`) gives that piece at each call of it, not one of its own parameter (what
  each call passes decides);
{stores}

- a constructor of the package that puts its parameter, as it is or cut, in the new object
  it returns (`return &entry{key: k, data: b}`, `T{b}`, `e := &entry{}; e.data = b; return
  e`, or `return newEntry(k, b)` of another such constructor): a caller that passes it a piece
  of big data and keeps the object (in a field, a map, a cache, appended to a kept slice, sent
  on a channel, or held in a local that is then stored) is reported at the piece it passes
  ("passed to newEntry, whose new object is stored in ..."), with the constructor's step as a
  related location; the fix copies the piece at the call (`bytes.Clone(buf[:n])`).
  Not when the object also holds the piece's source as it is
  (`NewPackage(path, path[i+1:])`): the object keeps that anyway. A constructor that copies
  (`data: bytes.Clone(b)`) or keeps something else (`len(b)`) is not followed.
{callbacks}

{unfollowed}

## In-place truncation
`if len(x.f) > n { x.f = x.f[:n] }` (or `x.f = x.f[len(x.f)-n:]`) on a field or package
variable, where the `if` compares `len(x.f)` with the limit the cut keeps and that limit is
a constant or named as one (`maxLen`, `limit`, `keepSize`): the length guard shows the
author meant to shrink a value that can be long, but the cut keeps its whole backing array.
Reported (a warning: the guard says it grows past the bound) for strings and slices of plain
values (numbers, bytes, strings); slices of pointers are `resliced-pointers`' business. The
fix stores a copy, by Go version as for every finding of this rule (`bytes.Clone`,
`slices.Clone`, else `append([]T(nil), x.f[:n]...)`). A local slice of the function's own
making (grown by `append`, or returned by a call, also through an interface of the package)
cut the same way and then stored (`if len(entries) > keep { entries =
entries[len(entries)-keep:] }; r.recent = entries`) is reported at the store, whatever its
elements: every element dropped stays reachable through the array. So is the last n of such
a slice stored as it is cut (`h.recent[s] = pts[len(pts)-n:]`), with no guard: the cut says
it can be longer. Not reported: no such
guard (`if end < len(b)`, `if len(b) > 0`: the bound is not about memory), consuming the head
(`x.f = x.f[n:]`), a reset for reuse (`x.f[:0]`), a parameter cut and stored (the caller's
array; judged as any piece of a parameter), a copy already made.

The same holds for emptying under a capacity guard, `if cap(x.f) > maxKeep { x.f = x.f[:0]
}` or `x.f = x.f[:0:n]` (a constant or a limit-named bound, not `cap(x.f) > 0`), or under a
guard on the length the function last cut or made it to (`c.rbuf = c.rbuf[:n]` ... `if n >
1<<20 { c.rbuf = c.rbuf[:0] }`): meant to let an oversized array go after a huge batch, the
reset keeps all of it for the next use. Reported, with `x.f = nil` as the fix (unsafe: code
may tell a nil slice from an empty one; the next append makes a new array).

## Why is this bad?
A subslice shares the backing array of the slice it was cut from. As long as the subslice is
reachable, the whole array stays in memory, even if only a few elements are used. Keeping the
last 30 elements of a slice of a million elements in a package variable keeps the million
alive (Go 101, "Memory Leaking Scenarios").

## Example
```go
var s0 []int

func g(s1 []int) {
        s0 = s1[len(s1)-30:] // keeps all of s1's array alive
}

func (c *Cache) put(key string, body []byte) {
        c.items[key] = body[:64] // keeps every body alive
}
```

## Use instead
```go
func g(s1 []int) {
        s0 = slices.Clone(s1[len(s1)-30:]) // Go 1.21 and later
}

func (c *Cache) put(key string, body []byte) {
        c.items[key] = bytes.Clone(body[:64]) // Go 1.20 and later
}
```

## Fix safety
The fix wraps the stored expression in a copy, the first of these that applies (the Go version
is the module's `go` line, or `go` in the config; a missing import is added, and the file's
own name for the package is used):
- `bytes.Clone(x)` when `x` is a `[]byte` (or of a named type over `[]byte`) and the Go
  version is 1.20 or later;
- `slices.Clone(x)` for any slice type from Go 1.21;
- else `append(S(nil), x...)`, where `S` is the type of `x` as the source writes it
  (`[]int(nil)`, `Buf(nil)`).

A package is skipped when its name is taken by another import or hidden by a local or
package-level identifier, and the next form is tried.

The fix is **unsafe** in every form: the copy no longer shares memory with the source, so code
that writes through the stored slice (or through the source) and expects the other to see it
changes behaviour, and the copy's capacity differs, so a later `append` to it no longer
overwrites the source's elements. `bytes.Clone` returns a plain `[]byte`, so a value of a
named type stored in an interface changes its dynamic type (a `json.RawMessage` put in a
`map[string]any` is then encoded as base64). The `append` form also turns an empty non-nil
subslice into `nil`, which `x == nil` checks and encoders (`null` instead of `[]`) can see;
`bytes.Clone` and `slices.Clone` keep nil and empty apart.

No fix is offered:
- when the type of the stored value is unknown, or is not a slice type;
- when only the `append` form is left and the type of `x` names a package this file does not
  import (it cannot be written the same way here);
- when the stored value holds subslices rather than being one: a whole split result or a
  regexp match slice (`c.rows = append(c.rows, bytes.Fields(line))`). Every element shares the
  source's array and must be copied one by one with `bytes.Clone` or `slices.Clone`; the
  finding says so.
- when the value is one call with several results assigned at once
  (`c.key, _, _ = strings.Cut(line, "=")`): a copy cannot wrap it; copy the kept result after
  the assignment.

The fix is never `x[a:b:b]`: a full slice expression limits the capacity but still keeps the
whole array alive.

## References
- [Go 101: Memory Leaking Scenarios](https://go101.org/article/memory-leaking.html)
- [bytes.Clone](https://pkg.go.dev/bytes#Clone)
- [slices.Clone](https://pkg.go.dev/slices#Clone)
"""

from __future__ import annotations

from collections.abc import Iterator

from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.model import FixAvailability, Rule, Severity
from leakscope.core.rules._retention import SLICE, diagnostics
from leakscope.core.rules._retention_syntax import (
    CALLBACKS_DOC,
    KEEPERS_DOC,
    PER_CALL_DOC,
    RECORDS_DOC,
    STORES_DOC,
    UNFOLLOWED_DOC,
)


def check(ctx: FileContext) -> Iterator[Diagnostic]:
    yield from diagnostics(ctx, SLICE)


RULE = Rule(
    name="subslice-retention",
    summary="A subslice stored long-term keeps the whole backing array it was cut from alive",
    doc=(__doc__ or "")
    .replace("{keepers}", KEEPERS_DOC.strip())
    .replace("{per_call}", PER_CALL_DOC.strip())
    .replace("{unfollowed}", UNFOLLOWED_DOC.strip())
    .replace("{callbacks}", CALLBACKS_DOC.strip().replace("{noun}", "subslice"))
    .replace("{records}", RECORDS_DOC.strip().replace("{window}", "`Data: b[off:off+n]`"))
    .replace(
        "{stores}",
        STORES_DOC.strip().replace("{noun}", "subslice").replace("{clone}", "bytes.Clone"),
    ),
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    check=check,
)
