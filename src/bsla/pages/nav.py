"""Navigation files (``.pages`` for mkdocs-awesome-pages-plugin).

Collections come in taxonomy order; resource pages are kept out of the
navigation, so a page's weight does not grow with the catalog.
"""

from __future__ import annotations

from typing import Any

import yaml

from bsla.catalog import Catalog
from bsla.generated import GeneratedPage
from bsla.urls import HOME_SRC_URI, NAV_FILE, RESOURCES_DIR


def nav_files(catalog: Catalog, lang: str = "en") -> list[GeneratedPage]:
    taxonomy = catalog.taxonomy
    pages = [GeneratedPage(NAV_FILE, yaml.safe_dump(
        {"nav": [HOME_SRC_URI, *(c.id for c in taxonomy.collections), "..."]},
        sort_keys=False))]
    pages.append(GeneratedPage(f"{RESOURCES_DIR}/{NAV_FILE}", yaml.safe_dump({"hide": True})))
    for c in taxonomy.collections:
        nav: list[Any] = ["index.md", *(f"{s.id}.md" for s in c.sections)]
        pages.append(GeneratedPage(f"{c.id}/{NAV_FILE}", yaml.safe_dump(
            {"title": c.label_in(lang), "nav": nav}, sort_keys=False, allow_unicode=True)))
    return pages
