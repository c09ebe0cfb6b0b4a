"""The lede set in the article's header, apart from the body's block, is part of the article."""

from __future__ import annotations

from veille.core.fulltext.extract import extract

_BODY = "".join(
    f"<p>Paragraph {n} of the report tells, with commas, figures and quotes, how the harbour"
    f" council weighed the new ferry line, what it will cost, and who will pay for it.</p>"
    for n in range(8)
)
_SIDEBAR = "".join(f'<li><a href="/s/{n}">Another story number {n}</a></li>' for n in range(12))


def _page(header: str, body: str = _BODY) -> bytes:
    return (
        "<html><head><title>Ferry line approved</title>"
        '<meta property="og:type" content="article"></head><body>'
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<main><article><header><h1>Ferry line approved</h1>{header}</header>"
        f'<div class="article-body">{body}</div></article>'
        f'<aside class="more"><ul>{_SIDEBAR}</ul></aside></main>'
        "<footer>© The Harbour Gazette</footer></body></html>"
    ).encode()


_LEDE = (
    "The harbour council voted on Tuesday night to open a ferry line to the islands, after"
    " two years of debate over its cost."
)


def test_the_lede_above_the_body_is_kept_before_it() -> None:
    text = extract(_page(f'<p class="article__lead">{_LEDE}</p>'), "https://example.org/a").text
    assert _LEDE in text
    assert text.index(_LEDE) < text.index("Paragraph 0 of the report")
    assert text.count("The harbour council voted") == 1
    assert "Another story number" not in text


def test_a_lede_marked_in_camel_case_or_as_a_standfirst_is_kept() -> None:
    for name in ("leadIn", "standfirst", "entry__subtitle", "texto-bajada"):
        page = _page(f'<div class="{name}"><p>{_LEDE}</p></div>')
        assert _LEDE in extract(page, "https://example.org/a").text, name


def test_a_header_block_of_links_or_a_site_tagline_is_not_a_lede() -> None:
    links = " ".join(f'<a href="/t/{n}">a topic of the site, number {n}</a>' for n in range(4))
    page = _page(f'<div class="intro">{links}</div>')
    text = extract(page, "https://example.org/a").text
    assert "a topic of the site" not in text
    tagline = "A leaderboard of the week, with every name, score and game of the season so far."
    page = _page(f'<div class="leaderboard">{tagline}</div>')
    assert "A leaderboard of the week" not in extract(page, "https://example.org/a").text


def test_the_script_inside_a_lede_block_is_not_text() -> None:
    page = _page(f'<div class="lead"><script>window.player = {{start: 1}};</script>{_LEDE}</div>')
    text = extract(page, "https://example.org/a").text
    assert _LEDE in text
    assert "window.player" not in text


def _story_page(top: str) -> bytes:
    return (
        "<html><head><title>Ferry line approved</title>"
        '<meta property="og:type" content="article"></head><body>'
        f'<article><h1>Ferry line approved</h1><div class="top">{top}'
        '<figure><img src="/ferry.jpg" alt=""></figure></div>'
        f'<div class="article-body">{_BODY}</div></article>'
        f'<aside class="more"><ul>{_SIDEBAR}</ul></aside></body></html>'
    ).encode()


def test_a_plain_first_paragraph_set_apart_by_a_picture_is_kept() -> None:
    text = extract(_story_page(f"<p>{_LEDE}</p>"), "https://example.org/a").text
    assert _LEDE in text
    assert text.index(_LEDE) < text.index("Paragraph 0 of the report")


def test_a_pull_quote_or_a_caption_above_the_body_is_no_lede() -> None:
    quote = f"“{_LEDE}”"
    text = extract(_story_page(f"<p>{quote}</p>"), "https://example.org/a").text
    assert "harbour council voted" not in text
    caption = f"<figure><img src='/c.jpg' alt=''><figcaption><p>{_LEDE}</p></figcaption></figure>"
    text = extract(_story_page(caption), "https://example.org/a").text
    assert "harbour council voted" not in text


def test_the_lead_picture_and_its_caption_are_no_lede() -> None:
    # "lead" names the article's opening picture as often as its opening words.
    caption = (
        "The new ferry, seen from the harbour wall on Monday morning, before the council voted"
        " on the line and its cost."
    )
    for header in (
        f'<div class="article__lead-image"><img src="/ferry.jpg" alt=""><p>{caption}</p></div>',
        f'<div class="lead"><figure><img src="/f.jpg" alt=""><figcaption>{caption}'
        "</figcaption></figure></div>",
        f'<p class="lead-media-caption">{caption}</p>',
    ):
        text = extract(_page(header), "https://example.org/a").text
        assert "seen from the harbour wall" not in text, header
