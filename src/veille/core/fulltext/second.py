"""A second reading of the page: trafilatura's choice of the article body.

readability scores blocks by their text and commas and keeps the best one with its worthy
siblings; it is precise on news pages but misses ledes, lists and bodies split across several
containers. trafilatura reads the page block by block against lists of furniture, which finds
those and keeps more of what surrounds them. Neither wins on every page (see `choose`), so both
readings are taken and the better one kept. Only its quick path runs here: the slower fallbacks
it has of its own are a readability and a jusText, and readability is already the first opinion.
"""

from __future__ import annotations

import logging

from lxml import etree
from lxml import html as lxml_html

__all__ = ["trafilatura_body"]

_RAW_TEXT = "//iframe | //noembed | //noframes | //xmp | //plaintext | //template | //nav"

# trafilatura logs every page it finds too short at WARNING: that is an answer here, not news.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def trafilatura_body(root: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """trafilatura's article body of the parsed page `root`, as HTML, or None."""
    for element in root.xpath(_RAW_TEXT):
        # Raw text a browser never shows, and menus: an article's words are never in there.
        if element.getparent() is not None:
            element.drop_tree()
    from trafilatura import bare_extraction  # imported lazily: it is slow to import
    from trafilatura.htmlprocessing import convert_to_html

    try:
        document = bare_extraction(
            root,
            # No address: trafilatura would resolve links against the site's root, not the page;
            # the clean-up resolves them against the page (and its `<base>`) afterwards.
            url=None,
            fast=True,
            # Any format but "python" spares the plain-text serialisation of the body, unused here.
            output_format="xml",
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=True,
            include_formatting=True,
        )
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, RecursionError):
        return None
    except etree.LxmlError:
        return None
    body = getattr(document, "body", None)
    if body is None or not len(body):
        return None
    converted = convert_to_html(body)
    markup = etree.tostring(converted[0], encoding="unicode", method="html")
    try:
        fragment: lxml_html.HtmlElement = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return None
    return fragment
