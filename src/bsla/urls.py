"""The one address scheme: where every generated file lives and the URL it is reached at.

Every source path (``src_uri``) of a resource page, listing, keyword page,
search record, export, citation file and cover, and every folder of the
engine's cache, is computed here and nowhere else. Published addresses must
keep working for as long as the library exists, so a change here is a change
to the site's public URLs: the end-to-end tests compare them.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

HOME_SRC_URI = "index.md"
RESOURCES_DIR = "resources"
SEARCH_SRC_URI = "search.md"
MATRIX_SRC_URI = "matrix.md"
TAGS_DIR = "tags"
COVER_FILE = "cover.png"
PLACEHOLDER_IMAGE = "assets/images/cover-placeholder.svg"
SEARCH_SCRIPT = "assets/javascripts/search.js"
# The Pagefind bundle's folder in the site, and its script the search page loads.
SEARCH_DIR = "pagefind"
PAGEFIND_SCRIPT = f"{SEARCH_DIR}/pagefind.js"
# Navigation files read by mkdocs-awesome-pages-plugin.
NAV_FILE = ".pages"

CATALOG_JSON = "catalog.json"
CATALOG_CSV = "catalog.csv"
CATALOG_SCHEMA = "catalog.schema.json"
RESOURCE_SCHEMA = "resource.schema.json"
FEED = "feed.xml"
# The OAI-PMH Static Repository (main language only: one record per resource).
OAI_XML = "oai.xml"
EXPORT_FILES = (CATALOG_JSON, CATALOG_CSV, CATALOG_SCHEMA, RESOURCE_SCHEMA, FEED)

# A tag page must never take the address of the tags index.
RESERVED_TAG_SLUGS = {"index"}


def resource_src_uri(resource_id: str) -> str:
    return f"{RESOURCES_DIR}/{resource_id}/index.md"


def resource_folder(resource_id: str) -> str:
    """The folder of a resource's page and files, as written in exports and feeds."""
    return f"{RESOURCES_DIR}/{resource_id}/"


def pdf_file_name(resource_id: str) -> str:
    return f"{resource_id}.pdf"


def pdf_src_uri(resource_id: str) -> str:
    return f"{RESOURCES_DIR}/{resource_id}/{pdf_file_name(resource_id)}"


def cover_src_uri(resource_id: str) -> str:
    return f"{RESOURCES_DIR}/{resource_id}/{COVER_FILE}"


def bibtex_src_uri(resource_id: str) -> str:
    return f"{RESOURCES_DIR}/{resource_id}/{resource_id}.bib"


def ris_src_uri(resource_id: str) -> str:
    return f"{RESOURCES_DIR}/{resource_id}/{resource_id}.ris"


def former_page_src_uri(old_id: str) -> str:
    """Where a renamed resource's old page stands as a redirect.

    An .html file is copied as-is, so it sits exactly where the old page was
    under both URL styles (/resources/old/ and /resources/old/index.html).
    """
    return f"{RESOURCES_DIR}/{old_id}/index.html"


def resources_index_src_uri() -> str:
    """``/resources/`` itself, which holds only the resources' folders."""
    return f"{RESOURCES_DIR}/index.html"


def listing_src_uri(collection_id: str, section_id: str | None = None) -> str:
    """A collection's listing, or one of its sections'."""
    if section_id is not None:
        return f"{collection_id}/{section_id}.md"
    return f"{collection_id}/index.md"


def page_src_uri(first_src_uri: str, number: int) -> str:
    """Source path of page ``number`` of a listing whose first page is ``first_src_uri``."""
    if number == 1:
        return first_src_uri
    if first_src_uri == "index.md" or first_src_uri.endswith("/index.md"):
        folder = first_src_uri[: -len("index.md")]
    else:
        folder = first_src_uri[: -len(".md")] + "/"
    return f"{folder}page-{number}.md"


# Every rebuild slugs every keyword of the catalog again (keyword pages, cards).
@functools.lru_cache(maxsize=1 << 16)
def tag_slug(tag: str) -> str:
    """A stable URL segment for a free keyword: accents folded, lowercase, hyphens."""
    folded = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if not slug:
        # Keywords in scripts with no ASCII letters still need a distinct address.
        slug = "tag-" + hashlib.sha256(tag.encode("utf-8")).hexdigest()[:10]
    if slug in RESERVED_TAG_SLUGS or re.fullmatch(r"page-\d+", slug):
        slug += "-tag"
    return slug


def tags_index_src_uri() -> str:
    return f"{TAGS_DIR}/index.md"


def tag_src_uri(tag: str) -> str:
    return f"{TAGS_DIR}/{tag_slug(tag)}.md"


def page_url(src_uri: str, use_directory_urls: bool) -> str:
    """The site-relative URL MkDocs gives a source file."""
    if not src_uri.endswith(".md"):
        return src_uri
    stem = src_uri[: -len(".md")]
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def output_path(src_uri: str, use_directory_urls: bool) -> str:
    """The file in the built site that serves ``src_uri``."""
    relative = page_url(src_uri, use_directory_urls)
    if relative.endswith("/") or not relative:
        relative += "index.html"
    return relative


def _relative_path(target: str, base: str) -> str:
    """``posixpath.relpath(target, base)`` for paths inside the site.

    Both are site-relative, normalised and without ``..`` (page_url makes them),
    so comparing the parts is enough; relpath itself makes both absolute first,
    asking the OS for the working directory each time (1 s of a 1,000-resource
    build, cProfile).
    """
    target_parts = [part for part in target.split("/") if part]
    base_parts = [part for part in base.split("/") if part]
    common = 0
    for mine, theirs in zip(target_parts, base_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(base_parts) - common) + target_parts[common:]) or "."


def link_base(from_src_uri: str, use_directory_urls: bool) -> str:
    """The folder relative links on the page ``from_src_uri`` start from."""
    origin = page_url(from_src_uri, use_directory_urls)
    return origin if origin == "" or origin.endswith("/") else posixpath.dirname(origin)


@functools.lru_cache(maxsize=1 << 16)
def url_between(from_src_uri: str, to_src_uri: str, use_directory_urls: bool) -> str:
    """Relative link from one page to another file, as MkDocs lays them out.

    Cached: listings and keyword pages ask for the same links thousands of
    times (1.4 s of a 1,000-resource build, cProfile).
    """
    target = page_url(to_src_uri, use_directory_urls)
    relative = _relative_path(target, link_base(from_src_uri, use_directory_urls))
    if (target == "" or target.endswith("/")) and not relative.endswith("/"):
        relative += "/"
    return relative


# The site's main language: its pages sit at the root, the others' under /<code>/.
DEFAULT_LANGUAGE = "en"


def language_prefix(lang: str) -> str:
    """The folder a language's site lives in, below the main site ('' for the main language)."""
    return "" if lang == DEFAULT_LANGUAGE else f"{lang}/"


@dataclass(frozen=True)
class SiteUrls:
    """Addresses in one language's site: its URL style and, when known, its public address.

    Without a public address, public URLs start at the server's root, where
    the main language's site is; the others' sites are in their own folders.
    """

    use_directory_urls: bool = True
    site_url: str | None = None
    lang: str = DEFAULT_LANGUAGE

    def __post_init__(self) -> None:
        if self.site_url:
            object.__setattr__(self, "site_url", self.site_url.rstrip("/") + "/")
        else:
            object.__setattr__(self, "site_url", None)

    def absolute(self, src_uri: str) -> str:
        """The public URL of a file: absolute with site_url, else from the site root."""
        return self.rooted(page_url(src_uri, self.use_directory_urls))

    def rooted(self, path: str) -> str:
        """A path in this language's site as a public URL (absolute with site_url)."""
        return (self.site_url or "/" + language_prefix(self.lang)) + path

    def main_rooted(self, path: str) -> str:
        """A path in the main language's site as a public URL (absolute with site_url)."""
        return self._main_root() + path

    def _main_root(self) -> str:
        if not self.site_url:
            return "/"
        # A language's site_url is the main one's plus the language's folder.
        own = language_prefix(self.lang)
        return self.site_url[: -len(own)] if own and self.site_url.endswith(own) \
            else self.site_url

    def between(self, from_src_uri: str, to_src_uri: str) -> str:
        return url_between(from_src_uri, to_src_uri, self.use_directory_urls)

    def href_from(self, from_src_uri: str):
        """A function giving relative links from the page ``from_src_uri`` to other files."""
        use_directory_urls = self.use_directory_urls

        def href(to_src_uri: str) -> str:
            return url_between(from_src_uri, to_src_uri, use_directory_urls)

        return href

    def in_language(self, src_uri: str, other: str) -> tuple[str, str | None, bool]:
        """Where the page ``src_uri`` of this language's site stands in the site in ``other``.

        A relative link from the page to its counterpart (the languages' sites
        sit side by side: the main one at the root, each other one in its own
        folder), the counterpart's absolute URL when the site's public address
        is known, and whether it is the same page (see ``counterpart``).
        """
        counterpart, same = self.counterpart(src_uri, self.lang, other)
        here = language_prefix(self.lang) + page_url(src_uri, self.use_directory_urls)
        there = language_prefix(other) + page_url(counterpart, self.use_directory_urls)
        base = here if here == "" or here.endswith("/") else posixpath.dirname(here)
        relative = _relative_path(there, base)
        if (there == "" or there.endswith("/")) and not relative.endswith("/"):
            relative += "/"
        absolute = self._main_root() + there if self.site_url else None
        return relative, absolute, same

    @staticmethod
    def counterpart(src_uri: str, lang: str, other: str) -> tuple[str, bool]:
        """The page of the site in ``other`` that matches ``src_uri``; and whether it is the same.

        Every page has the same address in every language, except keyword
        pages: keywords are translated, so a keyword page's counterpart is the
        other language's list of keywords.
        """
        if lang != other and src_uri.startswith(f"{TAGS_DIR}/") \
                and src_uri != tags_index_src_uri():
            return tags_index_src_uri(), False
        return src_uri, True

    def record_path(self, resource_id: str) -> str:
        """Where a resource's search record lies in a site laid out like ours."""
        return output_path(resource_src_uri(resource_id), self.use_directory_urls)


CACHE_DIR = ".cache/bsla"


@dataclass(frozen=True)
class CachePaths:
    """The engine's cache folders under a project root (kept between builds and runs).

    Folders that hold one language's output get the language as a suffix,
    except the main language's, which keep the names they always had.
    """

    root: Path
    lang: str = DEFAULT_LANGUAGE

    @property
    def base(self) -> Path:
        return self.root / CACHE_DIR

    def _per_language(self, name: str) -> Path:
        return self.base / (name if self.lang == DEFAULT_LANGUAGE else f"{name}-{self.lang}")

    @property
    def pdf(self) -> Path:
        """PDF facts by content hash."""
        return self.base / "pdf"

    @property
    def thumbs(self) -> Path:
        """Cover images by the PDF's content hash."""
        return self.base / "thumbs"

    @property
    def compiled_templates(self) -> Path:
        """Jinja's compiled templates (ours and the theme's), checked against their source."""
        return self.base / "templates"

    @property
    def pages(self) -> Path:
        """Generated pages as files MkDocs (and awesome-pages) can open."""
        return self._per_language("pages")

    @property
    def search_bundle(self) -> Path:
        """The last Pagefind bundle, reused by builds with the same records."""
        return self._per_language("search-bundle")

    @property
    def preview_search(self) -> Path:
        """A dev server's current search index, kept across its full rebuilds."""
        return self._per_language("search")

    @property
    def preview_search_work(self) -> Path:
        return self.preview_search / "work"
