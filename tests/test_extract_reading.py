"""readability's reading measured the fast way gives readability's own numbers and choices."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from readability.readability import clean

from veille.core.fulltext.extract import extract
from veille.core.fulltext.reading import folded_length

# Blanks that readability folds differently: line breaks, tabs, spaces, and the others it keeps.
_PIECES = st.sampled_from([" ", "\t", "\n", "\r", "\xa0", "\u2003", "\x0b", "\x1c", "a", ","])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.integers(250, 260).map(lambda n: " " * n)), max_size=40))
def test_folded_length_is_the_length_of_readabilitys_folded_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert folded_length(text) == len(clean(text))


def test_long_runs_of_blanks_are_folded_as_readability_folds_them() -> None:
    for text in (
        "a" + " " * 300 + "b",
        "a" + " " * 254 + "b",
        "a\t\t b",
        "a \t\tb\n  \n c",
        " \n lead \xa0\xa0 trail \t ",
        "a" + "\t" * 400 + "\n" + " " * 100 + "b",
    ):
        assert folded_length(text) == len(clean(text)), repr(text)


def test_an_indented_page_reads_its_article_and_not_its_link_lists() -> None:
    indent = "\n" + " " * 300
    story = "".join(
        f"<p>{indent}Paragraph {n} of the story, long enough to be counted, with a comma,"
        f" and more words that make it a real paragraph of the article.{indent}</p>"
        for n in range(8)
    )
    links = "".join(
        f'<li>{indent}<a href="/{n}">Another story {n}</a>{indent}</li>' for n in range(30)
    )
    page = (
        "<html><head><title>T</title></head><body>"
        f"<div class='menu'><ul>{links}</ul></div><div class='story'>{story}</div>"
        "</body></html>"
    ).encode()
    text = extract(page, "https://example.org/story").text
    assert "Paragraph 7 of the story" in text
    assert "Another story" not in text
