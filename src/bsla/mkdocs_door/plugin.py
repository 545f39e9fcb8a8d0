"""The engine as seen by ``mkdocs build`` and ``mkdocs serve``: one plugin object.

MkDocs runs it through ``src/bsla/hooks.py`` (named under ``hooks:`` in
mkdocs.yml), which exposes this object's event methods. The plugin loads the
catalog once per build (``on_config``), adds the generated pages as virtual
files and picks how other files reach the site (``on_files``), fills the home
page's collection list (``on_page_markdown``), runs the search indexer beside
MkDocs (``on_config`` to ``on_post_build``), renders the navigation of pages
outside it once per folder (``on_env`` to ``on_post_page``), makes previews
rebuild only what changed (``on_startup``, ``on_nav``) and makes plain
``mkdocs build`` atomic: the site is built next to ``site_dir`` and swapped in
only when the whole build succeeded.

Hook modules live for the whole ``mkdocs serve`` session, so this object's
attributes carry what one build hands to the next; each ``on_config`` starts
a build's own state afresh.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from bsla.engine import BuildState, prepare
from bsla.errors import LibraryError, format_text
from bsla.fs import staging_dir, swap_into_place
from bsla.links import check_site_links
from bsla.memo import RENDERED
from bsla.mkdocs_door.files import add_engine_files
from bsla.mkdocs_door.html_bodies import HtmlBodies
from bsla.mkdocs_door.nav_cache import NavCache
from bsla.mkdocs_door.previews import (
    PREVIEW_ENV,
    DirtyServe,
    PreviewRebuilds,
    full_rebuilds_requested,
    quiet_dirty_warning,
)
from bsla.mkdocs_door.theme_listing import ThemeListings
from bsla.mkdocs_door.watching import POLL_ONLY_ENV, SplitObserver, polling_requested
from bsla.pages.home import with_home_block
from bsla.pages.templates import COMPILED_TEMPLATES
from bsla.search.bundle import SearchIndexJob
from bsla.search.refresh import SearchRefresh
from bsla.urls import HOME_SRC_URI, CachePaths

log = get_plugin_logger("bsla")


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).parent


class LibraryPlugin:
    """The MkDocs door: every MkDocs event the engine takes part in, and the state between them."""

    def __init__(self) -> None:
        self.command: str | None = None
        # Under `serve`, rebuilds are dirty ones made accurate by PreviewRebuilds.
        self.previews: PreviewRebuilds | None = None
        self.dirty_serve = DirtyServe()
        # The current build: its config object, its engine state, and (plain
        # `mkdocs build`) the site_dir it is swapped into at the end.
        self._config: MkDocsConfig | None = None
        self.state: BuildState | None = None
        self.final_site_dir: Path | None = None
        self.bodies = HtmlBodies()
        self.nav_cache = NavCache()
        self.theme_listings = ThemeListings()
        # Pagefind runs beside MkDocs; under `serve` it may still run after the
        # build, to be stopped when the next build starts.
        self.search_job: SearchIndexJob | None = None
        self.search_refresh: SearchRefresh | None = None

    # -- the server's life --------------------------------------------------

    def on_startup(self, command: str, dirty: bool) -> None:
        self.command = command
        # A dev server rebuilds after every edit: keep what did not change (bsla.memo).
        RENDERED.enabled = command == "serve"
        self.previews = None
        if command != "serve":
            return
        if dirty or (not full_rebuilds_requested() and self.dirty_serve.install()):
            self.previews = PreviewRebuilds()
            quiet_dirty_warning()
            log.info(f"Each edit rebuilds only the pages it changes ({PREVIEW_ENV}=full "
                     "renders every page again, as plain MkDocs does)")
        else:
            # A full rebuild re-renders every page, which takes seconds per
            # thousand resources; the engine's own work is cached either way.
            log.info("Each edit rebuilds every page, which is slow for a large catalog")

    def on_shutdown(self) -> None:
        self.command = None
        self.previews = None
        self.dirty_serve.restore()
        self._stop_search()
        self._config = None
        self.state = None

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        """Folders watched through the OS's change notifications (mkdocs_door.watching).

        MkDocs adds the ``watch:`` entries of mkdocs.yml (compendium/, briefs/, ...)
        after this hook, so they reach the new observer; docs/ and mkdocs.yml, added
        before it, stay with MkDocs' polling.
        """
        if polling_requested():
            log.info(f"{POLL_ONLY_ENV}=poll: watching for changes by polling only")
        else:
            server.observer = SplitObserver(server.observer, warn=log.warning)
        return server

    def _stop_search(self) -> None:
        if self.search_job is not None:
            self.search_job.cancel()
            self.search_job = None
        if self.search_refresh is not None:
            self.search_refresh.stop()
            self.search_refresh = None

    def _state(self, config: MkDocsConfig) -> BuildState:
        if self.state is None or self._config is not config:
            raise PluginError("the library hooks ran out of order (on_config did not run)")
        return self.state

    # -- one build --------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = _root(config)
        self._stop_search()  # a preview's indexing still running for the previous build
        try:
            state = prepare(root, use_directory_urls=config.use_directory_urls,
                            site_url=config.site_url or None)
        except LibraryError as exc:
            raise PluginError(str(exc)) from None
        self._config, self.state, self.final_site_dir = config, state, None
        if self.command != "serve":
            self.search_job = SearchIndexJob(state.catalog, state.templates,
                                             cache_dir=CachePaths(root).search_bundle)
        self.bodies.clear()
        self.nav_cache.clear()  # the navigation may differ from the previous build's
        if self.command == "serve":
            self.theme_listings.remember(config.theme)
        if self.command == "build":
            # Only `mkdocs build` owns site_dir; `serve` builds into its own temp dir.
            self.final_site_dir = Path(config.site_dir)
            config.site_dir = str(staging_dir(self.final_site_dir))
        log.info(state.catalog.summary_line())
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        state = self._state(config)
        cache = CachePaths(_root(config))
        files, self.bodies.generated = add_engine_files(
            files, config, state.site, pages_dir=cache.pages, cache_dir=cache.base)
        return files

    def on_nav(self, nav: Any, config: MkDocsConfig, files: Files) -> Any:
        """Under ``serve``, decide which pages the (dirty) rebuild must render again.

        A dirty rebuild reads only the pages whose source changed, and MkDocs has
        no title for an unread page; the few pages in the navigation are read here
        so every rebuilt page shows whole navigation, and so that a changed title
        can be noticed (mkdocs_door.previews). Resource pages are not in the navigation.
        """
        if self.previews is None:
            return nav
        state = self._state(config)
        for page in nav.pages:
            if page.markdown is None:
                page.read_source(config)
        engine_parts: dict[str, Any] = dict(state.heads)
        engine_parts[HOME_SRC_URI] = (state.heads.get(HOME_SRC_URI), state.home_block)
        rendered = self.previews.prepare(
            pages=files.documentation_pages(), nav_items=nav.items, files=files,
            site_dir=config.site_dir, config_file=config.config_file_path,
            theme_dir=config.theme.custom_dir, engine_parts=engine_parts)
        log.debug(f"Preview rebuild: {rendered} pages to render")
        return nav

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        """Keep the theme's compiled templates between builds; render shared navigation once.

        MkDocs makes a new theme environment for every build, so each serve rebuild
        compiled Material's templates again (0.5 s, cProfile at 1,000 resources);
        they now share the engine's process-wide cache of compiled templates, which
        checks each template's source before using an entry. The nav cache
        renders the navigation of pages outside it once per folder.
        """
        env.bytecode_cache = COMPILED_TEMPLATES
        self.nav_cache.install(env)
        return env

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        state = self._state(config)
        src_uri = page.file.src_uri
        head = state.heads.get(src_uri)
        if head is not None:
            # Read by docs/overrides/main.html into <head>; escaped by the engine.
            page.meta["bsla_head"] = head
        converted = self.bodies.set_aside(src_uri, markdown)
        if converted is not None:
            return converted
        if src_uri != HOME_SRC_URI:
            return markdown
        return with_home_block(markdown, state.home_block)

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        return self.bodies.put_back(page.file.src_uri, html)

    def on_page_context(self, context: dict[str, Any], page: Page, config: MkDocsConfig,
                        nav: Any) -> dict[str, Any]:
        return self.nav_cache.context(context, page, nav)

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        return self.nav_cache.post_page(output, page)

    def on_post_template(self, output_content: str, template_name: str,
                         config: MkDocsConfig) -> str:
        return self.nav_cache.post_page(output_content, None)

    def on_post_build(self, config: MkDocsConfig) -> None:
        state = self._state(config)
        site_dir = Path(config.site_dir)
        if self.command == "serve":
            self.search_refresh = SearchRefresh(
                state.catalog, state.templates, site_dir=site_dir,
                cache=CachePaths(_root(config)), info=log.info, warn=log.warning)
        else:
            job, self.search_job = self.search_job, None
            if job is None:
                raise PluginError("the library hooks ran out of order (no search job)")
            try:
                indexed = job.finish(site_dir)
            except LibraryError as exc:
                raise PluginError(str(exc)) from None
            log.info(f"Search index: {indexed} resources")
            # Every real build checks the raw-HTML links MkDocs cannot see, before
            # the site is swapped into place; live previews skip this.
            broken = check_site_links(site_dir, site_url=config.site_url)
            if broken:
                raise PluginError(format_text(broken.sorted()))
        if self.final_site_dir is not None:
            swap_into_place(site_dir, self.final_site_dir)
            config.site_dir = str(self.final_site_dir)

    def on_build_error(self, error: Exception, **_: Any) -> None:
        self._stop_search()
        final = self.final_site_dir
        if final is not None:
            for leftover in final.parent.glob(f".{final.name}.building-*"):
                shutil.rmtree(leftover, ignore_errors=True)
