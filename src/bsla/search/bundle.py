"""The Pagefind bundle: Pagefind run over the records beside the build, and the last one kept.

The MkDocs door starts a ``SearchIndexJob`` once the catalog is rendered and
collects it after MkDocs wrote the pages (under ``serve``, ``bsla.search.refresh``
does it in a thread after the rebuild). ``write_search_index`` does both at
once, for ``build_site.py index`` on a site another renderer built from
``build_site.py render``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bsla.catalog import Catalog
from bsla.errors import LibraryError, Problems
from bsla.fs import link_tree, swap_into_place
from bsla.pages.templates import Templates
from bsla.search.records import records_digest, write_records
from bsla.urls import SEARCH_DIR

# 1,000 records of 1,500 words took Pagefind about 16 s of CPU (bsla/search/indexer.py);
# this only stops a hung run.
PAGEFIND_TIMEOUT_S = 900
# Files the search page loads; checked to be present and non-empty after indexing
# (with the index's WebAssembly, wasm.<language>.pagefind).
BUNDLE_FILES = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json")
# 2: pages in path order and filter files sorted (bsla/search/indexer.py, stable.py).
BUNDLE_LAYOUT = 2


class BundleCache:
    """The last Pagefind bundle, kept by a digest of everything Pagefind read.

    A warm build whose records are the same as the previous build's (same
    resources, metadata, PDF text, templates, Pagefind and options) gets that
    bundle instead of running Pagefind again: at 1,000 resources Pagefind's
    run took both cores for seconds beside MkDocs. Entries hold hard links
    to the files a site was given, so keeping one costs no extra disk.
    """

    def __init__(self, folder: Path, lang: str) -> None:
        self.folder = folder
        self.lang = lang

    def take(self, key: str, expected: int, output: Path) -> bool:
        """Copy the bundle kept under ``key`` to ``output``; False if there is none whole."""
        entry = self.folder / key
        try:
            if (_bundle_failure(entry, self.lang) is not None
                    or indexed_count(entry) != expected):
                return False
            link_tree(entry, output)
        except (OSError, ValueError, KeyError, TypeError):
            shutil.rmtree(output, ignore_errors=True)
            return False
        return True

    def keep(self, key: str, bundle: Path) -> None:
        """Remember ``bundle`` under ``key``, in place of any older entry."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if not (self.folder / key).exists():
                partial = self.folder / f".{key}.{os.getpid()}.tmp"
                shutil.rmtree(partial, ignore_errors=True)
                link_tree(bundle, partial)
                os.replace(partial, self.folder / key)
            for old in self.folder.iterdir():
                if old.name != key and not old.name.startswith("."):
                    shutil.rmtree(old, ignore_errors=True)
        except OSError:
            return  # only a speed-up: the next build runs Pagefind again


def _pagefind_command(records: Path, output: Path, keep_index_url: bool,
                      lang: str) -> list[str]:
    # Pagefind's own program, fed the records in path order and run to completion
    # in a process of its own (bsla/search/indexer.py says why not `pagefind
    # --site`). The bundle comes back over a pipe and is written by that process,
    # not by Pagefind's service: the package's client, which asks the service to
    # write and then stops it, left a bundle file empty about once in fifteen builds.
    command = [sys.executable, "-m", "bsla.search.indexer", "--site", str(records),
               "--output-path", str(output), "--force-language", lang]
    if keep_index_url:
        command.append("--keep-index-url")
    return command


def _bundle_failure(output: Path, lang: str) -> str | None:
    missing = [name for name in (*BUNDLE_FILES, f"wasm.{lang}.pagefind")
               if not (output / name).is_file() or (output / name).stat().st_size == 0]
    if missing:
        return "the search bundle is incomplete (" + ", ".join(missing) + ")"
    return None


def indexed_count(output: Path) -> int:
    """How many pages the written index holds, from Pagefind's entry file."""
    entry = json.loads((output / "pagefind-entry.json").read_text("utf-8"))
    return sum(int(language["page_count"]) for language in entry["languages"].values())


def _index_problem(message: str, hint: str) -> LibraryError:
    problems = Problems()
    problems.add("pagefind", None, message, hint)
    return LibraryError(problems.sorted())


class SearchIndexJob:
    """Pagefind indexing the catalog in its own process, while the build goes on.

    The records come from the catalog alone, not from the built pages, so the
    index can be written while MkDocs renders: on two cores that takes Pagefind
    (about 3 s at 1,000 resources) off the build's critical path. ``finish``
    waits for it and moves the bundle into the site; ``cancel`` stops it.
    """

    def __init__(self, catalog: Catalog, templates: Templates, *,
                 should_stop: Callable[[], bool] = lambda: False,
                 background: bool = False, work_dir: Path | None = None,
                 cache_dir: Path | None = None) -> None:
        """Write the records and start Pagefind; ``should_stop`` is asked between records.

        A ``background`` job (a preview's) runs Pagefind at the lowest CPU
        priority, so it never slows the rebuild an editor is waiting for, and
        deletes its files in another process when stopped. Its files go under
        ``work_dir`` (default: the system's temporary folder). With
        ``cache_dir``, a bundle made from the same records is reused
        (``BundleCache``) and a new one is kept there.
        """
        if work_dir is not None:
            work_dir.mkdir(parents=True, exist_ok=True)
        self._tmp = Path(tempfile.mkdtemp(prefix="bsla-search-", dir=work_dir))
        self._background = background
        self._output = self._tmp / "bundle"
        self._process: subprocess.Popen[bytes] | None = None
        self._started = time.monotonic()
        self._lang = templates.lang
        self._cache = BundleCache(cache_dir, self._lang) if cache_dir is not None else None
        self.reused = False
        try:
            # The digest first, the files only when no kept bundle matches it:
            # writing 1,000 record files (a folder each) and deleting them
            # again took 1.8 s of a warm build, rendering them 0.1 s (bench/,
            # this machine), so a miss renders twice rather than every build
            # writing once.
            digest, self.expected = records_digest(catalog, templates, should_stop)
            # Bundles kept by an engine that wrote another layout are not reused.
            self._key = f"v{BUNDLE_LAYOUT}-{digest}"
            if self.expected and self._cache is not None:
                self.reused = self._cache.take(self._key, self.expected, self._output)
            if self.expected and not self.reused:
                write_records(catalog, templates, self._tmp / "records", should_stop)
                # Pagefind refuses an empty site; the search page says so.
                command = _pagefind_command(self._tmp / "records", self._output,
                                            not templates.urls.use_directory_urls, self._lang)
                nice = shutil.which("nice") if background else None
                self._process = subprocess.Popen(
                    [nice, "-n", "19", *command] if nice else command,
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        except BaseException:
            self._clean_up()
            raise

    def finish(self, site_dir: Path) -> int:
        """Wait for Pagefind, put its bundle at ``site_dir/pagefind``; return the count.

        Raises LibraryError (one problem, with a hint) when Pagefind failed.
        """
        try:
            if self.reused:
                return self._place(site_dir)
            if self._process is None:
                return 0
            timeout = max(1.0, PAGEFIND_TIMEOUT_S - (time.monotonic() - self._started))
            try:
                out, _ = self._process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                out, failure = b"", f"Pagefind did not finish within {PAGEFIND_TIMEOUT_S} s"
            else:
                text = out.decode("utf-8", "replace").strip()
                failure = (text or f"pagefind exited with {self._process.returncode}"
                           if self._process.returncode
                           else _bundle_failure(self._output, self._lang))
            if failure is not None:
                raise _index_problem(f"the search index could not be built: {failure}",
                                     "reinstall the project's packages (pip install -e .), "
                                     "which brings Pagefind's program, then build again")
            indexed = indexed_count(self._output)
            if indexed != self.expected:
                raise _index_problem(f"the search index holds {indexed} resources, "
                                     f"expected {self.expected}",
                                     "report this as a bug in the library engine")
            if self._cache is not None:
                self._cache.keep(self._key, self._output)
            return self._place(site_dir)
        finally:
            self._clean_up()

    def _place(self, site_dir: Path) -> int:
        site_dir.mkdir(parents=True, exist_ok=True)
        swap_into_place(self._output, site_dir.resolve() / SEARCH_DIR)
        return self.expected

    def cancel(self) -> None:
        """Stop the job (``finish``, if waiting, then raises LibraryError)."""
        self._clean_up()

    def _clean_up(self) -> None:
        if self._process is not None and self._process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
        if not self._background:
            shutil.rmtree(self._tmp, ignore_errors=True)
        elif self._tmp.exists():
            # A preview's next rebuild waits for this job to stop; deleting a
            # thousand records took 0.3 s of that wait, so it happens aside.
            # In another process: deleting in a thread here took the GIL from
            # the rebuild for as long again.
            trash = self._tmp.with_name(self._tmp.name + ".old")
            with contextlib.suppress(OSError):
                os.replace(self._tmp, trash)
                remove_later([trash])


def remove_later(paths: list[Path]) -> None:
    """Delete folders in a separate ``rm`` process, without waiting for it."""
    if not paths:
        return
    remover = subprocess.Popen(["rm", "-rf", "--", *map(str, paths)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    threading.Thread(target=remover.wait, daemon=True).start()


def write_search_index(catalog: Catalog, templates: Templates, site_dir: Path) -> int:
    """Write the Pagefind bundle into ``site_dir/pagefind``; return the resources indexed.

    Raises LibraryError (one problem, with a hint) when Pagefind cannot run.
    """
    return SearchIndexJob(catalog, templates).finish(site_dir)
