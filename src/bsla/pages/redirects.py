"""Redirect pages: a renamed resource's old address, and ``/resources/`` itself."""

from __future__ import annotations

from bsla.catalog import Catalog
from bsla.generated import GeneratedPage
from bsla.pages.templates import Templates
from bsla.schema import Resource
from bsla.urls import (
    RESOURCES_DIR,
    SEARCH_SRC_URI,
    former_page_src_uri,
    resource_src_uri,
    resources_index_src_uri,
)


def _redirect_html(templates: Templates, target: str, canonical: str, *, title: str,
                   lang: str) -> str:
    # Without a public address the canonical URL would start at the root of
    # whatever serves the files: the file system itself for an offline copy.
    return templates.render("redirect.html.j2", target=target,
                            canonical=canonical if templates.urls.site_url else None,
                            title=title, lang=lang)


def former_address_page(templates: Templates, old_id: str, resource: Resource) -> GeneratedPage:
    """The page at a renamed resource's old address, sending visitors to the new one."""
    urls = templates.urls
    target = urls.between(resource_src_uri(old_id), resource_src_uri(resource.id))
    return GeneratedPage(former_page_src_uri(old_id), _redirect_html(
        templates, target, urls.absolute(resource_src_uri(resource.id)),
        title=resource.title, lang=resource.language))


def browse_redirect(templates: Templates) -> GeneratedPage:
    """``/resources/`` itself, which holds only the resources' folders, sends visitors to
    the search page, where every resource is listed and can be filtered."""
    target = templates.urls.between(f"{RESOURCES_DIR}/index.md", SEARCH_SRC_URI)
    return GeneratedPage(resources_index_src_uri(), _redirect_html(
        templates, target, templates.urls.absolute(SEARCH_SRC_URI),
        title=templates.label("search_title"), lang=templates.lang))


def redirect_pages(catalog: Catalog, templates: Templates) -> list[GeneratedPage]:
    pages = [former_address_page(templates, old, r)
             for r in catalog.resources for old in r.former_ids]
    pages.append(browse_redirect(templates))
    return pages
