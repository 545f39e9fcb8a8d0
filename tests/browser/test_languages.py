"""The Spanish site in Chromium: the switcher, search in Spanish, and accessibility."""

from __future__ import annotations

import os

import pytest

from bsla.mkdocs_door.commands import build_site
from tests.browser.conftest import serve_directory
from tests.browser.test_accessibility import AXE, axe_violations
from tests.conftest import Project

pytestmark = pytest.mark.browser
SPANISH_TITLE = "Guía de participación de las familias"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `make test` (it runs npm ci)")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    project = Project(tmp_path_factory.mktemp("languages") / "library")
    project.use_bundled_catalog()
    project.resource("compendium/outreach-engagement", "guia-participacion", pdf_pages=2,
                     language="es", title=f'"{SPANISH_TITLE}"',
                     text="Reuniones con las familias del barrio",
                     summary='"Cómo invitar a las familias a las reuniones."')
    # No Spanish text at all, and only a Spanish title.
    project.resource("compendium/outreach-engagement", "untranslated-kit",
                     title='"Untranslated outreach kit"', summary='"Flyers for every meeting."')
    project.resource("compendium/outreach-engagement", "titled-kit", title='"Titled kit"',
                     summary='"Posters for every meeting."',
                     extra="translations:\n  es:\n    title: Juego con título\n"
                           "    reviewed: false\n")
    site = project.root / "site"
    build_site(project.root, site)
    url, server = serve_directory(site)
    yield url
    server.shutdown()


@pytest.mark.parametrize("path", ["es/", "es/compendium/outreach-engagement/",
                                  "es/resources/mindful-leadership/",
                                  "es/resources/guia-participacion/", "es/search/",
                                  "es/matrix/", "es/about/"])
def test_no_axe_violations_on_spanish_pages(page, site_url, path):
    page.goto(site_url + path)
    assert page.locator("html").get_attribute("lang") == "es"
    assert axe_violations(page) == []
    assert page.external_requests == []


def test_the_switcher_lands_on_the_same_resource_in_the_other_language(page, site_url):
    page.goto(site_url + "resources/mindful-leadership/")
    switch = page.get_by_role("link", name="Español")
    switch.focus()  # a real link, reached by keyboard
    page.keyboard.press("Enter")
    page.wait_for_url("**/es/resources/mindful-leadership/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text().startswith("Liderazgo consciente")
    assert "Traducción pendiente de revisión" in page.content()
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/resources/mindful-leadership/")
    assert "/es/" not in page.url
    assert page.external_requests == []


@pytest.mark.parametrize("query", ["participacion", "participación", "reuniones"])
def test_spanish_search_finds_accented_words_without_accents(page, site_url, query):
    page.goto(site_url + f"es/search/?q={query}")
    page.wait_for_function(
        "() => { const root = document.querySelector('[data-bsla-search]');"
        " return root.classList.contains('bsla-search--ready')"
        " && !root.hasAttribute('aria-busy'); }")
    titles = page.locator("[data-results] h3 a").all_inner_texts()
    assert SPANISH_TITLE in titles, titles
    assert page.external_requests == []


def _results(page) -> dict[str, tuple[str | None, str | None]]:
    """Each result's title, with the lang of its link and of its excerpt."""
    page.wait_for_function(
        "() => { const root = document.querySelector('[data-bsla-search]');"
        " return root.classList.contains('bsla-search--ready')"
        " && !root.hasAttribute('aria-busy'); }")
    items = page.eval_on_selector_all(
        "[data-results] li.bsla-result",
        "items => items.map(li => [li.querySelector('h3 a').textContent,"
        " li.querySelector('h3 a').getAttribute('lang'),"
        " li.querySelector('.bsla-result__excerpt').getAttribute('lang')])")
    return {title: (title_lang, excerpt_lang) for title, title_lang, excerpt_lang in items}


# Without search words a result shows its summary; with them, an excerpt.
@pytest.mark.parametrize("view", ["section=outreach-engagement", "q=meeting"])
def test_english_text_among_spanish_results_says_its_language(page, site_url, view):
    page.goto(site_url + f"es/search/?{view}")
    results = _results(page)
    assert results["Untranslated outreach kit"] == ("en", "en")
    assert results["Juego con título"] == (None, "en")
    if view.startswith("section"):
        assert results[SPANISH_TITLE] == (None, None)
    # On the English page, the Spanish resource's own text is the one marked.
    page.goto(site_url + f"search/?{view if view.startswith('section') else 'q=reuniones'}")
    results = _results(page)
    assert results[SPANISH_TITLE] == ("es", "es")
    assert results.get("Untranslated outreach kit", (None, None)) == (None, None)
    assert page.external_requests == []
