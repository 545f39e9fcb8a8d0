"""`build_site.py package` on a real build: the bag and the WACZ, checked by their own tools."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import bagit
import pytest
from warcio.archiveiterator import ArchiveIterator

from bsla.package.web_archive import validate_wacz
from tests.conftest import REPO, Project

pytestmark = pytest.mark.e2e
SITE_URL = "https://library.example.org/bsla/"
BUILD_SITE = [sys.executable, str(REPO / "build_site.py")]
PDF_ID = "deposited-brief"


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, **env})


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> tuple[Project, Path, Path]:
    """The bundled catalog plus one PDF, built for SITE_URL, packaged as a bag and a WACZ."""
    project = Project(tmp_path_factory.mktemp("deposit") / "library").use_bundled_catalog()
    project.resource("briefs/issue-briefs", PDF_ID, pdf_pages=2, title="A Deposited Brief")
    built = run([*BUILD_SITE, "build"], project.root, SITE_URL=SITE_URL)
    assert built.returncode == 0, built.stderr
    bag, wacz = project.root.parent / "bag", project.root.parent / "library.wacz"
    packaged = run([*BUILD_SITE, "package", "--bag", str(bag), "--wacz", str(wacz)],
                   project.root, SITE_URL=SITE_URL)
    assert packaged.returncode == 0, packaged.stderr
    assert "the WACZ validation passed" in packaged.stdout
    return project, bag, wacz


def test_the_wacz_passes_the_wacz_packages_own_validation(packages):
    _, _, wacz = packages
    checked = run([sys.executable, "-m", "wacz", "validate", "-f", str(wacz)], wacz.parent)
    assert checked.returncode == 0, checked.stdout
    assert "the passed WACZ is valid" in checked.stdout


def test_the_wacz_replays_a_resource_page_its_pdf_and_the_search_page(packages):
    project, _, wacz = packages
    with zipfile.ZipFile(wacz) as archive:
        index = gzip.decompress(archive.read("indexes/index.cdx.gz")).decode("utf-8")
        pages = [json.loads(line) for line in
                 archive.read("pages/pages.jsonl").decode("utf-8").splitlines()]
        warc_name = next(n for n in archive.namelist() if n.startswith("archive/"))
        with archive.open(warc_name) as stream:
            payloads = {r.rec_headers.get_header("WARC-Target-URI"): r.content_stream().read()
                        for r in ArchiveIterator(stream) if r.rec_type == "response"}
    page = f"{SITE_URL}resources/{PDF_ID}/"
    pdf = f"{page}{PDF_ID}.pdf"
    for url in (page, pdf, f"{SITE_URL}search/", f"{SITE_URL}es/resources/{PDF_ID}/",
                f"{SITE_URL}pagefind/pagefind.js", f"{SITE_URL}oai.xml"):
        assert f'"url": "{url}"' in index, url
    # Byte for byte what the host serves.
    site = project.root / "site"
    assert payloads[pdf] == (site / f"resources/{PDF_ID}/{PDF_ID}.pdf").read_bytes()
    assert payloads[page] == (site / f"resources/{PDF_ID}/index.html").read_bytes()
    assert len(payloads) == sum(1 for p in site.rglob("*") if p.is_file())
    # The pages list: a header saying it has text, then titled pages ReplayWeb.page can search.
    assert pages[0]["format"] == "json-pages-1.0" and pages[0]["hasText"] is True
    by_url = {p["url"]: p for p in pages[1:]}
    assert "A Deposited Brief" in by_url[page]["title"]
    assert "Summary of" in by_url[page]["text"]
    assert f"{SITE_URL}search/" in by_url


def test_one_site_packaged_twice_gives_the_same_wacz_bytes(packages):
    project, _, _ = packages
    archives = []
    for attempt in range(2):
        if attempt:
            time.sleep(2.1)  # past the zip format's 2-second clock, so a stamped "now" differs
        archive = project.root.parent / f"again-{attempt}.wacz"
        packaged = run([*BUILD_SITE, "package", "--wacz", str(archive)], project.root,
                       SITE_URL=SITE_URL, SOURCE_DATE_EPOCH="1767225600")
        assert packaged.returncode == 0, packaged.stderr
        assert "the WACZ validation passed" in packaged.stdout
        archives.append(archive)
    assert archives[0].read_bytes() == archives[1].read_bytes()
    with zipfile.ZipFile(archives[0]) as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(2026, 1, 1, 0, 0, 0)}
        assert json.loads(archive.read("datapackage.json"))["created"] == "2026-01-01T00:00:00Z"


def test_a_wacz_whose_datapackage_no_longer_matches_its_digest_fails_validation(packages,
                                                                              tmp_path):
    _, _, wacz = packages
    assert validate_wacz(wacz)[0]
    altered = tmp_path / "altered.wacz"
    with zipfile.ZipFile(wacz) as source, zipfile.ZipFile(altered, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "datapackage.json":
                data += b" "  # still valid JSON, no longer the bytes the digest names
            target.writestr(entry, data)
    ok, output = validate_wacz(altered)
    assert not ok and "hash mismatch" in output


def test_the_bag_validates_with_bagit_and_holds_the_offline_site(packages):
    project, bag, _ = packages
    checked = run([sys.executable, "-m", "bagit", "--validate", str(bag)], bag.parent)
    assert checked.returncode == 0, checked.stderr
    bagit.Bag(str(bag)).validate()
    data = bag / "data"
    assert (data / "library/briefs/issue-briefs" / f"{PDF_ID}.pdf").read_bytes() == \
        (project.root / "briefs/issue-briefs" / f"{PDF_ID}.pdf").read_bytes()
    yamls = sorted(p.name for p in (project.root / "compendium").rglob("*.yml"))
    assert sorted(p.name for p in (data / "library/compendium").rglob("*.yml")) == yamls
    # The offline copy: .html links that work from the file system.
    home = (data / "site/index.html").read_text("utf-8")
    assert 'href="search.html"' in home or "search.html" in home
    assert (data / "site" / f"resources/{PDF_ID}/index.html").is_file()


def test_a_second_bag_into_the_same_folder_is_refused(packages):
    project, bag, _ = packages
    again = run([*BUILD_SITE, "package", "--bag", str(bag)], project.root, SITE_URL=SITE_URL)
    assert again.returncode == 1
    assert "not an empty folder" in again.stderr and "Traceback" not in again.stderr
