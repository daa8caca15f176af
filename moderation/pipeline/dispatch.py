"""Sending check runs to the workers, or running them right here when there is no Redis.

The database row is the source of truth; Redis only carries run ids. If sending fails (Redis
down), the run stays pending without `enqueued_at` and the stale-check sweep sends it later.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def job_id_for(run_id: int) -> str:
    return f"check-run-{run_id}"


def send_check_runs_on_commit(run_ids: list[int]) -> None:
    if run_ids:
        transaction.on_commit(lambda: send_check_runs(run_ids))


def send_check_runs(run_ids: list[int]) -> None:
    from moderation.models import CheckRun, RunStatus
    from moderation.pipeline import jobs

    if not settings.BACKGROUND_JOBS:
        for run_id in run_ids:
            jobs.run_check_inline(run_id)
        return
    import django_rq
    from rq import Retry

    queue = django_rq.get_queue("checks")
    sent = []
    try:
        for run_id in run_ids:
            queue.enqueue(
                jobs.run_check,
                run_id,
                job_id=job_id_for(run_id),
                retry=Retry(max=settings.CHECK_MAX_ATTEMPTS - 1, interval=settings.CHECK_RETRY_INTERVALS),
                result_ttl=0,  # The outcome lives in the database; Redis need not keep it.
                failure_ttl=7 * 24 * 3600,
            )
            sent.append(run_id)
    except RedisError:
        logger.exception("Could not send check runs %s to Redis; the sweep will resend them", run_ids)
    if sent:
        CheckRun.objects.filter(pk__in=sent, status=RunStatus.PENDING).update(enqueued_at=timezone.now())


def job_is_waiting(run_id: int) -> bool:
    """Whether Redis still holds a live job for this run (queued, scheduled or started)."""
    import django_rq
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    try:
        job = Job.fetch(job_id_for(run_id), connection=django_rq.get_connection("checks"))
    except NoSuchJobError:
        return False
    return job.get_status(refresh=False) in (
        JobStatus.QUEUED,
        JobStatus.SCHEDULED,
        JobStatus.STARTED,
        JobStatus.DEFERRED,
    )
