"""End-to-end: whole sites built through both doors, inspected as HTML."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from bsla.catalog import load_catalog
from bsla.pages.text import human_size
from tests.conftest import REPO, Project, fetch_text, free_port

pytestmark = pytest.mark.e2e
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
MKDOCS = [sys.executable, "-m", "mkdocs"]
BUILD_SITE = [sys.executable, str(REPO / "build_site.py")]


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env={**ENV, **env}, capture_output=True, text=True,
                          timeout=300)


def nav_html(html: str) -> str:
    match = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>', html, re.S)
    assert match, "primary navigation not found"
    return match.group(0)


def site_files(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in site.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("bundled") / "site"
    result = run([*MKDOCS, "build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d", str(site)],
                 REPO)
    assert result.returncode == 0, result.stderr
    return site


def test_bundled_catalog_every_resource_has_a_page_linked_from_its_section(bundled_site):
    catalog = load_catalog(REPO, read_pdfs=False)
    assert len(catalog.resources) >= 6
    for resource in catalog.resources:
        page = bundled_site / "resources" / resource.id / "index.html"
        assert page.is_file(), resource.id
        html = page.read_text(encoding="utf-8")
        assert resource.id in html
        listing = (resource.section or resource.collection)
        listing_dir = (f"{listing.collection_id}/{listing.id}" if resource.section
                       else listing.id)
        listing_html = (bundled_site / listing_dir / "index.html").read_text(encoding="utf-8")
        assert f'href="../../resources/{resource.id}/"' in listing_html or \
            f'href="../resources/{resource.id}/"' in listing_html, (listing_dir, resource.id)
        # Resource pages are reachable, but never part of the navigation tree.
        assert f"resources/{resource.id}/" not in nav_html(html)
        assert f"resources/{resource.id}/" not in nav_html(listing_html)


def test_bundled_catalog_not_deposited_state_and_collections_on_home(bundled_site):
    catalog = load_catalog(REPO, read_pdfs=False)
    pending = [r for r in catalog.resources if r.status == "not-deposited"]
    assert pending
    html = (bundled_site / "resources" / pending[0].id / "index.html").read_text("utf-8")
    assert "bsla-not-deposited" in html and "Download PDF" not in html
    home = (bundled_site / "index.html").read_text("utf-8")
    for collection in catalog.taxonomy.collections:
        assert f'href="{collection.id}/"' in home
        count = len(catalog.in_placement(collection.id))
        assert f"{count} resource" in home


def test_no_external_fonts_or_scripts(bundled_site):
    for page in bundled_site.rglob("*.html"):
        html = page.read_text("utf-8")
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
        for src in re.findall(r'<script[^>]+src="([^"]+)"', html):
            assert not src.startswith(("http:", "https:", "//")), (page, src)


@pytest.fixture(scope="module")
def generated_catalog(tmp_path_factory) -> Project:
    project = Project(tmp_path_factory.mktemp("gen") / "library")
    folders = ["compendium/initiative-wide", "compendium/leadership-governance",
               "compendium/collaboration-networking", "compendium/outreach-engagement",
               "briefs/reflection-papers", "briefs/issue-briefs"]
    for number in range(50):
        project.resource(folders[number % len(folders)], f"resource-{number:02d}",
                         pdf_pages=1 + number % 7, text=f"Resource {number} body text",
                         capacities="[inclusive-governance]" if number % 2 else
                         "[effective-collaboration]")
    return project


def test_generated_catalog_downloads_match_their_files(generated_catalog, tmp_path):
    site = tmp_path / "site"
    result = run([*BUILD_SITE, "--root", str(generated_catalog.root), "build",
                  "--site-dir", str(site)], generated_catalog.root)
    assert result.returncode == 0, result.stderr
    catalog = load_catalog(generated_catalog.root, read_pdfs=False)
    assert len(catalog.resources) == 50
    for resource in catalog.resources:
        page_dir = site / "resources" / resource.id
        html = (page_dir / "index.html").read_text("utf-8")
        href = re.search(r'class="[^"]*bsla-download[^"]*" href="([^"]+)"', html).group(1)
        copied = page_dir / href
        assert copied.read_bytes() == resource.file.read_bytes()
        pages = len(PdfReader(copied).pages)
        size = human_size(resource.file.stat().st_size)
        expected = "PDF, 1 page" if pages == 1 else f"PDF, {pages} pages"
        assert f"{expected}, {size}" in html


def test_both_doors_build_the_same_site(generated_catalog, tmp_path):
    via_cli = tmp_path / "cli"
    via_mkdocs = tmp_path / "mkdocs"
    root = generated_catalog.root
    # The feed dates resources nobody committed yet by the build time: one fixed time
    # for both builds, as a reproducible build sets it.
    epoch = {"SOURCE_DATE_EPOCH": "1767225600"}
    assert run([*BUILD_SITE, "--root", str(root), "build", "--site-dir", str(via_cli)],
               root, **epoch).returncode == 0
    result = run([*MKDOCS, "build", "--strict", "-d", str(via_mkdocs)], root, **epoch)
    assert result.returncode == 0, result.stderr
    # Build dates differ between two runs (catalog.json). Pagefind writes its filter and
    # metadata chunks in an order that varies from run to run (its maintainers keep only
    # the fragments stable). Everything else must be identical, in every language.
    ignore = re.compile(r"^(es/)?(sitemap\.xml(\.gz)?|search/search_index\.json|catalog\.json"
                        r"|pagefind/(pagefind-entry\.json|pagefind\.[^/]+\.pf_meta|filter/[^/]+))$")
    cli_files = {k: v for k, v in site_files(via_cli).items() if not ignore.match(k)}
    mkdocs_files = {k: v for k, v in site_files(via_mkdocs).items() if not ignore.match(k)}
    assert cli_files == mkdocs_files
    exports = [json.loads((site / "catalog.json").read_text("utf-8"))
               for site in (via_cli, via_mkdocs)]
    for export in exports:
        export.pop("generated")
    assert exports[0] == exports[1]


def test_failed_build_leaves_previous_site_untouched(tmp_path):
    project = Project(tmp_path / "library")
    project.resource("briefs/issue-briefs", "good")
    site = project.root / "site"
    assert run([*MKDOCS, "build", "--strict"], project.root).returncode == 0
    before = site_files(site)
    project.resource("briefs/issue-briefs", "bad", type="brochure")
    for command in ([*MKDOCS, "build", "--strict"], [*BUILD_SITE, "build"]):
        result = run(command, project.root)
        assert result.returncode == 1
        assert "briefs/issue-briefs/bad.yml:3: 'type' 'brochure' is not a known types id" \
            in result.stderr
        assert "Traceback" not in result.stderr
        assert site_files(site) == before
    assert not list(project.root.glob(".site.building-*"))


def test_check_reports_summary_or_every_problem(tmp_path):
    project = Project(tmp_path / "library")
    project.resource("briefs/issue-briefs", "one")
    project.resource("compendium/outreach-engagement", "two", pdf_pages=2)
    ok = run([*BUILD_SITE, "check"], project.root)
    assert ok.returncode == 0
    assert ok.stdout.strip() == ("OK: 2 resources (Resource Compendium 1, Reflection Papers 0, "
                                 "Issue Briefs 1); 1 with a PDF read.")
    project.resource("briefs/issue-briefs", "three", date='"2019-02-30"')
    (project.root / "compendium/outreach-engagement/two.pdf").write_text("not a pdf")
    bad = run([*BUILD_SITE, "check"], project.root)
    assert bad.returncode == 1
    lines = bad.stderr.strip().splitlines()
    assert lines[0].startswith("briefs/issue-briefs/three.yml:5: 'date' '2019-02-30'")
    assert lines[1].startswith("compendium/outreach-engagement/two.yml:5: 'file: two.pdf':")
    assert lines[-1] == "2 problems found; nothing was published."


def test_render_door_writes_plain_markdown(generated_catalog, tmp_path):
    out = tmp_path / "md"
    result = run([*BUILD_SITE, "--root", str(generated_catalog.root), "render", "--out",
                  str(out)], generated_catalog.root)
    assert result.returncode == 0, result.stderr
    page = (out / "resources/resource-03/index.md").read_text("utf-8")
    assert page.startswith("---\ntitle: \"Title of resource-03\"")
    assert (out / "resources/resource-03/resource-03.pdf").is_file()
    assert "<!-- library:collections -->" not in (out / "index.md").read_text("utf-8")
    assert "Browse the collections" in (out / "index.md").read_text("utf-8")
    assert not (out / "overrides").exists()


def _wait_for_text(url: str, text: str, seconds: float, failure: str) -> None:
    """Fetch ``url`` until its page shows ``text``; fail with ``failure`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while text not in fetch_text(url):
        assert time.monotonic() < deadline, failure
        time.sleep(0.3)


def test_serve_rebuilds_when_a_resource_yaml_changes(tmp_path):
    project = Project(tmp_path / "library")
    yml = project.resource("briefs/issue-briefs", "live", title="Before the edit")
    port = free_port()
    server = subprocess.Popen([*MKDOCS, "serve", "-a", f"127.0.0.1:{port}"], cwd=project.root,
                              env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/resources/live/"
    try:
        _wait_for_text(url, "Before the edit", 60, "serve never came up")
        yml.write_text(yml.read_text("utf-8").replace("Before the edit", "After the edit"),
                       encoding="utf-8")
        _wait_for_text(url, "After the edit", 60, "the edit was not rebuilt")
        # The Spanish site is rebuilt after the English one is served (later_languages).
        _wait_for_text(f"http://127.0.0.1:{port}/es/resources/live/", "After the edit", 60,
                       "the Spanish page was not rebuilt")
        # The preview's search index is written after the page is served, then swapped in.
        entry = f"http://127.0.0.1:{port}/pagefind/pagefind-entry.json"
        deadline = time.monotonic() + 60
        while '"page_count":1' not in fetch_text(entry).replace(" ", ""):
            assert time.monotonic() < deadline, "the preview never got its search index"
            time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=20)
