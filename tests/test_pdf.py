"""PDF facts on PDFs generated here: counts, metadata, text, failures, limits, cache."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import NameObject

from bsla import pdf as pdf_stage
from bsla.pdf import PdfFacts, PdfFailure, read_pdf_facts
from tests.conftest import make_accessible_pdf, make_pdf


def facts_of(path: Path, **kwargs) -> PdfFacts | PdfFailure:
    return read_pdf_facts([path], None, **kwargs)[path]


@pytest.mark.parametrize("pages", [1, 3, 12])
def test_page_count_text_hash_and_size(tmp_path, pages):
    path = make_pdf(tmp_path / "a.pdf", pages, text="zebra crossing phrase")
    facts = facts_of(path)
    assert isinstance(facts, PdfFacts)
    assert facts.pages == pages
    assert facts.bytes == path.stat().st_size
    import hashlib

    assert facts.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert facts.text.count("zebra crossing phrase") == pages
    assert f"page {pages}" in facts.text
    assert facts.text_chars == len(facts.text)


def test_metadata_present_and_absent(tmp_path):
    with_meta = make_pdf(tmp_path / "m.pdf", title="  Mindful   Leadership ", author="CSSP")
    without = make_pdf(tmp_path / "n.pdf")
    facts = read_pdf_facts([with_meta, without], None)
    assert (facts[with_meta].title, facts[with_meta].author) == ("Mindful Leadership", "CSSP")
    assert facts[without].title is None and facts[without].author is None
    assert facts[with_meta].created and len(facts[with_meta].created) == 10


def _encrypted(tmp_path: Path, user_password: str) -> Path:
    writer = PdfWriter(clone_from=make_pdf(tmp_path / "plain.pdf", 2, text="secret text"))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    path = tmp_path / f"enc-{user_password or 'empty'}.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def test_encrypted_with_empty_user_password_is_read(tmp_path):
    facts = facts_of(_encrypted(tmp_path, ""))
    assert isinstance(facts, PdfFacts)
    assert facts.encrypted and facts.pages == 2 and "secret text" in facts.text


def test_encrypted_with_a_password_is_a_failure(tmp_path):
    facts = facts_of(_encrypted(tmp_path, "s3cret"))
    assert isinstance(facts, PdfFailure) and facts.code == "encrypted"
    assert "password" in facts.message and facts.hint


def test_truncated_pdf_is_corrupt(tmp_path):
    whole = make_pdf(tmp_path / "whole.pdf", 3).read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(whole[: whole.index(b"obj") + 10])
    facts = facts_of(truncated)
    assert isinstance(facts, PdfFailure) and facts.code == "corrupt"
    assert "damaged or truncated" in facts.message


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        (lambda d: (d / "x.pdf").write_text("just words, renamed"), "not-pdf"),
        (lambda d: None, "missing"),
        (lambda d: (d / "x.pdf").mkdir(), "not-a-file"),
        (lambda d: (d / "x.pdf").symlink_to(make_pdf(d / "real.pdf")), "symlink"),
    ],
)
def test_cheap_refusals(tmp_path, setup, code):
    setup(tmp_path)
    facts = facts_of(tmp_path / "x.pdf")
    assert isinstance(facts, PdfFailure) and facts.code == code and facts.hint


def test_too_large_is_refused_before_parsing(tmp_path):
    path = make_pdf(tmp_path / "big.pdf", 2)
    facts = facts_of(path, max_bytes=100)
    assert isinstance(facts, PdfFailure) and facts.code == "too-large"


def test_accessibility_flags(tmp_path):
    path = make_accessible_pdf(tmp_path / "tagged.pdf", make_pdf(tmp_path / "plain.pdf"))
    tagged = facts_of(path)
    plain = facts_of(tmp_path / "plain.pdf")
    assert (tagged.tagged, tagged.lang, tagged.display_doc_title) == (True, "en-US", True)
    assert (plain.tagged, plain.lang, plain.display_doc_title) == (False, None, False)


def test_timeout_kills_the_worker_and_the_rest_still_succeed(tmp_path):
    slow = make_pdf(tmp_path / "slow.pdf", 400, text="many pages of text " * 20)
    quick = [make_pdf(tmp_path / f"q{i}.pdf", 1) for i in range(3)]
    results = read_pdf_facts([slow, *quick], None, timeout=0.05, workers=1)
    assert isinstance(results[slow], PdfFailure) and results[slow].code == "timeout"
    # The quick ones may also exceed 50 ms on a busy machine; a second call with a
    # normal limit must read them all with a fresh worker.
    again = read_pdf_facts(quick, None)
    assert all(isinstance(again[q], PdfFacts) for q in quick)


def decompression_bomb(path: Path, inflated_mb: int) -> Path:
    """A one-page PDF whose content stream is a small Flate stream of zeros."""
    import zlib

    from pypdf.generic import StreamObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    stream = StreamObject()
    stream.set_data(zlib.compress(b"0" * (inflated_mb * 1024 * 1024), 9))
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def test_decompression_bomb_hits_the_memory_limit_not_the_machine(tmp_path):
    bomb = decompression_bomb(tmp_path / "bomb.pdf", 300)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    fine = make_pdf(tmp_path / "fine.pdf")
    results = read_pdf_facts([bomb, fine], None, workers=1, timeout=20)
    assert isinstance(results[bomb], PdfFailure) and results[bomb].code == "too-large"
    assert "decompression bomb" in results[bomb].message
    assert isinstance(results[fine], PdfFacts)


def test_thousands_of_pages_are_refused(tmp_path):
    writer = PdfWriter()
    for _ in range(5000):
        writer.add_blank_page(100, 100)
    path = tmp_path / "many.pdf"
    writer.write(str(path))
    result = facts_of(path)
    assert isinstance(result, PdfFailure) and result.code == "too-many-pages"


def test_a_worker_killed_by_the_memory_limit_is_reported_and_replaced(tmp_path):
    pdfs = [make_pdf(tmp_path / f"{i}.pdf") for i in range(3)]
    # 25 MB is too little for Python and pypdf to start, so every worker dies.
    results = read_pdf_facts(pdfs, None, memory_mb=25, workers=2)
    assert {r.code for r in results.values()} == {"memory"}
    assert "too much memory" in results[pdfs[0]].message


def test_cache_by_content_hash_skips_parsing(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    path = make_pdf(tmp_path / "a.pdf", 2, text="cached phrase")
    first = read_pdf_facts([path], cache)[path]
    entry = cache / f"{first.sha256}.json"
    assert json.loads(entry.read_text())["facts"]["pages"] == 2

    def no_parsing(*args, **kwargs):
        raise AssertionError("an unchanged PDF was parsed again")

    monkeypatch.setattr(pdf_stage, "_parse_all", no_parsing)
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(path.read_bytes())
    second = read_pdf_facts([path, copy], cache)
    assert second[path] == first and second[copy] == first


def test_no_worker_processes_are_left_behind(tmp_path):
    import psutil

    def workers() -> set[int]:
        # Only our PDF workers: browsers started by other tests come and go on their own.
        found = set()
        for child in psutil.Process().children(recursive=True):
            try:
                if "bsla.pdf_worker" in " ".join(child.cmdline()):
                    found.add(child.pid)
            except psutil.Error:
                continue
        return found

    read_pdf_facts([make_pdf(tmp_path / f"{i}.pdf") for i in range(4)], None)
    assert workers() == set()


def test_workers_follow_the_cpus_this_process_may_use(tmp_path, monkeypatch):
    pdfs = [make_pdf(tmp_path / f"{n}.pdf", 1, text=f"file {n}") for n in range(4)]
    started = []
    parse_all = pdf_stage._parse_all

    def counting(jobs, **kwargs):
        started.append(kwargs["workers"])
        return parse_all(jobs, **kwargs)

    monkeypatch.setattr(pdf_stage, "_parse_all", counting)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)  # the machine's, not ours
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3}, raising=False)
    assert pdf_stage.usable_cpus() == 1
    results = read_pdf_facts(pdfs, None)
    assert started == [1] and all(r.pages == 1 for r in results.values())

    monkeypatch.delattr(os, "sched_getaffinity")  # where the call does not exist
    assert pdf_stage.usable_cpus() == 64
