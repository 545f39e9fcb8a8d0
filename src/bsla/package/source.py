"""What the deposit packages share: the commit they were made from, clear refusals, texts."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import jinja2

from bsla.errors import LibraryError, Problems
from bsla.pages.templates import TEMPLATES

GIT_TIMEOUT_S = 30


def refuse(path: Path | str, message: str, hint: str) -> LibraryError:
    """A problem with the command's input or target, reported like every other error."""
    problems = Problems()
    problems.add(str(path), None, message, hint)
    return LibraryError(problems.sorted())


def source_commit(root: Path) -> str:
    """The commit the project is at, with a mark when files differ from it, or 'unknown'."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                              text=True, timeout=GIT_TIMEOUT_S, env=env)
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                cwd=root, capture_output=True, text=True,
                                timeout=GIT_TIMEOUT_S, env=env)
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    if head.returncode != 0:
        return "unknown (not a git checkout)"
    commit = head.stdout.strip()
    # A package made from edited files must not claim to be the commit itself.
    return f"{commit} (with uncommitted changes)" if status.stdout.strip() else commit


def render_text(template: str, **values: object) -> str:
    """A plain-text template of the package (no HTML escaping: the files are not web pages)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.get_template(template).render(**values)
