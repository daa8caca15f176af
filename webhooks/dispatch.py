"""How deliveries travel to the workers: their ids, after commit, on the "default" queue.

The WebhookDelivery row is the source of truth (status, next_attempt_at, lease); Redis only
carries ids. A job is named after the delivery and its attempts so far ("webhook-<id>-<n>"), so
the sweep can tell a delivery whose job still waits in Redis (a backlog) from one Redis lost.
Without Redis (BACKGROUND_JOBS off) a first attempt runs right here after commit and retries wait
for the sweep. A job sent twice is harmless: only one claim of a delivery wins.
"""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

QUEUE = "default"
JOB = "webhooks.jobs.deliver_webhook"  # kept stable: RQ stores the dotted path


_queues: dict[tuple[object, object], Any] = {}


def _queue() -> Any:
    """The RQ queue, kept for the process: django_rq builds a new connection pool on every
    get_queue, and a new TCP connection to Redis was half the cost of an event (bench/webhooks.py)."""
    import django_rq
    import django_rq.queues

    key = (django_rq.queues.get_redis_connection, settings.RQ_QUEUES[QUEUE]["URL"])
    if key not in _queues:
        _queues[key] = django_rq.get_queue(QUEUE)
    return _queues[key]


# (delivery id, its attempts so far): what a job is named after.
Row = tuple[int, int]


def job_id(delivery_id: int, attempts: int) -> str:
    return f"webhook-{delivery_id}-{attempts}"


def is_waiting(delivery_id: int, attempts: int) -> bool:
    """Whether Redis holds a job for this delivery's next attempt in a queue or running. A
    scheduled one does not count: the sweep asks only about deliveries already overdue, so its
    scheduler is not running (workers started without --with-scheduler) or far behind."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    try:
        job = Job.fetch(job_id(delivery_id, attempts), connection=_queue().connection)
    except NoSuchJobError:
        return False
    return job.get_status(refresh=False) in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED)


def send_on_commit(rows: list[Row], *, delay: timedelta | None = None) -> None:
    if rows:
        transaction.on_commit(lambda: send(rows, delay=delay))


def send(rows: list[Row], *, delay: timedelta | None = None) -> None:
    """Enqueue a job per delivery, now or after `delay` (RQ's scheduler, run by
    `rqworker --with-scheduler`); the sweep sends whatever never reached Redis."""
    if not settings.BACKGROUND_JOBS:
        if delay is None:
            from webhooks.jobs import deliver_webhook_inline

            for delivery_id, _attempts in rows:
                deliver_webhook_inline(delivery_id)
        return
    queue = _queue()
    options = {
        "job_timeout": settings.WEBHOOK_LEASE_SECONDS,
        "result_ttl": 0,  # the outcome lives in the database
        "failure_ttl": 24 * 3600,
    }
    try:
        for delivery_id, attempts in rows:
            name = job_id(delivery_id, attempts)
            if delay is None:
                queue.enqueue(JOB, delivery_id, job_id=name, **options)
            else:
                queue.enqueue_in(delay, JOB, delivery_id, job_id=name, **options)
    except RedisError:
        logger.exception("Could not send webhook deliveries %s to Redis; the sweep will resend them", rows)
