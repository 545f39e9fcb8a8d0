"""Deterministic synthetic catalogs for the benchmark, and the plain-MkDocs baseline.

``generate_library(root, n, seed)`` writes a complete library project (the
repository's taxonomy, labels, docs and mkdocs.yml, plus ``n`` resources with a
PDF of 5–40 pages each) into ``root``, which must not exist. The same seed
always gives byte-identical files. Everything is marked synthetic: ids are
``synthetic-resource-0001``…, titles start "Synthetic resource 0001", the
publisher is "Synthetic Publisher (benchmark)", so it can never be mistaken for
(or mixed into) the real catalog.

``generate_baseline(root, n, seed)`` writes a plain MkDocs + Material project
with no engine and no hooks: the same resources as hand-free Markdown pages
with about the text our resource and listing pages carry.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bench.minipdf import PageBody, write_pdf

REPO = Path(__file__).resolve().parent.parent
PUBLISHER = "Synthetic Publisher (benchmark)"
MIN_PAGES, MAX_PAGES = 5, 40
LINES_PER_PAGE = 40
BODY_POOL = 1000  # distinct page texts; each page adds its own header line

# Placement weights: most resources sit in the compendium's four sections.
PLACEMENTS = (
    ("compendium/initiative-wide", "compendium", "initiative-wide", 15),
    ("compendium/leadership-governance", "compendium", "leadership-governance", 20),
    ("compendium/collaboration-networking", "compendium", "collaboration-networking", 20),
    ("compendium/outreach-engagement", "compendium", "outreach-engagement", 20),
    ("briefs/reflection-papers", "reflection-papers", None, 10),
    ("briefs/issue-briefs", "issue-briefs", None, 15),
)
COMPENDIUM_TYPES = ("toolkit", "tool", "document-set", "presentation", "report")
COLLECTION_TYPES = {"reflection-papers": "reflection-paper", "issue-briefs": "issue-brief"}
MAX_SERIES_NUMBER = 999

_WORD_TEXT = """
partnership community residents parents families children early learning care health
governance leadership decision shared vision results data accountability meeting agenda
outreach engagement network collaboration trust power voice neighborhood capacity skills
planning budget funding sustainability relationship council member chair facilitator
training coaching reflection lesson practice toolkit template worksheet guide strategy
approach framework measure indicator target progress report brief evidence story
equity inclusion language access translation interpretation culture respect listening
survey interview focus group feedback evaluation learning cycle improvement goal action
volunteer leader organizer agency school clinic library park safety housing food
transportation employment income support service system policy advocacy campaign
communication newsletter flyer event workshop session series module exercise activity
roles responsibilities bylaws charter agreement consensus vote quorum committee workgroup
onboarding orientation welcome mentor peer circle dialogue conversation question answer
county city region district initiative program project pilot phase year month week
"""
WORDS = _WORD_TEXT.split()


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _line(rng: random.Random) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(11, 14)))


def resource_id(number: int, width: int) -> str:
    return f"synthetic-resource-{number:0{width}d}"


@dataclass
class SyntheticResource:
    number: int
    id: str
    title: str
    folder: str
    collection: str
    section: str | None
    type: str
    summary: str
    date: str
    language: str
    authors: list[str]
    capacities: list[str]
    focus_areas: list[str]
    audiences: list[str]
    tags: list[str]
    pages: int
    related: list[str] = field(default_factory=list)
    translation_of: str | None = None
    series_number: str | None = None

    def yaml_text(self) -> str:
        data: dict[str, object] = {
            "id": self.id,
            "title": self.title,
            "type": self.type,
        }
        if self.series_number:
            data["series_number"] = self.series_number
        data.update({
            "summary": self.summary,
            "authors": self.authors,
            "publisher": PUBLISHER,
            "date": self.date,
            "language": self.language,
            "capacities": self.capacities,
            "focus_areas": self.focus_areas,
            "audiences": self.audiences,
            "tags": self.tags,
            "file": f"{self.id}.pdf",
        })
        if self.related:
            data["related"] = self.related
        if self.translation_of:
            data["translation_of"] = self.translation_of
        header = "# Synthetic benchmark resource (bench/generate.py); not part of the library.\n"
        return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def plan_resources(n: int, seed: int) -> list[SyntheticResource]:
    """The resources of a catalog of ``n``, decided by ``seed`` alone."""
    rng = random.Random(seed)
    width = max(4, len(str(n)))
    taxonomy = yaml.safe_load((REPO / "taxonomy.yml").read_text(encoding="utf-8"))
    terms = {name: [t["id"] for t in taxonomy[name]]
             for name in ("capacities", "focus_areas", "audiences")}
    tags = sorted({f"{a} {b}" for a, b in zip(rng.choices(WORDS, k=400),
                                              rng.choices(WORDS, k=400), strict=True) if a != b})
    authors = [f"Synthetic Author {i:03d}" for i in range(1, 81)]
    weights = [p[3] for p in PLACEMENTS]
    series_counts: dict[str, int] = {}
    planned: list[SyntheticResource] = []
    for number in range(1, n + 1):
        folder, collection, section, _ = rng.choices(PLACEMENTS, weights=weights)[0]
        rtype = COLLECTION_TYPES.get(collection) or rng.choice(COMPENDIUM_TYPES)
        series_number = None
        if collection in COLLECTION_TYPES:
            series_counts[collection] = series_counts.get(collection, 0) + 1
            if series_counts[collection] <= MAX_SERIES_NUMBER:
                series_number = str(series_counts[collection])
        rid = resource_id(number, width)
        words = " ".join(rng.choices(WORDS, k=rng.randint(3, 7)))
        year = rng.randint(2012, 2024)
        date = rng.choice([f"{year}", f"{year}-{rng.randint(1, 12):02d}",
                           f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"])
        language = "es" if rng.random() < 0.1 else "en"
        resource = SyntheticResource(
            number=number,
            id=rid,
            title=f"Synthetic resource {number:0{width}d}: {words}",
            folder=folder,
            collection=collection,
            section=section,
            type=rtype,
            summary=" ".join(_sentence(rng, 10, 18) for _ in range(rng.randint(2, 4))),
            date=date,
            language=language,
            authors=rng.sample(authors, rng.randint(1, 3)),
            capacities=rng.sample(terms["capacities"], rng.randint(1, 3)),
            focus_areas=rng.sample(terms["focus_areas"], rng.randint(1, 2)),
            audiences=rng.sample(terms["audiences"], rng.randint(1, 3)),
            tags=rng.sample(tags, rng.randint(2, 5)),
            pages=rng.randint(MIN_PAGES, MAX_PAGES),
            series_number=series_number,
        )
        if number > 1 and rng.random() < 0.2:
            others = rng.sample(range(1, number), min(number - 1, rng.randint(1, 2)))
            resource.related = [resource_id(o, width) for o in sorted(others)]
        if language == "es" and number > 1 and rng.random() < 0.5:
            resource.translation_of = resource_id(rng.randint(1, number - 1), width)
        planned.append(resource)
    return planned


def _page_bodies(seed: int) -> list[PageBody]:
    rng = random.Random(seed * 7919 + 1)
    return [PageBody.from_lines([_line(rng) for _ in range(LINES_PER_PAGE)])
            for _ in range(BODY_POOL)]


def pdf_bytes(resource: SyntheticResource, bodies: list[PageBody], seed: int) -> bytes:
    """The resource's PDF: pooled page texts under headers unique to this resource and page."""
    rng = random.Random(f"{seed}:{resource.id}")
    chosen = [bodies[rng.randrange(len(bodies))] for _ in range(resource.pages)]
    headers = [f"{resource.title} - synthetic benchmark document - page {page} of "
               f"{resource.pages} - code {rng.getrandbits(48):012x}"
               for page in range(1, resource.pages + 1)]
    return write_pdf(headers, chosen, title=resource.title, author="; ".join(resource.authors))


def _copy_project_files(root: Path) -> None:
    root.mkdir(parents=True)
    # mkdocs.es.yml (the Spanish site) inherits the mkdocs.yml written below.
    for name in ("taxonomy.yml", "labels.yml", "mkdocs.es.yml"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "docs", root / "docs")
    # mkdocs.yml names docs/overrides as the theme's custom_dir; git keeps no empty folder.
    (root / "docs" / "overrides").mkdir(exist_ok=True)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    # The project lives in a temp folder; its hooks are the repository's engine.
    config = config.replace("  - src/bsla/", f"  - {REPO / 'src/bsla'}/")
    # Measured for speed, not link checking: a warning in the repository's own docs
    # pages must not stop a benchmark run (CI's strict build catches those).
    config = config.replace("\nstrict: true\n", "\nstrict: false\n")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")


def generate_library(root: Path, n: int, seed: int = 1) -> list[SyntheticResource]:
    """Write a library project with ``n`` synthetic resources and their PDFs into ``root``."""
    if root.exists():
        raise FileExistsError(f"{root} exists; the generator only writes into a new folder")
    _copy_project_files(root)
    resources = plan_resources(n, seed)
    bodies = _page_bodies(seed)
    for resource in resources:
        folder = root / resource.folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{resource.id}.yml").write_text(resource.yaml_text(), encoding="utf-8")
        (folder / f"{resource.id}.pdf").write_bytes(pdf_bytes(resource, bodies, seed))
    return resources


def resource_yaml_path(root: Path, resource: SyntheticResource) -> Path:
    return root / resource.folder / f"{resource.id}.yml"


# --- the baseline: the same resources as plain Markdown, built by MkDocs alone ---

BASELINE_CONFIG = """\
# Baseline for bench/run.py: plain MkDocs + Material, no hooks, no engine.
site_name: Synthetic baseline (benchmark)
use_directory_urls: true
theme:
  name: material
  font: false
  features:
    - navigation.sections
    - navigation.indexes
    - navigation.top
    - navigation.footer
plugins:
  - search
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - toc:
      permalink: true
# Resource pages stay out of the navigation, as in the library; a full nav of
# thousands of pages would make the baseline much slower than it need be.
not_in_nav: |
  /resources/
"""


def _listing_key(resource: SyntheticResource) -> str:
    return resource.section or resource.collection


def _md_link_text(text: str) -> str:
    return text.replace("[", "(").replace("]", ")")


def _baseline_resource_page(r: SyntheticResource, related: list[SyntheticResource]) -> str:
    listing = _listing_key(r)
    label = r.type.replace("-", " ").capitalize()
    lines = [
        "---",
        f"title: {yaml.safe_dump(r.title, width=1000).splitlines()[0]}",
        "hide:",
        "  - toc",
        "---",
        "",
        f"[Back to {listing.replace('-', ' ')}](../../{r.collection}/"
        f"{r.section + '.md' if r.section else 'index.md'})",
        "",
        f"# {r.title}",
        "",
        f"{label} · {r.date}",
        "",
        r.summary,
        "",
        f"[Download the PDF](#) ({r.pages} pages){{ .md-button .md-button--primary }}",
        "",
        "## Details",
        "",
        f"- **Type:** {label}",
        f"- **Collection:** [{r.collection}](../../{r.collection}/index.md)",
        f"- **Date:** {r.date}",
        f"- **Authors:** {'; '.join(r.authors)}",
        f"- **Publisher:** {PUBLISHER}",
        f"- **Language:** {r.language}",
        f"- **Capacities:** {', '.join(r.capacities)}",
        f"- **Focus areas:** {', '.join(r.focus_areas)}",
        f"- **Audiences:** {', '.join(r.audiences)}",
        f"- **Tags:** {', '.join(r.tags)}",
        "- **Status:** available",
        "",
        "## Related",
        "",
    ]
    lines += [f"- [{_md_link_text(o.title)}](../{o.id}/index.md) ({o.type})" for o in related]
    return "\n".join(lines) + "\n"


def _baseline_listing_page(title: str, resources: list[SyntheticResource]) -> str:
    lines = [f"# {title}", "", f"{len(resources)} resources", ""]
    for r in resources:
        summary = r.summary if len(r.summary) <= 240 else r.summary[:239].rsplit(" ", 1)[0] + "…"
        lines += [
            f"### [{_md_link_text(r.title)}](../resources/{r.id}/index.md)",
            "",
            f"{r.type} · {r.date} · {r.pages} pages",
            "",
            summary,
            "",
            f"*{', '.join(r.capacities)}*",
            "",
        ]
    return "\n".join(lines)


def _baseline_related(resources: list[SyntheticResource], seed: int) -> Iterator[list[int]]:
    rng = random.Random(seed * 31 + 7)
    for index in range(len(resources)):
        others = [i for i in rng.sample(range(len(resources)), min(6, len(resources)))
                  if i != index]
        yield others[:5]


def generate_baseline(root: Path, n: int, seed: int = 1) -> None:
    """Write the plain MkDocs project of ``n`` resource pages into ``root``."""
    if root.exists():
        raise FileExistsError(f"{root} exists; the generator only writes into a new folder")
    resources = plan_resources(n, seed)
    docs = root / "docs"
    (docs / "resources").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(BASELINE_CONFIG, encoding="utf-8")
    (docs / "index.md").write_text("# Synthetic baseline\n\nPlain MkDocs pages for the "
                                   "benchmark.\n", encoding="utf-8")
    for r, related in zip(resources, _baseline_related(resources, seed), strict=True):
        page = docs / "resources" / r.id / "index.md"
        page.parent.mkdir()
        page.write_text(_baseline_resource_page(r, [resources[i] for i in related]),
                        encoding="utf-8")
    by_listing: dict[tuple[str, str | None], list[SyntheticResource]] = {}
    for r in resources:
        by_listing.setdefault((r.collection, r.section), []).append(r)
    collections = sorted({r.collection for r in resources} | {p[1] for p in PLACEMENTS})
    for collection in collections:
        folder = docs / collection
        folder.mkdir(exist_ok=True)
        sections = [p[2] for p in PLACEMENTS if p[1] == collection and p[2]]
        if sections:
            (folder / "index.md").write_text(
                f"# {collection}\n\n" + "".join(f"- [{s}]({s}.md)\n" for s in sections),
                encoding="utf-8")
            for s in sections:
                (folder / f"{s}.md").write_text(
                    _baseline_listing_page(s, by_listing.get((collection, s), [])),
                    encoding="utf-8")
        else:
            (folder / "index.md").write_text(
                _baseline_listing_page(collection, by_listing.get((collection, None), [])),
                encoding="utf-8")


def baseline_page_path(root: Path, resource: SyntheticResource) -> Path:
    return root / "docs" / "resources" / resource.id / "index.md"
