"""The Markdown press review: the export people paste into a note, a wiki or an e-mail.

Feed text is escaped so that a title like `](http://evil)` or `<script>` stays words on the page,
and only http, https and mailto URLs become links, percent-encoded so they cannot end early.
In French the review follows French typography (no-break spaces before « : ; ? ! »), applied to
the words and never to the URLs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from veille.core.export.common import (
    ExportOptions,
    clean_line,
    group_items,
    item_date,
    item_excerpt,
    newest_date,
    safe_link,
    source_name,
    title_of,
    typeset,
)
from veille.core.i18n import format_date, label
from veille.core.model import Item
from veille.core.text import strip_controls

__all__ = ["escape_markdown", "render_markdown"]

# Every ASCII character Markdown (CommonMark or GitHub's) may read as syntax inside a line.
_SIGNIFICANT = re.compile(r"([\\`*_{}\[\]()<>#|~&])")
_BULLET = re.compile(r"^([-=+])")
_NUMBERED = re.compile(r"^(\d+)([.)])")


def escape_markdown(text: str) -> str:
    """`text` (one line) with every Markdown-significant character backslash-escaped.

    Spaces are kept as they are (no `clean_line` here): French no-break spaces must survive.
    """
    text = _SIGNIFICANT.sub(r"\\\1", strip_controls(text).replace("\n", " "))
    # A line that starts like a list item or a numbered one would become one.
    return _NUMBERED.sub(r"\1\\\2", _BULLET.sub(r"\\\1", text))


def _words(text: str, lang: str) -> str:
    """Feed or label text as it appears in the review: typeset for French, then escaped."""
    return escape_markdown(typeset(clean_line(text), lang))


# Feed names, authors and headings come back on item after item: each is worked out once.
_names = functools.lru_cache(maxsize=4096)(_words)


def _item(item: Item, options: ExportOptions) -> list[str]:
    lang = options.lang
    title = _words(title_of(item, lang), lang)
    link = safe_link(item.url)
    lines = [f"### [{title}]({link})" if link else f"### {title}", ""]
    source = source_name(item)
    meta = [_names(source, lang)] if source else []
    when = item_date(item)
    if when is not None:
        meta.append(format_date(when, lang))
    if clean_line(item.author):
        meta.append(_names(item.author, lang))
    if meta:
        lines += [" · ".join(meta), ""]
    text = item_excerpt(item)
    if text:
        lines += [_words(text, lang), ""]
    tags = [clean_line(t) for t in item.tags if clean_line(t)]
    if tags:
        tag_label = _names(label("tags", lang) + ":", lang)
        lines += [f"{tag_label} " + " ".join("#" + escape_markdown(t) for t in tags), ""]
    note = strip_controls(item.note).strip()
    if note:
        for paragraph in note.split("\n"):
            lines.append("> " + _words(paragraph, lang) if paragraph.strip() else ">")
        lines.append("")
    return lines


def render_markdown(items: Sequence[Item], options: ExportOptions) -> str:
    lang = options.lang
    out = [f"# {_words(options.resolved_title(), lang)}", ""]
    generated = options.generated or newest_date(items)
    count = f"{len(items)} {label('items' if len(items) != 1 else 'item', lang)}"
    if generated is not None:
        out += [
            _words(f"{label('generated_on', lang)} {format_date(generated, lang)}", lang)
            + f" · {count}",
            "",
        ]
    else:
        out += [count, ""]
    if options.query.strip():
        out += [_words(f"{label('query', lang)}: {options.query}", lang), ""]
    blocks: dict[int, list[str]] = {}
    for name, members in group_items(items, options.group_by, lang):
        if name:
            out += [f"## {_names(name, lang)}", ""]
        for item in members:
            # Grouped by tag, an item can appear in several sections: render it once.
            if item.id not in blocks:
                blocks[item.id] = _item(item, options)
            out += blocks[item.id]
    return "\n".join(out).rstrip("\n") + "\n"
