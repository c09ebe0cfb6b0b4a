"""The merge rules, free of storage: three-way booleans and sets, and matching items.

Against the base (the server state last seen): a side that differs from it changed, and a
change wins over no change. Booleans cannot conflict — if both sides changed, they agree — and a
set is merged member by member. With no base yet (a first sync) the base is "nothing": read =
either, starred = either, tags = the union.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from veille.core.sync.names import true_title

DAY = 86400.0


def three_way(base: bool, local: bool, server: bool) -> bool:
    """The merged value of one boolean (read, starred, one item's membership of one tag)."""
    return server if local == base else local


def three_way_set(base: set[str], local: set[str], server: set[str]) -> set[str]:
    every = base | local | server
    return {m for m in every if three_way(m in base, m in local, m in server)}


def _norm_url(url: str) -> str:
    url = url.strip()
    if url.startswith("http://"):
        url = "https://" + url[7:]
    return url.rstrip("/")


def _norm_title(title: str) -> str:
    return " ".join(true_title(title).casefold().split())


@dataclass(slots=True)
class LocalIndex:
    """A feed's local items not linked yet, found by link, then by title and date."""

    by_url: dict[str, int] = field(default_factory=dict)
    by_title: dict[str, list[tuple[float | None, int]]] = field(default_factory=dict)
    taken: set[int] = field(default_factory=set)

    def add(
        self, item_id: int, url: str, canonical: str, title: str, published: float | None
    ) -> None:
        for link in (url, canonical):
            if link:
                self.by_url.setdefault(_norm_url(link), item_id)
        if title:
            self.by_title.setdefault(_norm_title(title), []).append((published, item_id))

    def match(self, url: str, title: str, published: float | None) -> int | None:
        found = self.by_url.get(_norm_url(url)) if url else None
        if found is None and title:
            for when, item_id in self.by_title.get(_norm_title(title), []):
                if item_id in self.taken:
                    continue
                if when is None or published is None or abs(when - published) <= DAY:
                    found = item_id
                    break
        if found is None or found in self.taken:
            return None
        self.taken.add(found)
        return found
