"""Rendered pages kept between builds of one process (bsla.memo) are never stale."""

from __future__ import annotations

import pytest

import bsla.pages.resources
from bsla.catalog import load_catalog
from bsla.memo import RENDERED, RenderMemo
from tests.conftest import render_catalog


def test_memo_reuses_only_for_equal_inputs():
    memo = RenderMemo()
    calls = []

    def render(text):
        calls.append(text)
        return text.upper()

    assert memo.get("a", ("x", [1]), lambda: render("x")) == "X"
    assert memo.get("a", ("x", [1]), lambda: render("again")) == "X"  # equal inputs: kept
    assert memo.get("a", ("x", [2]), lambda: render("y")) == "Y"  # changed input: rendered
    assert memo.get("b", ("x", [2]), lambda: render("z")) == "Z"  # names do not share entries
    assert calls == ["x", "y", "z"]


def test_memo_context_is_canonical_while_equal():
    memo = RenderMemo()
    first = memo.context(("en", {"a": "b"}))
    assert memo.context(("en", {"a": "b"})) is first
    assert memo.context(("es", {"a": "b"})) is not first


def test_each_language_keeps_its_canonical_context_while_they_take_turns():
    """A site's languages render in turn; each must find its own context object again, or
    every lookup compares labels and taxonomy field by field."""
    memo = RenderMemo()
    english = memo.context(("en", {"label": "Home"}))
    spanish = memo.context(("es", {"label": "Inicio"}))
    assert memo.context(("en", {"label": "Home"})) is english
    assert memo.context(("es", {"label": "Inicio"})) is spanish
    assert memo.context(("en", {"label": "Start"})) is not english  # an edited label is new


def _pages(project):
    catalog = load_catalog(project.root, read_pdfs=False)
    site, _ = render_catalog(catalog, project.root)
    return {p.src_uri: p.content for p in site.pages}


@pytest.fixture
def serving(monkeypatch):
    """The memo as a dev server has it (the MkDocs door switches it on for `serve`)."""
    monkeypatch.setattr(RENDERED, "enabled", True)
    # The exports carry the build time to the second; two renders of one test
    # on a busy machine fell on both sides of a second and differed.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    yield
    RENDERED.clear()


def test_a_rebuild_in_the_same_process_shows_every_edit(project, serving, monkeypatch):
    """What `serve` does: render, edit one file, render again in the same process."""
    calls = []
    original = bsla.pages.resources._resource_page
    monkeypatch.setattr(bsla.pages.resources, "_resource_page",
                        lambda templates, r, *a: calls.append(r.id) or original(templates, r, *a))
    flyer = project.resource("compendium/outreach-engagement", "flyer", tags="[outreach]",
                             title="Old flyer title")
    project.resource("briefs/issue-briefs", "brief", tags="[outreach]", title="Brief")
    before = _pages(project)
    assert "Old flyer title" in before["resources/brief/index.md"]  # as a related item
    calls.clear()
    assert _pages(project) == before
    assert calls == []  # nothing changed: every resource page came from the memo
    flyer.write_text(flyer.read_text("utf-8").replace("Old flyer title", "New flyer title"),
                     encoding="utf-8")
    calls.clear()
    after = _pages(project)
    assert sorted(calls) == ["brief", "flyer"]  # the edited one and the one that lists it
    for uri in ("resources/flyer/index.md", "resources/brief/index.md",
                "compendium/outreach-engagement.md", "tags/outreach.md"):
        assert "New flyer title" in after[uri] and "Old flyer title" not in after[uri], uri
    # Labels are part of every page's context: an edited label reaches memoized pages.
    labels = project.root / "labels.yml"
    text = labels.read_text("utf-8")
    assert "related_heading:" in text
    labels.write_text(text.replace("related_heading:\n  en: ", "related_heading:\n  en: Zz "),
                      encoding="utf-8")
    relabelled = _pages(project)
    assert "Zz " in relabelled["resources/brief/index.md"]


def test_what_a_related_item_shows_decides_whether_its_lister_is_rendered_again(
        project, serving, monkeypatch):
    calls = []
    original = bsla.pages.resources._resource_page
    monkeypatch.setattr(bsla.pages.resources, "_resource_page",
                        lambda templates, r, *a: calls.append(r.id) or original(templates, r, *a))
    flyer = project.resource("compendium/outreach-engagement", "flyer", tags="[outreach]",
                             title="Flyer", summary="Old summary.")
    project.resource("briefs/issue-briefs", "brief", tags="[outreach]", title="Brief")
    _pages(project)

    def edit(old, new):
        flyer.write_text(flyer.read_text("utf-8").replace(old, new), encoding="utf-8")
        calls.clear()
        return _pages(project)

    # Its summary is not on the page that lists it: only its own page is rendered.
    after = edit("Old summary.", "New summary.")
    assert calls == ["flyer"]
    assert "New summary." in after["compendium/outreach-engagement.md"]  # its card shows it
    # Its type and its title in another language are.
    edit("type: toolkit", "type: tool")
    assert sorted(calls) == ["brief", "flyer"]
    flyer.write_text(flyer.read_text("utf-8") + "translations:\n  es:\n    title: Volante\n"
                     "    reviewed: true\n", encoding="utf-8")
    calls.clear()
    catalog = load_catalog(project.root, read_pdfs=False)
    site, _ = render_catalog(catalog, project.root, lang="es")
    assert sorted(calls) == ["brief", "flyer"]
    assert "Volante" in {p.src_uri: p.content for p in site.pages}["resources/brief/index.md"]


def test_a_replaced_or_removed_pdf_is_seen_by_the_next_load(project):
    """Unchanged resources are reused between loads; their PDFs are still checked each time."""
    from bsla.errors import LibraryError
    from tests.conftest import make_pdf

    project.resource("briefs/issue-briefs", "brief", pdf_pages=2)
    cache = project.root / ".cache"

    def load():
        return load_catalog(project.root, cache_dir=cache / "pdf", thumbs_dir=cache / "thumbs")

    first = load().by_id["brief"]
    again = load().by_id["brief"]
    assert again is first and first.pdf.pages == 2  # nothing changed: the same object
    pdf = project.root / "briefs/issue-briefs/brief.pdf"
    make_pdf(pdf, 5, text="Sample page")
    replaced = load().by_id["brief"]
    assert replaced is not first and replaced.pdf.pages == 5 and first.pdf.pages == 2
    pdf.unlink()
    with pytest.raises(LibraryError, match=r"brief\.pdf"):
        load()


def test_a_sweep_keeps_what_was_used_since_the_last_one():
    memo = RenderMemo()
    for name in ("kept", "gone"):
        memo.get(name, (1,), lambda n=name: n)
    memo.sweep()  # both used since the start
    assert len(memo) == 2
    memo.get("kept", (1,), lambda: "rendered again")
    memo.sweep()
    assert len(memo) == 1
    assert memo.get("kept", (1,), lambda: "rendered again") == "kept"
    assert memo.get("gone", (1,), lambda: "rendered again") == "rendered again"


def test_many_entries_stay_kept():
    """No cap empties the memo: a large catalog in two languages keeps every page."""
    memo = RenderMemo()
    for name in range(200_000):
        memo.get(name, (), lambda: "first")
    memo.sweep()
    assert memo.get(0, (), lambda: "again") == "first"
    assert memo.get(199_999, (), lambda: "again") == "first"


def test_the_door_sweeps_only_once_every_language_is_built(monkeypatch):
    from bsla.mkdocs_door.plugin import LibraryPlugin

    memo = RenderMemo()
    monkeypatch.setattr("bsla.mkdocs_door.plugin.RENDERED", memo)
    memo.get("old page", (), lambda: "old")
    memo.sweep()
    # A rebuild that failed before rendering asked for nothing; no sweep follows it.
    LibraryPlugin()._every_language_built()  # the rebuild after it, which used nothing either
    assert len(memo) == 0
    memo.get("page", (), lambda: "kept")
    LibraryPlugin()._every_language_built()
    assert memo.get("page", (), lambda: "again") == "kept"
