"""Hand-written pages (docs/) in a language nobody has written them in yet.

Every page of the site exists in every language: where docs/es/ lacks a page
of docs/, the Spanish site shows the English text inside an element that says
its language (screen readers switch voice), under a marker saying so.
"""

from __future__ import annotations

import re

from markupsafe import escape

from bsla.pages.templates import Templates

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---[ \t]*\n", re.S)


def untranslated_page(markdown: str, templates: Templates, original_lang: str) -> str:
    """``markdown`` (a page written in ``original_lang``) for the site in ``templates.lang``."""
    match = _FRONT_MATTER.match(markdown)
    head, body = (match.group(0), markdown[match.end():]) if match else ("", markdown)
    marker = escape(templates.label(f"only_in_{original_lang}"))
    # md_in_html converts the Markdown inside the element.
    return (f'{head}\n<p class="bsla-fallback">{marker}</p>\n\n'
            f'<div lang="{escape(original_lang)}" markdown="1">\n\n{body.strip()}\n\n</div>\n')
