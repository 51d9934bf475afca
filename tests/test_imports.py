from __future__ import annotations

import pytest

from leakscope.core.analysis import apply_edits
from leakscope.core.imports import ImportConflict, add_import_edits
from leakscope.core.syntax import error_count, parse


def add(source: str, path: str) -> str:
    raw = source.encode()
    name, edits = add_import_edits(parse(raw).root_node, raw, path)
    assert name == path.rsplit("/", 1)[-1]
    out = apply_edits(raw, edits)
    assert error_count(parse(out)) == 0
    return out.decode()


def test_no_imports_adds_a_single_import_after_the_package_clause() -> None:
    assert add("package p\n\nfunc f() {}\n", "strings") == (
        'package p\n\nimport "strings"\n\nfunc f() {}\n'
    )


def test_single_import_becomes_a_sorted_block() -> None:
    assert add('package p\n\nimport "os"\n', "bytes") == (
        'package p\n\nimport (\n\t"bytes"\n\t"os"\n)\n'
    )


def test_std_import_joins_the_std_group_in_order() -> None:
    source = 'package p\n\nimport (\n\t"os"\n\t"sync"\n\n\t"example.com/x"\n)\n'
    assert add(source, "strings") == (
        'package p\n\nimport (\n\t"os"\n\t"strings"\n\t"sync"\n\n\t"example.com/x"\n)\n'
    )


def test_std_import_goes_last_in_its_group_when_it_sorts_last() -> None:
    source = 'package p\n\nimport (\n\t"bytes"\n\t"os"\n)\n'
    assert add(source, "strings") == 'package p\n\nimport (\n\t"bytes"\n\t"os"\n\t"strings"\n)\n'


def test_std_import_gets_its_own_group_before_third_party_only_imports() -> None:
    source = 'package p\n\nimport (\n\t"example.com/x"\n)\n'
    assert add(source, "slices") == ('package p\n\nimport (\n\t"slices"\n\n\t"example.com/x"\n)\n')


def test_name_taken_by_another_import_is_a_conflict() -> None:
    raw = b'package p\n\nimport strings "example.com/mystrings"\n'
    with pytest.raises(ImportConflict):
        add_import_edits(parse(raw).root_node, raw, "strings")
