"""Hide secrets in URLs before they are shown, logged or written into an error.

Private feeds often carry their credential in the URL itself: a password in the userinfo, or a
token in the query string (`?key=…`, `?rsskey=…`, `?access_token=…`). The URL has to be stored
as is so that the feed keeps working, but every place that shows a URL to a human — an error
message, a log line, a status bar — goes through `redact_url` first, so a screenshot or a pasted
log never leaks an account.

Redaction errs on the side of hiding: a harmless parameter named like a secret is masked too.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

from veille.text import strip_controls

__all__ = ["MASK", "is_secret_url", "redact_url"]

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


def _redact_query(query: str) -> str:
    if not query:
        return query
    parts = re.split(r"([&;])", query)  # keep the separators so the rest reads unchanged
    out: list[str] = []
    for part in parts:
        if part in ("&", ";") or "=" not in part:
            out.append(part)
            continue
        name, _, value = part.partition("=")
        out.append(f"{name}={MASK}" if value and _is_secret_name(name) else part)
    return "".join(out)


def _redact_netloc(netloc: str) -> str:
    if "@" not in netloc:
        return netloc
    userinfo, _, hostport = netloc.rpartition("@")
    user, colon, _password = userinfo.partition(":")
    if colon:
        return f"{user}:{MASK}@{hostport}"
    # A lone user name in a URL is usually a token used as a user name (`https://TOKEN@host/`).
    return f"{MASK}@{hostport}" if user else netloc


def redact_url(url: str) -> str:
    """`url` with its password and secret-looking query values replaced by `***`.

    Control characters are removed as well, since the result is meant for display. Anything that
    does not parse as a URL still has an obvious `scheme://user:password@` part masked.
    """
    url = strip_controls(url).replace("\n", "").replace("\t", "")
    try:
        parts = urlsplit(url)
    except ValueError:
        return _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", url)
    netloc = _redact_netloc(parts.netloc)
    query = _redact_query(parts.query)
    fragment = _redact_query(parts.fragment) if "=" in parts.fragment else parts.fragment
    if (netloc, query, fragment) == (parts.netloc, parts.query, parts.fragment):
        return url  # untouched: keep the caller's exact spelling
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def is_secret_url(url: str) -> bool:
    """Whether `url` carries something `redact_url` would hide."""
    clean = strip_controls(url).replace("\n", "").replace("\t", "")
    return redact_url(clean) != clean
