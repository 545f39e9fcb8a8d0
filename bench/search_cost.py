"""Bytes a visitor's browser fetches to run one search on a built site.

Material's built-in search (lunr) fetches the whole index, ``search/search_index.json``,
plus its search worker script, whatever the query: that sum is the cost of a query.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TYPICAL_QUERY = "governance"


def search_bytes(site: Path) -> dict[str, Any]:
    lunr_index = site / "search" / "search_index.json"
    if lunr_index.is_file():
        workers = sorted((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
        total = lunr_index.stat().st_size + sum(w.stat().st_size for w in workers)
        return {"engine": "lunr (Material search plugin)", "bytes": total,
                "how": "search_index.json + search worker, fetched whole for any query"}
    return {"engine": "none found", "bytes": None, "how": "no search index in the site"}
