"""catalog.json and catalog.csv assembled from per-resource entries equal a whole-document dump."""

from __future__ import annotations

import json

import pytest

from bsla.catalog import load_catalog
from bsla.pages.exports import catalog_csv, catalog_document, catalog_json


def url_for(path: str) -> str:
    return "https://example.org/" + path


@pytest.mark.parametrize("count", [0, 1, 3])
def test_catalog_json_is_exactly_the_document_dump(project, count):
    for number in range(count):
        project.resource("briefs/issue-briefs", f"brief-{number}",
                         title=f'"Brief {number}: “quoted” and\\ttabbed"', tags="[a, b]")
    catalog = load_catalog(project.root, read_pdfs=False)
    expected = json.dumps(catalog_document(catalog, url_for, generated="2026-01-02"),
                          indent=2, ensure_ascii=False) + "\n"
    assert catalog_json(catalog, url_for, generated="2026-01-02") == expected
    rows = catalog_csv(catalog, url_for).split("\r\n")
    assert len(rows) == count + 2 and rows[-1] == ""  # header, one row each, final newline
