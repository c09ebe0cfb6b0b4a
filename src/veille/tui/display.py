"""Turning feed-derived strings into things the screen shows literally.

Everything a feed wrote (titles, authors, tags, bodies, error messages quoting a server) is
untrusted. Textual parses plain `str` as markup in most widgets, so a title like `a[/i]` would crash
a label and `[@click=app.quit]` would become a live action. Every such string goes through
`literal()` (a Rich `Text`, never parsed) or `content()` (a Textual `Content`, never parsed), and
loses its control characters on the way, so an ESC sequence cannot reach the terminal.

Dates are formatted here too, in words of the configured language (`veille.core.i18n`).
"""

from __future__ import annotations

from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.content import Content

from veille.core.i18n import format_datetime
from veille.core.text import clean_line, strip_controls
from veille.tui.render.links import safe_link

__all__ = [
    "checked_link",
    "clean_line",
    "content",
    "literal",
    "long_date",
    "short_date",
]


def literal(value: str, style: str | Style = "", *, one_line: bool = True) -> Text:
    """`value` as a Rich `Text` that no markup parser will ever see."""
    cleaned = clean_line(value) if one_line else strip_controls(value).replace("\x1b", "")
    return Text(cleaned, style=style, no_wrap=False)


def content(value: str, *, one_line: bool = True) -> Content:
    """`value` as a Textual `Content`: `Content(str)` is literal, unlike `Content.from_markup`."""
    return Content(clean_line(value) if one_line else strip_controls(value))


def short_date(when: datetime | None, lang: str) -> str:
    """A fixed-width date for the item list, in local time."""
    if when is None:
        return " " * 8
    local = when.astimezone()
    return local.strftime("%d/%m/%y" if lang == "fr" else "%y-%m-%d")


def long_date(when: datetime | None, lang: str) -> str:
    """The reader's date, in words of the configured language."""
    if when is None:
        return ""
    return format_datetime(when, lang)


def checked_link(url: str) -> str | None:
    """`url` if it may be opened or copied (http, https, mailto only), else None."""
    return safe_link(url) or None
