"""Search: the facets of the catalog and the Pagefind index built from it.

Pagefind writes a chunked static index: a query downloads only the chunks for
its words and the fragments of the results it shows, never the whole catalog
(docs/search.md has the reasons and the measured bytes). The index is built
from the catalog, not by crawling the served pages: each resource gets one
small HTML record carrying its metadata *and the text of its PDF*, so the PDF
text is searchable while the page a visitor downloads stays small.

Both doors call ``write_search_index``: the MkDocs hook after a build, and
``build_site.py index`` for a site built by another renderer from the
Markdown tree of ``build_site.py render``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bsla.catalog import Catalog
from bsla.errors import LibraryError, Problems
from bsla.render import Renderer, page_url, resource_src_uri
from bsla.schema import Resource

SEARCH_DIR = "pagefind"
RECORD_TEMPLATE = "search_record.html.j2"
# One index for every resource: Pagefind would otherwise split the index by
# page language and an English visitor could never find a Spanish resource.
INDEX_LANGUAGE = "en"
# A word every record carries. Pagefind answers a search with no words (filters
# only) by loading every index chunk, the whole-catalog download this index
# exists to avoid; searching for this word instead loads one chunk.
EVERY_RECORD_WORD = "zzbslaeveryz"
# PDF words indexed in their order (excerpts quote them); after these, each further
# distinct word is indexed once. Every word of a PDF stays findable, while a word
# that fills a long PDF no longer makes its index chunk grow with every repetition
# (at 10,000 resources that chunk alone passed 200 KB).
PDF_HEAD_WORDS = 1000
# Indexing 10,000 records takes well under a minute; this only stops a hung run.
PAGEFIND_TIMEOUT_S = 900
# Files the search page loads; checked to be present and non-empty after indexing.
BUNDLE_FILES = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.en.pagefind")


@dataclass(frozen=True)
class FacetValue:
    id: str
    label: str
    count: int


@dataclass(frozen=True)
class Facet:
    """A way to narrow the catalog; ``id`` is both the URL parameter and the Pagefind filter."""

    id: str
    label_key: str
    values_of: Callable[[Resource], list[str]]


FACETS: tuple[Facet, ...] = (
    Facet("collection", "field_collection", lambda r: [r.collection.id]),
    Facet("section", "field_section", lambda r: [r.section.id] if r.section else []),
    Facet("type", "field_type", lambda r: [r.type]),
    Facet("capacity", "field_capacities", lambda r: list(r.capacities)),
    Facet("focus", "field_focus_areas", lambda r: list(r.focus_areas)),
    Facet("audience", "field_audiences", lambda r: list(r.audiences)),
    Facet("language", "field_language", lambda r: [r.language]),
    Facet("year", "field_year", lambda r: [r.year] if r.year else []),
)
FACETS_BY_ID = {f.id: f for f in FACETS}
# Facets whose values are a taxonomy vocabulary (labels and order come from there).
FACET_VOCABULARIES = {"type": "types", "capacity": "capacities", "focus": "focus_areas",
                      "audience": "audiences", "language": "languages"}


def facet_terms(catalog: Catalog, facet: Facet, lang: str = "en") -> list[tuple[str, str]]:
    """Every (value id, label) a facet offers, in display order."""
    taxonomy = catalog.taxonomy
    if facet.id == "collection":
        return [(c.id, c.label_in(lang)) for c in taxonomy.collections]
    if facet.id == "section":
        return [(s.id, s.label_in(lang)) for c in taxonomy.collections for s in c.sections]
    if facet.id == "year":
        years = sorted({r.year for r in catalog.resources if r.year}, reverse=True)
        return [(y, y) for y in years]
    vocabulary = taxonomy.vocabulary(FACET_VOCABULARIES[facet.id])
    return [(term.id, term.label_in(lang)) for term in vocabulary.values()]


def facet_values(catalog: Catalog, facet: Facet, lang: str = "en") -> list[FacetValue]:
    counts: Counter[str] = Counter()
    for resource in catalog.resources:
        counts.update(set(facet.values_of(resource)))
    return [FacetValue(vid, label, counts[vid]) for vid, label in facet_terms(catalog, facet, lang)]


def matching(catalog: Catalog, selected: dict[str, list[str]]) -> list[Resource]:
    """Resources a facet selection keeps: AND across facets, OR within one.

    The search page's script applies the same rule through Pagefind; this is
    the reference the counts on generated pages (capacity matrix) come from.
    """
    return [
        r for r in catalog.resources
        if all(set(FACETS_BY_ID[fid].values_of(r)) & set(values)
               for fid, values in selected.items() if values)
    ]


def searchable_text(text: str, head_words: int = PDF_HEAD_WORDS) -> str:
    """The first ``head_words`` words as written, then every later word not seen yet, once."""
    words = text.split()
    if len(words) <= head_words:
        return " ".join(words)
    seen = {_word_key(w) for w in words[:head_words]}
    tail = []
    for word in words[head_words:]:
        key = _word_key(word)
        if key and key not in seen:
            seen.add(key)
            tail.append(word)
    return " ".join(words[:head_words] + tail)


def _word_key(word: str) -> str:
    return word.strip(".,;:!?()[]{}\"'“”‘’«»…-–—").casefold()


def record_url(resource: Resource, use_directory_urls: bool) -> str:
    return "/" + page_url(resource_src_uri(resource.id), use_directory_urls)


def record_html(renderer: Renderer, resource: Resource, position: int) -> str:
    """The HTML Pagefind indexes for one resource (never served to visitors)."""
    lang = renderer.lang
    taxonomy = renderer.catalog.taxonomy
    terms = [
        taxonomy.vocabulary(vocabulary)[t].label_in(lang)
        for facet, vocabulary in (("capacities", "capacities"), ("focus_areas", "focus_areas"),
                                  ("audiences", "audiences"))
        for t in getattr(resource, facet)
    ]
    place = resource.collection.label_in(lang)
    if resource.section:
        place += " › " + resource.section.label_in(lang)
    return renderer.render_template(
        RECORD_TEMPLATE,
        r=resource,
        index_lang=INDEX_LANGUAGE,
        place=place,
        type_label=taxonomy.vocabulary("types")[resource.type].label_in(lang),
        terms=terms,
        pdf_text=searchable_text(resource.pdf.text) if resource.pdf is not None else "",
        filters=[(f.id, v) for f in FACETS for v in f.values_of(resource)],
        order=f"{position:06d}",
        every_word=EVERY_RECORD_WORD,
    )


def write_records(renderer: Renderer, out_dir: Path, use_directory_urls: bool) -> int:
    """One record file per resource, laid out like the site so URLs come out right."""
    for position, resource in enumerate(renderer.catalog.resources):
        relative = record_url(resource, use_directory_urls).lstrip("/")
        if relative.endswith("/") or not relative:
            relative += "index.html"
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(record_html(renderer, resource, position), encoding="utf-8")
    return len(renderer.catalog.resources)


def _run_pagefind(records: Path, output: Path, keep_index_url: bool) -> str | None:
    """Index ``records`` into ``output``; return None on success, else what went wrong.

    Pagefind's own program is run to completion (``python -m pagefind`` finds the
    binary the wheel ships). Its Python service API was tried first and, about
    once in fifteen builds, left a bundle file empty: it stops the service right
    after the write is acknowledged. A finished process has written everything.
    """
    command = [sys.executable, "-m", "pagefind", "--site", str(records),
               "--output-path", str(output), "--force-language", INDEX_LANGUAGE, "--quiet"]
    if keep_index_url:
        command.append("--keep-index-url")
    try:
        done = subprocess.run(command, capture_output=True, text=True,
                              timeout=PAGEFIND_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode != 0:
        return (done.stderr or done.stdout).strip() or f"pagefind exited with {done.returncode}"
    missing = [name for name in BUNDLE_FILES
               if not (output / name).is_file() or (output / name).stat().st_size == 0]
    if missing:
        return "the search bundle is incomplete (" + ", ".join(missing) + ")"
    return None


def indexed_count(output: Path) -> int:
    """How many pages the written index holds, from Pagefind's entry file."""
    entry = json.loads((output / "pagefind-entry.json").read_text("utf-8"))
    return sum(int(language["page_count"]) for language in entry["languages"].values())


def write_search_index(renderer: Renderer, site_dir: Path, *,
                       use_directory_urls: bool = True) -> int:
    """Write the Pagefind bundle into ``site_dir/pagefind``; return the resources indexed.

    Raises LibraryError (one problem, with a hint) when Pagefind cannot run.
    """
    output = site_dir.resolve() / SEARCH_DIR
    problems = Problems()
    with tempfile.TemporaryDirectory(prefix="bsla-search-") as tmp:
        expected = write_records(renderer, Path(tmp), use_directory_urls)
        if expected == 0:
            return 0  # Pagefind refuses an empty site; the search page says search is off.
        failure = _run_pagefind(Path(tmp), output, not use_directory_urls)
    if failure is not None:
        problems.add("pagefind", None, f"the search index could not be built: {failure}",
                     "reinstall the project's packages (pip install -e .), which brings "
                     "Pagefind's program, then build again")
        raise LibraryError(problems.sorted())
    indexed = indexed_count(output)
    if indexed != expected:
        problems.add("pagefind", None, f"the search index holds {indexed} resources, "
                     f"expected {expected}", "report this as a bug in the library engine")
        raise LibraryError(problems.sorted())
    return indexed
