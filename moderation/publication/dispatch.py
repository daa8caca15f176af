"""Sending publication runs to the workers (the "media" queue), or running them here without
Redis. The PublicationRun row is the source of truth; a run Redis never got is sent again by
the publication sweep."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from moderation import background


def job_id_for(run_id: int) -> str:
    return f"publication-run-{run_id}"


def send_publication_runs_on_commit(run_ids: list[int]) -> None:
    if run_ids:
        transaction.on_commit(lambda: send_publication_runs(run_ids))


def send_publication_runs(run_ids: list[int]) -> None:
    from moderation.models import PublicationRun, PublicationStatus
    from moderation.publication import jobs

    if not settings.BACKGROUND_JOBS:
        for run_id in run_ids:
            jobs.publish_inline(run_id)
        return
    sent = background.enqueue_ids(
        queue="media",
        func=jobs.publish,
        ids=run_ids,
        job_id=job_id_for,
        max_attempts=settings.PUBLICATION_MAX_ATTEMPTS,
        intervals=settings.PUBLICATION_RETRY_INTERVALS,
    )
    if sent:
        PublicationRun.objects.filter(pk__in=sent, status=PublicationStatus.PENDING).update(
            enqueued_at=timezone.now()
        )


def job_is_waiting(run_id: int) -> bool:
    return background.job_is_waiting(job_id_for(run_id), "media")
