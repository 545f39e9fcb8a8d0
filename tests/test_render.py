"""Rendering: escaping, sanitizing, URLs and the pages produced for a catalog."""

import posixpath

import pytest

from bsla.catalog import load_catalog
from bsla.pages.text import front_matter_text, human_size, plain_text, summary_html
from bsla.urls import url_between
from tests.conftest import render_catalog


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("[x](javascript:alert(1))", "javascript:"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ("[x](../../etc/passwd)", "etc/passwd"),
        ("[x](/etc/passwd)", "/etc/passwd"),
        ("<script>alert(1)</script>", "<script"),
        ("<iframe src=https://example.org></iframe>", "<iframe"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ('<a href="https://example.org" onclick="alert(1)">x</a>', "onclick"),
    ],
)
def test_summary_html_removes_active_content(source, forbidden):
    assert forbidden not in str(summary_html(source))


def test_summary_html_keeps_safe_markdown():
    html = str(summary_html("A **bold** [link](https://example.org) and [mail](mailto:a@b.org)."))
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html and 'href="mailto:a@b.org"' in html
    assert 'rel="noopener noreferrer"' in html


def test_front_matter_text_cannot_close_the_title_element():
    text = front_matter_text('A </title><script>alert("x")</script> & B')
    assert "<" not in text and ">" not in text and '"' not in text
    assert "&amp; B" in text


def test_plain_text_truncates_on_a_word():
    assert plain_text("**One** two three four", 12) == "One two…"
    assert plain_text("a & b") == "a & b"


@pytest.mark.parametrize(
    ("origin", "target", "directory_urls", "expected"),
    [
        ("resources/a/index.md", "issue-briefs/index.md", True, "../../issue-briefs/"),
        ("resources/a/index.md", "compendium/tools.md", True, "../../compendium/tools/"),
        ("index.md", "compendium/index.md", True, "compendium/"),
        ("compendium/tools.md", "resources/b/index.md", True, "../../resources/b/"),
        ("compendium/index.md", "index.md", True, "../"),
        ("resources/a/index.md", "issue-briefs/index.md", False, "../../issue-briefs/index.html"),
        ("compendium/tools.md", "resources/b/index.md", False, "../resources/b/index.html"),
    ],
)
def test_url_between_matches_mkdocs_layout(origin, target, directory_urls, expected):
    assert url_between(origin, target, directory_urls) == expected


def test_human_size():
    assert human_size(900) == "900 bytes"
    assert human_size(2048) == "2.0 KB"
    assert human_size(5 * 1024 * 1024) == "5.0 MB"


def test_pages_for_a_catalog(project):
    project.resource("compendium/outreach-engagement", "flyer", tags="[outreach]")
    project.resource("briefs/issue-briefs", "brief", tags="[outreach]",
                     title='"Brief: {{ 7*7 }} {% if true %}x{% endif %}"')
    catalog = load_catalog(project.root, read_pdfs=False)
    site, _ = render_catalog(catalog, project.root)
    uris = {p.src_uri for p in site.pages}
    assert {"compendium/index.md", "compendium/outreach-engagement.md", "issue-briefs/index.md",
            "reflection-papers/index.md", "resources/flyer/index.md", "resources/brief/index.md",
            ".pages", "resources/.pages", "compendium/.pages"} <= uris
    brief = next(p for p in site.pages if p.src_uri == "resources/brief/index.md").content
    # Template syntax typed by an editor is shown as text, never evaluated.
    assert "{{ 7*7 }}" in brief and "49" not in brief
    assert '<a href="../flyer/">' in brief  # related through the shared tag
    section = next(p for p in site.pages if p.src_uri == "compendium/outreach-engagement.md")
    assert 'href="../../resources/flyer/"' in section.content
    hidden = next(p for p in site.pages if p.src_uri == "resources/.pages").content
    assert hidden.strip() == "hide: true"


def test_a_card_is_rendered_once_per_folder(project):
    project.resource("compendium/outreach-engagement", "flyer", tags="[outreach, families]",
                     title='"<script>x</script> Flyer"')
    catalog = load_catalog(project.root, read_pdfs=False)
    _, templates = render_catalog(catalog, project.root)
    flyer = catalog.by_id["flyer"]
    on_a_tag_page = templates.cards_from("tags/outreach/index.md")(flyer)
    assert templates.cards_from("tags/families/index.md")(flyer) is on_a_tag_page
    assert 'href="../../resources/flyer/"' in on_a_tag_page
    assert on_a_tag_page.startswith('<li class="bsla-card"') and on_a_tag_page.endswith("</li>")
    on_a_listing = templates.cards_from("compendium/outreach-engagement/page-2.md")(flyer)
    assert 'href="../../../resources/flyer/"' in on_a_listing
    # Its text is escaped like any other template output.
    assert "<script" not in on_a_tag_page and "&lt;script&gt;x" in on_a_tag_page


_SITE_PATHS = ["", "index.html", "resources/", "resources/a/", "resources/a/index.html",
               "resources/b/cover.png", "tags/", "tags/x-y/", "compendium/tools/",
               "compendium/tools/page-2/", "assets/images/placeholder.svg", "a/b/c/d/"]


@pytest.mark.parametrize("base", ["", "resources/", "resources/a/", "compendium/tools/",
                                  "tags/x-y/", "a/b/", "a/b/c/d/"])
def test_relative_path_agrees_with_posixpath(base):
    from bsla.urls import _relative_path

    for target in _SITE_PATHS:
        assert _relative_path(target, base) == posixpath.relpath(target or ".", base or "."), \
            (target, base)


@pytest.mark.parametrize("summary", [
    "Plain words & more <b>bold</b>",
    "A [link](https://example.org/?a=1&b=2) and `code <x>` and *em*",
    "<script>alert('x')</script> after the script",
    "<style>p {}</style>Styled? \"quoted\" 'single'",
    "Line one\n\nLine two with &amp; entity and &lt;tag&gt;",
    "- list item\n- another <img src=x onerror=alert(1)>\n\n> quote",
    "<!-- a comment --> visible <a href=\"javascript:alert(1)\">bad link</a>",
])
def test_plain_text_is_the_markdown_without_any_markup(summary):
    import nh3

    from bsla.pages.text import _MARKDOWN

    # What plain_text was before it reused the sanitized HTML.
    words = nh3.clean(_MARKDOWN.reset().convert(summary), tags=set()).split()
    expected = " ".join(words).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    expected = expected.replace("&quot;", '"').replace("&#39;", "'")
    assert plain_text(summary) == expected
