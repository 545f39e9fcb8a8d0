"""Editor text made safe for each place a page shows it (Jinja filters).

Everything an editor typed is escaped by Jinja2's autoescape; the one field
that is Markdown (``summary``) is converted and then cleaned by nh3 with an
allow-list, so neither script nor local-file links reach the site.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re

import markdown
import nh3
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from bsla.schema import check_url

SUMMARY_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "br", "code", "blockquote"}
LINK_SCHEMES = ("http", "https", "mailto")


def _keep_safe_links(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return value if check_url(value, LINK_SCHEMES) is None else None
    return value


# One converter, reset between texts: building a Markdown instance per call cost
# more than the conversion (about 1 ms each, three per resource; bench/ profile).
_MARKDOWN = markdown.Markdown(extensions=[], output_format="html")
# Each summary is shown on its page, in its card and in the meta description.
_TEXT_CACHE_SIZE = 1 << 16


@functools.lru_cache(maxsize=_TEXT_CACHE_SIZE)
def _summary_html_text(text: str) -> str:
    return nh3.clean(
        _MARKDOWN.reset().convert(text),
        tags=SUMMARY_TAGS,
        attributes={"a": {"href"}},
        url_schemes=set(LINK_SCHEMES),
        attribute_filter=_keep_safe_links,
        link_rel="noopener noreferrer",
    )


def summary_html(text: str) -> Markup:
    """Editor Markdown to HTML that can carry no script and no local links."""
    return Markup(_summary_html_text(text))


@functools.lru_cache(maxsize=_TEXT_CACHE_SIZE)
def _flat_text(text: str) -> str:
    # From the sanitized HTML: the same words without converting the Markdown
    # a second time (0.3 s per 1,000 resources).
    words = nh3.clean(_summary_html_text(text), tags=set()).split()
    flat = " ".join(words).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return flat.replace("&quot;", '"').replace("&#39;", "'")


def plain_text(text: str, limit: int | None = None) -> str:
    """Summary as one line of plain text (for cards and meta descriptions)."""
    flat = _flat_text(text)
    if limit and len(flat) > limit:
        flat = flat[: limit - 1].rsplit(" ", 1)[0] + "…"
    return flat


def front_matter_text(text: str) -> str:
    """A value MkDocs themes print unescaped (page titles, meta descriptions).

    Material runs ``striptags`` on the page title, which also turns entities back
    into characters, so escaping alone could re-create ``</title><script>``.
    Angle brackets therefore become look-alike quotation marks, and the rest is
    escaped for the attribute and text positions the theme uses.
    """
    text = " ".join(text.split()).replace("<", "‹").replace(">", "›")
    return str(escape(text))


MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def markdown_text(text: str) -> Markup:
    """Editor text as literal Markdown inline text: no markup, no HTML, no links.

    Page titles are Markdown headings so that they enter the page's table of
    contents, which is what gives Material's skip link its target.
    """
    text = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Markup(MARKDOWN_SPECIALS.sub(r"\\\1", text))


def human_size(size: int, lang: str = "en") -> str:
    """A file size as readers of ``lang`` write it: "1.2 MB", "1,2 MB"."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            if unit == "bytes":
                return f"{int(value)} {unit}"
            return f"{format_decimal(round(value, 1), '0.0', locale=lang)} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


@functools.lru_cache(maxsize=4096)
def human_date(value: str, lang: str = "en") -> str:
    """A YYYY, YYYY-MM or YYYY-MM-DD date in words of ``lang``: "March 2019", "marzo de 2019".

    Babel (the Unicode CLDR's data) knows each language's month names and
    word order; anything that is not a real date is shown as the editor wrote it.
    """
    parts = value.split("-")
    if len(parts) == 1 or not all(part.isascii() and part.isdigit() for part in parts):
        return value
    try:
        if len(parts) == 2:
            return format_skeleton("yMMMM", dt.date(int(parts[0]), int(parts[1]), 1),
                                   locale=lang)
        return format_date(dt.date(*map(int, parts[:3])), format="long", locale=lang)
    except (ValueError, TypeError, LookupError):
        return value


def human_number(value: int, lang: str = "en") -> str:
    return format_decimal(value, locale=lang)


def yaml_str(value: str) -> Markup:
    """A string as a double-quoted YAML scalar (JSON strings are valid YAML)."""
    return Markup(json.dumps(value, ensure_ascii=False))


FILTERS = {"summary_html": summary_html, "plain_text": plain_text, "yaml_str": yaml_str,
           "markdown_text": markdown_text}
# Filters that write for readers of one language: the build's language is added.
LANGUAGE_FILTERS = {"human_size": human_size, "human_date": human_date,
                    "human_number": human_number}
