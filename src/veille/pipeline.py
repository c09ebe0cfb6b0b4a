"""What happens to new items after a refresh stores them: the steps that make a veille.

`after_refresh(settings, paths)` returns the step the refresh runs once, in its writer thread,
with every new item's id: watch rules first (they may hide or tag), then story grouping.
"""

from __future__ import annotations

from veille.ingest.refresh import AfterRefresh
from veille.library import Library
from veille.settings import Paths, Settings


def after_refresh(settings: Settings, paths: Paths) -> AfterRefresh:
    def step(lib: Library, new_ids: list[int]) -> None:
        lib.sync_watch(settings.watch)
        lib.apply_rules(new_ids)
        lib.cluster(new_ids)

    return step
