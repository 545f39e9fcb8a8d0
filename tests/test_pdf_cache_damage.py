"""A cache entry truncated or garbled on disk is detected and the PDF read again, never served."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from bsla import pdf
from bsla.pdf import PdfFacts, read_pdf_facts
from tests.conftest import make_pdf


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path, PdfFacts]:
    # Each read below starts as a new process would: nothing remembered in memory.
    monkeypatch.setattr(pdf, "_known", {})
    path = make_pdf(tmp_path / "a.pdf", 3, text="the words inside")
    cache, thumbs = tmp_path / "cache", tmp_path / "thumbs"
    facts = read_pdf_facts([path], cache, thumbs_dir=thumbs)[path]
    assert isinstance(facts, PdfFacts)
    pdf._known.clear()
    return path, cache, thumbs, facts


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the jobs sent to PDF workers from here on."""
    calls: list[int] = []
    original = pdf._parse_all

    def counting(jobs, **kwargs):
        calls.append(len(jobs))
        return original(jobs, **kwargs)

    monkeypatch.setattr(pdf, "_parse_all", counting)
    return calls


def test_an_intact_entry_is_served_without_reading_the_pdf(cached, monkeypatch):
    path, cache, thumbs, facts = cached
    parses = _parses(monkeypatch)
    assert read_pdf_facts([path], cache, thumbs_dir=thumbs)[path] == facts
    assert parses == []


@pytest.mark.parametrize("damage", ["truncated", "garbled value", "garbled byte", "empty",
                                    "another pdf's entry"])
def test_a_damaged_entry_is_read_again(cached, monkeypatch, damage, tmp_path):
    path, cache, thumbs, facts = cached
    entry = cache / f"{facts.sha256}.json"
    text = entry.read_text("utf-8")
    if damage == "truncated":
        entry.write_text(text[: len(text) // 2], "utf-8")
    elif damage == "garbled value":
        # Still valid JSON, so only the entry's digest can tell.
        entry.write_text(text.replace('"pages": 3', '"pages": 8'), "utf-8")
        assert '"pages": 8' in entry.read_text("utf-8")
    elif damage == "garbled byte":
        raw = bytearray(entry.read_bytes())
        at = raw.index(b"the words inside")
        raw[at] ^= 0x20  # "The words inside": valid UTF-8 and JSON, wrong text
        entry.write_bytes(bytes(raw))
    elif damage == "empty":
        entry.write_bytes(b"")
    else:
        other = make_pdf(tmp_path / "b.pdf", 1, text="something else")
        other_facts = read_pdf_facts([other], cache)[other]
        entry.write_bytes((cache / f"{other_facts.sha256}.json").read_bytes())
        pdf._known.clear()
    parses = _parses(monkeypatch)
    again = read_pdf_facts([path], cache, thumbs_dir=thumbs)[path]
    assert again == facts
    assert parses == [1]
    # The entry was written again whole, and is served from now on.
    pdf._known.clear()
    parses.clear()
    assert read_pdf_facts([path], cache, thumbs_dir=thumbs)[path] == facts
    assert parses == []


@pytest.mark.parametrize("damage", ["truncated", "garbled"])
def test_a_damaged_cover_is_rendered_again(cached, monkeypatch, damage):
    path, cache, thumbs, facts = cached
    cover = thumbs / f"{facts.sha256}.png"
    good = cover.read_bytes()
    if damage == "truncated":
        damaged = good[: len(good) // 2]
    else:
        raw = bytearray(good)
        raw[len(raw) // 2] ^= 0xFF
        damaged = bytes(raw)
    cover.write_bytes(damaged)
    parses = _parses(monkeypatch)
    assert read_pdf_facts([path], cache, thumbs_dir=thumbs)[path] == facts
    assert parses == [1]
    with Image.open(cover) as image:
        image.load()  # a whole PNG again
    assert cover.read_bytes() != damaged
