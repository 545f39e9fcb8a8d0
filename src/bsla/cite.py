"""Citations of a resource: APA 7, Chicago (author-date), BibTeX and RIS.

Authors are written by editors as "Family, Given" for people and without a
comma for organizations. With no authors, the publisher is the (corporate)
author, as APA and Chicago both prescribe for agency reports.

A citation carries an absolute URL or none: a path such as ``/resources/x/``
(what a build without SITE_URL knows) means nothing once the citation is
pasted elsewhere, so it is left out.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bsla.schema import Resource

RIS_TYPES = {"report": "RPRT", "issue-brief": "RPRT", "reflection-paper": "RPRT",
             "toolkit": "GEN", "tool": "GEN", "document-set": "GEN", "presentation": "SLIDE"}


@dataclass(frozen=True)
class Author:
    family: str
    given: str = ""

    @property
    def is_organization(self) -> bool:
        return not self.given

    def initials(self) -> str:
        parts = re.split(r"[\s]+", self.given.strip())
        return " ".join(
            "-".join(piece[0] + "." for piece in part.split("-") if piece) for part in parts if part
        )


def citable_url(url: str | None) -> str | None:
    """``url`` when a reader can follow it from anywhere (http or https, with a host)."""
    if not url:
        return None
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def authors_of(resource: Resource) -> list[Author]:
    people = []
    for name in resource.authors:
        family, _, given = name.partition(",")
        people.append(Author(family.strip(), given.strip()))
    return people or [Author(resource.publisher)]


def _date_parts(date: str | None) -> tuple[str | None, int | None, int | None]:
    if not date:
        return None, None, None
    pieces = date.split("-")
    year = pieces[0]
    month = int(pieces[1]) if len(pieces) > 1 else None
    day = int(pieces[2]) if len(pieces) > 2 else None
    return year, month, day


def _apa_names(authors: list[Author]) -> str:
    names = [a.family if a.is_organization else f"{a.family}, {a.initials()}" for a in authors]
    if len(names) == 1:
        return names[0]
    if len(names) <= 20:
        return ", ".join(names[:-1]) + ", & " + names[-1]
    return ", ".join(names[:19]) + ", … " + names[-1]


def _title_with_subtitle(resource: Resource) -> str:
    return f"{resource.title}: {resource.subtitle}" if resource.subtitle else resource.title


def _end(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def apa(resource: Resource, url: str | None) -> str:
    """APA 7 reference (plain text; the title is italic in print)."""
    authors = authors_of(resource)
    year, month, day = _date_parts(resource.date)
    when = "n.d."
    if year:
        when = year
        if month:
            when += f", {calendar.month_name[month]}"
            if day:
                when += f" {day}"
    parts = [_end(_apa_names(authors)), f"({when}).", _end(_title_with_subtitle(resource))]
    if not (len(authors) == 1 and authors[0].family == resource.publisher):
        parts.append(_end(resource.publisher))
    if citable_url(url):
        parts.append(url)
    return " ".join(parts)


def _chicago_names(authors: list[Author]) -> str:
    def natural(a: Author) -> str:
        return a.family if a.is_organization else f"{a.given} {a.family}"

    first = authors[0]
    lead = first.family if first.is_organization else f"{first.family}, {first.given}"
    rest = [natural(a) for a in authors[1:]]
    if len(authors) > 10:
        return f"{lead}, " + ", ".join(rest[:6]) + ", et al"
    if not rest:
        return lead
    if len(rest) == 1:
        return f"{lead}, and {rest[0]}"
    return f"{lead}, " + ", ".join(rest[:-1]) + f", and {rest[-1]}"


def chicago(resource: Resource, url: str | None) -> str:
    """Chicago author-date reference list entry."""
    authors = authors_of(resource)
    year, month, day = _date_parts(resource.date)
    parts = [_end(_chicago_names(authors)), _end(year or "n.d."),
             "“" + _end(_title_with_subtitle(resource)) + "”"]
    place = resource.publisher
    if month:
        stamp = calendar.month_name[month] + (f" {day}" if day else "")
        place += f", {stamp}"
    if not (len(authors) == 1 and authors[0].family == resource.publisher and not month):
        parts.append(_end(place))
    if citable_url(url):
        parts.append(_end(url))
    return " ".join(parts)


def _bibtex_escape(text: str) -> str:
    for char in "\\{}":
        text = text.replace(char, "\\" + char)
    for char in "&%$#_":
        text = text.replace(char, "\\" + char)
    return text


def bibtex(resource: Resource, url: str | None) -> str:
    authors = authors_of(resource)
    names = " and ".join(
        "{" + _bibtex_escape(a.family) + "}" if a.is_organization
        else f"{_bibtex_escape(a.family)}, {_bibtex_escape(a.given)}" for a in authors)
    year, month, _ = _date_parts(resource.date)
    entry_type = "techreport" if RIS_TYPES.get(resource.type) == "RPRT" else "misc"
    fields = [("title", "{" + _bibtex_escape(_title_with_subtitle(resource)) + "}"),
              ("author", names)]
    if entry_type == "techreport":
        fields.append(("institution", _bibtex_escape(resource.publisher)))
    else:
        fields.append(("publisher", _bibtex_escape(resource.publisher)))
    if year:
        fields.append(("year", year))
    if month:
        fields.append(("month", calendar.month_abbr[month].lower()))
    if citable_url(url):
        fields.append(("url", url))
    fields.append(("language", resource.language))
    body = ",\n".join(
        f"  {key} = {value}" if key == "month" else f"  {key} = {{{value}}}"
        for key, value in fields)
    return f"@{entry_type}{{{resource.id},\n{body}\n}}\n"


def ris(resource: Resource, url: str | None, pdf_url: str | None = None) -> str:
    authors = authors_of(resource)
    year, month, day = _date_parts(resource.date)
    lines = [f"TY  - {RIS_TYPES.get(resource.type, 'GEN')}"]
    for a in authors:
        lines.append(f"AU  - {a.family}" if a.is_organization else f"AU  - {a.family}, {a.given}")
    lines.append(f"TI  - {_title_with_subtitle(resource)}")
    lines.append(f"PB  - {resource.publisher}")
    if year:
        lines.append(f"PY  - {year}")
        lines.append("DA  - " + "/".join(
            [year, f"{month:02d}" if month else "", f"{day:02d}" if day else ""]) + "/")
    lines.append(f"LA  - {resource.language}")
    if citable_url(url):
        lines.append(f"UR  - {url}")
    if citable_url(pdf_url):
        lines.append(f"L1  - {pdf_url}")
    for tag in resource.tags:
        lines.append(f"KW  - {tag}")
    lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n"
