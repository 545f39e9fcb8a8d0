"""oai.xml, the OAI-PMH Static Repository (bsla.pages.oai), checked with the formats' schemas.

The schemas are kept in tests/data (each file says where it came from), so no test
reaches the network.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from bsla.catalog import load_catalog
from bsla.cli import main
from bsla.errors import LibraryError
from bsla.pages.oai import DC_NS, NO_CONTACT, OAI_DC_NS, OAI_NS, STATIC_NS
from bsla.urls import OAI_XML
from tests.conftest import render_catalog
from tests.test_feed import COMMITTED, git

DATA = Path(__file__).parent / "data"
SITE = "https://library.example.org/"
IB = "briefs/issue-briefs"
NS = {"sr": STATIC_NS, "oai": OAI_NS, "dc": DC_NS, "oai_dc": OAI_DC_NS}


@pytest.fixture(scope="module")
def schemas() -> tuple[xmlschema.XMLSchema10, xmlschema.XMLSchema10]:
    """The Static Repository schema (with oai_dc for the records' metadata) and OAI-PMH's."""
    static = xmlschema.XMLSchema10(
        [DATA / "static-repository.xsd", DATA / "oai_dc.xsd"], allow="sandbox",
        base_url=str(DATA))
    protocol = xmlschema.XMLSchema10([DATA / "OAI-PMH.xsd", DATA / "oai_dc.xsd"],
                                     allow="sandbox", base_url=str(DATA))
    return static, protocol


def oai_text(root: Path, site_url: str | None = SITE) -> str:
    catalog = load_catalog(root, read_pdfs=True)
    site, _ = render_catalog(catalog, root, site_url=site_url)
    return next(p.content for p in site.pages if p.src_uri == OAI_XML)


def as_gateway_response(text: str) -> str:
    """The ListRecords answer a Static Repository Gateway gives from oai.xml."""
    tree = ET.fromstring(text)
    records = "".join(ET.tostring(r, encoding="unicode")
                      for r in tree.find("sr:ListRecords", NS))
    base = tree.find("sr:Identify/oai:baseURL", NS).text
    return (f'<OAI-PMH xmlns="{OAI_NS}"><responseDate>2026-01-01T00:00:00Z</responseDate>'
            f'<request verb="ListRecords" metadataPrefix="oai_dc">{base}</request>'
            f"<ListRecords>{records}</ListRecords></OAI-PMH>")


def test_the_bundled_catalog_validates_and_has_one_record_per_resource(project, schemas):
    project.use_bundled_catalog()
    project.resource(IB, "with-pdf", pdf_pages=2, license="CC BY 4.0")
    text = oai_text(project.root)
    static, protocol = schemas
    static.validate(text)
    # Harvesters see the records through a gateway, as plain OAI-PMH.
    protocol.validate(as_gateway_response(text))
    catalog = load_catalog(project.root, read_pdfs=False)
    tree = ET.fromstring(text)
    identifiers = [e.text for e in tree.iterfind("sr:ListRecords/oai:record/oai:header/"
                                                 "oai:identifier", NS)]
    assert len(identifiers) == len(set(identifiers)) == len(catalog.resources) > 10
    pages = {e.text for e in tree.iterfind(".//dc:identifier", NS)}
    assert pages == {f"{SITE}resources/{r.id}/" for r in catalog.resources}


def test_a_record_carries_the_catalog_fields(project, schemas):
    project.resource(IB, "orig", pdf_pages=1, title="Governance Brief", license="CC BY 4.0",
                     authors='["Montez, Silvia"]', date='"2018-05"',
                     capacities="[inclusive-governance]", tags="[promotores]")
    project.resource(IB, "orig-es", title="Guía de gobernanza", language="es",
                     translation_of="orig")
    text = oai_text(project.root)
    schemas[0].validate(text)
    tree = ET.fromstring(text)
    record = next(r for r in tree.iterfind(".//oai:record", NS)
                  if r.find(".//dc:identifier", NS).text == f"{SITE}resources/orig/")

    def values(name: str) -> list[str]:
        return [e.text for e in record.iterfind(f".//dc:{name}", NS)]

    assert values("title") == ["Governance Brief"]
    assert values("creator") == ["Montez, Silvia"]
    assert {"Inclusive Governance", "promotores"} <= set(values("subject"))
    assert values("date") == ["2018-05"]
    assert values("format") == ["application/pdf"]
    assert values("language") == ["en"]
    assert values("rights") == ["CC BY 4.0"]
    assert values("publisher") == ["Center for the Study of Social Policy (CSSP)"]
    assert set(values("relation")) == {f"{SITE}resources/orig/orig.pdf",
                                       f"{SITE}es/resources/orig/",
                                       f"{SITE}resources/orig-es/"}
    assert record.find("oai:header/oai:identifier", NS).text == \
        "oai:cssp.org:bsla-library/resources/orig"


def test_without_gateway_and_email_the_file_is_written_and_check_warns(project, schemas,
                                                                       capsys):
    project.resource(IB, "one")
    text = oai_text(project.root)
    schemas[0].validate(text)
    tree = ET.fromstring(text)
    assert tree.find("sr:Identify/oai:baseURL", NS).text == f"{SITE}oai.xml"
    assert tree.find("sr:Identify/oai:adminEmail", NS).text == NO_CONTACT
    assert main(["--root", str(project.root), "check"]) == 0
    err = capsys.readouterr().err
    assert "site.oai_gateway and site.contact_email" in err


def test_with_gateway_and_email_the_base_url_is_the_gateways_and_check_is_quiet(
        project, schemas, capsys):
    taxonomy = project.root / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text("utf-8") + '  oai_gateway: "https://gw.example.net/oai/"\n'
                        '  contact_email: "library@example.org"\n', "utf-8")
    project.resource(IB, "one")
    text = oai_text(project.root)
    schemas[0].validate(text)
    tree = ET.fromstring(text)
    assert tree.find("sr:Identify/oai:baseURL", NS).text == \
        "https://gw.example.net/oai/library.example.org/oai.xml"
    assert tree.find("sr:Identify/oai:adminEmail", NS).text == "library@example.org"
    assert main(["--root", str(project.root), "check"]) == 0
    assert "oai_gateway" not in capsys.readouterr().err


@pytest.mark.parametrize("key, value", [("oai_gateway", "gateway.example.org"),
                                        ("contact_email", "nobody")])
def test_a_malformed_setting_is_refused_with_its_line(project, key, value):
    taxonomy = project.root / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text("utf-8") + f'  {key}: "{value}"\n', "utf-8")
    with pytest.raises(LibraryError) as caught:
        load_catalog(project.root, read_pdfs=False)
    message = str(caught.value.problems[0])
    assert f"site.{key}" in message and "taxonomy.yml:" in message


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_identifiers_and_datestamps_are_stable_across_builds(project, schemas, monkeypatch):
    project.resource(IB, "one")
    project.resource(IB, "two", date='"2019"')
    git(project.root, "init", "-q")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-q", "-m", "first")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1900000000")
    first = oai_text(project.root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1950000000")
    assert oai_text(project.root) == first  # a later build of the same commit
    # An edit moves only that record's datestamp, to the day of the commit.
    edit = project.root / IB / "two.yml"
    edit.write_text(edit.read_text("utf-8") + "tags: [later]\n", "utf-8")
    git(project.root, "commit", "-q", "-am", "edit", when=COMMITTED + dt.timedelta(days=3))
    stamps = dict(re.findall(r"resources/(\w+)</oai:identifier><oai:datestamp>([\d-]+)",
                             oai_text(project.root)))
    assert stamps == {"one": "2024-03-05", "two": "2024-03-08"}
    assert "<oai:earliestDatestamp>2024-03-05<" in first


def test_only_the_main_language_publishes_oai_xml(project):
    project.resource(IB, "one")
    catalog = load_catalog(project.root, read_pdfs=False)
    site, _ = render_catalog(catalog, project.root, lang="es")
    assert OAI_XML not in {p.src_uri for p in site.pages}


def test_an_empty_catalog_publishes_no_oai_xml(project):
    """A Static Repository needs one record at least; an empty file would be invalid."""
    catalog = load_catalog(project.root, read_pdfs=False)
    site, _ = render_catalog(catalog, project.root)
    assert OAI_XML not in {p.src_uri for p in site.pages}


def test_the_schemas_in_tests_data_reject_what_they_should(project, schemas):
    """The kept schemas are real checks: a record without metadata, or a datestamp with a time."""
    project.resource(IB, "one")
    text = oai_text(project.root)
    static = schemas[0]
    assert static.is_valid(text)
    no_metadata = re.sub(r"<oai:metadata>.*?</oai:metadata>", "", text, flags=re.S)
    assert not static.is_valid(no_metadata)
    timed = re.sub(r"(<oai:datestamp>[\d-]+)", r"\1T00:00:00Z", text)
    assert not static.is_valid(timed)
    assert not static.is_valid(text.replace("<dc:title", "<dc:heading").replace(
        "</dc:title>", "</dc:heading>"))


def test_without_a_site_url_addresses_are_site_rooted_and_still_valid(project, schemas):
    project.resource(IB, "one")
    text = oai_text(project.root, site_url=None)
    schemas[0].validate(text)
    assert "<oai:baseURL>/oai.xml</oai:baseURL>" in text
    assert "<dc:identifier>/resources/one/</dc:identifier>" in text
