"""The Atom feed of the catalog, newest resources first."""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape as xml_escape

from bsla.catalog import Catalog
from bsla.pages.templates import Templates
from bsla.schema import Resource
from bsla.urls import FEED, resource_folder


def _feed_date(resource: Resource) -> str:
    date = resource.added or resource.date or "1970"
    parts = [*date.split("-"), "01", "01"][:3]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"


def atom_feed(catalog: Catalog, url_for: Callable[[str], str], *, title: str,
              limit: int = 50) -> str:
    """Atom feed of resources, newest first by date added (then publication date)."""
    newest = sorted(catalog.resources, key=lambda r: (_feed_date(r), r.id), reverse=True)[:limit]
    updated = _feed_date(newest[0]) if newest else "1970-01-01T00:00:00Z"
    entries = []
    for r in newest:
        link = url_for(resource_folder(r.id))
        authors = "".join(f"<author><name>{xml_escape(a)}</name></author>"
                          for a in (r.authors or [r.publisher]))
        entries.append(
            f"<entry><id>{xml_escape(link)}</id><title>{xml_escape(r.title)}</title>"
            f'<link rel="alternate" href="{xml_escape(link)}"/>'
            f"<updated>{_feed_date(r)}</updated>{authors}"
            f"<summary>{xml_escape(' '.join(r.summary.split()))}</summary></entry>")
    home = url_for("")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<id>{xml_escape(home)}</id><title>{xml_escape(title)}</title>"
            f'<link rel="alternate" href="{xml_escape(home)}"/>'
            f'<link rel="self" href="{xml_escape(url_for(FEED))}"/>'
            f"<updated>{updated}</updated>" + "".join(entries) + "</feed>\n")


def feed_text(catalog: Catalog, templates: Templates) -> str:
    return atom_feed(catalog, templates.urls.absolute, title=templates.label("site_title"))
