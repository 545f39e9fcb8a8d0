"""Previews: requests for the other languages wait for their build; the main one does not."""

from __future__ import annotations

import threading
import time

from bsla.mkdocs_door.later_languages import LaterLanguages


class FakeServer:
    """The parts of MkDocs' LiveReloadServer that LaterLanguages uses."""

    def __init__(self) -> None:
        self.mount_path = "/"
        self._epoch_cond = threading.Condition()
        self._rebuild_cond = threading.Condition()
        self._visible_epoch = self._wanted_epoch = 1
        self.served: list[str] = []

    def _serve_request(self, environ, start_response):
        self.served.append(environ["PATH_INFO"])
        return [b"ok"]


def _request(server, path, done):
    server._serve_request({"PATH_INFO": path}, None)
    done.append(path)


def test_spanish_requests_wait_for_the_spanish_build_and_english_ones_do_not():
    server = FakeServer()
    later = LaterLanguages()
    assert later.install(server)
    release = threading.Event()
    later.start(["es"], lambda: release.wait(10), failed=lambda exc: None)
    done: list[str] = []
    threads = [threading.Thread(target=_request, args=(server, path, done))
               for path in ("/es/resources/a/", "/es", "/resources/a/", "/essays/")]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    assert sorted(done) == ["/essays/", "/resources/a/"]
    release.set()
    for thread in threads:
        thread.join(5)
    assert sorted(done) == ["/es", "/es/resources/a/", "/essays/", "/resources/a/"]
    later.wait()
    # The browsers are told to reload once the other languages are built.
    assert server._visible_epoch == server._wanted_epoch > 1


def test_a_failed_build_is_handed_over_and_releases_the_requests():
    server = FakeServer()
    later = LaterLanguages()
    later.install(server)
    seen: list[Exception] = []

    def broken():
        raise ValueError("bad")

    later.start(["es"], broken, failed=seen.append)
    later.wait()
    assert [str(exc) for exc in seen] == ["bad"]
    done: list[str] = []
    _request(server, "/es/", done)
    assert done == ["/es/"]


def test_a_rebuild_under_way_keeps_its_own_epoch():
    server = FakeServer()
    later = LaterLanguages()
    later.install(server)
    server._wanted_epoch = 5  # the server's loop started another build
    later.start(["es"], lambda: None, failed=lambda exc: None)
    later.wait()
    assert (server._visible_epoch, server._wanted_epoch) == (1, 5)


def test_a_server_laid_out_otherwise_is_left_alone():
    class Other:
        def _serve_request(self, environ, start_response):
            return []

    later = LaterLanguages()
    assert not later.install(Other())
    assert not later.installed


def test_a_file_deleted_during_the_build_is_no_traceback(caplog):
    from bsla.mkdocs_door.plugin import LibraryPlugin

    plugin = LibraryPlugin()
    with caplog.at_level("INFO"):
        plugin._later_languages_failed(FileNotFoundError(2, "No such file", "/x/gone.pdf"))
    assert "/x/gone.pdf went away" in caplog.text
    assert "Traceback" not in caplog.text and not any(r.exc_info for r in caplog.records)


class _Refresh:
    def __init__(self):
        self.stopped = None

    def stop(self, *, wait=True):
        self.stopped = wait


def test_a_main_language_rebuild_stops_every_language_s_indexing_without_waiting():
    from bsla.mkdocs_door.plugin import LibraryPlugin

    plugin = LibraryPlugin()
    plugin.command = "serve"
    english, spanish = _Refresh(), _Refresh()
    plugin.search_refresh = {"en": english, "es": spanish}
    plugin._stop_search_before("es")
    assert (english.stopped, spanish.stopped) == (None, False)
    plugin.search_refresh = {"en": english, "es": spanish}
    spanish.stopped = None
    plugin._stop_search_before("en")
    assert (english.stopped, spanish.stopped) == (False, False)
    assert plugin.search_refresh == {}
    assert set(plugin.stopping_refresh) == {"en", "es"}
