"""What a reader meets on every page: the header's search field, and search on a phone.

One small catalog is built once for the module and served on 127.0.0.1; every
test also checks that the page made no external request.
"""

from __future__ import annotations

import re

import pytest

from bsla.mkdocs_door.commands import build_site
from tests.browser.conftest import serve_directory
from tests.conftest import Project

pytestmark = pytest.mark.browser

WORD = "marigold"
PHONE = {"width": 390, "height": 844}
FOLDERS = ["compendium/leadership-governance", "compendium/outreach-engagement",
           "briefs/issue-briefs"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("reader") / "library")
    # Enough results that a phone cannot show them all, and every filter group in use.
    for number in range(12):
        project.resource(FOLDERS[number % 3], f"res-{number:02d}", pdf_pages=1,
                         title=f'"{WORD.title()} planning guide {number}"',
                         summary=f'"How partnerships plan with {WORD} seeds, part {number}."',
                         capacities="[inclusive-governance]",
                         language="es" if number % 2 else "en")
    site = project.root / "site"
    build_site(project.root, site)
    base, server = serve_directory(site)
    yield base
    server.shutdown()


def settle(page) -> None:
    page.wait_for_function(
        "() => { const root = document.querySelector('[data-bsla-search]');"
        " return root && root.classList.contains('bsla-search--ready')"
        " && !root.hasAttribute('aria-busy')"
        " && document.querySelector('[data-status]').textContent !== ''; }")


def header_search(page):
    return page.get_by_role("search", name="Search the library")


@pytest.mark.parametrize("path", ["", "resources/res-03/", "compendium/", "about/"])
def test_every_page_has_a_named_search_field_in_its_header(page, site, path):
    page.goto(site + path)
    form = header_search(page)
    assert form.count() == 1
    assert page.locator("header.md-header").locator("form[role=search]").count() == 1
    # Screen readers find it by its label; it is a real search input.
    field = form.get_by_label("Search the library")
    assert field.get_attribute("type") == "search"
    assert field.get_attribute("name") == "q"
    assert form.get_by_role("button", name="Search").is_visible()
    assert page.external_requests == []


def test_slash_focuses_the_header_field_and_enter_searches(page, site):
    page.goto(site + "resources/res-03/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "bsla-header-q"
    # The "/" moved focus; it was not typed into the field.
    assert header_search(page).get_by_label("Search the library").input_value() == ""
    page.keyboard.type(WORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=" + WORD + "$"))
    settle(page)
    assert page.locator("[data-results] li").count() >= 10
    # Material's own search toggle (it has no search dialog here) stays closed.
    assert page.evaluate(
        "document.querySelector('input[data-md-toggle=search]').checked") is False
    assert page.external_requests == []


def test_slash_is_typed_normally_inside_a_field(page, site):
    page.goto(site + "")
    field = header_search(page).get_by_label("Search the library")
    field.click()
    page.keyboard.type("a/b")
    assert field.input_value() == "a/b"


def test_on_the_search_page_slash_focuses_the_pages_own_field(page, site):
    page.goto(site + "search/")
    settle(page)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "bsla-q"


def test_header_search_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(site + "resources/res-03/")
        form = tab.get_by_role("search", name="Search the library")
        form.get_by_label("Search the library").fill("seeds")
        form.get_by_role("button", name="Search").click()
        tab.wait_for_url(re.compile(r"/search/\?q=seeds$"))
        assert tab.locator("h1").inner_text() == "Search the library"
    finally:
        context.close()


def test_header_search_is_reached_with_the_keyboard(page, site):
    page.goto(site + "about/")
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "bsla-header-q":
            break
    assert page.evaluate("document.activeElement.id") == "bsla-header-q"
    # Focus is visible on it.
    assert page.evaluate(
        "getComputedStyle(document.activeElement).outlineStyle") != "none"


def phone_page(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.external_requests = []

    def guard(route) -> None:
        # As in conftest's page fixture: record and block anything not from the test server.
        if route.request.url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            route.continue_()
        else:
            tab.external_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return context, tab


def test_on_a_phone_the_first_result_is_on_the_first_screen(browser, site):
    context, tab = phone_page(browser)
    try:
        tab.goto(site + f"search/?q={WORD}")
        settle(tab)
        status = tab.locator("[data-status]")
        first = tab.locator("[data-results] li").first
        assert status.inner_text() == "12 resources match."
        # Wholly inside the first 844 px, without scrolling.
        assert tab.evaluate("window.scrollY") == 0
        for element in (status, first):
            box = element.bounding_box()
            assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
        # The filter groups wait behind the disclosure button, closed.
        toggle = tab.get_by_role("button", name="Filters")
        assert toggle.is_visible()
        assert toggle.get_attribute("aria-expanded") == "false"
        assert toggle.get_attribute("aria-controls") == "bsla-facets"
        assert not tab.locator("#bsla-facets").is_visible()
        facets_top = tab.locator("#bsla-facets").evaluate("e => e.offsetTop")
        assert facets_top == 0  # not laid out at all while closed
        assert tab.external_requests == []
    finally:
        context.close()


def test_on_a_phone_the_filters_button_opens_them_and_counts_ticked_values(browser, site):
    context, tab = phone_page(browser)
    try:
        tab.goto(site + f"search/?q={WORD}&language=es")
        settle(tab)
        toggle = tab.locator("[data-filters-toggle]")
        assert toggle.inner_text().strip() == "Filters (1 active)"
        assert tab.locator("[data-status]").inner_text() == "6 resources match."
        toggle.focus()
        tab.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true"
        facets = tab.locator("#bsla-facets")
        assert facets.is_visible()
        # A disclosure, not a dialog: the groups follow the button, the page keeps scrolling.
        assert facets.bounding_box()["y"] > toggle.bounding_box()["y"]
        assert tab.locator("[role=dialog], [aria-modal=true]").count() == 0
        group = tab.locator('details[data-facet="language"]')
        assert group.get_attribute("open") is not None
        tab.get_by_label(re.compile(r"^English \(")).check()
        settle(tab)
        assert toggle.inner_text().strip() == "Filters (2 active)"
        assert tab.locator("[data-status]").inner_text() == "12 resources match."
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not facets.is_visible()
        assert tab.external_requests == []
    finally:
        context.close()


def test_on_a_desktop_the_filters_stay_beside_the_results(page, site):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site + f"search/?q={WORD}")
    settle(page)
    assert not page.locator("[data-filters-toggle]").is_visible()
    facets = page.locator("#bsla-facets").bounding_box()
    results = page.locator(".bsla-results").bounding_box()
    assert facets["x"] + facets["width"] <= results["x"]
    assert abs(facets["y"] - results["y"]) < 5
    assert page.external_requests == []


def test_no_axe_violations_in_the_phone_layout(browser, site):
    from tests.browser.test_accessibility import AXE, axe_violations

    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `make test` (it runs npm ci)")
    context, tab = phone_page(browser)
    try:
        tab.goto(site + f"search/?q={WORD}&language=es")
        settle(tab)
        assert axe_violations(tab) == []
        tab.locator("[data-filters-toggle]").click()
        assert axe_violations(tab) == []
    finally:
        context.close()
