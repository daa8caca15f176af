"""Two transactions at once on PostgreSQL: one holds what it wrote uncommitted while the other
runs into it, so a test can show the second waits on the first's lock and what it does then."""

import threading
from collections.abc import Callable
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

TIMEOUT = 30


def waiting_on_a_lock() -> bool:
    """Whether a session of this database is waiting for a lock right now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def run_while_held(hold: Callable[[], object], contend: Callable[[], object]) -> bool:
    """Run `hold` in a transaction on one thread and keep it open; then run `contend` on another
    thread; once `contend` waits on a lock (or TIMEOUT passed), let `hold` commit and both finish.
    Returns whether `contend` was seen blocked on a lock before `hold` committed."""
    held = threading.Event()
    release = threading.Event()

    def holder() -> None:
        try:
            with transaction.atomic():
                hold()
                held.set()
                release.wait(TIMEOUT)
        finally:
            connection.close()

    def contender() -> None:
        try:
            held.wait(TIMEOUT)
            contend()
        finally:
            connection.close()

    threads = [threading.Thread(target=holder), threading.Thread(target=contender)]
    for thread in threads:
        thread.start()
    try:
        assert held.wait(TIMEOUT), "the holding transaction did not get going"
        deadline = timezone.now() + timedelta(seconds=TIMEOUT)
        while not waiting_on_a_lock() and timezone.now() < deadline:
            threading.Event().wait(0.05)
        return waiting_on_a_lock()
    finally:
        release.set()
        for thread in threads:
            thread.join(TIMEOUT)
