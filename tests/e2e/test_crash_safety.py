"""Crash-safe and concurrent builds: SIGKILL at several moments, two builds at once.

Each crash test builds a library, changes its catalog (new PDFs, an edited
title), starts a build and kills it with SIGKILL at one moment. Then
``site/`` must be whole (the previous site, or after the final swap the new
one), and the next build must succeed and equal a clean build of the same
catalog made from an empty cache.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest
from pagefind.service import get_executable

from bsla.build_lock import acquire_build_lock, release_build_lock
from tests.conftest import REPO, Project

pytestmark = pytest.mark.e2e
BUILD_SITE = [sys.executable, str(REPO / "build_site.py")]
MKDOCS = [sys.executable, "-m", "mkdocs"]
# One build time for every build (the feed dates uncommitted resources by it).
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "BSLA_BUILD_LOCK_WAIT": "20",
       "SOURCE_DATE_EPOCH": "1767225600"}
# Pagefind's filter and metadata chunks come out in a varying order, and
# catalog.json and the sitemap carry the build time (in every language's site).
_VARIES = re.compile(r"^(es/)?(sitemap\.xml(\.gz)?|catalog\.json"
                     r"|pagefind/(pagefind-entry\.json|pagefind\.[^/]+\.pf_meta|filter/[^/]+))$")


def snapshot(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def comparable(site: Path) -> dict[str, str]:
    files = {}
    for name, digest in snapshot(site).items():
        if _VARIES.match(name):
            # Named after their varying content: only that each kind is there counts.
            name, digest = re.sub(r"_[0-9a-f]+\.", "_*.", name), "(varies)"
        files[name] = digest
    return files


def _library(root: Path) -> Project:
    project = Project(root)
    for number in range(4):
        project.resource("briefs/issue-briefs", f"old-{number}", pdf_pages=2,
                         text=f"Old document {number}")
    return project


def _change(project: Project) -> None:
    """New PDFs (so the next build has PDF work to do) and an edited title."""
    for number in range(6):
        project.resource("compendium/initiative-wide", f"new-{number}", pdf_pages=12,
                         text=f"New document {number} " * 40)
    project.resource("briefs/issue-briefs", "old-0", pdf_pages=2, text="Old document 0",
                     title="An edited title")


def _build(root: Path) -> None:
    result = subprocess.run([*BUILD_SITE, "build"], cwd=root, env=ENV, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """A built library, the change to make to it, and the changed library built clean.

    Made once: every test copies them, so all see the same PDF bytes.
    """
    base = tmp_path_factory.mktemp("versions")
    built = _library(base / "built")
    _build(built.root)
    changed = Project(base / "changed")
    _change(changed)
    for generated in ("taxonomy.yml", "labels.yml", "mkdocs.yml", "docs"):
        path = changed.root / generated
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    clean = base / "clean"
    shutil.copytree(built.root, clean, ignore=shutil.ignore_patterns("site", ".cache"))
    shutil.copytree(changed.root, clean, dirs_exist_ok=True)
    _build(clean)
    return built.root, changed.root, comparable(clean / "site")


def _copy(versions: tuple[Path, Path, dict[str, str]], where: Path) -> Path:
    built, _, _ = versions
    root = where / "library"
    shutil.copytree(built, root)
    return root


def _apply_change(versions: tuple[Path, Path, dict[str, str]], root: Path) -> None:
    shutil.copytree(versions[1], root, dirs_exist_ok=True)


def _children(process: subprocess.Popen[str]) -> list[psutil.Process]:
    try:
        return psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _when_a_pdf_worker_runs(process: subprocess.Popen[str], root: Path) -> bool:
    return any("bsla.pdf_worker" in " ".join(_cmdline(child)) for child in _children(process))


def _when_pagefind_runs(process: subprocess.Popen[str], root: Path) -> bool:
    return (root.parent / PAGEFIND_STARTED).exists()


# Pagefind indexes a library this small in a fraction of a second, beside
# MkDocs: a watcher scanning the build's processes missed it once in CI on a
# busy machine. Pagefind's package runs the program PAGEFIND_BINARY_PATH names,
# so this stand-in marks that the build has started its search stage and holds it
# for a moment before it becomes the real program. The kill lands there every time:
# the build is in its search stage, waiting on Pagefind for an index, as it is
# when a crash comes while Pagefind indexes.
PAGEFIND_STARTED = ".pagefind-started"
_PAGEFIND_STAND_IN = """#!/bin/sh
: > "{marker}"
sleep 2
exec "{real}" "$@"
"""


def _pagefind_stand_in(where: Path, root: Path) -> dict[str, str]:
    real = get_executable()
    assert real is not None, "Pagefind's program is not installed"
    stand_in = where / "pagefind-stand-in"
    stand_in.write_text(_PAGEFIND_STAND_IN.format(marker=root.parent / PAGEFIND_STARTED, real=real),
                        encoding="utf-8")
    stand_in.chmod(0o755)
    return {"PAGEFIND_BINARY_PATH": str(stand_in)}


def _when_pages_are_being_written(process: subprocess.Popen[str], root: Path) -> bool:
    # MkDocs writes into a staging folder beside site/ (..site.building-…).
    return any(len(list(staging.glob("resources/*/index.html"))) >= 3
               for staging in root.glob(".*site.building-*"))


def _cmdline(child: psutil.Process) -> list[str]:
    try:
        return child.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return []


# A build that kills itself at one exact point of its own code, as SIGKILL
# from outside would at that instant.
_SELF_KILL = textwrap.dedent("""
    import os, signal, sys
    import bsla.fs, bsla.pdf
    from bsla.cli import main

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    moment = os.environ["CRASH_AT"]
    exchange, cache_write = bsla.fs.exchange, bsla.pdf._cache_write

    def exchanging(built, final):
        if final.name == "site" and moment == "before-swap":
            die()
        done = exchange(built, final)
        if final.name == "site" and moment == "after-swap":
            die()
        return done

    def writing_cache(cache_dir, facts, thumb=None):
        # Half an entry on disk, as a kill in the middle of the write leaves it.
        cache_dir.mkdir(parents=True, exist_ok=True)
        half = (cache_dir / f".{facts.sha256}.json.{os.getpid()}.tmp")
        half.write_text('{"cache_version": 4, "facts": {"sha2', encoding="utf-8")
        die()

    bsla.fs.exchange = exchanging
    if moment == "mid-cache-write":
        bsla.pdf._cache_write = writing_cache
    sys.exit(main(["build"]))
""")

WATCHED = {
    "while PDF workers read the new PDFs": _when_a_pdf_worker_runs,
    "while MkDocs writes the pages": _when_pages_are_being_written,
    "while Pagefind indexes": _when_pagefind_runs,
}
SELF_KILLED = ["mid-cache-write", "before-swap", "after-swap"]


@pytest.mark.parametrize("moment", [*WATCHED, *SELF_KILLED])
def test_sigkill_leaves_a_whole_site_and_the_next_build_equals_a_clean_one(
        moment, tmp_path, versions):
    root = _copy(versions, tmp_path)
    site = root / "site"
    before = snapshot(site)
    _apply_change(versions, root)
    clean_reference = versions[2]

    if moment in WATCHED:
        extra = (_pagefind_stand_in(tmp_path, root)
                 if WATCHED[moment] is _when_pagefind_runs else {})
        process = subprocess.Popen([*BUILD_SITE, "build"], cwd=root, env={**ENV, **extra},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True, text=True)
        deadline = time.monotonic() + 120
        try:
            while not WATCHED[moment](process, root):
                assert process.poll() is None, f"the build ended before the moment: {moment}"
                assert time.monotonic() < deadline, f"never reached: {moment}"
                time.sleep(0.01)
        finally:
            # The whole build at once, its workers and Pagefind included.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
    else:
        killed = subprocess.run([sys.executable, "-c", _SELF_KILL], cwd=root,
                                env={**ENV, "CRASH_AT": moment}, capture_output=True,
                                text=True, timeout=300)
        assert killed.returncode == -signal.SIGKILL, killed.stderr

    # site/ is whole: the previous one, or (killed after the swap) the new one.
    if moment == "after-swap":
        assert comparable(site) == clean_reference
    else:
        assert snapshot(site) == before

    _build(root)
    assert comparable(site) == clean_reference
    # Nothing the killed build left beside site/ survives the next one.
    assert [p.name for p in root.iterdir() if ".site." in p.name] == []


def test_a_second_build_stops_with_a_clear_message_while_one_holds_the_lock(
        tmp_path, versions):
    root = _copy(versions, tmp_path)
    site = root / "site"
    before = snapshot(site)
    acquire_build_lock(root, "test")
    try:
        for command in ([*BUILD_SITE, "build"], [*MKDOCS, "build", "--strict"]):
            result = subprocess.run(command, cwd=root,
                                    env={**ENV, "BSLA_BUILD_LOCK_WAIT": "1"},
                                    capture_output=True, text=True, timeout=300)
            assert result.returncode == 1, command
            assert "another build of this checkout is running" in result.stderr
            assert f"process {os.getpid()}" in result.stderr
            assert "waited 1 s and stopped, changing nothing" in result.stderr
            assert "Traceback" not in result.stderr
            assert snapshot(site) == before
    finally:
        release_build_lock("test")
    _build(root)


def test_two_builds_started_at_once_take_turns(tmp_path, versions):
    root = _copy(versions, tmp_path)
    _apply_change(versions, root)
    commands = [[*BUILD_SITE, "build"], [*MKDOCS, "build", "--strict"]]
    processes = [subprocess.Popen(command, cwd=root, env={**ENV,
                                  "BSLA_BUILD_LOCK_WAIT": "240"}, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for command in commands]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
    assert any("Waiting for another build of this checkout to finish" in stderr
               for _, stderr in outputs)
    assert comparable(root / "site") == versions[2]
