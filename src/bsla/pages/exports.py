"""Catalog exports: catalog.json, catalog.csv, the JSON Schemas, BibTeX and RIS per resource.

The JSON export is the preservation record: validated metadata, PDF facts
(including SHA-256 for fixity checks) and the URLs every resource is reached
at. ``catalog-record.schema.json`` describes it and a test validates against it.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bsla.accessibility import CHECKS, assess
from bsla.catalog import Catalog
from bsla.cite import bibtex, ris
from bsla.clock import build_time
from bsla.generated import GeneratedPage
from bsla.pages.templates import Templates
from bsla.provenance import DISTRIBUTION, engine_version, source_commit, source_modified
from bsla.schema import FIELDS, Resource, json_schema
from bsla.urls import (
    CATALOG_CSV,
    CATALOG_JSON,
    CATALOG_SCHEMA,
    RESOURCE_SCHEMA,
    bibtex_src_uri,
    pdf_src_uri,
    resource_folder,
    resource_src_uri,
    ris_src_uri,
)

EXPORT_VERSION = 1
CSV_LIST_SEPARATOR = "; "
PDF_FACT_FIELDS = ("sha256", "bytes", "pages", "title", "author", "created", "encrypted",
                   "text_chars", "tagged", "lang", "display_doc_title")

UrlFor = Callable[[str], str]


def resource_record(resource: Resource, root: Path, url_for: UrlFor) -> dict[str, Any]:
    record: dict[str, Any] = {"id": resource.id}
    for spec in FIELDS:
        if spec.name == "id":
            continue
        value = getattr(resource, spec.name)
        if spec.name == "file":
            value = value.relative_to(root).as_posix() if value is not None else None
        if spec.name == "translations":
            value = {lang: t.as_record() for lang, t in value.items()}
        record[spec.name] = value
    record["collection"] = resource.collection.id
    record["section"] = resource.section.id if resource.section else None
    record["page_url"] = url_for(resource_folder(resource.id))
    record["pdf_url"] = (url_for(pdf_src_uri(resource.id))
                         if resource.pdf is not None else None)
    record["pdf"] = ({name: getattr(resource.pdf, name) for name in PDF_FACT_FIELDS}
                     if resource.pdf is not None else None)
    access = assess(resource)
    record["pdf_accessibility"] = (
        {"passed": access.passed, "missing": access.missing} if access is not None else None)
    return record


def _catalog_head(catalog: Catalog, generated: str) -> dict[str, Any]:
    return {
        "export_version": EXPORT_VERSION,
        "generated": generated,
        # What produced this copy, so it can be rebuilt: null where git knows no commit.
        "engine": {"name": DISTRIBUTION, "version": engine_version()},
        "source": {"commit": source_commit(catalog.root),
                   "modified": source_modified(catalog.root)},
        "publisher": catalog.taxonomy.defaults.get("publisher"),
        "count": len(catalog.resources),
    }


def catalog_document(catalog: Catalog, url_for: UrlFor, *, generated: str) -> dict[str, Any]:
    return _catalog_head(catalog, generated) | {
        "resources": [resource_record(r, catalog.root, url_for) for r in catalog.resources]}


@dataclass(frozen=True)
class ExportEntry:
    """One resource as written in catalog.json (an indented object) and catalog.csv (a row)."""

    json: str
    csv: str


def export_entry(resource: Resource, root: Path, url_for: UrlFor) -> ExportEntry:
    record = resource_record(resource, root, url_for)
    # catalog.json lists records two levels deep: every line after the first is
    # indented by four more spaces, exactly as json.dumps(document, indent=2)
    # would. JSON strings hold no raw newline, so this touches only line starts.
    text = json.dumps(record, indent=2, ensure_ascii=False).replace("\n", "\n    ")
    return ExportEntry(text, _csv_row(record))


def catalog_json(catalog: Catalog, url_for: UrlFor, *, generated: str,
                 entries: list[ExportEntry] | None = None) -> str:
    """catalog.json; ``entries`` (one per resource, in order) may come from a cache."""
    if entries is None:
        entries = [export_entry(r, catalog.root, url_for) for r in catalog.resources]
    head = _catalog_head(catalog, generated) | {"resources": None}
    text = json.dumps(head, indent=2, ensure_ascii=False)
    # "resources" is the last key: its null is replaced by the list, written
    # from the entries so that unchanged resources are not serialized again.
    listed = ("[\n    " + ",\n    ".join(e.json for e in entries) + "\n  ]") if entries else "[]"
    return text[: text.rindex("null")] + listed + "\n}\n"


def csv_columns() -> list[str]:
    names = [spec.name for spec in FIELDS]
    return [*names, "collection", "section", "page_url", "pdf_url",
            *(f"pdf_{name}" for name in PDF_FACT_FIELDS), "pdf_accessibility_missing"]


def _csv_text(rows: list[dict[str, Any]], *, header: bool) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=csv_columns(), lineterminator="\r\n")
    if header:
        writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _csv_row(record: dict[str, Any]) -> str:
    record = dict(record)
    facts = record.pop("pdf") or {}
    translations = record.pop("translations") or {}
    row = {key: CSV_LIST_SEPARATOR.join(value) if isinstance(value, list) else value
           for key, value in record.items()}
    # One cell: the translations as JSON, language-tagged by their keys.
    row["translations"] = json.dumps(translations, ensure_ascii=False) if translations else ""
    row.update({f"pdf_{name}": facts.get(name) for name in PDF_FACT_FIELDS})
    access = row.pop("pdf_accessibility", None) or {}
    row["pdf_accessibility_missing"] = CSV_LIST_SEPARATOR.join(access.get("missing", []))
    return _csv_text([{k: "" if v is None else v for k, v in row.items()}], header=False)


def catalog_csv(catalog: Catalog, url_for: UrlFor,
                entries: list[ExportEntry] | None = None) -> str:
    """One row per resource; lists joined with '; ' so a spreadsheet shows them in one cell."""
    if entries is None:
        entries = [export_entry(r, catalog.root, url_for) for r in catalog.resources]
    return _csv_text([], header=True) + "".join(e.csv for e in entries)


def record_schema(catalog: Catalog) -> dict[str, Any]:
    """JSON Schema of catalog.json, built on the resource schema the editors use."""
    resource = json_schema(catalog.taxonomy)
    properties = dict(resource["properties"])
    properties["file"] = {"type": ["string", "null"]}
    for name, spec in list(properties.items()):
        if name not in resource["required"] and name != "file":
            properties[name] = {"anyOf": [spec, {"type": "null"}]}
    nullable_string = {"type": ["string", "null"]}
    text_or_null = {"type": ["string", "null"]}
    properties["translations"] = {"anyOf": [{"type": "null"}, {
        "type": "object",
        "propertyNames": {"enum": list(catalog.taxonomy.vocabulary("languages"))},
        "additionalProperties": {
            "type": "object", "required": ["title", "summary", "reviewed"],
            "properties": {"title": text_or_null, "subtitle": text_or_null,
                           "summary": text_or_null,
                           "tags": {"type": "array", "items": {"type": "string"}},
                           "reviewed": {"type": "boolean"}}},
    }]}
    properties.update({
        "collection": {"enum": [c.id for c in catalog.taxonomy.collections]},
        "section": nullable_string,
        "page_url": {"type": "string"},
        "pdf_url": nullable_string,
        "pdf_accessibility": {"anyOf": [{"type": "null"}, {
            "type": "object",
            "required": ["passed", "missing"],
            "properties": {key: {"type": "array", "items": {"enum": list(CHECKS)}}
                           for key in ("passed", "missing")},
        }]},
        "pdf": {"anyOf": [{"type": "null"}, {
            "type": "object",
            "required": ["sha256", "bytes", "pages"],
            "properties": {
                "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                "bytes": {"type": "integer", "minimum": 0},
                "pages": {"type": "integer", "minimum": 0},
            },
        }]},
    })
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "catalog.schema.json",
        "title": "Best Start LA library catalog export",
        "type": "object",
        "required": ["export_version", "engine", "source", "count", "resources"],
        "properties": {
            "export_version": {"const": EXPORT_VERSION},
            "generated": {"type": "string"},
            "engine": {"type": "object", "required": ["name", "version"],
                       "properties": {"name": {"type": "string"},
                                      "version": nullable_string}},
            "source": {"type": "object", "required": ["commit", "modified"],
                       "properties": {
                           "commit": {"anyOf": [{"type": "null"}, {
                               "type": "string", "pattern": "^[0-9a-f]{40}([0-9a-f]{24})?$"}]},
                           "modified": {"type": ["boolean", "null"]}}},
            "publisher": nullable_string,
            "count": {"type": "integer"},
            "resources": {"type": "array", "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [*resource["required"], "collection", "page_url"],
                "properties": properties,
            }},
        },
    }


def today() -> str:
    """Build time, or SOURCE_DATE_EPOCH when set, for reproducible exports."""
    return build_time().strftime("%Y-%m-%dT%H:%M:%SZ")


def catalog_exports(catalog: Catalog, templates: Templates) -> dict[str, str]:
    """The catalog's export files by name (the feed is bsla.pages.feed's)."""
    url_for = templates.urls.absolute
    entries = [templates.memo(f"export:{r.id}", (r, catalog.root),
                              functools.partial(export_entry, r, catalog.root, url_for))
               for r in catalog.resources]
    return {
        CATALOG_JSON: catalog_json(catalog, url_for, generated=today(), entries=entries),
        CATALOG_CSV: catalog_csv(catalog, url_for, entries),
        CATALOG_SCHEMA: json.dumps(record_schema(catalog), indent=2) + "\n",
        RESOURCE_SCHEMA: json.dumps(json_schema(catalog.taxonomy), indent=2,
                                    ensure_ascii=False) + "\n",
    }


def citation_files(catalog: Catalog, templates: Templates) -> list[GeneratedPage]:
    """BibTeX and RIS files beside each resource page."""
    pages: list[GeneratedPage] = []
    for r in catalog.resources:
        # Addresses follow from the id and the site's URL, which the memo's context holds.
        pages += templates.memo(f"cite-files:{r.id}", (r,),
                                functools.partial(_citation_files, r, templates))
    return pages


def _citation_files(r: Resource, templates: Templates) -> tuple[GeneratedPage, GeneratedPage]:
    url = templates.urls.absolute(resource_src_uri(r.id))
    pdf_url = templates.urls.absolute(pdf_src_uri(r.id)) if r.pdf is not None else None
    return (GeneratedPage(bibtex_src_uri(r.id), bibtex(r, url)),
            GeneratedPage(ris_src_uri(r.id), ris(r, url, pdf_url)))

