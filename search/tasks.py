"""The search index rebuilt in the background, with its progress in the admin."""

from __future__ import annotations

from jobs.tasks import background
from search.rebuild import rebuild_with_progress


@background("search.rebuild_index", time_limit=6 * 3600, soft_time_limit=6 * 3600 - 60, max_retries=0)
def rebuild_index(kinds: list[str] | None = None) -> dict[str, int]:
    return rebuild_with_progress(kinds=kinds)
