"""A minimal PDF writer for synthetic benchmark documents.

fpdf2 lays out every line in Python and needs about a second for a 20-page
document; 10,000 of them would take hours. A text page in PDF is only a font
reference and a content stream of ``Tj`` operators, so the benchmark writes
those bytes itself: each page's body stream is compressed once and reused from
a pool, and a small per-page header stream (resource number, page number) makes
every file's content distinct, so the content-hash cache sees 10,000 different
PDFs. The output is an ordinary PDF 1.4 file that pypdf reads and extracts text
from like any other.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

PAGE_WIDTH = 612  # US Letter, in points
PAGE_HEIGHT = 792
MARGIN = 72
LEADING = 14
FONT_SIZE = 10


def pdf_string(text: str) -> bytes:
    """A PDF literal string: ASCII only, with the three special characters escaped."""
    data = text.encode("ascii", "replace")
    data = data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + data + b")"


def text_stream(lines: Sequence[str], top: float, size: int = FONT_SIZE) -> bytes:
    """Content-stream operators that print ``lines`` downward from ``top``."""
    parts = [b"BT /F1 %d Tf %d TL %d %.1f Td" % (size, LEADING, MARGIN, top)]
    for line in lines:
        parts.append(pdf_string(line) + b" Tj T*")
    parts.append(b"ET")
    return b"\n".join(parts)


@dataclass(frozen=True)
class PageBody:
    """A pre-compressed content stream shared by many pages (the bulk of the text)."""

    compressed: bytes

    @classmethod
    def from_lines(cls, lines: Sequence[str]) -> PageBody:
        stream = text_stream(lines, PAGE_HEIGHT - MARGIN - 2 * LEADING)
        return cls(zlib.compress(stream, 6))


def _stream_object(data: bytes, *, compressed: bool) -> bytes:
    flate = b" /Filter /FlateDecode" if compressed else b""
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), flate, data)


def write_pdf(headers: Sequence[str], bodies: Sequence[PageBody], *, title: str,
              author: str) -> bytes:
    """A PDF whose page *i* shows ``headers[i]`` above the text of ``bodies[i]``."""
    if len(headers) != len(bodies) or not bodies:
        raise ValueError("one header per page and at least one page")
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree's number is known
    pages_ref = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>")
    info = add(b"<< /Title " + pdf_string(title) + b" /Author " + pdf_string(author)
               + b" /Producer (bench/minipdf.py) >>")
    kids = []
    for header, body in zip(headers, bodies, strict=True):
        head = add(_stream_object(text_stream([header], PAGE_HEIGHT - MARGIN), compressed=False))
        text = add(_stream_object(body.compressed, compressed=True))
        kids.append(add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] "
            b"/Resources << /Font << /F1 %d 0 R >> >> /Contents [%d 0 R %d 0 R] >>"
            % (pages_ref, PAGE_WIDTH, PAGE_HEIGHT, font, head, text)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_ref
    objects[pages_ref - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += (b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, catalog, info, xref))
    return bytes(out)
