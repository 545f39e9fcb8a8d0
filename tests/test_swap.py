"""Swapping a finished folder into place, from the same or another file system."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from bsla.fs import WRITTEN, swap_into_place, write_generated
from bsla.generated import GeneratedPage

SHM = Path("/dev/shm")


def _built(parent: Path) -> Path:
    built = Path(tempfile.mkdtemp(prefix="built-", dir=parent))
    (built / "a").mkdir()
    (built / "a" / "b.txt").write_text("new", encoding="utf-8")
    return built


@pytest.mark.parametrize("elsewhere", [False, True], ids=["same file system", "tmpfs"])
def test_swap_replaces_the_folder_and_leaves_nothing_behind(tmp_path, elsewhere):
    if elsewhere and (not SHM.is_dir() or os.stat(SHM).st_dev == os.stat(tmp_path).st_dev):
        pytest.skip("no second file system (/dev/shm) on this machine")
    final = tmp_path / "site"
    final.mkdir()
    (final / "old.txt").write_text("old", encoding="utf-8")
    built = _built(SHM if elsewhere else tmp_path)
    swap_into_place(built, final)
    assert (final / "a" / "b.txt").read_text(encoding="utf-8") == "new"
    assert not (final / "old.txt").exists()
    assert not built.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    if elsewhere:  # the copy is a folder of its own, which must be readable by all
        assert final.stat().st_mode & 0o777 == 0o755


@pytest.mark.parametrize("atomic", [True, False], ids=["exchange", "two renames"])
def test_swap_with_or_without_the_atomic_exchange(tmp_path, monkeypatch, atomic):
    import bsla.fs

    calls: list[tuple[Path, Path]] = []
    original = bsla.fs.exchange

    def exchange(first: Path, second: Path) -> bool:
        calls.append((first, second))
        return original(first, second) if atomic else False

    monkeypatch.setattr(bsla.fs, "exchange", exchange)
    final = tmp_path / "site"
    final.mkdir()
    (final / "old.txt").write_text("old", encoding="utf-8")
    built = _built(tmp_path)
    swap_into_place(built, final)
    assert calls == [(built, final)]
    assert (final / "a" / "b.txt").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_exchange_swaps_two_folders_in_place(tmp_path):
    from bsla.exchange import exchange

    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "1.txt").write_text("1", encoding="utf-8")
    (tmp_path / "two" / "2.txt").write_text("2", encoding="utf-8")
    if not exchange(tmp_path / "one", tmp_path / "two"):
        pytest.skip("this system cannot exchange two paths atomically")
    assert [p.name for p in (tmp_path / "one").iterdir()] == ["2.txt"]
    assert [p.name for p in (tmp_path / "two").iterdir()] == ["1.txt"]
    assert not exchange(tmp_path / "one", tmp_path / "missing")


def test_leftovers_of_killed_builds_are_removed_and_nothing_else(tmp_path):
    from bsla.exchange import remove_leftovers

    final = tmp_path / "site"
    final.mkdir()
    names = [".site.building-a1", "..site.building-a1.building-b2", ".site.old-c3",
             ".site.moving-d4"]
    kept = [".site-notes", "site.building-e5", ".other.building-f6", "sitemap"]
    for name in names + kept:
        (tmp_path / name).mkdir()
    remove_leftovers(final)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["site", *kept])


@pytest.mark.parametrize("serving", [False, True])
def test_written_pages_are_remembered_only_where_they_are_written_again(tmp_path, monkeypatch,
                                                                        serving):
    monkeypatch.setattr(WRITTEN, "enabled", serving)
    WRITTEN.clear()
    page = GeneratedPage("resources/a/index.md", "# A\n")
    [(_, path)] = write_generated([page], tmp_path)
    assert Path(path).read_text(encoding="utf-8") == "# A\n"
    assert (WRITTEN.get(path) is not None) == serving
    # Written again unchanged: the file is left alone either way (compared in memory
    # when remembered, else read back).
    before = os.stat(path).st_mtime_ns
    os.utime(path, ns=(before - 10**9, before - 10**9))
    write_generated([GeneratedPage(page.src_uri, "# A\n")], tmp_path)
    assert os.stat(path).st_mtime_ns == before - 10**9
    write_generated([GeneratedPage(page.src_uri, "# B\n")], tmp_path)
    assert Path(path).read_text(encoding="utf-8") == "# B\n"
    WRITTEN.clear()
