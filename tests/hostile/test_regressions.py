"""One test per kind of malformed input that once crashed the engine or was let through.

Each of these ended in a Python traceback (no file, no line, and the rest of the
catalog's problems never shown), was accepted although wrong, or was refused
without a line or under a machine path. Every one must now end in located
`path:line: message` problems.
"""

from __future__ import annotations

import re

import pytest

from bsla.catalog import load_catalog
from bsla.errors import LibraryError, Problem, format_text
from bsla.load import safe_file_problem
from bsla.pdf import PdfFacts, read_pdf_facts
from tests.conftest import Project, make_pdf

IB = "briefs/issue-briefs"
OE = "compendium/outreach-engagement"
HEAD = "id: x\ntitle: T\ntype: toolkit\nsummary: S\n"
REPORT_LINE = re.compile(r"^[^\s:][^:]*:\d+: \S")


def problems_of(project: Project, text: str, name: str = f"{IB}/x.yml") -> list[Problem]:
    """The problems of one resource file written as `text` (exact characters, no dedent)."""
    target = project.root / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    with pytest.raises(LibraryError) as caught:
        load_catalog(project.root)
    report = format_text(caught.value.problems).splitlines()
    # Every line of the report is `path:line: message`, the closing count aside.
    assert all(REPORT_LINE.match(line) for line in report[:-1]), report
    return caught.value.problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


# 1. Control characters anywhere in the file (PyYAML's ReaderError escaped).
@pytest.mark.parametrize("char", ["\x0c", "\x1b", "\x01", "\x7f", "\x85", "\u2028"])
def test_a_control_character_is_named_with_its_line_and_column(project, char):
    problem = only(problems_of(project, HEAD.replace("title: T", f"title: Ti{char}tle")
                               + "status: not-deposited\n"))
    assert (problem.path, problem.line, problem.code) == (f"{IB}/x.yml", 2, "yaml")
    assert "column 10 holds an" in problem.message and f"U+{ord(char):04X}" in problem.message
    assert problem.hint


def test_several_control_characters_are_counted(project):
    problem = only(problems_of(project, HEAD + "status: not-deposited\n\x0c\n\x0c\n\x0c\n"))
    assert problem.line == 6 and "(and 2 more in the file)" in problem.message


# 2. Deep nesting (RecursionError in PyYAML's composer).
@pytest.mark.parametrize("tail", [
    "tags: " + "[" * 340 + "]" * 340 + "\n",
    "tags:\n" + "".join("  " * i + "-\n" for i in range(400)),
    "tags: " + "{a: " * 300 + "b" + "}" * 300 + "\n",
], ids=["flow", "block", "mapping"])
def test_deep_nesting_is_refused_before_the_parser_recurses(project, tail):
    problem = only(problems_of(project, HEAD + "status: not-deposited\n" + tail))
    assert problem.code == "yaml" and problem.line >= 6
    assert "nested more than 20 levels deep" in problem.message


# 3. A `file:` value with a NUL byte or a lone surrogate (os.lstat raised).
@pytest.mark.parametrize("escape", ["\\0", "\\ud800", "\\udc80"])
def test_a_file_name_no_path_can_hold_is_refused_on_its_line(project, escape):
    problem = only(problems_of(project, HEAD + f'file: "{escape}.pdf"\n'))
    assert (problem.line, problem.code) == (5, "invalid")
    assert problem.message.startswith("'file' holds ")


@pytest.mark.parametrize("name", ["\0.pdf", "\ud800.pdf", "a/\0/b.pdf"])
def test_safe_file_problem_refuses_unnameable_paths_instead_of_raising(tmp_path, name):
    refusal = safe_file_problem(tmp_path / name, tmp_path)
    assert refusal is not None and "no file name can have" in refusal[0]


# 4. Lone surrogates in text fields passed `check` and crashed `build`.
def test_lone_surrogates_fail_check_in_every_text_field(project):
    text = ('id: x\ntitle: "T\\ud800"\ntype: toolkit\nsummary: "S\\udfff"\n'
            'tags: ["ok", "b\\ud83d"]\npublisher: "\\udc00P"\nstatus: not-deposited\n')
    found = {p.line: p.message for p in problems_of(project, text)}
    assert set(found) == {2, 4, 5, 6}, found
    assert all("lone surrogate" in message for message in found.values())
    assert found[5].startswith("item 2 of 'tags'")


def test_control_characters_written_as_escapes_fail_check(project):
    problem = only(problems_of(project, HEAD.replace("title: T", 'title: "T\\x01\\e"')
                               + "status: not-deposited\n"))
    assert problem.line == 2 and "U+0001" in problem.message


def test_text_fields_are_normalized_to_nfc(project):
    project.write(f"{IB}/x.yml", HEAD.replace("title: T", "title: Cafe\u0301")
                  + "tags: [cafe\u0301]\nstatus: not-deposited\n")
    (resource,) = load_catalog(project.root).resources
    assert resource.title == "Caf\u00e9" and resource.tags == ["caf\u00e9"]


# 5. `url:` with an unbalanced bracket (urlsplit raised ValueError).
@pytest.mark.parametrize("url", ["http://[", "https://[::1/x", "http://]x"])
def test_a_url_urlsplit_refuses_is_a_located_problem(project, url):
    problem = only(problems_of(project, HEAD + f'url: "{url}"\n'))
    assert problem.line == 5 and "is not a valid web address" in problem.message


# 6. A value with a newline echoed in a message forged a second report line.
def test_echoed_values_stay_on_one_quoted_shortened_line(project):
    problems = problems_of(project, HEAD.replace("type: toolkit", 'type: "a\\nb"')
                           + '"col\\nour": blue\nlanguage: "' + "x" * 500 + '"\n'
                           + "status: not-deposited\n")
    messages = {p.line: p.message for p in problems}
    assert messages[3].startswith("'type' 'a\\nb' is not a known types id")
    assert messages[5] == "unknown field 'col\\nour'"
    assert "'" + "x" * 59 + "…'" in messages[6] and len(messages[6]) < 120
    for problem in problems:
        assert "\n" not in str(problem)


def test_a_file_name_with_a_newline_cannot_forge_a_report_line(project):
    problems = problems_of(project, HEAD + "status: not-deposited\nbad: 1\n", f"{IB}/a\nb.yml")
    assert only(problems).path == f"{IB}/a\\nb.yml"


# Accepted, but wrong.
@pytest.mark.parametrize("date, why", [
    ("2019-00", "has no month 00"), ("2019-13", "has no month 13"),
    ("2019-06-00", "is not a real calendar date"),
    ("２０１９", "is not a date in the form"), ("٢٠١٩", "is not a date in the form"),
    ("2019-0٦", "is not a date in the form"),
])
def test_dates_take_ascii_digits_and_real_months_only(project, date, why):
    problem = only(problems_of(project, HEAD + f'date: "{date}"\nstatus: not-deposited\n'))
    assert problem.line == 5 and why in problem.message


@pytest.mark.parametrize("url, why", [
    ("http://example.org:99999/", "Port out of range"),
    ("http://example.org:0/", "port 0"),
    ("http://:80/", "has no host name"),
])
def test_urls_need_a_real_port_and_host(project, url, why):
    problem = only(problems_of(project, HEAD + f'url: "{url}"\n'))
    assert problem.line == 5 and why in problem.message


def raw_pdf(objects: list[bytes]) -> bytes:
    """A minimal PDF with a correct cross-reference table; object 1 is the catalog."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return out


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"
PDFS = {
    "self-loop": [CATALOG, b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"],
    "loop-beside-a-page": [CATALOG, b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>", PAGE],
    "no-pages": [CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>"],
    "claims-2147483647": [CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 2147483647 >>", PAGE],
}


@pytest.fixture(scope="module")
def odd_pdfs(tmp_path_factory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("odd-pdfs")
    paths = {}
    for name, objects in PDFS.items():
        paths[name] = folder / f"{name}.pdf"
        paths[name].write_bytes(raw_pdf(objects))
    paths["empty"] = folder / "empty.pdf"
    paths["empty"].write_bytes(b"")
    facts = read_pdf_facts(list(paths.values()), None, timeout=20)
    return {name: facts[path] for name, path in paths.items()}


@pytest.mark.parametrize("name, code, fragment", [
    ("self-loop", "corrupt", "page 1 of 1 cannot be found"),
    ("loop-beside-a-page", "corrupt", "page 2 of 2 cannot be found"),
    ("no-pages", "no-pages", "the PDF has no pages"),
    ("empty", "empty", "empty file (0 bytes)"),
])
def test_a_pdf_without_real_pages_is_refused(odd_pdfs, name, code, fragment):
    failure = odd_pdfs[name]
    assert not isinstance(failure, PdfFacts)
    assert failure.code == code and fragment in failure.message and failure.hint


def test_a_pdf_shows_the_pages_it_has_not_the_count_it_claims(odd_pdfs):
    facts = odd_pdfs["claims-2147483647"]
    assert isinstance(facts, PdfFacts) and facts.pages == 1


# Refused, but without a line or under a machine path.
def test_an_oversized_yaml_is_reported_on_line_1(project):
    problem = only(problems_of(project, "summary: " + "x" * 300_000 + "\n"))
    assert (problem.line, problem.code) == (1, "too-large")


def test_a_pdf_no_yaml_describes_is_reported_on_line_1(project):
    make_pdf(project.root / OE / "stray.pdf")
    project.resource(IB, "fine")
    with pytest.raises(LibraryError) as caught:
        load_catalog(project.root)
    problem = only(caught.value.problems)
    assert (problem.path, problem.line, problem.code) == (f"{OE}/stray.pdf", 1, "orphan-pdf")


def test_a_yaml_outside_the_collection_folders_is_reported_on_line_1(project):
    problem = only(problems_of(project, HEAD, "briefs/elsewhere/x.yml"))
    assert (problem.path, problem.line, problem.code) == ("briefs/elsewhere/x.yml", 1,
                                                          "misplaced")
    assert "'briefs/elsewhere'" in problem.message


def test_a_symlinked_folder_is_named_by_its_path_in_the_project(project, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (project.root / "compendium").mkdir(exist_ok=True)
    (project.root / OE).parent.mkdir(parents=True, exist_ok=True)
    (project.root / OE).symlink_to(outside, target_is_directory=True)
    project.resource(IB, "fine")
    with pytest.raises(LibraryError) as caught:
        load_catalog(project.root)
    problem = only(caught.value.problems)
    assert (problem.path, problem.line, problem.code) == (OE, 1, "unsafe-path")


# Issue 16: a duplicate key hid every other problem of its file.
def test_a_repeated_field_is_reported_with_every_other_problem_of_the_file(project):
    problems = problems_of(project, HEAD + "title: again\ncolour: blue\ndate: 2019-13\n"
                           "status: not-deposited\n")
    assert [(p.line, p.code) for p in problems] == [(5, "yaml"), (6, "invalid"), (7, "invalid")]
    assert "the field 'title' appears twice" in problems[0].message
    assert "unknown field 'colour'" in problems[1].message
    assert "no month 13" in problems[2].message


def test_a_repeated_field_is_reported_again_when_the_unchanged_file_is_loaded_again(project):
    text = HEAD + "title: again\nstatus: not-deposited\n"
    for _ in range(2):  # the second load takes the parsed file from memory (serve)
        assert "appears twice" in only(problems_of(project, text)).message


def test_the_first_of_two_repeated_fields_is_the_one_checked(project):
    problems = problems_of(project, HEAD.replace("type: toolkit", "type: brochure\ntype: tool")
                           + "status: not-deposited\n")
    assert [(p.line, p.code) for p in problems] == [(3, "invalid"), (4, "yaml")]
