"""What the site in another language shares with the main one: its exports."""

from __future__ import annotations

import json
import re

import pytest

from bsla.catalog import load_catalog
from bsla.pages.metadata import head_html
from bsla.urls import CATALOG_CSV, CATALOG_JSON, CATALOG_SCHEMA, FEED, HOME_SRC_URI, RESOURCE_SCHEMA
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
