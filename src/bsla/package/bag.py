"""``package --bag DIR``: the whole library as a BagIt bag (RFC 8493) for a repository deposit.

The payload (``data/``) holds the library's sources as editors keep them (every
resource's YAML and PDF in their folders, ``taxonomy.yml``, ``labels.yml``), the
catalog exports, the offline copy of the site and a README saying what is where.
``bag-info.txt`` is filled from the catalog and names the commit it was made from;
SHA-256 and SHA-512 manifests cover every file. The Library of Congress's
``bagit`` package writes the bag and validates it before it is moved into place.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import bagit

from bsla.catalog import Catalog, load_catalog
from bsla.clock import build_time
from bsla.engine import export_texts, make_templates
from bsla.fs import staging_dir, swap_into_place
from bsla.labels import load_labels
from bsla.package.source import refuse, render_text, source_commit
from bsla.pages.oai import oai_files
from bsla.urls import CachePaths

CHECKSUMS = ("sha256", "sha512")
# Folders of the payload (data/), named in the bag's README.
SOURCES_DIR = "library"
EXPORTS_DIR = "exports"
SITE_DIR = "site"
README = "README.txt"
PROJECT_FILES = ("taxonomy.yml", "labels.yml")

BuildOffline = Callable[[Path], None]


@dataclass(frozen=True)
class BagReport:
    path: Path
    files: int
    bytes: int


def check_target(target: Path) -> None:
    """Refuse a target that holds something: a bag is never written over other files."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise refuse(target, "already exists and is not an empty folder",
                     "choose a new folder for the bag, or move the old one away first")


def _copy(source: Path, root: Path, into: Path) -> None:
    target = into / source.relative_to(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def copy_sources(catalog: Catalog, into: Path) -> int:
    """Every resource's YAML and PDF, and the vocabularies and labels, in their folders."""
    root = catalog.root
    files = [root / name for name in PROJECT_FILES if (root / name).is_file()]
    for r in catalog.resources:
        files.append(r.source)
        if r.file is not None:
            files.append(r.file)
    # Only files inside the project: a path outside it has no place in the bag's layout.
    inside = sorted({f for f in files if f.resolve().is_relative_to(root.resolve())})
    for path in inside:
        _copy(path, root, into)
    return len(inside)


def bag_info(catalog: Catalog, *, site_title: str, site_url: str | None,
             commit: str) -> dict[str, str]:
    taxonomy = catalog.taxonomy
    info = {
        "Source-Organization": taxonomy.defaults.get("publisher") or site_title,
        "External-Description": " ".join(render_text(
            "bag-description.txt.j2", site_title=site_title, catalog=catalog).split()),
        "Bagging-Date": build_time().strftime("%Y-%m-%d"),
        "Source-Commit": commit,
        "Resource-Count": str(len(catalog.resources)),
    }
    if site_url:
        info["External-Identifier"] = site_url
    if taxonomy.contact_email:
        info["Contact-Email"] = taxonomy.contact_email
    return info


def write_bag(root: Path, target: Path, build_offline: BuildOffline, *,
              site_url: str | None) -> BagReport:
    """Write and validate the bag in a folder beside ``target``, then move it there."""
    target = target.resolve()
    check_target(target)
    cache = CachePaths(root)
    catalog = load_catalog(root, cache_dir=cache.pdf, thumbs_dir=cache.thumbs)
    templates = make_templates(catalog, load_labels(root), site_url=site_url)
    staging = staging_dir(target, "bagging")
    try:
        copy_sources(catalog, staging / SOURCES_DIR)
        exports = {**export_texts(catalog, templates), **oai_files(catalog, templates)}
        (staging / EXPORTS_DIR).mkdir()
        for name, text in sorted(exports.items()):
            (staging / EXPORTS_DIR / name).write_text(text, encoding="utf-8")
        build_offline(staging / SITE_DIR)
        commit = source_commit(root)
        site_title = templates.label("site_title")
        (staging / README).write_text(render_text(
            "bag-readme.txt.j2", site_title=site_title, catalog=catalog, commit=commit,
            site_url=site_url, sources=SOURCES_DIR, exports=EXPORTS_DIR,
            export_names=sorted(exports), site=SITE_DIR,
            project_files=PROJECT_FILES), encoding="utf-8")
        bag = bagit.make_bag(str(staging), bag_info(catalog, site_title=site_title,
                                                    site_url=site_url, commit=commit),
                             checksums=list(CHECKSUMS))
        # The format's own check, before anyone can see the bag.
        bag.validate()
        size, files = (int(n) for n in bag.info["Payload-Oxum"].split("."))
        if target.exists():
            target.rmdir()  # empty, as check_target made sure
        swap_into_place(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return BagReport(target, files, size)


def validate_bag(path: Path) -> None:
    """Re-hash every payload file against the manifests; raises bagit.BagValidationError."""
    bagit.Bag(str(path)).validate()
