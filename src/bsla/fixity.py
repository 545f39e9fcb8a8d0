"""Fixity: re-hash deposited PDFs, and their published copies, against a catalog.json.

A library that must last years needs to notice when a file silently changes
(bit rot, a bad copy, an accidental overwrite) or disappears: in the
repository, in the built site beside the catalog.json checked against, or on
the host serving the site (``verify --against URL``).
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urljoin, urlsplit

from bsla.errors import LibraryError, Problems

CATALOG_NAME = "catalog.json"
# A deployed copy is read in chunks with this much time for each network step.
NETWORK_TIMEOUT = 30.0


@dataclass(frozen=True)
class Finding:
    """One file that is not what the catalog says: which, where, and what is wrong."""

    relative: str  # the file as the catalog names it (repository path)
    where: str  # the path or address that was checked
    problem: str  # "changed", "missing" or "unreadable"
    detail: str = ""


@dataclass
class FixityReport:
    checked: int
    changed: list[str]
    missing: list[str]
    # Published copies: in the built site beside the catalog, or at the deployed address.
    published_where: str | None = None
    published_checked: int = 0
    published: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.changed and not self.missing and not self.published


def _hash_stream(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return _hash_stream(handle)


def is_url(text: str) -> bool:
    return urlsplit(text).scheme in {"http", "https"}


def _records(document: Any) -> list[dict[str, Any]]:
    records = document["resources"]
    if not isinstance(records, list):
        raise TypeError("resources is not a list")
    return [r for r in records if isinstance(r, dict)]


def _read_manifest(manifest: Path | str, problems: Problems) -> tuple[list[dict[str, Any]], str]:
    """The catalog's records, and the address they were read from (a URL or a path)."""
    where = str(manifest)
    try:
        if isinstance(manifest, str):
            where = manifest if manifest.endswith(".json") else urljoin(
                manifest if manifest.endswith("/") else manifest + "/", CATALOG_NAME)
            with urllib.request.urlopen(where, timeout=NETWORK_TIMEOUT) as response:
                text = response.read().decode("utf-8")
        else:
            text = manifest.read_text(encoding="utf-8")
        return _records(json.loads(text)), where
    except FileNotFoundError:
        problems.add(where, None, "the catalog export to verify against does not exist",
                     "build the site first (python build_site.py build) or pass --against FILE")
    except (urllib.error.URLError, OSError) as exc:
        problems.add(where, None, f"the published catalog could not be read ({exc})",
                     "check the address of the site and that the network is there")
    except (ValueError, KeyError, TypeError):
        problems.add(where, None, "this is not a catalog.json export",
                     "pass the catalog.json written by the build, or the site's address")
    raise LibraryError(problems.sorted())


def _with_pdf(records: Iterable[dict[str, Any]]) -> list[tuple[dict[str, Any], str, str]]:
    """(record, repository path, SHA-256) for every record whose PDF the catalog hashed."""
    result = []
    for record in records:
        facts, relative = record.get("pdf"), record.get("file")
        if isinstance(facts, dict) and isinstance(facts.get("sha256"), str) \
                and isinstance(relative, str) and relative:
            result.append((record, relative, facts["sha256"]))
    return result


def _check_repository(root: Path, entries: list[tuple[dict[str, Any], str, str]],
                      report: FixityReport) -> None:
    base = root.resolve()
    for _, relative, sha256 in entries:
        report.checked += 1
        path = (root / relative).resolve()
        if not path.is_relative_to(base) or not path.is_file() or path.is_symlink():
            report.missing.append(relative)
        elif _sha256(path) != sha256:
            report.changed.append(relative)


def _url_segments(url: str) -> list[str]:
    return [unquote(part) for part in urlsplit(url).path.split("/") if part]


def _site_depth(site: Path, records: list[dict[str, Any]]) -> int | None:
    """How many leading segments of the catalog's addresses name the site's base, not a file.

    Addresses are absolute when the site was built with SITE_URL
    (``https://host/library/resources/x/``) and from the site root otherwise:
    the depth at which most resource pages are found in ``site`` decides.
    None when ``site`` holds no page of the catalog at all (not a built site).
    """
    pages = [_url_segments(r["page_url"]) for r in records if isinstance(r.get("page_url"), str)]
    best, best_hits = None, 0
    for depth in range(max((len(p) for p in pages), default=0)):
        hits = sum(1 for p in pages if len(p) > depth and (
            (site.joinpath(*p[depth:]) / "index.html").is_file()
            or site.joinpath(*p[depth:]).is_file()))
        if hits > best_hits:
            best, best_hits = depth, hits
    return best


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _check_site_copies(root: Path, site: Path, records: list[dict[str, Any]],
                       entries: list[tuple[dict[str, Any], str, str]],
                       report: FixityReport) -> None:
    depth = _site_depth(site, records)
    if depth is None:
        return
    report.published_where = _shown(site, root)
    base = site.resolve()
    for record, relative, sha256 in entries:
        url = record.get("pdf_url")
        if not isinstance(url, str):
            continue
        report.published_checked += 1
        segments = _url_segments(url)[depth:]
        copy = site.joinpath(*segments) if segments else site
        resolved = copy.resolve()
        if not resolved.is_relative_to(base) or not resolved.is_file():
            report.published.append(Finding(relative, _shown(copy, root), "missing"))
        elif _sha256(resolved) != sha256:
            report.published.append(Finding(relative, _shown(copy, root), "changed"))


def _check_deployed_copies(catalog_url: str, entries: list[tuple[dict[str, Any], str, str]],
                           report: FixityReport) -> None:
    report.published_where = catalog_url
    for record, relative, sha256 in entries:
        url = record.get("pdf_url")
        if not isinstance(url, str):
            continue
        report.published_checked += 1
        address = urljoin(catalog_url, url)
        try:
            with urllib.request.urlopen(address, timeout=NETWORK_TIMEOUT) as response:
                digest = _hash_stream(response)
        except urllib.error.HTTPError as exc:
            problem = "missing" if exc.code in {404, 410} else "unreadable"
            report.published.append(Finding(relative, address, problem, f"HTTP {exc.code}"))
            continue
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            report.published.append(Finding(relative, address, "unreadable", str(reason)))
            continue
        if digest != sha256:
            report.published.append(Finding(relative, address, "changed"))


def verify(root: Path, manifest: Path | str) -> FixityReport:
    """Compare every file recorded in ``manifest`` with the repository and the published copies.

    ``manifest`` is a catalog.json path (the published copies checked are the
    ones in the built site around it, if it sits in one) or the address of a
    deployed site or its catalog.json (the copies checked are the deployed ones).
    """
    problems = Problems(root)
    records, where = _read_manifest(manifest, problems)
    entries = _with_pdf(records)
    report = FixityReport(0, [], [])
    _check_repository(root, entries, report)
    if isinstance(manifest, str):
        _check_deployed_copies(where, entries, report)
    else:
        _check_site_copies(root, manifest.parent, records, entries, report)
    return report


_PUBLISHED_PROBLEM = {
    "changed": "changed since the catalog was published (its SHA-256 differs)",
    "missing": "is missing",
    "unreadable": "could not be read",
}


def report_lines(report: FixityReport) -> tuple[bool, list[str]]:
    """What ``verify`` prints: whether all is well, and one line per finding plus a summary."""
    lines = [f"{relative}: the file changed since the catalog was published "
             "(its SHA-256 differs)" for relative in report.changed]
    lines += [f"{relative}: the file has vanished since the catalog was published"
              for relative in report.missing]
    for finding in report.published:
        detail = f" ({finding.detail})" if finding.detail else ""
        lines.append(f"{finding.where}: the published copy of {finding.relative} "
                     f"{_PUBLISHED_PROBLEM[finding.problem]}{detail}")
    if report.published_where is None:
        published = "no built site beside the catalog, so no published copy was checked"
    elif report.ok:
        published = f"so do the {report.published_checked} published copies in " \
                    f"{report.published_where}"
    else:
        published = f"{len(report.published)} of the {report.published_checked} published " \
                    f"copies in {report.published_where} differ, are missing or unreadable"
    if report.ok:
        lines.append(f"OK: {report.checked} files match their published SHA-256; {published}.")
        return True, lines
    lines.append(f"{len(report.changed)} changed, {len(report.missing)} missing of "
                 f"{report.checked} files; {published}.")
    return False, lines
