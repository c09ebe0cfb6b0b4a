"""Is an extracted article the article, or the teaser a site shows to non-subscribers?

A page fetched without the subscriber's cookie extracts cleanly into a chapeau and a line such as
« Article réservé à nos abonnés »: passing it off as the full text would leave the user with the
teaser offline. So the extracted text is judged too, with the same cut-off markers as feed
bodies (`veille.core.ingest.truncation`), and by its length when the feed already cut the item.

A marker only counts where a teaser puts it: in a short text, or towards its end. A subscriber's
page may keep a « réservé aux abonnés » badge above a long article it gives in full.
"""

from __future__ import annotations

from veille.core.ingest.truncation import detect_truncation

__all__ = ["TEASER_CHARS", "teaser_reason"]

# Fewer characters of text than this, for an item whose feed already cut it, is a teaser: the
# chapeau and a line or two. Articles worth fetching run to thousands of characters.
TEASER_CHARS = 600
# A marker in a text longer than this counts only in its last part (the share below): a teaser
# ends on it, a subscriber's page may show it as a badge above the article.
SHORT_TEXT = 1000
TAIL_SHARE = 0.4


def teaser_reason(title: str, text: str, *, feed_cut: bool, cut: str = "") -> str | None:
    """Why the extracted `text` is only a teaser, in plain words, or None for an article.

    `cut` is the page's own cut-off words, read by extraction before its clean-up removed them
    with the subscription offer; the extracted text may no longer hold them."""
    if cut:
        return f"the page, too, shows a paywall marker « {' '.join(cut.split())} »"
    plain = " ".join(text.split())
    found = detect_truncation(title, "", plain, body_text=plain)
    if found is not None and _where_a_teaser_says_it(plain, found):
        return f"the page, too, {_as_clause(found)}"
    if feed_cut and len(plain) < TEASER_CHARS:
        return f"the page gives only {len(plain)} characters of text"
    return None


def _as_clause(reason: str) -> str:
    if reason.startswith("paywall marker"):
        return "shows a " + reason
    return reason


def _where_a_teaser_says_it(text: str, reason: str) -> bool:
    if len(text) <= SHORT_TEXT:
        return True
    # The marker's own words are quoted between « »; find where they are.
    start, end = reason.find("« "), reason.rfind(" »")
    if start < 0 or end <= start:
        # A read-more link ends a teaser, whatever its length; a long article may well end on
        # an ellipsis of its own.
        return "read-more" in reason
    quoted = reason[start + 2 : end].lower()
    position = text.lower().rfind(quoted)
    return position < 0 or position >= len(text) * (1 - TAIL_SHARE)
