"""Both doors show progress while a cold build reads PDFs, and neither does with -q.

stderr is a pipe here, as in a CI log: a line every tenth of the PDFs, no
carriage returns. The terminal form is tests/test_progress.py's.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import Project
from tests.e2e.test_build import BUILD_SITE, ENV, MKDOCS

pytestmark = pytest.mark.e2e
PDFS = 12


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Project:
    project = Project(tmp_path_factory.mktemp("progress") / "library")
    for number in range(PDFS):
        project.resource("briefs/issue-briefs", f"brief-{number:02d}", pdf_pages=1,
                         text=f"Brief {number} body")
    return project


def _cold(project: Project, command: list[str]) -> list[str]:
    shutil.rmtree(project.root / ".cache", ignore_errors=True)
    result = subprocess.run(command, cwd=project.root, env=ENV, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("Reading PDFs")]


@pytest.mark.parametrize("command", [
    [*BUILD_SITE, "build"],
    [*MKDOCS, "build", "--strict"],
], ids=["build_site", "mkdocs"])
def test_a_cold_build_logs_a_line_per_tenth_and_none_with_q(library, command):
    lines = _cold(library, command)
    assert len(lines) == 10, lines
    assert lines[-1].startswith(f"Reading PDFs: {PDFS}/{PDFS} (100%)")
    assert _cold(library, [*command, "-q"]) == []


def test_a_warm_build_reads_no_pdf_and_says_nothing_of_it(library):
    _cold(library, [*BUILD_SITE, "build"])
    result = subprocess.run([*BUILD_SITE, "build"], cwd=library.root, env=ENV,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "Reading PDFs" not in result.stderr


def test_the_options_are_documented():
    result = subprocess.run([sys.executable, BUILD_SITE[1], "build", "--help"],
                            capture_output=True, text=True, env=ENV, check=True)
    assert "-q, --quiet" in result.stdout
