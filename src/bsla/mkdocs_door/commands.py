"""``build_site.py build`` and ``serve`` as MkDocs commands, called by the CLI."""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.commands.serve import serve as mkdocs_serve
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from bsla.build_lock import acquire_build_lock, release_build_lock
from bsla.fs import staging_dir, swap_into_place
from bsla.progress import set_quiet

CONFIG_FILE = "mkdocs.yml"
# Who holds the checkout's build lock while `build_site.py build` runs.
LOCK_HOLDER = "build_site"


class SiteBuildFailed(Exception):
    """MkDocs stopped the build; the message says why (its details were logged already)."""


def show_progress(verbose: bool, *, quiet: bool = False) -> None:
    """MkDocs' log lines on stderr: warnings only, or its progress too; errors only if quiet.

    The engine's own progress (PDFs read on a cold build, bsla.progress) is
    shown unless quiet.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING)
    set_quiet(quiet)


def _failure(exc: MkDocsException) -> SiteBuildFailed:
    message = str(exc).strip()
    if message.startswith("Error: "):
        message = message[len("Error: "):]
    return SiteBuildFailed(message or "the build failed (see the messages above)")


def build_site(root: Path, site_dir: Path, *, strict: bool = True, offline: bool = False,
               zip_path: Path | None = None) -> str | None:
    """Build the site into ``site_dir`` atomically; raises SiteBuildFailed or LibraryError.

    Returns the site's public address (site_url), None when it is not set.
    """
    site_dir = site_dir.resolve()
    acquire_build_lock(root, LOCK_HOLDER)  # one build per checkout (bsla.build_lock)
    staging = staging_dir(site_dir)
    try:
        overrides: dict[str, object] = {"site_dir": str(staging), "strict": strict}
        if offline:
            overrides["use_directory_urls"] = False
        try:
            config = load_config(config_file=str(root / CONFIG_FILE), **overrides)
            build(config)
        except MkDocsException as exc:
            raise _failure(exc) from None
        swap_into_place(staging, site_dir)
        if zip_path is not None:
            # Built next to the target, then renamed, so a reader never sees half a zip.
            partial = shutil.make_archive(str(zip_path.with_suffix("")) + ".partial", "zip",
                                          root_dir=site_dir.parent, base_dir=site_dir.name)
            Path(partial).replace(zip_path)
    finally:
        release_build_lock(LOCK_HOLDER)
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return config.site_url or None


def serve(root: Path, dev_addr: str) -> None:
    """Serve the site with live reload until interrupted."""
    # Dirty rebuilds: MkDocs re-renders only pages whose source changed, the
    # engine rewrites only generated pages whose text changed, and the plugin
    # adds the pages whose navigation or engine-made parts changed
    # (mkdocs_door.previews), so an edit costs a few pages instead of the whole
    # catalog (docs/benchmarks.md). Plain `mkdocs serve` rebuilds the same way.
    try:
        mkdocs_serve(config_file=str(root / CONFIG_FILE), dev_addr=dev_addr, livereload=True,
                     build_type="dirty")
    except MkDocsException as exc:
        raise _failure(exc) from None
