"""The part of a PDF's text the search index keeps (used by the PDF worker and search).

The first ``PDF_HEAD_WORDS`` words are kept as written (search excerpts quote
them); after these, each further distinct word is kept once. Every word of a
PDF stays findable, while a word that fills a long PDF no longer makes its
index chunk grow with every repetition (at 10,000 resources that chunk alone
passed 200 KB).

Search hits say on which page of the PDF they are, so the text is kept page
by page (``searchable_pages``, pages joined by ``PAGE_BREAK``): after the head,
a word is kept once on each page it is on, on its first ``PAGES_PER_WORD``
pages only. A result shows at most that many page entries, and a word's cost
in the index stays bounded however many pages repeat it.

It runs in the PDF worker, so its result is computed in parallel and cached
with the PDF's other facts: done in the build process it cost 8 s of a
1,000-resource build (bench/, cProfile).
"""

from __future__ import annotations

PDF_HEAD_WORDS = 1000
# A search result lists at most this many pages of its PDF (docs/assets/javascripts/search.js).
PAGES_PER_WORD = 3
# Between pages in the indexed text: a form feed, as pdftotext writes it; page
# text never holds one (control characters become spaces when it is read).
PAGE_BREAK = "\f"
_PUNCTUATION = ".,;:!?()[]{}\"'“”‘’«»…-–—"


def searchable_text(text: str, head_words: int = PDF_HEAD_WORDS) -> str:
    """The first ``head_words`` words as written, then every later word not seen yet, once."""
    words = text.split()
    if len(words) <= head_words:
        return " ".join(words)
    seen = {_word_key(w) for w in dict.fromkeys(words[:head_words])}
    tail = []
    # dict.fromkeys drops repeats of the same spelling at C speed, in order; a
    # repeat's key is always already in `seen`, so the result is unchanged.
    for word in dict.fromkeys(words[head_words:]):
        key = _word_key(word)
        if key and key not in seen:
            seen.add(key)
            tail.append(word)
    return " ".join(words[:head_words] + tail)


def searchable_pages(pages: list[str], head_words: int = PDF_HEAD_WORDS,
                     pages_per_word: int = PAGES_PER_WORD) -> list[str]:
    """Each page's indexed text, "" for a page without any.

    The document's first ``head_words`` words stay as written, on their pages.
    After them, each page keeps each of its words once, unless that word was
    already kept on ``pages_per_word`` earlier pages.
    """
    kept_on: dict[str, int] = {}  # word key -> pages it is kept on so far
    head_left = head_words
    result = []
    for text in pages:
        words = text.split()
        head, rest = words[:head_left], words[head_left:]
        head_left -= len(head)
        here = {key for key in map(_word_key, head) if key}
        tail = []
        for word in dict.fromkeys(rest):  # repeats of one spelling dropped at C speed
            key = _word_key(word)
            if key and key not in here and kept_on.get(key, 0) < pages_per_word:
                here.add(key)
                tail.append(word)
        for key in here:
            kept_on[key] = kept_on.get(key, 0) + 1
        result.append(" ".join(head + tail))
    return result


def _word_key(word: str) -> str:
    return word.strip(_PUNCTUATION).casefold()
