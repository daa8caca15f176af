"""``manage.py create_api_key INTEGRATION [--name N] [--scopes submit,read] [--rate N]``: a new key
for an integration, printed once (only its hash is kept). For rotation and scripted set-ups; the
admin does the same at /admin/integrations/apikey/add/."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from integrations.models import Integration, Scope
from integrations.services import apikey_create


class Command(BaseCommand):
    help = "Create an API key for an integration and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("integration", help="the integration's name")
        parser.add_argument("--name", default="cli", help="what the key is for")
        parser.add_argument(
            "--scopes", default="submit,read", help=f"comma-separated: {', '.join(Scope.values)}"
        )
        parser.add_argument("--rate", type=int, default=600, help="requests per minute")

    def handle(self, *args: Any, **options: Any) -> None:
        integration = Integration.objects.filter(name=options["integration"]).first()
        if integration is None:
            raise CommandError(f"No integration named {options['integration']!r}.")
        scopes = [scope.strip() for scope in options["scopes"].split(",") if scope.strip()]
        try:
            key, full = apikey_create(
                integration=integration,
                name=options["name"],
                scopes=scopes,
                rate_limit_per_minute=options["rate"],
                actor=None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{key.display_prefix} ({', '.join(key.scopes)}) for {integration}. Shown once:")
        self.stdout.write(full)
