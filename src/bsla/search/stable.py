"""Pagefind's filter and metadata files put in one order, so one catalog gives one index.

Pagefind 1.5 gathers each filter's values, and the list of filters in its
metadata file, in hash maps that are seeded at random on every run
(``filter_map`` in its ``index/mod.rs``). The same pages therefore give filter
files whose values come in another order each time, so other file names (a
hash of the content), a metadata file that lists them in another order, and
another metadata name in ``pagefind-entry.json``. Nothing else differs: page
lists, word chunks and fragments are ordered already. The search script reads
these lists into maps, so their order carries no meaning; this module sorts
them (a filter's values and the filters by name, likewise the sort orders),
encodes them again as Pagefind does (CBOR behind ``pagefind_dcd``, gzip), names
them by Pagefind's own rule and rewrites ``pagefind-entry.json`` to match.

Only files this module reads back byte for byte are rewritten: should a Pagefind
release change their layout, decoding and encoding again no longer gives the
same bytes and the bundle stays as Pagefind wrote it (it still works; only it
is no longer reproducible, which tests/e2e/test_reproducible.py then reports).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

ENTRY = "pagefind-entry.json"
SIGNATURE = b"pagefind_dcd"
FILTER_DIR = "filter"
# Fields of the metadata file (index/index_metadata.rs: MetaIndex), in order.
META_FIELDS = 6
META_FILTERS, META_SORTS = 3, 4


class Unfamiliar(ValueError):
    """A file this module does not read back to the same bytes: leave the bundle alone."""


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise Unfamiliar(f"integer too large for CBOR: {value}")


def encode(value: Any) -> bytes:
    """CBOR as minicbor writes Pagefind's structs: arrays, text, integers, shortest heads."""
    if isinstance(value, bool) or value is None:
        raise Unfamiliar(f"unexpected {value!r}")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(item) for item in value)
    raise Unfamiliar(f"unexpected {type(value).__name__}")


def _decode(data: bytes, at: int) -> tuple[Any, int]:
    if at >= len(data):
        raise Unfamiliar("truncated CBOR")
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        value = info
    elif info <= 27:
        size = 1 << (info - 24)
        value, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise Unfamiliar(f"CBOR item kind {info} is not one Pagefind writes")
    if major == 0:
        return value, at
    if major == 1:
        return -1 - value, at
    if major == 3:
        return data[at:at + value].decode("utf-8"), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise Unfamiliar(f"CBOR major type {major} is not one Pagefind writes")


def decode(data: bytes) -> Any:
    """The value of ``data``; Unfamiliar unless encoding it again gives ``data`` exactly."""
    try:
        value, end = _decode(data, 0)
    except (UnicodeDecodeError, IndexError) as error:
        raise Unfamiliar(str(error)) from error
    if end != len(data) or encode(value) != data:
        raise Unfamiliar("the file does not read back to the same bytes")
    return value


def read_file(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise Unfamiliar(f"{path.name} lacks Pagefind's signature")
    return decode(raw[len(SIGNATURE):])


def pack(value: Any) -> bytes:
    """The file Pagefind would write for ``value``; mtime 0 keeps the gzip header fixed."""
    return gzip.compress(SIGNATURE + encode(value), compresslevel=9, mtime=0)


def full_hash(data: bytes) -> str:
    # Pagefind's utils::full_hash: SHA-1, each byte in hex *without* zero padding.
    return "".join(f"{byte:x}" for byte in hashlib.sha1(data).digest())


def filter_name(lang: str, value: Any, taken: set[str]) -> str:
    """A filter file's name as Pagefind gives it: a prefix of the hash, longer on collision."""
    whole = f"{lang}_{full_hash(encode(value))}"
    length = len(lang) + 8
    while whole[:length] in taken and length < len(whole):
        length += 1
    return whole[:length]


def meta_name(lang: str, value: Any) -> str:
    return f"{lang}_{full_hash(encode(value))[:len(lang) + 8]}"


def _sorted_filter(value: Any) -> list[Any]:
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], list)
            and all(isinstance(v, list) and len(v) == 2 for v in value[1])):
        raise Unfamiliar("a filter file of another shape")
    return [value[0], sorted(value[1], key=lambda item: item[0])]


def stabilize(bundle: Path) -> bool:
    """Sort the filter and metadata files of the Pagefind bundle in ``bundle``, in place.

    Returns False, changing nothing, when a file is not in the layout this
    module knows.
    """
    entry_path = bundle / ENTRY
    text = entry_path.read_text("utf-8")
    entry = json.loads(text)
    if json.dumps(entry, ensure_ascii=False, separators=(",", ":")) != text:
        return False
    writes: dict[Path, bytes] = {}
    removals: set[Path] = set()
    try:
        for lang, language in entry["languages"].items():
            old_meta = bundle / f"pagefind.{language['hash']}.pf_meta"
            meta = read_file(old_meta)
            if not (isinstance(meta, list) and len(meta) == META_FIELDS):
                raise Unfamiliar("a metadata file of another shape")
            taken: set[str] = set()
            filters = []
            for name, old_hash in sorted(meta[META_FILTERS], key=lambda item: item[0]):
                old_path = bundle / FILTER_DIR / f"{old_hash}.pf_filter"
                value = _sorted_filter(read_file(old_path))
                if value[0] != name:
                    raise Unfamiliar(f"filter file {old_path.name} is not {name!r}'s")
                new_hash = filter_name(lang, value, taken)
                taken.add(new_hash)
                filters.append([name, new_hash])
                removals.add(old_path)
                writes[bundle / FILTER_DIR / f"{new_hash}.pf_filter"] = pack(value)
            meta[META_FILTERS] = filters
            meta[META_SORTS] = sorted(meta[META_SORTS], key=lambda item: item[0])
            language["hash"] = meta_name(lang, meta)
            removals.add(old_meta)
            writes[bundle / f"pagefind.{language['hash']}.pf_meta"] = pack(meta)
    except (Unfamiliar, OSError, KeyError, TypeError, gzip.BadGzipFile, EOFError):
        return False
    for path in removals - set(writes):
        path.unlink()
    for path, data in writes.items():
        path.write_bytes(data)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                          "utf-8")
    return True
