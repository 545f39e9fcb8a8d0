"""``build_site.py new``: file a PDF into the catalog with a pre-filled YAML template.

The template is generated from ``schema.FIELDS`` and ``taxonomy.yml``, so the
allowed values it lists are always the ones ``check`` accepts. Facts the PDF
knows are filled in; the required fields an editor must write are left empty,
so ``check`` right afterwards points exactly at them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import unicodedata
from pathlib import Path

from bsla.catalog import TAXONOMY_FILE
from bsla.errors import LibraryError, Problems
from bsla.pdf import PdfFacts, read_pdf_facts
from bsla.schema import FIELDS, FieldSpec
from bsla.taxonomy import Taxonomy, load_taxonomy

SCHEMA_PATH = "schema/resource.schema.json"
MAX_SLUG = 60
# Fields written from what we know; everything else becomes a commented prompt.
ALWAYS_WRITTEN = ("id", "title", "type", "summary", "file")


def slugify(text: str) -> str:
    """ASCII, lowercase, hyphen-separated; accents folded ("Guía" -> "guia")."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:MAX_SLUG].rstrip("-") or "resource"


def _placement_folder(taxonomy: Taxonomy, placement_id: str) -> str | None:
    for folder, collection, section in taxonomy.placements():
        if (section or collection).id == placement_id:
            return folder
    return None


def _placement_ids(taxonomy: Taxonomy) -> list[str]:
    return [(section or collection).id for _, collection, section in taxonomy.placements()]


def _yaml_scalar(value: str) -> str:
    # JSON strings are valid YAML and need no thought about quoting rules.
    return json.dumps(value, ensure_ascii=False)


def _allowed_values(spec: FieldSpec, taxonomy: Taxonomy) -> list[str]:
    if not spec.vocabulary:
        return []
    return [f"#     {term.id}: {term.label_in('en')}"
            for term in taxonomy.vocabulary(spec.vocabulary).values()]


def _prompt(spec: FieldSpec, taxonomy: Taxonomy) -> list[str]:
    lines = [f"# {spec.name}: {spec.description}"]
    allowed = _allowed_values(spec, taxonomy)
    if allowed:
        lines.append("#   allowed values:")
        lines.extend(allowed)
    if spec.example is not None:
        example = spec.example if isinstance(spec.example, str) else "[" + ", ".join(
            spec.example) + "]"
        lines.append(f"# {spec.name}: {example}")
    return lines


def render_template(*, slug: str, facts: PdfFacts | None, file_name: str | None,
                    taxonomy: Taxonomy, schema_path: str) -> str:
    """The YAML text for a new resource: known facts filled, every other field explained."""
    known: dict[str, str] = {"id": slug}
    if facts is not None and facts.title:
        known["title"] = facts.title
    if facts is not None and facts.author:
        known["authors"] = facts.author
    if facts is not None and facts.created:
        known["date"] = facts.created
    if file_name:
        known["file"] = file_name
    known["added"] = dt.date.today().isoformat()
    lines = [
        f"# yaml-language-server: $schema={schema_path}",
        "# New resource. Fill in the empty fields, uncomment (remove '# ' before) any optional",
        "# field you want to use, then run: python build_site.py check",
    ]
    if facts is not None:
        lines.append(f"# The PDF has {facts.pages} page(s); title, author and date below were "
                     "read from it: check them.")
    for spec in FIELDS:
        lines.append("")
        if spec.name in known:
            value = known[spec.name]
            lines.append(f"# {spec.description}")
            if spec.kind in ("strings", "terms", "slugs"):
                lines.append(f"{spec.name}: [{_yaml_scalar(value)}]")
            else:
                lines.append(f"{spec.name}: {_yaml_scalar(value)}")
        elif spec.required:
            lines.extend(_prompt(spec, taxonomy))
            lines.append(f"{spec.name}:")
        else:
            lines.extend(_prompt(spec, taxonomy))
    return "\n".join(lines) + "\n"


def new_resource(root: Path, pdf: Path, placement_id: str, *, slug: str | None = None) -> Path:
    """Copy ``pdf`` into the catalog and write its YAML template; returns the YAML path."""
    root = root.resolve()
    problems = Problems(root)
    taxonomy = load_taxonomy(root / TAXONOMY_FILE, root, problems)
    problems.raise_if_any()
    assert taxonomy is not None
    folder = _placement_folder(taxonomy, placement_id)
    if folder is None:
        problems.add("build_site.py new", None,
                     f"'{placement_id}' is not a collection or section with its own folder",
                     "use one of: " + ", ".join(_placement_ids(taxonomy)))
        problems.raise_if_any()
    result = read_pdf_facts([pdf], None)[pdf]
    if not isinstance(result, PdfFacts):
        problems.add(pdf, None, result.message, result.hint, code=f"pdf-{result.code}")
        problems.raise_if_any()
    assert isinstance(result, PdfFacts)
    slug = slugify(slug or pdf.stem)
    target_dir = root / str(folder)
    yaml_path = target_dir / f"{slug}.yml"
    pdf_target = target_dir / f"{slug}.pdf"
    for existing in (yaml_path, pdf_target):
        if existing.exists() or existing.is_symlink():
            problems.add(existing, None, "a file with this name already exists; nothing was "
                         "written", "choose another name with --slug, or edit the existing "
                         "resource instead")
    problems.raise_if_any()
    target_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, pdf_target)
    schema_rel = Path(*[".."] * len(Path(str(folder)).parts), SCHEMA_PATH).as_posix()
    try:
        yaml_path.write_text(
            render_template(slug=slug, facts=result, file_name=pdf_target.name,
                            taxonomy=taxonomy, schema_path=schema_rel),
            encoding="utf-8")
    except BaseException:
        pdf_target.unlink(missing_ok=True)
        raise
    return yaml_path


__all__ = ["LibraryError", "new_resource", "render_template", "slugify"]
