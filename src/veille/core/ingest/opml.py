"""Read a subscription list: OPML from another reader, newsboat's `urls` file, or plain URLs.

Moving to veille starts with importing what someone already follows, so the reader is lenient
about what real exporters write (attribute names in any case, `text` without `title`, folders
nested to any depth, a stray `&` in a URL) and strict about the rest: a file that is cut short or
is not a subscription list is refused whole, with the reason in plain words, rather than half
imported. The file comes from anywhere, so it is parsed without DTDs, entities or network
access, and every string in it is cleaned before it reaches the library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.entities import name2codepoint
from typing import Any
from urllib.parse import urlsplit

from veille.core.errors import VeilleError
from veille.core.ingest.newsboat import CommandLine, command_line, split_line, translate_query
from veille.core.redact import redact_url
from veille.core.text import clean_line
from veille.core.translations import _

__all__ = [
    "MAX_SUBSCRIPTIONS",
    "CommandLine",
    "Subscription",
    "SubscriptionFileError",
    "SubscriptionList",
    "read_subscription_list",
    "read_subscriptions",
    "subscribable_url",
]

MAX_SUBSCRIPTIONS = 100_000
_MAX_URL = 8192
_SCHEMES = ("http", "https", "file")


@dataclass(frozen=True, slots=True)
class Subscription:
    url: str
    title: str = ""
    folder: str = ""  # folder path, "" for top level; nested folders joined with "/"
    tags: tuple[str, ...] = ()  # tags the feed's items get (newsboat tags, OPML categories)


@dataclass(slots=True)
class SubscriptionList:
    """Everything a subscription file holds: feeds, searches, commands, and what was left out.

    `skipped` names each line or outline not imported, (where, what, why), so that an import
    never drops anything without a word.
    """

    feeds: list[Subscription] = field(default_factory=list)
    searches: list[tuple[str, str]] = field(default_factory=list)  # (name, veille query)
    commands: list[CommandLine] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)


class SubscriptionFileError(VeilleError, ValueError):
    """The file is not a usable subscription list; the message says why, in plain words."""


def read_subscriptions(data: bytes, filename: str = "") -> list[Subscription]:
    """The feeds listed in `data`, in file order, each URL once (the first mention wins)."""
    return read_subscription_list(data, filename).feeds


def read_subscription_list(data: bytes, filename: str = "") -> SubscriptionList:
    """Everything `data` lists, in file order, each feed URL once (the first mention wins).

    `data` is OPML 1.0/2.0, a newsboat `urls` file, or one URL per line. `filename` is only used
    to word errors. Raises `SubscriptionFileError` when nothing usable is found.
    """
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        found = _read_xml(data)
    else:
        found = _read_lines(data)
    if not (found.feeds or found.searches or found.commands):
        raise SubscriptionFileError(
            _("the OPML file holds no feeds")
            if head.startswith(b"<")
            else _("the file lists no feed URLs")
        )
    return found


class _Collector:
    """Keeps the first subscription per URL and enforces the size cap."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.found = SubscriptionList()
        self.subs = self.found.feeds

    def add(
        self, raw_url: str, title: str, folder: str, tags: tuple[str, ...] = (), where: str = ""
    ) -> bool:
        url = subscribable_url(raw_url)
        if url is None:
            return False
        if url in self.seen:
            self.skip(where, url, _("listed earlier in the file"))
            return True
        if len(self.subs) >= MAX_SUBSCRIPTIONS:
            raise SubscriptionFileError(
                _(
                    "the file lists more than {count:,} feeds, more than veille imports at once"
                ).format(count=MAX_SUBSCRIPTIONS)
            )
        self.seen.add(url)
        title = clean_line(title, 500)
        if title in (url, redact_url(url)):
            title = ""  # an untitled feed written out by its address: no title of its own
        self.subs.append(Subscription(url, title, folder, tags))
        return True

    def skip(self, where: str, what: str, why: str) -> None:
        if len(self.found.skipped) < MAX_SUBSCRIPTIONS:
            self.found.skipped.append((where, clean_line(redact_url(what), 300), why))


def subscribable_url(raw: str) -> str | None:
    """`raw` as a subscribable URL, or None when it is not http, https or file."""
    url = clean_line(raw, _MAX_URL + 1)
    if not url or len(url) > _MAX_URL:
        return None
    lower = url.lower()
    # `feed://host/…` and `feed:https://…` are browser conventions for "subscribe to this".
    if lower.startswith("feed:"):
        url = url[5:] if lower.startswith(("feed:http://", "feed:https://")) else "http:" + url[5:]
    url = url.replace(" ", "%20")
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SCHEMES:
        return None
    if parts.scheme.lower() != "file" and not parts.hostname:
        return None
    return url


# ---------------------------------------------------------------------------------------- OPML

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_BARE_AMP = re.compile(rb"&(?!(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});)")
_NAMED_REF = re.compile(rb"&([A-Za-z][A-Za-z0-9]{0,31});")
# Control characters XML 1.0 forbids, raw or as character references: a hostile or sloppy file
# uses them, and `clean_line` would drop them anyway.
_BAD_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BAD_REF = re.compile(
    rb"&#(?:[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));"
)
_XML_NAMES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
_FEED_ROOTS = {"rss", "feed", "rdf", "channel"}
_NOT_FEEDS = {"link", "include", "html", "folder"}


def _parser() -> Any:
    from lxml import etree  # lazily: keeps `import veille` light

    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True, recover=False,
    )  # fmt: skip


def _named_ref(match: re.Match[bytes]) -> bytes:
    name = match[1]
    if name in _XML_NAMES:
        return match[0]
    code = name2codepoint.get(name.decode("ascii"))
    return b"&#%d;" % code if code else b"&amp;" + name + b";"


def _repair(data: bytes) -> bytes:
    """Fix what exporters commonly get wrong without losing anything: a bare `&` in a URL, an
    HTML entity such as `&nbsp;`, control characters, and Windows-1252 text declared (or
    defaulted) as UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data  # UTF-16: none of the byte-level fixes below would be safe
    data = _BAD_REF.sub(b" ", _BAD_BYTES.sub(b" ", data))
    data = _NAMED_REF.sub(_named_ref, _BARE_AMP.sub(b"&amp;", data))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        text = re.sub(r"^(<\?xml[^>]*?)\s+encoding=[\"'][^\"']*[\"']", r"\1", text)
        data = text.encode("utf-8")
    return data


def _parse(data: bytes) -> Any:
    from lxml import etree

    if _ENTITY_DECL.search(data):
        raise SubscriptionFileError(
            _("not an OPML file: it declares XML entities, which veille does not expand")
        )
    try:
        return etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError) as first:
        # Second chance: a repaired copy, parsed with libxml2's recovery, accepted only when
        # the repair left nothing for recovery to guess at (a file cut short is refused).
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
            remove_comments=True, remove_pis=True, recover=True,
        )  # fmt: skip
        try:
            root = etree.fromstring(_repair(data), parser)
        except (etree.XMLSyntaxError, ValueError):
            root = None
        if root is not None and not len(parser.error_log):
            return root
        raise SubscriptionFileError(_syntax_message(data, first)) from None


def _syntax_message(data: bytes, error: Exception) -> str:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return _("this is a web page (HTML), not an OPML file; to follow a site, use `veille add`")
    line = getattr(error, "lineno", None)
    msg = str(error).lower()
    if "premature end" in msg or "not finished" in msg or "end of document" in msg:
        if line:
            return _("not a complete OPML file: it ends too early at line {line}").format(line=line)
        return _("not a complete OPML file: it ends too early")
    if line:
        return _("not an OPML file: the XML is malformed at line {line}").format(line=line)
    return _("not an OPML file: the XML is malformed")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _read_xml(data: bytes) -> SubscriptionList:
    root = _parse(data)
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        # Only reachable in encodings the byte-level check cannot read (UTF-16).
        raise SubscriptionFileError(
            _("not an OPML file: it declares XML entities, which veille does not expand")
        )
    kind = _local(root.tag)
    if kind == "html":
        raise SubscriptionFileError(
            _("this is a web page (HTML), not an OPML file; to follow a site, use `veille add`")
        )
    if kind in _FEED_ROOTS:
        raise SubscriptionFileError(
            _("this is a feed, not a list of subscriptions; to follow it, use `veille add`")
        )
    if kind != "opml":
        raise SubscriptionFileError(
            _("not an OPML file: its root element is <{kind}>").format(kind=kind[:40])
        )
    bodies = [child for child in root if _local(child.tag) == "body"]
    collector = _Collector()
    # An explicit stack rather than recursion: folder depth is whatever the file says.
    stack: list[tuple[Any, str]] = [(el, "") for b in reversed(bodies) for el in reversed(b)]
    while stack:
        el, folder = stack.pop()
        if _local(el.tag) != "outline":
            continue
        attrs = {_local(k): v for k, v in el.attrib.items()}
        name = attrs.get("title") or attrs.get("text") or ""
        kind = attrs.get("type", "").strip().lower()
        url = attrs.get("xmlurl", "")
        if not url and kind in ("rss", "atom"):
            url = attrs.get("url", "")
        where = (
            _("line {number}").format(number=el.sourceline) if el.sourceline else _("an outline")
        )
        children = [c for c in el if _local(c.tag) == "outline"]
        if url and kind not in _NOT_FEEDS:
            if not collector.add(url, name, folder, _categories(attrs), where):
                collector.skip(where, url, _("not a web or file address"))
        elif url or (not children and (attrs.get("text") or attrs.get("title"))):
            what = url or attrs.get("url") or attrs.get("text") or attrs.get("title") or ""
            why = _("an outline of type {kind!r}").format(kind=kind) if kind else _("no feed URL")
            collector.skip(where, what, why)
        if children:
            # A folder is named by its `text`, which OPML says is what readers show.
            label = clean_line(attrs.get("text") or name, 200).replace("/", "∕")
            sub = f"{folder}/{label}" if folder and label else (label or folder)
            stack.extend((c, sub) for c in reversed(children))
    return collector.found


def _categories(attrs: dict[str, str]) -> tuple[str, ...]:
    """OPML's `category="/Tech/Linux,news"`: each category a tag, its path kept with `/`."""
    found: list[str] = []
    for raw in (attrs.get("category") or "").split(","):
        name = clean_line(raw, 200).strip("/")
        if name and name not in found and len(found) < 50:
            found.append(name)
    return tuple(found)


# ---------------------------------------------------------------------------------- plain text


def _read_lines(data: bytes) -> SubscriptionList:
    """newsboat's `urls` file (URL, then quoted tags) or a bare list of URLs."""
    if b"\x00" in data:
        raise SubscriptionFileError(_("not a subscription file: it is binary, not OPML or text"))
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    collector = _Collector()
    found = collector.found
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = split_line(line)
        where = _("line {number}").format(number=number)
        lower = parts.first.lower()
        if lower.startswith("query:"):
            name, _sep, condition = parts.first[6:].partition(":")
            query = translate_query(condition)
            if name.strip() and query:
                found.searches.append((clean_line(parts.title or name, 200), query))
            else:
                collector.skip(where, parts.first, _("a query veille's search language cannot say"))
            continue
        if lower.startswith(("exec:", "filter:")):
            command = command_line(parts)
            if command is None:
                collector.skip(where, parts.first, _("a command feed without its command or URL"))
            else:
                found.commands.append(command)
            continue
        if not collector.add(parts.first, parts.title, parts.folder, tuple(parts.tags), where):
            raise SubscriptionFileError(
                _("not a subscription file: line {number} is neither OPML nor a feed URL").format(
                    number=number
                )
            )
    return found
