"""Where veille keeps things, and what `config.toml` may say.

Paths come from platformdirs, unless `--home DIR` or `VEILLE_HOME` puts the whole library (config,
data, cache, logs) under one folder: tests, benchmarks and `--demo` use that so they never touch
the user's own folders.

`config.toml` is optional; every setting has a documented default (see `DEFAULT_CONFIG`, which
`veille config` prints). A wrong key or value is reported with the key and its line,
never as a traceback.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from veille.core.errors import VeilleError
from veille.core.model import FULL_TEXT_POLICIES, FullTextPolicy
from veille.core.query.syntax import QueryError
from veille.core.query.syntax import parse as parse_query

APP_NAME = "veille"


@dataclass(frozen=True, slots=True)
class Paths:
    config: Path  # config.toml
    data: Path  # folder of the library
    library: Path  # the SQLite file
    cache: Path  # diskcache folder (full texts)
    log: Path  # where the command line writes errors.log: tracebacks of unexpected errors
    backups: Path  # automatic backups before migrations

    def ensure(self) -> None:
        """Create the folders, private to the user (0700): the library is their judgement.

        The cache folder is optional (everything in it can be fetched again): one that cannot be
        created is reported by the commands that need it, and the others go on.
        """
        for folder in (self.config.parent, self.data, self.cache, self.log, self.backups):
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as error:
                if folder == self.cache:
                    continue
                raise PathError(f"cannot create the folder {folder}: {_reason(error)}") from None
            try:
                folder.chmod(0o700)
            except OSError:  # a folder the user shares on purpose: not ours to fight
                pass


class PathError(VeilleError, ValueError):
    """A folder veille needs cannot be made or used, in plain words."""


def _reason(error: OSError) -> str:
    if isinstance(error, FileExistsError):
        return "a file is in the way"
    return error.strerror or str(error)


def resolve_paths(home: str | Path | None = None) -> Paths:
    """Paths for `home` (or `$VEILLE_HOME`), else the platform's usual folders.

    An empty `home` is a mistake (an unset shell variable, `--home "$DIR"`), never a request
    for the user's real library.
    """
    if home is not None and not str(home).strip():
        raise PathError("--home is empty; give a folder (or leave --home out)")
    home = home or os.environ.get("VEILLE_HOME") or None
    if home:
        root = Path(home).expanduser().resolve()
        data = root / "data"
        return Paths(
            config=root / "config.toml",
            data=data,
            library=data / "library.sqlite",
            cache=root / "cache",
            log=root / "log",
            backups=data / "backups",
        )
    import platformdirs  # only without --home: ~10 ms at start-up

    data = Path(platformdirs.user_data_dir(APP_NAME))
    return Paths(
        config=Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml",
        data=data,
        library=data / "library.sqlite",
        cache=Path(platformdirs.user_cache_dir(APP_NAME)),
        log=Path(platformdirs.user_log_dir(APP_NAME)),
        backups=data / "backups",
    )


class ConfigError(VeilleError, ValueError):
    """A problem in config.toml, in plain words, naming the key and line."""


@dataclass(slots=True)
class RefreshSettings:
    concurrency: int = 16
    """How many feeds are fetched at once."""
    per_host: int = 4
    """How many requests go to one host at once."""
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    """Seconds a single request may take in all, however slowly the server trickles."""
    max_bytes: int = 16 * 1024 * 1024
    """Largest body accepted, counted after decompression."""
    max_redirects: int = 10
    slow_after: float = 5.0
    """Seconds after which a request still running marks its host slow: from then on the host
    gets one request at a time, from a pool apart from the hosts that answer."""
    deadline: float = 90.0
    """Seconds a whole refresh may take, full-text prefetch included; what has not been fetched
    by then waits for the next refresh."""


@dataclass(frozen=True, slots=True)
class SiteSettings:
    """Per-host settings: a content rule for full text and subscriber access (secrets)."""

    content: str = ""
    remove: tuple[str, ...] = ()
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WatchSettings:
    name: str
    query: str
    add_tags: tuple[str, ...] = ()
    star: bool = False
    mark_read: bool = False
    hide: bool = False


@dataclass(slots=True)
class Settings:
    lang: str = "fr"
    """Language of dates and exports: "fr" or "en"."""
    theme: str = ""
    """Textual theme name; empty keeps the one last chosen in the app."""
    full_text: FullTextPolicy = "auto"
    """Default full-text policy for feeds: auto (fetch truncated items), always, never."""
    cache_size: int = 1024 * 1024 * 1024
    """Size limit of the full-text cache, in bytes."""
    cluster_mark_read: bool = True
    """Reading one item of a story marks its other sources read."""
    refresh: RefreshSettings = field(default_factory=RefreshSettings)
    allow: tuple[str, ...] = ()
    """[network] allow: private hosts pages may be fetched from besides those of the user's
    feeds: "nas.local" (any port), "wiki.lan:8080", "192.168.1.0/24"."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id → keys, e.g. star = "s,f2"."""
    sites: dict[str, SiteSettings] = field(default_factory=dict)
    feeds: dict[str, FullTextPolicy] = field(default_factory=dict)
    """Feed URL → full-text policy."""
    watch: list[WatchSettings] = field(default_factory=list)
    sync_every: float = 0.0
    """[sync] every: minutes between two syncs with the accounts while the app runs; 0 syncs
    only after a refresh of every feed (R)."""


DEFAULT_CONFIG = """\
# veille configuration. Every key is optional; the values below are the defaults.

lang = "fr"                 # dates and exports: "fr" or "en"
theme = ""                  # a Textual theme name, e.g. "nord"; empty keeps the last one used
full_text = "auto"          # default full-text policy: "auto", "always" or "never"
cache_size = 1073741824     # full-text cache limit in bytes (1 GiB)
cluster_mark_read = true    # reading one source of a story marks the others read

[refresh]
concurrency = 16            # feeds fetched at once
per_host = 4                # requests to one host at once
connect_timeout = 10.0      # seconds
read_timeout = 20.0         # seconds between two bytes
total_timeout = 60.0        # seconds for a whole request
max_bytes = 16777216        # largest response body, after decompression (16 MiB)
max_redirects = 10
slow_after = 5.0            # seconds before a host still answering counts as slow
deadline = 90.0             # seconds for a whole refresh, full text included

[sync]
every = 0                   # minutes between syncs with your accounts in the app; 0: after R only

[network]
allow = []                  # private hosts full texts may come from, besides your feeds' own:
                            # "nas.local" (any port), "wiki.lan:8080", "192.168.1.0/24"

# [keys]                    # binding id = "keys"; see the help screen (?) for ids
# star = "s"

# [sites."www.example.fr"]  # full-text rule and subscriber access for one host (port 443;
#                           # "host:port" for another); cookies and headers go over https only
# content = "article .body" # CSS selector of the article
# remove = [".related", ".newsletter"]
# cookies = { session = "..." }    # kept secret: never printed, logged or exported
# headers = { Authorization = "..." }

# [feeds."https://www.example.fr/rss.xml"]
# full_text = "always"

# [[watch]]
# name = "Biométrie"
# query = '"reconnaissance faciale" OR biométrie'
# add_tags = ["surveillance/biométrie"]
# star = false
# mark_read = false
# hide = false
"""


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^[ \t]*(\"?){re.escape(key)}\1[ \t]*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


class _Reader:
    """Reads one TOML table, checking types and remembering where each key came from."""

    def __init__(self, text: str, table: dict[str, Any], prefix: str = "") -> None:
        self.text = text
        self.table = dict(table)
        self.prefix = prefix

    def error(self, key: str, why: str) -> ConfigError:
        name = f"{self.prefix}{key}"
        line = _line_of(self.text, key)
        where = f" (line {line})" if line else ""
        return ConfigError(f"config.toml: {name}{where}: {why}")

    def take(self, key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        if key not in self.table:
            return default
        value = self.table.pop(key)
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            raise self.error(key, f"expected {_kind_name(kinds)}, got {value!r}")
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kinds):
            raise self.error(key, f"expected {_kind_name(kinds)}, got {value!r}")
        return value

    def positive(self, key: str, default: Any) -> Any:
        value = self.take(key, type(default), default)
        if value <= 0:
            raise self.error(key, f"must be greater than 0, got {value!r}")
        return value

    def finish(self) -> None:
        for key in self.table:
            raise self.error(key, "unknown setting")


def _kind_name(kinds: tuple[type, ...]) -> str:
    names = {
        str: "text",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
        dict: "a table",
        list: "a list",
    }
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _str_list(reader: _Reader, key: str) -> tuple[str, ...]:
    value = reader.take(key, list, [])
    if not all(isinstance(v, str) for v in value):
        raise reader.error(key, "expected a list of text values")
    return tuple(value)


def _str_table(reader: _Reader, key: str) -> dict[str, str]:
    value = reader.take(key, dict, {})
    if not all(isinstance(v, str) for v in value.values()):
        raise reader.error(key, "expected text values")
    return dict(value)


def _policy(reader: _Reader, key: str, default: FullTextPolicy) -> FullTextPolicy:
    value = reader.take(key, str, default)
    if value not in FULL_TEXT_POLICIES:
        raise reader.error(key, f'must be "auto", "always" or "never", got {value!r}')
    return value  # type: ignore[no-any-return]


def parse_settings(text: str) -> Settings:
    import tomllib  # only when there is a config.toml to read: ~5 ms at start-up

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config.toml is not valid TOML: {error}") from None
    top = _Reader(text, data)
    settings = Settings()
    settings.lang = top.take("lang", str, settings.lang)
    if settings.lang not in ("fr", "en"):
        raise top.error("lang", f'must be "fr" or "en", got {settings.lang!r}')
    settings.theme = top.take("theme", str, settings.theme)
    settings.full_text = _policy(top, "full_text", settings.full_text)
    settings.cache_size = top.positive("cache_size", settings.cache_size)
    settings.cluster_mark_read = top.take("cluster_mark_read", bool, settings.cluster_mark_read)

    refresh = _Reader(text, top.take("refresh", dict, {}), "refresh.")
    r = settings.refresh
    for name in ("concurrency", "per_host", "max_bytes"):
        setattr(r, name, refresh.positive(name, getattr(r, name)))
    for name in ("connect_timeout", "read_timeout", "total_timeout", "slow_after", "deadline"):
        setattr(r, name, refresh.positive(name, getattr(r, name)))
    r.max_redirects = refresh.take("max_redirects", int, r.max_redirects)
    refresh.finish()

    sync = _Reader(text, top.take("sync", dict, {}), "sync.")
    settings.sync_every = float(sync.take("every", (int, float), settings.sync_every))
    if settings.sync_every < 0:
        raise sync.error("every", f"must be 0 or more, got {settings.sync_every!r}")
    sync.finish()

    network = _Reader(text, top.take("network", dict, {}), "network.")
    settings.allow = _str_list(network, "allow")
    try:
        from veille.core.ingest.addresses import parse_allow

        parse_allow(settings.allow)
    except ValueError as problem:
        raise network.error("allow", str(problem)) from None
    network.finish()

    keys = _Reader(text, top.take("keys", dict, {}), "keys.")
    for binding_id in list(keys.table):
        settings.keymap[binding_id] = keys.take(binding_id, str, "")

    for host, table in top.take("sites", dict, {}).items():
        if not isinstance(table, dict):
            raise top.error(host, "expected a table")
        site = _Reader(text, table, f"sites.{host}.")
        settings.sites[host.lower()] = SiteSettings(
            content=site.take("content", str, ""),
            remove=_str_list(site, "remove"),
            cookies=_str_table(site, "cookies"),
            headers=_str_table(site, "headers"),
        )
        site.finish()

    for url, table in top.take("feeds", dict, {}).items():
        if not isinstance(table, dict):
            raise top.error(url, "expected a table")
        feed = _Reader(text, table, f"feeds.{url}.")
        settings.feeds[url] = _policy(feed, "full_text", settings.full_text)
        feed.finish()

    for entry in top.take("watch", list, []):
        if not isinstance(entry, dict):
            raise top.error("watch", "each [[watch]] must be a table")
        watch = _Reader(text, entry, "watch.")
        name = watch.take("name", str, "")
        query = watch.take("query", str, "")
        if not name or not query:
            raise watch.error(
                "name" if not name else "query", "every [[watch]] needs a name and a query"
            )
        try:
            parse_query(query)
        except QueryError as problem:
            raise watch.error("query", f"in watch {name!r}: {problem}") from None
        settings.watch.append(
            WatchSettings(
                name=name,
                query=query,
                add_tags=_str_list(watch, "add_tags"),
                star=watch.take("star", bool, False),
                mark_read=watch.take("mark_read", bool, False),
                hide=watch.take("hide", bool, False),
            )
        )
        watch.finish()
    top.finish()
    return settings


def load_settings(paths: Paths) -> Settings:
    """Read config.toml if it exists; raise ConfigError in plain words if it is wrong."""
    try:
        text = paths.config.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {paths.config}: {error}") from None
    if paths.config.stat().st_mode & 0o077 and any(word in text for word in ("cookies", "headers")):
        # The file holds subscriber secrets: keep it private, as the user would expect.
        try:
            paths.config.chmod(0o600)
        except OSError:
            pass
    return parse_settings(text)
