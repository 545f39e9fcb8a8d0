"""The text extractor gate: the build's extractor reads the words the corpus was written with.

The corpus (bench/extractor_corpus.py) knows the words it put on every page,
so this is checked against what was written, not against another extractor.
The bench (bench/extractor_gate.py) measures speed and compares extractors.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from bench.extractor_corpus import build_corpus, words, write_corpus
from bench.extractor_gate import RECALL_NEEDED, Agreement, Row, decision, in_order, matched
from bsla import pdf_worker


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    items = build_corpus(report_pages=2, long_pages=300)
    paths = write_corpus(tmp_path_factory.mktemp("corpus"), items)
    return list(zip(paths, items, strict=True))


def _read(path: Path) -> list[list[str]]:
    return [words(text) for text in pdf_worker.read_page_texts(str(path))]


def test_the_corpus_covers_every_kind_the_issue_names(corpus):
    names = " ".join(item.name for _, item in corpus)
    assert len(corpus) >= 30
    for kind in ("one-column", "two-columns", "table", "form-fillable", "spanish", "ligatures",
                 "scanned", "rotated", "long-report"):
        assert kind in names
    assert max(item.pages for _, item in corpus) >= 300


def test_the_build_reads_every_written_word_in_order(corpus):
    total = Agreement()
    for path, item in corpus:
        if item.stress:
            continue
        pages = _read(path)
        assert len(pages) == len(item.expected), item.name
        for number, (got, written) in enumerate(zip(pages, item.expected, strict=True), 1):
            # Page by page: the per-page text the search index keeps must not shift.
            assert matched(written, got) == len(written), (item.name, number)
            assert in_order(written, got) >= 0.99 * len(written), (item.name, number)
        total.add(item.name, [w for page in item.expected for w in page],
                  [w for page in pages for w in page])
    assert total.recall >= RECALL_NEEDED and not total.losing


def test_accents_and_ligatures_come_out_as_letters(corpus):
    by_name = {item.name.split("-", 1)[1]: path for path, item in corpus}
    spanish = " ".join(pdf_worker.read_page_texts(str(by_name["spanish-ttf.pdf"])))
    assert any(word in spanish for word in ("educación", "niños", "año", "página", "también"))
    ligatures = words(" ".join(pdf_worker.read_page_texts(str(by_name["ligatures.pdf"]))))
    assert {"office", "find", "flow", "benefit"} & set(ligatures)


def test_image_only_pages_have_no_text_and_do_not_shift_the_others(corpus):
    by_name = {item.name.split("-", 1)[1]: (path, item) for path, item in corpus}
    path, _ = by_name["scanned.pdf"]
    assert pdf_worker.read_page_texts(str(path)) == ["", "", ""]
    path, item = by_name["text-and-scan.pdf"]
    pages = _read(path)
    assert pages[2] == [] and pages[3] == item.expected[3]


def test_a_page_turned_by_rotate_is_read_upright_and_its_cover_stays_turned(corpus, tmp_path):
    path, item = next((p, i) for p, i in corpus if i.name.endswith("rotated-90.pdf"))
    pages = _read(path)
    assert in_order(item.expected[0], pages[0]) == len(item.expected[0])
    cover = tmp_path / "cover.png"
    reply = pdf_worker.read_one(str(path), str(cover))
    assert "facts" in reply
    with Image.open(cover) as image:
        assert image.width > image.height  # a portrait page turned a quarter: landscape


def test_order_and_recall_measures():
    reference = ["a", "b", "c", "d", "e", "a"]
    assert matched(reference, ["a", "a", "b"]) == 3
    assert matched(reference, ["x", "y"]) == 0
    assert in_order(reference, reference) == 6
    assert in_order(reference, list(reversed(reference))) == 3  # "a b a", as the full LCS
    assert in_order(reference, ["a", "b", "e", "d", "c"]) == 3


def _row(name: str, speed: float, recall: float, losing: list[str]) -> Row:
    row = Row(name, pages_per_cpu_second=speed)
    row.vs_pdfium = Agreement(words=10_000, matched=int(recall * 10_000), in_order=0,
                              losing=losing)
    return row


def test_a_faster_extractor_is_adopted_only_without_word_loss():
    pdfium = _row("PDFium (pypdfium2)", 400, 1.0, [])
    assert decision([pdfium, _row("fast", 1200, 1.0, [])]).startswith("Adopt fast")
    kept = decision([pdfium, _row("fast", 1200, 0.995, ["table.pdf (12 of 340)"])])
    assert kept.startswith("Keep PDFium") and "1 files lose words" in kept
    assert "recall 98.00% < 99%" in decision([pdfium, _row("fast", 1200, 0.98, [])])
    assert "not faster" in decision([pdfium, _row("slow", 300, 1.0, [])])


def test_the_report_shows_the_gate_table_and_the_parallel_line(tmp_path, monkeypatch):
    from bench import report
    from bench.extractor_gate import figures

    rows = [_row("PDFium (pypdfium2)", 400, 1.0, []),
            _row("fast", 1200, 0.995, ["table.pdf (12 of 340)"])]
    for row in rows:
        row.rounds = [row.pages_per_cpu_second]
    gate, parallel = tmp_path / "gate.json", tmp_path / "parallel.json"
    gate.write_text(json.dumps(figures(rows, pages=600, files=39)), encoding="utf-8")
    cold = {"seconds": 40.0, "cpu_seconds": 70.0, "pdf_worker_cpu_seconds": 56.0,
            "pdf_seconds": 27.0, "pdf_files": 1000, "pdf_pages": 23_099, "load_before": 1.0,
            "load_after": 2.0}
    warm = {**cold, "seconds": 12.0, "cpu_seconds": 11.0}
    parallel.write_text(json.dumps({"n": 1000, "runs": [
        {"cold": cold, "warm": warm, "cores": 2, "bound": 12.0 + 56.0 / 2 * 1.15,
         "met": True}]}), encoding="utf-8")
    monkeypatch.setattr(report, "GATE_JSON", gate)
    monkeypatch.setattr(report, "PARALLEL_JSON", parallel)
    target = tmp_path / "benchmarks.md"
    report.rewrite_report(target)
    text = target.read_text(encoding="utf-8")
    assert "## Text extractor gate" in text and "| fast | 1,200 | 99.50% |" in text
    assert "Decision: Keep PDFium. fast: 1 files lose words." in text
    assert "cold 40.0 s ≤ warm 12.0 s + PDF workers' CPU 56.0 s ÷ 2 cores × 1.15 = 44.2 s: met" \
        in text
    assert "## Cold build parallel efficiency" in text and "Before: N = 1,000" in text
