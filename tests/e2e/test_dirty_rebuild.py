"""Previews (`mkdocs serve`, `build_site.py serve`) rebuild only changed pages, accurately."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
SECTION = "compendium/leadership-governance"


class Preview:
    """Rebuilds as a dev server makes them: one start-up, then a build per edit."""

    def __init__(self, root, *, dirty=True, strict=False):
        from mkdocs.config import load_config

        os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
        self.root, self.strict = root, strict
        self.site = Path(tempfile.mkdtemp(prefix="preview-site-"))
        self.dirty = dirty
        self._config = lambda: load_config(config_file=str(root / "mkdocs.yml"),
                                           site_dir=str(self.site), strict=strict)
        self._config().plugins.on_startup(command="serve", dirty=dirty)

    def build(self):
        import mkdocs.commands.serve

        # What `mkdocs serve`'s builder calls, with the flag it was started with.
        mkdocs.commands.serve.build(self._config(), serve_url="http://127.0.0.1:8000/",
                                    dirty=self.dirty)
        return self.site

    def close(self):
        self._config().plugins.on_shutdown()
        shutil.rmtree(self.site, ignore_errors=True)  # as `mkdocs serve` removes its folder


@pytest.fixture
def preview(project):
    started = []

    def start(**options):
        started.append(Preview(project.root, **options))
        return started[-1]

    yield start
    for server in started:
        server.close()


def _page(site, relative=""):
    return (site / relative / "index.html").read_text("utf-8")


def _stamp(site, relative):
    return os.stat(site / relative / "index.html").st_mtime_ns


@pytest.mark.parametrize("dirty", [True, False], ids=["serve --dirty", "plain serve"])
def test_a_preview_rebuild_renders_the_edit_and_keeps_nav_titles(project, preview, dirty):
    project.resource(SECTION, "alpha", title="Alpha original")
    project.resource(SECTION, "beta", title="Beta")
    server = preview(dirty=dirty)
    site = server.build()
    before = _stamp(site, "resources/beta")

    project.resource(SECTION, "alpha", title="Alpha edited")
    server.build()
    assert "Alpha edited" in _page(site, "resources/alpha")
    assert _stamp(site, "resources/beta") == before  # not rendered again
    listing = _page(site, SECTION)
    assert "Alpha edited" in listing
    # The listing was rebuilt; sections it did not re-read keep their nav titles.
    assert "Collaboration and Networking" in listing
    assert "Outreach and Engagement" in listing


def test_a_preview_refreshes_the_home_counts_when_a_resource_is_added(project, preview):
    project.resource(SECTION, "alpha")
    server = preview()
    site = server.build()
    assert "(1)" in _page(site)

    project.resource(SECTION, "beta")
    server.build()
    # index.md did not change on disk, but the engine's part of it did.
    assert "(2)" in _page(site)
    assert "Title of beta" in _page(site, "resources/beta")


def test_a_nav_title_edit_reaches_every_page_of_the_preview(project, preview):
    project.resource(SECTION, "alpha")
    project.resource(SECTION, "beta")
    server = preview()
    site = server.build()
    before = _stamp(site, "resources/beta")
    about = project.root / "docs" / "about.md"
    about.write_text(about.read_text("utf-8").replace("title: About", "title: About us"),
                     encoding="utf-8")
    server.build()
    # Unchanged pages show the navigation too, so they are rendered again.
    assert "About us" in _page(site, "resources/beta")
    assert "About us" in _page(site, SECTION)
    assert _stamp(site, "resources/beta") != before


def test_a_theme_override_edit_reaches_every_page_of_the_preview(project, preview):
    project.resource(SECTION, "alpha")
    server = preview()
    site = server.build()
    overrides = project.root / "docs" / "overrides"
    (overrides / "partials").mkdir(exist_ok=True)
    (overrides / "partials" / "copyright.html").write_text(
        "<p>Override seen in the preview</p>", encoding="utf-8")
    server.build()
    assert "Override seen in the preview" in _page(site, "resources/alpha")


def test_a_preview_drops_the_page_of_a_deleted_resource(project, preview):
    project.resource(SECTION, "alpha")
    gone = project.resource(SECTION, "beta")
    server = preview()
    site = server.build()
    assert (site / "resources" / "beta" / "index.html").exists()
    gone.unlink()
    server.build()
    assert not (site / "resources" / "beta").exists()
    assert (site / "resources" / "alpha" / "index.html").exists()


def test_preview_rebuilds_pass_under_strict_mode(project, preview):
    # mkdocs.yml says strict: true; MkDocs' warning about dirty builds must not
    # abort every rebuild, while real warnings still do.
    project.resource(SECTION, "alpha", title="Alpha original")
    server = preview(dirty=False, strict=True)
    site = server.build()
    project.resource(SECTION, "alpha", title="Alpha edited")
    server.build()
    assert "Alpha edited" in _page(site, "resources/alpha")
    about = project.root / "docs" / "about.md"
    about.write_text(about.read_text("utf-8") + "\n[gone](missing.md)\n", encoding="utf-8")
    from mkdocs.exceptions import Abort

    with pytest.raises(Abort):
        server.build()


def test_full_rebuilds_on_request_and_mkdocs_restored_after_serve(project, preview, monkeypatch):
    import mkdocs.commands.build
    import mkdocs.commands.serve

    project.resource(SECTION, "alpha")
    monkeypatch.setenv("BSLA_PREVIEW", "full")
    server = preview(dirty=False)
    site = server.build()
    assert mkdocs.commands.serve.build is mkdocs.commands.build.build
    before = _stamp(site, "resources/alpha")
    server.build()
    assert _stamp(site, "resources/alpha") != before  # MkDocs' own full rebuild
    server.close()

    monkeypatch.delenv("BSLA_PREVIEW")
    server = preview(dirty=False)
    assert mkdocs.commands.serve.build is not mkdocs.commands.build.build
    server.close()
    assert mkdocs.commands.serve.build is mkdocs.commands.build.build


def test_the_sitemap_and_404_are_rendered_again_only_when_what_they_show_changed(
        project, preview, monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://library.example.org/")  # sitemaps list only URLs
    project.resource(SECTION, "alpha", title="Alpha original")
    server = preview()
    site = server.build()
    sitemap, missing = site / "sitemap.xml", site / "404.html"
    stamps = (sitemap.stat().st_mtime_ns, missing.stat().st_mtime_ns)

    project.resource(SECTION, "alpha", title="Alpha edited")
    server.build()
    assert "Alpha edited" in _page(site, "resources/alpha")
    assert (sitemap.stat().st_mtime_ns, missing.stat().st_mtime_ns) == stamps

    project.resource(SECTION, "beta")
    server.build()
    assert "resources/beta/" in sitemap.read_text("utf-8")
    assert sitemap.stat().st_mtime_ns != stamps[0]

    about = project.root / "docs" / "about.md"
    about.write_text(about.read_text("utf-8").replace("title: About", "title: About us"),
                     encoding="utf-8")
    server.build()
    assert "About us" in missing.read_text("utf-8")  # the 404 page shows the navigation

    # A file removed from the served folder is written again.
    missing.unlink()
    project.resource(SECTION, "alpha", title="Alpha edited again")
    server.build()
    assert "About us" in missing.read_text("utf-8")

