"""The Jinja environment of one build: templates, filters, labels and addresses.

Generated pages are plain ``.md`` files (Markdown around HTML bodies), so any
MkDocs-compatible renderer can build them. Output modules render through a
``Templates``; it knows the build's language and URL style but nothing about
which pages exist.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from bsla.errors import LibraryError, Problems
from bsla.labels import Labels, LabelTexts
from bsla.memo import RENDERED
from bsla.pages.text import FILTERS, LANGUAGE_FILTERS
from bsla.schema import TRANSLATABLE, Resource
from bsla.taxonomy import Collection, Section, Taxonomy
from bsla.urls import (
    SEARCH_SRC_URI,
    SiteUrls,
    listing_src_uri,
    resource_src_uri,
    tag_src_uri,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def placement_src_uri(owner: Collection | Section) -> str:
    """The listing page of a collection or section."""
    if isinstance(owner, Section):
        return listing_src_uri(owner.collection_id, owner.id)
    return listing_src_uri(owner.id)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process, and on disk between processes.

    Each build makes a new Templates (and Jinja environment); under ``mkdocs
    serve`` that meant compiling every template again after each edit (0.5 s at
    1,000 resources, cProfile). Each build process compiled them all again too,
    ours and the theme's, in each language: a tenth of a warm build at 100
    resources (cProfile), so they are also kept in the project's cache folder
    (``keep_in``). Jinja checks the template source's checksum, and the Python
    version of the code, before using an entry, so an edited template is
    compiled afresh.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self._folder: Path | None = None

    def keep_in(self, folder: Path) -> None:
        """Also keep compiled templates in ``folder`` (a cache folder of the engine's)."""
        self._folder = folder

    def _file(self, key: str) -> Path | None:
        # Jinja's keys are SHA-1 hex digests: safe as file names.
        return self._folder / f"{key}.cache" if self._folder is not None else None

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is None and (path := self._file(bucket.key)) is not None:
            with contextlib.suppress(OSError):
                code = path.read_bytes()
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code[bucket.key] = bucket.bytecode_to_string()
        path = self._file(bucket.key)
        if path is None:
            return
        # A cache that cannot be written only costs the next build the compiling.
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
            partial.write_bytes(code)
            os.replace(partial, path)


COMPILED_TEMPLATES = _CompiledTemplates()


def _template_stamps() -> tuple[tuple[str, int], ...]:
    # An edited template must not be answered from the memo.
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in TEMPLATES.rglob("*.j2")))


@dataclass(frozen=True)
class Alternate:
    """A page in one of the site's languages, as the page in another links to it."""

    lang: str
    name: str  # the language's name in that language ("Español")
    href: str  # relative to the page that links to it
    url: str | None  # absolute, when the site's public address is known
    current: bool
    # The same page in that language (else the nearest page there: hreflang leaves it out).
    same_page: bool


@dataclass(frozen=True)
class ShownText:
    """One translatable field as a page shows it, and the language it is in."""

    value: Any
    lang: str
    # ' lang="en"' where the text's language is not the page's (screen readers switch voice).
    attr: Markup


@dataclass(frozen=True)
class Shown:
    """A resource's translatable fields as a page in one language shows them.

    Each field is the translation into the page's language where the
    resource has one, else the resource's own text, marked with its language.
    """

    title: ShownText
    subtitle: ShownText
    summary: ShownText
    tags: ShownText
    # The resource's own language, when a field it has is shown untranslated.
    untranslated_from: str | None
    # A translation is shown that no person has reviewed yet.
    unreviewed: bool


class Templates:
    """The engine's templates, rendered with one build's labels, language and addresses."""

    def __init__(self, taxonomy: Taxonomy, labels: LabelTexts, *, lang: str = "en",
                 urls: SiteUrls | None = None) -> None:
        self.taxonomy = taxonomy
        self.lang = lang
        self.label = Labels(labels, lang)
        # The addresses are this language's site's, whatever language they were made for.
        self.urls = dataclasses.replace(urls or SiteUrls(), lang=lang)
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
        self.env.filters.update(FILTERS)
        self.env.filters.update({name: functools.partial(function, lang=lang)
                                 for name, function in LANGUAGE_FILTERS.items()})
        self.env.globals.update(label=self.label, taxonomy=taxonomy, term=self.term,
                                lang=lang, resource_uri=resource_src_uri,
                                listing_uri=placement_src_uri, tag_uri=tag_src_uri,
                                search_uri=SEARCH_SRC_URI, shown=self.shown)
        self._cards: dict[tuple[str, str], Markup] = {}  # see cards_from
        self._shown: dict[str, tuple[Resource, Shown]] = {}  # see shown
        # Everything a template sees besides its own arguments (bsla.memo).
        self.memo_context = RENDERED.context((
            lang, self.urls.use_directory_urls, self.urls.site_url, labels, taxonomy,
            _template_stamps()))

    def memo(self, name: str, inputs: tuple[Any, ...], render: Callable[[], Any]) -> Any:
        """``render()``, or its result from an earlier build of this process (bsla.memo)."""
        # One entry per language: a dev server renders every language after each edit.
        return RENDERED.get((self.lang, name), (self.memo_context, *inputs), render)

    def languages_of(self, src_uri: str, languages: list[str]) -> list[Alternate]:
        """The page ``src_uri`` in each of the site's languages, this one included."""
        names = self.taxonomy.vocabulary("languages")
        alternates = []
        for lang in languages:
            href, url, same = self.urls.in_language(src_uri, lang)
            name = names[lang].label_in(lang) if lang in names else lang
            alternates.append(Alternate(lang, name, href, url, lang == self.lang, same))
        return alternates

    def shown(self, resource: Resource) -> Shown:
        """The resource's translatable fields in this build's language, or marked as not."""
        # A resource is shown on its page, its card, its search record and the pages
        # of the resources it relates to: about 13 times per language at 1,000
        # resources, each building the same fields again (bench/, cProfile).
        kept = self._shown.get(resource.id)
        if kept is not None and kept[0] is resource:
            return kept[1]
        shown = self._shown_now(resource)
        self._shown[resource.id] = (resource, shown)
        return shown

    def _shown_now(self, resource: Resource) -> Shown:
        own = resource.language == self.lang
        translation = None if own else resource.translations.get(self.lang)
        fields = {name: self._shown_field(resource, name, translation, own)
                  for name in TRANSLATABLE}
        untranslated = any(field.attr for field in fields.values())
        return Shown(**fields, untranslated_from=resource.language if untranslated else None,
                     unreviewed=translation is not None and not translation.reviewed)

    def shown_tags(self, resource: Resource) -> list[str]:
        """The keywords ``shown`` gives, without the other fields (every keyword page
        groups the whole catalog by them on each rebuild)."""
        own = resource.language == self.lang
        translation = None if own else resource.translations.get(self.lang)
        return self._shown_field(resource, "tags", translation, own).value  # type: ignore[no-any-return]

    def _shown_field(self, resource: Resource, name: str, translation: Any,
                     own: bool) -> ShownText:
        original = getattr(resource, name)
        translated = getattr(translation, name, None) if translation else None
        if own or not original:
            return ShownText(original, resource.language, Markup(""))
        if translated:
            return ShownText(list(translated) if name == "tags" else translated, self.lang,
                             Markup(""))
        return ShownText(original, resource.language,
                         Markup(' lang="{}"').format(resource.language))

    def term(self, vocabulary: str, term_id: str) -> Any:
        return self.taxonomy.vocabulary(vocabulary)[term_id]

    def render(self, template: str, **context: Any) -> str:
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

    def href_from(self, from_uri: str) -> Callable[[str], str]:
        """A function giving relative links from the page ``from_uri`` to other files."""
        return self.urls.href_from(from_uri)

    def cards_from(self, from_uri: str) -> Callable[[Resource], Markup]:
        """A function giving a resource's card (partials/card.html.j2) on the page ``from_uri``.

        A resource's card appears on its listing page and on each of its keyword
        pages. The card's one link is its only part that depends on the page, so
        the template gets that link instead of ``href`` and each card is rendered
        once per distinct link in a build (0.5 s per 1,000 resources, bench/).
        """
        href = self.href_from(from_uri)

        def card(resource: Resource) -> Markup:
            link = href(resource_src_uri(resource.id))
            html = self._cards.get((resource.id, link))
            if html is None:
                # The include's trailing newline is the template line's own.
                html = Markup(self.render("partials/card.html.j2", r=resource,
                                          link=link).rstrip("\n"))
                self._cards[(resource.id, link)] = html
            return html

        return card
