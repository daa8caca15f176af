"""Sending row ids to RQ, for the jobs of every stage (checks, publications).

The database row is the source of truth; Redis only carries its id. Sending may fail (Redis
down): the ids not sent are left for the stage's sweep, which sends them again.
"""

import logging
from collections.abc import Callable
from typing import Any

from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def enqueue_ids(
    *,
    queue: str,
    func: Callable[[int], Any],
    ids: list[int],
    job_id: Callable[[int], str],
    max_attempts: int,
    intervals: list[int],
) -> list[int]:
    """Enqueue `func(id)` once per id, with RQ retries; return the ids that reached Redis."""
    import django_rq
    from rq import Retry

    rq_queue = django_rq.get_queue(queue)
    sent = []
    try:
        for row_id in ids:
            rq_queue.enqueue(
                func,
                row_id,
                job_id=job_id(row_id),
                retry=Retry(max=max_attempts - 1, interval=intervals) if max_attempts > 1 else None,
                result_ttl=0,  # The outcome lives in the database; Redis need not keep it.
                failure_ttl=7 * 24 * 3600,
            )
            sent.append(row_id)
    except RedisError:
        logger.exception("Could not send %s jobs %s to Redis; the sweep will resend them", queue, ids)
    return sent


def job_is_waiting(job_id: str, queue: str) -> bool:
    """Whether Redis still holds a live job of this id (queued, scheduled or started)."""
    import django_rq
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    try:
        job = Job.fetch(job_id, connection=django_rq.get_connection(queue))
    except NoSuchJobError:
        return False
    return job.get_status(refresh=False) in (
        JobStatus.QUEUED,
        JobStatus.SCHEDULED,
        JobStatus.STARTED,
        JobStatus.DEFERRED,
    )
