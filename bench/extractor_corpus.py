"""A corpus of varied PDFs generated in code, each with the words it was written with.

Used by the extractor gate (bench/extractor_gate.py) and its test
(tests/test_extractor_gate.py). Every generated file knows the words on each of
its pages in reading order, so an extractor is judged against what was
written, not only against another extractor. The kinds are the layouts that
trip text extractors: one and two (and three) columns, tables, fillable
forms, Spanish with accents, ligatures, words placed one by one with no space
characters between them, justified text, invisible OCR text over a scan,
image-only scanned pages (no text at all), rotated pages, and long documents.

``build_corpus()`` needs fpdf2 and pypdf (the test extra); nothing is
downloaded, fonts are the TrueType files already on the machine (DejaVu, or
fpdf2's own), and the same seed gives the same files.
"""

from __future__ import annotations

import io
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.minipdf import PageBody, write_pdf

Pages = list[list[str]]  # the words of each page, in reading order


def _vocabulary(text: str) -> list[str]:
    return text.split()


ENGLISH = _vocabulary("""
partnership community residents parents families children early learning health
governance leadership decision shared vision results data accountability meeting
outreach engagement network collaboration trust power voice neighborhood capacity
planning budget funding sustainability relationship council member chair facilitator
training coaching reflection lesson practice toolkit template worksheet guide strategy
equity inclusion language access translation interpretation culture respect listening
survey interview focus group feedback evaluation cycle improvement goal action
volunteer leader organizer agency school clinic library park safety housing food
""")
# Words with fi, fl, ff, ffi and ffl: the letter pairs fonts draw as one ligature glyph.
LIGATURE_WORDS = _vocabulary("""
find file field first final finance profile benefit office official affiliate
conflict flow flag fluent reflect influence inflation affluent difficult efficient
offer effort staff traffic shuffle waffle baffled scaffold sufficient
""")
SPANISH = _vocabulary("""
educación niños niñas familia comunidad participación información salud público
año años mañana corazón acción evaluación decisión organización también después
según más está están aquí allí cómo qué cuándo dónde política económico práctica
líderes reunión presupuesto guía capacitación desempeño equidad inclusión señal
pequeño español compañía lingüística pingüino vergüenza árbol único último página
""")
FIGURES = ["$1,250.00", "15%", "2024-03-15", "(310)", "555-0134", "No. 42", "Q3", "5th"]

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LIGATURES = {"ffi": "\ufb03", "ffl": "\ufb04", "ff": "\ufb00", "fi": "\ufb01", "fl": "\ufb02"}


def words(text: str) -> list[str]:
    """The words of ``text`` as the gate compares them.

    NFKC turns a ligature character back into its letters (U+FB01 into "fi"),
    case is folded and punctuation dropped: a word is a run of letters and
    digits, so "$1,250.00" is "1", "250", "00" for every extractor alike.
    """
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


@dataclass(frozen=True)
class CorpusPdf:
    name: str
    kind: str
    data: bytes
    # Words written on each page in reading order; None for real PDFs found
    # on the machine, whose only reference is PDFium's reading.
    expected: Pages | None
    # Glyphs placed with gaps between a letter's and a word space's width,
    # where a word break is a guess for any extractor: reported apart, and
    # the test does not hold PDFium to the written words there.
    stress: bool = False

    @property
    def pages(self) -> int:
        return len(self.expected) if self.expected is not None else -1


def ttf_font() -> Path | None:
    """A TrueType font with the ligature glyphs (DejaVu on Debian, else fpdf2's bundled one)."""
    candidates = [Path(DEJAVU)]
    try:
        import fpdf

        bundled = Path(fpdf.__file__).parent / "fonts"
        candidates += sorted(bundled.glob("DejaVuSans*.ttf")) if bundled.is_dir() else []
    except ImportError:
        pass
    return next((p for p in candidates if p.is_file()), None)


class _Words:
    def __init__(self, rng: random.Random, vocabulary: Sequence[str]) -> None:
        self.rng, self.vocabulary = rng, list(vocabulary)

    def take(self, count: int) -> list[str]:
        return [self.rng.choice(self.vocabulary) for _ in range(count)]

    def sentence(self, count: int) -> str:
        text = " ".join(self.take(count))
        return text[:1].upper() + text[1:] + "."


def _fpdf(font: str = "helvetica", ttf: Path | None = None) -> tuple[object, str]:
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    pdf.set_margins(54, 54, 54)
    if ttf is not None:
        pdf.add_font("ttf", "", str(ttf))
        font = "ttf"
    pdf.set_font(font, size=10)
    return pdf, font


def _bytes(pdf: object) -> bytes:
    return bytes(pdf.output())  # type: ignore[attr-defined]


def _paragraphs(pdf, gen: _Words, pages: int, *, paragraphs: int = 4, per: int = 60,
                align: str = "L", figures: bool = False, size: float = 10) -> Pages:
    """Pages of flowing paragraphs in one column."""
    expected: Pages = []
    for _ in range(pages):
        pdf.add_page()
        pdf.set_font_size(size)
        page: list[str] = []
        for _ in range(paragraphs):
            text = gen.sentence(per)
            if figures:
                pieces = text.split()
                for figure in gen.rng.sample(FIGURES, 3):
                    pieces.insert(gen.rng.randrange(len(pieces)), figure)
                text = " ".join(pieces)
            pdf.multi_cell(0, size * 1.4, text, align=align)
            pdf.ln(size)
            page += words(text)
        expected.append(page)
    return expected


def _new_page(pdf, gen: _Words, *, title_words: int, size: int, line_height: int) -> list[str]:
    """A new page with a title line over 9-point body text; the title's words."""
    pdf.add_page()
    title = gen.sentence(title_words)
    pdf.set_font_size(size)
    pdf.multi_cell(0, line_height, title)
    pdf.set_font_size(9)
    return words(title)


def _columns(pdf, gen: _Words, pages: int, columns: int, *, per: int = 45) -> Pages:
    """Pages of ``columns`` independent columns, read column by column."""
    expected: Pages = []
    width = (pdf.w - 108 - 18 * (columns - 1)) / columns
    for _ in range(pages):
        page = _new_page(pdf, gen, title_words=5, size=14, line_height=18)
        top = pdf.get_y() + 10
        for column in range(columns):
            pdf.set_xy(54 + column * (width + 18), top)
            for _ in range(4):
                text = gen.sentence(per)
                pdf.set_x(54 + column * (width + 18))
                pdf.multi_cell(width, 12, text)
                pdf.set_x(54 + column * (width + 18))
                pdf.ln(6)
                page += words(text)
        expected.append(page)
    return expected


def _table(pdf, gen: _Words, pages: int, *, cols: int = 4, rows: int = 18,
           numeric: bool = False) -> Pages:
    expected: Pages = []
    for _ in range(pages):
        page = _new_page(pdf, gen, title_words=6, size=12, line_height=16)
        data = [[" ".join(w.capitalize() for w in gen.take(2)) for _ in range(cols)]]
        for _ in range(rows):
            row = [gen.take(1)[0]]
            for _ in range(cols - 1):
                row.append(f"{gen.rng.randrange(100, 99999):,}" if numeric
                           else " ".join(gen.take(gen.rng.randrange(1, 4))))
            data.append(row)
        with pdf.table(text_align="LEFT", line_height=12, first_row_as_headings=False) as table:
            for row in data:
                cells = table.row()
                for cell in row:
                    cells.cell(cell)
        for row in data:
            for cell in row:
                page += words(cell)
        expected.append(page)
    return expected


def _placed_words(pdf, gen: _Words, pages: int, *, gap: float) -> Pages:
    """Each word drawn on its own at (x, y): no space characters at all between words.

    Layout programs (InDesign, some Word exports) position words or even
    letters this way; an extractor must infer word breaks from the gaps, which
    is where "words run together" comes from.
    """
    expected: Pages = []
    for _ in range(pages):
        pdf.add_page()
        page: list[str] = []
        y = 72.0
        while y < pdf.h - 72:
            x = 54.0
            while True:
                word = gen.take(1)[0]
                width = pdf.get_string_width(word)
                if x + width > pdf.w - 54:
                    break
                pdf.text(x, y, word)
                page.append(word)
                x += width + gap
            y += 14
        expected.append([w for word in page for w in words(word)])
    return expected


def _letters_spaced(pdf, gen: _Words, pages: int, *, tracking: float,
                    word_gap: float) -> Pages:
    """Lines set letter by letter (each glyph placed on its own), as tracked display type."""
    expected: Pages = []
    for _ in range(pages):
        pdf.add_page()
        page: list[str] = []
        y = 80.0
        for _ in range(12):
            line = gen.take(4)
            x = 54.0
            for word in line:
                for letter in word:
                    pdf.text(x, y, letter)
                    x += pdf.get_string_width(letter) + tracking
                x += word_gap
            page += [w for word in line for w in words(word)]
            y += 30
        expected.append(page)
    return expected


def _ligature_text(text: str) -> str:
    for letters, glyph in LIGATURES.items():
        text = text.replace(letters, glyph)
    return text


def _ligatures(pdf, gen: _Words, pages: int) -> Pages:
    """Text whose fi/fl/ff pairs are drawn with the font's ligature glyphs."""
    expected: Pages = []
    for _ in range(pages):
        pdf.add_page()
        page: list[str] = []
        for _ in range(4):
            text = gen.sentence(50)
            pdf.multi_cell(0, 14, _ligature_text(text))
            pdf.ln(8)
            page += words(text)
        expected.append(page)
    return expected


def _scan_image(text_lines: Sequence[str], ttf: Path | None):
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1275, 1650), 255)  # a letter page at 150 dpi
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(ttf), 24) if ttf else ImageFont.load_default()
    for index, line in enumerate(text_lines):
        draw.text((110, 120 + index * 40), line, fill=0, font=font)
    return image


def _scanned(pdf, gen: _Words, pages: int, ttf: Path | None, *, ocr: bool) -> Pages:
    """Pages that are one image of printed text; with ``ocr``, invisible text over it.

    Without OCR the page has no text at all, and every extractor must find
    none; with it (what a scanner's OCR writes), the invisible words are the text.
    """
    from fpdf.enums import TextMode

    expected: Pages = []
    for _ in range(pages):
        pdf.add_page()
        lines = [" ".join(gen.take(9)) for _ in range(30)]
        buffer = io.BytesIO()
        _scan_image(lines, ttf).save(buffer, format="PNG")
        pdf.image(buffer, x=0, y=0, w=pdf.w, h=pdf.h)
        page: list[str] = []
        if ocr:
            pdf.text_mode = TextMode.INVISIBLE
            for index, line in enumerate(lines):
                pdf.text(53, (120 + index * 40) * 72 / 150 + 11, line)
                page += words(line)
            pdf.text_mode = TextMode.FILL
        expected.append(page)
    return expected


def _rotated_text(pdf, gen: _Words, pages: int) -> Pages:
    """A page with a block turned 90° beside normal text (a sideways table label)."""
    expected: Pages = []
    for _ in range(pages):
        pdf.add_page()
        side = gen.sentence(6)
        with pdf.rotation(90, x=40, y=pdf.h - 72):
            pdf.text(40, pdf.h - 72, side)
        page = words(side)
        pdf.set_xy(80, 72)
        for _ in range(3):
            text = gen.sentence(45)
            pdf.set_x(80)
            pdf.multi_cell(pdf.w - 134, 13, text)
            pdf.ln(6)
            page += words(text)
        expected.append(page)
    return expected


def _rotate_pages(data: bytes, angles: Sequence[int]) -> bytes:
    """The PDF with page i turned by angles[i % len(angles)] (its /Rotate), as scanners do."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for index, page in enumerate(writer.pages):
        if angles[index % len(angles)]:
            page.rotate(angles[index % len(angles)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _with_form_fields(data: bytes, fields: Sequence[tuple[str, str, tuple[float, ...]]]) -> bytes:
    """The PDF with fillable text fields (AcroForm widgets, filled in) on its first page.

    A filled-in value lives in the field, not in the page's text; the gate's
    expected words are the printed labels, which every extractor must keep.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    page = writer.pages[0]
    widgets = ArrayObject()
    for name, value, rect in fields:
        widget = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/T"): TextStringObject(name),
            NameObject("/V"): TextStringObject(value),
            NameObject("/DA"): TextStringObject("/Helv 10 Tf 0 g"),
            NameObject("/Rect"): ArrayObject(FloatObject(v) for v in rect),
            NameObject("/F"): NumberObject(4),
            NameObject("/P"): page.indirect_reference,
        })
        widgets.append(writer._add_object(widget))
    page[NameObject("/Annots")] = widgets
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}))
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(DictionaryObject({
        NameObject("/Fields"): ArrayObject(widgets),
        NameObject("/NeedAppearances"): BooleanObject(True),
        NameObject("/DA"): TextStringObject("/Helv 10 Tf 0 g"),
        NameObject("/DR"): DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/Helv"): font})}),
    }))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _form(pdf, gen: _Words, *, fillable: bool) -> tuple[Pages, list]:
    """A one-page form: labels with blanks and check boxes; fillable fields over the blanks."""
    pdf.add_page()
    title = gen.sentence(5)
    pdf.set_font_size(14)
    pdf.text(54, 72, title)
    pdf.set_font_size(10)
    page = words(title)
    fields = []
    y = 110.0
    for index in range(14):
        label = " ".join(w.capitalize() for w in gen.take(gen.rng.randrange(1, 4))) + ":"
        pdf.text(54, y, label)
        pdf.line(220, y + 2, pdf.w - 54, y + 2)
        page += words(label)
        fields.append((f"field{index}", " ".join(gen.take(2)),
                       (220, pdf.h - y - 2, pdf.w - 54, pdf.h - y + 12)))
        y += 26
    for _ in range(4):
        pdf.rect(54, y - 9, 10, 10)
        option = " ".join(gen.take(3))
        pdf.text(72, y, option)
        page += words(option)
        y += 22
    return [page], fields if fillable else []


def _minipdf_long(gen: _Words, pages: int) -> tuple[bytes, Pages]:
    """A long report written by bench/minipdf.py (fpdf2 lays out ~100 pages/s; this is instant)."""
    bodies, headers, expected = [], [], []
    pool: list[tuple[PageBody, list[str]]] = []
    for _ in range(20):
        lines = [" ".join(gen.take(11)) for _ in range(44)]
        pool.append((PageBody.from_lines(lines), [w for line in lines for w in words(line)]))
    for index in range(pages):
        body, body_words = pool[index % len(pool)]
        header = f"Long report page {index + 1} of {pages}"
        headers.append(header)
        bodies.append(body)
        expected.append(words(header) + body_words)
    data = write_pdf(headers, bodies, title="Synthetic long report", author="bench")
    return data, expected


def build_corpus(*, seed: int = 18, long_pages: int = 400,
                 report_pages: int = 50) -> list[CorpusPdf]:
    """The corpus: 37 generated PDFs of every kind above (two of them stress cases).

    One is ``long_pages`` long, two are ``report_pages`` long (laid out by
    fpdf2, the slowest part of building the corpus; the test asks for fewer).
    """
    rng = random.Random(seed)
    ttf = ttf_font()
    english, spanish = _Words(rng, ENGLISH), _Words(rng, SPANISH)
    ligature = _Words(rng, ENGLISH + LIGATURE_WORDS * 3)
    mixed = _Words(rng, ENGLISH + SPANISH)
    corpus: list[CorpusPdf] = []

    def add(name: str, kind: str, make: Callable[..., Pages], *, font: str = "helvetica",
            use_ttf: bool = False, rotate: Sequence[int] = (), stress: bool = False,
            **options) -> None:
        pdf, _ = _fpdf(font, ttf if use_ttf else None)
        expected = make(pdf, **options)
        data = _bytes(pdf)
        if rotate:
            data = _rotate_pages(data, rotate)
        corpus.append(CorpusPdf(f"{len(corpus) + 1:02d}-{name}.pdf", kind, data, expected,
                                stress))

    add("one-column", "one column", _paragraphs, gen=english, pages=3)
    add("one-column-serif", "one column, Times", _paragraphs, font="times", gen=english, pages=2)
    add("one-column-ttf", "one column, embedded TrueType", _paragraphs, use_ttf=True,
        gen=english, pages=3)
    add("justified", "justified text (word spacing)", _paragraphs, gen=english, pages=3,
        align="J")
    add("figures", "numbers, money, dates, punctuation", _paragraphs, gen=english, pages=2,
        figures=True)
    add("small-print", "7 pt text", _paragraphs, gen=english, pages=2, size=7, per=90)
    add("large-print", "18 pt text", _paragraphs, gen=english, pages=2, size=18, per=20,
        paragraphs=3)
    add("two-columns", "two columns", _columns, gen=english, pages=3, columns=2)
    add("two-columns-es", "two columns, Spanish", _columns, gen=spanish, pages=3, columns=2)
    add("two-columns-ttf", "two columns, TrueType", _columns, use_ttf=True, gen=mixed, pages=2,
        columns=2)
    add("three-columns", "three columns", _columns, gen=english, pages=2, columns=3, per=30)
    add("table", "table of words", _table, gen=english, pages=2)
    add("table-numbers", "table of numbers", _table, gen=english, pages=2, numeric=True)
    add("table-wide", "wide table, 7 columns", _table, gen=english, pages=1, cols=7, rows=25)
    add("table-es", "table, Spanish", _table, use_ttf=True, gen=spanish, pages=2)
    add("spanish", "Spanish with accents, core font", _paragraphs, gen=spanish, pages=3)
    add("spanish-ttf", "Spanish with accents, TrueType", _paragraphs, use_ttf=True, gen=spanish,
        pages=3)
    add("bilingual", "English and Spanish mixed", _paragraphs, use_ttf=True, gen=mixed, pages=2)
    if ttf is not None:
        add("ligatures", "fi/fl/ff ligature glyphs", _ligatures, use_ttf=True, gen=ligature,
            pages=3)
        add("ligatures-columns", "ligature glyphs in two columns", _columns, use_ttf=True,
            gen=_Words(rng, [_ligature_text(w) for w in LIGATURE_WORDS]), pages=2, columns=2)
    # Helvetica's space is 2.78 pt at 10 pt; PDFium breaks words from about 2.1 pt.
    add("placed-words", "words placed one by one, a space apart", _placed_words, gen=english,
        pages=2, gap=2.8)
    add("placed-words-tight", "words placed one by one, 0.8 space apart", _placed_words,
        gen=english, pages=2, gap=2.2)
    add("letter-spaced", "letters placed one by one (1 pt tracking)", _letters_spaced,
        gen=english, pages=2, tracking=1.0, word_gap=3.8)
    add("stress-placed-words", "stress: words placed 0.6 space apart", _placed_words,
        stress=True, gen=english, pages=1, gap=1.6)
    add("stress-letter-spaced", "stress: letters 1.5 pt apart, words 6 pt", _letters_spaced,
        stress=True, gen=english, pages=1, tracking=1.5, word_gap=8.8)
    add("scanned", "scanned pages, image only (no text)", _scanned, gen=english, pages=3,
        ttf=ttf, ocr=False)
    add("scanned-ocr", "scanned pages with invisible OCR text", _scanned, gen=english, pages=3,
        ttf=ttf, ocr=True)
    # A scan in the middle of a text document: the text pages must not shift.
    pdf, _ = _fpdf()
    expected = _paragraphs(pdf, english, 2)
    expected += _scanned(pdf, english, 1, ttf, ocr=False)
    expected += _paragraphs(pdf, english, 2)
    corpus.append(CorpusPdf(f"{len(corpus) + 1:02d}-text-and-scan.pdf",
                            "text pages around an image-only page", _bytes(pdf), expected))
    add("rotated-90", "pages rotated 90°", _paragraphs, gen=english, pages=2, rotate=[90])
    add("rotated-mixed", "pages rotated 0/90/180/270°", _paragraphs, gen=english, pages=4,
        rotate=[0, 90, 180, 270])
    add("rotated-columns", "two columns on pages rotated 270°", _columns, gen=english, pages=2,
        columns=2, rotate=[270])
    add("rotated-block", "a text block turned 90° on the page", _rotated_text, gen=english,
        pages=2)
    for fillable in (False, True):
        pdf, _ = _fpdf()
        expected, fields = _form(pdf, english, fillable=fillable)
        data = _bytes(pdf)
        if fields:
            data = _with_form_fields(data, fields)
        name = "form-fillable" if fillable else "form-printed"
        kind = "fillable form (filled-in fields)" if fillable else "printed form"
        corpus.append(CorpusPdf(f"{len(corpus) + 1:02d}-{name}.pdf", kind, data, expected))
    add("medium-report", "a report, one column", _paragraphs, gen=english, pages=report_pages,
        paragraphs=3)
    add("medium-report-es", "a report, Spanish, TrueType", _paragraphs, use_ttf=True,
        gen=spanish, pages=max(1, report_pages * 4 // 5), paragraphs=3)
    data, expected = _minipdf_long(english, long_pages)
    corpus.append(CorpusPdf(f"{len(corpus) + 1:02d}-long-report.pdf",
                            f"very long ({long_pages} pages)", data, expected))
    return corpus


def real_pdfs(limit: int = 6) -> list[Path]:
    """Real PDFs installed on this machine (package documentation), if any: bench only.

    They are not generated, so only the bench reads them (a test must not
    depend on what a machine happens to have installed), and their reference
    is PDFium's reading of them.
    """
    found: list[Path] = []
    for folder in (Path("/usr/share/doc"), Path("/usr/share")):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.pdf")):
            if path.is_file() and not path.is_symlink() and path.stat().st_size < 5_000_000 \
                    and path not in found:
                found.append(path)
            if len(found) >= limit:
                return found
    return found


def write_corpus(folder: Path, corpus: Sequence[CorpusPdf]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for item in corpus:
        path = folder / item.name
        path.write_bytes(item.data)
        paths.append(path)
    return paths
