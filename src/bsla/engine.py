"""The engine's entry: load the catalog and render every generated page of the site.

Both doors call it: the MkDocs door (``mkdocs build``/``serve`` through
``hooks.py``) and the command line (``build_site.py``), so they cannot
disagree. ``prepare`` is the whole engine short of MkDocs: catalog, labels,
rendered pages and the ``<head>`` extras; ``write_markdown_tree`` is the third
door, a plain Markdown folder for renderers that run no MkDocs hooks.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from bsla.catalog import Catalog, load_catalog
from bsla.clock import pin_build_time
from bsla.fs import staging_dir, swap_into_place, write_generated
from bsla.generated import GeneratedPage, RenderedSite
from bsla.labels import LabelTexts, load_labels
from bsla.pages.discovery import discovery_pages
from bsla.pages.exports import catalog_exports, citation_files
from bsla.pages.feed import feed_text
from bsla.pages.home import home_block, with_home_block
from bsla.pages.listings import all_listing_pages
from bsla.pages.metadata import head_html
from bsla.pages.nav import nav_files
from bsla.pages.oai import oai_files
from bsla.pages.redirects import redirect_pages
from bsla.pages.resources import resource_files, resource_pages
from bsla.pages.templates import COMPILED_TEMPLATES, Templates
from bsla.urls import DEFAULT_LANGUAGE, FEED, HOME_SRC_URI, CachePaths, SiteUrls

DOCS_DIR = "docs"
# Theme overrides are the MkDocs door's; other renderers do not get them.
THEME_OVERRIDES = "overrides"


@dataclass
class BuildState:
    """One build's catalog and everything the engine made of it."""

    catalog: Catalog
    labels: LabelTexts
    templates: Templates
    site: RenderedSite
    # Extra <head> markup by page source path.
    heads: dict[str, Markup]
    # The home page's list of collections.
    home_block: str


def make_templates(catalog: Catalog, labels: LabelTexts, *, use_directory_urls: bool = True,
                   site_url: str | None = None, lang: str = DEFAULT_LANGUAGE) -> Templates:
    return Templates(catalog.taxonomy, labels, lang=lang,
                     urls=SiteUrls(use_directory_urls, site_url, lang))


def export_texts(catalog: Catalog, templates: Templates) -> dict[str, str]:
    """The export files by name; also what `build_site.py export` writes."""
    return {**catalog_exports(catalog, templates), FEED: feed_text(catalog, templates)}


def render_site(catalog: Catalog, templates: Templates) -> RenderedSite:
    """Every generated page and copied file of the site, in a stable order."""
    pages = nav_files(catalog, templates.lang)
    pages += all_listing_pages(catalog, templates)
    pages += resource_pages(catalog, templates)
    pages += discovery_pages(catalog, templates)
    pages += citation_files(catalog, templates)
    pages += redirect_pages(catalog, templates)
    # The exports carry every language, so only the main language's site has them;
    # each language's site has its own feed.
    exports = export_texts(catalog, templates) if templates.lang == DEFAULT_LANGUAGE \
        else {FEED: feed_text(catalog, templates)}
    pages += [GeneratedPage(name, text) for name, text in exports.items()]
    pages += [GeneratedPage(name, text) for name, text in oai_files(catalog, templates).items()]
    return RenderedSite(pages, resource_files(catalog))


def prepare(root: Path, *, use_directory_urls: bool = True, site_url: str | None = None,
            lang: str = DEFAULT_LANGUAGE, catalog: Catalog | None = None) -> BuildState:
    """Load and render the catalog under ``root`` in one language; raises LibraryError.

    ``catalog``, when given, is one already loaded from ``root`` (by the build
    of another language of the same site), so it is not read again.
    """
    # Every build process compiles the same templates; keep them for the next one.
    COMPILED_TEMPLATES.keep_in(CachePaths(root).compiled_templates)
    # Dates the build writes come from the commit, not the clock (Reproducible Builds).
    pin_build_time(root)
    if catalog is None:
        cache = CachePaths(root)
        catalog = load_catalog(root, cache_dir=cache.pdf, thumbs_dir=cache.thumbs)
    labels = load_labels(root)
    templates = make_templates(catalog, labels, use_directory_urls=use_directory_urls,
                               site_url=site_url, lang=lang)
    return BuildState(catalog, labels, templates, render_site(catalog, templates),
                      head_html(catalog, templates), home_block(catalog, templates))


def write_markdown_tree(root: Path, out_dir: Path, *, use_directory_urls: bool = True) -> int:
    """Write the whole site as plain Markdown + files into ``out_dir`` (atomically).

    This is the door for renderers that run no MkDocs hooks: point their
    ``docs_dir`` at ``out_dir``. Returns how many generated pages it wrote.
    """
    state = prepare(root, use_directory_urls=use_directory_urls)
    out_dir = out_dir.resolve()
    staging = staging_dir(out_dir, "rendering")
    # The tree is the main language's site; the other languages' pages (docs/es/) are not.
    other_languages = [lang for lang in state.catalog.taxonomy.vocabulary("languages")
                       if lang != DEFAULT_LANGUAGE]
    try:
        shutil.copytree(root / DOCS_DIR, staging, dirs_exist_ok=True, symlinks=False,
                        ignore=shutil.ignore_patterns(THEME_OVERRIDES, *other_languages))
        home = staging / HOME_SRC_URI
        if home.exists():
            home.write_text(with_home_block(home.read_text(encoding="utf-8"), state.home_block),
                            encoding="utf-8")
        write_generated(state.site.pages, staging)
        for item in state.site.files:
            target = staging / item.src_uri
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(item.source, target)
        swap_into_place(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return len(state.site.pages)
