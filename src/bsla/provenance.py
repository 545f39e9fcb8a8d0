"""What produced a build: the engine's version and the commit of the content, read from git.

A published copy of the library names both in catalog.json, so whoever holds it
later can rebuild the very same site from that commit with that engine. Outside a
git repository, or without git, there is no commit to name: the record says so
(null) rather than guess.
"""

from __future__ import annotations

import os
import subprocess
from importlib import metadata
from pathlib import Path

GIT_TIMEOUT_S = 60
DISTRIBUTION = "bsla-library"


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                                timeout=GIT_TIMEOUT_S,
                                env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def engine_version() -> str | None:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None


def source_commit(root: Path) -> str | None:
    """The commit checked out under ``root`` (full hash), or None outside git."""
    commit = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    return commit or None


def source_modified(root: Path) -> bool | None:
    """Whether the working tree differs from that commit (None outside git)."""
    status = _git(root, "status", "--porcelain", "--untracked-files=normal")
    return None if status is None else bool(status)


def last_commit_time(root: Path) -> int | None:
    """The committer time of HEAD in seconds since 1970, or None outside git."""
    stamp = _git(root, "log", "-1", "--format=%ct")
    return int(stamp) if stamp and stamp.isdigit() else None
