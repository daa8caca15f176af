"""`python manage.py send_statements`: log new statements of reasons and send what is due to the
EU Transparency Database now (what the scheduled sweep and job do)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oversight.tdb.services import statements_queue, statements_send, tdb_enabled


class Command(BaseCommand):
    help = "Send due statements of reasons to the EU Transparency Database."

    def handle(self, *args: Any, **options: Any) -> None:
        if not tdb_enabled():
            raise CommandError("Set TDB_API_BASE_URL and TDB_API_TOKEN first.")
        created = statements_queue()
        report = statements_send()
        self.stdout.write(
            f"{created} new statement(s) logged; sent {report.sent}, invalid {report.invalid}, "
            f"skipped {report.skipped}, retrying {report.retrying}, failed {report.failed} "
            f"in {report.calls} call(s)."
        )
