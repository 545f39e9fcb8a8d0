"""The site navigation of pages outside it, rendered once per folder instead of once per page.

Part of the MkDocs door (only its plugin calls it). Every page shows the
site's navigation, and Material renders it with a macro call per entry:
2.7 s of a 20.7 s profiled warm build at 1,000 resources (cProfile,
``partials/nav.html``), most of it for the 1,000 resource pages. Those
pages have no entry in the navigation, so no entry is marked active for
them, and the navigation's links are relative to the page's folder: for all
such pages of one folder (``resources/``) the HTML is the same.

So the theme's ``partials/nav.html`` is reached through a small wrapper
template: the first such page of a folder renders it as usual, between two
markers; ``post_page`` keeps that HTML and removes the markers, and later
pages of the folder are given the kept HTML instead of rendering it again.
A theme override of ``partials/nav.html`` in ``docs/overrides`` is still
what renders. Pages in the navigation always render it themselves.
"""

from __future__ import annotations

import posixpath
import secrets
from collections.abc import Callable
from typing import Any

from jinja2 import BaseLoader, Environment
from markupsafe import Markup

TEMPLATE = "partials/nav.html"
# Where the theme's own template stays reachable behind the wrapper.
PREFIX = "bsla-theme/"
CONTEXT_KEY = "bsla_nav_html"
# Per process, so no page text can contain them by accident.
_TOKEN = secrets.token_hex(8)
START, END = f"<!--bsla-nav-{_TOKEN}-->", f"<!--/bsla-nav-{_TOKEN}-->"
WRAPPER = (f"{{%- if {CONTEXT_KEY} is defined and {CONTEXT_KEY} -%}}{{{{ {CONTEXT_KEY} }}}}"
           f'{{%- else -%}}{START}{{% include "{PREFIX}{TEMPLATE}" %}}{END}{{%- endif -%}}')


class _WrappingLoader(BaseLoader):
    """The theme's loader, with ``partials/nav.html`` answered by the wrapper."""

    def __init__(self, theme_loader: BaseLoader) -> None:
        self.theme_loader = theme_loader

    def get_source(self, environment: Environment,
                   template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        if template == TEMPLATE:
            return WRAPPER, None, lambda: True
        if template.startswith(PREFIX):
            template = template[len(PREFIX):]
        return self.theme_loader.get_source(environment, template)

    def list_templates(self) -> list[str]:
        # MkDocs lists templates to find the theme's static files: only real ones.
        return self.theme_loader.list_templates()


class NavCache:
    """Navigation HTML by folder, for the pages of one build that are not in the navigation."""

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._html: dict[str, str] = {}
        self._in_nav: set[int] | None = None  # ids of the build's pages in the navigation
        self._pending: dict[int, str | None] = {}  # page id -> its folder, while it renders

    def install(self, env: Environment) -> None:
        if not isinstance(env.loader, _WrappingLoader) and env.loader is not None:
            env.loader = _WrappingLoader(env.loader)

    def context(self, context: dict[str, Any], page: Any, nav: Any) -> dict[str, Any]:
        """Give a page outside the navigation its folder's kept navigation, if there is one."""
        if self._in_nav is None:
            self._in_nav = {id(p) for p in nav.pages} if nav is not None else set()
        folder = None
        if id(page) not in self._in_nav and page.url is not None:
            folder = posixpath.dirname(page.url.rstrip("/"))
        self._pending[id(page)] = folder
        if self.enabled and folder is not None and folder in self._html:
            context[CONTEXT_KEY] = Markup(self._html[folder])
        return context

    def post_page(self, output: str, page: Any | None) -> str:
        """The page without the markers; the first navigation of a folder is kept.

        ``page`` is None for the theme's other templates (404.html), which are
        only cleaned.
        """
        folder = self._pending.pop(id(page), None) if page is not None else None
        start = output.find(START)
        if start < 0:
            return output
        end = output.find(END, start)
        if end < 0:
            return output
        rendered = output[start + len(START):end]
        if folder is not None:
            self._html.setdefault(folder, rendered)
        return output[:start] + rendered + output[end + len(END):]

    def folders(self) -> list[str]:
        """The folders whose navigation this build has kept."""
        return sorted(self._html)

    def clear(self) -> None:
        self._html.clear()
        self._in_nav = None
        self._pending.clear()
