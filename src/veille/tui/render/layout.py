"""Block layout for the reader's renderer: owed line breaks, prefixes, and footnote numbers.

`Writer` is the half of `veille.tui.render.terminal` that knows nothing of HTML elements: it appends
text to a Rich `Text` the way a browser lays out blocks, so the element walker only has to say
"a paragraph starts here" or "this is inline text in this style".
"""

from __future__ import annotations

import re

from rich.text import Text

from veille.core.text import strip_controls

# Bidi embeddings, overrides, isolates and marks: in a reader they only serve to make text read
# differently from what it is. Zero-width joiners stay: scripts and emoji need them.
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# HTML collapses ASCII whitespace only: a no-break space must survive.
HTML_SPACE = re.compile("[ \t\n\r\f\v]+")
MARKER = "dim"


def clean(text: str) -> str:
    """Text from a page without control characters or bidi tricks."""
    return BIDI.sub("", strip_controls(text))


class Writer:
    """Appends to a `Text` the way a browser lays out blocks and collapses whitespace.

    Breaks are owed rather than written: a block asks for one (new line) or two (blank line)
    newlines, and they are only written when more content follows, so the text never starts or
    ends with blank lines and never has two in a row. Each new line starts with the prefix stack
    (quote gutters, list indentation).
    """

    def __init__(self, base_url: str, width: int | None) -> None:
        self.text = Text()
        self.base_url = base_url
        self.width = width
        self.links: dict[str, int] = {}
        self.images: list[tuple[int, int, str]] = []  # placeholder span and address of each
        self.breaks = 0  # newlines owed before the next content
        self.break_depth = 0  # how many prefixes the owed blank lines carry
        self.space = False  # a collapsed space owed before the next word
        self.started = False  # anything written yet
        self.line_open = False  # the current line's prefix is written
        self.after_marker = False  # only a list marker on this line so far
        self.glued = False  # just after a separator: no space before the next word
        self.prefix: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self.style = ""
        self.inline_only = 0  # inside a table cell: blocks become spaces

    # -- styles and prefixes ---------------------------------------------------------------

    def push(self, style: str) -> None:
        self.styles.append(style)
        self.style = " ".join(s for s in self.styles if s)

    def pop(self) -> None:
        self.styles.pop()
        self.style = " ".join(s for s in self.styles if s)

    # -- breaks ----------------------------------------------------------------------------

    def block(self, newlines: int) -> None:
        """Ask for a new line (1) or a blank line (2) before whatever comes next."""
        if self.inline_only:
            self.space = True
            return
        if self.after_marker:  # `<li><p>…`: the paragraph starts beside its marker
            return
        if self.started:
            # A blank line between a quote and what follows belongs to neither: it only carries
            # the prefixes both sides share.
            depth = len(self.prefix)
            self.break_depth = min(self.break_depth, depth) if self.breaks else depth
            self.breaks = max(self.breaks, newlines)
        self.space = False

    def line_break(self) -> None:
        """`<br>`: each one counts, up to one blank line."""
        if self.inline_only:
            self.space = True
            return
        if self.started:
            depth = len(self.prefix)
            self.break_depth = min(self.break_depth, depth) if self.breaks else depth
            self.breaks = min(self.breaks + 1, 2)
        self.after_marker = False
        self.space = False

    def _open_line(self, blank: bool = False, depth: int | None = None) -> None:
        for text, style in self.prefix[:depth]:
            if blank:
                text = text.rstrip()
            if text:
                self.text.append(text, style)
        self.line_open = not blank

    def _flush(self) -> None:
        if self.breaks and self.started:
            for index in range(self.breaks):
                self.text.append("\n")
                if index < self.breaks - 1:
                    self._open_line(blank=True, depth=self.break_depth)
            self.line_open = False
        self.breaks = 0
        if not self.line_open:
            self._open_line()
            self.space = False
        self.started = True

    # -- content ---------------------------------------------------------------------------

    def write(self, raw: str | None, extra: str = "") -> None:
        """Flowing text: whitespace collapsed as HTML does, in the current style."""
        if not raw:
            return
        text = HTML_SPACE.sub(" ", clean(raw))
        if not text:
            return
        if text[0] == " ":
            self.space = True
        words = text.strip(" ")
        if not words:
            return
        self._flush()
        if self.space and not self.after_marker and not self.glued:
            self.text.append(" ")
        style = f"{self.style} {extra}".strip() if extra else self.style
        self.text.append(words, style)
        self.after_marker = self.glued = False
        self.space = text[-1] == " "

    def raw(self, text: str, style: str, *, keep_space: bool = False) -> None:
        """A string of this module's own (separator, marker, rule), as is."""
        self._flush()
        self.text.append(text, style)
        self.after_marker = False
        if not keep_space:
            self.space = False
            self.glued = True

    def marker(self, text: str) -> None:
        """A list marker: its item's content follows on the same line."""
        self._flush()
        self.text.append(text, MARKER if text.startswith("•") else "")
        self.after_marker = True
        self.space = False

    def verbatim(self, segments: list[tuple[str, str]]) -> None:
        """Preformatted text: lines kept as they are, each behind the prefix."""
        if not self.started:  # blank lines opening the article would only push it down
            while segments and not segments[0][0].strip("\n"):
                segments = segments[1:]
            if segments:
                segments = [(segments[0][0].lstrip("\n"), segments[0][1]), *segments[1:]]
            if not segments:
                return
        self._flush()
        for text, style in segments:
            for index, line in enumerate(text.split("\n")):
                if index:
                    self.text.append("\n")
                    self._open_line()
                if line:
                    self.text.append(line, style)
        self.line_open = True
        self.after_marker = self.space = False

    def number(self, url: str) -> int:
        return self.links.setdefault(url, len(self.links) + 1)

    def footnote(self, url: str, *, attach: bool) -> None:
        """Marker `[n]` for `url`; `attach` keeps it beside text a block just closed."""
        number = self.number(url)
        if attach and self.breaks:  # `<a><h2>…</h2></a>`: not a paragraph of its own
            self.text.append(f"[{number}]", MARKER)
            return
        self.raw(f"[{number}]", MARKER, keep_space=True)
