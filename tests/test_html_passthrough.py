"""Generated pages skip Markdown only where Markdown would not have changed them."""

import markdown
import pytest
import yaml

from bsla.catalog import load_catalog
from bsla.hooks import _single_html_block
from bsla.render import load_labels, render_site
from tests.conftest import REPO


@pytest.fixture(scope="module")
def rendered():
    catalog = load_catalog(REPO, read_pdfs=False)
    site, _ = render_site(catalog, load_labels(REPO))
    return [p for p in site.pages if p.src_uri.endswith(".md")]


def site_markdown() -> markdown.Markdown:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    names, options = [], {}
    for item in config["markdown_extensions"]:
        name, settings = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        names.append(name)
        if settings:
            options[name] = settings
    return markdown.Markdown(extensions=names, extension_configs=options)


def test_every_resource_and_listing_page_is_one_html_block(rendered):
    assert rendered
    assert all(_single_html_block(page.content) for page in rendered)


def test_markdown_leaves_those_bodies_unchanged(rendered):
    md = site_markdown()
    for page in rendered:
        body = page.content.split("\n---", 1)[1]
        assert md.reset().convert(body) == body.strip(), page.src_uri


@pytest.mark.parametrize("content", [
    "---\ntitle: x\n---\n\n# A heading\n\n<div>x</div>\n",
    "---\ntitle: x\n---\n\n<div>x</div>\n\nSome *Markdown* after\n",
    '---\ntitle: x\n---\n\n<div markdown="1">*x*</div>\n',
    "---\ntitle: x\n---\n\n<div>x</div>\n\n<p>y</p>\n",
])
def test_pages_with_markdown_outside_one_element_still_go_through_markdown(content):
    assert not _single_html_block(content)
