"""Where veille keeps things, and what `config.toml` may say.

Paths come from platformdirs, unless `--home DIR` or `VEILLE_HOME` puts the whole library (config,
data, cache, logs) under one folder: tests, benchmarks and `--demo` use that so they never touch
the user's own folders.

`config.toml` is optional; every setting has a documented default (see `DEFAULT_CONFIG`, which
`veille config` prints). A wrong key or value is reported with the key and its line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from veille.core._settings_default import DEFAULT_CONFIG as DEFAULT_CONFIG
from veille.core.errors import VeilleError
from veille.core.model import FullTextPolicy
from veille.core.query.syntax import QueryError
from veille.core.query.syntax import parse as parse_query
from veille.core.reviewsettings import ReviewProfile, SmtpSettings, read_mail
from veille.core.translations import _, choose_language

APP_NAME = "veille"
PictureMode = Literal["auto", "kitty", "sixel", "iterm", "halfblock", "off"]
PICTURE_MODES: tuple[PictureMode, ...] = ("auto", "kitty", "sixel", "iterm", "halfblock", "off")
_SECRET_WORDS = ("cookies", "headers", "password")  # config.toml holding these is kept private


@dataclass(frozen=True, slots=True)
class Paths:
    config: Path  # config.toml
    data: Path  # folder of the library
    library: Path  # the SQLite file
    cache: Path  # diskcache folder (full texts)
    log: Path  # where the command line writes errors.log: tracebacks of unexpected errors
    backups: Path  # automatic backups before migrations
    reviews: Path  # where press reviews are saved unless told otherwise (made when needed)

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
                raise PathError(
                    _("cannot create the folder {folder}: {reason}").format(
                        folder=folder, reason=_reason(error)
                    )
                ) from None
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
        raise PathError(_("--home is empty; give a folder (or leave --home out)"))
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
            reviews=root / "reviews",
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
        reviews=Path(platformdirs.user_documents_dir()) / "veille",  # beside their documents
    )


class ConfigError(VeilleError, ValueError):
    """A problem in config.toml, in plain words, naming the key and line."""


@dataclass(slots=True)
class RefreshSettings:
    concurrency: int = 32
    """How many feeds are fetched at once (each site gets `per_host` of them at most). Most of a
    feed's fetch is waiting for its server: at 16, two hundred sites answering in 100 ms took
    1.25 s of waiting alone."""
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
    every: float = 0.0
    """Seconds between two readings of a feed for `veille refresh --due` ("30m" in the file);
    0 reads every feed every time."""
    auto_refresh: int = 0
    """Minutes between two refreshes of the due feeds while the app runs; 0 never."""


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
    notify: bool = False  # a desktop notification (notify-send) when new items match
    command: str = ""  # a command given the matching items as JSON on standard input
    post: str = ""  # a URL the matching items are POSTed to as JSON (ntfy, a webhook)

    @property
    def alerts(self) -> bool:
        return self.notify or bool(self.command) or bool(self.post)


@dataclass(frozen=True, slots=True)
class PipeSettings:
    """A command an item can be piped to (`|` in the app): its JSON or its text on stdin."""

    command: tuple[str, ...]
    format: str = "text"
    timeout: float = 10.0


@dataclass(slots=True)
class Settings:
    lang: str = "fr"
    """Language of dates and exports, "fr" or "en": `lang`, else the locale's (`load_settings`)."""
    ui_lang: str = ""
    """Language of the app and the command line: `lang` when config.toml sets it; empty follows
    the locale (LC_ALL, LC_MESSAGES, LANG), else English."""
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
    proxy: str = ""
    """[network] proxy: "http://host:port" or "socks5://host:port" for every request, "direct"
    for none; "" follows HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY."""
    every: dict[str, float] = field(default_factory=dict)
    """Feed URL → seconds between two readings (`every = "2h"` in its [feeds."url"] table)."""
    proxies: dict[str, str] = field(default_factory=dict)
    """Host → proxy, from `proxy` in [sites."host"] and [feeds."url"] tables (a .onion feed)."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id → keys, e.g. star = "s,f2"."""
    sites: dict[str, SiteSettings] = field(default_factory=dict)
    feeds: dict[str, FullTextPolicy] = field(default_factory=dict)
    """Feed URL → full-text policy."""
    watch: list[WatchSettings] = field(default_factory=list)
    reviews: dict[str, ReviewProfile] = field(default_factory=dict)  # [reviews.NAME]
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    downloads: str = ""
    """Folder attachments are downloaded to (`~` allowed); empty is the system's downloads
    folder."""
    download_max_bytes: int = 2 * 1024 * 1024 * 1024
    """Largest attachment downloaded, in bytes (2 GiB): an episode or a video, not a page."""
    images: PictureMode = "auto"
    """How the reader shows articles' pictures (fetched like pages, kept in the cache): "auto"
    (the terminal's graphics when it has some, else half blocks), "kitty", "sixel", "iterm",
    "halfblock", or "off" (the `[image]` labels only, nothing fetched)."""
    reading_width: int = 72
    """Columns the article's text is wrapped to at most (centred when zoomed)."""
    pipes: dict[str, PipeSettings] = field(default_factory=dict)
    """[pipe.NAME]: commands an item is piped to, by name."""
    keymap_lines: dict[str, int] = field(default_factory=dict)
    """The line of config.toml each [keys] entry is on, for the app's messages about them."""
    sync_every: float = 0.0
    """[sync] every: minutes between two syncs with the accounts while the app runs; 0 syncs
    only after a refresh of every feed (R)."""


def parse_settings(text: str) -> Settings:
    import tomllib  # only when there is a config.toml to read: ~5 ms at start-up

    from veille.core._settings_read import (
        _alert_url,
        _every,
        _host_of,
        _line_in_table,
        _picture_mode,
        _policy,
        _proxy,
        _Reader,
        _str_list,
        _str_table,
    )

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(_("config.toml is not valid TOML: {error}").format(error=error)) from None
    top = _Reader(text, data)
    settings = Settings()
    settings.lang = top.take("lang", str, settings.lang)
    if settings.lang not in ("fr", "en"):
        raise top.error(
            "lang", _('must be "fr" or "en", got {value!r}').format(value=settings.lang)
        )
    if "lang" in data:
        settings.ui_lang = settings.lang
    else:
        settings.lang = choose_language("")  # a press review speaks the reader's language
    settings.theme = top.take("theme", str, settings.theme)
    settings.full_text = _policy(top, "full_text", settings.full_text)
    settings.cache_size = top.positive("cache_size", settings.cache_size)
    settings.cluster_mark_read = top.take("cluster_mark_read", bool, settings.cluster_mark_read)
    settings.reading_width = top.positive("reading_width", settings.reading_width)
    settings.downloads = top.take("downloads", str, settings.downloads)
    settings.download_max_bytes = top.positive("download_max_bytes", settings.download_max_bytes)
    settings.images = _picture_mode(top)

    refresh = _Reader(text, top.take("refresh", dict, {}), "refresh.")
    r = settings.refresh
    for name in ("concurrency", "per_host", "max_bytes"):
        setattr(r, name, refresh.positive(name, getattr(r, name)))
    for name in ("connect_timeout", "read_timeout", "total_timeout", "slow_after", "deadline"):
        setattr(r, name, refresh.positive(name, getattr(r, name)))
    r.max_redirects = refresh.take("max_redirects", int, r.max_redirects)
    r.every = _every(refresh, r.every)
    r.auto_refresh = refresh.take("auto_refresh", int, r.auto_refresh)
    if r.auto_refresh < 0:
        raise refresh.error(
            "auto_refresh", _("must be 0 or more, got {value!r}").format(value=r.auto_refresh)
        )
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
    settings.proxy = _proxy(network)
    network.finish()

    keys = _Reader(text, top.take("keys", dict, {}), "keys.")
    for binding_id in list(keys.table):
        settings.keymap[binding_id] = keys.take(binding_id, str, "")
        line = _line_in_table(text, "keys", binding_id)
        if line:
            settings.keymap_lines[binding_id] = line

    for name, table in top.take("pipe", dict, {}).items():
        if not isinstance(table, dict):
            raise top.error(name, "expected a table")
        pipe = _Reader(text, table, f"pipe.{name}.")
        command = _str_list(pipe, "command")
        if not command:
            raise pipe.error("command", "needs the command and its arguments, as a list")
        fmt = pipe.take("format", str, "text")
        if fmt not in ("text", "json"):
            raise pipe.error("format", f'must be "text" or "json", got {fmt!r}')
        settings.pipes[name] = PipeSettings(command, fmt, pipe.positive("timeout", 10.0))
        pipe.finish()

    for host, table in top.take("sites", dict, {}).items():
        if not isinstance(table, dict):
            raise top.error(host, _("expected a table"))
        site = _Reader(text, table, f"sites.{host}.")
        settings.sites[host.lower()] = SiteSettings(
            content=site.take("content", str, ""),
            remove=_str_list(site, "remove"),
            cookies=_str_table(site, "cookies"),
            headers=_str_table(site, "headers"),
        )
        if proxy := _proxy(site):
            settings.proxies[host.lower()] = proxy
        site.finish()

    for url, table in top.take("feeds", dict, {}).items():
        if not isinstance(table, dict):
            raise top.error(url, _("expected a table"))
        feed = _Reader(text, table, f"feeds.{url}.")
        settings.feeds[url] = _policy(feed, "full_text", settings.full_text)
        if (proxy := _proxy(feed)) and (host := _host_of(url)):
            settings.proxies[host] = proxy
        if every := _every(feed, 0.0):
            settings.every[url] = every
        feed.finish()

    for nth, entry in enumerate(top.take("watch", list, [])):
        if not isinstance(entry, dict):
            raise top.error("watch", _("each [[watch]] must be a table"))
        watch = _Reader(text, entry, "watch.", nth)
        name = watch.take("name", str, "")
        query = watch.take("query", str, "")
        if not name or not query:
            raise watch.error(
                "name" if not name else "query", _("every [[watch]] needs a name and a query")
            )
        try:
            parse_query(query)
        except QueryError as problem:
            raise watch.error(
                "query", _("in watch {name!r}: {problem}").format(name=name, problem=problem)
            ) from None
        settings.watch.append(
            WatchSettings(
                name=name,
                query=query,
                add_tags=_str_list(watch, "add_tags"),
                star=watch.take("star", bool, False),
                mark_read=watch.take("mark_read", bool, False),
                hide=watch.take("hide", bool, False),
                notify=watch.take("notify", bool, False),
                command=watch.take("command", str, ""),
                post=_alert_url(watch),
            )
        )
        watch.finish()
    settings.reviews, settings.smtp = read_mail(top, lambda t, at: _Reader(text, t, at))
    top.finish()
    return settings


def load_settings(paths: Paths) -> Settings:
    """Read config.toml if it exists; raise ConfigError in plain words if it is wrong."""
    try:
        text = paths.config.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            _("cannot read {config}: {error}").format(config=paths.config, error=error)
        ) from None
    if paths.config.stat().st_mode & 0o077 and any(w in text for w in _SECRET_WORDS):
        # The file holds subscriber secrets: keep it private, as the user would expect.
        try:
            paths.config.chmod(0o600)
        except OSError:
            pass
    return parse_settings(text)
