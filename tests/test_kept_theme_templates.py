"""Previews render the sitemap and 404 page again only when what they show changed."""

from __future__ import annotations

from pathlib import Path

from bsla.mkdocs_door.previews import KeptThemeTemplates


def _templates():
    return {"sitemap.xml", "404.html", "other.html"}


def test_unchanged_keys_with_their_files_in_place_are_skipped(tmp_path: Path):
    kept = KeptThemeTemplates()
    keys = {"sitemap.xml": ("a",), "404.html": ("n",)}
    assert kept.skip_unchanged(_templates(), keys, str(tmp_path)) == []
    kept.commit()
    (tmp_path / "sitemap.xml").write_text("x")
    templates = _templates()
    assert kept.skip_unchanged(templates, keys, str(tmp_path)) == ["sitemap.xml"]  # 404 missing
    assert templates == {"404.html", "other.html"}
    kept.commit()
    assert kept.skip_unchanged(_templates(), {**keys, "sitemap.xml": ("b",)},
                               str(tmp_path)) == []


def test_a_failed_build_counts_for_nothing(tmp_path: Path):
    kept = KeptThemeTemplates()
    (tmp_path / "sitemap.xml").write_text("x")
    kept.skip_unchanged(_templates(), {"sitemap.xml": ("a",)}, str(tmp_path))
    kept.commit()
    # A build renders the sitemap for a new key, then fails: no commit.
    kept.skip_unchanged(_templates(), {"sitemap.xml": ("b",)}, str(tmp_path))
    # Back to the first key: the file may hold the failed build's sitemap, so render it.
    assert kept.skip_unchanged(_templates(), {"sitemap.xml": ("a",)}, str(tmp_path)) == []
    kept.commit()
    assert kept.skip_unchanged(_templates(), {"sitemap.xml": ("a",)},
                               str(tmp_path)) == ["sitemap.xml"]
