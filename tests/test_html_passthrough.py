"""Generated pages skip Markdown only where Markdown would not have changed them."""

import markdown
import pytest

from bsla.catalog import load_catalog
from bsla.mkdocs_door.html_bodies import BODY_MARKER, html_tail
from tests.conftest import REPO, render_catalog


@pytest.fixture(scope="module")
def bodies():
    catalog = load_catalog(REPO, read_pdfs=False)
    site, _ = render_catalog(catalog, REPO)
    return {p.src_uri: p.content.split("\n---", 1)[1]
            for p in site.pages if p.src_uri.endswith(".md")}


@pytest.fixture(scope="module")
def site_markdown():
    from mkdocs.config import load_config

    config = load_config(config_file=str(REPO / "mkdocs.yml"))
    return markdown.Markdown(extensions=config.markdown_extensions,
                             extension_configs=config.mdx_configs)


def test_every_resource_and_listing_page_ends_in_one_html_element(bodies):
    # The search page ends in its own <script>: it simply goes through Markdown.
    pages = {uri: body for uri, body in bodies.items()
             if uri.startswith("resources/") or (uri.count("/") <= 1 and "search" not in uri)}
    assert pages
    assert all(html_tail(body) is not None for body in pages.values()), [
        uri for uri, body in pages.items() if html_tail(body) is None]


def test_markdown_of_the_rest_plus_the_element_equals_markdown_of_the_page(bodies,
                                                                           site_markdown):
    for uri, body in bodies.items():
        if html_tail(body) is None:
            continue  # goes through Markdown whole; nothing to compare
        before, element = html_tail(body)
        whole = site_markdown.reset().convert(body)
        split = site_markdown.reset().convert(f"{before}{BODY_MARKER}\n")
        assert split.replace(BODY_MARKER, element, 1) == whole, uri


@pytest.mark.parametrize("body", [
    "\n<div>x</div>\n\nSome *Markdown* after\n",
    "\n<div>a</div>\n\nSome *Markdown*\n\n<div>b</div>\n",
    '\n<div markdown="1">*x*</div>\n',
    "\n<div>x</div>\n\n<p>y</p>\n",
    "# Title\n<div>glued to the heading</div>\n",
    "Just Markdown\n",
])
def test_pages_with_markdown_around_the_element_go_through_markdown(body):
    assert html_tail(body) is None


def test_nested_elements_of_the_same_tag_are_one_element():
    assert html_tail("# T\n\n<div a>\n<div>x</div>\n</div>\n") == ("# T\n\n",
                                                                 "<div a>\n<div>x</div>\n</div>")
