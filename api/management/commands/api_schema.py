"""``manage.py api_schema [--check]``: write the publisher API's OpenAPI schema to
docs/api/openapi.json (checked in, so a change to the API shows in review), or with --check
fail when the checked-in file is out of date."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


def current_schema() -> str:
    from api.api import api

    # The schema in English whatever the shell's locale; the server name does not belong in it.
    with translation.override("en"):
        schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write (or --check) the checked-in OpenAPI schema of the publisher API."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="fail if docs/api/openapi.json is stale")

    def handle(self, *args: Any, **options: Any) -> None:
        schema = current_schema()
        if options["check"]:
            if not SCHEMA_PATH.exists() or SCHEMA_PATH.read_text() != schema:
                raise CommandError(
                    f"{SCHEMA_PATH} is out of date: run `python manage.py api_schema` and commit it."
                )
            self.stdout.write("The OpenAPI schema is up to date.")
            return
        SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
        SCHEMA_PATH.write_text(schema)
        self.stdout.write(f"Wrote {SCHEMA_PATH}")
