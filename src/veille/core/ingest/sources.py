"""How a refresh gets the document of a feed that is not a plain feed: a page or a command.

A page feed is fetched like any feed (conditional GET, the same limits and address policy) and
read by its recipe (`pagefeed`); an `exec:` feed is its command's output; a `filter:` feed is
its URL fetched, then rewritten by its command (`commands`). What comes out is then stored the
same way as every feed's entries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from veille.core.ingest.commands import CommandFailed, run_command
from veille.core.ingest.fetch import Fetcher, FetchLimits, FetchResult
from veille.core.model import ParsedFeed

if TYPE_CHECKING:
    from veille.core.ingest.entries import PreparedEntry
    from veille.core.library import Library


@dataclass(frozen=True, slots=True)
class Source:
    kind: str  # "page", "exec" or "filter"
    spec: str  # the recipe (JSON), the command, or {"command", "url"} (JSON)

    @property
    def is_command(self) -> bool:
        return self.kind in ("exec", "filter")


def filter_spec(command: str, url: str) -> str:
    return json.dumps({"command": command, "url": url}, ensure_ascii=False)


async def run_source(
    source: Source, fetcher: Fetcher, url: str, etag: str, last_modified: str, limits: FetchLimits
) -> FetchResult:
    """The document of a command feed, as a fetch result (never raises)."""
    result = FetchResult(url=url, status=None, body=None, final_url=url)
    try:
        if source.kind == "exec":
            result.body = await run_command(
                source.spec, timeout=limits.total_timeout, max_bytes=limits.max_bytes
            )
            return result
        spec = json.loads(source.spec)
        fetched = await fetcher.fetch(spec["url"], etag=etag, last_modified=last_modified)
        if not fetched.ok or fetched.not_modified or fetched.body is None:
            return replace(fetched, permanent_redirect="")  # a filter's URL stays as written
        fetched.body = await run_command(
            spec["command"],
            stdin=fetched.body,
            timeout=limits.total_timeout,
            max_bytes=limits.max_bytes,
        )
        fetched.content_type = ""  # whatever the command made of it
        return replace(fetched, permanent_redirect="")
    except CommandFailed as failure:
        result.error = failure.message
        return result


def parse_page_and_prepare(
    body: bytes, url: str, recipe: str, content_type: str
) -> tuple[ParsedFeed, list[PreparedEntry]]:
    """A page feed's page read by its recipe, its entries prepared; runs in a worker thread."""
    # Here rather than above: a refresh without page feeds never loads the page parser.
    from veille.core.ingest.entries import prepare_entries
    from veille.core.ingest.pagefeed import PageRecipe, parse_page
    from veille.core.ingest.prepare import truncation_check

    parsed = parse_page(body, url, PageRecipe.from_json(recipe), content_type)
    prepared = prepare_entries(parsed, truncation_check())
    return replace(parsed, entries=[]), prepared


def sources_of(rows: dict[int, tuple[str, str]]) -> dict[int, Source]:
    """The library's feed sources (`Library.feed_sources`) by feed id."""
    return {feed_id: Source(kind, spec) for feed_id, (kind, spec) in rows.items()}


def adopted(lib: Library, moved: dict[int, str]) -> dict[int, str]:
    """Among the feeds that moved, those whose new address the library now has as theirs."""
    return {i: url for i, url in moved.items() if (f := lib.feed_by_url(url)) and f.id == i}
