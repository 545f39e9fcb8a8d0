"""``build_site`` command line: a thin layer over the engine's functions."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bsla.accessibility import report_table
from bsla.catalog import TAXONOMY_FILE, load_catalog
from bsla.engine import export_texts, prepare, write_markdown_tree
from bsla.errors import FORMATTERS, LibraryError, Problem, Problems
from bsla.fixity import is_url, report_lines, verify
from bsla.links import check_external
from bsla.pages.handwritten import untranslated_page_warnings
from bsla.pages.oai import registration_warning
from bsla.progress import set_quiet
from bsla.scaffold import SCHEMA_PATH, new_resource
from bsla.schema import json_schema
from bsla.search.bundle import write_search_index
from bsla.site_address import MISSING_SITE_URL
from bsla.taxonomy import load_taxonomy
from bsla.urls import CATALOG_JSON, SEARCH_DIR, CachePaths
from bsla.zensical_config import write_zensical_config

SITE_DIR = "site"


def _root(args: argparse.Namespace) -> Path:
    return Path(args.root).resolve()


def _print_problems(problems: list[Problem], fmt: str) -> None:
    print(FORMATTERS[fmt](problems), file=sys.stdout if fmt != "text" else sys.stderr)
    if fmt == "text" and os.environ.get("GITHUB_ACTIONS") == "true":
        # On a pull request the same problems also become annotations on the files.
        print(FORMATTERS["github"](problems))


def _report(error: LibraryError, fmt: str) -> int:
    _print_problems(error.problems, fmt)
    return 1


def cmd_check(args: argparse.Namespace) -> int:
    # Warnings do not fail the check; they are printed together, with any errors.
    warnings = untranslated_page_warnings(_root(args))
    try:
        catalog = load_catalog(_root(args), cache_dir=CachePaths(_root(args)).pdf)
    except LibraryError as exc:
        raise LibraryError([*exc.problems, *warnings]) from None
    if (oai_warning := registration_warning(catalog.taxonomy)) is not None:
        warnings.append(oai_warning)
    if args.format == "json":
        print(FORMATTERS["json"](warnings))
    else:
        if warnings:
            _print_problems(warnings, args.format)
        print(catalog.summary_line())
    if args.accessibility:
        print(report_table(catalog))
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    # The MkDocs door is imported only by the commands that run MkDocs: loading
    # MkDocs and its theme would slow every `check` an editor runs.
    from bsla.mkdocs_door.commands import SiteBuildFailed, build_site, show_progress

    root = _root(args)
    show_progress(args.verbose, quiet=args.quiet)
    site_dir = Path(args.site_dir) if args.site_dir else root / SITE_DIR
    try:
        site_url = build_site(root, site_dir, strict=not args.no_strict, offline=args.offline,
                              zip_path=Path(args.zip).resolve() if args.zip else None)
    except SiteBuildFailed as exc:
        print(exc, file=sys.stderr)
        print("The previous site was left unchanged.", file=sys.stderr)
        return 1
    finally:
        set_quiet(None)  # what this command said ends with it (bsla.progress)
    if site_url is None:
        print(MISSING_SITE_URL, file=sys.stderr)
    print(f"Built the site into {site_dir}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    # Imported here for the same reason as in cmd_build.
    from bsla.mkdocs_door.commands import SiteBuildFailed, serve, show_progress

    show_progress(True, quiet=args.quiet)
    try:
        serve(_root(args), args.dev_addr)
    except SiteBuildFailed as exc:
        # The first build failed: nothing to serve yet (later failures keep the last good site).
        print(exc, file=sys.stderr)
        print("Nothing is served until the problem above is fixed.", file=sys.stderr)
        return 1
    finally:
        set_quiet(None)
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    count = write_markdown_tree(_root(args), Path(args.out), use_directory_urls=not args.zensical)
    print(f"Wrote {count} generated pages and the hand-written docs into {args.out}")
    if args.zensical:
        print(f"Wrote {write_zensical_config(_root(args), Path(args.out), Path(args.zensical))}")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    state = prepare(_root(args), use_directory_urls=not args.offline)
    count = write_search_index(state.catalog, state.templates, Path(args.site_dir))
    print(f"Indexed {count} resources for search into {Path(args.site_dir) / SEARCH_DIR}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    root = _root(args)
    yaml_path = new_resource(root, Path(args.pdf).resolve(), args.collection, slug=args.slug)
    shown = yaml_path.relative_to(root)
    print(f"Wrote {shown} and copied the PDF beside it.")
    print(f"Next: fill in the empty fields in {shown}, then run: python build_site.py check")
    return 0


def write_schema(root: Path) -> Path:
    """Write the JSON Schema editors' tools use, generated from the engine's schema."""
    problems = Problems(root)
    taxonomy = load_taxonomy(root / TAXONOMY_FILE, root, problems)
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
    root = _root(args)
    state = prepare(root, site_url=args.site_url or os.environ.get("SITE_URL") or None)
    texts = export_texts(state.catalog, state.templates)
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


def cmd_package(args: argparse.Namespace) -> int:
    # Imported here like cmd_build: MkDocs builds the bag's offline copy of the site.
    from bsla.mkdocs_door.commands import SiteBuildFailed, build_site, show_progress

    # bagit is needed by this command only.
    from bsla.package.bag import check_target, write_bag

    # warcio and wacz (which loads frictionless) are needed by this command only.
    from bsla.package.web_archive import write_wacz

    root = _root(args)
    if not args.bag and not args.wacz:
        print("package: give --bag DIR, --wacz FILE or both", file=sys.stderr)
        return 2
    site_url = args.site_url or os.environ.get("SITE_URL") or None
    show_progress(False)
    if args.bag:
        # Refused before any work, not after the archive was written.
        check_target(Path(args.bag).resolve())
    if args.wacz:
        site_dir = Path(args.site_dir) if args.site_dir else root / SITE_DIR
        report = write_wacz(root, site_dir, Path(args.wacz), site_url=site_url)
        print(f"Wrote {report.path}: {report.records} files of the site, {report.pages} pages "
              f"listed, {report.bytes:,} bytes; the WACZ validation passed.")
    if args.bag:

        def build_offline(into: Path) -> None:
            # mkdocs.yml reads the address from SITE_URL; set for this build only.
            previous = os.environ.get("SITE_URL")
            os.environ["SITE_URL"] = site_url or ""
            try:
                build_site(root, into, offline=True)
            finally:
                if previous is None:
                    os.environ.pop("SITE_URL", None)
                else:
                    os.environ["SITE_URL"] = previous

        try:
            bag = write_bag(root, Path(args.bag), build_offline, site_url=site_url)
        except SiteBuildFailed as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"Wrote the bag {bag.path}: {bag.files} files, {bag.bytes:,} bytes of payload; "
              "the bagit validation passed.")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    root = _root(args)
    against = args.against or root / SITE_DIR / CATALOG_JSON
    report = verify(root, against if isinstance(against, Path) or is_url(against)
                    else Path(against))
    ok, lines = report_lines(report)
    for line in lines:
        print(line, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def cmd_linkcheck(args: argparse.Namespace) -> int:
    root = _root(args)
    catalog = load_catalog(root, cache_dir=CachePaths(root).pdf)
    results = check_external(catalog, timeout=args.timeout, total=args.budget,
                             workers=args.workers)
    bad = [r for r in results if not r.ok]
    for result in bad:
        for source in result.sources:
            print(f"{source}: {result.url}: {result.detail} (check the address, or replace "
                  "it with a working or archived copy)", file=sys.stderr)
    print(f"{len(results) - len(bad)} of {len(results)} external links answered.")
    return 1 if bad else 0


ROOT_HELP = "project folder (default: current folder)"
FORMAT_HELP = "how to print problems: text (default), github annotations, json"


def _shared_options(*, with_format: bool = True) -> argparse.ArgumentParser:
    """--root and --format, accepted after the command as well as before it.

    SUPPRESS leaves an option given before the command in place when it is not
    repeated after it.
    """
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--root", default=argparse.SUPPRESS, help=ROOT_HELP)
    if with_format:
        shared.add_argument("--format", choices=sorted(FORMATTERS), default=argparse.SUPPRESS,
                            help=FORMAT_HELP)
    return shared


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build_site.py",
        description="Check, build and serve the Best Start LA resource library.",
    )
    parser.add_argument("--root", default=".", help=ROOT_HELP)
    parser.add_argument("--format", choices=sorted(FORMATTERS), default="text",
                        help=FORMAT_HELP)
    shared = [_shared_options()]
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check", parents=shared,
        help="validate every resource and its PDF")
    check.add_argument("--accessibility", action="store_true",
                       help="also print how accessible each deposited PDF is")
    check.set_defaults(func=cmd_check)

    build = commands.add_parser(
        "build", parents=shared,
        help="build the site (atomically) into site/")
    build.add_argument("--site-dir", help="where to build (default: site/)")
    build.add_argument("--no-strict", action="store_true", help="do not fail on warnings")
    build.add_argument("--offline", action="store_true",
                       help="links that work when opened from the file system")
    build.add_argument("--zip", help="also write the built site as this .zip file")
    build.add_argument("-v", "--verbose", action="store_true", help="show MkDocs progress")
    build.add_argument("-q", "--quiet", action="store_true",
                       help="show errors only: no progress while PDFs are read")
    build.set_defaults(func=cmd_build)

    serve = commands.add_parser(
        "serve", parents=shared,
        help="serve with live reload while you edit")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", help="address:port to serve on")
    serve.add_argument("-q", "--quiet", action="store_true",
                       help="show errors only: no progress while PDFs are read")
    serve.set_defaults(func=cmd_serve)

    render = commands.add_parser(
        "render", parents=shared,
        help="write all pages as plain Markdown into a folder, for other renderers")
    render.add_argument("--out", required=True, help="output folder")
    render.add_argument("--zensical", metavar="CONFIG",
                        help="also write this Zensical configuration for the tree (links as .html)")
    render.set_defaults(func=cmd_render)

    index = commands.add_parser(
        "index", parents=shared,
        help="write the search index into a site built by another renderer")
    index.add_argument("--site-dir", required=True, help="the built site folder")
    index.add_argument("--offline", action="store_true",
                       help="the site was built with .html links (use_directory_urls: false)")
    index.set_defaults(func=cmd_index)

    new = commands.add_parser(
        "new", parents=shared,
        help="add a PDF to a collection with a pre-filled resource file")
    new.add_argument("pdf", help="the PDF to add")
    new.add_argument("--collection", required=True,
                     help="collection or section id (see taxonomy.yml), e.g. issue-briefs")
    new.add_argument("--slug", help="id and file name to use (default: from the PDF's name)")
    new.set_defaults(func=cmd_new)

    # After `export`, --format picks the export; problems' format goes before the command.
    export = commands.add_parser(
        "export", parents=[_shared_options(with_format=False)],
        help="write catalog.json / catalog.csv without building the site")
    export.add_argument("--format", dest="export_format", choices=["json", "csv", "all"],
                        default="all", help="which export (default: all files)")
    export.add_argument("--out", default="export", help="folder, or - for standard output")
    export.add_argument("--site-url", help="public address of the site, for absolute links")
    export.set_defaults(func=cmd_export)

    verify = commands.add_parser(
        "verify", parents=shared,
        help="re-hash deposited PDFs against the published catalog.json")
    verify.add_argument("--against", help="catalog.json to compare with, or the address of "
                        "the deployed site (default: site/catalog.json)")
    verify.set_defaults(func=cmd_verify)

    package = commands.add_parser(
        "package", parents=shared,
        help="write deposit packages: a BagIt bag and/or a WACZ web archive of the site")
    package.add_argument("--bag", metavar="DIR",
                         help="write a BagIt bag of the whole library into this new folder")
    package.add_argument("--wacz", metavar="FILE",
                         help="write a WACZ web archive of the built site to this file")
    package.add_argument("--site-dir", help="the built site for --wacz (default: site/)")
    package.add_argument("--site-url", help="the site's public address (default: $SITE_URL)")
    package.set_defaults(func=cmd_package)

    linkcheck = commands.add_parser(
        "linkcheck", parents=shared,
        help="check the external web addresses in the metadata (uses the network)")
    linkcheck.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    linkcheck.add_argument("--budget", type=float, default=120.0, help="seconds in all")
    linkcheck.add_argument("--workers", type=int, default=8, help="requests at once")
    linkcheck.set_defaults(func=cmd_linkcheck)

    schema = commands.add_parser(
        "schema", parents=shared,
        help="regenerate schema/resource.schema.json for editors' YAML tools")
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
