"""The dev server's file watching: folders through OS notifications, files by polling."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer
from watchdog.events import FileSystemEventHandler
from watchdog.observers.polling import PollingObserver

from bsla.mkdocs_door.plugin import LibraryPlugin
from bsla.mkdocs_door.watching import SplitObserver


class Recorder(FileSystemEventHandler):
    def __init__(self) -> None:
        self.paths: list[str] = []
        self.seen = threading.Event()

    def on_any_event(self, event) -> None:  # type: ignore[no-untyped-def]
        if not event.is_directory:
            self.paths.append(str(event.src_path))
            self.seen.set()


def _saw(recorder: Recorder, path: Path, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.endswith(path.name) for p in recorder.paths):
            return True
        recorder.seen.wait(0.05)
        recorder.seen.clear()
    return False


class RefusingObserver(PollingObserver):
    """Stands in for an OS that refuses notification watches."""

    def start(self) -> None:
        raise OSError(28, "inotify watch limit reached")


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "compendium"
    folder.mkdir()
    single = tmp_path / "taxonomy.yml"
    single.write_text("a: 1\n")
    return folder, single


def test_folders_go_to_the_os_and_files_to_polling(tree: tuple[Path, Path]) -> None:
    folder, single = tree
    observer = SplitObserver(PollingObserver(timeout=0.1))
    folder_handler, file_handler = Recorder(), Recorder()
    folder_watch = observer.schedule(folder_handler, folder, recursive=True)
    file_watch = observer.schedule(file_handler, single)
    assert observer.watches_natively(folder_watch)
    assert not observer.watches_natively(file_watch)
    observer.start()
    try:
        time.sleep(0.3)  # the polling snapshot is taken when its thread starts
        edited = folder / "section" / "new.yml"
        edited.parent.mkdir()
        edited.write_text("title: x\n")
        assert _saw(folder_handler, edited)
        time.sleep(0.05)
        single.write_text("a: 2\nb: 3\n")
        assert _saw(file_handler, single)
    finally:
        observer.stop()
        observer.join(5)
    assert not observer.is_alive()


@contextlib.contextmanager
def _watched_by_the_os_only(folder: Path) -> Iterator[Recorder]:
    # A polling interval far longer than any wait in these tests: only the OS can report.
    observer = SplitObserver(PollingObserver(timeout=30))
    handler = Recorder()
    observer.schedule(handler, folder, recursive=True)
    observer.start()
    try:
        yield handler
    finally:
        observer.stop()
        observer.join(5)


def test_a_folder_edit_is_reported_well_before_a_polling_interval(
        tree: tuple[Path, Path]) -> None:
    folder, _ = tree
    with _watched_by_the_os_only(folder) as handler:
        edited = folder / "quick.yml"
        edited.write_text("title: y\n")
        assert _saw(handler, edited, timeout=2.0)


def test_reading_a_file_is_not_a_change(tree: tuple[Path, Path]) -> None:
    # Every rebuild reads each YAML file; were reads reported (inotify's open and
    # close-without-write), each rebuild would trigger the next one.
    folder, _ = tree
    existing = folder / "kept.yml"
    existing.write_text("title: k\n")
    with _watched_by_the_os_only(folder) as handler:
        time.sleep(0.2)
        assert existing.read_text() == "title: k\n"
        assert not _saw(handler, existing, timeout=0.6)
        existing.write_text("title: changed\n")
        assert _saw(handler, existing, timeout=2.0)


def test_folders_fall_back_to_polling_when_the_os_refuses(tree: tuple[Path, Path]) -> None:
    folder, _ = tree
    warnings: list[str] = []
    observer = SplitObserver(PollingObserver(timeout=0.1), native_factory=RefusingObserver,
                             warn=warnings.append)
    handler = Recorder()
    watch = observer.schedule(handler, folder, recursive=True)
    assert observer.watches_natively(watch)
    observer.start()
    try:
        assert len(warnings) == 1
        assert "inotify watch limit reached" in warnings[0]
        assert "max_user_watches" in warnings[0]
        time.sleep(0.3)
        edited = folder / "late.yml"
        edited.write_text("title: z\n")
        assert _saw(handler, edited)
        # The watch handed out before the move still removes the folder's watch.
        observer.unschedule(watch)
        handler.paths.clear()
        (folder / "after.yml").write_text("title: w\n")
        assert not _saw(handler, folder / "after.yml", timeout=0.6)
    finally:
        observer.stop()
        observer.join(5)


def _server(root: Path) -> LiveReloadServer:
    return LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(root))


def test_serve_hook_moves_later_watches_to_the_split_observer(
        tree: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    folder, single = tree
    monkeypatch.delenv("BSLA_WATCH", raising=False)
    server = _server(folder.parent)
    server.watch(str(single))  # MkDocs watches mkdocs.yml before the hook runs
    server = LibraryPlugin().on_serve(server, None, None)  # type: ignore[arg-type]
    assert isinstance(server.observer, SplitObserver)
    server.watch(str(folder))  # the `watch:` entries of mkdocs.yml come after it
    assert server.observer.watches_natively(server._watch_refs[str(folder)])
    # Both kinds of watch can still be removed (Material's projects plugin does that).
    server.unwatch(str(folder))
    server.unwatch(str(single))
    assert not server._watch_refs


def test_serve_hook_keeps_polling_when_asked(tree: tuple[Path, Path],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BSLA_WATCH", "poll")
    server = _server(tree[0].parent)
    polling = server.observer
    assert LibraryPlugin().on_serve(server, None, None).observer is polling  # type: ignore[arg-type]
