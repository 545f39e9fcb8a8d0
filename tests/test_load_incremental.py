"""A catalog loaded again after edits (as `serve` does) equals one loaded from scratch."""

from __future__ import annotations

import os
import time

import pytest

import bsla.catalog
from bsla import load
from bsla.catalog import load_catalog
from bsla.errors import LibraryError
from tests.conftest import Project, make_pdf

PAST = time.time() - 3600


def _age(*paths) -> None:
    """Make files look saved an hour ago, outside the window where times can't be trusted."""
    for path in paths:
        os.utime(path, (PAST, PAST))


def _from_scratch(root):
    saved = (dict(bsla.catalog._unchanged), dict(bsla.catalog._previous_catalog),
             dict(bsla.catalog._validated), dict(bsla.catalog._enriched), dict(load._parsed))
    for cache in (bsla.catalog._unchanged, bsla.catalog._previous_catalog,
                  bsla.catalog._validated, bsla.catalog._enriched, load._parsed):
        cache.clear()
    try:
        return load_catalog(root, cache_dir=root / ".cache")
    finally:
        for cache, kept in zip((bsla.catalog._unchanged, bsla.catalog._previous_catalog,
                                bsla.catalog._validated, bsla.catalog._enriched, load._parsed),
                               saved, strict=True):
            cache.clear()
            cache.update(kept)


def _facts(catalog):
    return [(r.id, r.title, r.summary, r.tags, r.source, r.file, r.pdf and r.pdf.sha256,
             r.pdf and r.pdf.pages, [x.id for x in catalog.related(r)]) for r in catalog.resources]


@pytest.fixture
def library(tmp_path):
    project = Project(tmp_path / "library")
    for n in range(6):
        project.resource("briefs/issue-briefs", f"brief-{n}", pdf_pages=1 + n % 3,
                         tags=f"[shared, t{n % 2}]")
    _age(*project.root.rglob("*.yml"), *project.root.rglob("*.pdf"))
    return project


def _load(project):
    return load_catalog(project.root, cache_dir=project.root / ".cache")


def test_an_unchanged_catalog_is_not_read_again(library, monkeypatch):
    _load(library)
    calls = []
    original = bsla.catalog.validate_resource
    monkeypatch.setattr(bsla.catalog, "validate_resource",
                        lambda *a: calls.append(a[0].path.name) or original(*a))
    again = _load(library)
    assert calls == []
    assert _facts(again) == _facts(_from_scratch(library.root))


def test_each_kind_of_edit_gives_what_a_fresh_load_gives(library, monkeypatch):
    folder = library.root / "briefs/issue-briefs"
    first = _load(library)
    calls = []
    original = bsla.catalog.validate_resource
    monkeypatch.setattr(bsla.catalog, "validate_resource",
                        lambda *a: calls.append(a[0].path.name) or original(*a))
    # Edited (and aged, so only its lstat tells), added, renamed, deleted, PDF replaced.
    edited = folder / "brief-1.yml"
    edited.write_text(edited.read_text("utf-8").replace("Title of brief-1", "Title of Brief-1")
                      .replace("t1]", "t0]"), encoding="utf-8")
    _age(edited)
    library.resource("briefs/issue-briefs", "brief-new", pdf_pages=2, tags="[t1]")
    (folder / "brief-2.yml").rename(folder / "brief-two.yml")
    (folder / "brief-3.yml").unlink()
    (folder / "brief-3.pdf").unlink()
    make_pdf(folder / "brief-4.pdf", 5)
    _age(folder / "brief-4.pdf")
    again = _load(library)
    # brief-4's YAML is unchanged: its PDF is read again, its fields are not checked again.
    assert sorted(calls) == ["brief-1.yml", "brief-new.yml", "brief-two.yml"]
    assert _facts(again) == _facts(_from_scratch(library.root))
    assert {r.id for r in again.resources} == {r.id for r in first.resources} - {"brief-3"} \
        | {"brief-new"}
    assert again.by_id["brief-4"].pdf.pages == 5


def test_a_same_size_edit_within_one_tick_of_the_clock_is_seen(tmp_path):
    project = Project(tmp_path / "library")
    yml = project.resource("briefs/issue-briefs", "brief", title="Title AAAA")
    assert _load(project).by_id["brief"].title == "Title AAAA"
    # Same size, and perhaps the same file time: only reading it again can tell.
    yml.write_text(yml.read_text("utf-8").replace("AAAA", "BBBB"), encoding="utf-8")
    assert _load(project).by_id["brief"].title == "Title BBBB"


def test_an_edit_that_breaks_a_file_is_reported_and_the_fix_is_seen(library):
    _load(library)
    path = library.root / "briefs/issue-briefs/brief-0.yml"
    good = path.read_text("utf-8")
    path.write_text(good + "date: someday\n", encoding="utf-8")
    with pytest.raises(LibraryError) as failure:
        _load(library)
    assert "brief-0.yml" in str(failure.value)
    path.write_text(good, encoding="utf-8")
    assert _facts(_load(library)) == _facts(_from_scratch(library.root))


def test_a_pdf_turned_into_a_symlink_is_refused_on_the_next_load(library, tmp_path):
    _load(library)
    pdf = library.root / "briefs/issue-briefs/brief-5.pdf"
    outside = tmp_path / "outside.pdf"
    pdf.rename(outside)
    pdf.symlink_to(outside)
    with pytest.raises(LibraryError) as failure:
        _load(library)
    assert "brief-5" in str(failure.value)
