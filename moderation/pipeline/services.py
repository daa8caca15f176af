"""The check pipeline: start runs, execute a submission's fast runs in one job (each run still
claimed, leased, retried and recorded on its own row), finish a submission's checks exactly once,
and sweep up runs that a dead worker or a lost Redis left behind."""

import json
import logging
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, OuterRef, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import strike_count_of
from audit.services import record_event
from moderation.background import SweepReport
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
    queue_of,
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
    """Create one pending run per applicable (or requested) check in one insert; send them after
    commit: the fast ones together in one job, each slow one alone on its queue."""
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
    dispatch.send_on_commit((run.pk, run.kind, run.revision_id) for run in runs)
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


@dataclass
class RunOutcome:
    """What one claimed run came to, waiting to be recorded with the others of its job."""

    run: CheckRun
    attempts: int  # the attempt the claim made: the finish is conditional on it
    status: str
    summary: str
    findings: list[FindingSpec] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    summary_params: dict = field(default_factory=dict)  # the summary's code and values, for display


@dataclass
class ExecutionReport:
    """What a check job did with each of its runs, by run id ("finished: passed", …)."""

    results: dict[int, str] = field(default_factory=dict)
    # Runs sent back to pending after a transient error: the job raises it for RQ's retry.
    retry: TransientCheckError | None = None

    def __str__(self) -> str:
        if not self.results:
            return "skipped: not pending"
        return "; ".join(f"{run_id} {result}" for run_id, result in self.results.items())


def _claim(run: CheckRun, *, worker: str) -> int | None:
    """Take a pending run under a lease with a conditional update; return the attempt it makes.

    Conditional on the attempts read with the run too, so the attempt is exact: of two deliveries
    only one claims it, and a run another worker claimed and lost meanwhile is left to its job."""
    check = REGISTRY.get(run.kind)
    lease = max(check.lease_seconds() if check else 0, int(settings.CHECK_LEASE_SECONDS))
    now = timezone.now()
    claimed = CheckRun.objects.filter(pk=run.pk, status=RunStatus.PENDING, attempts=run.attempts).update(
        status=RunStatus.RUNNING,
        worker=worker[:200],
        started_at=now,
        lease_expires_at=now + timedelta(seconds=lease),
        attempts=F("attempts") + 1,
    )
    return run.attempts + 1 if claimed else None


def _run_one(run: CheckRun, attempts: int) -> RunOutcome | TransientCheckError:
    """Execute a claimed run's check outside any transaction. A transient error puts the run back
    to pending (while attempts remain) and is returned for the job to raise."""
    try:
        result = get_check(run.kind).run(run.revision)
    except TransientCheckError as exc:
        if attempts < settings.CHECK_MAX_ATTEMPTS:
            CheckRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, attempts=attempts).update(
                status=RunStatus.PENDING,
                lease_expires_at=None,
                summary=f"Attempt {attempts} failed: {exc}"[:500],
            )
            return exc
        return RunOutcome(run, attempts, RunStatus.ERROR, f"Gave up after {attempts} attempts: {exc}")
    except Exception as exc:  # A bug or a bad file must end the run, not leave it running.
        logger.exception("Check %s failed on run %s", run.kind, run.pk)
        return RunOutcome(run, attempts, RunStatus.ERROR, f"{type(exc).__name__}: {exc}")
    return RunOutcome(
        run,
        attempts,
        result.status,
        result.summary,
        result.findings,
        result.data,
        result.summary_params or {},
    )


def _pending_runs(run_ids: list[int]) -> list[CheckRun]:
    """The pending runs among `run_ids`, with their revision and submission, in one query. Runs of
    one revision share one Revision (its files read once for all checks) and one Submission."""
    runs = list(
        CheckRun.objects.filter(pk__in=run_ids, status=RunStatus.PENDING)
        .select_related("revision", "submission")
        .order_by("kind", "pk")
    )
    revisions_by_id: dict[int, Revision] = {}
    submissions_by_id: dict[int, Submission] = {}
    for run in runs:
        run.revision = revisions_by_id.setdefault(run.revision_id, run.revision)
        run.submission = submissions_by_id.setdefault(run.submission_id, run.submission)
    if len(runs) > 1:
        prefetch_related_objects(list(revisions_by_id.values()), "media")
    return runs


def check_runs_execute(*, run_ids: list[int], worker: str) -> ExecutionReport:
    """Claim and run check runs in turn, then record them all at once; the job of one revision.

    Steps:
    1. Read the pending runs among those asked for, in one query (a duplicate delivery finds
       none, or fewer).
    2. For each run in turn: claim it with a conditional update under its own lease (a duplicate
       delivery claims nothing); the first claim marks the submission "checking"; run the check
       outside any transaction. A transient error sends that run alone back to pending.
    3. Record the outcomes of each submission in one transaction (`check_runs_finish`): one
       update per run, the findings in one insert, and the move to review once all are done.
    4. If a run is to be retried, raise its error after the others are recorded: RQ's retry of
       the job then finds that run alone pending.
    """
    report = ExecutionReport()
    outcomes: dict[int, list[RunOutcome]] = {}
    checking: set[int] = set()
    for run in _pending_runs(run_ids):
        attempts = _claim(run, worker=worker)
        if attempts is None:
            continue
        submission = run.submission
        if submission.pk not in checking:
            checking.add(submission.pk)
            # Only the first job of a submission finds it "submitted"; the others leave it be.
            if submission.status == Status.SUBMITTED:
                with suppress(InvalidTransition):
                    submission_transition(
                        submission=submission,
                        to=Status.CHECKING,
                        actor=None,
                        action="submission.checking",
                        refresh=False,
                    )
        outcome = _run_one(run, attempts)
        if isinstance(outcome, TransientCheckError):
            report.results[run.pk] = f"retry: {outcome}"
            report.retry = report.retry or outcome
        else:
            outcomes.setdefault(run.submission_id, []).append(outcome)
    for finished in outcomes.values():
        report.results.update(check_runs_finish(outcomes=finished))
    return report


def check_run_execute(*, run_id: int, worker: str) -> str:
    """Claim a run, execute its check, and finish it; return what happened.

    A transient error puts the run back to pending and re-raises for RQ's retry, until the
    attempts run out."""
    report = check_runs_execute(run_ids=[run_id], worker=worker)
    if report.retry is not None:
        raise report.retry
    return report.results.get(run_id, "skipped: not pending")


def check_run_finish(
    *,
    run: CheckRun,
    status: str,
    summary: str,
    findings: list[FindingSpec] | None = None,
    data: dict | None = None,
    summary_params: dict | None = None,
) -> str:
    """Record the outcome and findings of one claimed run (its attempt: `run.attempts`)."""
    outcome = RunOutcome(run, run.attempts, status, summary, findings or [], data or {}, summary_params or {})
    return check_runs_finish(outcomes=[outcome])[run.pk]


@transaction.atomic
def check_runs_finish(*, outcomes: list[RunOutcome]) -> dict[int, str]:
    """Record the outcomes and findings of claimed runs of one submission, all or nothing.

    The submission row is locked first (and read whole, for the move to review), so of two jobs
    finishing at once the second sees the first's runs as finished and exactly one of them
    completes the submission. A run whose lease went to another worker meanwhile is discarded.
    """
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("current_revision", "contributor")
        .annotate(contributor_strike_count=strike_count_of(OuterRef("contributor_id")))
        .get(pk=outcomes[0].run.submission_id)
    )
    now = timezone.now()
    results: dict[int, str] = {}
    findings: list[Finding] = []
    landed: list[RunOutcome] = []
    stored = _store_outcomes(outcomes, now)
    for outcome in outcomes:
        run = outcome.run
        if run.pk not in stored:
            results[run.pk] = "discarded: the lease was lost to another worker"
            continue
        results[run.pk] = f"finished: {outcome.status}"
        findings += [
            Finding(
                run_id=run.pk,
                code=f.code,
                severity=f.severity,
                message=f.message,
                evidence=f.evidence,
                rule=f.rule,
                params=f.params,
            )
            for f in outcome.findings
        ]
        if run.revision_id == submission.current_revision_id:
            landed.append(outcome)
    if findings:
        Finding.objects.bulk_create(findings)
    if any(result.startswith("finished") for result in results.values()):
        # The run the audit names if the item's outcome changes during review: one with findings.
        named = sorted(landed, key=lambda outcome: bool(outcome.findings))
        submission_complete_checks(
            submission_id=submission.pk,
            revision_id=submission.current_revision_id,
            finished_run=named[-1].run if named else None,
            new_findings=any(outcome.findings for outcome in landed),
            submission=submission,
        )
    return results


# The outcomes of a job's runs in one statement on PostgreSQL (one UPDATE per run elsewhere): each
# row only while it is still running under the attempt this job claimed.
_STORE_OUTCOMES = (
    "UPDATE {table} AS run SET status = v.status, summary = v.summary, "
    "summary_params = v.summary_params::jsonb, result = v.result::jsonb, "
    "finished_at = %s, lease_expires_at = NULL "
    "FROM (VALUES {rows}) AS v(id, attempts, status, summary, summary_params, result) "
    "WHERE run.id = v.id AND run.attempts = v.attempts AND run.status = %s RETURNING run.id"
)


def _store_outcomes(outcomes: list[RunOutcome], now: datetime) -> set[int]:
    """Record each outcome on its run; return the ids of the runs recorded (the others' leases
    went to another worker meanwhile)."""
    values = [
        (
            outcome.run.pk,
            outcome.attempts,
            outcome.status,
            outcome.summary[:500],
            outcome.summary_params,
            outcome.data or {},
        )
        for outcome in outcomes
    ]
    if connection.vendor != "postgresql":
        stored = set()
        for pk, attempts, status, summary, summary_params, result in values:
            if CheckRun.objects.filter(pk=pk, status=RunStatus.RUNNING, attempts=attempts).update(
                status=status,
                summary=summary,
                summary_params=summary_params,
                result=result,
                finished_at=now,
                lease_expires_at=None,
            ):
                stored.add(pk)
        return stored
    sql = _STORE_OUTCOMES.format(
        table=CheckRun._meta.db_table,
        rows=", ".join(["(%s::bigint, %s::integer, %s, %s, %s, %s)"] * len(values)),
    )
    params: list[Any] = [now]
    for pk, attempts, status, summary, summary_params, result in values:
        params += [pk, attempts, status, summary, json.dumps(summary_params), json.dumps(result)]
    params.append(RunStatus.RUNNING)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


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
    submission: Submission | None = None,
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

    `submission`, when the caller read it under the lock (with its current revision and
    contributor), saves reading it again.
    """
    if revision_id is None:
        return False
    unfinished = CheckRun.objects.filter(revision_id=revision_id).unfinished()
    if unfinished.exclude(kind__in=kinds_not_gating_review()).exists():
        return False
    if submission is None:
        submission = Submission.objects.select_related("current_revision", "contributor").get(
            pk=submission_id
        )
    before = {field: getattr(submission, field) for field in OUTCOME_FIELDS}
    outcome = apply_outcome(submission, save=False)
    if submission.status == Status.AWAITING_REVIEW:
        _outcome_refresh(submission, before, outcome, finished_run, new_findings)
        return False
    if submission.status not in (Status.SUBMITTED, Status.CHECKING):
        # A decided submission whose checks re-ran: record the outcome, keep the status.
        Submission.objects.filter(pk=submission.pk).update(**outcome, **_landed(finished_run))
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


def _landed(finished_run: CheckRun | None) -> dict[str, object]:
    """A run of the current revision finished: the publisher API shows its status and findings,
    so `updated_at` moves too (the change feed pages by it), in the update that stores the outcome.
    Runs of an earlier revision are not shown."""
    return {"updated_at": timezone.now()} if finished_run is not None else {}


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
        Submission.objects.filter(pk=submission.pk).update(**outcome, **_landed(finished_run))
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


def _left_behind(
    *, expired: list[tuple[int, int, str, int]], sending: list[tuple[int, str, int]]
) -> list[tuple[int, str, int]]:
    """The pending fast runs of the revisions whose runs a lost worker held (`expired`): its job
    held them too. (id, kind, revision id) triples, not among those `sending` already."""
    revisions = {
        revision_id
        for _run, _attempts, kind, revision_id in expired
        if queue_of(kind) == dispatch.BATCHED_QUEUE
    }
    if not revisions:
        return []
    return list(
        CheckRun.objects.filter(
            revision_id__in=revisions, kind__in=dispatch.batched_kinds(), status=RunStatus.PENDING
        )
        .exclude(pk__in=[run_id for run_id, _kind, _revision in sending])
        .values_list("pk", "kind", "revision_id")
    )


def check_runs_requeue_stale(*, now: datetime | None = None) -> SweepReport:
    """Find runs that will not finish by themselves and send them again.

    Steps: runs past their lease (the worker died) go back to pending, or end in error once
    their attempts are used up; pending runs that were never sent, or whose job Redis no longer
    holds (a flush, a restart), are sent again, the fast ones of a revision in one job. Which
    runs Redis holds is read in one round trip (the run ids are in the job ids). A worker lost
    mid-job also leaves the fast runs it had not reached pending, their job gone with it: they
    ride along in the job of the run taken back (counted as resent only if found lost
    themselves). Sending twice is harmless: only one claim wins.
    """
    now = now or timezone.now()
    report = SweepReport()
    expired = list(
        CheckRun.objects.filter(status=RunStatus.RUNNING, lease_expires_at__lt=now).values_list(
            "pk", "attempts", "kind", "revision_id"
        )
    )
    to_send: list[tuple[int, str, int]] = []
    for run_id, attempts, kind, revision_id in expired:
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
            to_send.append((run_id, kind, revision_id))

    stale_pending = list(
        CheckRun.objects.stale(now)
        .filter(status=RunStatus.PENDING)
        .exclude(pk__in=[run_id for run_id, _kind, _revision in to_send])
        .values_list("pk", "kind", "revision_id")
    )
    if stale_pending and settings.BACKGROUND_JOBS:
        waiting = dispatch.waiting_run_ids({queue_of(kind) for _run, kind, _revision in stale_pending})
        stale_pending = [run for run in stale_pending if run[0] not in waiting]
    to_send += stale_pending
    riding = _left_behind(expired=expired, sending=to_send)
    if to_send or riding:
        # Each run goes back to its check's queue (fast checks to "checks", OCR to "media").
        dispatch.send(dispatch.plan([*to_send, *riding]))
        report.resent += len(to_send)
    report.record("checks.requeued")
    return report
