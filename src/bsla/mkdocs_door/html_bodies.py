"""Generated pages' HTML bodies skip Python-Markdown while MkDocs renders them."""

from __future__ import annotations

import re

_OPENING_TAG = re.compile(r"(?m)^<(article|div|section|main)(?=[\s>])")
BODY_MARKER = "<!-- bsla:generated-html -->"


def html_tail(markdown: str) -> tuple[str, str] | None:
    """Split a generated page into (Markdown before, one trailing HTML element).

    Python-Markdown passes a block-level HTML element through untouched, but
    finding that out parses the whole element: about 3 ms per resource page and
    90 ms per listing of 250 cards (bench/, cProfile). The engine rendered that
    element itself, so only the Markdown before it (a heading, say) is converted
    and the element is put back afterwards. None when the page does not end in
    exactly one such element (Markdown after it, or ``markdown=`` for md_in_html).
    """
    opening = _OPENING_TAG.search(markdown)
    if opening is None:
        return None
    before, element = markdown[: opening.start()], markdown[opening.start():].rstrip()
    if (before.strip() and not before.endswith("\n\n")) or " markdown=" in element:
        return None
    tag = opening.group(1)
    depth = 0
    for match in re.finditer(rf"<(/?){tag}(?=[\s>])", element):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            # The first element must close exactly at the end of the page.
            return (before, element) if match.end() + 1 == len(element) else None
    return None


class HtmlBodies:
    """The bodies set aside between ``on_page_markdown`` and ``on_page_content``."""

    def __init__(self) -> None:
        self.generated: set[str] = set()
        self._bodies: dict[str, str] = {}

    def clear(self) -> None:
        self.generated.clear()
        self._bodies.clear()

    def set_aside(self, src_uri: str, markdown: str) -> str | None:
        """The Markdown MkDocs should convert, with the body replaced by a marker; or None."""
        split = html_tail(markdown) if src_uri in self.generated else None
        if split is None:
            return None
        before, self._bodies[src_uri] = split
        return f"{before}{BODY_MARKER}\n"

    def put_back(self, src_uri: str, html: str) -> str:
        body = self._bodies.pop(src_uri, None)
        return html if body is None else html.replace(BODY_MARKER, body, 1)
