from pathlib import Path

import pytest

from bsla.errors import Problems
from bsla.load import MAX_YAML_BYTES, load_yaml_file


def load(tmp_path: Path, content: str | bytes):
    path = tmp_path / "r.yml"
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    problems = Problems(tmp_path)
    return load_yaml_file(path, tmp_path, problems), problems.sorted()


def only(problems):
    assert len(problems) == 1, problems
    return problems[0]


def test_scalars_keep_exactly_what_the_editor_typed(tmp_path):
    doc, problems = load(tmp_path, "a: NO\nb: 1.10\nc: 2020-01\nd: 0012\ne: on\nf: 2019-06-30\n")
    assert problems == []
    assert doc.data == {"a": "NO", "b": "1.10", "c": "2020-01", "d": "0012", "e": "on",
                        "f": "2019-06-30"}


def test_lines_of_keys_and_list_items(tmp_path):
    doc, _ = load(tmp_path, "# c\nid: x\ntags:\n  - a\n  - b\n")
    assert doc.line_of("id") == 2
    assert doc.line_of("tags") == 3
    assert doc.line_of("tags", 1) == 5


def test_empty_value_is_none(tmp_path):
    doc, _ = load(tmp_path, "title:\nsubtitle: ~\n")
    assert doc.data == {"title": None, "subtitle": None}


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        ("a: &x 1\nb: *x\n", 1, "anchors and aliases"),
        ("a: 1\nb:\n\t- c\n", 3, "tab character"),
        ("- a\n- b\n", 1, "holds a list"),
        ("just text\n", 1, "holds a single value"),
        ("", 1, "the file is empty"),
        ("title: [unclosed\n", 2, "the YAML cannot be read"),
    ],
)
def test_bad_yaml_is_one_clear_problem_with_its_line(tmp_path, content, line, fragment):
    doc, problems = load(tmp_path, content)
    assert doc is None
    problem = only(problems)
    assert problem.path == "r.yml"
    assert problem.line == line
    assert fragment in problem.message
    assert problem.hint


def test_a_repeated_field_is_one_problem_and_the_file_still_loads(tmp_path):
    doc, problems = load(tmp_path, "id: a\ntitle: x\nid: b\n")
    assert doc is not None and doc.data == {"id": "a", "title": "x"} and doc.line_of("id") == 1
    problem = only(problems)
    assert (problem.line, problem.code) == (3, "yaml")
    assert "the field 'id' appears twice" in problem.message and problem.hint


def test_alias_bomb_is_refused_before_expansion(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    doc, problems = load(tmp_path, bomb)
    assert doc is None and "anchors and aliases" in only(problems).message


def test_non_utf8_names_the_line(tmp_path):
    doc, problems = load(tmp_path, b"id: ok\ntitle: caf\xe9\n")
    problem = only(problems)
    assert doc is None
    assert problem.line == 2 and "not valid UTF-8" in problem.message


def test_oversized_file_is_refused_without_parsing(tmp_path):
    doc, problems = load(tmp_path, "summary: " + "x" * (MAX_YAML_BYTES + 10) + "\n")
    assert doc is None
    assert "at most" in only(problems).message


def test_symlink_is_refused(tmp_path):
    real = tmp_path / "real.yml"
    real.write_text("id: a\n")
    link = tmp_path / "link.yml"
    link.symlink_to(real)
    problems = Problems(tmp_path)
    assert load_yaml_file(link, tmp_path, problems) is None
    assert "symbolic link" in only(problems.sorted()).message
