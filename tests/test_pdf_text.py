"""Page text: PDFium and the pypdf fallback read the same words."""

from pypdf import PdfReader

from bsla import pdf_worker
from tests.conftest import make_pdf


def test_pdfium_and_pypdf_extract_the_same_words(tmp_path):
    path = make_pdf(tmp_path / "a.pdf", 3, text="resident leadership (council) & budget")
    document = pdf_worker._open_pdfium(str(path))
    assert document is not None
    fast = pdf_worker._page_texts_pdfium(document, 3)
    document.close()
    slow = pdf_worker._page_texts_pypdf(PdfReader(path))
    assert len(fast) == 3
    assert [t.split() for t in fast] == [t.split() for t in slow]
    assert "page 3" in fast[2]


def test_a_file_pdfium_cannot_open_falls_back_to_pypdf(tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\nnot really a pdf")
    assert pdf_worker._open_pdfium(str(junk)) is None


def test_pages_without_text_are_checked_for_decompression_bombs(tmp_path, monkeypatch):
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=make_pdf(tmp_path / "text.pdf", 2, text="budget"))
    writer.add_blank_page(200, 200)
    path = tmp_path / "mixed.pdf"
    writer.write(str(path))
    checked: list[list[int]] = []
    real_check = pdf_worker._decompression_bomb

    def spy(reader, indices):
        checked.append(list(indices))
        return real_check(reader, indices)

    monkeypatch.setattr(pdf_worker, "_decompression_bomb", spy)
    reply = pdf_worker.read_one(str(path))
    assert reply["facts"]["pages"] == 3 and "budget" in reply["facts"]["text"]
    # The two pages PDFium read text from were read in full already.
    assert checked == [[2]]


def test_without_pdfium_every_page_is_checked_before_pypdf_reads_text(tmp_path, monkeypatch):
    from tests.test_pdf import decompression_bomb

    monkeypatch.setattr(pdf_worker, "_open_pdfium", lambda path: None)
    bomb = decompression_bomb(tmp_path / "bomb.pdf", 100)  # past pypdf's 75 MB limit
    assert pdf_worker.read_one(str(bomb))["failure"] == "too-large"
    fine = make_pdf(tmp_path / "fine.pdf", 3, text="resident council")
    facts = pdf_worker.read_one(str(fine))["facts"]
    assert facts["pages"] == 3 and facts["text"].count("resident council") == 3
