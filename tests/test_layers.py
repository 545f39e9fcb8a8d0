"""The engine's layers: imports only run downwards, and nothing runs in a circle.

The layer order is written once, here, and the README's architecture table is
checked against it. A module may import modules of its own layer or of lower
ones. Besides that:

- an output module of ``bsla.pages`` never imports another output module, nor
  the search layer; the search layer never imports a pages output module;
- only the MkDocs door (``bsla.mkdocs_door``) imports ``mkdocs``;
- a ``bsla`` module is imported inside a function only by the command line,
  for its start-up time, with the reason in a comment just above.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "src" / "bsla"

# Lowest first. A name ending in ".*" covers that subpackage and every module in it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("leaves", ("errors", "urls", "generated", "fs", "memo", "paging", "indexed_text", "clock",
                "site_address", "build_lock", "exchange", "progress",
                "provenance")),
    ("reading", ("load", "labels")),
    ("stages", ("taxonomy", "schema", "pdf", "pdf_worker", "catalog", "cite", "fixity",
                "accessibility", "facets", "links", "scaffold", "git_dates")),
    ("page toolkit", ("pages", "pages.text", "pages.templates")),
    ("outputs", ("pages.*", "search.*")),
    ("engine", ("engine",)),
    ("doors", ("cli", "zensical_config", "mkdocs_door.*", "package.*")),
    ("mkdocs hooks", ("hooks",)),
]
# The shared toolkit of the pages layer; every other pages module is an output module.
PAGE_TOOLKIT = {"pages", "pages.text", "pages.templates"}
LAZY_IMPORTS_ALLOWED = {"cli"}


@dataclass(frozen=True)
class Import:
    source: str  # module name without "bsla."
    target: str
    line: int
    in_function: bool
    comment_above: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def engine_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, node: ast.ImportFrom, known: set[str]) -> list[str]:
    # The engine imports absolutely (MkDocs loads hooks.py by path, outside the package).
    assert not node.level, f"bsla.{module}:{node.lineno}: write the import as 'from bsla...'"
    full = node.module or ""
    if full != "bsla" and not full.startswith("bsla."):
        return []
    name = full[len("bsla."):] if full != "bsla" else ""
    targets = []
    for alias in node.names:
        child = f"{name}.{alias.name}" if name else alias.name
        targets.append(child if child in known else name)
    return [t for t in targets if t]


def read_imports(module: str, source: str, known: set[str]) -> tuple[list[Import], list[str]]:
    """The bsla imports of one module, and the third-party top-level packages it imports."""
    tree = ast.parse(source)
    lines = source.splitlines()
    found: list[Import] = []
    external: list[str] = []

    def comment_above(node: ast.stmt) -> bool:
        previous = lines[node.lineno - 2].strip() if node.lineno >= 2 else ""
        return previous.startswith("#")

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name == "bsla" or alias.name.startswith("bsla."):
                        target = alias.name[len("bsla."):]
                        found.append(Import(module, target, child.lineno, in_function,
                                            comment_above(child)))
                    else:
                        external.append(alias.name.split(".")[0])
            elif isinstance(child, ast.ImportFrom):
                targets = _resolve(module, child, known)
                found.extend(Import(module, t, child.lineno, in_function, comment_above(child))
                             for t in targets)
                if not targets and not child.level and child.module:
                    external.append(child.module.split(".")[0])
            visit(child, inside)

    visit(tree, False)
    return found, external


def layer_of(module: str) -> int:
    """The index of the module's layer in LAYERS; a listed name beats a ".*" pattern."""
    for index, (_, members) in enumerate(LAYERS):
        if module in members:
            return index
    for index, (_, members) in enumerate(LAYERS):
        for member in members:
            if member.endswith(".*") and (module == member[:-2]
                                          or module.startswith(member[:-1])):
                return index
    raise KeyError(module)


def is_page_output(module: str) -> bool:
    return module.startswith("pages.") and module not in PAGE_TOOLKIT


def cycles(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (or a module importing itself)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return groups


def violations(imports: Iterable[Import]) -> list[str]:
    """Every rule an import breaks, as 'module:line: what is wrong'."""
    found = []
    imports = list(imports)
    for imp in imports:
        where = f"bsla.{imp.source}:{imp.line}"
        if imp.source == imp.target:
            continue
        if layer_of(imp.target) > layer_of(imp.source):
            found.append(f"{where}: imports bsla.{imp.target}, a higher layer "
                         f"({LAYERS[layer_of(imp.target)][0]} above "
                         f"{LAYERS[layer_of(imp.source)][0]})")
        if is_page_output(imp.source) and (is_page_output(imp.target)
                                           or imp.target.startswith("search")):
            found.append(f"{where}: an output module imports another output module, "
                         f"bsla.{imp.target}")
        if imp.source.startswith("search") and is_page_output(imp.target):
            found.append(f"{where}: the search layer imports a pages output module, "
                         f"bsla.{imp.target}")
        if imp.in_function and (imp.source not in LAZY_IMPORTS_ALLOWED
                                or not imp.comment_above):
            found.append(f"{where}: imports bsla.{imp.target} inside a function "
                         "(only the command line may, for start-up time, with a comment why)")
    for group in cycles((i.source, i.target) for i in imports if i.source != i.target):
        found.append("import cycle: " + " -> ".join(f"bsla.{m}" for m in group))
    return found


def all_imports() -> tuple[list[Import], dict[str, list[str]]]:
    modules = engine_modules()
    known = set(modules)
    imports: list[Import] = []
    external: dict[str, list[str]] = {}
    for name, path in modules.items():
        found, outside = read_imports(name, path.read_text(encoding="utf-8"), known)
        imports += found
        external[name] = outside
    return imports, external


def test_every_engine_module_has_a_layer():
    unplaced = []
    for name in engine_modules():
        try:
            layer_of(name)
        except KeyError:
            unplaced.append(name)
    assert unplaced == [], "add these modules to LAYERS in tests/test_layers.py and the README"


def test_imports_follow_the_layers():
    imports, _ = all_imports()
    assert len(imports) > 50  # the reader found the engine's imports at all
    assert violations(imports) == []


def test_only_the_mkdocs_door_imports_mkdocs():
    _, external = all_imports()
    outside = sorted(name for name, packages in external.items()
                     if "mkdocs" in packages and not name.startswith("mkdocs_door"))
    assert outside == []
    assert any("mkdocs" in external[name] for name in external if name.startswith("mkdocs_door"))


def test_the_door_uses_no_private_mkdocs_attributes():
    door = PACKAGE / "mkdocs_door"
    text = "\n".join(p.read_text(encoding="utf-8") for p in door.glob("*.py"))
    assert "._files" not in text and "Files._files" not in text


@pytest.mark.parametrize(("planted", "expected"), [
    # An upward import: a stage reaching into the pages layer.
    ({"catalog": "from bsla.pages.templates import Templates\n"}, "a higher layer"),
    # Two output modules of the pages layer.
    ({"pages.feed": "from bsla.pages.exports import catalog_exports\n"},
     "another output module"),
    # A cycle inside one layer.
    ({"load": "from bsla.labels import Labels\n"}, "import cycle"),
    # A bsla import hidden inside a function to dodge a cycle.
    ({"engine": "def f():\n    from bsla.cli import main\n"}, "inside a function"),
])
def test_the_checker_catches_a_planted_import(planted, expected):
    modules = engine_modules()
    known = set(modules)
    imports: list[Import] = []
    for name, path in modules.items():
        source = path.read_text(encoding="utf-8") + "\n" + planted.get(name, "")
        imports += read_imports(name, source, known)[0]
    assert any(expected in problem for problem in violations(imports)), violations(imports)


def test_the_readme_shows_the_same_layers():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d) \| ([a-z ]+) \| (.+?) \|$", readme, flags=re.M)
    shown = [(layer, tuple(m.strip("` ") for m in modules.split(","))) for _, layer, modules
             in sorted(rows)]
    assert shown == [(name, tuple(f"{m}" for m in members)) for name, members in LAYERS]
