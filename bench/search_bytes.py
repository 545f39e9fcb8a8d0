"""Bytes one search fetches from the built site, at a given catalog size.

    python bench/search_bytes.py --resources 10000 --words 4000

Builds a synthetic catalog through the real engine and MkDocs (the same hooks
as ``build_site.py build``), serves the site on 127.0.0.1, and loads the search
page in Debian's Chromium once per query with an empty cache. It prints, per
query, the bytes of every response the page received, split into the Pagefind
bundle (index, filters, fragments, wasm, scripts) and everything else.

Synthetic PDF text: reading 10,000 real PDFs would measure pypdf, not search,
so each resource gets a placeholder file and its "PDF text" is drawn from a
fixed pseudo-word vocabulary with Zipf-like frequencies (seeded, so two runs
index the same text). ``--words`` sets the words per resource (4,000 words is
roughly a 15-page toolkit). The static server sends files uncompressed, as the
worst case: Pagefind's own index files are gzip-compressed already, its
scripts would shrink further behind a compressing host.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import itertools
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from unittest import mock

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PLACEMENTS = [
    "compendium/initiative-wide", "compendium/leadership-governance",
    "compendium/collaboration-networking", "compendium/outreach-engagement",
    "briefs/reflection-papers", "briefs/issue-briefs",
]
CAPACITIES = ["keepers-of-the-vision", "inclusive-governance", "effective-collaboration",
              "data-driven-learning", "resources-sustainability", "neighborhood-capacities"]
FOCUS = ["families", "communities", "early-care-education", "health-systems"]
AUDIENCES = ["partnership-members", "residents-parents", "partnership-leaders",
             "capacity-builders", "funders", "researchers"]
TYPES = ["toolkit", "tool", "issue-brief", "report", "presentation"]
FUNCTION_WORDS = [
    "the", "of", "and", "to", "in", "a", "for", "is", "that", "with", "on", "as", "by", "are",
    "be", "this", "it", "from", "or", "at", "their",
]
CONTENT_WORDS = [
    "partnership", "community", "parents", "residents", "governance", "leadership", "families",
    "children", "meeting", "data", "plan", "council", "members", "work", "support", "early",
    "care", "health", "budget", "outreach", "network", "vision", "results", "strategy",
]
COMMON = FUNCTION_WORDS + CONTENT_WORDS
QUERIES = [
    ("common word", "governance", {}),
    ("two words", "community leadership", {}),
    ("rare word", None, {}),  # filled with a rare word that the index holds
    ("absent word", "qqxyzzyq", {}),  # no record has it: Pagefind widens its chunk search
    ("word + two facets", "parents", {"capacity": "inclusive-governance", "language": "es"}),
    ("facets only", "", {"capacity": "data-driven-learning", "collection": "compendium"}),
]


def pseudo_words(rng: random.Random, count: int) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qu", "dr",
                 "en", "ol", "ar", "is", "um", "ey", "th", "ch"]
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def make_project(root: Path, count: int, rng: random.Random) -> None:
    for name in ("taxonomy.yml", "labels.yml", "mkdocs.es.yml"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "docs", root / "docs")
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    config = config.replace("  - src/bsla/", f"  - {REPO / 'src/bsla'}/")
    (root / "mkdocs.yml").write_text(config, "utf-8")
    tags = [f"topic {n}" for n in range(300)]
    for n in range(count):
        folder = root / PLACEMENTS[n % len(PLACEMENTS)]
        folder.mkdir(parents=True, exist_ok=True)
        rid = f"resource-{n:05d}"
        fields = {
            "id": rid,
            "title": f'"{rng.choice(COMMON).title()} {rng.choice(COMMON)} guide {n}"',
            "type": rng.choice(TYPES),
            "summary": f'"A synthetic resource about {rng.choice(COMMON)} and '
                       f'{rng.choice(COMMON)}, number {n}."',
            "date": f'"{rng.randint(2010, 2024)}"',
            "language": "es" if n % 5 == 0 else "en",
            "capacities": "[" + ", ".join(rng.sample(CAPACITIES, rng.randint(1, 3))) + "]",
            "focus_areas": "[" + ", ".join(rng.sample(FOCUS, rng.randint(1, 2))) + "]",
            "audiences": "[" + ", ".join(rng.sample(AUDIENCES, rng.randint(1, 2))) + "]",
            "tags": "[" + ", ".join(rng.sample(tags, 3)) + "]",
            "file": f"{rid}.pdf",
        }
        (folder / f"{rid}.yml").write_text(
            "".join(f"{k}: {v}\n" for k, v in fields.items()), "utf-8")
        (folder / f"{rid}.pdf").write_bytes(b"%PDF-1.4\n% placeholder for the benchmark\n")


def synthetic_texts(count: int, words: int, vocabulary: list[str], seed: int) -> list[str]:
    """Text with Zipf-like word frequencies (weight 1/rank), as natural language has.

    Function words take the top ranks, the library's everyday words the next
    ones, then the pseudo-words. Each text also leans on a few topic words of
    its own (a tenth of its words), as a toolkit on budgets says "budget" often.
    """
    ranked = FUNCTION_WORDS + CONTENT_WORDS + vocabulary
    cumulative = list(itertools.accumulate(1 / rank for rank in range(1, len(ranked) + 1)))
    topical = CONTENT_WORDS + vocabulary[:2000]
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        drawn = rng.choices(ranked, cum_weights=cumulative, k=words - words // 10)
        drawn += rng.choices(rng.sample(topical, 5), k=words // 10)
        rng.shuffle(drawn)
        texts.append(" ".join(drawn))
    return texts


# Words on one page of a synthetic PDF: 4,000 words make the 15-page toolkit above.
WORDS_PER_PAGE = 267


def fake_pdf_facts(texts: list[str]):
    """A stand-in for bsla.catalog._check_pdfs that attaches synthetic text.

    The text is cut into pages of ``WORDS_PER_PAGE`` words and reduced as the
    PDF worker reduces a real PDF's text, page by page.
    """
    from dataclasses import replace

    from bsla.indexed_text import PAGE_BREAK, searchable_pages
    from bsla.pdf import PdfFacts
    from bsla.pdf_worker import TEXT_CAP

    def check(resources, *_) -> list:
        enriched = []
        for r in resources:
            text = texts[int(r.id.rsplit("-", 1)[1]) % len(texts)]
            words = text.split()
            pages = [" ".join(words[i:i + WORDS_PER_PAGE])
                     for i in range(0, len(words), WORDS_PER_PAGE)] or [""]
            enriched.append(replace(r, pdf=PdfFacts(
                sha256="0" * 64, bytes=len(text) * 3, pages=len(pages),
                title=None, author=None, created=None, encrypted=False,
                text=PAGE_BREAK.join(searchable_pages(pages))[:TEXT_CAP], text_chars=len(text),
                tagged=False, lang=None, display_doc_title=False)))
        return enriched

    return check


def rare_indexed_word(site: Path, vocabulary: list[str]) -> str:
    """A word of the synthetic vocabulary that few records hold (one of the rarest in fragments)."""
    import gzip

    counts = dict.fromkeys(vocabulary[len(vocabulary) // 3:], 0)
    for fragment in sorted((site / "pagefind" / "fragment").iterdir())[:300]:
        for word in set(gzip.decompress(fragment.read_bytes()).decode("utf-8", "replace").split()):
            if word in counts:
                counts[word] += 1
    present = [(n, w) for w, n in counts.items() if n]
    return min(present)[1]


KINDS = ("runtime", "meta", "filter", "index", "fragment")


def kind_of(url: str) -> str:
    """Pagefind's files: the program (scripts, wasm, entry) and the index proper."""
    name = url.split("/pagefind/")[1]
    for kind in ("filter", "index", "fragment"):
        if name.startswith(kind + "/"):
            return kind
    return "meta" if name.endswith(".pf_meta") else "runtime"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


READY = ("() => { const r = document.querySelector('[data-bsla-search]');"
         " return r.classList.contains('bsla-search--ready') && !r.hasAttribute('aria-busy')"
         " && document.querySelector('[data-status]').textContent !== ''; }")


def measure(site: Path, queries, further: str | None = None) -> list[dict]:
    """One row per query, each in a fresh browser context (nothing cached).

    With ``further``, each row also gets ``further_bytes``: what typing that
    word into the same page and searching again fetched afterwards, as a
    visitor's second query does (Pagefind's program and metadata are loaded).
    """
    from urllib.parse import urlencode

    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])
        for name, words, facets in queries:
            context = browser.new_context()  # a fresh context: nothing cached
            page = context.new_page()
            sizes: dict[str, int] = {}
            page.on("requestfinished",
                    lambda request, sizes=sizes: sizes.__setitem__(
                        request.url, request.sizes()["responseBodySize"]))
            params = ([("q", words)] if words else []) + list(facets.items())
            started = time.perf_counter()
            page.goto(base + "search/?" + urlencode(params))
            page.wait_for_function(READY, timeout=60_000)
            elapsed = time.perf_counter() - started
            page.wait_for_timeout(300)  # let late responses finish being counted
            results = page.locator("[data-results] li").count()
            status = page.locator("[data-status]").inner_text()
            search = {u: s for u, s in sizes.items() if "/pagefind/" in u}
            kinds = {kind: sum(s for u, s in search.items() if kind_of(u) == kind)
                     for kind in KINDS}
            rows.append({
                "query": name, "words": words, "facets": facets, "status": status,
                "results_shown": results, "seconds": elapsed,
                "pagefind_bytes": sum(search.values()), "pagefind_files": len(search),
                "kinds": kinds,
                "fragments": sum(1 for u in search if "/fragment/" in u),
                "other_bytes": sum(s for u, s in sizes.items() if u not in search),
                "largest": sorted(((s, u.split("/pagefind/")[1]) for u, s in search.items()),
                                  reverse=True)[:5],
                "further_bytes": None,
            })
            if further is not None:
                sizes.clear()
                page.fill("#bsla-q", further)
                page.press("#bsla-q", "Enter")
                page.wait_for_function(
                    f"() => new URLSearchParams(location.search).get('q') === {further!r}"
                    f" && ({READY})()", timeout=60_000)
                page.wait_for_timeout(300)
                rows[-1]["further_bytes"] = sum(s for u, s in sizes.items() if "/pagefind/" in u)
            context.close()
        browser.close()
    server.shutdown()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=4_000, help="PDF words per resource")
    parser.add_argument("--vocabulary", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--keep", help="build into this folder and keep it")
    parser.add_argument("--reindex", action="store_true",
                        help="with --keep: reuse the site built there, rebuild only its index")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))
    from bsla.mkdocs_door.commands import build_site

    rng = random.Random(args.seed)
    vocabulary = pseudo_words(rng, args.vocabulary)
    texts = synthetic_texts(args.resources, args.words, vocabulary, args.seed)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bsla-bench-"))
    root = work / "library"
    started = time.perf_counter()
    with mock.patch("bsla.catalog._check_pdfs", fake_pdf_facts(texts)):
        if args.reindex and (root / "site").is_dir():
            from bsla.engine import prepare
            from bsla.search.bundle import write_search_index

            for name in ("taxonomy.yml", "labels.yml"):  # the engine's current data files
                shutil.copy(REPO / name, root / name)
            shutil.rmtree(root / "site" / "pagefind", ignore_errors=True)
            state = prepare(root)
            write_search_index(state.catalog, state.templates, root / "site")
        else:
            if root.exists():
                shutil.rmtree(root)
            root.mkdir(parents=True)
            make_project(root, args.resources, rng)
            build_site(root, root / "site")
    build_seconds = time.perf_counter() - started
    site = root / "site"
    bundle = site / "pagefind"
    bundle_bytes = sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file())
    pages = sorted((site / "resources").glob("*/index.html"))
    page_sizes = [p.stat().st_size for p in pages]
    rare = rare_indexed_word(site, vocabulary)
    queries = [(n, rare if w is None else w, f) for n, w, f in QUERIES]
    rows = measure(site, queries)

    print(f"catalog: {args.resources} resources, {args.words} synthetic PDF words each")
    what = "engine + Pagefind" if args.reindex else "engine + MkDocs + Pagefind"
    print(f"build ({what}): {build_seconds:.0f} s")
    print(f"whole Pagefind bundle on disk: {bundle_bytes / 1024:,.0f} KB in "
          f"{sum(1 for f in bundle.rglob('*') if f.is_file())} files")
    print(f"resource page HTML: median {statistics.median(page_sizes) / 1024:.1f} KB, "
          f"max {max(page_sizes) / 1024:.1f} KB")
    print()
    print("KB fetched from /pagefind/ per query (runtime = pagefind.js, worker, wasm, entry;")
    print("index proper = meta + filter + index + fragment)")
    print(f"{'query':<18} {'total':>7} {'runtime':>7} {'meta':>6} {'filter':>6} {'index':>7} "
          f"{'frags':>6} {'proper':>7} {'n':>3} {'other':>6} {'s':>5}  status")
    for row in rows:
        k = {kind: row["kinds"][kind] / 1024 for kind in KINDS}
        proper = k["meta"] + k["filter"] + k["index"] + k["fragment"]
        print(f"{row['query']:<18} {row['pagefind_bytes'] / 1024:>7.1f} {k['runtime']:>7.1f} "
              f"{k['meta']:>6.1f} {k['filter']:>6.1f} {k['index']:>7.1f} {k['fragment']:>6.1f} "
              f"{proper:>7.1f} {row['fragments']:>3} {row['other_bytes'] / 1024:>6.1f} "
              f"{row['seconds']:>5.2f}  {row['status']}")
    print()
    for row in rows:
        largest = ", ".join(f"{name} {size / 1024:.0f} KB" for size, name in row["largest"])
        print(f"{row['query']}: largest search files: {largest}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
