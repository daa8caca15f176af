"""`python manage.py purge_idempotency_keys`: delete the idempotency records older than
IDEMPOTENCY_KEY_TTL_HOURS (no longer honoured: their key is free again). Runs hourly under rqcron;
safe to run twice at once."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from integrations.services import idempotency_records_purge


class Command(BaseCommand):
    help = "Delete idempotency records older than IDEMPOTENCY_KEY_TTL_HOURS."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = idempotency_records_purge()
        self.stdout.write(
            f"Deleted {removed} idempotency record(s) older than {settings.IDEMPOTENCY_KEY_TTL_HOURS} hours."
        )
