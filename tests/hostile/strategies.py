"""Hypothesis strategies for malformed catalog input (see tests/hostile/test_properties.py).

(a) arbitrary bytes as a resource file; (b) mutations of the bundled YAMLs;
(c) well-formed documents with wrong types and hostile strings in every field;
and mutations of real PDFs for the PDF stage.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import strategies as st

from bsla.schema import FIELDS
from tests.conftest import REPO

BUNDLED = sorted(p for top in ("compendium", "briefs") for p in (REPO / top).rglob("*.yml"))

# Characters that have broken or fooled text handling somewhere: controls
# (form feed and ESC from pasted PDFs), YAML's own line breaks, byte-order mark,
# bidi overrides, zero-width and non-breaking spaces, combining marks, digits of
# other scripts, astral characters, noncharacters.
ODD_CHARACTERS = [
    *map(chr, range(0x00, 0x20)), "\x7f", "\x85", "\xa0", "\u0301", "\u200b", "\u200d",
    "\u2028", "\u2029", "\u202e", "\u2066", "\ufeff", "\ufffe", "\uffff", "\U0001f600",
    "\U0010ffff", "\uff12", "\u0662", "\u0966", "ſ", "K", "İ", "ß", "\u00ad",
]
# Escapes YAML turns into characters only after reading (double quotes).
ODD_ESCAPES = ['"\\ud800"', '"\\udfff x"', '"\\0"', '"\\e"', '"\\x01"', '"\\N"', '"\\L"',
               '"\\P"', '"\\_"', '"\\uFFFE"', '"\\U0010FFFF"', '"a\\nb"', '"\\t"']
YAML_SNIPPETS = [
    "!!python/object/apply:os.system ['true']", "!!binary aGVsbG8=", "!custom x", "!!str 1",
    "!!map {a: b}", "!!set {a, b}", "!!omap [a: 1]", "&anchor x", "*anchor", "<<: {a: b}",
    "<<: *x", "? [a, b]\n: c", "? {a: b}", "--- ", "\n---\n", "\n...\n", "%YAML 1.1\n---\n",
    "%TAG ! tag:x,2000:\n---\n", "{", "}", "[", "]", "'", '"', "|", ">-", "- ", ": ", "#",
    "\t", "\n  - \n", "null", "~", "yes", "NO", "0o17", "1e999", ".inf", "2019-13-45",
    "=", "<<", "@", "`", "%", "\r", "\r\n", "\ufeff",
]
HOSTILE_STRINGS = [
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)",
    "[x](javascript:alert(1))", "[x](http://[)", "{{ config }}", "{% include 'base.html' %}",
    "--8<-- \"/etc/passwd\"",
    "../../etc/passwd", "/etc/passwd.pdf", "C:\\Windows\\x.pdf", "a\\b.pdf", ".pdf", "x.PDF",
    "http://[", "https://example.org:99999/", "http://:80/", "mailto:x@y", "data:text/html,x",
    "http://exa mple.org", "https://xn--e1afmkfd.xn--p1ai/", "http://127.0.0.1:0/",
    "2019-00", "2019-06-00", "２０１９", "٢٠١٩", "0000", "9999-12-31", "2019-02-29",
    "toolkit", "tool", "en", "es", "available", "not-deposited", "withdrawn",
    "inclusive-governance", "communities", "partnership-leaders", "mindful-leadership",
    "promotores-model", "a" * 81, "x" * 3000, "-", "a--b", "A", "1", "0012", "",
    " ", "\u3000", "# not a comment", "'", "\"", "\\", "%", "&amp;", "\u202eevil",
]


def _text(max_size: int = 40) -> st.SearchStrategy[str]:
    # Every code point, lone surrogates included: YAML escapes can produce them.
    any_char = st.characters(exclude_categories=())
    return st.one_of(
        st.sampled_from(HOSTILE_STRINGS),
        st.text(any_char, max_size=max_size),
        st.text(st.sampled_from(ODD_CHARACTERS + list("ab -:/.<>")), max_size=max_size),
        st.lists(st.sampled_from(HOSTILE_STRINGS + ODD_CHARACTERS), max_size=4).map("".join),
    )


def _printable(max_size: int) -> st.SearchStrategy[str]:
    """Any text `check` should accept: no control characters, no lone surrogates."""
    return st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1,
                   max_size=max_size)


def _value(depth: int = 2) -> st.SearchStrategy[object]:
    scalar = st.one_of(_text(), st.integers(), st.booleans(), st.none(),
                       st.floats(allow_nan=True, allow_infinity=True))
    if depth == 0:
        return scalar
    inner = _value(depth - 1)
    return st.one_of(scalar, st.lists(inner, max_size=4),
                     st.dictionaries(_text(12), inner, max_size=3))


FIELD_NAMES = [f.name for f in FIELDS]


@st.composite
def wellformed_documents(draw) -> bytes:
    """(c) A YAML mapping of real (and some unknown) fields with wrong types and hostile strings."""
    names = draw(st.lists(st.sampled_from(FIELD_NAMES), unique=True, max_size=len(FIELD_NAMES)))
    if draw(st.booleans()):  # usually keep the required fields, so later checks run too
        names = ["id", "title", "type", "summary"] + [n for n in names if n not in
                                                       ("id", "title", "type", "summary")]
    document: dict[object, object] = {}
    for name in names:
        document[name] = draw(_value())
    for _ in range(draw(st.integers(0, 2))):
        document[draw(_text(15))] = draw(_value(1))
    dumped = yaml.safe_dump(document, allow_unicode=draw(st.booleans()), sort_keys=False,
                            default_flow_style=draw(st.sampled_from([False, True, None])),
                            width=draw(st.sampled_from([20, 80, 10_000])))
    return dumped.encode("utf-8", "surrogatepass")


def _insertion() -> st.SearchStrategy[bytes]:
    deep = st.integers(1, 400).flatmap(lambda n: st.sampled_from([
        "[" * n + "]" * n, "{a: " * n + "b" + "}" * n,
        "\n" + "".join("  " * i + "-\n" for i in range(n)),
        "\n" + "".join("  " * i + "a:\n" for i in range(n)) + "  " * n + "b",
    ]))
    text = st.one_of(st.sampled_from(ODD_CHARACTERS), st.sampled_from(ODD_ESCAPES),
                     st.sampled_from(YAML_SNIPPETS), deep, _text(10))
    return st.one_of(text.map(lambda t: t.encode("utf-8", "surrogatepass")),
                     st.binary(min_size=1, max_size=8))


@st.composite
def mutated_bundled(draw) -> tuple[Path, bytes]:
    """(b) A bundled resource YAML after 1-4 mutations (path of the original, new bytes)."""
    path = draw(st.sampled_from(BUNDLED))
    data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "insert-line", "delete",
                                     "duplicate-line"]))
        at = draw(st.integers(0, len(data)))
        if kind == "flip" and data:
            at = min(at, len(data) - 1)
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(_insertion())
        elif kind == "insert-line":
            lines = bytes(data).split(b"\n")
            index = draw(st.integers(0, len(lines)))
            lines.insert(index, draw(_insertion()))
            data = bytearray(b"\n".join(lines))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif kind == "duplicate-line":
            lines = bytes(data).split(b"\n")
            index = draw(st.integers(0, len(lines) - 1))
            lines.insert(draw(st.integers(0, len(lines))), lines[index])
            data = bytearray(b"\n".join(lines))
    return path, bytes(data)


def arbitrary_bytes() -> st.SearchStrategy[bytes]:
    """(a) Arbitrary bytes as a resource file, with a bias towards text YAML could read."""
    return st.one_of(
        st.binary(max_size=600),
        st.text(st.characters(exclude_categories=()), max_size=300).map(
            lambda t: t.encode("utf-8", "surrogatepass")),
        st.lists(st.sampled_from([s.encode() for s in YAML_SNIPPETS + FIELD_NAMES]
                                 + [b": ", b"\n", b"  ", b"- "]), max_size=40).map(b"".join),
    )


PDF_TOKENS = [b"/Count 2147483647", b"/Count -1", b"/Count 0", b"/Kids [2 0 R]", b" 0 R",
              b"<<", b">>", b"[" * 50, b"]", b"stream\n", b"endstream", b"endobj", b"%%EOF",
              b"xref", b"trailer", b"/Filter /FlateDecode", b"/Length 999999", b"/Root 1 0 R",
              b"/Encrypt 1 0 R", b"/Type /Pages", b"/Parent 3 0 R", b"(\xff\xfe\xd8\x00)",
              b"<FEFFD800>", b"/Title (\x1b\x00)", b"/Lang (\x0c)", b"\x00" * 16]


@st.composite
def mutated_pdf(draw, sources: list[bytes]) -> bytes:
    """A real PDF after 1-4 byte-level mutations (flips, cuts, PDF tokens, copied chunks)."""
    data = bytearray(draw(st.sampled_from(sources)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "copy"]))
        at = draw(st.integers(0, len(data)))
        if kind == "flip" and data:
            at = min(at, len(data) - 1)
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "truncate":
            del data[max(at, 8):]
        elif kind == "insert":
            data[at:at] = draw(st.one_of(st.sampled_from(PDF_TOKENS),
                                         st.binary(min_size=1, max_size=16)))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 200))]
        elif kind == "copy" and data:
            start = draw(st.integers(0, len(data) - 1))
            data[at:at] = data[start:start + draw(st.integers(1, 400))]
    return bytes(data)


TEXT_FIELDS = ["title", "subtitle", "summary", "publisher", "license"]
LIST_FIELDS = ["authors", "tags"]


@st.composite
def valid_with_hostile_text(draw) -> bytes:
    """(c) A valid resource whose free-text fields carry hostile strings.

    Most of these are accepted, so what `check` lets through is what `build`
    must then publish (HTML, template syntax, odd Unicode, long text).
    """
    document: dict[str, object] = {"id": "fuzz", "title": "T", "type": "toolkit",
                                   "summary": "S", "status": "not-deposited"}
    for name in draw(st.lists(st.sampled_from(TEXT_FIELDS), min_size=1, unique=True)):
        size = 200 if name == "summary" else 60
        document[name] = draw(st.one_of(_text(size), _printable(size), _printable(size)))
    for name in draw(st.lists(st.sampled_from(LIST_FIELDS), unique=True)):
        document[name] = draw(st.lists(st.one_of(_text(30), _printable(30)), max_size=4))
    if draw(st.booleans()):
        document["url"] = draw(st.one_of(st.sampled_from(HOSTILE_STRINGS),
                                         st.text(max_size=30).map("https://example.org/".__add__)))
        del document["status"]
    dumped = yaml.safe_dump(document, allow_unicode=draw(st.booleans()), sort_keys=False,
                            width=draw(st.sampled_from([20, 80, 10_000])))
    return dumped.encode("utf-8", "surrogatepass")
