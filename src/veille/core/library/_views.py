"""What the item list is looking at: a view (a feed, a folder, a tag…) narrowed by a query.

Both become one SQL condition over `items i JOIN feeds f`. The query language lives in
`veille.core.query`; this module only adds the view's own narrowing and the rule that hidden items stay
out of sight unless the query asks for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from veille.core.query import compile_tree, parse
from veille.core.query.compile import FTS, index_match
from veille.core.query.statewords import EVERY, KEPT, SHOWN, phrase
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


@dataclass(frozen=True, slots=True)
class Condition:
    sql: str
    params: tuple[object, ...]
    # The free words every result must match, when there are some, and the condition without
    # them: counting from the FTS index's hits, one probe of a narrow index each, is cheaper
    # than building the set of hits first (100,000 hits: ~25 ms instead of ~50).
    lead: tuple[str, str, tuple[object, ...]] | None = None
    # An FTS5 expression for the items this list can show at all, hidden ones and stories'
    # other sources aside (see `veille.core.query.statewords`): every item the condition selects
    # has it. `index` is the whole condition as one, when the search index can answer it
    # alone (words, columns, languages: `veille.core.query.compile.index_match`).
    scope: str = phrase(EVERY)
    index: str | None = None


def tag_condition(name: str) -> Condition:
    """Items tagged `name` or one of its child tags (`cnil` also finds `cnil/sanctions`)."""
    return _filter_condition("tag", name)


def folder_condition(path: str) -> Condition:
    """Items of feeds in folder `path` or one of its subfolders."""
    return _filter_condition("folder", path)


def _filter_condition(name: str, value: str) -> Condition:
    compiled = compile_tree(Filter(name, value), datetime.now(UTC))
    return Condition(compiled.where, compiled.params)


def build_where(
    query: str,
    view: View | None,
    *,
    extra_queries: tuple[str, ...] = (),
    now: datetime | None = None,
    collapse: bool = False,
) -> Condition:
    """The SQL condition for `query` within `view` (raises veille.core.query.QueryError)."""
    parts: list[str] = []
    params: list[object] = []
    moment = now or datetime.now(UTC)
    wants_hidden = False
    lead_at: tuple[int, int] | None = None  # (part, parameter) where the leading MATCH is
    trees = []
    for text in (query, *extra_queries):
        if text and text.strip():
            trees.append(tree := parse(text))
            compiled = compile_tree(tree, moment)
            if compiled.leads_with_words and lead_at is None:
                lead_at = (len(parts), len(params))
            parts.append(f"({compiled.where})")
            params.extend(compiled.params)
            wants_hidden = wants_hidden or "is:hidden" in text
    if view is not None:
        if view.feed_id is not None:
            parts.append("i.feed_id = ?")
            params.append(view.feed_id)
        if view.folder is not None:
            cond = folder_condition(view.folder)
            parts.append(cond.sql)
            params.extend(cond.params)
        if view.tag is not None:
            cond = tag_condition(view.tag)
            parts.append(cond.sql)
            params.extend(cond.params)
        if view.unread_only:
            parts.append("i.read = 0")
        if view.starred_only:
            parts.append("i.starred = 1")
    heads = collapse and (view is None or view.feed_id is None)
    if not wants_hidden:
        parts.append("i.hidden = 0")
    if heads:
        # A story told by several feeds shows once, on its oldest item, except in a feed's
        # own view where each feed shows what it published.
        parts.append("i.cluster_head = 1")
    # The state word that says exactly what the two tests above say. "A story's first item,
    # hidden or not" has none: `EVERY` holds those items and more, which a superset may.
    scope, exact = {
        (False, False): (KEPT, True),
        (False, True): (SHOWN, True),
        (True, False): (EVERY, True),
        (True, True): (EVERY, False),
    }[(wants_hidden, heads)]
    lead = None
    if lead_at is not None:
        part, at = lead_at
        rest = list(parts)
        rest[part] = rest[part].replace(FTS, "1", 1)  # the first FTS test of the part is the lead
        lead = (str(params[at]), " AND ".join(rest), (*params[:at], *params[at + 1 :]))
    index = None
    narrows = view is not None and (
        view.feed_id is not None
        or view.folder is not None
        or view.tag is not None
        or view.unread_only
        or view.starred_only
    )  # a saved search's or a rule's query is among `trees`
    if exact and not narrows:
        matches = [index_match(tree, phrase(scope)) for tree in trees]
        if all(m is not None for m in matches):
            index = " AND ".join(f"({m})" for m in (phrase(scope), *matches))
    return Condition(" AND ".join(parts) or "1", tuple(params), lead, phrase(scope), index)
