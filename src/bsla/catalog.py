"""Stage 3: the validated collection of resources, its indices and related items.

``load_catalog`` is the one function both doors (CLI and MkDocs hooks) call: it
finds resource files, loads and validates each, checks the collection as a
whole, reads PDF facts, and either returns a Catalog or raises LibraryError
listing every problem of the run.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bsla.errors import LibraryError, Problems, shown
from bsla.load import load_yaml_file, safe_file_problem
from bsla.pdf import PdfFailure, read_pdf_facts, thumbnail_path
from bsla.schema import Resource, validate_resource
from bsla.taxonomy import Taxonomy, load_taxonomy

TAXONOMY_FILE = "taxonomy.yml"
RESOURCE_SUFFIXES = (".yml", ".yaml")
RELATED_LIMIT = 5
# Shared tags say more about two resources than a shared capacity (there are
# only six capacities), so they weigh more when ranking related items.
RELATED_WEIGHTS = {"tags": 3, "capacities": 2, "focus_areas": 1, "audiences": 1}


@dataclass
class Catalog:
    root: Path
    taxonomy: Taxonomy
    resources: list[Resource]
    by_id: dict[str, Resource] = field(default_factory=dict)
    by_former_id: dict[str, Resource] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {r.id: r for r in self.resources}
        self.by_former_id = {old: r for r in self.resources for old in r.former_ids}
        self._placed: dict[str, list[Resource]] = defaultdict(list)
        for resource in self.resources:
            self._placed[resource.placement_id].append(resource)
            if resource.section:
                self._placed[resource.collection.id].append(resource)
        # (id, limit) -> the ids of its related resources, best first.
        self._related_ids: dict[tuple[str, int], tuple[str, ...]] = {}
        self._inputs: dict[str, tuple[Resource, tuple[Any, ...]]] | None = None
        self._withdrawn = {r.id for r in self.resources if r.status == "withdrawn"}
        self._translations: dict[str, list[Resource]] = defaultdict(list)
        for resource in self.resources:
            if resource.translation_of:
                self._translations[resource.translation_of].append(resource)

    def editions(self, resource: Resource) -> list[Resource]:
        """The resource in its other languages: the original it translates, if any, and the
        resources that translate it (separate files, related by ``translation_of``)."""
        original = self.by_id.get(resource.translation_of or "")
        return [*([original] if original else []), *self._translations.get(resource.id, [])]

    def in_placement(self, placement_id: str) -> list[Resource]:
        """Resources of a collection (all its sections) or of one section, in display order."""
        return self._placed.get(placement_id, [])

    def counts_by_collection(self) -> dict[str, int]:
        return {c.id: len(self.in_placement(c.id)) for c in self.taxonomy.collections}

    def summary_line(self) -> str:
        parts = ", ".join(
            f"{self.taxonomy.collection(cid).label_in('en')} {n}"
            for cid, n in self.counts_by_collection().items()
        )
        pdfs = sum(1 for r in self.resources if r.pdf is not None)
        return f"OK: {len(self.resources)} resources ({parts}); {pdfs} with a PDF read."

    def related(self, resource: Resource, limit: int = RELATED_LIMIT) -> list[Resource]:
        """Explicit `related` ids first, then the best matches by shared terms.

        A match scores the weights of the terms it shares (RELATED_WEIGHTS); ties
        break on id so the list never changes between builds. Withdrawn
        resources are only listed when an editor named them.
        """
        cached = self._related_ids.get((resource.id, limit))
        if cached is None:
            chosen = [i for i in resource.related if i in self.by_id][:limit]
            taken = {resource.id, *chosen}
            chosen += self._best_matches(resource, taken | self._withdrawn, limit - len(chosen))
            cached = self._related_ids[(resource.id, limit)] = tuple(chosen)
        return [self.by_id[i] for i in cached]

    def inherit_related(self, previous: Catalog) -> int:
        """Take over ``previous``'s related items wherever no change can alter them.

        A dev server loads the catalog again after every edit, and working out
        every resource's related items again took seconds at 10,000 resources.
        A resource's list depends only on its own terms and ``related`` ids and
        on the resources that share a term with it (a match scores only shared
        terms; ties break on id). So after an edit only the changed resources,
        the ones sharing a term with a changed resource's old or new terms, and
        the ones naming a changed resource are worked out again. Returns how
        many lists were taken over.
        """
        theirs = previous._related_input_map()
        # A resource taken unchanged from the previous load is the same object
        # (bsla.catalog._unchanged_resource): its inputs are the ones known.
        self._inputs = {r.id: (r, known[1] if known is not None and known[0] is r
                               else _related_inputs(r))
                        for r in self.resources for known in [theirs.get(r.id)]}
        mine = self._inputs
        changed = {rid for rid, (_, inputs) in mine.items()
                   if rid not in theirs or theirs[rid][1] != inputs}
        changed |= theirs.keys() - mine.keys()
        affected = set(changed)
        if changed:
            ids, term_bits = self._term_bits()
            reach = 0
            for rid in changed:
                for known in (mine.get(rid), theirs.get(rid)):
                    for term in known[1][2] if known else ():
                        reach |= term_bits.get(term, 0)
            while reach:
                lowest = reach & -reach
                affected.add(ids[lowest.bit_length() - 1])
                reach ^= lowest
            affected.update(r.id for r in self.resources if not changed.isdisjoint(r.related))
        taken = 0
        for key, chosen in previous._related_ids.items():
            if key[0] in mine and key[0] not in affected:
                self._related_ids[key] = chosen
                taken += 1
        return taken

    def _related_input_map(self) -> dict[str, tuple[Resource, tuple[Any, ...]]]:
        """Each resource by id, with what decides its related items (``_related_inputs``)."""
        if self._inputs is None:
            self._inputs = {r.id: (r, _related_inputs(r)) for r in self.resources}
        return self._inputs

    def _best_matches(self, resource: Resource, taken: set[str], count: int) -> list[str]:
        """Ids of the ``count`` best-scoring other resources, best first, ties by id.

        Counting shared terms resource by resource is O(N) per page and O(N²) per
        build (a capacity is shared by a third of the catalog): 1 s at 1,000
        resources, ~100 s at 10,000. Instead each term holds a bit set of the
        resources that have it (bit i = i-th id in sorted order) and the scores of
        all resources are added at once in bit-sliced binary: plane j holds bit j
        of every score. Big-integer operations run in C over N/64 words, so a
        page costs a few hundred of those instead of thousands of Python steps.
        """
        if count <= 0:
            return []
        ids, term_bits = self._term_bits()
        planes: list[int] = []
        best_possible = 0
        for facet, weight in RELATED_WEIGHTS.items():
            for term in getattr(resource, facet):
                best_possible += weight
                bits = term_bits.get((facet, term), 0)
                for shift in range(weight.bit_length()):
                    if weight >> shift & 1:
                        _add_into_planes(planes, bits, shift)
        everyone = (1 << len(ids)) - 1
        excluded = 0
        for other_id in taken:
            position = self._id_position.get(other_id)
            if position is not None:
                excluded |= 1 << position
        found: list[str] = []
        for score in range(best_possible, 0, -1):
            if score >> len(planes):
                continue
            with_score = everyone & ~excluded
            for index, plane in enumerate(planes):
                with_score &= plane if score >> index & 1 else ~plane
            while with_score and len(found) < count:
                lowest = with_score & -with_score
                found.append(ids[lowest.bit_length() - 1])
                with_score ^= lowest
            if len(found) == count:
                break
        return found

    def _term_bits(self) -> tuple[list[str], dict[tuple[str, str], int]]:
        if not hasattr(self, "_bits"):
            ids = sorted(r.id for r in self.resources)
            self._id_position = {rid: position for position, rid in enumerate(ids)}
            positions: dict[tuple[str, str], list[int]] = defaultdict(list)
            for r in self.resources:
                for facet in RELATED_WEIGHTS:
                    for term in getattr(r, facet):
                        positions[(facet, term)].append(self._id_position[r.id])
            bits = {key: sum(1 << p for p in found) for key, found in positions.items()}
            self._bits = (ids, bits)
        return self._bits


def _related_inputs(resource: Resource) -> tuple[Any, ...]:
    """Everything of a resource that decides its related items and where it appears in others'."""
    return (tuple(resource.related), resource.status == "withdrawn",
            frozenset((facet, term) for facet in RELATED_WEIGHTS
                      for term in getattr(resource, facet)))


def _add_into_planes(planes: list[int], bits: int, shift: int) -> None:
    """Add 1 << shift to the bit-sliced score of every resource set in ``bits``."""
    carry, index = bits, shift
    while carry:
        while index >= len(planes):
            planes.append(0)
        planes[index], carry = planes[index] ^ carry, planes[index] & carry
        index += 1


def _display_order(taxonomy: Taxonomy):
    placement_rank = {
        (section or collection).id: rank
        for rank, (_, collection, section) in enumerate(taxonomy.placements())
    }

    def key(resource: Resource) -> tuple[int, int, str, str]:
        number = int(resource.series_number) if resource.series_number else 10_000
        return (placement_rank[resource.placement_id], number, resource.title.casefold(),
                resource.id)

    return key


def discover_resource_files(root: Path, taxonomy: Taxonomy, problems: Problems) -> list[Path]:
    """Every resource YAML under the content folders, refusing links and strays."""
    found: list[Path] = []
    known = {folder for folder, _, _ in taxonomy.placements()}
    described_pdfs: list[Path] = []
    for top in taxonomy.content_roots():
        base = root / top
        if base.is_symlink():
            problems.add(base, 1, "the content folder is a symbolic link",
                         "replace it with a real folder", code="unsafe-path")
            continue
        if not base.is_dir():
            continue
        for current, dirs, files in os.walk(base, followlinks=False):
            here = Path(current)
            for name in list(dirs):
                if (here / name).is_symlink():
                    problems.add(here / name, 1, "the folder is a symbolic link",
                                 "replace the link with a real folder", code="unsafe-path")
                    dirs.remove(name)
            dirs.sort()
            relative_dir = here.relative_to(root).as_posix()
            for name in sorted(files):
                path = here / name
                suffix = path.suffix.lower()
                if suffix in RESOURCE_SUFFIXES:
                    if relative_dir not in known:
                        problems.add(path, 1,
                                     f"the file is in {shown(relative_dir)}, which is not a "
                                     "collection or section folder",
                                     "move it into one of: " + ", ".join(sorted(known)),
                                     code="misplaced")
                        continue
                    found.append(path)
                elif suffix == ".pdf":
                    described_pdfs.append(path)
    return found + described_pdfs


def _check_collection(resources: list[Resource], problems: Problems) -> list[Resource]:
    """Rules about the catalog as a whole: unique ids and links that resolve."""
    first_owner: dict[str, Resource] = {}
    former_owner: dict[str, Resource] = {}
    bad: set[str] = set()
    for r in resources:
        if r.id in first_owner:
            other = first_owner[r.id]
            problems.add(r.source, r.doc.line_of("id"),
                         f"the id '{r.id}' is already used by "
                         f"{problems.display_path(other.source)}",
                         "give one of them a different id; ids must be unique across the library",
                         code="duplicate-id")
            bad.add(r.id)
        else:
            first_owner[r.id] = r
    for r in resources:
        for index, old in enumerate(r.former_ids):
            if old in first_owner:
                problems.add(r.source, r.doc.line_of("former_ids", index),
                             f"former id '{old}' is the current id of "
                             f"{problems.display_path(first_owner[old].source)}",
                             "an id can't be both current and former; remove it here",
                             code="duplicate-id")
            elif old in former_owner and former_owner[old] is not r:
                problems.add(r.source, r.doc.line_of("former_ids", index),
                             f"former id '{old}' is also claimed by "
                             f"{problems.display_path(former_owner[old].source)}",
                             "an old address can lead to one resource only; keep it in one file",
                             code="duplicate-id")
            else:
                former_owner[old] = r
    for r in resources:
        for index, other in enumerate(r.related):
            if other == r.id:
                problems.add(r.source, r.doc.line_of("related", index),
                             "a resource can't be related to itself", "remove this item")
            elif other not in first_owner:
                problems.add(r.source, r.doc.line_of("related", index),
                             f"'related' names '{other}', but no resource has that id",
                             "check the spelling against the other resource's 'id'")
        if r.translation_of and r.translation_of not in first_owner:
            problems.add(r.source, r.doc.line_of("translation_of"),
                         f"'translation_of' names '{r.translation_of}', but no resource has "
                         "that id", "check the spelling against the original's 'id'")
    return [r for r in resources if r.id not in bad]


def _check_pdfs(
    resources: list[Resource], stray_pdfs: list[Path], cache_dir: Path | None,
    problems: Problems, thumbs_dir: Path | None = None,
) -> list[Resource]:
    """The resources with their PDF facts and cover (new objects where these changed)."""
    wanted = {_lexical(r.file): r for r in resources if r.file is not None}
    for pdf in stray_pdfs:
        if _lexical(pdf) not in wanted:
            problems.add(pdf, 1, "this PDF is not described by any resource file",
                         "add a YAML file with 'file: " + pdf.name + "' (python build_site.py new "
                         "can write one) or remove the PDF", code="orphan-pdf")
    with_files = [r for r in resources if r.file is not None]
    facts = read_pdf_facts([r.file for r in with_files], cache_dir,  # type: ignore[misc]
                           thumbs_dir=thumbs_dir)
    enriched = []
    for r in resources:
        result = facts[r.file] if r.file is not None else None
        if isinstance(result, PdfFailure):
            problems.add(r.source, r.doc.line_of("file"), f"'file: {r.file.name}': "  # type: ignore[union-attr]
                         f"{result.message}", result.hint, code=f"pdf-{result.code}")
        elif result is not None:
            cover = thumbnail_path(thumbs_dir, result.sha256)
            r = _with_pdf(r, result, cover if cover is not None and cover.is_file() else None)
        enriched.append(r)
    return enriched


# Under `serve` the catalog is loaded again after every edit. An unchanged
# resource is then the very object of the previous load (never modified once
# handed out), so the render memo (bsla.memo) recognises it by identity instead
# of comparing it field by field, and it is not validated again: together 0.3 s
# per rebuild at 1,000 resources (cProfile). Keyed by the YAML file's path.
_validated: dict[str, tuple[Any, Any, Taxonomy, Path, Resource]] = {}
_enriched: dict[str, tuple[Resource, Any, Path | None, Resource]] = {}
_taxonomy: list[Taxonomy] = []


def _same_taxonomy(taxonomy: Taxonomy) -> Taxonomy:
    if _taxonomy and _taxonomy[0] == taxonomy:
        return _taxonomy[0]
    _taxonomy[:] = [taxonomy]
    return taxonomy


def _validate(doc: Any, placement: Any, taxonomy: Taxonomy, root: Path,
              problems: Problems) -> Resource | None:
    known = _validated.get(str(doc.path))
    # The same Document object means the same file bytes (bsla.load keeps it).
    if known is not None and known[0] is doc and known[1] == placement \
            and known[2] is taxonomy and known[3] == root:
        resource = known[4]
        if resource.file is None or safe_file_problem(resource.file, root) is None:
            return resource
    before = len(problems)
    resource = validate_resource(doc, placement, taxonomy, root, problems)
    if resource is not None and len(problems) == before:
        _validated[str(doc.path)] = (doc, placement, taxonomy, root, resource)
    return resource


def _with_pdf(resource: Resource, facts: Any, cover: Path | None) -> Resource:
    known = _enriched.get(str(resource.source))
    if known is not None and known[0] is resource and known[1] is facts and known[2] == cover:
        return known[3]
    enriched = replace(resource, pdf=facts, cover=cover)
    _enriched[str(resource.source)] = (resource, facts, cover, enriched)
    return enriched


def _lexical(path: Path) -> str:
    # Paths here lie under the resolved root and symlinks are refused when a file
    # is read (bsla.load.safe_file_problem), so resolving each one on disk again
    # (0.4 s per 1,000 resources) cannot change which PDFs match. A string, not a
    # Path: building a Path per PDF on every `serve` rebuild cost 0.1 s at 1,000.
    return os.path.normpath(path)


def internal_error(exc: BaseException) -> str:
    detail = shown(str(exc), 120)[1:-1]
    return (f"internal error while reading this file ({type(exc).__name__}: {detail}); "
            "please report it")


def _read_resource(path: Path, root: Path, taxonomy: Taxonomy, problems: Problems,
                   claimed_pdfs: set[str]) -> Resource | None:
    doc = load_yaml_file(path, root, problems)
    if doc is None:
        return None
    if isinstance(doc.data.get("file"), str):
        # Even an invalid resource claims its PDF: report the YAML, not an orphan.
        claimed_pdfs.add(_lexical(path.parent / doc.data["file"].strip()))
    placement = taxonomy.placement_of(path.parent.relative_to(root).as_posix())
    assert placement is not None  # discover_resource_files only yields placed files
    return _validate(doc, placement, taxonomy, root, problems)


def load_catalog(root: Path, *, cache_dir: Path | None = None, read_pdfs: bool = True,
                 thumbs_dir: Path | None = None) -> Catalog:
    """Load, validate and enrich the whole catalog; raise LibraryError listing all problems."""
    root = root.resolve()
    problems = Problems(root)
    taxonomy = load_taxonomy(root / TAXONOMY_FILE, root, problems)
    if taxonomy is None:
        raise LibraryError(problems.sorted())
    taxonomy = _same_taxonomy(taxonomy)
    paths = discover_resource_files(root, taxonomy, problems)
    resources: list[Resource] = []
    stray_pdfs = [p for p in paths if p.suffix.lower() == ".pdf"]
    claimed_pdfs: set[str] = set()
    setting = (root, taxonomy, read_pdfs, cache_dir, thumbs_dir)
    kept: set[int] = set()  # id() of resources taken unchanged from the previous load
    stamps: dict[str, tuple[Any, Any, int]] = {}
    for path in (p for p in paths if p.suffix.lower() != ".pdf"):
        unchanged = _unchanged_resource(path, setting)
        if unchanged is not None:
            resources.append(unchanged.resource)
            kept.add(id(unchanged.resource))
            if unchanged.claimed_pdf is not None:
                claimed_pdfs.add(unchanged.claimed_pdf)
            continue
        # Taken before the file is read: a change made while it is read shows next time.
        yaml_stamp, stamped_ns = _stamp(path), time.time_ns()
        try:
            resource = _read_resource(path, root, taxonomy, problems, claimed_pdfs)
        except Exception as exc:
            # The safety net, for what no check foresaw: one located line for this
            # file, and the run goes on with the others (as Pelican does).
            problems.add(path, 1, internal_error(exc), code="internal")
            continue
        if resource is not None:
            stamps[str(path)] = (yaml_stamp, _stamp(resource.file) if resource.file else None,
                                 stamped_ns)
            resources.append(resource)
    resources = _check_collection(resources, problems)
    if read_pdfs:
        fresh = _check_pdfs([r for r in resources if id(r) not in kept],
                            [p for p in stray_pdfs if _lexical(p) not in claimed_pdfs],
                            cache_dir, problems, thumbs_dir)
        resources = [r for r in resources if id(r) in kept] + fresh
    problems.raise_if_any()
    resources.sort(key=_display_order(taxonomy))
    _remember_unchanged(resources, kept, stamps, setting)
    catalog = Catalog(root, taxonomy, resources)
    previous = _previous_catalog.get(root)
    if previous is not None:
        catalog.inherit_related(previous)
    _previous_catalog[root] = catalog
    return catalog


@dataclass(frozen=True)
class _Unchanged:
    """A resource as the previous load left it, and the files it was made from."""

    yaml_stamp: Any
    pdf_stamp: Any
    # When the stamps were taken (time.time_ns()).
    stamped_ns: int
    setting: tuple[Any, ...]
    claimed_pdf: str | None
    resource: Resource


# Under `serve` the catalog is loaded again after every edit; at 10,000
# resources reading and checking every file again took seconds per edit. A
# resource whose YAML and PDF have the same lstat as at the previous successful
# load (inode, size, mode, modification and change times), in the same project
# and taxonomy, is taken as it was: those are all its inputs. Keyed by the YAML
# file's path. The catalog itself is kept for its related items (``inherit_related``).
# File times move in steps of a few milliseconds, so two saves of the same size
# within one step leave the same lstat: as Git does with "racily clean" files,
# a file changed less than RACY_NS before its stamp was taken is read again.
RACY_NS = 2_000_000_000
_unchanged: dict[str, _Unchanged] = {}
_previous_catalog: dict[Path, Catalog] = {}


def _stamp(path: Path | None) -> Any:
    if path is None:
        return None
    try:
        info = os.lstat(path)
    except (OSError, ValueError):
        return None
    return (info.st_ino, info.st_size, info.st_mode, info.st_mtime_ns, info.st_ctime_ns)


def _unchanged_resource(path: Path, setting: tuple[Any, ...]) -> _Unchanged | None:
    known = _unchanged.get(str(path))
    if known is None or known.setting != setting or known.yaml_stamp is None:
        return None
    resource = known.resource
    newest = max(known.yaml_stamp[3], known.pdf_stamp[3] if known.pdf_stamp else 0)
    if newest > known.stamped_ns - RACY_NS:
        return None
    if _stamp(path) != known.yaml_stamp or _stamp(resource.file) != known.pdf_stamp:
        return None
    if resource.cover is not None and not os.path.isfile(resource.cover):
        return None  # its cover was removed from the cache folder
    return known


def _remember_unchanged(resources: list[Resource], kept: set[int],
                        stamps: dict[str, tuple[Any, Any, int]],
                        setting: tuple[Any, ...]) -> None:
    for resource in resources:
        if id(resource) in kept:
            continue
        key = str(resource.source)
        stamp = stamps.get(key)
        if stamp is None or stamp[0] is None:
            continue
        claimed = _lexical(resource.file) if resource.file is not None else None
        _unchanged[key] = _Unchanged(stamp[0], stamp[1], stamp[2], setting, claimed, resource)
