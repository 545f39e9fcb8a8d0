"""taxonomy.yml and labels.yml: the data every page's words come from."""

import re
from pathlib import Path

import pytest

from bsla.accessibility import CHECKS
from bsla.errors import LibraryError, Problems
from bsla.labels import load_labels
from bsla.pages.templates import TEMPLATES
from bsla.taxonomy import VOCABULARIES, load_taxonomy
from tests.conftest import REPO


def test_real_taxonomy_has_the_catalog_structure():
    problems = Problems(REPO)
    taxonomy = load_taxonomy(REPO / "taxonomy.yml", REPO, problems)
    assert not problems and taxonomy is not None
    assert [c.id for c in taxonomy.collections] == ["compendium", "reflection-papers",
                                                    "issue-briefs"]
    assert len(taxonomy.collection("compendium").sections) == 4
    assert len(taxonomy.vocabulary("capacities")) == 6
    assert len(taxonomy.vocabulary("focus_areas")) == 4
    for name in VOCABULARIES:
        for term in taxonomy.vocabulary(name).values():
            assert term.label.get("en") and term.label.get("es"), (name, term.id)
    folders = [folder for folder, _, _ in taxonomy.placements()]
    assert len(folders) == len(set(folders))
    assert taxonomy.content_roots() == ["briefs", "compendium"]


def test_every_label_a_template_uses_exists_in_both_languages():
    labels = load_labels(REPO)
    used = set()
    for template in Path(TEMPLATES).rglob("*.j2"):
        used |= set(re.findall(r"label\('([a-z_]+)'[,)]", template.read_text("utf-8")))
    used |= {f"field_{facet}" for facet in ("capacities", "focus_areas", "audiences")}
    used |= {f"pdf_check_{check}" for check in CHECKS}
    assert used, "no label() calls found: the pattern is out of date"
    missing = sorted(key for key in used if key not in labels)
    assert missing == []
    untranslated = sorted(key for key in used if not labels[key].get("es"))
    assert untranslated == []


def test_broken_taxonomy_is_reported_with_lines(tmp_path):
    path = tmp_path / "taxonomy.yml"
    path.write_text(
        "collections:\n"
        "  - id: a\n"
        "    label: {en: A}\n"
        "  - id: a\n"
        "    label: {en: A again}\n"
        "capacities: not-a-list\n",
        encoding="utf-8",
    )
    problems = Problems(tmp_path)
    assert load_taxonomy(path, tmp_path, problems) is None
    messages = {(p.line, p.message) for p in problems}
    assert (4, "'collections' lists 'a' twice") in messages
    assert (6, "'capacities' must be a list of entries") in messages
    assert any("needs a folder" in m for _, m in messages)


def test_missing_labels_file_is_a_clear_error(tmp_path):
    with pytest.raises(LibraryError) as caught:
        load_labels(tmp_path)
    assert "labels.yml:1: the file does not exist" in str(caught.value)


def test_unknown_keys_in_the_taxonomy_are_reported_with_a_suggestion(tmp_path):
    text = (REPO / "taxonomy.yml").read_text(encoding="utf-8")
    text = text.replace("  listing_page_size: 50", "  listing_page_sise: 20")
    text += "\naudience:\n  - id: parents\n"
    path = tmp_path / "taxonomy.yml"
    path.write_text(text, encoding="utf-8")
    problems = Problems(tmp_path)
    assert load_taxonomy(path, tmp_path, problems) is None
    found = {p.message: (p.line, p.hint) for p in problems}
    lines = text.splitlines()
    line, hint = found["unknown key 'site.listing_page_sise'"]
    assert lines[line - 1] == "site:" and "did you mean 'listing_page_size'" in hint
    line, hint = found["unknown key 'audience'"]
    assert lines[line - 1] == "audience:" and "did you mean 'audiences'" in hint
    assert len(problems) == 2


def test_site_settings_must_be_a_mapping(tmp_path):
    text = (REPO / "taxonomy.yml").read_text(encoding="utf-8")
    start = text.index("\nsite:\n")
    path = tmp_path / "taxonomy.yml"
    path.write_text(text[:start] + "\nsite: 50\n", encoding="utf-8")
    problems = Problems(tmp_path)
    assert load_taxonomy(path, tmp_path, problems) is None
    assert [p.message for p in problems] == ["'site' must be a mapping of settings"]
