"""Check jobs: thin wrappers that take ids and call the services.

Plain functions enqueued by `moderation.pipeline.dispatch`, not `@job`, which binds the queue's
connection at import time, before settings may point it elsewhere.
"""

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection

from moderation.pipeline import services as check_services
from moderation.pipeline.checks import TransientCheckError


@contextmanager
def asynchronous_commit() -> Iterator[None]:
    """Let PostgreSQL acknowledge this job's commits before their WAL reaches the disk.

    Safe for check bookkeeping: a database crash can lose only the newest commits, whole and in
    order; a run they would have finished is left running and the stale-check sweep runs it
    again (no finding is ever half-written). Any durable commit that builds on them later
    flushes them too. Waiting for each flush was a fifth of a check's time (bench/pipeline.py).
    """
    if connection.vendor != "postgresql" or not settings.CHECK_ASYNC_COMMIT:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:
            connection.close()  # a broken connection is replaced, with the default setting


def worker_name() -> str:
    from rq import get_current_job

    job = get_current_job()
    name = getattr(job, "worker_name", None) if job else None
    return name or f"{socket.gethostname()}:{os.getpid()}"


def run_checks(run_ids: list[int]) -> str:
    """The fast checks of one revision, in turn (`check_runs_execute`). A transient error is
    raised once the other runs are recorded: RQ's retry then finds that run alone pending."""
    with asynchronous_commit():
        report = check_services.check_runs_execute(run_ids=run_ids, worker=worker_name())
    if report.retry is not None:
        raise report.retry
    return str(report)


def run_checks_inline(run_ids: list[int]) -> str:
    """Without Redis: run the batch now, retrying the runs with transient errors at once, up to
    the attempt limit (each retry finds only those runs pending)."""
    worker = f"inline:{os.getpid()}"
    while True:
        report = check_services.check_runs_execute(run_ids=run_ids, worker=worker)
        if report.retry is None:
            return str(report)


def run_check(run_id: int) -> str:
    """One run alone: a slow check on the media queue (and jobs sent before batches existed)."""
    with asynchronous_commit():
        return check_services.check_run_execute(run_id=run_id, worker=worker_name())


def run_check_inline(run_id: int) -> str:
    """Without Redis: run now, retrying transient errors at once up to the attempt limit."""
    while True:
        try:
            return check_services.check_run_execute(run_id=run_id, worker=f"inline:{os.getpid()}")
        except TransientCheckError:
            continue
