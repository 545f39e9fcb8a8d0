"""Finding resources without a server: facets, search records, matrix, keyword and listing pages."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from bsla.catalog import load_catalog
from bsla.errors import LibraryError, Problems
from bsla.facets import FACETS, facet_values, matching
from bsla.indexed_text import searchable_text
from bsla.labels import load_labels
from bsla.pages.discovery import SCRIPT_LABELS, matrix_tables, tag_groups
from bsla.paging import paginate
from bsla.search.bundle import write_search_index
from bsla.search.records import record_html
from bsla.taxonomy import DEFAULT_LISTING_PAGE_SIZE, load_taxonomy
from bsla.urls import page_src_uri, tag_slug, tag_src_uri
from tests.conftest import REPO, render_catalog

OUTREACH = "compendium/outreach-engagement"
GOVERNANCE = "compendium/leadership-governance"


def pages_of(project):
    catalog = load_catalog(project.root, read_pdfs=False)
    site, templates = render_catalog(catalog, project.root)
    return {p.src_uri: p.content for p in site.pages}, (catalog, templates)


def set_page_size(project, size: str) -> None:
    text = (project.root / "taxonomy.yml").read_text("utf-8")
    text = re.sub(r"listing_page_size: \S+", f"listing_page_size: {size}", text)
    (project.root / "taxonomy.yml").write_text(text, "utf-8")


# --- paging ---------------------------------------------------------------------------

@pytest.mark.parametrize(("first", "number", "expected"), [
    ("compendium/outreach-engagement.md", 1, "compendium/outreach-engagement.md"),
    ("compendium/outreach-engagement.md", 2, "compendium/outreach-engagement/page-2.md"),
    ("issue-briefs/index.md", 3, "issue-briefs/page-3.md"),
    ("tags/budget.md", 2, "tags/budget/page-2.md"),
])
def test_page_addresses(first, number, expected):
    assert page_src_uri(first, number) == expected


def test_paginate_splits_and_numbers():
    pages = paginate(list(range(7)), 3, "x.md")
    assert [list(p.items) for p in pages] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [(p.start, p.end, p.count, p.total) for p in pages] == [
        (1, 3, 3, 7), (4, 6, 3, 7), (7, 7, 3, 7)]
    assert len(paginate([], 3, "x.md")) == 1


def test_page_links_skip_far_pages():
    page = paginate(list(range(100)), 5, "x.md")[9]  # page 10 of 20
    assert page.nearby(2) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert paginate(list(range(6)), 2, "x.md")[0].nearby(2) == [1, 2, 3]


def test_listing_page_size_comes_from_taxonomy(project):
    problems = Problems(REPO)
    assert load_taxonomy(REPO / "taxonomy.yml", REPO, problems).listing_page_size >= 1
    set_page_size(project, "0")
    with pytest.raises(LibraryError) as caught:
        load_catalog(project.root, read_pdfs=False)
    problem = caught.value.problems[0]
    assert problem.path.endswith("taxonomy.yml") and problem.line
    assert "listing_page_size" in problem.message
    assert DEFAULT_LISTING_PAGE_SIZE >= 1


def test_long_listing_is_split_over_pages(project):
    for n in range(5):
        project.resource(OUTREACH, f"item-{n}")
    set_page_size(project, "2")
    pages, _ = pages_of(project)
    first = pages["compendium/outreach-engagement.md"]
    second = pages["compendium/outreach-engagement/page-2.md"]
    third = pages["compendium/outreach-engagement/page-3.md"]
    assert "compendium/outreach-engagement/page-4.md" not in pages
    cards = [re.findall(r'data-resource-id="([^"]+)"', page) for page in (first, second, third)]
    assert cards == [["item-0", "item-1"], ["item-2", "item-3"], ["item-4"]]
    assert 'href="page-2/"' in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert 'href="../"' in second and 'aria-current="page"' in second
    assert "showing 3–4" in second
    assert "page 2" in second.split("---")[1]  # the page title says which page it is


def test_short_listing_has_no_page_links(project):
    project.resource(OUTREACH, "only")
    pages, _ = pages_of(project)
    assert "bsla-pagination" not in pages["compendium/outreach-engagement.md"]


def test_listing_links_to_its_filtered_search(project):
    project.resource(OUTREACH, "only")
    project.resource("briefs/issue-briefs", "brief")
    pages, _ = pages_of(project)
    assert 'href="../../search/?section=outreach-engagement"' in \
        pages["compendium/outreach-engagement.md"]
    assert 'href="../search/?collection=issue-briefs"' in pages["issue-briefs/index.md"]


# --- facets and records ------------------------------------------------------------------

def test_facet_values_use_taxonomy_labels_and_count_resources(project):
    text = (project.root / "taxonomy.yml").read_text("utf-8")
    (project.root / "taxonomy.yml").write_text(
        text.replace("en: Inclusive Governance", "en: Governing Together"), "utf-8")
    project.resource(GOVERNANCE, "a", capacities="[inclusive-governance]", date='"2019"')
    project.resource(OUTREACH, "b", capacities="[inclusive-governance, effective-collaboration]",
                     date='"2021-03"')
    catalog = load_catalog(project.root, read_pdfs=False)
    by_facet = {f.id: {v.id: (v.label, v.count) for v in facet_values(catalog, f)}
                for f in FACETS}
    assert by_facet["capacity"]["inclusive-governance"] == ("Governing Together", 2)
    assert by_facet["capacity"]["effective-collaboration"][1] == 1
    assert by_facet["capacity"]["keepers-of-the-vision"][1] == 0
    assert list(by_facet["year"]) == ["2021", "2019"]
    assert by_facet["section"]["outreach-engagement"] == ("Outreach and Engagement", 1)
    assert by_facet["collection"]["compendium"][1] == 2


def test_matching_is_and_across_facets_or_within_one(project):
    project.resource(GOVERNANCE, "a", capacities="[inclusive-governance]", type="tool")
    project.resource(GOVERNANCE, "b", capacities="[effective-collaboration]", type="tool")
    project.resource(OUTREACH, "c", capacities="[inclusive-governance]", type="toolkit")
    catalog = load_catalog(project.root, read_pdfs=False)

    def found(selected):
        return sorted(r.id for r in matching(catalog, selected))

    assert found({"capacity": ["inclusive-governance", "effective-collaboration"]}) == \
        ["a", "b", "c"]
    assert found({"capacity": ["inclusive-governance"], "type": ["tool"]}) == ["a"]
    assert found({"capacity": ["inclusive-governance"], "section": ["leadership-governance"],
                  "type": ["toolkit"]}) == []
    assert found({}) == ["a", "b", "c"]


def test_search_record_carries_pdf_text_filters_and_escapes(project):
    project.resource(GOVERNANCE, "kit", pdf_pages=1, text="Hidden <b>marmalade</b> clause",
                     capacities="[inclusive-governance]", tags="[budget]", date='"2018-04"',
                     title='"Kit <script>x</script>"')
    catalog = load_catalog(project.root)
    _, templates = render_catalog(catalog, project.root)
    html = record_html(catalog, templates, catalog.by_id["kit"], 0)
    assert "marmalade" in html and "<b>" not in html and "<script>" not in html
    assert 'data-pagefind-filter="capacity:inclusive-governance"' in html
    assert 'data-pagefind-filter="section:leadership-governance"' in html
    assert 'data-pagefind-filter="year:2018"' in html
    assert 'data-pagefind-sort="order:000000"' in html
    assert "budget" in html


def fragments(site: Path) -> list[str]:
    return [gzip.decompress(f.read_bytes()).decode("utf-8", "replace")
            for f in (site / "pagefind" / "fragment").iterdir()]


def test_index_holds_pdf_text_that_the_page_does_not(project, tmp_path):
    phrase = "quillwort estuary covenant"
    project.resource(GOVERNANCE, "kit", pdf_pages=2, text=f"Page about the {phrase}")
    project.resource(OUTREACH, "other", pdf_pages=1, text="Nothing to see")
    catalog = load_catalog(project.root)
    site, templates = render_catalog(catalog, project.root)
    assert write_search_index(catalog, templates, tmp_path / "site") == 2
    holding = [f for f in fragments(tmp_path / "site") if phrase in f]
    assert len(holding) == 1 and '"url":"/resources/kit/"' in holding[0]
    page = next(p for p in site.pages if p.src_uri == "resources/kit/index.md")
    assert phrase not in page.content
    for name in ("pagefind.js", "pagefind-worker.js", "wasm.en.pagefind"):
        assert (tmp_path / "site" / "pagefind" / name).stat().st_size > 0


def test_offline_index_keeps_html_file_urls(project, tmp_path):
    project.resource(GOVERNANCE, "kit")
    catalog = load_catalog(project.root, read_pdfs=False)
    _, templates = render_catalog(catalog, project.root, use_directory_urls=False)
    write_search_index(catalog, templates, tmp_path / "site")
    assert '"url":"/resources/kit/index.html"' in fragments(tmp_path / "site")[0]


# --- search page, matrix, keywords ------------------------------------------------------

def test_search_page_offers_every_taxonomy_value(project):
    project.resource(GOVERNANCE, "a", capacities="[inclusive-governance]", date='"2019"')
    pages, (catalog, _) = pages_of(project)
    page = pages["search.md"]
    taxonomy = catalog.taxonomy
    for name, facet in (("capacities", "capacity"), ("focus_areas", "focus"),
                        ("types", "type"), ("audiences", "audience"), ("languages", "language")):
        for term in taxonomy.vocabulary(name).values():
            assert f'name="{facet}" value="{term.id}"' in page
            assert f">{term.label_in('en')} <span" in page
    assert 'name="year" value="2019"' in page
    assert page.count("<fieldset") == page.count("<summary>") == len(FACETS)
    assert 'src="../assets/javascripts/search.js"' in page
    assert 'data-pagefind="../pagefind/pagefind.js"' in page


def test_every_label_the_search_script_and_facets_use_exists(project):
    labels = load_labels(REPO)
    keys = set(SCRIPT_LABELS) | {f.label_key for f in FACETS}
    assert sorted(k for k in keys if k not in labels or not labels[k].get("es")) == []


def test_matrix_counts_match_the_facet_rule(project):
    project.resource(GOVERNANCE, "a", capacities="[inclusive-governance]", focus_areas="[families]")
    project.resource(OUTREACH, "b", capacities="[inclusive-governance, effective-collaboration]")
    project.resource("briefs/issue-briefs", "c", capacities="[inclusive-governance]",
                     focus_areas="[families, communities]")
    pages, (catalog, templates) = pages_of(project)
    tables = {t.id: t for t in matrix_tables(catalog, templates)}
    assert len(tables["by-collection"].rows) == 6
    for table in tables.values():
        for row in table.rows:
            for cell in row.cells:
                selected = {k: v for k, v in parse_qs(cell.query).items()}
                assert cell.count == len(matching(catalog, selected))
    governance = next(r for r in tables["by-collection"].rows if r.id == "inclusive-governance")
    assert [c.count for c in governance.cells] == [2, 0, 1]
    assert governance.total.count == 3
    families = next(r for r in tables["by-focus-area"].rows if r.id == "inclusive-governance")
    assert families.cells[0].count == 2
    page = pages["matrix.md"]
    assert 'href="../search/?capacity=inclusive-governance&amp;collection=compendium"' in page
    assert "<th scope=\"row\">Inclusive Governance</th>" in page


@pytest.mark.parametrize(("tag", "slug"), [
    ("Results-Based Accountability", "results-based-accountability"),
    ("participación", "participacion"),
    ("index", "index-tag"),
    ("page-2", "page-2-tag"),
])
def test_tag_slugs(tag, slug):
    assert tag_slug(tag) == slug


def test_tag_slug_for_text_without_ascii_letters_is_stable_and_distinct():
    assert tag_slug("教育") == tag_slug("教育") != tag_slug("家庭")
    assert tag_slug("教育").startswith("tag-")


def test_tag_pages_list_their_resources(project):
    project.resource(GOVERNANCE, "a", tags="[budget, Participación]")
    project.resource(OUTREACH, "b", tags="[budget]")
    pages, (catalog, _) = pages_of(project)
    groups = tag_groups(catalog.resources)
    assert {slug: [r.id for r in items] for slug, (_, items) in groups.items()} == {
        "budget": ["a", "b"], "participacion": ["a"]}
    budget = pages[tag_src_uri("budget")]
    assert re.findall(r'data-resource-id="([^"]+)"', budget) == ["a", "b"]
    index = pages["tags/index.md"]
    assert 'href="budget/"' in index and "(2)" in index
    assert 'href="participacion/"' in index
    resource = pages["resources/a/index.md"]
    assert '<a href="../../tags/budget/">budget</a>' in resource


def test_index_command_adds_search_to_a_site_built_elsewhere(project, tmp_path, capsys):
    from bsla.cli import main

    project.resource(GOVERNANCE, "kit", pdf_pages=1, text="Lantern orchard memo")
    site = tmp_path / "elsewhere"
    site.mkdir()
    assert main(["--root", str(project.root), "index", "--site-dir", str(site)]) == 0
    assert "Indexed 1 resources" in capsys.readouterr().out
    assert any("orchard" in f for f in fragments(site))


def test_searchable_text_keeps_the_head_then_each_new_word_once():
    text = "Budget plan. " * 3 + "Community budget, community plan; outreach!"
    assert searchable_text(text, head_words=4) == "Budget plan. Budget plan. Community outreach!"
    assert searchable_text("a b a", head_words=10) == "a b a"
