"""The Atom feed's dates and ids (bsla.pages.feed, bsla.git_dates)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import feedparser
import pytest

from bsla.catalog import load_catalog
from bsla.clock import build_time
from bsla.engine import make_templates
from bsla.errors import LibraryError
from bsla.git_dates import first_commit_times
from bsla.labels import load_labels
from bsla.pages.feed import atom_feed, entry_dates, feed_text

IB = "briefs/issue-briefs"
FEED_ID = "tag:cssp.org,2026:bsla-library"
COMMITTED = dt.datetime(2024, 3, 5, 14, 30, tzinfo=dt.UTC)
BUILD = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root, *args, when: dt.datetime = COMMITTED) -> None:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
           "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


@needs_git
def test_an_undated_resource_is_dated_by_its_first_commit_else_the_build(project):
    project.resource(IB, "committed", title="Committed")
    project.resource(IB, "added", title="Added", added='"2025-01-15"')
    project.resource(IB, "published", title="Published", date='"2019-06"')
    git(project.root, "init", "-q")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-q", "-m", "first")
    # A later edit does not move the date: the first commit that added the file counts.
    (project.root / IB / "committed.yml").write_text(
        (project.root / IB / "committed.yml").read_text("utf-8") + "tags: [later]\n", "utf-8")
    git(project.root, "commit", "-q", "-am", "edit", when=COMMITTED + dt.timedelta(days=90))
    project.resource(IB, "new", title="Not committed yet")
    catalog = load_catalog(project.root, read_pdfs=False)
    dates = entry_dates(catalog, BUILD)
    assert dates["committed"] == COMMITTED
    assert dates["added"] == dt.datetime(2025, 1, 15, tzinfo=dt.UTC)
    # Committed too, but `added` is the editor's own statement and wins.
    # "published" was committed, so its commit date (not its 2019 publication) dates it.
    assert dates["published"] == COMMITTED
    assert dates["new"] == BUILD


@needs_git
def test_paths_are_read_from_the_project_even_below_the_repository_top(tmp_path, make_project):
    outer = tmp_path
    git(outer, "init", "-q")
    project = make_project("library")
    project.resource(IB, "inner", title="Inner")
    git(outer, "add", "-A")
    git(outer, "commit", "-q", "-m", "first")
    times = first_commit_times(project.root, ["briefs"])
    assert times == {f"{IB}/inner.yml": COMMITTED}


def test_outside_git_the_publication_date_then_the_build_time(project):
    project.resource(IB, "published", title="Published", date='"2019-06"')
    project.resource(IB, "undated", title="Undated")
    catalog = load_catalog(project.root, read_pdfs=False)
    assert first_commit_times(project.root, ["briefs"]) == {}
    dates = entry_dates(catalog, BUILD)
    assert dates == {"published": dt.datetime(2019, 6, 1, tzinfo=dt.UTC), "undated": BUILD}


def test_build_time_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert build_time() == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert abs(build_time() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_feed_never_says_1970_and_its_ids_do_not_depend_on_the_host(project):
    project.resource(IB, "undated", title="Undated & <odd>")
    catalog = load_catalog(project.root, read_pdfs=False)
    for url_for in (lambda path: "/" + path, lambda path: "https://a.example/x/" + path):
        parsed = feedparser.parse(atom_feed(catalog, url_for, title="Library", now=BUILD))
        assert not parsed.bozo
        assert parsed.feed.id == FEED_ID
        assert parsed.feed.updated == "2026-07-01T09:00:00Z"
        (entry,) = parsed.entries
        assert entry.id == f"{FEED_ID}/resources/undated"
        assert entry.updated == "2026-07-01T09:00:00Z"
        assert entry.title == "Undated & <odd>"


def test_an_empty_catalog_feed_is_dated_by_the_build(project):
    catalog = load_catalog(project.root, read_pdfs=False)
    parsed = feedparser.parse(atom_feed(catalog, lambda p: "/" + p, title="Library", now=BUILD))
    assert parsed.feed.updated == "2026-07-01T09:00:00Z" and parsed.entries == []


@pytest.mark.parametrize("value", ["https://example.org/feed", "tag:example.org:x",
                                   "tag:example.org,26:x", "tag:example.org,2026:"])
def test_a_feed_id_that_is_not_a_tag_uri_is_refused_with_a_hint(project, value):
    taxonomy = project.root / "taxonomy.yml"
    text = taxonomy.read_text("utf-8")
    taxonomy.write_text(text.replace(f'feed_id: "{FEED_ID}"', f'feed_id: "{value}"'), "utf-8")
    with pytest.raises(LibraryError) as caught:
        load_catalog(project.root, read_pdfs=False)
    (problem,) = caught.value.problems
    assert problem.path.endswith("taxonomy.yml") and problem.line
    assert "not a tag: URI" in problem.message and "never change it" in problem.hint


def test_without_a_feed_id_ids_are_permanent_uuid_urns(project):
    taxonomy = project.root / "taxonomy.yml"
    text = taxonomy.read_text("utf-8")
    taxonomy.write_text(text.replace(f'feed_id: "{FEED_ID}"', ""), "utf-8")
    project.resource(IB, "one", title="One")
    catalog = load_catalog(project.root, read_pdfs=False)
    first = feedparser.parse(atom_feed(catalog, lambda p: "/" + p, title="L", now=BUILD))
    again = feedparser.parse(atom_feed(catalog, lambda p: "https://b.example/" + p, title="L",
                                       now=BUILD))
    assert first.entries[0].id.startswith("urn:uuid:")
    assert first.entries[0].id == again.entries[0].id and first.feed.id == again.feed.id


def test_each_language_has_its_feed_in_that_language(project):
    project.resource(IB, "translated", title="Family guide", summary="How to invite families.",
                     extra="translations:\n  es:\n    title: Guía para familias\n"
                           "    summary: Cómo invitar a las familias.\n    reviewed: true\n")
    project.resource(IB, "half", title="Half translated", summary="Only the title is.",
                     extra="translations:\n  es:\n    title: Medio traducido\n"
                           "    reviewed: false\n")
    project.resource(IB, "untranslated", title="Untranslated kit", summary="No Spanish yet.")
    project.resource(IB, "spanish", title="Guía de reuniones", summary="Escrita en español.",
                     language="es")
    catalog = load_catalog(project.root, read_pdfs=False)
    labels = load_labels(project.root)
    feeds = {lang: feedparser.parse(feed_text(catalog, make_templates(catalog, labels, lang=lang)))
             for lang in ("en", "es")}
    for parsed in feeds.values():
        assert not parsed.bozo, parsed.bozo_exception
    spanish = feeds["es"]
    assert spanish.feed.title == "Biblioteca de recursos de Best Start LA"
    assert spanish.feed.title_detail.language == "es"
    assert spanish.feed.subtitle.startswith("Recursos nuevos de la Biblioteca")
    assert spanish.feed.id == FEED_ID + "/es"
    entries = {e.id.rsplit("/", 1)[1]: e for e in spanish.entries}
    assert all(e.id.startswith(FEED_ID + "/es/resources/") for e in spanish.entries)

    def shown(entry, field):
        detail = entry[f"{field}_detail"]
        return entry[field], detail.language

    assert shown(entries["translated"], "title") == ("Guía para familias", "es")
    assert shown(entries["translated"], "summary") == ("Cómo invitar a las familias.", "es")
    assert shown(entries["half"], "title") == ("Medio traducido", "es")
    assert shown(entries["half"], "summary") == ("Only the title is.", "en")
    assert shown(entries["untranslated"], "title") == ("Untranslated kit", "en")
    assert shown(entries["spanish"], "title") == ("Guía de reuniones", "es")
    # Its links go to the Spanish pages, even where the site's address is not known.
    assert entries["half"].link == "/es/resources/half/"
    assert spanish.feed.links[1].href == "/es/feed.xml"
    # The English feed: English texts, the Spanish resource's own marked as Spanish, and
    # the ids (and links) it always had.
    english = {e.id: e for e in feeds["en"].entries}
    assert feeds["en"].feed.title == "Best Start LA Resource Library"
    assert feeds["en"].feed.id == FEED_ID
    assert shown(english[f"{FEED_ID}/resources/translated"], "title") == ("Family guide", "en")
    assert shown(english[f"{FEED_ID}/resources/spanish"], "summary") == (
        "Escrita en español.", "es")
    assert english[f"{FEED_ID}/resources/half"].link == "/resources/half/"


def test_the_feed_of_a_site_with_a_public_address_links_its_own_pages(project):
    project.resource(IB, "one", title="One")
    catalog = load_catalog(project.root, read_pdfs=False)
    labels = load_labels(project.root)
    templates = make_templates(catalog, labels, lang="es", site_url="https://a.example/x/es/")
    parsed = feedparser.parse(feed_text(catalog, templates))
    assert parsed.entries[0].link == "https://a.example/x/es/resources/one/"
    assert parsed.feed.links[1].href == "https://a.example/x/es/feed.xml"
