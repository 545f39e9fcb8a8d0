"""Stage 2: facts read from PDFs, in worker processes with time and memory limits.

PDFs come from contributors we don't control, and pypdf keeps receiving
denial-of-service fixes, so parsing never happens in the build process: a small
pool of long-lived workers (``python -m bsla.pdf_worker``) each runs under an
address-space limit, and the parent kills any worker whose current file takes
longer than the time limit. Cheap checks (symlink, missing, size, ``%PDF-``
header) and the SHA-256 happen in the parent; results are cached on disk by
that hash so an unchanged PDF is never parsed twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bsla.progress import counter

# 2: page text from PDFium; 3: text as indexed (bsla.indexed_text); 4: entries
# carry a digest of their facts and of the cover image beside them; pages are
# counted as found (not as claimed), text has no control characters or lone surrogates;
# 5: pages turned by /Rotate are read upright (in reading order).
# 6: text kept page by page, pages separated by bsla.indexed_text.PAGE_BREAK.
CACHE_VERSION = 6
HEADER_WINDOW = 1024


@dataclass(frozen=True)
class PdfFacts:
    sha256: str
    bytes: int
    pages: int
    title: str | None
    author: str | None
    created: str | None
    encrypted: bool
    text: str  # as the search index keeps it, page by page: bsla.indexed_text
    text_chars: int
    tagged: bool
    lang: str | None
    display_doc_title: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PdfFacts:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class PdfFailure:
    message: str
    hint: str
    code: str


REPLACE_HINT = ("re-export the PDF from the original document, or open and re-save it in a PDF "
                "viewer, then replace the file")
FAILURES = {
    "missing": ("the PDF does not exist", "check the file name, or add the PDF next to the YAML"),
    "symlink": ("the PDF is a symbolic link", "replace the link with the real file"),
    "not-a-file": ("the path is a folder or a special file, not a PDF",
                   "point 'file' at the PDF itself"),
    "not-pdf": ("the file is not a PDF (it does not start with %PDF-; perhaps another kind of "
                "file renamed .pdf)", "export the document as PDF and use that file"),
    "encrypted": ("the PDF is encrypted and cannot be opened without a password",
                  "save an unprotected copy (File > Save As, without a password) and use that"),
    "timeout": ("the PDF took too long to read (over {timeout:g} seconds) and was skipped",
                REPLACE_HINT),
    "memory": ("the PDF needs too much memory to read (over {memory_mb} MB) and was skipped",
               REPLACE_HINT),
    "empty": ("the PDF is an empty file (0 bytes); perhaps its upload was cut off",
              "add the PDF again"),
    "unreadable": ("the PDF cannot be read ({reason})",
                   "check that the file is readable (its permissions) and complete"),
    "too-large": ("the PDF is {size:,} bytes; the limit is {max_bytes:,} bytes",
                  "reduce its size (e.g. 'Reduce file size' in a PDF editor) and replace it"),
}


def _failure(code: str, **values: Any) -> PdfFailure:
    message, hint = FAILURES[code]
    return PdfFailure(message.format(**values), hint, code)


def corrupt(reason: str) -> PdfFailure:
    reason = " ".join(reason.split())[:160]
    return PdfFailure(f"the PDF is damaged or truncated and could not be read ({reason})",
                      REPLACE_HINT, "corrupt")


def _precheck(path: Path, max_bytes: int) -> PdfFailure | None:
    if os.path.islink(path):
        return _failure("symlink")
    try:
        info = path.stat()
    except FileNotFoundError:
        return _failure("missing")
    except OSError as exc:
        return corrupt(exc.strerror or str(exc))
    import stat

    if not stat.S_ISREG(info.st_mode):
        return _failure("not-a-file")
    if info.st_size > max_bytes:
        return _failure("too-large", size=info.st_size, max_bytes=max_bytes)
    if info.st_size == 0:
        return _failure("empty")
    with path.open("rb") as handle:
        if b"%PDF-" not in handle.read(HEADER_WINDOW):
            return _failure("not-pdf")
    return None


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _facts_digest(facts: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode("utf-8")).hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _cache_read(cache_dir: Path | None, sha256: str,
                thumb: Path | None = None) -> PdfFacts | None:
    """The cached facts of the PDF with this SHA-256, or None to read the PDF again.

    An entry is served only whole and as written: a truncated or garbled one
    (bit rot, a disk filling up, a copy cut short) fails its digest and the
    PDF is read again. So does the cover image beside it: a damaged one is
    removed, so that the PDF's worker renders it again.
    """
    if cache_dir is None:
        return None
    try:
        data = json.loads((cache_dir / f"{sha256}.json").read_text(encoding="utf-8"))
        if data.get("cache_version") != CACHE_VERSION \
                or data.get("check") != _facts_digest(data["facts"]):
            return None
        facts = PdfFacts.from_dict(data["facts"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if facts.sha256 != sha256:
        return None
    if thumb is not None and thumb.exists() and data.get("thumb") != _file_digest(thumb):
        # Not the image this entry was written with (or written without one):
        # render it again rather than publish a damaged cover.
        with contextlib.suppress(OSError):
            thumb.unlink()
        return None
    return facts


def _cache_write(cache_dir: Path | None, facts: PdfFacts, thumb: Path | None = None) -> None:
    """Write the entry whole (beside, then renamed), with digests of its facts and cover."""
    if cache_dir is None:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / f"{facts.sha256}.json"
    body = facts.to_dict()
    entry: dict[str, Any] = {"cache_version": CACHE_VERSION, "facts": body,
                             "check": _facts_digest(body)}
    if thumb is not None:
        entry["thumb"] = _file_digest(thumb)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(entry), encoding="utf-8")
    os.replace(tmp, target)


class _Worker:
    """One long-lived parsing process speaking JSON lines."""

    def __init__(self, memory_mb: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bsla.pdf_worker", str(memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "PYTHONPATH": _package_parent()},
        )
        self.job: tuple[Path, str, int, str | None] | None = None
        self.deadline = 0.0
        self.buffer = b""

    def send(self, job: tuple[Path, str, int, str | None], timeout: float) -> None:
        assert self.process.stdin is not None
        self.job = job
        self.deadline = time.monotonic() + timeout
        request = {"path": str(job[0]), "thumbnail": job[3]}
        self.process.stdin.write((json.dumps(request) + "\n").encode())
        self.process.stdin.flush()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(Exception):
                stream.close()  # type: ignore[union-attr]


def _package_parent() -> str:
    # The worker must import this same copy of bsla, even when it is not installed.
    parent = str(Path(__file__).resolve().parent.parent)
    existing = os.environ.get("PYTHONPATH")
    return parent + (os.pathsep + existing if existing else "")


def _facts_from_reply(reply: dict[str, Any], sha256: str, size: int) -> PdfFacts | PdfFailure:
    if "failure" in reply:
        code = reply["failure"]
        if code == "corrupt":
            return corrupt(reply.get("reason", "unknown error"))
        return PdfFailure(reply.get("message", ""), reply.get("hint", REPLACE_HINT), code)
    return PdfFacts(sha256=sha256, bytes=size, **reply["facts"])


def _parse_all(
    jobs: list[tuple[Path, str, int, str | None]], *, timeout: float, memory_mb: int, workers: int,
    advance: Callable[[int], None] = lambda count: None,
) -> dict[Path, PdfFacts | PdfFailure]:
    results: dict[Path, PdfFacts | PdfFailure] = {}
    pending = list(reversed(jobs))
    selector = selectors.DefaultSelector()
    pool: list[_Worker] = []

    def start() -> _Worker:
        worker = _Worker(memory_mb)
        assert worker.process.stdout is not None
        os.set_blocking(worker.process.stdout.fileno(), False)
        selector.register(worker.process.stdout, selectors.EVENT_READ, worker)
        pool.append(worker)
        return worker

    def retire(worker: _Worker) -> None:
        selector.unregister(worker.process.stdout)  # type: ignore[arg-type]
        worker.kill()
        pool.remove(worker)

    def feed(worker: _Worker) -> None:
        if pending:
            worker.send(pending.pop(), timeout)
        else:
            worker.job = None

    def done(path: Path, result: PdfFacts | PdfFailure) -> None:
        results[path] = result
        advance(1)

    try:
        for _ in range(min(workers, len(jobs))):
            feed(start())
        while any(w.job for w in pool):
            now = time.monotonic()
            busy = [w for w in pool if w.job]
            wait = max(0.0, min(w.deadline for w in busy) - now)
            for key, _ in selector.select(timeout=wait):
                worker: _Worker = key.data
                assert worker.process.stdout is not None
                chunk = worker.process.stdout.read()
                if chunk:
                    worker.buffer += chunk
                    while b"\n" in worker.buffer and worker.job:
                        line, worker.buffer = worker.buffer.split(b"\n", 1)
                        path, sha256, size, _ = worker.job
                        try:
                            reply = _facts_from_reply(json.loads(line), sha256, size)
                        except (ValueError, KeyError, TypeError) as exc:
                            reply = corrupt(f"unreadable worker reply: {exc}")
                        done(path, reply)
                        feed(worker)
                    continue
                # End of file: the worker died, most likely killed by the memory limit.
                if worker.job:
                    done(worker.job[0], _failure("memory", memory_mb=memory_mb))
                retire(worker)
                if pending:
                    feed(start())
            now = time.monotonic()
            for worker in [w for w in pool if w.job and w.deadline <= now]:
                assert worker.job is not None
                done(worker.job[0], _failure("timeout", timeout=timeout))
                retire(worker)
                if pending:
                    feed(start())
    finally:
        for worker in list(pool):
            retire(worker)
        selector.close()
    return results


def usable_cpus() -> int:
    """The CPUs this process may run on, which sets how many PDF workers start.

    ``os.cpu_count()`` counts the machine's; a container or ``taskset`` may
    allow fewer, and a worker per uncounted CPU would only add processes (and
    their memory) that wait for the same cores.
    """
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def thumbnail_path(thumbs_dir: Path | None, sha256: str) -> Path | None:
    return None if thumbs_dir is None else thumbs_dir / f"{sha256}.png"


def read_pdf_facts(
    paths: Sequence[Path],
    cache_dir: Path | None,
    *,
    timeout: float = 30.0,
    memory_mb: int = 1024,
    max_bytes: int = 200 * 1024 * 1024,
    workers: int | None = None,
    thumbs_dir: Path | None = None,
) -> dict[Path, PdfFacts | PdfFailure]:
    """Facts (or the reason there are none) for every path, keyed by the path as given.

    With ``thumbs_dir``, the first page is also rendered to ``<sha256>.png`` there
    (see ``thumbnail_path``); an existing image is never rendered again.
    """
    results: dict[Path, PdfFacts | PdfFailure] = {}
    jobs: list[tuple[Path, str, int, str | None]] = []
    if thumbs_dir is not None:
        thumbs_dir.mkdir(parents=True, exist_ok=True)
    stamps: dict[Path, tuple[int, int, int]] = {}
    for path in paths:
        known = _known.get((str(path), str(cache_dir))) if cache_dir is not None else None
        if known is not None and known[0] == _stamp(Path(path)) \
                and _has_thumb(thumbs_dir, known[1]):
            # The same file as when it passed every check below (a link put in
            # its place has an inode of its own, so lstat tells them apart).
            stamps[path] = known[0]
            results[path] = known[1]
            continue
        stamp = _stamp(Path(path))
        try:
            refusal = _precheck(Path(path), max_bytes)
            if refusal is None:
                sha256, size = _sha256(Path(path))
        except OSError as exc:  # unreadable (permissions), or gone since it was listed
            refusal = _failure("unreadable", reason=exc.strerror or str(exc))
        if refusal is not None:
            results[path] = refusal
            continue
        if stamp is not None:  # else it vanished since the check: never remember it
            stamps[path] = stamp
        thumb = thumbnail_path(thumbs_dir, sha256)
        cached = _cache_read(cache_dir, sha256, thumb)
        wanted_thumb = str(thumb) if thumb is not None and not thumb.exists() else None
        if cached is not None and wanted_thumb is None:
            results[path] = cached
        else:
            jobs.append((path, sha256, size, wanted_thumb))
    if jobs:
        count = workers or min(usable_cpus(), len(jobs))
        # Only PDFs not read before count: a warm build shows nothing.
        with counter(len(jobs), "Reading PDFs", unit="PDF") as advance:
            parsed = _parse_all(jobs, timeout=timeout, memory_mb=memory_mb, workers=count,
                                advance=advance)
        for path, result in parsed.items():
            results[path] = result
            # Failures are not cached: the limits may be raised, and a failing
            # file is usually replaced soon, so re-trying costs little.
            if isinstance(result, PdfFacts):
                _cache_write(cache_dir, result, thumbnail_path(thumbs_dir, result.sha256))
    if cache_dir is not None:
        for path, stamp in stamps.items():
            facts = results.get(path)
            if isinstance(facts, PdfFacts):
                _known[(str(path), str(cache_dir))] = (stamp, facts)
    return results


# Facts by (path, cache folder) with the file's size, mtime and inode when read.
# `mkdocs serve` rebuilds in the same process after every edit; hashing every
# PDF and parsing its cache entry (text included) again cost 1 s per rebuild at
# 1,000 resources (bench/, cProfile). A PDF whose stat is unchanged is not
# hashed again in this process; the on-disk cache stays keyed by content.
_known: dict[tuple[str, str], tuple[tuple[int, int, int], PdfFacts]] = {}


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


def _has_thumb(thumbs_dir: Path | None, facts: PdfFacts) -> bool:
    thumb = thumbnail_path(thumbs_dir, facts.sha256)
    return thumb is None or thumb.exists()
