"""The part of a PDF's text the search index keeps (used by the PDF worker and search).

The first ``PDF_HEAD_WORDS`` words are kept as written (search excerpts quote
them); after these, each further distinct word is kept once. Every word of a
PDF stays findable, while a word that fills a long PDF no longer makes its
index chunk grow with every repetition (at 10,000 resources that chunk alone
passed 200 KB).

It runs in the PDF worker, so its result is computed in parallel and cached
with the PDF's other facts: done in the build process it cost 8 s of a
1,000-resource build (bench/, cProfile).
"""

from __future__ import annotations

PDF_HEAD_WORDS = 1000
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


def _word_key(word: str) -> str:
    return word.strip(_PUNCTUATION).casefold()
