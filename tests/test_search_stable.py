"""One set of search records gives one Pagefind bundle, byte for byte (search.indexer, stable)."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import shutil
from pathlib import Path

import pytest

from bsla.search import stable
from bsla.search.indexer import index_records

FACETS = {"type": 6, "language": 2, "capacity": 5}


def write_records(site: Path, order: list[int]) -> None:
    for number in order:
        folder = site / "resources" / f"r{number:02d}"
        folder.mkdir(parents=True)
        filters = "".join(f'<span data-pagefind-filter="{facet}:{facet[0]}{number % count}">'
                          "</span>" for facet, count in FACETS.items())
        (folder / "index.html").write_text(
            f'<html lang="en"><body><main data-pagefind-body><h1>Record {number}</h1>'
            f"<p>shared words and word{number}</p>{filters}"
            f'<span data-pagefind-sort="order:{number:06d}"></span></main></body></html>',
            "utf-8")


def bundle(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("indexed")
    write_records(root / "records", list(range(30)))
    index_records(root / "records", root / "bundle", language="en", keep_index_url=False)
    return root / "bundle"


def test_records_made_in_another_order_elsewhere_give_the_same_bundle(indexed, tmp_path):
    # Pagefind's command line numbers pages in the order the file system lists
    # them; tmpfs lists by creation, ext4 by a hash: try both where there is one.
    places = [tmp_path]
    if Path("/dev/shm").is_dir():
        places.append(Path("/dev/shm"))
    for place in places:
        work = Path(place) / f"bsla-stable-{random.randrange(1 << 30)}"
        try:
            order = list(range(30))
            random.Random(7).shuffle(order)
            write_records(work / "records", order)
            index_records(work / "records", work / "bundle", language="en",
                          keep_index_url=False)
            assert bundle(work / "bundle") == bundle(indexed)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def test_the_codec_names_files_exactly_as_pagefind_does(indexed, tmp_path):
    # Pagefind's own output, before any sorting: hashing our encoding of what we
    # decoded gives the names Pagefind gave, so the encoding is Pagefind's.
    raw = tmp_path / "raw"
    shutil.copytree(indexed, raw)
    entry = json.loads((raw / stable.ENTRY).read_text("utf-8"))
    meta_hash = entry["languages"]["en"]["hash"]
    meta = stable.read_file(raw / f"pagefind.{meta_hash}.pf_meta")
    assert stable.meta_name("en", meta) == meta_hash
    assert meta[0] == entry["version"]
    for name, file_hash in meta[stable.META_FILTERS]:
        value = stable.read_file(raw / "filter" / f"{file_hash}.pf_filter")
        assert value[0] == name
        assert stable.filter_name("en", value, set()) == file_hash
    assert [name for name, _ in meta[stable.META_FILTERS]] == sorted(FACETS)


def _shuffled(folder: Path, seed: int) -> None:
    """Write the bundle's filter and metadata files in another order, as another run would."""
    entry_path = folder / stable.ENTRY
    entry = json.loads(entry_path.read_text("utf-8"))
    old_meta = folder / f"pagefind.{entry['languages']['en']['hash']}.pf_meta"
    meta = stable.read_file(old_meta)
    shuffle = random.Random(seed).shuffle
    filters = []
    for name, file_hash in meta[stable.META_FILTERS]:
        path = folder / "filter" / f"{file_hash}.pf_filter"
        value = stable.read_file(path)
        shuffle(value[1])
        path.unlink()
        new_hash = stable.filter_name("en", value, set())
        (folder / "filter" / f"{new_hash}.pf_filter").write_bytes(
            gzip.compress(stable.SIGNATURE + stable.encode(value), mtime=0))
        filters.append([name, new_hash])
    shuffle(filters)
    meta[stable.META_FILTERS] = filters
    old_meta.unlink()
    entry["languages"]["en"]["hash"] = stable.meta_name("en", meta)
    (folder / f"pagefind.{entry['languages']['en']['hash']}.pf_meta").write_bytes(
        gzip.compress(stable.SIGNATURE + stable.encode(meta), mtime=0))
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                          "utf-8")


def test_filter_and_metadata_files_in_any_order_come_out_the_same(indexed, tmp_path):
    copies = []
    for seed in (1, 2):
        copy = tmp_path / f"copy{seed}"
        shutil.copytree(indexed, copy)
        _shuffled(copy, seed)
        copies.append(copy)
    assert bundle(copies[0]) != bundle(copies[1])  # the shuffles made different files
    assert all(stable.stabilize(copy) for copy in copies)
    assert bundle(copies[0]) == bundle(copies[1]) == bundle(indexed)


def test_values_are_sorted_and_page_lists_kept(indexed):
    entry = json.loads((indexed / stable.ENTRY).read_text("utf-8"))
    meta = stable.read_file(indexed / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")
    for _, file_hash in meta[stable.META_FILTERS]:
        name, values = stable.read_file(indexed / "filter" / f"{file_hash}.pf_filter")
        assert [v for v, _ in values] == sorted(v for v, _ in values)
        # Records were handed over in path order: page n is record rNN with NN == n.
        count = FACETS[name]
        for value, pages in values:
            assert pages == [n for n in range(30) if f"{name[0]}{n % count}" == value]


def test_a_file_of_an_unknown_layout_leaves_the_bundle_as_it_was(indexed, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(indexed, copy)
    victim = sorted((copy / "filter").iterdir())[0]
    # A CBOR map (major type 5), which no Pagefind 1.5 file holds.
    victim.write_bytes(gzip.compress(stable.SIGNATURE + b"\xa1\x61a\x01", mtime=0))
    before = bundle(copy)
    assert stable.stabilize(copy) is False
    assert bundle(copy) == before
    with pytest.raises(stable.Unfamiliar):
        stable.decode(b"\x18\x05")  # 5 written long: not how minicbor writes it
