"""Validation of single resources and of the catalog as a whole."""

import pytest

from bsla.catalog import load_catalog
from bsla.errors import LibraryError

IB = "briefs/issue-briefs"
RP = "briefs/reflection-papers"


def problems_of(project):
    with pytest.raises(LibraryError) as caught:
        load_catalog(project.root, read_pdfs=False)
    return caught.value.problems


def test_valid_resource_loads_with_defaults(project):
    project.resource(IB, "a-brief", type="issue-brief", date='"2019-06"',
                     capacities="[inclusive-governance]")
    catalog = load_catalog(project.root, read_pdfs=False)
    (r,) = catalog.resources
    assert r.id == "a-brief" and r.date == "2019-06" and r.year == "2019"
    assert r.collection.id == "issue-briefs" and r.section is None
    assert r.publisher == "Center for the Study of Social Policy (CSSP)"
    assert r.language == "en" and r.status == "not-deposited"


def test_unquoted_yaml_11_values_stay_strings(project):
    project.resource(IB, "no-title", title="NO", date="2020-01", series_number="012",
                     subtitle="1.10")
    problems = problems_of(project)
    # 012 is not a valid series number, but it is read as the text the editor typed.
    assert [p.message for p in problems] == ["'series_number' '012' is not a whole number"]


def test_every_problem_in_every_file_is_reported_together(project):
    project.write(f"{IB}/bad.yml", """
        id: Bad Id
        title: A title
        type: brochure
        summary: text
        capacities: [inclusive-governance, governance]
        date: "2019-13"
        colour: blue
        url: javascript:alert(1)
        """)
    project.write(f"{RP}/also-bad.yml", """
        id: also-bad
        type: toolkit
        """)
    problems = problems_of(project)
    found = {(p.path, p.line, p.message) for p in problems}
    assert found == {
        (f"{IB}/bad.yml", 1, "'id' 'Bad Id' is not a valid id"),
        (f"{IB}/bad.yml", 3, "'type' 'brochure' is not a known types id"),
        (f"{IB}/bad.yml", 5, "item 2 of 'capacities' 'governance' is not a known capacities id"),
        (f"{IB}/bad.yml", 6, "'date' '2019-13' has no month 13 (months run from 01 to 12)"),
        (f"{IB}/bad.yml", 7, "unknown field 'colour'"),
        (f"{IB}/bad.yml", 8, "'url' must start with http: or https: (found 'javascript')"),
        (f"{RP}/also-bad.yml", 1, "the required field 'title' is missing"),
        (f"{RP}/also-bad.yml", 1, "the required field 'summary' is missing"),
        (f"{RP}/also-bad.yml", 1, "the resource has no 'file' and no 'url'"),
    }
    assert all(p.hint for p in problems)
    hint = next(p.hint for p in problems if "capacities" in p.message)
    assert "did you mean 'inclusive-governance'?" in hint


def test_duplicate_ids_across_collections(project):
    project.resource(IB, "same")
    project.resource("compendium/leadership-governance", "same")
    (problem,) = problems_of(project)
    assert problem.code == "duplicate-id"
    assert "already used by" in problem.message


def test_related_and_translation_must_exist(project):
    project.resource(IB, "a", related="[b, a]", translation_of="zz")
    project.resource(IB, "b")
    messages = sorted(p.message for p in problems_of(project))
    assert messages == [
        "'translation_of' names 'zz', but no resource has that id",
        "a resource can't be related to itself",
    ]


def test_former_ids_claimed_twice(project):
    project.resource(IB, "a", former_ids="[old]")
    project.resource(IB, "b", former_ids="[old, a]")
    messages = sorted(p.message for p in problems_of(project))
    assert len(messages) == 2
    assert "former id 'a' is the current id" in messages[0]
    assert "former id 'old' is also claimed" in messages[1]


def test_file_outside_the_folder_is_refused(project):
    project.resource(IB, "a", file="../../etc/passwd.pdf", status="available")
    project.resource(IB, "b", file="/etc/passwd", status="available")
    project.resource(IB, "c", file="missing.pdf", status="available")
    messages = sorted((p.path, p.message) for p in problems_of(project))
    assert messages[0][1].startswith("'file' must be a file name next to a.yml")
    assert messages[1][1].startswith("'file' must be a file name next to b.yml")
    assert messages[2][1] == "'file: missing.pdf': the file does not exist"


def test_symlinked_pdf_and_folder_are_refused(project, tmp_path):
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF-1.4\n")
    (project.root / IB).mkdir(parents=True)
    (project.root / IB / "link.pdf").symlink_to(outside)
    project.resource(IB, "a", file="link.pdf", status="available")
    (project.root / "briefs/elsewhere").symlink_to(tmp_path)
    messages = sorted(p.message for p in problems_of(project))
    assert "symbolic link" in messages[0] or "outside the project" in messages[0]
    assert any("folder is a symbolic link" in m for m in messages)


def test_misplaced_yaml_is_reported(project):
    project.resource("briefs", "loose")
    (problem,) = problems_of(project)
    assert problem.code == "misplaced" and "move it into one of" in problem.hint


def test_list_where_a_value_belongs_and_mapping_where_a_list_belongs(project):
    project.write(f"{IB}/x.yml", """
        id: x
        title: [a, b]
        type: toolkit
        summary: s
        status: not-deposited
        capacities: {a: b}
        """)
    messages = sorted(p.message for p in problems_of(project))
    assert messages == ["'capacities' must be a list",
                        "'title' must be a single value, not a list or a set of fields"]


def test_display_order_follows_taxonomy_then_series_number(project):
    project.resource(IB, "brief-b", title="B", series_number='"2"')
    project.resource(IB, "brief-a", title="Z", series_number='"1"')
    project.resource(RP, "paper")
    project.resource("compendium/outreach-engagement", "tool-2")
    project.resource("compendium/initiative-wide", "tool-1")
    catalog = load_catalog(project.root, read_pdfs=False)
    assert [r.id for r in catalog.resources] == ["tool-1", "tool-2", "paper", "brief-a",
                                                 "brief-b"]
    assert [r.id for r in catalog.in_placement("compendium")] == ["tool-1", "tool-2"]
    assert catalog.counts_by_collection() == {"compendium": 2, "reflection-papers": 1,
                                              "issue-briefs": 2}


def test_not_deposited_with_a_file_is_a_contradiction(project):
    project.resource(IB, "a", status="not-deposited", url="https://example.org/a")
    (problem,) = problems_of(project)
    assert problem.message == "'status: not-deposited' contradicts the 'url' given"
    assert problem.line == 5  # id, title, type, summary, then status


def test_a_bad_translation_block_is_reported_with_its_line(project):
    project.write(f"{IB}/translated.yml", """
        id: translated
        title: A title
        type: toolkit
        summary: text
        status: not-deposited
        translations:
          fr:
            title: Un titre
          es:
            title: Un título
            resumen: Un resumen
            reviewed: maybe
        """)
    project.write(f"{IB}/own-language.yml", """
        id: own-language
        title: A title
        type: toolkit
        summary: text
        status: not-deposited
        translations:
          en:
            title: Same language
            reviewed: false
          es: just a title
        """)
    found = {(p.path, p.line, p.message) for p in problems_of(project)}
    assert found == {
        (f"{IB}/translated.yml", 6,
         "'translations' names the language 'fr', which taxonomy.yml does not list"),
        (f"{IB}/translated.yml", 6, "in the 'es' translation: 'resumen' cannot be translated"),
        (f"{IB}/translated.yml", 6, "in the 'es' translation: 'reviewed' must be true or false"),
        (f"{IB}/own-language.yml", 6,
         "the 'es' translation must list fields such as title and summary"),
        (f"{IB}/own-language.yml", 6,
         "'translations' has a block for 'en', the resource's own language"),
    }


def test_a_translation_must_say_whether_it_was_reviewed(project):
    project.resource(IB, "unsaid", extra="translations:\n  es:\n    title: Un título\n")
    [problem] = problems_of(project)
    assert problem.message == ("in the 'es' translation: the translation does not say whether "
                               "it was reviewed")
    assert "reviewed: false" in problem.hint


def test_translations_load_per_language(project):
    project.resource(IB, "said", extra=("translations:\n  es:\n    title: Un título\n"
                                        "    tags: [uno, dos]\n    reviewed: yes\n"))
    [resource] = load_catalog(project.root, read_pdfs=False).resources
    translation = resource.translations["es"]
    assert (translation.title, translation.tags, translation.reviewed) == (
        "Un título", ("uno", "dos"), True)
    assert translation.summary is None


def test_a_translation_key_cannot_forge_a_report_line(project):
    project.resource(IB, "forged", extra=('translations:\n  "es\\nother.yml:1: forged":\n'
                                          '    title: x\n    reviewed: false\n'))
    [problem] = problems_of(project)
    assert "\n" not in problem.message and "\\n" in problem.message
    assert problem.line == 6
