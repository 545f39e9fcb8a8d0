"""Fixity: re-hash deposited PDFs against a published catalog.json.

A library that must last years needs to notice when a file silently changes
(bit rot, a bad copy, an accidental overwrite) or disappears.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from bsla.errors import LibraryError, Problems


@dataclass(frozen=True)
class FixityReport:
    checked: int
    changed: list[str]
    missing: list[str]

    @property
    def ok(self) -> bool:
        return not self.changed and not self.missing


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(root: Path, manifest: Path) -> FixityReport:
    """Compare every file recorded in ``manifest`` (a catalog.json) with the repository."""
    problems = Problems(root)
    try:
        document = json.loads(manifest.read_text(encoding="utf-8"))
        records = document["resources"]
    except FileNotFoundError:
        problems.add(manifest, None, "the catalog export to verify against does not exist",
                     "build the site first (python build_site.py build) or pass --against FILE")
        raise LibraryError(problems.sorted()) from None
    except (ValueError, KeyError, TypeError):
        problems.add(manifest, None, "this is not a catalog.json export",
                     "pass the catalog.json written by the build")
        raise LibraryError(problems.sorted()) from None
    changed: list[str] = []
    missing: list[str] = []
    checked = 0
    for record in records:
        facts = record.get("pdf")
        relative = record.get("file")
        if not facts or not relative:
            continue
        checked += 1
        path = (root / relative).resolve()
        if not path.is_relative_to(root.resolve()) or not path.is_file() or path.is_symlink():
            missing.append(relative)
        elif _sha256(path) != facts["sha256"]:
            changed.append(relative)
    return FixityReport(checked, changed, missing)
