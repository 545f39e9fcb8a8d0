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

The site's other languages (``extra.library_languages`` in mkdocs.yml: a
language code and its configuration, which inherits mkdocs.yml) are built by
this plugin into ``<site_dir>/<code>/`` at the end of every build of the main
language, so ``mkdocs build``, ``mkdocs serve`` and ``build_site.py`` all give
every language. Each language is its own MkDocs build, Material's way of
translating a site: the theme's own strings and ``<html lang>`` follow it.
"""

from __future__ import annotations

import functools
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException, PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from bsla.build_lock import acquire_build_lock, release_build_lock
from bsla.engine import DOCS_DIR, BuildState, prepare
from bsla.errors import LibraryError, format_text
from bsla.fs import WRITTEN, staging_dir, swap_into_place
from bsla.links import check_site_links
from bsla.memo import RENDERED
from bsla.mkdocs_door.files import (
    KeptFiles,
    add_engine_files,
    add_shared_assets,
    add_untranslated_pages,
)
from bsla.mkdocs_door.html_bodies import HtmlBodies
from bsla.mkdocs_door.later_languages import LaterLanguages
from bsla.mkdocs_door.nav_cache import NavCache
from bsla.mkdocs_door.preview_errors import PreviewErrors
from bsla.mkdocs_door.previews import (
    PREVIEW_ENV,
    DirtyServe,
    PreviewRebuilds,
    full_rebuilds_requested,
    quiet_dirty_warning,
    sitemap_key,
)
from bsla.mkdocs_door.theme import theme_label, valid_toggles
from bsla.mkdocs_door.theme_listing import ThemeListings
from bsla.mkdocs_door.watching import POLL_ONLY_ENV, SplitObserver, polling_requested
from bsla.pages.handwritten import LANGUAGES_KEY, untranslated_page
from bsla.pages.home import with_home_block
from bsla.pages.templates import COMPILED_TEMPLATES, Alternate
from bsla.progress import quiet_unless_set
from bsla.search.bundle import SearchIndexJob
from bsla.search.refresh import SearchRefresh
from bsla.urls import DEFAULT_LANGUAGE, HOME_SRC_URI, CachePaths

log = get_plugin_logger("bsla")
# Who holds the checkout's build lock (bsla.build_lock) while MkDocs builds.
LOCK_HOLDER = "hooks"
# Shared with every language's site, which each gets its own copy of.
SHARED_ASSETS = "assets"


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).parent


def _language(config: MkDocsConfig) -> str:
    return str(config.theme["language"] or DEFAULT_LANGUAGE)


@dataclass
class _Build:
    """One language's build: its config, the engine's state, and what ends it."""

    config: MkDocsConfig
    state: BuildState
    # Plain `mkdocs build` of the main language: where the site is swapped in at the end.
    final_site_dir: Path | None = None
    search_job: SearchIndexJob | None = None
    # The hand-written pages of docs/ (source path -> file), which every language shows.
    handwritten: dict[str, str] = field(default_factory=dict)
    # The build's files, once on_files has made them.
    files: Files | None = None

    def forget_written_pages(self) -> None:
        """Drop each page's text, as MkDocs and the engine hold it, once the pages are written.

        A one-off build builds the other languages inside the main language's
        on_post_build, while MkDocs still holds every main-language page's Markdown
        and HTML and the engine its rendered pages: 530 MB more at 10,000
        resources, beside the other language's Pagefind (3 GB), which took a
        two-language cold build past 4 GB (bench/, per-process RSS).
        """
        for file in self.files.documentation_pages() if self.files is not None else []:
            if file.page is not None:
                file.page.markdown = None
                file.page.content = None
        self.state.site.pages.clear()
        self.state.heads.clear()


class LibraryPlugin:
    """The MkDocs door: every MkDocs event the engine takes part in, and the state between them."""

    def __init__(self) -> None:
        self.command: str | None = None
        # Under `serve`, rebuilds are dirty ones made accurate by PreviewRebuilds,
        # one per language (each remembers what its previous rebuild showed).
        self.dirty_previews = False
        self.previews: dict[str, PreviewRebuilds] = {}
        self.dirty_serve = DirtyServe()
        self.builds: dict[str, _Build] = {}
        self.bodies = HtmlBodies()
        self.nav_cache = NavCache()
        self.theme_listings = ThemeListings()
        # Under `serve`, Pagefind runs after the build, to be stopped when the
        # next build of the same language starts.
        self.search_refresh: dict[str, SearchRefresh] = {}
        # Stopped by a newer build but perhaps still ending; the next refresh of
        # the same language waits for it in its own thread (search.refresh).
        self.stopping_refresh: dict[str, SearchRefresh] = {}
        self.preview_errors = PreviewErrors()
        # Under `serve`, each language's File objects, reused by its next rebuild.
        self.kept_files: dict[str, KeptFiles] = {}
        # Under `serve`, the other languages build after the main one is served.
        self.later_languages = LaterLanguages()

    # -- the server's life --------------------------------------------------

    def on_startup(self, command: str, dirty: bool) -> None:
        self.command = command
        # A dev server rebuilds after every edit: keep what did not change (bsla.memo).
        RENDERED.enabled = WRITTEN.enabled = command == "serve"
        if command != "serve":
            WRITTEN.clear()
        self.dirty_previews = False
        self.previews.clear()
        self.kept_files.clear()
        if command != "serve":
            return
        if dirty or (not full_rebuilds_requested() and self.dirty_serve.install()):
            self.dirty_previews = True
            quiet_dirty_warning()
            log.info(f"Each edit rebuilds only the pages it changes ({PREVIEW_ENV}=full "
                     "renders every page again, as plain MkDocs does)")
        else:
            # A full rebuild re-renders every page, which takes seconds per
            # thousand resources; the engine's own work is cached either way.
            log.info("Each edit rebuilds every page, which is slow for a large catalog")

    def on_shutdown(self) -> None:
        self.later_languages.uninstall()
        self.command = None
        self.dirty_previews = False
        self.previews.clear()
        self.kept_files.clear()
        self.dirty_serve.restore()
        for lang in list(self.builds):
            self._stop_search(lang)
        self._stop_search_refreshes()
        self.builds.clear()

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
        self.preview_errors.install(server, report=self._report_failed_preview,
                                    labels=self._preview_error_labels)
        if self.dirty_previews:
            self.later_languages.install(server)
        return server

    def _report_failed_preview(self, message: str, logged: bool) -> None:
        if not logged:
            log.error(message)
        log.warning("The preview still shows the last version that built; it updates when "
                    "the problem is fixed.")

    def _preview_error_labels(self) -> tuple[str, str]:
        main = self.builds.get(DEFAULT_LANGUAGE)
        if main is None:
            return ("", "")
        label = main.state.templates.label
        try:
            return (label("preview_error_heading"), label("preview_error_hint"))
        except LibraryError:  # labels.yml without them: the notice shows the message alone
            return ("", "")

    def _stop_search(self, lang: str, *, wait: bool = True) -> None:
        build = self.builds.get(lang)
        if build is not None and build.search_job is not None:
            build.search_job.cancel()
            build.search_job = None
        refresh = self.search_refresh.pop(lang, None)
        if refresh is not None:
            refresh.stop(wait=wait)
            if not wait:
                self.stopping_refresh[lang] = refresh

    def _stop_search_before(self, lang: str) -> None:
        """Stop indexing still running for the previous build, before ``lang`` builds.

        Under ``serve`` the rebuild the editor waits for does not wait for it to
        end. When the main language starts, every language's indexing stops: at
        10,000 resources the Spanish index, still being made, took the CPU from
        the English rebuild.
        """
        stopping = [lang, *self.search_refresh] if lang == DEFAULT_LANGUAGE else [lang]
        for running in dict.fromkeys(stopping):
            self._stop_search(running, wait=self.command != "serve")

    def _stop_search_refreshes(self) -> None:
        for refresh in [*self.search_refresh.values(), *self.stopping_refresh.values()]:
            refresh.stop()
        self.search_refresh.clear()
        self.stopping_refresh.clear()

    def _build(self, config: MkDocsConfig) -> _Build:
        build = self.builds.get(_language(config))
        if build is None or build.config is not config:
            raise PluginError("the library hooks ran out of order (on_config did not run)")
        return build

    # -- one build --------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # `mkdocs build -q` / `serve -q` leave MkDocs' logger at errors only:
        # then no progress while PDFs are read either (build_site.py's -q wins).
        quiet_unless_set(logging.getLogger("mkdocs").getEffectiveLevel() > logging.INFO)
        root = _root(config)
        lang = _language(config)
        if lang == DEFAULT_LANGUAGE:
            # The previous preview's other languages may still be building.
            self.later_languages.wait()
        self._stop_search_before(lang)
        main = self.builds.get(DEFAULT_LANGUAGE)
        # Another language is built while the main one ends, from the same catalog.
        catalog = main.state.catalog if lang != DEFAULT_LANGUAGE and main else None
        try:
            if lang == DEFAULT_LANGUAGE:
                # One build per checkout at a time; released when the build ends or fails.
                acquire_build_lock(root, LOCK_HOLDER)
            state = prepare(root, use_directory_urls=config.use_directory_urls,
                            site_url=config.site_url or None, lang=lang, catalog=catalog)
        except LibraryError as exc:
            raise PluginError(str(exc)) from None
        build = self.builds[lang] = _Build(config, state)
        if self.command != "serve":
            build.search_job = SearchIndexJob(state.catalog, state.templates,
                                              cache_dir=CachePaths(root, lang).search_bundle)
        self.bodies.clear()
        self.nav_cache.clear()  # the navigation may differ from the previous build's
        if self.command == "serve":
            self.theme_listings.remember(config.theme)
        if self.command == "build" and lang == DEFAULT_LANGUAGE:
            # Only `mkdocs build` owns site_dir; `serve` builds into its own temp dir.
            build.final_site_dir = Path(config.site_dir)
            config.site_dir = str(staging_dir(build.final_site_dir))
        log.info(state.catalog.summary_line() if lang == DEFAULT_LANGUAGE
                 else f"Building the site in '{lang}' into {config.site_dir}")
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        build = self._build(config)
        root = _root(config)
        lang = _language(config)
        cache = CachePaths(root, lang)
        build.handwritten = {f.src_uri: f.abs_src_path for f in files.documentation_pages()
                             if f.abs_src_path}
        files, self.bodies.generated = add_engine_files(
            files, config, build.state.site, pages_dir=cache.pages, cache_dir=cache.base,
            kept=self.kept_files.setdefault(lang, KeptFiles()) if self.command == "serve"
            else None)
        build.files = files
        main = self.builds.get(DEFAULT_LANGUAGE)
        if lang != DEFAULT_LANGUAGE and main is not None:
            add_shared_assets(files, config, root / DOCS_DIR, SHARED_ASSETS)
            untranslated = {uri: path for uri, path in main.handwritten.items()
                            if files.get_file_from_path(uri) is None}
            for uri in sorted(untranslated):
                log.info(f"{DOCS_DIR}/{lang}/{uri} does not exist: the site in '{lang}' shows "
                         f"{DOCS_DIR}/{uri} in {DEFAULT_LANGUAGE}, marked as such")
            add_untranslated_pages(files, config, untranslated, cache.pages,
                                   lambda text: untranslated_page(text, build.state.templates,
                                                                  DEFAULT_LANGUAGE))
        return files

    def on_nav(self, nav: Any, config: MkDocsConfig, files: Files) -> Any:
        """Under ``serve``, decide which pages the (dirty) rebuild must render again.

        A dirty rebuild reads only the pages whose source changed, and MkDocs has
        no title for an unread page; the few pages in the navigation are read here
        so every rebuilt page shows whole navigation, and so that a changed title
        can be noticed (mkdocs_door.previews). Resource pages are not in the navigation.
        """
        if not self.dirty_previews:
            return nav
        state = self._build(config).state
        for page in nav.pages:
            if page.markdown is None:
                page.read_source(config)
        engine_parts: dict[str, Any] = dict(state.heads)
        engine_parts[HOME_SRC_URI] = (state.heads.get(HOME_SRC_URI), state.home_block)
        previews = self.previews.setdefault(_language(config), PreviewRebuilds())
        rendered = previews.prepare(
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
        previews = self.previews.get(_language(config)) if self.dirty_previews else None
        if previews is not None:
            # Serve's builder loads the configuration for every rebuild: the theme's
            # set of templates is this build's own to change.
            context = (self._build(config).state.templates.memo_context,
                       tuple(self._languages(config)), previews.shared)
            skipped = previews.theme_templates.skip_unchanged(
                config.theme.static_templates,
                {"sitemap.xml": sitemap_key(files.documentation_pages(), context),
                 "404.html": context},
                config.site_dir)
            if skipped:
                log.debug(f"Preview rebuild: {', '.join(skipped)} unchanged")
        # Each page's counterparts in the other languages, for the sitemap (docs/overrides),
        # and the site's labels for the theme's own templates.
        env.globals["bsla_label"] = theme_label(self._build(config).state.templates.label)
        env.globals["bsla_alternates"] = functools.partial(self._alternates, config)
        return env

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        state = self._build(config).state
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
        state = self._build(config).state
        # The same page in every language, for the switcher and hreflang links
        # (docs/overrides/main.html).
        context["bsla_languages"] = self._alternates(config, page.file.src_uri)
        context["bsla_language_nav"] = state.templates.label("language_switcher")
        return self.nav_cache.context(context, page, nav)

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        return valid_toggles(self.nav_cache.post_page(output, page))

    def on_post_template(self, output_content: str, template_name: str,
                         config: MkDocsConfig) -> str:
        return valid_toggles(self.nav_cache.post_page(output_content, None))

    def on_post_build(self, config: MkDocsConfig) -> None:
        build = self._build(config)
        lang = _language(config)
        site_dir = Path(config.site_dir)
        if self.dirty_previews and lang in self.previews:
            self.previews[lang].theme_templates.commit()
        if self.command == "serve":
            self.search_refresh[lang] = SearchRefresh(
                build.state.catalog, build.state.templates, site_dir=site_dir,
                cache=CachePaths(_root(config), lang), info=log.info, warn=log.warning,
                after=self.stopping_refresh.pop(lang, None))
        else:
            job, build.search_job = build.search_job, None
            if job is None:
                raise PluginError("the library hooks ran out of order (no search job)")
            try:
                indexed = job.finish(site_dir)
            except LibraryError as exc:
                raise PluginError(str(exc)) from None
            log.info(f"Search index ({lang}): {indexed} resources")
        if lang != DEFAULT_LANGUAGE:
            return
        if self.command == "serve" and self.later_languages.installed:
            self.later_languages.start(self._languages(config)[1:],
                                       functools.partial(self._build_later_languages, config),
                                       failed=self._later_languages_failed)
            return
        if self.command != "serve":
            build.forget_written_pages()
        self._build_other_languages(config)
        self._every_language_built()
        if self.command != "serve":
            # Every real build checks the raw-HTML links MkDocs cannot see (every
            # language's, and the links between them) before the site is swapped
            # into place; live previews skip this.
            broken = check_site_links(site_dir, site_url=config.site_url)
            if broken:
                raise PluginError(format_text(broken.sorted()))
        if build.final_site_dir is not None:
            swap_into_place(site_dir, build.final_site_dir)
            config.site_dir = str(build.final_site_dir)
        release_build_lock(LOCK_HOLDER)

    def _alternates(self, config: MkDocsConfig, src_uri: str) -> list[Alternate]:
        """The page ``src_uri`` in each of the site's languages."""
        templates = self._build(config).state.templates
        return templates.languages_of(src_uri, self._languages(config))

    def _languages(self, config: MkDocsConfig) -> list[str]:
        """Every language of the site, the main one first."""
        return [DEFAULT_LANGUAGE, *(config.extra.get(LANGUAGES_KEY) or {})]

    def _build_later_languages(self, config: MkDocsConfig) -> None:
        try:
            self._build_other_languages(config)
            self._every_language_built()
        finally:
            release_build_lock(LOCK_HOLDER)

    def _every_language_built(self) -> None:
        # Only a rebuild that went through says what is still needed: one that
        # failed early used little, and sweeping after it emptied the memo (49 s
        # for the rebuild that fixed the error at 10,000 resources).
        RENDERED.sweep()

    def _later_languages_failed(self, error: Exception) -> None:
        if isinstance(error, MkDocsException):
            self.preview_errors.failed(error)
        elif isinstance(error, FileNotFoundError):
            # An editor moved or deleted a file while it was being built: the
            # server saw that change too, and its rebuild catches up.
            log.info(f"{error.filename or 'A file'} went away while the other languages were "
                     "built; the next rebuild brings them up to date")
        else:  # a bug, not an edit: its traceback is what finds it
            log.exception(f"Building the other languages failed: {error!r}")

    def _build_other_languages(self, config: MkDocsConfig) -> None:
        root = _root(config)
        for lang, config_file in (config.extra.get(LANGUAGES_KEY) or {}).items():
            options: dict[str, Any] = {
                "site_dir": str(Path(config.site_dir) / lang), "strict": config.strict,
                "use_directory_urls": config.use_directory_urls}
            if config.site_url:
                options["site_url"] = f"{config.site_url.rstrip('/')}/{lang}/"
            try:
                other = load_config(config_file=str(root / config_file), **options)
                if _language(other) != lang:
                    raise PluginError(
                        f"{config_file}: its theme language is '{_language(other)}', but "
                        f"mkdocs.yml lists it for '{lang}' under extra.{LANGUAGES_KEY} (set "
                        f"'theme: language: {lang}' in {config_file})")
                mkdocs_build(other, dirty=self.dirty_previews)
            except MkDocsException as exc:
                raise PluginError(f"the site in '{lang}' ({config_file}) was not built: "
                                  f"{str(exc).strip()}") from None

    def on_build_error(self, error: Exception, **_: Any) -> None:
        if isinstance(error, MkDocsException):
            self.preview_errors.record(str(error))
        release_build_lock(LOCK_HOLDER)
        for lang in list(self.builds):
            self._stop_search(lang)
        for build in self.builds.values():
            final = build.final_site_dir
            if final is not None:
                for leftover in final.parent.glob(f".{final.name}.building-*"):
                    shutil.rmtree(leftover, ignore_errors=True)
