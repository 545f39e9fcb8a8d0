"""The MkDocs door's help for the theme: labels in the build's language, valid toggles."""

from __future__ import annotations

import pytest
from mkdocs.exceptions import PluginError

from bsla.labels import Labels, load_labels
from bsla.mkdocs_door.theme import theme_label, valid_toggles

MATERIAL_TOGGLES = (
    '<body dir="ltr">\n'
    '    <input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" '
    'autocomplete="off">\n'
    '    <input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" '
    'autocomplete="off">\n'
    '<input id="bsla-entry-q" name="q" type="search" autocomplete="off">')


def test_material_toggles_lose_autocomplete_and_nothing_else_does():
    html = valid_toggles(MATERIAL_TOGGLES)
    assert 'id="__drawer">' in html and 'id="__search">' in html
    # autocomplete stays where HTML allows it (a search field).
    assert html.count('autocomplete="off"') == 1
    assert 'type="search" autocomplete="off"' in html


def test_labels_follow_the_build_language_and_fall_back_to_english(project):
    labels = project.root / "labels.yml"
    labels.write_text(labels.read_text("utf-8") + "only_english:\n  en: Only  English\n",
                      "utf-8")
    spanish = theme_label(Labels(load_labels(project.root), "es"))
    assert spanish("search_title") == "Buscar en la biblioteca"
    assert spanish("only_english") == "Only English"


def test_a_label_is_escaped_and_a_missing_one_says_where_to_add_it():
    label = theme_label(Labels({"x": {"en": 'a "b" <c>'}}))
    assert str(label("x")) == "a &#34;b&#34; &lt;c&gt;"
    with pytest.raises(PluginError) as caught:
        label("nope")
    assert "labels.yml" in str(caught.value) and "'nope:'" in str(caught.value)
    assert "docs/overrides" in str(caught.value)
