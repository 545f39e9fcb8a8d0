"""Search, filters, capacity matrix and listings in Chromium, against the built site.

One small catalog with generated PDFs is built once for the module and served
on 127.0.0.1; every test also checks that the page made no external request.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from bsla.catalog import load_catalog
from bsla.facets import matching
from bsla.mkdocs_door.commands import build_site
from tests.browser.conftest import serve_directory
from tests.conftest import Project

pytestmark = pytest.mark.browser

PDF_PHRASE = "quillwort estuary covenant"
HOSTILE_WORD = "zanzibarite"
GOVERNANCE = "compendium/leadership-governance"
OUTREACH = "compendium/outreach-engagement"
BRIEFS = "briefs/issue-briefs"
PAGE_SIZE = 3
# Words only one page of a nine-page PDF holds, and words several pages share.
PAGE_FIVE_PHRASE = "marigold lantern syllabus"
NINE_PAGES_TITLE = "Nine page handbook"


def wordy_pdf(path: Path) -> None:
    """A PDF of many distinct pseudo-words, drawn line by line (no text wrapping: fast)."""
    from fpdf import FPDF

    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qu", "dr"]
    words = ["".join(parts) for parts in itertools.product(syllables, repeat=4)]
    lines = [" ".join(words[i:i + 14]) for i in range(0, len(words), 14)]
    pdf = FPDF()
    pdf.set_font("helvetica", size=7)
    for start in range(0, len(lines), 70):
        pdf.add_page()
        for number, line in enumerate(lines[start:start + 70]):
            pdf.text(10, 10 + number * 3.8, line)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


def nine_page_pdf(path: Path) -> None:
    """Nine pages of ordinary text; the phrase is on page 5 only, "heron" on 1 (four times),
    2, 4, 5, 6 and 8, "osprey" on 4 and 6: a search for both words finds pages 4 and 6 best."""
    from fpdf import FPDF

    extra = {1: "heron heron heron heron", 2: "heron", 4: "heron osprey",
             5: f"heron {PAGE_FIVE_PHRASE}", 6: "heron osprey", 8: "heron"}
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for number in range(1, 10):
        pdf.add_page()
        pdf.multi_cell(0, 8, f"Ordinary handbook text about meetings, section {number}. "
                             f"{extra.get(number, '')}")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("search") / "library")
    taxonomy = project.root / "taxonomy.yml"
    taxonomy.write_text(re.sub(r"listing_page_size: \d+", f"listing_page_size: {PAGE_SIZE}",
                               taxonomy.read_text("utf-8")), "utf-8")
    project.resource(GOVERNANCE, "pdf-only", pdf_pages=2, title='"Meeting notes toolkit"',
                     summary='"How to keep minutes."',
                     text=f"The {PDF_PHRASE} appears only inside this PDF",
                     capacities="[inclusive-governance]", language="en")
    project.resource(GOVERNANCE, "hostile", pdf_pages=1, title='"Plain title"',
                     text=f'{HOSTILE_WORD} <img src=x onerror="window.__pwned=1"> '
                          f'<script>window.__pwned=2</script>')
    facets = [
        ("gov-es-a", GOVERNANCE, "[inclusive-governance]", "es"),
        ("gov-es-b", OUTREACH, "[inclusive-governance, effective-collaboration]", "es"),
        ("gov-en", OUTREACH, "[inclusive-governance]", "en"),
        ("collab-es", BRIEFS, "[effective-collaboration]", "es"),
        ("collab-en", BRIEFS, "[effective-collaboration]", "en"),
        ("vision-es", OUTREACH, "[keepers-of-the-vision]", "es"),
        ("data-en", OUTREACH, "[data-driven-learning]", "en"),
    ]
    for rid, folder, capacities, language in facets:
        project.resource(folder, rid, pdf_pages=1, text=f"Body of {rid}",
                         capacities=capacities, language=language,
                         summary=f'"Working on governance together, part {rid}."')
    nine_page_pdf(project.root / OUTREACH / "nine-pages.pdf")
    project.resource(OUTREACH, "nine-pages", status="available", file="nine-pages.pdf",
                     title=f'"{NINE_PAGES_TITLE}"', summary='"A handbook for meetings."')
    # Twenty thousand distinct words, so Pagefind splits its index into several chunks.
    wordy_pdf(project.root / "compendium/initiative-wide/wordy.pdf")
    project.resource("compendium/initiative-wide", "wordy", status="available",
                     file="wordy.pdf")
    site = project.root / "site"
    build_site(project.root, site)
    base, server = serve_directory(site)
    yield project, base, load_catalog(project.root, read_pdfs=False)
    server.shutdown()


def settle(page) -> None:
    """Wait until the search script is ready and no search is running."""
    page.wait_for_function(
        "() => { const root = document.querySelector('[data-bsla-search]');"
        " return root.classList.contains('bsla-search--ready')"
        " && !root.hasAttribute('aria-busy'); }")


def result_ids(page, *, expand: bool = True) -> list[str]:
    more = page.locator("[data-more]")
    while expand and more.is_visible():
        more.click()
        settle(page)
        page.wait_for_timeout(50)
    hrefs = page.eval_on_selector_all("[data-results] h3 a",
                                      "links => links.map(a => a.getAttribute('href'))")
    return [re.search(r"/resources/([^/]+)/", href).group(1) for href in hrefs]


def box(page, facet: str, value: str):
    return page.locator(f'input[type=checkbox][name="{facet}"][value="{value}"]')


def open_group(page, facet: str) -> None:
    """Open a facet's group and wait until its counts follow the current search."""
    group = page.locator(f'details[data-facet="{facet}"]')
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    page.locator(f'details[data-facet="{facet}"][data-counts="live"]').wait_for()
    settle(page)


def test_a_phrase_only_inside_a_pdf_finds_that_resource(page, library):
    project, base, _ = library
    page.goto(base + "search/")
    settle(page)
    page.get_by_label("Words to search for").fill(PDF_PHRASE)
    page.keyboard.press("Enter")
    settle(page)
    assert result_ids(page) == ["pdf-only"]
    marks = page.locator("[data-results] mark").all_inner_texts()
    assert {m.casefold() for m in marks} >= set(PDF_PHRASE.split())
    assert page.locator("[data-results] .bsla-result__meta").inner_text().startswith("Toolkit")
    assert "q=quillwort+estuary+covenant" in page.url
    # The phrase is in the index, not in the page a visitor downloads.
    served = (project.root / "site/resources/pdf-only/index.html").read_text("utf-8")
    assert PDF_PHRASE not in served
    assert page.external_requests == []


def test_text_from_a_pdf_is_shown_as_text_never_as_markup(page, library):
    _, base, _ = library
    page.goto(base + f"search/?q={HOSTILE_WORD}")
    settle(page)
    assert result_ids(page) == ["hostile"]
    # The PDF's words are quoted under the page they are on.
    excerpt = page.locator("[data-results] .bsla-result__page-excerpt").inner_text()
    assert "<img" in excerpt
    assert page.locator("[data-results] img, [data-results] script").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert page.external_requests == []


def test_two_facets_combine_and_within_a_facet_values_add_up(page, library):
    _, base, catalog = library
    page.goto(base + "search/")
    settle(page)
    # Keyboard only: open the group from its summary, then tick with Space.
    page.locator('details[data-facet="capacity"] summary').focus()
    page.keyboard.press("Enter")
    page.locator('details[data-facet="capacity"][data-counts="live"]').wait_for()
    page.get_by_label(re.compile(r"^Inclusive Governance \(")).focus()
    page.keyboard.press("Space")
    settle(page)
    open_group(page, "language")
    page.get_by_label(re.compile(r"^Spanish \(")).focus()
    page.keyboard.press("Space")
    settle(page)
    expected = {r.id for r in matching(catalog, {"capacity": ["inclusive-governance"],
                                                 "language": ["es"]})}
    assert expected == {"gov-es-a", "gov-es-b"}
    assert set(result_ids(page)) == expected
    assert "capacity=inclusive-governance" in page.url and "language=es" in page.url
    # Counts tell what ticking a box would give, with the other facets applied.
    assert box(page, "capacity", "effective-collaboration").locator(
        "xpath=following-sibling::label").inner_text().endswith("(2)")
    box(page, "capacity", "effective-collaboration").check()
    settle(page)
    expected = {r.id for r in matching(catalog, {
        "capacity": ["inclusive-governance", "effective-collaboration"], "language": ["es"]})}
    assert set(result_ids(page)) == expected == {"gov-es-a", "gov-es-b", "collab-es"}
    assert page.external_requests == []


def test_the_url_round_trips_the_state(page, library):
    _, base, catalog = library
    page.goto(base + "search/?q=governance&capacity=inclusive-governance")
    settle(page)
    assert page.get_by_label("Words to search for").input_value() == "governance"
    assert box(page, "capacity", "inclusive-governance").is_checked()
    first = set(result_ids(page))
    assert first and first <= {r.id for r in matching(catalog,
                                                      {"capacity": ["inclusive-governance"]})}
    open_group(page, "language")
    box(page, "language", "en").check()
    settle(page)
    narrowed = set(result_ids(page))
    assert narrowed < first and "language=en" in page.url
    page.reload()
    settle(page)
    assert box(page, "language", "en").is_checked()
    assert set(result_ids(page)) == narrowed
    page.go_back()
    settle(page)
    assert not box(page, "language", "en").is_checked()
    assert box(page, "capacity", "inclusive-governance").is_checked()
    assert "language=" not in page.url
    assert set(result_ids(page)) == first
    page.go_forward()
    settle(page)
    assert box(page, "language", "en").is_checked()
    assert set(result_ids(page)) == narrowed
    assert page.external_requests == []


def test_matrix_cells_count_what_the_filtered_list_shows(page, library):
    _, base, _ = library
    page.goto(base + "matrix/")
    links = page.eval_on_selector_all(
        "table.bsla-matrix td a", "links => links.map(a => [a.textContent, a.href])")
    assert len(links) >= 6
    for count, href in links:
        page.goto(href)
        settle(page)
        assert len(result_ids(page)) == int(count), href
    assert page.external_requests == []


def test_no_results_explains_what_to_relax(page, library):
    _, base, _ = library
    page.goto(base + f"search/?q={PDF_PHRASE.split()[0]}&language=es")
    settle(page)
    assert result_ids(page) == []
    assert page.locator("[data-status]").inner_text() == \
        "No resource matches all of these conditions."
    relax = page.locator("[data-relax] button")
    assert relax.count() == 2
    language = page.get_by_role("button", name=re.compile("Language"))
    assert "(1 results)" in language.inner_text()
    language.click()
    settle(page)
    assert result_ids(page) == ["pdf-only"]
    assert "language=" not in page.url
    assert page.external_requests == []


def test_a_view_with_filters_only_loads_one_index_chunk(page, library):
    project, base, catalog = library
    chunks = list((project.root / "site/pagefind/index").iterdir())
    assert len(chunks) >= 3
    loaded: list[str] = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    page.goto(base + "search/?capacity=effective-collaboration")
    settle(page)
    expected = {r.id for r in matching(catalog, {"capacity": ["effective-collaboration"]})}
    assert set(result_ids(page)) == expected
    assert len([url for url in loaded if "/pagefind/index/" in url]) == 1
    # Only the facet in use has its filter data fetched; another comes when opened.
    assert len([url for url in loaded if "/pagefind/filter/" in url]) == 1
    assert page.locator('details[data-facet="capacity"]').get_attribute("open") is not None
    open_group(page, "type")
    assert len([url for url in loaded if "/pagefind/filter/" in url]) == 2
    toolkit = box(page, "type", "toolkit").locator("xpath=following-sibling::label")
    assert toolkit.inner_text().endswith(f"({len(expected)})")
    # Without search words a result shows its summary, not an excerpt of the index.
    summaries = page.locator("[data-results] .bsla-result__excerpt").all_inner_texts()
    assert all(text.startswith("Working on governance together") for text in summaries)
    assert page.external_requests == []


def test_listings_list_everything_without_javascript(browser, library):
    _, base, catalog = library
    context = browser.new_context(java_script_enabled=False)
    external: list[str] = []

    def guard(route) -> None:
        if route.request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    seen: list[str] = []
    tab.goto(base + "compendium/outreach-engagement/")
    for _ in range(10):
        cards = tab.eval_on_selector_all("[data-resource-id]",
                                         "cards => cards.map(c => c.dataset.resourceId)")
        assert len(cards) <= PAGE_SIZE
        seen += cards
        following = tab.locator("a[rel=next]")
        if following.count() == 0:
            break
        # Read the next page only once it has loaded: on a busy machine the cards
        # were read while the click's navigation was still under way.
        with tab.expect_navigation(wait_until="load"):
            following.click()
    expected = [r.id for r in catalog.in_placement("outreach-engagement")]
    assert len(expected) > PAGE_SIZE
    assert seen == expected
    tab.goto(base + "search/")
    assert "need JavaScript" in tab.locator(".bsla-notice").inner_text()
    assert not tab.locator("[data-facets]").is_visible()
    context.close()
    assert external == []


@pytest.mark.parametrize("path", [
    "search/?q=governance",
    f"search/?q={PDF_PHRASE.split()[0]}&language=es",
    "search/?capacity=effective-collaboration",
    "matrix/",
    "tags/",
    "compendium/outreach-engagement/page-2/",
])
def test_no_axe_violations_on_discovery_pages(page, library, path):
    from tests.browser.test_accessibility import AXE, axe_violations

    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `make test` (it runs npm ci)")
    _, base, _ = library
    page.goto(base + path)
    if path.startswith("search/"):
        settle(page)
    assert axe_violations(page) == []
    assert page.external_requests == []


def page_entries(page) -> list[tuple[str, str]]:
    """Each page entry under the results: its link's text and its href."""
    return page.eval_on_selector_all(
        "[data-results] .bsla-result__pages a",
        "links => links.map(a => [a.textContent.replace(/\\s+/g, ' ').trim(), a.href])")


def test_a_phrase_on_one_page_of_a_pdf_links_to_that_page(page, library):
    _, base, _ = library
    page.goto(base + "search/")
    settle(page)
    page.get_by_label("Words to search for").fill(PAGE_FIVE_PHRASE)
    page.keyboard.press("Enter")
    settle(page)
    assert result_ids(page) == ["nine-pages"]
    entries = page_entries(page)
    assert len(entries) == 1
    text, href = entries[0]
    assert href.endswith("/resources/nine-pages/nine-pages.pdf#page=5")
    # The link names its page and, for screen readers, which PDF.
    assert text == f"PDF, page 5 of “{NINE_PAGES_TITLE}”"
    link = page.get_by_role("link", name=f"PDF, page 5 of “{NINE_PAGES_TITLE}”")
    assert link.is_visible()
    assert page.locator(".bsla-result__pages").get_by_text("PDF, page 5").is_visible()
    marks = page.locator(".bsla-result__pages mark").all_inner_texts()
    assert {m.casefold().strip(".") for m in marks} == set(PAGE_FIVE_PHRASE.split())
    # Quoted once, under its page; the result itself shows the summary.
    assert page.locator("[data-results] .bsla-result__excerpt").inner_text() == \
        "A handbook for meetings."
    # The resource page stays the result's own link, and the PDF is served where it points.
    assert page.locator("[data-results] h3 a").get_attribute("href").rstrip("/").endswith(
        "resources/nine-pages")
    response = page.request.get(href.split("#")[0])
    assert response.ok and response.body().startswith(b"%PDF-")
    assert page.external_requests == []


def test_hits_on_several_pages_list_three_best_first(page, library):
    _, base, _ = library
    page.goto(base + "search/?q=heron+osprey")
    settle(page)
    assert result_ids(page) == ["nine-pages"]
    pages = [int(href.rsplit("#page=", 1)[1]) for _, href in page_entries(page)]
    # Pages 4 and 6 hold both words, so they come first, however often page 1 repeats
    # the common one; then the first of the pages with "heron" only.
    assert pages == [4, 6, 1]


def test_a_word_in_the_metadata_shows_no_page(page, library):
    _, base, _ = library
    page.goto(base + "search/?q=minutes")  # only in pdf-only's summary, not in its PDF
    settle(page)
    assert result_ids(page) == ["pdf-only"]
    assert page_entries(page) == []
    marks = page.locator("[data-results] .bsla-result__excerpt mark").all_inner_texts()
    assert [m.casefold().strip(".") for m in marks] == ["minutes"]


def test_the_spanish_search_page_names_the_page_in_spanish(page, library):
    _, base, _ = library
    page.goto(base + "es/search/?q=" + PAGE_FIVE_PHRASE.replace(" ", "+"))
    settle(page)
    assert result_ids(page) == ["nine-pages"]
    entries = page_entries(page)
    assert len(entries) == 1
    text, href = entries[0]
    assert text == f"PDF, página 5 de «{NINE_PAGES_TITLE}»"
    assert href.endswith("/es/resources/nine-pages/nine-pages.pdf#page=5")
    assert page.request.get(href.split("#")[0]).ok
    assert page.external_requests == []


@pytest.mark.parametrize("path", ["search/", "es/search/"])
def test_page_hits_pass_axe(page, library, path):
    from tests.browser.test_accessibility import AXE, axe_violations

    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `make test` (it runs npm ci)")
    _, base, _ = library
    page.goto(base + path + "?q=heron+osprey")
    settle(page)
    assert page.locator(".bsla-result__pages a").count() == 3
    assert axe_violations(page) == []
