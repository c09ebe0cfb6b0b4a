"""What config.toml says about press reviews: `[reviews.NAME]` profiles and the `[smtp]` server.

Read by `veille.core.settings` (which re-exports these names) with its own table reader, so a
wrong key or value is told with its key and line like every other setting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from veille.core.translations import _

if TYPE_CHECKING:
    from veille.core._settings_read import _Reader

REVIEW_GROUPINGS = ("tag", "feed", "day", "none")
# The part of `veille config`'s commented defaults about reviews and mail.
REVIEW_CONFIG = """\
# [reviews.matin]           # `veille review matin` makes it; `--send` mails it
# query = "is:starred since:1d"
# group_by = "tag"          # "tag", "feed", "day" or "none"
# tags = ["cnil", "santé"]  # the order of the sections; other tags follow, by name
# lang = "fr"
# format = "html"           # md, html, docx, csl, ris, …
# output = "~/Revues/matin-{date}.html"   # default: the reviews folder (`veille locate reviews`)
# to = ["equipe@example.fr"]
# title = "Revue du matin"
# subtitle = ""
# author = ""
# excerpt_length = 400      # characters of each excerpt, whole sentences; 0 for none
# show_query = false

# [smtp]                    # the mail server reviews are sent through
# host = "smtp.example.fr"
# port = 587                # default: 587 (starttls), 465 (tls), 25 (none)
# security = "starttls"     # "starttls", "tls", or "none" (only for a server on this machine)
# user = "moi@example.fr"
# password = "..."          # kept secret: never printed, logged or shown in an error
# from = "Veille <moi@example.fr>"

"""
SMTP_SECURITY = ("starttls", "tls", "none")


@dataclass(frozen=True, slots=True)
class ReviewProfile:
    """A named press review (`[reviews.NAME]`): what `veille review NAME` makes and sends."""

    name: str
    query: str = "is:starred"
    group_by: str = "tag"
    tags: tuple[str, ...] = ()
    """The order of the tag sections; tags not named follow, by name."""
    lang: str = ""
    """The review's language; "" follows the top-level `lang`."""
    format: str = "html"
    output: str = ""
    """The file to write; `{date}` becomes the review's date (2026-12-02). "" saves it in the
    reviews folder as NAME-DATE.EXT."""
    to: tuple[str, ...] = ()
    """Who `--send` mails it to."""
    title: str = ""
    subtitle: str = ""
    author: str = ""
    excerpt_length: int = 400
    show_query: bool = False


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """The mail server reviews are sent through (`[smtp]`)."""

    host: str = ""
    port: int = 0
    """0 chooses by `security`: 587 for starttls, 465 for tls, 25 for none."""
    security: str = "starttls"
    """"starttls", "tls", or "none" (only to a server on this machine)."""
    user: str = ""
    password: str = field(default="", repr=False)
    """Kept secret: never printed, logged or shown in an error."""
    sender: str = ""
    """The From address (`from` in config.toml); the user's name when empty."""

    @property
    def effective_port(self) -> int:
        return self.port or {"starttls": 587, "tls": 465}.get(self.security, 25)


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine: mail may go there without encryption."""
    import ipaddress

    name = host.strip().strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def read_review(review: _Reader, name: str) -> ReviewProfile:
    """`[reviews.NAME]`, checked key by key."""
    from veille.core.model import EXPORT_FORMATS
    from veille.core.query.syntax import QueryError
    from veille.core.query.syntax import parse as parse_query

    query = review.take("query", str, "is:starred") or "is:starred"
    try:
        parse_query(query)
    except QueryError as problem:
        raise review.error("query", str(problem)) from None
    group_by = review.take("group_by", str, "tag")
    if group_by not in REVIEW_GROUPINGS:
        raise review.error(
            "group_by", _("must be one of {values}").format(values=", ".join(REVIEW_GROUPINGS))
        )
    chosen_lang = review.take("lang", str, "")
    if chosen_lang not in ("", "fr", "en"):
        raise review.error(
            "lang", _('must be "fr" or "en", got {value}').format(value=repr(chosen_lang))
        )
    fmt = review.take("format", str, "html")
    if fmt not in EXPORT_FORMATS:
        raise review.error(
            "format", _("must be one of {values}").format(values=", ".join(EXPORT_FORMATS))
        )
    to = _str_list(review, "to")
    for address in to:
        if "@" not in address:
            raise review.error(
                "to", _("{address} is not a mail address").format(address=repr(address))
            )
    length = review.take("excerpt_length", int, 400)
    if length < 0:
        raise review.error("excerpt_length", _("must be 0 or more"))
    profile = ReviewProfile(
        name=name,
        query=query,
        group_by=group_by,
        tags=_str_list(review, "tags"),
        lang=chosen_lang,
        format=fmt,
        output=review.take("output", str, ""),
        to=to,
        title=review.take("title", str, ""),
        subtitle=review.take("subtitle", str, ""),
        author=review.take("author", str, ""),
        excerpt_length=length,
        show_query=review.take("show_query", bool, False),
    )
    review.finish()
    return profile


def _str_list(reader: _Reader, key: str) -> tuple[str, ...]:
    value = reader.take(key, list, [])
    if not all(isinstance(v, str) for v in value):
        raise reader.error(key, "expected a list of text values")
    return tuple(value)


def read_smtp(smtp: _Reader) -> SmtpSettings:
    """`[smtp]`, checked key by key."""
    settings = SmtpSettings(
        host=smtp.take("host", str, ""),
        port=smtp.take("port", int, 0),
        security=smtp.take("security", str, "starttls"),
        user=smtp.take("user", str, ""),
        password=smtp.take("password", str, ""),
        sender=smtp.take("from", str, ""),
    )
    if settings.security not in SMTP_SECURITY:
        raise smtp.error("security", _('must be "starttls", "tls" or "none"'))
    if not 0 <= settings.port <= 65535:
        raise smtp.error("port", _("must be a port number (1 to 65535)"))
    if settings.security == "none" and settings.host and not is_loopback(settings.host):
        raise smtp.error(
            "security",
            _(
                '"none" sends mail and password in the clear: only for a server on this '
                "machine, not {host}"
            ).format(host=settings.host),
        )
    smtp.finish()
    return settings


def read_mail(
    top: _Reader, reader: Callable[[dict[str, Any], str], _Reader]
) -> tuple[dict[str, ReviewProfile], SmtpSettings]:
    """The `[reviews.NAME]` tables and `[smtp]` of config.toml's top table `top`; `reader`
    makes a reader of a sub-table under a key prefix."""
    reviews: dict[str, ReviewProfile] = {}
    for name, table in top.take("reviews", dict, {}).items():
        if not isinstance(table, dict):
            raise top.error(name, "expected a table")
        reviews[name] = read_review(reader(table, f"reviews.{name}."), name)
    return reviews, read_smtp(reader(top.take("smtp", dict, {}), "smtp."))
