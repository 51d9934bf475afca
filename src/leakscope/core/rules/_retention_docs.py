"""Documented views: the package's functions whose doc comments say their results are valid
only for a while (`The returned slice is only valid until the next call to Next`).

A store, a cursor or a decoder that hands out views of its own buffer says so in its
documentation, in Go's conventional words: "valid until", "only valid while", "overwritten
by the next", "must not be retained", "its contents may change on the next call". Keeping
such a result past that point keeps the buffer alive and reads bytes that change under the
holder, which the author warned about. The doc may sit on the function or method, on an
interface's method, or on the type (`Key and Value return views into the current block,
which is overwritten when the iterator moves to the next block`); a type's sentence applies
to the methods it names, or to every method when it speaks of what they return. An
interface's documentation applies to the methods of its implementations in the package.

Found once per package from the declarations' comments: a text scan, no evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from tree_sitter import Node, Tree

from leakscope.core.syntax import text

Key = tuple[str, str]  # (receiver type or "", function name)

# What says a result is valid for a while only. Time limits (a token valid until it expires)
# are about the value's meaning, not its memory: `_TIMELY` rules them out.
_VALIDITY_WORDS = r"""(?ix)
    \bvalid\s+(?:only\s+)?(?:until|while|as\s+long\s+as|during|inside|within
        |for\s+the\s+(?:life|lifetime|duration)\s+of)\b
    | \bonly\s+valid\b
    | \b(?:must|should)\s+not\s+be\s+(?:retained|kept|stored|held|used\s+after)\b
    | \b(?:do|must|should)\s+not\s+(?:retain|keep|store|hold)\b
    | \b(?:is|are|will\s+be|may\s+be|can\s+be|gets?)\s+
        (?:overwritten|reused|invalidated|clobbered|recycled)\b
    | \b(?:contents?|bytes|data)\s+(?:may|will|can)\s+change\b
    """
_VALIDITY = re.compile(_VALIDITY_WORDS)
_VALIDITY_BYTES = re.compile(_VALIDITY_WORDS.encode())
# A word of each of those phrases, to find them cheaply (`_may_document`).
_ANCHORS = (
    b"valid",  # (also "invalidated")
    b"overwrit",
    b"reuse",
    b"clobber",
    b"recycl",
    b"retain",
    b"change",
    b"ot keep",
    b"ot store",
    b"ot hold",
    b"ot be ",
)
_TIMELY = re.compile(r"(?i)\b(?:expir\w*|deadline|hours?|minutes?|days?|timeout|ttl|lease)\b")
# A sentence about what a function gives back, unless it is when (`after Decode returns`).
_RESULTS = re.compile(r"(?i)\b(?:returns?|returned|results?)\b")
_WHEN = re.compile(r"(?i)\b(?:after|until|when|before|once|while)\s+\S+\s+$")


def _about_returns(sentence: str) -> bool:
    return any(not _WHEN.search(sentence, 0, m.start()) for m in _RESULTS.finditer(sentence))


# A sentence that continues the one before it (`Key returns the key. The slice is only valid
# until the iterator moves.`).
_CONTINUES = re.compile(r"(?i)^(?:the|it|its|this|these|they|both|each|such)\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(`\"])")
_MAX_QUOTE = 120


@dataclass(frozen=True)
class DocView:
    """A function whose doc says its results are valid for a while only."""

    sentence: str  # the doc's words, quoted in messages
    path: str  # the file of the doc comment
    owner: str  # what it documents: `decode`, `Tx.Get`, `blockIter`
    doc: Node = field(compare=False)  # its first line
    end: int = field(compare=False, default=0)  # where its last line ends


def documented_views(
    files: dict[str, tuple[bytes, Tree]], key_of: Callable[[Node], Key | None]
) -> dict[Key, DocView]:
    """The documented views of a package's files, by (receiver type, name); an interface's
    methods under the interface's name, and a type's sentence about all of its methods'
    results under (type, "*") (see `doc_view`)."""
    found: dict[Key, DocView] = {}
    for path, (source, tree) in sorted(files.items()):
        if not _may_document(source):
            continue
        for node, doc in _documented(tree.root_node):
            if node.type in ("function_declaration", "method_declaration"):
                key = key_of(node)
                view = _about_results(doc, key[1]) if key is not None else None
                if key is not None and view is not None:
                    owner = f"{key[0]}.{key[1]}" if key[0] else key[1]
                    found.setdefault(key, DocView(view, path, owner, doc[0], doc[-1].end_byte))
            elif node.type == "type_declaration":
                for spec in node.named_children:
                    if spec.type == "type_spec":
                        _type_views(spec, doc, path, found)
    return found


def _may_document(source: bytes) -> bool:
    """Whether a comment of the file may say a result is valid for a while only: the words
    near one of the phrases' anchors, in a comment (cheap: a few byte searches and a regular
    expression on three lines at a time, not on the file)."""
    for anchor in _ANCHORS:
        at = source.find(anchor)
        while at >= 0:
            start = source.rfind(b"\n", 0, at) + 1
            if b"//" in source[start:at]:
                before = source.rfind(b"\n", 0, max(start - 1, 0)) + 1
                end = source.find(b"\n", source.find(b"\n", at) + 1)
                lines = source[before : end if end >= 0 else len(source)]
                if _VALIDITY_BYTES.search(lines.replace(b"//", b" ")):
                    return True
            at = source.find(anchor, at + len(anchor))
    return False


def _type_views(spec: Node, doc: list[Node], path: str, found: dict[Key, DocView]) -> None:
    """The views a type's doc and, for an interface, its methods' docs declare."""
    name = text(spec.child_by_field_name("name"))
    kind = spec.child_by_field_name("type")
    if kind is not None and kind.type == "interface_type":
        for elem, comments in _documented(kind):
            method = elem.child_by_field_name("name") if elem.type == "method_elem" else None
            view = _about_results(comments, text(method)) if method is not None else None
            if method is not None and view is not None:
                found.setdefault(
                    (name, text(method)),
                    DocView(
                        view, path, f"{name}.{text(method)}", comments[0], comments[-1].end_byte
                    ),
                )
    if not doc:
        return
    for sentence in _sentences(doc):
        if not _VALIDITY.search(sentence) or _TIMELY.search(sentence):
            continue
        named = re.findall(r"\b[A-Z]\w*\b|\b[a-z]\w*(?=\()", sentence)
        view = DocView(_quote(sentence), path, name, doc[0], doc[-1].end_byte)
        # (A name the type has no method of is left to `Package`: it knows the methods.)
        for word in named:
            found.setdefault((name, word), view)
        if _about_returns(sentence):
            found.setdefault((name, "*"), view)


def doc_view(views: dict[Key, DocView], owner: str, method: str) -> DocView | None:
    """What the docs of `owner` (a type, or an interface it implements) say of `method`."""
    return views.get((owner, method)) or (views.get((owner, "*")) if owner else None)


def _documented(parent: Node) -> Iterator[tuple[Node, list[Node]]]:
    """The children of `parent` with the comment lines just above them."""
    comments: list[Node] = []
    for child in parent.named_children:
        if child.type == "comment":
            if comments and child.start_point[0] > comments[-1].end_point[0] + 1:
                comments = []
            comments.append(child)
            continue
        if comments and child.start_point[0] == comments[-1].end_point[0] + 1:
            yield child, comments
        comments = []


def _sentences(doc: list[Node]) -> list[str]:
    words = " ".join(text(c).lstrip("/").strip() for c in doc if text(c).startswith("//"))
    return [s.strip() for s in _SENTENCE_END.split(words) if s.strip()]


def _about_results(doc: list[Node], name: str) -> str | None:
    """The sentence of a function's doc that says its results are valid for a while only:
    one that speaks of what it returns, or follows `NAME returns ...`."""
    previous = ""
    for sentence in _sentences(doc):
        if _VALIDITY.search(sentence) and not _TIMELY.search(sentence):
            returns = previous.startswith(f"{name} returns") or previous.startswith(f"{name} reads")
            if _about_returns(sentence) or (returns and _CONTINUES.match(sentence)):
                return _quote(f"{previous} {sentence}" if returns else sentence)
        previous = sentence
    return None


def _quote(sentence: str) -> str:
    sentence = sentence.rstrip(".")
    return sentence if len(sentence) <= _MAX_QUOTE else sentence[: _MAX_QUOTE - 1] + "…"
