"""`manage.py seed_demo`: a realistic demo instance. Idempotent: a second run changes nothing.

It lives in the top-most app because the demo spans them all: the registry's assets, the
wiki's pages, the lifecycle that ties them together, monitoring and notifications.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from lifecycle.demo import seed_lifecycle_demo
from notifications.demo import seed_loop_demo
from registry.demo import DEMO_PASSWORD, is_seeded, seed_registry
from webhooks.demo import seed_webhooks_demo
from wiki.demo import seed_wiki_demo


class Command(BaseCommand):
    help = ("Load a realistic demo: registry, wiki pages, lifecycle history, monitoring and "
            "notifications, and the demo/demo user.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true",
                            help="Seed even with production settings (demo people sign in with a "
                                 "known password).")

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if settings.PRODUCTION and not force:
            raise CommandError(
                "Refusing to load demo data with production settings "
                f"({settings.SETTINGS_MODULE}): it creates people who sign in with the password "
                f"{DEMO_PASSWORD!r}. To do it anyway (a throwaway demo server), add --force.")
        if is_seeded():
            self.stdout.write("Demo data already present; nothing changed.")
        else:
            with transaction.atomic():
                seeded = seed_registry()
                seed_wiki_demo()
                seed_lifecycle_demo(seeded)
                seed_webhooks_demo()
                seed_loop_demo(seeded)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Sign in as demo / {DEMO_PASSWORD} "
                          f"(every demo person uses the same password, e.g. ivan, a Reviewer)")
