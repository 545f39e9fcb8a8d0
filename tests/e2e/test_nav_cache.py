"""Navigation rendered once per folder for pages outside it: the same site, byte for byte."""

from __future__ import annotations

import os

import pytest

from bsla.mkdocs_door.nav_cache import START

pytestmark = pytest.mark.e2e


def build(root, site, *, keep_navigation=True):
    """The built pages, and the library plugin that built them."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site))
    [plugin] = [hook.plugin for hook in config.hooks.values()]
    plugin.nav_cache.enabled = keep_navigation
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}, plugin


def test_kept_navigation_gives_the_same_pages_as_rendering_each(project, tmp_path):
    for number, folder in enumerate(["compendium/leadership-governance",
                                     "compendium/outreach-engagement", "briefs/issue-briefs",
                                     "briefs/reflection-papers"] * 2):
        project.resource(folder, f"item-{number}", tags="[budgets, outreach]")
    kept, plugin = build(project.root, tmp_path / "kept")
    # Resource and keyword (tags/) pages are outside the navigation; their folders were kept.
    folders = plugin.nav_cache.folders()
    assert {"resources", "tags"} <= set(folders), folders

    rendered, _ = build(project.root, tmp_path / "rendered", keep_navigation=False)
    assert kept.keys() == rendered.keys()
    assert len([p for p in kept if p.startswith("resources/item-")]) == 8
    for path, html in kept.items():
        assert START.encode() not in html, path
        assert html == rendered[path], path
    assert b"Outreach and Engagement" in kept["resources/item-0/index.html"]
