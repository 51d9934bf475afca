"""## What it does
Finds a substring that is stored where it outlives the function while the string it was cut
from can be large. A substring is a slice expression on a string (`s[a:b]`) or a result of a
call that returns pieces of its argument without copying: `strings.Split`, `SplitN`,
`SplitAfter`, `Fields`, `FieldsFunc`, `Cut`, `CutLast` (Go 1.27), the iterators `Lines`,
`SplitSeq`, `SplitAfterSeq`, `FieldsSeq`, `FieldsFuncSeq` (Go 1.24: the range variable of
`for part := range strings.SplitSeq(s, ",")` is a piece, also when `s` is itself one), and
a `*regexp.Regexp`'s
`FindString`, `FindStringSubmatch`, `FindAllString`, `FindAllStringSubmatch`. Values derived
from a substring without copying stay substrings: `strings.TrimSpace(part)` and the other
`Trim*` functions, `strings.CutPrefix`, `strings.ToLower`, `ToUpper`, `ToTitle`, `Replace`,
`ReplaceAll` and `Map` (which return their argument itself when there is nothing to change:
a name already in lower case), `path.Base`/`Dir`/`Ext`, `filepath.Base`, an element
of a split result (`parts[1]`), a local variable or range variable holding one. A string
made without a copy over a byte slice (`unsafe.String(unsafe.SliceData(b), len(b))`,
`unsafe.String(&b[0], len(b))`, or a helper of the package returning one, a "yolo" string)
shares the slice's memory: of a piece of big bytes, it is a substring of them, its fix
`strings.Clone` of the conversion. So are the parts of a URL that `url.Parse` (or
`ParseRequestURI`) cuts from its input (`u.Host`, `u.Path`, `u.RawQuery`, `u.Fragment`,
`u.Opaque`, `u.RawPath`: unescaped only when they hold an escape, else cut as they are);
not a part stored back into the same URL, which holds the rest anyway.

It is stored long-term when it is assigned to a package-level variable, to a field reached
through a pointer (a pointer receiver, a pointer parameter, a pointer from a range or a call),
to an element or key of a map, slice or array that is itself long-lived (a package variable, a field
reached through a pointer, a map or slice parameter, which the caller owns), appended to one
(`c.names = append(c.names, name)`), put inside a composite literal stored in one of those,
sent on a channel, or passed to a method of a field or package-level value that is known
to keep it (see "What keeps an argument" below). A piece sent on a channel the function makes
itself and only sends on, receives from, closes or measures there (a goroutine handing its
result back) is followed to what its receives do with it instead.

A local holding a piece still holds one when it is set again from a cut of what it held or
of the source (`line, text, _ = strings.Cut(text, "\n")`, `line = strings.TrimSpace(line)`);
set to anything else before the store (`last = "none"`), it holds that. A function literal
that sets a local of the function around it (`service = v` in a callback, a map `meta[k] =
v`) is followed to that function's later uses of it (`c.Update(service)`, `t.meta = meta`).

Its source is plausibly large when it is a parameter (or the receiver of a named string type),
data read with `io.ReadAll`, `os.ReadFile`, `ioutil.ReadFile`, a command's whole output
(`exec.Command(...).Output()`, `CombinedOutput()`), a whole HTTP message
(`httputil.DumpResponse`, `DumpRequest`, `DumpRequestOut`), a whole message received
(`ReadMessage`, `Receive`, `Recv`, `ReceiveMessage`, by the method's name), a `bufio.Reader`'s
`ReadString` or a `bufio.Scanner`'s `Text`, a record a `csv.Reader`'s `Read` returns (its
fields are all cut from one string, the row: `rec[5]` kept keeps the whole row), a
`string(buf)` conversion, a concatenation with such data (`chunk := carry + string(buf[:n])`
of each chunk a loop reads: a new string as large), or a range variable or local variable
holding such data (the lines of a split file). A new object a function returns that takes
one piece of each line a loop reads (`idx.names[id] = rec[2]` of each row, then `return idx`)
is reported like one holding pieces of data read whole.

Not reported:
- slicing constants, literals, package-level variables or struct fields (a package-level
  value lives forever anyway; a field's size is unknown);
- values already copied with `strings.Clone`, `string([]byte(s))`, `strings.Builder`,
  `strings.Repeat(s, 1)`, concatenation or `fmt.Sprintf`, or by the place itself right after
  the store, whenever it runs (`p.name = string([]byte(p.name))`);
- substrings kept in local variables, returned, or passed to other functions (a local holding
  a struct or slice that contains a substring is not followed either);
- pieces that waste little or nothing: a whole value trimmed (`strings.TrimSpace(param)`), a
  constant number of bytes cut off its ends (`s[5:]`, `s[len(prefix):]`,
  `s[1:len(s)-1]`, or a start an earlier `if` leaves the function above a constant for,
  `s[end+1:]` after `if end < 0 || end > 4 { return ... }`), every part of a split kept
  together (`p.fields = strings.Fields(line)`,
  `f[0]` and `f[1]` of one `SplitN` stored by one function, or each range variable over a
  split stored as it is, or trimmed of blanks: `for _, l := range lines { m[l] = true }`,
  `s = strings.TrimSpace(s)` of each part of a comma list), a prefix and the rest of one
  value stored by one function (`c.key = line[:i]; c.value = line[i+1:]`), several pieces of
  one value stored by one statement (`m[k] = v` after `k, v, _ := strings.Cut(line, "=")`),
  consecutive parts a loop cuts a value into (`parts = append(parts, s[prev:i]); prev = i`,
  or `s = s[n:]` after each part), and a value put back where it came from
  (`lines[i] = line[n:]` while ranging over `lines`). These count as partitions only when
  they are all of what they were cut from: parts of the lines a loop picks by a test before
  the store (`if !strings.HasPrefix(line, "# HELP") { continue }`, `fields[0] != "cgroup"`,
  `if strings.HasSuffix(key, "_b64") { continue }`, or a store under `if err != nil`, the
  lines that fail to parse; a case of a switch on a message's type byte, `case 'S':`, in the
  loop over the messages; in a handler with no loop whose callers pass it lines of data they
  read, `c.processLine(data[:i])`, a case naming a command, `case "SUB":`) are a small share
  of the text, and two
  fields a helper of the package looks up in one document (`jsonField(doc, "user")`,
  `jsonField(doc, "token")`) are two small pieces of it: those are reported, and so are
  windows of a text cut in a loop and stored together (`Match{Text: content[loc[0]:loc[1]],
  Before: content[loc[0]-16:loc[0]]}` of each match: both bounds given, not the parts of a
  cut). So are the
  submatches of `FindAll*` over a text (what the pattern picks), fewer values than a
  `SplitN`'s count (`id` and `user` of `strings.SplitN(msg, "\r\n", 3)`, whose body goes), and
  fields with others left out between them (`f[0]` and `f[5]` of `strings.Fields(line)`),
  before them (`f[1]` and `f[2]`, `f[0]` parsed) or after them when a length test shows more
  (`if len(f) < 5 { continue }`, `f[0]` to `f[3]` kept), and the fields of each line of a
  larger value kept in entries dropped one by one (an evicting cache, `a.lru.Put(sha,
  email)`, or a map the package deletes from: any one entry left keeps the whole value),
  except of a line read on its own (`sc.Text()`), where they are a few bytes of it. Skipping only
  blank lines and comments (`line == ""`, `strings.HasPrefix(line, "#")`) keeps the rest of
  the text in use: that is reported as minor, unless comments are most of the file. Keeping
  pieces of the comment lines themselves (inside `if strings.HasPrefix(line, "#") {...}`, a
  scrape's `# HELP` lines) picks those lines out of the rest: not minor;
- the argument of a `Set(string) error` method (a `flag.Value`: one command-line argument);
- data read through a reader limited to a few bytes by a constant
  (`io.ReadAll(io.LimitReader(f, 64))`);
- a substring whose source is stored as it is in the same holder by the same function, on
  the same path (`e.tag = tag; e.suffix = tag[n:]`, `c.raw = text; c.head = text[:i]`, or
  two package variables), or in the local object the piece is put in (`p := &Page{Source:
  src}; p.Title = src[i:j]`): the holder keeps the source alive anyway;
- a substring stored in a fresh object made in the function, by `&T{}`, `new(T)` or a
  constructor (`NewToken()`, `p.newNode()`), that is returned or passed on: the caller decides
  how long it keeps that object, as for a returned substring. Every part of one line stored
  through one composite literal (`Row{Name: f[0], Kind: f[1]}`) is already covered above.
  Except a handle: a new struct of the package with a `Close` method or an `*os.File` field,
  or what a function named `Open...` returns (kept until closed, by Go's convention),
  returned holding a piece of data the function read itself (`os.ReadFile`, `io.ReadAll`)
  and not that data whole: the caller keeps it while it is open and cannot see what it pins,
  so this is reported where the piece goes in (as for `subslice-retention`). Any other new
  struct returned that way is reported there too, as minor (how long it is kept is its
  caller's business), unless a caller in the package keeps it, as it is, in a long-lived
  place: then it is a warning;
{per_call}
- a substring passed to a method that is not known to keep it (see "What keeps an argument").

A whole split result stored long-term is reported only when the split value is itself a
substring of something larger (the fields of one line of a file keep the whole file alive).

{keepers}

## Impact
A finding is a warning only when the source is demonstrably big; otherwise it is `info`
(hidden by default), with a reason that says what the source is:
- grows: data read whole (`io.ReadAll`, `os.ReadFile`, a `bytes.Buffer`'s contents, a
  `bytes.Buffer` or `strings.Builder` the function writes what it reads into, `line, err :=
  br.ReadString('\n')` then `b.WriteString(line)`, a byte slice declared empty that it grows
  with `append` and fills with reads, `io.ReadFull(br, out[start:])`), or a
  `string(buf)` of such data or of a buffer of at least 4 KiB or filled by a read ("the
  source is the data read by os.ReadFile(path)"); a line read from a stream
  (`bufio.Scanner.Text`, `bufio.Reader.ReadString`, a `csv.Reader`'s record) when the place
  collects one piece per
  line (a map key, an appended element, a channel, a cache): every entry keeps its whole
  line. Not when that collection is the caller's (a map or slice parameter, or `*out` of
  `out *[]string`): a line is a few dozen bytes, and a parse result the caller passes in is
  often read and dropped, so that is `info`;
- bounded: a parameter, unless a caller in the same file passes it read data ("s is a
  parameter: the caller decides its size, and nothing here shows it is large"). On real code
  the parameters that get cut and kept are mostly names, flags, struct tags, routes, DSNs and
  host names, and a view into the caller's string is often deliberate; when the parameter's
  name or type says what it is, the reason says so ("by its name, dsn holds a DSN (small by
  nature)"). This is why the seed `s0 = s1[:50]` and the fixtures that cut parameters are
  `info`: nothing in the function shows that `s1` is large. Also bounded: a line of a stream
  kept in a single slot (a field, a variable: one line at a time), a conversion of a byte
  slice of unknown origin, a kernel status file read by a literal path (`/proc/...`,
  `/sys/...`: a few kilobytes; not the tables that grow with the machine, the mount tables,
  `/proc/net/...`, memory maps and `kallsyms`, which are read data), what a command prints of
  its version (`exec.Command(bin, "--version").Output()`: a line), and the contents of a
  `bytes.Buffer` that this code wrote (one filled with `ReadFrom` or `io.Copy` from a reader
  is read data).

A store that runs once (lazy initialisation under `== ""`, `== nil`, `sync.Once`) pins one
source, like any assignment to one field or variable, which already keeps at most one source
per holder alive: it is judged by the size of that source, as above. Findings in `_test.go`
files are `info` (test code lives as long as the test).

Confidence: `high` when the source is read data and the place is certainly long-lived;
`medium` when the source is a scratch buffer or a conversion of a byte slice of unknown
origin, or the place is a channel (what the receiver keeps is unknown); `low` when the source
is a parameter (the caller decides its size, and on real code most cut-and-kept parameters
are small: names, flags, struct tags, routes; the seed's `s0 = s1[:50]` is one of these), when
the place is a map or slice parameter (the caller may keep it only for the call), or when
leakscope cannot tell whether the holder is long-lived (its type is unknown, or it is a
pointer returned by a call: shared data, or a new object the caller will return). A
parameter that a call in the same file fills with read data or a scratch buffer counts as
that data (`medium`). When the type of the sliced value is unknown (it may be a string or a
slice), nothing is reported.

## Across functions
Within a package (every file of it), leakscope follows the data into helpers and callers:
- a parameter's size is what the package's callers pass: a piece of a parameter kept here
  grows when any caller, directly or through other functions passing it on, passes read data
  or a big buffer (`Load` reads a file, calls `ingest(string(data))`, which calls
  `c.remember(line)`); the finding lists that chain as related locations, source first, in
  whatever file each step is. Methods are matched by the receiver's type (or by a method name
  only one type declares). Calls in `_test.go` files do not count for code outside them:
  what a test passes says nothing of what the program passes;
- so is a field of a parameter (`frag.Raw[loc[0]:loc[1]]` of `frag Fragment`): what the
  callers put in that field, in a composite literal they pass (`d.Detect(Fragment{Raw:
  string(data)})`), one a local or `&T{...}` holds, or their own parameter's field passed on
  (`buildFinding(frag, r, loc)`). Such a piece is reported only when a caller fills the
  field with data (read data, a buffer): a field of a parameter no caller fills is mostly a
  name or an option (`opts.Name`), and no finding is made of it. Except a field named as a
  whole document or message (`Raw`, `Body`, `Data`, `Content`, `Payload`, `Blob`, `Dump`,
  `Doc`, `Page`, `HTML`, `Buf`, `Src`, `Source`, `Input`, `Output`) of a function nothing in
  the package calls (an entry point of its API, `Detect(frag Fragment)`): judged as a
  parameter, `info`;
- a helper that returns a piece of its parameter (`return f[0]` of `strings.Fields(line)`,
  `return line[:i]`, a `Trim*` of it) makes its call a piece of the argument
  (`c.names = append(c.names, firstField(line))`), and so does one that appends pieces to a
  local slice it returns (`out = append(out, arr[start:i+1]) ... return out`) or sets them
  in a local map it returns (`out[name] = val`): its elements are. A map of records
  (`m[email] = &Contributor{Name: f[1]}`) is followed like a slice of them.
  {records}
  A helper that returns data it read (`return os.ReadFile(path)`) or a piece of it makes its
  call that source, in any of its results (`_, uri, err := peerIdentity(r)` of a helper
  cutting the URI from a body it reads); so does one that passes data it read to a helper
  returning pieces of its parameter (`return parseMounts(string(data)), nil`, records whose
  fields are pieces of the mount table). A helper that
  returns another helper's piece of its parameter (`return head(strings.TrimSpace(line))`)
  returns a piece too, in any file and through any number of helpers (up to 6 deep); the
  finding lists each helper's return, outermost first, down to the cut. A helper that returns
  a local holding a cut (`id, _, _ := strings.Cut(line, sep); return id`) or another
  helper's piece (`if v, ok := jsonField(rec, key); ok { return v }`), or returns the
  piece first with a status (`id, ok := requestID(line)`, results after the first a `bool`,
  an `error` or a number), or after a first result that is none (`uid, name, ok :=
  userEntry(line)`: the name), or gives the argument back nearly whole in a later result
  (`typ, obj, ok := splitEvent(line)`, obj a trim of the line's tail) counts too; so does
  each part of one returning several parts of its input (`key, value, err :=
  parseKV(line)`, named results included: `(name, val string, ok bool)`): the parts kept
  together are the line and waste nothing, a part kept
  alone (only the key, only the value) keeps all of it, and a map of such keys and their
  values (`m[k] = v` of `k, v, rest, err := parseRecord(s)`) is all of the input. Named results a
  bare `return` gives back are what the helper assigned them (`origin = strings.TrimSuffix(f[1],
  ".")` of a zone file's line): pieces each, not parts of one cut, so kept together they still pin
  all of the input. A method that returns a piece of its receiver's field (`return
  l.src[start:l.pos]` of a lexer, a record reader's `rec := r.buf[r.off:r.off+n]`) makes
  its calls on a local receiver pieces of what that receiver was made with (`lx :=
  &lexer{src: string(data)}`, or a constructor of the package putting it in that field,
  `it := NewIterator(block)`); so does one returning a field as it is that the package's
  methods set to a window of another field of the receiver (`return it.key` with `it.key =
  it.block[start : start+n]` in `Next`, a key-value iterator); not when that is the
  function's parameter as it is (a decoder over its caller's data, by design), but when the
  receiver holds a copy of it (`string(data)` in the literal or in the constructor,
  `newParser(body)` of `return &parser{buf: string(body)}`): then the callers that pass
  big data decide. One that returns data
  it read,
  less a trailer it checked (`return data[:len(data)-4]`),
  returns that data. Helpers that call each other are summarised once each (a call back
  into a helper being summarised counts as returning nothing there; the outermost of the
  cycle is summarised again with its answer known). A helper that converts what it cuts
  (`return string(b[:i])`) returns a copy; one that converts all of the data it read
  (`return string(body), nil` after `io.ReadAll`) returns that data, as big;
- pieces put in a local map, slice or struct that the function then stores whole
  (`refs[k] = line[:i]` ... `r.refs = refs`; also through a field of an element of it, `s :=
  next[name]; s.addrs = append(s.addrs, addr)`, or a map in a field of it, `ix.offsets[id] =
  off`), spreads into a kept slice (`d.findings = append(d.findings, out...)`), or passes to
  a function of the package that keeps it (`s.recent.push(info)`, also inside a record
  literal passed so, `b.AddMetric(Metric{Tags: tags})`), or that a function literal it
  returns holds (`return func(u string) bool { return allowed[u] }`, a handler kept as long
  as its caller keeps it), are reported where they are put in. Pieces gathered as the keys
  of a local set (`unique[m[1]] = struct{}{}`) are
  followed from a range over its keys to where each is kept (`cache.Set(token, ok)`);
- a function literal held in a local set once that returns a piece (`readStr := func()
  (string, error) {... return s[pos:end], nil}`): what each call of it gives (`name, err :=
  readStr()`) is followed as that piece, not a piece of the literal's own parameter (what
  each call passes decides);
{stores}

- a constructor of the package that puts its parameter, as it is or cut, in the new object
  it returns (`return &entry{key: k, data: b}`, `T{b}`, `e := &entry{}; e.data = b; return
  e`, or `return newEntry(k, b)` of another such constructor): a caller that passes it a piece
  of big data and keeps the object (in a field, a map, a cache, appended to a kept slice, sent
  on a channel, or held in a local that is then stored) is reported at the piece it passes
  ("passed to newEntry, whose new object is stored in ..."), with the constructor's step as a
  related location; the fix copies the piece at the call (`strings.Clone(name)`).
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
fix stores a copy: `strings.Clone`. Not reported: no such guard (`if end < len(b)`, `if
len(b) > 0`: the bound is not about memory), consuming the head (`x.f = x.f[n:]`), a reset
for reuse (`x.f[:0]`), a local variable, a copy already made. A helper of the package that
returns the start of its string under such a guard (`if len(sql) > maxSample { return
sql[:maxSample] }`) returns a piece of a string the guard shows can be longer, whoever calls
it: a caller that keeps the result (`s.samples[d] = sampleOf(sql)`) is reported, the fix
copying the call.

## Why is this bad?
A substring shares the bytes of the string it was cut from. As long as the substring is
reachable, the whole original string stays in memory, even if only a few bytes of it are
used. Storing a 50-byte substring of a 1 MB string in a package variable keeps the whole
megabyte alive until the variable is overwritten (Go 101, "Memory Leaking Scenarios").

## Example
```go
var s0 string // a package-level variable

func f(s1 string) {
        s0 = s1[:50] // s0 keeps all of s1 alive
}

func (c *Config) load(path string) error {
        data, err := os.ReadFile(path)
        if err != nil {
                return err
        }
        for _, line := range strings.Split(string(data), "\n") {
                name, _, _ := strings.Cut(line, "=")
                c.names = append(c.names, name) // keeps the whole file alive
        }
        return nil
}
```

## Use instead
```go
func f(s1 string) {
        s0 = strings.Clone(s1[:50]) // Go 1.18 and later
}

func f117(s1 string) {
        s0 = string([]byte(s1[:50])) // before Go 1.18
}
```

## Fix safety
The fix wraps the stored expression in a copy and is always **safe**: strings are immutable, so
a copy behaves exactly like the original.
- `strings.Clone(x)` when the Go version (the module's `go` line, or `go` in the config) is
  1.18 or later; the `strings` import is added when missing, and the file's own name for it is
  used (`Clone(x)` under a dot import);
- `string([]byte(x))` before Go 1.18, and also from 1.18 when the name `strings` is taken by
  another import or hidden by a local or package-level identifier.

No fix is offered:
- when the stored value's type is not exactly `string` (a named string type or a type
  parameter would need a conversion back; an unknown type is not guessed);
- when the stored value holds substrings rather than being one: a whole split result or a
  regexp match slice (`c.rows = append(c.rows, strings.Fields(line))` for the lines of a
  file). Every element shares the source's memory and the elements you keep must be copied
  one by one with `strings.Clone`; the finding says so.
- when the value is one call with several results assigned at once
  (`c.key, _, _ = strings.Cut(line, "=")`): a copy cannot wrap it; copy the kept result after
  the assignment.

## References
- [Go 101: Memory Leaking Scenarios](https://go101.org/article/memory-leaking.html)
- [strings.Clone](https://pkg.go.dev/strings#Clone)
"""

from __future__ import annotations

from collections.abc import Iterator

from leakscope.core.context import Diagnostic, FileContext
from leakscope.core.model import FixAvailability, Rule, Severity
from leakscope.core.rules._retention import STRING, diagnostics
from leakscope.core.rules._retention_syntax import (
    CALLBACKS_DOC,
    KEEPERS_DOC,
    PER_CALL_DOC,
    RECORDS_DOC,
    STORES_DOC,
    UNFOLLOWED_DOC,
)


def check(ctx: FileContext) -> Iterator[Diagnostic]:
    yield from diagnostics(ctx, STRING)


RULE = Rule(
    name="substring-retention",
    summary="A substring stored long-term keeps the whole string it was cut from alive",
    doc=(__doc__ or "")
    .replace("{keepers}", KEEPERS_DOC.strip())
    .replace("{per_call}", PER_CALL_DOC.strip())
    .replace("{unfollowed}", UNFOLLOWED_DOC.strip())
    .replace("{callbacks}", CALLBACKS_DOC.strip().replace("{noun}", "substring"))
    .replace("{records}", RECORDS_DOC.strip().replace("{window}", "`Match: raw[loc[0]:loc[1]]`"))
    .replace(
        "{stores}",
        STORES_DOC.strip().replace("{noun}", "substring").replace("{clone}", "strings.Clone"),
    ),
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    check=check,
)
