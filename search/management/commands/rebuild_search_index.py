"""Rebuild the search index from the registry (and every other registered kind)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.exceptions import ApplicationError
from jobs.outbox import enqueue
from search import index
from search.kinds import KINDS
from search.rebuild import rebuild_with_progress


class Command(BaseCommand):
    help = ("Rebuild the search index in batches, while searches and registry writes go on, "
            "printing counts with a total and an ETA.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", action="append", dest="kinds",
                            help=f"Only these kinds (repeatable): {', '.join(KINDS)}.")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--background", action="store_true",
                            help="Queue the rebuild for a worker (progress in the admin) and return.")
        parser.add_argument("--offline", action="store_true",
                            help="The fastest rebuild: drops the indexes and rebuilds in one "
                                 "transaction, blocking searches meanwhile (an empty or new instance).")

    def handle(self, *args: Any, kinds: list[str] | None, batch_size: int, **options: Any) -> None:
        unknown = [k for k in kinds or [] if k not in KINDS]
        if unknown:
            raise CommandError(f"Unknown kind {unknown[0]!r}; one of: {', '.join(KINDS)}.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if options["background"]:
            enqueue("search.rebuild_index", kinds=kinds)
            self.stdout.write("Queued; follow it in the admin: Background jobs → Progress.")
            return
        started = time.monotonic()
        verbose = options["verbosity"] > 1
        if options["offline"]:
            counts = index.rebuild(kinds=kinds, batch_size=batch_size,
                                   progress=self.stdout.write if verbose else None)
        else:
            try:
                counts = rebuild_with_progress(kinds=kinds, batch_size=batch_size,
                                               say=self.stdout.write if options["verbosity"] else None)
            except ApplicationError as error:
                raise CommandError(error.message) from error
        summary = ", ".join(f"{n} {kind}s" for kind, n in counts.items())
        self.stdout.write(f"Indexed {summary} in {time.monotonic() - started:.1f}s.")
