"""What happens to new items after a refresh stores them: the steps that make a veille.

Each step is a post-store hook `(library, feed, stored) -> None` run in the refresh's writer
thread, in order.
"""

from __future__ import annotations

from veille.ingest.refresh import PostStore
from veille.settings import Paths, Settings


def post_store_hooks(settings: Settings, paths: Paths) -> list[PostStore]:
    return []
