"""The site in another language: the exports it shares with the main one, its search records."""

from __future__ import annotations

import json
import re

import pytest

from bsla.catalog import load_catalog
from bsla.pages.metadata import head_html
from bsla.search.records import record_html
from bsla.urls import (
    CATALOG_CSV,
    CATALOG_JSON,
    CATALOG_SCHEMA,
    FEED,
    HOME_SRC_URI,
    RESOURCE_SCHEMA,
    resource_src_uri,
)
from tests.conftest import render_catalog

LANGUAGE_NEUTRAL = {CATALOG_JSON, CATALOG_CSV, CATALOG_SCHEMA, RESOURCE_SCHEMA}


def _data_catalog(head: str) -> dict:
    text = re.search(r'<script type="application/ld\+json">(.*)</script>', head, re.S).group(1)
    return json.loads(text)


@pytest.mark.parametrize(("site_url", "expected"), [
    (None, "/"), ("https://a.example/x/", "https://a.example/x/")])
def test_the_spanish_site_offers_the_one_set_of_exports(project, site_url, expected):
    project.resource("briefs/issue-briefs", "one", title="One")
    catalog = load_catalog(project.root, read_pdfs=False)
    english, _ = render_catalog(catalog, project.root, site_url=site_url)
    spanish_url = site_url and site_url + "es/"  # as the MkDocs door gives it (plugin.py)
    spanish, templates = render_catalog(catalog, project.root, site_url=spanish_url, lang="es")
    written = {page.src_uri for page in english.pages}
    assert written >= LANGUAGE_NEUTRAL | {FEED}
    # The exports carry every language: one copy, the main site's; each site has its feed.
    assert {page.src_uri for page in spanish.pages} & (LANGUAGE_NEUTRAL | {FEED}) == {FEED}
    data = _data_catalog(head_html(catalog, templates)[HOME_SRC_URI])
    assert data["inLanguage"] == "es"
    [dataset] = data["dataset"]
    assert [d["contentUrl"] for d in dataset["distribution"]] == [
        expected + CATALOG_JSON, expected + CATALOG_CSV]


@pytest.mark.parametrize(("site_url", "english_root", "spanish_root"), [
    (None, "/", "/es/"),
    ("https://a.example/x/", "https://a.example/x/", "https://a.example/x/es/")])
def test_each_language_describes_its_own_pages_in_its_metadata(project, site_url,
                                                                english_root, spanish_root):
    # Without a public address too: the Spanish pages' JSON-LD once named the
    # English pages there.
    project.resource("briefs/issue-briefs", "one", title="One")
    catalog = load_catalog(project.root, read_pdfs=False)
    for lang, url, root in (("en", site_url, english_root),
                            ("es", site_url and site_url + "es/", spanish_root)):
        _, templates = render_catalog(catalog, project.root, site_url=url, lang=lang)
        heads = head_html(catalog, templates)
        described = _data_catalog(heads[resource_src_uri("one")])
        assert described["url"] == root + "resources/one/"
        assert described["isPartOf"]["url"] == root + "issue-briefs/"
        home = _data_catalog(heads[HOME_SRC_URI])
        assert home["url"] == root
        assert home["hasPart"] and all(part["url"].startswith(root) and part["url"] != root
                                       for part in home["hasPart"])
        # The exports are the main site's alone, whichever site links them.
        [dataset] = home["dataset"]
        assert dataset["distribution"][0]["contentUrl"] == english_root + CATALOG_JSON


def test_search_records_say_which_shown_texts_are_untranslated(project):
    project.resource("briefs/issue-briefs", "half", title="Half translated",
                     summary="Only the title is.",
                     extra="translations:\n  es:\n    title: Medio traducido\n"
                           "    reviewed: false\n")
    project.resource("briefs/issue-briefs", "spanish", title="Guía", summary="En español.",
                     language="es")
    catalog = load_catalog(project.root, read_pdfs=False)
    _, spanish = render_catalog(catalog, project.root, lang="es")
    _, english = render_catalog(catalog, project.root)

    def meta(templates, rid):
        html = record_html(catalog, templates, catalog.by_id[rid], 0)
        return dict(re.findall(r'data-pagefind-meta="(\w+_lang)">([^<]*)<', html))

    assert meta(spanish, "half") == {"summary_lang": "en"}
    assert meta(spanish, "spanish") == {}
    assert meta(english, "half") == {}
    assert meta(english, "spanish") == {"title_lang": "es", "summary_lang": "es"}


def test_keyword_pages_group_by_the_keywords_each_page_shows(project):
    project.resource("briefs/issue-briefs", "translated", title="Family guide",
                     tags=["Family support"],
                     extra="translations:\n  es:\n    title: Guía\n    tags: [Apoyo familiar]\n"
                           "    reviewed: true\n")
    project.resource("briefs/issue-briefs", "untranslated", title="Data", tags=["Data"])
    project.resource("briefs/issue-briefs", "spanish", title="Guía", language="es",
                     tags=["Datos"])
    catalog = load_catalog(project.root, read_pdfs=False)
    for lang, expected in (("es", {"translated": ["Apoyo familiar"], "untranslated": ["Data"],
                                   "spanish": ["Datos"]}),
                           ("en", {"translated": ["Family support"], "untranslated": ["Data"],
                                   "spanish": ["Datos"]})):
        _, templates = render_catalog(catalog, project.root, lang=lang)
        for resource in catalog.resources:
            # The keyword pages' shortcut agrees with what the resource's own page shows.
            assert templates.shown_tags(resource) == templates.shown(resource).tags.value \
                == expected[resource.id]
