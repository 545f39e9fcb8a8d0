"""The phrases the site shows around the catalog (labels.yml), looked up by key and language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bsla.errors import Problems
from bsla.load import load_yaml_file

LABELS_FILE = "labels.yml"

# Label key -> language -> text.
LabelTexts = dict[str, dict[str, str]]


def load_labels(root: Path) -> LabelTexts:
    problems = Problems(root)
    doc = load_yaml_file(root / LABELS_FILE, root, problems)
    problems.raise_if_any()
    assert doc is not None
    labels: LabelTexts = {}
    for key, value in doc.data.items():
        if not isinstance(value, dict) or not isinstance(value.get("en"), str):
            problems.add(doc.path, doc.line_of(key), f"label '{key}' needs an English text",
                         "write it as 'en: ...' and 'es: ...'")
            continue
        labels[key] = {lang: " ".join(text.split()) for lang, text in value.items()}
    problems.raise_if_any()
    return labels


class Labels:
    """The labels in one language; English where a text is missing in it."""

    def __init__(self, texts: LabelTexts, lang: str = "en") -> None:
        self.texts = texts
        self.lang = lang

    def __call__(self, key: str, **values: Any) -> str:
        entry = self.texts.get(key)
        if entry is None:
            problem = Problems()
            problem.add(LABELS_FILE, None, f"the label '{key}' used by a template is missing",
                        f"add '{key}:' with 'en:' and 'es:' texts to {LABELS_FILE}")
            problem.raise_if_any()
        assert entry is not None
        text = entry.get(self.lang) or entry["en"]
        return text.format(**values) if values else text
