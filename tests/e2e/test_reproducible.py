"""Two builds of one commit give the same site, byte for byte (README "Rebuilding the same site").

The two builds differ in everything that must not matter: the folder (and its
depth), the order the catalog's files were created in, the time (one after the
other, no SOURCE_DATE_EPOCH: the last commit's time stands in), the time zone,
the locale, PYTHONHASHSEED and the temporary folder (ext4 against tmpfs where
/dev/shm exists, which list folders in different orders).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import REPO, Project

pytestmark = pytest.mark.e2e
SITE_URL = "https://library.example/bsla/"
COMMIT_TIME = "2026-03-01T12:00:00+00:00"


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "e@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "e@example.org",
           "GIT_AUTHOR_DATE": COMMIT_TIME, "GIT_COMMITTER_DATE": COMMIT_TIME}
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                          check=True, timeout=120).stdout.strip()


def copy_in_reverse_order(source: Path, target: Path) -> None:
    """Every file of ``source`` in ``target``, created last-first (git's folder as it is)."""
    files = sorted((p for p in source.rglob("*") if p.is_file()
                    and ".git" not in p.relative_to(source).parts), reverse=True)
    for path in files:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    shutil.copytree(source / ".git", target / ".git")


def build(root: Path, temporary: Path, **env: str) -> None:
    temporary.mkdir(parents=True, exist_ok=True)
    environment = {key: value for key, value in os.environ.items()
                   if key not in {"SOURCE_DATE_EPOCH", "SITE_URL", "PYTHONHASHSEED"}}
    environment.update(SITE_URL=SITE_URL, TMPDIR=str(temporary), **env)
    result = subprocess.run([sys.executable, str(REPO / "build_site.py"), "build"], cwd=root,
                            env=environment, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Path, Path, str]:
    base = tmp_path_factory.mktemp("reproducible")
    first = Project(base / "one" / "library").use_bundled_catalog()
    first.resource("briefs/issue-briefs", "budget-brief", pdf_pages=2,
                   text="Quarterly budget worksheet", date='"2020-05"')
    # As in the repository: the site and the engine's cache are not part of a commit.
    shutil.copy(REPO / ".gitignore", first.root / ".gitignore")
    git(first.root, "init", "--quiet")
    git(first.root, "add", "-A")
    git(first.root, "commit", "--quiet", "-m", "The library")
    commit = git(first.root, "rev-parse", "HEAD")
    second = base / "elsewhere" / "deeper" / "library"
    copy_in_reverse_order(first.root, second)
    assert git(second, "status", "--porcelain") == ""

    build(first.root, base / "tmp-one", TZ="UTC", LC_ALL="C.UTF-8", LANG="C.UTF-8",
          PYTHONHASHSEED="1")
    time.sleep(1.1)  # a later second, at least
    shm = Path("/dev/shm")
    other_tmp = (shm / f"bsla-repro-{os.getpid()}") if shm.is_dir() else base / "tmp-two"
    try:
        build(second, other_tmp, TZ="Asia/Kathmandu", LC_ALL="POSIX", LANG="POSIX",
              PYTHONHASHSEED="4242")
    finally:
        shutil.rmtree(other_tmp, ignore_errors=True)
    return first.root, second, commit


def test_every_file_of_the_two_sites_is_the_same(two_builds):
    first, second, _ = two_builds
    one, two = site_files(first / "site"), site_files(second / "site")
    assert len(one) > 150
    assert sorted(set(one) ^ set(two)) == []
    differing = sorted(name for name in one if one[name] != two[name])
    assert differing == []
    # The search index of both languages is among the files compared.
    assert any(name.startswith("pagefind/filter/") for name in one)
    assert any(name.startswith("es/pagefind/filter/") for name in one)


def test_no_folder_or_machine_name_is_in_the_output(two_builds):
    first, second, _ = two_builds
    needles = [str(first).encode(), str(second).encode(), str(first.parent).encode()]
    host = socket.gethostname()
    if len(host) >= 6:  # a short name ("vm") would match ordinary text
        needles.append(host.encode())
    for name, data in site_files(second / "site").items():
        for needle in needles:
            assert needle not in data, (name, needle)


def test_catalog_json_names_the_engine_the_commit_and_its_time(two_builds):
    first, _, commit = two_builds
    document = json.loads((first / "site" / "catalog.json").read_text("utf-8"))
    assert document["engine"] == {"name": "bsla-library",
                                  "version": metadata.version("bsla-library")}
    assert document["source"] == {"commit": commit, "modified": False}
    # No SOURCE_DATE_EPOCH was given: the last commit's time stands in.
    assert document["generated"] == "2026-03-01T12:00:00Z"
    sitemap = (first / "site" / "sitemap.xml").read_text("utf-8")
    assert "<lastmod>2026-03-01</lastmod>" in sitemap
