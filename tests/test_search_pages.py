"""PDF text kept page by page, and the search records that say on which page a hit is."""

from __future__ import annotations

import gzip
import json
import re

from bsla import pdf_worker
from bsla.catalog import load_catalog
from bsla.indexed_text import PAGE_BREAK, searchable_pages
from bsla.search.bundle import write_search_index
from bsla.search.records import pdf_pages, record_html
from tests.conftest import render_catalog

GOVERNANCE = "compendium/leadership-governance"
PHRASE = "marigold lantern syllabus"


def nine_page_pdf(path, phrase_page: int = 5):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for number in range(1, 10):
        pdf.add_page()
        pdf.multi_cell(0, 8, f"Ordinary handbook text, section {number}. "
                             + (PHRASE if number == phrase_page else ""))
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def test_pages_keep_their_places_and_the_head_as_written():
    assert searchable_pages(["a b a", "", "c"], head_words=10) == ["a b a", "", "c"]
    # After the head, each page keeps each of its words once, in order.
    assert searchable_pages(["x y x", "x z z y x", "w z"], head_words=3) == \
        ["x y x", "x z y", "w z"]


def test_a_word_on_a_few_pages_is_kept_on_each_and_one_on_many_pages_once():
    pages = ["budget plan x"] * 4 + ["budget heron"] + ["x"]
    # "budget" and "x" are on 5 pages: kept where first seen; "plan" on 4: kept on each.
    assert searchable_pages(pages, head_words=0, pages_per_word=4) == \
        ["budget plan x", "plan", "plan", "plan", "heron", ""]
    assert searchable_pages(["a x", "b x", "c", "d x"], head_words=0, pages_per_word=3) == \
        ["a x", "b x", "c", "d x"]
    # Spelling and punctuation do not make a word new.
    assert searchable_pages(["Budget.", "budget", "BUDGET!"], head_words=0,
                            pages_per_word=1) == ["Budget.", "", ""]


def test_the_worker_keeps_each_page_of_the_pdf_apart(tmp_path):
    facts = pdf_worker.read_one(str(nine_page_pdf(tmp_path / "nine.pdf")))["facts"]
    pages = facts["text"].split(PAGE_BREAK)
    assert facts["pages"] == 9 and len(pages) == 9
    assert [number for number, text in enumerate(pages, 1) if PHRASE in text] == [5]
    assert all(f"section {n}." in pages[n - 1] for n in range(1, 10))


def test_the_record_puts_each_page_under_a_heading_that_names_it(project):
    nine_page_pdf(project.root / GOVERNANCE / "nine.pdf")
    project.resource(GOVERNANCE, "nine", status="available", file="nine.pdf")
    project.resource(GOVERNANCE, "no-pdf")
    catalog = load_catalog(project.root)
    _, templates = render_catalog(catalog, project.root)
    nine = catalog.by_id["nine"]
    assert [n for n, text in pdf_pages(nine) if PHRASE in text] == [5]
    html = record_html(catalog, templates, nine, 0)
    headings = re.findall(r'<h2 id="p(\d+)">&#8203;</h2>\s*<p>([^<]*)</p>', html)
    assert [int(n) for n, _ in headings] == list(range(1, 10))
    assert PHRASE in dict(headings)["5"] and PHRASE not in dict(headings)["4"]
    # The PDF's address, from the resource page's own (the search page links into it).
    assert '<span data-pagefind-meta="pdf">nine.pdf</span>' in html
    bare = record_html(catalog, templates, catalog.by_id["no-pdf"], 1)
    assert '<h2 id="p' not in bare and 'data-pagefind-meta="pdf"' not in bare


def test_pagefind_reports_the_page_of_a_hit_as_an_anchor(project, tmp_path):
    nine_page_pdf(project.root / GOVERNANCE / "nine.pdf")
    project.resource(GOVERNANCE, "nine", status="available", file="nine.pdf")
    catalog = load_catalog(project.root)
    _, templates = render_catalog(catalog, project.root)
    assert write_search_index(catalog, templates, tmp_path / "site") == 1
    data, = (gzip.decompress(f.read_bytes()).decode("utf-8")
             for f in (tmp_path / "site/pagefind/fragment").iterdir())
    fragment = json.loads(data[data.index("{"):])  # after Pagefind's signature
    anchors = {a["id"]: a["location"] for a in fragment["anchors"]}
    assert [a["element"] for a in fragment["anchors"]] == ["h2"] * 9
    words = fragment["content"].split()
    phrase_at = next(i for i, w in enumerate(words) if w.startswith("marigold"))
    # The phrase lies after page 5's heading and before page 6's.
    assert anchors["p5"] <= phrase_at < anchors["p6"]
    assert fragment["meta"]["pdf"] == "nine.pdf"
