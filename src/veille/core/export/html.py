"""The printable HTML press review: one self-contained page, styles inline, nothing fetched.

Feed markup never reaches this page: every feed string is plain text passed through
`html.escape`, the excerpt included, so a hostile feed cannot add a script, a style or a
tracking pixel to a document people open in a browser or send to colleagues.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from html import escape

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

__all__ = ["render_html"]

_STYLE = """
:root { color-scheme: light; }
body { font: 16px/1.5 Georgia, "Times New Roman", serif; color: #1a1a1a; background: #fff;
       max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.9rem; margin-bottom: .2rem; }
h2 { font-size: 1.35rem; border-bottom: 1px solid #bbb; margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .2rem; }
a { color: #0b4f8a; }
.meta, .generated, .query { color: #555; font-size: .9rem; margin: .1rem 0; }
.excerpt { margin: .4rem 0; }
.tags { font-size: .85rem; color: #333; }
.tag { display: inline-block; border: 1px solid #ccc; border-radius: .3rem;
       padding: 0 .35rem; margin-right: .3rem; }
blockquote.note { border-left: 3px solid #c8a400; margin: .5rem 0; padding: .1rem .8rem;
                  background: #fffbe6; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  a { color: inherit; text-decoration: none; }
  article { break-inside: avoid; }
  h2 { break-after: avoid; }
}
"""


def _text(text: str, lang: str) -> str:
    return escape(typeset(clean_line(text), lang))


# Feed names, authors and labels come back on item after item: each is worked out once.
_names = functools.lru_cache(maxsize=4096)(_text)


def _item(item: Item, lang: str) -> list[str]:
    title = _text(title_of(item, lang), lang)
    link = safe_link(item.url)
    heading = f'<a href="{escape(link)}" rel="noopener noreferrer">{title}</a>' if link else title
    out = ["<article>", f"<h3>{heading}</h3>"]
    source = source_name(item)
    meta = [_names(source, lang)] if source else []
    when = item_date(item)
    if when is not None:
        meta.append(
            f'<time datetime="{when.date().isoformat()}">{escape(format_date(when, lang))}</time>'
        )
    if clean_line(item.author):
        meta.append(_names(item.author, lang))
    if meta:
        out.append(f'<p class="meta">{" · ".join(meta)}</p>')
    text = item_excerpt(item)
    if text:
        out.append(f'<p class="excerpt">{_text(text, lang)}</p>')
    tags = [clean_line(t) for t in item.tags if clean_line(t)]
    if tags:
        spans = "".join(f'<span class="tag">{escape(t)}</span>' for t in tags)
        out.append(
            f'<p class="tags"><span class="label">{_names(label("tags", lang), lang)}'
            f"</span> {spans}</p>"
        )
    note = strip_controls(item.note).strip()
    if note:
        paragraphs = "".join(f"<p>{_text(p, lang)}</p>" for p in note.split("\n") if p.strip())
        out.append(f'<blockquote class="note">{paragraphs}</blockquote>')
    out.append("</article>")
    return out


def render_html(items: Sequence[Item], options: ExportOptions) -> str:
    lang = options.lang
    title = _text(options.resolved_title(), lang)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang if lang in ("fr", "en") else "en")}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{title}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{title}</h1>",
    ]
    generated = options.generated or newest_date(items)
    count = f"{len(items)} {label('items' if len(items) != 1 else 'item', lang)}"
    if generated is not None:
        out.append(
            f'<p class="generated">{_text(label("generated_on", lang), lang)} '
            f"{escape(format_date(generated, lang))} · {escape(count)}</p>"
        )
    else:
        out.append(f'<p class="generated">{escape(count)}</p>')
    if options.query.strip():
        out.append(
            f'<p class="query">{_text(label("query", lang) + ": " + options.query, lang)}</p>'
        )
    out.append("</header>")
    out.append("<main>")
    blocks: dict[int, list[str]] = {}
    for name, members in group_items(items, options.group_by, lang):
        if name:
            out.append(f"<section><h2>{_names(name, lang)}</h2>")
        for item in members:
            # Grouped by tag, an item can appear in several sections: render it once.
            if item.id not in blocks:
                blocks[item.id] = _item(item, lang)
            out += blocks[item.id]
        if name:
            out.append("</section>")
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
