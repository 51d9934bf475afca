"""The type resolver: name lookup through Go scopes and expression types."""

from __future__ import annotations

import re

import pytest
from tree_sitter import Node

from leakscope.core.context import FileContext
from leakscope.core.index import PackageIndex, summarize_file
from leakscope.core.syntax import parse
from leakscope.core.types import (
    IMPORT,
    LOCAL,
    PACKAGE_VAR,
    PARAM,
    RANGE,
    RECEIVER,
    TypeResolver,
    elem,
    map_key,
    range_types,
    slice_result,
)

OTHER_FILE = b"""package p

type Config struct {
	names []string
	index map[string][]byte
	Inner
}

type Inner struct {
	label string
}

type Lines []string

func load() *Config { return nil }

var shared = load()
"""

MAIN = b"""package p

import (
	"bufio"
	"os"
	"regexp"
	str "strings"
)

var pattern = regexp.MustCompile(`x`)
var cache map[string]string

func (c *Config) add(line string, parts ...string) {
	fields := str.Split(line, ",")
	data, err := os.ReadFile(line)
	_, _ = data, err
	before, after, ok := str.Cut(line, "=")
	_, _, _ = before, after, ok
	for i, f := range fields {
		_, _ = i, f
	}
	for k, v := range c.index {
		_, _ = k, v
	}
	for _, r := range line {
		_ = r
	}
	if line := len(parts); line > 0 {
		_ = line
	}
	_ = line
	sc := bufio.NewScanner(os.Stdin)
	text := sc.Text()
	_ = text
	var lines Lines
	_ = lines[0]
	_ = c.names
	_ = c.label
	_ = shared
	_ = pattern.FindStringSubmatch(line)
	_ = cache["k"]
	var arr [4]byte
	_ = arr[1:]
	_ = &Config{}
	_ = make([]int, 3)
	_ = append(fields, "x")
	_ = []byte(line)
	_ = string(data)
	_ = line[1:]
	var any interface{} = line
	switch v := any.(type) {
	case []byte:
		_ = v
	}
	ch := make(chan []byte)
	select {
	case got := <-ch:
		_ = got
	}
	_ = unknownpkg.Call()
}
"""


@pytest.fixture(scope="module")
def resolver() -> TypeResolver:
    tree = parse(MAIN)
    other = parse(OTHER_FILE)
    index = PackageIndex([summarize_file("main.go", tree), summarize_file("other.go", other)])
    ctx = FileContext("main.go", MAIN, tree, (1, 21), index)
    return ctx.types


def node_at(resolver: TypeResolver, needle: str, occurrence: int = 0, kind: str = "") -> Node:
    """The smallest node whose text is exactly `needle` at its n-th occurrence."""
    pattern = re.compile(rb"(?<![\w.])" + re.escape(needle.encode()) + rb"(?!\w)")
    match = list(pattern.finditer(resolver.source))[occurrence]
    start, end = match.start(), match.end()
    node = resolver.root.named_descendant_for_byte_range(start, end)
    assert node is not None
    while node.parent is not None and (node.end_byte - node.start_byte) < end - start:
        node = node.parent
    if kind:
        while node.type != kind and node.parent is not None:
            node = node.parent
    assert node.text == needle.encode(), (node.type, node.text)
    return node


@pytest.mark.parametrize(
    ("needle", "occurrence", "expected"),
    [
        ("line", 1, "string"),  # the parameter, used in str.Split(line, ",")
        ("parts", 1, "[]string"),  # a variadic parameter is a slice
        ("c", 1, "*Config"),  # the receiver
        ("fields", 1, "[]string"),  # := from an aliased strings import
        ("data", 1, "[]byte"),  # first result of os.ReadFile
        ("err", 1, "error"),  # second result
        ("before", 1, "string"),  # str.Cut results
        ("ok", 1, "bool"),
        ("f", 1, "string"),  # range value over []string
        ("i", 1, "int"),  # range key
        ("k", 1, "string"),  # map key, through a field of the receiver
        ("v", 1, "[]byte"),  # map value
        ("r", 1, "rune"),  # range over a string
        ("text", 1, "string"),  # bufio.NewScanner(...).Text()
        ("lines[0]", 0, "string"),  # index of a named slice type
        ("c.names", 0, "[]string"),  # a field through a pointer
        ("c.label", 0, "string"),  # a field of an embedded struct
        ("shared", 0, "*Config"),  # a package var initialised by a package function
        ("pattern.FindStringSubmatch(line)", 0, "[]string"),  # std method on a package var
        ('cache["k"]', 0, "string"),
        ("arr[1:]", 0, "[]byte"),  # slicing an array gives a slice
        ("&Config{}", 0, "*Config"),
        ("make([]int, 3)", 0, "[]int"),
        ('append(fields, "x")', 0, "[]string"),
        ("[]byte(line)", 0, "[]byte"),
        ("string(data)", 0, "string"),
        ("line[1:]", 0, "string"),
        ("got", 1, "[]byte"),  # select receive from chan []byte
    ],
)
def test_type_of(resolver: TypeResolver, needle: str, occurrence: int, expected: str) -> None:
    assert resolver.type_of(node_at(resolver, needle, occurrence)) == expected


GENERIC = b"""package cache

type LRU[K comparable, V any] struct{ items map[K]V }

type Pair[T any] struct{ a, b T }

func NewLRU[K comparable, V any](max int) *LRU[K, V] { return nil }

var digests = NewLRU[string, []byte](10)

func use() {
	local := NewLRU[string, int](1)
	pair := Pair[int]{}
	_, _ = local, pair
}
"""


def test_a_generic_function_instantiated_reads_as_a_call() -> None:
    # `NewLRU[string, []byte](10)` parses like a conversion to a generic type: it is a call.
    tree = parse(GENERIC)
    ctx = FileContext(
        "cache.go", GENERIC, tree, (1, 21), PackageIndex([summarize_file("cache.go", tree)])
    )
    types = ctx.types
    assert types.type_of(node_at(types, "digests", 0)) == "*LRU[K, V]"
    assert types.type_of(node_at(types, "local", 1)) == "*LRU[K, V]"
    assert types.type_of(node_at(types, "pair", 1)) == "Pair[int]"


INLINE = b"""package reg

import "sync"

var registry = struct {
	sync.Mutex
	byEmail  map[string]*int
	a, b     []byte
	done     chan struct{}
}{}

func use() {
	_, _, _, _ = registry.byEmail, registry.b, registry.done, registry.missing
}
"""


def test_fields_of_a_struct_type_written_inline() -> None:
    tree = parse(INLINE)
    ctx = FileContext(
        "reg.go", INLINE, tree, (1, 21), PackageIndex([summarize_file("reg.go", tree)])
    )
    types = ctx.types
    assert types.type_of(node_at(types, "registry.byEmail", 0)) == "map[string]*int"
    assert types.type_of(node_at(types, "registry.b", 0)) == "[]byte"  # (`a, b []byte`)
    assert types.type_of(node_at(types, "registry.done", 0)) == "chan struct{}"
    assert types.type_of(node_at(types, "registry.missing", 0)) is None


def test_unknown_types_are_none(resolver: TypeResolver) -> None:
    assert resolver.type_of(node_at(resolver, "unknownpkg.Call()")) is None
    assert resolver.type_of(node_at(resolver, "any", 1)) == "interface{}"


def test_type_switch_alias_takes_the_case_type(resolver: TypeResolver) -> None:
    node = node_at(resolver, "v", 3)  # `_ = v` inside `case []byte:`
    binding = resolver.lookup(node)
    assert binding is not None and binding.type == "[]byte"


def test_if_initializer_shadows_the_parameter(resolver: TypeResolver) -> None:
    inside = node_at(resolver, "_ = line", 0).child_by_field_name("right").named_children[0]
    after = node_at(resolver, "_ = line", 1).child_by_field_name("right").named_children[0]
    shadowed = resolver.lookup(inside)
    assert shadowed is not None and shadowed.kind == LOCAL
    assert resolver.binding_type(shadowed) == "int"
    assert resolver.lookup(after).kind == PARAM  # after the if statement: the parameter again


def test_binding_kinds(resolver: TypeResolver) -> None:
    assert resolver.lookup(node_at(resolver, "c", 1)).kind == RECEIVER
    assert resolver.lookup(node_at(resolver, "f", 1)).kind == RANGE
    assert resolver.lookup(node_at(resolver, "shared", 0)).kind == PACKAGE_VAR
    str_pkg = resolver.lookup(node_at(resolver, "str", 1))
    assert str_pkg.kind == IMPORT and str_pkg.import_path == "strings"
    multi = resolver.lookup(node_at(resolver, "after", 1))
    assert multi.multi and multi.index == 1 and multi.value.type == "call_expression"


def test_declaration_of_a_declaring_identifier(resolver: TypeResolver) -> None:
    fields = node_at(resolver, "fields", 0)  # the `fields` of `fields := ...`
    binding = resolver.declaration(fields)
    assert binding is not None and binding.declared_at == (fields.start_byte, fields.end_byte)
    # lookup() is for uses: a later use resolves to the same declaration.
    assert resolver.lookup(node_at(resolver, "fields", 1)).declared_at == binding.declared_at
    # Range variables are declarations too.
    f = node_at(resolver, "f", 0)
    assert resolver.declaration(f).kind == RANGE


def test_underlying_follows_named_types(resolver: TypeResolver) -> None:
    assert resolver.underlying("Lines") == "[]string"
    assert resolver.underlying("Config") == "struct"
    assert resolver.underlying("*Config") == "*Config"
    assert resolver.underlying("other.T") is None  # another package's type: unknown
    assert resolver.underlying("net.IP") == "[]byte"  # a well-known standard type
    assert resolver.underlying("string") == "string"


def test_std_qualified_types(resolver: TypeResolver) -> None:
    assert resolver.qualified("*bufio.Scanner") == ("bufio", "Scanner")
    assert resolver.qualified("str.Builder") == ("strings", "Builder")  # through the alias
    assert resolver.qualified("[]byte") is None


def test_type_text_helpers() -> None:
    assert elem("[]string") == "string"
    assert elem("map[string][]byte") == "[]byte"
    assert map_key("map[[2]int]string") == "[2]int"
    assert elem("[4]byte") == "byte"
    assert elem("*[4]byte") == "byte"
    assert elem("<-chan int") == "int"
    assert elem("...int") == "int"
    assert slice_result("[8]byte") == "[]byte"
    assert slice_result("string") == "string"
    assert range_types("map[string]int") == ("string", "int")
    assert range_types("chan error") == ("error", None)
    assert range_types("[]*T") == ("int", "*T")


def test_shadowing_by_a_later_declaration_is_not_seen_earlier() -> None:
    source = b"""package p

func f(s string) {
	_ = s
	s := 1
	_ = s
}
"""
    tree = parse(source)
    ctx = FileContext("a.go", source, tree, (1, 21), PackageIndex([summarize_file("a.go", tree)]))
    resolver = ctx.types
    first = node_at(resolver, "s", 1)
    second = node_at(resolver, "s", 3)
    assert resolver.type_of(first) == "string"
    assert resolver.type_of(second) == "int"


def test_function_literal_sees_outer_locals_and_its_own_parameters() -> None:
    source = b"""package p

func f(data []byte) {
	g := func(line string) {
		_ = data
		_ = line
	}
	_ = g
}
"""
    tree = parse(source)
    ctx = FileContext("a.go", source, tree, (1, 21), PackageIndex([summarize_file("a.go", tree)]))
    resolver = ctx.types
    assert resolver.type_of(node_at(resolver, "data", 1)) == "[]byte"
    inner = resolver.lookup(node_at(resolver, "line", 1))
    assert inner is not None and inner.kind == PARAM and inner.type == "string"
