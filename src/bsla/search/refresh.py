"""A dev server's search index, rebuilt in the background after each preview is served."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from bsla.catalog import Catalog
from bsla.errors import LibraryError
from bsla.fs import staging_dir, swap_into_place
from bsla.pages.templates import Templates
from bsla.search.bundle import SearchIndexJob, remove_later
from bsla.search.records import IndexingStopped
from bsla.urls import SEARCH_DIR, CachePaths


class SearchRefresh:
    """A preview's search index, written after the rebuild is already served.

    Indexing takes seconds at 1,000 resources, more than the whole rest of a
    preview rebuild, so under `serve` it runs in a thread once the pages are
    written. Meanwhile the preview keeps the previous index (kept under .cache,
    because a full rebuild empties the site folder). The next rebuild stops it
    without waiting for it: the thread may be copying a bundle, which cannot be
    cut short, and an editor's rebuild waited seconds for it (cProfile, 1,000
    resources). The next refresh, which uses the same folders, waits for it
    instead, in its own thread (``after``).
    """

    def __init__(self, catalog: Catalog, templates: Templates, *, site_dir: Path,
                 cache: CachePaths, info: Callable[[str], None],
                 warn: Callable[[str], None], after: SearchRefresh | None = None) -> None:
        self._catalog = catalog
        self._templates = templates
        self._site_dir = site_dir
        self._kept = cache.preview_search
        self._work = cache.preview_search_work
        self._bundles = cache.search_bundle
        self._info = info
        self._warn = warn
        self._lock = threading.Lock()
        self._stopped = False
        self._job: SearchIndexJob | None = None
        self._after = after
        self._thread = threading.Thread(target=self._run, name="bsla-search", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        if self._after is not None:
            self._after.stop()
            self._after = None
        if self._stopped:
            return
        try:
            if not (self._site_dir / SEARCH_DIR).exists() and (self._kept / SEARCH_DIR).is_dir():
                shutil.copytree(self._kept / SEARCH_DIR, self._site_dir / SEARCH_DIR)
            # Jobs work under .cache; one cut short by a stopped server left its files.
            remove_later(sorted(self._work.iterdir()) if self._work.is_dir() else [])
            job = SearchIndexJob(self._catalog, self._templates,
                                 should_stop=lambda: self._stopped, background=True,
                                 work_dir=self._work, cache_dir=self._bundles)
            with self._lock:
                if self._stopped:
                    job.cancel()
                    return
                self._job = job
            indexed = job.finish(self._kept)
            staging = staging_dir(self._site_dir / SEARCH_DIR, "indexing")
            shutil.rmtree(staging)
            shutil.copytree(self._kept / SEARCH_DIR, staging)
            swap_into_place(staging, self._site_dir / SEARCH_DIR)
        except IndexingStopped:
            return
        except (LibraryError, OSError) as exc:
            if not self._stopped:  # else a newer build stopped it and owns the folders
                self._warn(f"The search index was not refreshed: {exc}")
        else:
            self._info(f"Search index: {indexed} resources")

    def stop(self, *, wait: bool = True) -> None:
        """Stop indexing; with ``wait``, return only when the thread has ended."""
        with self._lock:
            self._stopped = True
            job = self._job
        if job is not None:
            job.cancel()
        if wait:
            self._thread.join()
