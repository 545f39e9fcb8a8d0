"""End-to-end: the dev server's rebuilds after edits, including edits that fail."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bsla.mkdocs_door.preview_errors import NOTICE_ID
from tests.conftest import REPO, Project, fetch_text, free_port

pytestmark = pytest.mark.e2e
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _wait(url: str, test, seconds: float, failure: str) -> str:
    deadline = time.monotonic() + seconds
    while True:
        page = fetch_text(url)
        if test(page):
            return page
        assert time.monotonic() < deadline, failure
        time.sleep(0.2)


def test_a_failed_edit_shows_in_the_terminal_and_the_browser(tmp_path: Path):
    project = Project(tmp_path / "library")
    yml = project.resource("briefs/issue-briefs", "live", title="Good title")
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, str(REPO / "build_site.py"), "--root", str(project.root), "serve",
             "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project.root, env=ENV, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/resources/live/"
    good = yml.read_text(encoding="utf-8")
    try:
        _wait(url, lambda page: "Good title" in page, 90, "serve never came up")
        time.sleep(1)
        bad = good.replace("Good title", "Edited title") + "date: someday\n"
        yml.write_text(bad, encoding="utf-8")
        page = _wait(url, lambda page: NOTICE_ID in page, 60,
                     "the failed rebuild never showed in the browser")
        # The last good site is still served, under the notice.
        assert "Good title" in page and "Edited title" not in page
        assert "someday" in page and "live.yml" in page
        text = log.read_text(encoding="utf-8", errors="replace")
        assert "live.yml" in text and "someday" in text
        assert "Traceback" not in text
        # Other pages carry the notice too.
        assert NOTICE_ID in fetch_text(f"http://127.0.0.1:{port}/")
        yml.write_text(good.replace("Good title", "Fixed title"), encoding="utf-8")
        page = _wait(url, lambda page: "Fixed title" in page, 60, "the fix was not rebuilt")
        assert NOTICE_ID not in page
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serve_refuses_a_broken_catalog_without_a_traceback(tmp_path: Path):
    project = Project(tmp_path / "library")
    project.resource("briefs/issue-briefs", "broken", "date: someday\n")
    done = subprocess.run(
        [sys.executable, str(REPO / "build_site.py"), "--root", str(project.root), "serve",
         "--dev-addr", f"127.0.0.1:{free_port()}"],
        cwd=project.root, env=ENV, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "broken.yml" in done.stderr and "someday" in done.stderr
    assert "Nothing is served" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
