"""Related resources: explicit links first, then shared terms, always in the same order."""

from __future__ import annotations

import pytest

from bsla.catalog import RELATED_LIMIT, load_catalog

SECTION = "compendium/leadership-governance"


@pytest.fixture
def catalog_of(project):
    def build(entries: dict[str, dict[str, str]]):
        for rid, fields in entries.items():
            project.resource(SECTION, rid, **fields)
        return load_catalog(project.root, read_pdfs=False)

    return build


def ids(resources) -> list[str]:
    return [r.id for r in resources]


def test_explicit_related_come_first_in_the_order_written(catalog_of):
    catalog = catalog_of({
        "base": {"related": "[zeta, alpha]", "tags": "[budget]"},
        "alpha": {},
        "zeta": {},
        "twin": {"tags": "[budget]"},  # shares a tag, but was not named
    })
    assert ids(catalog.related(catalog.by_id["base"])) == ["zeta", "alpha", "twin"]


def test_shared_terms_rank_by_weight(catalog_of):
    catalog = catalog_of({
        "base": {"tags": "[budget]", "capacities": "[inclusive-governance]",
                 "focus_areas": "[families]", "audiences": "[funders]"},
        "by-tag": {"tags": "[budget]"},                                   # 3
        "by-capacity": {"capacities": "[inclusive-governance]"},          # 2
        "by-focus": {"focus_areas": "[families]"},                        # 1
        "by-focus-and-audience": {"focus_areas": "[families]",
                                  "audiences": "[funders]"},              # 2
        "by-everything": {"tags": "[budget]", "capacities": "[inclusive-governance]",
                          "focus_areas": "[families]"},                   # 6
        "unrelated": {"tags": "[other]", "capacities": "[effective-collaboration]"},
    })
    assert ids(catalog.related(catalog.by_id["base"])) == [
        "by-everything", "by-tag", "by-capacity", "by-focus-and-audience", "by-focus"]


def test_ties_break_on_id_and_no_match_means_no_entry(catalog_of):
    catalog = catalog_of({
        "base": {"capacities": "[inclusive-governance]"},
        "c-tie": {"capacities": "[inclusive-governance]"},
        "a-tie": {"capacities": "[inclusive-governance]"},
        "b-tie": {"capacities": "[inclusive-governance]"},
        "nothing-shared": {"capacities": "[effective-collaboration]"},
    })
    assert ids(catalog.related(catalog.by_id["base"])) == ["a-tie", "b-tie", "c-tie"]


def test_at_most_the_limit_and_never_itself(catalog_of):
    entries = {f"r{n:02d}": {"tags": "[shared]"} for n in range(RELATED_LIMIT + 4)}
    catalog = catalog_of(entries)
    first = catalog.by_id["r00"]
    related = catalog.related(first)
    assert len(related) == RELATED_LIMIT
    assert "r00" not in ids(related)
    assert ids(related) == sorted(ids(related))


def test_explicit_links_beyond_the_limit_are_cut(catalog_of):
    names = [f"x{n}" for n in range(RELATED_LIMIT + 2)]
    entries = {"base": {"related": "[" + ", ".join(names) + "]"}}
    entries.update({name: {} for name in names})
    catalog = catalog_of(entries)
    assert ids(catalog.related(catalog.by_id["base"])) == names[:RELATED_LIMIT]


def test_a_smaller_limit_first_does_not_shorten_later_answers(catalog_of):
    catalog = catalog_of({
        "base": {"tags": "[shared]"}, "a": {"tags": "[shared]"}, "b": {"tags": "[shared]"},
        "c": {"tags": "[shared]"},
    })
    base = catalog.by_id["base"]
    assert ids(catalog.related(base, limit=1)) == ["a"]
    assert ids(catalog.related(base)) == ["a", "b", "c"]
    assert ids(catalog.related(base, limit=2)) == ["a", "b"]


def test_withdrawn_resources_are_not_suggested_but_may_be_named(catalog_of):
    catalog = catalog_of({
        "base": {"tags": "[shared]", "related": "[named-old]"},
        "named-old": {"status": "withdrawn"},
        "gone": {"tags": "[shared]", "status": "withdrawn"},
        "live": {"tags": "[shared]"},
    })
    assert ids(catalog.related(catalog.by_id["base"])) == ["named-old", "live"]


def test_same_answer_whatever_the_file_order(make_project):
    answers = []
    for name, order in (("forward", range(8)), ("backward", reversed(range(8)))):
        project = make_project(name)
        for n in order:
            project.resource(SECTION, f"r{n}", tags="[shared]" if n % 2 else "[shared, more]",
                             capacities="[inclusive-governance]")
        catalog = load_catalog(project.root, read_pdfs=False)
        answers.append({r.id: ids(catalog.related(r)) for r in catalog.resources})
    assert answers[0] == answers[1]
