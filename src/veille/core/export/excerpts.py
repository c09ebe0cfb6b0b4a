"""A review's excerpt: the article's first sentences, never the page around them.

An excerpt is read in place of the article, so it comes from the best text the library holds
(the cleaned full text, else the feed's content, else its summary), keeps whole sentences up
to the length asked, and leaves out what is not the article's prose: captions and credits,
cookie notices, calls to subscribe or to read something else. The full-text extractor already
removes most of these from pages; feeds' own summaries carry them too, so the excerpt checks
every sentence it keeps.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from veille.core.text import clean_line, html_to_text, strip_controls

__all__ = ["excerpt_of", "is_boilerplate", "prose_paragraphs", "sentences"]

# Enough of a long page for the first paragraphs (characters of HTML per character of excerpt,
# and at least): parsing all of it would only find more.
HTML_PER_CHARACTER = 10
HTML_WINDOW = 4_000
# Sentences longer than this are prose, whatever words they hold.
BOILERPLATE_MAX = 240

# Elements whose words are never the article's prose.
_SKIPPED = frozenset(
    (
        "figure", "figcaption", "aside", "nav", "header", "footer", "form", "button",
        "script", "style", "noscript", "template", "iframe", "svg", "table", "select",
        "label", "dialog", "menu", "object",
    )
)  # fmt: skip
_PROSE = frozenset(("p", "li", "blockquote", "dd", "pre"))
_CONTAINERS = frozenset(("div", "section", "article", "main", "body", "span", "center", "font"))

# « Generated with DALL·E 3 », « Image générée par IA »: a credit that, lacking a full stop,
# often runs into the article's first sentence.
_MACHINE_MADE = re.compile(
    r"(?:^|\b)(?:(?:image|illustration|visuel|picture)\s+)?(?:"
    r"(?:generated|created|made|produced)\s+(?:with|by|using)\s+"
    r"|(?:générée?s?|créée?s?|réalisée?s?)\s+(?:avec|par)\s+(?:l['’]|une\s+)?)"
    r"(?:dall[·.\-‧•]?e|midjourney|stable\s+diffusion|chatgpt|an?\s+ai\b|ai\b|ia\b|firefly"
    r"|imagen|intelligence\s+artificielle|copilot|gemini)(?:\s*v?\d+(?:\.\d+)*)?",
    re.IGNORECASE,
)
# Past a credit at its start, what a sentence must still hold to be worth keeping.
KEPT_AFTER_CREDIT = 40
# Furniture that opens a sentence: « Photo : AFP », « Lire aussi », "Read more"…
_AT_START = re.compile(
    r"|".join(
        (
            r"(?:photos?|images?|illustrations?|crédits?|credits?|légende|caption|visuel)\b"
            r"[^.]{0,40}?[:©/|]",
            r"generated\s+with\b",
            r"(?:à\s+)?lire\s+(?:aussi|également|la\s+suite)\b",
            r"(?:read|see)\s+(?:more|also|next)\b",
            r"(?:voir|écouter|regarder)\s+aussi\b",
            r"(?:sur\s+le\s+même\s+sujet|related(?:\s+articles?)?|advertisement|publicité)\b",
            r"(?:subscribe|sign\s+up)\b",
            r"(?:publié|mis\s+à\s+jour|published|updated)\s+(?:le|on)\b",
        )
    ),
    re.IGNORECASE,
)
# Furniture anywhere in a sentence, looked for only in sentences holding one of `_CLUES`.
_ANYWHERE = re.compile(
    r"|".join(
        (
            # cookie and consent notices
            r"\b(?:nous|we)\s+(?:utilisons|use)\s+(?:des\s+)?(?:cookies|traceurs)",
            r"\bcookies?\s+(?:policy|settings|preferences|notice)",
            r"\b(?:accept(?:er|ez)?|refuser|reject|manage|gérer|paramétrer)\s+"
            r"(?:(?:les|all|tous\s+les)\s+)?cookies\b",
            r"\b(?:gestion|politique|paramètres)\s+des\s+cookies\b",
            r"\bconsentement\b.*\b(?:cookies|traceurs|partenaires)\b",
            # pictures: credits, agencies, machine-made images
            r"\b(?:getty\s+images|shutterstock|istock|unsplash|pexels|adobe\s+stock)\b",
            _MACHINE_MADE.pattern,
            # calls to subscribe, share; reading times; pages that want a script
            r"\babonnez[- ]vous\b",
            r"\binscrivez[- ]vous\b.*\b(?:newsletter|lettre)\b",
            r"\b(?:subscribe|sign\s+up)\b.*\b(?:newsletter|now|today|free|here)\b",
            r"\b(?:partager|share)\s+(?:(?:cet|this)\s+(?:article|story|page)|sur|on)\b",
            r"\b(?:temps\s+de\s+lecture|reading\s+time|\d+\s+min(?:utes?)?\s+read)\b",
            r"\b(?:activez|enable)\s+javascript\b",
            r"\b(?:votre|your)\s+(?:navigateur|browser)\s+(?:ne|does|is)\b",
        )
    ),
    re.IGNORECASE,
)
# A word each pattern of `_ANYWHERE` holds: a sentence with none of them is spared the search.
_CLUES = frozenset(
    (
        "cookie", "cookies", "traceurs", "consentement", "getty", "shutterstock", "istock",
        "unsplash", "pexels", "adobe", "generated", "created", "made", "produced", "générée",
        "généré", "générées", "générés", "créée", "créé", "créées", "créés", "réalisée",
        "réalisé", "réalisées", "réalisés", "abonnez", "inscrivez", "subscribe", "sign",
        "partager", "share", "lecture", "reading", "read", "activez", "enable", "navigateur",
        "browser", "image", "illustration", "visuel", "picture",
    )
)  # fmt: skip
_WORD = re.compile(r"\w+")

# A sentence ends at . ! ? … (and a closing quote or bracket after it), before a space and what
# starts a sentence. An initial or a title (« M. Dupont », "Dr. Who", "U.S.") ends none.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[»”\"')\]]?\s+(?=[«“\"'(\[]?[\w¿¡])")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:M|Mme|Mlle|MM|Dr|Pr|Me|Mr|Mrs|Ms|St|Ste|Jr|Sr|etc|vs|cf|p|n°|art|av|J\.-C)"
    r"|\b(?:[A-Za-z]\.){1,3}[A-Za-z])\.$"
)

_parsers = threading.local()


def _past_credit(sentence: str) -> str:
    """`sentence` without a machine-made-image credit it starts with, when prose follows it."""
    match = _MACHINE_MADE.match(sentence)
    if match is None:
        return sentence
    rest = sentence[match.end() :].lstrip(" .:;,-–—|")
    return rest if len(rest) >= KEPT_AFTER_CREDIT and rest[:1].isupper() else sentence


def is_boilerplate(sentence: str) -> bool:
    """Whether `sentence` is page furniture rather than the article's words."""
    if len(sentence) > BOILERPLATE_MAX:
        return False
    if "©" in sentence or _AT_START.match(sentence) is not None:
        return True
    clues = not _CLUES.isdisjoint(_WORD.findall(sentence.lower()))
    return clues and _ANYWHERE.search(sentence) is not None


def sentences(text: str) -> list[str]:
    """`text` (one paragraph) cut into sentences; initials and titles end none."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        head = text[start : match.start()].rstrip()
        if _ABBREVIATION.search(head.rstrip("»”\"')]")):
            continue
        end = match.end()
        pieces.append(text[start:end].strip())
        start = end
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return [p for p in pieces if p]


def _parse(html: str) -> Any:
    from lxml import etree  # only for an excerpt with markup

    parser = getattr(_parsers, "html", None)
    if parser is None:
        parser = _parsers.html = etree.HTMLParser(huge_tree=True)
    return etree.fromstring(f"<html><body>{html}</body></html>", parser)


class _Enough(Exception):
    """The paragraphs collected so far hold more than an excerpt can use."""


def _collect(element: Any, out: list[str], loose: list[str], budget: list[int]) -> None:
    for child in element:
        if budget[0] <= 0:
            raise _Enough
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _SKIPPED:
            pass
        elif tag in _PROSE:
            _flush(loose, out)
            out.append(" ".join("".join(child.itertext()).split()))
            budget[0] -= len(out[-1])
        elif tag in _CONTAINERS or tag == "":
            if tag and child.text and child.text.strip():
                loose.append(child.text)
            _collect(child, out, loose, budget)
        elif tag == "br":
            _flush(loose, out)
        elif tag.startswith("h") and tag[1:].isdigit():
            _flush(loose, out)  # a heading is no prose, and ends the loose text before it
        else:  # inline markup in loose text: <b>, <a>, <em>…
            loose.append("".join(child.itertext()))
        if child.tail and child.tail.strip():
            loose.append(child.tail)
        elif child.tail:
            loose.append(" ")


def _flush(loose: list[str], out: list[str]) -> None:
    text = " ".join("".join(loose).split())
    loose.clear()
    if text:
        out.append(text)


def prose_paragraphs(html: str, window: int = HTML_WINDOW, enough: int = HTML_WINDOW) -> list[str]:
    """The paragraphs of prose in the first `window` characters of `html`, as plain texts with
    their spaces folded, in reading order (not yet cleaned as one-line fields are), stopping
    once they hold `enough` characters."""
    if not html:
        return []
    html = strip_controls(html[:window])
    if "<" not in html:
        text = html_to_text(html)
        return [text] if text else []
    try:
        root = _parse(html)
        body = root.find("body") if root is not None else None
    except Exception:  # hopeless markup: its words, as one paragraph
        body = None
    if body is None:
        text = html_to_text(html)
        return [text] if text else []
    out: list[str] = []
    loose: list[str] = []
    if body.text and body.text.strip():
        loose.append(body.text)
    try:
        _collect(body, out, loose, [enough])
    except _Enough:
        pass
    except RecursionError:
        return [html_to_text(html)]
    _flush(loose, out)
    return [p for p in out if p]


def excerpt_of(html: str, length: int) -> str:
    """The first whole sentences of `html`'s prose, about `length` characters at most, with no
    boilerplate; a first sentence longer than that is cut on a word, with an ellipsis."""
    if length <= 0:
        return ""
    kept: list[str] = []
    size = 0
    window = max(HTML_WINDOW, length * HTML_PER_CHARACTER)
    for paragraph in prose_paragraphs(html, window, enough=length * 3 + 200):
        if not paragraph.isascii():
            paragraph = clean_line(paragraph, len(paragraph) + 1)
        for sentence in sentences(paragraph):
            sentence = _past_credit(sentence)
            if is_boilerplate(sentence):
                continue
            if not kept and len(sentence) > length:
                return _cut_on_word(sentence, length)
            if size + len(sentence) + (1 if kept else 0) > length:
                return _joined(kept)
            kept.append(sentence)
            size += len(sentence) + (1 if len(kept) > 1 else 0)
    return _joined(kept)


def _joined(kept: list[str]) -> str:
    # A last sentence that announces what follows (« Manquements retenus : ») announces nothing.
    if len(kept) > 1 and kept[-1].rstrip().endswith(":"):
        kept = kept[:-1]
    return " ".join(kept)


def _cut_on_word(text: str, length: int) -> str:
    cut = text[:length].rsplit(" ", 1)[0].rstrip(",;:.-–— ")
    return cut + "…"
