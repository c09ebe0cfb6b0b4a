"""Article HTML read into one lxml element, whatever state it arrives in.

lxml refuses a document holding a numeric reference to a control character, drops text nodes
over 10 MB and gives up on deep nesting unless told otherwise; the reader must still show
something for such pages, so the markup is mended and parsed here.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from veille.core.text import too_deep

__all__ = ["parse_fragment"]

# Numeric character references; those naming a control character make lxml refuse the input.
_CHAR_REF = re.compile(r"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});?")
_FULL_DOCUMENT = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype|html|head|body)\b", re.I | re.S)


def _drop_control_ref(match: re.Match[str]) -> str:
    """A reference to a control character dropped; one in 128–159 read as Windows-1252."""
    raw = match.group(1)
    code = int(raw[1:], 16) if raw[0] in "xX" else int(raw)
    if code in (9, 10, 13) or (0x20 <= code < 0x7F) or (0x9F < code <= 0x10FFFF):
        return match.group(0)
    if 0x80 <= code <= 0x9F:  # old feeds write &#146; for an apostrophe, as browsers allow
        return bytes([code]).decode("cp1252", errors="ignore")
    return ""


def parse_fragment(html: str) -> lxml_html.HtmlElement | None:
    """The HTML's body as one element, or None if lxml cannot make anything of it."""
    if "&#" in html:
        html = _CHAR_REF.sub(_drop_control_ref, html)
    # Without `huge_tree` libxml2 drops text nodes over 10 MB and everything nested past 256
    # levels (the renderer flattens past its own depth limit). A parser of its own each time:
    # its error log says whether even `huge_tree` gave up.
    parser = lxml_html.HTMLParser(huge_tree=True)
    try:
        if _FULL_DOCUMENT.match(html):
            document = lxml_html.document_fromstring(html, parser=parser)
            body = document.find("body")
            root = body if body is not None else document
        else:
            root = lxml_html.fragment_fromstring(html, create_parent="div", parser=parser)
        return None if too_deep(parser) else root
    except (ValueError, TypeError, lxml_html.etree.LxmlError):
        return None
