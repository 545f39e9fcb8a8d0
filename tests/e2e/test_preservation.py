"""Citable, machine-readable, preservable: exports, metadata, fixity, redirects, offline."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import REPO, Project

pytestmark = pytest.mark.e2e
SITE_URL = "https://library.example/bsla/"
FEED_ID = "tag:cssp.org,2026:bsla-library"  # site: feed_id in taxonomy.yml
BUILD_SITE = [sys.executable, str(REPO / "build_site.py")]


def run(args, cwd, **env):
    return subprocess.run([*BUILD_SITE, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **env})


class HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.properties: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and "name" in attributes:
            self.meta.append((attributes["name"], attributes.get("content", "")))
        if tag == "meta" and "property" in attributes:
            self.properties.append((attributes["property"], attributes.get("content", "")))
        self._in_ld = tag == "script" and attributes.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag):
        self._in_ld = False


def head_of(path: Path) -> HeadParser:
    parser = HeadParser()
    parser.feed(path.read_text("utf-8"))
    return parser


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Project:
    project = Project(tmp_path_factory.mktemp("pres") / "library")
    project.resource("briefs/issue-briefs", "governance-brief", pdf_pages=3,
                     type="issue-brief", authors='["Jordan, Audrey"]', date='"2019-06"',
                     capacities="[inclusive-governance]", former_ids="[old-governance]",
                     added='"2026-01-10"',
                     title='"Governance </script><script>alert(1)</script>"')
    project.resource("compendium/outreach-engagement", "flyer", pdf_pages=1,
                     added='"2026-02-01"', tags="[outreach]")
    project.resource("briefs/reflection-papers", "pending", type="reflection-paper")
    return project


@pytest.fixture(scope="module")
def site(library) -> Path:
    result = run(["build"], library.root, SITE_URL=SITE_URL)
    assert result.returncode == 0, result.stderr
    assert "SITE_URL" not in result.stderr
    return library.root / "site"


@pytest.fixture(scope="module")
def local_build(library, tmp_path_factory) -> tuple[Path, str]:
    """The same library built without SITE_URL: (site folder, what the build printed)."""
    site = tmp_path_factory.mktemp("local") / "site"
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    result = subprocess.run([*BUILD_SITE, "build", "--site-dir", str(site)], cwd=library.root,
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    return site, result.stderr


def test_resource_page_has_highwire_tags_and_json_ld(site):
    page = site / "resources/governance-brief/index.html"
    head = head_of(page)
    meta = dict(head.meta)
    assert meta["citation_title"] == "Governance </script><script>alert(1)</script>"
    assert meta["citation_author"] == "Jordan, Audrey"
    assert meta["citation_publication_date"] == "2019/06"
    assert meta["citation_pdf_url"] == SITE_URL + "resources/governance-brief/governance-brief.pdf"
    (ld_text,) = head.json_ld
    assert "</script>" not in ld_text
    data = json.loads(ld_text)
    assert data["@type"] == "Report"
    assert data["name"].startswith("Governance")
    assert data["author"][0]["familyName"] == "Jordan"
    assert data["isPartOf"]["name"] == "Issue Briefs"
    assert data["about"][0]["termCode"] == "inclusive-governance"
    assert data["encoding"]["encodingFormat"] == "application/pdf"
    assert data["encoding"]["contentUrl"] == meta["citation_pdf_url"]
    assert re.fullmatch(r"[0-9a-f]{64}", data["encoding"]["sha256"])
    # The script tag typed in the title never becomes markup.
    assert "<script>alert(1)</script>" not in page.read_text("utf-8")


def test_home_has_a_data_catalog(site):
    (ld_text,) = head_of(site / "index.html").json_ld
    data = json.loads(ld_text)
    assert data["@type"] == "DataCatalog" and data["numberOfItems"] == 3
    urls = {d["contentUrl"] for d in data["dataset"][0]["distribution"]}
    assert urls == {SITE_URL + "catalog.json", SITE_URL + "catalog.csv"}


def test_catalog_json_validates_against_the_published_schema(site):
    document = json.loads((site / "catalog.json").read_text("utf-8"))
    schema = json.loads((site / "catalog.schema.json").read_text("utf-8"))
    jsonschema.validate(document, schema)
    records = {r["id"]: r for r in document["resources"]}
    assert set(records) == {"governance-brief", "flyer", "pending"}
    pdf = site / "resources/flyer/flyer.pdf"
    import hashlib

    assert records["flyer"]["pdf"]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert records["pending"]["pdf"] is None and records["pending"]["status"] == "not-deposited"
    assert records["flyer"]["pdf_accessibility"]["missing"] == ["tagged", "language", "title"]
    assert records["pending"]["pdf_accessibility"] is None
    broken = json.loads(json.dumps(document))
    broken["resources"][0]["type"] = "brochure"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_catalog_csv_round_trips(site):
    text = (site / "catalog.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    document = json.loads((site / "catalog.json").read_text("utf-8"))
    assert [r["id"] for r in rows] == [r["id"] for r in document["resources"]]
    for row, record in zip(rows, document["resources"], strict=True):
        assert row["title"] == record["title"]
        assert row["capacities"].split("; ") == (record["capacities"] or [""])
        assert row["pdf_sha256"] == ((record["pdf"] or {}).get("sha256") or "")


def test_bib_and_ris_files_are_published_and_linked(site):
    page = (site / "resources/flyer/index.html").read_text("utf-8")
    assert 'href="flyer.bib"' in page and 'href="flyer.ris"' in page
    assert (site / "resources/flyer/flyer.ris").read_text("utf-8").startswith("TY  - ")
    assert "Copy citation" in page and "APA (7th edition)" in page


def test_feed_lists_resources_newest_first(site):
    feed = ET.parse(site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    ids = [e.find("a:id", ns).text for e in feed.findall("a:entry", ns)]
    # "pending" has no added date and is not committed: dated by the build, so newest.
    assert ids == [f"{FEED_ID}/resources/{rid}" for rid in ("pending", "flyer",
                                                             "governance-brief")]
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert "<lastmod>" in sitemap and SITE_URL + "resources/flyer/" in sitemap


def test_cover_thumbnail_and_placeholder(site):
    cover = site / "resources/flyer/cover.png"
    assert cover.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(cover) as image:
        # A small palette image: 240 px wide, at most 64 colours.
        assert image.width == 240 and image.mode == "P"
        assert len(image.getcolors(256)) <= 64
    page = (site / "resources/flyer/index.html").read_text("utf-8")
    assert '<img class="bsla-cover" src="cover.png" alt="First page of Title of flyer"' in page
    pending = (site / "resources/pending/index.html").read_text("utf-8")
    assert "cover-placeholder.svg" in pending


def test_redirect_from_a_former_id_lands_on_the_resource(site):
    old = site / "resources/old-governance/index.html"
    html = old.read_text("utf-8")
    target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', html).group(1)
    assert (old.parent / target / "index.html").resolve() == \
        (site / "resources/governance-brief/index.html").resolve()
    assert f'<link rel="canonical" href="{SITE_URL}resources/governance-brief/">' in html


def test_verify_detects_changed_and_missing_pdfs(library, site, tmp_path):
    manifest = tmp_path / "catalog.json"
    manifest.write_bytes((site / "catalog.json").read_bytes())
    ok = run(["verify", "--against", str(manifest)], library.root)
    assert ok.returncode == 0 and ok.stdout.startswith("OK: 2 files")
    flyer = library.root / "compendium/outreach-engagement/flyer.pdf"
    brief = library.root / "briefs/issue-briefs/governance-brief.pdf"
    saved = flyer.read_bytes(), brief.read_bytes()
    try:
        flyer.write_bytes(saved[0] + b"\n% one more line\n")
        brief.unlink()
        bad = run(["verify", "--against", str(manifest)], library.root)
        assert bad.returncode == 1
        assert "compendium/outreach-engagement/flyer.pdf: the file changed" in bad.stderr
        assert "briefs/issue-briefs/governance-brief.pdf: the file has vanished" in bad.stderr
    finally:
        flyer.write_bytes(saved[0])
        brief.write_bytes(saved[1])


def test_export_without_building(library, tmp_path):
    result = run(["export", "--format", "csv", "--out", "-"], library.root)
    assert result.returncode == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["id"] for r in rows} == {"governance-brief", "flyer", "pending"}
    out = tmp_path / "export"
    assert run(["export", "--format", "json", "--out", str(out)], library.root).returncode == 0
    assert json.loads((out / "catalog.json").read_text("utf-8"))["count"] == 3


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("href", "src"):
            value = attributes.get(name)
            if value and tag in ("a", "link", "script", "img"):
                self.links.append(value)


def test_offline_copy_works_from_the_file_system(library, tmp_path):
    site = tmp_path / "offline"
    archive = tmp_path / "library.zip"
    result = run(["build", "--offline", "--site-dir", str(site), "--zip", str(archive)],
                 library.root)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(archive) as bundle:
        names = set(bundle.namelist())
    assert "offline/index.html" in names and "offline/resources/flyer/flyer.pdf" in names
    checked = 0
    for page in [site / "index.html", site / "issue-briefs/index.html",
                 site / "resources/governance-brief/index.html", site / "resources/index.html"]:
        parser = LinkParser()
        parser.feed(page.read_text("utf-8"))
        for link in parser.links:
            if re.match(r"^(https?:|mailto:|#|data:)", link):
                continue
            # A query (the search page's filters) is not part of the file name.
            target = (page.parent / re.split(r"[#?]", link)[0]).resolve()
            # From file:// a folder link shows a listing, not the page: every link must
            # name a file that exists.
            assert target.is_file(), (page, link)
            checked += 1
    assert checked > 20


def test_the_resources_folder_sends_visitors_to_the_search_page(site):
    folder = site / "resources/index.html"
    html = folder.read_text("utf-8")
    target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', html).group(1)
    assert (folder.parent / target / "index.html").resolve() == (site / "search/index.html")
    assert f'<link rel="canonical" href="{SITE_URL}search/">' in html
    assert "<title>Search the library</title>" in html and '<html lang="en">' in html


def test_share_previews_on_resource_pages_and_the_home_page(site):
    head = head_of(site / "resources/flyer/index.html")
    og, twitter = dict(head.properties), dict(head.meta)
    assert og["og:type"] == "article"
    assert og["og:title"] == twitter["twitter:title"] == "Title of flyer"
    assert og["og:description"] == twitter["twitter:description"] == "Summary of flyer."
    assert og["og:site_name"] == "Best Start LA Resource Library"
    assert og["og:locale"] == "en_US"
    assert og["og:url"] == SITE_URL + "resources/flyer/"
    assert og["og:image"] == twitter["twitter:image"] == SITE_URL + "resources/flyer/cover.png"
    assert og["og:image:alt"] == "First page of Title of flyer"
    assert twitter["twitter:card"] == "summary"
    # Escaped once: the title typed with markup arrives as the same text, never as markup.
    brief = dict(head_of(site / "resources/governance-brief/index.html").properties)
    assert brief["og:title"] == "Governance ‹/script›‹script›alert(1)‹/script›"
    # A resource without a PDF has no cover to show, so no image.
    assert "og:image" not in dict(head_of(site / "resources/pending/index.html").properties)
    home = dict(head_of(site / "index.html").properties)
    assert home["og:type"] == "website" and home["og:url"] == SITE_URL
    assert home["og:title"] == "Best Start LA Resource Library"
    assert home["og:description"].startswith("Toolkits, reflection papers")


def test_feedparser_reads_absolute_permanent_ids_and_real_dates(site):
    import feedparser

    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.id == FEED_ID
    assert parsed.feed.updated_parsed.tm_year >= 2026
    entries = {e.link.rsplit("/", 2)[-2]: e for e in parsed.entries}
    assert set(entries) == {"flyer", "governance-brief", "pending"}
    for rid, entry in entries.items():
        assert entry.id == f"{FEED_ID}/resources/{rid}"
        assert entry.link == f"{SITE_URL}resources/{rid}/"
        assert entry.updated_parsed.tm_year > 1970
    assert entries["flyer"].updated.startswith("2026-02-01T")  # its `added` date


def test_without_site_url_nothing_carries_a_wrong_address(library, local_build):
    site, printed = local_build
    # One warning, saying what to do.
    assert printed.count("SITE_URL is not set") == 1
    assert "SITE_URL=https://" in printed
    page = (site / "resources/governance-brief/index.html").read_text("utf-8")
    apa = re.search(r'id="cite-apa">([^<]*)<', page).group(1)
    chicago = re.search(r'id="cite-chicago">([^<]*)<', page).group(1)
    for citation in (apa, chicago):
        assert "/resources/" not in citation and "http" not in citation
    assert apa.endswith("Center for the Study of Social Policy (CSSP).")
    bib = (site / "resources/governance-brief/governance-brief.bib").read_text("utf-8")
    ris_text = (site / "resources/governance-brief/governance-brief.ris").read_text("utf-8")
    assert "url =" not in bib and "UR  -" not in ris_text and "L1  -" not in ris_text
    properties = dict(head_of(site / "resources/flyer/index.html").properties)
    assert "og:url" not in properties and "og:image" not in properties
    assert properties["og:title"] == "Title of flyer"
    import feedparser

    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    # Ids stay absolute and the same wherever the site is hosted.
    assert parsed.feed.id == FEED_ID
    assert {e.id for e in parsed.entries} == {
        f"{FEED_ID}/resources/{rid}" for rid in ("flyer", "governance-brief", "pending")}


XHTML = "{http://www.w3.org/1999/xhtml}link"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _published_file(site: Path, url: str) -> Path:
    """The built file a public URL of the site serves."""
    assert url.startswith(SITE_URL), url
    path = url[len(SITE_URL):]
    return site / (path + "index.html" if path == "" or path.endswith("/") else path)


def test_sitemaps_list_each_page_with_its_counterparts_in_both_languages(site):
    seen = {}
    for prefix in ("", "es/"):
        # ElementTree refuses anything that is not well-formed XML.
        urlset = ET.parse(site / prefix / "sitemap.xml").getroot()
        assert urlset.tag == f"{SITEMAP}urlset"
        for entry in urlset.findall(f"{SITEMAP}url"):
            loc = entry.find(f"{SITEMAP}loc").text
            assert _published_file(site, loc).is_file(), loc
            alternates = {link.get("hreflang"): link.get("href")
                          for link in entry.findall(XHTML)}
            assert all(link.get("rel") == "alternate" for link in entry.findall(XHTML))
            page = loc[len(SITE_URL + prefix):]
            if page.startswith("tags/") and page != "tags/":
                # Keywords are translated: no page in the other language is this one.
                assert alternates == {}, loc
                continue
            assert alternates == {"en": SITE_URL + page, "es": SITE_URL + "es/" + page,
                                  "x-default": SITE_URL + page}, loc
            for href in alternates.values():
                assert _published_file(site, href).is_file(), href
            seen[prefix, page] = loc
    english = {page for prefix, page in seen if prefix == ""}
    assert english == {page for prefix, page in seen if prefix == "es/"}
    assert {"", "resources/flyer/", "resources/governance-brief/", "search/", "about/"} <= english
