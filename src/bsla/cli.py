"""``build_site`` command line: a thin layer over the engine's functions."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from bsla.build import prepare, staging_dir, swap_into_place, write_generated
from bsla.catalog import load_catalog
from bsla.errors import FORMATTERS, LibraryError, Problems
from bsla.render import CopiedFile, GeneratedPage

CONFIG_FILE = "mkdocs.yml"
HOME_PAGE = "index.md"


def _root(args: argparse.Namespace) -> Path:
    return Path(args.root).resolve()


def _report(error: LibraryError, fmt: str) -> int:
    print(FORMATTERS[fmt](error.problems), file=sys.stdout if fmt != "text" else sys.stderr)
    if fmt == "text" and os.environ.get("GITHUB_ACTIONS") == "true":
        # On a pull request the same errors also become annotations on the files.
        print(FORMATTERS["github"](error.problems))
    return 1


def cmd_check(args: argparse.Namespace) -> int:
    catalog = load_catalog(_root(args), cache_dir=_root(args) / ".cache/bsla/pdf")
    if args.format == "json":
        print(FORMATTERS["json"]([]))
    else:
        print(catalog.summary_line())
    return 0


def _mkdocs_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO if verbose else logging.WARNING)


def build_site(root: Path, site_dir: Path, *, strict: bool = True, offline: bool = False) -> None:
    """Build the site into ``site_dir`` atomically; raises on any failure."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = site_dir.resolve()
    staging = staging_dir(site_dir)
    try:
        overrides: dict[str, object] = {"site_dir": str(staging), "strict": strict}
        if offline:
            overrides["use_directory_urls"] = False
        config = load_config(config_file=str(root / CONFIG_FILE), **overrides)
        build(config)
        swap_into_place(staging, site_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _mkdocs_failure(exc: Exception, fmt: str) -> int:
    message = str(exc).strip()
    if message.startswith("Error: "):
        message = message[len("Error: "):]
    print(message or "the build failed (see the messages above)", file=sys.stderr)
    print("The previous site was left unchanged.", file=sys.stderr)
    return 1


def cmd_build(args: argparse.Namespace) -> int:
    from mkdocs.exceptions import MkDocsException

    root = _root(args)
    _mkdocs_logging(args.verbose)
    try:
        build_site(root, Path(args.site_dir) if args.site_dir else root / "site",
                   strict=not args.no_strict, offline=args.offline)
    except MkDocsException as exc:
        return _mkdocs_failure(exc, args.format)
    print(f"Built the site into {args.site_dir or root / 'site'}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from mkdocs.commands.serve import serve

    root = _root(args)
    _mkdocs_logging(True)
    # Dirty rebuilds: MkDocs re-renders only pages whose source changed, and the
    # engine rewrites only generated pages whose text changed, so an edit costs a
    # few pages instead of the whole catalog (see docs/benchmarks.md). MkDocs
    # logs every dirty build as a warning, so strict mode is off while serving;
    # `build` stays strict.
    serve(config_file=str(root / CONFIG_FILE), dev_addr=args.dev_addr, livereload=True,
          build_type="dirty", strict=False)
    return 0


def render_markdown_tree(root: Path, out_dir: Path) -> int:
    """Write the whole site as plain Markdown + files into ``out_dir`` (atomically).

    This is the door for renderers that run no MkDocs hooks: point their
    ``docs_dir`` at ``out_dir``.
    """
    state = prepare(root, use_directory_urls=True)
    out_dir = out_dir.resolve()
    staging = staging_dir(out_dir, "rendering")
    try:
        docs = root / "docs"
        shutil.copytree(docs, staging, dirs_exist_ok=True, symlinks=False,
                        ignore=shutil.ignore_patterns("overrides"))
        home = staging / HOME_PAGE
        if home.exists():
            from bsla.hooks import HOME_MARKER

            text = home.read_text(encoding="utf-8")
            block = state.renderer.home_block()
            text = (text.replace(HOME_MARKER, block, 1) if HOME_MARKER in text
                    else text.rstrip() + "\n\n" + block)
            home.write_text(text, encoding="utf-8")
        pages: list[GeneratedPage] = state.site.pages
        write_generated(pages, staging)
        copied: list[CopiedFile] = state.site.files
        for item in copied:
            target = staging / item.src_uri
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(item.source, target)
        swap_into_place(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return len(pages)


def cmd_render(args: argparse.Namespace) -> int:
    count = render_markdown_tree(_root(args), Path(args.out))
    print(f"Wrote {count} generated pages and the hand-written docs into {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build_site.py",
        description="Check, build and serve the Best Start LA resource library.",
    )
    parser.add_argument("--root", default=".", help="project folder (default: current folder)")
    parser.add_argument("--format", choices=sorted(FORMATTERS), default="text",
                        help="how to print problems: text (default), github annotations, json")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="validate every resource and its PDF")
    check.set_defaults(func=cmd_check)

    build = commands.add_parser("build", help="build the site (atomically) into site/")
    build.add_argument("--site-dir", help="where to build (default: site/)")
    build.add_argument("--no-strict", action="store_true", help="do not fail on warnings")
    build.add_argument("--offline", action="store_true",
                       help="links that work when opened from the file system")
    build.add_argument("-v", "--verbose", action="store_true", help="show MkDocs progress")
    build.set_defaults(func=cmd_build)

    serve = commands.add_parser("serve", help="serve with live reload while you edit")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", help="address:port to serve on")
    serve.set_defaults(func=cmd_serve)

    render = commands.add_parser(
        "render", help="write all pages as plain Markdown into a folder, for other renderers")
    render.add_argument("--out", required=True, help="output folder")
    render.set_defaults(func=cmd_render)
    return parser



def main(argv: Sequence[str] | None = None) -> int:
    # MkDocs prints a multi-line banner about its 2.0 on every run; the README
    # covers that future (see "Other renderers"), editors need not see it daily.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except LibraryError as exc:
        return _report(exc, args.format)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except OSError as exc:
        problems = Problems()
        problems.add(exc.filename or "build_site.py", None, exc.strerror or str(exc),
                     "check the folder exists and is writable")
        return _report(LibraryError(problems.sorted()), args.format)


if __name__ == "__main__":
    sys.exit(main())
