"""A review's entries: one per story, filed once, with the other outlets that told it.

The library groups items from different feeds that tell the same story (`cluster_id`). A
review shows each story once: its best source is the entry's link, the others follow as
« Aussi dans : Le Monde, Next ». The selection may hold several items of one story (each
starred) or one of them only; either way the entry names every source the library knows.

Grouped by tag, an entry goes under one section only: the first of its tags in the order the
user gave (`ExportOptions.tags`, then the others by name), its other tags on a quiet line. So
the count a review announces is the number of entries it holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from veille.core.export.common import (
    GROUPINGS,
    ExportOptions,
    first_tag,
    item_date,
    item_language,
    item_tags,
    safe_link,
    source_name,
    tag_rank,
)
from veille.core.i18n import format_date, label
from veille.core.model import Item
from veille.core.text import strip_controls

__all__ = ["Section", "Story", "build_stories", "review_sections"]


@dataclass(slots=True)
class Story:
    lead: Item  # the best source: the entry's title and link
    selected: list[Item]  # the selection's items of this story, the lead first when selected
    others: list[Item] = field(default_factory=list)  # the other outlets, chosen ones first
    tags: list[str] = field(default_factory=list)  # every tag of the selected items
    section_tag: str = ""  # where the review files it when grouped by tag
    other_tags: list[str] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        found = [strip_controls(i.note).strip() for i in self.selected]
        return list(dict.fromkeys(n for n in found if n))

    @property
    def date(self) -> datetime | None:
        return item_date(self.lead)


@dataclass(slots=True)
class Section:
    name: str  # "" for the one untitled section of an ungrouped review
    stories: list[Story]


def _rank(item: Item, selected: set[int], lang: str) -> tuple[int, int, int, int, int, int]:
    """Smaller is better: chosen by the user, in the review's language, with a full text (the
    excerpt comes from it), annotated, with a link, then the first to have published it."""
    when = item_date(item)
    return (
        item.id not in selected,
        item_language(item) != lang,
        not item.full_text,
        not item.note.strip(),
        safe_link(item.url, schemes=("http", "https")) is None,
        int(when.timestamp()) if when is not None else 2**62,
    )


def build_stories(
    items: Sequence[Item], companions: Sequence[Item], options: ExportOptions
) -> list[Story]:
    """The stories of `items` (in the order of their first item), each with the items of
    `companions` (other items of the same stories, outside the selection) as further sources."""
    by_story: dict[int | tuple[str, int], list[Item]] = {}
    for item in items:
        key: int | tuple[str, int] = (
            item.cluster_id if item.cluster_id is not None else ("", item.id)
        )
        members = by_story.setdefault(key, [])
        if all(m.id != item.id for m in members):
            members.append(item)
    extra: dict[int, list[Item]] = {}
    for item in companions:
        if item.cluster_id is not None and item.cluster_id in by_story:
            extra.setdefault(item.cluster_id, []).append(item)
    stories: list[Story] = []
    for key, chosen in by_story.items():
        ids = {i.id for i in chosen}
        more = extra.get(key, []) if isinstance(key, int) else []
        everyone = chosen + [c for c in more if c.id not in ids]
        lead = min(everyone, key=lambda i: _rank(i, ids, options.lang))
        others = _other_outlets(lead, everyone, ids)
        selected = sorted(chosen, key=lambda i: i.id != lead.id)
        tags = list(dict.fromkeys(t for i in selected for t in item_tags(i)))
        story = Story(lead=lead, selected=selected, others=others, tags=tags)
        story.section_tag, story.other_tags = first_tag(tags, options.tags)
        stories.append(story)
    return stories


def _other_outlets(lead: Item, everyone: Sequence[Item], selected: set[int]) -> list[Item]:
    """Each other source once: one item per outlet, never the lead's own outlet or link; those
    the user chose first, then by date."""
    seen_names = {source_name(lead).casefold()}
    seen_links = {safe_link(lead.url)}
    found: list[Item] = []

    def order(i: Item) -> tuple[bool, float, int]:
        when = item_date(i)
        return (i.id not in selected, when.timestamp() if when is not None else 2.0**62, i.id)

    for item in sorted(everyone, key=order):
        if item.id == lead.id:
            continue
        name = source_name(item).casefold()
        link = safe_link(item.url)
        if name in seen_names or (link is not None and link in seen_links):
            continue
        seen_names.add(name)
        seen_links.add(link)
        found.append(item)
    return found


def review_sections(stories: Sequence[Story], options: ExportOptions) -> list[Section]:
    """The sections of the review, in reading order; stories keep their order inside each.

    - tag: a story under its first tag (see the module's docstring); untagged last;
    - feed: under its lead's feed, by name; day: under its lead's day, newest first;
    - none: one untitled section.
    """
    group_by, lang = options.group_by, options.lang
    if group_by not in GROUPINGS:
        raise ValueError(f"unknown grouping {group_by!r}: use one of {', '.join(GROUPINGS)}")
    if not stories:
        return []
    if group_by == "none":
        return [Section("", list(stories))]
    groups: dict[str, list[Story]] = {}
    rest: list[Story] = []
    if group_by == "tag":
        for story in stories:
            if story.section_tag:
                groups.setdefault(story.section_tag, []).append(story)
            else:
                rest.append(story)
        rank = tag_rank(options.tags)
        ordered = [Section(k, v) for k, v in sorted(groups.items(), key=lambda kv: rank(kv[0]))]
        tail = label("untagged", lang)
    elif group_by == "feed":
        for story in stories:
            groups.setdefault(source_name(story.lead) or "?", []).append(story)
        ordered = [
            Section(k, v)
            for k, v in sorted(groups.items(), key=lambda kv: (kv[0].casefold(), kv[0]))
        ]
        tail = ""
    else:
        days: dict[str, tuple[datetime, list[Story]]] = {}
        for story in stories:
            when = story.date
            if when is None:
                rest.append(story)
                continue
            days.setdefault(when.date().isoformat(), (when, []))[1].append(story)
        ordered = [
            Section(format_date(day, lang), members)
            for _, (day, members) in sorted(days.items(), reverse=True)
        ]
        tail = label("undated", lang)
    if rest:
        ordered.append(Section(tail, rest))
    return ordered
