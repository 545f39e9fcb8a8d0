"""MkDocs hooks: the engine as seen by ``mkdocs build`` and ``mkdocs serve``.

The MkDocs door of the engine: only this module and the helpers it alone calls
(bsla.previews, bsla.nav_cache, bsla.site_files, bsla.theme_listing,
bsla.watching) know MkDocs. It loads the catalog once per build
(``on_config``), adds the generated pages as virtual files and picks how
other files reach the site (``on_files``), fills the home page's
collection list (``on_page_markdown``), runs the search indexer beside MkDocs
(``on_config`` to ``on_post_build``), renders the navigation of pages outside
it once per folder (``on_env`` to ``on_post_page``), makes previews rebuild
only what changed (``on_startup``, ``on_nav``) and makes plain ``mkdocs
build`` atomic: the site is built next to ``site_dir`` and swapped in only
when the whole build succeeded.

MkDocs imports this file by path (``hooks:`` in mkdocs.yml), so imports are absolute.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from bsla.build import (
    CACHE_DIR,
    BuildState,
    prepare,
    staging_dir,
    swap_into_place,
    write_generated,
)
from bsla.build_lock import acquire_build_lock, release_build_lock
from bsla.errors import LibraryError, format_text
from bsla.links import check_site_links
from bsla.memo import RENDERED
from bsla.nav_cache import NAV_CACHE
from bsla.previews import (
    PREVIEW_ENV,
    PreviewRebuilds,
    full_rebuilds_requested,
    quiet_dirty_warning,
    rebuild_dirty_under_serve,
    stop_previews,
)
from bsla.render import COMPILED_TEMPLATES
from bsla.search import (
    BUNDLES_DIR,
    SEARCH_DIR,
    IndexingStopped,
    SearchIndexJob,
    remove_later,
)
from bsla.site_files import CacheLinkedFile
from bsla.theme_listing import remember_theme_listing
from bsla.watching import POLL_ONLY_ENV, SplitObserver, polling_requested

log = get_plugin_logger("bsla")
HOME_MARKER = "<!-- library:collections -->"
_OPENING_TAG = re.compile(r"(?m)^<(article|div|section|main)(?=[\s>])")
_BODY_MARKER = "<!-- bsla:generated-html -->"

# Hook modules live for the whole `mkdocs serve` session; keep per-build state
# keyed by the config object so a rebuild never sees the previous build's data.
_command: str | None = None
# Under `serve`, rebuilds are dirty ones made accurate by bsla.previews.
_previews: PreviewRebuilds | None = None
_states: dict[int, BuildState] = {}
# Generated pages, and their HTML elements that skip Markdown while MkDocs renders.
_html_pages: set[str] = set()
_html_bodies: dict[str, str] = {}
# Pagefind runs beside MkDocs (bsla.search.SearchIndexJob); under `serve` it may
# still run after the build, to be stopped when the next build starts.
_search_jobs: dict[int, SearchIndexJob] = {}
_search_refresh: _SearchRefresh | None = None


def on_startup(command: str, dirty: bool) -> None:
    global _command, _previews
    _command = command
    # A dev server rebuilds after every edit: keep what did not change (bsla.memo).
    RENDERED.enabled = command == "serve"
    _previews = None
    if command != "serve":
        return
    if dirty or (not full_rebuilds_requested() and rebuild_dirty_under_serve()):
        _previews = PreviewRebuilds()
        quiet_dirty_warning()
        log.info(f"Each edit rebuilds only the pages it changes ({PREVIEW_ENV}=full "
                 "renders every page again, as plain MkDocs does)")
    else:
        # A full rebuild re-renders every page, which takes seconds per
        # thousand resources; the engine's own work is cached either way.
        log.info("Each edit rebuilds every page, which is slow for a large catalog")


def on_shutdown() -> None:
    global _command, _previews
    _command = None
    _previews = None
    stop_previews()
    _stop_search_jobs()
    _states.clear()


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """Folders watched through the OS's change notifications (bsla.watching).

    MkDocs adds the ``watch:`` entries of mkdocs.yml (compendium/, briefs/, ...)
    after this hook, so they reach the new observer; docs/ and mkdocs.yml, added
    before it, stay with MkDocs' polling.
    """
    if polling_requested():
        log.info(f"{POLL_ONLY_ENV}=poll: watching for changes by polling only")
    else:
        server.observer = SplitObserver(server.observer, warn=log.warning)
    return server


def _stop_search_jobs() -> None:
    global _search_refresh
    for job in _search_jobs.values():
        job.cancel()
    _search_jobs.clear()
    if _search_refresh is not None:
        _search_refresh.stop()
        _search_refresh = None


def _state(config: MkDocsConfig) -> BuildState:
    try:
        return _states[id(config)]
    except KeyError:
        raise PluginError("the library hooks ran out of order (on_config did not run)") from None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).parent
    _stop_search_jobs()  # a preview's indexing still running for the previous build
    try:
        acquire_build_lock(root, "hooks")  # released when the build ends or fails
        state = prepare(root, use_directory_urls=config.use_directory_urls,
                        site_url=config.site_url or None)
    except LibraryError as exc:
        raise PluginError(str(exc)) from None
    _states.clear()
    _states[id(config)] = state
    if _command != "serve":
        _search_jobs[id(config)] = SearchIndexJob(
            state.renderer, use_directory_urls=config.use_directory_urls,
            cache_dir=root / CACHE_DIR / BUNDLES_DIR)
    _html_pages.clear()
    _html_bodies.clear()
    NAV_CACHE.clear()  # the navigation may differ from the previous build's
    if _command == "serve":
        remember_theme_listing(config.theme)
    if _command == "build":
        # Only `mkdocs build` owns site_dir; `serve` builds into its own temp dir.
        final = Path(config.site_dir)
        state.final_site_dir = final
        config.site_dir = str(staging_dir(final))
    log.info(state.catalog.summary_line())
    return config


class _PathIndexedFiles(Files):
    """MkDocs' file collection, with ``src_paths`` built once per change instead of per read.

    mkdocs-awesome-pages-plugin reads ``files.src_paths`` once for each folder
    of the navigation, and MkDocs builds that mapping from every file on each
    read. With a folder per paginated keyword, that was 27 s of every build
    and preview rebuild at 10,000 resources (cProfile: 310 reads of 41,000
    files), growing with the square of the catalog.
    """

    def __init__(self, files: Iterable[File]) -> None:
        super().__init__(files)
        self._by_src_path: Mapping[str, File] | None = None

    @property
    def src_paths(self) -> Mapping[str, File]:  # type: ignore[override]
        if self._by_src_path is None:
            # Read-only: MkDocs hands every caller a fresh dict, so none may change this one.
            self._by_src_path = MappingProxyType({file.src_path: file for file in self})
        return self._by_src_path

    def append(self, file: File) -> None:
        self._by_src_path = None
        super().append(file)

    def remove(self, file: File) -> None:
        self._by_src_path = None
        super().remove(file)

    @property
    def _files(self) -> Iterable[File]:
        return Files._files.fget(self)  # type: ignore[attr-defined]

    @_files.setter
    def _files(self, value: Iterable[File]) -> None:
        self._by_src_path = None
        Files._files.fset(self, value)  # type: ignore[attr-defined]


def on_files(files: Files, config: MkDocsConfig) -> Files:
    files = _PathIndexedFiles(files)
    state = _state(config)
    root = Path(config.config_file_path).parent
    pages_dir = root / CACHE_DIR / "pages"
    for page, path in write_generated(state.site.pages, pages_dir):
        existing = files.get_file_from_path(page.src_uri)
        if existing is not None:
            files.remove(existing)
        # Out-of-nav pages never reach the nav plugins: awesome-pages reads every
        # folder of the nav tree, which cost O(N²) with one folder per resource.
        inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
        files.append(CacheLinkedFile.generated(config, page.src_uri, abs_src_path=str(path),
                                               inclusion=inclusion))
        _html_pages.add(page.src_uri)
    cache = root / CACHE_DIR
    for copied in state.site.files:
        kind = CacheLinkedFile if copied.source.is_relative_to(cache) else File
        files.append(kind.generated(config, copied.src_uri, abs_src_path=str(copied.source)))
    return files


def html_tail(markdown: str) -> tuple[str, str] | None:
    """Split a generated page into (Markdown before, one trailing HTML element).

    Python-Markdown passes a block-level HTML element through untouched, but
    finding that out parses the whole element: about 3 ms per resource page and
    90 ms per listing of 250 cards (bench/, cProfile). The engine rendered that
    element itself, so only the Markdown before it (a heading, say) is converted
    and the element is put back afterwards. None when the page does not end in
    exactly one such element (Markdown after it, or ``markdown=`` for md_in_html).
    """
    opening = _OPENING_TAG.search(markdown)
    if opening is None:
        return None
    before, element = markdown[: opening.start()], markdown[opening.start():].rstrip()
    if (before.strip() and not before.endswith("\n\n")) or " markdown=" in element:
        return None
    tag = opening.group(1)
    depth = 0
    for match in re.finditer(rf"<(/?){tag}(?=[\s>])", element):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            # The first element must close exactly at the end of the page.
            return (before, element) if match.end() + 1 == len(element) else None
    return None


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    state = _state(config)
    head = state.heads.get(page.file.src_uri)
    if head is not None:
        # Read by docs/overrides/main.html into <head>; escaped by the engine.
        page.meta["bsla_head"] = head
    split = html_tail(markdown) if page.file.src_uri in _html_pages else None
    if split is not None:
        before, _html_bodies[page.file.src_uri] = split
        return f"{before}{_BODY_MARKER}\n"
    if page.file.src_uri != "index.md":
        return markdown
    block = state.renderer.home_block()
    if HOME_MARKER in markdown:
        return markdown.replace(HOME_MARKER, block, 1)
    return markdown.rstrip() + "\n\n" + block


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    body = _html_bodies.pop(page.file.src_uri, None)
    return html if body is None else html.replace(_BODY_MARKER, body, 1)


def on_nav(nav: Any, config: MkDocsConfig, files: Files) -> Any:
    """Under ``serve``, decide which pages the (dirty) rebuild must render again.

    A dirty rebuild reads only the pages whose source changed, and MkDocs has
    no title for an unread page; the few pages in the navigation are read here
    so every rebuilt page shows whole navigation, and so that a changed title
    can be noticed (bsla.previews). Resource pages are not in the navigation.
    """
    if _previews is None:
        return nav
    state = _state(config)
    for page in nav.pages:
        if page.markdown is None:
            page.read_source(config)
    engine_parts: dict[str, Any] = dict(state.heads)
    engine_parts["index.md"] = (state.heads.get("index.md"), state.renderer.home_block())
    rendered = _previews.prepare(
        pages=files.documentation_pages(), nav_items=nav.items, files=files,
        site_dir=config.site_dir, config_file=config.config_file_path,
        theme_dir=config.theme.custom_dir, engine_parts=engine_parts)
    log.debug(f"Preview rebuild: {rendered} pages to render")
    return nav


def on_env(env: Any, config: MkDocsConfig, files: Files) -> Any:
    """Keep the theme's compiled templates between builds; render shared navigation once.

    MkDocs makes a new theme environment for every build, so each serve rebuild
    compiled Material's templates again (0.5 s, cProfile at 1,000 resources);
    they now share the engine's process-wide cache of compiled templates, which
    checks each template's source before using an entry. bsla.nav_cache
    renders the navigation of pages outside it once per folder.
    """
    env.bytecode_cache = COMPILED_TEMPLATES
    NAV_CACHE.install(env)
    return env


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig,
                    nav: Any) -> dict[str, Any]:
    return NAV_CACHE.context(context, page, nav)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return NAV_CACHE.post_page(output, page)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    return NAV_CACHE.post_page(output_content, None)


def on_post_build(config: MkDocsConfig) -> None:
    state = _state(config)
    site_dir = Path(config.site_dir)
    if _command == "serve":
        global _search_refresh
        _search_refresh = _SearchRefresh(state, config, site_dir)
    else:
        try:
            indexed = _search_jobs.pop(id(config)).finish(site_dir)
        except LibraryError as exc:
            raise PluginError(str(exc)) from None
        log.info(f"Search index: {indexed} resources")
        # Every real build checks the raw-HTML links MkDocs cannot see, before
        # the site is swapped into place; live previews skip this.
        broken = check_site_links(site_dir, site_url=config.site_url)
        if broken:
            raise PluginError(format_text(broken.sorted()))
    if state.final_site_dir is not None:
        swap_into_place(site_dir, state.final_site_dir)
        config.site_dir = str(state.final_site_dir)
    release_build_lock("hooks")


class _SearchRefresh:
    """A preview's search index, written after the rebuild is already served.

    Indexing takes seconds at 1,000 resources, more than the whole rest of a
    preview rebuild, so under `serve` it runs in a thread once the pages are
    written. Meanwhile the preview keeps the previous index (kept under .cache,
    because a full rebuild empties the site folder). The next rebuild stops it.
    """

    def __init__(self, state: BuildState, config: MkDocsConfig, site_dir: Path) -> None:
        self._renderer = state.renderer
        self._use_directory_urls = config.use_directory_urls
        self._site_dir = site_dir
        self._kept = Path(config.config_file_path).parent / CACHE_DIR / "search"
        self._lock = threading.Lock()
        self._stopped = False
        self._job: SearchIndexJob | None = None
        if not (site_dir / SEARCH_DIR).exists() and (self._kept / SEARCH_DIR).is_dir():
            shutil.copytree(self._kept / SEARCH_DIR, site_dir / SEARCH_DIR)
        # Jobs work under .cache; one cut short by a stopped server left its files.
        work = self._kept / "work"
        remove_later(sorted(work.iterdir()) if work.is_dir() else [])
        self._thread = threading.Thread(target=self._run, name="bsla-search", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            job = SearchIndexJob(self._renderer, use_directory_urls=self._use_directory_urls,
                                 should_stop=lambda: self._stopped, background=True,
                                 work_dir=self._kept / "work",
                                 cache_dir=self._kept.parent / BUNDLES_DIR)
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
                log.warning(f"The search index was not refreshed: {exc}")
        else:
            log.info(f"Search index: {indexed} resources")

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            job = self._job
        if job is not None:
            job.cancel()
        self._thread.join()


def on_build_error(error: Exception, **_: Any) -> None:
    release_build_lock("hooks")
    _stop_search_jobs()
    for state in _states.values():
        if state.final_site_dir is not None:
            partial = state.final_site_dir.parent
            for leftover in partial.glob(f".{state.final_site_dir.name}.building-*"):
                shutil.rmtree(leftover, ignore_errors=True)
