"""`Veille`: the one front door. The app, the command line and scripts ask it, and nothing deeper.

It owns the library (opened on first use), the settings, the paths and the full-text cache (also
opened on first use, and only attached, not read, until something needs it). Network verbs run
their own event loop and open the network client (an httpx client belongs to one loop) for that
verb alone, from the settings' one policy (`make_fetcher`): its limits, allowed hosts and site
headers. `close()`, or leaving a `with` block, closes what was opened.

Threads: every verb may be called from any thread, several at once (the app calls them from
Textual thread workers). The library keeps one SQLite connection per thread (see
`veille.core.library`), the cache is thread-safe, and what `Veille` opens lazily is
opened under a lock. Network verbs (`refresh`, `fetch_full_text`, `prefetch`, `discover`,
`fetch_page`) run an event loop of their own (`veille.core.loop`) and so must be called from a
thread with no running event loop: a worker thread, or a script; `refresh_async` is for code
already inside a loop.

Policies decided by the front door, once: the story mark-read rule (`open_item`), the review
date and the export file (`export_options`, `export`), which saved search a name means
(`saved_search`), which feed a reference means (`feed`), and which file is a sound library
(`restore`, see `veille.core.backups`).
"""

from __future__ import annotations

from pathlib import Path

from veille.core.exchanges import Exchanges
from veille.core.keeping import Keeping
from veille.core.settings import Paths, Settings, load_settings, resolve_paths
from veille.core.syncing import Syncing


def open_veille(
    home: str | Path | Paths | None = None,
    *,
    settings: Settings | None = None,
    offline: bool = False,
    verify_writes: bool = False,
) -> Veille:
    """veille on the library in `home` (or `$VEILLE_HOME`, else the platform's folders).

    `settings` default to those of `home`'s config.toml. Nothing is opened yet: the library is
    at the first verb that needs it. `verify_writes` checks the file's structure before the
    first write (the command line does: one process per command never writes a damaged file).
    """
    paths = home if isinstance(home, Paths) else resolve_paths(home)
    if settings is None:
        settings = load_settings(paths)
    return Veille(paths, settings, offline=offline, verify_writes=verify_writes)


class Veille(Keeping, Exchanges, Syncing):
    """veille itself: a library, its settings, its cache, and every verb on them.

    What it owns and how it opens and closes is `Home`; the verbs on what the library keeps are
    `Keeping`'s, those that bring things in and out are `Exchanges`'.
    """
