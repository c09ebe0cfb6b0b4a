"""Does a feed item carry the whole article, or only a teaser of it?

Many feeds — most French newspapers among them — publish the first lines of each article, or the
lines before the paywall, and end on « Lire la suite » or « Il reste 88 % de l'article à
découvrir ». A truncated item is worth fetching in full (when the user's policy says so), and the
reader says why it looks incomplete. The signals are deliberately conservative: read-more phrases
count only at the very end of the text, where a teaser ends, never in the middle of a long
article that happens to quote them.
"""

from __future__ import annotations

import html
import re

__all__ = ["detect_truncation", "paywall_marker"]

_TAIL = 200  # read-more phrases count only within the last this-many characters
_SHORT = 600  # a body shorter than this (in characters of text) may be a summary
_SPACES = re.compile(r"\s+")
_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")

# Paywall markers, matched on the lower-cased body, each behind a plain substring that must be
# present first (which keeps the check cheap on the long bodies of complete articles). Publishers
# phrase them their own way; they fall into two kinds:
# - cut-offs, that say the rest is missing: « Il vous reste 85 % à découvrir », « La suite est
#   réservée aux abonnés », "Subscribe to continue reading";
# - labels, that say the article is for subscribers: « Article réservé à nos abonnés ». A label
#   sits atop the whole article as well as atop a teaser, so it counts only when little follows.
# Either counts only where a cut-off can be: with little text after it (the rest of the page is
# the subscription offer), never inside quotation marks, where an article merely speaks of one.
_APOSTROPHE = "[’'`]"
_SUBSCRIBERS = "(?:nos |les |aux |des )?(?:abonnés premium|abonné(?:e)?s|membres|adhérents)"
_CUTS = [
    (
        "reste",
        re.compile(
            r"il (?:vous |nous )?reste\s+(?:encore\s+)?\d{1,3}(?:[,.]\d+)?\s*%"
            r"(?:\s*(?:de\s+(?:l"
            + _APOSTROPHE
            + r"?\s*article|cet article|ce contenu|la lecture)))?"
            r"\s+à\s+(?:découvrir|lire)"
            r"|le reste de (?:l" + _APOSTROPHE + r"\s*article|cet article) est réservé"
        ),
    ),
    (
        "%",
        re.compile(
            r"vous avez lu \d{1,3}\s*% (?:de l" + _APOSTROPHE + r"\s*article|de cet article)"
        ),
    ),
    (
        "suite",
        re.compile(
            r"la suite (?:de (?:cet|l" + _APOSTROPHE + r")\s*article |de ce contenu )?est réservée "
            r"(?:à |aux )?"
            + _SUBSCRIBERS
            + r"|(?:pour|afin de) (?:lire|découvrir|consulter) la suite"
            r"(?: de (?:cet|l"
            + _APOSTROPHE
            + r")\s*article)?\s*,?\s*(?:abonnez-vous|inscrivez-vous"
            r"|connectez-vous|identifiez-vous|profitez|découvrez|je m" + _APOSTROPHE + r"abonne"
            r"|souscrivez|rejoignez)|abonnez-vous pour (?:lire|découvrir|consulter) la suite"
            r"|vous (?:devez|devrez) être abonn[ée]e? pour (?:lire|accéder à) la suite"
            r"|vous souhaitez lire la suite\s*\?|envie de lire la suite\s*\?"
        ),
    ),
    (
        "réservé",
        re.compile(
            r"(?:cet|l"
            + _APOSTROPHE
            + r")\s*article (?:vous )?est réservé (?:à |aux )?"
            + _SUBSCRIBERS
            + r"|cet article est réservé\b"
            r"|(?:la )?lecture (?:de cet article|des articles) est réservée (?:à |aux )?"
            + _SUBSCRIBERS
            + r"|ce contenu est réservé (?:à |aux )?"
            + _SUBSCRIBERS
            + r"|contenu réservé (?:à |aux )?"
            + _SUBSCRIBERS
        ),
    ),
    (
        "abonn",
        re.compile(
            r"(?:pour (?:lire|consulter|accéder à) (?:cet article|l"
            + _APOSTROPHE
            + r"\s*intégralité de (?:cet|l"
            + _APOSTROPHE
            + r")\s*article)|pour continuer à lire)"
            r"\s*,?\s*(?:abonnez-vous|connectez-vous|je m" + _APOSTROPHE + r"abonne)"
            r"|pour continuer à consulter nos articles[^.]{0,80}abonnez-vous"
            r"|vous avez atteint (?:la limite|le nombre maximum) d" + _APOSTROPHE + r"articles"
        ),
    ),
    (
        "to ",
        re.compile(
            r"(?:subscribe|sign up|log in|register|sign in)(?: now)? to (?:continue )?read(?:ing)?\b"
            r"|to continue reading,? (?:please )?(?:subscribe|sign in|log in|register|become)"
            r"|subscribe to (?:unlock|access) (?:this|the full) (?:article|story)"
        ),
    ),
    (
        "this ",
        re.compile(
            r"this (?:article|story|content|post) is (?:only )?(?:available )?(?:exclusively )?"
            r"(?:for|to) (?:paid )?(?:subscribers|members)"
            r"|the rest of this (?:article|story) is (?:only )?(?:available )?(?:for|to) "
            r"(?:paid )?(?:subscribers|members)"
        ),
    ),
    (
        "limit",
        re.compile(
            r"you(?:['’]ve| have) reached your (?:monthly )?(?:limit of )?free (?:articles?|limit)"
        ),
    ),
]
_LABELS = [
    (
        "abonn",
        re.compile(
            # Not "… est réservé aux abonnés": that is said of something, maybe not the article.
            r"(?<!est )(?<!sont )(?:article |contenu )?réservé (?:à |aux )?"
            + _SUBSCRIBERS
            + r"|accès abonnés|exclusivité abonnés|édition abonnés"
        ),
    ),
    ("subscri", re.compile(r"(?:for )?subscribers only|subscriber[- ]only (?:article|content)")),
]
_AFTER_CUT = 1500  # characters of offer and footer a cut-off may still be followed by
_AFTER_LABEL = 600  # a label followed by more than this heads a complete article
# Longer than any marker's words with single spaces between them (the longest are about 150
# characters): one that starts earlier cannot end near enough to the end to count.
_LONGEST_MARKER = 400
_QUOTES_OPEN = '«“"„‹'


def _quoted(lowered: str, start: int, end: int) -> bool:
    """Whether the phrase at `start:end` stands inside quotation marks in its sentence."""
    before = lowered[max(0, start - 3) : start]
    after = lowered[end : end + 4]
    return any(q in before for q in _QUOTES_OPEN) and any(q in after for q in '»”"“‹›')


def paywall_marker(text: str) -> str | None:
    """The page's own words that say the rest of the article is for subscribers, or None.

    The first such words of the text are quoted: a cut-off, else a label.
    """
    lowered = text.lower()
    for markers, room in ((_CUTS, max(_AFTER_CUT, len(lowered) // 5)), (_LABELS, _AFTER_LABEL)):
        # Words that count end within `room` of the end, so they start after `since`: the rest
        # of a long article is never searched (this runs on every new item).
        since = max(0, len(lowered) - room - _LONGEST_MARKER)
        first: re.Match[str] | None = None
        for needle, marker in markers:
            if lowered.find(needle, since) < 0:
                continue
            for found in marker.finditer(lowered, since):
                if first is not None and found.start() >= first.start():
                    break
                if len(lowered) - found.end() <= room and not _quoted(
                    lowered, found.start(), found.end()
                ):
                    first = found
                    break
        if first is not None:
            # Quote the page's own words, unless lower-casing moved the characters about.
            words = text if len(lowered) == len(text) else lowered
            return words[first.start() : first.end()].strip()
    return None


# Read-more links and elisions: only at the end of the body.
_READ_MORE = re.compile(
    r"(?:lire la suite|la suite de l[’']article|continuer (?:la )?lecture|voir la suite"
    r"|read more|continue reading|read the (?:full|rest of the) (?:article|story)|keep reading"
    r"|read full (?:article|story))\b(?:[^.!?\n]|\.(?=\w)){0,80}[.!?]?\s*$",
    re.IGNORECASE,
)
# Every read-more phrase holds one of these once case-folded; looking for them first spares the
# phrase pattern, tried at each of the tail's positions, on most items. Characters that the
# pattern's case-insensitive matching equates with ASCII letters and case-folding does not
# (dotless ı, long ſ, the Kelvin sign) send the tail to the pattern directly.
_READ_MORE_WORDS = ("suite", "lecture", "read")
_ODD_CASES = ("ı", "ſ", "K")


def _may_read_more(tail: str) -> bool:
    folded = tail.casefold()
    return any(word in folded for word in _READ_MORE_WORDS) or (
        not tail.isascii() and any(odd in tail for odd in _ODD_CASES)
    )


_BRACKET_ELLIPSIS = re.compile(r"[\[(](?:…|\.\.\.)[\])]\s*$")
_WORDPRESS = re.compile(
    r"the post .{1,300} appeared first on .{1,200}\.?\s*$", re.IGNORECASE | re.DOTALL
)
_ENDS_ELLIPSIS = re.compile(r"(?:…|\.\.\.)\s*[»”\"']?\s*$")


def _plain(text: str) -> str:
    """Text of an item body, roughly: this runs on every new item, so no parser is involved."""
    if "<" in text:
        text = _TAG.sub(" ", _HIDDEN.sub(" ", text))
    if "&" in text:
        text = html.unescape(text)
    return _SPACES.sub(" ", text).strip()


def detect_truncation(
    title: str,
    summary: str,
    content: str,
    *,
    typical_length: int | None = None,
    body_text: str | None = None,
) -> str | None:
    """Why the item looks truncated, in a few plain words, or None when it looks complete.

    `content` and `summary` are the item's HTML (or text); the body judged is the content, or
    the summary when there is none. `typical_length` is the median text length of the feed's
    items, when known: an item far shorter than its siblings is probably cut. `body_text` is the
    plain text of that body when the caller already has it (refresh computes it for the search
    index): reading a long article twice is most of what this check would otherwise cost.
    """
    content_text = _plain(content) if body_text is None else (body_text if content else "")

    def summary_plain() -> str:
        if summary == content:
            return content_text
        if body_text is not None and not content:
            return body_text
        return _plain(summary)

    # The summary's text matters only when the content is missing or short: read it then.
    summary_text = None if content_text else summary_plain()
    body = content_text or summary_text or ""
    if not body:
        return None  # nothing to judge: an empty item is not a truncated one
    marker = paywall_marker(body)
    if marker:
        return f"paywall marker « {marker} »"
    tail = body[-_TAIL:]
    # The WordPress footer ends every item of such feeds, complete or not: only a short body
    # before it says the article was cut.
    wordpress = _WORDPRESS.search(tail)
    if wordpress:
        before = body[: len(body) - len(tail) + wordpress.start()].rstrip()
        if (
            len(before) < _SHORT
            or _ENDS_ELLIPSIS.search(before)
            or _BRACKET_ELLIPSIS.search(before)
        ):
            return "ends with a link to the original post"
        tail = before[-_TAIL:]
    if _may_read_more(tail) and _READ_MORE.search(tail):
        return "ends with a read-more link"
    if _BRACKET_ELLIPSIS.search(tail) or _ENDS_ELLIPSIS.search(tail):
        return "ends with an ellipsis"
    if len(body) < _SHORT and (not content_text or content_text == summary_plain()):
        return "the body is only the summary"
    if typical_length and len(body) < 0.3 * typical_length and len(body) < 1000:
        return "much shorter than this feed's usual items"
    return None
