"""Progress of long work on stderr: a live count on a terminal, a line every 10% in a log.

Reading every PDF of a cold build takes minutes at 10,000 resources; without
a sign of life an editor cannot tell a slow build from a stuck one. On a
terminal, tqdm draws one line it keeps rewriting (count, rate, time left); in
a CI log, where rewriting a line only piles up carriage returns, a plain line
is written each time another tenth is done.

Who runs the build decides whether it is shown: ``build_site.py build`` and
``serve`` (quiet with ``-q``) call ``set_quiet``; under ``mkdocs build`` and
``serve`` the MkDocs door follows MkDocs' own ``-q`` (``quiet_unless_set``).
Code that calls the engine directly (tests, scripts) shows nothing unless it asks.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm

# None: no command said; then nothing is shown.
_quiet: bool | None = None
STEPS = 10  # lines written in a log over the whole count


def set_quiet(quiet: bool | None) -> None:
    """Show progress (False), hide it (True), or forget what a command said (None)."""
    global _quiet
    _quiet = quiet


def quiet_unless_set(quiet: bool) -> None:
    """Set quietness only if no command has: ``build_site.py``'s ``-q`` wins over MkDocs'."""
    if _quiet is None:
        set_quiet(quiet)


def shown() -> bool:
    return _quiet is False


class _LogLines:
    """A line at each tenth of ``total``, with the rate so far and the time left."""

    def __init__(self, total: int, label: str, unit: str, stream: TextIO) -> None:
        self.total, self.label, self.unit, self.stream = total, label, unit, stream
        self.done = 0
        self.step = 0
        self.began = time.monotonic()

    def update(self, count: int = 1) -> None:
        self.done += count
        step = self.done * STEPS // self.total
        if step <= self.step:
            return
        self.step = step
        elapsed = max(time.monotonic() - self.began, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0.0
        self.stream.write(
            f"{self.label}: {self.done:,}/{self.total:,} ({100 * self.done // self.total}%), "
            f"{rate:,.1f} {self.unit}s/s, {tqdm.format_interval(elapsed)} so far, "
            f"about {tqdm.format_interval(left)} left\n")
        self.stream.flush()


@contextmanager
def counter(total: int, label: str, *, unit: str = "item",
            stream: TextIO | None = None) -> Iterator[Callable[[int], None]]:
    """A function to call with how many more are done; shows nothing when quiet or idle."""
    stream = stream if stream is not None else sys.stderr
    if not shown() or total <= 0:
        yield lambda count=1: None
        return
    if _is_terminal(stream):
        bar = tqdm(total=total, desc=label, unit=unit, file=stream, dynamic_ncols=True,
                   leave=True)
        try:
            yield bar.update
        finally:
            bar.close()
        return
    yield _LogLines(total, label, unit, stream).update


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False
