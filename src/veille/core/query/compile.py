"""From a query tree to one SQL condition over `items i JOIN feeds f`, as structure.

Free text goes to the FTS5 index (`items_fts`, whose rowid is the item id, tokenised with
`unicode61 remove_diacritics 2`, so `securite` finds « sécurité » without any folding here). The
positive words of one AND group become a single MATCH, which SQLite answers from the index in one
pass, and the group's column filters and excluded words join it (`("a" AND (title : "b"*)) NOT
("c")`); excluded words with no words to find, and OR groups mixing text and filters, become
separate `IN` tests. `title:`, `author:` and `note:` are FTS column filters for the same reason:
a substring scan over 100,000 rows through a Python fold function would cost far more than the
index lookup. `index_match` writes a query made only of such words and of `lang:` as one FTS5
expression besides, for counts the index answers alone.

The condition comes as parts (`veille.core.query.condition`): the index tests (`Match`, with
what a planner needs to know of each), the sets of feeds (`FeedSet`), negations and groups, and
fixed SQL. Everything user-typed travels as a bound parameter of its part; the SQL text itself
only ever holds fixed fragments.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from veille.core.query import condition as sql
from veille.core.query.condition import TRUE, FeedSet, Group, Match, Part, Seq, Sql, render
from veille.core.query.moments import moment_of
from veille.core.query.statewords import language_word, phrase
from veille.core.query.stems import Forms
from veille.core.query.syntax import Everything, Filter, Node, Not, Or, QueryError, Term, parse
from veille.core.query.tags import normalize_tag
from veille.core.text import fold, strip_controls

_WORD = re.compile(r"\w", re.UNICODE)
# One word the index answers row by row cheaply: quoted, no space, no inner quote, no prefix.
_PLAIN = re.compile(r'"[^"\s]+"')
# An excluded column filter a walk can ask about on its own.
_PLAIN_COLUMN = re.compile(r'(?:title|author|note) : "[^"]*"\*?')
# The index's forms of a free word, while a tree is compiled for a library (stemmed search).
_FORMS: ContextVar[Forms | None] = ContextVar("forms", default=None)


@dataclass(frozen=True, slots=True)
class Compiled:
    part: Part
    # The index test every result must pass, when there is one (free words): a count can
    # start from the index's hits (see `Condition.lead`) instead of collecting them into a set
    # to test each item against. It is `part` itself or one of its children.
    lead: Match | None = None
    # Whether the query names hidden items (`is:hidden`, `-is:hidden`): only then are they
    # not left out of the list.
    hidden: bool = False

    @property
    def where(self) -> str:
        return render(self.part)[0]

    @property
    def params(self) -> tuple[object, ...]:
        return render(self.part)[1]

    @property
    def leads_with_words(self) -> bool:
        return self.lead is not None


def compile_query(query: str, now: datetime | None = None) -> Compiled:
    """The condition for `query`; `now` anchors relative dates (`since:7d`). Raises QueryError."""
    return compile_tree(parse(query), now or datetime.now(UTC))


def compile_tree(tree: Node, now: datetime, forms: Forms | None = None) -> Compiled:
    """`tree` as a condition; `forms` gives the indexed forms of a free word, which are then
    searched beside it (`veille.core.query.stems`)."""
    if forms is not None:
        token = _FORMS.set(forms)
        try:
            return compile_tree(tree, now)
        finally:
            _FORMS.reset(token)
    part = _part(tree, now)
    return Compiled(part, _lead(tree, part), names_hidden(tree))


def _lead(tree: Node, part: Part) -> Match | None:
    """The index test `_part` put first in `part`, when every result must pass it."""
    if not _leads_with_words(tree):
        return None
    if isinstance(part, Match):  # a word, or alternative words
        return part
    assert isinstance(part, Group) and isinstance(part.children[0], Match)
    return part.children[0]  # a group's words come first


def _leads_with_words(tree: Node) -> bool:
    """Whether `_part` put an index test every result must pass first in the condition."""
    if isinstance(tree, Term):
        return _fts_term(tree) is not None
    if isinstance(tree, Or):
        return _fts_either(tree) is not None
    if isinstance(tree, (Everything, Filter, Not)):
        return False
    return any(
        (isinstance(c, Term) and _fts_term(c)) or (isinstance(c, Or) and _fts_either(c))
        for c in tree.children
    )


def names_hidden(tree: Node) -> bool:
    """Whether `is:hidden` appears anywhere in `tree`, negated or not."""
    if isinstance(tree, Filter):
        return tree.name == "is" and tree.value == "hidden"
    if isinstance(tree, Not):
        return names_hidden(tree.child)
    if isinstance(tree, (Term, Everything)):
        return False
    return any(names_hidden(c) for c in tree.children)


def _fts_string(text: str) -> str:
    """An FTS5 string literal: double quotes, with inner quotes doubled, no control characters."""
    return '"' + strip_controls(text).replace('"', '""') + '"'


def _fts_term(term: Term) -> str | None:
    """The FTS5 expression for one term, or None when it holds no searchable character."""
    if not _WORD.search(strip_controls(term.text)):
        return None
    exact = _fts_string(term.text) + ("*" if term.prefix else "")
    forms = _FORMS.get()
    if forms is None or term.phrase:
        return exact
    if term.prefix:
        # The words the prefix covers, as alternatives, which the index reads lazily (see
        # `veille.core.library._vocabulary`); none or too many: the prefix itself.
        words = forms(term.text + "*").get("*")
        return " OR ".join(_fts_string(w) for w in words) if words else exact
    return _with_forms(exact, forms(term.text))


def _with_forms(exact: str, forms: Mapping[str, Sequence[str]]) -> str:
    """`exact` or the other forms of its word, each language's only in the items not of the
    other language (an item of neither may be written in both)."""
    french, english = set(forms.get("fr", ())), set(forms.get("en", ()))
    either = [exact, *(_fts_string(w) for w in sorted(french & english))]
    for own, other, language in ((french, english, "en"), (english, french, "fr")):
        alone = sorted(own - other)
        if alone:
            words = " OR ".join(_fts_string(w) for w in alone)
            either.append(f"(({words}) NOT {phrase(language_word(language))})")
    return " OR ".join(either)


def _fts_column(column: str, value: str) -> str | None:
    """`value` searched within one FTS column; the last word may be a prefix (`title:secu`)."""
    if not _WORD.search(strip_controls(value)):
        return None
    if value.endswith("*"):
        return f"{column} : {_fts_string(value.rstrip('*'))}*"
    return f"{column} : {_fts_string(value)}*"


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _language_is(column: str) -> str:
    """`column` equals a language tag or one of its subtags (three parameters)."""
    return (
        f"({column} = ? COLLATE NOCASE OR ({column} >= ? COLLATE NOCASE "
        f"AND {column} < ? COLLATE NOCASE))"
    )


def _prefix_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%"


def _plain(expression: str) -> bool:
    return _PLAIN.fullmatch(expression) is not None


def _plain_words(expression: str) -> bool:
    """Whether a word or alternative words (`a OR b`) are plain words each."""
    return all(_plain(word) for word in expression.split(" OR "))


def _words(expression: str) -> Match:
    """The test of a word or of alternative words (`a OR b`)."""
    plain = _plain_words(expression)
    return Match(expression, plain=plain, probe=(expression, ()) if plain else None)


def _part(node: Node, now: datetime) -> Part:
    if isinstance(node, Everything):
        return TRUE
    if isinstance(node, Term):
        expression = _fts_term(node)
        if expression is None:
            return TRUE  # punctuation only: nothing to look for, so it narrows nothing
        return _words(expression)
    if isinstance(node, Filter):
        return _filter(node, now)
    if isinstance(node, Not):
        if isinstance(node.child, Term) and _fts_term(node.child) is None:
            return TRUE  # punctuation only: nothing to look for, so nothing to exclude either
        return sql.Not(_part(node.child, now))
    if isinstance(node, Or):
        either = _fts_either(node)
        if either is not None:
            return _words(either)
        return Group(" OR ", tuple(_part(c, now) for c in node.children))
    # And: the positive free words (and groups of alternative words) together in one MATCH,
    # everything else on its own. Column filters (`author:`) join the words when there are
    # some: the index intersects them itself, where two MATCHes would each gather its hits
    # (`author:rédaction securite` on 100,000 items: ~140 → 31 ms for the first rows).
    terms = [e for c in node.children if isinstance(c, Term) and (e := _fts_term(c))]
    eithers = [e for c in node.children if isinstance(c, Or) and (e := _fts_either(c))]
    # A word searched with its other forms is alternative words too.
    eithers += [t for t in terms if " OR " in t]
    terms = [t for t in terms if " OR " not in t]
    words = terms + [f"({e})" for e in eithers]
    plain = all(_plain(t) for t in terms) and all(_plain_words(e) for e in eithers)
    merged = [c for c in node.children if words and _fts_filter(c)]
    words += [f"({_fts_filter(c)})" for c in merged]
    plain = plain and not merged
    # Excluded words too: FTS5's NOT takes them out of the hits in the index itself, where a
    # separate test first gathered every item that has them (`securite -climat`, counted on
    # 100,000 items: 74 → 10 ms).
    excluded = [c for c in node.children if words and _fts_excluded(c)]
    merged += excluded
    parts: list[Part] = []
    if words:
        match = " AND ".join(words)
        if excluded:
            outs = [e for c in excluded if (e := _fts_excluded(c))]
            # A walk asks about the words, then about each excluded one (see `Match.probe`).
            alone = all(_plain_words(e) or _PLAIN_COLUMN.fullmatch(e) for e in outs)
            probe = (match, tuple(outs)) if plain and alone else None
            parts.append(Match(f"({match})" + "".join(f" NOT ({e})" for e in outs), probe=probe))
        else:
            parts.append(Match(match, plain=plain, probe=(match, ()) if plain else None))
    for child in node.children:
        if isinstance(child, Term) or (isinstance(child, Or) and _fts_either(child)):
            continue
        if any(child is m for m in merged):
            continue
        parts.append(_part(child, now))
    return Group(" AND ", tuple(parts)) if parts else TRUE


def index_match(tree: Node, universe: str, forms: Forms | None = None) -> str | None:
    """The whole query as one FTS5 expression over the items `universe` holds, or None when a
    part of it is not a question for the search index (tags, flags, dates, feeds).

    The search index knows an item's words and, in its `state` column, its language and which
    lists show it (`veille.core.query.statewords`): a query made of those alone is counted by the
    index, without visiting an item row. It means what `compile_tree` means for every item in
    `universe`, down to the words without a letter or digit that narrow nothing.
    """
    if forms is not None:
        token = _FORMS.set(forms)
        try:
            return index_match(tree, universe)
        finally:
            _FORMS.reset(token)
    if isinstance(tree, Everything):
        return universe
    if isinstance(tree, Term):
        return _fts_term(tree) or universe
    if isinstance(tree, Filter):
        if tree.name in ("title", "author", "note"):
            return _fts_column(tree.name, tree.value) or universe
        if tree.name == "lang" and "-" not in tree.value:
            return phrase(language_word(tree.value))
        return None
    if isinstance(tree, Not):
        if isinstance(tree.child, Term) and _fts_term(tree.child) is None:
            return universe  # as `_part`: nothing to look for, so nothing to exclude either
        child = index_match(tree.child, universe)
        return None if child is None else f"({universe}) NOT ({child})"
    parts = [index_match(c, universe) for c in tree.children]
    if any(p is None for p in parts):
        return None
    joiner = " OR " if isinstance(tree, Or) else " AND "
    return joiner.join(f"({p})" for p in parts)


def _fts_excluded(node: Node) -> str | None:
    """The FTS5 expression a `-word`, `-(a OR b)` or `-title:x` excludes, else None."""
    if not isinstance(node, Not):
        return None
    child = node.child
    if isinstance(child, Term):
        return _fts_term(child)
    if isinstance(child, Or):
        return _fts_either(child)
    return _fts_filter(child)


def _fts_filter(node: Node) -> str | None:
    """The FTS5 expression of a `title:`, `author:` or `note:` filter, else None."""
    if isinstance(node, Filter) and node.name in ("title", "author", "note"):
        return _fts_column(node.name, node.value)
    return None


def _fts_either(node: Or) -> str | None:
    """One FTS5 expression for alternatives that are all free words, else None."""
    terms = [_fts_term(c) for c in node.children if isinstance(c, Term)]
    if len(terms) == len(node.children) and all(terms):
        return " OR ".join(t for t in terms if t)
    return None


def _filter(node: Filter, now: datetime) -> Part:
    name, value = node.name, node.value
    if name == "tag":
        tag = normalize_tag(value)
        # A set membership, not a per-row EXISTS: the tag's items are found once through the
        # tag index, and each list row is a lookup in that set.
        return sql.IdSet(
            "SELECT it.item_id FROM item_tags it JOIN tags t ON t.id = it.tag_id "
            "WHERE t.name = ? OR t.name LIKE ? ESCAPE '\\'",
            (tag, _prefix_like(tag)),
        )
    if name == "is":
        if value in ("paywalled", "failed"):
            # The page gave a teaser only; the page could not be fetched or read.
            return sql.IdSet("SELECT item_id FROM full_texts WHERE state = ?", (value,))
        return Sql(
            {
                "starred": "i.starred = 1",
                "unread": "i.read = 0",
                "read": "i.read = 1",
                "truncated": "i.truncated = 1",
                "hidden": "i.hidden = 1",
                "fulltext": "i.has_full_text = 1",
            }[value]
        )
    if name == "has":
        if value == "note":
            return sql.IdSet("SELECT item_id FROM notes WHERE body != ''")
        if value == "tag":
            return sql.IdSet("SELECT item_id FROM item_tags")
        return Sql(
            {
                "fulltext": "i.has_full_text = 1",
                # Exactly the WHERE of the `items_enclosed` index, which SQLite then walks.
                "enclosure": "i.enclosures != '[]'",
            }[value]
        )
    if name in ("title", "author", "note"):
        expression = _fts_column(name, value)
        return TRUE if expression is None else Match(expression)
    if name == "feed":
        folded = _like(fold(value))
        # The URL first and a user title only where there is one: folding is a Python call.
        return FeedSet(
            "url LIKE ? ESCAPE '\\' OR veille_fold(title) LIKE ? ESCAPE '\\' "
            "OR (user_title != '' AND veille_fold(user_title) LIKE ? ESCAPE '\\')",
            (_like(value), folded, folded),
        )
    if name == "folder":
        folded = fold(value.strip("/"))
        # `walk`: a folder holds many feeds, so the list is walked in its order and each item
        # tested against the set, rather than gathered feed by feed and sorted.
        return FeedSet(
            "folder_id IN (SELECT id FROM folders "
            "WHERE veille_fold(path) = ? OR veille_fold(path) LIKE ? ESCAPE '\\')",
            (folded, _prefix_like(folded)),
            walk=True,
        )
    if name in ("since", "before"):
        moment = moment_of(value, now)
        return Sql("i.sort_ts >= ?" if name == "since" else "i.sort_ts < ?", (moment,))
    if name == "lang":
        # An item's own language wins over its feed's; `fr` also matches `fr-FR`. Language tags
        # are ASCII, so NOCASE comparisons (`fr-` ≤ tag < `fr.` is "starts with fr-") test each
        # row without a function call: lower() and LIKE on every hit doubled the cost of
        # counting a common word's hits. The feeds' side, for items stored without a language,
        # is a set of feed ids worked out once.
        tag = value.lower()
        bounds = (tag, f"{tag}-", f"{tag}.")
        return Seq(
            (
                Sql("CASE i.language WHEN '' THEN "),
                FeedSet(_language_is("language"), bounds, walk=True),
                Sql(f" ELSE {_language_is('i.language')} END", bounds),
            )
        )
    if name == "id":
        return Sql("i.id = ?", (int(value),))
    raise QueryError(f"unknown filter `{name}:`", 1)  # pragma: no cover - the parser checks
