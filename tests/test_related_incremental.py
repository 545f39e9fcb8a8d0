"""Related items carried from one load of the catalog to the next equal a full recompute."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bsla.catalog import Catalog
from tests.test_related_bitset import Item

LIMITS = (1, 3, 5)
VOCAB = {"capacities": [f"c{i}" for i in range(4)], "focus_areas": [f"f{i}" for i in range(3)],
         "audiences": [f"a{i}" for i in range(3)], "tags": [f"t{i}" for i in range(8)]}


def catalog_of(items: list[Item]) -> Catalog:
    catalog = Catalog.__new__(Catalog)
    Catalog.__init__(catalog, Path("."), None, items)  # type: ignore[arg-type]
    return catalog


def every_list(catalog: Catalog) -> dict[tuple[str, int], list[str]]:
    return {(item.id, limit): [r.id for r in catalog.related(item, limit)]
            for item in catalog.resources for limit in LIMITS}


terms = st.fixed_dictionaries({facet: st.lists(st.sampled_from(words), max_size=3, unique=True)
                               for facet, words in VOCAB.items()})
ids = st.sampled_from([f"r{i:02d}" for i in range(14)])
edits = st.one_of(
    st.tuples(st.just("terms"), ids, terms),
    st.tuples(st.just("related"), ids, st.lists(ids, max_size=2, unique=True)),
    st.tuples(st.just("withdraw"), ids, st.booleans()),
    st.tuples(st.just("add"), ids, terms),
    st.tuples(st.just("delete"), ids, st.none()),
    st.tuples(st.just("rename"), ids, ids),
    st.tuples(st.just("title"), ids, st.text(max_size=5)),
)


def apply(items: dict[str, Item], edit: tuple) -> None:
    kind, rid, value = edit
    item = items.get(rid)
    if kind == "add":
        if item is None:
            items[rid] = Item(rid, **value)
    elif item is None:
        return
    elif kind == "terms":
        items[rid] = replace(item, **value)
    elif kind == "related":
        items[rid] = replace(item, related=[r for r in value if r != rid])
    elif kind == "withdraw":
        items[rid] = replace(item, status="withdrawn" if value else "available")
    elif kind == "delete":
        del items[rid]
    elif kind == "rename" and value not in items:
        del items[rid]
        items[value] = replace(item, id=value)
    elif kind == "title":
        # A field related items do not depend on: a new object, same inputs.
        items[rid] = replace(item, placement_id=f"p{value!r}")


@settings(max_examples=150, deadline=None)
@given(start=st.dictionaries(ids, terms, min_size=1, max_size=12),
       steps=st.lists(st.lists(edits, min_size=1, max_size=3), min_size=1, max_size=6))
def test_inherited_related_items_equal_a_full_recompute(start, steps):
    items = {rid: Item(rid, **t) for rid, t in start.items()}
    previous = catalog_of(list(items.values()))
    every_list(previous)
    for step in steps:
        for edit in step:
            apply(items, edit)
        current = catalog_of(list(items.values()))
        current.inherit_related(previous)
        assert every_list(current) == every_list(catalog_of(list(items.values())))
        previous = current


def test_an_edit_outside_the_related_terms_keeps_every_list():
    items = {f"r{i}": Item(f"r{i}", ["c1"], [], [], [f"t{i % 3}"]) for i in range(30)}
    previous = catalog_of(list(items.values()))
    every_list(previous)
    items["r7"] = replace(items["r7"], placement_id="elsewhere")
    current = catalog_of(list(items.values()))
    assert current.inherit_related(previous) == len(items) * len(LIMITS)


def test_a_term_edit_recomputes_only_the_neighbours():
    items = {f"r{i}": Item(f"r{i}", [], [], [], [f"t{i % 5}"]) for i in range(50)}
    previous = catalog_of(list(items.values()))
    every_list(previous)
    items["r0"] = replace(items["r0"], tags=["t1"])  # leaves t0's group, joins t1's
    current = catalog_of(list(items.values()))
    taken = current.inherit_related(previous)
    # t0's ten and t1's ten resources are worked out again; the other thirty are kept.
    assert taken == 30 * len(LIMITS)
    assert every_list(current) == every_list(catalog_of(list(items.values())))


def test_a_deleted_resource_leaves_the_lists_that_named_it():
    # r1 names r2 but shares no term with it: only the naming links them.
    items = {"r1": Item("r1", ["c1"], [], [], [], related=["r2"]),
             "r2": Item("r2", ["c2"], [], [], []),
             "r3": Item("r3", ["c1"], [], [], [])}
    previous = catalog_of(list(items.values()))
    every_list(previous)
    del items["r2"]
    current = catalog_of(list(items.values()))
    current.inherit_related(previous)
    assert [r.id for r in current.related(items["r1"])] == ["r3"]
