"""Sending check runs to the workers, or running them right here when there is no Redis.

The database row is the source of truth; Redis only carries run ids. If sending fails (Redis
down), the run stays pending without `enqueued_at` and the stale-check sweep sends it later.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from moderation import background


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
    sent = background.enqueue_ids(
        queue="checks",
        func=jobs.run_check,
        ids=run_ids,
        job_id=job_id_for,
        max_attempts=settings.CHECK_MAX_ATTEMPTS,
        intervals=settings.CHECK_RETRY_INTERVALS,
    )
    if sent:
        CheckRun.objects.filter(pk__in=sent, status=RunStatus.PENDING).update(enqueued_at=timezone.now())


def job_is_waiting(run_id: int) -> bool:
    """Whether Redis still holds a live job for this run (queued, scheduled or started)."""
    return background.job_is_waiting(job_id_for(run_id), "checks")
