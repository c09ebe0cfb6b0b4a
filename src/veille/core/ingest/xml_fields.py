"""Reading one field of a feed's XML element: its text, its addresses, its language, its authors.

Shared by the lxml fast path (`parse_xml.py`), the feedparser path (`parse.py`) and page feeds,
so that every path cleans a title, a body or an author the same way and under the same limits.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

from lxml import etree

from veille.core.ingest.addresses import join_url
from veille.core.text import clean_line, html_to_text, strip_controls

ATOM = "{http://www.w3.org/2005/Atom}"
ATOM03 = "{http://purl.org/atom/ns#}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
RSS10 = "{http://purl.org/rss/1.0/}"
RSS090 = "{http://my.netscape.com/rdf/simple/0.9/}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
MEDIA = "{http://search.yahoo.com/mrss/}"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

MAX_ENTRIES = 10_000  # a hostile feed of 100,000 items must not become 100,000 rows
MAX_TITLE = 2_000
MAX_BODY = 2_000_000


# A quoted href/src attribute in an HTML body; relative ones are made absolute at ingest, as
# feedparser does, because later the item's own URL is not always the right base (xml:base).
_REF = re.compile(r"""(\s(?:href|src)\s*=\s*)(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_ABSOLUTE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|#")


def _child(element: etree._Element, name: str) -> etree._Element | None:
    return element.find(name)


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    if len(element):  # children (markup, comments): their text and tails, in order
        return strip_controls("".join(element.itertext()))[:MAX_BODY]
    return strip_controls(element.text or "")[:MAX_BODY]  # most fields: one text node


def absolutize(markup: str, base: str) -> str:
    """`markup` with its relative link and image addresses resolved against `base`."""
    if not base or "=" not in markup or not _REF.search(markup):  # `=`: a quick no
        return markup

    def resolve(match: re.Match[str]) -> str:
        quote = '"' if match.group(2) is not None else "'"
        value = match.group(2) if match.group(2) is not None else match.group(3)
        stripped = value.strip()
        if not stripped or _ABSOLUTE.match(stripped):
            return match.group(0)
        try:
            target = strip_controls(urljoin(base, stripped))  # the base may hold some
        except ValueError:
            return match.group(0)
        return f"{match.group(1)}{quote}{target}{quote}"

    return _REF.sub(resolve, markup)


def _body(element: etree._Element, url: str, markup: str) -> str:
    return absolutize(markup, _base(element, url))


def one_line(text: str, limit: int = MAX_TITLE) -> str:
    """A one-line field that may hold escaped HTML (`&amp;`, `<b>`) as feeds often do."""
    if "<" in text:
        text = html_to_text(text)
    elif "&" in text:
        text = html.unescape(text)
    return clean_line(text, limit)


def _base(element: etree._Element, fallback: str) -> str:
    base = element.base
    return base if isinstance(base, str) and base else fallback


def _absolute(href: str, element: etree._Element, url: str) -> str:
    href = strip_controls(href).strip()
    if not href:
        return ""
    return join_url(_base(element, url), href)


def _language(element: etree._Element) -> str:
    return clean_line(element.get(XML_LANG) or "", 35)


def author_name(raw: str) -> str:
    """`jo@example.org (Jo Smith)` → `Jo Smith`, as RSS writes authors.

    Only an address is dropped: `Jo Smith (editor)` or `Team (Paris)` are names as written.
    """
    raw = raw.strip()
    if raw.endswith(")") and "(" in raw:
        before = raw[: raw.index("(")].strip()
        if not before or ("@" in before and " " not in before):
            return raw[raw.index("(") + 1 : -1].strip() or raw
    return raw


def join_authors(names: list[str]) -> str:
    """Several authors as one field, each once, in the feed's order."""
    return clean_line(", ".join(dict.fromkeys(n for n in names if n)), 300)
