"""One build at a time per checkout: a lock file under the engine's cache folder.

Two builds started together would both swap a new site/ into place and both
write the search bundle kept in the cache. The second one therefore waits for
the first (``BSLA_BUILD_LOCK_WAIT`` seconds, 600 by default; 0 stops at once)
and then stops with a message naming the build it waited for.

The lock is an advisory ``flock`` on ``.cache/bsla/build.lock``: the operating
system drops it when its process ends in any way, SIGKILL included, so a
crashed build never leaves a stale lock behind. The file itself only says who
holds the lock, for that message. Within one process the lock is re-entrant:
``build_site.py build`` holds it around MkDocs, whose hooks take it again.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bsla.errors import LibraryError, Problems

try:
    import fcntl
except ImportError:  # Windows: no flock; builds there are not guarded
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = ".cache/bsla/build.lock"  # inside bsla.build.CACHE_DIR
WAIT_ENV = "BSLA_BUILD_LOCK_WAIT"
DEFAULT_WAIT = 600.0
_POLL = 0.2

# Locks this process holds: lock file path -> (open file, names of its holders).
_held: dict[str, tuple[TextIO, set[str]]] = {}
_guard = threading.Lock()


def _wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


def _holder(handle: TextIO) -> str:
    handle.seek(0)
    text = handle.read(500).strip()
    return text or "another process"


def _try_lock(handle: TextIO) -> bool:
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:
        # A file system without locks (some network mounts): build unguarded
        # rather than not at all.
        return True
    return True


def acquire_build_lock(root: Path, holder: str, *, wait: float | None = None) -> None:
    """Take this checkout's build lock for ``holder``; wait up to ``wait`` s for another build."""
    if fcntl is None:
        return
    path = root.resolve() / LOCK_FILE
    key = str(path)
    with _guard:
        if key in _held:
            _held[key][1].add(holder)
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        limit = _wait_seconds() if wait is None else wait
        deadline = time.monotonic() + limit
        told = False
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                problems = Problems(root)
                problems.add(path, None,
                             f"another build of this checkout is running ({_holder(handle)}); "
                             f"this one waited {limit:g} s and stopped, changing nothing",
                             "let that build finish, or stop it, then build again (a build "
                             f"that was killed leaves no lock behind; {WAIT_ENV}=SECONDS "
                             "sets how long to wait)")
                raise LibraryError(problems.sorted())
            if not told:
                print(f"Waiting for another build of this checkout to finish "
                      f"({_holder(handle)})…", file=sys.stderr, flush=True)
                told = True
            time.sleep(_POLL)
        handle.seek(0)
        handle.truncate()
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        handle.write(f"process {os.getpid()}, started {started}: {' '.join(sys.argv)[:200]}\n")
        handle.flush()
    except BaseException:
        handle.close()
        raise
    with _guard:
        _held[key] = (handle, {holder})


def release_build_lock(holder: str) -> None:
    """Drop ``holder``'s hold; the lock is given back when no holder in this process is left.

    Safe to call for a holder that holds nothing (a build that failed before
    it took the lock).
    """
    with _guard:
        for key in list(_held):
            handle, holders = _held[key]
            holders.discard(holder)
            if holders:
                continue
            del _held[key]
            with contextlib.suppress(OSError):
                handle.seek(0)
                handle.truncate()
            handle.close()  # closing the file releases the flock


@contextlib.contextmanager
def build_lock(root: Path, holder: str, *, wait: float | None = None) -> Iterator[None]:
    acquire_build_lock(root, holder, wait=wait)
    try:
        yield
    finally:
        release_build_lock(holder)
