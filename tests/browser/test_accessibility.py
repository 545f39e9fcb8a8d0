"""axe-core (WCAG 2.1 A/AA) and keyboard checks on the pages the library generates."""

from __future__ import annotations

import pytest

from bsla.mkdocs_door.commands import build_site
from tests.browser.conftest import serve_directory
from tests.conftest import REPO, Project

pytestmark = pytest.mark.browser
AXE = REPO / "node_modules/axe-core/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `make test` (it runs npm ci)")
    project = Project(tmp_path_factory.mktemp("a11y") / "library")
    project.use_bundled_catalog()
    project.resource("compendium/outreach-engagement", "flyer-with-pdf", pdf_pages=2,
                     title='"Outreach flyer"', capacities="[neighborhood-capacities]")
    site = project.root / "site"
    build_site(project.root, site)
    url, server = serve_directory(site)
    yield url
    server.shutdown()


PAGES = [
    "",
    "compendium/",
    "compendium/outreach-engagement/",
    "reflection-papers/",
    "issue-briefs/",
    "resources/flyer-with-pdf/",
    "resources/mindful-leadership/",
    "about/",
]


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS)
    return [{"id": v["id"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violations(page, site_url, path):
    page.goto(site_url + path)
    assert axe_violations(page) == []
    assert page.external_requests == []


def test_skip_link_moves_focus_to_the_content(page, site_url):
    page.goto(site_url + "resources/mindful-leadership/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className + '|' + "
                            "document.activeElement.getAttribute('href')")
    assert "md-skip" in focused
    assert page.evaluate("getComputedStyle(document.activeElement).transform") != "none" or \
        page.evaluate("document.activeElement.getBoundingClientRect().height") > 0
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") != ""
    target = page.evaluate("location.hash.slice(1)")
    assert page.evaluate(f"document.getElementById({target!r}) !== null")


def test_every_control_is_reachable_with_visible_focus(page, site_url):
    page.goto(site_url + "resources/flyer-with-pdf/")
    key = "e => e.tagName + ' ' + (e.getAttribute('href') || '') + ' ' + e.textContent.trim()"
    wanted = set(page.evaluate(
        f"[...document.querySelectorAll('article a[href], article button')].map({key})"))
    assert wanted
    reached = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        info = page.evaluate(f"""() => {{
            const e = document.activeElement;
            const s = getComputedStyle(e);
            return {{html: ({key})(e),
                    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                    shadow: s.boxShadow !== 'none'}};
        }}""")
        if info["html"] in wanted:
            assert info["outline"] or info["shadow"], info["html"]
            reached.add(info["html"])
        if reached == wanted:
            break
    assert reached == wanted
