"""A web page read as a feed, by CSS selectors: for the sites that publish news without one.

A recipe names, by CSS selectors (or XPath expressions), the elements that are items (`item`), and within each item where its title, link,
date and summary are; each but `item` may be left out (the link is then the item's own `href` or
its first link, the title its first heading or its link's text, the date its `<time datetime>`).
Items are identified by their link, so an item seen again is the same item however the page
around it changes. When the site changes its layout, reading says which selector found nothing:
an `item` selector that matches nothing, or a title or link found in none of the items, is an
error (the feed's error until the recipe is mended); a date or summary found in none is a
warning. The page is untrusted: it is parsed by lxml's HTML parser, which loads nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from veille.core.errors import VeilleError
from veille.core.ingest.dates import parse_date
from veille.core.ingest.xml_fields import MAX_BODY, MAX_ENTRIES, MAX_TITLE, absolutize
from veille.core.model import NotAFeedError, ParsedEntry, ParsedFeed
from veille.core.redact import link_base
from veille.core.text import clean_line, html_to_text, strip_controls

PARTS = ("title", "link", "date", "summary")


class RecipeError(VeilleError, ValueError):
    """A selector that is not CSS; the message names it."""


@dataclass(frozen=True, slots=True)
class PageRecipe:
    item: str
    title: str = ""
    link: str = ""
    date: str = ""
    summary: str = ""

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> PageRecipe:
        data = json.loads(text)
        return cls(**{k: str(data.get(k) or "") for k in ("item", *PARTS)})

    def check(self) -> PageRecipe:
        """This recipe, every selector compiled once; raises RecipeError for one that is not CSS."""
        if not self.item.strip():
            raise RecipeError("a page feed needs an --item selector")
        for name in ("item", *PARTS):
            _compiled(name, getattr(self, name))
        return self


@dataclass(slots=True)
class PageReading:
    """What a recipe found in a page: the feed, and the selectors that found nothing."""

    feed: ParsedFeed
    items_found: int = 0
    empty: list[str] = field(default_factory=list)  # "--item", "--date", …: found in no item
    without_link: int = 0  # items skipped: no link to know them by


def _compiled(name: str, selector: str) -> Any:
    """A CSS selector, or an XPath expression when it starts like one (`//`, `./`, `(`)."""
    selector = selector.strip()
    if not selector:
        return None
    if selector.startswith(("/", "./", "(")):
        from lxml import etree

        try:
            path = etree.XPath(selector)
        except etree.XPathError:
            raise RecipeError(f"--{name} {selector!r} is not an XPath expression") from None
        # Elements only: an expression that picks text or attributes names no item or part.
        return lambda element: [e for e in path(element) if isinstance(e, etree._Element)]
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector

    try:
        return CSSSelector(selector)
    except (SelectorError, ValueError):
        raise RecipeError(f"--{name} {selector!r} is not a CSS selector") from None


def read_page(body: bytes, url: str, recipe: PageRecipe, content_type: str = "") -> PageReading:
    """The items `recipe` finds in the page `body` fetched from `url`."""
    url = link_base(url)  # the page's own keys stay out of its items' addresses
    from lxml import etree
    from lxml import html as lxml_html

    from veille.core.fulltext.page import clean_source, decode_page

    selectors = {name: _compiled(name, getattr(recipe, name)) for name in ("item", *PARTS)}
    try:
        root = lxml_html.document_fromstring(clean_source(decode_page(body, content_type)))
    except (etree.ParserError, ValueError):
        raise NotAFeedError("the page is empty or not HTML") from None
    base = url
    for element in root.iter("base"):
        if (element.get("href") or "").strip():
            base = urljoin(url, (element.get("href") or "").strip())
        break
    title = root.find(".//title")
    feed = ParsedFeed(
        title=clean_line(title.text_content() if title is not None else "", MAX_TITLE),
        site_url=url,
        language=clean_line(root.get("lang") or "", 35),
        kind="page",
    )
    reading = PageReading(feed)
    items = selectors["item"](root)[:MAX_ENTRIES]
    reading.items_found = len(items)
    found = dict.fromkeys(PARTS, 0)
    seen: set[str] = set()
    for element in items:
        entry, parts = _entry(element, selectors, base)
        for part in parts:
            found[part] += 1
        if not entry.link:
            reading.without_link += 1
            continue
        if entry.link not in seen:
            seen.add(entry.link)
            feed.entries.append(entry)
    if not items:
        reading.empty.append("--item")
    else:
        reading.empty.extend(f"--{p}" for p in PARTS if getattr(recipe, p) and not found[p])
    return reading


def _entry(element: Any, selectors: dict[str, Any], base: str) -> tuple[ParsedEntry, list[str]]:
    """One item's entry, and which of its parts the recipe's selectors found."""
    found: list[str] = []

    def pick(name: str) -> Any:
        if selectors[name] is None:
            return None
        matches = selectors[name](element)
        if matches:
            found.append(name)
        return matches[0] if matches else None

    link_element = pick("link")
    if selectors["link"] is None:
        link_element = element if element.get("href") else next(element.iter("a"), None)
    href = ""
    if link_element is not None:
        target = link_element if link_element.get("href") else next(link_element.iter("a"), None)
        href = (target.get("href") or "").strip() if target is not None else ""
    link = _web(urljoin(base, strip_controls(href))) if href else ""
    title_element = pick("title")
    if selectors["title"] is None:
        title_element = next(
            (e for e in element.iter("h1", "h2", "h3", "h4", "h5", "h6")), link_element
        )
    text = title_element.text_content() if title_element is not None else ""
    entry = ParsedEntry(guid=link or None, link=link or None, title=clean_line(text, MAX_TITLE))
    when = pick("date")
    if selectors["date"] is None:
        when = next((t for t in element.iter("time")), None)
    if when is not None:
        entry.published = parse_date(when.get("datetime") or when.text_content())
    summary = pick("summary")
    if summary is not None:
        entry.summary = absolutize(_inner_html(summary), base)[:MAX_BODY]
    if not entry.title and entry.summary:
        entry.title = clean_line(html_to_text(entry.summary), 120)
    return entry, found


def _inner_html(element: Any) -> str:
    from lxml import etree

    head = element.text or ""
    from html import escape

    parts = [escape(head)] + [
        etree.tostring(child, encoding="unicode", method="html", with_tail=True)
        for child in element
    ]
    return strip_controls("".join(parts))


def _web(url: str) -> str:
    try:
        return url if urlsplit(url).scheme in ("http", "https") else ""
    except ValueError:
        return ""


def parse_page(body: bytes, url: str, recipe: PageRecipe, content_type: str = "") -> ParsedFeed:
    """The page as a feed for a refresh: raises NotAFeedError, naming the selector, when the
    layout no longer fits the recipe."""
    reading = read_page(body, url, recipe, content_type)
    if "--item" in reading.empty:
        raise NotAFeedError(
            f"the page no longer fits its recipe: --item {recipe.item!r} matches nothing"
        )
    for part in ("--title", "--link"):
        if part in reading.empty:
            selector = getattr(recipe, part[2:])
            raise NotAFeedError(
                f"the page no longer fits its recipe: {part} {selector!r} is in none of the "
                f"{reading.items_found} items"
            )
    if not reading.feed.entries:
        raise NotAFeedError(
            f"the page no longer fits its recipe: none of the {reading.items_found} items "
            "has a link"
        )
    missing = [p for p in reading.empty if p in ("--date", "--summary")]
    if missing:
        reading.feed.warning = (
            f"{' and '.join(missing)} found nothing in the page's {reading.items_found} items"
        )
    return reading.feed
