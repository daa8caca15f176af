"""`python manage.py requeue_stale_webhooks`: send again the webhook deliveries that are due and
that no live worker holds (a dead worker's, or ones Redis lost), and disable endpoints that have
failed for WEBHOOK_DISABLE_AFTER_DAYS. Also runs every minute under rqcron."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from webhooks.services import webhooks_requeue_stale


class Command(BaseCommand):
    help = "Re-enqueue due webhook deliveries whose lease expired or that never reached Redis."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the counts as one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = webhooks_requeue_stale()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict()))
        else:
            self.stdout.write(
                f"Lease expired: {report.lease_expired}, resent: {report.resent}, disabled: {report.disabled}"
            )
