"""Hand-written pages without their Spanish text: `check` warns, and still passes."""

from __future__ import annotations

import json

import pytest

from bsla.cli import main
from bsla.pages.handwritten import untranslated_page_warnings

HINT = ("write its Spanish text in docs/es/{0}; until then the site in 'es' shows this page "
        "in English, marked as such")


@pytest.fixture(autouse=True)
def _registered_for_harvesting(project):
    """Gateway and contact set, so check's only warnings here are about pages."""
    taxonomy = project.root / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text("utf-8") + '  oai_gateway: "https://gw.example.net/oai/"\n'
                        '  contact_email: "library@example.org"\n', "utf-8")


def _check(capsys, project, *options):
    code = main(["check", "--root", str(project.root), *options])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_page_has_its_spanish_text_so_nothing_is_warned(project, capsys):
    assert untranslated_page_warnings(project.root) == []
    code, out, err = _check(capsys, project)
    assert code == 0 and "warning" not in out + err


def test_check_warns_about_each_page_without_spanish_text(project, capsys):
    (project.root / "docs/es/about.md").unlink()
    project.write("docs/guides/visit.md", "# Visit\n")
    project.write("docs/es/guides/other.md", "# Otra\n")
    # Left out of the site by mkdocs.yml's exclude_docs or MkDocs' own rules: no warning.
    project.write("docs/.draft.md", "# Draft\n")
    project.write("docs/templates/form.md", "# Form\n")
    code, out, err = _check(capsys, project)
    assert code == 0
    assert err.splitlines() == [
        f"docs/about.md: warning: has no Spanish text: docs/es/about.md does not exist "
        f"({HINT.format('about.md')})",
        f"docs/guides/visit.md: warning: has no Spanish text: docs/es/guides/visit.md does "
        f"not exist ({HINT.format('guides/visit.md')})",
        "2 warnings: worth fixing, but none stops a build.",
    ]
    assert out.startswith("OK: ")  # benchmarks.md (exclude_docs) needs no Spanish text


def test_warnings_as_github_annotations_and_json(project, capsys):
    (project.root / "docs/es/index.md").unlink()
    code, out, _ = _check(capsys, project, "--format", "github")
    assert code == 0
    assert out.splitlines()[0] == (
        "::warning file=docs/index.md::has no Spanish text: docs/es/index.md does not exist "
        f"({HINT.format('index.md')})")
    code, out, _ = _check(capsys, project, "--format", "json")
    assert code == 0
    [warning] = json.loads(out)["problems"]
    assert (warning["path"], warning["line"], warning["severity"], warning["code"]) == (
        "docs/index.md", None, "warning", "untranslated-page")


def test_on_github_actions_text_warnings_are_also_annotations(project, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    (project.root / "docs/es/about.md").unlink()
    code, out, err = _check(capsys, project)
    assert code == 0 and "docs/about.md: warning:" in err
    assert "::warning file=docs/about.md::" in out


def test_warnings_are_reported_with_the_errors_of_the_same_run(project, capsys):
    (project.root / "docs/es/about.md").unlink()
    project.resource("briefs/issue-briefs", "a", type="brochure")
    code, _, err = _check(capsys, project)
    assert code == 1
    lines = err.splitlines()
    assert lines[0].startswith("briefs/issue-briefs/a.yml:")
    assert lines[1].startswith("docs/about.md: warning: has no Spanish text")
    assert lines[2:] == ["1 problem found; nothing was published.",
                         "1 warning: worth fixing, but none stops a build."]


def test_a_site_in_one_language_has_nothing_to_translate(project):
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  library_languages:\n    es: mkdocs.es.yml\n", ""),
                      encoding="utf-8")
    (project.root / "docs/es/about.md").unlink()
    assert untranslated_page_warnings(project.root) == []
