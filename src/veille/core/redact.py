"""Hide secrets in URLs before they are shown, logged or written into an error.

Private feeds often carry their credential in the URL itself: a password in the userinfo, a
token in the query string (`?key=…`, `?rsskey=…`, `?access_token=…`, FreshRSS's `&token=…`), or
a token in the path, which no parameter name announces (`/feed/9f86d081884c7d65/rss`,
`/u/SECRET-TOKEN-ABC123/private.xml`, `?feed=…`). The URL has to be stored as is so that the
feed keeps working, but every place that shows a URL to a human — an error message, a log line,
a status bar, an export — goes through `redact_url` first, so a screenshot or a pasted log never
leaks an account.

The rule, in three parts:
- the userinfo (`user:password@`, or a token alone as the user name) is masked whole;
- a query value is masked when its parameter is named like a secret (`key`, `token`, `k`,
  `…_secret`, `…signature`);
- a path segment, query value or fragment value is masked when it looks like a credential
  rather than words or a number: 16 characters or more mixing letters and digits, not read as
  a slug (`2026-12-01-la-cnil-sanctionne`, `rtx4090-le-test`), so hex keys, base64 tokens,
  UUIDs and `ABC-DEF-123`-style keys are hidden while article addresses stay readable.

Redaction errs on the side of hiding: a harmless parameter named like a secret, or an article
id made of 16 hex digits, is masked too.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise
from urllib.parse import unquote, urlsplit, urlunsplit

from veille.core.text import strip_controls

__all__ = ["MASK", "is_secret_url", "looks_like_token", "redact_url"]

MASK = "***"

# Parameter names (lower-cased, with "-", "_" and "." removed) whose value is a credential.
_SECRET_NAMES = frozenset(
    {
        "key",
        "apikey",
        "token",
        "accesstoken",
        "authtoken",
        "auth",
        "authorization",
        "password",
        "passwd",
        "pass",
        "pwd",
        "secret",
        "sig",
        "signature",
        "session",
        "sessionid",
        "sid",
        "hash",
        "rsskey",
        "passkey",
        "authkey",
        "credential",
        "credentials",
        "jwt",
        "otp",
        "code",
        "ticket",
        "k",
    }
)
# Suffixes that mark a credential whatever comes before them (`private_token`, `x-amz-signature`,
# `client_secret`, `feedkey`).
_SECRET_SUFFIXES = ("token", "secret", "key", "password", "passwd", "signature", "credential")

_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^/@:?#]*)(?::[^/@?#]*)?@")


def _is_secret_name(name: str) -> bool:
    norm = re.sub(r"[-_.\s]", "", unquote(name)).lower()
    if not norm:
        return False
    return norm in _SECRET_NAMES or norm.endswith(_SECRET_SUFFIXES)


TOKEN_LENGTH = 16  # characters from which a string of letters and digits may be a credential
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_\-.~=+/]+")
_HEX = re.compile(r"[0-9a-fA-F]+")
_PARTS = re.compile(r"[-_.~/+=]+")
_NUMBER = re.compile(r"\d+(?:x\d+)?")  # 2026, 01, 640x480
# A word with a number on one side at most: headlines85, v2, 440px, 2x, rtx4090 (not 550e8400).
_WORDISH = re.compile(r"\d*([A-Za-z]+)|([A-Za-z]+)\d*")


def _is_word(part: str) -> bool:
    """A word, a word with a number at either end, or CamelCase: what slugs and file names are
    made of. A random token's letters switch case about every other one, and it has digits
    inside its runs of letters."""
    match = _WORDISH.fullmatch(part)
    if match is None:
        return False
    letters = match[1] or match[2]
    switches = sum(1 for a, b in pairwise(letters) if a.isupper() != b.isupper())
    return switches <= len(letters) // 2


def looks_like_token(text: str) -> bool:
    """Whether `text` (decoded) looks like a key or a token rather than words or a number."""
    if len(text) < TOKEN_LENGTH or not _TOKEN_CHARS.fullmatch(text):
        return False
    if not (any(c.isdigit() for c in text) and any(c.isalpha() for c in text)):
        return False  # words alone, or a number (an article id, a date)
    if _HEX.fullmatch(text) or not any(c.islower() for c in text):
        return True  # a hex key; a key written in capitals (`ABCD-EFGH-1234-5678`)
    parts = [p for p in _PARTS.split(text) if p]
    # A slug or a file name: words and numbers (`2026-12-01-la-cnil-sanctionne`,
    # `shortsell2-578x400`, `nyc101-01-videoLarge-v7`), now and then a short id among many
    # words (`pretty-and-fast-shell-97ea870f2805`); one run of letters and digits alone is a
    # name only when it reads as one (`takeflight2020`).
    words = sum(1 for p in parts if _is_word(p))
    others = [p for p in parts if not (_NUMBER.fullmatch(p) or _is_word(p))]
    short_ids = all(len(p) <= 12 for p in others) and words >= 2 * len(others)
    return bool(others) and not short_ids


# Public ids that look like tokens, in the addresses of the feeds most often subscribed to: a
# YouTube channel's feed is `…/feeds/videos.xml?channel_id=UC…`, 24 random-looking characters.
_PUBLIC_IDS = {"youtube.com": frozenset({"channel_id", "playlist_id", "user"})}


def _public_ids(host: str) -> frozenset[str]:
    host = host.lower().removeprefix("www.").removeprefix("m.")
    return _PUBLIC_IDS.get(host, frozenset())


def _secret_value(value: str) -> bool:
    return looks_like_token(unquote(value))


def _redact_query(query: str, public: frozenset[str] = frozenset()) -> str:
    if not query:
        return query
    parts = re.split(r"([&;])", query)  # keep the separators so the rest reads unchanged
    out: list[str] = []
    for part in parts:
        if part in ("&", ";"):
            out.append(part)
        elif "=" not in part:
            out.append(MASK if _secret_value(part) else part)  # `?TOKEN`
        else:
            name, _, value = part.partition("=")
            looks = name.lower() not in public and _secret_value(value)
            hide = value and (_is_secret_name(name) or looks)
            out.append(f"{name}={MASK}" if hide else part)
    return "".join(out)


def _redact_segment(segment: str) -> str:
    # The segment's parameters (`;jsessionid=…`) and its file extension (`TOKEN.xml`) are read
    # apart, so that what remains is judged on its own.
    head, semicolon, params = segment.partition(";")
    stem, dot, extension = head.rpartition(".")
    if dot and 1 <= len(extension) <= 5 and extension.isalnum():
        head = f"{MASK}.{extension}" if looks_like_token(unquote(stem)) else head
    elif _secret_value(head):
        head = MASK
    return head + semicolon + _redact_query(params)


def _redact_path(path: str) -> str:
    return "/".join(_redact_segment(segment) for segment in path.split("/"))


def _redact_netloc(netloc: str) -> str:
    if "@" not in netloc:
        return netloc
    userinfo, _, hostport = netloc.rpartition("@")
    # Masked whole: a user name beside a password names the account, and alone it is usually a
    # token used as a user name (`https://TOKEN@host/`, `https://TOKEN:x-oauth-basic@host/`).
    return f"{MASK}@{hostport}" if userinfo else netloc


@lru_cache(maxsize=4096)  # the same few hundred feed addresses, shown over and over
def redact_url(url: str) -> str:
    """`url` with its password and secret-looking query values replaced by `***`.

    Control characters are removed as well, since the result is meant for display. Anything that
    does not parse as a URL still has an obvious `scheme://user:password@` part masked.
    """
    url = strip_controls(url).replace("\n", "").replace("\t", "")
    try:
        parts = urlsplit(url)
    except ValueError:
        return _USERINFO.sub(lambda m: f"{m['scheme']}{MASK}@", url)
    netloc = _redact_netloc(parts.netloc)
    path = _redact_path(parts.path)
    query = _redact_query(parts.query, _public_ids(parts.hostname or ""))
    fragment = _redact_query(parts.fragment)
    if (netloc, path, query, fragment) == (parts.netloc, parts.path, parts.query, parts.fragment):
        return url  # untouched: keep the caller's exact spelling
    return urlunsplit((parts.scheme, netloc, path, query, fragment))


def link_base(url: str) -> str:
    """`url` as the base of the addresses a document fetched from it holds: without the user
    and password it was fetched with, its query and its fragment.

    Relative links resolve to the same pages, but none carries the feed's keys into its items'
    addresses, and from there into exports and shared press reviews: `/article/1` against
    `https://jo:pw@site/rss` would keep `jo:pw`, and `#top` against `…/rss?token=K` the token.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return _USERINFO.sub(lambda m: m["scheme"], url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def is_secret_url(url: str) -> bool:
    """Whether `url` carries something `redact_url` would hide."""
    clean = strip_controls(url).replace("\n", "").replace("\t", "")
    return redact_url(clean) != clean
