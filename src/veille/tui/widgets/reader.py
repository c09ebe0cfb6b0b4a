"""The reader pane: an item's header (title, feed, author, date, tags, star, note) and its body.

The body is HTML turned straight into a Rich `Text` by `veille.tui.render.terminal` (a Markdown widget
would cost a widget per block), with links numbered as footnotes so they can be opened by number.
The reader says clearly whether it shows the full text or only what the feed gave, and when the
feed's text is cut short.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from veille.core import full_text_status
from veille.core.model import Item
from veille.core.text import clean_line
from veille.core.translations import _, ngettext
from veille.tui.display import literal, long_date
from veille.tui.widgets.article import ArticleText

if TYPE_CHECKING:
    from veille.tui.pictures import Drawn


@dataclass(frozen=True, slots=True)
class Source:
    """Another feed's telling of the same story."""

    feed_title: str
    title: str
    when: datetime | None


@dataclass(slots=True)
class Body:
    """A rendered body, its numbered links, and the story's other sources."""

    text: Text
    links: list[str] = field(default_factory=list)
    full_text: bool = False
    sources: list[Source] = field(default_factory=list)
    images: tuple[tuple[int, int, str], ...] = ()  # placeholders in `text` and their addresses


def render_body(item: Item, width: int | None = None) -> Body:
    """Render the best text the library holds for `item` (blocking: call from a worker)."""
    from veille.tui.render.terminal import render_html  # lxml: at the first item opened

    html = item.full_text or item.content or item.summary
    rendered = render_html(html, base_url=item.url or item.feed_url, width=width)
    return Body(rendered.text, list(rendered.links), bool(item.full_text), images=rendered.images)


WORDS_PER_MINUTE = 230  # an adult's silent reading of prose


def reading_minutes(text: str) -> int:
    """Minutes to read `text`, at least one."""
    return max(1, round(len(text.split()) / WORDS_PER_MINUTE))


def header_text(item: Item, lang: str, minutes: int = 0) -> Text:
    text = Text()
    text.append_text(literal(item.title or "(untitled)", "bold"))
    if item.starred:
        text.append("  ★", "bold yellow")
    text.append("\n")
    byline = [literal(item.feed_title, "italic")]
    if item.author:
        byline.append(literal(item.author))
    when = long_date(item.published or item.sort_date, lang)
    if when:
        byline.append(Text(when))
    if minutes:
        byline.append(
            Text(ngettext("{n} min read", "{n} min read", minutes).format(n=minutes), "dim")
        )
    text.append_text(Text(" · ").join(byline))
    if item.cluster_size > 1:
        text.append(
            ngettext("  +{count} source", "  +{count} sources", item.cluster_size - 1).format(
                count=item.cluster_size - 1
            ),
            "dim",
        )
    if item.tags:
        text.append("\n")
        text.append_text(Text(" ").join(literal(f"#{t}", "bold") for t in item.tags))
    if item.note:
        text.append(_("\nNote: "), "bold")
        text.append_text(literal(item.note, "italic", one_line=False))
    return text


def sources_text(sources: list[Source], lang: str) -> Text:
    text = Text(_("Also in:"), "bold")
    for source in sources[:10]:
        text.append("\n  ")
        text.append_text(literal(source.feed_title, "italic"))
        text.append(" — ")
        text.append_text(literal(source.title))
        when = long_date(source.when, lang)
        if when:
            text.append(f" · {when}", "dim")
    if len(sources) > 10:
        text.append(_("\n  … and {value} more").format(value=len(sources) - 10), "dim")
    return text


def status_text(item: Item, body: Body, lang: str = "en", *, offline: bool = False) -> Text:
    status = _status(item, body, offline)
    if body.sources:
        status.append("\n")
        status.append_text(sources_text(body.sources, lang))
    return status


def _status(item: Item, body: Body, offline: bool = False) -> Text:
    words = full_text_status(item, offline=offline)
    if body.full_text or not (item.truncated or item.full_text_state):
        return literal(words, "dim")
    # What stands in the way of the article, first, then what to do about it.
    head, _sep, rest = words.partition(" — ")
    mark = literal(head, "bold reverse")
    if rest:
        mark.append(" — ", "dim")
        mark.append_text(literal(rest, "dim"))
    return mark


def links_text(links: list[str]) -> Text:
    text = Text(_("\nLinks\n"), "bold")
    for number, url in enumerate(links, 1):
        text.append(f"[{number}] ", "dim")
        text.append_text(literal(url))
        text.append("\n")
    return text


def _size(length: int) -> str:
    for unit, step in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if length >= step:
            return f"{length / step:.1f} {unit}"
    return f"{length} B"


def _duration(seconds: int) -> str:
    """Playing time as a player shows it: 4:05, 1:02:03."""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def enclosures_text(item: Item) -> Text:
    """The item's attachments (a podcast, a video, a PDF): kind, size, address; `l` opens."""
    text = Text("\n" + _("Attachments (l lists them to open, copy or download)") + "\n", "bold")
    for enclosure in item.enclosures:
        kind = enclosure.type or _("unknown type")
        size = f", {_size(enclosure.length)}" if enclosure.length else ""
        playing = f", {_duration(enclosure.duration)}" if enclosure.duration else ""
        text.append(f"• {clean_line(kind)}{size}{playing}  ", "dim")
        text.append_text(literal(enclosure.url))
        text.append("\n")
    return text


class Reader(VerticalScroll, can_focus=True):
    """Shows one item; `links` are its footnote links, numbered from 1."""

    # With the focus here, the list's movement keys scroll the article.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_by(1)", show=False),
        Binding("k", "scroll_by(-1)", show=False),
    ]

    def action_scroll_by(self, lines: int) -> None:
        """Scroll, or stay put at an end: the key never falls through to the list behind."""
        self.scroll_relative(y=lines, animate=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.item: Item | None = None
        self.body: Body | None = None
        self.links: list[str] = []
        self.offline = False  # the app cannot fetch: say so instead of offering to
        self.minutes = 0  # reading time of the article shown
        self.reading_width = 72  # columns the text is wrapped to at most
        self._forget: list[str] = []  # what frees the pictures sent to the terminal
        self._redraw: Callable[[], None] | None = None  # draws the pictures again, to fit
        self._widest = 0  # columns of the widest picture shown

    def compose(self) -> ComposeResult:
        yield Static(
            Text(_("Select an item and press Enter to read it."), "dim"), id="reader-header"
        )
        yield Static(Text(""), id="reader-status")
        yield ArticleText(id="reader-body")

    def on_mount(self) -> None:
        self.set_reading_width(self.reading_width)

    def on_unmount(self) -> None:
        self._leave_pictures()

    def on_resize(self) -> None:
        """Pictures too wide for the reader now would wrap: they are drawn again to fit."""
        room = self.scrollable_content_region.width
        if not self.show_vertical_scrollbar:  # as the pictures were sized: room for one
            room -= self.styles.scrollbar_size_vertical
        if self._redraw is not None and room > 0 and self._widest > room:
            redraw, self._redraw = self._redraw, None
            self.call_after_refresh(redraw)

    def set_reading_width(self, columns: int) -> None:
        """Wrap the article to at most `columns` (long lines are hard to follow)."""
        self.reading_width = columns
        for part in self.query(Static):
            part.styles.max_width = columns

    def show(self, item: Item, body: Body, lang: str) -> None:
        self.item = item
        self.links = body.links
        self.minutes = reading_minutes(body.text.plain)
        self.query_one("#reader-header", Static).update(header_text(item, lang, self.minutes))
        self.query_one("#reader-status", Static).update(
            status_text(item, body, lang, offline=self.offline)
        )
        self.body = body
        self._leave_pictures()
        self.query_one("#reader-body", Static).update(self._with_endings(body.text.copy()))
        self.scroll_home(animate=False)

    def _with_endings(self, shown: Text) -> Text:
        body, item = self.body, self.item
        if body is not None and body.links and "[1]" not in body.text.plain[-2000:]:
            shown.append_text(links_text(body.links))
        if item is not None and item.enclosures:
            shown.append_text(enclosures_text(item))
        return shown

    def show_pictures(
        self, pictures: list[tuple[int, int, Drawn]], redraw: Callable[[], None] | None = None
    ) -> None:
        """Put each drawn picture in place of its placeholder (start, end) in the body;
        `redraw` draws them again, should the reader become too narrow for them."""
        if self.body is None:
            return
        self._leave_pictures()  # those drawn before, for a wider reader
        self._redraw = redraw
        self._widest = max((picture.columns for _s, _e, picture in pictures), default=0)
        text = self.body.text
        shown, at = Text(), 0
        overlays: dict[int, tuple[int, tuple[str, ...]]] = {}
        for start, end, picture in sorted(pictures, key=lambda p: p[0]):
            shown.append_text(text[at:start])
            shown.append("\n")
            shown.append_text(picture.text)
            at = end
            if picture.send:
                self._tell_terminal(picture.send)
                self._forget.append(picture.forget)
            if picture.rows:
                overlays[picture.number] = (picture.columns, picture.rows)
        shown.append_text(text[at:])
        body = self.query_one("#reader-body", ArticleText)
        body.set_pictures(overlays)
        body.update(self._with_endings(shown))

    def _tell_terminal(self, sequence: str) -> None:
        """Write `sequence` to the terminal, in order with the screen's updates."""
        driver = getattr(self.app, "_driver", None)  # as Textual's own clipboard does
        if sequence and driver is not None:
            driver.write(sequence)

    def _leave_pictures(self) -> None:
        """The pictures of the article shown are no longer drawn, and the terminal frees them."""
        self._redraw, self._widest = None, 0
        for body in self.query(ArticleText):  # none left once the reader is unmounted
            body.set_pictures({})
        for sequence in self._forget:
            self._tell_terminal(sequence)
        self._forget.clear()

    def update_header(self, item: Item, lang: str) -> None:
        """The star, tags or note changed: redraw the header only."""
        self.item = item
        self.query_one("#reader-header", Static).update(header_text(item, lang, self.minutes))

    def clear(self) -> None:
        self.item = None
        self.body = None
        self.links = []
        self._leave_pictures()
        self.query_one("#reader-header", Static).update(Text(""))
        self.query_one("#reader-status", Static).update(Text(""))
        self.query_one("#reader-body", Static).update(Text(""))

    @property
    def at_end(self) -> bool:
        return self.scroll_y >= self.max_scroll_y

    def link(self, number: int) -> str | None:
        if 1 <= number <= len(self.links):
            return self.links[number - 1]
        return None
