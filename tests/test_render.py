"""The reader's HTML renderer: what a reader sees, how it is styled, and what it refuses."""

from __future__ import annotations

import io
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from veille.tui.render.terminal import Rendered, render_html, safe_link

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def styled(text: Text, fragment: str) -> set[str]:
    """Every style word applied to the whole of the first occurrence of `fragment`."""
    start = text.plain.index(fragment)
    end = start + len(fragment)
    words: set[str] = set()
    for span in text.spans:
        if span.start <= start and span.end >= end:
            words.update(str(span.style).split())
    return words


def plain(html: str, **kwargs: str) -> str:
    return render_html(html, **kwargs).text.plain  # type: ignore[arg-type]


# -- blocks ---------------------------------------------------------------------------------


def test_heading_is_bold_and_set_apart() -> None:
    text = render_html("<p>intro</p><h1>Le titre</h1><h3>Sous-titre</h3><p>corps</p>").text
    assert text.plain == "intro\n\nLe titre\n\nSous-titre\n\ncorps"
    assert {"bold", "underline"} <= styled(text, "Le titre")
    assert "bold" in styled(text, "Sous-titre")
    assert "bold" not in styled(text, "corps")


def test_paragraphs_are_separated_by_one_blank_line_and_trimmed() -> None:
    html = "\n\n<p>  un\n   deux  </p>\n<p></p><p>\t</p><div><p>trois</p></div>\n\n"
    assert plain(html) == "un deux\n\ntrois"


def test_whitespace_collapses_but_no_break_space_survives() -> None:
    assert plain("<p>a \n\t b\u00a0: c</p>") == "a b\u00a0: c"


def test_pre_keeps_lines_and_is_styled_as_code() -> None:
    html = "<p>avant</p><pre>\ndef f():\n    return  1\n\n\nfin</pre><p>après</p>"
    text = render_html(html).text
    assert text.plain == "avant\n\ndef f():\n    return  1\n\n\nfin\n\naprès"
    assert "cyan" in styled(text, "    return  1")


def test_inline_styles() -> None:
    html = (
        "<p><em>emph</em> <i>ital</i> <strong>fort</strong> <b>gras</b> <u>souligne</u> "
        "<s>barre</s> <del>efface</del> <code>x = 1</code> normal</p>"
    )
    text = render_html(html).text
    assert text.plain == "emph ital fort gras souligne barre efface x = 1 normal"
    expected = {
        "emph": "italic",
        "ital": "italic",
        "fort": "bold",
        "gras": "bold",
        "souligne": "underline",
        "barre": "strike",
        "efface": "strike",
        "x = 1": "cyan",
    }
    for word, style in expected.items():
        assert style in styled(text, word), word
    assert styled(text, "normal") == set()


def test_nested_inline_styles_combine() -> None:
    text = render_html("<p><b>gras <i>et italique</i></b> rien</p>").text
    assert {"bold", "italic"} <= styled(text, "et italique")
    assert styled(text, "rien") == set()


def test_blockquote_has_a_gutter_on_every_line() -> None:
    html = "<p>avant</p><blockquote><p>un</p><p>deux</p></blockquote><p>après</p>"
    assert plain(html) == "avant\n\n│ un\n│\n│ deux\n\naprès"


def test_lists_bullets_numbers_and_nesting() -> None:
    html = (
        "<ul><li>pommes</li><li>poires<ul><li>williams</li><li>conférence</li></ul></li></ul>"
        "<ol start='3'><li>trois</li><li>quatre</li></ol>"
    )
    assert plain(html) == (
        "• pommes\n• poires\n  • williams\n  • conférence\n\n3. trois\n4. quatre"
    )


def test_list_item_with_paragraph_and_break_stays_indented() -> None:
    assert plain("<ol><li><p>un<br>suite</p></li></ol>") == "1. un\n   suite"


def test_br_and_hr() -> None:
    rendered = render_html("<p>a<br>b<br><br><br><br>c</p><hr><p>d</p>", width=30)
    assert rendered.text.plain == "a\nb\n\nc\n\n" + "─" * 30 + "\n\nd"


def test_images_become_placeholders() -> None:
    text = render_html('<p>Voir <img src="a.png" alt=" Un  chat "> et <img src="b.png"></p>').text
    assert text.plain == "Voir [image: Un chat] et [image]"
    assert "dim" in styled(text, "[image: Un chat]")


def test_figure_caption_is_italic_and_dim() -> None:
    text = render_html('<figure><img alt="Carte"><figcaption>La carte</figcaption></figure>').text
    assert text.plain == "[image: Carte]\nLa carte"
    assert {"italic", "dim"} <= styled(text, "La carte")


def test_table_rows_with_bold_header() -> None:
    html = (
        "<table><thead><tr><th>Pays</th><th>Taux</th></tr></thead>"
        "<tbody><tr><td>France</td><td><p>12 %</p></td></tr><tr><td>Italie</td><td>9 %</td></tr>"
        "</tbody></table>"
    )
    text = render_html(html).text
    # Laid out as a table: cells padded into columns, a rule under the header.
    assert text.plain == "Pays   │ Taux\n───────┼─────\nFrance │ 12 %\nItalie │ 9 %"
    assert "bold" in styled(text, "Pays")
    assert "bold" not in styled(text, "France")


def test_a_table_too_wide_or_holding_links_keeps_the_row_by_row_form() -> None:
    wide = "<table><tr>" + "".join(f"<td>{'mot ' * 8}{n}</td>" for n in range(4)) + "</tr></table>"
    assert "─┼─" not in plain(wide) and " │ " in plain(wide)
    linked = "<table><tr><td>a</td><td><a href='https://e.fr/'>lien</a></td></tr></table>"
    assert plain(linked) == "a │ lien[1]"  # the link keeps its footnote number


def test_skipped_elements_leave_no_text_but_keep_their_tails() -> None:
    html = (
        "<div>a<script>alert(1)</script>b<style>p{}</style>c<iframe>x</iframe>d"
        "<svg><text>s</text></svg>e<form><input value=v><button>OK</button></form>f"
        "<noscript>n</noscript><template>t</template><!-- comment -->g</div>"
    )
    assert plain(html) == "abcdefg"


def test_entities_are_decoded() -> None:
    assert plain("<p>L&rsquo;&eacute;t&eacute; &amp; &lt;b&gt;</p>") == "L’été & <b>"


def test_full_document_renders_its_body_only() -> None:
    html = "<!DOCTYPE html><html><head><title>T</title></head><body><p>corps</p></body></html>"
    assert plain(html) == "corps"


# -- links ----------------------------------------------------------------------------------


def test_links_are_numbered_underlined_and_reused() -> None:
    html = (
        '<p>Voir <a href="/a">ceci</a>, <a href="https://autre.fr/">cela</a> '
        'et <a href="https://ex.com/a">encore ceci</a>.</p>'
    )
    rendered = render_html(html, base_url="https://ex.com/article/1")
    assert rendered.text.plain == "Voir ceci[1], cela[2] et encore ceci[1]."
    assert rendered.links == ("https://ex.com/a", "https://autre.fr/")
    assert "underline" in styled(rendered.text, "ceci")
    assert "dim" in styled(rendered.text, "[2]")
    assert "underline" not in styled(rendered.text, "[2]")


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "",
    ],
)
def test_unsafe_links_are_plain_text_without_a_number(href: str) -> None:
    rendered = render_html(f'<p>un <a href="{href}">piège</a> ici</p>', base_url="https://ex.com/")
    assert rendered.text.plain == "un piège ici"
    assert rendered.links == ()
    assert "underline" not in styled(rendered.text, "piège")


def test_safe_link() -> None:
    assert safe_link("/x?q=1", "https://ex.com/a/b") == "https://ex.com/x?q=1"
    assert safe_link("c", "https://ex.com/a/b") == "https://ex.com/a/c"
    assert safe_link("  https://ex.com/  ") == "https://ex.com/"
    assert safe_link("mailto:a@ex.com", "https://ex.com/") == "mailto:a@ex.com"
    assert safe_link("HTTP://EX.COM/") == "HTTP://EX.COM/"
    assert safe_link("https://ex.com/a b") == "https://ex.com/a%20b"
    for bad in [
        "javascript:alert(1)",
        "data:text/plain,x",
        "file:///etc/passwd",
        "vbscript:x",
        "/relative-without-base",
        "https://ex.com/\x1b]0;x\x07",
        "https://ex.com/\u202eexe.txt",
        "https://ex.com/" + "a" * 5000,
        "http://[::1",
        "https://",
        "mailto:",
        "",
    ]:
        assert safe_link(bad) is None, bad
    assert safe_link("x", "file:///home/") is None


# -- hostile input --------------------------------------------------------------------------

HOSTILE = ["a[/i]", "[@click=app.quit]", "[link=https://evil.example]x[/link]", "[bold]b[/]"]


@pytest.mark.parametrize("payload", HOSTILE)
def test_markup_in_the_page_reads_literally(payload: str) -> None:
    rendered = render_html(f"<h2>{payload}</h2><p><b>{payload}</b></p>")
    assert rendered.text.plain == f"{payload}\n\n{payload}"
    console = Console(file=io.StringIO(), width=80, force_terminal=True)
    console.print(rendered.text)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert payload in Text.from_ansi(out).plain


def test_escape_sequences_and_bidi_never_reach_the_text() -> None:
    html = (
        "<p>a\x1b]0;pwned\x07b &#27;[31mrouge &#x1b;c &#155;d \x9b2J "
        "&#x202e;txt.exe \u2066iso\u2069</p>"
        '<pre>\x1b[2Jcode</pre><img alt="\x1b[5mimg"><a href="https://ex.com/">\x1b[1ml</a>'
    )
    text = render_html(html).text.plain
    assert "\x1b" not in text
    assert "\x9b" not in text and "\x07" not in text
    assert not set(BIDI) & set(text)
    assert "pwned" in text and "txt.exe" in text and "[31mrouge" in text


@pytest.mark.parametrize(
    "html",
    ["", "   ", "\n\n", "<", "<<<>>>", "<p></p>", "<!-- x -->", "</p></div>", "\x00\x01",
     "&#0;&#xd800;&#x110000;", '<?xml version="1.0" encoding="utf-8"?><p>x</p>', "<html>",
     "<table><tr></tr></table>", "<ul></ul>", "<pre>\n</pre>", "<a href='https://e.fr/'></a>"],
)  # fmt: skip
def test_empty_and_garbage_input_never_raises(html: str) -> None:
    rendered = render_html(html)
    assert isinstance(rendered, Rendered)
    assert "\x1b" not in rendered.text.plain
    assert not rendered.text.plain.startswith("\n") and not rendered.text.plain.endswith("\n")


def test_none_ish_input_gives_empty_text() -> None:
    assert render_html(None).text.plain == ""  # type: ignore[arg-type]
    assert render_html("").links == ()


def test_text_without_tags_is_one_paragraph() -> None:
    assert plain("juste  du\ntexte [1] a[/i]") == "juste du texte [1] a[/i]"


def test_deep_nesting_does_not_overflow() -> None:
    # libxml2 itself gives up past 256 levels; short of that, past the renderer's own limit,
    # the deepest part is still read as text.
    html = "<div><blockquote><ul><li>" * 60 + "fond" + "</li></ul></blockquote></div>" * 60
    assert "fond" in plain(html)
    assert "\x1b" not in plain("<b>" * 2000 + "\x1b" + "</b>" * 2000)


# -- a real-sized article ---------------------------------------------------------------------


def article(paragraphs: int = 100) -> str:
    parts = ["<h1>La CNIL sanctionne un courtier en données</h1>"]
    for n in range(paragraphs):
        parts.append(
            f"<p>Paragraphe {n} : la <strong>formation restreinte</strong> a relevé des "
            f"manquements au <em>RGPD</em>, notamment à l’article {n % 99}, selon "
            f'<a href="/decision/{n % 7}">la décision</a> publiée le {n % 28 + 1} mai.</p>'
        )
        if n % 10 == 3:
            parts.append("<blockquote><p>« Une atteinte grave à la vie privée. »</p></blockquote>")
        if n % 10 == 6:
            parts.append("<ul><li>consentement</li><li>durée de conservation</li></ul>")
        if n % 10 == 9:
            parts.append("<h2>Intertitre</h2><pre>amende = 1_000_000  # euros</pre>")
    return "\n".join(parts)


def test_twenty_kilobyte_article_renders_and_rich_prints_it() -> None:
    html = article()
    assert len(html.encode()) > 20_000
    started = time.perf_counter()
    rendered = render_html(html, base_url="https://www.cnil.fr/fr/actualites", width=80)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0  # ~15 ms in practice; generous for a loaded CI machine
    assert rendered.links == tuple(f"https://www.cnil.fr/decision/{n}" for n in range(7))
    assert rendered.text.plain.count("la décision[") == 100
    console = Console(file=io.StringIO(), width=80, force_terminal=True, color_system="truecolor")
    console.print(rendered.text)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "La CNIL sanctionne" in out and "\x1b[" in out  # styled by Rich
    assert "• consentement" in Text.from_ansi(out).plain


def test_renderer_does_not_import_textual() -> None:
    code = (
        "import sys, veille.tui.render.terminal\n"
        "print(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


# -- properties -----------------------------------------------------------------------------

TAGS = [
    "p", "div", "span", "b", "i", "em", "strong", "a", "ul", "ol", "li", "blockquote", "pre",
    "code", "h1", "h3", "table", "tr", "td", "th", "thead", "br", "hr", "img", "figure",
    "figcaption", "script", "svg", "dl", "dt", "dd", "q", "s",
]  # fmt: skip
ATTRS = st.sampled_from(
    ["", ' href="javascript:x"', ' href="/ok"', ' href="https://e.fr/\u202e"', ' alt="\x1bz"',
     ' start="x"', ' start="-3"', ' href="mailto:a@b.c"'],
)  # fmt: skip
NASTY_PIECES = [*"ab <>&;#[]/@=\n\t", "\x1b", "\x07", "\x9b", "\u202e", "\u2066", "&#27;"]
NASTY_PIECES += ["&#x202e;", "\u00a0", "é", "[/i]"]
NASTY = st.lists(st.sampled_from(NASTY_PIECES), max_size=20).map("".join)


@st.composite
def tag_soup(draw: st.DrawFn, depth: int = 0) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 4 if depth < 4 else 0))):
        if draw(st.booleans()):
            parts.append(draw(NASTY))
        else:
            tag = draw(st.sampled_from(TAGS))
            close = "" if draw(st.integers(0, 5)) == 0 else f"</{tag}>"  # sometimes unclosed
            parts.append(f"<{tag}{draw(ATTRS)}>{draw(tag_soup(depth + 1))}{close}")
    return "".join(parts)


def assert_clean(rendered: Rendered, html: str) -> None:
    text = rendered.text.plain
    assert "\x1b" not in text
    assert not set(BIDI) & set(text)
    # At most one blank line between blocks; preformatted text keeps its own blank lines.
    assert "\n\n\n" not in text.replace("│", "").replace(" ", "") or "<pre" in html
    for url in rendered.links:
        assert url.startswith(("https://", "mailto:"))


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(html: str) -> None:
    rendered = render_html(html, base_url="https://e.fr/a")
    assert "\x1b" not in rendered.text.plain
    assert not set(BIDI) & set(rendered.text.plain)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(tag_soup(), st.one_of(st.none(), st.integers(1, 200)))
def test_random_tag_soup_never_raises_nor_leaks(html: str, width: int | None) -> None:
    rendered = render_html(html, base_url="https://e.fr/a", width=width)
    assert_clean(rendered, html)
    text = rendered.text.plain
    assert text == text.strip("\n")
    console = Console(file=io.StringIO(), width=60, force_terminal=True)
    console.print(rendered.text)


def test_link_around_a_block_keeps_its_marker_beside_the_text() -> None:
    rendered = render_html('<a href="https://e.fr/"><h2>Titre</h2></a><p>suite</p>')
    assert rendered.text.plain == "Titre[1]\n\nsuite"
    assert rendered.links == ("https://e.fr/",)


def test_windows_1252_references_read_as_browsers_read_them() -> None:
    assert plain("<p>l&#146;été &#150; &#128;5 &#129;</p>") == "l’été – €5"


def test_pre_keeps_inner_styles_breaks_and_link_markers() -> None:
    html = '<pre><b>gras</b>  <a href="https://e.fr/doc">doc</a><br>  suite\n</pre>'
    rendered = render_html(html)
    assert rendered.text.plain == "gras  doc[1]\n  suite"
    assert rendered.links == ("https://e.fr/doc",)
    assert {"cyan", "bold"} <= styled(rendered.text, "gras")
    assert "underline" in styled(rendered.text, "doc")


def test_pre_inside_a_quote_keeps_the_gutter() -> None:
    assert plain("<blockquote><pre>a\n  b</pre></blockquote>") == "│ a\n│   b"
