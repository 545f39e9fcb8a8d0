"""``package --wacz FILE``: the built site as a WACZ web archive, replayable with no server of ours.

Every file of the built site (pages, assets, PDFs, covers, the search index, the
Spanish site) becomes a WARC response record (``warcio``) at the address it has on
the host: the site's public address (SITE_URL) followed by its path, with a
folder's ``index.html`` recorded at the folder's address, as a static host serves
it. A pages list (``pages/pages.jsonl``) gives every HTML page's title and text, so
ReplayWeb.page lists the pages and searches their text. The ``wacz`` package
writes the WACZ from the WARC and the list (indexes, datapackage.json with the
hash of every file); every time in it is then set to the build's (it stamps the
current one), so one site packaged twice gives the same bytes, and it is
validated before it is moved into place.

The site's address is required: an archive is a copy of a site at its address,
and there is no honest default. The site must have been built with the same
address (its catalog.json says which), or its absolute links would lead elsewhere.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import mimetypes
import os
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from wacz.main import main as wacz_main
from wacz.validate import Validation
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bsla.catalog import load_catalog
from bsla.clock import build_time, pin_build_time
from bsla.labels import load_labels
from bsla.package.source import refuse, render_text
from bsla.urls import CATALOG_JSON, CachePaths

WARC_NAME = "library.warc.gz"
PAGES_NAME = "pages.jsonl"
INDEX_FILE = "index.html"
# Fixed types for what the site serves (Python's own table, never the machine's
# /etc/mime.types, so two machines write the same archive).
_TYPES = mimetypes.MimeTypes(filenames=())
_EXTRA_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
                ".json": "application/json", ".xml": "application/xml", ".svg": "image/svg+xml",
                ".woff2": "font/woff2", ".woff": "font/woff", ".webmanifest":
                "application/manifest+json", ".bib": "application/x-bibtex",
                ".ris": "application/x-research-info-systems", ".csv": "text/csv",
                ".map": "application/json", ".md": "text/markdown"}
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/manifest+json",
              "image/svg+xml", "application/x-bibtex", "application/x-research-info-systems")
MISSING_ADDRESS_HINT = (
    "give the address the site is published at, e.g. --site-url https://library.example.org/ "
    "or SITE_URL=https://library.example.org/, and build the site with the same address")


@dataclass(frozen=True)
class ArchiveReport:
    path: Path
    records: int
    pages: int
    bytes: int


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    kind = _EXTRA_TYPES.get(suffix) or _TYPES.guess_type(path.name, strict=False)[0] \
        or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith(TEXT_TYPES) else kind


def site_address(site_url: str | None) -> str:
    if not site_url:
        raise refuse("--site-url", "the site's public address is not set: a web archive "
                     "records every page at its address, so it needs it", MISSING_ADDRESS_HINT)
    if not site_url.startswith(("https://", "http://")):
        raise refuse("--site-url", f"'{site_url}' is not an http(s) address",
                     MISSING_ADDRESS_HINT)
    return site_url.rstrip("/") + "/"


def check_site(site_dir: Path, site_url: str) -> None:
    """Refuse a missing site, or one built for another address (its catalog.json says)."""
    if not (site_dir / INDEX_FILE).is_file():
        raise refuse(site_dir, "holds no built site (no index.html)",
                     "build it first with the public address: SITE_URL=" + site_url
                     + " python build_site.py build")
    try:
        catalog = json.loads((site_dir / CATALOG_JSON).read_text(encoding="utf-8"))
        page_urls = [r.get("page_url") or "" for r in catalog.get("resources", [])]
    except (OSError, ValueError, AttributeError):
        raise refuse(site_dir / CATALOG_JSON, "cannot be read as the site's catalog",
                     "rebuild the site with python build_site.py build") from None
    wrong = next((u for u in page_urls if not u.startswith(site_url)), None)
    if wrong is not None:
        raise refuse(site_dir, f"was built for another address (a page is at '{wrong}', not "
                     f"under {site_url})", "rebuild it with the same address: SITE_URL="
                     + site_url + " python build_site.py build")


def site_files(site_dir: Path) -> list[tuple[str, Path]]:
    """(address path, file) for every file of the site, in a stable order."""
    entries = []
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        relative = path.relative_to(site_dir).as_posix()
        if path.name == INDEX_FILE:
            relative = relative[: -len(INDEX_FILE)]  # /dir/ is how the host serves it
        entries.append((relative, path))
    return entries


class _PageText(HTMLParser):
    """A page's <title> and the visible text of its <article> (else of its <body>)."""

    SKIP = frozenset({"script", "style", "noscript", "template", "svg"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.article: list[str] = []
        self.body: list[str] = []
        self._stack: list[str] = []
        self._skipping = 0
        self._in_article = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        elif tag == "article":
            self._in_article += 1
        self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1
        elif tag == "article" and self._in_article:
            self._in_article -= 1
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if "title" in self._stack and not self._skipping:
            self.title.append(data)
        elif not self._skipping:
            (self.article if self._in_article else self.body).append(data)

    def result(self) -> tuple[str, str]:
        text = self.article or self.body
        return " ".join("".join(self.title).split()), " ".join(" ".join(text).split())


def page_entry(url: str, path: Path, ts: str) -> dict[str, str]:
    parser = _PageText()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    title, text = parser.result()
    return {"id": uuid.uuid5(uuid.NAMESPACE_URL, url).hex, "url": url, "ts": ts,
            "title": title or url, "text": text}


def write_warc(site_dir: Path, site_url: str, warc_path: Path,
               moment: dt.datetime) -> tuple[int, list[dict]]:
    """One response record per file, dated ``moment``; the count and the HTML pages' entries."""
    warc_date = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    pages = []
    count = 0
    with warc_path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for relative, path in site_files(site_dir):
            url = site_url + relative
            kind = content_type(path)
            size = path.stat().st_size
            http = StatusAndHeaders("200 OK", [("Content-Type", kind),
                                               ("Content-Length", str(size))],
                                    protocol="HTTP/1.1")
            # Ids from the address, so the same site gives the same records.
            headers = {"WARC-Record-ID": f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}>",
                       "WARC-Date": warc_date}
            with path.open("rb") as payload:
                writer.write_record(writer.create_warc_record(
                    url, "response", payload=payload, length=size, http_headers=http,
                    warc_headers_dict=headers))
            count += 1
            if kind.startswith("text/html") and path.name != "404.html":
                pages.append(page_entry(url, path, warc_date))
    return count, pages


def _run_wacz(args: list[str]) -> tuple[int, str]:
    """The wacz package's own command, in this process, its chatter kept for errors."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        code = wacz_main(args)
    return code or 0, output.getvalue()


# The earliest time a zip entry can carry.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# Entries hold files, readable by all: not whatever the packaging machine's umask gave.
_ENTRY_MODE = 0o100644 << 16
# The system a zip entry says made it: Unix on every machine (zipfile writes 0 on
# Windows, and ignores the mode there), so the bytes do not depend on where we ran.
_UNIX = 3
DATAPACKAGE = "datapackage.json"
DATAPACKAGE_DIGEST = "datapackage-digest.json"


def pin_archive_times(path: Path, moment: dt.datetime) -> None:
    """Rewrite the WACZ at ``path`` with every time in it set to ``moment``.

    The wacz package stamps the time it runs on each zip entry and as
    datapackage.json's ``created`` (whose hash datapackage-digest.json holds).
    The build time (SOURCE_DATE_EPOCH, see bsla/clock.py) goes in their place.
    """
    created = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    date_time = max(tuple(moment.timetuple()[:6]), _ZIP_EPOCH)
    pinned = path.with_name(f".{path.name}.pinned")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(pinned, "w") as target:
        package = json.loads(source.read(DATAPACKAGE))
        package["created"] = created
        package_bytes = json.dumps(package, indent=2).encode("utf-8")
        digest = json.loads(source.read(DATAPACKAGE_DIGEST))
        digest["hash"] = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
        rewritten = {DATAPACKAGE: package_bytes,
                     DATAPACKAGE_DIGEST: json.dumps(digest, indent=2).encode("utf-8")}
        for entry in source.infolist():
            copy = zipfile.ZipInfo(entry.filename, date_time)
            copy.compress_type = entry.compress_type
            copy.external_attr = _ENTRY_MODE
            copy.create_system = _UNIX
            if entry.filename in rewritten:
                target.writestr(copy, rewritten[entry.filename])
                continue
            with source.open(entry) as data, target.open(
                    copy, "w", force_zip64=entry.file_size >= zipfile.ZIP64_LIMIT) as out:
                shutil.copyfileobj(data, out, 1 << 20)
    os.replace(pinned, path)


def validate_wacz(path: Path) -> tuple[bool, str]:
    """The wacz package's validation (datapackage and its digest, paths, every file's hash)."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        check = Validation(str(path))
        ok = check.version is not None and all(step() is not False for step in (
            check.check_required_contents, check.frictionless_validate,
            check.check_file_paths, check.check_file_hashes,
            # pin_archive_times writes the digest again; an unsigned one is only compared.
            check.check_data_package_hash_and_sig))
    return ok, output.getvalue()


def pages_document(pages: list[dict], title: str) -> Iterator[str]:
    yield json.dumps({"format": "json-pages-1.0", "id": "pages", "title": title,
                      "hasText": True}, ensure_ascii=False) + "\n"
    for page in pages:
        yield json.dumps(page, ensure_ascii=False) + "\n"


def archive_title(root: Path) -> tuple[str, str]:
    """The archive's title and description, from the labels and the catalog."""
    catalog = load_catalog(root, cache_dir=CachePaths(root).pdf)
    title = load_labels(root)["site_title"]["en"]
    return title, " ".join(render_text("bag-description.txt.j2", site_title=title,
                                       catalog=catalog).split())


def write_wacz(root: Path, site_dir: Path, target: Path, *,
               site_url: str | None) -> ArchiveReport:
    """Write the WACZ beside ``target``, validate it, then rename it into place."""
    site_url = site_address(site_url)
    site_dir = site_dir.resolve()
    check_site(site_dir, site_url)
    title, description = archive_title(root)
    target = target.resolve()
    if target.is_dir():
        raise refuse(target, "is a folder", "give the name of the .wacz file to write")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{target.name}.", dir=target.parent) as work:
        work_dir = Path(work)
        warc = work_dir / WARC_NAME
        pin_build_time(root)  # as a build does: the last commit's time, unless set
        moment = build_time()
        records, pages = write_warc(site_dir, site_url, warc, moment)
        pages_file = work_dir / PAGES_NAME
        pages_file.write_text("".join(pages_document(pages, title)), encoding="utf-8")
        partial = work_dir / target.name
        code, output = _run_wacz(["create", "-o", str(partial), "--copy-pages", "-p",
                                  str(pages_file), "--url", site_url, "--title", title,
                                  "--desc", description, str(warc)])
        if code != 0:
            raise refuse(target, "the wacz package could not write the archive",
                         " ".join(output.split())[-500:])
        pin_archive_times(partial, moment)
        ok, output = validate_wacz(partial)
        if not ok:
            raise refuse(target, "the written archive failed the WACZ validation",
                         " ".join(output.split())[-500:])
        size = partial.stat().st_size
        os.replace(partial, target)
    return ArchiveReport(target, records, len(pages), size)

