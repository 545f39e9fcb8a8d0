"""Addresses of keyword (tag) pages; the pages themselves are in bsla.discovery."""

from __future__ import annotations

import hashlib
import re
import unicodedata

TAGS_DIR = "tags"
# A tag page must never take the address of the tags index.
RESERVED_SLUGS = {"index"}


def tag_slug(tag: str) -> str:
    """A stable URL segment for a free keyword: accents folded, lowercase, hyphens."""
    folded = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if not slug:
        # Keywords in scripts with no ASCII letters still need a distinct address.
        slug = "tag-" + hashlib.sha256(tag.encode("utf-8")).hexdigest()[:10]
    if slug in RESERVED_SLUGS or re.fullmatch(r"page-\d+", slug):
        slug += "-tag"
    return slug


def tags_index_src_uri() -> str:
    return f"{TAGS_DIR}/index.md"


def tag_src_uri(tag: str) -> str:
    return f"{TAGS_DIR}/{tag_slug(tag)}.md"
