"""`build_site.py serve` rebuilds dirty: only changed pages, with a whole navigation."""

from __future__ import annotations

import os
import tempfile

import pytest

pytestmark = pytest.mark.e2e
SECTION = "compendium/leadership-governance"


def dirty_build(root, site_dir):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # As `build_site.py serve` runs it: MkDocs warns about every dirty build.
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site_dir),
                         strict=False)
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, serve_url="http://127.0.0.1:8000/", dirty=True)


def test_dirty_rebuild_renders_the_edit_and_keeps_nav_titles(project):
    project.resource(SECTION, "alpha", title="Alpha original")
    project.resource(SECTION, "beta", title="Beta")
    site = tempfile.mkdtemp(prefix="dirty-site-")
    dirty_build(project.root, site)
    untouched = project.root / site / "resources" / "beta" / "index.html"
    before = os.stat(untouched).st_mtime_ns

    project.resource(SECTION, "alpha", title="Alpha edited")
    dirty_build(project.root, site)
    page = (project.root / site / "resources" / "alpha" / "index.html").read_text("utf-8")
    assert "Alpha edited" in page
    assert os.stat(untouched).st_mtime_ns == before  # not rebuilt
    listing = (project.root / site / SECTION / "index.html").read_text("utf-8")
    assert "Alpha edited" in listing
    # The listing was rebuilt; sections it did not re-read keep their nav titles.
    assert "Collaboration and Networking" in listing
    assert "Outreach and Engagement" in listing
