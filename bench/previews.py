"""Edit → page served under ``build_site.py serve``, per kind of edit, on a generated catalog.

    python -m bench.previews --n 1000 [--edits 5] [--work-dir DIR] [--keep]
    python -m bench.previews --root DIR      # a catalog bench/generate.py wrote earlier

Five kinds of edit, each timed ``--edits`` times on a different resource: a new
summary, a new keyword, a new resource (YAML and a PDF of its own), a deleted
resource (YAML and PDF), and an error (an invalid date), which must show in the
browser (the served page carries the error notice) and in the terminal while the
last good site is still served. The clock starts when the edited files are in
place and stops at the first response that shows the change (for a deletion:
the first 404), and again at the Spanish page, which is rebuilt after the English
one; the next edit starts only then, from an idle server. Results are printed as
JSON, merged into ``bench/previews.json`` (``--results`` for another file) under
the key ``previews``, and docs/benchmarks.md is written again with them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from bench.generate import (
    REPO,
    SyntheticResource,
    _page_bodies,
    generate_library,
    pdf_bytes,
    plan_resources,
    resource_yaml_path,
)
from bench.measure import ServeTimeout, _stop_group, bench_env, fetch, free_port
from bench.report import PREVIEWS_JSON, rewrite_report
from bench.run import machine

KINDS = ("summary", "keyword", "new resource", "deleted resource", "error")
# What the served page shows while the last rebuild failed (bsla.mkdocs_door.preview_errors).
ERROR_MARK = b'id="bsla-preview-error"'
SEED = 1


class Server:
    def __init__(self, root: Path, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self._out = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(REPO / "build_site.py"), "--root", str(root), "serve",
             "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=root, stdout=self._out, stderr=subprocess.STDOUT, env=bench_env(),
            start_new_session=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def wait(self, path: str, began: float, done: Callable[[int, bytes], bool],
             timeout: float = 600) -> float:
        while True:
            status, body = fetch(self.url(path))
            if done(status, body):
                return time.perf_counter() - began
            if self.proc.poll() is not None:
                raise ServeTimeout(f"the server exited with code {self.proc.returncode}")
            if time.perf_counter() - began > timeout:
                raise ServeTimeout(f"/{path} did not change within {timeout:.0f} s")
            time.sleep(0.02)

    def log_text(self) -> str:
        self._out.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        _stop_group(self.proc.pid)
        self.proc.wait()
        self._out.close()


def _page(resource_id: str) -> str:
    return f"resources/{resource_id}/"


def _rewrite(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    text = path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    data = yaml.safe_load(text)
    change(data)
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True,
                                            width=100), encoding="utf-8")


def time_edits(root: Path, resources: list[SyntheticResource], server: Server,
               edits: int) -> dict[str, list[float]]:
    rng = random.Random(SEED)
    # A resource another one names (related, translation_of) can't be deleted without an error.
    named = {other for r in resources for other in (*r.related, r.translation_of or "")}
    pool = [r for r in resources if not r.translation_of and r.id not in named]
    rng.shuffle(pool)
    targets = iter(pool)
    bodies = _page_bodies(SEED)
    times: dict[str, list[float]] = {}
    width = len(resources[0].id.rsplit("-", 1)[1])

    def timed(kind: str, page: str, began: float, done: Callable[[int, bytes], bool]) -> None:
        """The English page, then the Spanish one, which is rebuilt after it.

        Waiting for both means every edit starts from an idle server: the time is
        that of one edit, not of edits queued behind each other.
        """
        times.setdefault(kind, []).append(server.wait(page, began, done))
        times.setdefault(spanish(kind), []).append(server.wait(f"es/{page}", began, done))

    for index in range(edits):
        for kind in KINDS:
            time.sleep(1.0)  # the watcher must see a new event, and file times a new value
            token = f"bench{os.getpid()}x{index}x{time.time_ns()}"
            target = next(targets)
            path = resource_yaml_path(root, target)
            page = _page(target.id)
            if kind == "summary":
                began = time.perf_counter()
                _rewrite(path, lambda d, t=token: d.update(summary=f"{d['summary']} {t}."))
                timed(kind, page, began, lambda s, b, t=token: s == 200 and t.encode() in b)
            elif kind == "keyword":
                began = time.perf_counter()
                _rewrite(path, lambda d, t=token: d["tags"].append(f"kw {t}"))
                timed(kind, page, began,
                      lambda s, b, t=token: s == 200 and f"kw {t}".encode() in b)
            elif kind == "new resource":
                # A catalog an earlier run edited (--root) keeps the resources it added.
                number = next(n for n in range(10 ** width - 1 - index, 0, -1)
                              if not any(root.glob(f"*/*/synthetic-resource-{n}.yml")))
                new = replace(target, number=number, id=f"synthetic-resource-{number}",
                              title=f"Synthetic resource {number}: new {token}",
                              related=[], translation_of=None)
                pdf = pdf_bytes(new, bodies, SEED)
                yaml_path = resource_yaml_path(root, new)
                began = time.perf_counter()
                yaml_path.with_suffix(".pdf").write_bytes(pdf)
                yaml_path.write_text(new.yaml_text(), encoding="utf-8")
                timed(kind, _page(new.id), began,
                      lambda s, b, t=token: s == 200 and t.encode() in b)
            elif kind == "deleted resource":
                began = time.perf_counter()
                path.unlink()
                path.with_suffix(".pdf").unlink()
                timed(kind, page, began, lambda s, b: s == 404)
            else:
                original = path.read_text(encoding="utf-8")
                began = time.perf_counter()
                _rewrite(path, lambda d: d.update(date="someday"))
                timed(kind, page, began, lambda s, b: s == 200 and ERROR_MARK in b)
                log = server.log_text()
                if path.name not in log or "someday" not in log:
                    raise SystemExit(f"the terminal does not name {path.name}:\n{log[-2000:]}")
                if "Traceback" in log:
                    raise SystemExit(f"a traceback reached the terminal:\n{log[-3000:]}")
                time.sleep(1.0)
                path.write_text(original, encoding="utf-8")
                for fixed in (page, f"es/{page}"):
                    server.wait(fixed, time.perf_counter(), lambda s, b:
                                s == 200 and ERROR_MARK not in b)
    return times


def spanish(kind: str) -> str:
    """The key of an edit's time until the Spanish page shows it."""
    return f"{kind}, /es/"


def summarize(times: dict[str, list[float]]) -> dict[str, Any]:
    return {kind: {"median": round(statistics.median(values), 3),
                   "max": round(max(values), 3), "runs": [round(v, 3) for v in values]}
            for kind, values in times.items() if values}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.previews",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, help="generate a catalog of this size")
    parser.add_argument("--root", type=Path, help="a catalog bench/generate.py wrote earlier")
    parser.add_argument("--edits", type=int, default=5, help="edits of each kind")
    parser.add_argument("--work-dir", type=Path, help="where to generate (default: a temp dir)")
    parser.add_argument("--results", type=Path, default=PREVIEWS_JSON,
                        help="merge the figures into this JSON file (default: %(default)s)")
    args = parser.parse_args(argv)
    if (args.n is None) == (args.root is None):
        parser.error("give either --n or --root")
    if args.root is not None:
        root = args.root.resolve()
        n = sum(1 for _ in root.glob("*/*/*.yml")) + sum(1 for _ in root.glob("*/*/*/*.yml"))
        # Ids are as wide as the catalog was generated (bench.generate); edits by an
        # earlier run may have left fewer resources than that width stands for.
        width = max((len(p.stem.rsplit("-", 1)[1]) for p in root.glob("*/*/*.yml")), default=4)
        planned = n if len(str(n)) >= width else 10 ** (width - 1)
        resources = [r for r in plan_resources(planned, SEED)
                     if resource_yaml_path(root, r).exists()]
        # Reported under the size it was generated at, beside the earlier runs of that size.
        n = planned
    else:
        work = args.work_dir or Path(tempfile.mkdtemp(prefix="bsla-previews-"))
        root = work / "library"
        resources = generate_library(root, args.n, SEED)
        n = args.n
    server = Server(root, root.parent / f"previews-{n}.log")
    try:
        began = time.perf_counter()
        startup = server.wait("", began, lambda s, b: s == 200, timeout=3600)
        times = time_edits(root, resources, server, args.edits)
    finally:
        server.stop()
    result = {"n": n, "date": time.strftime("%Y-%m-%d"), "machine": machine(),
              "load_average": os.getloadavg()[0], "startup_seconds": round(startup, 2),
              "edits": summarize(times)}
    print(json.dumps(result, indent=2))
    existing = (json.loads(args.results.read_text(encoding="utf-8"))
                if args.results.exists() else {})
    existing.setdefault("previews", {})[str(n)] = result
    args.results.write_text(json.dumps(existing, indent=2) + "\n", encoding="utf-8")
    if args.results == PREVIEWS_JSON:
        rewrite_report()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
