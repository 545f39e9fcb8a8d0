"""Resource pages: one landing page per resource, with its PDF and cover beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bsla.accessibility import assess
from bsla.catalog import Catalog
from bsla.cite import apa, chicago
from bsla.generated import CopiedFile, GeneratedPage
from bsla.pages.templates import Templates
from bsla.pages.text import front_matter_text, plain_text
from bsla.schema import Resource
from bsla.urls import (
    COVER_FILE,
    PLACEHOLDER_IMAGE,
    cover_src_uri,
    pdf_file_name,
    pdf_src_uri,
    resource_src_uri,
)


@dataclass(frozen=True)
class Citation:
    id: str
    label: str
    text: str


def citations(resource: Resource, url: str, label: Callable[[str], str]) -> list[Citation]:
    return [Citation("apa", label("cite_apa"), apa(resource, url)),
            Citation("chicago", label("cite_chicago"), chicago(resource, url))]


def resource_page(catalog: Catalog, templates: Templates, resource: Resource) -> GeneratedPage:
    related = catalog.related(resource)
    original = catalog.by_id.get(resource.translation_of or "")
    editions = catalog.editions(resource)
    # Of a related resource the page shows only its linked title and its type
    # (resource.md.j2): a summary edit no longer renders again the pages that
    # list it (a dozen per edit, bench/ catalogs).
    related_shown = tuple((other.id, other.title, other.language, other.translations, other.type)
                          for other in related)
    return templates.memo(  # type: ignore[no-any-return]
        f"page:{resource.id}", (resource, related_shown, original, editions),
        lambda: _resource_page(templates, resource, related, original, editions))


def _resource_page(templates: Templates, resource: Resource, related: list[Resource],
                   original: Resource | None, editions: list[Resource]) -> GeneratedPage:
    src_uri = resource_src_uri(resource.id)
    shown = templates.shown(resource)
    content = templates.render(
        "resource.md.j2",
        r=resource,
        listing=resource.section or resource.collection,
        related=related,
        original=original,
        editions=editions,
        href=templates.href_from(src_uri),
        pdf_name=pdf_file_name(resource.id),
        title_meta=front_matter_text(shown.title.value),
        description_meta=front_matter_text(plain_text(shown.summary.value, 300)),
        citations=citations(resource, templates.urls.absolute(src_uri), templates.label),
        pdf_access=assess(resource),
        cover=COVER_FILE if resource.cover is not None else None,
        placeholder=templates.urls.between(src_uri, PLACEHOLDER_IMAGE),
    )
    return GeneratedPage(src_uri, content, in_nav=False)


def resource_pages(catalog: Catalog, templates: Templates) -> list[GeneratedPage]:
    return [resource_page(catalog, templates, r) for r in catalog.resources]


def resource_files(catalog: Catalog) -> list[CopiedFile]:
    """Each deposited PDF and each cover, copied into its resource's folder."""
    files = [CopiedFile(pdf_src_uri(r.id), r.file) for r in catalog.resources
             if r.file is not None and r.pdf is not None]
    files += [CopiedFile(cover_src_uri(r.id), r.cover)
              for r in catalog.resources if r.cover is not None]
    return files
