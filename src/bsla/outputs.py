"""Files published beside the pages: citations, redirects, exports, feed, head metadata."""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING

from markupsafe import Markup

from bsla.catalog import Catalog
from bsla.cite import bibtex, ris
from bsla.export import (
    catalog_csv,
    catalog_json,
    export_entry,
    record_schema,
    today,
)
from bsla.feed import atom_feed
from bsla.metadata import catalog_json_ld, highwire_tags, json_ld_script, resource_json_ld
from bsla.schema import Resource, json_schema

if TYPE_CHECKING:
    from bsla.render import CopiedFile, GeneratedPage, Renderer

EXPORT_FILES = ("catalog.json", "catalog.csv", "catalog.schema.json", "resource.schema.json",
                "feed.xml")


def _pdf_src(resource: Resource) -> str | None:
    return f"resources/{resource.id}/{resource.id}.pdf" if resource.pdf is not None else None


def redirect_page(renderer: Renderer, old_id: str, resource: Resource) -> GeneratedPage:
    from bsla.render import GeneratedPage, resource_src_uri, url_between

    # An .html file is copied as-is, so it sits exactly where the old page was
    # under both URL styles (/resources/old/ and /resources/old/index.html).
    old_src = f"resources/{old_id}/index.html"
    target = url_between(resource_src_uri(old_id), resource_src_uri(resource.id),
                         renderer.use_directory_urls)
    return GeneratedPage(old_src, _redirect_html(
        renderer, target, renderer.absolute(resource_src_uri(resource.id)),
        title=resource.title, lang=resource.language))


def browse_redirect(renderer: Renderer) -> GeneratedPage:
    """``/resources/`` itself, which holds only the resources' folders, sends visitors to
    the search page, where every resource is listed and can be filtered."""
    from bsla.render import RESOURCES_DIR, SEARCH_SRC_URI, GeneratedPage, url_between

    target = url_between(f"{RESOURCES_DIR}/index.md", SEARCH_SRC_URI,
                         renderer.use_directory_urls)
    return GeneratedPage(f"{RESOURCES_DIR}/index.html", _redirect_html(
        renderer, target, renderer.absolute(SEARCH_SRC_URI),
        title=renderer.label("search_title"), lang=renderer.lang))


def _redirect_html(renderer: Renderer, target: str, canonical: str, *, title: str,
                   lang: str) -> str:
    # Without a public address the canonical URL would start at the root of
    # whatever serves the files: the file system itself for an offline copy.
    return renderer.env.get_template("redirect.html.j2").render(
        target=target, canonical=canonical if renderer.site_url else None, title=title,
        lang=lang)


def export_texts(catalog: Catalog, renderer: Renderer) -> dict[str, str]:
    """The export files by name; also what `build_site.py export` writes."""
    url_for = renderer.absolute
    site_name = renderer.label("site_title")
    entries = [renderer.memo(f"export:{r.id}", (r, catalog.root),
                             functools.partial(export_entry, r, catalog.root, url_for))
               for r in catalog.resources]
    return {
        "catalog.json": catalog_json(catalog, url_for, generated=today(), entries=entries),
        "catalog.csv": catalog_csv(catalog, url_for, entries),
        "catalog.schema.json": json.dumps(record_schema(catalog), indent=2) + "\n",
        "resource.schema.json": json.dumps(json_schema(catalog.taxonomy), indent=2,
                                           ensure_ascii=False) + "\n",
        "feed.xml": atom_feed(catalog, url_for, title=site_name),
    }


def output_files(catalog: Catalog,
                 renderer: Renderer) -> tuple[list[GeneratedPage], list[CopiedFile]]:
    from bsla.render import GeneratedPage, resource_src_uri

    pages: list[GeneratedPage] = []
    for r in catalog.resources:
        url = renderer.absolute(resource_src_uri(r.id))
        pdf = _pdf_src(r)
        pdf_url = renderer.absolute(pdf) if pdf else None
        bib, ris_text = renderer.memo(f"cite-files:{r.id}", (r, url, pdf_url),
                                      lambda: (bibtex(r, url), ris(r, url, pdf_url)))  # noqa: B023
        pages.append(GeneratedPage(f"resources/{r.id}/{r.id}.bib", bib))
        pages.append(GeneratedPage(f"resources/{r.id}/{r.id}.ris", ris_text))
        pages.extend(redirect_page(renderer, old, r) for old in r.former_ids)
    pages.append(browse_redirect(renderer))
    pages.extend(GeneratedPage(name, text) for name, text in export_texts(catalog,
                                                                           renderer).items())
    return pages, []


def _resource_head(catalog: Catalog, renderer: Renderer, r: Resource, src: str,
                   pdf_url: str | None) -> Markup:
    from bsla.render import listing_src_uri

    data = resource_json_ld(catalog, r, page_url=renderer.absolute(src), pdf_url=pdf_url,
                            collection_url=renderer.absolute(
                                listing_src_uri(r.section or r.collection)),
                            lang=renderer.lang)
    return Markup("\n".join([*highwire_tags(r, pdf_url), json_ld_script(data)]))


def head_html(catalog: Catalog, renderer: Renderer) -> dict[str, Markup]:
    """Extra <head> markup per page source path (resource pages and the home page)."""
    from bsla.render import resource_src_uri

    heads: dict[str, Markup] = {}
    for r in catalog.resources:
        src = resource_src_uri(r.id)
        pdf = _pdf_src(r)
        pdf_url = renderer.absolute(pdf) if pdf else None
        heads[src] = renderer.memo(f"head:{r.id}", (r, pdf_url), functools.partial(
            _resource_head, catalog, renderer, r, src, pdf_url))
    heads["index.md"] = json_ld_script(catalog_json_ld(
        catalog, site_name=renderer.label("site_title"), home_url=renderer.absolute("index.md"),
        resource_url=lambda path: (renderer.site_url or "/") + path, lang=renderer.lang))
    return heads
