"""Word forms for stemmed search: `amendes` finds « amende », `sanctionné` finds « sanctions ».

The search index keeps words as written (accents folded); stemming happens when a query is
asked, against the index's own vocabulary: the indexed words that share a free word's Snowball
stem, in French or in English, are searched beside it, each language's forms only in items not
of the other language. Nothing is stemmed when items are stored, so refreshing costs nothing
more and whatever text the index holds is searchable by its forms. A quoted word or phrase and a
`prefix*` stay exact; the compiler never asks for their forms.

Stems are taken of folded words on both sides (the index holds « securite », not « sécurité »),
so both sides fold and stem alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from typing import Protocol

from veille.core.text import fold

__all__ = ["LANGUAGES", "MIN_LENGTH", "Forms", "candidates", "related", "stem"]

LANGUAGES = {"fr": "french", "en": "english"}
MIN_LENGTH = 4
"""Shorter words are searched as written: their stems say too little (« as », « les »)."""
_ONE_WORD = re.compile(r"\w+")

Forms = Callable[[str], Mapping[str, Sequence[str]]]
"""A word → the other forms the index holds, by language ("fr", "en")."""


class _Stemmer(Protocol):
    def stemWord(self, word: str) -> str: ...


@cache
def _stemmer(language: str) -> _Stemmer:
    """Snowball's own C stemmers (PyStemmer) when installed: loaded in a millisecond and
    twenty times faster than the pure-Python ones, whose package loads thirty languages
    (a quarter of a second before a command's first stemmed search). Both give the same stems."""
    stemmer: _Stemmer
    try:
        import Stemmer  # type: ignore[import-not-found]  # only when a search is stemmed
    except ImportError:
        import snowballstemmer  # type: ignore[import-untyped]

        stemmer = snowballstemmer.stemmer(LANGUAGES[language])
    else:
        stemmer = Stemmer.Stemmer(LANGUAGES[language])
    return stemmer


@cache
def stem(word: str, language: str) -> str:
    """The Snowball stem of a folded `word` in `language`."""
    return _stemmer(language).stemWord(word)


def candidates(word: str) -> tuple[str, str] | None:
    """The folded word and the prefix every indexed form sharing one of its stems starts with,
    or None when the word is not one to stem (short, several words, digits)."""
    folded = fold(word)
    if len(folded) < MIN_LENGTH or not _ONE_WORD.fullmatch(folded) or folded.isdigit():
        return None
    prefix = folded
    for language in LANGUAGES:
        stemmed = stem(folded, language)
        while not stemmed.startswith(prefix):
            prefix = prefix[:-1]
    return (folded, prefix) if len(prefix) >= MIN_LENGTH - 1 else None


def related(folded: str, vocabulary: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The words of `vocabulary` other than `folded` that share its stem, by language."""
    words = [w for w in vocabulary if w != folded]
    return {
        language: tuple(w for w in words if stem(w, language) == stem(folded, language))
        for language in LANGUAGES
    }
