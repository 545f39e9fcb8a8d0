"""oai.xml: the catalog as an OAI-PMH Static Repository, for library aggregators to harvest.

A Static Repository (the Open Archives Initiative's guideline for collections of
up to a few thousand records) is one XML file at a fixed address; a Static
Repository Gateway answers harvesters' OAI-PMH requests from it. Each resource
is one ``oai_dc`` (simple Dublin Core) record built from the catalog.

- The gateway's address and the contact e-mail are ``site: oai_gateway`` and
  ``site: contact_email`` in taxonomy.yml. Without a gateway the file names its
  own address as the base URL; without an e-mail it names an address under the
  reserved ``.invalid`` domain (the schema requires one); ``check`` warns that
  registering with a gateway needs both.
- A record's identifier is an ``oai:`` identifier made from the domain and name
  of ``site: feed_id``, so like the feed's ids it stays the same when the site
  moves; without a feed_id it is the page's address. ``dc:identifier`` is
  always the page's address.
- A record's datestamp is the day its YAML file was last committed (the day of
  the build, ``SOURCE_DATE_EPOCH`` when set, for files not committed yet), so
  harvesters asking for changes since a date get the records edited since.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from xml.sax.saxutils import escape, quoteattr

from bsla.catalog import TAXONOMY_FILE, Catalog
from bsla.clock import build_time
from bsla.errors import WARNING, Problem
from bsla.git_dates import last_commit_times, source_keys
from bsla.pages.templates import Templates
from bsla.schema import Resource
from bsla.taxonomy import LANGUAGES, Taxonomy
from bsla.urls import (
    DEFAULT_LANGUAGE,
    OAI_XML,
    language_prefix,
    page_url,
    pdf_src_uri,
    resource_src_uri,
)

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
STATIC_NS = "http://www.openarchives.org/OAI/2.0/static-repository"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
SCHEMA_LOCATIONS = (
    f"{STATIC_NS} http://www.openarchives.org/OAI/2.0/static-repository.xsd "
    f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
# RFC 2606 reserves .invalid: an address that can never reach anyone by mistake.
NO_CONTACT = "contact-not-set@example.invalid"
# The DCMI Type of every resource the library holds (documents).
DCMI_TYPE = "Text"
PDF_FORMAT = "application/pdf"
# tag:<domain>,<date>:<name>; an e-mail authority has no domain of its own to use.
_FEED_TAG = re.compile(r"tag:([A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z][A-Za-z0-9-]*)+),[0-9-]+:(.+)")

REGISTRATION_WARNING = (
    "{missing} not set in taxonomy.yml (site: oai_gateway, site: contact_email), so "
    "oai.xml names {stand_in}. Registering the library with an OAI Static Repository Gateway "
    "for harvesting needs both (README: 'Preserving the library').")


def registration_warning(taxonomy: Taxonomy) -> Problem | None:
    """What `check` warns while oai.xml cannot yet be registered with a gateway."""
    missing = [name for name, value in (("site.oai_gateway", taxonomy.oai_gateway),
                                        ("site.contact_email", taxonomy.contact_email))
               if not value]
    if not missing:
        return None
    stand_in = ("the site's own address as its gateway" if not taxonomy.oai_gateway
                else f"the placeholder contact {NO_CONTACT}")
    return Problem(TAXONOMY_FILE, None,
                   REGISTRATION_WARNING.format(missing=" and ".join(missing), stand_in=stand_in),
                   code="oai-registration", severity=WARNING)


def record_identifier(taxonomy: Taxonomy, resource_id: str, page: str) -> str:
    """The record's OAI identifier: from feed_id's domain and name, else the page address."""
    match = _FEED_TAG.fullmatch(taxonomy.feed_id or "")
    if match is None:
        return page
    domain, name = match.groups()
    return f"oai:{domain}:{name}/resources/{resource_id}"


def base_url(taxonomy: Taxonomy, own_url: str) -> str:
    """The gateway's base URL followed by oai.xml's address without its scheme (the
    guideline's rule), or oai.xml's own address while either is unknown."""
    gateway = taxonomy.oai_gateway
    if not gateway or "://" not in own_url:
        return own_url
    return gateway.rstrip("/") + "/" + own_url.split("://", 1)[1]


def _element(name: str, value: str, lang: str | None = None) -> str:
    attribute = f" xml:lang={quoteattr(lang)}" if lang else ""
    return f"<dc:{name}{attribute}>{escape(' '.join(value.split()))}</dc:{name}>"


def _day(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d")


class _Addresses:
    """Absolute (or site-rooted) addresses of a resource's pages and PDF."""

    def __init__(self, templates: Templates) -> None:
        self.urls = templates.urls

    def page(self, resource_id: str, lang: str = DEFAULT_LANGUAGE) -> str:
        path = page_url(resource_src_uri(resource_id), self.urls.use_directory_urls)
        return self.urls.main_rooted(language_prefix(lang) + path)

    def pdf(self, resource_id: str) -> str:
        return self.urls.absolute(pdf_src_uri(resource_id))


def dublin_core(catalog: Catalog, resource: Resource, templates: Templates) -> list[str]:
    """The oai_dc elements of one resource, in the order the DC element set lists them."""
    taxonomy = catalog.taxonomy
    where = _Addresses(templates)
    r = resource
    title = f"{r.title}: {r.subtitle}" if r.subtitle else r.title
    parts = [_element("title", title, r.language)]
    for lang, translation in sorted(r.translations.items()):
        if translation.title:
            translated = (f"{translation.title}: {translation.subtitle}"
                          if translation.subtitle else translation.title)
            parts.append(_element("title", translated, lang))
    parts += [_element("creator", author) for author in r.authors]
    for vocabulary, ids in (("capacities", r.capacities), ("focus_areas", r.focus_areas)):
        terms = taxonomy.vocabulary(vocabulary)
        parts += [_element("subject", terms[i].label_in("en"), "en") for i in ids if i in terms]
    parts += [_element("subject", tag, r.language) for tag in r.tags]
    parts.append(_element("description", r.summary, r.language))
    for lang, translation in sorted(r.translations.items()):
        if translation.summary:
            parts.append(_element("description", translation.summary, lang))
    if r.publisher:
        parts.append(_element("publisher", r.publisher))
    if r.date:
        parts.append(_element("date", r.date))
    types = taxonomy.vocabulary("types")
    parts.append(_element("type", DCMI_TYPE))
    if r.type in types:
        parts.append(_element("type", types[r.type].label_in("en"), "en"))
    if r.pdf is not None:
        parts.append(_element("format", PDF_FORMAT))
    parts.append(_element("identifier", where.page(r.id)))
    parts.append(_element("language", r.language))
    if r.pdf is not None:
        parts.append(_element("relation", where.pdf(r.id)))
    if r.url:
        parts.append(_element("relation", r.url))
    # The same page in the site's other languages, then the resource's other editions.
    parts += [_element("relation", where.page(r.id, lang))
              for lang in LANGUAGES if lang != DEFAULT_LANGUAGE]
    parts += [_element("relation", where.page(edition.id)) for edition in catalog.editions(r)]
    if r.license:
        parts.append(_element("rights", r.license))
    return parts


def datestamps(catalog: Catalog) -> dict[str, str]:
    """Each resource's datestamp (YYYY-MM-DD), by id: when its YAML file last changed."""
    changed = last_commit_times(catalog.root, catalog.taxonomy.content_roots())
    today = _day(build_time())
    stamps = {}
    sources = source_keys((r.source for r in catalog.resources), catalog.root)
    for r, source in zip(catalog.resources, sources, strict=True):
        stamps[r.id] = _day(changed[source]) if source in changed else today
    return stamps


def _record(catalog: Catalog, r: Resource, templates: Templates, stamp: str) -> str:
    """One resource's <record> in oai.xml."""
    page = _Addresses(templates).page(r.id)
    return ("<oai:record><oai:header>"
            "<oai:identifier>"
            f"{escape(record_identifier(catalog.taxonomy, r.id, page))}</oai:identifier>"
            f"<oai:datestamp>{stamp}</oai:datestamp></oai:header>"
            f"<oai:metadata><oai_dc:dc xmlns:oai_dc={quoteattr(OAI_DC_NS)} "
            f"xmlns:dc={quoteattr(DC_NS)}>"
            + "".join(dublin_core(catalog, r, templates))
            + "</oai_dc:dc></oai:metadata></oai:record>\n")


def static_repository(catalog: Catalog, templates: Templates) -> str:
    """The whole oai.xml."""
    taxonomy = catalog.taxonomy
    own_url = templates.urls.absolute(OAI_XML)
    stamps = datestamps(catalog)
    earliest = min(stamps.values(), default=_day(build_time()))
    # A dev server rebuilds after every edit; unchanged records come from memory.
    records = [templates.memo(f"oai:{r.id}",
                              (r, tuple(e.id for e in catalog.editions(r)), stamps[r.id]),
                              functools.partial(_record, catalog, r, templates, stamps[r.id]))
               for r in catalog.resources]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Repository xmlns={quoteattr(STATIC_NS)} xmlns:oai={quoteattr(OAI_NS)} "
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f"xsi:schemaLocation={quoteattr(SCHEMA_LOCATIONS)}>\n"
        "<Identify>"
        f"<oai:repositoryName>{escape(templates.label('site_title'))}</oai:repositoryName>"
        f"<oai:baseURL>{escape(base_url(taxonomy, own_url))}</oai:baseURL>"
        "<oai:protocolVersion>2.0</oai:protocolVersion>"
        f"<oai:adminEmail>{escape(taxonomy.contact_email or NO_CONTACT)}</oai:adminEmail>"
        f"<oai:earliestDatestamp>{earliest}</oai:earliestDatestamp>"
        "<oai:deletedRecord>no</oai:deletedRecord>"
        "<oai:granularity>YYYY-MM-DD</oai:granularity>"
        "</Identify>\n"
        "<ListMetadataFormats><oai:metadataFormat>"
        "<oai:metadataPrefix>oai_dc</oai:metadataPrefix>"
        "<oai:schema>http://www.openarchives.org/OAI/2.0/oai_dc.xsd</oai:schema>"
        f"<oai:metadataNamespace>{OAI_DC_NS}</oai:metadataNamespace>"
        "</oai:metadataFormat></ListMetadataFormats>\n"
        '<ListRecords metadataPrefix="oai_dc">\n' + "".join(records) + "</ListRecords>\n"
        "</Repository>\n")


def oai_files(catalog: Catalog, templates: Templates) -> dict[str, str]:
    """oai.xml by name, for the main language's site only (its records already carry every
    language); none for an empty catalog, since a Static Repository needs a record."""
    if templates.lang != DEFAULT_LANGUAGE or not catalog.resources:
        return {}
    return {OAI_XML: static_repository(catalog, templates)}
