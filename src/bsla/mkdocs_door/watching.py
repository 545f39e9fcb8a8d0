"""File watching for the dev server: folders through the OS, single files by polling.

MkDocs' dev server polls every watched tree twice a second, so an edit waits
0.25 s on average (0.5 s at worst) before the rebuild even starts, and each poll
stats every YAML file and PDF of the catalog (bench/: `mkdocs serve` at 1,000
resources). The operating system's change notifications (inotify, FSEvents,
ReadDirectoryChangesW, through watchdog) report an edit at once and cost
nothing while idle.

Single files (mkdocs.yml, taxonomy.yml, labels.yml) stay with polling: editors
often save by writing a new file and renaming it over the old one, which ends a
notification watch on the file itself, while polling notices it. Some setups
never deliver notifications at all (folders shared from another machine or
from Windows into WSL); there ``BSLA_WATCH=poll`` keeps MkDocs' polling for
everything. If the OS refuses the watches (too many open, say) the folders fall
back to polling with a warning.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
)
from watchdog.observers import Observer

POLL_ONLY_ENV = "BSLA_WATCH"
_log = logging.getLogger(__name__)
# What polling reports (a file or folder created, changed, deleted or moved).
# Not the OS's reports of a file merely opened or read: every rebuild reads all
# YAML files, so those would start the next rebuild, and so on without end.
CHANGE_EVENTS = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent,
                 FileClosedEvent, FileAttribEvent, DirCreatedEvent, DirModifiedEvent,
                 DirDeletedEvent, DirMovedEvent]


def polling_requested() -> bool:
    return os.environ.get(POLL_ONLY_ENV, "").strip().lower() == "poll"


class SplitObserver:
    """The observer interface MkDocs' LiveReloadServer uses (schedule, unschedule,
    start, stop, join), sending folders to a native observer and the rest to
    ``polling``, the server's own polling observer."""

    def __init__(self, polling: Any, *, native_factory: Callable[[], Any] = Observer,
                 warn: Callable[[str], None] = _log.warning) -> None:
        self._polling = polling
        self._warn_callback = warn
        self._native = native_factory()
        # The watch handed to the caller -> (observer, that observer's own watch);
        # the two differ once a refused folder has moved to polling.
        self._owner: dict[Any, tuple[Any, Any]] = {}
        # What was scheduled natively, to move to polling if the OS refuses it.
        self._native_watches: dict[Any, tuple[Any, str, bool]] = {}
        self._lock = threading.Lock()

    def watches_natively(self, watch: Any) -> bool:
        return watch in self._owner and self._owner[watch][0] is self._native

    def schedule(self, handler: Any, path: str | Path, *, recursive: bool = False,
                 **options: Any) -> Any:
        path = str(path)
        with self._lock:
            if os.path.isdir(path):
                try:
                    watch = self._native.schedule(
                        handler, path, recursive=recursive,
                        **{"event_filter": CHANGE_EVENTS, **options})
                except OSError as exc:  # raised here only once the observer runs
                    self._warn(exc)
                else:
                    self._owner[watch] = (self._native, watch)
                    self._native_watches[watch] = (handler, path, recursive)
                    return watch
            watch = self._polling.schedule(handler, path, recursive=recursive, **options)
            self._owner[watch] = (self._polling, watch)
            return watch

    def unschedule(self, watch: Any) -> None:
        with self._lock:
            self._native_watches.pop(watch, None)
            # Watches made before this observer took over belong to the polling one.
            observer, own = self._owner.pop(watch, (self._polling, watch))
            observer.unschedule(own)

    def start(self) -> None:
        with self._lock:
            try:
                self._native.start()
            except OSError as exc:
                self._warn(exc)
                # Folders whose watch did start are released with the rest.
                self._native.stop()
                self._move_to_polling()
            self._polling.start()

    def _move_to_polling(self) -> None:
        moved = list(self._native_watches.items())
        self._native_watches.clear()
        for handed_out, (handler, path, recursive) in moved:
            self._owner[handed_out] = (self._polling, self._polling.schedule(
                handler, path, recursive=recursive))

    def _warn(self, exc: OSError) -> None:
        self._warn_callback(
            f"Watching folders for changes through the operating system failed ({exc}); "
            "polling them instead, so previews start up to 0.5 s later. On Linux, raising "
            "fs.inotify.max_user_watches usually fixes this.")

    def stop(self) -> None:
        for observer in (self._native, self._polling):
            if observer.is_alive():
                observer.stop()

    def join(self, timeout: float | None = None) -> None:
        for observer in (self._native, self._polling):
            if observer.is_alive():
                observer.join(timeout)

    def is_alive(self) -> bool:
        return self._polling.is_alive() or self._native.is_alive()
