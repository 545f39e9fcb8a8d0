"""Machine-readable page metadata: Highwire ``citation_*`` tags and schema.org JSON-LD.

Zotero and Google Scholar read the Highwire tags; other catalogs read JSON-LD.
Both end up in ``<head>`` as pre-escaped HTML (MkDocs' theme templates do not
autoescape, so everything here is escaped before it leaves this module).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from markupsafe import Markup, escape

from bsla.catalog import Catalog
from bsla.cite import authors_of
from bsla.pages.templates import Templates, placement_src_uri
from bsla.schema import Resource
from bsla.urls import (
    CATALOG_CSV,
    CATALOG_JSON,
    HOME_SRC_URI,
    listing_src_uri,
    page_url,
    pdf_src_uri,
    resource_src_uri,
)

REPORT_TYPES = {"report", "issue-brief", "reflection-paper"}


def json_ld_script(data: dict[str, Any]) -> Markup:
    text = json.dumps(data, ensure_ascii=False, indent=None, sort_keys=False)
    # "</script" would end the element early and "<!--" changes how HTML parses
    # script text; JSON's \u escapes keep the same data with no "<" at all.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def _meta(name: str, content: str) -> str:
    return f'<meta name="{escape(name)}" content="{escape(content)}">'


def highwire_tags(resource: Resource, pdf_url: str | None) -> list[str]:
    tags = [_meta("citation_title", resource.title)]
    for author in authors_of(resource):
        name = author.family if author.is_organization else f"{author.family}, {author.given}"
        tags.append(_meta("citation_author", name))
    tags.append(_meta("citation_publisher", resource.publisher))
    if resource.type in REPORT_TYPES:
        tags.append(_meta("citation_technical_report_institution", resource.publisher))
    if resource.date:
        tags.append(_meta("citation_publication_date", resource.date.replace("-", "/")))
    tags.append(_meta("citation_language", resource.language))
    if pdf_url:
        tags.append(_meta("citation_pdf_url", pdf_url))
    for keyword in resource.tags:
        tags.append(_meta("citation_keywords", keyword))
    return tags


def resource_json_ld(catalog: Catalog, resource: Resource, *, page_url: str,
                     pdf_url: str | None, collection_url: str, lang: str = "en") -> dict[str, Any]:
    taxonomy = catalog.taxonomy
    people = [
        {"@type": "Organization", "name": a.family} if a.is_organization
        else {"@type": "Person", "familyName": a.family, "givenName": a.given,
              "name": f"{a.given} {a.family}"}
        for a in authors_of(resource)
    ]
    placement = resource.section or resource.collection
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Report" if resource.type in REPORT_TYPES else "DigitalDocument",
        "@id": page_url,
        "url": page_url,
        "identifier": resource.id,
        "name": resource.title,
        "headline": resource.title,
        "description": " ".join(resource.summary.split()),
        "author": people,
        "publisher": {"@type": "Organization", "name": resource.publisher},
        "inLanguage": resource.language,
        "genre": taxonomy.vocabulary("types")[resource.type].label_in(lang),
        "isPartOf": {"@type": "Collection", "name": placement.label_in(lang),
                     "url": collection_url},
        "about": [
            {"@type": "DefinedTerm", "name": taxonomy.vocabulary(v)[t].label_in(lang),
             "termCode": t, "inDefinedTermSet": v}
            for v, facet in (("capacities", resource.capacities),
                             ("focus_areas", resource.focus_areas))
            for t in facet
        ],
        "keywords": resource.tags,
        "creativeWorkStatus": taxonomy.vocabulary("statuses")[resource.status].label_in(lang),
    }
    if resource.translations:
        # JSON-LD's language-tagged values: the name and description in every language given.
        data["name"] = _tagged(resource, "title", resource.title)
        data["description"] = _tagged(resource, "summary", " ".join(resource.summary.split()))
    if resource.subtitle:
        data["alternativeHeadline"] = resource.subtitle
    if resource.date:
        data["datePublished"] = resource.date
    if resource.license:
        data["license"] = resource.license
    if resource.collection.series:
        data["isPartOf"]["alternateName"] = resource.collection.series_in(lang)
    if resource.pdf is not None and pdf_url:
        data["encoding"] = {
            "@type": "MediaObject",
            "contentUrl": pdf_url,
            "encodingFormat": "application/pdf",
            "contentSize": f"{resource.pdf.bytes} B",
            "sha256": resource.pdf.sha256,
            "numberOfPages": resource.pdf.pages,
        }
        data["numberOfPages"] = resource.pdf.pages
    elif resource.url:
        data["sameAs"] = resource.url
    return data


def _tagged(resource: Resource, field: str, own: str) -> list[dict[str, str]]:
    values = [{"@value": own, "@language": resource.language}]
    for lang, translation in sorted(resource.translations.items()):
        text = getattr(translation, field)
        if text:
            values.append({"@value": " ".join(text.split()), "@language": lang})
    return values


def catalog_json_ld(catalog: Catalog, *, site_name: str, home_url: str,
                    resource_url, lang: str = "en", export_url=None) -> dict[str, Any]:
    """DataCatalog for the home page: the library as a whole and its datasets.

    ``export_url`` gives the exports' addresses (default ``resource_url``):
    every language's site offers the one set, which the main language's publishes.
    """
    export_url = export_url or resource_url
    publisher = catalog.taxonomy.defaults.get("publisher", "")
    return {
        "@context": "https://schema.org",
        "@type": "DataCatalog",
        "name": site_name,
        "url": home_url,
        "publisher": {"@type": "Organization", "name": publisher},
        "inLanguage": lang,
        "numberOfItems": len(catalog.resources),
        "dataset": [
            {"@type": "Dataset", "name": f"{site_name} catalog (JSON)",
             "distribution": [
                 {"@type": "DataDownload", "encodingFormat": "application/json",
                  "contentUrl": export_url(CATALOG_JSON)},
                 {"@type": "DataDownload", "encodingFormat": "text/csv",
                  "contentUrl": export_url(CATALOG_CSV)},
             ]},
        ],
        "hasPart": [
            {"@type": "Collection", "name": c.label_in(lang),
             "url": resource_url(page_url(listing_src_uri(c.id), True))}
            for c in catalog.taxonomy.collections
        ],
    }


def _resource_head(catalog: Catalog, templates: Templates, r: Resource, src: str,
                   pdf_url: str | None) -> Markup:
    urls = templates.urls
    data = resource_json_ld(catalog, r, page_url=urls.absolute(src), pdf_url=pdf_url,
                            collection_url=urls.absolute(
                                placement_src_uri(r.section or r.collection)),
                            lang=templates.lang)
    return Markup("\n".join([*highwire_tags(r, pdf_url), json_ld_script(data)]))


def head_html(catalog: Catalog, templates: Templates) -> dict[str, Markup]:
    """Extra <head> markup per page source path (resource pages and the home page)."""
    urls = templates.urls
    heads: dict[str, Markup] = {}
    for r in catalog.resources:
        src = resource_src_uri(r.id)
        pdf_url = urls.absolute(pdf_src_uri(r.id)) if r.pdf is not None else None
        heads[src] = templates.memo(f"head:{r.id}", (r, pdf_url), functools.partial(
            _resource_head, catalog, templates, r, src, pdf_url))
    heads[HOME_SRC_URI] = json_ld_script(catalog_json_ld(
        catalog, site_name=templates.label("site_title"), home_url=urls.absolute(HOME_SRC_URI),
        resource_url=urls.rooted, lang=templates.lang,
        export_url=functools.partial(main_site_url, templates)))
    return heads


def main_site_url(templates: Templates, name: str) -> str:
    """The public URL of the file ``name`` of the main language's site (an export)."""
    return templates.urls.main_rooted(name)
