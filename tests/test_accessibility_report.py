"""The PDF accessibility report: from the PDF's own structure to the page and `check`."""

import subprocess
import sys

from bsla.accessibility import assess, report_table
from bsla.engine import prepare
from tests.conftest import REPO, make_accessible_pdf, make_pdf


def test_report_from_the_pdfs(project, tmp_path):
    folder = project.root / "briefs/issue-briefs"
    plain = make_pdf(tmp_path / "plain.pdf", 2, title="Governance brief",
                     text="Plenty of readable words on every page of this brief")
    folder.mkdir(parents=True)
    make_accessible_pdf(folder / "good.pdf", plain)
    project.resource("briefs/issue-briefs", "good", extra="file: good.pdf\n", status="available")
    project.resource("briefs/issue-briefs", "scan", pdf_pages=3, text="")
    state = prepare(project.root)
    good, scan = state.catalog.by_id["good"], state.catalog.by_id["scan"]
    assert assess(good).missing == []
    assert assess(scan).missing == ["tagged", "language", "title", "text"]
    page = next(p.content for p in state.site.pages if p.src_uri == "resources/scan/index.md")
    assert "Lacks: tags for screen readers, a document language, a title shown by PDF viewers, " \
           "text that can be read aloud (not a scan)." in page
    good_page = next(p.content for p in state.site.pages
                     if p.src_uri == "resources/good/index.md")
    assert "tagged for screen readers, language and title set" in good_page
    table = report_table(state.catalog)
    assert "good      yes     yes       yes    yes" in table
    assert "scan      NO      NO        NO     NO" in table
    assert table.endswith("1 of 2 PDFs pass all four checks.")
    result = subprocess.run([sys.executable, str(REPO / "build_site.py"), "check",
                             "--accessibility"], cwd=project.root, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0 and "1 of 2 PDFs pass all four checks." in result.stdout
