"""What the item list is looking at: a view (a feed, a folder, a tag…) narrowed by a query.

Both become one condition over `items i JOIN feeds f`, as parts (`veille.core.query.condition`)
that `_plans` reads and rewrites. The query language lives in `veille.core.query`; this module
only adds the view's own narrowing and the rule that hidden items stay out of sight unless the
query names them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from veille.core.query import compile_tree, parse
from veille.core.query.compile import index_match
from veille.core.query.condition import (
    TRUE,
    Group,
    Match,
    Part,
    Sql,
    conjunction,
    render,
)
from veille.core.query.statewords import EVERY, KEPT, SHOWN, phrase
from veille.core.query.stems import Forms
from veille.core.query.syntax import Filter


@dataclass(frozen=True, slots=True)
class View:
    """One entry of the feeds pane. All fields empty: every item."""

    feed_id: int | None = None
    folder: str | None = None
    tag: str | None = None
    unread_only: bool = False
    starred_only: bool = False
    saved_search_id: int | None = None
    rule_id: int | None = None
    # Items an unread-only view lists though they are read: those read while the reader was
    # on it, so that the row under the cursor stays the one just read until the view is left.
    kept: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Lead:
    """The free words every result must match (`match`), and the condition without them
    (`rest`): counting from the FTS index's hits, one probe of a narrow index each, is cheaper
    than building the set of hits first (100,000 hits: ~25 ms instead of ~50)."""

    match: Match
    rest: Part


@dataclass(frozen=True, slots=True)
class Condition:
    part: Part
    # `part` as SQL and its parameters, planned by nothing but SQLite.
    sql: str
    params: tuple[object, ...]
    lead: Lead | None = None
    # An FTS5 expression for the items this list can show at all, hidden ones and stories'
    # other sources aside (see `veille.core.query.statewords`): every item the condition selects
    # has it. `index` is the whole condition as one, when the search index can answer it
    # alone (words, columns, languages: `veille.core.query.compile.index_match`).
    scope: str = phrase(EVERY)
    index: str | None = None
    # `index` without `scope`: None when the list is the whole scope (no words at all).
    words: str | None = None


def tag_condition(name: str) -> Part:
    """Items tagged `name` or one of its child tags (`cnil` also finds `cnil/sanctions`)."""
    return compile_tree(Filter("tag", name), datetime.now(UTC)).part


def folder_condition(path: str) -> Part:
    """Items of feeds in folder `path` or one of its subfolders."""
    return compile_tree(Filter("folder", path), datetime.now(UTC)).part


def build_where(
    query: str,
    view: View | None,
    *,
    extra_queries: tuple[str, ...] = (),
    now: datetime | None = None,
    collapse: bool = False,
    forms: Forms | None = None,
) -> Condition:
    """The condition for `query` within `view` (raises veille.core.query.QueryError)."""
    parts: list[Part] = []
    moment = now or datetime.now(UTC)
    wants_hidden = False
    lead: tuple[Match, int, Part] | None = None  # the first query's words, where, and the rest
    trees = []
    for text in (query, *extra_queries):
        if text and text.strip():
            trees.append(tree := parse(text))
            compiled = compile_tree(tree, moment, forms)
            if lead is None and compiled.lead is not None:
                lead = (compiled.lead, len(parts), _without_lead(compiled.part, compiled.lead))
            parts.append(Group(" AND ", (compiled.part,)))
            wants_hidden = wants_hidden or compiled.hidden
    if view is not None:
        if view.feed_id is not None:
            parts.append(Sql("i.feed_id = ?", (view.feed_id,)))
        if view.folder is not None:
            parts.append(folder_condition(view.folder))
        if view.tag is not None:
            parts.append(tag_condition(view.tag))
        if view.unread_only:
            parts.append(_unread_or_kept(view.kept))
        if view.starred_only:
            parts.append(Sql("i.starred = 1"))
    heads = collapse and (view is None or view.feed_id is None)
    if not wants_hidden:
        parts.append(Sql("i.hidden = 0"))
    if heads:
        # A story told by several feeds shows once, on its oldest item, except in a feed's
        # own view where each feed shows what it published.
        parts.append(Sql("i.cluster_head = 1"))
    # The state word that says exactly what the two tests above say. "A story's first item,
    # hidden or not" has none: `EVERY` holds those items and more, which a superset may.
    scope, exact = {
        (False, False): (KEPT, True),
        (False, True): (SHOWN, True),
        (True, False): (EVERY, True),
        (True, True): (EVERY, False),
    }[(wants_hidden, heads)]
    part = conjunction(parts)
    found = None
    if lead is not None:
        match, at, without = lead
        found = Lead(
            match, conjunction([*parts[:at], Group(" AND ", (without,)), *parts[at + 1 :]])
        )
    index = words = None
    narrows = view is not None and (
        view.feed_id is not None
        or view.folder is not None
        or view.tag is not None
        or view.unread_only
        or view.starred_only
    )  # a saved search's or a rule's query is among `trees`
    if exact and not narrows:
        matches = [index_match(tree, phrase(scope), forms) for tree in trees]
        if all(m is not None for m in matches):
            index = " AND ".join(f"({m})" for m in (phrase(scope), *matches))
            words = " AND ".join(f"({m})" for m in matches) or None
    return Condition(part, *render(part), found, phrase(scope), index, words)


def _unread_or_kept(kept: frozenset[int]) -> Sql:
    if not kept:
        return Sql("i.read = 0")
    marks = ", ".join("?" * len(kept))
    return Sql(f"(i.read = 0 OR i.id IN ({marks}))", tuple(sorted(kept)))


def _without_lead(part: Part, lead: Match) -> Part:
    """`part` with its leading words taken as true (the compiler puts them first)."""
    if part is lead:
        return TRUE
    assert isinstance(part, Group) and part.children[0] is lead
    return Group(part.op, (TRUE, *part.children[1:]))
