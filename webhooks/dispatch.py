"""How deliveries travel to the workers: a drain job per endpoint, after commit, on "default".

The WebhookDelivery row is the source of truth (status, next_attempt_at, lease); Redis only
carries endpoint ids. A drain job (`webhooks.jobs.drain_webhooks`) sends every due delivery of
its endpoint, in batches (webhooks/delivery.py). So that a burst of events costs one job, not one
each, a marker `webhooks:drain:<endpoint>` names the drain job queued for the endpoint and not yet
started: while it is there, a new delivery needs no job of its own, as that job claims after it
starts, and it deletes the marker first. The marker expires (MARKER_SECONDS) in case its job
never reached Redis; the sweep resends whatever a lost job, a flushed Redis or a killed worker
stranded. A failed delivery's retry is a drain job scheduled for its due time
("webhook-retry-<delivery>-<attempts>"). Without Redis (BACKGROUND_JOBS off) the endpoint is
drained right here after commit and retries wait for the sweep. A drain sent twice is harmless:
a delivery is claimed by one drain at a time.
"""

import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

QUEUE = "default"
JOB = "webhooks.jobs.drain_webhooks"  # kept stable: RQ stores the dotted path


def _queue() -> Any:
    """The RQ queue, one per process (operations/queues.py): a new TCP connection to Redis was
    half the cost of an event (bench/webhooks.py)."""
    from operations.queues import rq_queue

    return rq_queue(QUEUE)


def marker(endpoint_id: int) -> str:
    return f"webhooks:drain:{endpoint_id}"


def marker_seconds() -> int:
    """How long a marker outlives its enqueue: a queued drain older than this gets company."""
    return 2 * settings.WEBHOOK_LEASE_SECONDS


def _options() -> dict[str, Any]:
    return {
        # A drain stops claiming after WEBHOOK_LEASE_SECONDS and finishes its last batch within
        # another lease (webhooks/delivery.py): RQ never needs to stop it.
        "job_timeout": 3 * settings.WEBHOOK_LEASE_SECONDS,
        "result_ttl": 0,  # the outcome lives in the database
        "failure_ttl": 24 * 3600,
    }


def is_waiting(endpoint_id: int) -> bool:
    """Whether a drain job for the endpoint waits in Redis, queued (its marker names it). A
    running drain does not count: the sweep asks about deliveries it has not claimed."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    queue = _queue()
    name = queue.connection.get(marker(endpoint_id))
    if name is None:
        return False
    try:
        job = Job.fetch(name.decode(), connection=queue.connection)
    except NoSuchJobError:
        return False
    return job.get_status(refresh=False) in (JobStatus.QUEUED, JobStatus.DEFERRED)


def drain_on_commit(endpoint_ids: Iterable[int]) -> None:
    ids = sorted(set(endpoint_ids))
    if ids:
        transaction.on_commit(lambda: drain(ids))


def drain(endpoint_ids: Iterable[int], *, force: bool = False) -> None:
    """Have each endpoint drained now: a drain job, unless one is already queued (its marker).
    `force` (the sweep, a drain that stopped early) enqueues one even so."""
    ids = sorted(set(endpoint_ids))
    if not settings.BACKGROUND_JOBS:
        from webhooks.jobs import drain_webhooks_inline

        for endpoint_id in ids:
            drain_webhooks_inline(endpoint_id)
        return
    queue = _queue()
    try:
        for endpoint_id in ids:
            name = f"webhook-drain-{endpoint_id}-{secrets.token_hex(6)}"
            # One round trip when a drain is already queued: the marker is there, nothing to do.
            if not queue.connection.set(marker(endpoint_id), name, nx=not force, ex=marker_seconds()):
                continue
            queue.enqueue(JOB, endpoint_id, job_id=name, **_options())
    except RedisError:
        logger.exception("Could not send webhook drains %s to Redis; the sweep will resend them", ids)


def retry_on_commit(endpoint_id: int, delivery_id: int, attempts: int, *, delay: timedelta) -> None:
    transaction.on_commit(lambda: retry(endpoint_id, delivery_id, attempts, delay=delay))


def retry(endpoint_id: int, delivery_id: int, attempts: int, *, delay: timedelta) -> None:
    """A drain of the endpoint when the failed delivery is due again (RQ's scheduler, run by
    `rqworker --with-scheduler`). Without Redis the sweep sends it."""
    if not settings.BACKGROUND_JOBS:
        return
    try:
        _queue().enqueue_in(
            delay, JOB, endpoint_id, True, job_id=f"webhook-retry-{delivery_id}-{attempts}", **_options()
        )
    except RedisError:
        logger.exception("Could not schedule the retry of webhook delivery %s; the sweep will", delivery_id)


def drain_started(endpoint_id: int) -> None:
    """A drain job starts: from now on a new delivery needs a job of its own (this one may have
    claimed before that delivery is committed), so the marker goes, before the first claim."""
    try:
        _queue().connection.delete(marker(endpoint_id))
    except RedisError:
        logger.exception("Could not delete the drain marker of webhook endpoint %s", endpoint_id)
