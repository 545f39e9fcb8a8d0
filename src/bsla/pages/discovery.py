"""Generated pages for finding resources: search, capacity matrix and keyword pages.

The search page carries the facet checkboxes (labels from taxonomy.yml, counts
from the catalog) so its markup is complete before any script runs; the
script in docs/assets/javascripts/search.js then drives Pagefind from it.
"""

from __future__ import annotations

import functools
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import yaml

from bsla.catalog import Catalog
from bsla.facets import EVERY_RECORD_WORD, FACETS, FACETS_BY_ID, FacetValue, facet_values
from bsla.generated import GeneratedPage
from bsla.indexed_text import PAGES_PER_WORD
from bsla.pages.templates import Templates
from bsla.pages.text import front_matter_text
from bsla.paging import paginate
from bsla.schema import Resource
from bsla.urls import (
    MATRIX_SRC_URI,
    NAV_FILE,
    PAGEFIND_SCRIPT,
    SEARCH_SCRIPT,
    SEARCH_SRC_URI,
    TAGS_DIR,
    tag_slug,
    tag_src_uri,
    tags_index_src_uri,
)

# Phrases the script shows; each key is a label in labels.yml.
SCRIPT_LABELS = (
    "search_count", "search_count_one", "search_all", "search_none", "search_relax_intro",
    "search_relax_facet", "search_relax_words", "search_loading", "search_unavailable",
    "search_more", "search_results_shown", "search_pdf_pages", "search_pdf_page",
    "search_pdf_page_of",
)


@dataclass(frozen=True)
class FacetBlock:
    id: str
    legend: str
    values: list[FacetValue]


@dataclass(frozen=True)
class MatrixCell:
    count: int
    query: str  # URL query of the search view listing exactly these resources


@dataclass(frozen=True)
class MatrixRow:
    id: str
    label: str
    cells: list[MatrixCell]
    total: MatrixCell


@dataclass(frozen=True)
class MatrixTable:
    id: str
    heading: str
    columns: list[tuple[str, str]]
    rows: list[MatrixRow]


def search_query(selected: dict[str, list[str]]) -> str:
    """The search page's URL query for a facet selection (the script reads the same form)."""
    return urlencode([(facet, value) for facet, values in selected.items() for value in values])


def matrix_tables(catalog: Catalog, templates: Templates) -> list[MatrixTable]:
    """The six capacities against collections and against focus areas."""
    taxonomy = catalog.taxonomy
    lang = templates.lang
    capacities = list(taxonomy.vocabulary("capacities").values())
    column_sets = [
        ("by-collection", "matrix_by_collection", "collection",
         [(c.id, c.label_in(lang)) for c in taxonomy.collections]),
        ("by-focus-area", "matrix_by_focus_area", "focus",
         [(t.id, t.label_in(lang)) for t in taxonomy.vocabulary("focus_areas").values()]),
    ]
    values = {fid: [FACETS_BY_ID[fid].values_of(r) for r in catalog.resources]
              for fid in ("capacity", *(facet for _, _, facet, _ in column_sets))}
    # One pass per table instead of a catalog scan per cell (0.3 s per 1,000
    # resources). A cell selects one value per facet, so matching()'s rule
    # (AND across facets, OR within one) is: the resource has both values.
    by_capacity = Counter(c for capacities_of in values["capacity"] for c in set(capacities_of))
    tables = []
    for table_id, heading_key, facet, columns in column_sets:
        pairs = Counter((c, v) for capacities_of, values_of in zip(values["capacity"],
                                                                     values[facet], strict=True)
                        for c in set(capacities_of) for v in set(values_of))
        rows = [
            MatrixRow(
                capacity.id,
                capacity.label_in(lang),
                [MatrixCell(pairs[(capacity.id, cid)],
                            search_query({"capacity": [capacity.id], facet: [cid]}))
                 for cid, _ in columns],
                MatrixCell(by_capacity[capacity.id], search_query({"capacity": [capacity.id]})),
            )
            for capacity in capacities
        ]
        tables.append(MatrixTable(table_id, templates.label(heading_key), columns, rows))
    return tables


def search_page(catalog: Catalog, templates: Templates) -> GeneratedPage:
    label = templates.label
    facets = [FacetBlock(f.id, label(f.label_key), facet_values(catalog, f, templates.lang))
              for f in FACETS]
    script_labels = {key: label(key) for key in SCRIPT_LABELS}
    script_labels.update({f"facet_{f.id}": block.legend for f, block in zip(FACETS, facets,
                                                                              strict=True)})
    # Rendered again only when a count changed (bsla.memo): every preview rebuild
    # computes the counts, few edits change them.
    return templates.memo("search", (facets,), functools.partial(
        _search_page, templates, facets, script_labels))


def _search_page(templates: Templates, facets: list[FacetBlock],
                 script_labels: dict[str, str]) -> GeneratedPage:
    label = templates.label
    content = templates.render(
        "search.md.j2",
        facets=facets,
        script_labels=json.dumps(script_labels, ensure_ascii=False),
        script=SEARCH_SCRIPT,
        pdf_pages_shown=PAGES_PER_WORD,
        pagefind=PAGEFIND_SCRIPT,
        every_word=EVERY_RECORD_WORD,
        href=templates.href_from(SEARCH_SRC_URI),
        title_meta=front_matter_text(label("search_title")),
    )
    return GeneratedPage(SEARCH_SRC_URI, content)


def matrix_page(catalog: Catalog, templates: Templates) -> GeneratedPage:
    tables = matrix_tables(catalog, templates)
    return templates.memo("matrix", (tables,), functools.partial(_matrix_page, templates, tables))


def _matrix_page(templates: Templates, tables: list[MatrixTable]) -> GeneratedPage:
    content = templates.render(
        "matrix.md.j2",
        tables=tables,
        href=templates.href_from(MATRIX_SRC_URI),
        title_meta=front_matter_text(templates.label("matrix_title")),
    )
    return GeneratedPage(MATRIX_SRC_URI, content)


def tag_groups(resources: list[Resource], tags_of: Callable[[Resource], list[str]] | None = None,
               ) -> dict[str, tuple[str, list[Resource]]]:
    """Resources by tag slug, with the tag as first written; sorted by tag.

    ``tags_of`` gives a resource's keywords as a page shows them (translated,
    on a page in another language); by default its own.
    """
    groups: dict[str, list[Resource]] = defaultdict(list)
    names: dict[str, str] = {}
    for resource in resources:
        tags = tags_of(resource) if tags_of else resource.tags
        # Two spellings of one tag share a slug; the resource is listed once.
        for slug, tag in {tag_slug(tag): tag for tag in reversed(tags)}.items():
            names.setdefault(slug, tag)
            groups[slug].append(resource)
    return {slug: (names[slug], groups[slug])
            for slug in sorted(groups, key=lambda s: (names[s].casefold(), s))}


def tag_pages(catalog: Catalog, templates: Templates) -> list[GeneratedPage]:
    label = templates.label
    groups = tag_groups(catalog.resources, templates.shown_tags)
    index_uri = tags_index_src_uri()
    # Keyword pages stay out of the navigation; only their index is in it.
    nav = yaml.safe_dump({"title": label("tags_title"), "nav": ["index.md"]},
                         allow_unicode=True, sort_keys=False)
    listed = [(name, tag_src_uri(name), len(items)) for name, items in groups.values()]
    pages = [GeneratedPage(f"{TAGS_DIR}/{NAV_FILE}", nav), GeneratedPage(
        index_uri,
        templates.memo("tags", (listed,), functools.partial(
            templates.render,
            "tags.md.j2",
            tags=listed,
            href=templates.href_from(index_uri),
            title_meta=front_matter_text(label("tags_title")),
        )),
    )]
    size = catalog.taxonomy.listing_page_size
    for name, items in groups.values():
        for page in paginate(items, size, tag_src_uri(name)):
            title = label("tag_title", tag=name)
            if page.number > 1:
                title = label("title_with_page", title=title, number=page.number)
            pages.append(GeneratedPage(page.src_uri, templates.memo(
                f"tag:{page.src_uri}", (name, page, title),
                functools.partial(
                    templates.render,
                    "tag.md.j2",
                    tag=name,
                    page=page,
                    resources=page.items,
                    index_uri=index_uri,
                    href=templates.href_from(page.src_uri),
                    card=templates.cards_from(page.src_uri),
                    title_meta=front_matter_text(title),
                ))))
    return pages


def discovery_pages(catalog: Catalog, templates: Templates) -> list[GeneratedPage]:
    return [search_page(catalog, templates), matrix_page(catalog, templates),
            *tag_pages(catalog, templates)]
