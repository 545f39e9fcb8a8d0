"""MkDocs hooks for the theme overrides in docs/overrides (a second ``hooks:`` entry).

Part of the MkDocs door, beside bsla.hooks, and kept apart from it because it
concerns only what the theme's own templates print on every page:

- ``bsla_label(key)`` in the theme's templates: the site's texts from
  labels.yml in the theme's language (the header's search field uses it), so
  no template hard-codes a label;
- Material's two hidden toggles (drawer, search) lose ``autocomplete="off"``,
  which HTML allows only on text-like inputs (the W3C checker reports it on
  every page); header.js resets them on ``pageshow`` instead, which is what
  the attribute was there for (Firefox restoring a checked toggle).

MkDocs imports this file by path, so imports are absolute.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from bsla.errors import LibraryError, Problems
from bsla.load import load_yaml_file

LABELS_FILE = "labels.yml"
_TOGGLE = re.compile(r'(<input class="md-toggle" data-md-toggle="[a-z]+" type="checkbox" '
                     r'id="__[a-z]+") autocomplete="off">')

_labels: dict[str, str] = {}


def theme_labels(root: Path, lang: str) -> dict[str, str]:
    """Every label of labels.yml in ``lang`` (English where a text is missing)."""
    problems = Problems(root)
    doc = load_yaml_file(root / LABELS_FILE, root, problems)
    problems.raise_if_any()
    assert doc is not None
    texts = {}
    for key, value in doc.data.items():
        # bsla.hooks has already reported a label without English (it runs first).
        if isinstance(value, dict) and isinstance(value.get("en"), str):
            text = value.get(lang) if isinstance(value.get(lang), str) else value["en"]
            texts[key] = " ".join(text.split())
    return texts


def label(key: str) -> Markup:
    try:
        return Markup(escape(_labels[key]))
    except KeyError:
        raise PluginError(f"{LABELS_FILE}: the label '{key}' used by a theme template "
                          f"(docs/overrides) is missing (add '{key}:' with 'en:' and "
                          "'es:' texts)") from None


def valid_toggles(html: str) -> str:
    return _TOGGLE.sub(r"\1>", html, count=2)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).parent
    lang = config.theme.get("language") or "en"
    try:
        texts = theme_labels(root, lang)
    except LibraryError as exc:
        raise PluginError(str(exc)) from None
    _labels.clear()
    _labels.update(texts)
    return config


def on_env(env: Any, config: MkDocsConfig, files: Any) -> Any:
    env.globals["bsla_label"] = label
    return env


def on_post_page(output: str, page: Any, config: MkDocsConfig) -> str:
    return valid_toggles(output)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    return valid_toggles(output_content)
