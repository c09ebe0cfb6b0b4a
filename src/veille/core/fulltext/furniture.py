"""Page furniture that no reading of the layout should take for the article.

Three kinds are handled here, because they defeat the per-block clean-up of `cleanup`:

- consent banners and overlays (cookies, GDPR dialogs), which sit outside any `<article>` but on
  pages without one end up in the text, first of all — so in every excerpt. They are dropped from
  the page before it is read, by the words of their class, id or role, or by their own words;
- the comment section: once a heading such as « Laisser un commentaire » or "Leave a reply" is
  reached, the article is over, and what follows is readers' talk and the form to add to it;
- share bars made of nothing but the names of networks (« Facebook Twitter E-mail »), and
  « À lire aussi » headings over a list of links, which carry no class once a reading has
  rewritten the markup.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

__all__ = [
    "cut_comments",
    "drop_back_links",
    "drop_comment_sections",
    "drop_overlays",
    "drop_share_lists",
    "drop_teaser_lists",
]

_OVERLAY = re.compile(
    r"cookie|consent|gdpr|rgpd|didomi|onetrust|tarteaucitron|axeptio|cmp[-_]|qc-cmp|sp_message"
    r"|privacy[-_]?(?:banner|notice|popup)|cookiebanner|usercentrics|cookiebot",
    re.IGNORECASE,
)
# A consent banner by its own words: short, about cookies, and asking for a choice.
_CONSENT_TEXT = re.compile(
    r"\b(?:cookies?|traceurs|témoins de connexion)\b.{0,400}\b(?:accept|agree|consent|refus"
    r"|reject|paramétr|param[eè]tres|personnaliser|manage|préférences|preferences|continuer"
    r"|poursuivant|en savoir plus|learn more|ok\b|j['’]accepte|tout accepter)",
    re.IGNORECASE | re.DOTALL,
)
_COMMENTS_START = re.compile(
    r"^\s*(?:laisser un commentaire|laissez un commentaire|ajouter un commentaire"
    r"|écrire un commentaire|votre commentaire|réagir à cet article"
    r"|\d+\s+(?:commentaires?|réactions?|comments?|responses?|replies)"
    r"|commentaires?(?:\s*\(\d+\))?|leave a (?:comment|reply)|post a comment|add a comment"
    r"|comments?(?:\s*\(\d+\))?|join the (?:discussion|conversation)"
    r"|(?:one|two|three|\d+) thoughts? on\b.*)\s*[:.!]?\s*$",
    re.IGNORECASE,
)
_SHARE_WORDS = frozenset(
    """
    facebook twitter x linkedin whatsapp telegram messenger pinterest reddit tumblr bluesky
    mastodon threads flipboard pocket email e-mail mail courriel imprimer print copier copy
    lien link partager partagez share tweet envoyer send sms
    """.split()  # noqa: SIM905  (a word list reads better than 40 quoted strings)
)
_TOKEN = re.compile(r"[\w-]+")
# Class and id values that hold an overlay word, found in the page's markup by one regular
# expression: visiting every element from Python cost more than the rest of the clean-up on
# large pages. Only the elements bearing those values are looked up then.
# Case-sensitive on purpose: five times faster, and attribute names are written in lower case.
_LABEL_VALUE = re.compile(r"""(?:class|id)\s*=\s*["']([^"'<>]{1,300})["']""")
_BEARING = etree.XPath("//*[@class = $value or @id = $value]")
_COOKIE_WORDS = etree.XPath(
    "//text()[contains(., 'ookie') or contains(., 'OOKIE')][not(parent::script)]"
    "[not(parent::style)]"
)
_BOXES = frozenset({"div", "section", "aside", "dialog", "p", "form", "footer", "header"})
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "b", "legend")


def drop_overlays(root: lxml_html.HtmlElement, markup: str) -> None:
    """Drop consent banners and cookie dialogs from the page `root` parsed from `markup`."""
    values = {v for v in set(_LABEL_VALUE.findall(markup)) if _OVERLAY.search(v)}
    # The page's length is only needed to weigh a labelled box, which most pages have none of.
    total = max(1, len(root.text_content())) if values else 1
    for value in sorted(values):  # one order in every process: nested boxes fall alike
        for element in _BEARING(root, value=value):
            if element.getparent() is None or element.tag in ("html", "body"):
                continue
            if len(element.text_content()) < total * 0.3:
                element.drop_tree()
    # A banner without telling labels, by its words: the smallest box around a sentence about
    # cookies that also holds the button or link to answer it.
    for node in _COOKIE_WORDS(root):
        box = node.getparent()
        for _ in range(4):
            if box is None or box.tag in ("html", "body"):
                break
            if box.getparent() is None:
                break
            text = box.text_content()
            if len(text) > 1200:
                break
            answer = box.find(".//button") is not None or box.find(".//a") is not None
            if box.tag in _BOXES and answer and _CONSENT_TEXT.search(text):
                box.drop_tree()
                break
            box = box.getparent()


def cut_comments(body: lxml_html.HtmlElement) -> None:
    """Drop the comment section: its heading and everything after it.

    Only a heading found after most of the text counts: an article may well speak of comments
    near its start, but it does not end there.
    """
    total = max(1, len(body.text_content()))
    seen = 0
    for element in list(body.iter(*_HEADINGS)):
        if element.getparent() is None:
            continue
        text = element.text_content()
        if len(text) < 80 and _COMMENTS_START.match(text) and seen >= total * 0.5:
            _drop_from(element, body)
            return
        if not any(isinstance(child.tag, str) for child in element):
            seen += len(text)


def drop_comment_sections(root: lxml_html.HtmlElement) -> None:
    """On the whole page, before it is read: each comment heading and what follows it in its box.

    A reading of the layout keeps readers' comments that look like prose but drops the heading
    that announced them, so the section is cut here, while the heading still says what it is.
    """
    total = max(1, len(root.text_content()))
    for element in list(root.iter("h1", "h2", "h3", "h4", "h5", "h6", "legend", "strong", "p")):
        parent = element.getparent()
        if parent is None:
            continue
        text = element.text_content()
        if len(text) >= 80 or not _COMMENTS_START.match(text):
            continue
        following = list(element.itersiblings())
        after = sum(len("".join(f.itertext())) for f in following if isinstance(f.tag, str))
        if after < total * 0.5:
            for sibling in following:
                sibling.drop_tree()
            element.drop_tree()


def _drop_from(element: lxml_html.HtmlElement, root: lxml_html.HtmlElement) -> None:
    """Drop `element` and everything after it in document order, up to `root`."""
    node = element
    while node is not None and node is not root:
        parent = node.getparent()
        for sibling in list(node.itersiblings()):
            sibling.drop_tree()
        node = parent
    if element.getparent() is not None:
        element.drop_tree()


def drop_share_lists(body: lxml_html.HtmlElement) -> None:
    """Drop blocks whose every word names a network or a way to share."""
    for element in list(body.iter("ul", "ol", "div", "p", "section")):
        if element.getparent() is None or element is body:
            continue
        if _only_share_words(element.text_content()):
            element.drop_tree()


def _only_share_words(text: str) -> bool:
    """Whether `text` is 2 to 20 words, each the name of a network or a way to share.

    Read word by word and given up at the first other word: most blocks are prose, and the large
    ones hold the whole article.
    """
    count = 0
    for word in _TOKEN.finditer(text):
        count += 1
        if count > 20 or word.group().lower() not in _SHARE_WORDS:
            return False
    return count >= 2


# A heading that announces links to other stories, and nothing else.
_TEASER_HEADING = re.compile(
    r"^\s*(?:[àa] lire (?:aussi|également|ensuite)|lire aussi|lire également|voir aussi"
    r"|sur le même (?:sujet|thème)|dans la même rubrique|les plus lus|les plus partagés"
    r"|articles? (?:similaires|liés|connexes|recommandés)|vous aimerez (?:aussi|également)"
    r"|vous pourriez aimer|à découvrir (?:aussi|également)|nos derniers articles|derniers articles"
    r"|read (?:also|more|next)|related(?: (?:articles|stories|posts|content))?|see also"
    r"|you (?:may|might) also like|more (?:from|on) [\w ]{1,30}|most (?:read|popular)"
    r"|recommended(?: for you)?|up next|further reading"
    r"|(?:contenidos?|noticias|artículos|notas) relacionad[oa]s|lo más leído|te puede interesar"
    r"|leia (?:também|mais)|veja também|leggi anche|schon gelesen\??|lesen sie auch|mehr zum thema"
    r"|(?:weitere|verwandte|ähnliche) (?:artikel|beiträge|themen|nachrichten)|meistgelesen"
    r"|das (?:thema )?könnte (?:sie|dich|euch) (?:auch )?interessieren|auch interessant"
    r"|auch lesen|zum weiterlesen|mehr themen|lesen sie auch die folgenden beiträge"
    r"|weitere beiträge (?:aus|zu|zum|von) [\w ]{1,30}|empfohlene (?:artikel|beiträge)"
    r"|top-themen(?: [\w ]{1,30})?|(?:también )?(?:le|te) puede interesar"
    r"|you (?:may|might) also be interested in)\s*[:|»]?\s*$",
    re.IGNORECASE,
)


def drop_teaser_lists(body: lxml_html.HtmlElement) -> None:
    """Drop « À lire aussi » headings with the list of links that follows them."""
    for element in list(body.iter(*_HEADINGS)):
        if element.getparent() is None or element is body:
            continue
        text = element.text_content()
        if len(text) > 60 or not _TEASER_HEADING.match(text):
            continue
        following = element.getnext()  # a comment, maybe: only an element is a list
        if following is not None and isinstance(following.tag, str) and _mostly_links(following):
            following.drop_tree()
        element.drop_tree()


# A link back to where the reader came from: « Zurück zur Übersicht », "Back to the list".
_BACK_LINK = re.compile(
    r"^\s*[«‹<←]?\s*(?:zurück|back|retour|volver|torna(?:re)?)(?: (?:zu[rm]?|to|à|au|a|al)\b.{0,40})?"
    r"\s*$",
    re.IGNORECASE,
)


def drop_back_links(body: lxml_html.HtmlElement) -> None:
    """Drop the blocks that are only a link back to a listing or the previous page."""
    for element in list(body.iter("p", "div", "li", "span")):
        if element.getparent() is None or element is body:
            continue
        text = element.text_content()
        if len(text) <= 60 and _BACK_LINK.match(text) and _mostly_links(element):
            element.drop_tree()


def _mostly_links(element: lxml_html.HtmlElement) -> bool:
    text = element.text_content().strip()
    linked = sum(len(a.text_content().strip()) for a in element.iter("a"))
    return bool(text) and linked >= 0.8 * len(text)
