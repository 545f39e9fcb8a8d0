"""How the engine's pages and files join MkDocs' file collection.

Generated pages are written under the engine's cache folder and added as
``File.generated(abs_src_path=...)``: MkDocs and mkdocs-awesome-pages-plugin
can open them like any page, and nothing generated is written into docs/.

Covers, citation and export files are the engine's own, kept in its cache
folder and only ever replaced whole there (``os.replace``), never rewritten in
place: a site linked to one keeps what it was built with. So they reach the
site as hard links, not copies; at 1,000 resources (bench/ catalog, this
machine) copying those 3,000 files took 0.76 s against 0.14 s for links.
Contributors' PDFs are still copied by MkDocs: an editor may overwrite one in
place, and a link would change the built site with it. (Linking an unchanged
PDF from the site being replaced was tried and measured no faster than
copying these 50 KB files.)
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_date

from bsla.fs import link_or_copy, write_generated
from bsla.generated import GeneratedPage, RenderedSite


class CacheLinkedFile(File):
    """A file from the engine's cache folder, hard-linked into the site."""

    def is_modified(self) -> bool:
        """MkDocs' answer, from one look at the output instead of two.

        A preview rebuild asks this of every generated file, pages twice
        (reading, then writing): 62,000 times at 10,000 resources, and MkDocs
        asks ``isfile`` and then the time of the same output file.
        """
        if getattr(self, "_content", None) is not None or self.abs_src_path is None:
            return super().is_modified()
        try:
            output = os.stat(self.abs_dest_path)
        except OSError:
            return True
        if not stat.S_ISREG(output.st_mode):
            return True
        return output.st_mtime < os.path.getmtime(self.abs_src_path)

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        assert self.abs_src_path is not None
        output = self.abs_dest_path
        os.makedirs(os.path.dirname(output), exist_ok=True)
        link_or_copy(self.abs_src_path, output)


class PathIndexedFiles(Files):
    """MkDocs' file collection, with ``src_paths`` built once per change instead of per read.

    mkdocs-awesome-pages-plugin reads ``files.src_paths`` once for each folder
    of the navigation, and MkDocs builds that mapping from every file on each
    read. With a folder per paginated keyword, that was 27 s of every build
    and preview rebuild at 10,000 resources (cProfile: 310 reads of 41,000
    files), growing with the square of the catalog. ``append`` and ``remove``
    are the public ways to change the collection, so they drop the mapping.
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


class KeptFiles:
    """The engine's ``File`` objects of the previous build of one language, made again only when
    something about them changed.

    A preview rebuild at 1,000 resources made 5,400 ``File`` objects per language
    (1.3 s of a rebuild, cProfile on a loaded machine): paths and URLs worked
    out again for files that had not moved. A ``File`` is only its source, its
    destination and its URL, all fixed by the arguments kept in the key (the
    page MkDocs attaches is replaced by every build), so the same object serves
    the next build.
    """

    def __init__(self) -> None:
        self._kept: dict[tuple[object, ...], File] = {}
        self._used: dict[tuple[object, ...], File] = {}
        # What a Page takes from the configuration when it is made (Page.__init__).
        self._page_inputs: tuple[object, ...] | None = None
        self._keep_pages = False

    def begin_build(self, config: MkDocsConfig) -> None:
        page_inputs = (config.site_url, config.repo_url, config.edit_uri,
                       config.edit_uri_template, get_build_date())
        self._keep_pages = page_inputs == self._page_inputs
        self._page_inputs = page_inputs

    def get(self, kind: type[File], config: MkDocsConfig, src_uri: str, abs_src_path: str,
            inclusion: InclusionLevel = InclusionLevel.UNDEFINED) -> File:
        """The kept ``File`` for these arguments, or a new one.

        A page outside the navigation keeps its ``Page`` too: MkDocs makes one
        for each such file that has none, 0.3 s for 1,400 pages per rebuild
        (cProfile, 1,000 resources), and all it computes from the configuration
        (canonical and edit URLs, build date) is checked unchanged by
        ``begin_build``. What a page read or rendered is cleared, as in a new one.
        Pages in the navigation are always made again by MkDocs.
        """
        key = (kind, src_uri, abs_src_path, inclusion, config.site_dir, config.use_directory_urls)
        file = self._kept.get(key)
        if file is None:
            file = kind.generated(config, src_uri, abs_src_path=abs_src_path, inclusion=inclusion)
        elif (self._keep_pages and inclusion is InclusionLevel.NOT_IN_NAV
              and isinstance(file.page, Page)):
            _as_new(file.page)
        else:
            file.page = None
        self._used[key] = file
        return file

    def end_build(self) -> None:
        """Keep what this build used (and only that) for the next one."""
        self._kept, self._used = self._used, {}


def _as_new(page: Page) -> None:
    """Clear what a build read or set on ``page``, as ``Page.__init__`` leaves it."""
    page.children = None
    page.previous_page = None
    page.next_page = None
    page.active = False
    page.markdown = None
    page._title_from_render = None
    page.content = None
    page.toc = []  # type: ignore[assignment]
    page.meta = {}
    # Set by rendering or by the navigation; a new page has the class defaults.
    for name in ("present_anchor_ids", "links_to_anchors", "parent"):
        vars(page).pop(name, None)


def add_engine_files(files: Files, config: MkDocsConfig, site: RenderedSite, *,
                     pages_dir: Path, cache_dir: Path,
                     kept: KeptFiles | None = None) -> tuple[PathIndexedFiles, set[str]]:
    """MkDocs' files with the engine's pages and files added; and the generated pages' paths."""
    kept = kept if kept is not None else KeptFiles()
    kept.begin_build(config)
    files = PathIndexedFiles(files)
    generated: set[str] = set()
    for page, path in write_generated(site.pages, pages_dir):
        # Generated source paths are already POSIX, which get_file_from_path
        # makes them again through pathlib (0.1 s per rebuild at 1,000, cProfile).
        existing = files.src_uris.get(page.src_uri)
        if existing is not None:
            files.remove(existing)
        # Out-of-nav pages never reach the nav plugins: awesome-pages reads every
        # folder of the nav tree, which cost O(N²) with one folder per resource.
        inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
        files.append(kept.get(CacheLinkedFile, config, page.src_uri, path, inclusion))
        generated.add(page.src_uri)
    cache_prefix = os.path.join(os.fspath(cache_dir), "")
    for copied in site.files:
        source = os.fspath(copied.source)
        kind = CacheLinkedFile if source.startswith(cache_prefix) else File
        files.append(kept.get(kind, config, copied.src_uri, source))
    kept.end_build()
    return files, generated


def add_shared_assets(files: Files, config: MkDocsConfig, docs_dir: Path, folder: str) -> None:
    """The main site's ``docs/<folder>`` (styles, scripts, images) in another language's site.

    That site's own docs folder holds only its hand-written pages; each site
    gets its own copy of the assets, so it works on its own, like the main one.
    """
    source = docs_dir / folder
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.is_symlink():
            src_uri = path.relative_to(docs_dir).as_posix()
            if files.get_file_from_path(src_uri) is None:
                files.append(File.generated(config, src_uri, abs_src_path=str(path)))


def add_untranslated_pages(files: Files, config: MkDocsConfig, pages: Mapping[str, str],
                           pages_dir: Path, rewrite: Callable[[str], str]) -> None:
    """The main language's hand-written ``pages`` (source path -> file), rewritten for a
    site in another language that has no text of its own for them."""
    generated = [GeneratedPage(uri, rewrite(Path(path).read_text(encoding="utf-8")))
                 for uri, path in pages.items()]
    for page, path in write_generated(generated, pages_dir):
        files.append(File.generated(config, page.src_uri, abs_src_path=path))
