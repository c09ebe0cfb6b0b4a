"""What an item is, beyond its text, written into the search index as words of its own.

Every row of `items_fts` carries, in its `state` column, a word for each kind of list the item
appears in: every item (`EVERY`), the items not hidden (`KEPT`), and those that are also the
item their story shows (`SHOWN`, the usual list); and a word for its language (its own, else
its feed's; the part before any `-`). A search for words can then be counted by the index
alone, `("securite") AND state : "…s"`, where checking each hit against the item rows cost a
B-tree probe per hit (95,000 hits: ~32 → ~12 ms); "every shown item without these words"
becomes an index question too, `state : "…s" NOT ("données")`, where it was the set of all
the items that have them; and `lang:en` joins the words it narrows.

The words start with a private-use character, which the tokenizer keeps inside a word (`Co` is
one of its word categories) and no language writes; the column filter keeps them apart from
anything a feed sends anyway. A language is written in hexadecimal, so that any tag is one word
the tokenizer leaves alone. Triggers (schema migration 6 → 7) rewrite the column whenever
`hidden`, `cluster_head` or the language change, whatever the code path; `state` here is their
expression in Python, for new rows.
"""

from __future__ import annotations

MARK = "\ue000"
EVERY = MARK + "a"
KEPT = MARK + "k"
SHOWN = MARK + "s"
LANGUAGE = MARK + "l"

# SQLite's lower() and NOCASE fold ASCII letters only; so does this.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def language_word(language: str) -> str:
    """The word for a language tag's primary part: `fr-CA` and `fr` give the same."""
    primary = language.split("-", 1)[0].translate(_ASCII_LOWER)
    return LANGUAGE + primary.encode().hex().upper()  # as SQLite's hex() writes it


def state(hidden: bool, head: bool, language: str) -> str:
    """The `state` column of an item's search row."""
    words = [EVERY, language_word(language)]
    if not hidden:
        words.append(KEPT)
        if head:
            words.append(SHOWN)
    return " ".join(words)


def phrase(word: str) -> str:
    """An FTS5 expression for the items whose state has `word`."""
    return f'state : "{word}"'
