"""The MkDocs door's file collection answers src_paths from one mapping until it changes."""

from __future__ import annotations

import pytest
from mkdocs.structure.files import File, Files

from bsla.mkdocs_door.files import PathIndexedFiles


def _file(path: str) -> File:
    return File(path, "/docs", "/site", use_directory_urls=True)


def test_src_paths_is_built_once_and_follows_every_change():
    files = PathIndexedFiles(Files([_file("a.md"), _file("b/c.md")]))
    first = files.src_paths
    assert files.src_paths is first  # no rebuild between reads
    assert set(first) == {"a.md", "b/c.md"} == set(Files(list(files)).src_paths)
    with pytest.raises(TypeError):
        first["x.md"] = _file("x.md")  # type: ignore[index]

    files.append(_file("d.md"))
    assert "d.md" in files.src_paths and "d.md" not in first
    files.remove(files.src_paths["a.md"])
    assert set(files.src_paths) == {"b/c.md", "d.md"}
