"""The bad-input corpus: every case ends in a clear, located error, never a crash or a hang.

Each case is a small function writing hostile files into a library project.
In-process runs check the exact error (code, file, line); one subprocess
build with every case at once checks that all errors are reported together,
exit status 1, no traceback, and the previously built site left untouched.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import NameObject, StreamObject

from bsla.catalog import load_catalog
from bsla.errors import LibraryError
from tests.conftest import REPO, Project, make_pdf

IB = "briefs/issue-briefs"
RP = "briefs/reflection-papers"
OE = "compendium/outreach-engagement"


def valid(rid: str, extra: str = "", status: str = "status: not-deposited\n") -> str:
    return f"id: {rid}\ntitle: A title\ntype: toolkit\nsummary: A summary.\n{status}{extra}"


def with_pdf(project: Project, rid: str, pdf_bytes: bytes | None = None,
             name: str | None = None) -> None:
    name = name or f"{rid}.pdf"
    if pdf_bytes is not None:
        (project.root / OE).mkdir(parents=True, exist_ok=True)
        (project.root / OE / name).write_bytes(pdf_bytes)
    project.write(f"{OE}/{rid}.yml", valid(rid, f"file: {name}\n", status=""))


def pdf_bytes(tmp: Path, pages: int = 2) -> bytes:
    return make_pdf(tmp / f"src-{pages}.pdf", pages).read_bytes()


def case_encrypted(project: Project, tmp: Path) -> None:
    writer = PdfWriter(clone_from=make_pdf(tmp / "plain.pdf"))
    writer.encrypt(user_password="secret", owner_password="secret", algorithm="RC4-128")
    target = tmp / "locked.pdf"
    writer.write(str(target))
    with_pdf(project, "encrypted", target.read_bytes())


def case_bomb(project: Project, tmp: Path) -> None:
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    stream = StreamObject()
    squeezer = zlib.compressobj(9)
    chunk = b"0" * (1 << 20)
    data = b"".join(squeezer.compress(chunk) for _ in range(200)) + squeezer.flush()
    stream.set_data(data)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    target = tmp / "bomb.pdf"
    writer.write(str(target))
    with_pdf(project, "bomb", target.read_bytes())


def case_many_pages(project: Project, tmp: Path) -> None:
    writer = PdfWriter()
    for _ in range(5000):
        writer.add_blank_page(100, 100)
    target = tmp / "many.pdf"
    writer.write(str(target))
    with_pdf(project, "many-pages", target.read_bytes())


def case_deep_nesting(project: Project, tmp: Path) -> None:
    depth = 100_000
    body = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Deep " + b"[" * depth
            + b"]" * depth + b" >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\n"
            b"endobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    with_pdf(project, "deep-nesting", body)


def case_broken_xref(project: Project, tmp: Path) -> None:
    data = pdf_bytes(tmp)
    at = data.rindex(b"xref")
    with_pdf(project, "broken-xref", data[:at] + b"xref\n0 9\nGARBAGE GARBAGE\n" + data[at + 60:])


def case_symlink_inside(project: Project, tmp: Path) -> None:
    (project.root / OE).mkdir(parents=True, exist_ok=True)
    real = project.root / OE / "real-for-link.pdf"
    real.write_bytes(pdf_bytes(tmp))
    project.write(f"{OE}/real-for-link.yml", valid("real-for-link", "file: real-for-link.pdf\n",
                                                    status=""))
    (project.root / OE / "inside-link.pdf").symlink_to(real)
    with_pdf(project, "symlink-inside", None, name="inside-link.pdf")


def case_symlink_outside(project: Project, tmp: Path) -> None:
    outside = tmp / "outside.pdf"
    outside.write_bytes(pdf_bytes(tmp))
    (project.root / OE).mkdir(parents=True, exist_ok=True)
    (project.root / OE / "outside-link.pdf").symlink_to(outside)
    with_pdf(project, "symlink-outside", None, name="outside-link.pdf")


def case_directory(project: Project, tmp: Path) -> None:
    (project.root / OE / "folder.pdf").mkdir(parents=True)
    with_pdf(project, "directory", None, name="folder.pdf")


@dataclass(frozen=True)
class Case:
    name: str
    setup: Callable[[Project, Path], None]
    path: str
    line: int | None
    code: str
    fragment: str


def writes(path: str, content: str | bytes) -> Callable[[Project, Path], None]:
    def setup(project: Project, tmp: Path) -> None:
        target = project.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")

    return setup


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9))

CASES = [
    Case("syntax", writes(f"{IB}/syntax.yml", "id: syntax\ntitle: [unclosed\n"),
         f"{IB}/syntax.yml", 3, "yaml", "the YAML cannot be read"),
    Case("tabs", writes(f"{IB}/tabs.yml", "id: tabs\ntags:\n\t- a\n"), f"{IB}/tabs.yml", 3,
         "yaml", "tab character"),
    Case("duplicate-keys", writes(f"{IB}/dupkeys.yml", valid("dupkeys", "title: B\n")),
         f"{IB}/dupkeys.yml", 6, "yaml", "appears twice"),
    Case("alias-bomb", writes(f"{IB}/aliases.yml", ALIAS_BOMB), f"{IB}/aliases.yml", 1, "yaml",
         "anchors and aliases"),
    Case("huge-yaml", writes(f"{IB}/huge.yml", "summary: " + "x" * (50 * 1024 * 1024)),
         f"{IB}/huge.yml", 1, "too-large", "resource files may be at most"),
    Case("not-utf8", writes(f"{IB}/latin1.yml", b"id: latin1\ntitle: caf\xe9\n"),
         f"{IB}/latin1.yml", 2, "yaml", "not valid UTF-8"),
    Case("list-not-mapping", writes(f"{IB}/list.yml", "- id: list\n- title: A\n"),
         f"{IB}/list.yml", 1, "yaml", "holds a list"),
    Case("yaml11-language", writes(f"{IB}/no.yml", valid("no", "language: NO\n")),
         f"{IB}/no.yml", 6, "invalid", "'language' 'NO' is not a known languages id"),
    Case("yaml11-status", writes(f"{IB}/on.yml", "id: on\ntitle: T\ntype: toolkit\n"
                                 "summary: S\nstatus: on\n"),
         f"{IB}/on.yml", 5, "invalid", "'status' 'on' is not a known statuses id"),
    Case("yaml11-number", writes(f"{IB}/zeros.yml", valid("zeros", "series_number: 0012\n")),
         f"{IB}/zeros.yml", 6, "invalid", "'series_number' is 4 characters long"),
    Case("unknown-field", writes(f"{IB}/extra.yml", valid("extra", "colour: blue\n")),
         f"{IB}/extra.yml", 6, "invalid", "unknown field 'colour'"),
    Case("unknown-term", writes(f"{IB}/term.yml", valid("term", "capacities: [vision]\n")),
         f"{IB}/term.yml", 6, "invalid", "'vision' is not a known capacities id"),
    Case("duplicate-id", writes(f"{RP}/twin.yml", valid("promotores-model")),
         f"{RP}/twin.yml", 1, "duplicate-id", "is already used by"),
    Case("empty-file", writes(f"{IB}/empty.yml", ""), f"{IB}/empty.yml", 1, "yaml",
         "the file is empty"),
    Case("missing-pdf", lambda p, t: with_pdf(p, "missing-pdf", None), f"{OE}/missing-pdf.yml",
         5, "invalid", "the file does not exist"),
    Case("outside-relative", writes(f"{IB}/escape.yml", valid(
        "escape", "file: ../../etc/passwd\n", status="")), f"{IB}/escape.yml", 5, "invalid",
        "must be a file name next to escape.yml"),
    Case("outside-absolute", writes(f"{IB}/absolute.yml", valid(
        "absolute", "file: /etc/passwd.pdf\n", status="")), f"{IB}/absolute.yml", 5, "invalid",
        "must be a file name next to absolute.yml"),
    Case("symlink-inside", case_symlink_inside, f"{OE}/symlink-inside.yml", 5, "invalid",
         "symbolic link"),
    Case("symlink-outside", case_symlink_outside, f"{OE}/symlink-outside.yml", 5, "invalid",
         "symbolic link"),
    Case("directory", case_directory, f"{OE}/directory.yml", 5, "invalid",
         "not a regular file"),
    Case("not-pdf", lambda p, t: with_pdf(p, "not-pdf", b"Just some words, renamed .pdf"),
         f"{OE}/not-pdf.yml", 5, "pdf-not-pdf", "the file is not a PDF"),
    Case("truncated", lambda p, t: with_pdf(p, "truncated", pdf_bytes(t)[:400]),
         f"{OE}/truncated.yml", 5, "pdf-corrupt", "damaged or truncated"),
    Case("broken-xref", case_broken_xref, f"{OE}/broken-xref.yml", 5, "pdf-corrupt",
         "damaged or truncated"),
    Case("encrypted", case_encrypted, f"{OE}/encrypted.yml", 5, "pdf-encrypted",
         "cannot be opened without a password"),
    Case("deep-nesting", case_deep_nesting, f"{OE}/deep-nesting.yml", 5, "pdf-corrupt",
         "damaged or truncated"),
    Case("decompression-bomb", case_bomb, f"{OE}/bomb.yml", 5, "pdf-too-large",
         "decompression bomb"),
    Case("five-thousand-pages", case_many_pages, f"{OE}/many-pages.yml", 5,
         "pdf-too-many-pages", "5,000 pages"),
]


def bundled_project(root: Path) -> Project:
    project = Project(root)
    for folder in ("compendium", "briefs"):
        import shutil

        shutil.rmtree(project.root / folder)
        shutil.copytree(REPO / folder, project.root / folder)
    return project


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_case_is_one_located_error(case, tmp_path):
    project = bundled_project(tmp_path / "library")
    case.setup(project, tmp_path)
    with pytest.raises(LibraryError) as caught:
        load_catalog(project.root, cache_dir=tmp_path / "cache")
    problems = [p for p in caught.value.problems if p.path == case.path]
    assert len(problems) == 1, caught.value.problems
    (problem,) = problems
    assert problem.code == case.code
    assert problem.line == case.line
    assert case.fragment in problem.message
    assert problem.hint


def test_yaml_11_look_alikes_in_text_fields_are_kept_as_typed(tmp_path):
    project = Project(tmp_path / "library")
    project.write(f"{IB}/traps.yml", "id: traps\ntitle: NO\nsubtitle: 1.10\ntype: toolkit\n"
                  "summary: on\ndate: 2020-01\nstatus: not-deposited\n")
    (resource,) = load_catalog(project.root).resources
    assert (resource.title, resource.subtitle, resource.summary, resource.date) == \
        ("NO", "1.10", "on", "2020-01")


def site_hashes(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_all_cases_at_once_fail_the_build_cleanly_and_keep_the_old_site(tmp_path):
    project = bundled_project(tmp_path / "library")
    build = [sys.executable, str(REPO / "build_site.py"), "build"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    first = subprocess.run(build, cwd=project.root, capture_output=True, text=True, env=env,
                           timeout=300)
    assert first.returncode == 0, first.stderr
    before = site_hashes(project.root / "site")
    for case in CASES:
        case.setup(project, tmp_path)
    for command in (build, [sys.executable, "-m", "mkdocs", "build", "--strict"]):
        result = subprocess.run(command, cwd=project.root, capture_output=True, text=True,
                                env=env, timeout=600)
        output = result.stdout + result.stderr
        assert result.returncode == 1
        assert "Traceback" not in output
        for case in CASES:
            where = f"{case.path}:{case.line}: " if case.line else f"{case.path}: "
            assert re.search(re.escape(where) + r".*" + re.escape(case.fragment), output), \
                case.name
        assert f"{len(CASES)} problems found" in output
        assert site_hashes(project.root / "site") == before
    assert not list(project.root.glob(".site.*"))
