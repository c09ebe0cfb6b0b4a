"""A state file read whole before any of it is written: every entry's fields, checked.

A state file comes from another library, an older veille or a hand edit. A value of the wrong
kind is refused with the entry and field it sits in, and the file with it: importing half a file
would leave the user to find which half. Feed addresses follow the rule an OPML import follows
(`subscribable_url`): one rule for every file that brings subscriptions in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from veille.core.ingest.opml import subscribable_url
from veille.core.library._problems import LibraryError
from veille.core.library._views import build_where
from veille.core.query import QueryError
from veille.core.text import clean_line
from veille.core.translations import _

# Seconds since 1970: far enough either way for any real date, small enough for SQLite's REAL
# and for every date function that reads it back.
_TIME_LIMIT = 1e11


@dataclass(frozen=True)
class StateFeed:
    given: str  # the address as the file writes it, which its items name
    url: str
    title: str
    folder: str
    full_text: str


@dataclass(frozen=True)
class StateItem:
    feed: str
    guid: str
    url: str
    title: str
    author: str
    published: float | None
    first_seen: float | None
    sort_ts: float | None
    summary: str
    content: str
    full_text: str
    read: bool
    starred: bool
    hidden: bool
    note: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class StateSearch:
    name: str
    query: str


@dataclass(frozen=True)
class StateRule:
    name: str
    query: str
    add_tags: tuple[str, ...]
    star: bool
    mark_read: bool
    hide: bool
    enabled: bool


@dataclass(frozen=True)
class StateFile:
    feeds: list[StateFeed]
    items: list[StateItem]
    searches: list[StateSearch]
    rules: list[StateRule]


class _Refused(Exception):
    """One wrong value, in words; `check_state` adds that nothing was imported."""


def check_state(data: dict[str, Any]) -> StateFile:
    """Every entry of a state file whose format and version were found right, or LibraryError."""
    try:
        feeds = [_feed(_fields(e, _("feed {n}"), n)) for n, e in _entries(data, "feeds")]
        renamed = {feed.given: feed.url for feed in feeds}
        items = [_item(_fields(e, _("item {n}"), n), renamed) for n, e in _entries(data, "items")]
        searches = [
            _search(_fields(e, _("saved search {n}"), n))
            for n, e in _entries(data, "saved_searches")
        ]
        rules = [_rule(_fields(e, _("rule {n}"), n)) for n, e in _entries(data, "rules")]
    except _Refused as problem:
        raise LibraryError(_("{problem}; nothing was imported").format(problem=problem)) from None
    return StateFile(feeds, items, searches, rules)


def _entries(data: dict[str, Any], key: str) -> list[tuple[int, Any]]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Refused(_("`{field}` must be a list").format(field=key))
    return list(enumerate(value, 1))


class _Fields:
    """One entry's fields, each read as the kind it must be, named in any refusal."""

    def __init__(self, entry: dict[str, Any], name: str) -> None:
        self.entry, self.name = entry, name

    def refuse(self, field: str, message: str) -> _Refused:
        problem = message.format(field=f"`{field}`")
        return _Refused(_("{entry}: {problem}").format(entry=self.name, problem=problem))

    def text(self, field: str, *, required: bool = False) -> str:
        value = self.entry.get(field)
        if value is None and not required:
            return ""
        if value is None:
            raise self.refuse(field, _("{field} is missing"))
        if not isinstance(value, str):
            raise self.refuse(field, _("{field} must be text"))
        if required and not value.strip():
            raise self.refuse(field, _("{field} is empty"))
        return value

    def flag(self, field: str, default: bool = False) -> bool:
        value = self.entry.get(field)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.refuse(field, _("{field} must be true or false"))
        return value

    def moment(self, field: str) -> float | None:
        value = self.entry.get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.refuse(field, _("{field} must be a date, in seconds since 1970"))
        if not math.isfinite(value) or abs(value) > _TIME_LIMIT:
            raise self.refuse(field, _("{field} must be a date, in seconds since 1970"))
        return float(value)

    def tags(self, field: str) -> tuple[str, ...]:
        value = self.entry.get(field)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
            raise self.refuse(
                field, _('{field} must be a list of tag names, like ["ai", "to read"]')
            )
        return tuple(value)


def _fields(entry: Any, template: str, n: int) -> _Fields:
    name = template.format(n=n)
    if not isinstance(entry, dict):
        raise _Refused(_("{entry} must be an object with named fields").format(entry=name))
    return _Fields(entry, name)


def _feed(f: _Fields) -> StateFeed:
    given = f.text("url", required=True)
    url = subscribable_url(given)
    if url is None:
        raise f.refuse("url", _("{field} is not a web address (http or https) nor a local file"))
    return StateFeed(
        given, url, clean_line(f.text("title"), 300), f.text("folder"), f.text("full_text")
    )


def _item(f: _Fields, renamed: dict[str, str]) -> StateItem:
    feed = f.text("feed", required=True)
    return StateItem(
        feed=renamed.get(feed, feed),
        guid=f.text("guid", required=True),
        url=f.text("url"),
        title=f.text("title"),
        author=f.text("author"),
        published=f.moment("published"),
        first_seen=f.moment("first_seen"),
        sort_ts=f.moment("sort_ts"),
        summary=f.text("summary"),
        content=f.text("content"),
        full_text=f.text("full_text"),
        read=f.flag("read"),
        starred=f.flag("starred"),
        hidden=f.flag("hidden"),
        note=f.text("note"),
        tags=f.tags("tags"),
    )


def _search(f: _Fields) -> StateSearch:
    name, query = f.text("name", required=True), f.text("query", required=True)
    _check_query(_("saved search {name!r}").format(name=clean_line(name, 200)), query)
    return StateSearch(name, query)


def _rule(f: _Fields) -> StateRule:
    name, query = f.text("name", required=True), f.text("query", required=True)
    _check_query(_("rule {name!r}").format(name=clean_line(name, 200)), query)
    return StateRule(
        name,
        query,
        add_tags=f.tags("add_tags"),
        star=f.flag("star"),
        mark_read=f.flag("mark_read"),
        hide=f.flag("hide"),
        enabled=f.flag("enabled", default=True),
    )


def _check_query(named: str, query: str) -> None:
    try:
        build_where(clean_line(query).strip(), None)
    except QueryError as error:
        raise _Refused(
            _("{entry}: its query cannot be read: {error}").format(entry=named, error=error)
        ) from None
