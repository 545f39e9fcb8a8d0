"""Splitting long lists of resource cards over numbered pages.

A listing page must not carry the whole catalog once it is large; page 1 keeps
the listing's own address and page N lives at ``<listing>/page-N``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bsla.urls import page_src_uri

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    number: int
    count: int  # how many pages in all
    items: Sequence[T]
    start: int  # 1-based position of the first item
    total: int  # items on all pages
    first_src_uri: str

    @property
    def end(self) -> int:
        return self.start + len(self.items) - 1

    @property
    def src_uri(self) -> str:
        return page_src_uri(self.first_src_uri, self.number)

    def src_uri_of(self, number: int) -> str:
        return page_src_uri(self.first_src_uri, number)

    def nearby(self, reach: int = 2) -> list[int | None]:
        """Page numbers to link: first, last and ``reach`` either side; None marks a gap.

        Linking every page would make page 1 of a 10,000-card list heavy again.
        """
        keep = {1, self.count, *range(self.number - reach, self.number + reach + 1)}
        numbers = sorted(n for n in keep if 1 <= n <= self.count)
        shown: list[int | None] = []
        for n in numbers:
            if shown and shown[-1] is not None and n - shown[-1] > 1:
                shown.append(None)
            shown.append(n)
        return shown


def paginate(items: Sequence[T], size: int, first_src_uri: str) -> list[Page[T]]:
    """At least one page, even for an empty list (the page then says it is empty)."""
    if size < 1:
        raise ValueError("page size must be at least 1")
    chunks = [items[i:i + size] for i in range(0, len(items), size)] or [items[:0]]
    return [Page(n, len(chunks), chunk, (n - 1) * size + 1, len(items), first_src_uri)
            for n, chunk in enumerate(chunks, start=1)]
