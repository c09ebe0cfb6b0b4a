"""From a fetched page's bytes to an lxml document, refusing what is not an article page.

Links in feeds often lead to PDFs, images or downloads. Handing those to an HTML parser yields a
page of mojibake that the reader would show as "the article"; saying plainly what the page is
serves the user better. Decoding follows what browsers do for legacy pages (byte-order mark,
then the server's charset, then a `<meta>` declaration, then UTF-8 if it is valid, else
Windows-1252), because French sites still serve Latin-1 pages mislabelled or unlabelled.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree
from lxml import html as lxml_html

from veille.core.errors import VeilleError

__all__ = ["ExtractionError", "clean_source", "decode_page", "parse_page", "sniff_page"]


class ExtractionError(VeilleError, ValueError):
    """The page holds no article; the message says why in plain words."""


_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/xml", "application/xml", "text/plain")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
_TYPE_CHARSET = re.compile(r"""charset\s*=\s*["']?([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
# Bytes that never occur in text pages in an ASCII-compatible encoding.
_CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 27), *range(28, 32)])
_MARKUP = re.compile(rb"<(?:!doctype|html|head|body|meta|title|div|p)\b", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Controls lxml refuses in a str (it cannot represent them in its tree); tab and newlines stay.
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Labels that browsers decode as Windows-1252 (WHATWG Encoding), a superset of Latin-1.
_WINDOWS_1252 = {
    "iso-8859-1",
    "iso8859-1",
    "latin-1",
    "latin1",
    "l1",
    "ascii",
    "us-ascii",
    "iso_8859-1",
    "cp819",
    "ibm819",
    "windows-1252",
    "cp1252",
    "x-cp1252",
}


def _mime(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _bom(page: bytes) -> str:
    for mark, encoding in _BOMS:
        if page.startswith(mark):
            return encoding
    return ""


def sniff_page(page: bytes, content_type: str = "") -> None:
    """Raise `ExtractionError` when `page` is plainly not an HTML page."""
    head = page[:4096]
    if not page.strip():
        raise ExtractionError("the page is empty")
    mime = _mime(content_type)
    if b"%PDF-" in head[:1024] or mime == "application/pdf":
        raise ExtractionError("the page is a PDF document, not an article")
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        raise ExtractionError("the page is an image")
    if mime.startswith("image/"):
        raise ExtractionError("the page is an image")
    if _bom(head):
        return  # UTF-16 and UTF-32 text is full of NULs, yet it is text
    looks_like_markup = head.lstrip().startswith(b"<") or _MARKUP.search(head) is not None
    if (
        mime
        and not mime.startswith(_HTML_TYPES)
        and not mime.endswith("+xml")
        and (not looks_like_markup)
    ):
        raise ExtractionError(f"the page is not HTML ({mime})")
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > len(head) // 50 + 1:
        raise ExtractionError(f"the page is not HTML ({mime or 'binary data'})")


def _codec(label: str) -> str:
    label = label.strip().lower()
    if label in _WINDOWS_1252:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return ""
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _valid_utf8(page: bytes) -> bool:
    try:
        page.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _declared(page: bytes, content_type: str) -> str:
    found = _TYPE_CHARSET.search(content_type)
    if found and (codec := _codec(found.group(1))):
        return codec
    meta = _META_CHARSET.search(page[:4096])
    if meta and (codec := _codec(meta.group(1).decode("ascii", "replace"))):
        # Pages saved or re-served as UTF-8 keep their old declaration; text in a legacy 8-bit or
        # CJK encoding is almost never valid UTF-8 by accident, so valid UTF-8 wins over <meta>.
        if codec != "utf-8" and not page.isascii() and _valid_utf8(page):
            return "utf-8"
        return codec
    return ""


def decode_page(page: bytes, content_type: str = "") -> str:
    """The page's text, decoded the way a browser would decode it."""
    bom = _bom(page)
    if bom:
        return page.decode(bom, errors="replace").lstrip("\ufeff")
    declared = _declared(page, content_type)
    # A page announced as UTF-16 without a BOM is almost always really ASCII-compatible.
    if declared.startswith(("utf-16", "utf-32")):
        declared = ""
    if declared and declared != "utf-8":
        return page.decode(declared, errors="replace")
    try:
        return page.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = page.decode("utf-8", errors="replace")
    # A handful of bad bytes in a UTF-8 page is damage; many of them means a legacy 8-bit page,
    # whatever it claims.
    high = sum(1 for byte in page if byte >= 0x80)
    if text.count("\ufffd") * 4 > high:
        return page.decode("cp1252", errors="replace")
    return text


def clean_source(text: str) -> str:
    """The page's markup without what lxml refuses in a string: XML declaration, controls."""
    return _BAD_CHARS.sub("", _XML_DECLARATION.sub("", text, count=1))


def parse_page(text: str) -> lxml_html.HtmlElement:
    """The tree of a page cleaned by `clean_source`; `ExtractionError` when nothing parses."""
    if not text.strip():
        raise ExtractionError("the page is empty")
    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        raise ExtractionError("the page is empty") from None
    return root
