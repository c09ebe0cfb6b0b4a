"""Storing a feed document in a test library the way a refresh does.

A refresh parses a document, prepares its entries (`prepare_entries`, in a parser process) and
hands the library a `Fetched` outcome (`Library.record_refresh`); a failed fetch, a `Failed`
one. These helpers take the same steps with a `ParsedFeed` a test builds, so that every test
stores items through the one path production takes.
"""

from __future__ import annotations

from dataclasses import replace

from veille.core.ingest.entries import TruncationCheck, prepare_entries
from veille.core.library import Failed, Fetched, Library, StoreResult
from veille.core.model import ParsedFeed


def ingest(
    lib: Library,
    feed_id: int,
    parsed: ParsedFeed,
    *,
    status: int | None = 200,
    etag: str = "",
    last_modified: str = "",
    is_truncated: TruncationCheck | None = None,
    now: float | None = None,
) -> StoreResult:
    """Store `parsed` as feed `feed_id`'s refresh; raises what the library refused."""
    prepared = prepare_entries(parsed, is_truncated)
    meta = replace(parsed, entries=[])  # the entries travel as `prepared`, as from a parser
    outcome = Fetched(
        feed_id, meta, prepared, status, etag=etag, last_modified=last_modified, at=now
    )
    [result] = lib.record_refresh([outcome])
    if isinstance(result, Exception):
        raise result
    assert isinstance(result, StoreResult)
    return result


def ingest_failure(
    lib: Library,
    feed_id: int,
    *,
    status: int | None,
    error: str,
    retry_after: float | None = None,
    gone: bool = False,
) -> float | None:
    """Record a failed fetch of feed `feed_id`; returns its next retry time, if any."""
    [result] = lib.record_refresh([Failed(feed_id, status, error, retry_after, gone)])
    if isinstance(result, Exception):
        raise result
    assert result is None or isinstance(result, float)
    return result
