"""Swap two folders in one step, where the operating system can.

Replacing ``site/`` by two renames (the old one aside, the new one in) leaves a
moment with no ``site/`` at all: a build killed then (SIGKILL, power loss)
would leave the host serving nothing. Linux swaps two paths atomically with
``renameat2(RENAME_EXCHANGE)`` (ext4, xfs, btrfs, tmpfs and others), so either
the old site or the new one is in place at every instant. Elsewhere, or on a
file system that refuses, callers fall back to the two renames.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import sys
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 1 << 1
_renameat2 = None
if sys.platform.startswith("linux"):
    try:
        _renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    except OSError:  # no C library to ask
        _renameat2 = None


def exchange(first: Path, second: Path) -> bool:
    """Swap ``first`` and ``second`` (both must exist) atomically; False if it cannot be done."""
    if _renameat2 is None:
        return False
    result = _renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                        _RENAME_EXCHANGE)
    return result == 0


def remove_leftovers(final: Path) -> None:
    """Remove folders beside ``final`` that killed builds left (``.site.building-…`` and the like).

    Call only while holding the build lock (bsla.build_lock): then no other
    build of this checkout is running, and every such folder is a leftover.
    Builds inside ``build_site.py build`` stage under a name like
    ``..site.building-abc.building-xyz``, hence the leading dots.
    """
    pattern = re.compile(r"^\.+" + re.escape(final.name) + r"\.(?:building|old|moving)-")
    try:
        siblings = list(final.parent.iterdir())
    except OSError:
        return
    for sibling in siblings:
        if pattern.match(sibling.name) and sibling.is_dir() and not sibling.is_symlink():
            shutil.rmtree(sibling, ignore_errors=True)
