"""File-system helpers: staging folders, atomic swaps, hard links, generated files on disk.

Readers must never see a half-written site, and a failed build must leave the
previous one as it was: everything is built beside its final place and
renamed into it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from bsla.exchange import exchange, remove_leftovers
from bsla.generated import GeneratedPage


def staging_dir(final: Path, purpose: str = "building") -> Path:
    """An empty folder beside ``final`` (same file system, so the swap is a rename)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.{purpose}-", dir=final.parent))
    # mkdtemp makes the folder private; a published site must be world-readable.
    staging.chmod(0o755)
    return staging


def swap_into_place(built: Path, final: Path) -> None:
    """Replace ``final`` with ``built`` so readers never see a half-written site.

    ``built`` is moved by renaming; one on another file system (a system temp
    folder on tmpfs, say) is first copied into a folder beside ``final``.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    if os.stat(built).st_dev != os.stat(final.parent).st_dev:
        beside = staging_dir(final, "moving")
        shutil.copytree(built, beside, dirs_exist_ok=True)
        beside.chmod(0o755)  # copytree gave it the mode of `built`
        shutil.rmtree(built, ignore_errors=True)
        built = beside
    old = None
    if final.exists() and exchange(built, final):
        # One step (bsla.exchange): `built` now holds the previous site.
        shutil.rmtree(built, ignore_errors=True)
        remove_leftovers(final)
        return
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
        os.replace(final, old / final.name)
    os.replace(built, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    remove_leftovers(final)


def link_or_copy(source: str, target: str) -> None:
    """``target`` as a hard link to ``source``, or a copy where the disk has no links.

    The link is made beside ``target`` and renamed over it: writing into an
    existing ``target`` could write through an older link into its source.
    """
    beside = f"{target}.{os.getpid()}.part"
    try:
        try:
            os.link(source, beside)
        except OSError:  # another file system, or one without hard links
            shutil.copyfile(source, beside)
        os.replace(beside, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(beside)
        raise


def link_tree(source: Path, target: Path) -> None:
    """``target`` as a copy of ``source`` whose files are hard links where the disk allows."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link)


def write_generated(pages: Iterable[GeneratedPage],
                    out_dir: Path) -> list[tuple[GeneratedPage, str]]:
    """Write pages under ``out_dir``, skipping files whose content is unchanged.

    Returns each page with the path of its file. Skipping unchanged files keeps
    modification times stable, so nothing that watches the folder sees churn on
    a rebuild.
    """
    written = []
    # Paths as strings: a pathlib object per page cost 0.2 s of every `serve`
    # rebuild at 1,000 resources (cProfile), for paths that are only joined.
    base = os.fspath(out_dir)
    for page in pages:
        key = os.path.join(base, page.src_uri)
        try:
            stamp = os.stat(key).st_mtime_ns
        except OSError:
            stamp = None
        known = WRITTEN.get(key)
        # A file this process wrote, untouched since, is compared in memory:
        # reading 1,400 pages back cost 0.4 s of every `serve` rebuild.
        if known is not None and known[1] == stamp:
            unchanged = known[0] == page.content
        else:
            try:
                unchanged = stamp is not None and Path(key).read_bytes() == page.content.encode()
            except OSError:
                unchanged = False
        if not unchanged:
            path = Path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
            tmp.write_bytes(page.content.encode("utf-8"))
            os.replace(tmp, path)
            stamp = os.stat(key).st_mtime_ns
        WRITTEN.remember(key, page.content, stamp)
        written.append((page, key))
    return written


class WrittenTexts:
    """Generated files by path: the text last written or found there, and the file's
    modification time then.

    Kept only where the same pages are written again and again (dev servers:
    the MkDocs door switches it on). A one-off build writes each page once, and
    keeping them held every page's text of every language to the build's end:
    10 MB per 1,000 resources and language (bench/, tracemalloc).
    """

    def __init__(self) -> None:
        self.enabled = False
        self._texts: dict[str, tuple[str, int | None]] = {}

    def get(self, path: str) -> tuple[str, int | None] | None:
        return self._texts.get(path)

    def remember(self, path: str, text: str, stamp: int | None) -> None:
        if self.enabled:
            self._texts[path] = (text, stamp)

    def clear(self) -> None:
        self._texts.clear()


WRITTEN = WrittenTexts()
