"""Deposit packages without a site build: the bag's layout, bag-info and refusals (bsla.package).

The offline copy of the site is stood in for by a small folder here; the bag of a
real build and the WACZ are tested in tests/e2e/test_deposit.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from pathlib import Path

import bagit
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bsla.cli import main
from bsla.errors import LibraryError
from bsla.package.bag import write_bag
from bsla.package.web_archive import content_type, pin_archive_times, site_files
from tests.conftest import Project

IB = "briefs/issue-briefs"
SITE_URL = "https://library.example.org/"


def fake_offline_site(into: Path) -> None:
    (into / "resources" / "brief").mkdir(parents=True)
    (into / "index.html").write_text("<title>Home</title>", encoding="utf-8")
    (into / "resources" / "brief" / "index.html").write_text("<title>Brief</title>", "utf-8")


@pytest.fixture(scope="module")
def bag(tmp_path_factory) -> Path:
    project = Project(tmp_path_factory.mktemp("bagged") / "library")
    project.resource(IB, "brief", pdf_pages=2, license="CC BY 4.0")
    project.resource("briefs/reflection-papers", "pending")
    target = project.root.parent / "deposit"
    write_bag(project.root, target, fake_offline_site, site_url=SITE_URL)
    return target


def test_the_bag_holds_sources_exports_site_and_readme(bag):
    data = bag / "data"
    assert (data / "library" / IB / "brief.yml").is_file()
    assert (data / "library" / IB / "brief.pdf").is_file()
    assert (data / "library" / "briefs/reflection-papers/pending.yml").is_file()
    assert {p.name for p in (data / "library").iterdir()} >= {"taxonomy.yml", "labels.yml"}
    assert {p.name for p in (data / "exports").iterdir()} == {
        "catalog.json", "catalog.csv", "catalog.schema.json", "resource.schema.json",
        "feed.xml", "oai.xml"}
    assert (data / "site" / "resources/brief/index.html").is_file()
    assert "bagit.py --validate" in (data / "README.txt").read_text("utf-8")
    # Addresses in the exports are the public ones.
    assert f"{SITE_URL}resources/brief/" in (data / "exports/catalog.json").read_text("utf-8")


def test_bag_info_is_filled_from_the_catalog_and_both_manifests_exist(bag):
    loaded = bagit.Bag(str(bag))
    loaded.validate()
    info = loaded.info
    assert info["Source-Organization"] == "Center for the Study of Social Policy (CSSP)"
    assert "2 resources" in info["External-Description"]
    assert info["External-Identifier"] == SITE_URL
    assert info["Resource-Count"] == "2"
    assert info["Source-Commit"]
    size, count = (int(n) for n in info["Payload-Oxum"].split("."))
    payload = [p for p in (bag / "data").rglob("*") if p.is_file()]
    assert count == len(payload) and size == sum(p.stat().st_size for p in payload)
    assert set(loaded.algorithms) == {"sha256", "sha512"}
    assert (bag / "manifest-sha512.txt").is_file()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_changed_byte_in_any_payload_file_fails_validation(bag, data):
    files = sorted(p for p in (bag / "data").rglob("*") if p.is_file())
    path = data.draw(st.sampled_from(files), label="file")
    original = path.read_bytes()
    offset = data.draw(st.integers(0, len(original) - 1), label="offset")
    changed = bytearray(original)
    changed[offset] ^= data.draw(st.integers(1, 255), label="xor")
    try:
        path.write_bytes(bytes(changed))
        with pytest.raises(bagit.BagValidationError):
            bagit.Bag(str(bag)).validate()
    finally:
        path.write_bytes(original)
    bagit.Bag(str(bag)).validate()


def test_an_existing_non_empty_folder_is_refused_and_left_alone(project, tmp_path):
    project.resource(IB, "brief")
    target = tmp_path / "taken"
    target.mkdir()
    (target / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(LibraryError) as caught:
        write_bag(project.root, target, fake_offline_site, site_url=None)
    assert "not an empty folder" in str(caught.value.problems[0])
    assert [p.name for p in target.iterdir()] == ["keep.txt"]


def test_a_failed_site_build_leaves_nothing_behind(project, tmp_path):
    project.resource(IB, "brief")
    target = tmp_path / "new-bag"

    def failing(into: Path) -> None:
        into.mkdir()
        (into / "half.html").write_text("", encoding="utf-8")
        raise RuntimeError("the build stopped")

    with pytest.raises(RuntimeError):
        write_bag(project.root, target, failing, site_url=None)
    assert list(tmp_path.iterdir()) == [project.root]


def test_an_empty_existing_folder_becomes_the_bag(project, tmp_path):
    project.resource(IB, "brief")
    target = tmp_path / "empty"
    target.mkdir()
    write_bag(project.root, target, fake_offline_site, site_url=None)
    bagit.Bag(str(target)).validate()
    assert "External-Identifier" not in bagit.Bag(str(target)).info


def test_package_needs_bag_or_wacz(project, capsys):
    assert main(["--root", str(project.root), "package"]) == 2
    assert "--bag DIR, --wacz FILE" in capsys.readouterr().err


def test_wacz_without_an_address_or_a_site_is_a_clear_error(project, tmp_path, capsys,
                                                             monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    target = tmp_path / "library.wacz"
    assert main(["--root", str(project.root), "package", "--wacz", str(target)]) == 1
    err = capsys.readouterr().err
    assert "public address is not set" in err and "--site-url" in err
    assert main(["--root", str(project.root), "package", "--wacz", str(target),
                 "--site-url", SITE_URL]) == 1
    err = capsys.readouterr().err
    assert "holds no built site" in err and "SITE_URL=" in err
    assert not target.exists()


def test_a_site_built_for_another_address_is_refused(project, tmp_path, capsys):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<title>x</title>", encoding="utf-8")
    (site / "catalog.json").write_text(
        '{"resources": [{"page_url": "/resources/brief/"}]}', encoding="utf-8")
    assert main(["--root", str(project.root), "package", "--wacz", str(tmp_path / "a.wacz"),
                 "--site-dir", str(site), "--site-url", SITE_URL]) == 1
    assert "was built for another address" in capsys.readouterr().err


def test_folders_are_archived_at_their_own_address_and_types_are_fixed(tmp_path):
    fake_offline_site(tmp_path)
    (tmp_path / ".hidden").write_text("", encoding="utf-8")
    assert [address for address, _ in site_files(tmp_path)] == ["", "resources/brief/"]
    assert content_type(Path("x.html")) == "text/html; charset=utf-8"
    assert content_type(Path("pagefind/wasm.unknown.pagefind")) == "application/octet-stream"
    assert content_type(Path("pagefind/pagefind.js")) == "text/javascript; charset=utf-8"
    assert content_type(Path("a/b.pdf")) == "application/pdf"


def test_pinned_archive_entries_carry_one_time_one_mode_unix_and_a_matching_digest(tmp_path):
    archive = tmp_path / "made-elsewhere.wacz"
    package = {"profile": "data-package", "created": "2031-05-06T07:08:09Z", "resources": []}
    with zipfile.ZipFile(archive, "w") as made:
        for name, data in (("datapackage.json", json.dumps(package)),
                           ("datapackage-digest.json", json.dumps({"hash": "sha256:0"})),
                           ("archive/data.warc.gz", b"x" * 5000)):
            entry = zipfile.ZipInfo(name, (2031, 5, 6, 7, 8, 10))
            entry.create_system = 0  # what zipfile writes on Windows
            entry.external_attr = 0o100600 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED if name.endswith("gz") \
                else zipfile.ZIP_STORED
            made.writestr(entry, data)
    pin_archive_times(archive, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    with zipfile.ZipFile(archive) as pinned:
        entries = pinned.infolist()
        assert [e.filename for e in entries] == ["datapackage.json", "datapackage-digest.json",
                                                 "archive/data.warc.gz"]
        assert {(e.date_time, e.create_system, e.external_attr >> 16) for e in entries} == \
            {((2026, 1, 1, 0, 0, 0), 3, 0o100644)}
        assert [e.compress_type for e in entries] == [zipfile.ZIP_STORED, zipfile.ZIP_STORED,
                                                      zipfile.ZIP_DEFLATED]
        assert pinned.read("archive/data.warc.gz") == b"x" * 5000
        written = pinned.read("datapackage.json")
        assert json.loads(written)["created"] == "2026-01-01T00:00:00Z"
        digest = json.loads(pinned.read("datapackage-digest.json"))
        assert digest["hash"] == "sha256:" + hashlib.sha256(written).hexdigest()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["made-elsewhere.wacz"]
