"""`python manage.py verify_audit_log`: exit 0 when the hash chain holds, 1 naming the first break."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit 1 naming the first event that was changed or removed."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at {broken}. {checked} events before it hold.", returncode=1
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} events verified."))
