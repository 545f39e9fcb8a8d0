"""Hostile text in every field reaches the built site only as inert text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bsla.mkdocs_door.commands import build_site
from tests.conftest import Project

PAYLOADS = {
    "title": '"Brief <script>alert(1)</script></title><img src=x onerror=alert(2)>"',
    "subtitle": '"{{ config.site_name }} {% raw %}x{% endraw %} --8<-- \\"/etc/passwd\\""',
    "authors": '["<iframe src=javascript:alert(3)>, Evil", "Normal, Person"]',
    "tags": '["<b onmouseover=alert(4)>tag</b>", "\\" onfocus=\\"alert(5)"]',
    "license": '"<a href=javascript:alert(6)>terms</a>"',
    "summary": "|\n  Read [this](javascript:alert(7))"
               " and [that](data:text/html;base64,PHNjcmlwdD4=)\n"
               "  or [local](../../../etc/passwd) <script>alert(8)</script>\n"
               "  <iframe src=\"https://example.org\"></iframe> <img src=x onerror=alert(9)>\n"
               "  --8<-- \"/etc/passwd\"\n  {{ 7*7 }} {% include 'base.html' %}",
}


class ActiveContent(HTMLParser):
    """Collects every element, handler and URL that could run script or load a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag in ("iframe", "object", "embed"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in ("href", "src") and value and re.match(r"\s*(javascript|data):", value,
                                                             re.I):
                self.found.append(f"{tag} {name}={value}")
            if name in ("href", "src") and value and "etc/passwd" in value:
                self.found.append(f"{tag} {name}={value}")
        # JSON-LD is data, never executed; it is checked for "</" escapes separately.
        self._in_script = tag == "script" and dict(attrs).get("type") != "application/ld+json"

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)

    def handle_endtag(self, tag):
        self._in_script = False


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = Project(tmp_path_factory.mktemp("inject") / "library")
    fields = {k: v for k, v in PAYLOADS.items() if k != "summary"}
    project.resource("briefs/issue-briefs", "hostile", pdf_pages=1,
                     extra="summary: " + PAYLOADS["summary"] + "\n", summary=None, **fields)
    text = (project.root / "briefs/issue-briefs/hostile.yml").read_text("utf-8")
    (project.root / "briefs/issue-briefs/hostile.yml").write_text(
        text.replace("summary: None\n", ""), "utf-8")
    site = project.root / "site"
    build_site(project.root, site)
    return site


def test_no_active_content_from_the_data(site):
    for page in site.rglob("*.html"):
        parser = ActiveContent()
        parser.feed(page.read_text("utf-8"))
        assert parser.found == [], page
        for script in parser.scripts:
            assert "alert(" not in script, page


def test_json_ld_cannot_close_its_script_element(site):
    html = (site / "resources/hostile/index.html").read_text("utf-8")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "<" not in block.group(1) and "\\u003c/script\\u003e" in block.group(1)


def test_text_survives_as_text(site):
    html = (site / "resources/hostile/index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in re.sub(r"<[^>]+>", "", html).split("7*7")[0][-5:]
    assert "--8&lt;--" in html
    assert "root:x:" not in html
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "</title>" not in title
