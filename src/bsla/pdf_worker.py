"""Worker process for bsla.pdf: reads one JSON job per line, answers one JSON line.

Started as ``python -m bsla.pdf_worker MEMORY_MB``. The address-space limit is
set before pypdf is imported, so a decompression bomb ends in MemoryError (or
the process dying) instead of exhausting the machine.
"""

from __future__ import annotations

import json
import logging
import re
import resource
import sys
import unicodedata
import warnings
from typing import Any

from bsla.indexed_text import PAGE_BREAK, searchable_pages

MAX_TEXT_PAGES = 2000
# A toolkit or brief runs to tens of pages; thousands signal a crafted or wrong file.
MAX_PAGES = 3000
# Characters of indexed text kept per PDF (see bsla.indexed_text); a bound on
# what one hostile PDF can add to the cache and the search index.
TEXT_CAP = 200_000
DATE_RE = re.compile(r"^(?:D:)?([0-9]{4})([0-9]{2})?([0-9]{2})?")
# What a web page cannot carry (lone surrogates cannot be written as UTF-8) or
# should not (control characters): the same rule bsla.schema applies to the
# fields editors write, applied here to what a PDF says about itself.
_UNSAFE_TEXT = re.compile("[\ud800-\udfff\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _scrub(text: str) -> str:
    return unicodedata.normalize("NFC", _UNSAFE_TEXT.sub(" ", text))


def _limit_memory(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(_scrub(str(value)).split())
    return text or None


def _date(value: Any) -> str | None:
    match = DATE_RE.match(str(value or ""))
    if not match:
        return None
    year, month, day = match.groups()
    if not 1900 <= int(year) <= 2100:
        return None
    if month and 1 <= int(month) <= 12:
        if day and 1 <= int(day) <= 31:
            return f"{year}-{month}-{day}"
        return f"{year}-{month}"
    return year


def _is_true(value: Any) -> bool:
    # pypdf's BooleanObject compares equal to True but is not the True singleton.
    return value is not None and str(value).lower() == "true"


THUMB_WIDTH = 240
REPLACE_HINT = ("re-export the PDF from the original document, or open and re-save it in a PDF "
                "viewer, then replace the file")


def render_thumbnail(document: Any, target: str) -> None:
    """First page as a small PNG (pypdfium2 renders far faster than any pure-Python way)."""
    import os

    from PIL import Image

    page = document[0]
    try:
        width = page.get_width() or 1
        bitmap = page.render(scale=THUMB_WIDTH / width)
        image = bitmap.to_pil()
    finally:
        page.close()
    image.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 2))
    if image.mode != "RGB":
        image = image.convert("RGB")
    tmp = f"{target}.{os.getpid()}.tmp"
    # A 64-colour palette chosen by fast octree: 9 KB per cover and 9 ms with
    # the render, against 16 KB and 16 ms for the default median cut and 40 KB
    # unquantized (bench/ covers on this machine); text and colour areas look
    # the same at this size.
    image.quantize(64, method=Image.Quantize.FASTOCTREE).save(tmp, format="PNG")
    os.replace(tmp, target)


def _open_pdfium(path: str) -> Any:
    """The PDF opened by PDFium (pypdfium2), or None when it is missing or cannot open it.

    pypdf's text extraction interprets content streams in Python at roughly 100
    dense pages per second per core (measured by bench/ on 23,000 synthetic
    pages); PDFium, the PDF engine of Chromium, extracts the same text about 3x
    faster, counts pages without walking the page tree in Python, and renders
    the cover. It runs here, in the same worker under the same memory and time
    limits; pypdf still reads the metadata and structure.
    """
    try:
        import pypdfium2
    except ImportError:
        return None
    try:
        return pypdfium2.PdfDocument(path)
    except MemoryError:
        raise
    except Exception:
        return None


class _MissingPage(Exception):
    """A page the page tree lists but PDFium cannot load (e.g. the tree points to itself)."""


def _page_texts_pdfium(document: Any, pages: int) -> list[str]:
    """The text of each page read (at most MAX_TEXT_PAGES); "" where a page has none."""
    texts: list[str] = []
    for index in range(min(len(document), pages, MAX_TEXT_PAGES)):
        text = ""
        try:
            page = document[index]
        except MemoryError:
            raise
        except Exception as exc:
            # A page count that counts a page no viewer can show would be
            # published as a fact about the file; refuse the file instead.
            raise _MissingPage(f"page {index + 1} of {pages} cannot be found in the file") \
                from exc
        try:
            # PDFium reads a page turned by /Rotate 90 from its last line up
            # (order of the written words 13%, bench/extractor_gate.py); read
            # upright, then turned back so the cover renders as viewers show it.
            rotation = page.get_rotation()
            if rotation:
                page.set_rotation(0)
            try:
                textpage = page.get_textpage()
                text = " ".join(_scrub(textpage.get_text_range()).split())
                textpage.close()
            finally:
                if rotation:
                    page.set_rotation(rotation)
        except MemoryError:
            raise
        except Exception:
            pass
        finally:
            page.close()
        texts.append(text)
    return texts


def read_page_texts(path: str) -> list[str]:
    """The text of each page of the PDF at ``path``, as the build reads it (bench/, tests).

    The extractor the build uses is ``_page_texts_pdfium``; this opens the file
    the same way and asks it, so the extractor gate (bench/extractor_gate.py,
    tests/test_extractor_gate.py) judges exactly the build's text.
    """
    document = _open_pdfium(path)
    if document is None:
        raise ValueError(f"PDFium cannot open {path}")
    try:
        return _page_texts_pdfium(document, len(document))
    finally:
        document.close()


def _decompression_bomb(reader: Any, indices: Any) -> dict[str, Any] | None:
    """A failure reply when a page's content stream inflates past pypdf's limit.

    Only the pages given are checked. PDFium has no limit of its own: a page
    whose stream inflates to hundreds of megabytes reads as an empty page (or
    the worker hits its memory limit), so every page without text is checked
    here to say the file is hostile instead of silently empty. A page with
    text was read in full within the worker's limits; checking it again in
    pypdf cost as much as all the rest of the PDF's facts except the text
    (bench/ PDFs, this machine).
    """
    from pypdf.errors import LimitReachedError

    for index in indices:
        if index >= MAX_TEXT_PAGES:
            break
        try:
            contents = reader.pages[index].get_contents()
            if contents is not None:
                contents.get_data()
        except MemoryError:
            raise
        except LimitReachedError:
            return {"failure": "too-large",
                    "message": "part of the PDF expands far beyond its file size when read "
                               "(a 'decompression bomb'), so it was not processed",
                    "hint": "re-export the PDF from the original document, then replace it"}
        except Exception:
            continue
    return None


def _page_texts_pypdf(reader: Any) -> list[str]:
    texts: list[str] = []
    for index, page in enumerate(reader.pages):
        if index >= MAX_TEXT_PAGES:
            break
        try:
            text = " ".join(_scrub(page.extract_text() or "").split())
        except MemoryError:
            raise
        except Exception:
            text = ""
        texts.append(text)
    return texts


def read_one(path: str, thumbnail: str | None = None) -> dict[str, Any]:
    """The PDF's facts (or a failure reply); with ``thumbnail``, its cover PNG written there."""
    from pypdf import PdfReader

    reader = PdfReader(path, strict=False)
    encrypted = bool(reader.is_encrypted)
    if encrypted:
        try:
            opened = reader.decrypt("")
        except Exception:
            opened = 0
        if not opened:
            return {"failure": "encrypted",
                    "message": "the PDF is encrypted and cannot be opened without a password",
                    "hint": "save an unprotected copy (File > Save As, without a password) "
                            "and use that"}
    document = _open_pdfium(path)
    try:
        reply = _read_opened(reader, document, encrypted)
        if thumbnail and document is not None and "facts" in reply:
            try:
                render_thumbnail(document, thumbnail)
            except MemoryError:
                raise
            except Exception:
                # A page that renders badly only costs the cover image;
                # the page falls back to the placeholder.
                pass
        return reply
    finally:
        if document is not None:
            document.close()


def _read_opened(reader: Any, document: Any, encrypted: bool) -> dict[str, Any]:
    # PDFium counts the pages it finds, not the /Count a page tree claims (a file
    # may claim 2,147,483,647); pages it lists but cannot load are refused below.
    pages = len(document) if document is not None else len(reader.pages)
    if pages == 0:
        return {"failure": "no-pages",
                "message": "the PDF has no pages",
                "hint": "check it is the right file; " + REPLACE_HINT}
    if pages > MAX_PAGES:
        return {"failure": "too-many-pages",
                "message": f"the PDF has {pages:,} pages; the library accepts at most "
                           f"{MAX_PAGES:,}",
                "hint": "check it is the right file; split a very long document into parts"}
    info = None
    try:
        info = reader.metadata
    except Exception:
        info = None
    title = _clean(info.title) if info else None
    author = _clean(info.author) if info else None
    created = _date(info.get("/CreationDate")) if info else None
    if title is None:
        try:
            xmp = reader.xmp_metadata
            if xmp is not None and xmp.dc_title:
                title = _clean(next(iter(xmp.dc_title.values()), None))
        except Exception:
            title = None
    root = reader.trailer["/Root"]
    mark_info = root.get("/MarkInfo")
    mark_info = mark_info.get_object() if mark_info is not None else None
    tagged = bool(mark_info is not None and _is_true(mark_info.get("/Marked"))
                  and "/StructTreeRoot" in root)
    viewer = root.get("/ViewerPreferences")
    viewer = viewer.get_object() if viewer is not None else None
    display_doc_title = bool(viewer is not None and _is_true(viewer.get("/DisplayDocTitle")))
    lang = _clean(root.get("/Lang"))
    if document is not None:
        try:
            texts = _page_texts_pdfium(document, pages)
        except _MissingPage as exc:
            return {"failure": "corrupt", "reason": str(exc)}
        bomb = _decompression_bomb(reader, [i for i, text in enumerate(texts) if not text])
    else:
        # pypdf's own extraction swallows the limit, so every page is checked first.
        bomb = _decompression_bomb(reader, range(pages))
        texts = [] if bomb is not None else _page_texts_pypdf(reader)
    if bomb is not None:
        return bomb
    full = " ".join(text for text in texts if text)
    return {"facts": {
        "pages": pages, "title": title, "author": author, "created": created,
        "encrypted": encrypted, "text_chars": len(full),
        "text": PAGE_BREAK.join(searchable_pages(texts))[:TEXT_CAP],
        "tagged": tagged, "lang": lang, "display_doc_title": display_doc_title,
    }}


def answer(line: str) -> dict[str, Any]:
    """The reply to one job line; whatever a PDF does, a reply the parent can report."""
    try:
        job = json.loads(line)
        return read_one(job["path"], job.get("thumbnail"))
    except MemoryError:
        return {"failure": "memory",
                "message": "the PDF needs too much memory to read and was skipped",
                "hint": "re-export the PDF from the original document, then replace it"}
    except RecursionError:
        return {"failure": "corrupt", "reason": "objects nested too deeply"}
    except Exception as exc:
        return {"failure": "corrupt", "reason": f"{type(exc).__name__}: {exc}"}


def main() -> None:
    _limit_memory(int(sys.argv[1]) if len(sys.argv) > 1 else 1024)
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    warnings.simplefilter("ignore")
    for line in sys.stdin:
        sys.stdout.write(json.dumps(answer(line)) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
