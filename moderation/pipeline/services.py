"""The check pipeline: start runs, execute one run, finish a submission's checks exactly once,
and sweep up runs that a dead worker or a lost Redis left behind."""

import logging
from contextlib import suppress
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record_event
from moderation.background import SweepReport, claim_row, resend_lost
from moderation.lifecycle import InvalidTransition, submission_transition
from moderation.models import (
    CheckRun,
    Finding,
    Revision,
    RunStatus,
    Status,
    Submission,
)
from moderation.pipeline import dispatch
from moderation.pipeline.checks import (
    REGISTRY,
    TransientCheckError,
    applicable_checks,
    get_check,
    kinds_not_gating_review,
)
from moderation.pipeline.checks.base import FindingSpec
from moderation.review.priority import OUTCOME_FIELDS, apply_outcome

logger = logging.getLogger(__name__)


class CheckNotAllowed(Exception):
    """A re-run that makes no sense for this submission (a draft, a withdrawn one)."""


def checks_create_runs(
    *,
    submission: Submission,
    revision: Revision,
    kinds: list[str] | None = None,
    requested_by: User | None = None,
) -> list[CheckRun]:
    """Create one pending run per applicable (or requested) check; send them after commit, each
    to its check's queue."""
    checks = applicable_checks(revision) if kinds is None else [get_check(kind) for kind in kinds]
    runs = CheckRun.objects.bulk_create(
        [
            CheckRun(
                submission=submission,
                revision=revision,
                kind=check.kind,
                check_version=check.current_version(),
                requested_by=requested_by,
            )
            for check in checks
        ]
    )
    dispatch.send_on_commit((run.pk, run.kind) for run in runs)
    return runs


@transaction.atomic
def checks_rerun(
    *, submission: Submission, actor: User | None, kinds: list[str] | None = None
) -> list[CheckRun]:
    """Run checks again on the current revision. Earlier runs stay in the history.

    `actor` is the moderator or admin who asked, or None when the system re-runs a check because
    its inputs changed (a consent was granted or withdrawn). A submission waiting for review goes
    back to "checking" until the new runs finish; a decided one keeps its status and only its
    recorded outcome is refreshed.
    """
    if submission.status in (Status.DRAFT, Status.WITHDRAWN) or submission.current_revision is None:
        raise CheckNotAllowed(_("Only submitted content has checks to run."))
    submission.refresh_from_db(fields=["status"])
    if submission.status == Status.AWAITING_REVIEW:
        # Out of the queue until the new runs finish; a decision that got there first wins.
        with suppress(InvalidTransition):
            submission_transition(
                submission=submission, to=Status.CHECKING, actor=actor, action="submission.checking"
            )
    runs = checks_create_runs(
        submission=submission, revision=submission.current_revision, kinds=kinds, requested_by=actor
    )
    record_event(
        action="checks.rerun", actor=actor, target=submission, details={"kinds": [run.kind for run in runs]}
    )
    return runs


def check_run_execute(*, run_id: int, worker: str) -> str:
    """Claim a run, execute its check, and finish it; return what happened.

    Steps: claim with a conditional update (only a pending run can be claimed, so a duplicate
    delivery does nothing); mark the submission "checking"; run the check outside any
    transaction; finish in one transaction with the findings. A transient error puts the run
    back to pending and re-raises for RQ's retry, until the attempts run out.
    """
    if not claim_row(
        "moderation.CheckRun", run_id, worker=worker, lease_seconds=settings.CHECK_LEASE_SECONDS
    ):
        return "skipped: not pending"
    run = CheckRun.objects.select_related("revision", "submission").get(pk=run_id)
    check = REGISTRY.get(run.kind)
    if check is not None and check.lease_seconds() > settings.CHECK_LEASE_SECONDS:
        # A slow check (OCR) holds its run longer, or the sweep would hand it to a second worker.
        lease_expires_at = timezone.now() + timedelta(seconds=check.lease_seconds())
        CheckRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, attempts=run.attempts).update(
            lease_expires_at=lease_expires_at
        )
    # Only the first run of a submission finds it "submitted"; the others leave it be.
    if run.submission.status == Status.SUBMITTED:
        with suppress(InvalidTransition):
            submission_transition(
                submission=run.submission,
                to=Status.CHECKING,
                actor=None,
                action="submission.checking",
                refresh=False,
            )
    try:
        result = get_check(run.kind).run(run.revision)
    except TransientCheckError as exc:
        if run.attempts < settings.CHECK_MAX_ATTEMPTS:
            CheckRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, attempts=run.attempts).update(
                status=RunStatus.PENDING,
                lease_expires_at=None,
                summary=f"Attempt {run.attempts} failed: {exc}"[:500],
            )
            raise
        return check_run_finish(
            run=run, status=RunStatus.ERROR, summary=f"Gave up after {run.attempts} attempts: {exc}"
        )
    except Exception as exc:  # A bug or a bad file must end the run, not leave it running.
        logger.exception("Check %s failed on run %s", run.kind, run_id)
        return check_run_finish(run=run, status=RunStatus.ERROR, summary=f"{type(exc).__name__}: {exc}")
    return check_run_finish(
        run=run,
        status=result.status,
        summary=result.summary,
        findings=result.findings,
        data=result.data,
        summary_params=result.summary_params,
    )


@transaction.atomic
def check_run_finish(
    *,
    run: CheckRun,
    status: str,
    summary: str,
    findings: list[FindingSpec] | None = None,
    data: dict | None = None,
    summary_params: dict | None = None,
) -> str:
    """Record the outcome and findings of a claimed run, all or nothing.

    The submission row is locked first, so of two runs finishing at once the second sees the
    first as finished and exactly one of them completes the submission.
    """
    # A light lock first: most runs are not the last one and need nothing more of the row.
    locked = (
        Submission.objects.select_for_update()
        .filter(pk=run.submission_id)
        .values_list("current_revision_id", flat=True)
    )
    current_revision_id = locked.get()
    finished = CheckRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, attempts=run.attempts).update(
        status=status,
        summary=summary[:500],
        summary_params=summary_params or {},
        result=data or {},
        finished_at=timezone.now(),
        lease_expires_at=None,
    )
    if not finished:
        return "discarded: the lease was lost to another worker"
    Finding.objects.bulk_create(
        [
            Finding(
                run_id=run.pk,
                code=f.code,
                severity=f.severity,
                message=f.message,
                evidence=f.evidence,
                rule=f.rule,
                params=f.params,
            )
            for f in findings or []
        ]
    )
    current = run.revision_id == current_revision_id
    submission_complete_checks(
        submission_id=run.submission_id,
        revision_id=current_revision_id,
        finished_run=run if current else None,
        new_findings=current and bool(findings),
    )
    return f"finished: {status}"


# What a moderator acts on: when a check that landed during review changes one of these, the
# item's version is bumped, so a decision made on the page as it was before answers 409.
_SEEN_BY_MODERATORS = (
    "queue",
    "tier",
    "has_blocking_findings",
    "is_tampered",
    "contradicts_declaration",
    "consent_missing",
)


def submission_complete_checks(
    *,
    submission_id: int,
    revision_id: int | None,
    finished_run: CheckRun | None = None,
    new_findings: bool = False,
) -> bool:
    """Record a submission's outcome (tier, flags, priority, SLA) once the checks the review queue
    waits for have finished. Call with the submission row locked. True if it moved to review.

    Steps:
    1. While a run of the current revision that gates review is unfinished, do nothing: the last
       of them records the outcome. Checks that do not gate review (`Check.gates_review`, the
       visible-mark OCR) may still be running.
    2. A submitted or checking submission moves to "awaiting review" with its outcome.
    3. One already awaiting review (a late check, `finished_run`, landed) gets its outcome
       refreshed; if that changed what a moderator sees, or the run brought findings
       (`new_findings`), its version is bumped and the change audited.
    4. A decided submission whose checks re-ran keeps its status; only its outcome is refreshed.
    """
    if revision_id is None:
        return False
    unfinished = CheckRun.objects.filter(revision_id=revision_id).unfinished()
    if unfinished.exclude(kind__in=kinds_not_gating_review()).exists():
        return False
    submission = Submission.objects.select_related("current_revision", "contributor").get(pk=submission_id)
    before = {field: getattr(submission, field) for field in OUTCOME_FIELDS}
    outcome = apply_outcome(submission, save=False)
    if submission.status == Status.AWAITING_REVIEW:
        _outcome_refresh(submission, before, outcome, finished_run, new_findings)
        return False
    if submission.status not in (Status.SUBMITTED, Status.CHECKING):
        # A decided submission whose checks re-ran: record the outcome, keep the status.
        Submission.objects.filter(pk=submission.pk).update(**outcome)
        return False
    submission_transition(
        submission=submission,
        to=Status.AWAITING_REVIEW,
        actor=None,
        action="submission.awaiting_review",
        details={
            "priority": submission.priority_score,
            "queue": submission.queue,
            "tier": submission.tier,
            "blocking": submission.has_blocking_findings,
        },
        fields=outcome,
        refresh=False,
    )
    return True


def _outcome_refresh(
    submission: Submission,
    before: dict[str, object],
    outcome: dict[str, object],
    finished_run: CheckRun | None,
    new_findings: bool,
) -> None:
    """A check landed while the item waits for review: store the new outcome; bump the version
    when the moderator's page no longer shows the item as it is."""
    changed = {field: outcome[field] for field in _SEEN_BY_MODERATORS if before[field] != outcome[field]}
    if not changed and not new_findings:
        Submission.objects.filter(pk=submission.pk).update(**outcome)
        return
    Submission.objects.filter(pk=submission.pk).update(
        **outcome, version=F("version") + 1, updated_at=timezone.now()
    )
    record_event(
        action="submission.outcome_updated",
        target=submission,
        details={
            "check": finished_run.kind if finished_run else None,
            "run": finished_run.pk if finished_run else None,
            "changed": {field: [before[field], value] for field, value in changed.items()},
            "priority": submission.priority_score,
        },
    )


def check_runs_requeue_stale(*, now: datetime | None = None) -> SweepReport:
    """Find runs that will not finish by themselves and send them again.

    Steps: runs past their lease (the worker died) go back to pending, or end in error once
    their attempts are used up; pending runs that were never sent, or whose job Redis no longer
    holds (a flush, a restart), are sent again. Sending twice is harmless: only one claim wins.
    """
    now = now or timezone.now()
    report = SweepReport()
    expired = list(
        CheckRun.objects.filter(status=RunStatus.RUNNING, lease_expires_at__lt=now).values_list(
            "pk", "attempts", "kind"
        )
    )
    to_send: list[tuple[int, str]] = []
    for run_id, attempts, kind in expired:
        if attempts >= settings.CHECK_MAX_ATTEMPTS:
            run = CheckRun.objects.get(pk=run_id)
            if check_run_finish(
                run=run, status=RunStatus.ERROR, summary=f"The worker stopped responding {attempts} times"
            ).startswith("finished"):
                report.gave_up += 1
            continue
        if CheckRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, lease_expires_at__lt=now).update(
            status=RunStatus.PENDING, lease_expires_at=None
        ):
            report.lease_expired += 1
            to_send.append((run_id, kind))

    stale_pending = (
        CheckRun.objects.stale(now)
        .filter(status=RunStatus.PENDING)
        .exclude(pk__in=[run_id for run_id, _kind in to_send])
        .values_list("pk", "kind")
    )
    # Each run goes back to its check's queue (fast checks to "checks", OCR to "media").
    taken_back = dispatch.by_queue(to_send)
    stale_by_queue = dispatch.by_queue(stale_pending)
    for row_queue in dict.fromkeys([*taken_back, *stale_by_queue]):
        resend_lost(row_queue, taken_back.get(row_queue, []), stale_by_queue.get(row_queue, []), report)
    report.record("checks.requeued")
    return report
