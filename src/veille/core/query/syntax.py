"""The search language: text in, a small tree out, and back to text.

One grammar serves the search box, saved searches, watch rules and exports:

    query   := either ("OR" either)*          lowest precedence
    either  := unary+                          juxtaposition is AND ("AND" is accepted too)
    unary   := ("-" | "NOT") unary | atom
    atom    := "(" query ")" | name ":" value | '"' phrase '"' | word ["*"]

A filter name is a run of ASCII letters before a colon; anything else with a colon (`16:20`,
`https://…`) is a plain word. Unknown filter names are errors rather than silent text searches,
because a mistyped `tga:cnil` that quietly matches nothing is worse than a message.

Every error carries the 1-based column where it was noticed, so the search box can point at it.
`unparse` prints a tree in the canonical form that parses back to the same tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from veille.core.errors import VeilleError
from veille.core.translations import _

FILTERS = (
    "tag",
    "is",
    "has",
    "feed",
    "folder",
    "author",
    "title",
    "note",
    "since",
    "before",
    "lang",
    "id",
)
IS_VALUES = (
    "starred",
    "unread",
    "read",
    "truncated",
    "hidden",
    "fulltext",
    "paywalled",
    "failed",
)
HAS_VALUES = ("note", "fulltext", "tag", "enclosure")
MAX_LENGTH = 2000  # a query is typed or saved by a person; anything longer is a mistake
MAX_DEPTH = 50  # nested parentheses; deeper would only exhaust the stack

_NAME = re.compile(r"[A-Za-z]+")
_DELIMITERS = set(' \t\r\n()"')
_SPACE = set(" \t\r\n")
_DURATION = re.compile(r"^(\d{1,5})([hdwmy]|j|sem|mois|ans?)$")
# French beside English: `since:hier`, `since:2sem`. The parser hands the compiler the English.
_FRENCH_UNITS = {"j": "d", "sem": "w", "mois": "m", "a": "y", "an": "y", "ans": "y"}
_DAY_WORDS = {"hier": "yesterday", "aujourd'hui": "today", "aujourdhui": "today"}
_DAY = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class QueryError(VeilleError, ValueError):
    """A query that cannot be understood: what went wrong and where (1-based column)."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(_("{message} (at column {column})").format(message=message, column=column))
        self.message = message
        self.column = column


@dataclass(frozen=True, slots=True)
class Term:
    """Free text: a word, a `prefix*` or an `"exact phrase"`."""

    text: str
    prefix: bool = False
    phrase: bool = False


@dataclass(frozen=True, slots=True)
class Filter:
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Everything:
    """The empty query: every item."""


Node = Term | Filter | Not | And | Or | Everything


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "(", ")", "OR", "AND", "NOT", "-", "term", "filter"
    column: int
    text: str = ""
    name: str = ""
    prefix: bool = False
    phrase: bool = False


def _tokens(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        col = i + 1
        if c in _SPACE:
            i += 1
        elif c in "()":
            tokens.append(_Token(c, col))
            i += 1
        elif c == "-" and i + 1 < n and query[i + 1] not in _SPACE and query[i + 1] != ")":
            tokens.append(_Token("-", col))
            i += 1
        elif c == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QueryError(_("this quote is never closed"), col)
            text = " ".join(query[i + 1 : end].split())
            if not text:
                raise QueryError(_("empty quotes match nothing; put words between them"), col)
            tokens.append(_Token("term", col, text=text, phrase=True))
            i = end + 1
        else:
            start = i
            while i < n and query[i] not in _DELIMITERS:
                i += 1
            word = query[start:i]
            name, colon, value = word.partition(":")
            if colon and _NAME.fullmatch(name):
                i = _filter(tokens, query, name, value, start, i)
            elif word in ("OR", "AND", "NOT"):
                tokens.append(_Token(word, col))
            elif word == "-":
                raise QueryError(_("`-` needs a word or filter right after it to exclude"), col)
            else:
                prefix = word.endswith("*")
                text = word.rstrip("*")
                if not text:
                    raise QueryError(_("`*` goes at the end of a word, as in `secur*`"), col)
                tokens.append(_Token("term", col, text=text, prefix=prefix))
    return tokens


def _filter(tokens: list[_Token], query: str, name: str, value: str, start: int, i: int) -> int:
    """Read a `name:value` filter whose value may be quoted; returns where reading stops."""
    key = name.lower()
    col = start + 1
    if key not in FILTERS:
        raise QueryError(
            _(
                'unknown filter `{name}:`; filters are {value} (put it in quotes to search for the text "{name}:")'
            ).format(name=name, value=", ".join(f + ":" for f in FILTERS)),
            col,
        )
    value_col = start + len(name) + 2
    if not value and i < len(query) and query[i] == '"':
        end = query.find('"', i + 1)
        if end < 0:
            raise QueryError(_("this quote is never closed"), i + 1)
        value = " ".join(query[i + 1 : end].split())
        i = end + 1
    if not value:
        raise QueryError(
            _("`{key}:` needs a value, as in {EXAMPLES}").format(key=key, EXAMPLES=_EXAMPLES[key]),
            value_col,
        )
    tokens.append(_Token("filter", col, name=key, text=_check_value(key, value, value_col)))
    return i


_EXAMPLES = {
    "tag": "`tag:cnil`",
    "is": "`is:starred`",
    "has": "`has:note`",
    "feed": "`feed:monde`",
    "folder": "`folder:Presse`",
    "author": "`author:dupont`",
    "title": "`title:cnil`",
    "note": "`note:relire`",
    "since": "`since:7d` or `since:2026-02-01`",
    "before": "`before:2026-02-01`",
    "lang": "`lang:fr`",
    "id": "`id:42`",
}


def _check_value(name: str, value: str, column: int) -> str:
    """Reject values a filter cannot use, with the reason; returns the canonical value."""
    if name in ("is", "has"):
        allowed = IS_VALUES if name == "is" else HAS_VALUES
        lowered = value.lower()
        if lowered not in allowed:
            raise QueryError(
                _("`{name}:{value}` is not known; use one of ").format(name=name, value=value)
                + ", ".join(f"{name}:{v}" for v in allowed),
                column,
            )
        return lowered
    if name in ("since", "before"):
        lowered = value.lower().replace("’", "'")
        lowered = _DAY_WORDS.get(lowered, lowered)
        if lowered in ("today", "yesterday"):
            return lowered
        age = _DURATION.match(lowered)
        if age:
            return age[1] + _FRENCH_UNITS.get(age[2], age[2])
        match = _DAY.match(value)
        if match and _valid_day(match):
            return value
        raise QueryError(
            _(
                "`{name}:` needs a date like 2026-02-01 or 2026-02, or an age like 12h, 7d, 2w, 3m or 1y, not `{value}`"
            ).format(name=name, value=value),
            column,
        )
    if name == "id":
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            raise QueryError(
                _("`id:` needs an item number, not `{value}`").format(value=value), column
            )
        return str(int(value))
    if name == "lang":
        if not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})?", value):
            raise QueryError(
                _("`lang:` needs a language code like fr or en, not `{value}`").format(value=value),
                column,
            )
        return value.lower().replace("_", "-")
    return value


def _valid_day(match: re.Match[str]) -> bool:
    year, month, day = (int(g) if g else 1 for g in match.groups())
    if not 1 <= month <= 12 or not 1 <= day <= 31 or year < 1:
        return False
    from calendar import monthrange

    return day <= monthrange(year, month)[1]


class _Parser:
    def __init__(self, tokens: list[_Token], length: int) -> None:
        self.tokens = tokens
        self.at = 0
        self.end_column = length + 1
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def column(self) -> int:
        token = self.peek()
        return token.column if token else self.end_column

    def query(self) -> Node:
        first = self.peek()
        if first is not None and first.kind == "OR":
            raise QueryError(_("OR needs something on its left"), first.column)
        parts = [self.either()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.at += 1
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", ")"):
                raise QueryError(_("OR needs something on its right"), token.column)
            parts.append(self.either())
        return _join(Or, parts)

    def either(self) -> Node:
        parts: list[Node] = []
        while (token := self.peek()) is not None and token.kind not in ("OR", ")"):
            if token.kind == "AND":
                self.at += 1
                nxt = self.peek()
                if not parts or nxt is None or nxt.kind in ("OR", ")", "AND"):
                    raise QueryError(_("AND needs something on both sides"), token.column)
                continue
            parts.append(self.unary())
        if not parts:
            raise QueryError(_("something is missing here"), self.column())
        return _join(And, parts)

    def unary(self) -> Node:
        token = self.peek()
        assert token is not None
        if token.kind in ("-", "NOT"):
            self.at += 1
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", ")", "AND"):
                raise QueryError(
                    _("`{value}` needs something to exclude right after it").format(
                        value="-" if token.kind == "-" else "NOT"
                    ),
                    token.column,
                )
            child = self.unary()
            return child.child if isinstance(child, Not) else Not(child)
        self.at += 1
        if token.kind == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(_("too many nested parentheses"), token.column)
            nxt = self.peek()
            if nxt is not None and nxt.kind == ")":
                raise QueryError(_("empty parentheses; put something between them"), token.column)
            if nxt is None:
                raise QueryError(_("this parenthesis is never closed"), token.column)
            inner = self.query()
            close = self.peek()
            if close is None or close.kind != ")":
                raise QueryError(_("this parenthesis is never closed"), token.column)
            self.at += 1
            self.depth -= 1
            return inner
        if token.kind == "filter":
            return Filter(token.name, token.text)
        if token.kind == "term":
            return Term(token.text, prefix=token.prefix, phrase=token.phrase)
        raise QueryError(_("this closing parenthesis has no opening one"), token.column)


def _join(kind: type[And] | type[Or], parts: list[Node]) -> Node:
    """One node for `parts`, flattening nested groups of the same kind so trees are canonical."""
    flat: list[Node] = []
    for part in parts:
        if isinstance(part, kind):
            flat.extend(part.children)
        else:
            flat.append(part)
    return flat[0] if len(flat) == 1 else kind(tuple(flat))


def parse(query: str) -> Node:
    """Parse `query` into a tree; raises QueryError saying where and why."""
    if len(query) > MAX_LENGTH:
        raise QueryError(
            _("a query is limited to {MAX_LENGTH} characters").format(MAX_LENGTH=MAX_LENGTH),
            MAX_LENGTH + 1,
        )
    tokens = _tokens(query)
    if not tokens:
        return Everything()
    parser = _Parser(tokens, len(query))
    tree = parser.query()
    if (extra := parser.peek()) is not None:
        raise QueryError(_("this closing parenthesis has no opening one"), extra.column)
    return tree


def _quote_needed(text: str) -> bool:
    if not text or any(c in _DELIMITERS for c in text) or text in ("OR", "AND", "NOT"):
        return True
    name, colon, _ = text.partition(":")
    return text.startswith("-") or text.endswith("*") or bool(colon and _NAME.fullmatch(name))


def unparse(node: Node) -> str:
    """The canonical text of `node`; `parse(unparse(node)) == node` for any parsed tree."""
    if isinstance(node, Everything):
        return ""
    if isinstance(node, Term):
        if node.phrase:
            return f'"{node.text}"'
        if node.prefix:  # `OR*` or `AND*` is a word, not an operator
            return node.text + "*"
        return f'"{node.text}"' if _quote_needed(node.text) else node.text
    if isinstance(node, Filter):
        value = f'"{node.value}"' if any(c in _DELIMITERS for c in node.value) else node.value
        return f"{node.name}:{value}"
    if isinstance(node, Not):
        inner = unparse(node.child)
        return f"-({inner})" if isinstance(node.child, (And, Or)) else f"-{inner}"
    if isinstance(node, And):
        return " ".join(
            f"({unparse(c)})" if isinstance(c, Or) else unparse(c) for c in node.children
        )
    return " OR ".join(unparse(c) for c in node.children)
