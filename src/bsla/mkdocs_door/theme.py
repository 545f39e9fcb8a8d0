"""What the theme's own templates print on every page, for the overrides in docs/overrides.

- ``bsla_label(key)`` in the theme's templates: the site's texts from
  labels.yml in the build's language (the header's search field uses it), so
  no template hard-codes a label;
- Material's two hidden toggles (drawer, search) lose ``autocomplete="off"``,
  which HTML allows only on text-like inputs (the W3C checker reports it on
  every page); header.js resets them on ``pageshow`` instead, which is what
  the attribute was there for (Firefox restoring a checked toggle).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup, escape
from mkdocs.exceptions import PluginError

from bsla.errors import LibraryError
from bsla.labels import LABELS_FILE, Labels

_TOGGLE = re.compile(r'(<input class="md-toggle" data-md-toggle="[a-z]+" type="checkbox" '
                     r'id="__[a-z]+") autocomplete="off">')


def theme_label(labels: Labels) -> Callable[[str], Markup]:
    """``bsla_label`` for the theme's templates, which do not escape what they print."""

    def label(key: str) -> Markup:
        try:
            return Markup(escape(labels(key)))
        except LibraryError:
            raise PluginError(f"{LABELS_FILE}: the label '{key}' used by a theme template "
                              f"(docs/overrides) is missing (add '{key}:' with 'en:' and "
                              "'es:' texts)") from None

    return label


def valid_toggles(html: str) -> str:
    return _TOGGLE.sub(r"\1>", html, count=2)
