"""Find the feeds behind the address a user pastes.

People paste what they have at hand: a feed, a home page, an article, sometimes a bare domain. If
the address is a feed it is used as is; otherwise the page's `<link rel="alternate">` tags say
where its feeds are; failing that, the addresses most blog engines use (`/feed`, `/rss.xml`, …)
are tried and kept only if what comes back really is a feed. Checking by content rather than by
Content-Type matters: servers label feeds `text/html` and answer missing pages with a 200.

Those tries go by places, nearest first: the page's own feed-like links, then the usual names in
the page's folder, in each folder above it, at the root. A few are asked at a time, whatever the
refresh's limits allow, and the first place that holds a feed ends the search: a site is not
asked forty addresses to find what the first few said.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from veille.core.errors import VeilleError, failure_words
from veille.core.ingest.fetch import Fetcher, FetchResult
from veille.core.redact import redact_url
from veille.core.text import clean_line
from veille.core.translations import _

__all__ = ["COMMON_PATHS", "Candidate", "DiscoveryError", "discover", "feed_title", "sniff_feed"]

COMMON_PATHS = (
    "/feed",
    "/feed/",
    "/rss",
    "/rss.xml",
    "/atom.xml",
    "/feed.xml",
    "/index.xml",
    "/feeds/posts/default",
)
DISCOVER_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, text/html;q=0.9, "
    "application/xhtml+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
# Link types that announce a feed. Plain application/json is left out on purpose: WordPress
# announces its REST API with it on every page.
_LINK_TYPES = {
    "application/rss+xml": "rss",
    "application/x-rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/x.atom+xml": "atom",
    "application/rdf+xml": "rdf",
    "application/feed+json": "json",
    "application/xml": "",
    "text/xml": "",
}
_MAX_LINKS = 50  # a page listing more is not helping anyone choose
_ROOTS = {"rss": "rss", "feed": "atom", "rdf": "rdf"}
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_FIRST_TAG = re.compile(r"<(?![?!/])([a-z0-9_.:-]+)")
_JSONFEED = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/', re.I)


@dataclass(frozen=True)
class Candidate:
    """A feed found for an address. `kind` is "rss", "atom", "rdf", "json" or "" if unknown."""

    url: str
    title: str = ""
    kind: str = ""


class DiscoveryError(VeilleError, ValueError):
    """No feed could be found; the message says why in plain words."""


def _head_text(body: bytes, size: int) -> str:
    head = body[:size]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "ignore")
    return head.decode("utf-8", "ignore")


def sniff_feed(body: bytes | None) -> str:
    """The kind of feed `body` starts like ("rss", "atom", "rdf", "json"), or "" for anything else.

    Only the first kilobyte is read for XML: the root element is all that tells a feed from a page.
    """
    if not body:
        return ""
    text = _head_text(body, 1024).lstrip("\ufeff \t\r\n").lower()
    if text.startswith("{"):
        return "json" if _JSONFEED.search(body[:65536]) else ""
    match = _FIRST_TAG.search(_COMMENT.sub("", text))
    if match is None:
        return ""
    return _ROOTS.get(match.group(1).rsplit(":", 1)[-1], "")


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def feed_title(body: bytes, kind: str) -> str:
    """The feed's own title, read from its beginning; "" when it has none or cannot be read."""
    if kind == "json":
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return ""
        title = data.get("title") if isinstance(data, dict) else None
        return clean_line(title) if isinstance(title, str) else ""
    from lxml import etree

    # Entities are not resolved and nothing is fetched: the document is untrusted.
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body[:65536], parser)
    except (etree.XMLSyntaxError, ValueError):
        return ""
    if root is None:
        return ""
    for parent in (root, *(c for c in root if _local(c.tag) == "channel")):
        for child in parent:
            if _local(child.tag) == "title":
                return clean_line("".join(child.itertext()))
    return ""


_HTML_OPENINGS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title", b"<!--")


def _is_web_page(result: FetchResult) -> bool:
    """Whether the answer is an HTML page: said so, or opening as one does (servers that call
    every page text/plain exist)."""
    if "html" in (result.content_type or "").lower():
        return True
    assert result.body is not None
    head = result.body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(_HTML_OPENINGS) or (head.startswith(b"<?xml") and b"<html" in head)


def _page(result: FetchResult) -> tuple[Any, str] | None:
    """The page's tree and the base its relative addresses resolve against."""
    from lxml import etree
    from lxml import html as lxml_html

    assert result.body is not None
    try:
        root = lxml_html.document_fromstring(result.body)
    except (etree.ParserError, ValueError):
        return None
    base = result.final_url or result.url
    for element in root.iter("base"):
        href = (element.get("href") or "").strip()
        if href:
            base = urljoin(base, href)
        break
    return root, base


# What a link to a feed looks like: its address ends like a feed file or has a feed-like step
# (`/feed/`, `/rss`, `atom.xml`, `?format=rss`), or its text or title says RSS, Atom or feed.
_FEED_HREF = re.compile(
    r"(?:[./](?:rss|atom|rdf|xml)(?:\d*)(?:$|[/?#])|/(?:feeds?|rss|atom)(?:$|[/?#._-])"
    r"|[?&](?:format|feed|type)=(?:rss|atom|feed)\b)",
    re.IGNORECASE,
)
_FEED_WORDS = re.compile(r"\b(?:rss|atom|feeds?|flux|syndication)\b", re.IGNORECASE)
_MAX_ANCHORS = 12  # links worth a request each; a page with more feed-like links is a directory


def _anchor_links(root: Any, base: str) -> list[str]:
    """Addresses of the page's `<a>` links that look like feeds, in page order, at most a few:
    each is fetched to see whether it really is one."""
    found: list[str] = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        words = f"{anchor.get('title') or ''} {anchor.text_content()[:200]}"
        try:
            target = urljoin(base, href).split("#", 1)[0]
            parts = urlsplit(target)
        except ValueError:
            continue
        if parts.scheme.lower() not in ("http", "https") or target in found:
            continue
        if _FEED_HREF.search(parts.path + ("?" + parts.query if parts.query else "")) or (
            _FEED_WORDS.search(words)
        ):
            found.append(target)
            if len(found) >= _MAX_ANCHORS:
                break
    return found


def guessed_places(page: str) -> list[list[str]]:
    """Where feeds usually are for `page`, by place: the usual names below the page's own path,
    then each folder above it (a blog under `/blog/` has its feed at `/blog/feed`), then the
    root."""
    parts = urlsplit(page)
    origin = f"{parts.scheme}://{parts.netloc}"
    steps = [s for s in parts.path.split("/") if s]
    if steps and "." in steps[-1]:
        steps = steps[:-1]  # `/blog/post.html` lives in `/blog/`
    folders = ["/" + "/".join(steps[:n]) for n in range(min(len(steps), 3), 0, -1)]
    places: list[list[str]] = []
    for folder in [*folders, ""]:
        place = [
            origin + folder + path
            for path in COMMON_PATHS
            if not (folder and path == "/feeds/posts/default")  # Blogger's, at the root only
        ]
        places.append(place)
    return places


def guessed_addresses(page: str) -> list[str]:
    """Every address `guessed_places` names, nearest first."""
    return list(dict.fromkeys(url for place in guessed_places(page) for url in place))


def _page_links(root: Any, base: str) -> list[Candidate]:
    """Feeds announced by an HTML page, in page order, relative addresses resolved."""
    page_title = ""
    for element in root.iter("title"):
        page_title = clean_line(element.text_content())
        break
    schemes = {"http", "https"}
    found: dict[str, Candidate] = {}
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        media = (link.get("type") or "").split(";", 1)[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" not in rels or media not in _LINK_TYPES or not href:
            continue
        try:
            target = urljoin(base, href)
            scheme = urlsplit(target).scheme.lower()
        except ValueError:
            continue
        if scheme not in schemes or target in found:
            continue
        title = clean_line(link.get("title") or "") or page_title
        found[target] = Candidate(target, title, _LINK_TYPES[media])
        if len(found) >= _MAX_LINKS:
            break
    return list(found.values())


async def _probe(fetcher: Fetcher, url: str, typed: str) -> tuple[Candidate, str] | None:
    result = await fetcher.fetch_page(url, accept=DISCOVER_ACCEPT, trusted=(typed,))
    kind = sniff_feed(result.body) if result.ok else ""
    if not kind or result.body is None:
        return None
    where = result.permanent_redirect or url
    return Candidate(where, feed_title(result.body, kind), kind), result.final_url


PROBES_AT_ONCE = 4  # addresses asked at once while looking for a site's feeds


async def _first_place_with_feeds(
    fetcher: Fetcher, places: list[list[str]], typed: str
) -> list[Candidate]:
    """The feeds of the first place that has any, each address asked once, a few at a time;
    in the order of the addresses, whichever answers first."""
    gate = asyncio.Semaphore(PROBES_AT_ONCE)
    asked: set[str] = set()

    async def probe(address: str) -> tuple[Candidate, str] | None:
        async with gate:
            return await _probe(fetcher, address, typed)

    for place in places:
        tries = [a for a in dict.fromkeys(place) if a not in asked]
        asked.update(tries)
        found: list[Candidate] = []
        seen: set[str] = set()
        for answer in await asyncio.gather(*(probe(address) for address in tries)):
            if answer is None:
                continue
            candidate, final = answer
            if final in seen or candidate.url in seen:
                continue  # `/feed` and `/feed/` are often the same feed
            seen.update((final, candidate.url))
            found.append(candidate)
        if found:
            return found
    return []


def _normalise(url: str) -> str:
    url = url.strip()
    if "://" not in url and not url.startswith(("file:", "/")):
        url = "https://" + url  # a bare domain, as people type it
    return url


async def discover(fetcher: Fetcher, url: str) -> list[Candidate]:
    """The feeds for `url`: itself if it is a feed, else those its page links to, else those at
    the usual addresses. Raises DiscoveryError, in plain words, when there are none."""
    url = _normalise(url)
    shown = redact_url(url)
    # The address typed is the user's (its host may be on their LAN, or it may be a file of
    # theirs); what it links to is checked as any page would be, and only web addresses are
    # opened.
    if url.startswith(("file:", "/")):
        result = await fetcher.fetch(url, accept=DISCOVER_ACCEPT)
    else:
        result = await fetcher.fetch_page(url, accept=DISCOVER_ACCEPT, trusted=(url,))
    if not result.ok or result.body is None:
        raise DiscoveryError(
            _("could not open {shown}: {value}").format(
                shown=shown, value=failure_words(result.error) if result.error else _("no content")
            )
        )
    kind = sniff_feed(result.body)
    if kind:
        where = result.permanent_redirect or url
        return [Candidate(where, feed_title(result.body, kind), kind)]
    if not _is_web_page(result):
        # Garbage, a picture, a document: the usual addresses of its site are not what was
        # asked for, and subscribing to one of them would be a guess the user never made.
        raise DiscoveryError(
            _("{shown} is neither a feed nor a web page that could link to one").format(shown=shown)
        )
    page = _page(result)
    linked = _page_links(*page) if page else []
    if linked:
        return linked
    where = result.final_url or url
    if urlsplit(where).scheme not in ("http", "https"):
        raise DiscoveryError(_("no feed found in {shown}").format(shown=shown))
    # The page's own links to feeds first, then the usual addresses near it.
    places = [_anchor_links(*page) if page else [], *guessed_places(where)]
    found = await _first_place_with_feeds(fetcher, places, url)
    if not found:
        raise DiscoveryError(
            _(
                "no feed found at {shown}: the page announces none, and none of the usual addresses (/feed, /rss.xml, /atom.xml, …) answered with a feed"
            ).format(shown=shown)
        )
    return found
