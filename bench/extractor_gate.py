"""The text extractor gate: PDFium (the build's) against pdf-oxide, by measurement.

Usage: python -m bench.extractor_gate [--rounds 3] [--long-pages 400] [--json FILE]

Runs every extractor over the corpus of bench/extractor_corpus.py (plus the
real PDFs installed on this machine, if any) and prints a Markdown table:

- pages per CPU second, the process pinned to one core (the median of
  ``--rounds`` rounds, extractors alternating within a round);
- recall of PDFium's words (as a multiset) and of the words written;
- order agreement: the longest run of the reference's words that the
  extractor gives in the same order (longest increasing subsequence of
  matched positions), as a share of the reference's words;
- files that lose words against PDFium, and against what was written.

The rule (docs/benchmarks.md): a faster extractor replaces PDFium only where
its recall of PDFium's words is at least 99% and no file loses words.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.extractor_corpus import CorpusPdf, build_corpus, real_pdfs, words, write_corpus
from bench.measure import package_version
from bench.report import (
    GATE_JSON,
    add_output_options,
    gate_markdown,
    percent,
    write_outputs,
)

RECALL_NEEDED = 0.99


def pdfium_pages(path: str) -> list[str]:
    # The build's own function: what is measured is what the build indexes.
    from bsla.pdf_worker import read_page_texts

    return read_page_texts(path)


def _oxide(extract_tables: bool) -> Callable[[str], list[str]]:
    def pages(path: str) -> list[str]:
        import pdf_oxide
        from pdf_oxide import PdfDocument

        pdf_oxide.disable_logging()  # its warnings on stderr would drown the table
        document = PdfDocument(path)
        return [document.extract_text(index, extract_tables=extract_tables) or ""
                for index in range(int(document.page_count))]

    return pages


def extractors() -> dict[str, Callable[[str], list[str]]]:
    found: dict[str, Callable[[str], list[str]]] = {"PDFium (pypdfium2)": pdfium_pages}
    try:
        import pdf_oxide  # noqa: F401
    except ImportError:
        return found
    found["pdf-oxide"] = _oxide(True)
    found["pdf-oxide, extract_tables=False"] = _oxide(False)
    return found


def matched(reference: Sequence[str], candidate: Sequence[str]) -> int:
    """How many of the reference's words the candidate has (multisets)."""
    return sum((Counter(reference) & Counter(candidate)).values())


def in_order(reference: Sequence[str], candidate: Sequence[str]) -> int:
    """Words of the reference the candidate gives in the reference's order.

    The k-th "park" of the candidate is matched with the k-th "park" of the
    reference; the longest increasing run of matched reference positions
    (O(n log n), unlike a full LCS over 100,000-word files) counts the words
    in order. Equal to the LCS when no word repeats; a close lower bound else.
    """
    positions: dict[str, list[int]] = {}
    for index, word in enumerate(reference):
        positions.setdefault(word, []).append(index)
    seen: Counter[str] = Counter()
    sequence = []
    for word in candidate:
        slots = positions.get(word)
        if slots and seen[word] < len(slots):
            sequence.append(slots[seen[word]])
        seen[word] += 1
    tails: list[int] = []
    for value in sequence:
        at = bisect.bisect_left(tails, value)
        if at == len(tails):
            tails.append(value)
        else:
            tails[at] = value
    return len(tails)


@dataclass
class Agreement:
    words: int = 0
    matched: int = 0
    in_order: int = 0
    losing: list[str] = field(default_factory=list)

    def add(self, name: str, reference: Sequence[str], candidate: Sequence[str]) -> None:
        found = matched(reference, candidate)
        self.words += len(reference)
        self.matched += found
        self.in_order += in_order(reference, candidate)
        if found < len(reference):
            self.losing.append(f"{name} ({len(reference) - found} of {len(reference)})")

    @property
    def recall(self) -> float:
        return self.matched / self.words if self.words else 1.0

    @property
    def order(self) -> float:
        return self.in_order / self.words if self.words else 1.0


def _document_words(pages: Sequence[str]) -> list[str]:
    return [word for text in pages for word in words(text)]


@dataclass
class Row:
    name: str
    pages_per_cpu_second: float = 0.0
    rounds: list[float] = field(default_factory=list)
    vs_pdfium: Agreement = field(default_factory=Agreement)
    vs_written: Agreement = field(default_factory=Agreement)
    stress_vs_written: Agreement = field(default_factory=Agreement)
    failures: list[str] = field(default_factory=list)
    # Pages and CPU seconds by kind of file, over every round.
    groups: dict[str, list[float]] = field(default_factory=dict)

    @property
    def passes(self) -> bool:
        return (self.vs_pdfium.recall >= RECALL_NEEDED and not self.vs_pdfium.losing
                and not self.failures)


def _one_core() -> None:
    """Pin this process (and any threads an extractor starts) to one CPU."""
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _group(item: CorpusPdf | None) -> str:
    if item is None:
        return "real PDFs"
    return "the long report" if item.pages >= 100 else "other generated PDFs"


def run_gate(files: Sequence[tuple[Path, CorpusPdf | None]], *, rounds: int = 3) -> list[Row]:
    _one_core()
    chosen = extractors()
    rows = {name: Row(name) for name in chosen}
    texts: dict[str, dict[Path, list[str]]] = {name: {} for name in chosen}
    pages = 0
    for round_number in range(rounds):
        names = list(chosen) if round_number % 2 == 0 else list(reversed(chosen))
        for name in names:
            began = time.process_time()
            read = 0
            for path, item in files:
                file_began = time.process_time()
                try:
                    result = chosen[name](str(path))
                except Exception as exc:  # an extractor that fails on a file is a finding
                    result = []
                    if round_number == 0:
                        rows[name].failures.append(f"{path.name}: {type(exc).__name__}: {exc}")
                group = rows[name].groups.setdefault(_group(item), [0, 0.0])
                group[0] += len(result)
                group[1] += time.process_time() - file_began
                texts[name][path] = result
                read += len(result)
            spent = time.process_time() - began
            rows[name].rounds.append(read / spent if spent else 0.0)
            pages = max(pages, read)
    for row in rows.values():
        row.pages_per_cpu_second = statistics.median(row.rounds)
    reference = texts["PDFium (pypdfium2)"]
    for name, row in rows.items():
        for path, item in files:
            got = _document_words(texts[name][path])
            row.vs_pdfium.add(path.name, _document_words(reference[path]), got)
            if item is not None and item.expected is not None:
                written = [word for page in item.expected for word in page]
                (row.stress_vs_written if item.stress else row.vs_written).add(
                    path.name, written, got)
    return list(rows.values())


def figures(rows: Sequence[Row], *, pages: int, files: int) -> dict[str, Any]:
    """The gate's results as JSON-ready data (bench/extractor_gate.json, docs/benchmarks.md)."""
    import platform
    return {
        "date": time.strftime("%Y-%m-%d"), "files": files, "pages": pages,
        "load_average": round(os.getloadavg()[0], 1), "python": platform.python_version(),
        "pypdfium2": package_version("pypdfium2"), "pdf-oxide": package_version("pdf-oxide"),
        "decision": decision(rows),
        "rows": [{"name": r.name, "pages_per_cpu_second": round(r.pages_per_cpu_second, 1),
                  "rounds": [round(v, 1) for v in r.rounds],
                  "recall_vs_pdfium": r.vs_pdfium.recall, "order_vs_pdfium": r.vs_pdfium.order,
                  "losing_vs_pdfium": r.vs_pdfium.losing, "failures": r.failures,
                  "recall_vs_written": r.vs_written.recall,
                  "order_vs_written": r.vs_written.order,
                  "losing_vs_written": r.vs_written.losing,
                  "stress_recall_vs_written": r.stress_vs_written.recall,
                  "pages_per_cpu_second_by_kind": {
                      kind: round(pages / spent, 1) if spent else 0.0
                      for kind, (pages, spent) in r.groups.items()}}
                 for r in rows]}


def decision(rows: Sequence[Row]) -> str:
    pdfium = rows[0]
    faster = [row for row in rows[1:] if row.pages_per_cpu_second > pdfium.pages_per_cpu_second]
    adoptable = [row for row in faster if row.passes]
    if adoptable:
        best = max(adoptable, key=lambda row: row.pages_per_cpu_second)
        speedup = best.pages_per_cpu_second / pdfium.pages_per_cpu_second
        return (f"Adopt {best.name}: {speedup:.1f}× PDFium's pages/s with "
                f"{percent(best.vs_pdfium.recall)} recall and no file losing words.")
    reasons = []
    for row in rows[1:]:
        why = []
        if row.pages_per_cpu_second <= pdfium.pages_per_cpu_second:
            why.append("not faster")
        if row.vs_pdfium.recall < RECALL_NEEDED:
            why.append(f"recall {percent(row.vs_pdfium.recall)} < 99%")
        if row.vs_pdfium.losing:
            why.append(f"{len(row.vs_pdfium.losing)} files lose words")
        if row.failures:
            why.append(f"{len(row.failures)} files fail")
        reasons.append(f"{row.name}: " + ", ".join(why))
    if not reasons:
        return "Keep PDFium (no other extractor installed)."
    return "Keep PDFium. " + "; ".join(reasons) + "."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extractor_gate",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--long-pages", type=int, default=400)
    add_output_options(parser, GATE_JSON)
    parser.add_argument("--no-real", action="store_true",
                        help="leave out the real PDFs installed on this machine")
    args = parser.parse_args(argv)
    corpus = build_corpus(long_pages=args.long_pages)
    with tempfile.TemporaryDirectory(prefix="bsla-extractor-gate-") as folder:
        paths = write_corpus(Path(folder), corpus)
        files: list[tuple[Path, CorpusPdf | None]] = list(zip(paths, corpus, strict=True))
        if not args.no_real:
            files += [(path, None) for path in real_pdfs()]
        rows = run_gate(files, rounds=args.rounds)
        pages = sum(len(pdfium_pages(str(path))) for path, _ in files)
    data = figures(rows, pages=pages, files=len(files))
    print(gate_markdown(data))
    write_outputs(args, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
