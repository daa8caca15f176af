"""What bench/pipeline.py and bench/queue.py share: a fresh PostgreSQL database on DATABASE_URL's
server, production settings in the environment, and manage.py run against them.

A bench script runs as `python bench/<name>.py`: it takes its own folder off sys.path (bench/queue.py
would shadow the standard library's `queue`), puts the repository root first, and imports this
module as `from bench import common`.
"""

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


def configure_environment(database: str, script: str, **extra: str) -> dict[str, str]:
    """Settings for a bench run, set in os.environ and returned for the subprocesses: DATABASE_URL
    pointing at `database` on the same server, DEBUG off (no per-query logging), fixed secrets,
    and `extra`. Exits unless DATABASE_URL names PostgreSQL."""
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/provenant"))
    if base.scheme not in ("postgres", "postgresql"):
        sys.exit(f"{script} needs PostgreSQL: set DATABASE_URL=postgres://…")
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": urlunsplit((base.scheme, base.netloc, f"/{database}", "", "")),
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF",
        "IDENTITY_HMAC_KEY": "bench-only-identity-hmac-key",
        **extra,
    }
    os.environ.update(env)
    return env


def connect(env: dict[str, str], database: str = "postgres", *, autocommit: bool = False) -> Any:
    """A psycopg2 connection to `database` on the bench database's server."""
    import psycopg2

    url = urlsplit(env["DATABASE_URL"])
    connection = psycopg2.connect(
        dbname=database, user=url.username, password=url.password, host=url.hostname, port=url.port or 5432
    )
    connection.autocommit = autocommit
    return connection


def recreate_database(env: dict[str, str], database: str) -> None:
    """Drop `database` (whoever is connected) and create it empty."""
    admin = connect(env, autocommit=True)
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {database}")
    admin.close()


def manage(env: dict[str, str], *command: str) -> None:
    """Run a manage.py command quietly in the bench environment; stop the bench if it fails."""
    subprocess.run(
        [sys.executable, "manage.py", *command, "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
    )


def copy_bank_entries(bank_id: int, hex_hashes: Iterable[str]) -> None:
    """Load PDQ hashes (hex) into a bank with COPY, then ANALYZE: a million rows in seconds."""
    import io

    from django.db import connection
    from django.utils import timezone

    now = timezone.now().isoformat()
    buffer = io.StringIO()
    for value in hex_hashes:
        buffer.write(f"{bank_id}\tpdq\t{value}\t100\timport\t\t\t{now}\tt\n")
    buffer.seek(0)
    columns = ("bank_id", "signal_type", "value", "quality", "source", "partner_reference", "note")
    with connection.cursor() as cursor:
        cursor.copy_from(buffer, "banks_bankentry", columns=(*columns, "added_at", "is_active"))
        cursor.execute("ANALYZE banks_bankentry")
