"""The Markdown press review: the export people paste into a note, a wiki or an e-mail.

Feed text is escaped so that a title like `](http://evil)` or `<script>` stays words on the page,
and only http, https and mailto URLs become links, percent-encoded so they cannot end early.
Escaping follows CommonMark: only a character that would be read as syntax where it stands gets
a backslash (`*`, `` ` ``, brackets, an `_` at a word's edge, a `<` that would open a tag, a `#`
or `-` starting a line…), so « (simulé) » stays as it is written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from veille.core.export.common import ExportOptions
from veille.core.export.review import Entry, Review, make_review
from veille.core.model import Item
from veille.core.text import strip_controls

__all__ = ["escape_markdown", "render_markdown", "review_markdown"]

_ASCII_PUNCTUATION = r"""!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"""
_INLINE = re.compile(
    r"[`*\[\]~]"  # code, emphasis, links and strikethrough, wherever they stand
    r"|\\(?=[" + _ASCII_PUNCTUATION + r"]|$)"  # a backslash that would escape what follows
    r"|<(?=[A-Za-z/!?])"  # what would open raw HTML or an autolink
    r"|&(?=#?[A-Za-z0-9]+;)"  # what would be read as a character reference
    r"|(?<![^\W_])_|_(?![^\W_])"  # an underscore at a word's edge (inside one it is a letter)
)
# What makes a line a heading, a quote, a list item, a rule or a table row.
_LINE_START = re.compile(r"^(?:[-+=>#|]|(\d{1,9})([.)])(?=\s|$))")
_CLOSING_HASHES = re.compile(r"(?<=\s)(#+)$")


def escape_markdown(text: str, *, line_start: bool = True) -> str:
    """`text` (one line) with a backslash before each character Markdown would read as syntax.

    `line_start`: the text begins a line, where `#`, `>`, `-`, `1.` start blocks. Spaces are
    kept as they are: French no-break spaces must survive.
    """
    text = _INLINE.sub(lambda m: "\\" + m[0], strip_controls(text).replace("\n", " "))
    if line_start:
        text = _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else "\\" + m[0], text)
    return text


def _heading(level: int, text: str) -> str:
    # A heading's closing run of `#` would be dropped: « C# # » must keep its last word.
    return "#" * level + " " + _CLOSING_HASHES.sub(r"\\\1", escape_markdown(text, line_start=False))


def _link(text: str, url: str | None) -> str:
    words = escape_markdown(text, line_start=False)
    return f"[{words}]({url})" if url else words


def _entry(entry: Entry, review: Review) -> list[str]:
    if entry.link:
        lines = [f"### {_link(entry.title, entry.link)}", ""]
    else:
        lines = [_heading(3, entry.title), ""]
    if entry.meta:
        lines += [escape_markdown(" · ".join(entry.meta)), ""]
    if entry.excerpt:
        lines += [escape_markdown(entry.excerpt), ""]
    if entry.also:
        also = ", ".join(_link(s.name, s.link) for s in entry.also)
        lines += [f"{escape_markdown(review.labels['also_in'])} {also}", ""]
    if entry.tags:
        tags = " ".join("#" + escape_markdown(t, line_start=False) for t in entry.tags)
        lines += [f"{escape_markdown(review.labels['tags'])} {tags}", ""]
    for note in entry.notes:
        lines += [*("> " + escape_markdown(p) for p in note), ""]
    return lines


def review_markdown(review: Review) -> str:
    out = [_heading(1, review.title), ""]
    if review.subtitle:
        out += [f"*{escape_markdown(review.subtitle, line_start=False)}*", ""]
    header = " · ".join(p for p in (review.author, review.generated, review.count) if p)
    out += [escape_markdown(header), ""]
    if review.query:
        out += [escape_markdown(review.query), ""]
    for name, entries in review.sections:
        if name:
            out += [_heading(2, name), ""]
        for entry in entries:
            out += _entry(entry, review)
    return "\n".join(out).rstrip("\n") + "\n"


def render_markdown(
    items: Sequence[Item], options: ExportOptions, companions: Sequence[Item] = ()
) -> str:
    return review_markdown(make_review(items, options, companions))
