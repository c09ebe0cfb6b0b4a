"""How servers spell what veille keeps: item ids, label and folder names, titles.

Item ids come in two forms (SYNC.md §2.3): a long one, `tag:google.com,2005:reader/item/` and 16
hex digits, and a short decimal one; veille stores the decimal string. FreshRSS turns a few
characters of titles into full-width look-alikes (Q10), which are turned back here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from veille.core.query import normalize_tag

T = TypeVar("T")

READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
READING_LIST = "user/-/state/com.google/reading-list"
LABEL = "user/-/label/"
LONG_PREFIX = "tag:google.com,2005:reader/item/"

# FreshRSS's escapeToUnicodeAlternative, undone (Q10).
_LOOK_ALIKES = str.maketrans(
    {"＆": "&", "＜": "<", "＞": ">", "，": ",", "／": "/", "？": "?", "＼": "\\", "；": ";"}
)

# The names FreshRSS gives its default folder, by language (Q8), and Miniflux's; the default
# folder is also learnt from where the server puts a feed subscribed without one.
DEFAULT_FOLDERS = frozenset(
    {
        "Uncategorized",
        "Sans catégorie",
        "Sin categoría",
        "Unkategorisiert",
        "Senza categoria",
        "Sem categoria",
        "Zonder categorie",
        "Без категории",
        "未分類",
        "未分类",
        "All",
    }
)


def short_id(value: str) -> str:
    """The decimal form of an item id given in either form."""
    value = value.strip()
    if value.startswith(LONG_PREFIX):
        return str(int(value[len(LONG_PREFIX) :], 16))
    if value.isdigit() and not value.startswith("0"):
        return value
    return str(int(value, 16))


def long_id(short: str) -> str:
    return f"{LONG_PREFIX}{int(short):016x}"


def true_title(text: str) -> str:
    """A title as its author wrote it, without the server's full-width look-alikes."""
    return text.translate(_LOOK_ALIKES)


def label_stream(name: str) -> str:
    return LABEL + name


def local_tag(remote_name: str) -> str:
    """The local tag of a server label: veille's tags are lower case (`CNIL/Sanctions` →
    `cnil/sanctions`); two labels differing only by case meet in one tag. A tag named like a
    server folder is pushed as `#name` (folders and labels share one namespace, SYNC.md §2.5)."""
    return normalize_tag(true_title(remote_name).removeprefix("#"))


def runs(values: Sequence[T], size: int = 500) -> list[list[T]]:
    """`values` in runs short enough for one `IN (…)` each."""
    return [list(values[i : i + size]) for i in range(0, len(values), size)]
