"""The libyaml fast path of the loader gives exactly what the pure-Python path gives."""

from pathlib import Path

import pytest

from bsla import load
from bsla.errors import Problems

DOCUMENTS = [
    "id: x\ntitle: NO\ndate: 2019-06\nseries_number: 0012\n",
    "# comment\nid: x\ntags:\n  - a\n  - 'b: c'\n  - \"d\"\nsummary: >-\n  folded\n  text\n",
    "title:\nsubtitle: ~\nlicense: null\nquoted: ''\nquoted_null: '~'\n",
    "summary: |\n  **bold** & more\n  second line\nauthors: [Jordan, Audrey]\n",
    "nested:\n  a: 1\n  b: [x, y]\n",
    "id: a\ntitle: t\nid: b\ntitle: ~\n",
    "deep: " + "[" * 19 + "]" * 19 + "\n",
]


@pytest.mark.skipif(load._CParser is None, reason="PyYAML without libyaml")
@pytest.mark.parametrize("text", DOCUMENTS)
def test_fast_and_pure_python_paths_agree(text, monkeypatch):
    path = Path("r.yml")
    fast = load.parse_yaml(path, text)
    monkeypatch.setattr(load, "_CParser", None)
    slow = load.parse_yaml(path, text)
    assert fast == slow


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        ("a: &x 1\nb: *x\n", 1, "anchors and aliases"),
        ("a: 1\nb:\n\t- c\n", 3, "tab character"),
    ],
)
def test_problems_keep_their_messages_on_the_fast_path(tmp_path, content, line, fragment):
    path = tmp_path / "r.yml"
    path.write_text(content, encoding="utf-8")
    problems = Problems(tmp_path)
    assert load.load_yaml_file(path, tmp_path, problems) is None
    (problem,) = problems.sorted()
    assert problem.line == line and fragment in problem.message
