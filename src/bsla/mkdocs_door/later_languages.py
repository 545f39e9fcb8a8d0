"""Previews: the site's other languages are rebuilt after the main one is served.

Part of the MkDocs door (only its plugin calls it). Each language is its own
MkDocs build, run at the end of the main language's build. MkDocs' dev server
holds every request until its builder returns, so after an edit the English
page waited for the Spanish site too: half of each rebuild (cProfile at 1,000
resources: 2.6 s of 5.1 s).

Under ``serve``, once the server runs, ``LaterLanguages`` lets the builder
return when the main language is built: its pages are served at once, while
the other languages build in a thread. Requests for their pages
(``/<code>/...``) are held until that thread ends, as MkDocs holds requests
during a build, so no half-written page is served; then the server's browsers
are told to reload. The next rebuild waits for the thread before it starts,
so two builds never run at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

# Longer than any rebuild of the other languages should take; a request is
# never held forever if the thread dies in a way nobody foresaw.
HOLD_SECONDS = 600


class LaterLanguages:
    """The other languages' rebuild thread, and the server requests that wait for it."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._building: tuple[str, ...] = ()  # path prefixes held while the thread runs
        self._thread: threading.Thread | None = None
        self._server: Any = None

    @property
    def installed(self) -> bool:
        return self._server is not None

    def install(self, server: Any) -> bool:
        """Hold ``server``'s requests for pages being built (a MkDocs ``LiveReloadServer``).

        False, and nothing changed, when the server is not laid out as MkDocs 1.6
        (and ProperDocs) have it: the other languages then build before the
        builder returns, as in ``mkdocs build``.
        """
        serve_request = getattr(server, "_serve_request", None)
        if serve_request is None or not all(
                hasattr(server, name) for name in ("_epoch_cond", "_rebuild_cond",
                                                   "_visible_epoch", "_wanted_epoch")):
            return False
        mount = str(getattr(server, "mount_path", "/"))

        def held_serve_request(environ: dict[str, Any], start_response: Any) -> Any:
            path = str(environ.get("PATH_INFO", ""))
            with self._cond:
                self._cond.wait_for(lambda: not self._holds(mount, path), timeout=HOLD_SECONDS)
            return serve_request(environ, start_response)

        server._serve_request = held_serve_request
        self._server = server
        return True

    def uninstall(self) -> None:
        self.wait()
        self._server = None

    def _holds(self, mount: str, path: str) -> bool:
        return any(path == f"{mount}{code}" or path.startswith(f"{mount}{code}/")
                   for code in self._building)

    def start(self, languages: Iterable[str], build: Callable[[], None],
              failed: Callable[[Exception], None]) -> None:
        """Run ``build`` (every other language) in a thread; ``failed`` gets what it raised."""
        self.wait()
        with self._cond:
            self._building = tuple(languages)

        def run() -> None:
            try:
                build()
            except Exception as exc:  # reported by the plugin; the thread must end cleanly
                failed(exc)
            finally:
                with self._cond:
                    self._building = ()
                    self._cond.notify_all()
                self._reload_browsers()

        self._thread = threading.Thread(target=run, name="bsla-later-languages", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Until the other languages' rebuild, if one runs, has ended."""
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _reload_browsers(self) -> None:
        """What the server does after a build: a new epoch, which open pages poll for."""
        server = self._server
        if server is None:
            return
        # The server's build loop sets the wanted epoch holding its rebuild lock.
        with server._rebuild_cond, server._epoch_cond:
            # A rebuild that started meanwhile will publish its own epoch.
            if server._visible_epoch != server._wanted_epoch:
                return
            epoch = max(server._visible_epoch + 1, round(time.monotonic() * 1000))
            server._wanted_epoch = server._visible_epoch = epoch
            server._epoch_cond.notify_all()
