"""Command palette providers, one per domain: feeds, tags, saved searches, refresh, themes.

Each provider reads what the main screen already holds (no library query on a keystroke) and
calls the screen's own verbs. Feed titles and tag names are data: hits are built as literal
`Content`, never through the fuzzy matcher's markup-parsing `highlight`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from veille.core.text import clean_line, fold
from veille.core.translations import N_, _
from veille.tui.screens.health import show_health
from veille.tui.screens.page_feed import follow_page

if TYPE_CHECKING:
    from veille.tui.screens.main import MainScreen


def _main(provider: Provider) -> MainScreen | None:
    from veille.tui.screens.main import MainScreen

    screen = provider.screen
    return screen if isinstance(screen, MainScreen) else None


class _Listing(Provider):
    """A provider over a list of (label, callback, help) built when the palette opens."""

    prefix = ""

    def choices(self, main: MainScreen) -> Iterable[tuple[str, Callable[[], Any], str]]:
        return ()

    async def startup(self) -> None:
        main = _main(self)
        choices = self.choices(main) if main is not None else ()
        prefix = _(self.prefix)
        self._choices = [
            (f"{prefix}{label}", *folded(f"{prefix}{label}"), callback, help_text)
            for label, callback, help_text in choices
        ]

    def _display(self, label: str, offsets: Iterable[int] = ()) -> Content:
        content = Content(label)
        for offset in offsets:
            content = content.stylize("bold underline", offset, offset + 1)
        return content

    async def search(self, query: str) -> Hits:
        # Matched folded, so that `numerique` finds « numérique » and `theme` « Thème ».
        wanted = fold(query)
        matcher = self.matcher(wanted)
        for text, folded_text, origin, callback, help_text in self._choices:
            score = matcher.match(folded_text)
            if score > 0:
                _score, offsets = matcher.fuzzy_search.match(wanted, folded_text)
                shown = self._display(text, sorted({origin[o] for o in offsets}))
                yield Hit(score, shown, callback, text=text, help=help_text)

    async def discover(self) -> Hits:
        for text, _folded, _origin, callback, help_text in self._choices[:40]:
            yield DiscoveryHit(Content(text), callback, text=text, help=help_text)


def folded(text: str) -> tuple[str, list[int]]:
    """`text` folded as the search language folds it, and for each of its characters the
    index of the character of `text` it comes from (folding may drop or double some)."""
    parts: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        part = fold(char)
        parts.append(part)
        origin.extend([index] * len(part))
    return "".join(parts), origin


class FeedsProvider(_Listing):
    prefix = N_("Go to feed: ")

    def choices(self, main: MainScreen) -> Iterable[tuple[str, Callable[[], Any], str]]:
        for entry in main.feed_tree.feed_order:
            yield clean_line(entry.title), partial(main.feed_tree.select_key, entry.key), ""


class TagsProvider(_Listing):
    prefix = N_("Apply tag: ")

    def choices(self, main: MainScreen) -> Iterable[tuple[str, Callable[[], Any], str]]:
        rows = main.marker.targets()
        if not rows:
            return
        ids = [row.id for row in rows]
        where = _("on {n_rows} selected items").format(n_rows=len(rows)) if len(rows) > 1 else ""
        for tag in main.known_tags:
            if any(tag not in row.tags for row in rows):
                yield clean_line(tag), partial(main.marker.change_tags, ids, [tag], []), where


class SearchesProvider(_Listing):
    prefix = N_("Saved search: ")

    def choices(self, main: MainScreen) -> Iterable[tuple[str, Callable[[], Any], str]]:
        snap = main.snapshot
        for search in snap.searches if snap else []:
            yield (
                clean_line(search.name),
                partial(main.feed_tree.select_key, f"search:{search.id}"),
                "",
            )


class ActionsProvider(_Listing):
    def choices(self, main: MainScreen) -> Iterable[tuple[str, Callable[[], Any], str]]:
        yield _("Refresh all feeds"), main.action_refresh_all, _("Fetch every feed now")
        yield _("Refresh this feed"), main.action_refresh_feed, _("Fetch the current feed now")
        yield _("Mark everything here read"), main.action_all_read, _("Undo with U")
        yield (
            _("Export…"),
            main.action_export,
            _("The selection or the current view, with a preview"),
        )
        yield _("Watch rules…"), main.action_watches, _("Create, edit, apply or delete watches")
        yield (
            _("Follow a web page…"),
            partial(follow_page, main),
            _("A page without a feed, its items found by CSS selectors, previewed first"),
        )
        yield (
            _("Feed health…"),
            partial(show_health, main),
            _("Which feeds still publish, fail or are slow, over 30 days"),
        )
        yield (
            _("Edit this tag, saved search or feed…"),
            main.action_edit_entry,
            _("Rename or merge a tag, change a search, set a feed's full-text policy"),
        )
        for name in sorted(main.app.available_themes):
            yield (
                _("Theme: {name}").format(name=name),
                partial(setattr, main.app, "theme", name),
                "",
            )


PROVIDERS: set[type[Provider]] = {FeedsProvider, TagsProvider, SearchesProvider, ActionsProvider}
