"""The first reading of the layout: readability's choice of the article body.

readability is given the page already parsed, and a fresh copy of it for each of its passes.
Its own preparation re-parses the page, runs a general-purpose cleaner and rewrites every link of
the page, which is half its running time; only hidden elements, scripts and styles matter to its
scoring, and links are resolved later on the article alone.

Most of what is left of its time goes into measuring text: the length of a block's text once its
whitespace is folded, taken again and again for every link of every candidate block. It folds
with regular expressions that backtrack over each run of blanks, quadratic in the run's length,
and large pages are indented with long runs of them; `folded_length` gives the same number by
looking at each run once.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from lxml import etree
from lxml import html as lxml_html

__all__ = ["folded_length", "readability_body"]

_NOT_CONTENT = (
    "//*[@hidden] | //script | //style | //link | //template | //comment() "
    "| //processing-instruction()"
)
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.I)
_RUN = re.compile(r"\s{2,}")
_TABS = re.compile(r"\t|[ \t]{2,}")
# readability first cuts a run of this many blanks down to this many spaces, which its last step
# then folds into one.
_LONG_RUN = 255


def folded_length(text: str) -> int:
    """The length of `text` once readability has folded its whitespace.

    readability trims the text, turns every run of blanks holding a line break into one line
    break, a run of `_LONG_RUN` blanks or more into one space, and in the other runs each tab
    and each stretch of spaces and tabs into one space. A single blank keeps its length either
    way, so only the runs of two or more are looked at.
    """
    inner = text.strip()
    length = len(inner)
    for run in _RUN.findall(inner):
        if len(run) >= _LONG_RUN or "\n" in run:
            length -= len(run) - 1
        else:
            length -= len(run) - len(_TABS.sub(" ", run))
    return length


def _readability_document(tree: lxml_html.HtmlElement) -> Any:
    from readability import Document  # imported lazily: it is slow to import and rarely needed

    class _TreeDocument(Document):  # type: ignore[misc]
        """readability on an already parsed page, measuring text with `folded_length`."""

        def _parse(self, input: Any) -> Any:
            doc = copy.deepcopy(input)
            for element in doc.xpath(_NOT_CONTENT):
                if element.getparent() is not None:
                    element.drop_tree()
            for element in doc.xpath("//*[@style]"):
                if _HIDDEN_STYLE.search(element.get("style") or "") and (
                    element.getparent() is not None
                ):
                    element.drop_tree()
            return doc

        def get_link_density(self, elem: Any) -> float:
            # The share of the block's folded text that sits in links, as readability counts it
            # (a link inside a link counts twice).
            linked = sum(folded_length(a.text_content() or "") for a in elem.findall(".//a"))
            return float(linked) / max(folded_length(elem.text_content() or ""), 1)

    return _TreeDocument(tree)


def readability_body(root: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """readability's article body of the parsed page `root` (left untouched), or None."""
    from readability.readability import Unparseable

    try:
        summary = _readability_document(root).summary(html_partial=True)
    except (Unparseable, ValueError, etree.LxmlError):
        return None
    except (AttributeError, IndexError, KeyError, TypeError, RecursionError):
        return None  # its heuristics trip over some odd pages; JSON-LD may still have the text
    if not summary or not summary.strip():
        return None
    try:
        fragment: lxml_html.HtmlElement = lxml_html.fragment_fromstring(
            summary, create_parent="div"
        )
    except (etree.ParserError, ValueError):
        return None
    return fragment
