"""`python manage.py purge_expired_records [--dry-run] [--type TYPE]`: delete records past their
retention period (RETENTION_*_DAYS), never younger than 183 days, each purge audited."""

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.retention import RetentionFloorError, records_purge


class Command(BaseCommand):
    help = "Purge records past their retention period (R31); nothing younger than 183 days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would go, change nothing")
        parser.add_argument("--type", action="append", dest="types", choices=sorted(settings.RETENTION_DAYS))
        parser.add_argument("--json", action="store_true", help="one JSON object per record type")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            results = records_purge(record_types=options["types"], dry_run=options["dry_run"])
        except RetentionFloorError as exc:
            raise CommandError(str(exc)) from exc
        verb = "would remove" if options["dry_run"] else "removed"
        for result in results:
            if options["json"]:
                self.stdout.write(json.dumps(result.as_dict()))
                continue
            notes = f" ({'; '.join(result.notes)})" if result.notes else ""
            self.stdout.write(f"{result.record_type}: {verb} {result.removed}{notes}")
