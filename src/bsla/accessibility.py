"""Accessibility of the deposited PDFs, read from the files themselves.

Four checks a screen-reader user depends on: the PDF is tagged (a structure
tree and MarkInfo), declares its language, has a title that viewers show
(DisplayDocTitle), and has extractable text (it is not a scan of images).
"""

from __future__ import annotations

from dataclasses import dataclass

from bsla.catalog import Catalog
from bsla.schema import Resource

# Fewer characters than this per page, on average, suggests scanned images.
MIN_TEXT_CHARS_PER_PAGE = 20
CHECKS = ("tagged", "language", "title", "text")


@dataclass(frozen=True)
class PdfAccessibility:
    tagged: bool
    language: bool
    title: bool
    text: bool

    @property
    def passed(self) -> list[str]:
        return [name for name in CHECKS if getattr(self, name)]

    @property
    def missing(self) -> list[str]:
        return [name for name in CHECKS if not getattr(self, name)]


def assess(resource: Resource) -> PdfAccessibility | None:
    facts = resource.pdf
    if facts is None:
        return None
    return PdfAccessibility(
        tagged=bool(facts.tagged),
        language=bool(facts.lang),
        title=bool(facts.title) and bool(facts.display_doc_title),
        text=facts.pages > 0 and facts.text_chars >= MIN_TEXT_CHARS_PER_PAGE * facts.pages,
    )


def report_table(catalog: Catalog) -> str:
    """The maintainers' summary printed by `build_site.py check --accessibility`."""
    rows = [(r, assess(r)) for r in catalog.resources if r.pdf is not None]
    if not rows:
        return "No deposited PDFs to assess."
    width = max(len("resource"), *(len(r.id) for r, _ in rows))
    mark = {True: "yes", False: "NO"}
    lines = [f"{'resource':<{width}}  tagged  language  title  text",
             f"{'-' * width}  ------  --------  -----  ----"]
    for r, a in rows:
        assert a is not None
        lines.append(f"{r.id:<{width}}  {mark[a.tagged]:<6}  {mark[a.language]:<8}  "
                     f"{mark[a.title]:<5}  {mark[a.text]}")
    complete = sum(1 for _, a in rows if a is not None and not a.missing)
    lines.append(f"{complete} of {len(rows)} PDFs pass all four checks.")
    return "\n".join(lines)
