"""Titles alike: the third signal of a story, found in time linear in the new items.

Two titles are alike when most of their significant words are shared (Jaccard ≥ 0.7 and at
least four words in common), so that two different stories on the same subject stay apart.

Candidates come from an index over the window's *distinct* titles (identical titles are one
entry however many feeds carry them), keyed by pairs of each title's prefix: its rarest words in
one order shared by every title of the run, as many as hold two of the words any title alike
shares with it (the prefix filter of set-similarity joins: exact, no pair alike is missed; keyed
by pairs rather than single words because titles of one field share their words). Each new title
then reads a few short lists. An older title takes part only if enough of its words are the
new titles' words for it to be alike to one, and the order of words follows the new titles
alone: which new titles match each other never depends on the rest of the window. Titles alike
in their words still tell two stories when each names a place or someone the other does not
(« … à Lyon », « … à Lille »; `title_names`).

Two caps keep the work bounded where titles repeat heavily, and both say something true of the
titles: a pair of rare words that more than `PREFIX_LIST_CAP` distinct new titles start with
belongs to a recurring heading, and a title alike to more than `MAX_TITLE_SOURCES` items is a
rubric (« Revue de presse du 3 mars », « Météo du jour »), not one story told by that many
outlets; such titles group nothing by themselves, while links and shared openings still do.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import combinations

from veille.core.text import fold

WINDOW = 3 * 24 * 3600
TITLE_JACCARD = 0.7
TITLE_MIN_SHARED = 4
MAX_TITLE_SOURCES = 30  # items alike in title beyond this are a rubric, not one story
PREFIX_LIST_CAP = 200  # distinct titles opening with two rare words beyond this: a heading

STOPWORDS = frozenset(
    [
        "les",
        "des",
        "une",
        "dans",
        "pour",
        "par",
        "sur",
        "avec",
        "sans",
        "sous",
        "aux",
        "que",
        "qui",
        "quoi",
        "dont",
        "est",
        "sont",
        "ont",
        "ete",
        "etre",
        "fait",
        "plus",
        "moins",
        "tout",
        "tous",
        "toute",
        "cette",
        "ces",
        "son",
        "ses",
        "leur",
        "leurs",
        "mais",
        "donc",
        "car",
        "pas",
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "not",
        "but",
        "its",
        "their",
        "about",
        "into",
        "over",
        "after",
        "before",
        "under",
        "will",
        "would",
        "could",
        "should",
        "than",
        "then",
        "them",
        "they",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "how",
        "new",
        "nouveau",
        "nouvelle",
    ]
)
# Words of three characters or more: a run of word characters is matched whole or not at all,
# as `\w+` then a length test would (in one pass, in C: it runs on every title of the window).
_WORD = re.compile(r"\w{3,}")


def title_words(title: str) -> frozenset[str]:
    return frozenset(_WORD.findall(fold(title))) - STOPWORDS


# What opens a sentence of a title: a capital after it is no sign of a name.
_OPENERS = frozenset('.!?:…«"“—–')


def _opens(title: str, at: int) -> bool:
    """Whether the word at `at` opens `title` or one of its sentences: only spaces and signs
    lie before it, back to the title's start or to one of `_OPENERS`."""
    while at > 0 and not (title[at - 1].isalnum() or title[at - 1] == "_"):
        at -= 1
        if title[at] in _OPENERS:
            return True
    return at == 0


def title_names(title: str) -> frozenset[str]:
    """The folded names a title holds (« Lyon », « CNIL »): two titles alike in their words but
    each with a name the other lacks tell two stories (« … à Lyon », « … à Lille »)."""
    found = list(_WORD.finditer(title))
    capitals = [m for m in found if m.group()[0].isupper()]
    if not any(m.group()[0].islower() and len(m.group()) > 3 for m in found):
        # Title case (« Senate Passes Health Budget »): its capitals say nothing but acronyms.
        capitals = [m for m in capitals if m.group().isupper()]
    names = {fold(m.group()) for m in capitals if not _opens(title, m.start())}
    # Among the title's own words, as `title_words` reads them (folding first can join what a
    # decomposed accent splits), so that a name is always a word another title may share.
    return frozenset(names) & title_words(title)


def similar_titles(a: frozenset[str], b: frozenset[str]) -> bool:
    shared = len(a & b)
    return shared >= TITLE_MIN_SHARED and shared / (len(a) + len(b) - shared) >= TITLE_JACCARD


def prefix_length(size: int) -> int:
    """How many of a title's first words (in the shared order) hold two words of any title alike.

    A title alike shares ≥ α = max(4, ceil(0.7 × size)) words with it, the same bound holding
    from the other title's side; the words they share, in the shared order, start with the same
    two, and those lie within the first `size - α + 2` words of each.
    """
    return size - _least_shared(size) + 2


def _least_shared(size: int) -> int:
    """The fewest words a title of `size` words shares with any title alike to it."""
    return max(TITLE_MIN_SHARED, math.ceil(TITLE_JACCARD * size - 1e-9))


def _keys(words: list[str]) -> list[tuple[str, str]]:
    """The pairs of a prefix's words, each in the prefix's order: two titles alike have one in
    common."""
    return list(combinations(words, 2))


# (item id, feed id, its date)
Member = tuple[int, int, float]


def match_titles(
    titled: Iterable[tuple[int, int, float, str]],
    new_ids: set[int],
    join: Callable[[int, int], None],
) -> None:
    """Call `join(a, b)` for each new item and item of another feed whose titles are alike and
    whose dates are within `WINDOW`: `titled` is the window, (id, feed, date, title) each."""
    members: dict[frozenset[str], list[Member]] = defaultdict(list)
    fresh: set[frozenset[str]] = set()
    seen: dict[str, frozenset[str]] = {}  # outlets carrying one dispatch often keep its title
    spelled: dict[frozenset[str], str] = {}  # a title as written, for its names
    for item_id, feed_id, ts, title in titled:
        words = seen.get(title)
        if words is None:
            words = seen[title] = title_words(title)
            spelled.setdefault(words, title)
        if len(words) < TITLE_MIN_SHARED:
            continue
        members[words].append((item_id, feed_id, ts))
        if item_id in new_ids:
            fresh.add(words)
    if not fresh:
        return
    # Only titles that could be alike to a new one take part: an older title needs as many
    # words of the new titles' vocabulary as it would share with one alike.
    vocabulary: set[str] = set().union(*fresh)
    older: dict[frozenset[str], frozenset[str]] = {}
    for words in members:
        if words not in fresh:
            known = words & vocabulary
            if len(known) >= _least_shared(len(words)):
                older[words] = known
    # One order of words for every title: the rarest first among the new titles, so that
    # prefixes are short lists; words outside their vocabulary come before all others and pair
    # with nothing looked up. The order, and which pairs open too many new titles to be one
    # story's, follow the new titles alone: which of them match each other never depends on
    # what else the window holds (a large library's titles on other subjects).
    frequency: dict[str, int] = defaultdict(int)
    for words in fresh:
        for word in words:
            frequency[word] += 1

    # Each word's place in that order, computed once: sorting a title then compares integers
    # (a key looked up in C) instead of building a (frequency, word) tuple per word per title.
    rank = {w: i for i, w in enumerate(sorted(vocabulary, key=lambda w: (frequency[w], w)))}

    def keys(words: frozenset[str], known: frozenset[str]) -> list[tuple[str, str]]:
        room = prefix_length(len(words)) - (len(words) - len(known))
        return _keys(sorted(known, key=rank.__getitem__)[:room])

    names_of: dict[frozenset[str], frozenset[str]] = {}

    def names(words: frozenset[str]) -> frozenset[str]:
        found = names_of.get(words)
        if found is None:
            found = names_of[words] = title_names(spelled[words])
        return found

    keys_of = {words: keys(words, words) for words in fresh}
    new_lists: Lists = defaultdict(list)
    old_lists: Lists = defaultdict(list)
    for words, its_keys in keys_of.items():
        _file(new_lists, words, its_keys)
    for words, known in older.items():
        _file(old_lists, words, keys(words, known))
    for words in fresh:
        alike = _alike(words, keys_of[words], new_lists, old_lists)
        if alike is None:
            continue
        if sum(len(members[other]) for other in alike) > MAX_TITLE_SOURCES + 1:
            continue  # a rubric: its lookalikes are too many to be one story
        told = [m for other in _same_names(words, alike, names) for m in members[other]]
        for item_id, feed_id, ts in members[words]:
            if item_id not in new_ids:
                continue
            for other, other_feed, other_ts in told:
                if other_feed != feed_id and abs(other_ts - ts) <= WINDOW:
                    join(item_id, other)


Names = Callable[[frozenset[str]], frozenset[str]]  # a distinct title's names (`title_names`)


def _same_names(
    words: frozenset[str], alike: set[frozenset[str]], names: Names
) -> list[frozenset[str]]:
    """The titles of `alike` that tell the story of `words`.

    None that names other places or people than it does (a rival: « … à Lille » beside « … à
    Lyon »), nor one that could tell a rival's story as well (« Incendie à l'entrepôt »). And a
    title that could itself be either of two stories (« Incendie à l'entrepôt » beside both)
    joins only the titles that could be either too.
    """
    rivals = [other for other in alike if _other_names(words, other, names)]
    told = [
        other
        for other in alike
        if other not in rivals and all(_other_names(other, rival, names) for rival in rivals)
    ]
    if any(_other_names(x, y, names) for x, y in combinations(told, 2)):
        told = [other for other in told if not any(_other_names(other, x, names) for x in told)]
    return told


def _other_names(a: frozenset[str], b: frozenset[str], names: Names) -> bool:
    """Whether titles `a` and `b` (alike) each name someone or somewhere the other does not."""
    return a != b and bool(names(a) - b) and bool(names(b) - a)


Lists = dict[tuple[str, str], list[frozenset[str]]]  # distinct titles by the pairs of a prefix


def _file(lists: Lists, words: frozenset[str], keys: list[tuple[str, str]]) -> None:
    """Put `words` on the list of each of its `keys`, each list held to `PREFIX_LIST_CAP` + 1."""
    for key in keys:
        entries = lists[key]
        if len(entries) <= PREFIX_LIST_CAP:
            entries.append(words)


def _alike(
    words: frozenset[str],
    keys: list[tuple[str, str]],
    new_lists: Lists,
    old_lists: Lists,
) -> set[frozenset[str]] | None:
    """The distinct titles alike to `words` (itself included), or None for a heading's title:
    one of its pairs opens more than `PREFIX_LIST_CAP` new titles."""
    shortest = len(words) * TITLE_JACCARD - 1e-9
    longest = len(words) / TITLE_JACCARD + 1e-9
    new = [new_lists.get(key, []) for key in keys]
    if any(len(entries) > PREFIX_LIST_CAP for entries in new):
        return None
    lists = [*new, *(old_lists.get(key, []) for key in keys)]
    candidates = {other for entries in lists for other in entries}
    return {
        other
        for other in candidates
        if other is words or (shortest <= len(other) <= longest and similar_titles(words, other))
    } | {words}
