"""The benchmark and its generator run here at a tiny N so they cannot rot.

No timing is asserted: the figures belong in docs/benchmarks.md (`make bench`).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest

from bench import run
from bench.generate import generate_baseline, generate_library, plan_resources
from bench.report import ROWS, targets
from bsla.catalog import load_catalog
from bsla.pdf import PdfFacts, read_pdf_facts
from tests.conftest import REPO

pytestmark = pytest.mark.e2e


def tree_digest(root) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_generator_is_deterministic_marked_and_valid(tmp_path):
    first = generate_library(tmp_path / "a", 12, seed=3)
    generate_library(tmp_path / "b", 12, seed=3)
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")
    assert all(r.title.startswith(f"Synthetic resource {r.number:04d}") for r in first)
    assert {r.collection for r in plan_resources(200, 3)} == {
        "compendium", "reflection-papers", "issue-briefs"}

    catalog = load_catalog(tmp_path / "a", cache_dir=tmp_path / "cache")
    assert len(catalog.resources) == 12
    pdfs = [r.file for r in catalog.resources]
    facts = read_pdf_facts(pdfs, None)
    planned = {r.id: r.pages for r in first}
    for resource in catalog.resources:
        fact = facts[resource.file]
        assert isinstance(fact, PdfFacts)
        assert fact.pages == planned[resource.id] and 5 <= fact.pages <= 40
        assert resource.title in fact.text and "synthetic benchmark document" in fact.text
    # Every PDF's bytes differ, so the content-hash cache is exercised honestly.
    assert len({facts[p].sha256 for p in pdfs}) == len(pdfs)

    generate_baseline(tmp_path / "base", 12, seed=3)
    pages = list((tmp_path / "base" / "docs" / "resources").glob("*/index.md"))
    assert len(pages) == 12
    config = (tmp_path / "base" / "mkdocs.yml").read_text(encoding="utf-8")
    assert "\nhooks:" not in config and "bsla" not in config


def test_benchmark_runs_and_reports_every_row(tmp_path):
    results, report = tmp_path / "results.json", tmp_path / "benchmarks.md"
    # In its own process: the search cost is measured with Playwright's sync API, which
    # refuses to start in a pytest worker where the browser tests' session-wide
    # Playwright (tests/browser/conftest.py) is already running.
    command = [sys.executable, "-m", "bench.run", "--n", "20", "--edits", "1", "--repeat",
               "2", "--results", str(results), "--report", str(report), "--work-dir",
               str(tmp_path)]
    assert subprocess.run(command, cwd=REPO, timeout=1800).returncode == 0
    (measured,) = json.loads(results.read_text(encoding="utf-8"))
    for phase in ("baseline", "baseline_rebuild", "cold", "warm", "serve_cli", "serve_mkdocs",
                  "serve_mkdocs_dirty", "serve_mkdocs_full", "serve_baseline"):
        assert phase in measured, phase
    # Search cost is measured in Chromium on both sites: Pagefind on ours, lunr on the baseline.
    assert measured["search"]["engine"] == "Pagefind" and measured["search"]["bytes"] > 0
    # A second query on the same page has Pagefind's program and metadata already.
    assert 0 < measured["search"]["further_bytes"] < measured["search"]["bytes"]
    assert measured["baseline"]["search"]["engine"].startswith("lunr")
    assert measured["cold"]["pdf_pages"] == measured["pdf_pages"] > 0
    # Each build was timed twice, and the figure kept is one of those runs.
    for phase in ("baseline", "baseline_rebuild", "cold", "warm"):
        runs = measured[phase]["runs_seconds"]
        assert len(runs) == 2 and measured[phase]["seconds"] in runs, phase
        assert measured[phase]["cpu_seconds"] > 0, phase
    assert measured["resource_pages"]["count"] == 20
    text = report.read_text(encoding="utf-8")
    assert "| N = 20 |" in text
    for label, _ in ROWS:
        line = next(line for line in text.splitlines() if line.startswith(f"| {label} |"))
        assert line.split("|")[2].strip() not in ("", "–"), label
    for target, _, _ in targets([measured]):
        assert f"| {target} |" in text
    # The work dir is cleaned up unless --keep is given.
    assert not list(tmp_path.glob("bsla-bench-*"))


def test_repeated_builds_keep_the_median_run_and_the_largest_memory():
    runs = [{"seconds": s, "peak_memory": m, "load_before": 1.0, "load_after": load,
             "pdf_seconds": s / 2}
            for s, m, load in ((14.0, 300, 1.2), (10.0, 500, 3.5), (12.0, 400, 1.1))]
    summary = run.summarize(runs)
    assert summary["seconds"] == 12.0 and summary["pdf_seconds"] == 6.0  # one real run
    assert summary["peak_memory"] == 500
    assert summary["runs_seconds"] == [14.0, 10.0, 12.0]
    assert summary["load_max"] == 3.5
    # With an even count the faster of the two middle runs is kept.
    assert run.summarize(runs[:2])["seconds"] == 10.0
