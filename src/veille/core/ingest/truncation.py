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

__all__ = ["detect_truncation"]

_TAIL = 200  # read-more phrases count only within the last this-many characters
_SHORT = 600  # a body shorter than this (in characters of text) may be a summary
_SPACES = re.compile(r"\s+")
_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")

# Paywall markers: anywhere in the body, since what follows them is not there. Matched on the
# lower-cased body; each comes with a plain substring that must be present first, which keeps
# the check cheap on the long bodies of complete articles.
_PAYWALL = [
    (
        "reste",
        re.compile(
            r"il (?:vous )?reste\s+\d{1,3}\s*%\s*de\s+l[’'`]?\s*article\s+à\s+"
            r"(?:découvrir|lire)"
        ),
    ),
    (
        "réservé",
        re.compile(
            r"la suite (?:de cet article )?est réservée aux abonnés"
            r"|(?:cet )?article (?:est )?réservé aux abonnés|cet article est réservé"
        ),
    ),
    ("to ", re.compile(r"(?:subscribe|sign up|log in|register) (?:now )?to (?:continue )?read")),
    (
        "this ",
        re.compile(
            r"this (?:article|story|content) is (?:only )?(?:available )?(?:for|to) "
            r"(?:subscribers|members)"
        ),
    ),
]
# Read-more links and elisions: only at the end of the body.
_READ_MORE = re.compile(
    r"(?:lire la suite|la suite de l[’']article|continuer (?:la )?lecture|voir la suite"
    r"|read more|continue reading|read the (?:full|rest of the) (?:article|story)|keep reading"
    r"|read full (?:article|story))\b[^.!?\n]{0,80}$",
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
    lowered = body.lower()
    for needle, marker in _PAYWALL:
        found = marker.search(lowered) if needle in lowered else None
        if found:
            # Quote the page's own words, unless lower-casing moved the characters about.
            words = body if len(lowered) == len(body) else lowered
            return f"paywall marker « {words[found.start() : found.end()]} »"
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
