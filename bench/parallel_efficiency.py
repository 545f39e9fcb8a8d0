"""Does a cold build use the cores it has? Cold and warm builds of one catalog, with CPU times.

Usage: python -m bench.parallel_efficiency [--n 1000] [--rounds 1] [--json FILE]

The target (issue 18): cold wall time ≤ warm wall time + (PDF CPU seconds ÷
cores) × 1.15, i.e. the PDF work a cold build adds is spread over every core
with at most 15% lost. PDF CPU seconds are the PDF workers' own (text, cover,
metadata; bench/instrumented.py), measured in the cold build itself. The
machine may be shared, so the load average before and after each build is
recorded beside the times.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.generate import REPO, generate_library
from bench.measure import run_measured
from bench.report import (
    PARALLEL_JSON,
    PARALLEL_SLACK,
    add_output_options,
    parallel_line,
    write_outputs,
)


def _build(library: Path, logs: Path, phase: str) -> dict[str, Any]:
    timings = logs / f"{phase}.json"
    load_before = os.getloadavg()[0]
    m = run_measured([sys.executable, "-m", "bench.instrumented", str(library), str(timings)],
                     cwd=REPO, log=logs / f"{phase}.log")
    if m.returncode != 0:
        raise SystemExit(f"the {phase} build failed; see {m.log}")
    return {"seconds": m.seconds, "cpu_seconds": m.cpu_seconds, "load_before": load_before,
            "load_after": os.getloadavg()[0],
            **json.loads(timings.read_text(encoding="utf-8"))}


def measure(n: int, rounds: int, work: Path) -> dict[str, Any]:
    library = work / "library"
    generate_library(library, n, 1)
    logs = work / "logs"
    logs.mkdir()
    runs = []
    for _ in range(rounds):
        shutil.rmtree(library / ".cache", ignore_errors=True)
        shutil.rmtree(library / "site", ignore_errors=True)
        cold = _build(library, logs, "cold")
        warm = _build(library, logs, "warm")
        cores = cold["cores"]
        bound = warm["seconds"] + cold["pdf_worker_cpu_seconds"] / cores * PARALLEL_SLACK
        runs.append({"cold": cold, "warm": warm, "cores": cores, "bound": bound,
                     "met": cold["seconds"] <= bound})
    return {"n": n, "runs": runs,
            "median_cold": statistics.median(r["cold"]["seconds"] for r in runs),
            "median_bound": statistics.median(r["bound"] for r in runs)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.parallel_efficiency",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1)
    add_output_options(parser, PARALLEL_JSON)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bsla-parallel-"))
    try:
        result = measure(args.n, args.rounds, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(parallel_line(result))
    write_outputs(args, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
