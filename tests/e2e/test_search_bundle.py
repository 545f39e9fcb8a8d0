"""A build whose search records did not change reuses the previous Pagefind bundle."""

from __future__ import annotations

import gzip
import hashlib
import os
import sys

import pytest

import bsla.search.bundle
from bsla.mkdocs_door.commands import SiteBuildFailed, build_site
from bsla.urls import CachePaths

pytestmark = pytest.mark.e2e
SECTION = "compendium/leadership-governance"


def bundle_files(site):
    folder = site / "pagefind"
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file()}


def fragments_text(site):
    return "".join(gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
                   for p in (site / "pagefind" / "fragment").iterdir())


@pytest.fixture
def pagefind_broken(monkeypatch):
    """Make any Pagefind run fail, so a build passes only with a reused bundle."""

    def broken(*_args, **_kwargs):
        return [sys.executable, "-c", "import sys; print('pagefind was run'); sys.exit(3)"]

    def switch(on: bool) -> None:
        if on:
            monkeypatch.setattr(bsla.search.bundle, "_pagefind_command", broken)
        else:
            monkeypatch.undo()

    return switch


def test_unchanged_records_reuse_the_bundle_and_an_edit_rebuilds_it(project, pagefind_broken,
                                                                     caplog):
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    yml = project.resource(SECTION, "alpha", title="Alpha before", pdf_pages=2,
                           text="Quarterly budget worksheet")
    project.resource(SECTION, "beta", title="Beta")
    site = project.root / "site"
    build_site(project.root, site)
    first = bundle_files(site)
    cache = CachePaths(project.root).search_bundle
    assert len([p for p in cache.iterdir() if not p.name.startswith(".")]) == 1

    pagefind_broken(True)
    build_site(project.root, site)  # would fail if Pagefind ran
    assert bundle_files(site) == first
    assert "worksheet" in fragments_text(site)  # the PDF text is still in the index

    yml.write_text(yml.read_text("utf-8").replace("Alpha before", "Alpha after"), "utf-8")
    with pytest.raises(SiteBuildFailed):
        build_site(project.root, site)  # the records changed: Pagefind must run
    assert "pagefind was run" in caplog.text
    assert bundle_files(site) == first  # and the failed build left the site as it was

    pagefind_broken(False)
    build_site(project.root, site)
    assert "Alpha after" in fragments_text(site)
    assert "Alpha before" not in fragments_text(site)
    entries = [p for p in cache.iterdir() if not p.name.startswith(".")]
    assert len(entries) == 1  # the older bundle was dropped


def test_an_incomplete_kept_bundle_is_not_used(project, pagefind_broken, caplog):
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    project.resource(SECTION, "alpha")
    site = project.root / "site"
    build_site(project.root, site)
    cache = CachePaths(project.root).search_bundle
    (entry,) = [p for p in cache.iterdir() if not p.name.startswith(".")]
    (entry / "pagefind.js").unlink()
    pagefind_broken(True)
    with pytest.raises(SiteBuildFailed):
        build_site(project.root, site)
    assert "pagefind was run" in caplog.text


def test_a_reused_bundle_writes_no_record_files(project, monkeypatch):
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    project.resource(SECTION, "alpha", pdf_pages=2, text="Quarterly budget worksheet")
    site = project.root / "site"
    build_site(project.root, site)
    first = bundle_files(site)

    written = []
    write_records = bsla.search.bundle.write_records

    def counting(*args, **kwargs):
        written.append(args[2])
        return write_records(*args, **kwargs)

    monkeypatch.setattr(bsla.search.bundle, "write_records", counting)
    build_site(project.root, site)
    assert written == []  # the digest alone found the kept bundle
    assert bundle_files(site) == first

    project.resource(SECTION, "beta")
    build_site(project.root, site)
    assert len(written) == 2  # new records: written for Pagefind, in each language
    assert bsla.search.bundle.indexed_count(site / "pagefind") == 2
