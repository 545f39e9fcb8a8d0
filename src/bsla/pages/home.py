"""The home page's list of collections, placed into the hand-written docs/index.md."""

from __future__ import annotations

from bsla.catalog import Catalog
from bsla.pages.templates import Templates
from bsla.urls import HOME_SRC_URI

# Where docs/index.md wants the list; without it the list goes at the end.
HOME_MARKER = "<!-- library:collections -->"


def home_block(catalog: Catalog, templates: Templates) -> str:
    return templates.render(
        "home_collections.html.j2",
        collections=catalog.taxonomy.collections,
        count_of=lambda placement: len(catalog.in_placement(placement.id)),
        href=templates.href_from(HOME_SRC_URI),
    )


def with_home_block(markdown: str, block: str) -> str:
    """The home page's Markdown with the collections list in its place."""
    if HOME_MARKER in markdown:
        return markdown.replace(HOME_MARKER, block, 1)
    return markdown.rstrip() + "\n\n" + block
