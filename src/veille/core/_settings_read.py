"""Reading config.toml's tables: types checked, and every mistake told with its key and line.

`parse_settings` (in `settings.py`) imports this module when there is a file to read.
"""

from __future__ import annotations

import math
import re
from fnmatch import fnmatchcase
from typing import Any, cast

from veille.core.model import FULL_TEXT_POLICIES, FullTextPolicy
from veille.core.settings import PICTURE_MODES, ConfigError, PictureMode
from veille.core.translations import _


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^[ \t]*(\"?){re.escape(key)}\1[ \t]*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


_HEADING = re.compile(r"^[ \t]*(\[\[?)[ \t]*([^\]\n]*?)[ \t]*\]", re.MULTILINE)
_NAME_PART = re.compile(r"\"((?:[^\"\\]|\\.)*)\"|'([^']*)'|([^.\s]+)")


def _heading_name(raw: str) -> str:
    """`feeds."https://a.example/rss"` as `feeds.https://a.example/rss`, as readers name it."""
    return ".".join(next(p for p in m.groups() if p is not None) for m in _NAME_PART.finditer(raw))


def _line_in_table(text: str, table: str, key: str, nth: int = 0) -> int | None:
    """The line of `key` inside `[table]`, or inside the `nth` `[[table]]` of an array of tables
    (a key name may be used by other tables too); "" is the top table, before any heading."""
    headings = list(_HEADING.finditer(text))
    if table:
        own = [i for i, h in enumerate(headings) if _heading_name(h.group(2)) == table]
        if len(own) <= nth:
            return None
        index = own[nth]
        start = headings[index].end()
    else:
        index, start = -1, 0
    end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
    line = _line_of(text[start:end], key)
    return line + text.count("\n", 0, start) if line else None


_GIB = 1024**3
# The largest value each number may take: past these a setting is a slip of the keyboard (a
# timeout of years, a million fetches at once) that would only show later as a strange failure.
# Lower bounds stay with each setting's own check ("greater than 0", "0 or more").
_MOST: dict[str, float] = {
    "cache_size": 1024 * _GIB,
    "reading_width": 1000,
    "download_max_bytes": 1024 * _GIB,
    "refresh.concurrency": 1000,
    "refresh.per_host": 100,
    "refresh.max_bytes": 4 * _GIB,
    "refresh.connect_timeout": 3600,
    "refresh.read_timeout": 3600,
    "refresh.total_timeout": 86400,
    "refresh.slow_after": 3600,
    "refresh.deadline": 86400,
    "refresh.max_redirects": 100,
    "refresh.auto_refresh": 7 * 24 * 60,  # minutes: a week
    "refresh.every": 365 * 86400,  # seconds, from "30m", "2h"…
    "feeds.*.every": 365 * 86400,
    "sync.every": 7 * 24 * 60,  # minutes: a week
    "pipe.*.timeout": 86400,
    "reviews.*.excerpt_length": 100_000,
    "smtp.port": 65535,
}
# Any other number: past 2**53 a float no longer holds every whole number, and SQLite's integers
# end at 2**63.
_ANY_MOST = 2.0**53


def _most(name: str) -> float:
    if name in _MOST:
        return _MOST[name]
    return next((v for k, v in _MOST.items() if "*" in k and fnmatchcase(name, k)), _ANY_MOST)


class _Reader:
    """Reads one TOML table, checking types and remembering where each key came from."""

    def __init__(self, text: str, table: dict[str, Any], prefix: str = "", nth: int = 0) -> None:
        self.text = text
        self.table = dict(table)
        self.prefix = prefix
        self.nth = nth  # which of an array's tables (`[[watch]]`) this one is

    def error(self, key: str, why: str) -> ConfigError:
        name = f"{self.prefix}{key}"
        # A key written dotted or in an inline table has no line of its own under a heading.
        line = _line_in_table(self.text, self.prefix.removesuffix("."), key, self.nth)
        line = line or _line_of(self.text, key)
        where = _(" (line {line})").format(line=line) if line else ""
        return ConfigError(f"config.toml: {name}{where}: {why}")

    def take(self, key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        if key not in self.table:
            return default
        value = self.table.pop(key)
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            raise self.error(
                key, _("expected {kind}, got {value!r}").format(kind=_kind_name(kinds), value=value)
            )
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kinds):
            raise self.error(
                key, _("expected {kind}, got {value!r}").format(kind=_kind_name(kinds), value=value)
            )
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.check_size(key, value)
        return value

    def check_size(self, key: str, value: float) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error(key, _("must be a finite number, got {value!r}").format(value=value))
        most = _most(f"{self.prefix}{key}")
        if value > most:
            shown = int(most) if most == int(most) else most
            raise self.error(
                key, _("must be at most {most}, got {value}").format(most=shown, value=value)
            )

    def positive(self, key: str, default: Any) -> Any:
        value = self.take(key, type(default), default)
        if value <= 0:
            raise self.error(key, _("must be greater than 0, got {value!r}").format(value=value))
        return value

    def finish(self) -> None:
        for key in self.table:
            raise self.error(key, _("unknown setting"))


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
        raise reader.error(key, _("expected a list of text values"))
    return tuple(value)


def _str_table(reader: _Reader, key: str) -> dict[str, str]:
    value = reader.take(key, dict, {})
    if not all(isinstance(v, str) for v in value.values()):
        raise reader.error(key, _("expected text values"))
    return dict(value)


def _policy(reader: _Reader, key: str, default: FullTextPolicy) -> FullTextPolicy:
    value = reader.take(key, str, default)
    if value not in FULL_TEXT_POLICIES:
        raise reader.error(
            key, _('must be "auto", "always" or "never", got {value!r}').format(value=value)
        )
    return value  # type: ignore[no-any-return]


def _proxy(reader: _Reader) -> str:
    value = reader.take("proxy", str, "")
    if not value:
        return ""
    from veille.core.ingest.proxies import ProxyError, check_proxy

    try:
        return check_proxy(value)
    except ProxyError as problem:
        raise reader.error("proxy", str(problem)) from None


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def _every(reader: _Reader, default: float) -> float:
    """`every = "2h"` (s, m, h, d, w) as seconds."""
    value = reader.take("every", str, "")
    if not value:
        return default
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", value)
    if match is None:
        raise reader.error(
            "every", f'must be a duration such as "30m", "2h" or "1d", got {value!r}'
        )
    seconds = float(match.group(1)) * _UNITS[match.group(2)]
    reader.check_size("every", seconds)
    return seconds


def _alert_url(reader: _Reader) -> str:
    value = str(reader.take("post", str, "")).strip()
    if value and not value.lower().startswith(("http://", "https://")):
        raise reader.error("post", f"must be an http:// or https:// address, got {value!r}")
    return value


def _host_of(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _picture_mode(top: _Reader) -> PictureMode:
    """`images`: one of PICTURE_MODES; true and false, as first written, mean auto and off."""
    value = top.take("images", (str, bool), "auto")
    if isinstance(value, bool):
        return "auto" if value else "off"
    if value not in PICTURE_MODES:
        raise top.error(
            "images", _("must be one of {values}").format(values=", ".join(PICTURE_MODES))
        )
    return cast(PictureMode, value)
