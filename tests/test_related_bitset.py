"""Related items: the bit-set scoring gives exactly the ranking of a plain count."""

import heapq
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bsla.catalog import RELATED_WEIGHTS, Catalog


@dataclass
class Item:
    """The fields of a Resource that Catalog's indices and related() read."""

    id: str
    capacities: list[str]
    focus_areas: list[str]
    audiences: list[str]
    tags: list[str]
    related: list[str] = field(default_factory=list)
    former_ids: list[str] = field(default_factory=list)
    section: None = None
    placement_id: str = "issue-briefs"
    status: str = "available"
    translation_of: str | None = None


def counted(catalog: Catalog, item: Item, limit: int) -> list[str]:
    """The obvious O(N) definition: count shared terms, best first, ties by id."""
    chosen = [i for i in item.related if i in catalog.by_id][:limit]
    taken = {item.id, *chosen}
    scores: Counter[str] = Counter()
    for other in catalog.resources:
        if other.id in taken:
            continue
        for facet, weight in RELATED_WEIGHTS.items():
            scores[other.id] += weight * len(set(getattr(item, facet)) &
                                             set(getattr(other, facet)))
    ranked = heapq.nsmallest(limit - len(chosen), ((-s, i) for i, s in scores.items() if s > 0))
    return chosen + [i for _, i in ranked]


def random_catalog(seed: int, size: int) -> Catalog:
    rng = random.Random(seed)
    vocab = {"capacities": [f"c{i}" for i in range(6)], "focus_areas": [f"f{i}" for i in range(4)],
             "audiences": [f"a{i}" for i in range(6)], "tags": [f"t{i}" for i in range(30)]}
    ids = [f"r-{rng.randrange(10**6):06d}-{n}" for n in range(size)]
    items = []
    for rid in ids:
        terms = {facet: rng.sample(words, rng.randint(0, 3)) for facet, words in vocab.items()}
        related = rng.sample(ids, rng.randint(0, 2)) if rng.random() < 0.3 else []
        items.append(Item(rid, related=[r for r in related if r != rid], **terms))
    catalog = Catalog.__new__(Catalog)
    Catalog.__init__(catalog, Path("."), None, items)  # type: ignore[arg-type]
    return catalog


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("limit", [1, 5, 12])
def test_related_matches_a_plain_count(seed, limit):
    catalog = random_catalog(seed, 120)
    for item in catalog.resources:
        catalog._related_ids.clear()
        assert [r.id for r in catalog.related(item, limit)] == counted(catalog, item, limit)


def test_no_shared_term_means_no_related_item():
    lonely = Item("zz-lonely", [], [], [], ["only-here"])
    catalog = Catalog.__new__(Catalog)
    Catalog.__init__(catalog, Path("."), None, [lonely])  # type: ignore[arg-type]
    assert catalog.related(lonely) == []
