"""A compiled search as structure: the parts of one SQL condition over `items i JOIN feeds f`.

The compiler (`veille.core.query.compile`) builds these; the library's planner reads their
fields and replaces parts by others of the same meaning (a set of feeds by its ids, an excluded
word by a question asked item by item…), then `render` writes the SQL. Every value a user typed
travels as a parameter of the part that holds it, so a part can move, or go, with its values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# The SQL of a `Match`: the items whose search row matches the one parameter.
FTS = "i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)"


@dataclass(frozen=True, slots=True)
class Sql:
    """Fixed SQL text and the values of its `?`s, in order."""

    text: str
    params: tuple[object, ...] = ()


TRUE = Sql("1")


@dataclass(frozen=True, slots=True)
class Match:
    """The items whose search row matches the FTS5 `expression`.

    `plain`: the expression is single words joined by AND and OR, which the index answers row
    by row for tens of microseconds (a phrase or a prefix costs it far more per question).
    `probe`: how a walk down the list asks about one row, the words to find and each excluded
    one apart (FTS5's NOT of the two costs four times as much asked of one row); None when the
    expression is not plain words with plain exclusions. `walk` (`+`): SQLite must test each row
    of the list against the set of hits rather than be driven by it.
    """

    expression: str
    plain: bool = False
    probe: tuple[str, tuple[str, ...]] | None = None
    walk: bool = False


@dataclass(frozen=True, slots=True)
class FeedSet:
    """The items of the feeds `SELECT id FROM feeds WHERE {where}` finds; `walk` as for
    `Match` (a folder holds many feeds: the list is walked and each item tested)."""

    where: str
    params: tuple[object, ...] = ()
    walk: bool = False


@dataclass(frozen=True, slots=True)
class IdSet:
    """The items whose id `select` (one column, never NULL) gives: a set SQLite builds once,
    each list row then a lookup in it. Excluded from a count, it can be subtracted instead
    (`veille.core.library._subtract`)."""

    select: str
    params: tuple[object, ...] = ()


@dataclass(frozen=True, slots=True)
class Not:
    child: Part


@dataclass(frozen=True, slots=True)
class Group:
    """`children` joined by `op` (" AND " or " OR "), in parentheses unless `bare`."""

    op: str
    children: tuple[Part, ...]
    bare: bool = False


@dataclass(frozen=True, slots=True)
class Seq:
    """Parts written one after the other (an SQL expression with parts inside, as `CASE`)."""

    parts: tuple[Part, ...]


Part = Sql | Match | FeedSet | IdSet | Not | Group | Seq


def conjunction(parts: list[Part]) -> Part:
    """`parts` all true, without parentheses around them: the condition's top level."""
    return Group(" AND ", tuple(parts), bare=True) if parts else TRUE


def render(part: Part) -> tuple[str, tuple[object, ...]]:
    """The SQL of `part` and its parameters."""
    params: list[object] = []
    return _write(part, params), tuple(params)


def _write(part: Part, params: list[object]) -> str:
    if isinstance(part, Sql):
        params.extend(part.params)
        return part.text
    if isinstance(part, Match):
        params.append(part.expression)
        return ("+" if part.walk else "") + FTS
    if isinstance(part, IdSet):
        params.extend(part.params)
        return f"i.id IN ({part.select})"
    if isinstance(part, FeedSet):
        params.extend(part.params)
        return f"{'+' if part.walk else ''}i.feed_id IN (SELECT id FROM feeds WHERE {part.where})"
    if isinstance(part, Not):
        return f"NOT ({_write(part.child, params)})"
    if isinstance(part, Group):
        joined = part.op.join(_write(c, params) for c in part.children)
        return joined if part.bare else f"({joined})"
    return "".join(_write(p, params) for p in part.parts)


def rewrite(part: Part, change: Callable[[Part, bool], Part | None], negated: bool = False) -> Part:
    """`part` with each part `change(part, under a negation)` gives replaced by what it gives;
    parts for which it gives None are kept, their own parts rewritten in turn."""
    changed = change(part, negated)
    if changed is not None:
        return changed
    if isinstance(part, Not):
        return Not(rewrite(part.child, change, True))
    if isinstance(part, Group):
        return Group(part.op, tuple(rewrite(c, change, negated) for c in part.children), part.bare)
    if isinstance(part, Seq):
        return Seq(tuple(rewrite(p, change, negated) for p in part.parts))
    return part


def walk(part: Part, negated: bool = False) -> list[tuple[Part, bool]]:
    """Every part within `part` (itself first), each with whether a negation is around it."""
    found: list[tuple[Part, bool]] = [(part, negated)]
    if isinstance(part, Not):
        found += walk(part.child, True)
    elif isinstance(part, Group):
        for child in part.children:
            found += walk(child, negated)
    elif isinstance(part, Seq):
        for inner in part.parts:
            found += walk(inner, negated)
    return found
