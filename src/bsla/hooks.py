"""MkDocs hooks: the engine as seen by ``mkdocs build`` and ``mkdocs serve``.

This is the only module that knows MkDocs. It loads the catalog once per build
(``on_config``), adds the generated pages as virtual files (``on_files``), fills
the home page's collection list (``on_page_markdown``) and makes plain
``mkdocs build`` atomic: the site is built next to ``site_dir`` and swapped in
only when the whole build succeeded.

MkDocs imports this file by path (``hooks:`` in mkdocs.yml), so imports are absolute.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from bsla.build import (
    CACHE_DIR,
    BuildState,
    prepare,
    staging_dir,
    swap_into_place,
    write_generated,
)
from bsla.errors import LibraryError, format_text
from bsla.links import check_site_links
from bsla.search import write_search_index

log = get_plugin_logger("bsla")
HOME_MARKER = "<!-- library:collections -->"

# Hook modules live for the whole `mkdocs serve` session; keep per-build state
# keyed by the config object so a rebuild never sees the previous build's data.
_command: str | None = None
_states: dict[int, BuildState] = {}


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command


def on_shutdown() -> None:
    global _command
    _command = None
    _states.clear()


def _state(config: MkDocsConfig) -> BuildState:
    try:
        return _states[id(config)]
    except KeyError:
        raise PluginError("the library hooks ran out of order (on_config did not run)") from None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).parent
    try:
        state = prepare(root, use_directory_urls=config.use_directory_urls,
                        site_url=config.site_url or None)
    except LibraryError as exc:
        raise PluginError(str(exc)) from None
    _states.clear()
    _states[id(config)] = state
    if _command == "build":
        # Only `mkdocs build` owns site_dir; `serve` builds into its own temp dir.
        final = Path(config.site_dir)
        state.final_site_dir = final
        config.site_dir = str(staging_dir(final))
    log.info(state.catalog.summary_line())
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    state = _state(config)
    root = Path(config.config_file_path).parent
    pages_dir = root / CACHE_DIR / "pages"
    for page, path in write_generated(state.site.pages, pages_dir):
        existing = files.get_file_from_path(page.src_uri)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, page.src_uri, abs_src_path=str(path)))
    for copied in state.site.files:
        files.append(File.generated(config, copied.src_uri, abs_src_path=str(copied.source)))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    state = _state(config)
    head = state.heads.get(page.file.src_uri)
    if head is not None:
        # Read by docs/overrides/main.html into <head>; escaped by the engine.
        page.meta["bsla_head"] = head
    if page.file.src_uri != "index.md":
        return markdown
    block = state.renderer.home_block()
    if HOME_MARKER in markdown:
        return markdown.replace(HOME_MARKER, block, 1)
    return markdown.rstrip() + "\n\n" + block


def on_post_build(config: MkDocsConfig) -> None:
    state = _state(config)
    try:
        indexed = write_search_index(state.renderer, Path(config.site_dir),
                                     use_directory_urls=config.use_directory_urls)
    except LibraryError as exc:
        raise PluginError(str(exc)) from None
    log.info(f"Search index: {indexed} resources")
    if _command != "serve":
        # Live previews skip this; every real build checks the raw-HTML links
        # MkDocs cannot see, before the site is swapped into place.
        broken = check_site_links(Path(config.site_dir), site_url=config.site_url)
        if broken:
            raise PluginError(format_text(broken.sorted()))
    if state.final_site_dir is not None:
        swap_into_place(Path(config.site_dir), state.final_site_dir)
        config.site_dir = str(state.final_site_dir)


def on_build_error(error: Exception, **_: Any) -> None:
    for state in _states.values():
        if state.final_site_dir is not None:
            partial = state.final_site_dir.parent
            for leftover in partial.glob(f".{state.final_site_dir.name}.building-*"):
                shutil.rmtree(leftover, ignore_errors=True)
