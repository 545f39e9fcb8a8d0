"""Previews reuse the engine's File objects, and the Page of a file outside the navigation."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import InclusionLevel
from mkdocs.structure.pages import Page

from bsla.mkdocs_door.files import CacheLinkedFile, KeptFiles


@pytest.fixture
def config_for(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: Kept\n", encoding="utf-8")

    def make(**options):
        config = load_config(config_file=str(tmp_path / "mkdocs.yml"),
                             site_dir=str(tmp_path / "site"), **options)
        # Set by MkDocs while a plugin's event runs, which is when files are made.
        config.plugins._current_plugin = "bsla"
        return config

    return make


def _get(kept, config, inclusion=InclusionLevel.NOT_IN_NAV, uri="resources/a/index.md"):
    return kept.get(CacheLinkedFile, config, uri, f"/cache/{uri}", inclusion)


def _used_page(file, config):
    page = Page(None, file, config)
    page.markdown, page.content, page.meta = "# Old", "<h1>Old</h1>", {"title": "Old"}
    page.present_anchor_ids = {"old"}
    return page


def test_a_page_outside_the_navigation_is_kept_as_new(config_for):
    kept, config = KeptFiles(), config_for(site_url="https://example.org/")
    kept.begin_build(config)
    file = _get(kept, config)
    page = _used_page(file, config)
    kept.end_build()

    config = config_for(site_url="https://example.org/")
    kept.begin_build(config)
    again = _get(kept, config)
    assert again is file and again.page is page
    assert (page.markdown, page.content, page.meta, page.present_anchor_ids) == (None, None, {},
                                                                                 None)
    assert page.canonical_url == "https://example.org/resources/a/"


def test_pages_in_the_navigation_and_changed_settings_get_new_pages(config_for):
    kept, config = KeptFiles(), config_for(site_url="https://example.org/")
    kept.begin_build(config)
    in_nav = _get(kept, config, InclusionLevel.UNDEFINED, "about.md")
    outside = _get(kept, config)
    _used_page(in_nav, config), _used_page(outside, config)
    kept.end_build()

    config = config_for(site_url="https://other.example.org/")
    kept.begin_build(config)
    assert _get(kept, config, InclusionLevel.UNDEFINED, "about.md").page is None
    assert _get(kept, config).page is None  # its canonical URL would be stale


def test_files_a_build_did_not_use_are_forgotten(config_for):
    kept, config = KeptFiles(), config_for()
    kept.begin_build(config)
    first = _get(kept, config)
    kept.end_build()
    kept.begin_build(config)
    kept.end_build()  # a build without that page
    kept.begin_build(config)
    assert _get(kept, config) is not first


def test_a_cache_file_is_modified_exactly_when_mkdocs_would_say_so(config_for, tmp_path):
    import os

    from mkdocs.structure.files import File

    config = config_for()
    source = tmp_path / "cache" / "a.md"
    source.parent.mkdir()
    source.write_text("# A", encoding="utf-8")
    ours = CacheLinkedFile.generated(config, "a/index.md", abs_src_path=str(source))
    theirs = File.generated(config, "a/index.md", abs_src_path=str(source))
    output = Path(ours.abs_dest_path)
    assert ours.is_modified() is theirs.is_modified() is True  # no output yet
    output.parent.mkdir(parents=True)
    output.write_text("<h1>A</h1>", encoding="utf-8")
    os.utime(source, (1_000, 1_000))
    assert ours.is_modified() is theirs.is_modified() is False  # output newer than source
    os.utime(output, (500, 500))
    assert ours.is_modified() is theirs.is_modified() is True  # output older
    output.unlink()
    output.mkdir()
    assert ours.is_modified() is theirs.is_modified() is True  # a folder is no output
