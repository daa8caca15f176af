"""Publication off the decision lock: approving decides; a job publishes.

1. `review_decide` approves under the item's row lock: the item moves to "publishing" and a
   pending PublicationRun is created in the same transaction; its id goes to the "media" queue
   after commit (`publication_runs_create`), or runs inline after commit without Redis.
2. The job (`publication_run_execute`) claims the run with a conditional update (a duplicate
   delivery does nothing), renders the renditions by media kind outside any transaction and
   reads them back, then finishes in one transaction under the row lock: the renditions, the
   run "published", the item "approved" with `published_at`. Until then nothing is public.
3. A render that fails is retried with backoff (RQ Retry on the media queue; at once inline)
   when another attempt may succeed (an OSError, a PublicationFailed marked retryable); each
   failed attempt's files are deleted. After PUBLICATION_MAX_ATTEMPTS, or at once for a failure
   no retry mends (a file the label engine refuses, a bug), the run ends "failed" and the item
   goes back to review in the escalated queue, with the reason on its review page: a senior
   moderator decides again.
4. An item that left "publishing" meanwhile (taken down after a consent was withdrawn) cancels
   the run; its files are deleted, nothing is published.
5. `publication_runs_requeue_stale` (the `requeue_stale_publications` command, scheduled in
   config/cron.py) takes back runs whose worker died and re-sends runs Redis lost.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from moderation.background import SweepReport, claim_row, resend_lost
from moderation.lifecycle import submission_transition
from moderation.models import (
    PublicationRun,
    PublicationStatus,
    PublishedRendition,
    Queue,
    Revision,
    Status,
    Submission,
)
from moderation.publication import dispatch
from moderation.publication.disclosure import DisclosureMissing, disclosure_verify
from moderation.publication.renditions import (
    PublicationFailed,
    RenderAbandoned,
    renditions_discard,
    renditions_read_back,
    renditions_render,
)
from moderation.review.priority import apply_outcome
from notifications.services import notify

logger = logging.getLogger(__name__)


class RetryPublication(Exception):
    """This attempt failed and another one is due (RQ retries the job with backoff)."""


def publication_runs_create(
    *, submission: Submission, revision: Revision, requested_by: User | None
) -> PublicationRun:
    """A pending run for an item just moved to "publishing"; sent to a worker after commit."""
    run = PublicationRun.objects.create(
        submission=submission, revision=revision, tier=submission.tier, requested_by=requested_by
    )
    dispatch.PUBLICATION_RUNS.send_on_commit([run.pk])
    return run


def publication_run_execute(*, run_id: int, worker: str) -> str:
    """Claim a run, render and read back its renditions, and publish; return what happened.

    Steps: claim with a conditional update; a run whose item no longer waits for it is cancelled;
    render outside any transaction; read back; finish under the row lock. A failed render deletes
    its files and raises RetryPublication while attempts remain, else fails the run for good.
    """
    lease = settings.PUBLICATION_LEASE_SECONDS
    if not claim_row("moderation.PublicationRun", run_id, worker=worker, lease_seconds=lease):
        return "skipped: not pending"
    run = PublicationRun.objects.select_related("revision", "submission").get(pk=run_id)
    if not _still_wanted(run, run.submission):
        return _cancel(run)
    try:
        renditions = renditions_render(run=run)
        renditions_read_back(renditions)
        _require_disclosure(run.submission)
    except RenderAbandoned:
        return _abandoned(run)
    except Exception as exc:  # A bug or a bad file must end the attempt, not leave it running.
        if not isinstance(exc, PublicationFailed | OSError):
            logger.exception("Publication run %s failed", run_id)
        renditions_discard(run)
        error = str(exc) if isinstance(exc, PublicationFailed) else f"{type(exc).__name__}: {exc}"
        retryable = isinstance(exc, OSError) or (isinstance(exc, PublicationFailed) and exc.retryable)
        if not retryable:
            return publication_run_fail(run=run, error=error)
        return _attempt_failed(run, error)
    try:
        return _finish(run, renditions)
    except Exception:
        renditions_discard(run)  # nothing of this attempt was published
        raise


def _require_disclosure(submission: Submission) -> None:
    """A deepfake goes out only with its disclosure on the page (R20): a page that would lack it
    fails the run for good, and the item goes to a senior moderator."""
    try:
        disclosure_verify(submission)
    except DisclosureMissing as exc:
        raise PublicationFailed(str(exc), retryable=False) from exc


def _still_wanted(run: PublicationRun, submission: Submission) -> bool:
    return submission.status == Status.PUBLISHING and submission.current_revision_id == run.revision_id


def _abandoned(run: PublicationRun) -> str:
    """The render stopped because the run was no longer its own: cancel it when its item left
    "publishing"; when another worker took it back, leave its files to that worker."""
    current = PublicationRun.objects.select_related("submission").get(pk=run.pk)
    if current.status == PublicationStatus.RUNNING and current.attempts == run.attempts:
        return _cancel(current)
    return "discarded: the lease was lost to another worker"


def _cancel(run: PublicationRun) -> str:
    PublicationRun.objects.filter(pk=run.pk, status=PublicationStatus.RUNNING).update(
        status=PublicationStatus.CANCELLED, finished_at=timezone.now(), lease_expires_at=None
    )
    renditions_discard(run)
    return "cancelled: the item no longer waits for this publication"


def _attempt_failed(run: PublicationRun, error: str) -> str:
    if run.attempts < settings.PUBLICATION_MAX_ATTEMPTS:
        PublicationRun.objects.filter(
            pk=run.pk, status=PublicationStatus.RUNNING, attempts=run.attempts
        ).update(
            status=PublicationStatus.PENDING,
            lease_expires_at=None,
            error=f"Attempt {run.attempts} failed: {error}"[:2000],
        )
        raise RetryPublication(error)
    return publication_run_fail(run=run, error=f"Gave up after {run.attempts} attempts: {error}")


@transaction.atomic
def _finish(run: PublicationRun, renditions: list[PublishedRendition]) -> str:
    submission = (
        Submission.objects.select_for_update().select_related("contributor").get(pk=run.submission_id)
    )
    finished = PublicationRun.objects.filter(
        pk=run.pk, status=PublicationStatus.RUNNING, attempts=run.attempts
    ).update(status=PublicationStatus.PUBLISHED, finished_at=timezone.now(), lease_expires_at=None, error="")
    if not finished:
        transaction.on_commit(lambda: renditions_discard(run))
        return "discarded: the lease was lost to another worker"
    if not _still_wanted(run, submission):
        PublicationRun.objects.filter(pk=run.pk).update(status=PublicationStatus.CANCELLED)
        transaction.on_commit(lambda: renditions_discard(run))
        return "cancelled: the item no longer waits for this publication"
    PublishedRendition.objects.bulk_create(renditions)
    now = timezone.now()
    submission_transition(
        submission=submission,
        to=Status.APPROVED,
        actor=None,
        action="submission.published",
        details={"publication": run.pk, "renditions": len(renditions), "attempts": run.attempts},
        fields={"published_at": now, "publication_hidden_at": None},
    )
    notify(
        submission.contributor,
        subject=lambda: _("Your submission #%(id)s was approved and published") % {"id": submission.pk},
        body=lambda: _("Your submission #%(id)s was approved and published") % {"id": submission.pk} + ".",
        link=reverse("submission_detail", args=[submission.pk]),
    )
    return "published"


@transaction.atomic
def publication_run_fail(*, run: PublicationRun, error: str) -> str:
    """End a run in failure and put its item before a senior moderator, with the reason.

    The item goes back to review in the escalated queue (a fresh SLA clock); the error stays on
    the run and shows on the review page. Nothing was published; the run's files are deleted.
    """
    submission = Submission.objects.select_for_update().get(pk=run.submission_id)
    failed = PublicationRun.objects.filter(
        pk=run.pk, status=PublicationStatus.RUNNING, attempts=run.attempts
    ).update(
        status=PublicationStatus.FAILED, finished_at=timezone.now(), lease_expires_at=None, error=error[:2000]
    )
    transaction.on_commit(lambda: renditions_discard(run))
    if not failed:
        return "discarded: the lease was lost to another worker"
    if not _still_wanted(run, submission):
        return "failed: the item no longer waits for this publication"
    now = timezone.now()
    submission_transition(
        submission=submission,
        to=Status.AWAITING_REVIEW,
        actor=None,
        action="publication.failed",
        details={"publication": run.pk, "queue": Queue.ESCALATED, "error": error[:500]},
        fields={
            "queue": Queue.ESCALATED,
            "awaiting_since": now,
            "decided_at": None,
            "claimed_by": None,
            "claim_expires_at": None,
        },
    )
    apply_outcome(submission)  # the escalated queue's SLA and priority
    return f"failed: {error}"


def publication_runs_requeue_stale(*, now: datetime | None = None) -> SweepReport:
    """Find publication runs that will not finish by themselves and send them again.

    Steps: runs past their lease (the worker died, maybe mid-render: its files are deleted) go
    back to pending, or fail for good once their attempts are used up; pending runs never sent,
    or whose job Redis no longer holds, are sent again. Only one claim of a run can win.
    """
    now = now or timezone.now()
    report = SweepReport()
    to_send: list[int] = []
    for run in PublicationRun.objects.filter(status=PublicationStatus.RUNNING, lease_expires_at__lt=now):
        renditions_discard(run)
        if run.attempts >= settings.PUBLICATION_MAX_ATTEMPTS:
            error = _("The worker stopped responding %(n)s times") % {"n": run.attempts}
            if publication_run_fail(run=run, error=error).startswith("failed"):
                report.gave_up += 1
            continue
        if PublicationRun.objects.filter(
            pk=run.pk, status=PublicationStatus.RUNNING, lease_expires_at__lt=now
        ).update(status=PublicationStatus.PENDING, lease_expires_at=None):
            report.lease_expired += 1
            to_send.append(run.pk)
    stale = PublicationRun.objects.stale(now).filter(status=PublicationStatus.PENDING).exclude(pk__in=to_send)
    resend_lost(dispatch.PUBLICATION_RUNS, to_send, stale.values_list("pk", flat=True), report)
    report.record("publication.requeued")
    return report
