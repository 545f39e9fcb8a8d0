"""The site in English and Spanish: every page in both, linked to each other, honest fallbacks."""

from __future__ import annotations

import json
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from bsla.cli import main
from bsla.mkdocs_door.commands import build_site
from bsla.pages.handwritten import untranslated_page_warnings
from bsla.pages.text import human_date, human_size
from bsla.urls import CATALOG_CSV, CATALOG_JSON, CATALOG_SCHEMA, FEED, RESOURCE_SCHEMA
from tests.conftest import REPO, Project

pytestmark = pytest.mark.e2e
SPANISH = "es"
# Pagefind's bundle is per language and not a page; redirects are not pages either.
NOT_PAGES = ("pagefind/", "es/")


@pytest.fixture(scope="module")
def bilingual_site(tmp_path_factory) -> Path:
    """The bundled catalog plus a resource written in Spanish, built once."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    project = Project(tmp_path_factory.mktemp("languages") / "library")
    project.use_bundled_catalog()
    project.resource("compendium/outreach-engagement", "guia-participacion", pdf_pages=2,
                     language="es", title='"Guía de participación de las familias"',
                     summary='"Cómo invitar a las familias a las reuniones."',
                     date='"2019-03"')
    project.resource("compendium/outreach-engagement", "untranslated-kit",
                     title='"Untranslated outreach kit"', tags="[flyers]")
    project.resource("compendium/outreach-engagement", "reviewed-kit", title='"Reviewed kit"',
                     tags="[reviewed]", extra=(
                         "translations:\n  es:\n    title: Guía revisada\n"
                         "    summary: Un resumen revisado.\n    tags: [revisada]\n"
                         "    reviewed: true\n"))
    # A Spanish edition (a file of its own) of a bundled English resource.
    project.resource("briefs/reflection-papers", "liderazgo-consciente-edicion",
                     language="es", translation_of="mindful-leadership",
                     title='"Liderazgo consciente (edición en español)"')
    # A hand-written page nobody has written in Spanish yet.
    project.write("docs/contact.md", "---\ntitle: Contact\n---\n\n# Contact us\n\n"
                  "Write to the *library team*.\n")
    site = project.root / "site"
    build_site(project.root, site)
    return site


def pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not p.relative_to(site).as_posix().startswith(NOT_PAGES)
                  and 'http-equiv="refresh"' not in p.read_text("utf-8"))


def resolve(site: Path, page: str, href: str) -> Path:
    path = urlsplit(href).path
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if path.endswith("/") or path in ("", "."):
        target = posixpath.join(target, "index.html")
    return site / target


def switcher(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="bsla-languages"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no language switcher"
    return re.findall(r'<a href="([^"]+)" hreflang="([a-z]+)"', nav.group(1))


def hreflangs(html: str) -> dict[str, str]:
    return {lang: href for lang, href in
            re.findall(r'<link rel="alternate" hreflang="([a-z-]+)" href="([^"]+)">', html)}


def is_keyword_page(page: str) -> bool:
    return page.startswith("tags/") and page != "tags/index.html"


def test_every_english_page_has_a_spanish_one_and_they_link_each_other(bilingual_site):
    english = pages(bilingual_site)
    assert len(english) > 40
    for page in english:
        if is_keyword_page(page):
            continue  # keywords are translated: see the next test
        spanish = f"{SPANISH}/{page}"
        assert (bilingual_site / spanish).is_file(), spanish
        if page == "404.html":
            continue
        for here, there, lang in ((page, spanish, SPANISH), (spanish, page, "en")):
            html = (bilingual_site / here).read_text("utf-8")
            [(href, hreflang)] = switcher(html)
            assert hreflang == lang
            assert resolve(bilingual_site, here, href) == bilingual_site / there, here
            links = hreflangs(html)
            assert set(links) == {"en", SPANISH, "x-default"}, here
            assert resolve(bilingual_site, here, links[lang]) == bilingual_site / there
            assert resolve(bilingual_site, here, links["x-default"]) == bilingual_site / page


def test_a_keyword_page_switches_to_the_keyword_list_of_the_other_language(bilingual_site):
    for here, there, lang in (("tags/flyers/index.html", "es/tags/index.html", SPANISH),
                              ("es/tags/revisada/index.html", "tags/index.html", "en")):
        html = (bilingual_site / here).read_text("utf-8")
        [(href, hreflang)] = switcher(html)
        assert hreflang == lang and resolve(bilingual_site, here, href) == bilingual_site / there
        assert hreflangs(html) == {}  # no page in the other language is this one
    assert (bilingual_site / "es/tags/flyers/index.html").is_file()  # untranslated keyword
    assert not (bilingual_site / "es/tags/reviewed").exists()


def test_spanish_pages_are_spanish(bilingual_site):
    home = (bilingual_site / SPANISH / "index.html").read_text("utf-8")
    assert '<html lang="es"' in home
    assert "Saltar a contenido" in home  # the theme's own skip link
    assert "Biblioteca de recursos de Best Start LA" in home
    assert "Explore las colecciones" in home  # the engine's labels
    listing = (bilingual_site / SPANISH / "compendium/outreach-engagement/index.html")
    assert "Alcance y participación" in listing.read_text("utf-8") or \
        "participación" in listing.read_text("utf-8")
    english = (bilingual_site / "index.html").read_text("utf-8")
    assert '<html lang="en"' in english and "Skip to content" in english


def test_english_text_on_a_spanish_page_says_so_and_switches_voice(bilingual_site):
    html = (bilingual_site / SPANISH / "resources/untranslated-kit/index.html").read_text(
        "utf-8")
    assert re.search(r'<h1 id="[^"]+" lang="en">Untranslated outreach kit', html)
    assert '<div class="bsla-summary" lang="en">' in html
    assert '<dd lang="en"><a href="../../tags/flyers/">flyers</a>' in html
    assert "Disponible solo en inglés" in html
    card = (bilingual_site / SPANISH / "compendium/outreach-engagement/index.html").read_text(
        "utf-8")
    assert re.search(r'<a href="[^"]*untranslated-kit/" lang="en">Untranslated', card)
    # Spanish text on the Spanish page needs neither.
    own = (bilingual_site / SPANISH / "resources/guia-participacion/index.html").read_text(
        "utf-8")
    assert "Disponible solo en" not in own and '<div class="bsla-summary">' in own
    # ... but is marked on the English page.
    english = (bilingual_site / "resources/guia-participacion/index.html").read_text("utf-8")
    assert "Available only in Spanish" in english and 'lang="es"' in english


def test_translations_are_shown_with_their_review_state(bilingual_site):
    unreviewed = (bilingual_site / SPANISH / "resources/mindful-leadership/index.html").read_text(
        "utf-8")
    assert re.search(r'<h1 id="[^"]+">Liderazgo consciente', unreviewed)
    assert "Traducción pendiente de revisión" in unreviewed
    reviewed = (bilingual_site / SPANISH / "resources/reviewed-kit/index.html").read_text(
        "utf-8")
    assert re.search(r'<h1 id="[^"]+">Guía revisada', reviewed)
    assert "Un resumen revisado." in reviewed and 'tags/revisada/' in reviewed
    assert "pendiente de revisión" not in reviewed and "Disponible solo" not in reviewed
    english = (bilingual_site / "resources/reviewed-kit/index.html").read_text("utf-8")
    article = re.search(r"<article.*</article>", english, re.S).group(0)
    assert "Guía revisada" not in article  # the English page shows the English text ...
    assert re.search(r'<h1 id="[^"]+">Reviewed kit', english)
    assert '{"@value": "Guía revisada", "@language": "es"}' in english  # ... and tags both
    export = json.loads((bilingual_site / "catalog.json").read_text("utf-8"))
    [record] = [r for r in export["resources"] if r["id"] == "reviewed-kit"]
    assert record["translations"] == {"es": {
        "title": "Guía revisada", "subtitle": None, "summary": "Un resumen revisado.",
        "tags": ["revisada"], "reviewed": True}}


def test_a_hand_written_page_without_spanish_text_shows_the_english_one(bilingual_site):
    html = (bilingual_site / SPANISH / "contact/index.html").read_text("utf-8")
    assert '<html lang="es"' in html and "Disponible solo en inglés" in html
    english = re.search(r'<div lang="en">(.*?)</div>', html, re.S)
    assert english and "Contact us" in english.group(1)
    assert "<em>library team</em>" in english.group(1)  # still converted from Markdown
    [(href, _)] = switcher((bilingual_site / "contact/index.html").read_text("utf-8"))
    assert resolve(bilingual_site, "contact/index.html", href) == \
        bilingual_site / SPANISH / "contact/index.html"


def test_editions_in_other_languages_link_each_other(bilingual_site):
    pages = {
        "resources/mindful-leadership/index.html":
            ('href="../liderazgo-consciente-edicion/" hreflang="es">Also available in Spanish'),
        "resources/liderazgo-consciente-edicion/index.html":
            ('href="../mindful-leadership/" hreflang="en">Also available in English'),
        "es/resources/mindful-leadership/index.html":
            ('href="../liderazgo-consciente-edicion/" hreflang="es">También disponible en '
             "español"),
        "es/resources/liderazgo-consciente-edicion/index.html":
            ('href="../mindful-leadership/" hreflang="en">También disponible en inglés'),
    }
    for page, link in pages.items():
        assert link in (bilingual_site / page).read_text("utf-8"), page


def test_dates_and_sizes_in_the_readers_language(bilingual_site):
    spanish = (bilingual_site / SPANISH / "resources/guia-participacion/index.html").read_text(
        "utf-8")
    english = (bilingual_site / "resources/guia-participacion/index.html").read_text("utf-8")
    assert "marzo de 2019" in spanish and "March 2019" in english
    assert "2 páginas" in spanish
    assert human_date("2019-03-05", "es") == "5 de marzo de 2019"
    assert human_size(1258291, "es") == "1,2 MB" and human_size(1258291) == "1.2 MB"


def test_each_language_has_its_own_search_index(bilingual_site):
    for prefix, lang in (("", "en"), (f"{SPANISH}/", SPANISH)):
        bundle = bilingual_site / prefix / "pagefind"
        assert (bundle / f"wasm.{lang}.pagefind").is_file()
        entry = yaml.safe_load((bundle / "pagefind-entry.json").read_text("utf-8"))
        assert list(entry["languages"]) == [lang]
        # Every resource, whatever its language: the ten bundled ones and the four added.
        assert entry["languages"][lang]["page_count"] == 14


def _both_languages(texts) -> bool:
    return isinstance(texts, dict) and set(texts) == {"en", "es"} and all(
        isinstance(text, str) and text.strip() for text in texts.values())


def test_every_label_and_taxonomy_entry_has_both_languages():
    labels = yaml.safe_load((REPO / "labels.yml").read_text("utf-8"))
    assert [key for key, texts in labels.items() if not _both_languages(texts)] == []
    missing = []

    def walk(node, where):
        if isinstance(node, dict):
            for key in ("label", "description", "series"):
                if key in node and not _both_languages(node[key]):
                    missing.append(f"{where}.{key}")
            for key, value in node.items():
                # Any other text given per language needs both too.
                if key not in ("label", "description", "series") and isinstance(value, dict) \
                        and {"en", "es"} & set(value) and not _both_languages(value):
                    missing.append(f"{where}.{key}")
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}[{index}]")

    walk(yaml.safe_load((REPO / "taxonomy.yml").read_text("utf-8")), "taxonomy")
    assert missing == []


def test_every_hand_written_page_has_a_spanish_file():
    english = {p.name for p in (REPO / "docs").glob("*.md") if p.name != "benchmarks.md"}
    spanish = {p.name for p in (REPO / "docs" / SPANISH).glob("*.md")}
    assert english == spanish
    # The same, as `check` sees it: every page of the site, in every folder.
    assert untranslated_page_warnings(REPO) == []


def test_the_exports_are_published_once_and_each_language_has_its_feed(bilingual_site):
    for name in (CATALOG_JSON, CATALOG_CSV, CATALOG_SCHEMA, RESOURCE_SCHEMA):
        assert (bilingual_site / name).is_file(), name
        assert not (bilingual_site / SPANISH / name).exists(), name
    feed = (bilingual_site / SPANISH / FEED).read_text("utf-8")
    assert 'xml:lang="es"' in feed and "<title>Guía revisada</title>" in feed
    # Nothing on the Spanish site points into it for an export it does not have.
    for page in (bilingual_site / SPANISH).rglob("*.html"):
        html = page.read_text("utf-8")
        for name in (CATALOG_JSON, CATALOG_CSV, CATALOG_SCHEMA, RESOURCE_SCHEMA):
            for href in re.findall(rf'(?:href|src)="([^"]*{re.escape(name)})"', html):
                assert resolve(bilingual_site, page.relative_to(bilingual_site).as_posix(),
                               href) == bilingual_site / name, (page, href)
            assert f"/es/{name}" not in html, page


def test_check_warns_about_the_pages_the_spanish_site_shows_in_english(bilingual_site, capsys):
    root = bilingual_site.parent
    # A whole page in English, under its marker (bsla.pages.handwritten).
    marked = re.compile(r'<p class="bsla-fallback">Disponible solo en inglés</p>\s*<div lang="en">')
    fallback = sorted(page.relative_to(bilingual_site / SPANISH).as_posix()
                      for page in (bilingual_site / SPANISH).rglob("*.html")
                      if marked.search(page.read_text("utf-8")))
    assert fallback == ["contact/index.html"]
    assert main(["check", "--root", str(root)]) == 0
    warned = [line.split(":")[0] for line in capsys.readouterr().err.splitlines()
              if ": warning: has no Spanish text" in line]
    assert warned == ["docs/contact.md"]


def test_a_one_off_build_lets_go_of_the_main_language_s_pages_before_the_others(
        tmp_path, monkeypatch):
    from bsla.mkdocs_door import plugin

    held: dict[str, int] = {}
    build_others = plugin.LibraryPlugin._build_other_languages

    def spy(self, config):
        main = self.builds["en"]
        pages = [f.page for f in main.files.documentation_pages() if f.page is not None]
        held.update(pages=len(pages), engine_pages=len(main.state.site.pages),
                    heads=len(main.state.heads),
                    with_text=sum(p.markdown is not None or p.content is not None
                                  for p in pages))
        return build_others(self, config)

    monkeypatch.setattr(plugin.LibraryPlugin, "_build_other_languages", spy)
    project = Project(tmp_path / "library").use_bundled_catalog()
    build_site(project.root, project.root / "site")
    assert held["pages"] > 20
    assert held == {**held, "with_text": 0, "engine_pages": 0, "heads": 0}
    # The Spanish site was still built whole, its resource pages included.
    english = [page for page in pages(project.root / "site") if not is_keyword_page(page)]
    assert len(english) > 20
    assert [page for page in english
            if not (project.root / "site" / SPANISH / page).is_file()] == []
