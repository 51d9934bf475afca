"""Just enough Go typing for leak rules: is this expression a string, a slice, a pointer?

Types are Go type expressions as text (see `leakscope.core.index`): `string`, `[]byte`,
`*Cache`, `map[string][]byte`, `*bufio.Scanner`. Nothing here guesses: an expression whose type
cannot be worked out gets `None`, and rules then report with low confidence or stay silent.

`TypeResolver` answers two questions for one file:

- `lookup(identifier)`: which declaration does this name refer to? Local declarations (`var`,
  `:=`, parameters, receivers, named results, range variables, `if`/`switch` initialisers,
  type-switch aliases, `select` receives) are found by walking up from the use and scanning the
  statements before it, so shadowing is respected; then the package index (package-level vars,
  consts, funcs, types) and the file's imports.
- `type_of(expression)`: the type of an expression, through literals, conversions, composite
  literals, selectors (struct fields from the index, one level of embedding), index and slice
  expressions, builtins (`append`, `make`, `new`, `len`), calls of functions and methods declared
  in the package, and the results of well-known standard-library functions and methods
  (`STD_FUNCS`, `STD_METHODS`).

Both are cached per node, so rules can ask freely about their few candidate nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node

from leakscope.core.index import VarInfo, normalise_type
from leakscope.core.syntax import FUNCTION_NODES, masked_type_parameters, text, unparen

if TYPE_CHECKING:
    from leakscope.core.context import FileContext

# Results of well-known standard-library functions, by import path and name. Qualified types
# use the package's default name (`*bufio.Scanner`); `TypeResolver.qualified` maps them back.
_STRINGS_LIKE = {
    "Split": ("[]{s}",),
    "SplitN": ("[]{s}",),
    "SplitAfter": ("[]{s}",),
    "SplitAfterN": ("[]{s}",),
    "Fields": ("[]{s}",),
    "FieldsFunc": ("[]{s}",),
    "Cut": ("{s}", "{s}", "bool"),
    "CutLast": ("{s}", "{s}", "bool"),  # Go 1.27
    "CutPrefix": ("{s}", "bool"),
    "CutSuffix": ("{s}", "bool"),
    "TrimSpace": ("{s}",),
    "Trim": ("{s}",),
    "TrimLeft": ("{s}",),
    "TrimRight": ("{s}",),
    "TrimPrefix": ("{s}",),
    "TrimSuffix": ("{s}",),
    "TrimFunc": ("{s}",),
    "TrimLeftFunc": ("{s}",),
    "TrimRightFunc": ("{s}",),
    "ToLower": ("{s}",),
    "ToUpper": ("{s}",),
    "Title": ("{s}",),
    "Replace": ("{s}",),
    "ReplaceAll": ("{s}",),
    "Repeat": ("{s}",),
    "Join": ("{s}",),
    "Clone": ("{s}",),
    "Map": ("{s}",),
    "ToValidUTF8": ("{s}",),
    "SplitSeq": ("iter.Seq[{s}]",),
    "SplitAfterSeq": ("iter.Seq[{s}]",),
    "FieldsSeq": ("iter.Seq[{s}]",),
    "FieldsFuncSeq": ("iter.Seq[{s}]",),
    "Lines": ("iter.Seq[{s}]",),
    "Contains": ("bool",),
    "ContainsAny": ("bool",),
    "ContainsRune": ("bool",),
    "HasPrefix": ("bool",),
    "HasSuffix": ("bool",),
    "EqualFold": ("bool",),
    "Index": ("int",),
    "IndexByte": ("int",),
    "IndexAny": ("int",),
    "IndexRune": ("int",),
    "LastIndex": ("int",),
    "LastIndexByte": ("int",),
    "Count": ("int",),
    "Compare": ("int",),
}

STD_FUNCS: dict[tuple[str, str], tuple[str, ...]] = {
    **{("strings", k): tuple(t.format(s="string") for t in v) for k, v in _STRINGS_LIKE.items()},
    **{("bytes", k): tuple(t.format(s="[]byte") for t in v) for k, v in _STRINGS_LIKE.items()},
    ("strings", "NewReader"): ("*strings.Reader",),
    ("strings", "NewReplacer"): ("*strings.Replacer",),
    ("bytes", "Equal"): ("bool",),
    ("bytes", "NewBuffer"): ("*bytes.Buffer",),
    ("bytes", "NewBufferString"): ("*bytes.Buffer",),
    ("bytes", "NewReader"): ("*bytes.Reader",),
    ("io", "ReadAll"): ("[]byte", "error"),
    ("io/ioutil", "ReadAll"): ("[]byte", "error"),
    ("io/ioutil", "ReadFile"): ("[]byte", "error"),
    ("os", "ReadFile"): ("[]byte", "error"),
    ("io/fs", "ReadFile"): ("[]byte", "error"),
    ("net/http/httputil", "DumpResponse"): ("[]byte", "error"),
    ("net/http/httputil", "DumpRequest"): ("[]byte", "error"),
    ("net/http/httputil", "DumpRequestOut"): ("[]byte", "error"),
    ("os", "Getenv"): ("string",),
    ("os", "LookupEnv"): ("string", "bool"),
    ("os", "Open"): ("*os.File", "error"),
    ("os", "Create"): ("*os.File", "error"),
    ("os", "OpenFile"): ("*os.File", "error"),
    ("os", "Hostname"): ("string", "error"),
    ("os", "Getwd"): ("string", "error"),
    ("os/exec", "Command"): ("*exec.Cmd",),
    ("os/exec", "CommandContext"): ("*exec.Cmd",),
    ("bufio", "NewScanner"): ("*bufio.Scanner",),
    ("bufio", "NewReader"): ("*bufio.Reader",),
    ("bufio", "NewReaderSize"): ("*bufio.Reader",),
    ("bufio", "NewWriter"): ("*bufio.Writer",),
    ("encoding/csv", "NewReader"): ("*csv.Reader",),
    ("regexp", "MustCompile"): ("*regexp.Regexp",),
    ("regexp", "MustCompilePOSIX"): ("*regexp.Regexp",),
    ("regexp", "Compile"): ("*regexp.Regexp", "error"),
    ("regexp", "CompilePOSIX"): ("*regexp.Regexp", "error"),
    ("regexp", "QuoteMeta"): ("string",),
    ("unsafe", "String"): ("string",),
    ("net/url", "Parse"): ("*url.URL", "error"),
    ("net/url", "ParseRequestURI"): ("*url.URL", "error"),
    ("net/url", "PathUnescape"): ("string", "error"),
    ("net/url", "QueryUnescape"): ("string", "error"),
    ("net/url", "PathEscape"): ("string",),
    ("net/url", "QueryEscape"): ("string",),
    ("path", "Base"): ("string",),
    ("path", "Dir"): ("string",),
    ("path", "Ext"): ("string",),
    ("path", "Clean"): ("string",),
    ("path", "Join"): ("string",),
    ("path", "Split"): ("string", "string"),
    ("path/filepath", "Base"): ("string",),
    ("path/filepath", "Dir"): ("string",),
    ("path/filepath", "Ext"): ("string",),
    ("path/filepath", "Clean"): ("string",),
    ("path/filepath", "Join"): ("string",),
    ("path/filepath", "Split"): ("string", "string"),
    ("path/filepath", "Abs"): ("string", "error"),
    ("path/filepath", "Rel"): ("string", "error"),
    ("path/filepath", "Glob"): ("[]string", "error"),
    ("path/filepath", "ToSlash"): ("string",),
    ("path/filepath", "FromSlash"): ("string",),
    ("strconv", "Itoa"): ("string",),
    ("strconv", "Quote"): ("string",),
    ("strconv", "FormatInt"): ("string",),
    ("strconv", "FormatUint"): ("string",),
    ("strconv", "Atoi"): ("int", "error"),
    ("strconv", "Unquote"): ("string", "error"),
    ("fmt", "Sprintf"): ("string",),
    ("fmt", "Sprint"): ("string",),
    ("fmt", "Sprintln"): ("string",),
    ("fmt", "Errorf"): ("error",),
    ("errors", "New"): ("error",),
    ("unicode/utf8", "DecodeRuneInString"): ("rune", "int"),
    ("unicode/utf8", "DecodeRune"): ("rune", "int"),
}

# Methods of well-known standard-library types: (import path, type name, method) -> results.
STD_METHODS: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("os/exec", "Cmd", "Output"): ("[]byte", "error"),
    ("os/exec", "Cmd", "CombinedOutput"): ("[]byte", "error"),
    ("bufio", "Scanner", "Text"): ("string",),
    ("bufio", "Scanner", "Bytes"): ("[]byte",),
    ("bufio", "Scanner", "Scan"): ("bool",),
    ("bufio", "Scanner", "Err"): ("error",),
    ("bufio", "Reader", "ReadString"): ("string", "error"),
    ("encoding/csv", "Reader", "Read"): ("[]string", "error"),
    ("encoding/csv", "Reader", "ReadAll"): ("[][]string", "error"),
    ("bufio", "Reader", "ReadBytes"): ("[]byte", "error"),
    ("bufio", "Reader", "ReadSlice"): ("[]byte", "error"),
    ("bufio", "Reader", "ReadLine"): ("[]byte", "bool", "error"),
    ("bufio", "Reader", "Peek"): ("[]byte", "error"),
    ("bytes", "Buffer", "Bytes"): ("[]byte",),
    ("bytes", "Buffer", "String"): ("string",),
    ("bytes", "Buffer", "Next"): ("[]byte",),
    ("bytes", "Buffer", "ReadString"): ("string", "error"),
    ("bytes", "Buffer", "ReadBytes"): ("[]byte", "error"),
    ("bytes", "Buffer", "Len"): ("int",),
    ("strings", "Builder", "String"): ("string",),
    ("strings", "Builder", "Len"): ("int",),
    ("strings", "Replacer", "Replace"): ("string",),
    ("os", "File", "Name"): ("string",),
    ("regexp", "Regexp", "FindString"): ("string",),
    ("regexp", "Regexp", "FindStringSubmatch"): ("[]string",),
    ("regexp", "Regexp", "FindAllString"): ("[]string",),
    ("regexp", "Regexp", "FindAllStringSubmatch"): ("[][]string",),
    ("regexp", "Regexp", "Find"): ("[]byte",),
    ("regexp", "Regexp", "FindSubmatch"): ("[][]byte",),
    ("regexp", "Regexp", "FindAll"): ("[][]byte",),
    ("regexp", "Regexp", "FindAllSubmatch"): ("[][][]byte",),
    ("regexp", "Regexp", "FindStringIndex"): ("[]int",),
    ("regexp", "Regexp", "FindIndex"): ("[]int",),
    ("regexp", "Regexp", "MatchString"): ("bool",),
    ("regexp", "Regexp", "Match"): ("bool",),
    ("regexp", "Regexp", "ReplaceAllString"): ("string",),
    ("regexp", "Regexp", "ReplaceAll"): ("[]byte",),
    ("regexp", "Regexp", "String"): ("string",),
}

# Fields of well-known standard-library structs: (import path, type name, field) -> type.
STD_FIELDS: dict[tuple[str, str, str], str] = {
    ("net/url", "URL", name): "string"
    for name in ("Scheme", "Opaque", "Host", "Path", "RawPath", "RawQuery", "Fragment")
}

# Underlying types of well-known standard-library named types.
STD_TYPES: dict[tuple[str, str], str] = {
    ("net/http", "Header"): "map[string][]string",
    ("net/url", "Values"): "map[string][]string",
    ("net/textproto", "MIMEHeader"): "map[string][]string",
    ("encoding/json", "RawMessage"): "[]byte",
    ("net", "IP"): "[]byte",
    ("net", "IPMask"): "[]byte",
    ("net", "HardwareAddr"): "[]byte",
    ("sort", "StringSlice"): "[]string",
    ("sort", "IntSlice"): "[]int",
    ("bytes", "Buffer"): "struct",
    ("strings", "Builder"): "struct",
    ("strings", "Reader"): "struct",
    ("bufio", "Scanner"): "struct",
    ("bufio", "Reader"): "struct",
    ("regexp", "Regexp"): "struct",
    ("sync", "Map"): "struct",
    ("sync", "Pool"): "struct",
    ("sync", "Mutex"): "struct",
    ("sync", "RWMutex"): "struct",
    ("sync", "WaitGroup"): "struct",
    ("os", "File"): "struct",
}

NUMERIC_TYPES = frozenset(
    {
        "byte",
        "rune",
        "int",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "uintptr",
        "float32",
        "float64",
        "complex64",
        "complex128",
    }
)
BASIC_TYPES = NUMERIC_TYPES | {"string", "bool", "error", "any"}

_INT_RESULT_BUILTINS = frozenset({"len", "cap", "copy"})


# --- type text helpers (pure functions over normalised type expressions) -------------------


def _matching_bracket(type_text: str, open_at: int) -> int:
    """Index of the `]` closing the `[` at open_at, or -1."""
    depth = 0
    for i in range(open_at, len(type_text)):
        ch = type_text[i]
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _inline_field(struct: str, field: str) -> str | None:
    """The type of `field` in the text of a struct type written inline (`struct { sync.Mutex
    byEmail map[string]*Contributor }`, its lines joined by `normalise_type`), or None."""
    match = re.search(r"(?<![\w.])" + re.escape(field) + r"(?:\s*,\s*\w+)*\s+", struct)
    if match is None:
        return None
    at, depth = match.end(), 0
    out = []
    while at < len(struct):
        char = struct[at]
        if depth == 0 and (char in ";}" or (char == " " and not _goes_on("".join(out)))):
            break
        depth += (char in "[({") - (char in "])}")
        out.append(char)
        at += 1
    return "".join(out).strip() or None


def _goes_on(type_text: str) -> bool:
    """Whether a space after `type_text` is still inside the type (`chan T`, `<-chan T`)."""
    return type_text in ("chan", "<-chan") or type_text.endswith(("chan<-", ")"))


def is_pointer(type_text: str | None) -> bool:
    return type_text is not None and type_text.startswith("*")


def deref(type_text: str | None) -> str | None:
    if type_text is None or not type_text.startswith("*"):
        return None
    return type_text[1:]


def is_slice(type_text: str | None) -> bool:
    return type_text is not None and type_text.startswith("[]")


def is_array(type_text: str | None) -> bool:
    if type_text is None or not type_text.startswith("[") or type_text.startswith("[]"):
        return False
    return _matching_bracket(type_text, 0) > 0


def is_map(type_text: str | None) -> bool:
    return type_text is not None and type_text.startswith("map[")


def is_chan(type_text: str | None) -> bool:
    return type_text is not None and (
        type_text.startswith("chan ") or type_text.startswith("<-chan ")
    )


def map_key(type_text: str | None) -> str | None:
    if not is_map(type_text):
        return None
    assert type_text is not None
    close = _matching_bracket(type_text, 3)
    return type_text[4:close] if close > 0 else None


def elem(type_text: str | None) -> str | None:
    """The element type of a slice, array, pointer to array, map (its values), channel or `...T`."""
    if type_text is None:
        return None
    if type_text.startswith("..."):
        return type_text[3:]
    if type_text.startswith("[]"):
        return type_text[2:]
    if type_text.startswith("*[") and is_array(type_text[1:]):
        return elem(type_text[1:])
    if type_text.startswith("["):
        close = _matching_bracket(type_text, 0)
        return type_text[close + 1 :] if close > 0 else None
    if type_text.startswith("map["):
        close = _matching_bracket(type_text, 3)
        return type_text[close + 1 :] if close > 0 else None
    for prefix in ("chan<- ", "<-chan ", "chan "):
        if type_text.startswith(prefix):
            return type_text[len(prefix) :].strip("()")
    return None


def slice_result(type_text: str | None) -> str | None:
    """The type of `x[a:b]` for x of this (underlying) type."""
    if type_text is None:
        return None
    if type_text == "string" or type_text.startswith("[]"):
        return type_text
    if type_text.startswith("*[") and is_array(type_text[1:]):
        return "[]" + (elem(type_text) or "")
    if is_array(type_text):
        return "[]" + (elem(type_text) or "")
    return None


def range_types(type_text: str | None) -> tuple[str | None, str | None]:
    """(key, value) types of `for k, v := range x` for x of this (underlying) type."""
    if type_text is None:
        return None, None
    if type_text == "string":
        return "int", "rune"
    if type_text in BASIC_TYPES and type_text.startswith(("int", "uint")):
        return type_text, None
    if type_text.startswith("map["):
        return map_key(type_text), elem(type_text)
    if is_chan(type_text):
        return elem(type_text), None
    if type_text.startswith("func("):
        return None, None  # an iterator: its yield parameters are not parsed here
    if type_text.startswith("iter.Seq[") and type_text.endswith("]"):
        return type_text[len("iter.Seq[") : -1], None
    if type_text.startswith("iter.Seq2[") and type_text.endswith("]"):
        key, _, value = type_text[len("iter.Seq2[") : -1].partition(",")
        return key.strip(), value.strip()
    element = elem(type_text)
    if element is not None:
        return "int", element
    return None, None


def strip_type_args(type_name: str) -> str:
    """`List[T]` -> `List`."""
    return type_name.split("[", 1)[0] if not type_name.startswith("[") else type_name


def _func_results(type_text: str) -> tuple[str, ...] | None:
    """The results of a function type written as text: `func(a int) (string, error)`."""
    if not type_text.startswith("func("):
        return None
    close = _matching_bracket(type_text, 4)
    if close < 0:
        return None
    rest = type_text[close + 1 :].strip()
    if not rest:
        return ()
    if rest.startswith("(") and rest.endswith(")"):
        inner = rest[1:-1]
        parts: list[str] = []
        depth = 0
        start = 0
        for i, ch in enumerate(inner):
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
            elif ch == "," and depth == 0:
                parts.append(inner[start:i].strip())
                start = i + 1
        parts.append(inner[start:].strip())
        # Named results `(n int, err error)`: keep the type after the name.
        return tuple(
            p.split(" ", 1)[1] if " " in p and not p.startswith(("func", "map", "chan")) else p
            for p in parts
        )
    return (rest,)


# --- scope-free typing (shared with the package index) --------------------------------------


def _std_call(node: Node, imports: dict[str, str]) -> tuple[str, ...] | None:
    """Results of `pkg.Func(...)` for a well-known standard-library function."""
    func = node.child_by_field_name("function")
    if func is None or func.type != "selector_expression":
        return None
    operand = func.child_by_field_name("operand")
    if operand is None or operand.type != "identifier":
        return None
    path = imports.get(text(operand))
    if path is None:
        return None
    return STD_FUNCS.get((path, text(func.child_by_field_name("field"))))


def literal_type(node: Node, imports: dict[str, str]) -> str | None:
    """The type of an expression that can be typed without any scope (literals, conversions,
    composite literals, `new`/`make`, well-known standard-library calls)."""
    node = unparen(node)
    kind = node.type
    if kind in ("interpreted_string_literal", "raw_string_literal"):
        return "string"
    if kind == "int_literal":
        return "int"
    if kind == "float_literal":
        return "float64"
    if kind == "rune_literal":
        return "rune"
    if kind in ("true", "false"):
        return "bool"
    if kind == "composite_literal":
        type_node = node.child_by_field_name("type")
        return normalise_type(text(type_node)) if type_node is not None else None
    if kind == "unary_expression":
        operand = node.child_by_field_name("operand")
        if operand is not None and text(node).startswith("&"):
            inner = literal_type(operand, imports)
            return "*" + inner if inner is not None else None
        return None
    if kind == "type_conversion_expression":
        type_node = node.child_by_field_name("type")
        return normalise_type(text(type_node)) if type_node is not None else None
    if kind == "call_expression":
        func = node.child_by_field_name("function")
        if func is None:
            return None
        args = node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        if func.type == "identifier":
            name = text(func)
            if name in ("make", "new") and first is not None:
                first_text = normalise_type(text(first))
                return first_text if name == "make" else "*" + first_text
            if name in BASIC_TYPES and name not in ("error", "any"):
                return name  # a conversion: string(b), int64(x)
            return None
        if func.type in ("slice_type", "map_type", "array_type", "pointer_type", "channel_type"):
            return normalise_type(text(func))
        results = _std_call(node, imports)
        if results is not None and len(results) >= 1:
            return results[0]
    return None


# --- declarations --------------------------------------------------------------------------

PARAM = "param"
RECEIVER = "receiver"
RESULT = "result"
LOCAL = "local"  # var, :=, local const
RANGE = "range"
CASE = "case"  # a type-switch alias inside one case
RECEIVE = "receive"  # `case v := <-ch` in a select
PACKAGE_VAR = "package-var"
PACKAGE_CONST = "package-const"
FUNC = "func"
TYPE = "type"
IMPORT = "import"
TYPE_PARAM = "type-param"


@dataclass(frozen=True, slots=True)
class Binding:
    """What a name refers to at one place in the file."""

    name: str
    kind: str  # one of the constants above
    type: str | None  # declared or inferred type text, None when unknown
    node: Node | None = None  # the declaring identifier, when it is in this file
    value: Node | None = None  # the initialiser (LOCAL), the range expression (RANGE), ...
    index: int = 0  # position of the name on the left (a range's key 0 or value 1)
    multi: bool = False  # value is one multi-result call shared by all the names
    statement: Node | None = None  # the declaring statement or clause
    var: VarInfo | None = None  # package-level declaration info
    import_path: str | None = None

    @property
    def is_local(self) -> bool:
        return self.kind in (PARAM, RECEIVER, RESULT, LOCAL, RANGE, CASE, RECEIVE)

    @property
    def declared_at(self) -> tuple[int, int] | None:
        """Byte range of the declaring identifier in this file, when known."""
        if self.node is not None:
            return self.node.start_byte, self.node.end_byte
        return None


_DECL_STATEMENTS = frozenset(
    {"var_declaration", "short_var_declaration", "const_declaration", "labeled_statement"}
)
_CLAUSE_OWNERS = frozenset(
    {"if_statement", "expression_switch_statement", "type_switch_statement", "for_statement"}
)
_MAX_DEPTH = 12
# Nodes the scope walk passes through without looking (expressions and blocks).
_SKIP_WALK = frozenset(
    {
        "block",
        "expression_list",
        "call_expression",
        "argument_list",
        "selector_expression",
        "index_expression",
        "slice_expression",
        "binary_expression",
        "unary_expression",
        "parenthesized_expression",
        "assignment_statement",
        "short_var_declaration",
        "expression_statement",
        "return_statement",
        "literal_value",
        "literal_element",
        "keyed_element",
        "composite_literal",
        "expression_case",
        "type_case",
        "default_case",
    }
)


def _names_in(node: Node | None) -> list[Node]:
    """The identifiers of an expression_list (or a single identifier)."""
    if node is None:
        return []
    if node.type == "identifier":
        return [node]
    return [c for c in node.named_children if c.type == "identifier"]


def _values_in(node: Node | None) -> list[Node]:
    if node is None:
        return []
    if node.type == "expression_list":
        return [c for c in node.named_children if c.type != "comment"]
    return [node]


class TypeResolver:
    """Resolves names and expression types within one file, using the package index for
    package-level names."""

    def __init__(self, ctx: FileContext) -> None:
        # What the resolver needs of the file, not the context itself: the context owns the
        # resolver (ctx.types), and a cycle would keep every tree alive until a full GC.
        self.path = ctx.path
        self.source = ctx.source
        self.root = ctx.root
        self.imports = ctx.imports
        self.package = ctx.package
        self._bindings: dict[tuple[int, int], Binding | None] = {}
        self._types: dict[tuple[int, int, str], str | None] = {}
        # Per statement list: name -> the declaring statements, in order.
        self._scopes: dict[tuple[int, int], dict[str, list[Node]]] = {}
        # (statement, name) -> what the name means there (see _walk_up).
        self._upward: dict[tuple[int, int, str], Binding | None] = {}
        # Per function: name -> binding of its parameters, receiver, results, type parameters.
        self._signatures: dict[tuple[int, int], dict[str, Binding]] = {}
        self._depth = 0
        # Free for rules to memoise per-file work (e.g. a shared analysis of two rules).
        self.cache: dict[str, object] = {}

    # -- names --------------------------------------------------------------------------

    def lookup(self, ident: Node) -> Binding | None:
        """The declaration the identifier `ident` refers to, or None when unknown."""
        key = (ident.start_byte, ident.end_byte)
        if key in self._bindings:
            return self._bindings[key]
        name = text(ident)
        binding = self._lookup_local(ident, name) if name != "_" else None
        if binding is None and name != "_":
            binding = self._lookup_package(name)
        self._bindings[key] = binding
        return binding

    def visible(self, name: str, at: Node) -> Binding | None:
        """What `name` would refer to if it were written at `at`."""
        binding = self._walk_up(at, at, name) if name != "_" else None
        return binding if binding is not None else self._lookup_package(name)

    def declaration(self, ident: Node) -> Binding | None:
        """The binding that `ident` declares: the `x` of `x := ...`, `var x = ...`,
        `for _, x := range ...` or `case x := <-ch`; None when `ident` declares nothing.

        (`lookup` is for uses: called on a declaring identifier it finds an outer `x`.)"""
        parent = ident.parent
        if parent is None:
            return None
        name = text(ident)
        if parent.type in ("var_spec", "const_spec"):
            return self._declared_by(parent, name)
        if parent.type != "expression_list":
            return None
        owner = parent.parent
        if owner is None or owner.child_by_field_name("left") != parent:
            return None
        if owner.type == "short_var_declaration":
            return self._declared_by(owner, name)
        if not any(c.type == ":=" for c in owner.children):
            return None
        if owner.type == "range_clause":
            for i, name_node in enumerate(_names_in(parent)):
                if name_node == ident:
                    right = owner.child_by_field_name("right")
                    return Binding(name, RANGE, None, ident, right, i, False, owner)
        if owner.type == "receive_statement":
            return self._in_receive(owner, name)
        return None

    def _lookup_package(self, name: str) -> Binding | None:
        path = self.imports.get(name)
        if path is not None:
            return Binding(name, IMPORT, None, import_path=path)
        info = self.package.vars.get(name)
        if info is not None:
            type_text = info.type
            base = strip_type_args(type_text) if type_text is not None else None
            if base is not None and base in self.package.funcs and base not in self.package.types:
                # `var c = NewLRU[string, []byte](n)` reads like a conversion: a call.
                results = self.package.funcs[base].result_types
                type_text = results[0] if results else None
            return Binding(
                name,
                PACKAGE_VAR,
                type_text if type_text is not None else self._package_var_type(info),
                self._local_node(info),
                var=info,
            )
        info = self.package.consts.get(name)
        if info is not None:
            return Binding(name, PACKAGE_CONST, info.type, self._local_node(info), var=info)
        if name in self.package.funcs:
            return Binding(name, FUNC, None)
        if name in self.package.types or name in BASIC_TYPES:
            return Binding(name, TYPE, name)
        return None

    def _local_node(self, info: VarInfo) -> Node | None:
        if info.path != self.path:
            return None
        return self.root.descendant_for_byte_range(info.start_byte, info.end_byte)

    def _package_var_type(self, info: VarInfo) -> str | None:
        """A package variable initialised by a call of a function of this package."""
        if info.value is None or not info.value.startswith("call:"):
            return None
        callee = info.value[5:]
        sig = self.package.funcs.get(callee)
        if sig is not None and sig.results:
            return sig.results[0][1]
        return None

    def _lookup_local(self, ident: Node, name: str) -> Binding | None:
        return self._walk_up(ident, ident, name)

    def _walk_up(self, child: Node, ident: Node, name: str) -> Binding | None:
        """Search the scopes around `child` (`ident` is where the search started).

        From a statement upwards the answer depends only on the statement and the name, so
        it is memoised there: the identifiers of one function share the walk."""
        parent = child.parent
        while parent is not None:
            kind = parent.type
            if kind in _SKIP_WALK:
                pass
            elif kind == "statement_list":
                key = (child.start_byte, child.end_byte, name)
                if key in self._upward:
                    return self._upward[key]
                found = self._in_statements(child, name)
                if found is None:
                    found = self._walk_up(parent, ident, name)
                self._upward[key] = found
                return found
            elif kind in _CLAUSE_OWNERS:
                found = self._in_clause_owner(parent, child, ident, name)
                if found is not None:
                    return found
            elif kind == "communication_case":
                comm = parent.child_by_field_name("communication")
                if comm is not None and comm != child and comm.type == "receive_statement":
                    found = self._in_receive(comm, name)
                    if found is not None:
                        return found
            elif kind in FUNCTION_NODES:
                found = self._in_signature(parent, name)
                if found is not None:
                    return found
                if kind != "func_literal":
                    return None
            elif kind == "source_file":
                return None
            child = parent
            parent = parent.parent
        return None

    def _in_statements(self, child: Node, name: str) -> Binding | None:
        statements = child.parent
        assert statements is not None
        key = (statements.start_byte, statements.end_byte)
        scope = self._scopes.get(key)
        if scope is None:
            scope = self._scopes[key] = _declarations(statements)
        found = None
        for stmt in scope.get(name, ()):
            if stmt.start_byte >= child.start_byte:
                break
            found = stmt
        return self._declared_by(found, name) if found is not None else None

    def _declared_by(self, stmt: Node, name: str) -> Binding | None:
        kind = stmt.type
        if kind == "labeled_statement":
            inner = stmt.named_children[-1] if stmt.named_children else None
            if inner is not None and inner.type in _DECL_STATEMENTS:
                return self._declared_by(inner, name)
            return None
        if kind == "short_var_declaration":
            left = _names_in(stmt.child_by_field_name("left"))
            for i, ident in enumerate(left):
                if text(ident) == name:
                    values = _values_in(stmt.child_by_field_name("right"))
                    return _value_binding(name, ident, None, left, values, i, stmt)
            return None
        spec_kinds = ("var_spec", "const_spec")
        specs: list[Node] = [stmt] if kind in spec_kinds else []
        for c in stmt.named_children:
            if c.type in spec_kinds:
                specs.append(c)
            elif c.type.endswith("_spec_list"):
                specs.extend(s for s in c.named_children if s.type in spec_kinds)
        for spec in specs:
            names = spec.children_by_field_name("name")
            for i, ident in enumerate(names):
                if text(ident) == name:
                    type_node = spec.child_by_field_name("type")
                    declared = normalise_type(text(type_node)) if type_node is not None else None
                    values = _values_in(spec.child_by_field_name("value"))
                    return _value_binding(name, ident, declared, names, values, i, stmt)
        return None

    def _in_clause_owner(self, owner: Node, child: Node, ident: Node, name: str) -> Binding | None:
        kind = owner.type
        if kind == "for_statement":
            clause = next(
                (c for c in owner.named_children if c.type in ("range_clause", "for_clause")),
                None,
            )
            if clause is None:
                return None
            if clause.type == "range_clause":
                if child == clause:
                    return None  # the range expression does not see the range variables
                if not any(c.type == ":=" for c in clause.children):
                    return None
                for i, name_node in enumerate(_names_in(clause.child_by_field_name("left"))):
                    if text(name_node) == name:
                        right = clause.child_by_field_name("right")
                        return Binding(name, RANGE, None, name_node, right, i, False, clause)
                return None
            init = clause.child_by_field_name("initializer")
            if init is None or init.type != "short_var_declaration" or _contains(init, ident):
                return None
            return self._declared_by(init, name)
        init = owner.child_by_field_name("initializer")
        if init is not None and child != init and init.type == "short_var_declaration":
            found = self._declared_by(init, name)
            if found is not None:
                return found
        if kind == "type_switch_statement" and child.type in ("type_case", "default_case"):
            for alias in _names_in(owner.child_by_field_name("alias")):
                if text(alias) == name:
                    case_types = child.children_by_field_name("type")
                    value = owner.child_by_field_name("value")
                    if len(case_types) == 1 and text(case_types[0]) != "nil":
                        type_text: str | None = normalise_type(text(case_types[0]))
                    else:
                        type_text = self.type_of(value) if value is not None else None
                    return Binding(name, CASE, type_text, alias, value, 0, False, owner)
        return None

    def _in_receive(self, comm: Node, name: str) -> Binding | None:
        if not any(c.type == ":=" for c in comm.children):
            return None
        for i, ident in enumerate(_names_in(comm.child_by_field_name("left"))):
            if text(ident) == name:
                right = comm.child_by_field_name("right")
                return Binding(name, RECEIVE, None, ident, right, i, False, comm)
        return None

    def _in_signature(self, func: Node, name: str) -> Binding | None:
        key = (func.start_byte, func.end_byte)
        names = self._signatures.get(key)
        if names is None:
            names = self._signatures[key] = _signature_bindings(func, self.source)
        return names.get(name)

    # -- types --------------------------------------------------------------------------

    def binding_type(self, binding: Binding) -> str | None:
        """The type of a bound name, inferring it from the initialiser when not declared."""
        if binding.type is not None:
            return binding.type
        if binding.value is None:
            return None
        if binding.kind == RANGE:
            key, value = range_types(self.underlying(self.type_of(binding.value)))
            return key if binding.index == 0 else value
        if binding.kind == RECEIVE:
            channel_elem = self.type_of(binding.value)
            return channel_elem if binding.index == 0 else "bool"
        if binding.multi:
            results = self.results_of(binding.value)
            if results is not None and binding.index < len(results):
                return results[binding.index]
            # `v, ok := m[k]`, `v, ok := x.(T)`, `v, ok := <-ch`
            if binding.index == 1 and unparen(binding.value).type in (
                "index_expression",
                "type_assertion_expression",
                "unary_expression",
            ):
                return "bool"
            return None
        return self.type_of(binding.value)

    def type_of(self, node: Node | None) -> str | None:
        """The type of an expression as Go type text, or None when it cannot be known."""
        if node is None:
            return None
        key = (node.start_byte, node.end_byte, node.type)
        if key in self._types:
            return self._types[key]
        if self._depth > _MAX_DEPTH:
            return None
        self._depth += 1
        try:
            result = self._type_of(unparen(node))
        finally:
            self._depth -= 1
        self._types[key] = result
        return result

    def _type_of(self, node: Node) -> str | None:
        kind = node.type
        if kind == "identifier":
            binding = self.lookup(node)
            if binding is None:
                return None
            if binding.kind in (FUNC, TYPE, IMPORT, TYPE_PARAM):
                return None
            return self.binding_type(binding)
        if kind == "selector_expression":
            return self._selector_type(node)
        if kind == "call_expression" or (
            kind == "type_conversion_expression"
            and (found := node.child_by_field_name("type")) is not None
            and found.type == "generic_type"
        ):
            results = self.results_of(node)
            return results[0] if results else None
        if kind == "slice_expression":
            operand_type = self.type_of(node.child_by_field_name("operand"))
            under = self.underlying(operand_type)
            if under == "string" or is_slice(under):
                return operand_type
            return slice_result(under)
        if kind == "index_expression":
            operand = node.child_by_field_name("operand")
            under = self.underlying(self.type_of(operand))
            if under == "string":
                return "byte"
            return elem(under)
        if kind == "unary_expression":
            operand = node.child_by_field_name("operand")
            operator = node.child_by_field_name("operator")
            op = text(operator) if operator is not None else text(node)[:1]
            if op == "&":
                inner = self.type_of(operand)
                return "*" + inner if inner is not None else None
            if op == "*":
                return deref(self.type_of(operand))
            if op == "<-":
                return elem(self.underlying(self.type_of(operand)))
            if op == "!":
                return "bool"
            return self.type_of(operand)
        if kind == "binary_expression":
            operator = node.child_by_field_name("operator")
            op = text(operator)
            if op in ("==", "!=", "<", "<=", ">", ">=", "&&", "||"):
                return "bool"
            if op in ("<<", ">>"):
                return self.type_of(node.child_by_field_name("left"))
            left = self.type_of(node.child_by_field_name("left"))
            if left is not None and left not in ("int", "float64", "rune"):
                return left  # untyped constants take the other operand's type
            right = self.type_of(node.child_by_field_name("right"))
            return right if right is not None else left
        if kind == "type_assertion_expression":
            type_node = node.child_by_field_name("type")
            return normalise_type(text(type_node)) if type_node is not None else None
        if kind == "func_literal":
            # `func(a int) (string, error)`: its calls' results are known (`readStr()`).
            params = node.child_by_field_name("parameters")
            result = node.child_by_field_name("result")
            if params is None:
                return None
            signature = "func" + " ".join(text(params).split())
            return signature + (" " + " ".join(text(result).split()) if result else "")
        return literal_type(node, self.imports)

    def _selector_type(self, node: Node) -> str | None:
        operand = node.child_by_field_name("operand")
        field = text(node.child_by_field_name("field"))
        if operand is None:
            return None
        if operand.type == "identifier":
            binding = self.lookup(operand)
            if binding is not None and binding.kind == IMPORT:
                return None  # a package-level name of another package
        owner = self.type_of(operand)
        if owner is None:
            return None
        owner = deref(owner) or owner
        qualified = self.qualified(owner) if "." in owner else None
        if qualified is not None:
            return STD_FIELDS.get((*qualified, field))
        return self.field_type(owner, field)

    def field_type(self, owner: str, field: str) -> str | None:
        """The type of field `field` of (named struct type) owner, following named types."""
        seen = 0
        current: str | None = owner
        while current is not None and seen < 5:
            if current.startswith("struct"):
                return _inline_field(current, field)  # `var registry = struct{...}{...}`
            name = strip_type_args(deref(current) or current)
            found = self.package.field_type(name, field)
            if found is not None:
                return found
            info = self.package.types.get(name)
            if info is None or info.underlying in ("struct", "interface", ""):
                return None
            current = info.underlying
            seen += 1
        return None

    def results_of(self, call: Node | None) -> tuple[str, ...] | None:
        """The result types of a call (or conversion); None when unknown."""
        if call is None:
            return None
        call = unparen(call)
        if call.type == "type_conversion_expression":
            type_node = call.child_by_field_name("type")
            if type_node is None:
                return None
            generic = self._generic_func(type_node)
            if generic is not None:
                return generic  # `NewLRU[string, []byte](n)` reads like a conversion
            return (normalise_type(text(type_node)),)
        if call.type != "call_expression":
            single = self.type_of(call)
            return (single,) if single is not None else None
        func = unparen(call.child_by_field_name("function") or call)
        args = call.child_by_field_name("arguments")
        arg_nodes = [a for a in args.named_children if a.type != "comment"] if args else []
        if func.type == "identifier":
            name = text(func)
            binding = self.lookup(func)
            if binding is None:
                if name in _INT_RESULT_BUILTINS:
                    return ("int",)
                if name == "append" and arg_nodes:
                    first = self.type_of(arg_nodes[0])
                    return (first,) if first is not None else None
                if name in ("make", "new") and arg_nodes:
                    type_text = normalise_type(text(arg_nodes[0]))
                    return (type_text if name == "make" else "*" + type_text,)
                if name in ("min", "max") and arg_nodes:
                    first = self.type_of(arg_nodes[0])
                    return (first,) if first is not None else None
                return None
            if binding.kind == TYPE:
                return (name,)
            if binding.kind == FUNC:
                sig = self.package.funcs.get(name)
                return sig.result_types if sig is not None else None
            if binding.kind == TYPE_PARAM:
                return (name,)
            func_type = self.binding_type(binding)
            if func_type is not None:
                return _func_results(func_type)
            return None
        if func.type in ("slice_type", "map_type", "array_type", "pointer_type", "channel_type"):
            return (normalise_type(text(func)),)
        if func.type == "unary_expression" and text(func).startswith("*"):
            return ("*" + normalise_type(text(func.child_by_field_name("operand"))),)
        if func.type == "selector_expression":
            operand = func.child_by_field_name("operand")
            method = text(func.child_by_field_name("field"))
            if operand is not None and operand.type == "identifier":
                binding = self.lookup(operand)
                if binding is not None and binding.kind == IMPORT:
                    path = binding.import_path or ""
                    if path == "slices" and method == "Clone" and arg_nodes:
                        first = self.type_of(arg_nodes[0])
                        return (first,) if first is not None else None
                    return STD_FUNCS.get((path, method))
            owner = self.type_of(operand)
            return self.method_results(owner, method)
        if func.type == "generic_type" or func.type == "index_expression":
            return self._generic_func(func)
        return None

    def _generic_func(self, node: Node) -> tuple[str, ...] | None:
        """The result types of a generic function of the package instantiated by `node`
        (`NewLRU[string, []byte]`), as declared (with its type parameters), else None."""
        base = node.child_by_field_name("type" if node.type == "generic_type" else "operand")
        if base is None or base.type not in ("identifier", "type_identifier"):
            return None
        name = text(base)
        sig = self.package.funcs.get(name)
        if sig is None or name in self.package.types:
            return None
        binding = self.lookup(base) if base.type == "identifier" else None
        if binding is not None and binding.kind != FUNC:
            return None
        return sig.result_types

    def method_results(self, owner: str | None, method: str) -> tuple[str, ...] | None:
        """Result types of `x.method()` for x of type owner."""
        if owner is None:
            return None
        base = strip_type_args(deref(owner) or owner)
        qualified = self.qualified(base)
        if qualified is not None:
            return STD_METHODS.get((qualified[0], qualified[1], method))
        sig = self.package.method(base, method)
        if sig is not None:
            return sig.result_types
        field = self.field_type(base, method)  # a func-typed field called like a method
        if field is not None:
            return _func_results(field)
        return None

    def qualified(self, type_text: str | None) -> tuple[str, str] | None:
        """(import path, name) of a qualified type such as `bufio.Scanner` or `*bufio.Scanner`."""
        if type_text is None:
            return None
        base = strip_type_args(deref(type_text) or type_text)
        if "." not in base or not base.replace(".", "").replace("_", "").isalnum():
            return None
        qualifier, name = base.split(".", 1)
        path = self.imports.get(qualifier)
        if path is None:
            # (A type spelled in another file of the package, `var current
            # atomic.Pointer[Table]` of a file that imports sync/atomic: what the package's
            # files import under that name, when they agree.)
            found = {
                summary.imports[qualifier]
                for summary in self.package.summaries.values()
                if qualifier in summary.imports
            }
            path = found.pop() if len(found) == 1 else None
        if path is None:
            # Types from the tables above use default package names.
            known = (
                {p for p, _ in STD_TYPES}
                | {p for p, _, _ in STD_METHODS}
                | {p for p, _, _ in STD_FIELDS}
            )
            path = next((p for p in known if p.rsplit("/", 1)[-1] == qualifier), qualifier)
        return path, name

    def underlying(self, type_text: str | None) -> str | None:
        """The underlying type: named types of the package (and a few standard-library ones)
        are followed; type literals and basic types are returned as they are."""
        seen = 0
        current = type_text
        while current is not None and seen < 8:
            if current.startswith("iter.Seq"):
                return current  # kept as written: range_types understands it
            if (
                current in BASIC_TYPES
                or current[:1] in "[*"
                or current.startswith(
                    ("map[", "chan ", "<-chan ", "func(", "struct{", "interface{")
                )
            ):
                return current
            qualified = self.qualified(current)
            if qualified is not None:
                return STD_TYPES.get(qualified)
            info = self.package.types.get(strip_type_args(current))
            if info is None:
                return None
            if info.underlying in ("struct", "interface"):
                return info.underlying
            current = info.underlying or None
            seen += 1
        return None

    # -- convenience predicates ------------------------------------------------------------

    def is_slice(self, node: Node) -> bool:
        return is_slice(self.underlying(self.type_of(node)))

    def is_pointer(self, node: Node) -> bool:
        return is_pointer(self.type_of(node))


def _declarations(statements: Node) -> dict[str, list[Node]]:
    """Name -> the statements of a statement list that declare it, in source order."""
    out: dict[str, list[Node]] = {}
    for stmt in statements.named_children:
        decl = stmt
        if decl.type == "labeled_statement" and decl.named_children:
            decl = decl.named_children[-1]
        kind = decl.type
        if kind == "short_var_declaration":
            for ident in _names_in(decl.child_by_field_name("left")):
                out.setdefault(text(ident), []).append(stmt)
        elif kind in ("var_declaration", "const_declaration"):
            for spec in decl.named_children:
                specs = spec.named_children if spec.type.endswith("_spec_list") else [spec]
                for one in specs:
                    for ident in one.children_by_field_name("name"):
                        out.setdefault(text(ident), []).append(stmt)
    return out


def _signature_bindings(func: Node, source: bytes) -> dict[str, Binding]:
    """Name -> binding for a function's parameters, receiver, results and type parameters
    (a generic method's own, blanked before parsing, are bound at the method's name)."""
    out: dict[str, Binding] = {}
    fields = (("result", RESULT), ("receiver", RECEIVER), ("parameters", PARAM))
    for field_name, kind in fields:
        params = func.child_by_field_name(field_name)
        if params is None or params.type != "parameter_list":
            continue
        for decl in params.named_children:
            if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            type_text = normalise_type(text(decl.child_by_field_name("type")))
            if decl.type == "variadic_parameter_declaration":
                type_text = "[]" + type_text
            for ident in decl.children_by_field_name("name"):
                name = text(ident)
                out[name] = Binding(name, kind, type_text, ident, None, 0, False, decl)
    type_params = func.child_by_field_name("type_parameters")
    if type_params is not None:
        for decl in type_params.named_children:
            for ident in decl.children_by_field_name("name"):
                name = text(ident)
                out.setdefault(name, Binding(name, TYPE_PARAM, None, ident, None, 0, False, decl))
    method_name = func.child_by_field_name("name")
    if method_name is not None:
        for name in masked_type_parameters(func, source):
            binding = Binding(name, TYPE_PARAM, None, method_name, None, 0, False, func)
            out.setdefault(name, binding)
    return out


def _value_binding(
    name: str,
    ident: Node,
    declared: str | None,
    names: list[Node],
    values: list[Node],
    index: int,
    stmt: Node,
) -> Binding:
    """A LOCAL binding of names[index] = values[index], or of one result of a multi-value call."""
    if len(values) == 1 and len(names) > 1:
        return Binding(name, LOCAL, declared, ident, values[0], index, True, stmt)
    value = values[index] if index < len(values) else None
    return Binding(name, LOCAL, declared, ident, value, index, False, stmt)


def _contains(outer: Node, inner: Node) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte
