"""A failed preview rebuild, shown in the terminal and on every served page.

Under ``mkdocs serve`` a rebuild that fails leaves MkDocs printing a Python
traceback and the browser showing the old page with no sign that the edit was
refused; an editor saving a bad date then waits for a change that never comes.
``PreviewErrors`` wraps the live-reload server's builder: a rebuild that MkDocs
or the engine stopped (``MkDocsException``: the engine's located problems, a
strict-mode abort) is logged as its message alone (MkDocs logs a plugin's
error itself and raises a bare "Aborted with a BuildError!", so the plugin hands
the real message over through ``record``), the server keeps serving the last
site that built, and the browsers reload to find a notice at the top of
every page until a rebuild succeeds. Failures that are bugs (any other
exception) still reach MkDocs, traceback and all.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from typing import Any

from mkdocs.exceptions import MkDocsException

NOTICE_ID = "bsla-preview-error"
# Inline styles: the notice must show even when the failed edit broke the stylesheet.
_NOTICE = (
    '<div id="' + NOTICE_ID + '" role="alert" style="margin:0;padding:1rem 1.25rem;'
    'background:#fff4e5;color:#3d2100;border-bottom:3px solid #b35c00;'
    'font:16px/1.5 system-ui,sans-serif;position:relative;z-index:10">'
    '<p style="margin:0 0 .25rem;font-weight:bold">{heading}</p>'
    '<p style="margin:0 0 .5rem">{hint}</p>'
    '<pre style="margin:0;white-space:pre-wrap;font-size:14px">{message}</pre></div>'
)


class PreviewErrors:
    """The message of the last failed rebuild, until one succeeds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._message: str | None = None
        self._labels: tuple[str, str] = ("", "")
        # The failing build's own message, kept until the builder sees the failure.
        self._recorded: str | None = None
        self._report: Callable[[str, bool], None] = lambda message, logged: None
        self._labels_now: Callable[[], tuple[str, str]] = lambda: ("", "")

    def record(self, message: str) -> None:
        """The message of the error that is failing the current build (already logged)."""
        with self._lock:
            self._recorded = message.strip() or None

    @property
    def message(self) -> str | None:
        with self._lock:
            return self._message

    def failed(self, exc: MkDocsException) -> None:
        """A rebuild failed: in the server's builder or, for other languages, after it."""
        with self._lock:
            recorded, self._recorded = self._recorded, None
            message = recorded or str(exc).strip() or type(exc).__name__
            self._message = message
            self._labels = self._labels_now()
        self._report(message, recorded is not None)

    def install(self, server: Any, *, report: Callable[[str, bool], None],
                labels: Callable[[], tuple[str, str]]) -> None:
        """Wrap ``server``'s builder and page injection (a MkDocs ``LiveReloadServer``).

        ``report`` logs a failure's message and whether it was logged already;
        ``labels`` gives the notice's heading
        and hint in the site's language, from the last good build.
        """
        build = server.builder
        inject = server._inject_js_into_html
        self._report, self._labels_now = report, labels

        def builder(*args: Any, **kwargs: Any) -> None:
            with self._lock:
                self._recorded = None
            try:
                build(*args, **kwargs)
            except MkDocsException as exc:
                # Returning normally lets the server reload the browsers, which then
                # show the last good site with the notice.
                self.failed(exc)
                return
            with self._lock:
                self._message = None

        def inject_notice(content: bytes, epoch: int) -> bytes:
            content = inject(content, epoch)
            with self._lock:
                message, (heading, hint) = self._message, self._labels
            if message is None:
                return content
            notice = _NOTICE.format(heading=html.escape(heading), hint=html.escape(hint),
                                    message=html.escape(message)).encode()
            return _after_body_tag(content, notice)

        server.builder = builder
        server._inject_js_into_html = inject_notice


def _after_body_tag(content: bytes, notice: bytes) -> bytes:
    start = content.find(b"<body")
    end = content.find(b">", start) if start != -1 else -1
    if end == -1:
        return notice + content
    return content[:end + 1] + notice + content[end + 1:]
