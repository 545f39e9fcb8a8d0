"""The benchmark's results as Markdown: one table of measures by N, one of targets.

``ROWS`` names every measure; the test suite checks that a report has each of them.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Run = dict[str, Any]
BENCH = Path(__file__).resolve().parent
DEFAULT_RESULTS = BENCH / "results.json"
DEFAULT_REPORT = BENCH.parent / "docs" / "benchmarks.md"
# Written by `python -m bench.extractor_gate` and `python -m bench.parallel_efficiency`.
GATE_JSON = BENCH / "extractor_gate.json"
PARALLEL_JSON = BENCH / "parallel_efficiency.json"
PREVIEWS_JSON = BENCH / "previews.json"
# Issue targets for edit → page served under `build_site.py serve`, by catalog size.
PREVIEW_TARGETS = {1000: 0.8, 10000: 1.5}
PARALLEL_SLACK = 1.15
TARGET_N = 1000
BIG_N = 10_000
PAGE_LIMIT = 40 * 1024
SEARCH_LIMIT = 300 * 1024
SERVE_LIMIT = 2.0
BIG_SECONDS = 600
BIG_MEMORY = 4 * 1024**3


def seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def size(value: int | None) -> str:
    if value is None:
        return "not measured"
    if value < 1024:
        return f"{value} B"
    if value < 1024**2:
        return f"{value / 1024:.1f} KB"
    if value < 1024**3:
        return f"{value / 1024**2:.1f} MB"
    return f"{value / 1024**3:.2f} GB"


def ratio(ours: float | None, base: float | None) -> str:
    if not ours or not base:
        return ""
    return f" ({ours / base:.2f}×)"


def _get(run: Run, *keys: str) -> Any:
    value: Any = run
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _timed(run: Run, phase: str, base_phase: str | None = None) -> str:
    """A build's median time, its ratio to the baseline's median, and the spread of its runs."""
    text = seconds(_get(run, phase, "seconds"))
    if base_phase:
        text += ratio(_get(run, phase, "seconds"), _get(run, base_phase, "seconds"))
    runs = _get(run, phase, "runs_seconds") or []
    if len(runs) > 1:
        text += f"; {len(runs)} runs, {seconds(min(runs))}–{seconds(max(runs))}"
    return text


def _serve_cell(run: Run, key: str, base_key: str | None = "serve_baseline") -> str:
    serve = run.get(key)
    if not serve:
        return "not measured"
    text = f"{seconds(serve['median'])} (max {seconds(serve['max'])})"
    if base_key:
        text += ratio(serve["median"], _get(run, base_key, "median"))
    return text


def _pages_cell(pages: dict[str, int] | None) -> str:
    if not pages or not pages.get("count"):
        return "–"
    return f"{size(pages['median'])} / {size(pages['max'])}"


def _search_cell(search: dict[str, Any] | None) -> str:
    if not search or search.get("bytes") is None:
        return "not measured" + (f" ({search['engine']})" if search else "")
    return f"{size(search['bytes'])} ({search['engine']})"


ROWS: list[tuple[str, Callable[[Run], str]]] = [
    ("Resources / PDF pages", lambda r: f"{r['n']:,} / {r['pdf_pages']:,}"),
    ("Baseline: plain MkDocs + Material, first build", lambda r: _timed(r, "baseline")),
    ("Baseline: rebuild over its site/", lambda r: _timed(r, "baseline_rebuild")),
    ("Cold build (empty cache, no site/) vs baseline first build",
     lambda r: _timed(r, "cold", "baseline")),
    ("Warm build (PDFs unchanged, site/ replaced) vs baseline rebuild",
     lambda r: _timed(r, "warm", "baseline_rebuild")),
    ("CPU time (user + system, all processes): cold / warm / baseline rebuild",
     lambda r: " / ".join(seconds(_get(r, phase, "cpu_seconds"))
                          for phase in ("cold", "warm", "baseline_rebuild"))),
    ("Engine before MkDocs, warm (load, PDF cache, render)",
     lambda r: seconds(_get(r, "warm", "prepare_seconds"))),
    ("PDF stage, cold", lambda r: seconds(_get(r, "cold", "pdf_seconds"))),
    ("PDF throughput, cold (pages/s)",
     lambda r: f"{_get(r, 'cold', 'pdf_pages_per_second') or 0:,.0f}"),
    ("Edit YAML → page served, `build_site.py serve`",
     lambda r: _serve_cell(r, "serve_cli")),
    ("Edit YAML → page served, plain `mkdocs serve`",
     lambda r: _serve_cell(r, "serve_mkdocs")),
    ("Edit YAML → page served, `mkdocs serve --dirty`",
     lambda r: _serve_cell(r, "serve_mkdocs_dirty")),
    ("Edit YAML → page served, `BSLA_PREVIEW=full mkdocs serve` (every page rendered)",
     lambda r: _serve_cell(r, "serve_mkdocs_full")),
    ("Baseline: edit Markdown → page served, `mkdocs serve`",
     lambda r: _serve_cell(r, "serve_baseline", None)),
    ("Peak memory, cold build", lambda r: size(_get(r, "cold", "peak_memory"))),
    ("Peak memory, warm build", lambda r: size(_get(r, "warm", "peak_memory"))),
    ("Peak memory, baseline build", lambda r: size(_get(r, "baseline", "peak_memory"))),
    ("Site size (without PDFs)", lambda r: f"{size(r.get('site_bytes'))} "
     f"({size(r.get('site_bytes_without_pdfs'))})"),
    ("Baseline site size", lambda r: size(_get(r, "baseline", "site_bytes"))),
    ("Resource page HTML, median / max", lambda r: _pages_cell(r.get("resource_pages"))),
    ("Baseline resource page HTML, median / max",
     lambda r: _pages_cell(_get(r, "baseline", "resource_pages"))),
    ("Search bytes fetched for one query", lambda r: _search_cell(r.get("search"))),
    ("Search bytes for a further query on the same page (program and metadata loaded)",
     lambda r: size(_get(r, "search", "further_bytes"))),
    ("Baseline search bytes for one query", lambda r: _search_cell(_get(r, "baseline", "search"))),
]


def _status(ok: bool | None) -> str:
    return "not measured" if ok is None else ("**met**" if ok else "**missed**")


def _at(runs: list[Run], n: int) -> Run | None:
    return next((r for r in runs if r["n"] == n), None)


def targets(runs: list[Run]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    at = _at(runs, TARGET_N)
    for phase, base_phase, limit, label in (
            ("warm", "baseline_rebuild", 1.3, "Warm build ≤ 1.3× baseline at N = 1,000"),
            ("cold", "baseline", 2.0, "Cold build ≤ 2× baseline at N = 1,000")):
        ours, base = _get(at or {}, phase, "seconds"), _get(at or {}, base_phase, "seconds")
        if ours and base:
            rows.append((label, f"{ours / base:.2f}× ({seconds(ours)} vs {seconds(base)})",
                         _status(ours / base <= limit)))
        else:
            rows.append((label, "–", _status(None)))
    pages = [(r["n"], r["resource_pages"]["max"]) for r in runs
             if _get(r, "resource_pages", "count")]
    if pages:
        worst = max(pages, key=lambda item: item[1])
        spread = ", ".join(f"N = {n:,}: {size(b)}" for n, b in pages)
        rows.append(("Resource page HTML ≤ 40 KB at any N (max per run)", spread,
                     _status(worst[1] <= PAGE_LIMIT)))
    else:
        rows.append(("Resource page HTML ≤ 40 KB at any N", "–", _status(None)))
    for key, label in (("serve_mkdocs", "`mkdocs serve`"),
                       ("serve_mkdocs_dirty", "`mkdocs serve --dirty`"),
                       ("serve_cli", "`build_site.py serve`")):
        serve = (at or {}).get(key)
        rows.append((f"{label} edit-to-reload ≤ 2 s at N = 1,000",
                     f"median {seconds(serve['median'])}, max {seconds(serve['max'])}"
                     if serve else "–",
                     _status(serve["max"] <= SERVE_LIMIT if serve else None)))
    big = _at(runs, BIG_N)
    cold_big = _get(big or {}, "cold", "seconds")
    rows.append(("N = 10,000 cold build < 10 min on this machine",
                 seconds(cold_big) if cold_big else "–",
                 _status(cold_big < BIG_SECONDS if cold_big else None)))
    memory = max((_get(big or {}, phase, "peak_memory") or 0 for phase in ("cold", "warm")),
                 default=0)
    rows.append(("N = 10,000 build within 4 GB", size(memory) if memory else "–",
                 _status(memory < BIG_MEMORY if memory else None)))
    search = _get(big or {}, "search", "bytes")
    rows.append(("Search ≤ 300 KB fetched per query at N = 10,000",
                 size(search) if search is not None else "–",
                 _status(search <= SEARCH_LIMIT if search is not None else None)))
    return rows


def _max_load(run: Run) -> float:
    loads = [value for phase in run.values() if isinstance(phase, dict)
             for key, value in phase.items() if key.startswith("load_")]
    return max(loads, default=-1.0)


def machine_lines(runs: list[Run]) -> list[str]:
    seen: list[str] = []
    for run in runs:
        m = run["machine"]
        line = (f"- N = {run['n']:,} measured {run['date']} on {m['cores']} cores ({m['cpu']}), "
                f"{size(m['memory_bytes'])} RAM, {m['system']}, Python {m['python']}, "
                f"MkDocs {m['mkdocs']}, Material {m['mkdocs-material']}, pypdf {m['pypdf']}, "
                f"pypdfium2 {m.get('pypdfium2', '?')}; highest 1-minute load average seen "
                f"between phases: {_max_load(run):.1f}.")
        seen.append(line)
    return seen


def render(runs: list[Run]) -> str:
    header = "| Measure | " + " | ".join(f"N = {r['n']:,}" for r in runs) + " |"
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench.run`); do not edit by hand. The library",
        "engine (`build_site.py build`, hooks and all) against a plain MkDocs + Material build",
        "of the same resources as hand-free Markdown pages (no hooks, resource pages out of the",
        "navigation, Material's default search plugin), measured in the same run on the same",
        "machine. Ratios in brackets are to that baseline. Catalogs are synthetic",
        "(bench/generate.py, seed in bench/results.json): 5–40 text pages per PDF, spread over",
        "every collection and section.",
        "",
        header,
        "| --- |" + " --- |" * len(runs),
    ]
    for label, cell in ROWS:
        lines.append(f"| {label} | " + " | ".join(cell(r) for r in runs) + " |")
    lines += ["", "## Targets", "", "| Target | Measured | Status |", "| --- | --- | --- |"]
    lines += [f"| {t} | {m} | {s} |" for t, m, s in targets(runs)]
    lines += ["", "## How and where", "", *machine_lines(runs), "",
              "- Build times are wall-clock seconds of the whole command, Python start-up "
              "included: the median of the runs (rounds alternating baseline and engine "
              "builds; ratios are of medians), with the fastest and slowest run. The same "
              "build's time varied by up to half between runs an hour apart on this machine, "
              "so one run's ratio can mislead. Each build starts after the data earlier "
              "commands wrote is flushed to disk. CPU time counts the command and every "
              "process it waited for (PDF workers, Pagefind). A load average above the core "
              "count means "
              "other work shared the machine during the run, which slows every phase, "
              "baseline included.",
              "- Peak memory: the larger of the largest single process (the kernel's ru_maxrss) "
              "and the sum of resident memory over the build's process tree, sampled every "
              "50 ms.",
              "- Edit-to-reload: the server is started on 127.0.0.1, one resource's YAML (or "
              "the baseline's Markdown page) gets a new title, and the page is fetched every "
              "20 ms until it shows it; median and max of the edits. Previews render only the "
              "pages an edit changed (bsla/mkdocs_door/previews.py); `BSLA_PREVIEW=full` is "
              "MkDocs' own full rebuild of every page, measured for comparison.",
              "- PDF throughput: PDF pages read divided by the time of the PDF stage in the "
              "cold build."]
    return "\n".join(lines) + "\n"


def add_output_options(parser: argparse.ArgumentParser, results: Path) -> None:
    """The --json and --report options every bench script that rewrites the report takes."""
    shown = results.relative_to(BENCH.parent).as_posix()
    parser.add_argument("--json", type=Path, default=results,
                        help=f"where the figures go (default: {shown})")
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT,
                        help="report to rewrite with them (default: docs/benchmarks.md)")


def write_outputs(args: argparse.Namespace, figures: Any) -> None:
    """Save ``figures`` where --json says and rewrite the --report with them."""
    args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    rewrite_report(args.report)


def percent(value: float) -> str:
    return f"{100 * value:.2f}%"


def gate_markdown(data: dict[str, Any]) -> str:
    lines = [
        f"Corpus: {data['files']} PDFs, {data['pages']:,} pages (bench/extractor_corpus.py, "
        "plus the real PDFs installed on the machine); pages per CPU second with the process "
        f"pinned to one core, median of {len(data['rows'][0]['rounds'])} rounds; measured "
        f"{data['date']}, pypdfium2 {data['pypdfium2']}, pdf-oxide {data['pdf-oxide']}, "
        f"1-minute load average {data['load_average']}.",
        "",
        "| Extractor | Pages/s, one core (CPU) | Recall of PDFium's words | Order vs PDFium "
        "| Files losing words vs PDFium | Recall of written words | Order vs written "
        "| Files losing written words | Stress files: recall of written words |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in data["rows"]:
        losing = ", ".join(row["losing_vs_pdfium"] + row["failures"]) or "none"
        written_losing = ", ".join(row["losing_vs_written"]) or "none"
        lines.append(
            f"| {row['name']} | {row['pages_per_cpu_second']:,.0f} "
            f"| {percent(row['recall_vs_pdfium'])} | {percent(row['order_vs_pdfium'])} "
            f"| {losing} | {percent(row['recall_vs_written'])} "
            f"| {percent(row['order_vs_written'])} | {written_losing} "
            f"| {percent(row['stress_recall_vs_written'])} |")
    kinds = []
    for row in data["rows"]:
        speeds = row.get("pages_per_cpu_second_by_kind") or {}
        if speeds:
            kinds.append(f"{row['name']}: " + ", ".join(
                f"{kind} {speed:,.0f}" for kind, speed in speeds.items()))
    if kinds:
        lines += ["", "Pages per CPU second by kind of file (all rounds): "
                  + "; ".join(kinds) + "."]
    return "\n".join([*lines, "", f"Decision: {data['decision']}"])


def parallel_line(result: dict[str, Any]) -> str:
    parts = []
    for run in result["runs"]:
        cold, warm = run["cold"], run["warm"]
        parts.append(
            f"cold {cold['seconds']:.1f} s ≤ warm {warm['seconds']:.1f} s + PDF workers' CPU "
            f"{cold['pdf_worker_cpu_seconds']:.1f} s ÷ {run['cores']} cores × {PARALLEL_SLACK} = "
            f"{run['bound']:.1f} s: {'met' if run['met'] else 'missed'} (PDF stage "
            f"{cold['pdf_seconds']:.1f} s wall for {cold['pdf_files']:,} PDFs / "
            f"{cold['pdf_pages']:,} pages; CPU cold {cold['cpu_seconds']:.1f} s, warm "
            f"{warm['cpu_seconds']:.1f} s; load average {cold['load_before']:.1f}–"
            f"{max(cold['load_after'], warm['load_after']):.1f})")
    loads = [value for run in result["runs"] for phase in ("cold", "warm")
             for value in (run[phase]["load_before"], run[phase]["load_after"])]
    cores = min(run["cores"] for run in result["runs"])
    if loads and max(loads) > cores:
        # Other work then held the cores too: every wall time above stretched, the
        # PDF stage (the part measured against CPU seconds) the most.
        parts.append(f"not a clean measurement: the load average reached {max(loads):.1f} "
                     f"on {cores} cores")
    return f"N = {result['n']:,}: " + "; ".join(parts)


def _load_json(path: Path) -> Any:
    import json

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _previous_parallel(runs: list[Run]) -> str | None:
    """The same bound from an earlier run of bench.run at N = 1,000, which kept no worker CPU.

    Its PDF work is estimated as cold CPU − warm CPU (everything a cold build
    does beyond a warm one), an upper bound of the workers' own CPU.
    """
    at = _at(runs, TARGET_N)
    cold, warm = _get(at or {}, "cold", "seconds"), _get(at or {}, "warm", "seconds")
    extra = (_get(at or {}, "cold", "cpu_seconds") or 0) - (_get(at or {}, "warm", "cpu_seconds")
                                                             or 0)
    if not cold or not warm or extra <= 0:
        return None
    cores = at["machine"]["cores"]
    bound = warm + extra / cores * PARALLEL_SLACK
    return (f"N = 1,000, {at['date']} (bench/results.json, estimated): cold {cold:.1f} s ≤ warm "
            f"{warm:.1f} s + (cold CPU − warm CPU) {extra:.1f} s ÷ {cores} cores × "
            f"{PARALLEL_SLACK} = {bound:.1f} s: {'met' if cold <= bound else 'missed'}")


def extra_sections(runs: list[Run]) -> list[str]:
    """The extractor gate and the parallel-efficiency line, from their own JSON files."""
    lines: list[str] = []
    gate = _load_json(GATE_JSON)
    if gate:
        lines += ["", "## Text extractor gate", "",
                  "Written by `python -m bench.extractor_gate`. A faster extractor replaces "
                  "PDFium only where it recalls at least 99% of PDFium's words and no file loses "
                  "words. Written words are those the generator put on the page (the corpus "
                  "knows them); stress files place glyphs closer than a word space, where any "
                  "word break is a guess, and count in no other column. The gate found PDFium "
                  "reading pages turned by /Rotate 90 from the last line up (13% of the written "
                  "words in order); the build now reads such pages upright (bsla/pdf_worker.py), "
                  "which the table measures.", "",
                  gate_markdown(gate)]
    parallel = _load_json(PARALLEL_JSON)
    previous = _previous_parallel(runs)
    if parallel or previous:
        lines += ["", "## Cold build parallel efficiency", "",
                  "Target: cold wall time ≤ warm wall time + (PDF CPU seconds ÷ cores) × "
                  f"{PARALLEL_SLACK} (`python -m bench.parallel_efficiency`; PDF CPU seconds "
                  "are the PDF workers' own: text, cover and metadata). The PDF stage runs one "
                  "worker process per usable core (`bsla.pdf.usable_cpus`); each reads a file's "
                  "text and renders its cover, so both spread over the cores; the parent only "
                  "hashes the files first (about 1 CPU second at N = 1,000) and collects replies. "
                  "The \"before\" line is from the last `make bench` run, which kept no worker "
                  "CPU: its PDF CPU is estimated as cold CPU − warm CPU, an upper bound.", ""]
        if previous:
            lines.append(f"- Before: {previous}.")
        if parallel:
            lines.append(f"- Now: {parallel_line(parallel)}.")
    return lines


# bench/previews.py's key for the summary edit timed on the Spanish page.
SPANISH_SUMMARY = "summary, /es/"


def previews_section(data: dict[str, Any], runs: list[Run]) -> list[str]:
    """Edit → page served per kind of edit (bench/previews.py), beside the last bench run's."""
    measured = data.get("previews", {})
    if not measured:
        return []
    lines = ["", "## Previews: edit → page served, per kind of edit", "",
             "Written by `python -m bench.previews --n N` (`build_site.py serve`, both "
             "languages; the clock stops at the first response that shows the edit, for a "
             "deleted resource the first 404, for an error the notice on the served page). "
             "\"Before\" is the title edit of the last `make bench` run above, made when the "
             "site was built in English only. The Spanish site is rebuilt after the English "
             "one is served (`/es/` requests wait for it): \"Summary, /es/\" is the same "
             "summary edit until the Spanish page shows it; the target is read on the English "
             "page. Each edit starts when the previous one shows in both languages.", "",
             "| N | Summary | Keyword | New resource | Deleted resource | Error shown | "
             "Summary, /es/ | Before (title) | Target | Machine |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    before = {run["n"]: run.get("serve_cli") for run in runs}
    for n_text, result in sorted(measured.items(), key=lambda item: int(item[0])):
        n = int(n_text)
        edits = result["edits"]
        cells = [f"{edits[k]['median']:.2f} s (max {edits[k]['max']:.2f})" if k in edits
                 else "—" for k in ("summary", "keyword", "new resource", "deleted resource",
                                    "error", SPANISH_SUMMARY)]
        old = before.get(n)
        old_text = f"{old['median']:.2f} s" if old and old.get("median") else "—"
        # A catalog that earlier edits grew or shrank by a few resources keeps its size's target.
        target = next((t for size, t in PREVIEW_TARGETS.items() if abs(n - size) <= size // 100),
                      None)
        slowest = max((edits[k]["median"] for k in edits if k not in ("error", SPANISH_SUMMARY)),
                      default=0.0)
        target_text = (f"≤ {target} s: {'met' if slowest <= target else 'missed'}"
                       if target else "—")
        machine = result.get("machine", {})
        lines.append(f"| {n:,} | " + " | ".join(cells) + f" | {old_text} | {target_text} | "
                     f"{result['date']}, {machine.get('cores', '?')} cores, load "
                     f"{result.get('load_average', 0):.1f} |")
    return lines


def write_report(path: Path, runs: list[Run]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = render(runs)
    extra = extra_sections(runs) + previews_section(_load_json(PREVIEWS_JSON) or {}, runs)
    if extra:
        text += "\n".join(extra) + "\n"
    path.write_text(text, encoding="utf-8")


def rewrite_report(path: Path = DEFAULT_REPORT, results: Path = DEFAULT_RESULTS) -> None:
    """Write the report again from the saved results (after a gate or efficiency run)."""
    runs = _load_json(results)
    if runs:
        write_report(path, runs)
