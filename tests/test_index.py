"""The package index's function signatures: read lazily from source text, equal to reading
them from the tree."""

from __future__ import annotations

import pickle

import pytest

from leakscope.core import index
from leakscope.core.index import PackageIndex, Signature, signature_of, summarize_file
from leakscope.core.syntax import parse

SIGNATURES = [
    "func f()",
    "func f(a int) error",
    "func f(ctx context.Context, keys ...[]byte) (n int, err error)",
    "func f(int, string) (int, error)",
    "func f(a, b int, c string, d ...any) []*T",
    "func f(ack, nack chan uint64) (chan uint64, chan uint64)",
    "func f(fn func(a, b int) error, m map[string] []byte) func() (int, error)",
    "func f(s struct{ x int }, i interface{ M() }) (<-chan int)",
    "func f(a int, // the count\n\tb string) (r1, r2 uintptr)",
    "func f[K comparable, V any](m map[K]V) []K",
    "func f(x List[int], y Pair[int, string]) (_ int)",
    # Go: every name of a group shares the type (tree-sitter reads long groups differently).
    "func f(a, b, c, d, e, f, g, h, i, j int) int",
    "func (c *Cache[K, V]) f(k K) (v V, ok bool)",
    "func (Cache) f(éa, b int)",
]


@pytest.mark.parametrize("declaration", SIGNATURES)
def test_a_summarys_signature_reads_as_the_tree_says(
    declaration: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = f"package p\n\n{declaration} {{}}\n".encode()
    tree = parse(source)
    func = tree.root_node.named_children[-1]
    summary = summarize_file("p.go", tree)
    [sig] = [*summary.funcs.values(), *summary.methods.values()]
    with monkeypatch.context() as patch:
        patch.setattr(index, "_plain_params", lambda text: None)  # read every list from nodes
        expected = signature_of(func)
    if "a, b, c, d, e, f, g, h, i, j" in declaration:
        expected = Signature(tuple((n, "int") for n in "abcdefghij"), (("", "int"),))
    assert (sig.params, sig.results, sig.receiver) == (
        expected.params,
        expected.results,
        expected.receiver,
    )
    assert sig == expected and hash(sig) == hash(expected)
    assert pickle.loads(pickle.dumps(summary)).funcs == summary.funcs


def test_a_lazy_signature_pickles_and_compares_before_it_is_read() -> None:
    sig = Signature.from_source("(a, b int)", "(int, error)", None)
    again = pickle.loads(pickle.dumps(sig))
    assert again == sig == Signature((("a", "int"), ("b", "int")), (("", "int"), ("", "error")))
    assert sig.result_types == ("int", "error")
    assert "params=(('a', 'int'), ('b', 'int'))" in repr(sig)


def _tables(index: PackageIndex) -> tuple[object, ...]:
    return (
        index.vars,
        index.consts,
        index.types,
        index.funcs,
        index.methods,
        list(index.summaries.items()),
    )


@pytest.mark.parametrize(
    "new_b",
    [
        "package p\n\nvar shared = 2\n\nfunc b() int { return 2 }\n",  # the same names, moved
        "package p\n\nvar other = 2\n\nfunc c() int { return 2 }\n",  # other names
    ],
)
def test_an_index_with_one_file_replaced_equals_one_built_again(new_b: str) -> None:
    sources = {
        "a.go": "package p\n\nvar shared = 1 // a build-tag variant declares it too\n",
        "b.go": "package p\n\n// moved\nvar shared = 2\n\nfunc b() int { return 2 }\n",
        "c.go": "package p\n\ntype T struct{ x int }\n\nvar c = 3\n",
    }
    summaries = [summarize_file(p, parse(s.encode())) for p, s in sources.items()]
    index = PackageIndex(summaries)
    replaced = summarize_file("b.go", parse(new_b.encode()))
    rebuilt = PackageIndex([summaries[0], summaries[2], replaced])
    assert _tables(index.with_file(replaced)) == _tables(rebuilt)
    shared = index.with_file(replaced).vars["shared"]  # the replaced file's, merged last
    assert (shared.path, shared.start_byte) == (
        ("b.go", new_b.index("shared")) if "shared" in new_b else ("a.go", 15)
    )


def test_an_interfaces_methods_are_in_the_index_apart_from_declared_methods() -> None:
    source = b"""package p

type Source interface {
	Range(from, to int64) ([]Entry, error)
	Close() error
}

type Entry struct{ V int }

func (e *Entry) Value() int { return e.V }
"""
    summary = summarize_file("p.go", parse(source))
    built = PackageIndex([summary])
    found = built.method("Source", "Range")
    assert found is not None and found.result_types == ("[]Entry", "error")
    assert built.method("*Entry", "Value") is not None
    # What code of the package declares stays apart: `methods` are declared functions.
    assert ("Source", "Range") not in built.methods
    assert set(summary.interface_methods) == {("Source", "Range"), ("Source", "Close")}
