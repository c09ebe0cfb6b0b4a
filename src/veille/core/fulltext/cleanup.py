"""Making an extracted article safe, self-contained and free of page furniture.

The article's HTML is kept in the cache and rendered later, possibly exported into a press review
that someone opens in a browser: nothing active may survive (scripts, handlers, `javascript:`
links, frames, forms), and every link must still work away from the page, so relative addresses
become absolute. Share bars, newsletter boxes and « Lire aussi » teasers sit inside the article
container on most news sites; they are recognised by their class, id, role or label, and by their
opening words, and removed unless that would take most of the article with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree
from lxml import html as lxml_html

from veille.core.fulltext.furniture import (
    cut_comments,
    drop_back_links,
    drop_share_lists,
    drop_teaser_lists,
)
from veille.core.fulltext.mathml import formulas_to_text
from veille.core.fulltext.safe_urls import safe_srcset, safe_url

__all__ = [
    "BLOCK_TAGS",
    "clean_article",
    "drop_title",
    "remove_boilerplate",
    "text_length",
    "to_text",
]

# Elements that never belong in a stored article, dropped with their content.
_DROP = frozenset(
    """
    script style noscript iframe frame frameset object applet form button input select
    textarea option svg math link meta base template canvas dialog head title nav aside
    footer label
    """.split()  # noqa: SIM905  (a word list reads better than 40 quoted strings)
)
_VOID_CONTAINERS = frozenset({"embed", "param", "keygen", "track"})
# Attributes kept on stored elements; everything else (handlers, styles, classes, ids, data-*)
# goes, which is simpler to trust than a list of what to remove.
_KEEP_ATTRS = frozenset(
    """
    href src srcset alt title colspan rowspan datetime cite lang dir width height start
    reversed type sizes scope headers poster controls open
    """.split()  # noqa: SIM905  (a word list reads better than 40 quoted strings)
)
_URL_ATTRS = ("href", "src", "cite", "poster")
_LAZY_ATTRS = (
    "data-src",
    "data-lazy-src",
    "data-original",
    "data-url",
    "data-lazy",
    "data-hi-res-src",
    "data-full-src",
)
_LAZY_SRCSET = ("data-srcset", "data-lazy-srcset")
BLOCK_TAGS = frozenset(
    """
    p div section article main header h1 h2 h3 h4 h5 h6 ul ol li dl dt dd blockquote pre
    figure figcaption table thead tbody tfoot tr td th caption hr address details summary
    body html center picture video audio
    """.split()  # noqa: SIM905  (a word list reads better than 40 quoted strings)
)
# Tags that carry meaning while empty of text.
_MEDIA = frozenset({"img", "picture", "video", "audio", "source", "br", "hr", "td", "th", "col"})
_PLACEHOLDER = re.compile(
    r"^data:image/(?:gif|png);base64,.{0,200}$|blank\.gif|spacer|pixel\.gif", re.IGNORECASE
)
# Furniture recognised by class, id, role or aria-label words, in English and French. Content for
# subscribers ("paywall-content", "subscriber-only", "reserve-abonnes") is not furniture: with the
# user's cookies, that is the article itself.
_FURNITURE = re.compile(
    r"(?:^|[^a-z])(?:share|sharing|partag|social|newsletter|abonnement|abonnez|subscribe(?!r)"
    r"|subscription|related|lire[-_ ]?aussi|a[-_]lire|à[-_ ]lire|comments?(?:$|[-_ s])"
    r"|commentaires|promo|advert|sponsor|outbrain|taboola|pub(?:licite)?(?:$|[^a-z])"
    r"|ads?(?:$|[-_ \d])|breadcrumb|signup|inscription|recirc|more-stories|read-next|popular"
    r"|trending|rollover|tooltip|popover|hovercard|popup)",
    re.IGNORECASE,
)
# Whole blocks that are page furniture whatever their markup: ad labels, gallery counters,
# sharing prompts, tag lists.
_FURNITURE_TEXT = re.compile(
    r"^\s*(?:advert(?:isement)?|publicit[ée]|sponsored|annonce|pub"
    r"|image \d+ (?:of|sur|/) \d+|\d+ ?/ ?\d+|photo \d+ (?:of|sur) \d+"
    r"|share (?:this|on) \w+.*|partager (?:sur|cet article).*|tags? ?[:|].*|mots[- ]cl[ée]s ?:.*"
    r"|partagez (?:cet article|sur|l['’]article|ce contenu|cette page).{0,80}|share this:?|partager ?:?"
    r"|(?:(?:image|illustration|photo|visuel) )?(?:generated|created|made|illustrated) (?:with|by|using)"
    r" .{1,60}|(?:image|illustration|photo|visuel)s? (?:générée?s?|créée?s?|réalisée?s?) (?:par|avec)"
    r" .{1,60}|©.{0,100}|(?:votre adresse (?:e-?mail|de messagerie|courriel)|your email address)"
    r" (?:ne sera pas publiée|will not be published).*"
    r"|don['’]t miss:?|ne manquez pas:?|see more:.*|this slideshow requires javascript\.?"
    r"|\(?image credit:.*\)?|cr[ée]dit photo ?:.*|close|fermer|×"
    r"|(?:photo|image|illustration|credit|crédit|crédito|foto|bild|bildquelle|bildnachweis"
    r"|titelbild|beitragsbild)s? ?:(?: .{0,120})?|titelbild|beitragsbild"
    r"|(?:updated|posted|published|publié|publiziert|mis à jour|modifié)\b.{0,80}"
    # Labels and buttons of the page: its category, printing, a PDF copy, the comments.
    r"|(?:kategorien?|categor(?:y|ies)|rubrik) ?:.{0,80}|(?:rezept |artikel )?drucken"
    r"|print(?: recipe| this (?:page|article|recipe))?|imprimer|imprimir"
    r"|.{0,60} als pdf herunterladen|(?:download|télécharger) (?:as |en |le )?pdf"
    r"|view comments|show comments|kommentare anzeigen"
    r"|\*?(?:werbung|anzeige) ?[.:–-].{0,150}"
    r"|(?:zuletzt )?aktualisiert\b.{0,80}|letzte änderung\b.{0,80}|last (?:modified|updated)\b.{0,80}"
    # Questions to the reader about the page itself, and empty counters of its comments.
    r"|war (?:der|dieser) (?:artikel|beitrag) (?:nützlich|hilfreich)\??"
    r"|möchten sie (?:den|diesen) (?:artikel|beitrag) teilen\??"
    r"|(?:was|is) this (?:article|post|page) (?:helpful|useful)\??"
    r"|we want to hear what you think about this article.{0,200}"
    r"|if you enjoyed (?:reading )?this (?:post|article).{0,200}"
    r"|keine kommentare|no comments(?: yet)?|\(?noch keine bewertungen\)?)\s*$",
    re.IGNORECASE,
)
# Lines ending on a picture's credit in brackets, and "Share this story with a friend" anywhere in
# a short line: their open starts backtrack over the whole line, so each is tried only on lines
# that hold its bracket or its phrase.
_CREDITED_LINE = re.compile(
    r"^\s*.{0,250}\((?:image|photo|picture|credit|crédit|crédito|foto|bild)s?: [^)]{0,80}\)\s*$",
    re.IGNORECASE,
)
_SHARE_WITH = re.compile(r"\bshare (?:it|this (?:article|story|post)) with\b", re.IGNORECASE)
_SHARE_WITH_LINE = re.compile(r"^\s*.{0,80}" + _SHARE_WITH.pattern + r".{0,40}\s*$", re.I)
_TAG_LIST = re.compile(r"^\s*(?:tags|mots[- ]cl[ée]s|étiquettes|keywords|sujets)", re.I)
_CALL_TO_ACTION = re.compile(
    r"\b(?:sign up|subscribe|newsletter|inscrivez-vous|abonnez-vous|s[’']abonner|s[’']inscrire)\b",
    re.IGNORECASE,
)
# A date in a short line atop the article: a dateline, not a sentence of the story.
_DATE = re.compile(
    r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}[:h]\d{2}|(?:jan|feb|fév|fev|mar|apr|avr|abr"
    r"|may|mai|mayo|maio|jun|juin|jul|juil|aug|août|ago|sep|oct|out|nov|dec|déc|dez|dic)\w*"
    r"\.? \d{1,2}\b|\d{1,2}(?:er)? (?:de )?(?:jan|fév|fev|mar|avr|abr|mai|jui|ao|sep|oct|out"
    r"|nov|déc|dez|dic|ene|feb|apr|may|jun|jul|aug|dec)\w*\.?(?: de)? \d{4})",
    re.IGNORECASE,
)
# Opening words of inline teasers that point elsewhere.
_TEASER = re.compile(
    r"^\s*(?:[àa] lire (?:aussi|également)|lire aussi|lire également|voir aussi|sur le même sujet"
    r"|read more|related|see also|also read|also on|recommended|suggested reading|more on this"
    r"|leggi anche|lee también|leia também|veja também|lesen sie auch|mehr zum thema"
    r"|le[ae] (?:también|más)|vea también|mira también|(?:también )?[tl]e puede interesar"
    r"|leia mais|saiba mais|schon gelesen|auch interessant|das könnte sie (?:auch )?interessieren"
    r"|les plus lus|articles? (?:similaires|liés|connexes)|vous aimerez (?:aussi|également)"
    r"|dans la même rubrique|sur le même thème|à découvrir (?:aussi|également)"
    r"|you (?:may|might) also like|most read|read next)\b\s*[:|»-]?",
    re.IGNORECASE,
)
_NOT_PROSE = frozenset({"script", "style", "noscript", "template", "figcaption"})
# Blocks whose whole text can be recognised as furniture by its words.
_TEXT_BLOCKS = tuple(
    "p div li aside section span h2 h3 h4 h5 h6 strong figcaption small em".split()  # noqa: SIM905
)
_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")


def text_length(element: lxml_html.HtmlElement) -> int:
    return len(" ".join(element.itertext()).split()) if element is not None else 0


def _words(element: lxml_html.HtmlElement) -> str:
    return " ".join(
        v
        for v in (
            element.get("class"),
            element.get("id"),
            element.get("role"),
            element.get("aria-label"),
            element.get("data-component"),
        )
        if v
    )


def _remove(element: lxml_html.HtmlElement) -> None:
    if element.getparent() is not None:
        element.drop_tree()


def remove_boilerplate(root: lxml_html.HtmlElement) -> None:
    """Drop share bars, newsletter boxes, teasers and ad slots inside `root`.

    Each candidate is dropped only if it holds a small share of the text, so a mislabelled article
    container (`class="post share-enabled"`) stays.
    """
    total = max(1, text_length(root))
    for element in list(root.iter(etree.Element)):
        if element is root or element.getparent() is None:
            continue
        words = _words(element)
        if words and _FURNITURE.search(words):
            # A "social" wrapper around a quoted post is an embed the story is built on.
            if text_length(element) < total * 0.25 and element.find(".//blockquote") is None:
                _remove(element)
            continue
        if element.tag in _TEXT_BLOCKS:
            text = element.text_content()
            if len(text) < 2000 and _TAG_LIST.match(text) and _link_share(element, text) > 0.5:
                _remove(element)  # "Tags: a, b, c", each a link to a listing
                continue
            if len(text) > 300:
                continue
            if _furniture_text(text) or (_TEASER.match(text) and element.find(".//a") is not None):
                _remove(element)
            elif element.tag == "p" and text.isupper() and _link_share(element, text) > 0.9:
                _remove(element)  # a shouted link to another story: "CLICK HERE TO GET THE APP"
            elif (
                len(text) < 250
                and _CALL_TO_ACTION.search(text)
                and element.find(".//a") is not None
            ):
                _remove(element)  # "Sign up for our newsletter", with the link to do it


def _furniture_text(text: str) -> bool:
    """Whether the whole of `text` is words of page furniture."""
    if _FURNITURE_TEXT.match(text) or ("(" in text and _CREDITED_LINE.match(text)):
        return True
    return bool(_SHARE_WITH.search(text) and _SHARE_WITH_LINE.match(text))


def _link_share(element: lxml_html.HtmlElement, text: str) -> float:
    linked = sum(len(a.text_content()) for a in element.iter("a"))
    return linked / max(1, len(text.strip()))


def _word_key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _leaf_blocks(root: lxml_html.HtmlElement) -> Iterator[lxml_html.HtmlElement]:
    """Blocks holding text directly (not through other blocks), in document order."""
    for element in root.iter(*_TEXT_BLOCKS, "h1"):
        if not any(isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in element):
            yield element


def _is_dateline(text: str) -> bool:
    text = text.strip()
    return (
        len(text) < 120
        and not text.endswith((".", "!", "?", "»", '"', ":"))
        and bool(_DATE.search(text))
    )


def drop_title(root: lxml_html.HtmlElement, title: str, byline: str = "") -> None:
    """Drop the headline and byline lines atop the article: the reader shows both anyway."""
    wanted = {k for k in (_word_key(title), _word_key(byline)) if k}
    if not wanted:
        return
    for seen, element in enumerate(_leaf_blocks(root)):
        key = _word_key(element.text_content())
        if not key:
            continue
        if seen > 4:
            return
        repeats = key in wanted or (len(key) >= 20 and any(key in w for w in wanted))
        if repeats or _is_dateline(element.text_content()):
            _remove(element)
        elif len(key) > 200:
            return  # the story has begun


def _fix_lazy_image(img: lxml_html.HtmlElement) -> None:
    src = img.get("src") or ""
    for attr in _LAZY_ATTRS:
        lazy = img.get(attr)
        if lazy and (not src or _PLACEHOLDER.search(src)):
            img.set("src", lazy)
            break
    for attr in _LAZY_SRCSET:
        lazy = img.get(attr)
        if lazy and not img.get("srcset"):
            img.set("srcset", lazy)
            break


def _sanitize(root: lxml_html.HtmlElement, base: str) -> None:
    for element in list(root.iter()):
        if not isinstance(element.tag, str):  # comments and processing instructions
            if element.getparent() is not None:
                element.drop_tree()
            continue
        if element.tag in _DROP and element is not root:
            _remove(element)
        elif element.tag in _VOID_CONTAINERS and element.getparent() is not None:
            # HTML's parser nests what follows these void elements inside them: drop the tag only.
            element.drop_tag()
        elif not _TAG_NAME.fullmatch(element.tag) and element.getparent() is not None:
            # libxml2 keeps a name like `texte<script` (from « <texte<script> ») as it is; written
            # out, it reads like a script tag to any filter downstream. Keep the text only.
            element.drop_tag()
    for element in root.iter(etree.Element):
        # Soft hyphens and zero-width spaces only mark where a line may break: in stored text
        # they split words for search and show up as stray marks in a terminal.
        if element.text and _INVISIBLE.search(element.text):
            element.text = _INVISIBLE.sub("", element.text)
        if element.tail and _INVISIBLE.search(element.tail):
            element.tail = _INVISIBLE.sub("", element.tail)
        if element.tag in ("img", "source"):
            _fix_lazy_image(element)
        for name in list(element.attrib):
            if name.lower() not in _KEEP_ATTRS:
                del element.attrib[name]
        for name in _URL_ATTRS:
            value = element.get(name)
            if value is not None:
                safe = safe_url(value, base, image=element.tag in ("img", "source"))
                if safe:
                    element.set(name, safe)
                else:
                    del element.attrib[name]
        srcset = element.get("srcset")
        if srcset is not None:
            safe = safe_srcset(srcset, base)
            if safe:
                element.set("srcset", safe)
            else:
                del element.attrib["srcset"]
        if element.tag == "a" and element.get("href"):
            element.set("rel", "noopener noreferrer")


def _drop_empty(root: lxml_html.HtmlElement) -> None:
    for element in reversed(list(root.iter(etree.Element))):
        if element is root or element.tag in _MEDIA or element.getparent() is None:
            continue
        if element.tag == "a" and element.get("href") and len(element):
            continue
        has_text = (element.text or "").strip() or any((c.tail or "").strip() for c in element)
        if has_text or next(element.iter(*_MEDIA), None) is not None:
            continue
        if not "".join(element.itertext()).strip():
            element.drop_tree()


def clean_article(root: lxml_html.HtmlElement, base: str, *, boilerplate: bool = True) -> None:
    """Sanitise `root` in place: furniture out, nothing active, absolute links, no empty shells."""
    formulas_to_text(root)
    if boilerplate:
        remove_boilerplate(root)
        cut_comments(root)
        drop_teaser_lists(root)
        drop_share_lists(root)
        drop_back_links(root)
    _sanitize(root, base)
    _drop_empty(root)


def _pieces(element: lxml_html.HtmlElement) -> Iterator[str]:
    """Text pieces of `element`, with "\\n" and "\\n\\n" marking line and paragraph breaks."""
    tag = element.tag if isinstance(element.tag, str) else ""
    block = tag in BLOCK_TAGS
    if tag and tag not in _NOT_PROSE:
        if block:
            yield "\n\n"
        elif tag == "br":
            yield "\n"
        if element.text:
            yield element.text
        for child in element:
            yield from _pieces(child)
        if block:
            yield "\n\n"
        elif tag in ("td", "th"):
            yield " "
    if element.tail:
        yield element.tail


def to_text(element: lxml_html.HtmlElement) -> str:
    """The prose of `element`: paragraphs apart by a blank line, spaces folded.

    Captions are left out: they stay in the article's HTML, where the reader shows them beside
    their picture, but as plain text (excerpts, search snippets, `veille extract`) a caption reads
    as a stray sentence in the middle of the story.
    """
    raw = "".join(_pieces(element)).replace("\n\n", "\x00")
    paragraphs = []
    for chunk in raw.split("\x00"):
        lines = [_SPACES.sub(" ", line).strip() for line in chunk.replace("\r", "\n").split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)
