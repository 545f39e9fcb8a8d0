"""Hand-written pages (docs/) in a language nobody has written them in yet.

Every page of the site exists in every language: where docs/es/ lacks a page
of docs/, the Spanish site shows the English text inside an element that says
its language (screen readers switch voice), under a marker saying so, and
``build_site.py check`` warns about it (``untranslated_page_warnings``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pathspec
import yaml
from babel import Locale, UnknownLocaleError
from markupsafe import escape

from bsla.errors import WARNING, Problem, Problems
from bsla.pages.templates import Templates
from bsla.urls import DEFAULT_LANGUAGE

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---[ \t]*\n", re.S)
MKDOCS_CONFIG = "mkdocs.yml"
# In mkdocs.yml's `extra:`: language code -> that language's configuration (mkdocs_door.plugin).
LANGUAGES_KEY = "library_languages"
# The extensions MkDocs reads as pages, and what it leaves out of every site whatever
# exclude_docs says (mkdocs.structure.files).
PAGE_SUFFIXES = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")
ALWAYS_EXCLUDED = [".*", "/templates/"]


def untranslated_page(markdown: str, templates: Templates, original_lang: str) -> str:
    """``markdown`` (a page written in ``original_lang``) for the site in ``templates.lang``."""
    match = _FRONT_MATTER.match(markdown)
    head, body = (match.group(0), markdown[match.end():]) if match else ("", markdown)
    marker = escape(templates.label(f"only_in_{original_lang}"))
    # md_in_html converts the Markdown inside the element.
    return (f'{head}\n<p class="bsla-fallback">{marker}</p>\n\n'
            f'<div lang="{escape(original_lang)}" markdown="1">\n\n{body.strip()}\n\n</div>\n')


class _ConfigLoader(yaml.SafeLoader):
    """Reads an MkDocs configuration's plain keys; a tag (``!ENV``, ...) reads as nothing."""


_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _read_config(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        # MkDocs itself reports a broken configuration when it builds.
        return {}
    return data if isinstance(data, dict) else {}


def _excluded(config: dict[str, Any]) -> pathspec.GitIgnoreSpec:
    extra = config.get("exclude_docs")
    lines = extra.splitlines() if isinstance(extra, str) else []
    return pathspec.GitIgnoreSpec.from_lines([*ALWAYS_EXCLUDED, *lines])


def _pages(docs: Path, excluded: pathspec.GitIgnoreSpec) -> set[str]:
    """The pages MkDocs builds from ``docs``, as source paths (``about.md``)."""
    if not docs.is_dir():
        return set()
    found = set()
    for path in docs.rglob("*"):
        uri = path.relative_to(docs).as_posix()
        if path.suffix.lower() in PAGE_SUFFIXES and path.is_file() \
                and not excluded.match_file(uri):
            found.add(uri)
    return found


def _language_name(lang: str) -> str:
    try:
        return Locale.parse(lang).get_display_name(DEFAULT_LANGUAGE) or lang
    except (ValueError, UnknownLocaleError):
        return lang


def untranslated_page_warnings(root: Path) -> list[Problem]:
    """A warning for each hand-written page that lacks its text in one of the site's languages.

    The languages are those mkdocs.yml lists under ``extra.library_languages``,
    each with its own ``docs_dir`` (docs/es/); read here without MkDocs, which
    ``check`` does not load. The site still builds: it shows such a page in
    the main language, marked as such (``untranslated_page``).
    """
    config = _read_config(root / MKDOCS_CONFIG)
    extra = config.get("extra")
    languages = extra.get(LANGUAGES_KEY) if isinstance(extra, dict) else None
    if not isinstance(languages, dict):
        return []
    docs = root / str(config.get("docs_dir") or "docs")
    excluded = _excluded(config)
    main_pages = _pages(docs, excluded)
    problems = Problems(root)
    for lang, config_file in sorted((str(k), v) for k, v in languages.items()):
        own = _read_config(root / str(config_file))
        lang_docs = root / str(own.get("docs_dir") or config.get("docs_dir") or "docs")
        translated = _pages(lang_docs, _excluded(own) if "exclude_docs" in own else excluded)
        name = _language_name(lang)
        for uri in sorted(main_pages - translated):
            target = problems.display_path(lang_docs / uri)
            problems.add(docs / uri, None, f"has no {name} text: {target} does not exist",
                         f"write its {name} text in {target}; until then the site in "
                         f"'{lang}' shows this page in {_language_name(DEFAULT_LANGUAGE)}, "
                         "marked as such", code="untranslated-page", severity=WARNING)
    return problems.sorted()
