"""Collection and section listings, their cards split over numbered pages."""

from __future__ import annotations

from bsla.catalog import Catalog
from bsla.generated import GeneratedPage
from bsla.pages.templates import Templates, placement_src_uri
from bsla.pages.text import front_matter_text
from bsla.paging import Page, paginate
from bsla.schema import Resource
from bsla.taxonomy import Collection, Section


def listing_page(catalog: Catalog, templates: Templates, owner: Collection | Section,
                 page: Page[Resource] | None = None) -> GeneratedPage:
    sections = owner.sections if isinstance(owner, Collection) else ()
    counts = tuple(len(catalog.in_placement(p.id)) for p in (owner, *sections))
    items = catalog.in_placement(owner.id) if page is None and not sections else ()
    return templates.memo(  # type: ignore[no-any-return]
        f"listing:{owner.id}:{page.number if page else 0}", (owner, page, counts, items),
        lambda: _listing_page(catalog, templates, owner, page))


def _listing_page(catalog: Catalog, templates: Templates, owner: Collection | Section,
                  page: Page[Resource] | None = None) -> GeneratedPage:
    src_uri = page.src_uri if page else placement_src_uri(owner)
    sections = owner.sections if isinstance(owner, Collection) else ()
    if page is None and not sections:
        everything = catalog.in_placement(owner.id)
        page = paginate(everything, max(len(everything), 1), src_uri)[0]
    title = owner.label_in(templates.lang)
    if page and page.number > 1:
        title = templates.label("title_with_page", title=title, number=page.number)
    content = templates.render(
        "listing.md.j2",
        owner=owner,
        collection=owner if isinstance(owner, Collection)
        else catalog.taxonomy.collection(owner.collection_id),
        sections=sections,
        resources=page.items if page and not sections else [],
        page=page,
        scope_facet="section" if isinstance(owner, Section) else "collection",
        count=len(catalog.in_placement(owner.id)),
        count_of=lambda placement: len(catalog.in_placement(placement.id)),
        href=templates.href_from(src_uri),
        card=templates.cards_from(src_uri),
        title_meta=front_matter_text(title),
    )
    return GeneratedPage(src_uri, content)


def listing_pages(catalog: Catalog, templates: Templates,
                  owner: Collection | Section) -> list[GeneratedPage]:
    """A collection with sections gets one page; a list of cards is split into pages."""
    if isinstance(owner, Collection) and owner.sections:
        return [listing_page(catalog, templates, owner)]
    pages = paginate(catalog.in_placement(owner.id), catalog.taxonomy.listing_page_size,
                     placement_src_uri(owner))
    return [listing_page(catalog, templates, owner, page) for page in pages]


def all_listing_pages(catalog: Catalog, templates: Templates) -> list[GeneratedPage]:
    """Every collection's listing, each followed by its sections'."""
    pages: list[GeneratedPage] = []
    for collection in catalog.taxonomy.collections:
        pages.extend(listing_pages(catalog, templates, collection))
        for section in collection.sections:
            pages.extend(listing_pages(catalog, templates, section))
    return pages

