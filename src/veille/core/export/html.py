"""The printable HTML press review: one self-contained page, styles inline, nothing fetched.

Feed markup never reaches this page: every feed string is plain text passed through
`html.escape`, the excerpt included, so a hostile feed cannot add a script, a style or a
tracking pixel to a document people open in a browser or send to colleagues.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from veille.core.export.common import ExportOptions
from veille.core.export.review import Entry, Review, make_review
from veille.core.model import Item

__all__ = ["render_html", "review_html"]

_STYLE = """
:root { color-scheme: light; }
body { font: 16px/1.5 Georgia, "Times New Roman", serif; color: #1a1a1a; background: #fff;
       max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.9rem; margin-bottom: .2rem; }
h2 { font-size: 1.35rem; border-bottom: 1px solid #bbb; margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .2rem; }
a { color: #0b4f8a; }
.subtitle { font-size: 1.15rem; color: #333; margin: 0 0 .4rem; font-style: italic; }
.meta, .generated, .query, .also { color: #555; font-size: .9rem; margin: .1rem 0; }
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


def _lang(lang: str) -> str:
    return f' lang="{escape(lang)}"' if lang else ""


def _a(text: str, link: str | None) -> str:
    if not link:
        return escape(text)
    return f'<a href="{escape(link)}" rel="noopener noreferrer">{escape(text)}</a>'


def _entry(entry: Entry, review: Review) -> list[str]:
    # The entry's own words carry their language, so a reader's browser (and a screen reader)
    # reads an English article in English inside a French review.
    out = [f"<article{_lang(entry.lang if entry.lang != review.lang else '')}>"]
    out.append(f"<h3>{_a(entry.title, entry.link)}</h3>")
    meta = [escape(entry.source)] if entry.source else []
    if entry.date:
        meta.append(f'<time datetime="{entry.date_iso}">{escape(entry.date)}</time>')
    if entry.author:
        meta.append(escape(entry.author))
    if meta:
        out.append(f'<p class="meta">{" · ".join(meta)}</p>')
    if entry.excerpt:
        out.append(f'<p class="excerpt">{escape(entry.excerpt)}</p>')
    if entry.also:
        links = ", ".join(_a(s.name, s.link) for s in entry.also)
        out.append(
            f'<p class="also"{_lang(review.lang)}>{escape(review.labels["also_in"])} {links}</p>'
        )
    if entry.tags:
        spans = "".join(f'<span class="tag">{escape(t)}</span>' for t in entry.tags)
        out.append(
            f'<p class="tags"{_lang(review.lang)}><span class="label">'
            f"{escape(review.labels['tags'])}</span> {spans}</p>"
        )
    for note, lang in zip(entry.notes, entry.note_langs, strict=True):
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in note)
        out.append(f'<blockquote class="note"{_lang(lang)}>{paragraphs}</blockquote>')
    out.append("</article>")
    return out


def review_html(review: Review) -> str:
    title = escape(review.title)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(review.lang)}">',
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
    if review.subtitle:
        out.append(f'<p class="subtitle">{escape(review.subtitle)}</p>')
    header = " · ".join(escape(p) for p in (review.author, review.generated, review.count) if p)
    out.append(f'<p class="generated">{header}</p>')
    if review.query:
        out.append(f'<p class="query">{escape(review.query)}</p>')
    out += ["</header>", "<main>"]
    for name, entries in review.sections:
        if name:
            out.append(f"<section><h2>{escape(name)}</h2>")
        for entry in entries:
            out += _entry(entry, review)
        if name:
            out.append("</section>")
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def render_html(
    items: Sequence[Item], options: ExportOptions, companions: Sequence[Item] = ()
) -> str:
    return review_html(make_review(items, options, companions))
