"""Named press reviews: `[reviews.NAME]` made into a file in one call, and sent by mail.

A profile says what the review holds (its query), how it is laid out (grouping, tag order,
language, format) and where it goes (a file, recipients). Where the file goes when the profile
does not say is decided here, once: the reviews folder (`Paths.reviews`), as NAME-DATE.EXT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from veille.core.errors import NotFound, UsageError
from veille.core.model import Item
from veille.core.outcomes import Reviewed
from veille.core.reviewsettings import ReviewProfile
from veille.core.translations import _

if TYPE_CHECKING:
    from veille.core.export import ExportOptions
    from veille.core.home import Home

# What a mailed review attaches when its own format is neither of the parts a mail shows.
ATTACHED_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csl": "application/vnd.citationstyles.csl+json",
    "ris": "application/x-research-info-systems",
    "json": "application/feed+json",
    "csv": "text/csv",
    "atom": "application/atom+xml",
    "opml": "text/x-opml",
    "bookmarks": "text/html",
}


def profile(v: Home, name: str) -> ReviewProfile:
    found = v.settings.reviews.get(name)
    if found is None:
        known = ", ".join(sorted(v.settings.reviews)) or _(
            "none yet: add [reviews.NAME] to config.toml"
        )
        raise NotFound(
            _("no review profile named {name} (profiles: {known})").format(name=name, known=known)
        )
    return found


def options(v: Home, chosen: ReviewProfile, generated: datetime) -> ExportOptions:
    from veille.core.export import ExportOptions

    return ExportOptions(
        title=chosen.title,
        lang=chosen.lang or v.settings.lang,
        group_by=chosen.group_by,
        generated=generated,
        query=chosen.query,
        subtitle=chosen.subtitle,
        author=chosen.author,
        tags=chosen.tags,
        show_query=chosen.show_query,
        excerpt_length=chosen.excerpt_length,
    )


def target(v: Home, chosen: ReviewProfile, fmt: str, day: datetime) -> Path:
    """Where the review of `day` goes: the profile's `output` (`{date}` filled in, `~` the
    user's home), else the reviews folder."""
    from veille.core.model import EXPORT_EXTENSIONS

    date = day.strftime("%Y-%m-%d")
    if chosen.output:
        return Path(chosen.output.replace("{date}", date)).expanduser()
    return v.paths.reviews / f"{chosen.name}-{date}.{EXPORT_EXTENSIONS[fmt]}"


def make(
    v: Home,
    name: str,
    *,
    fmt: str | None,
    to: Path | None,
    send: bool,
    now: datetime | None,
) -> Reviewed:
    from veille.core import exporting
    from veille.core.export import review_date

    chosen = profile(v, name)
    if fmt is not None:
        chosen = replace(chosen, format=fmt)
    if send:
        _can_send(v, chosen)  # before the review is written, not after
    day = review_date(now)
    chosen_options = options(v, chosen, day)
    path = to if to is not None else target(v, chosen, chosen.format, day)
    done = exporting.export(
        v, chosen.format, chosen_options, chosen.query, None, None, path, make_folder=True
    )
    sent: list[str] = []
    if send:
        items = v.library.items(chosen.query)
        sent = mail(v, chosen, chosen_options, items, now or datetime.now(UTC))
    return Reviewed(name, done.path or path, done.count, done.stories, chosen.format, sent)


def mail(
    v: Home,
    chosen: ReviewProfile,
    chosen_options: ExportOptions,
    items: Sequence[Item],
    now: datetime,
) -> list[str]:
    """Mail the review of `items` to the profile's recipients: HTML, a plain-text alternative,
    and the profile's own format attached when a mail cannot show it."""
    from veille.core import exporting
    from veille.core.export import export_items
    from veille.core.mail import build_message, send_message
    from veille.core.model import EXPORT_EXTENSIONS

    _can_send(v, chosen)
    lib = v.library
    companions = exporting.story_companions(v, items)
    html = export_items(items, "html", chosen_options, companions=companions)
    text = export_items(items, "text", chosen_options, companions=companions)
    assert isinstance(html, str) and isinstance(text, str)
    attachment = None
    if chosen.format in ATTACHED_TYPES:
        data = export_items(items, chosen.format, chosen_options, lib.feeds(), companions)
        raw = data if isinstance(data, bytes) else data.encode("utf-8")
        day = (chosen_options.generated or now).strftime("%Y-%m-%d")
        file_name = f"{chosen.name}-{day}.{EXPORT_EXTENSIONS[chosen.format]}"
        attachment = (file_name, raw, ATTACHED_TYPES[chosen.format])
    subject = subject_of(chosen_options)
    message = build_message(
        v.settings.smtp, chosen.to, subject, html, text, when=now, attachment=attachment
    )
    return send_message(v.settings.smtp, message)


def subject_of(chosen_options: ExportOptions) -> str:
    from veille.core.i18n import format_date

    title = chosen_options.resolved_title()
    if chosen_options.generated is None:
        return title
    return f"{title} — {format_date(chosen_options.generated, chosen_options.lang)}"


def send(
    v: Home, name: str, chosen_options: ExportOptions | None, ids: Sequence[int] | None
) -> list[str]:
    """Mail profile `name`'s review now: of `ids` with `chosen_options` when given (the app's
    dialog), else as the profile says."""
    from veille.core.export import review_date

    chosen = profile(v, name)
    now = datetime.now(UTC)
    if chosen_options is None:
        chosen_options = options(v, chosen, review_date(now))
    items = v.library.items_by_id(list(ids)) if ids else v.library.items(chosen.query)
    return mail(v, chosen, chosen_options, items, now)


def _can_send(v: Home, chosen: ReviewProfile) -> None:
    """Refuse, in plain words, a review that cannot be mailed: no recipients, no mail server,
    or `--offline` (mail is the network too)."""
    if not chosen.to:
        raise UsageError(_no_recipients(chosen.name))
    if not v.settings.smtp.host:
        raise UsageError(_("no mail server: add an [smtp] table with a host to config.toml"))
    if v.offline:
        raise UsageError(_("--offline: {what} needs the network").format(what=_("mailing")))


def _no_recipients(name: str) -> str:
    return _('review {name} has no recipients: add to = ["…"] to [reviews.{name}]').format(
        name=name
    )
