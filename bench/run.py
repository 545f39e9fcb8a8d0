"""The benchmark: the library engine against plain MkDocs + Material, same run, same machine.

Usage: python -m bench.run [--n 100 --n 1000] [--results FILE] [--report FILE]

For each N it generates a synthetic library and a plain-MkDocs baseline of the
same resources (bench/generate.py) in a temporary folder, then measures (each
build ``--repeat`` times, in rounds alternating baseline and engine; the
median counts):

- baseline build: ``mkdocs build`` of the plain project (no hooks, no engine);
- cold build: ``build_site.py build`` with no cache at all (every PDF read);
- warm build: the same again, PDFs unchanged (cache in place);
- edit-to-reload: ``build_site.py serve``, plain ``mkdocs serve``,
  ``mkdocs serve --dirty`` and ``BSLA_PREVIEW=full mkdocs serve`` (every page
  rendered on each edit) on 127.0.0.1, one resource YAML edited, time until
  its page is served with the change (and the same for one Markdown page of
  the baseline; the two servers that render every page only up to N = 1,000);
- PDF throughput, peak memory of each build's process tree, site size, resource
  page HTML size (median, max), search bytes fetched for one query.

Results are merged by N into a JSON file and written as Markdown tables
(docs/benchmarks.md by default), with the machine they were measured on.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.generate import (
    REPO,
    SyntheticResource,
    baseline_page_path,
    generate_baseline,
    generate_library,
    resource_yaml_path,
)
from bench.measure import (
    Measured,
    directory_bytes,
    free_port,
    measure_serve,
    package_version,
    run_measured,
)
from bench.report import write_report
from bench.search_cost import search_bytes
from bsla.pdf import usable_cpus

DEFAULT_RESULTS = REPO / "bench" / "results.json"
DEFAULT_REPORT = REPO / "docs" / "benchmarks.md"
# Servers that render every page on each edit (the baseline's, and ours with
# BSLA_PREVIEW=full) take minutes per edit beyond this size; the previews
# that render only what changed are timed at every N.
FULL_REBUILD_SERVERS_MAX_N = 1000


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass

    return {
        # The cores the engine may use (its PDF workers follow these), not the host's.
        "cores": usable_cpus(),
        "cpu": model or platform.processor() or platform.machine(),
        "memory_bytes": memory,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "mkdocs": package_version("mkdocs"),
        "mkdocs-material": package_version("mkdocs-material"),
        "pypdf": package_version("pypdf"),
        "pypdfium2": package_version("pypdfium2"),
    }


def page_sizes(site: Path) -> dict[str, int]:
    sizes = sorted(p.stat().st_size for p in (site / "resources").glob("*/index.html"))
    if not sizes:
        return {"count": 0, "median": 0, "max": 0}
    return {"count": len(sizes), "median": int(statistics.median(sizes)), "max": sizes[-1]}


def site_facts(site: Path) -> dict[str, Any]:
    total, files = directory_bytes(site)
    without_pdfs, _ = directory_bytes(site, skip_suffix=".pdf")
    return {"site_bytes": total, "site_files": files, "site_bytes_without_pdfs": without_pdfs,
            "resource_pages": page_sizes(site), "search": search_bytes(site)}


def _measured(m: Measured) -> dict[str, Any]:
    return {"seconds": round(m.seconds, 3), "cpu_seconds": round(m.cpu_seconds, 3),
            "peak_memory": m.peak_memory,
            "peak_tree_rss": m.peak_tree_rss, "largest_process_rss": m.largest_process_rss}


def _check(m: Measured, what: str) -> None:
    if m.returncode != 0:
        tail = m.log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"{what} failed (exit {m.returncode}); end of {m.log}:\n{tail}")


def _load() -> float:
    """The 1-minute load average: other work on the machine skews every timing."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return -1.0


def _serve(label: str, cmd: list[str], cwd: Path, logs: Path, url: str, edit, edits: int,
           startup_timeout: float, env: dict[str, str] | None = None) -> dict[str, Any]:
    print(f"  {label} ...", flush=True)
    load = _load()
    result = measure_serve(cmd, cwd=cwd, log=logs / f"{label}.log", url=url, edit=edit,
                           edits=edits, startup_timeout=startup_timeout, env=env)
    reloads = [round(s, 3) for s in result.reload_seconds]
    print(f"    startup {result.startup_seconds:.1f} s, reloads {reloads}", flush=True)
    return {"startup_seconds": round(result.startup_seconds, 3), "reload_seconds": reloads,
            "median": round(statistics.median(reloads), 3), "max": max(reloads),
            "load_before": load, "load_after": _load()}


def _edit_library_title(root: Path, resource: SyntheticResource):
    def edit(token: str) -> None:
        edited = dataclasses.replace(resource, title=f"{resource.title} {token}")
        resource_yaml_path(root, edited).write_text(edited.yaml_text(), encoding="utf-8")

    return edit


def _edit_baseline_title(root: Path, resource: SyntheticResource):
    path = baseline_page_path(root, resource)
    original = path.read_text(encoding="utf-8")

    def edit(token: str) -> None:
        path.write_text(original.replace(f"\n# {resource.title}\n",
                                         f"\n# {resource.title} {token}\n", 1), encoding="utf-8")

    return edit


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One phase over its rounds: the median run's figures, the largest memory, every time."""
    ordered = sorted(runs, key=lambda run: run["seconds"])
    summary = dict(ordered[(len(ordered) - 1) // 2])
    summary["peak_memory"] = max(run["peak_memory"] for run in runs)
    summary["runs_seconds"] = [run["seconds"] for run in runs]
    summary["load_max"] = max(max(run["load_before"], run["load_after"]) for run in runs)
    return summary


def bench_one(n: int, *, seed: int, work: Path, edits: int, serve: bool,
              repeat: int = 1) -> dict[str, Any]:
    python = sys.executable
    library, baseline = work / "library", work / "baseline"
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    print(f"N={n}: generating into {work}", flush=True)
    began = time.perf_counter()
    resources = generate_library(library, n, seed)
    generate_baseline(baseline, n, seed)
    result: dict[str, Any] = {
        "n": n, "seed": seed, "date": dt.date.today().isoformat(), "machine": machine(),
        "pdf_pages": sum(r.pages for r in resources),
        "generate_seconds": round(time.perf_counter() - began, 3),
    }

    base_cmd = [python, "-m", "mkdocs", "build", "-q", "-f", str(baseline / "mkdocs.yml")]
    timings = logs / "timings.json"
    samples: dict[str, list[dict[str, Any]]] = {
        phase: [] for phase in ("baseline", "baseline_rebuild", "cold", "warm")}
    # The same build's time varied by half on this machine within an hour
    # (warm N = 1,000: 12.2 s and 17.5 s), so each build is timed `repeat`
    # times, in rounds that alternate baseline and engine: a slow spell of
    # the machine then falls on both sides of a ratio.
    for round_number in range(1, repeat + 1):
        tag = f" (round {round_number} of {repeat})" if repeat > 1 else ""
        # First build into an empty site/ (compared with our cold build, which
        # also starts without site/), then a rebuild over the existing site/
        # (compared with our warm build): removing the old site costs real time.
        shutil.rmtree(baseline / "site", ignore_errors=True)
        for phase, label in (("baseline", "first"), ("baseline_rebuild", "rebuild")):
            print(f"  baseline build ({label}){tag} ...", flush=True)
            load = _load()
            m = run_measured(base_cmd, cwd=baseline, log=logs / f"{phase}.log")
            _check(m, f"the baseline build ({label})")
            samples[phase].append({**_measured(m), "load_before": load, "load_after": _load()})
        for phase in ("cold", "warm"):
            if phase == "cold":
                shutil.rmtree(library / ".cache", ignore_errors=True)
                shutil.rmtree(library / "site", ignore_errors=True)
            print(f"  {phase} build{tag} ...", flush=True)
            load = _load()
            m = run_measured([python, "-m", "bench.instrumented", str(library), str(timings)],
                             cwd=REPO, log=logs / f"{phase}.log")
            _check(m, f"the {phase} build")
            samples[phase].append({**_measured(m),
                                   **json.loads(timings.read_text(encoding="utf-8")),
                                   "load_before": load, "load_after": _load()})
    for phase, runs in samples.items():
        result[phase] = summarize(runs)
    result["baseline"].update(site_facts(baseline / "site"))
    result.update(site_facts(library / "site"))
    cold = result["cold"]
    cold["pdf_pages_per_second"] = (round(cold["pdf_pages"] / cold["pdf_seconds"], 1)
                                    if cold["pdf_seconds"] else None)

    if serve:
        target = resources[len(resources) // 2]
        timeout = max(600.0, n * 0.5)
        port = free_port()
        result["serve_cli"] = _serve(
            "serve-build_site", [python, str(REPO / "build_site.py"), "--root", str(library),
                                 "serve", "--dev-addr", f"127.0.0.1:{port}"],
            library, logs, f"http://127.0.0.1:{port}/resources/{target.id}/",
            _edit_library_title(library, target), edits, timeout)
        port = free_port()
        result["serve_mkdocs"] = _serve(
            "serve-mkdocs", [python, "-m", "mkdocs", "serve", "-f", str(library / "mkdocs.yml"),
                             "-a", f"127.0.0.1:{port}"],
            library, logs, f"http://127.0.0.1:{port}/resources/{target.id}/",
            _edit_library_title(library, target), edits, timeout)
        port = free_port()
        result["serve_mkdocs_dirty"] = _serve(
            "serve-mkdocs-dirty", [python, "-m", "mkdocs", "serve", "--dirty", "-f",
                                   str(library / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
            library, logs, f"http://127.0.0.1:{port}/resources/{target.id}/",
            _edit_library_title(library, target), edits, timeout)
    if serve and n <= FULL_REBUILD_SERVERS_MAX_N:
        port = free_port()
        # MkDocs' own full rebuilds, as the hooks give them on request (bsla.mkdocs_door.previews).
        result["serve_mkdocs_full"] = _serve(
            "serve-mkdocs-full", [python, "-m", "mkdocs", "serve", "-f",
                                  str(library / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
            library, logs, f"http://127.0.0.1:{port}/resources/{target.id}/",
            _edit_library_title(library, target), edits, timeout, env={"BSLA_PREVIEW": "full"})
        port = free_port()
        result["serve_baseline"] = _serve(
            "serve-baseline", [python, "-m", "mkdocs", "serve", "-f",
                               str(baseline / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
            baseline, logs, f"http://127.0.0.1:{port}/resources/{target.id}/",
            _edit_baseline_title(baseline, target), edits, timeout)
    return result


def merge_results(path: Path, new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    runs: dict[int, dict[str, Any]] = {}
    if path.exists():
        for run in json.loads(path.read_text(encoding="utf-8")):
            runs[run["n"]] = run
    for run in new:
        runs[run["n"]] = run
    merged = [runs[n] for n in sorted(runs)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=1) + "\n", encoding="utf-8")
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, action="append", help="catalog size (repeatable)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edits", type=int, default=3, help="YAML edits timed per server")
    parser.add_argument("--repeat", type=int,
                        help="times each build is timed (default: 3 up to N = 1,000, else 1)")
    parser.add_argument("--no-serve", action="store_true", help="skip the dev-server timings")
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT)
    parser.add_argument("--work-dir", type=Path, help="where to generate (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    args = parser.parse_args(argv)
    sizes = args.n or [100, 1000]
    base = Path(tempfile.mkdtemp(prefix="bsla-bench-", dir=args.work_dir))
    runs = []
    try:
        for n in sizes:
            repeat = args.repeat or (3 if n <= 1000 else 1)
            runs.append(bench_one(n, seed=args.seed, work=base / f"n{n}", edits=args.edits,
                                  serve=not args.no_serve, repeat=max(1, repeat)))
            merged = merge_results(args.results, runs)
            write_report(args.report, merged)
            print(f"N={n} done; report in {args.report}", flush=True)
    finally:
        if args.keep:
            print(f"Kept the generated projects in {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
