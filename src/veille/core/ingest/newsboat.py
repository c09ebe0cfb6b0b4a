"""newsboat's `urls` file: feeds with tags and titles, query feeds, command feeds.

A line is a URL followed by quoted or bare tags: the first plain tag names the feed's folder,
the others are kept as tags its items get, `~Title` is the user's own title for the feed, `!`
hides it in newsboat (nothing to hide here). A `query:Name:condition` line is a search over
other feeds: it becomes a saved search when its condition says something veille's query
language can say, and is named in the import's report otherwise. `exec:` and `filter:` lines
run the user's own commands; they are handed on as such (`CommandLine`), for the library to
keep as command feeds. Nothing on a line is dropped without a word: what cannot be imported is
listed in `SubscriptionList.skipped` with its line number and the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from veille.core.text import clean_line

_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')
_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True, slots=True)
class CommandLine:
    """An `exec:` or `filter:` line: a command the user wrote, and the URL a filter rewrites."""

    kind: str  # "exec" or "filter"
    command: str
    url: str = ""
    title: str = ""
    folder: str = ""
    tags: tuple[str, ...] = ()


@dataclass(slots=True)
class Line:
    """One line's parts, as newsboat reads them."""

    first: str
    title: str = ""
    folder: str = ""
    tags: list[str] = field(default_factory=list)


def split_line(line: str) -> Line:
    tokens = [_ESCAPE.sub(r"\1", m[1]) if m[1] is not None else m[2] for m in _TOKEN.finditer(line)]
    parts = Line(tokens[0] if tokens else "")
    for tag in tokens[1:]:
        if tag.startswith("#"):
            break  # the rest of the line is a comment
        if tag.startswith("~"):
            parts.title = parts.title or clean_line(tag[1:], 500)
        elif tag.startswith("!"):
            continue
        elif not parts.folder:
            parts.folder = clean_line(tag, 200).strip("/")
        else:
            name = clean_line(tag, 200)
            if name and name not in parts.tags:
                parts.tags.append(name)
    return parts


def command_line(parts: Line) -> CommandLine | None:
    """An `exec:COMMAND` or `filter:COMMAND:URL` line as a command feed, None when malformed."""
    kind, _, rest = parts.first.partition(":")
    kind = kind.lower()
    if kind == "exec" and rest.strip():
        return CommandLine("exec", rest.strip(), "", parts.title, parts.folder, tuple(parts.tags))
    if kind == "filter":
        command, _, url = rest.partition(":")
        if command.strip() and url.strip():
            return CommandLine(
                "filter", command.strip(), url.strip(), parts.title, parts.folder, tuple(parts.tags)
            )
    return None


# Query feeds -----------------------------------------------------------------------------------

_TERM = re.compile(
    r"""\s*(?P<attr>[a-z_]+)\s*(?P<op>=~|!=|==|=|\#|<=|>=|<|>)\s*
        (?:"(?P<text>(?:[^"\\]|\\.)*)"|(?P<number>\d+))\s*""",
    re.VERBOSE,
)
_PLAIN_WORDS = re.compile(r"\w+(?: \w+)*")


def translate_query(condition: str) -> str | None:
    """newsboat's filter condition in veille's query language, or None when it says something
    veille cannot (a regular expression, `or`, parentheses, an attribute veille lacks)."""
    words: list[str] = []
    for part in re.split(r"\s+and\s+", condition.strip()):
        match = _TERM.fullmatch(part)
        if match is None:
            return None
        term = _term(match["attr"], match["op"], match["text"], match["number"])
        if term is None:
            return None
        words.append(term)
    return " ".join(words) or None


def _term(attr: str, op: str, text: str | None, number: str | None) -> str | None:
    value = _ESCAPE.sub(r"\1", text) if text is not None else None
    if attr == "unread" and op in ("=", "==") and value in ("yes", "no"):
        return "is:unread" if value == "yes" else "is:read"
    if attr == "unread" and op == "!=" and value in ("yes", "no"):
        return "is:read" if value == "yes" else "is:unread"
    if attr == "tags" and op == "#" and value and " " not in value and '"' not in value:
        return f"tag:{value}"
    if attr == "age" and op in ("<", "<=") and number is not None:
        return f"since:{int(number) + (op == '<=')}d"
    if not value or op not in ("#", "=~") or not _PLAIN_WORDS.fullmatch(value):
        return None
    words = value.split()
    if attr in ("title", "author"):  # a word of the field: each word must be there
        return " ".join(f"{attr}:{w}" for w in words) or None
    if attr in ("content", "description"):
        return f'"{" ".join(words)}"' if len(words) > 1 else (words[0] if words else None)
    return None
