"""Covers drawn beside the build (bsla.covers): drawn, copied, failures, cancelling."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PIL import Image

from bsla import covers as covers_module
from bsla.catalog import load_catalog
from bsla.covers import BLANK_COVER, CoverJob
from bsla.pdf import PdfFailure
from bsla.render import CopiedFile
from tests.conftest import make_pdf

PNG = b"\x89PNG\r\n\x1a\n"


def test_a_full_load_leaves_new_covers_for_later_and_points_at_them(project):
    project.resource("compendium/initiative-wide", "flyer", pdf_pages=2)
    thumbs = project.root / ".cache/bsla/thumbs"
    catalog = load_catalog(project.root, cache_dir=project.root / ".cache/bsla/pdf",
                           thumbs_dir=thumbs, covers_later=True)
    (flyer,) = catalog.resources
    assert flyer.pdf is not None and flyer.cover is not None
    assert not flyer.cover.exists()  # not drawn yet, but the page will link to it
    assert catalog.pending_covers == [(flyer.file, flyer.cover)]
    CoverJob(catalog.pending_covers).finish(project.root / "site", [])
    assert flyer.cover.read_bytes()[:8] == PNG
    again = load_catalog(project.root, cache_dir=project.root / ".cache/bsla/pdf",
                         thumbs_dir=thumbs, covers_later=True)
    assert again.pending_covers == [] and again.resources[0].cover == flyer.cover


def test_finish_copies_the_covers_the_pages_link_to(tmp_path):
    pdf = make_pdf(tmp_path / "a.pdf", 3, text="cover words")
    cover = tmp_path / "thumbs" / "a.png"
    cover.parent.mkdir()
    other = tmp_path / "other.txt"
    other.write_text("not a cover")
    job = CoverJob([(pdf, cover)])
    assert job.is_pending(cover) and not job.is_pending(other)
    site = tmp_path / "site"
    files = [CopiedFile("resources/a/cover.png", cover), CopiedFile("resources/a/x.txt", other)]
    assert job.finish(site, files) == 1
    copied = site / "resources/a/cover.png"
    assert copied.read_bytes() == cover.read_bytes()
    with Image.open(copied) as image:
        assert image.width == 240
    assert not (site / "resources/a/x.txt").exists()  # MkDocs copies the rest


def test_a_cover_that_cannot_be_drawn_becomes_a_blank_image_and_a_warning(
        tmp_path, monkeypatch, caplog):
    pdf = make_pdf(tmp_path / "a.pdf")
    cover = tmp_path / "a.png"
    failure = PdfFailure("the PDF took too long to read", "replace it", "timeout")
    monkeypatch.setattr(covers_module, "render_covers", lambda pairs, **_: {pdf: failure})
    job = CoverJob([(pdf, cover)])
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.bsla"):
        job.finish(tmp_path / "site", [CopiedFile("r/cover.png", cover)])
    with Image.open(tmp_path / "site/r/cover.png") as image:
        assert image.size == BLANK_COVER
    assert "a.pdf" in caplog.text and "took too long" in caplog.text


def test_a_worker_error_reaches_the_build(tmp_path, monkeypatch):
    def broken(pairs, **_):
        raise OSError("no worker could start")

    monkeypatch.setattr(covers_module, "render_covers", broken)
    job = CoverJob([(tmp_path / "a.pdf", tmp_path / "a.png")])
    try:
        job.finish(tmp_path / "site", [])
    except OSError as exc:
        assert "no worker" in str(exc)
    else:
        raise AssertionError("finish hid the error")


def test_cancel_stops_the_workers_soon(tmp_path):
    pdfs = [make_pdf(tmp_path / f"p{i}.pdf", 2) for i in range(10)]
    job = CoverJob([(pdf, tmp_path / f"p{i}.png") for i, pdf in enumerate(pdfs)])
    started = time.monotonic()
    job.cancel()
    assert time.monotonic() - started < 5
    # Asked to stop before its first reply, the pool draws at most what it had sent.
    assert len(list(Path(tmp_path).glob("p*.png"))) <= 2
