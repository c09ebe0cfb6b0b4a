"""Full-text extraction: from a fetched page to the article's clean HTML and plain text.

The pipeline is: refuse what is not an HTML page (PDF, image, binary), decode it as a browser
would, read the page's own metadata, then pick the article body from up to four candidates —
the user's per-site rule (CSS selectors, which always win when they match), two readings of the
layout, and the JSON-LD `articleBody` that news sites publish for search engines.

The two readings of the layout are readability's (one best block and its worthy siblings) and
trafilatura's (block by block, against lists of furniture). Measured on news pages, shop pages,
institutional pages and blogs, readability is the more precise on pages that declare themselves
articles, and trafilatura the better on the others, where the content is spread over several
blocks; so the page's own declaration chooses which reading comes first, and the other is asked
only when the first found next to nothing. The JSON-LD text is plain and loses links and images,
so it is only preferred when the layout gave little more than a teaser of it. Whatever the
source, the result is sanitised (see `cleanup`) before anyone stores or renders it.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html
from lxml.etree import XPathError

from veille.core.fulltext.cleanup import clean_article, drop_title, to_text
from veille.core.fulltext.furniture import drop_comment_sections, drop_overlays
from veille.core.fulltext.lede import with_lede
from veille.core.fulltext.mathml import formulas_to_text
from veille.core.fulltext.metadata import PageMetadata, read_metadata
from veille.core.fulltext.page import (
    ExtractionError,
    clean_source,
    decode_page,
    parse_page,
    sniff_page,
)
from veille.core.fulltext.reading import readability_body
from veille.core.fulltext.second import trafilatura_body
from veille.core.ingest.truncation import paywall_marker
from veille.core.text import strip_controls

__all__ = ["Article", "ExtractionError", "SiteRule", "extract"]


@dataclass(frozen=True, slots=True)
class SiteRule:
    """A site's own selectors: `content` picks the article, `remove` drops parts of it."""

    content: str = ""
    remove: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    html: str
    text: str
    title: str = ""
    byline: str = ""
    lead_image: str = ""
    lang: str = ""
    source: str = ""  # "rule", "json-ld", "readability" or "trafilatura": where the body came from
    # The page's own words saying the rest is for subscribers (« Il vous reste 85 % à découvrir »),
    # read before the clean-up drops them with the subscription offer: "" for a whole article.
    cut: str = ""


_WORD = re.compile(r"\w+")
# A reading of the layout with fewer words than this may have missed most of the article; the
# other reading is asked then, and wins when it finds more.
_SCANT = 100
_EMBEDDED_POST = re.compile(r"tweet|twitter|instagram|tiktok|bluesky|mastodon", re.IGNORECASE)
_TAGS = re.compile(r"<(?:p|br|div|a|em|strong|b|i|h[1-6]|ul|li|span)\b[^>]*>", re.IGNORECASE)


def _select(root: lxml_html.HtmlElement, selector: str) -> list[lxml_html.HtmlElement]:
    """Elements matching a user's CSS selector; a broken selector matches nothing."""
    if not selector.strip():
        return []
    try:
        found: list[lxml_html.HtmlElement] = root.cssselect(selector)
    except (SyntaxError, XPathError, ValueError, NotImplementedError):
        return []  # cssselect's SelectorError is a SyntaxError
    return found


def _base_url(root: lxml_html.HtmlElement, url: str) -> str:
    """The address relative links are resolved against: the page's `<base>` if it is a web one."""
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if not href:
            continue
        try:
            joined = urljoin(url, href)
        except ValueError:
            return url
        return joined if joined.startswith(("http://", "https://")) else url
    return url


def _apply_removals(root: lxml_html.HtmlElement, rule: SiteRule | None) -> None:
    if rule is None:
        return
    for selector in rule.remove:
        for element in _select(root, selector):
            if element is not root and element.getparent() is not None:
                element.drop_tree()


def _from_rule(root: lxml_html.HtmlElement, rule: SiteRule) -> lxml_html.HtmlElement | None:
    matches = _select(root, rule.content)
    # Keep only outermost matches, so a selector like `.content, .content p` takes text once.
    outer = [m for m in matches if not any(a in matches for a in m.iterancestors())]
    if not outer:
        return None
    container: lxml_html.HtmlElement = lxml_html.Element("div")
    for match in outer:
        match.tail = None
        container.append(match)  # moves the element out of the page: it is not needed again
    return container


def _prepare(root: lxml_html.HtmlElement) -> None:
    """Keep readability from discarding embedded posts, which are part of the story.

    Its "unlikely candidate" pattern matches `twitter-tweet` and `instagram-media`; quoted posts
    are what the article is about more often than not.
    """
    for quote in list(root.iter("blockquote")):
        if not _EMBEDDED_POST.search(quote.get("class") or ""):
            continue
        quote.set("class", "quoted-post")
        # Its wrappers ("social-media-embed") look like furniture to readability's scoring:
        # unwrap the ones that hold nothing else.
        size = len(quote.text_content()) + 80
        parent = quote.getparent()
        while (
            parent is not None
            and parent.tag in ("div", "figure", "section", "aside", "span")
            and parent.getparent() is not None
            and len(parent.text_content()) <= size
        ):
            above = parent.getparent()
            parent.drop_tag()
            parent = above


def _from_json_ld(body: str) -> lxml_html.HtmlElement:
    """The JSON-LD `articleBody` as HTML: parsed if it is markup, else one paragraph per line."""
    body = html.unescape(body) if _TAGS.search(html.unescape(body[:5000])) else body
    if _TAGS.search(body):
        try:
            fragment: lxml_html.HtmlElement = lxml_html.fragment_fromstring(
                body, create_parent="div"
            )
            return fragment
        except (etree.ParserError, ValueError):
            pass
    container: lxml_html.HtmlElement = lxml_html.Element("div")
    for line in html.unescape(body).split("\n"):
        if line.strip():
            paragraph = etree.SubElement(container, "p")
            paragraph.text = line.strip()
    return container


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text)]
    return Counter(tuple(words[i : i + 3]) for i in range(max(1, len(words) - 2)))


def _prefer_json_ld(body: str, dom_text: str) -> bool:
    """Whether the JSON-LD body beats what was found in the layout.

    It does when it is clearly longer and the layout's text is mostly part of it (a teaser, or
    the first paragraphs before a paywall); a JSON-LD body that is merely a description does not.
    """
    body_words = len(_WORD.findall(body))
    dom_words = len(_WORD.findall(dom_text))
    if body_words < 40:
        return False
    if dom_words < 25:
        return True
    if body_words < dom_words * 1.3:
        return False
    dom = _shingles(dom_text)
    shared = sum((dom & _shingles(body)).values())
    return shared >= 0.6 * sum(dom.values())


def _finish(
    body: lxml_html.HtmlElement, base: str, meta: PageMetadata, rule: SiteRule | None
) -> str:
    """Clean `body` in place; its plain text."""
    _apply_removals(body, rule)
    clean_article(body, base)
    drop_title(body, meta.title, meta.byline)
    return to_text(body)


def _only_links(body: lxml_html.HtmlElement) -> bool:
    linked = sum(len(a.text_content().strip()) for a in body.iter("a"))
    return linked >= len(body.text_content().strip())


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _from_layout(
    root: lxml_html.HtmlElement,
    base: str,
    meta: PageMetadata,
    rule: SiteRule | None,
) -> tuple[lxml_html.HtmlElement | None, str, str, str]:
    """The best of the readings and the JSON-LD body: body, text, source and cut-off words.

    The JSON-LD body is weighed against the first reading before the second is asked: when the
    first found a teaser of it, the page is one whose visible article is cut, and the publisher's
    own copy is the article.
    """
    readings: list[tuple[str, Callable[[], lxml_html.HtmlElement | None]]] = [
        ("readability", lambda: with_lede(root, readability_body(root))),
        ("trafilatura", lambda: trafilatura_body(root)),
    ]
    if not meta.is_article:
        readings.reverse()
    best: tuple[lxml_html.HtmlElement | None, str, str, str] = (None, "", "", "")
    ld: tuple[lxml_html.HtmlElement, str] | None = None
    if meta.body:
        # Bodies in markup carry the same furniture as the page; plain ones have none to match.
        ld_body = _from_json_ld(meta.body)
        clean_article(ld_body, base)
        ld = (ld_body, to_text(ld_body))
    for name, read in readings:
        body = read()
        if body is not None and not _only_links(body):  # a menu is no article
            cut = paywall_marker(body.text_content()) or ""
            text = _finish(body, base, meta, rule)
            if best[0] is None or _words(text) > _words(best[1]):
                best = (body, text, name, cut)
        if ld is not None and _prefer_json_ld(ld[1], best[1]):
            return ld[0], ld[1], "json-ld", ""
        if _words(best[1]) >= _SCANT:
            break
    return best


# A text this short may be the teaser its page's cut-off words announce; an article runs longer.
_TEASER_WORDS = 250


def _region_cut(root: lxml_html.HtmlElement) -> str:
    """The cut-off words of the page's article region (its largest `<article>` or `<main>`),
    read before any clean-up or reading drops the subscription offer that holds them."""
    regions = root.xpath("//article | //main | //*[@itemprop='articleBody']")
    if not regions:
        return ""
    text = max((str(r.text_content()) for r in regions), key=len)
    return paywall_marker(text) or ""


def extract(
    page: bytes, url: str, *, rule: SiteRule | None = None, content_type: str = ""
) -> Article:
    """The article in `page`, fetched from `url`; `ExtractionError` when there is none."""
    sniff_page(page, content_type)
    decoded = clean_source(decode_page(page, content_type))
    root = parse_page(decoded)
    page_cut = _region_cut(root)
    base = _base_url(root, url)
    meta: PageMetadata = read_metadata(root, base)
    drop_overlays(root, decoded)
    drop_comment_sections(root)
    formulas_to_text(root)
    body: lxml_html.HtmlElement | None = None
    text, source, cut = "", "", ""
    if rule is not None and rule.content:
        _apply_removals(root, rule)
        body = _from_rule(root, rule)
        if body is not None:
            cut = paywall_marker(body.text_content()) or ""
            text, source = _finish(body, base, meta, rule), "rule"
    if body is None:
        _apply_removals(root, rule)
        _prepare(root)
        body, text, source, cut = _from_layout(root, base, meta, rule)
    if body is None or not text.strip():
        raise ExtractionError("no article text found on the page")
    if not cut and page_cut and source != "json-ld" and _words(text) < _TEASER_WORDS:
        # The reading dropped the offer with its words (an overlay, a paywall block): a short
        # text under a cut-off the page itself showed is the teaser.
        cut = page_cut
    markup = strip_controls(lxml_html.tostring(body, encoding="unicode", method="html"))
    return Article(
        html=markup,
        text=text,
        title=meta.title,
        byline=meta.byline,
        lead_image=meta.lead_image,
        lang=meta.lang,
        source=source,
        cut=cut,
    )
