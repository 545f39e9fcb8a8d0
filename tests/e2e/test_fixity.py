"""Fixity of the published copies: the built site beside the catalog, and a deployed site."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, Project

pytestmark = pytest.mark.e2e
BUILD_SITE = [sys.executable, str(REPO / "build_site.py")]


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BUILD_SITE, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **env})


@pytest.fixture
def library(tmp_path: Path) -> Project:
    project = Project(tmp_path / "library")
    project.resource("briefs/issue-briefs", "brief", pdf_pages=2)
    project.resource("compendium/outreach-engagement", "flyer", pdf_pages=1)
    project.resource("briefs/reflection-papers", "pending")
    return project


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    # Same size, one bit off: what bit rot or a bad copy on the host looks like.
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("site_url", ["", "https://library.example/bsla/"])
def test_verify_names_each_changed_or_missing_published_copy(library, site_url):
    assert run(["build"], library.root, SITE_URL=site_url).returncode == 0
    site = library.root / "site"
    ok = run(["verify"], library.root)
    assert ok.returncode == 0, ok.stderr
    assert "so do the 2 published copies in site" in ok.stdout
    _flip_a_byte(site / "resources/brief/brief.pdf")
    (site / "resources/flyer/flyer.pdf").unlink()
    bad = run(["verify"], library.root)
    assert bad.returncode == 1
    assert ("site/resources/brief/brief.pdf: the published copy of "
            "briefs/issue-briefs/brief.pdf changed") in bad.stderr
    assert ("site/resources/flyer/flyer.pdf: the published copy of "
            "compendium/outreach-engagement/flyer.pdf is missing") in bad.stderr
    # The repository's own files are untouched, and said to be.
    assert "0 changed, 0 missing of 2 files" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_verify_against_a_catalog_outside_a_site_checks_the_repository_only(library, tmp_path):
    assert run(["build"], library.root).returncode == 0
    manifest = tmp_path / "kept" / "catalog.json"
    manifest.parent.mkdir()
    shutil.copy(library.root / "site" / "catalog.json", manifest)
    result = run(["verify", "--against", str(manifest)], library.root)
    assert result.returncode == 0
    assert "no built site beside the catalog" in result.stdout


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on the loopback address, as a deployed site would be."""
    folder = tmp_path / "host"
    folder.mkdir()
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_verify_against_a_deployed_site(library, served):
    host, url = served
    assert run(["build"], library.root, SITE_URL=url).returncode == 0
    shutil.copytree(library.root / "site", host, dirs_exist_ok=True)
    ok = run(["verify", "--against", url], library.root)
    assert ok.returncode == 0, ok.stderr
    assert f"so do the 2 published copies in {url}catalog.json" in ok.stdout
    _flip_a_byte(host / "resources/brief/brief.pdf")
    (host / "resources/flyer/flyer.pdf").unlink()
    bad = run(["verify", "--against", url + "catalog.json"], library.root)
    assert bad.returncode == 1
    assert (f"{url}resources/brief/brief.pdf: the published copy of "
            "briefs/issue-briefs/brief.pdf changed") in bad.stderr
    assert (f"{url}resources/flyer/flyer.pdf: the published copy of "
            "compendium/outreach-engagement/flyer.pdf is missing (HTTP 404)") in bad.stderr


def test_verify_against_an_address_that_answers_nothing(library, served):
    _, url = served
    result = run(["verify", "--against", url + "nowhere/"], library.root)
    assert result.returncode == 1
    assert "nowhere/catalog.json: the published catalog could not be read" in result.stderr
    assert "Traceback" not in result.stderr
