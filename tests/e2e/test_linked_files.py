"""Covers and citation files are hard-linked from the engine's cache; PDFs are copied."""

from __future__ import annotations

import errno
import os

import pytest

from bsla.mkdocs_door.commands import build_site

pytestmark = pytest.mark.e2e
SECTION = "compendium/leadership-governance"


def _site_files(site, rid):
    folder = site / "resources" / rid
    return {p.name: p for p in folder.iterdir() if p.is_file()}


def test_cache_files_are_linked_and_pdfs_copied(project):
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    project.resource(SECTION, "alpha", pdf_pages=1)
    site = project.root / "site"
    build_site(project.root, site)
    built = _site_files(site, "alpha")
    cache = project.root / ".cache" / "bsla"
    for name in ("cover.png", "alpha.bib", "alpha.ris"):
        # The site's name and the cache's; the cover is also the Spanish site's (BibTeX
        # and RIS are rendered per language).
        links = 3 if name == "cover.png" else 2
        assert built[name].stat().st_nlink == links, name
        twins = [p for p in cache.rglob(built[name].name if name != "cover.png" else "*.png")
                 if p.samefile(built[name])]
        assert twins, f"{name} is not a link to a cache file"
    (pdf,) = [p for name, p in built.items() if name.endswith(".pdf")]
    source = project.root / SECTION / "alpha.pdf"
    assert not pdf.samefile(source)  # a contributor's PDF may be overwritten in place
    assert pdf.read_bytes() == source.read_bytes()

    # A rebuild replaces the cache file; the site built before keeps its own text.
    bib = built["alpha.bib"]
    before = bib.read_text("utf-8")
    yml = project.root / SECTION / "alpha.yml"
    yml.write_text(yml.read_text("utf-8").replace("Title of alpha", "Renamed"), "utf-8")
    kept = site.with_name("kept-bib")
    os.link(bib, kept)
    build_site(project.root, site)
    assert kept.read_text("utf-8") == before
    assert "Renamed" in _site_files(site, "alpha")["alpha.bib"].read_text("utf-8")


def test_files_are_copied_where_links_fail(project, monkeypatch):
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    project.resource(SECTION, "alpha", pdf_pages=1)

    def no_links(*_args, **_kwargs):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    site = project.root / "site"
    build_site(project.root, site)
    built = _site_files(site, "alpha")
    assert built["cover.png"].stat().st_nlink == 1
    assert built["cover.png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Title of alpha" in built["alpha.bib"].read_text("utf-8")
    assert not [p for p in built if p.endswith(".link")]

