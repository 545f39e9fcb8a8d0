"""Property: whatever the input, `check` accepts (and then the build succeeds) or
reports every problem as `path:line: message`; never a traceback, never past a
time bound, and a failed build leaves `site/` as it was.

`make test` runs a small budget of examples (BSLA_FUZZ unset); `make fuzz`
runs at least 2,000 per strategy. Hypothesis keeps failing examples in
`.hypothesis/` and replays them first on the next run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bsla import pdf, pdf_worker
from bsla.catalog import Catalog, load_catalog
from bsla.engine import export_texts, prepare
from bsla.errors import FORMATTERS, LibraryError, Problem, format_text
from bsla.fs import write_generated
from bsla.mkdocs_door.commands import SiteBuildFailed, build_site
from bsla.search.records import write_records
from tests.conftest import REPO, Project, make_pdf
from tests.hostile import strategies as hostile

FUZZ = os.environ.get("BSLA_FUZZ") == "1"
IB = "briefs/issue-briefs"
OE = "compendium/outreach-engagement"
REPORT_LINE = re.compile(r"^(?!/)[^\n:]+:[1-9][0-9]*: \S[^\n]*$")
# Generous for one file on a shared 2-core machine; a hang is what this catches.
CHECK_SECONDS = 10


def budget(small: int, fuzz: int, **extra: object) -> settings:
    return settings(
        max_examples=fuzz if FUZZ else small,
        deadline=None,  # timed below, with a bound that is not a benchmark
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much],
        **extra,
    )


def assert_located(problems: list[Problem]) -> None:
    """Every problem is a `path:line: message` line; none came from the safety net."""
    assert problems
    report = format_text(problems).splitlines()
    assert len(report) == len(problems) + 1
    for line in report[:-1]:
        assert REPORT_LINE.match(line), line
    for problem in problems:
        assert problem.code != "internal", problem
        assert problem.line is not None and problem.line >= 1, problem
    for formatter in FORMATTERS.values():  # printable in every format, on every console
        formatter(problems).encode("utf-8")


def check(root: Path) -> Catalog | list[Problem]:
    started = time.monotonic()
    try:
        catalog = load_catalog(root, cache_dir=root / ".cache/bsla/pdf")
    except LibraryError as exc:
        result: Catalog | list[Problem] = exc.problems
    else:
        result = catalog
    assert time.monotonic() - started < CHECK_SECONDS
    return result


def engine_outputs(root: Path) -> None:
    """What `build` does before MkDocs: render every page, record and export, as UTF-8 files,
    in every language of the site."""
    for lang in ("en", "es"):
        state = prepare(root, lang=lang)
        with tempfile.TemporaryDirectory() as out:
            write_generated(state.site.pages, Path(out) / "docs")
            write_records(state.catalog, state.templates, Path(out) / "records")
            for text in [*export_texts(state.catalog, state.templates).values(),
                         *state.heads.values(), state.home_block]:
                text.encode("utf-8")


def check_then_outputs(root: Path) -> None:
    result = check(root)
    if isinstance(result, Catalog):
        event("accepted")
        engine_outputs(root)
    else:
        event("refused")
        assert_located(result)


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Project:
    """The bundled catalog in a throwaway project; each example edits one file and restores it."""
    project = Project(tmp_path_factory.mktemp("properties") / "library")
    for folder in ("compendium", "briefs"):
        shutil.rmtree(project.root / folder)
        shutil.copytree(REPO / folder, project.root / folder)
    assert isinstance(check(project.root), Catalog)
    return project


@contextmanager
def written(path: Path, data: bytes) -> Iterator[Path]:
    original = path.read_bytes() if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    try:
        yield path
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)


@budget(40, 2000)
@given(data=hostile.arbitrary_bytes())
def test_a_arbitrary_bytes_as_a_resource_file(library, data):
    with written(library.root / IB / "fuzz.yml", data):
        check_then_outputs(library.root)


@budget(50, 2000)
@given(mutation=hostile.mutated_bundled())
def test_b_mutations_of_the_bundled_yamls(library, mutation):
    original, data = mutation
    target = library.root / original.relative_to(REPO)
    with written(target, data):
        check_then_outputs(library.root)


@budget(50, 2000)
@given(data=st.one_of(hostile.wellformed_documents(), hostile.valid_with_hostile_text()))
def test_c_wellformed_documents_with_wrong_types_and_hostile_strings(library, data):
    with written(library.root / IB / "fuzz.yml", data):
        check_then_outputs(library.root)


@pytest.fixture(scope="module")
def pdf_sources(tmp_path_factory) -> list[bytes]:
    from tests.conftest import make_accessible_pdf

    folder = tmp_path_factory.mktemp("pdf-sources")
    plain = make_pdf(folder / "plain.pdf", 2, title="A title", author="Someone",
                     text="Some words for the index")
    tagged = make_accessible_pdf(folder / "tagged.pdf", plain)
    return [plain.read_bytes(), tagged.read_bytes()]


def assert_pdf_result(result: object) -> None:
    if isinstance(result, pdf.PdfFacts):
        assert 1 <= result.pages <= pdf_worker.MAX_PAGES
        for text in (result.title, result.author, result.lang, result.text, result.created):
            if text is not None:
                text.encode("utf-8")
                assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text), text
    else:
        assert isinstance(result, pdf.PdfFailure)
        assert result.message and result.hint and result.code


@budget(20, 2000)
@given(data=st.data())
def test_pdf_mutations_through_the_worker(pdf_sources, tmp_path_factory, data):
    """The worker's answer (in this process, for speed) and how the parent reads it."""
    blob = data.draw(hostile.mutated_pdf(pdf_sources))
    folder = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    try:
        path = folder / "x.pdf"
        path.write_bytes(blob)
        started = time.monotonic()
        refusal = pdf._precheck(path, 200 * 1024 * 1024)
        if refusal is not None:
            event(f"refused before parsing: {refusal.code}")
            assert_pdf_result(refusal)
            return
        reply = pdf_worker.answer(json.dumps({"path": str(path),
                                              "thumbnail": str(folder / "cover.png")}))
        line = json.dumps(reply)  # what the worker writes to the parent
        result = pdf._facts_from_reply(json.loads(line), "0" * 64, len(blob))
        assert time.monotonic() - started < 30  # the stage's own limit per PDF
        event("facts" if isinstance(result, pdf.PdfFacts) else f"refused: {result.code}")
        assert_pdf_result(result)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@budget(3, 200)
@given(data=st.data())
def test_pdf_mutations_through_check(library, pdf_sources, data):
    """The whole PDF stage (worker processes, limits) as `check` runs it."""
    blob = data.draw(hostile.mutated_pdf(pdf_sources))
    yaml_text = (b"id: fuzz-pdf\ntitle: T\ntype: toolkit\nsummary: S\nfile: fuzz.pdf\n")
    with written(library.root / OE / "fuzz.pdf", blob), \
            written(library.root / OE / "fuzz-pdf.yml", yaml_text):
        result = check(library.root)
        event("accepted" if isinstance(result, Catalog) else "refused")
        if isinstance(result, Catalog):
            engine_outputs(library.root)
        else:
            assert_located(result)
            assert [(p.path, p.line) for p in result] == [(f"{OE}/fuzz-pdf.yml", 5)]


def site_hashes(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def built_library(tmp_path_factory) -> Project:
    project = Project(tmp_path_factory.mktemp("built") / "library")
    for folder in ("compendium", "briefs"):
        shutil.rmtree(project.root / folder)
        shutil.copytree(REPO / folder, project.root / folder)
    build_site(project.root, project.root / "site")
    return project


@budget(3, 100)
@given(edit=st.one_of(
    hostile.valid_with_hostile_text().map(lambda data: (Path(IB) / "fuzz.yml", data)),
    hostile.mutated_bundled().map(lambda m: (m[0].relative_to(REPO), m[1]))))
def test_accepted_input_builds_and_refused_input_leaves_the_site(built_library, edit):
    """The real build (MkDocs, Pagefind): it succeeds when check accepted, else site/ is kept."""
    root = built_library.root
    relative, data = edit
    with written(root / relative, data):
        accepted = isinstance(check(root), Catalog)
        event("accepted" if accepted else "refused")
        before = site_hashes(root / "site")
        if accepted:
            build_site(root, root / "site")
        else:
            with pytest.raises(SiteBuildFailed):
                build_site(root, root / "site")
            assert site_hashes(root / "site") == before
    assert not list(root.glob(".site.*"))

