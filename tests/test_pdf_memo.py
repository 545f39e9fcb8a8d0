"""Within one process (mkdocs serve), an unchanged PDF is not hashed or parsed again."""

import os

from bsla import pdf
from bsla.pdf import PdfFacts, read_pdf_facts
from tests.conftest import make_pdf


def test_unchanged_pdf_is_not_hashed_again_but_a_changed_one_is(tmp_path, monkeypatch):
    path = make_pdf(tmp_path / "a.pdf", 2, text="first version")
    cache = tmp_path / "cache"
    first = read_pdf_facts([path], cache)[path]
    assert isinstance(first, PdfFacts)

    def no_hashing(_path):
        raise AssertionError("hashed again")

    with monkeypatch.context() as patch:
        patch.setattr(pdf, "_sha256", no_hashing)
        assert read_pdf_facts([path], cache)[path] == first

    make_pdf(path, 3, text="second version")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = read_pdf_facts([path], cache)[path]
    assert isinstance(second, PdfFacts)
    assert second.pages == 3 and "second version" in second.text


def test_without_a_cache_folder_nothing_is_remembered(tmp_path, monkeypatch):
    path = make_pdf(tmp_path / "a.pdf")
    read_pdf_facts([path], None)
    calls = []
    original = pdf._sha256
    monkeypatch.setattr(pdf, "_sha256", lambda p: calls.append(p) or original(p))
    read_pdf_facts([path], None)
    assert calls == [path]


def test_a_pdf_gone_during_its_read_is_not_remembered(tmp_path, monkeypatch):
    # Removed between the checks and the stat: the next load must find it missing,
    # not answer from memory (a missing file's stat would equal a remembered None).
    path = make_pdf(tmp_path / "a.pdf")
    cache = tmp_path / "cache"
    with monkeypatch.context() as patch:
        patch.setattr(pdf, "_stamp", lambda _path: None)
        assert isinstance(read_pdf_facts([path], cache)[path], PdfFacts)
    path.unlink()
    assert not isinstance(read_pdf_facts([path], cache)[path], PdfFacts)
