"""Rendered text kept between builds of one process, reused when its inputs are equal.

``mkdocs serve`` and ``build_site.py serve`` rebuild the whole catalog in the
same process after every edit, and rendering 1,000 resource pages, their
listings and keyword pages took 3 to 4 s of each rebuild (bench/, cProfile)
although an edit changes a handful of them. Each memoized render names its
inputs: the renderer's context (labels, taxonomy, URL style, template files)
and the records it shows. An entry is reused only when every input compares
equal to the one it was made from (dataclass equality, field by field), so no
dependency between pages has to be tracked by hand: an edited title differs
wherever it is shown. Nothing is kept on disk; a new process starts empty.

It is switched on only for dev servers (the MkDocs door's on_startup): a one-off
build renders every page once, and keeping them all (search records carry PDF
text) would only add to its memory.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
# Renderer contexts kept canonical: one per language of a site, and a few more
# for a context edited back and forth (labels, URL style).
CONTEXTS_KEPT = 8


class RenderMemo:
    """Rendered results by name, each with the inputs it was made from.

    Entries live from one sweep to the next: the MkDocs door sweeps when a
    rebuild of every language has succeeded (``sweep``), dropping what that
    rebuild did not ask for, so memory holds about one rebuild's results
    (deleted resources, old keyword pages go). A fixed cap on the number of
    entries cleared everything each time a 10,000-resource catalog in two
    languages (about 130,000 entries) passed it: every rebuild rendered every
    page again, 50 s instead of seconds (cProfile, this machine).
    """

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._entries: dict[Hashable, tuple[Any, Any]] = {}
        self._used: set[Hashable] = set()
        self._contexts: list[Any] = []
        # A preview's search refresh reads entries in its own thread while the
        # next rebuild sweeps.
        self._lock = threading.Lock()

    def context(self, key: Any) -> Any:
        """The canonical object for a renderer context equal to ``key``.

        Entries hold it in their inputs, so a later renderer with an equal
        context compares it by identity instead of field by field per page.
        One canonical object per context seen lately, not only the last: the
        languages of a site take turns, and with one slot each language's
        renderer brought a new object, so every lookup compared the labels and
        the taxonomy field by field: resource pages, citation files and <head>
        parts took 3 to 10 times as long to come from memory (bench/ catalog of
        1,000 resources, in-process timing).
        """
        with self._lock:
            for known in self._contexts:
                if known == key:
                    return known
            self._contexts = [key, *self._contexts][:CONTEXTS_KEPT]
            return key

    def get(self, name: Hashable, inputs: Any, render: Callable[[], T]) -> T:
        """``render()``'s result, or the one kept under ``name`` for equal ``inputs``."""
        if not self.enabled:
            return render()
        with self._lock:
            self._used.add(name)
            entry = self._entries.get(name)
        if entry is not None and entry[0] == inputs:
            return entry[1]  # type: ignore[no-any-return]
        value = render()
        with self._lock:
            self._entries[name] = (inputs, value)
        return value

    def sweep(self) -> None:
        """Forget the entries nothing asked for since the last sweep."""
        with self._lock:
            self._entries = {name: entry for name, entry in self._entries.items()
                             if name in self._used}
            self._used = set()

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._used.clear()
            self._contexts = []


RENDERED = RenderMemo(enabled=False)
