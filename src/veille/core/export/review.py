"""The press review as words, before any format: what each of Markdown, HTML, DOCX and plain
text lays out.

Every decision about the words is made here, once: which entry goes where, which source leads,
the excerpt, the header's lines, and the typography. Each text is typeset in its own language —
an English title stays English in a French review — while the review's own words (headings,
labels, dates) follow the review's language. The formats only escape and lay out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from veille.core.export.common import (
    ExportOptions,
    clean_line,
    item_date,
    item_language,
    newest_date,
    safe_link,
    source_name,
    title_of,
    typeset,
)
from veille.core.export.excerpts import excerpt_of
from veille.core.export.stories import Story, build_stories, review_sections
from veille.core.i18n import format_date, guess_language, label
from veille.core.model import Item

__all__ = ["Entry", "Review", "Source", "make_review"]


@dataclass(slots=True)
class Source:
    name: str
    link: str | None


@dataclass(slots=True)
class Entry:
    title: str
    link: str | None
    lang: str  # the language of the entry's own words ("" when unknown)
    source: str = ""
    date: str = ""
    date_iso: str = ""
    author: str = ""
    excerpt: str = ""
    also: list[Source] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    notes: list[list[str]] = field(default_factory=list)  # each note, as its paragraphs
    note_langs: list[str] = field(default_factory=list)  # the language of each note
    story: Story | None = None

    @property
    def meta(self) -> list[str]:
        return [part for part in (self.source, self.date, self.author) if part]


@dataclass(slots=True)
class Review:
    lang: str
    title: str
    subtitle: str = ""
    author: str = ""
    generated: str = ""  # « Établie le 5 février 2026 »
    count: str = ""  # « 4 articles », or « 4 sujets (6 articles : …) »
    query: str = ""  # « Recherche : is:starred », only when asked for
    sections: list[tuple[str, list[Entry]]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # typeset labels: tags, also_in…

    @property
    def entries(self) -> list[Entry]:
        return [entry for _, entries in self.sections for entry in entries]


# Feed names and authors come back on entry after entry: each is typeset once.
_typeset = functools.lru_cache(maxsize=4096)(typeset)


def _typeset_words(text: str, lang: str) -> str:
    return _typeset(clean_line(text), lang)


def _plain(text: str, lang: str) -> str:
    return clean_line(text)


def _entry(story: Story, options: ExportOptions, _words: Callable[[str, str], str]) -> Entry:
    lead = story.lead
    lang = item_language(lead)
    entry = Entry(
        title=_words(title_of(lead, options.lang), lang),
        link=safe_link(lead.url),
        lang=lang,
        source=_words(source_name(lead), lang),
        story=story,
    )
    when = item_date(lead)
    if when is not None:
        entry.date = format_date(when, options.lang)
        entry.date_iso = when.date().isoformat()
    if clean_line(lead.author):
        entry.author = _words(lead.author, lang)
    if options.excerpt_length > 0:
        # The lead's text, else the first other item of the story that has one.
        for item in (lead, *story.selected, *story.others):
            text = excerpt_of(item.body, options.excerpt_length)
            if text:
                entry.excerpt = _words(text, item_language(item) or lang)
                break
    entry.also = [
        Source(_words(source_name(o), item_language(o)), safe_link(o.url)) for o in story.others
    ]
    entry.tags = story.other_tags if options.group_by == "tag" else story.tags
    for note in story.notes:
        # A note is the user's own words: typeset in the language it reads as, else the review's.
        note_lang = guess_language(note) or options.lang
        entry.notes.append([_words(p, note_lang) for p in note.split("\n") if p.strip()])
        entry.note_langs.append(note_lang)
    return entry


def count_line(stories: int, items: int, lang: str) -> str:
    """The count a review announces: its entries, and the items they fold when there are more."""
    if stories == items:
        return f"{items} {label('items' if items != 1 else 'item', lang)}"
    folded = label("folded", lang).format(items=items)
    return f"{stories} {label('stories' if stories != 1 else 'story', lang)} ({folded})"


def make_review(
    items: Sequence[Item],
    options: ExportOptions,
    companions: Sequence[Item] = (),
    *,
    typography: bool = True,
) -> Review:
    """The review of `items` (see the module's docstring); without `typography`, its words as
    they were written, for formats that other programs typeset (citations)."""
    _words = _typeset_words if typography else _plain
    lang = options.lang
    stories = build_stories(items, companions, options)
    review = Review(lang=lang, title=_words(options.resolved_title(), lang))
    review.subtitle = _words(options.subtitle, lang)
    if clean_line(options.author):
        review.author = _words(label("by_author", lang).format(author=options.author), lang)
    generated = options.generated or newest_date(items)
    if generated is not None:
        review.generated = _words(
            f"{label('generated_on', lang)} {format_date(generated, lang)}", lang
        )
    review.count = _words(count_line(len(stories), len(items), lang), lang)
    if options.show_query and options.query.strip():
        review.query = _words(f"{label('query', lang)}: {options.query}", lang)
    for key in ("tags", "also_in", "note"):
        review.labels[key] = _words(label(key, lang) + ":", lang)
    for section in review_sections(stories, options):
        review.sections.append(
            (_words(section.name, lang), [_entry(s, options, _words) for s in section.stories])
        )
    return review
