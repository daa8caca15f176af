"""`python manage.py rollup_metrics [--days N | --from YYYY-MM-DD --to YYYY-MM-DD] [--provider NAME]`:
recompute the daily metric figures of those days (replacing their rows)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.metrics import PROVIDERS
from oversight.metrics.days import days_between, recent_days
from oversight.metrics.rollup import metrics_rollup


class Command(BaseCommand):
    help = "Recompute the daily metric roll-ups of recent days, or of a range of days (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=2, help="the last N days, today included")
        parser.add_argument("--from", dest="first", type=date.fromisoformat)
        parser.add_argument("--to", dest="last", type=date.fromisoformat)
        parser.add_argument("--provider", action="append", choices=sorted(PROVIDERS))

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["first"]) != bool(options["last"]):
            raise CommandError("Give both --from and --to, or neither.")
        if options["first"]:
            if options["first"] > options["last"]:
                raise CommandError("--from is after --to.")
            days = days_between(options["first"], options["last"])
        else:
            days = recent_days(options["days"])
        report = metrics_rollup(days=days, providers=options["provider"])
        self.stdout.write(f"{len(report.days)} day(s) recomputed, {report.rows} figure row(s).")
