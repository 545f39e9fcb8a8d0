"""Internal link integrity of built sites, and the opt-in external link check."""

from __future__ import annotations

import http.server
import posixpath
import re
import subprocess
import sys
import threading
import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bsla.catalog import load_catalog
from bsla.links import _resolved, _target, check_external, check_site_links, page_ids
from tests.conftest import REPO


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_broken_links_anchors_and_orphans(tmp_path):
    site = tmp_path / "site"
    write(site / "index.html", '<a href="resources/a/">A</a> <a href="missing/">x</a>'
          '<a href="resources/a/#cite">ok</a> <a href="resources/a/#nope">bad</a>'
          '<a href="https://example.org/">ext</a> <img src="logo.png">'
          '<a href="../outside.html">up</a> <a href="resources/a">folder</a>')
    write(tmp_path / "outside.html", "a real file, but not part of the site")
    # Anchors in the page itself, by fragment alone or by the page's own address.
    write(site / "resources/a/index.html", '<h2 id="cite">Cite</h2><a href="../../">home</a>'
          '<a href="#cite">top</a> <a href="#gone">gone</a> <a href="./#cite">self</a>'
          '<a href="./#lost">self, lost</a>')
    write(site / "resources/b/index.html", "<p>nobody links here</p>")
    write(site / "resources/old/index.html", '<meta http-equiv="refresh" content="0; url=../a/">'
          '<a href="../a/">a</a>')
    problems = {(p.path, p.code, p.message) for p in check_site_links(site)}
    assert problems == {
        ("index.html", "broken-link", "links to 'missing/', which is not in the site"),
        ("index.html", "broken-link", "links to 'logo.png', which is not in the site"),
        ("index.html", "broken-link", "links to '../outside.html', which is not in the site"),
        ("index.html", "broken-anchor",
         "links to '#nope' in 'resources/a/#nope', but that anchor does not exist"),
        ("resources/a/index.html", "broken-anchor",
         "links to '#gone' in '#gone', but that anchor does not exist"),
        ("resources/a/index.html", "broken-anchor",
         "links to '#lost' in './#lost', but that anchor does not exist"),
        ("resources/b/index.html", "orphan-page",
         "no page of the site links to this resource page"),
    }


def test_a_link_with_no_path_names_the_page_it_is_on(tmp_path):
    site = tmp_path / "site"
    write(site / "index.html", '<a href="guide/a.html">a</a> <a href="guide/b.html">b</a>')
    write(site / "guide/a.html", '<a href="?page=2">next</a>')
    # The same link text on another page of the folder names that page, not the first.
    write(site / "guide/b.html", '<h2 id="frag">F</h2><a href="?page=2#frag">here</a>')
    assert not check_site_links(site)


# What an id is, for the link check: the plain expression page_ids must agree with.
ID_EXPRESSION = re.compile(r'\sid="([^"]+)"')


@settings(max_examples=400)
@given(st.lists(st.sampled_from([" ", "\n", "\u00a0", "x", "i", "d", "=", '"', 'id="', ' id="',
                                 'data-id="', "#"]), max_size=40).map("".join))
def test_page_ids_finds_exactly_what_the_id_expression_finds(text):
    assert page_ids(text) == set(ID_EXPRESSION.findall(text))


def test_page_ids_of_real_markup():
    html = '<h2 id="cite">C</h2><div data-id="no"\tid="tab"><p\nid="">x</p><a id="a b">'
    assert page_ids(html) == {"cite", "tab", "a b"}


SEGMENTS = st.sampled_from(["a", "b", "..", ".", "", "index.html", "x y"])
FOLDERS = st.lists(st.sampled_from(["a", "b", "resources", "es"]), max_size=3).map("/".join)
PATHS = st.tuples(st.sampled_from(["", "/", "/base/"]),
                  st.lists(SEGMENTS, max_size=6).map("/".join)).map("".join)


@settings(max_examples=600)
@given(FOLDERS, PATHS, st.sets(st.sampled_from(["", "a", "a/b", "b", "resources", "es/a"])))
@example("a", "..//a", {"a"})
@example("a/b", ".//../b/", {"a/b"})
@example("a", "../..", set())
@example("a", "../", {""})
@example("", "/base/../x", set())
def test_links_resolved_through_the_shared_keys_name_the_file_direct_resolution_names(
        folder, path, folders):
    page = posixpath.join(folder, "index.html")
    known: dict = {}
    # Twice: the second answer comes from what the first one kept.
    for _ in range(2):
        resolved = _resolved(folder, path, page, "/base/", folders, known)
        assert resolved == (_target(folder, path, "/base/", folders) if path else page)


def test_the_bundled_site_has_no_broken_links(tmp_path):
    from bsla.mkdocs_door.commands import build_site

    site = tmp_path / "site"
    build_site(REPO, site)  # raises if the post-build link check finds anything
    assert not check_site_links(site)


class _Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self):
        if self.path.startswith("/slow"):
            time.sleep(3)
        status = 200 if self.path.startswith("/ok") else 404
        self.send_response(status)
        self.end_headers()

    do_HEAD = _answer
    do_GET = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_linkcheck_reports_dead_and_slow_links_on_their_lines(project, local_server):
    ib = "briefs/issue-briefs"
    project.resource(ib, "good", url=f"{local_server}/ok", status="available")
    project.resource(ib, "gone", url=f"{local_server}/gone", status="available")
    project.resource(ib, "slow", summary=f'"See [this]({local_server}/slow/page)."')
    results = {r.url: r for r in check_external(load_catalog(project.root), timeout=0.5,
                                                total=20)}
    assert results[f"{local_server}/ok"].ok
    assert results[f"{local_server}/gone"].detail == "HTTP 404"
    assert results[f"{local_server}/gone"].sources == (f"{ib}/gone.yml:5",)
    assert not results[f"{local_server}/slow/page"].ok
    assert results[f"{local_server}/slow/page"].sources == (f"{ib}/slow.yml:4",)
    cli = subprocess.run([sys.executable, str(REPO / "build_site.py"), "linkcheck",
                          "--timeout", "0.5"], cwd=project.root, capture_output=True,
                         text=True, timeout=60)
    assert cli.returncode == 1
    assert f"{ib}/gone.yml:5: {local_server}/gone: HTTP 404" in cli.stderr
    assert "1 of 3 external links answered." in cli.stdout
