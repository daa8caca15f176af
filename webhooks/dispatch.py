"""How deliveries travel to the workers: their ids, after commit, on the "default" queue.

The WebhookDelivery row is the source of truth (status, next_attempt_at, lease); Redis only
carries ids. Without Redis (BACKGROUND_JOBS off) a first attempt runs right here after commit and
retries wait for the sweep. A job sent twice is harmless: only one claim of a delivery wins.
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


def send_on_commit(ids: list[int], *, delay: timedelta | None = None) -> None:
    if ids:
        transaction.on_commit(lambda: send(ids, delay=delay))


def send(ids: list[int], *, delay: timedelta | None = None) -> None:
    """Enqueue a job per delivery id, now or after `delay` (RQ's scheduler, run by
    `rqworker --with-scheduler`); the sweep sends whatever never reached Redis."""
    if not settings.BACKGROUND_JOBS:
        if delay is None:
            from webhooks.jobs import deliver_webhook_inline

            for delivery_id in ids:
                deliver_webhook_inline(delivery_id)
        return
    queue = _queue()
    options = {
        "job_timeout": settings.WEBHOOK_LEASE_SECONDS,
        "result_ttl": 0,  # the outcome lives in the database
        "failure_ttl": 24 * 3600,
    }
    try:
        for delivery_id in ids:
            if delay is None:
                queue.enqueue(JOB, delivery_id, **options)
            else:
                queue.enqueue_in(delay, JOB, delivery_id, **options)
    except RedisError:
        logger.exception("Could not send webhook deliveries %s to Redis; the sweep will resend them", ids)
