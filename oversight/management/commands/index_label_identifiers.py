"""`python manage.py index_label_identifiers [--all]`: copy C2PA manifest ids and TC260 ProduceIDs
from label-check results into the search index (new runs only, or every run with --all)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from oversight.identifiers import label_identifiers_index


class Command(BaseCommand):
    help = "Index the identifiers (C2PA manifest, TC260 ProduceID) of label-check results for search."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="every label run, not only new ones")

    def handle(self, *args: Any, **options: Any) -> None:
        written = label_identifiers_index(everything=options["all"])
        self.stdout.write(f"{written} identifier(s) indexed.")
