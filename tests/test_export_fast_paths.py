"""The exporters' fast paths give exactly what the general functions give; body text is clean.

Exports read tens of thousands of titles and links, so `veille.core.export` has quicker versions of
`safe_link`'s parsing, `xml_safe` and French typesetting, and `clean_line` skips its removals on
printable text. Each one promises the same result as the plain definition it stands in for; these
properties hold it to that, on hostile input as well as ordinary. Bodies go through `html_to_text`, which must read any input into one clean line.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from veille.core.export.common import safe_link, typeset, xml_safe
from veille.core.i18n import french_typography
from veille.core.text import clean_line, html_to_text

HTML_BITS = st.sampled_from(
    [
        "<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<a href='x'>", "</a>", "<br>", "<li>",
        "<ul>", "</ul>", "<script>x()</script>", "<style>p{}</style>", "<!-- c -->", "<?pi x?>",
        "<img alt='a'>", "<table><tr><td>", "</td></tr></table>", "&amp;", "&eacute;", "&#233;",
        "&#1;", "<html>", "<body>", "</body>", "<", ">", "&", " ", "\n", "\t", "\x0b", "\x85",
        "\u200b", "\u202e", "\ufeff", "\u2028", "sécurité", "word", "Ω", "données.", "«", "»",
        "<template><p>t</p></template>", "<noscript>n</noscript>", "<pre> a  b </pre>",
        "<h2>", "</h2>", "<texte<script>", "\x00", "\ud800", "\uffff",
    ]
)  # fmt: skip
TEXT = st.one_of(st.text(max_size=60), st.lists(HTML_BITS, max_size=25).map("".join))


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(HTML_BITS, st.text(max_size=8)), max_size=40).map("".join))
@example("<p>a</p><p>b</p><a>reference</a>.")
@example("<b>Sé</b>curité &amp; <script>alert(1)</script> fin")
@example("<html><body><p>whole document</p></body></html>")
@example("<script>x()</script>&#1;")  # a control character from a reference
def test_html_to_text_reads_anything_into_one_clean_line(html: str) -> None:
    text = html_to_text(html)
    assert text == text.strip() and "  " not in text
    assert not any(c in text for c in "\x00\x01\x0b\x1f\x7f\x85")


def _through_lxml_html(html: str) -> str:
    """`html_to_text` as it read bodies before it parsed with plain lxml elements: through
    lxml.html's fragment parser, whose element classes cost as much as the parse."""
    import re

    from lxml import html as lxml_html

    from veille.core.text import block_text, strip_controls

    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return " ".join(strip_controls(html).split())
    html = strip_controls(html)
    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except Exception:
        return " ".join(re.sub(r"<[^>]*>", " ", html).split())
    parts = [root.text or ""]
    block_text(root, parts)
    return " ".join(strip_controls("".join(parts)).split())


# Text lxml.html refused to set as an element's text (a control character from a reference,
# a surrogate, a non-character), falling back to a crude strip; the plain parse reads such
# bodies properly, so they are left out of the comparison.
_NOT_XML = ("&#1;", "\ud800", "\uffff")


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.one_of(HTML_BITS, st.text(alphabet="<>&;#/ abpé", max_size=8)), max_size=40)
    .map("".join)
    .filter(lambda h: not any(bad in h for bad in _NOT_XML))
)
@example("<p>a</p><p>b</p><a>reference</a>.")
@example("<!doctype html><title>t</title><p>whole</p>")
@example("<title>never closed")
def test_html_to_text_reads_bodies_as_lxml_html_does(html: str) -> None:
    assert html_to_text(html) == _through_lxml_html(html)


@settings(max_examples=400, deadline=None)
@given(TEXT, st.integers(min_value=1, max_value=80))
@example("  Le\u00a0monde \u2028 ", 2000)
@example("e\u0301cole", 2000)  # decomposed: NFC-normalised either way
@example("tab\there\x1fand\x85there", 2000)
def test_clean_line_is_its_plain_definition(text: str, limit: int) -> None:
    # Controls become spaces, invisible characters go, whitespace runs fold into one space, the
    # ends are trimmed, the length is capped, the characters are composed (NFC).
    plain = re.sub(
        "[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]",
        "",
        re.sub("[\x00-\x08\x0b-\x1f\x7f-\x9f]", " ", text),
    )
    plain = re.sub(r"\s+", " ", plain).strip()
    if len(plain) > limit:
        plain = plain[: limit - 1].rstrip() + "…"
    assert clean_line(text, limit) == unicodedata.normalize("NFC", plain)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.sampled_from(["fr", "en"]))
@example('Il a dit "oui" : 16:20 ; https://a.fr/x?y=1 !', "fr")
@example("\ue000 0\ue001", "fr")
def test_typeset_is_french_typography_in_french_only(text: str, lang: str) -> None:
    assert typeset(text, lang) == (french_typography(text) if lang == "fr" else text)


URL_BITS = st.sampled_from(
    [
        "http://", "https://", "HTTP://", "javascript:", "mailto:", "file:///", "data:", "ftp://",
        "example.org", "ex-ample.fr", "[::1]", "/path", "?q=1", "#frag", " ", "(", ")", '"', "'",
        "<", ">", "`", "\\", "|", "^", "{", "}", "@", ":8080", "é", "%20", "\x00", "\n", "",
    ]
)  # fmt: skip


def _general_safe_link(url: str) -> str | None:
    # Prefixing a space takes `safe_link` past its fast path (which needs a scheme at the very
    # start) and into the general parser, after which the space is stripped like any other.
    return safe_link(" " + url)


@settings(max_examples=400, deadline=None)
@given(st.lists(URL_BITS, max_size=8).map("".join))
@example("https://example.org/a b")
@example("http://example.org/(x)")
@example("javascript://example.org/%0aalert(1)")
def test_safe_link_fast_path_agrees_with_the_parser(url: str) -> None:
    assert safe_link(url) == _general_safe_link(url)


@settings(max_examples=300, deadline=None)
@given(TEXT)
@example("a\ud800b\uffff\x0c\x85c")
def test_xml_safe_fast_path_removes_what_the_general_one_does(text: str) -> None:
    from veille.core.export.common import _XML_INVALID
    from veille.core.text import strip_controls

    assert xml_safe(text) == _XML_INVALID.sub("", strip_controls(text))
