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

LINK_RE = re.compile(r'<(?:a|link|img|script|source)\b[^>]*?\s(?:href|src)="([^"]*)"', re.I)
ID_RE = re.compile(r'\sid="([^"]+)"')
SKIP_SCHEMES = ("http:", "https:", "mailto:", "data:", "javascript:", "tel:")
MARKDOWN_LINK_RE = re.compile(r"\]\((https?://[^)\s]+)\)")


def _target_file(page: Path, link: str, site: Path, base_path: str) -> Path | None:
    path = unquote(urlsplit(link).path)
    if path.startswith("/"):
        # Root-relative links (MkDocs' 404 page uses them) start with the site's mount path.
        if not path.startswith(base_path):
            return None
        candidate = site / path[len(base_path):]
    else:
        candidate = page.parent / path if path else page
    if path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    try:
        candidate = candidate.resolve()
    except OSError:
        return None
    return candidate


def check_site_links(site: Path, *, resources_dir: str = "resources",
                     site_url: str | None = None) -> Problems:
    """Broken internal links, missing anchors and unlinked resource pages in a built site."""
    site = site.resolve()
    base_path = urlsplit(site_url or "/").path or "/"
    base_path = base_path if base_path.endswith("/") else base_path + "/"
    problems = Problems(site)
    pages = sorted(site.rglob("*.html"))
    ids: dict[Path, set[str]] = {}
    texts: dict[Path, str] = {}
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        texts[page.resolve()] = text
        ids[page.resolve()] = set(ID_RE.findall(text))
    linked_from: dict[Path, set[Path]] = defaultdict(set)
    for page, text in texts.items():
        if "http-equiv=\"refresh\"" in text:
            linked_from[page]  # redirect stubs only point onwards
        for raw in LINK_RE.findall(text):
            link = raw.replace("&amp;", "&")
            if not link or link.lower().startswith(SKIP_SCHEMES) or link.startswith("//"):
                continue
            url, fragment = urldefrag(link)
            target = _target_file(page, url, site, base_path) if url else page
            shown = page.relative_to(site).as_posix()
            if target is None or not target.is_file():
                problems.add(shown, None, f"links to '{link}', which is not in the site",
                             "fix the link in the page's source (template or Markdown)",
                             code="broken-link")
                continue
            if target != page:
                linked_from[target].add(page)
            if fragment and target.suffix == ".html" and fragment not in ids.get(target, set()):
                problems.add(shown, None, f"links to '#{fragment}' in '{link or shown}', "
                             "but that anchor does not exist",
                             "fix the anchor or the heading it refers to", code="broken-anchor")
    for page in texts:
        relative = page.relative_to(site).as_posix()
        if relative.startswith(f"{resources_dir}/") and relative.endswith("/index.html") \
                and "http-equiv=\"refresh\"" not in texts[page] and not linked_from[page]:
            problems.add(relative, None, "no page of the site links to this resource page",
                         "list the resource on its section page (check the listing template)",
                         code="orphan-page")
    return problems


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
