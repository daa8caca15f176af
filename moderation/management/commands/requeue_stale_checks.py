"""`python manage.py requeue_stale_checks`: send again the check runs that will not finish by
themselves (a dead worker's, or ones Redis lost). Also runs every minute under rqcron."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from moderation.pipeline.services import check_runs_requeue_stale


class Command(BaseCommand):
    help = "Re-enqueue check runs whose lease expired or that never reached Redis."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the counts as one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = check_runs_requeue_stale()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict()))
        else:
            self.stdout.write(
                f"Lease expired: {report.lease_expired}, resent: {report.resent}, gave up: {report.gave_up}"
            )
