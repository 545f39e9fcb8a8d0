"""A Zensical configuration for the engine's plain Markdown tree.

Zensical (Material for MkDocs' successor) reads an ``mkdocs.yml`` but runs no
hooks and no third-party plugins, so it builds the tree ``build_site.py render``
writes instead of the catalog. This module turns the project's ``mkdocs.yml``
into a configuration for that tree:

- MkDocs-only keys (``hooks``, ``plugins``, ``watch``, ``strict``,
  ``validation``) are dropped; Zensical's own search stands in for the
  plugins, and the library's search page works once ``build_site.py index``
  has added its Pagefind index.
- The navigation awesome-pages would make from the tree's ``.pages`` files is
  written out as ``nav:``, so resource and keyword pages stay out of the
  navigation as they do under MkDocs.
- Links are ``.html`` ones (``use_directory_urls: false``): Zensical reads a
  relative link in a page's HTML as relative to the page's source file, which
  under directory URLs is one folder short of where the page is published.
  The tree must be rendered the same way (``engine.write_markdown_tree(...,
  use_directory_urls=False)``), and the site then also works from disk.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from bsla.errors import LibraryError, Problems

# Keys of mkdocs.yml that only MkDocs and its plugins understand.
_MKDOCS_ONLY = {"hooks", "plugins", "watch", "strict", "validation", "docs_dir", "site_dir",
                "use_directory_urls", "not_in_nav"}
_REST = "..."


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml's ``!ENV`` tags as MkDocs does; refuses any other tag."""


def _env_tag(loader: _ConfigLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        values = loader.construct_sequence(node)  # type: ignore[arg-type]
        names, default = values[:-1], values[-1] if len(values) > 1 else None
        names = names or values
    for name in names:
        if str(name) in os.environ:
            return os.environ[str(name)]
    return default


_ConfigLoader.add_constructor("!ENV", _env_tag)


def _read_pages(folder: Path) -> dict[str, Any]:
    dot_pages = folder / ".pages"
    if not dot_pages.is_file():
        return {}
    return yaml.safe_load(dot_pages.read_text(encoding="utf-8")) or {}


def _excluded(relative: str, excluded: set[str]) -> bool:
    return relative in excluded or any(relative.startswith(f"{name.rstrip('/')}/")
                                       for name in excluded)


def _folder_nav(docs: Path, folder: Path, excluded: set[str]) -> list[Any]:
    """The navigation awesome-pages would make for ``folder``, as an mkdocs ``nav:`` list."""
    spec = _read_pages(folder)
    entries = sorted(p.name for p in folder.iterdir()
                     if not p.name.startswith(".")
                     and (p.is_dir() or p.suffix == ".md")
                     and not _excluded(p.relative_to(docs).as_posix(), excluded))
    order = spec.get("nav") or [_REST]
    named = {str(item) for item in order if item != _REST}
    nav: list[Any] = []
    for item in order:
        names = [e for e in entries if e not in named] if item == _REST else [str(item)]
        for name in names:
            path = folder / name
            relative = path.relative_to(docs).as_posix()
            if path.is_dir():
                sub = _read_pages(path)
                if sub.get("hide"):
                    continue
                children = _folder_nav(docs, path, excluded)
                if children:
                    nav.append({str(sub.get("title") or name.replace("-", " ").title()): children})
            elif path.is_file():
                nav.append(relative)
    return nav


def zensical_config(root: Path, docs_dir: Path, config_path: Path) -> str:
    """The text of a Zensical configuration at ``config_path`` that builds ``docs_dir``.

    ``docs_dir`` is a tree written by ``engine.write_markdown_tree(..., use_directory_urls=False)``;
    the site is built into ``site/`` beside the configuration.
    """
    source = root / "mkdocs.yml"
    problems = Problems(root)
    try:
        config = yaml.load(source.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    except (OSError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.add(source, mark.line + 1 if mark is not None else None,
                     f"cannot read the MkDocs configuration: {exc}",
                     "fix mkdocs.yml so that `mkdocs build` reads it")
        raise LibraryError(problems.sorted()) from None
    if not isinstance(config, dict):
        problems.add(source, None, "the MkDocs configuration is not a mapping",
                     "restore mkdocs.yml from the repository")
        raise LibraryError(problems.sorted())
    base = config_path.parent.resolve()
    result = {key: value for key, value in config.items() if key not in _MKDOCS_ONLY}
    result["docs_dir"] = os.path.relpath(docs_dir.resolve(), base)
    result["site_dir"] = "site"
    result["use_directory_urls"] = False
    # The theme overrides only add head tags the hooks pass in (citation tags,
    # JSON-LD), which the tree does not carry; Zensical would also publish the
    # overrides folder's other files.
    result["theme"] = {key: value for key, value in (result.get("theme") or {}).items()
                       if key != "custom_dir"}
    excluded = {line.strip().rstrip("/") for line in str(config.get("exclude_docs") or "")
                .splitlines() if line.strip()}
    result["nav"] = _folder_nav(docs_dir, docs_dir, excluded)
    header = ("# Written by `python build_site.py render --zensical`; do not edit.\n"
              "# Build with: zensical build -f <this file>\n")
    return header + yaml.safe_dump(result, sort_keys=False, allow_unicode=True)


def write_zensical_config(root: Path, docs_dir: Path, config_path: Path) -> Path:
    """Write :func:`zensical_config` to ``config_path`` (replaced whole); returns the path."""
    text = zensical_config(root, docs_dir, config_path)
    config_path.parent.mkdir(parents=True, exist_ok=True)
    partial = config_path.with_name(f".{config_path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(config_path)
    return config_path
