"""Swapping a finished folder into place, from the same or another file system."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from bsla.fs import swap_into_place

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
