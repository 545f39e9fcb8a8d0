"""Covers drawn beside the page build, then copied into the site.

A full build reads each new PDF's facts first, because its pages need them;
its cover, a tenth of that PDF work (bench/ PDFs, 2 cores), is only an image
the page links to. So ``build`` (not ``serve``, whose rebuilds draw only the
covers of PDFs just added) reads facts without covers and hands the covers to
a ``CoverJob``: low-priority workers draw them while the engine renders and
MkDocs builds, single-threaded, on the other core. ``finish`` waits for them
and copies every cover the pages link to into the site, before the link check.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

from bsla.pdf import PdfFailure, render_covers
from bsla.render import CopiedFile

log = logging.getLogger("mkdocs.plugins.bsla")
# Drawn in place of a cover that failed: the page already links to it.
BLANK_COVER = (240, 310)


class CoverJob:
    """Covers of ``pending`` (PDF, image) pairs, drawn in a thread's worker pool."""

    def __init__(self, pending: list[tuple[Path, Path]]) -> None:
        unique = list(dict((cover, pdf) for pdf, cover in pending).items())
        self._pairs = [(pdf, cover) for cover, pdf in unique]
        self._covers = {cover for _, cover in self._pairs}
        self._stopped = False
        self._results: dict[Path, PdfFailure | None] = {}
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="bsla-covers", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._results = render_covers(self._pairs, should_stop=lambda: self._stopped)
        except BaseException as exc:  # reported by finish, in the build's thread
            self._error = exc

    def is_pending(self, source: Path) -> bool:
        """Whether ``source`` is a cover this job draws (so it may not exist yet)."""
        return source in self._covers

    def finish(self, site_dir: Path, files: list[CopiedFile]) -> int:
        """Wait for the covers, copy those of ``files`` into ``site_dir``; return the count."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        failed = {pdf for pdf, _ in self._pairs
                  if isinstance(self._results.get(pdf), PdfFailure)}
        for pdf in sorted(failed):
            failure = self._results[pdf]
            log.warning(f"{pdf}: the cover could not be drawn ({failure.message}); "
                        "the page shows a blank cover until the next build draws it")
        copied = 0
        for file in files:
            if file.source not in self._covers:
                continue
            target = site_dir / file.src_uri
            target.parent.mkdir(parents=True, exist_ok=True)
            if file.source.is_file():
                shutil.copyfile(file.source, target)
            else:
                _blank_cover(target)
            copied += 1
        return copied

    def cancel(self) -> None:
        self._stopped = True
        self._thread.join()


def _blank_cover(target: Path) -> None:
    from PIL import Image

    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    Image.new("L", BLANK_COVER, 238).save(tmp, format="PNG")
    os.replace(tmp, target)
