"""Stage 4: Jinja2 rendering of the catalog into Markdown pages (with HTML bodies).

Everything an editor typed is escaped by Jinja2's autoescape; the one field
that is Markdown (``summary``) is converted and then cleaned by nh3 with an
allow-list, so neither script nor local-file links reach the site. Generated
pages are plain ``.md`` files, so any MkDocs-compatible renderer can build them.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markdown
import nh3
import yaml
from markupsafe import Markup, escape

from bsla.accessibility import assess
from bsla.catalog import Catalog
from bsla.errors import LibraryError, Problems
from bsla.load import load_yaml_file
from bsla.memo import RENDERED
from bsla.paging import Page, paginate
from bsla.schema import Resource, check_url
from bsla.tags import tag_src_uri
from bsla.taxonomy import Collection, Section

LABELS_FILE = "labels.yml"
TEMPLATES = Path(__file__).parent / "templates"
SUMMARY_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "br", "code", "blockquote"}
LINK_SCHEMES = ("http", "https", "mailto")
RESOURCES_DIR = "resources"
SEARCH_SRC_URI = "search.md"
COVER_FILE = "cover.png"
PLACEHOLDER_IMAGE = "assets/images/cover-placeholder.svg"


@dataclass(frozen=True)
class Citation:
    id: str
    label: str
    text: str


def citations(resource: Resource, url: str, label: Any) -> list[Citation]:
    from bsla.cite import apa, chicago

    return [Citation("apa", label("cite_apa"), apa(resource, url)),
            Citation("chicago", label("cite_chicago"), chicago(resource, url))]


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    content: str
    # Resource pages stay out of the navigation, so a page's weight and the nav's
    # build time do not grow with the catalog.
    in_nav: bool = True


@dataclass(frozen=True)
class CopiedFile:
    src_uri: str
    source: Path


@dataclass(frozen=True)
class RenderedSite:
    pages: list[GeneratedPage]
    files: list[CopiedFile]


def load_labels(root: Path) -> dict[str, dict[str, str]]:
    problems = Problems(root)
    doc = load_yaml_file(root / LABELS_FILE, root, problems)
    problems.raise_if_any()
    assert doc is not None
    labels: dict[str, dict[str, str]] = {}
    for key, value in doc.data.items():
        if not isinstance(value, dict) or not isinstance(value.get("en"), str):
            problems.add(doc.path, doc.line_of(key), f"label '{key}' needs an English text",
                         "write it as 'en: ...' and 'es: ...'")
            continue
        labels[key] = {lang: " ".join(text.split()) for lang, text in value.items()}
    problems.raise_if_any()
    return labels


def _keep_safe_links(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return value if check_url(value, LINK_SCHEMES) is None else None
    return value


# One converter, reset between texts: building a Markdown instance per call cost
# more than the conversion (about 1 ms each, three per resource; bench/ profile).
_MARKDOWN = markdown.Markdown(extensions=[], output_format="html")
# Each summary is shown on its page, in its card and in the meta description.
_TEXT_CACHE_SIZE = 1 << 16


@functools.lru_cache(maxsize=_TEXT_CACHE_SIZE)
def _summary_html_text(text: str) -> str:
    return nh3.clean(
        _MARKDOWN.reset().convert(text),
        tags=SUMMARY_TAGS,
        attributes={"a": {"href"}},
        url_schemes=set(LINK_SCHEMES),
        attribute_filter=_keep_safe_links,
        link_rel="noopener noreferrer",
    )


def summary_html(text: str) -> Markup:
    """Editor Markdown to HTML that can carry no script and no local links."""
    return Markup(_summary_html_text(text))


@functools.lru_cache(maxsize=_TEXT_CACHE_SIZE)
def _flat_text(text: str) -> str:
    # From the sanitized HTML: the same words without converting the Markdown
    # a second time (0.3 s per 1,000 resources).
    words = nh3.clean(_summary_html_text(text), tags=set()).split()
    flat = " ".join(words).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return flat.replace("&quot;", '"').replace("&#39;", "'")


def plain_text(text: str, limit: int | None = None) -> str:
    """Summary as one line of plain text (for cards and meta descriptions)."""
    flat = _flat_text(text)
    if limit and len(flat) > limit:
        flat = flat[: limit - 1].rsplit(" ", 1)[0] + "…"
    return flat


def front_matter_text(text: str) -> str:
    """A value MkDocs themes print unescaped (page titles, meta descriptions).

    Material runs ``striptags`` on the page title, which also turns entities back
    into characters, so escaping alone could re-create ``</title><script>``.
    Angle brackets therefore become look-alike quotation marks, and the rest is
    escaped for the attribute and text positions the theme uses.
    """
    text = " ".join(text.split()).replace("<", "‹").replace(">", "›")
    return str(escape(text))


MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def markdown_text(text: str) -> Markup:
    """Editor text as literal Markdown inline text: no markup, no HTML, no links.

    Page titles are Markdown headings so that they enter the page's table of
    contents, which is what gives Material's skip link its target.
    """
    text = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Markup(MARKDOWN_SPECIALS.sub(r"\\\1", text))


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def resource_src_uri(resource_id: str) -> str:
    return f"{RESOURCES_DIR}/{resource_id}/index.md"


def listing_src_uri(owner: Collection | Section) -> str:
    if isinstance(owner, Section):
        return f"{owner.collection_id}/{owner.id}.md"
    return f"{owner.id}/index.md"


def yaml_str(value: str) -> Markup:
    """A string as a double-quoted YAML scalar (JSON strings are valid YAML)."""
    return Markup(json.dumps(value, ensure_ascii=False))


def page_url(src_uri: str, use_directory_urls: bool) -> str:
    """The site-relative URL MkDocs gives a source file."""
    if not src_uri.endswith(".md"):
        return src_uri
    stem = src_uri[: -len(".md")]
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def _relative_path(target: str, base: str) -> str:
    """``posixpath.relpath(target, base)`` for paths inside the site.

    Both are site-relative, normalised and without ``..`` (page_url makes them),
    so comparing the parts is enough; relpath itself makes both absolute first,
    asking the OS for the working directory each time (1 s of a 1,000-resource
    build, cProfile).
    """
    target_parts = [part for part in target.split("/") if part]
    base_parts = [part for part in base.split("/") if part]
    common = 0
    for mine, theirs in zip(target_parts, base_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(base_parts) - common) + target_parts[common:]) or "."


def link_base(from_src_uri: str, use_directory_urls: bool) -> str:
    """The folder relative links on the page ``from_src_uri`` start from."""
    origin = page_url(from_src_uri, use_directory_urls)
    return origin if origin == "" or origin.endswith("/") else posixpath.dirname(origin)


@functools.lru_cache(maxsize=1 << 16)
def url_between(from_src_uri: str, to_src_uri: str, use_directory_urls: bool) -> str:
    """Relative link from one page to another file, as MkDocs lays them out.

    Cached: listings and keyword pages ask for the same links thousands of
    times (1.4 s of a 1,000-resource build, cProfile).
    """
    target = page_url(to_src_uri, use_directory_urls)
    relative = _relative_path(target, link_base(from_src_uri, use_directory_urls))
    if (target == "" or target.endswith("/")) and not relative.endswith("/"):
        relative += "/"
    return relative


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process.

    Each build makes a new Renderer (and Jinja environment); under ``mkdocs
    serve`` that meant compiling every template again after each edit (0.5 s at
    1,000 resources, cProfile). Jinja checks the template source's checksum
    before using an entry, so an edited template is compiled afresh.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


class Renderer:
    """Owns the Jinja environment and the context every template sees."""

    def __init__(self, catalog: Catalog, labels: dict[str, dict[str, str]], *,
                 lang: str = "en", use_directory_urls: bool = True,
                 site_url: str | None = None) -> None:
        self.catalog = catalog
        self.labels = labels
        self.lang = lang
        self.use_directory_urls = use_directory_urls
        self.site_url = site_url.rstrip("/") + "/" if site_url else None
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=COMPILED_TEMPLATES,
            # One environment per build: a template edited under `serve` is read
            # by the next build's environment, so checking each file's time on
            # every include (thousands per build) buys nothing.
            auto_reload=False,
        )
        self.env.filters.update(summary_html=summary_html, plain_text=plain_text,
                                human_size=human_size, yaml_str=yaml_str,
                                markdown_text=markdown_text)
        self.env.globals.update(label=self.label, taxonomy=catalog.taxonomy, term=self.term,
                                lang=lang, resource_uri=resource_src_uri,
                                listing_uri=listing_src_uri, tag_uri=tag_src_uri,
                                search_uri=SEARCH_SRC_URI)
        self._cards: dict[tuple[str, str], Markup] = {}  # see cards_from
        # Everything a template sees besides its own arguments (bsla.memo).
        self.memo_context = RENDERED.context((
            lang, use_directory_urls, self.site_url, labels, catalog.taxonomy,
            _template_stamps()))

    def memo(self, name: str, inputs: tuple[Any, ...], render: Any) -> Any:
        """``render()``, or its result from an earlier build of this process (bsla.memo)."""
        return RENDERED.get(name, (self.memo_context, *inputs), render)

    def absolute(self, src_uri: str) -> str:
        """The public URL of a file: absolute with site_url, else from the site root."""
        path = page_url(src_uri, self.use_directory_urls)
        return (self.site_url or "/") + path

    def label(self, key: str, **values: Any) -> str:
        entry = self.labels.get(key)
        if entry is None:
            problem = Problems()
            problem.add(LABELS_FILE, None, f"the label '{key}' used by a template is missing",
                        f"add '{key}:' with 'en:' and 'es:' texts to {LABELS_FILE}")
            problem.raise_if_any()
        assert entry is not None
        text = entry.get(self.lang) or entry["en"]
        return text.format(**values) if values else text

    def term(self, vocabulary: str, term_id: str) -> Any:
        return self.catalog.taxonomy.vocabulary(vocabulary)[term_id]

    def _render(self, template: str, **context: Any) -> str:
        try:
            return self.env.get_template(template).render(**context)
        except jinja2.TemplateError as exc:
            # A template bug is a maintainer's problem, but still reported as one line.
            name = getattr(exc, "filename", None) or template
            line = getattr(exc, "lineno", None)
            problems = Problems()
            problems.add(f"src/bsla/templates/{Path(name).name}", line,
                         f"template error: {exc}", "fix the template")
            raise LibraryError(problems.sorted()) from None

    def render_template(self, template: str, **context: Any) -> str:
        """Render one of the engine's templates (for stages outside this module)."""
        return self._render(template, **context)

    def cards_from(self, from_uri: str):
        """A function giving a resource's card (partials/card.html.j2) on the page ``from_uri``.

        A resource's card appears on its listing page and on each of its keyword
        pages. The card's one link is its only part that depends on the page, so
        the template gets that link instead of ``href`` and each card is rendered
        once per distinct link in a build (0.5 s per 1,000 resources, bench/).
        """
        href = self._href(from_uri)

        def card(resource: Resource) -> Markup:
            link = href(resource_src_uri(resource.id))
            html = self._cards.get((resource.id, link))
            if html is None:
                # The include's trailing newline is the template line's own.
                html = Markup(self._render("partials/card.html.j2", r=resource,
                                           link=link).rstrip("\n"))
                self._cards[(resource.id, link)] = html
            return html

        return card

    def href_from(self, from_uri: str):
        """A function giving relative links from the page ``from_uri`` to other files."""
        return self._href(from_uri)

    def _href(self, from_uri: str):
        def href(to_uri: str) -> str:
            return url_between(from_uri, to_uri, self.use_directory_urls)

        return href

    def resource_page(self, resource: Resource) -> GeneratedPage:
        related = self.catalog.related(resource)
        original = self.catalog.by_id.get(resource.translation_of or "")
        return self.memo(f"page:{resource.id}", (resource, related, original),
                         lambda: self._resource_page(resource, related, original))

    def _resource_page(self, resource: Resource, related: list[Resource],
                       original: Resource | None) -> GeneratedPage:
        src_uri = resource_src_uri(resource.id)
        content = self._render(
            "resource.md.j2",
            r=resource,
            listing=resource.section or resource.collection,
            related=related,
            original=original,
            href=self._href(src_uri),
            pdf_name=pdf_file_name(resource),
            title_meta=front_matter_text(resource.title),
            description_meta=front_matter_text(plain_text(resource.summary, 300)),
            citations=citations(resource, self.absolute(src_uri), self.label),
            pdf_access=assess(resource),
            cover=COVER_FILE if resource.cover is not None else None,
            placeholder=url_between(src_uri, PLACEHOLDER_IMAGE, self.use_directory_urls),
        )
        return GeneratedPage(src_uri, content, in_nav=False)

    def listing_page(self, owner: Collection | Section,
                     page: Page[Resource] | None = None) -> GeneratedPage:
        sections = owner.sections if isinstance(owner, Collection) else ()
        counts = tuple(len(self.catalog.in_placement(p.id)) for p in (owner, *sections))
        items = self.catalog.in_placement(owner.id) if page is None and not sections else ()
        return self.memo(f"listing:{owner.id}:{page.number if page else 0}",
                         (owner, page, counts, items),
                         lambda: self._listing_page(owner, page))

    def _listing_page(self, owner: Collection | Section,
                      page: Page[Resource] | None = None) -> GeneratedPage:
        src_uri = page.src_uri if page else listing_src_uri(owner)
        taxonomy = self.catalog.taxonomy
        sections = owner.sections if isinstance(owner, Collection) else ()
        if page is None and not sections:
            everything = self.catalog.in_placement(owner.id)
            page = paginate(everything, max(len(everything), 1), src_uri)[0]
        title = owner.label_in(self.lang)
        if page and page.number > 1:
            title = self.label("title_with_page", title=title, number=page.number)
        content = self._render(
            "listing.md.j2",
            owner=owner,
            collection=owner if isinstance(owner, Collection)
            else taxonomy.collection(owner.collection_id),
            sections=sections,
            resources=page.items if page and not sections else [],
            page=page,
            scope_facet="section" if isinstance(owner, Section) else "collection",
            count=len(self.catalog.in_placement(owner.id)),
            count_of=lambda placement: len(self.catalog.in_placement(placement.id)),
            href=self._href(src_uri),
            card=self.cards_from(src_uri),
            title_meta=front_matter_text(title),
        )
        return GeneratedPage(src_uri, content)

    def listing_pages(self, owner: Collection | Section) -> list[GeneratedPage]:
        """A collection with sections gets one page; a list of cards is split into pages."""
        if isinstance(owner, Collection) and owner.sections:
            return [self.listing_page(owner)]
        pages = paginate(self.catalog.in_placement(owner.id),
                         self.catalog.taxonomy.listing_page_size, listing_src_uri(owner))
        return [self.listing_page(owner, page) for page in pages]

    def home_block(self, home_src_uri: str = "index.md") -> str:
        return self._render(
            "home_collections.html.j2",
            collections=self.catalog.taxonomy.collections,
            count_of=lambda placement: len(self.catalog.in_placement(placement.id)),
            href=self._href(home_src_uri),
        )

    def nav_files(self) -> list[GeneratedPage]:
        """``.pages`` files: collections in taxonomy order, resource pages kept out of nav."""
        taxonomy = self.catalog.taxonomy
        pages = [GeneratedPage(".pages", yaml.safe_dump(
            {"nav": ["index.md", *(c.id for c in taxonomy.collections), "..."]},
            sort_keys=False))]
        pages.append(GeneratedPage(f"{RESOURCES_DIR}/.pages", yaml.safe_dump({"hide": True})))
        for c in taxonomy.collections:
            nav: list[Any] = ["index.md", *(f"{s.id}.md" for s in c.sections)]
            pages.append(GeneratedPage(f"{c.id}/.pages", yaml.safe_dump(
                {"title": c.label_in(self.lang), "nav": nav}, sort_keys=False,
                allow_unicode=True)))
        return pages


def _template_stamps() -> tuple[tuple[str, int], ...]:
    # An edited template must not be answered from the memo.
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in TEMPLATES.rglob("*.j2")))


def pdf_file_name(resource: Resource) -> str:
    return f"{resource.id}.pdf"


def render_site(catalog: Catalog, labels: dict[str, dict[str, str]], *,
                use_directory_urls: bool = True,
                site_url: str | None = None) -> tuple[RenderedSite, Renderer]:
    from bsla.outputs import output_files

    renderer = Renderer(catalog, labels, use_directory_urls=use_directory_urls,
                        site_url=site_url)
    taxonomy = catalog.taxonomy
    pages = renderer.nav_files()
    for collection in taxonomy.collections:
        pages.extend(renderer.listing_pages(collection))
        for section in collection.sections:
            pages.extend(renderer.listing_pages(section))
    pages.extend(renderer.resource_page(r) for r in catalog.resources)
    from bsla.discovery import discovery_pages  # it builds on this module

    pages.extend(discovery_pages(renderer))
    files = [
        CopiedFile(f"{RESOURCES_DIR}/{r.id}/{pdf_file_name(r)}", r.file)
        for r in catalog.resources
        if r.file is not None and r.pdf is not None
    ]
    files += [CopiedFile(f"{RESOURCES_DIR}/{r.id}/{COVER_FILE}", r.cover)
              for r in catalog.resources if r.cover is not None]
    extra_pages, extra_files = output_files(catalog, renderer)
    return RenderedSite(pages + extra_pages, files + extra_files), renderer
