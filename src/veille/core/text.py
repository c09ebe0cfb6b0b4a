"""Text hygiene shared by ingest, the library and the exporters.

Feed text is untrusted. Control characters (C0 and C1, which carry terminal escape sequences) are
removed at ingest so that nothing downstream ever has to remember to; bidi overrides and
zero-width characters are removed from one-line fields (titles, authors, tags) where they serve
only to disguise text.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from typing import Any

# C0 controls except tab and newline, DEL, and the C1 block.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi embeddings/overrides/isolates and zero-width characters: harmless in prose, but in a
# one-line field they only serve to make a title read differently from what it is.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
# Everything `clean_line` removes or turns into a space: the two classes above.
_NOT_IN_A_LINE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)

# Combining marks kept on one base character: enough for every written language (Vietnamese
# stacks two), too few for a "Zalgo" run that terminals draw in the wrong cells.
MAX_MARKS = 3
_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_MARK_RUN = re.compile(f"[{_MARKS}]{{{MAX_MARKS + 1},}}")


def limit_marks(text: str) -> str:
    """`text` with each run of combining marks cut to `MAX_MARKS`."""
    if text.isascii():
        return text
    return _MARK_RUN.sub(lambda m: m.group(0)[:MAX_MARKS], text)


def strip_controls(text: str) -> str:
    """Remove C0/C1 control characters, keeping tabs and newlines; `\\r\\n` becomes `\\n`."""
    if not text:
        return ""
    if text.isprintable():  # most fields: nothing to remove, found by a scan in C
        return text
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


# What a terminal must never receive from data: controls (which start escape sequences: ESC,
# CSI `\x9b`, OSC `\x9d`, BEL ends an OSC) and bidi controls. Tabs and newlines stay.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

NOTE_LIMIT = 100_000
"""Characters a note may hold: a page of quotes is a few thousand; more is a paste gone wrong."""


def terminal_safe(text: str) -> str:
    """`text` with nothing a terminal would act on: no controls but tab and newline (`\\r\\n`
    becomes a newline), no bidi controls, no run of combining marks longer than `MAX_MARKS`.
    Spaces and everything printable stay as they are, so it suits text being typed as well as
    text being printed."""
    if not text or (text.isascii() and text.isprintable()):
        return text
    if not text.isprintable():
        text = _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return limit_marks(text)


def clean_note(text: str) -> str:
    """A note as stored: no terminal controls, Windows line ends folded, no blank edges."""
    return terminal_safe(text).strip("\n")


def clean_line(text: str, limit: int = 2000) -> str:
    """A one-line field: no controls, no invisible characters, spaces folded, length capped.

    It runs on every title, author, guid and category at ingest and export, and most hold
    nothing to remove: none of what it removes is printable, so a printable text only has its
    spaces folded (a split and a join, which is what `\\s+` and `strip()` do) and, unless
    ASCII, its characters composed.
    """
    if not text:
        return ""
    if not text.isprintable() and _NOT_IN_A_LINE.search(text):
        text = _INVISIBLE.sub("", _CONTROL.sub(" ", text))
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text if text.isascii() else limit_marks(unicodedata.normalize("NFC", text))


_BLOCKS = (
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "td", "th", "caption", "figure", "figcaption", "hr",
    "section", "article", "aside", "header", "footer", "nav", "main", "address", "img",
)  # fmt: skip


def html_to_text(html: str, *, clean: bool = False) -> str:
    """Plain text of an HTML fragment, for search and excerpts (not for display).

    `clean` when `html` holds no control character already, as every parsed entry's body does:
    removing them again is a tenth of the cost at ingest.
    """
    if not html:
        return ""
    if not clean:
        html = strip_controls(html)
    if "<" not in html and "&" not in html:
        return " ".join(html.split())
    try:
        body = _parse_body(html)
    except Exception:  # lxml raises several types on hopeless input; fall back to a crude strip
        return " ".join(re.sub(r"<[^>]*>", " ", html).split())
    parts = [body.text or ""]
    try:
        block_text(body, parts)
    except RecursionError:  # nested deeper than Python's stack: the words still count, in order
        from lxml import etree

        etree.strip_elements(body, *_UNREAD, with_tail=False)
        parts = [" ".join(body.itertext())]
    text = "".join(parts)
    if "&#" in html:  # a character reference (`&#1;`) can bring a control character back
        text = strip_controls(text)
    return " ".join(text.split())


_FULL_DOCUMENT = re.compile(r"\s*<(?:html|!doctype)", re.IGNORECASE)
_parsers = threading.local()  # an lxml parser serves one parse at a time: one per thread


def _parse_body(html: str) -> Any:
    """The `body` element of `html` parsed as lxml.html parses a fragment (inside a body of its
    own unless it is a whole document), with plain elements: lxml.html's element classes, looked
    up for every element parsed and walked, cost as much as the parse itself."""
    from lxml import etree  # imported lazily: keeps `import veille` light

    parser = getattr(_parsers, "html", None)
    if parser is None:
        # Without `huge_tree` libxml2 drops everything nested deeper than 256 levels.
        parser = _parsers.html = etree.HTMLParser(huge_tree=True)
    if not _FULL_DOCUMENT.match(html):
        html = f"<html><body>{html}</body></html>"
    root = etree.fromstring(html, parser)
    if too_deep(parser):
        raise ValueError("nested too deep")  # what is past the limit is lost: strip tags instead
    bodies = [e for e in root if e.tag == "body"] if root is not None else []
    if len(bodies) != 1:
        raise ValueError("not one body")  # as lxml.html would refuse it
    return bodies[0]


def too_deep(parser: Any) -> bool:
    """Whether libxml2 gave up on nesting (even `huge_tree` stops near 2,048 levels)."""
    return any("Excessive depth" in error.message for error in parser.error_log)


_BLOCK_SET = frozenset(_BLOCKS)
# Removed with their content: never words a reader sees.
_UNREAD = frozenset(("script", "style", "noscript", "template"))


def block_text(parent: Any, parts: list[str]) -> None:
    """Append the text under `parent`'s children to `parts`, in order, blocks set apart by spaces.

    Blocks separate words, inline tags do not: `<p>a</p><p>b</p>` reads "a b" but
    `<a>reference</a>.` reads "reference." and `<b>Sé</b>curité` stays one word. The tree is
    only read, never changed: lxml refuses to store the control characters that a character
    reference can produce, so rewriting text in place could fail half-way. Comments and
    processing instructions contribute only what follows them.
    """
    for child in parent:
        tag = child.tag
        if not isinstance(tag, str) or tag in _UNREAD:
            if child.tail:
                parts.append(child.tail)
        elif tag in _BLOCK_SET:
            parts.append(" ")
            if child.text:
                parts.append(child.text)
            block_text(child, parts)
            parts.append(" ")
            if child.tail:
                parts.append(child.tail)
        else:
            if child.text:
                parts.append(child.text)
            block_text(child, parts)
            if child.tail:
                parts.append(child.tail)


def fold(text: str | None) -> str:
    """Case- and accent-insensitive form of `text`: « Sécurité » and `securite` fold alike.

    The search language compares with it, and the library registers it as the SQL function
    `veille_fold` so both sides of a comparison fold the same way.
    """
    if not text:
        return ""
    folded = text.casefold()
    if folded.isascii():
        return folded
    return _combining().sub("", unicodedata.normalize("NFKD", folded))


def collation_key(text: str) -> tuple[str, str, str]:
    """The order a French reader expects for names (tags, feeds, folders): accents and case
    set aside first (« À relire » beside « a-lire », not after « z »), then unaccented before
    accented, then lower case before upper, so the order is total and stable. No locale: the
    same on every machine, and `setlocale` (process-wide) is never touched."""
    return fold(text), text.casefold(), text.swapcase()


def collate(left: str, right: str) -> int:
    """`collation_key` as an SQLite collation (`COLLATE veille`)."""
    a, b = collation_key(left), collation_key(right)
    return (a > b) - (a < b)


def prepare_folding() -> None:
    """Build what `fold` needs for accented text now, not at its first such call: a process
    that has idle moments before its first title (a parser process waiting for its first
    document, a refresh's writer waiting for its first feed) spends them there."""
    _combining()


@functools.cache
def _combining() -> re.Pattern[str]:
    """Every combining mark of the Basic Multilingual Plane, as one character class: one regex
    pass instead of a Python-level test per character (folding runs on every title and lead at
    ingest). Built at first use: finding them costs ~10 ms, which a command that folds nothing
    should not pay at start-up."""
    marks = (chr(c) for c in range(0x300, 0x10000) if unicodedata.combining(chr(c)))
    return re.compile("[" + "".join(re.escape(m) for m in marks) + "]")
