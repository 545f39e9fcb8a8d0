"""The single definition of a resource: its fields, their rules, and validation.

``FIELDS`` is data: the validator, the JSON Schema for editors' tools and the
field reference in the docs are all generated from it, so they cannot drift.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from bsla.errors import Problems, shown
from bsla.load import Document, safe_file_problem
from bsla.taxonomy import Collection, Section, Taxonomy

Kind = Literal[
    "slug", "text", "markdown", "date", "term", "terms", "strings", "slugs", "url", "path",
    "translations",
]

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# ASCII digits only: \d would also take '２０１９' or '٢٠١٩', which int() reads.
DATE_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
SERIES_NUMBER_RE = re.compile(r"^[1-9][0-9]{0,2}$")
SAFE_URL_SCHEMES = ("http", "https")
# The one text rule for every string field (see text_problem): characters that are
# not Unicode scalar values (lone surrogates, from "\ud800" escapes) and control
# characters. Newline and tab are allowed; single-line fields fold them to spaces.
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: Kind
    description: str
    required: bool = False
    vocabulary: str | None = None
    max_length: int | None = None
    example: Any = None


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "slug", "Stable identifier; becomes the page address /resources/<id>/. "
              "Lowercase letters, digits and hyphens.", required=True, max_length=80,
              example="mindful-leadership"),
    FieldSpec("title", "text", "Title as printed on the document.", required=True,
              max_length=300, example="Mindful Leadership"),
    FieldSpec("subtitle", "text", "Subtitle, if the document has one.", max_length=300),
    FieldSpec("type", "term", "What kind of resource this is.", required=True,
              vocabulary="types", example="reflection-paper"),
    FieldSpec("series_number", "text", "Number within its series (reflection papers, briefs).",
              max_length=3, example="2"),
    FieldSpec("summary", "markdown", "Two to four sentences in our own words: what it is about "
              "and who it helps. Markdown allowed.", required=True, max_length=2000),
    FieldSpec("authors", "strings", "People who wrote it, as 'Family, Given'. An organization "
              "without a comma. Leave out when unknown.", max_length=200,
              example=["Jordan, Audrey", "Coleman, Kara"]),
    FieldSpec("publisher", "text", "Publishing organization.", max_length=200,
              example="Center for the Study of Social Policy (CSSP)"),
    FieldSpec("date", "date", "Publication date as YYYY, YYYY-MM or YYYY-MM-DD, in quotes.",
              example="2019-06"),
    FieldSpec("added", "date", "Date the resource was added to this library (YYYY-MM-DD).",
              example="2026-11-25"),
    FieldSpec("language", "term", "Language of the document.", vocabulary="languages",
              example="en"),
    FieldSpec("capacities", "terms", "Key capacities of a high-functioning partnership that it "
              "builds.", vocabulary="capacities", example=["inclusive-governance"]),
    FieldSpec("focus_areas", "terms", "First 5 LA focus areas it serves.",
              vocabulary="focus_areas", example=["communities"]),
    FieldSpec("audiences", "terms", "Who it is written for.", vocabulary="audiences",
              example=["partnership-leaders"]),
    FieldSpec("tags", "strings", "Free keywords, lowercase.", max_length=60,
              example=["results-based accountability"]),
    FieldSpec("file", "path", "The PDF, relative to this YAML file (usually just its name).",
              max_length=255, example="mindful-leadership.pdf"),
    FieldSpec("url", "url", "Web address, when the resource lives elsewhere (http or https).",
              max_length=2000),
    FieldSpec("status", "term", "available (default), not-deposited (described, no file yet) "
              "or withdrawn.", vocabulary="statuses", example="available"),
    FieldSpec("translation_of", "slug", "Id of the resource this one translates.",
              max_length=80),
    FieldSpec("license", "text", "Terms of use, e.g. 'All rights reserved' or 'CC BY 4.0'.",
              max_length=200),
    FieldSpec("related", "slugs", "Ids of closely related resources, shown first under "
              "'Related'.", max_length=80),
    FieldSpec("former_ids", "slugs", "Ids this resource had before; their old addresses keep "
              "working.", max_length=80),
    FieldSpec("translations", "translations", "The title, subtitle, summary and keywords in "
              "another language, one block per language (e.g. es:), with 'reviewed: true' once "
              "a person has checked the translation."),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
# Fields an editor may give in another language, in a resource's `translations:` block.
TRANSLATABLE = ("title", "subtitle", "summary", "tags")
REVIEWED = "reviewed"
REVIEWED_VALUES = {"true": True, "yes": True, "false": False, "no": False}


@dataclass(frozen=True)
class Translation:
    """A resource's translatable fields in one other language, and whether a person checked them."""

    lang: str
    title: str | None = None
    subtitle: str | None = None
    summary: str | None = None
    tags: tuple[str, ...] = ()
    reviewed: bool = False

    def as_record(self) -> dict[str, Any]:
        """The translation as the catalog exports write it."""
        return {"title": self.title, "subtitle": self.subtitle, "summary": self.summary,
                "tags": list(self.tags), "reviewed": self.reviewed}


@dataclass
class Resource:
    """A validated resource. ``pdf`` is filled in by the PDF stage."""

    id: str
    title: str
    type: str
    summary: str
    collection: Collection
    section: Section | None
    source: Path
    doc: Document
    subtitle: str | None = None
    series_number: str | None = None
    authors: list[str] = field(default_factory=list)
    publisher: str = ""
    date: str | None = None
    added: str | None = None
    language: str = "en"
    capacities: list[str] = field(default_factory=list)
    focus_areas: list[str] = field(default_factory=list)
    audiences: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    file: Path | None = None
    url: str | None = None
    status: str = "available"
    translation_of: str | None = None
    license: str | None = None
    related: list[str] = field(default_factory=list)
    former_ids: list[str] = field(default_factory=list)
    # Language code -> the translatable fields in that language.
    translations: dict[str, Translation] = field(default_factory=dict)
    pdf: Any = None  # bsla.pdf.PdfFacts once read
    cover: Path | None = None  # first-page image, when one could be rendered

    @property
    def year(self) -> str | None:
        return self.date[:4] if self.date else None

    @property
    def placement_id(self) -> str:
        return self.section.id if self.section else self.collection.id


def _did_you_mean(value: str, choices: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(value, choices, n=1)
    listed = ", ".join(choices)
    return (f"did you mean '{close[0]}'? " if close else "") + f"allowed: {listed}"


def text_problem(value: str) -> tuple[str, str] | None:
    """Why a string cannot be published (what is wrong, how to fix it), or None.

    Applied to every string field, so ``check`` refuses what ``build`` would choke
    on: a lone surrogate cannot be written as UTF-8 (tag pages, search records,
    every page), and a control character has no place in a web page.
    """
    found = _SURROGATE.search(value)
    if found is not None:
        return (f"holds '\\u{ord(found.group()):04x}', which is half of a character (a "
                "lone surrogate), not a character",
                "write the character itself instead of a \\u escape, or delete the escape")
    found = _CONTROL.search(value)
    if found is not None:
        return (f"holds an invisible control character (U+{ord(found.group()):04X})",
                "delete it: it was written as a \\ escape in quotes, or pasted in from a PDF "
                "or a word processor")
    return None


def _check_date(value: str) -> str | None:
    match = DATE_RE.fullmatch(value)
    if not match:
        return "is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD"
    year, month, day = (int(g) if g is not None else None for g in match.groups())
    assert year is not None
    if not 1900 <= year <= 2100:
        return f"has an unlikely year {year}"
    if month is not None and not 1 <= month <= 12:
        return f"has no month {month:02d} (months run from 01 to 12)"
    try:
        dt.date(year, month or 1, 1 if day is None else day)
    except ValueError:
        return "is not a real calendar date"
    return None


def check_url(value: str, schemes: tuple[str, ...] = SAFE_URL_SCHEMES) -> str | None:
    """Why a URL is refused, or None. Only absolute http(s) links are published."""
    if any(ch.isspace() or not ch.isprintable() for ch in value):
        return "contains spaces or invisible characters"
    try:
        parts = urlsplit(value)
        # .port parses it (and refuses one over 65535); urlsplit refuses broken
        # brackets such as 'http://['. Either is a ValueError.
        port = parts.port
    except ValueError as exc:
        return f"is not a valid web address ({exc})"
    if parts.scheme.lower() not in schemes:
        allowed = " or ".join(s + ":" for s in schemes)
        return f"must start with {allowed} (found {shown(parts.scheme or value, 12)})"
    if parts.scheme.lower() in ("http", "https"):
        if not parts.hostname:
            return "has no host name"
        if port == 0:
            return "has port 0, which no web server uses"
    return None


class _FieldChecker:
    def __init__(self, doc: Document, taxonomy: Taxonomy, problems: Problems) -> None:
        self.doc = doc
        self.taxonomy = taxonomy
        self.problems = problems

    def problem(self, name: str, message: str, hint: str, index: int | None = None) -> None:
        self.problems.add(self.doc.path, self.doc.line_of(name, index), message, hint)

    def value(self, spec: FieldSpec, raw: Any) -> Any:
        """Return the cleaned value, or None after recording a problem."""
        if spec.kind in ("terms", "strings", "slugs"):
            return self._list(spec, raw)
        if spec.kind == "translations":
            return self._translations(spec, raw)
        if not isinstance(raw, str):
            self.problem(
                spec.name,
                f"'{spec.name}' must be a single value, not a list or a set of fields",
                f"write it on one line, e.g. {spec.name}: {spec.example or '...'}",
            )
            return None
        return self._scalar(spec, raw.strip(), None)

    def _translations(self, spec: FieldSpec, raw: Any) -> dict[str, Translation] | None:
        example = "translations:\n  es:\n    title: ...\n    summary: ...\n    reviewed: false"
        if not isinstance(raw, dict):
            self.problem(spec.name, "'translations' must be a block with one entry per language",
                         f"write it as: {example}")
            return None
        languages = list(self.taxonomy.vocabulary("languages"))
        result: dict[str, Translation] = {}
        for lang, block in raw.items():
            if lang not in languages:
                self.problem(spec.name, f"'translations' names the language {shown(str(lang))}, "
                             "which taxonomy.yml does not list",
                             _did_you_mean(str(lang), languages))
                continue
            if not isinstance(block, dict):
                self.problem(spec.name, f"the '{lang}' translation must list fields such as "
                             "title and summary", f"write it as: {example}")
                continue
            inside = _TranslationChecker(self, spec.name, lang)
            values: dict[str, Any] = {}
            for name, value in block.items():
                if name == REVIEWED:
                    flag = (REVIEWED_VALUES.get(value.strip().lower())
                            if isinstance(value, str) else None)
                    if flag is None:
                        inside.problem(name, "'reviewed' must be true or false",
                                       "write 'reviewed: true' once a person has checked the "
                                       "translation, 'reviewed: false' until then")
                    else:
                        values[name] = flag
                    continue
                if name not in TRANSLATABLE:
                    inside.problem(name, f"{shown(str(name))} cannot be translated",
                                   f"translate only {', '.join(TRANSLATABLE)} (and say whether "
                                   "the translation is reviewed)")
                    continue
                if value is None or value == "" or value == []:
                    continue
                cleaned = inside.value(FIELDS_BY_NAME[name], value)
                if cleaned is not None:
                    values[name] = tuple(cleaned) if name == "tags" else cleaned
            if REVIEWED not in block:
                inside.problem(REVIEWED, "the translation does not say whether it was reviewed",
                               "add 'reviewed: false' (or 'reviewed: true' once a person has "
                               "checked it)")
            result[lang] = Translation(lang, **values)
        return result

    def _list(self, spec: FieldSpec, raw: Any) -> list[str] | None:
        if isinstance(raw, str):
            # A lone value is what an editor means by a one-item list.
            raw = [raw]
        if not isinstance(raw, list):
            self.problem(spec.name, f"'{spec.name}' must be a list", f"write it as {spec.name}: "
                         f"[{', '.join(spec.example or ['first', 'second'])}]")
            return None
        cleaned: list[str] = []
        for index, item in enumerate(raw):
            if not isinstance(item, str):
                self.problem(spec.name, f"item {index + 1} of '{spec.name}' is not a plain value",
                             "put one value per item", index)
                continue
            value = self._scalar(spec, item.strip(), index)
            if value is None:
                continue
            if value in cleaned:
                self.problem(spec.name, f"{shown(value)} is listed twice in '{spec.name}'",
                             "remove the repeated item", index)
                continue
            cleaned.append(value)
        return cleaned

    def _scalar(self, spec: FieldSpec, value: str, index: int | None) -> str | None:
        label = f"'{spec.name}'" if index is None else f"item {index + 1} of '{spec.name}'"
        if not value:
            self.problem(spec.name, f"{label} is empty", "fill it in or delete the line", index)
            return None
        why = text_problem(value)
        if why is not None:
            self.problem(spec.name, f"{label} {why[0]}", why[1], index)
            return None
        # One spelling of each accented letter, so ids, tags and search agree.
        value = unicodedata.normalize("NFC", value)
        if spec.max_length and len(value) > spec.max_length:
            self.problem(spec.name, f"{label} is {len(value)} characters long; the limit is "
                         f"{spec.max_length}", "shorten it", index)
            return None
        if spec.kind == "text" and "\n" in value.strip():
            value = " ".join(value.split())
        if spec.kind in ("slug", "slugs") and not SLUG_RE.fullmatch(value):
            self.problem(spec.name, f"{label} {shown(value)} is not a valid id",
                         "use lowercase letters, digits and single hyphens, e.g. "
                         "'mindful-leadership'", index)
            return None
        if spec.kind in ("term", "terms"):
            assert spec.vocabulary
            choices = list(self.taxonomy.vocabulary(spec.vocabulary))
            if value not in choices:
                self.problem(spec.name, f"{label} {shown(value)} is not a known "
                             f"{spec.vocabulary.replace('_', ' ')} id",
                             _did_you_mean(value, choices) + " (see taxonomy.yml)", index)
                return None
        if spec.kind == "date":
            why = _check_date(value)
            if why:
                self.problem(spec.name, f"{label} {shown(value)} {why}",
                             "write e.g. \"2019\", \"2019-06\" or \"2019-06-30\" in quotes", index)
                return None
        if spec.kind == "url":
            why = check_url(value)
            if why:
                self.problem(spec.name, f"{label} {why}",
                             "use a full web address such as https://example.org/page", index)
                return None
        if spec.name == "series_number" and not SERIES_NUMBER_RE.fullmatch(value):
            self.problem(spec.name, f"{label} {shown(value)} is not a whole number",
                         "write the number in quotes, e.g. \"2\"", index)
            return None
        return value


class _TranslationChecker(_FieldChecker):
    """Checks the fields of one language's translation, reporting at the block's line."""

    def __init__(self, parent: _FieldChecker, key: str, lang: str) -> None:
        super().__init__(parent.doc, parent.taxonomy, parent.problems)
        self.key = key
        self.lang = lang

    def problem(self, name: str, message: str, hint: str, index: int | None = None) -> None:
        self.problems.add(self.doc.path, self.doc.line_of(self.key),
                          f"in the '{self.lang}' translation: {message}", hint)


def _resolve_file(checker: _FieldChecker, value: str, root: Path) -> Path | None:
    doc = checker.doc
    candidate = Path(value)
    if candidate.is_absolute() or ".." in candidate.parts or "\\" in value:
        checker.problem("file", f"'file' must be a file name next to {doc.path.name}, not "
                        f"{shown(value)}", "put the PDF in the same folder and write just its name")
        return None
    if candidate.suffix.lower() != ".pdf":
        checker.problem("file", f"'file' must name a PDF, not {shown(value)}",
                        "convert the document to PDF and give the .pdf file name")
        return None
    path = doc.path.parent / candidate
    refusal = safe_file_problem(path, root)
    if refusal:
        message, hint = refusal
        if message == "the file does not exist":
            hint = f"add '{candidate.name}' next to {doc.path.name}, or fix the name in 'file'"
        checker.problem("file", f"{shown('file: ' + value)}: {message}", hint)
        return None
    return path


def validate_resource(
    doc: Document,
    placement: tuple[Collection, Section | None],
    taxonomy: Taxonomy,
    root: Path,
    problems: Problems,
) -> Resource | None:
    """Check one loaded YAML document against FIELDS; record every problem found."""
    checker = _FieldChecker(doc, taxonomy, problems)
    before = len(problems)
    values: dict[str, Any] = {}
    for key, raw in doc.data.items():
        spec = FIELDS_BY_NAME.get(key)
        if spec is None:
            import difflib

            close = difflib.get_close_matches(key, list(FIELDS_BY_NAME), n=1)
            hint = (f"did you mean '{close[0]}'?" if close
                    else "see the field list in CONTRIBUTING.md")
            checker.problem(key, f"unknown field {shown(key)}", hint)
            continue
        if raw is None or raw == [] or raw == "":
            if spec.required:
                checker.problem(key, f"'{key}' is required but empty",
                                f"fill it in: {spec.description}")
            continue
        value = checker.value(spec, raw)
        if value is not None:
            values[key] = value
    for spec in FIELDS:
        if spec.required and spec.name not in doc.data:
            checker.problem(spec.name, f"the required field '{spec.name}' is missing",
                            f"add a line '{spec.name}: ...' ({spec.description})")
    if "file" in values:
        values["file"] = _resolve_file(checker, values["file"], root)
    for name, default in taxonomy.defaults.items():
        if name in FIELDS_BY_NAME and name not in values and name not in doc.data:
            values[name] = default
    status = values.get("status", "available")
    status_is_valid = "status" in values or "status" not in doc.data
    if status == "available" and status_is_valid and "file" not in doc.data \
            and "url" not in doc.data:
        checker.problem("status" if "status" in doc.data else "title",
                        "the resource has no 'file' and no 'url'",
                        "add the PDF with 'file: name.pdf', a web address with 'url:', or mark "
                        "it 'status: not-deposited' if the file is not available yet")
    if status == "not-deposited" and ("file" in doc.data or "url" in doc.data):
        given = "file" if "file" in doc.data else "url"
        checker.problem("status", f"'status: not-deposited' contradicts the '{given}' given",
                        f"delete the 'status' line now that the resource has a {given}, or "
                        f"delete '{given}' if it is not available yet")
    own = values.get("language")
    if own in values.get("translations", {}):
        checker.problem("translations", f"'translations' has a block for '{own}', the "
                        "resource's own language",
                        f"put the '{own}' text in the resource's own fields, or correct "
                        "'language'")
    if len(problems) > before:
        return None
    collection, section = placement
    return Resource(collection=collection, section=section, source=doc.path, doc=doc,
                    **values)


def json_schema(taxonomy: Taxonomy) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a resource file, for editors' YAML tools."""
    properties: dict[str, Any] = {}
    for spec in FIELDS:
        prop: dict[str, Any] = {"description": spec.description}
        item: dict[str, Any] = {"type": "string"}
        if spec.max_length:
            item["maxLength"] = spec.max_length
        if spec.kind in ("slug", "slugs"):
            item["pattern"] = SLUG_RE.pattern
        if spec.kind == "date":
            item["pattern"] = DATE_RE.pattern
        if spec.kind == "url":
            item["pattern"] = "^https?://"
        if spec.kind == "path":
            item["pattern"] = r"^[^/\\]+\.[pP][dD][fF]$"
        if spec.name == "series_number":
            item["pattern"] = SERIES_NUMBER_RE.pattern
        if spec.vocabulary:
            item["enum"] = list(taxonomy.vocabulary(spec.vocabulary))
        if spec.kind in ("terms", "strings", "slugs"):
            prop.update({"type": "array", "items": item, "uniqueItems": True})
        elif spec.kind == "translations":
            prop.update(_translations_schema(taxonomy))
        else:
            prop.update(item)
        if spec.example is not None:
            prop["examples"] = [spec.example]
        properties[spec.name] = prop
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "resource.schema.json",
        "title": "Best Start LA library resource",
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in FIELDS if f.required],
        "properties": properties,
    }


def _translations_schema(taxonomy: Taxonomy) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in TRANSLATABLE:
        spec = FIELDS_BY_NAME[name]
        text: dict[str, Any] = {"type": "string", "description": spec.description}
        if spec.max_length:
            text["maxLength"] = spec.max_length
        fields[name] = ({"type": "array", "items": text, "uniqueItems": True}
                        if spec.kind == "strings" else text)
    fields[REVIEWED] = {"enum": sorted(REVIEWED_VALUES),
                        "description": "Whether a person has checked the translation."}
    return {
        "type": "object",
        "propertyNames": {"enum": list(taxonomy.vocabulary("languages"))},
        "additionalProperties": {"type": "object", "additionalProperties": False,
                                 "required": [REVIEWED], "properties": fields},
    }
