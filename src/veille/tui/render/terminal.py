"""HTML → Rich `Text` for the reader pane, with links numbered as footnotes.

Why not Markdown: Textual's `Markdown` widget builds one widget per block and takes the better part
of a second to show a long article, while walking the lxml tree straight into a single `Text` takes
milliseconds. The reader only needs the structure a reader sees (headings, paragraphs, emphasis,
quotes, lists, code, simple tables), so that is all this module keeps.

Why so careful: article HTML is untrusted. Every string taken from it goes into the `Text` through
`Text.append(str, style)`, never through a markup parser, and loses its control characters and
bidi overrides first, so that neither `[@click=app.quit]` nor an ESC sequence can do anything but
read as text. Styles are fixed constants of this module; nothing from the page picks a style.
Links become footnote markers `[n]`; only http, https and mailto addresses get a number, so the
reader can never be asked to open `javascript:` or `file:`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import html as lxml_html
from rich.text import Text

from veille.core.text import strip_controls
from veille.core.translations import _
from veille.tui.render.layout import BIDI, HTML_SPACE, MARKER, Writer, clean
from veille.tui.render.links import safe_link
from veille.tui.render.markup import parse_fragment
from veille.tui.render.tables import aligned

__all__ = ["Rendered", "render_html", "safe_link"]

_TAGS = re.compile(r"<[^>]*>")
_MAX_DEPTH = 200  # deeper than any real article; past it, a subtree is read as plain text
# Rendering work per item is bounded: wrapping a two-million-character line takes the terminal
# seconds, during which the app answers nothing. The library and exports keep the whole text.
MAX_CHARS = 200_000
MAX_HTML = 10 * MAX_CHARS  # markup read at most; the rest could not be shown anyway
MAX_COLUMNS = 50

_SKIP = frozenset(
    {
        "script", "style", "noscript", "iframe", "object", "embed", "template", "head", "svg",
        "form", "button", "select", "textarea", "input", "audio", "video", "canvas", "math",
        "title", "meta", "link", "map", "frameset", "frame",
    }
)  # fmt: skip
_INLINE_STYLES = {
    "em": "italic", "i": "italic", "cite": "italic", "dfn": "italic", "var": "italic",
    "strong": "bold", "b": "bold",
    "u": "underline", "ins": "underline",
    "s": "strike", "del": "strike", "strike": "strike",
    "mark": "reverse",
    "small": "dim",
}  # fmt: skip
_CODE = "cyan"
_CODE_TAGS = frozenset({"code", "kbd", "samp", "tt"})
_HEADINGS = {
    "h1": "bold underline",
    "h2": "bold underline",
    "h3": "bold",
    "h4": "bold",
    "h5": "bold",
    "h6": "bold",
}
_LINE_BLOCKS = frozenset(
    {
        "div", "section", "article", "header", "footer", "main", "aside", "nav", "address",
        "center", "fieldset", "details", "summary", "hgroup", "body", "html", "dl", "legend",
    }
)  # fmt: skip
_LINK = "underline"
_GUTTER = ("│ ", "dim")
_CAPTION = "italic dim"
_RULE = "dim"


@dataclass(frozen=True, slots=True)
class Rendered:
    """The body as styled text, and its footnote links: `links[0]` is marker `[1]`."""

    text: Text
    links: tuple[str, ...]
    images: tuple[tuple[int, int, str], ...] = ()
    """Each picture's placeholder in `text` (start, end) and its address."""


class _Renderer:
    def __init__(self, writer: Writer) -> None:
        self.out = writer
        self.items = 0  # list items open around the current element

    def children(self, element: lxml_html.HtmlElement, depth: int) -> None:
        self.out.write(element.text)
        for child in element:
            self.node(child, depth + 1)

    def node(self, element: lxml_html.HtmlElement, depth: int) -> None:
        tag = element.tag
        if isinstance(tag, str) and tag.lower() not in _SKIP:
            if depth > _MAX_DEPTH:
                self.out.write(element.text_content())
            else:
                self.element(element, tag.lower(), depth)
        self.out.write(element.tail)

    def element(self, element: lxml_html.HtmlElement, tag: str, depth: int) -> None:
        out = self.out
        if tag in _INLINE_STYLES or tag in _CODE_TAGS:
            out.push(_CODE if tag in _CODE_TAGS else _INLINE_STYLES[tag])
            self.children(element, depth)
            out.pop()
        elif tag == "a":
            self.anchor(element, depth)
        elif tag == "p":
            gap = 1 if self.items else 2  # list items stay tight
            out.block(gap)
            self.children(element, depth)
            out.block(gap)
        elif tag in _HEADINGS:
            out.block(2)
            out.push(_HEADINGS[tag])
            self.children(element, depth)
            out.pop()
            out.block(2)
        elif tag == "br":
            out.line_break()
        elif tag == "img":
            alt = HTML_SPACE.sub(" ", clean(element.get("alt") or "")).strip()
            label = f"[image: {alt}]" if alt else "[image]"
            out.write(label, "dim")
            src = element.get("src")
            url = safe_link(src, out.base_url) if src else None
            end = len(out.text)
            if url and url.startswith(("http:", "https:")) and out.text.plain.endswith(label):
                out.images.append((end - len(label), end, url))
        elif tag in ("ul", "ol", "menu"):
            self.listing(element, tag == "ol", depth)
        elif tag == "li":  # an item outside any list
            self.item(element, "• ", depth)
        elif tag == "blockquote":
            self.indented(element, _GUTTER, depth)
        elif tag == "dd":
            self.indented(element, ("    ", ""), depth, gap=1)
        elif tag == "dt":
            out.block(1)
            out.push("bold")
            self.children(element, depth)
            out.pop()
            out.block(1)
        elif tag == "pre":
            self.pre(element)
        elif tag == "hr":
            out.block(2)
            indent = sum(len(text) for text, _ in out.prefix)
            out.raw("─" * max(3, min(self.out.width or 40, 80) - indent), _RULE)
            out.block(2)
        elif tag == "figure":
            out.block(2)
            self.children(element, depth)
            out.block(2)
        elif tag in ("figcaption", "caption"):
            out.block(1)
            out.push(_CAPTION)
            self.children(element, depth)
            out.pop()
            out.block(1)
        elif tag == "table":
            self.table(element, depth)
        elif tag == "q":
            out.write("“")
            self.children(element, depth)
            out.write("”")
        elif tag in _LINE_BLOCKS:
            out.block(1)
            self.children(element, depth)
            out.block(1)
        else:
            self.children(element, depth)

    def anchor(self, element: lxml_html.HtmlElement, depth: int) -> None:
        href = element.get("href")
        url = safe_link(href, self.out.base_url) if href else None
        if url is None:  # unsafe or no address: only its text is shown
            self.children(element, depth)
            return
        before = len(self.out.text)
        self.out.push(_LINK)
        self.children(element, depth)
        self.out.pop()
        self.out.footnote(url, attach=len(self.out.text) > before)

    def listing(self, element: lxml_html.HtmlElement, ordered: bool, depth: int) -> None:
        nested = any(a.tag in ("li", "dd") for a in element.iterancestors())
        gap = 1 if nested else 2
        self.out.block(gap)
        number = 1
        if ordered:
            try:
                number = int(element.get("start") or 1)
            except ValueError:
                number = 1
        self.out.write(element.text)
        for child in element:
            if child.tag == "li":
                self.item(child, f"{number}. " if ordered else "• ", depth + 1)
                self.out.write(child.tail)
                number += 1
            else:
                self.node(child, depth + 1)
        self.out.block(gap)

    def item(self, element: lxml_html.HtmlElement, marker: str, depth: int) -> None:
        out = self.out
        if out.inline_only:
            out.write(marker.strip())
            self.children(element, depth)
            return
        out.block(1)
        out.marker(marker)
        out.prefix.append((" " * len(marker), ""))
        self.items += 1
        self.children(element, depth)
        self.items -= 1
        out.prefix.pop()
        out.after_marker = False
        out.block(1)

    def indented(
        self,
        element: lxml_html.HtmlElement,
        prefix: tuple[str, str],
        depth: int,
        gap: int = 2,
    ) -> None:
        out = self.out
        if out.inline_only:
            self.children(element, depth)
            return
        out.block(gap)
        out.prefix.append(prefix)
        self.children(element, depth)
        out.prefix.pop()
        out.block(gap)

    def pre(self, element: lxml_html.HtmlElement) -> None:
        segments: list[tuple[str, str]] = []
        self.pre_segments(element, _CODE, segments)
        segments = _trim(segments)
        if not segments:
            return
        if self.out.inline_only:
            for text, style in segments:
                self.out.write(text, style)
            return
        self.out.block(2)
        self.out.verbatim(segments)
        self.out.block(2)

    def pre_segments(
        self, element: lxml_html.HtmlElement, style: str, segments: list[tuple[str, str]]
    ) -> None:
        """The text inside `<pre>`, unchanged but for styles, `<br>` and link markers."""
        if element.text:
            segments.append((clean(element.text), style))
        for child in element:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag == "br":
                segments.append(("\n", style))
            elif tag and tag not in _SKIP:
                inner = f"{style} {_INLINE_STYLES[tag]}" if tag in _INLINE_STYLES else style
                href = child.get("href") if tag == "a" else None
                url = safe_link(href, self.out.base_url) if href else None
                self.pre_segments(child, f"{inner} {_LINK}" if url else inner, segments)
                if url:
                    segments.append((f"[{self.out.number(url)}]", MARKER))
            if child.tail:
                segments.append((clean(child.tail), style))

    def table(self, element: lxml_html.HtmlElement, depth: int) -> None:
        out = self.out
        out.block(2)
        lines = aligned(element, out.width)
        if lines is not None:
            for line, header in lines:
                out.block(1)
                out.raw(line, "bold" if header else "")
            out.block(2)
            return
        for part in element:
            tag = part.tag if isinstance(part.tag, str) else ""
            if tag == "caption":
                self.element(part, "caption", depth + 1)
            elif tag in ("thead", "tbody", "tfoot"):
                for row in part:
                    if row.tag == "tr":
                        self.row(row, depth + 2, tag == "thead")
            elif tag == "tr":
                self.row(part, depth + 1, False)
        out.block(2)

    def row(self, row: lxml_html.HtmlElement, depth: int, header: bool) -> None:
        cells = [cell for cell in row if cell.tag in ("td", "th")]
        if not cells:
            return
        hidden = len(cells) - MAX_COLUMNS
        cells = cells[:MAX_COLUMNS]
        out = self.out
        header = header or all(cell.tag == "th" for cell in cells)
        out.block(1)
        out.inline_only += 1
        if header:
            out.push("bold")
        for index, cell in enumerate(cells):
            if index:
                out.raw(" │ ", "dim")
            self.children(cell, depth + 1)
            out.space = False
        if hidden > 0:
            out.raw(_(" │ … {hidden:,} more columns").format(hidden=hidden), "dim")
        if header:
            out.pop()
        out.inline_only -= 1
        out.block(1)


def _trim(segments: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop the newline HTML ignores right after `<pre>`, and trailing blank space."""
    kept = [(text, style) for text, style in segments if text]
    if kept and kept[0][0].startswith("\n"):
        kept[0] = (kept[0][0][1:], kept[0][1])
    while kept:
        text, style = kept[-1]
        text = text.rstrip()
        if text:
            kept[-1] = (text, style)
            break
        kept.pop()
    return [(text, style) for text, style in kept if text]


def render_html(html: str, *, base_url: str = "", width: int | None = None) -> Rendered:
    """`html` as styled text for a reader `width` columns wide (the width only sizes rules)."""
    if not html or not isinstance(html, str):
        return Rendered(Text(), ())
    cut = max(0, len(html) - MAX_HTML)
    if cut:
        html = html[:MAX_HTML]
    html = BIDI.sub("", strip_controls(html))
    writer = Writer(base_url or "", width)
    root = parse_fragment(html)
    if root is None:  # hopeless markup: its text, tags stripped, still reads
        writer.write(_TAGS.sub(" ", html))
    else:
        _Renderer(writer).children(root, 0)
        # libxml2 gives up on markup nested past about 2,000 levels and drops it all.
        if not writer.text.plain.strip() and html.count("<") > 2000:
            writer.write(_TAGS.sub(" ", html))
    text = writer.text
    hidden = max(0, len(text) - MAX_CHARS)
    if hidden or cut:
        text = text[:MAX_CHARS]
        about = "about " if cut else ""
        text.append(
            _("\n\n… {about}{value:,} more characters not shown (open in browser with o)").format(
                about=about, value=hidden + cut
            ),
            "dim italic",
        )
    images = tuple(image for image in writer.images if image[1] <= len(text))
    return Rendered(text, tuple(writer.links), images)
