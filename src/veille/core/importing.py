"""An imported subscription list into the library: feeds, saved searches, command feeds.

Reading the file (`veille.core.ingest.opml`) says what each line is; this says what became of
it. Every line ends up imported or named in the report with the reason, never dropped unsaid.
A command feed runs its command on this computer at every refresh, and a file may come from
anyone: its `exec:` and `filter:` lines become feeds only when the user asks for them by name
(`allow_commands`); otherwise they are listed as refused, each with its command.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from veille.core.errors import VeilleError
from veille.core.outcomes import Imported
from veille.core.redact import redact_url
from veille.core.text import clean_line
from veille.core.translations import _

if TYPE_CHECKING:
    from veille.core.ingest.opml import SubscriptionList
    from veille.core.library import Library


def import_list(
    library: Library, found: SubscriptionList, *, allow_commands: bool | Collection[str] = False
) -> Imported:
    """Import `found`; its command feeds only with `allow_commands`: True for all of them, or
    those named as the report names refused ones (what the user was shown and said yes to)."""
    added, known = library.add_feeds(found.feeds)
    report = Imported(added=added, known=known, skipped=list(found.skipped))
    taken = {s.name.casefold() for s in library.saved_searches()}
    for name, query in found.searches:
        if name.casefold() in taken:
            report.skipped.append(("", name, _("a saved search of that name exists already")))
            continue
        try:
            library.save_search(name, query)
        except VeilleError as error:
            report.skipped.append(("", name, str(error)))
            continue
        taken.add(name.casefold())
        report.searches.append(name)
    from veille.core.ingest.sources import filter_spec

    subscribed = {f.url for f in library.feeds(counts=False)}
    for command in found.commands:
        shown = f"{command.kind}:{command.command}"
        address = shown if command.kind == "exec" else f"{shown}:{command.url}"
        if address in subscribed:
            report.known += 1
            continue
        told = clean_line(redact_url(address), 500)
        if allow_commands is not True and (allow_commands is False or told not in allow_commands):
            report.refused_commands.append(told)
            continue
        feed = library.add_feed(address, title=command.title, folder=command.folder)
        spec = (
            command.command if command.kind == "exec" else filter_spec(command.command, command.url)
        )
        library.set_feed_source(feed.id, command.kind, spec)
        report.commands.append(shown)
    return report
