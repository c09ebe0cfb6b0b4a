"""The work a refresh hands to its parser processes: read a feed document, prepare its entries.

Kept apart from `veille.core.ingest.refresh` so that a worker process imports only what parsing
needs: not the HTTP client, the event loop or the library (a spawned worker imports its task's
module before its first feed, and a leaner one starts parsing sooner).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from veille.core.ingest.entries import PreparedEntry, prepare_entries
from veille.core.ingest.parse import parse_feed
from veille.core.model import ParsedEntry, ParsedFeed
from veille.core.text import prepare_folding


def truncation_check() -> Callable[[ParsedEntry, int | None, str], bool] | None:
    try:
        from veille.core.ingest.truncation import detect_truncation
    except ImportError:  # pragma: no cover - the detector ships with veille
        return None

    def check(entry: ParsedEntry, typical: int | None, body_text: str) -> bool:
        return (
            detect_truncation(
                entry.title,
                entry.summary,
                entry.content,
                typical_length=typical,
                body_text=body_text,
            )
            is not None
        )

    return check


def ready() -> None:
    """What a first feed would do before its own work (imports, the folding table): a worker
    started ahead calls it while the first documents are on their way."""
    truncation_check()
    prepare_folding()


def parse_and_prepare(
    body: bytes, url: str, content_type: str
) -> tuple[ParsedFeed, list[PreparedEntry]]:
    """Parse a feed and do the CPU half of storing it; runs in a worker thread or process.

    The feed comes back without its entries (the prepared rows carry everything the writer
    needs): half as much to send back from a worker process, and to keep in memory meanwhile.
    """
    parsed = parse_feed(body, url, content_type)
    prepared = prepare_entries(parsed, truncation_check())
    return replace(parsed, entries=[]), prepared
