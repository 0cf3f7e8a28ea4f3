"""A rebuild of the search index that reports its progress (`jobs.models.Progress`: counts,
total and ETA, shown by the command and in the admin) and never runs twice at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from config.exceptions import ApplicationError
from jobs.progress import progress_finish, progress_start, progress_update, running
from search import index

NAME = "search index rebuild"


def rebuild_with_progress(*, kinds: Iterable[str] | None = None, batch_size: int = 500,
                          say: Callable[[str], None] | None = None) -> dict[str, int]:
    if running(NAME):
        raise ApplicationError("A rebuild of the search index is already running (see the admin's "
                               "Background jobs → Progress).")
    progress = progress_start(name=NAME, total=0)

    def report(done: int, total: int, kind: str) -> None:
        progress_update(progress=progress, done=done, total=total, detail=f"indexing {kind}s")
        if say:
            say(f"{progress.describe()}")

    try:
        counts = index.rebuild_online(kinds=kinds, batch_size=batch_size, progress=report)
    except BaseException:
        progress_finish(progress=progress, detail="failed")
        raise
    progress_finish(progress=progress, detail="finished")
    return counts
