"""The Atom feed of resources (feed.xml), with ids and dates that never mislead a reader.

- Ids are ``tag:`` URIs (RFC 4151) built from ``site.feed_id`` in taxonomy.yml
  and the resource's id, so they are absolute (RFC 4287 asks for an IRI) and
  stay the same when the site moves to another address: subscribers never see
  every entry as new. Without a ``feed_id``, ids are name-based UUID URNs, just
  as permanent.
- An entry's date is the resource's ``added`` date, else when its YAML file
  first entered the project's git history, else its publication date, else
  the build time (``SOURCE_DATE_EPOCH`` when set): never 1970.
- Each language's site has its own feed (``/es/feed.xml``): titles and
  summaries in its language where a translation exists, else the resource's
  own text tagged with ``xml:lang`` (as the pages mark it with ``lang``). It is
  a feed of its own, so its id and its entries' ids carry the language; the
  main language's keep the ids they always had.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from xml.sax.saxutils import escape as xml_escape

from bsla.catalog import Catalog
from bsla.clock import build_time
from bsla.git_dates import first_commit_times, source_keys
from bsla.pages.templates import Shown, Templates
from bsla.schema import Resource
from bsla.urls import DEFAULT_LANGUAGE, FEED, language_prefix, resource_folder

UrlFor = Callable[[str], str]
ATOM_TIME = "%Y-%m-%dT%H:%M:%SZ"


def feed_id(catalog: Catalog, lang: str = DEFAULT_LANGUAGE) -> str:
    configured = catalog.taxonomy.feed_id
    if configured:
        return configured + _in(lang)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'bsla-library:{language_prefix(lang)}feed')}"


def entry_id(catalog: Catalog, resource: Resource, lang: str = DEFAULT_LANGUAGE) -> str:
    configured = catalog.taxonomy.feed_id
    if configured:
        return f"{configured}{_in(lang)}/resources/{resource.id}"
    name = f"bsla-library:{language_prefix(lang)}resources/{resource.id}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _in(lang: str) -> str:
    """What a feed in ``lang`` adds to an id ('' in the main language, whose ids never change)."""
    return "" if lang == DEFAULT_LANGUAGE else f"/{lang}"


def _calendar_date(text: str) -> dt.datetime:
    """YYYY, YYYY-MM or YYYY-MM-DD (as the schema validated them) at midnight UTC."""
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return dt.datetime(parts[0], parts[1], parts[2], tzinfo=dt.UTC)


def entry_dates(catalog: Catalog, now: dt.datetime) -> dict[str, dt.datetime]:
    """Each resource's date in the feed, by resource id (see the module's docstring)."""
    committed = first_commit_times(catalog.root, catalog.taxonomy.content_roots())
    dates = {}
    sources = source_keys((r.source for r in catalog.resources), catalog.root)
    for r, source in zip(catalog.resources, sources, strict=True):
        if r.added:
            dates[r.id] = _calendar_date(r.added)
        elif source in committed:
            dates[r.id] = committed[source]
        elif r.date:
            dates[r.id] = _calendar_date(r.date)
        else:
            dates[r.id] = now
    return dates


def _text_element(name: str, text: str, lang: str, feed_lang: str) -> str:
    """``<name>text</name>``, saying its language where it is not the feed's."""
    attr = f' xml:lang="{xml_escape(lang)}"' if lang != feed_lang else ""
    return f"<{name}{attr}>{xml_escape(' '.join(text.split()))}</{name}>"


def atom_feed(catalog: Catalog, url_for: UrlFor, *, title: str, subtitle: str = "",
              lang: str = DEFAULT_LANGUAGE, shown: Callable[[Resource], Shown] | None = None,
              limit: int = 50, now: dt.datetime | None = None) -> str:
    """Atom feed of resources in ``lang``, newest first.

    ``shown`` gives a resource's title and summary as the site in ``lang``
    shows them (``Templates.shown``); without it, each entry is in the
    resource's own language.
    """
    now = now or build_time()
    dates = entry_dates(catalog, now)
    newest = sorted(catalog.resources, key=lambda r: (dates[r.id], r.id), reverse=True)[:limit]
    updated = dates[newest[0].id] if newest else now
    entries = []
    for r in newest:
        link = url_for(resource_folder(r.id))
        authors = "".join(f"<author><name>{xml_escape(a)}</name></author>"
                          for a in (r.authors or [r.publisher]))
        if shown is not None:
            s = shown(r)
            (name, name_lang), (summary, summary_lang) = \
                (s.title.value, s.title.lang), (s.summary.value, s.summary.lang)
        else:
            (name, name_lang), (summary, summary_lang) = \
                (r.title, r.language), (r.summary, r.language)
        entries.append(
            f"<entry><id>{xml_escape(entry_id(catalog, r, lang))}</id>"
            + _text_element("title", name, name_lang, lang)
            + f'<link rel="alternate" href="{xml_escape(link)}"/>'
            f"<updated>{dates[r.id].strftime(ATOM_TIME)}</updated>{authors}"
            + _text_element("summary", summary, summary_lang, lang) + "</entry>")
    home = url_for("")
    described = f"<subtitle>{xml_escape(subtitle)}</subtitle>" if subtitle else ""
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{xml_escape(lang)}">'
            f"<id>{xml_escape(feed_id(catalog, lang))}</id><title>{xml_escape(title)}</title>"
            f"{described}"
            f'<link rel="alternate" href="{xml_escape(home)}"/>'
            f'<link rel="self" href="{xml_escape(url_for(FEED))}"/>'
            f"<updated>{updated.strftime(ATOM_TIME)}</updated>" + "".join(entries) + "</feed>\n")


def feed_text(catalog: Catalog, templates: Templates) -> str:
    return atom_feed(catalog, templates.urls.absolute, title=templates.label("site_title"),
                     subtitle=templates.label("feed_subtitle"), lang=templates.lang,
                     shown=templates.shown)
