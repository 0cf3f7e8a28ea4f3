"""Rebuild the search index from the registry (and every other registered kind)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from search import index
from search.kinds import KINDS


class Command(BaseCommand):
    help = "Drop and rebuild the search index, in batches. Safe to run at any time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", action="append", dest="kinds",
                            help=f"Only these kinds (repeatable): {', '.join(KINDS)}.")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, kinds: list[str] | None, batch_size: int, **options: Any) -> None:
        unknown = [k for k in kinds or [] if k not in KINDS]
        if unknown:
            raise CommandError(f"Unknown kind {unknown[0]!r}; one of: {', '.join(KINDS)}.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        started = time.monotonic()
        verbose = options["verbosity"] > 1
        counts = index.rebuild(kinds=kinds, batch_size=batch_size,
                               progress=self.stdout.write if verbose else None)
        summary = ", ".join(f"{n} {kind}s" for kind, n in counts.items())
        self.stdout.write(f"Indexed {summary} in {time.monotonic() - started:.1f}s.")
