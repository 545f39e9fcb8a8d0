"""Page text: PDFium and the pypdf fallback read the same words."""

from pypdf import PdfReader

from bsla import pdf_worker
from tests.conftest import make_pdf


def test_pdfium_and_pypdf_extract_the_same_words(tmp_path):
    path = make_pdf(tmp_path / "a.pdf", 3, text="resident leadership (council) & budget")
    fast = pdf_worker._page_texts_pdfium(str(path), 3)
    slow = pdf_worker._page_texts_pypdf(PdfReader(path))
    assert fast is not None and len(fast) == 3
    assert [t.split() for t in fast] == [t.split() for t in slow]
    assert "page 3" in fast[2]


def test_a_file_pdfium_cannot_open_falls_back_to_pypdf(tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\nnot really a pdf")
    assert pdf_worker._page_texts_pdfium(str(junk), 1) is None
