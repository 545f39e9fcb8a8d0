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

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class RenderMemo:
    def __init__(self, max_entries: int = 100_000, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._entries: dict[Hashable, tuple[Any, Any]] = {}
        self._context: Any = None
        self._max_entries = max_entries

    def context(self, key: Any) -> Any:
        """The canonical object for a renderer context equal to ``key``.

        Entries hold it in their inputs, so a later renderer with an equal
        context compares it by identity instead of field by field per page.
        """
        if self._context is None or self._context != key:
            self._context = key
        return self._context

    def get(self, name: Hashable, inputs: Any, render: Callable[[], T]) -> T:
        """``render()``'s result, or the one kept under ``name`` for equal ``inputs``."""
        if not self.enabled:
            return render()
        entry = self._entries.get(name)
        if entry is not None and entry[0] == inputs:
            return entry[1]  # type: ignore[no-any-return]
        value = render()
        if len(self._entries) >= self._max_entries:
            self._entries.clear()  # a bound, not a policy: serve sessions stay far below it
        self._entries[name] = (inputs, value)
        return value

    def clear(self) -> None:
        self._entries.clear()
        self._context = None


RENDERED = RenderMemo(enabled=False)
