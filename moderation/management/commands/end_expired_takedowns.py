"""`python manage.py end_expired_takedowns`: publish again the items whose temporary takedown or
regional restriction has run out (through the publication job). Also runs under rqcron."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from moderation.publication.takedown import takedowns_end_expired


class Command(BaseCommand):
    help = "Reinstate content whose temporary takedown or restriction has ended."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the counts as one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = takedowns_end_expired()
        if options["json"]:
            self.stdout.write(json.dumps(report))
        else:
            self.stdout.write(f"Reinstated: {report['reinstated']}, still blocked: {report['blocked']}")
