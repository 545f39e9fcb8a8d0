"""Golden citations for several metadata shapes, parsed back with real parsers."""

import bibtexparser
import pytest
import rispy

from bsla.catalog import load_catalog
from bsla.cite import apa, bibtex, chicago, ris

URL = "https://library.example/resources/{id}/"
IB = "briefs/issue-briefs"


@pytest.fixture
def resources(project):
    project.resource(IB, "one", authors='["Jordan, Audrey"]', date='"2019-06-03"',
                     type="issue-brief", title="Building Governance",
                     subtitle='"Strategies & Lessons"')
    project.resource(IB, "many", authors='["Jordan, Audrey", "Coleman, Kara", '
                     '"Gonzalez-Hernandez, Lupe"]', date='"2018-05"', title="Working Together")
    project.resource(IB, "corp", date='"2017"', type="reflection-paper", title="Mindful Leadership")
    project.resource(IB, "undated", title="Outreach Tools", authors='["First 5 LA"]')
    catalog = load_catalog(project.root, read_pdfs=False)
    return catalog.by_id


GOLDEN = {
    "one": (
        "Jordan, A. (2019, June 3). Building Governance: Strategies & Lessons. Center for the "
        "Study of Social Policy (CSSP). https://library.example/resources/one/",
        "Jordan, Audrey. 2019. “Building Governance: Strategies & Lessons.” Center for the Study "
        "of Social Policy (CSSP), June 3. https://library.example/resources/one/.",
    ),
    "many": (
        "Jordan, A., Coleman, K., & Gonzalez-Hernandez, L. (2018, May). Working Together. Center "
        "for the Study of Social Policy (CSSP). https://library.example/resources/many/",
        "Jordan, Audrey, Kara Coleman, and Lupe Gonzalez-Hernandez. 2018. “Working Together.” "
        "Center for the Study of Social Policy (CSSP), May. "
        "https://library.example/resources/many/.",
    ),
    "corp": (
        "Center for the Study of Social Policy (CSSP). (2017). Mindful Leadership. "
        "https://library.example/resources/corp/",
        "Center for the Study of Social Policy (CSSP). 2017. “Mindful Leadership.” "
        "https://library.example/resources/corp/.",
    ),
    "undated": (
        "First 5 LA. (n.d.). Outreach Tools. Center for the Study of Social Policy (CSSP). "
        "https://library.example/resources/undated/",
        "First 5 LA. n.d. “Outreach Tools.” Center for the Study of Social Policy (CSSP). "
        "https://library.example/resources/undated/.",
    ),
}


@pytest.mark.parametrize("rid", sorted(GOLDEN))
def test_apa_and_chicago_golden(resources, rid):
    resource = resources[rid]
    url = URL.format(id=rid)
    assert apa(resource, url) == GOLDEN[rid][0]
    assert chicago(resource, url) == GOLDEN[rid][1]


@pytest.mark.parametrize("rid", sorted(GOLDEN))
def test_bibtex_parses_back(resources, rid):
    resource = resources[rid]
    library = bibtexparser.parse_string(bibtex(resource, URL.format(id=rid)))
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.key == rid
    fields = {f.key: f.value for f in entry.fields}
    assert fields["url"] == URL.format(id=rid)
    assert fields.get("year") == (resource.date[:4] if resource.date else None)
    authors = fields["author"].split(" and ")
    assert len(authors) == max(1, len(resource.authors))
    if not resource.authors:
        assert authors == ["{Center for the Study of Social Policy (CSSP)}"]
    assert entry.entry_type == ("techreport" if resource.type in ("issue-brief",
                                                                   "reflection-paper") else "misc")


@pytest.mark.parametrize("rid", sorted(GOLDEN))
def test_ris_parses_back(resources, rid):
    resource = resources[rid]
    (entry,) = rispy.loads(ris(resource, URL.format(id=rid), "https://x.example/a.pdf"))
    expected_authors = resource.authors or ["Center for the Study of Social Policy (CSSP)"]
    assert entry["authors"] == expected_authors
    assert entry["title"].startswith(resource.title)
    assert entry["publisher"] == "Center for the Study of Social Policy (CSSP)"
    assert entry["urls"] == [URL.format(id=rid)]
    assert entry.get("year") == (resource.date[:4] if resource.date else None)
    assert entry["file_attachments1"] == "https://x.example/a.pdf"


@pytest.mark.parametrize("where", ["/resources/one/", "resources/one/", "", None,
                                   "file:///srv/site/resources/one/", "https:///resources/one/"])
def test_a_citation_carries_an_absolute_url_or_none(resources, where):
    # A build without SITE_URL knows only the path; a bare path is left out.
    resource = resources["one"]
    assert apa(resource, where) == GOLDEN["one"][0].rsplit(" https://", 1)[0]
    assert chicago(resource, where) == GOLDEN["one"][1].rsplit(" https://", 1)[0]
    fields = {f.key: f.value for f in bibtexparser.parse_string(
        bibtex(resource, where)).entries[0].fields}
    assert "url" not in fields
    (entry,) = rispy.loads(ris(resource, where, where))
    assert "urls" not in entry and "file_attachments1" not in entry
