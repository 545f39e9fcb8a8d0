"""The Atom feed of resources (feed.xml), with ids and dates that never mislead a reader.

- Ids are ``tag:`` URIs (RFC 4151) built from ``site.feed_id`` in taxonomy.yml
  and the resource's id, so they are absolute (RFC 4287 asks for an IRI) and
  stay the same when the site moves to another address: subscribers never see
  every entry as new. Without a ``feed_id``, ids are name-based UUID URNs, just
  as permanent.
- An entry's date is the resource's ``added`` date, else when its YAML file
  first entered the project's git history, else its publication date, else
  the build time (``SOURCE_DATE_EPOCH`` when set): never 1970.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from xml.sax.saxutils import escape as xml_escape

from bsla.catalog import Catalog
from bsla.clock import build_time
from bsla.git_dates import first_commit_times
from bsla.pages.templates import Templates
from bsla.schema import Resource
from bsla.urls import FEED, resource_folder

UrlFor = Callable[[str], str]
ATOM_TIME = "%Y-%m-%dT%H:%M:%SZ"


def feed_id(catalog: Catalog) -> str:
    configured = catalog.taxonomy.feed_id
    return configured or f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'bsla-library:feed')}"


def entry_id(catalog: Catalog, resource: Resource) -> str:
    configured = catalog.taxonomy.feed_id
    if configured:
        return f"{configured}/resources/{resource.id}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'bsla-library:resources/{resource.id}')}"


def _calendar_date(text: str) -> dt.datetime:
    """YYYY, YYYY-MM or YYYY-MM-DD (as the schema validated them) at midnight UTC."""
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return dt.datetime(parts[0], parts[1], parts[2], tzinfo=dt.UTC)


def entry_dates(catalog: Catalog, now: dt.datetime) -> dict[str, dt.datetime]:
    """Each resource's date in the feed, by resource id (see the module's docstring)."""
    committed = first_commit_times(catalog.root, catalog.taxonomy.content_roots())
    dates = {}
    for r in catalog.resources:
        source = r.source.relative_to(catalog.root).as_posix() \
            if r.source.is_relative_to(catalog.root) else ""
        if r.added:
            dates[r.id] = _calendar_date(r.added)
        elif source in committed:
            dates[r.id] = committed[source]
        elif r.date:
            dates[r.id] = _calendar_date(r.date)
        else:
            dates[r.id] = now
    return dates


def atom_feed(catalog: Catalog, url_for: UrlFor, *, title: str, limit: int = 50,
              now: dt.datetime | None = None) -> str:
    """Atom feed of resources, newest first."""
    now = now or build_time()
    dates = entry_dates(catalog, now)
    newest = sorted(catalog.resources, key=lambda r: (dates[r.id], r.id), reverse=True)[:limit]
    updated = dates[newest[0].id] if newest else now
    entries = []
    for r in newest:
        link = url_for(resource_folder(r.id))
        authors = "".join(f"<author><name>{xml_escape(a)}</name></author>"
                          for a in (r.authors or [r.publisher]))
        entries.append(
            f"<entry><id>{xml_escape(entry_id(catalog, r))}</id>"
            f"<title>{xml_escape(r.title)}</title>"
            f'<link rel="alternate" href="{xml_escape(link)}"/>'
            f"<updated>{dates[r.id].strftime(ATOM_TIME)}</updated>{authors}"
            f"<summary>{xml_escape(' '.join(r.summary.split()))}</summary></entry>")
    home = url_for("")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<id>{xml_escape(feed_id(catalog))}</id><title>{xml_escape(title)}</title>"
            f'<link rel="alternate" href="{xml_escape(home)}"/>'
            f'<link rel="self" href="{xml_escape(url_for(FEED))}"/>'
            f"<updated>{updated.strftime(ATOM_TIME)}</updated>" + "".join(entries) + "</feed>\n")


def feed_text(catalog: Catalog, templates: Templates) -> str:
    return atom_feed(catalog, templates.urls.absolute, title=templates.label("site_title"))
