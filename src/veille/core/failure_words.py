"""A fetch or parse failure, told in the user's language when it is shown.

The network and feed layers word their failures in English, and that English is what the library
keeps as a feed's last error: it is written by parser processes that may not share the
interface's language, read back by `is_network_error`, and shown later, perhaps under another
language. So the English text is the record, and the translation happens where it is shown: a
stored text that reads as one of the templates below is given in the user's language, its
variable parts (hosts, addresses, counts) kept as they are. A text no template reads (an older
wording, a server's own words) is shown as it was stored.

Each template is the exact English its producer writes, with `{name}` where that producer puts a
value; the catalogue holds its translation. The first template that reads the whole text wins,
so a narrower one comes before a wider one that would also read it.
"""

from __future__ import annotations

import re
from functools import cache

from veille.core.translations import N_, _, current_language

__all__ = ["TEMPLATES", "failure_words"]

TEMPLATES = (
    # What a fetched document turned out to be (ingest/parse.py, ingest/pagefeed.py).
    N_("the server sent an empty document"),
    N_("this is a PDF document, not a feed"),
    N_("this is an image, not a feed"),
    N_("this is an HTML page, not a feed"),
    N_("the document is neither a feed nor valid JSON"),
    N_("this JSON document is not a JSON Feed (no list of items)"),
    N_("the feed could not be read ({kind})"),
    N_("the document is not a feed (no RSS, Atom or JSON Feed found)"),
    N_("the page is empty or not HTML"),
    N_("the page no longer fits its recipe: --item {selector} matches nothing"),
    N_("the page no longer fits its recipe: {part} {selector} is in none of the {count} items"),
    N_("the page no longer fits its recipe: none of the {count} items has a link"),
    # Reaching the server (ingest/failures.py, ingest/fetch.py, ingest/urls.py, ingest/body.py).
    N_("timed out after {seconds} s connecting to {host}"),
    N_("timed out after {seconds} s"),
    N_("could not resolve host {host}"),
    N_("connection refused by {address}"),
    N_("the certificate of {host} could not be verified ({reason})"),
    N_("the certificate of {host} could not be verified"),
    N_("the secure connection to {host} failed"),
    N_("the server closed the connection"),
    N_("the server sent a malformed response"),
    N_("could not connect to {address}"),
    N_("not a valid address: {url}"),
    N_("network error talking to {host}: {reason}"),
    N_("could not fetch from {host} ({kind})"),
    N_("refused to read {url}: not a web address"),
    N_("cannot fetch {url}: not a web or file address"),
    N_("too many redirects (more than {count})"),
    N_(
        "refused a redirect from https to http for {host}: its cookies or headers from "
        "config.toml would travel unencrypted"
    ),
    N_("redirect loop"),
    N_("refused a redirect to an invalid address"),
    N_("refused a redirect to a non-web address: {url}"),
    N_("the server redirected to an invalid address: {url}"),
    N_("{status} without a Location to go to"),
    N_("the response is larger than {size}"),
    N_("the server sent no content"),
    N_("the page was empty"),
    # Addresses the network policy refuses (ingest/guard.py, ingest/addresses.py).
    N_("refused to connect to {host}: no address policy in force"),
    N_(
        "refused to connect to {host}: a .onion address is reached only through a proxy such "
        'as Tor (proxy = "socks5://127.0.0.1:9050" in config.toml)'
    ),
    N_("refused to connect to a local socket"),
    N_("refused to fetch {host}: a public address redirected to a private one"),
    N_(
        "refused to fetch {host}: a private address you did not subscribe to (allow it in "
        "config.toml under [network] allow)"
    ),
    # Watch alerts (alerts.py), kept with the watch's last alert.
    N_("the rule could not run: {error}"),
    N_("the alert command did not finish within {seconds} s"),
    N_("the alert command {name} could not run: {reason}"),
    N_("the alert command failed (exit status {status}): {said}"),
    N_("the alert command failed (exit status {status})"),
    N_("the alert to {url} failed ({kind})"),
    N_("the alert to {url} was refused (HTTP {status})"),
    # Command feeds (ingest/commands.py); after the alerts, whose words these would also read.
    N_("the command cannot be read: {error}"),
    N_("the command is empty"),
    N_("could not run {name}: {reason}"),
    N_("{name} printed more than {size} MiB; it was stopped"),
    N_("{name} did not finish within {seconds} s; it was stopped"),
    N_("{name} failed (exit status {status}): {said}"),
    N_("{name} failed (exit status {status})"),
    N_("{name} failed (signal {signal}): {said}"),
    N_("{name} failed (signal {signal})"),
    # Local files (ingest/local_files.py).
    N_("cannot read a file on another machine: {url}"),
    N_("no such file: {path}"),
    N_("{path} is a folder, not a file"),
    N_("permission denied: {path}"),
    N_("could not read {path}: {reason}"),
    N_("the file is larger than {size}"),
)

_BETWEEN = N_("; ")  # between the failures of one watch's alerts
_FIELD = re.compile(r"\{(\w+)\}")
# A value never holds "; ": that is where one alert's failure ends and the next begins.
_VALUE = r"(?:(?!; ).)+?"


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    def pattern(template: str) -> re.Pattern[str]:
        parts = _FIELD.split(template)
        # split() alternates literal text and field names: even places are text.
        regex = "".join(
            re.escape(part) if n % 2 == 0 else f"(?P<{part}>{_VALUE})"
            for n, part in enumerate(parts)
        )
        return re.compile(regex, re.DOTALL)

    return tuple((pattern(template), template) for template in TEMPLATES)


def failure_words(stored: str) -> str:
    """`stored`, an English failure from the network or feed layer, in the user's language."""
    if current_language() == "en" or not stored:
        return stored
    whole = _one(stored)
    if whole is not None or "; " not in stored:
        return stored if whole is None else whole
    # A watch's alerts keep every way that failed, one after the other.
    return _(_BETWEEN).join(_one(part) or part for part in stored.split("; "))


def _one(text: str) -> str | None:
    for pattern, template in _patterns():
        found = pattern.fullmatch(text)
        if found is not None:
            return _(template).format(**found.groupdict())
    return None
