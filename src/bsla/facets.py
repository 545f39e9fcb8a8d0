"""The ways to narrow the catalog (facets) and what the search page and its records share.

A facet's ``id`` is both the URL parameter of the search page and the
Pagefind filter its records carry; the search page's script applies the rule
of ``matching`` (AND across facets, OR within one) through Pagefind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bsla.catalog import Catalog
from bsla.schema import Resource

# A word every search record carries. Pagefind answers a search with no words
# (filters only) by loading every index chunk, the whole-catalog download the
# index exists to avoid; the search page searches for this word instead, which
# loads one chunk.
EVERY_RECORD_WORD = "zzbslaeveryz"


@dataclass(frozen=True)
class FacetValue:
    id: str
    label: str
    count: int


@dataclass(frozen=True)
class Facet:
    """A way to narrow the catalog; ``id`` is both the URL parameter and the Pagefind filter."""

    id: str
    label_key: str
    values_of: Callable[[Resource], list[str]]


FACETS: tuple[Facet, ...] = (
    Facet("collection", "field_collection", lambda r: [r.collection.id]),
    Facet("section", "field_section", lambda r: [r.section.id] if r.section else []),
    Facet("type", "field_type", lambda r: [r.type]),
    Facet("capacity", "field_capacities", lambda r: list(r.capacities)),
    Facet("focus", "field_focus_areas", lambda r: list(r.focus_areas)),
    Facet("audience", "field_audiences", lambda r: list(r.audiences)),
    Facet("language", "field_language", lambda r: [r.language]),
    Facet("year", "field_year", lambda r: [r.year] if r.year else []),
)
FACETS_BY_ID = {f.id: f for f in FACETS}
# Facets whose values are a taxonomy vocabulary (labels and order come from there).
FACET_VOCABULARIES = {"type": "types", "capacity": "capacities", "focus": "focus_areas",
                      "audience": "audiences", "language": "languages"}


def facet_terms(catalog: Catalog, facet: Facet, lang: str = "en") -> list[tuple[str, str]]:
    """Every (value id, label) a facet offers, in display order."""
    taxonomy = catalog.taxonomy
    if facet.id == "collection":
        return [(c.id, c.label_in(lang)) for c in taxonomy.collections]
    if facet.id == "section":
        return [(s.id, s.label_in(lang)) for c in taxonomy.collections for s in c.sections]
    if facet.id == "year":
        years = sorted({r.year for r in catalog.resources if r.year}, reverse=True)
        return [(y, y) for y in years]
    vocabulary = taxonomy.vocabulary(FACET_VOCABULARIES[facet.id])
    return [(term.id, term.label_in(lang)) for term in vocabulary.values()]


def facet_values(catalog: Catalog, facet: Facet, lang: str = "en") -> list[FacetValue]:
    # One count over every resource: a Counter.update per resource was most of
    # the search page's cost on each preview rebuild (cProfile, 1,000 resources).
    counts = Counter(value for resource in catalog.resources
                     for value in set(facet.values_of(resource)))
    return [FacetValue(vid, label, counts[vid]) for vid, label in facet_terms(catalog, facet, lang)]


def matching(catalog: Catalog, selected: dict[str, list[str]]) -> list[Resource]:
    """Resources a facet selection keeps: AND across facets, OR within one.

    The search page's script applies the same rule through Pagefind; this is
    the reference the counts on generated pages (capacity matrix) come from.
    """
    wanted = [(FACETS_BY_ID[fid], set(values)) for fid, values in selected.items() if values]
    return [
        r for r in catalog.resources
        if all(not values.isdisjoint(facet.values_of(r)) for facet, values in wanted)
    ]
