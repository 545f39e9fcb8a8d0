"""Link integrity: internal links of the built site, and (opt-in) external links.

Generated pages are raw HTML inside Markdown, which MkDocs' own link
validation does not look into, so after every build the site's HTML is checked
here: every relative link must name an existing file and every #anchor an
existing id, and every resource page must be linked from some other page.
External links are only checked on request (``build_site.py linkcheck``): the
network is slow and flaky, and a build must not depend on it.
"""

from __future__ import annotations

import concurrent.futures
import os
import posixpath
import re
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

from bsla.catalog import Catalog
from bsla.errors import Problems
from bsla.urls import RESOURCES_DIR

LINK_RE = re.compile(r'<(?:a|link|img|script|source)\b[^>]*?\s(?:href|src)="([^"]*)"', re.I)
SKIP_SCHEMES = ("http:", "https:", "mailto:", "data:", "javascript:", "tel:")
MARKDOWN_LINK_RE = re.compile(r"\]\((https?://[^)\s]+)\)")


def _site_tree(site: Path) -> tuple[set[str], set[str]]:
    """(files, folders) of the built site as posix paths relative to it ('' is the root)."""
    files: set[str] = set()
    folders: set[str] = set()
    for current, _, names in os.walk(site):
        relative = os.path.relpath(current, site).replace(os.sep, "/")
        relative = "" if relative == "." else relative
        folders.add(relative)
        files.update(posixpath.join(relative, name) for name in names)
    return files, folders


def _target(folder: str, path: str, base_path: str, folders: set[str]) -> str | None:
    """The site file a link's (unquoted, non-empty) path names from a page in ``folder``,
    relative to the site; None if outside it."""
    if path.startswith("/"):
        # Root-relative links (MkDocs' 404 page uses them) start with the site's mount path.
        if not path.startswith(base_path):
            return None
        candidate = path[len(base_path):]
    else:
        candidate = posixpath.join(folder, path)
    candidate = posixpath.normpath(candidate) if candidate else ""
    if candidate == ".":
        candidate = ""
    if candidate == ".." or candidate.startswith("../"):
        return None
    if path.endswith("/") or candidate in folders:
        candidate = posixpath.join(candidate, "index.html")
    return candidate


def _climbed(folder: str, path: str) -> tuple[str, str] | None:
    """(folder, path) naming the same file, with the path's leading ./ and ../ steps
    taken; None when they climb out of the site.

    Each resource page has a folder of its own, so the links every page carries
    (navigation, theme files) were resolved again for each of them: 100,000
    resolutions at 1,000 resources in two languages. Climbed, they share a key.
    """
    parts = folder.split("/") if folder else []
    while True:
        if path.startswith("./"):
            path = path[2:].lstrip("/")
        elif path.startswith("../"):
            if not parts:
                return None
            parts.pop()
            path = path[3:].lstrip("/")
        else:
            break
    # A path of nothing but steps names the folder it climbed to.
    return "/".join(parts), path or "./"


def page_ids(text: str) -> set[str]:
    """The ids of a page: what the expression ``\\sid="([^"]+)"`` finds in it.

    That expression tries every whitespace character of the page; looking for
    'id="' first takes a sixth of the time (0.1 s instead of 0.6 s for the
    76 MB of HTML of 1,000 resources in two languages).
    """
    ids: set[str] = set()
    start = text.find(_ID_ATTRIBUTE, 1)
    while start >= 0:
        value = _ID_VALUE.match(text, start + len(_ID_ATTRIBUTE)) \
            if text[start - 1].isspace() else None
        if value is None:
            start = text.find(_ID_ATTRIBUTE, start + 1)
        else:
            ids.add(value.group(1))
            # As with the expression, the next match starts after this one's closing quote.
            start = text.find(_ID_ATTRIBUTE, value.end() + 1)
    return ids


_ID_ATTRIBUTE = 'id="'
_ID_VALUE = re.compile(r'([^"]+)"')


def _parsed(raw: str) -> tuple[str, str, str] | None:
    """(the link as written, its unquoted path, its fragment); None for links that leave the
    site. An empty path names the page the link is on."""
    link = raw.replace("&amp;", "&")
    if not link or link.lower().startswith(SKIP_SCHEMES) or link.startswith("//"):
        return None
    url, fragment = urldefrag(link)
    return link, unquote(urlsplit(url).path) if url else "", fragment


def check_site_links(site: Path, *, resources_dir: str = RESOURCES_DIR,
                     site_url: str | None = None) -> Problems:
    """Broken internal links, missing anchors and unlinked resource pages in a built site.

    Paths are compared as strings against one walk of the site: the built site
    is ours (no links), and resolving each of 50,000 links on disk took 15 s of a
    1,000-resource build (bench/, cProfile). Pages are read one at a time, and
    a page that other pages link into by #anchor is read once more at the end:
    holding every page's text took 180 MB at 1,000 resources in two languages
    (76 MB of HTML), more than the rest of the build's end. Each distinct link
    text is parsed once, and each (folder, path) resolved once (``_climbed``).
    """
    site = site.resolve()
    base_path = urlsplit(site_url or "/").path or "/"
    base_path = base_path if base_path.endswith("/") else base_path + "/"
    problems = Problems(site)
    files, folders = _site_tree(site)
    pages = sorted(name for name in files if name.endswith(".html"))
    parsed: dict[str, tuple[str, str, str] | None] = {}
    targets: dict[tuple[str, str], str | None] = {}
    linked_from: dict[str, set[str]] = defaultdict(set)
    redirects: set[str] = set()
    # Anchors in other pages, checked once every page has been read: (page, fragment, link).
    anchors_in: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for page in pages:
        text = _page_text(site, page)
        if _REDIRECT in text:
            redirects.add(page)  # redirect stubs only point onwards
        own_ids: set[str] | None = None
        folder = posixpath.dirname(page)
        for raw in LINK_RE.findall(text):
            if raw not in parsed:
                parsed[raw] = _parsed(raw)
            link_parts = parsed[raw]
            if link_parts is None:
                continue
            link, path, fragment = link_parts
            target = _resolved(folder, path, page, base_path, folders, targets)
            if target is None or target not in files:
                problems.add(page, None, f"links to '{link}', which is not in the site",
                             "fix the link in the page's source (template or Markdown)",
                             code="broken-link")
                continue
            if target != page:
                linked_from[target].add(page)
            if not fragment or not target.endswith(".html"):
                continue
            if target != page:
                anchors_in[target].append((page, fragment, link))
                continue
            if own_ids is None:
                own_ids = page_ids(text)
            if fragment not in own_ids:
                _missing_anchor(problems, page, fragment, link)
    for target, wanted in anchors_in.items():
        ids = page_ids(_page_text(site, target))
        for page, fragment, link in wanted:
            if fragment not in ids:
                _missing_anchor(problems, page, fragment, link)
    for page in pages:
        if page.startswith(f"{resources_dir}/") and page.endswith("/index.html") \
                and page not in redirects and not linked_from[page]:
            problems.add(page, None, "no page of the site links to this resource page",
                         "list the resource on its section page (check the listing template)",
                         code="orphan-page")
    return problems


def _resolved(folder: str, path: str, page: str, base_path: str, folders: set[str],
              known: dict[tuple[str, str], str | None]) -> str | None:
    """The site file ``path`` names from ``page`` (in ``folder``), through ``known``."""
    if not path:
        return page
    # Root-relative paths name one file from every folder.
    key = ("", path) if path.startswith("/") else _climbed(folder, path)
    if key is None:
        return None
    if key not in known:
        known[key] = _target(*key, base_path, folders)
    return known[key]


_REDIRECT = 'http-equiv="refresh"'


def _page_text(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8", errors="replace")


def _missing_anchor(problems: Problems, page: str, fragment: str, link: str) -> None:
    problems.add(page, None, f"links to '#{fragment}' in '{link or page}', "
                 "but that anchor does not exist",
                 "fix the anchor or the heading it refers to", code="broken-anchor")


@dataclass(frozen=True)
class LinkResult:
    url: str
    sources: tuple[str, ...]
    ok: bool
    detail: str


def external_links(catalog: Catalog) -> dict[str, list[str]]:
    """Every external URL in the metadata, with the files that mention it."""
    found: dict[str, list[str]] = defaultdict(list)
    for r in catalog.resources:
        source = r.source.relative_to(catalog.root).as_posix()
        if r.url:
            found[r.url].append(f"{source}:{r.doc.line_of('url')}")
        for url in MARKDOWN_LINK_RE.findall(r.summary):
            found[url].append(f"{source}:{r.doc.line_of('summary')}")
    return dict(found)


def _probe(url: str, timeout: float) -> tuple[bool, str]:
    headers = {"User-Agent": "bsla-library-linkcheck/1.0"}
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return True, f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            # Some servers refuse HEAD; only a GET answer counts as final.
            if method == "HEAD" and error.code in (403, 405, 501):
                continue
            return False, f"HTTP {error.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            return False, f"no answer ({reason})"
    return False, "no answer"


def check_external(catalog: Catalog, *, timeout: float = 10.0, total: float = 120.0,
                   workers: int = 8) -> list[LinkResult]:
    """Probe each external URL once, in parallel, within an overall time budget."""
    links = external_links(catalog)
    results: list[LinkResult] = []
    deadline = time.monotonic() + total
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(_probe, url, timeout): url for url in sorted(links)}
        try:
            for future in concurrent.futures.as_completed(
                    futures, timeout=max(0.0, deadline - time.monotonic())):
                url = futures[future]
                ok, detail = future.result()
                results.append(LinkResult(url, tuple(links[url]), ok, detail))
        except concurrent.futures.TimeoutError:
            for future, url in futures.items():
                if not future.done():
                    future.cancel()
                    results.append(LinkResult(url, tuple(links[url]), False,
                                              f"not checked within the {total:g} s budget"))
    return sorted(results, key=lambda r: r.url)
