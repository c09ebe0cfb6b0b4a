"""The lede readability leaves behind: the chapô above the article's body.

Publishers set the article's opening paragraph (lede, standfirst, chapô, bajada) in the
article's header, beside the headline, and the body's paragraphs in a block of their own.
readability keeps that block and its siblings only, so the lede — often the one paragraph that
says what the story is — is lost; so is a first paragraph set apart from the others by a picture
or a wrapper. A lede is recognised by sitting before the body inside the same article, by being
prose (sentences, not links), and either by its markup's name for it or, for a plain paragraph
out of the header, captions and quotes, by sitting so close to the body that the region holding
both holds little else.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

__all__ = ["with_lede"]

# A class or id naming a lede: "lead", "article__abstract", "leadIn", "texto-bajada",
# "entry__subtitle". The name must end there ("leaderboard" and "introjs" are something else).
_LEDE_NAME = re.compile(
    r"(?<![A-Za-z])(?:[Ll]ead|[Ll]ede|[Ii]ntro|[Aa]bstract|[Ss]tandfirst|[Cc]hap[oô]|[Cc]hapeau"
    r"|[Ss]ub-?[Tt]itle|[Bb]ajada|[Ee]pigraph|[Ee]ntradilla|[Dd]eck|[Ss]apo|[Tt]easer-?[Tt]ext"
    r")(?![a-z])"
)
_CANDIDATES = "//*[@class or @id] | //p"
# A lede is a sentence or a few; a block this long beside the body is the body itself.
_MIN_WORDS = 8
_MAX_WORDS = 150
# Text blocks whose opening words are looked up to find where readability's body sits in the page.
_LEAVES = ("p", "h2", "h3", "h4", "li", "blockquote", "pre", "td", "dd")
_ANCHOR_CHARS = 60
# The region holding both the lede and the body may hold this many times their words (the
# article with its captions and asides); a larger one is the page, and the block is elsewhere.
_REGION_SHARE = 3
# A plain paragraph must be closer still: the region may hold little but it and the body.
_PLAIN_REGION_SHARE = 1.3
# A body shorter than this may be the wrong block, which the other reading is then asked to
# replace: a lede must not lengthen it past that test.
_MIN_BODY_WORDS = 100
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


_SHOWN_TEXT = (
    "descendant-or-self::text()[not(ancestor::script or ancestor::style or ancestor::noscript)]"
)


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _shown(element: lxml_html.HtmlElement) -> str:
    """The text a reader sees in `element`: its scripts' source is none of it."""
    return _fold("".join(element.xpath(_SHOWN_TEXT)))


def _anchor(
    root: lxml_html.HtmlElement, body: lxml_html.HtmlElement
) -> lxml_html.HtmlElement | None:
    """The page's element holding the first text block of readability's `body`."""
    first = next(
        (_fold(e.text_content()) for e in body.iter(*_LEAVES) if e.text_content().strip()), ""
    )
    prefix = first[:_ANCHOR_CHARS]
    if len(prefix) < 20:
        return None
    for element in root.iter(*_LEAVES):
        if _fold(element.text_content()).startswith(prefix):
            return element
    return None


_PLAIN_MIN_WORDS = 15
_SENTENCE_ENDS = (".", "!", "?", "»", '"', "”", ":")
_QUOTES = ("“", "”", '"', "«", "»", "„")
_NOT_STORY = re.compile(r"caption|credit|meta|byline|author|date|time|excerpt|hero|teaser", re.I)
_ASIDE = ("header", "figure", "figcaption", "blockquote", "aside", "footer", "nav", "form")


# A lede's block may be named for the article's opening picture as well ("lead-image"); a
# block holding a picture, or named for one, is that picture and its caption.
_MEDIA_NAME = re.compile(r"image|img|media|photo|picture|video|figure|visual|caption|credit", re.I)
_MEDIA = ("img", "picture", "figure", "figcaption", "video", "iframe")


def _picture(element: lxml_html.HtmlElement, names: str) -> bool:
    if _MEDIA_NAME.search(names):
        return True
    return any(inner.tag in _MEDIA for inner in element.iterdescendants())


def _plain_paragraph(element: lxml_html.HtmlElement) -> bool:
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    if _NOT_STORY.search(names):
        return False
    return not any(a.tag in _ASIDE for a in element.iterancestors())


def _opening_paragraph(text: str) -> bool:
    """Whether an unnamed paragraph reads as the story's first: whole sentences, not a quote.

    A paragraph that is a quotation from end to end, above the body, is a pull quote or the
    statement a fact check examines.
    """
    if len(_WORD.findall(text)) < _PLAIN_MIN_WORDS or not text.endswith(_SENTENCE_ENDS):
        return False
    return not (text.startswith(_QUOTES) and text.rstrip(".").endswith(_QUOTES))


def _is_prose(element: lxml_html.HtmlElement, text: str) -> bool:
    words = len(_WORD.findall(text))
    if not _MIN_WORDS <= words <= _MAX_WORDS:
        return False
    linked = sum(len(a.text_content()) for a in element.iter("a"))
    return linked < 0.3 * len(text)


def _ledes(
    root: lxml_html.HtmlElement, anchor: lxml_html.HtmlElement, known: str
) -> list[lxml_html.HtmlElement]:
    """Lede blocks before `anchor` whose text is not in the body's text `known`."""
    ancestors = set(anchor.iterancestors())
    position = {e: i for i, e in enumerate(root.iter())}
    start = position.get(anchor, 0)
    body_words = len(_WORD.findall(known))
    regions: dict[lxml_html.HtmlElement, int] = {}  # words of each region, counted once
    found: list[lxml_html.HtmlElement] = []
    for element in root.xpath(_CANDIDATES):
        if position.get(element, start) >= start or element in ancestors:
            continue
        names = f"{element.get('class') or ''} {element.get('id') or ''}"
        named = bool(_LEDE_NAME.search(names))
        if not named and (element.tag != "p" or not _plain_paragraph(element)):
            continue
        if named and _picture(element, names):
            continue
        if element.tag in ("h1", "a", "img", "figure"):
            continue
        if element.find(".//h1") is not None:
            continue  # the article's header, headline and all: its lede, if any, is inside
        if any(
            element in set(f.iterancestors()) or f in set(element.iterancestors()) for f in found
        ):
            continue
        text = _shown(element)
        if not _is_prose(element, text) or text[:_ANCHOR_CHARS] in known:
            continue
        if not named and not _opening_paragraph(text):
            continue
        common = next((a for a in element.iterancestors() if a in ancestors), None)
        if common is None or common.tag in ("body", "html"):
            continue
        if common not in regions:
            regions[common] = len(_WORD.findall(common.text_content()))
        share = _REGION_SHARE if named else _PLAIN_REGION_SHARE
        if regions[common] > share * (body_words + len(_WORD.findall(text))):
            continue
        found.append(element)
    return found


def with_lede(
    root: lxml_html.HtmlElement, body: lxml_html.HtmlElement | None
) -> lxml_html.HtmlElement | None:
    """readability's `body` of the page `root`, with the article's lede put back before it."""
    if body is None or len(_WORD.findall(body.text_content())) < _MIN_BODY_WORDS:
        return body
    anchor = _anchor(root, body)
    if anchor is None:
        return body
    known = _fold(body.text_content())
    for offset, lede in enumerate(_ledes(root, anchor, known)):
        paragraph = lxml_html.Element("p")
        paragraph.text = _shown(lede)
        body.insert(offset, paragraph)
    return body
