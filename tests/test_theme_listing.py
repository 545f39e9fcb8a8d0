"""Previews keep the theme's file list between rebuilds until a theme folder changes."""

from __future__ import annotations

from pathlib import Path

import jinja2
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from bsla.mkdocs_door import theme_listing


def _config(tmp_path: Path):
    (tmp_path / "docs" / "overrides").mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\ntheme:\n  name: material\n  custom_dir: docs/overrides\n"
        "exclude_docs: overrides/\n")
    return load_config(config_file=str(tmp_path / "mkdocs.yml"))


def _theme_files(config) -> list[str]:
    files = Files([])
    files.add_files_from_theme(config.theme.get_env(), config)
    return sorted(f.src_uri for f in files)


def test_the_listing_is_read_once_and_again_after_a_theme_folder_changes(tmp_path, monkeypatch):
    listings = theme_listing.ThemeListings()
    plain = _theme_files(_config(tmp_path / "plain"))
    config = _config(tmp_path / "kept")
    listings.remember(config.theme)
    walks = []
    real_list = jinja2.FileSystemLoader.list_templates

    def counted(self):
        walks.append(1)
        return real_list(self)

    monkeypatch.setattr(jinja2.FileSystemLoader, "list_templates", counted)
    assert _theme_files(config) == plain
    assert _theme_files(config) == plain
    assert len(walks) == 1
    # An editor adds a static file to the theme overrides while the preview runs.
    overrides = tmp_path / "kept" / "docs" / "overrides"
    (overrides / "assets").mkdir()
    (overrides / "assets" / "extra.css").write_text("body {}\n")
    assert _theme_files(config) == sorted([*plain, "assets/extra.css"])
    assert len(walks) == 2
    (overrides / "assets" / "more.js").write_text("// x\n")
    assert "assets/more.js" in _theme_files(config)
