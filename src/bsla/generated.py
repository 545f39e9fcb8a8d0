"""What the engine adds to a site: generated pages and files copied from elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    content: str
    # Resource pages stay out of the navigation, so a page's weight and the nav's
    # build time do not grow with the catalog.
    in_nav: bool = True


@dataclass(frozen=True)
class CopiedFile:
    src_uri: str
    source: Path


@dataclass(frozen=True)
class RenderedSite:
    pages: list[GeneratedPage]
    files: list[CopiedFile]
