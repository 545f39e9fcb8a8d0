"""The controlled vocabularies of ``taxonomy.yml`` as typed, ordered objects."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bsla.errors import Problems
from bsla.load import Document, load_yaml_file

LANGUAGES = ("en", "es")
# Vocabularies that resources refer to by id, in the order the site shows them.
VOCABULARIES = ("capacities", "focus_areas", "types", "audiences", "languages", "statuses")
# Used when taxonomy.yml has no `site: listing_page_size`.
DEFAULT_LISTING_PAGE_SIZE = 50
MAX_LISTING_PAGE_SIZE = 1000


@dataclass(frozen=True)
class Term:
    id: str
    label: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    order: int = 0

    def label_in(self, lang: str = "en") -> str:
        return self.label.get(lang) or self.label["en"]

    def description_in(self, lang: str = "en") -> str:
        return self.description.get(lang) or self.description.get("en", "")


@dataclass(frozen=True)
class Section(Term):
    folder: str = ""
    collection_id: str = ""


@dataclass(frozen=True)
class Collection(Term):
    folder: str = ""
    sections: tuple[Section, ...] = ()
    series: dict[str, str] = field(default_factory=dict)

    def series_in(self, lang: str = "en") -> str:
        return self.series.get(lang) or self.series.get("en", "")


@dataclass(frozen=True)
class Taxonomy:
    path: Path
    collections: tuple[Collection, ...]
    vocabularies: dict[str, dict[str, Term]]
    defaults: dict[str, str]
    # Resource cards per listing page; later cards go to page-2, page-3, ...
    listing_page_size: int = DEFAULT_LISTING_PAGE_SIZE
    # The feed's permanent id, a tag: URI (RFC 4151); entries add "/resources/<id>".
    feed_id: str | None = None
    # Where the OAI-PMH Static Repository (oai.xml) is registered, and whom to contact.
    oai_gateway: str | None = None
    contact_email: str | None = None

    def vocabulary(self, name: str) -> dict[str, Term]:
        return self.vocabularies[name]

    def collection(self, collection_id: str) -> Collection:
        return next(c for c in self.collections if c.id == collection_id)

    def section(self, section_id: str) -> Section:
        return next(s for c in self.collections for s in c.sections if s.id == section_id)

    def placements(self) -> list[tuple[str, Collection, Section | None]]:
        """(folder, collection, section) for every folder resources may live in."""
        result: list[tuple[str, Collection, Section | None]] = []
        for collection in self.collections:
            if collection.sections:
                result.extend((s.folder, collection, s) for s in collection.sections)
            else:
                result.append((collection.folder, collection, None))
        return result

    def content_roots(self) -> list[str]:
        """Top folders to scan for resource files (e.g. compendium, briefs)."""
        return sorted({folder.split("/")[0] for folder, _, _ in self.placements()})

    def placement_of(self, relative_dir: str) -> tuple[Collection, Section | None] | None:
        for folder, collection, section in self.placements():
            if relative_dir == folder:
                return collection, section
        return None


def _localized(doc: Document, value: Any, where: str, problems: Problems) -> dict[str, str]:
    if isinstance(value, str):
        return {"en": value.strip()}
    if not isinstance(value, dict) or not isinstance(value.get("en"), str):
        problems.add(
            doc.path,
            doc.line_of(where.split(".")[0]),
            f"'{where}' needs an English text",
            "write it as 'en: English text' (and 'es: texto en español')",
        )
        return {"en": where}
    return {k: " ".join(str(v).split()) for k, v in value.items() if k in LANGUAGES and v}


def _terms(doc: Document, name: str, entries: Any, problems: Problems) -> list[dict[str, Any]]:
    if not isinstance(entries, list):
        problems.add(doc.path, doc.line_of(name), f"'{name}' must be a list of entries", "")
        return []
    good = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            problems.add(doc.path, doc.line_of(name, index), f"an entry of '{name}' has no id", "")
            continue
        if entry["id"] in seen:
            problems.add(
                doc.path, doc.line_of(name, index), f"'{name}' lists '{entry['id']}' twice", ""
            )
            continue
        seen.add(entry["id"])
        good.append(entry)
    return good


def _term_kwargs(doc: Document, name: str, entry: dict[str, Any], order: int, problems: Problems):
    return {
        "id": entry["id"],
        "label": _localized(doc, entry.get("label"), f"{name}.{entry['id']}.label", problems),
        "description": (
            _localized(doc, entry["description"], f"{name}.{entry['id']}", problems)
            if entry.get("description")
            else {}
        ),
        "order": order,
    }


def load_taxonomy(path: Path, root: Path, problems: Problems) -> Taxonomy | None:
    doc = load_yaml_file(path, root, problems)
    if doc is None:
        return None
    before = len(problems)
    _unknown_keys(doc, problems)
    collections: list[Collection] = []
    entries = _terms(doc, "collections", doc.data.get("collections"), problems)
    for order, entry in enumerate(entries):
        sections = tuple(
            Section(
                **_term_kwargs(doc, "sections", s, i, problems),
                folder=str(s.get("folder", "")),
                collection_id=entry["id"],
            )
            for i, s in enumerate(_terms(doc, "collections", entry.get("sections") or [], problems))
        )
        collections.append(
            Collection(
                **_term_kwargs(doc, "collections", entry, order, problems),
                folder=str(entry.get("folder", "")),
                sections=sections,
                series=_localized(doc, entry["series"], "series", problems)
                if entry.get("series")
                else {},
            )
        )
    vocabularies = {
        name: {
            e["id"]: Term(**_term_kwargs(doc, name, e, i, problems))
            for i, e in enumerate(_terms(doc, name, doc.data.get(name), problems))
        }
        for name in VOCABULARIES
    }
    defaults = doc.data.get("defaults") or {}
    for folder_owner in [*collections, *(s for c in collections for s in c.sections)]:
        if not folder_owner.folder or ".." in folder_owner.folder.split("/"):
            problems.add(
                doc.path,
                doc.line_of("collections"),
                f"'{folder_owner.id}' needs a folder inside the project",
                "give it 'folder: top/sub'",
            )
    page_size = _listing_page_size(doc, problems)
    feed = _feed_id(doc, problems)
    gateway = _site_text(doc, problems, "oai_gateway", _GATEWAY_URL,
                         "write the base address of the OAI Static Repository Gateway that "
                         "harvests oai.xml, e.g. 'oai_gateway: https://gateway.example.org/oai/'")
    email = _site_text(doc, problems, "contact_email", _EMAIL,
                       "write the address harvesters can write to, e.g. "
                       "'contact_email: library@example.org'")
    if len(problems) > before:
        return None
    return Taxonomy(path, tuple(collections), vocabularies, dict(defaults), page_size, feed,
                    oai_gateway=gateway, contact_email=email)


# What taxonomy.yml may hold at its top level and under `site:`; anything else is a typo
# that would otherwise be ignored without a word (say `listing_page_sise: 20`).
TOP_LEVEL_KEYS = ("collections", *VOCABULARIES, "defaults", "site")
SITE_KEYS = ("listing_page_size", "feed_id", "oai_gateway", "contact_email")


def _unknown_keys(doc: Document, problems: Problems) -> None:
    def hint(key: str, known: tuple[str, ...], where: str) -> str:
        close = difflib.get_close_matches(key, known, n=1)
        if close:
            return f"did you mean '{close[0]}'? Keys allowed {where}: {', '.join(known)}"
        return f"remove it; keys allowed {where}: {', '.join(known)}"

    for key in doc.data:
        if key not in TOP_LEVEL_KEYS:
            problems.add(doc.path, doc.line_of(str(key)), f"unknown key '{key}'",
                         hint(str(key), TOP_LEVEL_KEYS, "at the top level"))
    site = doc.data.get("site")
    if site is None:
        return
    if not isinstance(site, dict):
        problems.add(doc.path, doc.line_of("site"), "'site' must be a mapping of settings",
                     f"write settings below it, indented, e.g. '  {SITE_KEYS[0]}: 50'")
        return
    for key in site:
        if key not in SITE_KEYS:
            problems.add(doc.path, doc.line_of("site"), f"unknown key 'site.{key}'",
                         hint(str(key), SITE_KEYS, "under 'site'"))


_GATEWAY_URL = re.compile(r"https?://[^\s<>\"]+")
# OAI-PMH's emailType: \S+@(\S+\.)+\S+
_EMAIL = re.compile(r"[^\s<>\"]+@([^\s<>\"]+\.)+[^\s<>\"]+")


def _site_text(doc: Document, problems: Problems, key: str, pattern: re.Pattern[str],
               hint: str) -> str | None:
    """An optional ``site:`` setting that must match ``pattern``, else a problem."""
    site = doc.data.get("site") or {}
    raw = site.get(key) if isinstance(site, dict) else None
    if raw is None:
        return None
    text = str(raw).strip()
    if not pattern.fullmatch(text):
        problems.add(doc.path, doc.line_of("site"), f"'site.{key}' is '{text[:80]}', which "
                     "is not valid here", hint)
        return None
    return text


# tag:<domain or e-mail>,<YYYY[-MM[-DD]]>:<name> (RFC 4151), no fragment.
_TAG_URI = re.compile(r"tag:[A-Za-z0-9.@_-]+\.[A-Za-z]{2,},\d{4}(-\d{2}(-\d{2})?)?"
                      r":[A-Za-z0-9._~!$&'()*+,;=:@/-]+")


def _feed_id(doc: Document, problems: Problems) -> str | None:
    site = doc.data.get("site") or {}
    raw = site.get("feed_id") if isinstance(site, dict) else None
    if raw is None:
        return None
    text = str(raw).strip().rstrip("/")
    if not _TAG_URI.fullmatch(text):
        problems.add(doc.path, doc.line_of("site"),
                     f"'site.feed_id' is '{text}', not a tag: URI",
                     "write a domain (or e-mail) the publisher held on a date, that date and a "
                     "name, e.g. 'feed_id: tag:example.org,2026:library'; never change it "
                     "afterwards, or feed readers show every resource again as new")
        return None
    return text


def _listing_page_size(doc: Document, problems: Problems) -> int:
    site = doc.data.get("site") or {}
    raw = site.get("listing_page_size") if isinstance(site, dict) else None
    if raw is None:
        return DEFAULT_LISTING_PAGE_SIZE
    text = str(raw).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_LISTING_PAGE_SIZE:
        problems.add(doc.path, doc.line_of("site"),
                     f"'site.listing_page_size' is '{text}', not a whole number from 1 to "
                     f"{MAX_LISTING_PAGE_SIZE}", "write how many resource cards one listing page "
                     "shows, e.g. 'listing_page_size: 50'")
        return DEFAULT_LISTING_PAGE_SIZE
    return int(text)
