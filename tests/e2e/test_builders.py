"""The same catalog built by each builder: MkDocs, ProperDocs and Zensical.

MkDocs 1.6 is the default. ProperDocs (a maintained fork of MkDocs 1.6) runs
the same mkdocs.yml, hooks and theme and must give the same site. Zensical
runs no hooks, so it builds the plain Markdown tree ``render --zensical``
writes; its site must be browsable: every page there, no broken link.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from bsla.catalog import load_catalog
from bsla.urls import tag_slug
from tests.conftest import REPO, Project, free_port
from tests.e2e.test_build import (
    BUILD_SITE,
    ENV,
    MKDOCS,
    _wait_for_text,
    run,
    site_files,
)

# One build time for both builders (the feed dates uncommitted resources by it).
EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent
PROPERDOCS = [str(BIN / "properdocs")]
ZENSICAL = [str(BIN / "zensical")]

# What legitimately differs between two builds of one catalog: the build time in
# catalog.json and the sitemap, the builder's name in the generator tag, and the
# order of Pagefind's filter and metadata chunks (its maintainers keep only the
# fragments stable; a warm cache reuses one bundle, so these rarely differ).
_VARIES = re.compile(r"^(es/)?(sitemap\.xml(\.gz)?|catalog\.json"
                     r"|pagefind/(pagefind-entry\.json|pagefind\.[^/]+\.pf_meta|filter/[^/]+))$")
_GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def _library_with_pdfs(root: Path) -> Project:
    project = Project(root)
    folders = ["compendium/initiative-wide", "briefs/reflection-papers", "briefs/issue-briefs"]
    for number in range(6):
        project.resource(folders[number % 3], f"doc-{number}", pdf_pages=1 + number % 3,
                         text=f"Document {number} text", tags="[governance, outreach]",
                         capacities="[inclusive-governance]")
    project.resource("compendium/outreach-engagement", "not-yet")
    return project


def _normalized(site: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        if path.is_file() and not _VARIES.match(relative):
            files[relative] = _GENERATOR.sub(b"", path.read_bytes())
    return files


def _assert_same_site(a: Path, b: Path) -> None:
    assert set(site_files(a)) == set(site_files(b))  # same files, the varying ones included
    left, right = _normalized(a), _normalized(b)
    differing = sorted(name for name in left if left[name] != right[name])
    assert not differing, differing
    exports = [json.loads((site / "catalog.json").read_text("utf-8")) for site in (a, b)]
    for export in exports:
        export.pop("generated")
    assert exports[0] == exports[1]


@pytest.mark.parametrize("catalog", ["bundled", "with-pdfs"])
def test_properdocs_builds_the_same_site_as_mkdocs(catalog, tmp_path):
    if catalog == "bundled":
        root, config = REPO, REPO / "mkdocs.yml"
    else:
        root = _library_with_pdfs(tmp_path / "library").root
        config = root / "mkdocs.yml"
    by_mkdocs, by_properdocs = tmp_path / "mkdocs-site", tmp_path / "properdocs-site"
    result = run([*MKDOCS, "build", "--strict", "-f", str(config), "-d", str(by_mkdocs)], root,
                 **EPOCH)
    assert result.returncode == 0, result.stderr
    result = run([*PROPERDOCS, "build", "--strict", "-f", str(config), "-d", str(by_properdocs)],
                 root, **EPOCH)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    # The hooks ran under ProperDocs: engine pages are there, and its generator tag says so.
    home = (by_properdocs / "index.html").read_text("utf-8")
    assert "ProperDocs" in home
    assert (by_properdocs / "matrix" / "index.html").is_file()
    _assert_same_site(by_mkdocs, by_properdocs)


def test_properdocs_serve_runs_the_engine(tmp_path):
    project = Project(tmp_path / "library")
    yml = project.resource("briefs/issue-briefs", "live", title="Before the edit")
    port = free_port()
    server = subprocess.Popen([*PROPERDOCS, "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=project.root, env=ENV, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/resources/live/"
    try:
        _wait_for_text(url, "Before the edit", 90, "properdocs serve never came up")
        yml.write_text(yml.read_text("utf-8").replace("Before the edit", "After the edit"),
                       encoding="utf-8")
        _wait_for_text(url, "After the edit", 90, "the edit was not rebuilt")
    finally:
        server.terminate()
        server.wait(timeout=20)


def broken_links(site: Path) -> dict[str, list[str]]:
    """Relative links and sources in the site's HTML that lead to no file."""
    bad: dict[str, list[str]] = {}
    for page in site.rglob("*.html"):
        text = page.read_text("utf-8", errors="replace")
        for url in re.findall(r'\b(?:href|src)="([^"]*)"', text):
            parts = urlsplit(html.unescape(url))
            if parts.scheme or parts.netloc or not parts.path:
                continue
            base = site if parts.path.startswith("/") else page.parent
            target = (base / unquote(parts.path).lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                bad.setdefault(url, []).append(page.relative_to(site).as_posix())
    return bad


def _zensical_site(root: Path, work: Path) -> Path:
    docs, config = work / "docs", work / "zensical.yml"
    result = run([*BUILD_SITE, "--root", str(root), "render", "--out", str(docs),
                  "--zensical", str(config)], root)
    assert result.returncode == 0, result.stderr
    result = subprocess.run([*ZENSICAL, "build", "--strict", "-f", str(config)], cwd=work,
                            env=ENV, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    site = work / "site"
    result = run([*BUILD_SITE, "--root", str(root), "index", "--offline", "--site-dir",
                  str(site)], root)
    assert result.returncode == 0, result.stderr
    return site


@pytest.mark.parametrize("catalog", ["bundled", "with-pdfs"])
def test_zensical_builds_a_browsable_site_from_the_rendered_tree(catalog, tmp_path):
    root = REPO if catalog == "bundled" else _library_with_pdfs(tmp_path / "library").root
    site = _zensical_site(root, tmp_path / "zensical")
    library = load_catalog(root, read_pdfs=False)
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    for resource in library.resources:
        assert f"resources/{resource.id}/index.html" in pages, resource.id
    for page in ("index.html", "matrix.html", "search.html", "tags/index.html",
                 "compendium/index.html", "issue-briefs/index.html",
                 "reflection-papers/index.html"):
        assert page in pages, page
    keywords = {tag for resource in library.resources for tag in resource.tags}
    assert keywords
    for keyword in keywords:
        assert f"tags/{tag_slug(keyword)}.html" in pages, keyword
    assert not broken_links(site)
    # Zensical's own search index, beside the library's Pagefind index for search.html.
    assert (site / "search.json").is_file()
    assert (site / "pagefind" / "pagefind.js").is_file()
    # Resource and keyword pages stay out of the navigation, as under MkDocs.
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>',
                    (site / "index.html").read_text("utf-8"), re.S)
    assert nav and "matrix.html" in nav.group(0)
    assert "resources/" not in nav.group(0) and "tags/governance" not in nav.group(0)
    if catalog == "with-pdfs":
        for resource in library.resources:
            page = (site / "resources" / resource.id / "index.html").read_text("utf-8")
            if resource.file is None:
                continue
            download = re.search(r'class="[^"]*bsla-download[^"]*" href="([^"]+)"', page)
            assert download, resource.id
            copied = (site / "resources" / resource.id / html.unescape(download.group(1)))
            assert copied.read_bytes() == resource.file.read_bytes()
            cover = re.search(r'<img class="bsla-cover" src="([^"]+)"', page)
            assert cover and cover.group(1).endswith(".png"), resource.id
            assert (site / "resources" / resource.id / cover.group(1)).resolve().is_file()


def test_zensical_config_keeps_resource_pages_out_of_the_navigation(tmp_path):
    from bsla.zensical_config import zensical_config

    root = _library_with_pdfs(tmp_path / "library").root
    result = run([*BUILD_SITE, "--root", str(root), "render", "--out", str(tmp_path / "docs")],
                 root)
    assert result.returncode == 0, result.stderr
    text = zensical_config(root, tmp_path / "docs", tmp_path / "zensical.yml")
    assert "hooks:" not in text and "plugins:" not in text
    assert "resources/" not in text
    assert "tags/index.md" in text and "tags/governance.md" not in text
    assert "use_directory_urls: false" in text
    shutil.rmtree(tmp_path / "docs")
