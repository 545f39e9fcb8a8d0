"""Previews: dev-server rebuilds that render only what an edit changed, and stay accurate.

Part of the MkDocs door (only its plugin calls it). A full rebuild, MkDocs'
rule for ``mkdocs serve``, renders every page after every edit: 13.6 s per
edit at 1,000 resources (docs/benchmarks.md), as slow as a plain MkDocs build
of the same pages. MkDocs' ``--dirty`` rebuild renders only pages whose
source file is newer than their output, which is fast but misses what a page
shows from elsewhere:

- the navigation: every page shows it, so a title edited in docs/about.md
  changes every page although one source changed;
- the engine's part of a page: the home page's collection counts and each
  page's ``<head>`` metadata come from the catalog, not from the page's file;
- pages that are gone: a deleted resource's page stayed in the preview.

So under ``serve`` every rebuild is a dirty one (``DirtyServe``),
and ``PreviewRebuilds.prepare`` runs before MkDocs reads the pages: it compares
what all pages share (navigation titles and addresses, mkdocs.yml, the theme
override files) and each page's engine-made parts with the previous rebuild,
and removes the output of every page whose inputs changed, which MkDocs then
treats as modified. Outputs of files that no longer exist are deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import mkdocs.commands.build as build_module
import mkdocs.commands.serve as serve_module

# Set to "full" for MkDocs' own full rebuilds under `mkdocs serve`.
PREVIEW_ENV = "BSLA_PREVIEW"
_DIRTY_WARNING = "A 'dirty' build is being performed"


class _DirtyWarningFilter(logging.Filter):
    """Drops MkDocs' warning that dirty builds show stale navigation.

    ``PreviewRebuilds`` rebuilds every page whose navigation changed, so the
    warning would only be noise, and under ``strict: true`` MkDocs counts it
    and aborts every preview rebuild.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(_DIRTY_WARNING)


_FILTER = _DirtyWarningFilter()
# ProperDocs runs these hooks with `mkdocs.*` imports aliased to its own
# modules, which log under their own names.
_BUILD_LOGGERS = ("mkdocs.commands.build", "properdocs.commands.build")


def full_rebuilds_requested() -> bool:
    return os.environ.get(PREVIEW_ENV, "").strip().lower() == "full"


class DirtyServe:
    """Makes ``mkdocs serve`` pass ``dirty=True`` to each of its builds, until ``restore``.

    MkDocs' serve command decides once, from its ``--dirty`` flag, and offers
    plugins no way to change it; its builder calls the ``build`` function of
    ``mkdocs.commands.serve`` on every rebuild, so that one name is wrapped
    for the life of the server.
    """

    def __init__(self) -> None:
        self._restore: Callable[[], None] | None = None

    def install(self) -> bool:
        """False (and nothing changed) when MkDocs is not laid out as 1.6 has it."""
        if self._restore is not None:
            return True
        original = getattr(serve_module, "build", None)
        if original is not build_module.build:
            return False

        def build(config: Any, *, serve_url: str | None = None, dirty: bool = False) -> None:
            original(config, serve_url=serve_url, dirty=True)

        serve_module.build = build  # type: ignore[assignment]

        def restore() -> None:
            serve_module.build = original  # type: ignore[assignment]

        self._restore = restore
        return True

    def restore(self) -> None:
        """Undo ``install`` and ``quiet_dirty_warning`` (the server stopped)."""
        if self._restore is not None:
            self._restore()
            self._restore = None
        for name in _BUILD_LOGGERS:
            logging.getLogger(name).removeFilter(_FILTER)


def quiet_dirty_warning() -> None:
    for name in _BUILD_LOGGERS:
        logging.getLogger(name).addFilter(_FILTER)


def nav_signature(items: Iterable[Any]) -> tuple[Any, ...]:
    """What every page's navigation shows: kinds, titles, addresses, nesting."""
    return tuple(
        (type(item).__name__, item.title, getattr(item, "url", None),
         nav_signature(item.children) if getattr(item, "children", None) else ())
        for item in items
    )


def _file_digest(path: str | None) -> str | None:
    if not path:
        return None
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _tree_stamps(folder: str | None) -> tuple[tuple[str, int, int], ...]:
    if not folder or not os.path.isdir(folder):
        return ()
    stamps = []
    for base, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(base, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            stamps.append((os.path.relpath(path, folder), info.st_mtime_ns, info.st_size))
    return tuple(sorted(stamps))


def _remove(path: str, site_dir: str) -> None:
    """Delete one output file inside ``site_dir`` and its folder once empty."""
    if os.path.commonpath([os.path.abspath(path), site_dir]) != site_dir:
        return
    try:
        os.remove(path)
    except OSError:
        return
    with contextlib.suppress(OSError):  # removes the folder only when nothing else is in it
        os.rmdir(os.path.dirname(path))


class PreviewRebuilds:
    """What the previous rebuild of this server showed, to decide what the next one renders."""

    def __init__(self) -> None:
        self._shared: tuple[Any, ...] | None = None
        self._parts: Mapping[str, Any] = {}
        self._outputs: set[str] = set()
        self.theme_templates = KeptThemeTemplates()

    @property
    def shared(self) -> tuple[Any, ...] | None:
        """What every page showed at the last ``prepare``: navigation, mkdocs.yml, theme files."""
        return self._shared

    def prepare(self, *, pages: Iterable[Any], nav_items: Iterable[Any], files: Iterable[Any],
                site_dir: str, config_file: str | None, theme_dir: str | None,
                engine_parts: Mapping[str, Any]) -> int:
        """Remove the outputs MkDocs must write again; returns how many pages will be rendered.

        ``pages`` are the documentation pages (MkDocs ``File`` objects with
        ``src_uri``, ``abs_dest_path``), ``nav_items`` the navigation with every
        title read, ``files`` every file of the build, and ``engine_parts`` what
        the engine adds to a page by its source path (head markup, home block).
        """
        site_dir = os.path.abspath(site_dir)
        pages = list(pages)
        shared = (nav_signature(nav_items), _file_digest(config_file), _tree_stamps(theme_dir))
        outputs = {os.path.abspath(f.abs_dest_path) for f in files}
        for gone in self._outputs - outputs:
            _remove(gone, site_dir)
        every_page = self._shared != shared
        stale = [f for f in pages if every_page
                 or engine_parts.get(f.src_uri) != self._parts.get(f.src_uri)]
        for file in stale:
            _remove(file.abs_dest_path, site_dir)
        self._shared, self._parts, self._outputs = shared, dict(engine_parts), outputs
        return len(stale)


class KeptThemeTemplates:
    """The theme's site-wide templates (sitemap.xml, 404.html), rendered again only when needed.

    MkDocs renders them on every build, dirty or not, before any page: 0.3 s
    of a 2.6 s preview rebuild at 1,000 resources (cProfile), spent on a
    sitemap of 1,400 pages and a 404 page that an edit to one summary leaves
    as they were. Each is keyed by everything it shows; a rebuild whose key
    equals the last successful one's, with the output still in place, leaves
    it out of the theme's templates to render. A new key counts only once its
    build succeeded (``commit``), so a failed build never leaves a stale file
    standing for a key it did not write.
    """

    def __init__(self) -> None:
        self._written: dict[str, Any] = {}
        self._pending: dict[str, Any] = {}

    def skip_unchanged(self, static_templates: set[str], keys: Mapping[str, Any],
                       site_dir: str) -> list[str]:
        """Remove from ``static_templates`` those whose key did not change; returns them."""
        # Left over from a build that failed after rendering them: their files
        # may hold what that build wrote, which no key stands for.
        for name in self._pending:
            self._written.pop(name, None)
        skipped = []
        self._pending = {}
        for name, key in keys.items():
            if name not in static_templates:
                continue
            if self._written.get(name) == key and os.path.isfile(os.path.join(site_dir, name)):
                static_templates.discard(name)
                skipped.append(name)
            else:
                self._pending[name] = key
        return skipped

    def commit(self) -> None:
        """The build succeeded: what it rendered stands for its keys."""
        self._written.update(self._pending)
        self._pending = {}


def sitemap_key(pages: Iterable[Any], context: Any) -> tuple[Any, ...]:
    """What the sitemap shows: each page's address and date, and the site's context."""
    return (context, tuple(
        (f.src_uri, f.page.is_link, f.page.abs_url, f.page.canonical_url, f.page.update_date)
        for f in pages if f.page is not None))
