"""Search records: the HTML Pagefind indexes for each resource (never served to visitors).

Each language's site has one index of every resource, in the site's language
(labels, and Pagefind's word stemming), whatever language a resource is
written in: Pagefind would otherwise split the index by each record's
language, and a reader could never find a resource written in the other one.

A PDF's text follows the metadata page by page, each page after a heading
whose id names it (``p7``) and which holds only a zero-width space (Pagefind
skips empty headings): Pagefind reports the headings a hit falls under as the
result's sub-results, so the search page can say on which pages
a PDF holds the words and link to them (``file.pdf#page=7``). One record per
resource, not one per PDF page: Pagefind's metadata and filter files list
every record, and every visitor downloads them with the first query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path

from bsla.catalog import Catalog
from bsla.facets import EVERY_RECORD_WORD, FACETS
from bsla.indexed_text import PAGE_BREAK
from bsla.pages.templates import Templates
from bsla.schema import Resource
from bsla.urls import pdf_src_uri, resource_src_uri

RECORD_TEMPLATE = "search_record.html.j2"
# The id of the heading before a PDF page's text; search.js reads the number back.
PAGE_ANCHOR = "p{number}"


class IndexingStopped(Exception):
    """The search index was no longer wanted (a newer build started)."""


def record_html(catalog: Catalog, templates: Templates, resource: Resource,
                position: int) -> str:
    """The HTML Pagefind indexes for one resource (never served to visitors)."""
    return templates.memo(f"record:{resource.id}", (resource, position),  # type: ignore[no-any-return]
                          lambda: _record_html(catalog, templates, resource, position))


def _record_html(catalog: Catalog, templates: Templates, resource: Resource,
                 position: int) -> str:
    lang = templates.lang
    taxonomy = catalog.taxonomy
    terms = [
        taxonomy.vocabulary(vocabulary)[t].label_in(lang)
        for facet, vocabulary in (("capacities", "capacities"), ("focus_areas", "focus_areas"),
                                  ("audiences", "audiences"))
        for t in getattr(resource, facet)
    ]
    place = resource.collection.label_in(lang)
    if resource.section:
        place += " › " + resource.section.label_in(lang)
    return templates.render(
        RECORD_TEMPLATE,
        r=resource,
        s=templates.shown(resource),
        index_lang=templates.lang,
        place=place,
        type_label=taxonomy.vocabulary("types")[resource.type].label_in(lang),
        terms=terms,
        pdf_pages=pdf_pages(resource),
        pdf_href=(templates.urls.between(resource_src_uri(resource.id), pdf_src_uri(resource.id))
                  if resource.pdf is not None and resource.file is not None else None),
        page_anchor=PAGE_ANCHOR,
        filters=[(f.id, v) for f in FACETS for v in f.values_of(resource)],
        order=f"{position:06d}",
        every_word=EVERY_RECORD_WORD,
    )


def pdf_pages(resource: Resource) -> list[tuple[int, str]]:
    """The PDF's indexed text as (page number, text) for each page that has any."""
    if resource.pdf is None:
        return []
    return [(number, text) for number, text in enumerate(resource.pdf.text.split(PAGE_BREAK), 1)
            if text]


def search_records(catalog: Catalog, templates: Templates,
                   should_stop: Callable[[], bool] = lambda: False) -> Iterator[tuple[str, bytes]]:
    """Each resource's record: its path in a site laid out like ours, so URLs come out
    right, and its HTML."""
    for position, resource in enumerate(catalog.resources):
        if should_stop():
            raise IndexingStopped
        yield (templates.urls.record_path(resource.id),
               record_html(catalog, templates, resource, position).encode("utf-8"))


def pagefind_version() -> str:
    versions = []
    for name in ("pagefind", "pagefind-bin", "pagefind-bin-extended"):
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ",".join(versions)


def records_digest(catalog: Catalog, templates: Templates,
                   should_stop: Callable[[], bool] = lambda: False) -> tuple[str, int]:
    """A digest of every record (path and text) with Pagefind's version and options; the count."""
    digest = hashlib.sha256(f"{pagefind_version()}|{templates.lang}|"
                            f"{templates.urls.use_directory_urls}\n".encode())
    count = 0
    for relative, data in search_records(catalog, templates, should_stop):
        digest.update(f"{len(relative)}:{relative}{len(data)}:".encode())
        digest.update(data)
        count += 1
    return digest.hexdigest(), count


def write_records(catalog: Catalog, templates: Templates, out_dir: Path,
                  should_stop: Callable[[], bool] = lambda: False) -> int:
    """One record file per resource under ``out_dir``, for Pagefind to read; the count."""
    count = 0
    for relative, data in search_records(catalog, templates, should_stop):
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        count += 1
    return count
