"""Bytes a visitor's browser fetches to run one search on a built site.

Material's built-in search (lunr) fetches the whole index, ``search/search_index.json``,
plus its search worker script, whatever the query: that sum is the cost of a query.

The library's Pagefind search fetches only the index chunks, filters and result
fragments a query needs; that is measured by loading the search page in Debian's
Chromium with an empty cache and adding up every response under ``/pagefind/``
(bench/search_bytes.py). Two queries: a word most resources hold, and a word with
two facets chosen; the larger figure is the one the report compares with the target.
After each, a further word is searched on the same page, as a visitor's next query:
Pagefind's program and metadata are loaded by then, so that one fetches only index
chunks and fragments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TYPICAL_QUERY = "governance"
FURTHER_QUERY = "community"
PAGEFIND_QUERIES = [
    ("common word", TYPICAL_QUERY, {}),
    ("word + two facets", "partnership", {"capacity": "inclusive-governance",
                                          "collection": "compendium"}),
]


def search_bytes(site: Path) -> dict[str, Any]:
    lunr_index = site / "search" / "search_index.json"
    if lunr_index.is_file():
        workers = sorted((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
        total = lunr_index.stat().st_size + sum(w.stat().st_size for w in workers)
        return {"engine": "lunr (Material search plugin)", "bytes": total,
                "how": "search_index.json + search worker, fetched whole for any query"}
    if (site / "pagefind" / "pagefind-entry.json").is_file():
        from bench.search_bytes import measure

        rows = measure(site, PAGEFIND_QUERIES, further=FURTHER_QUERY)
        return {"engine": "Pagefind", "bytes": max(r["pagefind_bytes"] for r in rows),
                "further_bytes": max(r["further_bytes"] for r in rows),
                "how": "every /pagefind/ response of one search in Chromium, empty cache; "
                       "largest of: " + ", ".join(r["query"] for r in rows),
                "further_how": f"then '{FURTHER_QUERY}' searched on the same page; largest of "
                               "the two",
                "queries": [{"query": r["query"], "bytes": r["pagefind_bytes"],
                             "further_bytes": r["further_bytes"], "status": r["status"]}
                            for r in rows]}
    return {"engine": "none found", "bytes": None, "how": "no search index in the site"}
