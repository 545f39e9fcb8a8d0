"""When each file first entered the project's git history, read with one ``git log``.

The feed dates a resource with no ``added`` date by when its YAML file was
first committed: a real date that never changes between builds, unlike the
file's modification time (a fresh clone makes every file new). Outside a git
repository, without git, or for files not committed yet, a file simply has
no date here and the caller falls back to the build time.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

GIT_TIMEOUT_S = 60
_MARK = "@"


def _commit_log(root: Path, args: list[str]) -> Iterator[tuple[dt.datetime, str]]:
    """(commit time, path) for each path each commit of ``git log ARGS`` names, newest first;
    nothing outside git or when git fails."""
    try:
        # --no-renames reports a moved file as added at its new path. --relative
        # gives paths from ``root`` even when it is below the repository's top.
        result = subprocess.run(
            ["git", "-c", "core.quotepath=off", "log", "--no-renames", "--relative",
             f"--format={_MARK}%ct", "--name-only", *args],
            cwd=root, capture_output=True, text=True, timeout=GIT_TIMEOUT_S,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError):
        return
    if result.returncode != 0:
        return
    current: dt.datetime | None = None
    for line in result.stdout.splitlines():
        if line.startswith(_MARK) and line[1:].isdigit():
            current = dt.datetime.fromtimestamp(int(line[1:]), dt.UTC)
        elif line and current is not None:
            yield current, line


def first_commit_times(root: Path, folders: Iterable[str]) -> dict[str, dt.datetime]:
    """Path from ``root`` (POSIX) -> time of the oldest commit adding it, under ``folders``."""
    folders = sorted(set(folders))
    if not folders:
        return {}
    times: dict[str, dt.datetime] = {}
    for when, path in _commit_log(root, ["--diff-filter=A", "--", *folders]):
        # Later lines are older commits: the last one seen is the first addition.
        times[path] = when
    return times


def last_commit_times(root: Path, paths: Iterable[str]) -> dict[str, dt.datetime]:
    """Path from ``root`` (POSIX) -> time of the newest commit that changed it."""
    paths = sorted(set(paths))
    if not paths:
        return {}
    times: dict[str, dt.datetime] = {}
    for when, path in _commit_log(root, ["--", *paths]):
        # Newest first: the first time a path is seen is its last change.
        times.setdefault(path, when)
    return times


def source_keys(paths: Iterable[Path], root: Path) -> list[str]:
    """Each path as the keys above name it: relative to ``root``, POSIX; "" outside it.

    String prefixes, not ``Path.relative_to``: the feed and OAI stages ask this
    for every resource on each `serve` rebuild, and pathlib took a third of
    their time (cProfile, 1,000 and 10,000 resources).
    """
    prefix = os.path.join(os.fspath(root), "")
    keys = []
    for path in paths:
        text = os.fspath(path)
        keys.append(text[len(prefix):].replace(os.sep, "/") if text.startswith(prefix) else "")
    return keys
