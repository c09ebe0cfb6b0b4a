"""Markdown escaping proven by a CommonMark renderer: any line of text, escaped, renders back as
exactly that text, and nothing that needs no escape gets a backslash."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from veille.core.export.markdown import escape_markdown

RENDERER = MarkdownIt("commonmark")
# Every character CommonMark gives a meaning, with words, digits and the spaces of French.
ALPHABET = st.sampled_from([*"ab é1.)_*`[]()<>&#;!\\~-+=|:/ \u00a0\u202f", "&amp;", "<a>"])


def rendered(markdown: str) -> str:
    out = RENDERER.render(markdown)
    assert out.startswith("<p>") and out.endswith("</p>\n"), (markdown, out)
    return html.unescape(out[3:-5])


@given(st.lists(ALPHABET, min_size=1, max_size=24).map("".join))
def test_any_line_renders_back_as_itself(text: str) -> None:
    line = text.strip()  # a review's lines never start or end with a space
    if not line:
        return
    assert rendered(escape_markdown(line)) == line


def test_what_needs_no_escape_keeps_no_backslash() -> None:
    for text in ("(simulé)", "snake_case", "a < b", "14 000 € : 20 %", "C'est ça !", "1 article"):
        assert escape_markdown(text) == text
    assert escape_markdown("1. premier") == "1\\. premier"
    assert escape_markdown("_x_ *y*") == "\\_x\\_ \\*y\\*"
    assert escape_markdown("&amp; <b>") == "\\&amp; \\<b>"
