"""The part of a PDF's text the search index keeps (used by the PDF worker and search).

The first ``PDF_HEAD_WORDS`` words are kept as written (search excerpts quote
them); after these, each further distinct word is kept once. Every word of a
PDF stays findable, while a word that fills a long PDF no longer makes its
index chunk grow with every repetition (at 10,000 resources that chunk alone
passed 200 KB).

Search hits say on which page of the PDF they are, so the text is kept page
by page (``searchable_pages``, pages joined by ``PAGE_BREAK``). After the head,
a word found on at most ``PAGES_PER_WORD`` pages is kept once on each of them;
a word found on more pages says little about where, and is kept once, on its
first page, as before. A result lists at most that many pages, and a word's
cost in the index stays bounded however many pages repeat it.
"""

from __future__ import annotations

PDF_HEAD_WORDS = 1000
# A search result lists at most this many pages of its PDF (docs/assets/javascripts/search.js).
PAGES_PER_WORD = 3
# Between pages in the indexed text: a line break, which page text never holds
# (its white space is collapsed to single spaces when it is read). Not a form
# feed: the PDF's facts hold no control characters (tests/hostile).
PAGE_BREAK = "\n"
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
    After them, each page keeps each of its words once when the word is on at
    most ``pages_per_word`` pages of the document; a word on more pages is
    kept only where it is first seen.
    """
    split = [text.split() for text in pages]
    # repeats of one spelling are dropped at C speed (dict.fromkeys) before keying
    keys = [{key for key in map(_word_key, dict.fromkeys(words)) if key} for words in split]
    pages_with: dict[str, int] = {}
    for on_page in keys:
        for key in on_page:
            pages_with[key] = pages_with.get(key, 0) + 1
    seen: set[str] = set()
    head_left = head_words
    result = []
    for words in split:
        head, rest = words[:head_left], words[head_left:]
        head_left -= len(head)
        here = {key for key in map(_word_key, head) if key}
        tail = []
        for word in dict.fromkeys(rest):
            key = _word_key(word)
            if key and key not in here \
                    and (key not in seen or pages_with[key] <= pages_per_word):
                here.add(key)
                tail.append(word)
        seen |= here
        result.append(" ".join(head + tail))
    return result


def _word_key(word: str) -> str:
    return word.strip(_PUNCTUATION).casefold()
