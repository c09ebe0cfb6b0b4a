"""From a query tree to one SQL condition over `items i JOIN feeds f`.

Free text goes to the FTS5 index (`items_fts`, whose rowid is the item id, tokenised with
`unicode61 remove_diacritics 2`, so `securite` finds « sécurité » without any folding here). The
positive words of one AND group become a single MATCH, which SQLite answers from the index in one
pass, and the group's column filters and excluded words join it (`("a" AND (title : "b"*)) NOT
("c")`); excluded words with no words to find, and OR groups mixing text and filters, become
separate `IN` tests. `title:`, `author:` and `note:` are FTS column filters for the same reason:
a substring scan over 100,000 rows through a Python fold function would cost far more than the
index lookup. `index_match` writes a query made only of such words and of `lang:` as one FTS5
expression besides, for counts the index answers alone.

Everything user-typed travels as a bound parameter; the SQL text itself only ever holds fixed
fragments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from veille.core.query.statewords import language_word, phrase
from veille.core.query.syntax import Everything, Filter, Node, Not, Or, QueryError, Term, parse
from veille.core.text import clean_line, fold, strip_controls

FTS = "i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)"
_WORD = re.compile(r"\w", re.UNICODE)
_UNITS = {"h": 3600.0, "d": 86400.0, "w": 7 * 86400.0, "m": 30 * 86400.0, "y": 365 * 86400.0}


@dataclass(frozen=True, slots=True)
class Compiled:
    where: str
    params: tuple[object, ...]
    # True when every result must match free words: `where` then opens with that FTS test and
    # `params` with its MATCH string, so a count can start from the index's hits (see
    # `Condition.lead`) instead of collecting them into a set to test each item against.
    leads_with_words: bool = False


def compile_query(query: str, now: datetime | None = None) -> Compiled:
    """SQL for `query`; `now` anchors relative dates (`since:7d`). Raises QueryError."""
    return compile_tree(parse(query), now or datetime.now(UTC))


def compile_tree(tree: Node, now: datetime) -> Compiled:
    params: list[object] = []
    where = _sql(tree, params, now)
    return Compiled(where, tuple(params), _leads_with_words(tree))


def _leads_with_words(tree: Node) -> bool:
    """Whether `_sql` put a MATCH every result must pass first in the condition."""
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


def normalize_tag(name: str) -> str:
    """The stored form of a tag: NFC, lower case, no `#`, `/`-separated parts without blanks.

    `Sécurité / CNIL` and `#sécurité/cnil` are the same tag. Returns "" when nothing is left.
    """
    text = clean_line(name, limit=500).lstrip("#").lower()
    parts = (" ".join(part.split()) for part in text.split("/"))
    return "/".join(part for part in parts if part)


def _fts_string(text: str) -> str:
    """An FTS5 string literal: double quotes, with inner quotes doubled, no control characters."""
    return '"' + strip_controls(text).replace('"', '""') + '"'


def _fts_term(term: Term) -> str | None:
    """The FTS5 expression for one term, or None when it holds no searchable character."""
    if not _WORD.search(strip_controls(term.text)):
        return None
    return _fts_string(term.text) + ("*" if term.prefix else "")


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


def _sql(node: Node, params: list[object], now: datetime) -> str:
    if isinstance(node, Everything):
        return "1"
    if isinstance(node, Term):
        expression = _fts_term(node)
        if expression is None:
            return "1"  # punctuation only: nothing to look for, so it narrows nothing
        params.append(expression)
        return FTS
    if isinstance(node, Filter):
        return _filter(node, params, now)
    if isinstance(node, Not):
        if isinstance(node.child, Term) and _fts_term(node.child) is None:
            return "1"  # punctuation only: nothing to look for, so nothing to exclude either
        return f"NOT ({_sql(node.child, params, now)})"
    if isinstance(node, Or):
        either = _fts_either(node)
        if either is not None:
            params.append(either)
            return FTS
        return "(" + " OR ".join(_sql(c, params, now) for c in node.children) + ")"
    # And: the positive free words (and groups of alternative words) together in one MATCH,
    # everything else on its own. Column filters (`author:`) join the words when there are
    # some: the index intersects them itself, where two MATCHes would each gather its hits
    # (`author:rédaction securite` on 100,000 items: ~140 → 31 ms for the first rows).
    words = [e for c in node.children if isinstance(c, Term) and (e := _fts_term(c))]
    words += [f"({e})" for c in node.children if isinstance(c, Or) and (e := _fts_either(c))]
    merged = [c for c in node.children if words and _fts_filter(c)]
    words += [f"({_fts_filter(c)})" for c in merged]
    # Excluded words too: FTS5's NOT takes them out of the hits in the index itself, where a
    # separate test first gathered every item that has them (`securite -climat`, counted on
    # 100,000 items: 74 → 10 ms).
    excluded = [c for c in node.children if words and _fts_excluded(c)]
    merged += excluded
    parts: list[str] = []
    if words:
        match = " AND ".join(words)
        if excluded:
            match = f"({match})" + "".join(f" NOT ({_fts_excluded(c)})" for c in excluded)
        params.append(match)
        parts.append(FTS)
    for child in node.children:
        if isinstance(child, Term) or (isinstance(child, Or) and _fts_either(child)):
            continue
        if any(child is m for m in merged):
            continue
        parts.append(_sql(child, params, now))
    return "(" + " AND ".join(parts) + ")" if parts else "1"


def index_match(tree: Node, universe: str) -> str | None:
    """The whole query as one FTS5 expression over the items `universe` holds, or None when a
    part of it is not a question for the search index (tags, flags, dates, feeds).

    The search index knows an item's words and, in its `state` column, its language and which
    lists show it (`veille.core.query.statewords`): a query made of those alone is counted by the
    index, without visiting an item row. It means what `compile_tree` means for every item in
    `universe`, down to the words without a letter or digit that narrow nothing.
    """
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
            return universe  # as `_sql`: nothing to look for, so nothing to exclude either
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


def _filter(node: Filter, params: list[object], now: datetime) -> str:
    name, value = node.name, node.value
    if name == "tag":
        tag = normalize_tag(value)
        params.extend((tag, _prefix_like(tag)))
        # A set membership, not a per-row EXISTS: the tag's items are found once through the
        # tag index, and each list row is a lookup in that set.
        return (
            "i.id IN (SELECT it.item_id FROM item_tags it JOIN tags t ON t.id = it.tag_id "
            "WHERE t.name = ? OR t.name LIKE ? ESCAPE '\\')"
        )
    if name == "is":
        return {
            "starred": "i.starred = 1",
            "unread": "i.read = 0",
            "read": "i.read = 1",
            "truncated": "i.truncated = 1",
            "hidden": "i.hidden = 1",
            "fulltext": "i.has_full_text = 1",
        }[value]
    if name == "has":
        return {
            "note": "i.id IN (SELECT item_id FROM notes WHERE body != '')",
            "fulltext": "i.has_full_text = 1",
            "tag": "i.id IN (SELECT item_id FROM item_tags)",
            # Exactly the WHERE of the `items_enclosed` index, which SQLite then walks.
            "enclosure": "i.enclosures != '[]'",
        }[value]
    if name in ("title", "author", "note"):
        expression = _fts_column(name, value)
        if expression is None:
            return "1"
        params.append(expression)
        return FTS
    if name == "feed":
        folded = _like(fold(value))
        params.extend((_like(value), folded, folded))
        # The URL first and a user title only where there is one: folding is a Python call.
        return (
            "i.feed_id IN (SELECT id FROM feeds WHERE url LIKE ? ESCAPE '\\' "
            "OR veille_fold(title) LIKE ? ESCAPE '\\' "
            "OR (user_title != '' AND veille_fold(user_title) LIKE ? ESCAPE '\\'))"
        )
    if name == "folder":
        folded = fold(value.strip("/"))
        params.extend((folded, _prefix_like(folded)))
        return (
            # `+`: a folder holds many feeds, so the list is walked in its order and each item
            # tested against the set, rather than gathered feed by feed and sorted.
            "+i.feed_id IN (SELECT id FROM feeds WHERE folder_id IN (SELECT id FROM folders "
            "WHERE veille_fold(path) = ? OR veille_fold(path) LIKE ? ESCAPE '\\'))"
        )
    if name in ("since", "before"):
        params.append(_moment(value, now, name == "before"))
        return "i.sort_ts >= ?" if name == "since" else "i.sort_ts < ?"
    if name == "lang":
        # An item's own language wins over its feed's; `fr` also matches `fr-FR`. Language tags
        # are ASCII, so NOCASE comparisons (`fr-` ≤ tag < `fr.` is "starts with fr-") test each
        # row without a function call: lower() and LIKE on every hit doubled the cost of
        # counting a common word's hits. The feeds' side, for items stored without a language,
        # is a set of feed ids worked out once.
        tag = value.lower()
        params.extend((tag, f"{tag}-", f"{tag}.") * 2)
        return (
            "CASE i.language WHEN '' THEN +i.feed_id IN (SELECT id FROM feeds WHERE "
            f"{_language_is('language')}) ELSE {_language_is('i.language')} END"
        )
    if name == "id":
        params.append(int(value))
        return "i.id = ?"
    raise QueryError(f"unknown filter `{name}:`", 1)  # pragma: no cover - the parser checks


def _moment(value: str, now: datetime, before: bool) -> float:
    """The Unix time a `since:`/`before:` value stands for.

    Ages count back from `now`; calendar days start at local midnight, which is what a reader in
    Paris means by « depuis le 1er février ». `before:2026-02` means before February began.
    """
    local_now = now.astimezone()
    if value == "today":
        start = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
        return start.timestamp()
    if value == "yesterday":
        start = local_now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
        return start.timestamp()
    if value[-1] in _UNITS and value[:-1].isdigit():
        return now.timestamp() - int(value[:-1]) * _UNITS[value[-1]]
    parts = [int(p) for p in value.split("-")]
    year, month, day = (
        parts[0],
        parts[1] if len(parts) > 1 else 1,
        parts[2] if len(parts) > 2 else 1,
    )
    try:
        return datetime(year, month, day).astimezone().timestamp()
    except (OverflowError, ValueError, OSError):
        # Years the platform cannot place in local time: fall back to UTC arithmetic.
        return (datetime(year, month, day, tzinfo=UTC)).timestamp()
