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
from bsla.build_lock import acquire_build_lock, release_build_lock
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
    if args.accessibility:
        from bsla.accessibility import report_table

        print(report_table(catalog))
    return 0


def _mkdocs_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO if verbose else logging.WARNING)


def build_site(root: Path, site_dir: Path, *, strict: bool = True, offline: bool = False,
               zip_path: Path | None = None) -> None:
    """Build the site into ``site_dir`` atomically; raises on any failure."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = site_dir.resolve()
    acquire_build_lock(root, "build_site")  # one build per checkout (bsla.build_lock)
    staging = staging_dir(site_dir)
    try:
        overrides: dict[str, object] = {"site_dir": str(staging), "strict": strict}
        if offline:
            overrides["use_directory_urls"] = False
        config = load_config(config_file=str(root / CONFIG_FILE), **overrides)
        build(config)
        swap_into_place(staging, site_dir)
        if zip_path is not None:
            # Built next to the target, then renamed, so a reader never sees half a zip.
            partial = shutil.make_archive(str(zip_path.with_suffix("")) + ".partial", "zip",
                                          root_dir=site_dir.parent, base_dir=site_dir.name)
            Path(partial).replace(zip_path)
    finally:
        release_build_lock("build_site")
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
                   strict=not args.no_strict, offline=args.offline,
                   zip_path=Path(args.zip).resolve() if args.zip else None)
    except MkDocsException as exc:
        return _mkdocs_failure(exc, args.format)
    print(f"Built the site into {args.site_dir or root / 'site'}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from mkdocs.commands.serve import serve

    root = _root(args)
    _mkdocs_logging(True)
    # Dirty rebuilds: MkDocs re-renders only pages whose source changed, the
    # engine rewrites only generated pages whose text changed, and the hooks
    # add the pages whose navigation or engine-made parts changed
    # (bsla.previews), so an edit costs a few pages instead of the whole
    # catalog (docs/benchmarks.md). Plain `mkdocs serve` rebuilds the same way.
    serve(config_file=str(root / CONFIG_FILE), dev_addr=args.dev_addr, livereload=True,
          build_type="dirty")
    return 0


def render_markdown_tree(root: Path, out_dir: Path, *, use_directory_urls: bool = True) -> int:
    """Write the whole site as plain Markdown + files into ``out_dir`` (atomically).

    This is the door for renderers that run no MkDocs hooks: point their
    ``docs_dir`` at ``out_dir``.
    """
    state = prepare(root, use_directory_urls=use_directory_urls)
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
    count = render_markdown_tree(_root(args), Path(args.out), use_directory_urls=not args.zensical)
    print(f"Wrote {count} generated pages and the hand-written docs into {args.out}")
    if args.zensical:
        from bsla.zensical_config import write_zensical_config

        print(f"Wrote {write_zensical_config(_root(args), Path(args.out), Path(args.zensical))}")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from bsla.search import write_search_index

    state = prepare(_root(args), use_directory_urls=not args.offline)
    count = write_search_index(state.renderer, Path(args.site_dir),
                               use_directory_urls=not args.offline)
    print(f"Indexed {count} resources for search into {Path(args.site_dir) / 'pagefind'}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from bsla.scaffold import new_resource

    root = _root(args)
    yaml_path = new_resource(root, Path(args.pdf).resolve(), args.collection, slug=args.slug)
    shown = yaml_path.relative_to(root)
    print(f"Wrote {shown} and copied the PDF beside it.")
    print(f"Next: fill in the empty fields in {shown}, then run: python build_site.py check")
    return 0


def write_schema(root: Path) -> Path:
    """Write the JSON Schema editors' tools use, generated from the engine's schema."""
    import json

    from bsla.scaffold import SCHEMA_PATH
    from bsla.schema import json_schema
    from bsla.taxonomy import load_taxonomy

    problems = Problems(root)
    taxonomy = load_taxonomy(root / "taxonomy.yml", root, problems)
    problems.raise_if_any()
    assert taxonomy is not None
    target = root / SCHEMA_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(json_schema(taxonomy), indent=2, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    return target


def cmd_schema(args: argparse.Namespace) -> int:
    target = write_schema(_root(args))
    print(f"Wrote {target.relative_to(_root(args))}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from bsla.outputs import export_texts

    root = _root(args)
    state = prepare(root, site_url=args.site_url or os.environ.get("SITE_URL") or None)
    texts = export_texts(state.catalog, state.renderer)
    names = {"json": ["catalog.json", "catalog.schema.json"], "csv": ["catalog.csv"],
             "all": sorted(texts)}[args.export_format]
    if args.out == "-":
        if len(names) != 1 and args.export_format != "json":
            print("--out - writes one file; choose --format json or csv", file=sys.stderr)
            return 2
        sys.stdout.write(texts[names[0]])
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in names:
        (out / name).write_text(texts[name], encoding="utf-8")
        print(f"Wrote {out / name}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from bsla.fixity import is_url, report_lines, verify

    root = _root(args)
    against = args.against or root / "site" / "catalog.json"
    report = verify(root, against if isinstance(against, Path) or is_url(against)
                    else Path(against))
    ok, lines = report_lines(report)
    for line in lines:
        print(line, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def cmd_linkcheck(args: argparse.Namespace) -> int:
    from bsla.links import check_external

    root = _root(args)
    catalog = load_catalog(root, cache_dir=root / ".cache/bsla/pdf")
    results = check_external(catalog, timeout=args.timeout, total=args.budget,
                             workers=args.workers)
    bad = [r for r in results if not r.ok]
    for result in bad:
        for source in result.sources:
            print(f"{source}: {result.url}: {result.detail} (check the address, or replace "
                  "it with a working or archived copy)", file=sys.stderr)
    print(f"{len(results) - len(bad)} of {len(results)} external links answered.")
    return 1 if bad else 0


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
    check.add_argument("--accessibility", action="store_true",
                       help="also print how accessible each deposited PDF is")
    check.set_defaults(func=cmd_check)

    build = commands.add_parser("build", help="build the site (atomically) into site/")
    build.add_argument("--site-dir", help="where to build (default: site/)")
    build.add_argument("--no-strict", action="store_true", help="do not fail on warnings")
    build.add_argument("--offline", action="store_true",
                       help="links that work when opened from the file system")
    build.add_argument("--zip", help="also write the built site as this .zip file")
    build.add_argument("-v", "--verbose", action="store_true", help="show MkDocs progress")
    build.set_defaults(func=cmd_build)

    serve = commands.add_parser("serve", help="serve with live reload while you edit")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", help="address:port to serve on")
    serve.set_defaults(func=cmd_serve)

    render = commands.add_parser(
        "render", help="write all pages as plain Markdown into a folder, for other renderers")
    render.add_argument("--out", required=True, help="output folder")
    render.add_argument("--zensical", metavar="CONFIG",
                        help="also write this Zensical configuration for the tree (links as .html)")
    render.set_defaults(func=cmd_render)

    index = commands.add_parser(
        "index", help="write the search index into a site built by another renderer")
    index.add_argument("--site-dir", required=True, help="the built site folder")
    index.add_argument("--offline", action="store_true",
                       help="the site was built with .html links (use_directory_urls: false)")
    index.set_defaults(func=cmd_index)

    new = commands.add_parser(
        "new", help="add a PDF to a collection with a pre-filled resource file")
    new.add_argument("pdf", help="the PDF to add")
    new.add_argument("--collection", required=True,
                     help="collection or section id (see taxonomy.yml), e.g. issue-briefs")
    new.add_argument("--slug", help="id and file name to use (default: from the PDF's name)")
    new.set_defaults(func=cmd_new)

    export = commands.add_parser(
        "export", help="write catalog.json / catalog.csv without building the site")
    export.add_argument("--format", dest="export_format", choices=["json", "csv", "all"],
                        default="all", help="which export (default: all files)")
    export.add_argument("--out", default="export", help="folder, or - for standard output")
    export.add_argument("--site-url", help="public address of the site, for absolute links")
    export.set_defaults(func=cmd_export)

    verify = commands.add_parser(
        "verify", help="re-hash deposited PDFs against the published catalog.json")
    verify.add_argument("--against", help="catalog.json to compare with, or the address of "
                        "the deployed site (default: site/catalog.json)")
    verify.set_defaults(func=cmd_verify)

    linkcheck = commands.add_parser(
        "linkcheck", help="check the external web addresses in the metadata (uses the network)")
    linkcheck.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    linkcheck.add_argument("--budget", type=float, default=120.0, help="seconds in all")
    linkcheck.add_argument("--workers", type=int, default=8, help="requests at once")
    linkcheck.set_defaults(func=cmd_linkcheck)

    schema = commands.add_parser(
        "schema", help="regenerate schema/resource.schema.json for editors' YAML tools")
    schema.set_defaults(func=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # MkDocs prints a multi-line banner about its 2.0 on every run; the README
    # covers that future (see "Builders"), editors need not see it daily.
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
