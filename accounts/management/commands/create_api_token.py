"""Print a new API token for a user (for scripts and CI)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.services import api_token_create
from registry.models import Person


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (it is shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--read-only", action="store_true", help="Allow only GET/HEAD/OPTIONS.")
        parser.add_argument("--name", default="cli", help="A label to recognise the token by.")
        parser.add_argument("--expires-days", type=int, default=None,
                            help="Expire after N days (default: never).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = Person.objects.get(username=options["username"], is_active=True)
        except Person.DoesNotExist as error:
            raise CommandError(f"No active user {options['username']!r}.") from error
        days = options["expires_days"]
        if days is not None and days < 1:
            raise CommandError("--expires-days must be at least 1.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            _, token = api_token_create(user=user, name=options["name"],
                                        read_only=options["read_only"], expires_at=expires_at)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(token)
