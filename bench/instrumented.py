"""``build_site.py build`` with the engine's stages timed, for the benchmark.

Usage: python -m bench.instrumented ROOT TIMINGS_JSON

Runs exactly what ``python build_site.py --root ROOT build`` runs, in this
process, after wrapping two engine functions with a stopwatch: the PDF stage
(``bsla.pdf.read_pdf_facts`` as the catalog stage calls it) and the whole
engine short of MkDocs (``bsla.engine.prepare``). That gives PDF throughput
from the cold build itself, without reading every PDF a second time.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str]) -> int:
    root, timings_path = argv
    import bsla.catalog
    import bsla.engine
    from bsla.pdf import usable_cpus

    timings: dict[str, Any] = {"pdf_seconds": 0.0, "pdf_pages": 0, "pdf_files": 0,
                               "prepare_seconds": 0.0, "pdf_worker_cpu_seconds": 0.0,
                               "pdf_parent_cpu_seconds": 0.0, "cores": usable_cpus()}
    read_pdf_facts = bsla.catalog.read_pdf_facts
    prepare = bsla.engine.prepare

    def timed_read(paths: Any, *args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        # The PDF workers are waited for before read_pdf_facts returns, so
        # their CPU time (text, cover, metadata) is in RUSAGE_CHILDREN by then.
        workers_before = _cpu(resource.RUSAGE_CHILDREN)
        own_before = _cpu(resource.RUSAGE_SELF)
        facts = read_pdf_facts(paths, *args, **kwargs)
        timings["pdf_seconds"] += time.perf_counter() - began
        timings["pdf_worker_cpu_seconds"] += _cpu(resource.RUSAGE_CHILDREN) - workers_before
        timings["pdf_parent_cpu_seconds"] += _cpu(resource.RUSAGE_SELF) - own_before
        timings["pdf_files"] += len(facts)
        timings["pdf_pages"] += sum(getattr(f, "pages", 0) or 0 for f in facts.values())
        return facts

    def timed_prepare(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        state = prepare(*args, **kwargs)
        timings["prepare_seconds"] += time.perf_counter() - began
        return state

    bsla.catalog.read_pdf_facts = timed_read
    bsla.engine.prepare = timed_prepare

    from bsla.cli import main as cli_main

    began = time.perf_counter()
    code = cli_main(["--root", root, "build", "--no-strict"])
    timings["build_seconds"] = time.perf_counter() - began
    Path(timings_path).write_text(json.dumps(timings), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
