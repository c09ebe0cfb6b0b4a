"""The full-text cache: extracted articles, for reading offline.

It lives in the cache folder, has a size limit and evicts the least recently read entries.
Everything in it can be fetched again, so deleting it loses no user data: a starred item's full
text is also copied into the library (see `Library.set_starred`).

The cache is optional: a folder that is read-only, missing and impossible to create, or a file
where the folder should be, makes it *unavailable* (`CacheUnavailable`, with the reason in plain
words) without stopping anything that does not need it. Reading from an unavailable cache finds
nothing; writing to it raises.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from veille.core.errors import VeilleError
from veille.core.ingest.addresses import web_link
from veille.core.settings import Paths, Settings

if TYPE_CHECKING:
    import diskcache

    from veille.core.fulltext.extract import Article


class CacheUnavailable(VeilleError):
    """The full-text cache cannot be used; the message says why, in plain words."""


def _why(folder: Path, error: BaseException) -> str:
    import errno

    if isinstance(error, OSError):
        if error.errno in (errno.EEXIST, errno.ENOTDIR) or (
            folder.exists() and not folder.is_dir()
        ):
            reason = "a file is where its folder should be"
        elif error.errno in (errno.EACCES, errno.EPERM):
            reason = "permission denied"
        elif error.errno == errno.EROFS:
            reason = "it is on a read-only file system"
        elif error.errno in (errno.ENOSPC, errno.EDQUOT):
            reason = "the disk is full"
        else:
            reason = error.strerror or str(error)
    else:
        text = str(error)
        reason = "it is read-only" if "readonly" in text or "read-only" in text else text
    return f"the full-text cache {folder} cannot be used: {reason}"


@dataclass(frozen=True, slots=True)
class CachedArticle:
    url: str
    html: str
    title: str = ""
    byline: str = ""
    lead_image: str = ""
    fetched: float = 0.0

    @classmethod
    def of(cls, url: str, article: Article) -> CachedArticle:
        """What is kept of an article extracted from the page at `url`, fetched now."""
        return cls(
            url=url,
            html=article.html,
            title=article.title,
            byline=article.byline,
            lead_image=article.lead_image,
            fetched=time.time(),
        )


@dataclass(frozen=True, slots=True)
class CacheStats:
    folder: Path
    entries: int
    articles: int
    size: int
    limit: int


class FullTextCache:
    """The cache folder, opened at its first use: every command that opens the library attaches
    the cache to it, and most (a refresh with nothing new, a search, a star) never read it, while
    opening it (diskcache and its SQLite file) costs a few tens of milliseconds at start-up."""

    def __init__(self, folder: Path, size_limit: int) -> None:
        self.folder = folder
        self.size_limit = size_limit
        self._opened: diskcache.Cache | None = None
        self._problem: str | None = None
        self._opening = threading.Lock()

    @property
    def _cache(self) -> diskcache.Cache:
        if self._opened is None:
            with self._opening:
                if self._problem is not None:
                    raise CacheUnavailable(self._problem)
                if self._opened is None:
                    self._opened = self._open_folder()
        return self._opened

    def _open_folder(self) -> diskcache.Cache:
        import sqlite3

        import diskcache

        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            cache = diskcache.Cache(
                str(self.folder),
                size_limit=self.size_limit,
                eviction_policy="least-recently-used",
            )
        except (OSError, sqlite3.Error) as error:
            self._problem = _why(self.folder, error)
            raise CacheUnavailable(self._problem) from None
        return cache

    @property
    def problem(self) -> str | None:
        """Why the cache cannot be used (trying to open it first), or None if it can."""
        try:
            self._cache  # noqa: B018 - opening is the point
        except CacheUnavailable as error:
            return str(error)
        return None

    def open(self) -> FullTextCache:
        """Open the folder now rather than at first use: the app does it in the background at
        start-up, so that a damaged cache is reported then and the first article reads at once."""
        self._cache  # noqa: B018 - opening is the point
        return self

    def close(self) -> None:
        with self._opening:
            if self._opened is not None:
                self._opened.close()
                self._opened = None

    def article(self, item_id: int) -> CachedArticle | None:
        try:
            data: Any = self._cache.get(f"article:{item_id}")
        except Exception:  # a damaged cache reads as empty: everything in it can be re-fetched
            return None
        if not isinstance(data, dict) or not web_link(str(data.get("url", ""))):
            # Only pages fetched from the web are full texts: a file read for a `file:` item
            # link, which a cache written by an older veille may hold, is not shown nor exported.
            return None
        return CachedArticle(**data)

    def put_article(self, item_id: int, article: CachedArticle) -> None:
        self.put_articles([(item_id, article)])

    def put_articles(self, articles: Sequence[tuple[int, CachedArticle]]) -> None:
        """`put_article` of each (item id, article), in one transaction of the cache's file."""
        import sqlite3

        cache = self._cache
        try:
            with cache.transact():
                for item_id, article in articles:
                    data = asdict(article)
                    data["fetched"] = data["fetched"] or time.time()
                    cache.set(f"article:{item_id}", data)
        except (OSError, sqlite3.Error) as error:
            raise CacheUnavailable(_why(self.folder, error)) from None

    def image(self, url: str) -> bytes | None:
        """The picture fetched from `url` for reading offline, or None."""
        try:
            data: Any = self._cache.get(f"image:{url}")
        except Exception:  # a damaged cache reads as empty: everything in it can be re-fetched
            return None
        return data if isinstance(data, bytes) else None

    def put_image(self, url: str, data: bytes) -> None:
        import sqlite3

        try:
            self._cache.set(f"image:{url}", data)
        except (OSError, sqlite3.Error) as error:
            raise CacheUnavailable(_why(self.folder, error)) from None

    def stats(self) -> CacheStats:
        articles = sum(1 for key in self._cache.iterkeys() if str(key).startswith("article:"))
        return CacheStats(
            folder=self.folder,
            entries=len(self._cache),
            articles=articles,
            size=int(self._cache.volume()),
            limit=self.size_limit,
        )

    def clear(self) -> int:
        return int(self._cache.clear())


def open_cache(paths: Paths, settings: Settings) -> FullTextCache:
    return FullTextCache(paths.cache / "fulltext", settings.cache_size)
