"""`python manage.py expire_consents`: take down published content whose consent ran out."""

from typing import Any

from django.core.management.base import BaseCommand

from consent.expiry import consents_expire


class Command(BaseCommand):
    help = "Take down published content whose depicted person's consent has expired."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Taken down: {consents_expire()}")
