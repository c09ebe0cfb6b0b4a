"""What a refresh's parser processes run, as the refresh hands it to them.

A module of its own, importing nothing at its top: a spawned worker imports it to unpickle its
first task (and its initializer), and then only what the task needs, the parser
(`veille.core.ingest.prepare`). The process that hands the work out never imports the parser
for it (see `veille.core.ingest.workers`).
"""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from veille.core.ingest.entries import PreparedEntry
    from veille.core.model import ParsedFeed


def worker_started() -> None:
    """A worker process leaves Ctrl-C to the refresh it serves, which stops it in its turn (a
    forked one would otherwise run the parent's own handler)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def in_worker(body: bytes, url: str, content_type: str) -> tuple[ParsedFeed, list[PreparedEntry]]:
    """`parse_and_prepare`, as a worker process runs it: its module is imported there, at the
    first call (or by `warm_up`), and never in the process that hands the work out."""
    from veille.core.ingest.prepare import parse_and_prepare

    return parse_and_prepare(body, url, content_type)


def warm_up() -> None:
    """What a worker process does as soon as it starts: what its first feed would do first
    (see `veille.core.ingest.prepare.ready`)."""
    from veille.core.ingest.prepare import ready

    ready()
