"""Shared fixtures: throwaway library projects built from the real configuration."""

from __future__ import annotations

import shutil
import socket
import textwrap
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def make_pdf(path: Path, pages: int = 1, *, title: str | None = None,
             author: str | None = None, text: str = "Sample page") -> Path:
    """A real PDF made with fpdf2: `pages` pages, each carrying `text` and its number."""
    from fpdf import FPDF

    pdf = FPDF()
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    pdf.set_font("helvetica", size=12)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.multi_cell(0, 8, f"{text} - page {number}")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def make_accessible_pdf(path: Path, source: Path) -> Path:
    """A copy of `source` marked as tagged, with a language and a title viewers show."""
    from pypdf import PdfWriter
    from pypdf.generic import BooleanObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=source)
    root = writer._root_object
    root[NameObject("/MarkInfo")] = DictionaryObject({NameObject("/Marked"): BooleanObject(True)})
    root[NameObject("/StructTreeRoot")] = writer._add_object(
        DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")}))
    root[NameObject("/Lang")] = TextStringObject("en-US")
    root[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)})
    path.parent.mkdir(parents=True, exist_ok=True)
    writer.write(str(path))
    return path


class Project:
    """A library project in a temp folder: real taxonomy, labels, docs and mkdocs.yml."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True)
        for name in ("taxonomy.yml", "labels.yml", "mkdocs.es.yml"):
            shutil.copy(REPO / name, root / name)
        shutil.copytree(REPO / "docs", root / "docs")
        config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
        config = config.replace("  - src/bsla/", f"  - {REPO / 'src/bsla'}/")
        (root / "mkdocs.yml").write_text(config, encoding="utf-8")
        for folder in ("compendium", "briefs"):
            (root / folder).mkdir()

    def use_bundled_catalog(self) -> Project:
        """Replace the empty catalog folders with the repository's own catalog."""
        for folder in ("compendium", "briefs"):
            shutil.rmtree(self.root / folder)
            shutil.copytree(REPO / folder, self.root / folder)
        return self

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def resource(self, folder: str, rid: str, extra: str = "", *, pdf_pages: int | None = None,
                 text: str = "Sample page", **fields: str) -> Path:
        """Write a valid resource YAML (plus a PDF when pdf_pages is given)."""
        lines = {
            "id": rid,
            "title": fields.pop("title", f"Title of {rid}"),
            "type": fields.pop("type", "toolkit"),
            "summary": fields.pop("summary", f"Summary of {rid}."),
        }
        lines.update(fields)
        if pdf_pages is not None:
            make_pdf(self.root / folder / f"{rid}.pdf", pdf_pages, text=text)
            lines["file"] = f"{rid}.pdf"
        elif "status" not in lines and "url" not in lines:
            lines["status"] = "not-deposited"
        body = "".join(f"{key}: {value}\n" for key, value in lines.items()) + extra
        return self.write(f"{folder}/{rid}.yml", body)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "library")


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[[str], Project]:
    def factory(name: str) -> Project:
        return Project(tmp_path / name)

    return factory


def render_catalog(catalog, root: Path, **options):
    """The catalog's generated site and the Templates it was rendered with (labels from root)."""
    from bsla.engine import make_templates, render_site
    from bsla.labels import load_labels

    templates = make_templates(catalog, load_labels(root), **options)
    return render_site(catalog, templates), templates


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch_text(url: str, timeout: float = 5) -> str:
    """The page at ``url`` as text, or "" while nothing (or an error) answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""
