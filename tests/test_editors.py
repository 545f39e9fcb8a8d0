"""Editors' workflow: `new`, the JSON Schema, error formats, CI files and the guide."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml

from bsla.catalog import load_catalog
from bsla.errors import LibraryError
from bsla.scaffold import SCHEMA_PATH, new_resource, slugify
from bsla.schema import FIELDS, json_schema
from bsla.taxonomy import load_taxonomy
from tests.conftest import REPO, make_pdf

CONTRIBUTING = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")


def fill_required(yaml_path, **values: str) -> None:
    text = yaml_path.read_text(encoding="utf-8")
    for field, value in values.items():
        text, count = re.subn(rf"^{field}:$", f"{field}: {value}", text, flags=re.M)
        assert count == 1, f"no empty '{field}:' line to fill"
    yaml_path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("file_name", "title", "author", "slug"),
    [
        ("Guía de Promotores (final).pdf", "Guía de Promotores", "Montez, Silvia",
         "guia-de-promotores-final"),
        ("plain.pdf", None, None, "plain"),
        ("  Año 2019  ÉXITO!!.pdf", None, "CSSP", "ano-2019-exito"),
    ],
)
def test_new_prefills_from_the_pdf_and_check_asks_only_for_the_rest(
        project, tmp_path, file_name, title, author, slug):
    pdf = make_pdf(tmp_path / "incoming" / file_name, 3, title=title, author=author)
    yaml_path = new_resource(project.root, pdf, "issue-briefs")
    assert yaml_path == project.root / "briefs/issue-briefs" / f"{slug}.yml"
    assert (yaml_path.parent / f"{slug}.pdf").read_bytes() == pdf.read_bytes()
    text = yaml_path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/resource.schema.json")
    assert "#     inclusive-governance: Inclusive Governance" in text
    with pytest.raises(LibraryError) as caught:
        load_catalog(project.root)
    wanted = {"type", "summary"} | (set() if title else {"title"})
    assert {re.search(r"'(\w+)'", p.message).group(1) for p in caught.value.problems} == wanted
    assert all("required but empty" in p.message for p in caught.value.problems)
    fill_required(yaml_path, type="issue-brief", summary="A short summary.",
                  **({} if title else {"title": "A title"}))
    (resource,) = load_catalog(project.root).resources
    assert resource.id == slug and resource.pdf.pages == 3
    assert resource.title == (title or "A title")
    assert resource.authors == ([author] if author else [])


def test_new_refuses_to_overwrite_and_writes_nothing(project, tmp_path):
    pdf = make_pdf(tmp_path / "a.pdf")
    first = new_resource(project.root, pdf, "outreach-engagement")
    before = first.read_text(encoding="utf-8")
    with pytest.raises(LibraryError) as caught:
        new_resource(project.root, make_pdf(tmp_path / "other" / "a.pdf", 2), "outreach-engagement")
    assert "already exists" in str(caught.value)
    assert first.read_text(encoding="utf-8") == before


def test_new_refuses_unknown_collection_and_non_pdf(project, tmp_path):
    with pytest.raises(LibraryError, match="not a collection or section"):
        new_resource(project.root, make_pdf(tmp_path / "a.pdf"), "brochures")
    fake = tmp_path / "fake.pdf"
    fake.write_text("hello")
    with pytest.raises(LibraryError, match="not a PDF"):
        new_resource(project.root, fake, "issue-briefs")
    assert not list((project.root / "briefs").rglob("*.*"))


def test_slugify():
    assert slugify("Guía Ñandú  — 2019 (v2)") == "guia-nandu-2019-v2"
    assert slugify("!!!") == "resource"


def test_committed_json_schema_matches_the_engine():
    taxonomy = load_taxonomy(REPO / "taxonomy.yml", REPO, __import__("bsla.errors").errors
                             .Problems(REPO))
    committed = json.loads((REPO / SCHEMA_PATH).read_text(encoding="utf-8"))
    assert committed == json_schema(taxonomy), "run: python build_site.py schema"
    settings = json.loads((REPO / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert "./" + SCHEMA_PATH in settings["yaml.schemas"]


def test_bundled_resources_validate_against_the_json_schema():
    import jsonschema

    schema = json.loads((REPO / SCHEMA_PATH).read_text(encoding="utf-8"))
    for path in [*REPO.glob("compendium/*/*.yml"), *REPO.glob("briefs/*/*.yml")]:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        jsonschema.validate(data, schema)


def test_three_formats_carry_the_same_errors(project):
    project.resource("briefs/issue-briefs", "a", type="brochure", date='"2019-13"')
    project.write("briefs/issue-briefs/b.yml", "id: b\ntitle: B\ntype: toolkit\nsummary: S\n"
                  "status: not-deposited\nid: c\n")
    outputs = {}
    for fmt in ("text", "github", "json"):
        result = subprocess.run(
            [sys.executable, str(REPO / "build_site.py"), "--format", fmt, "check"],
            cwd=project.root, capture_output=True, text=True, timeout=120,
            env={"PATH": "/usr/bin:/bin"})
        assert result.returncode == 1
        outputs[fmt] = result.stdout + result.stderr
    as_json = json.loads(outputs["json"])["problems"]
    triples = {(p["path"], p["line"], p["message"]) for p in as_json}
    assert len(triples) == 3
    for path, line, message in triples:
        assert f"{path}:{line}: {message}" in outputs["text"]
        assert f"::error file={path},line={line}::{message}" in outputs["github"]


def test_workflows_parse_and_name_real_make_targets():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([A-Za-z][\w.-]*):", makefile, flags=re.M))
    workflows = list((REPO / ".github/workflows").glob("*.yml"))
    assert {w.name for w in workflows} >= {"pr.yml", "deploy.yml"}
    used = set()
    for workflow in workflows:
        data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        for job in data["jobs"].values():
            for step in job.get("steps", []):
                used |= set(re.findall(r"\bmake ([\w.-]+)", step.get("run", "")))
    assert used and used <= targets, used - targets
    pr = yaml.safe_load((REPO / ".github/workflows/pr.yml").read_text(encoding="utf-8"))
    assert pr["permissions"] == {"contents": "read"}


def test_workflows_keep_the_engines_cache_between_runs():
    from bsla.urls import CACHE_DIR

    for name in ("pr.yml", "deploy.yml"):
        data = yaml.safe_load((REPO / ".github/workflows" / name).read_text(encoding="utf-8"))
        steps = [step for job in data["jobs"].values() for step in job.get("steps", [])]
        caches = [i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/cache@")]
        assert [steps[i]["with"]["path"] for i in caches] == [CACHE_DIR], name
        build = next(i for i, s in enumerate(steps) if "make build" in s.get("run", ""))
        assert caches[0] < build, name  # restored before the build reads it


def test_contributing_documents_every_field_and_term():
    for spec in FIELDS:
        assert re.search(rf"^\| `{spec.name}` \|", CONTRIBUTING, flags=re.M), spec.name
    taxonomy = load_taxonomy(REPO / "taxonomy.yml", REPO,
                             __import__("bsla.errors").errors.Problems(REPO))
    for vocabulary in ("capacities", "focus_areas"):
        for term in taxonomy.vocabulary(vocabulary).values():
            assert f"| `{term.id}` | {term.label_in('en')}" in CONTRIBUTING, term.id
    for folder, _, _ in taxonomy.placements():
        assert f"`{folder}/`" in CONTRIBUTING


def test_troubleshooting_table_quotes_real_messages(project, tmp_path):
    ib = "briefs/issue-briefs"
    project.write(f"{ib}/missing-summary.yml", "id: missing-summary\ntitle: T\ntype: toolkit\n"
                  "status: not-deposited\n")
    project.write(f"{ib}/empty-summary.yml", "id: empty-summary\ntitle: T\ntype: toolkit\n"
                  "summary:\nstatus: not-deposited\n")
    project.resource(ib, "bad-type", type="brochure")
    project.resource(ib, "colour", colour="blue")
    project.resource(ib, "bad-date", date='"2019-13"')
    project.write(f"{ib}/twice.yml", "id: twice\ntitle: A\ntitle: B\n")
    project.write(f"{ib}/tabs.yml", "id: tabs\ntags:\n\t- a\n")
    project.write(f"{ib}/pasted.yml", "id: pasted\ntitle: \x0cPasted\n")
    project.resource(ib, "no-file", file="guide.pdf", status="available")
    project.write(f"{ib}/nothing.yml", "id: nothing\ntitle: T\ntype: toolkit\nsummary: s\n")
    make_pdf(project.root / ib / "stray.pdf")
    project.resource(ib, "promotores-model")
    project.resource("briefs/reflection-papers", "promotores-model")
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=make_pdf(tmp_path / "plain.pdf"))
    writer.encrypt(user_password="pw", owner_password="pw", algorithm="RC4-128")
    locked_dir = project.root / "compendium/outreach-engagement"
    locked_dir.mkdir(parents=True)
    with (locked_dir / "guide.pdf").open("wb") as handle:
        writer.write(handle)
    project.resource("compendium/outreach-engagement", "locked", file="guide.pdf",
                     status="available")
    with pytest.raises(LibraryError) as caught:
        load_catalog(project.root)
    produced = [p.message for p in caught.value.problems]
    table = CONTRIBUTING.split("## Troubleshooting", 1)[1]
    quoted = re.findall(r"^\| `([^`]+)` \|", table, flags=re.M)
    assert len(quoted) >= 10
    for message in quoted:
        assert any(m.startswith(message) for m in produced), message
