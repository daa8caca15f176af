"""`python manage.py purge_identity_documents`: delete identity document images past retention.

Run it daily (cron or rqcron). Safe to run twice at once: each row is claimed once.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.services import identity_documents_purge


class Command(BaseCommand):
    help = "Delete identity document images decided more than IDENTITY_DOCUMENT_RETENTION_DAYS ago."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = identity_documents_purge()
        self.stdout.write(
            f"Deleted {purged} identity document image(s) older than "
            f"{settings.IDENTITY_DOCUMENT_RETENTION_DAYS} days; their verification records are kept."
        )
