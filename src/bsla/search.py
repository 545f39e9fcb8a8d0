"""Search: the facets of the catalog and the Pagefind index built from it.

Pagefind writes a chunked static index: a query downloads only the chunks for
its words and the fragments of the results it shows, never the whole catalog
(the README's "Why Pagefind" has the reasons; docs/benchmarks.md the bytes). The index is built
from the catalog, not by crawling the served pages: each resource gets one
small HTML record carrying its metadata *and the text of its PDF*, so the PDF
text is searchable while the page a visitor downloads stays small.

The MkDocs hook starts a ``SearchIndexJob`` once the catalog is rendered and
collects it after MkDocs wrote the pages (under ``serve``, in a thread after
the rebuild). ``write_search_index`` does both at once, for ``build_site.py
index`` on a site another renderer built from ``build_site.py render``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bsla.build import swap_into_place
from bsla.catalog import Catalog
from bsla.errors import LibraryError, Problems
from bsla.render import Renderer, page_url, resource_src_uri
from bsla.schema import Resource

SEARCH_DIR = "pagefind"
# Under the engine's cache folder: the last bundle, for builds with the same records.
BUNDLES_DIR = "search-bundle"
RECORD_TEMPLATE = "search_record.html.j2"
# One index for every resource: Pagefind would otherwise split the index by
# page language and an English visitor could never find a Spanish resource.
INDEX_LANGUAGE = "en"
# A word every record carries. Pagefind answers a search with no words (filters
# only) by loading every index chunk, the whole-catalog download this index
# exists to avoid; searching for this word instead loads one chunk.
EVERY_RECORD_WORD = "zzbslaeveryz"
# Indexing 10,000 records takes well under a minute; this only stops a hung run.
PAGEFIND_TIMEOUT_S = 900
# Files the search page loads; checked to be present and non-empty after indexing.
BUNDLE_FILES = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.en.pagefind")


@dataclass(frozen=True)
class FacetValue:
    id: str
    label: str
    count: int


@dataclass(frozen=True)
class Facet:
    """A way to narrow the catalog; ``id`` is both the URL parameter and the Pagefind filter."""

    id: str
    label_key: str
    values_of: Callable[[Resource], list[str]]


FACETS: tuple[Facet, ...] = (
    Facet("collection", "field_collection", lambda r: [r.collection.id]),
    Facet("section", "field_section", lambda r: [r.section.id] if r.section else []),
    Facet("type", "field_type", lambda r: [r.type]),
    Facet("capacity", "field_capacities", lambda r: list(r.capacities)),
    Facet("focus", "field_focus_areas", lambda r: list(r.focus_areas)),
    Facet("audience", "field_audiences", lambda r: list(r.audiences)),
    Facet("language", "field_language", lambda r: [r.language]),
    Facet("year", "field_year", lambda r: [r.year] if r.year else []),
)
FACETS_BY_ID = {f.id: f for f in FACETS}
# Facets whose values are a taxonomy vocabulary (labels and order come from there).
FACET_VOCABULARIES = {"type": "types", "capacity": "capacities", "focus": "focus_areas",
                      "audience": "audiences", "language": "languages"}


def facet_terms(catalog: Catalog, facet: Facet, lang: str = "en") -> list[tuple[str, str]]:
    """Every (value id, label) a facet offers, in display order."""
    taxonomy = catalog.taxonomy
    if facet.id == "collection":
        return [(c.id, c.label_in(lang)) for c in taxonomy.collections]
    if facet.id == "section":
        return [(s.id, s.label_in(lang)) for c in taxonomy.collections for s in c.sections]
    if facet.id == "year":
        years = sorted({r.year for r in catalog.resources if r.year}, reverse=True)
        return [(y, y) for y in years]
    vocabulary = taxonomy.vocabulary(FACET_VOCABULARIES[facet.id])
    return [(term.id, term.label_in(lang)) for term in vocabulary.values()]


def facet_values(catalog: Catalog, facet: Facet, lang: str = "en") -> list[FacetValue]:
    counts: Counter[str] = Counter()
    for resource in catalog.resources:
        counts.update(set(facet.values_of(resource)))
    return [FacetValue(vid, label, counts[vid]) for vid, label in facet_terms(catalog, facet, lang)]


def matching(catalog: Catalog, selected: dict[str, list[str]]) -> list[Resource]:
    """Resources a facet selection keeps: AND across facets, OR within one.

    The search page's script applies the same rule through Pagefind; this is
    the reference the counts on generated pages (capacity matrix) come from.
    """
    wanted = [(FACETS_BY_ID[fid], set(values)) for fid, values in selected.items() if values]
    return [
        r for r in catalog.resources
        if all(not values.isdisjoint(facet.values_of(r)) for facet, values in wanted)
    ]


def record_url(resource: Resource, use_directory_urls: bool) -> str:
    return "/" + page_url(resource_src_uri(resource.id), use_directory_urls)


def record_html(renderer: Renderer, resource: Resource, position: int) -> str:
    """The HTML Pagefind indexes for one resource (never served to visitors)."""
    return renderer.memo(f"record:{resource.id}", (resource, position),  # type: ignore[no-any-return]
                         lambda: _record_html(renderer, resource, position))


def _record_html(renderer: Renderer, resource: Resource, position: int) -> str:
    lang = renderer.lang
    taxonomy = renderer.catalog.taxonomy
    terms = [
        taxonomy.vocabulary(vocabulary)[t].label_in(lang)
        for facet, vocabulary in (("capacities", "capacities"), ("focus_areas", "focus_areas"),
                                  ("audiences", "audiences"))
        for t in getattr(resource, facet)
    ]
    place = resource.collection.label_in(lang)
    if resource.section:
        place += " › " + resource.section.label_in(lang)
    return renderer.render_template(
        RECORD_TEMPLATE,
        r=resource,
        index_lang=INDEX_LANGUAGE,
        place=place,
        type_label=taxonomy.vocabulary("types")[resource.type].label_in(lang),
        terms=terms,
        pdf_text=resource.pdf.text if resource.pdf is not None else "",
        filters=[(f.id, v) for f in FACETS for v in f.values_of(resource)],
        order=f"{position:06d}",
        every_word=EVERY_RECORD_WORD,
    )


class IndexingStopped(Exception):
    """The search index was no longer wanted (a newer build started)."""


def search_records(renderer: Renderer, use_directory_urls: bool,
                   should_stop: Callable[[], bool] = lambda: False) -> Iterator[tuple[str, bytes]]:
    """Each resource's record: its path in a site laid out like ours, so URLs come out
    right, and its HTML."""
    for position, resource in enumerate(renderer.catalog.resources):
        if should_stop():
            raise IndexingStopped
        relative = record_url(resource, use_directory_urls).lstrip("/")
        if relative.endswith("/") or not relative:
            relative += "index.html"
        yield relative, record_html(renderer, resource, position).encode("utf-8")


def records_digest(renderer: Renderer, use_directory_urls: bool,
                   should_stop: Callable[[], bool] = lambda: False) -> tuple[str, int]:
    """A digest of every record (path and text) with Pagefind's version and options; the count."""
    digest = hashlib.sha256(f"{_pagefind_version()}|{INDEX_LANGUAGE}|"
                            f"{use_directory_urls}\n".encode())
    count = 0
    for relative, data in search_records(renderer, use_directory_urls, should_stop):
        digest.update(f"{len(relative)}:{relative}{len(data)}:".encode())
        digest.update(data)
        count += 1
    return digest.hexdigest(), count


def write_records(renderer: Renderer, out_dir: Path, use_directory_urls: bool,
                  should_stop: Callable[[], bool] = lambda: False) -> int:
    """One record file per resource under ``out_dir``, for Pagefind to read; the count."""
    count = 0
    for relative, data in search_records(renderer, use_directory_urls, should_stop):
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        count += 1
    return count


def _pagefind_version() -> str:
    from importlib import metadata

    versions = []
    for name in ("pagefind", "pagefind-bin", "pagefind-bin-extended"):
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ",".join(versions)


def _link_tree(source: Path, target: Path) -> None:
    """``target`` as a copy of ``source`` whose files are hard links where the disk allows."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link)


class BundleCache:
    """The last Pagefind bundle, kept by a digest of everything Pagefind read.

    A warm build whose records are the same as the previous build's (same
    resources, metadata, PDF text, templates, Pagefind and options) gets that
    bundle instead of running Pagefind again: at 1,000 resources Pagefind's
    run took both cores for seconds beside MkDocs. Entries hold hard links
    to the files a site was given, so keeping one costs no extra disk.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def take(self, key: str, expected: int, output: Path) -> bool:
        """Copy the bundle kept under ``key`` to ``output``; False if there is none whole."""
        entry = self.folder / key
        try:
            if _bundle_failure(entry) is not None or indexed_count(entry) != expected:
                return False
            _link_tree(entry, output)
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
                _link_tree(bundle, partial)
                os.replace(partial, self.folder / key)
            for old in self.folder.iterdir():
                if old.name != key and not old.name.startswith("."):
                    shutil.rmtree(old, ignore_errors=True)
        except OSError:
            return  # only a speed-up: the next build runs Pagefind again


def _pagefind_command(records: Path, output: Path, keep_index_url: bool) -> list[str]:
    # Pagefind's own program, run to completion (``python -m pagefind`` finds the
    # binary the wheel ships). Its Python service API was tried first and, about
    # once in fifteen builds, left a bundle file empty: it stops the service right
    # after the write is acknowledged. A finished process has written everything.
    command = [sys.executable, "-m", "pagefind", "--site", str(records),
               "--output-path", str(output), "--force-language", INDEX_LANGUAGE, "--quiet"]
    if keep_index_url:
        command.append("--keep-index-url")
    return command


def _bundle_failure(output: Path) -> str | None:
    missing = [name for name in BUNDLE_FILES
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

    def __init__(self, renderer: Renderer, *, use_directory_urls: bool = True,
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
        self._cache = BundleCache(cache_dir) if cache_dir is not None else None
        self.reused = False
        try:
            # The digest first, the files only when no kept bundle matches it:
            # writing 1,000 record files (a folder each) and deleting them
            # again took 1.8 s of a warm build, rendering them 0.1 s (bench/,
            # this machine), so a miss renders twice rather than every build
            # writing once.
            self._key, self.expected = records_digest(renderer, use_directory_urls, should_stop)
            if self.expected and self._cache is not None:
                self.reused = self._cache.take(self._key, self.expected, self._output)
            if self.expected and not self.reused:
                write_records(renderer, self._tmp / "records", use_directory_urls, should_stop)
                # Pagefind refuses an empty site; the search page says so.
                command = _pagefind_command(self._tmp / "records", self._output,
                                            not use_directory_urls)
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
                           if self._process.returncode else _bundle_failure(self._output))
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


def write_search_index(renderer: Renderer, site_dir: Path, *,
                       use_directory_urls: bool = True) -> int:
    """Write the Pagefind bundle into ``site_dir/pagefind``; return the resources indexed.

    Raises LibraryError (one problem, with a hint) when Pagefind cannot run.
    """
    return SearchIndexJob(renderer, use_directory_urls=use_directory_urls).finish(site_dir)
