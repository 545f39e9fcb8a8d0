"""What the deposit packages share: the commit they were made from, clear refusals, texts."""

from __future__ import annotations

from pathlib import Path

import jinja2

from bsla import provenance
from bsla.errors import LibraryError, Problems
from bsla.pages.templates import TEMPLATES


def refuse(path: Path | str, message: str, hint: str) -> LibraryError:
    """A problem with the command's input or target, reported like every other error."""
    problems = Problems()
    problems.add(str(path), None, message, hint)
    return LibraryError(problems.sorted())


def source_commit(root: Path) -> str:
    """The commit the project is at, with a mark when files differ from it, or 'unknown'."""
    commit = provenance.source_commit(root)
    if commit is None:
        return "unknown (not a git checkout)"
    # A package made from edited files must not claim to be the commit itself.
    return f"{commit} (with uncommitted changes)" if provenance.source_modified(root) else commit


def render_text(template: str, **values: object) -> str:
    """A plain-text template of the package (no HTML escaping: the files are not web pages)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.get_template(template).render(**values)
