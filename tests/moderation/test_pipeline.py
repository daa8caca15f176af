"""The check pipeline's services, run inline: runs created on submit, claimed once, finished
once with their findings, retried when transient, swept up when a worker dies."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from moderation.intake.services import submission_submit
from moderation.models import CheckRun, Finding, Revision, RunStatus, Status, Submission
from moderation.pipeline import checks
from moderation.pipeline.checks.base import Check, CheckResult, FindingSpec, TransientCheckError
from moderation.pipeline.services import (
    check_run_execute,
    check_runs_requeue_stale,
    checks_rerun,
)
from tests.moderation.builders import draft, submitted


class FlakyCheck(Check):
    """Fails transiently `failures` times, then passes with one warning."""

    kind = "flaky"
    version = "1"
    title = "Flaky"
    failures = 2
    calls = 0

    def run(self, revision: Revision) -> CheckResult:
        type(self).calls += 1
        if type(self).calls <= self.failures:
            raise TransientCheckError("the service blinked")
        return CheckResult(
            summary="ok", findings=[FindingSpec("note", "warning", "A note.", {"n": 1}, "R00")]
        )


class BrokenCheck(Check):
    kind = "broken"
    version = "1"
    title = "Broken"

    def run(self, revision: Revision) -> CheckResult:
        raise ValueError("cannot parse the file")


@pytest.fixture
def extra_check(monkeypatch: pytest.MonkeyPatch) -> Any:
    def add(check_class: type[Check]) -> None:
        check_class.calls = 0
        monkeypatch.setitem(checks.REGISTRY, check_class.kind, check_class())

    return add


def runs_of(submission: Submission) -> dict[str, CheckRun]:
    return {run.kind: run for run in CheckRun.objects.filter(submission=submission)}


def test_it_creates_one_run_per_check_on_submit(alice: User) -> None:
    submission = draft(alice)
    runs = submission_submit(submission=submission, actor=alice)
    assert sorted(run.kind for run in runs) == ["consent", "label", "policy"]
    assert {run.status for run in runs} == {RunStatus.PENDING}
    assert {run.revision_id for run in runs} == {submission.current_revision_id}
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED


def test_it_runs_the_checks_after_commit_and_queues_for_review_once(
    alice: User, run_commit_hooks: Any
) -> None:
    with run_commit_hooks(execute=True):
        submission = submitted(alice)
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW
    assert {run.status for run in runs_of(submission).values()} == {RunStatus.PASSED}
    assert all(run.attempts == 1 for run in runs_of(submission).values())
    actions = list(
        AuditEvent.objects.for_target("moderation.submission", submission.pk)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "submission.created",
        "submission.submitted",
        "submission.checking",
        "submission.awaiting_review",
    ]
    assert submission.awaiting_since == submission.current_revision.submitted_at
    assert submission.due_at == submission.awaiting_since + timedelta(hours=24)


def test_it_does_nothing_on_a_duplicate_delivery(alice: User, run_commit_hooks: Any) -> None:
    with run_commit_hooks(execute=True):
        submission = submitted(alice, title="Buy cheap replica watches")
    policy = runs_of(submission)["policy"]
    findings_before = Finding.objects.count()
    assert check_run_execute(run_id=policy.pk, worker="second-delivery") == "skipped: not pending"
    assert Finding.objects.count() == findings_before
    policy.refresh_from_db()
    assert policy.attempts == 1


def test_it_retries_transient_errors_until_the_check_passes(
    alice: User, extra_check: Any, run_commit_hooks: Any
) -> None:
    extra_check(FlakyCheck)
    with run_commit_hooks(execute=True):
        submission = submitted(alice)
    flaky = runs_of(submission)["flaky"]
    assert (flaky.status, flaky.attempts, flaky.summary) == (RunStatus.FLAGGED, 3, "ok")
    assert list(flaky.findings.values_list("code", "severity", "rule")) == [("note", "warning", "R00")]


def test_it_gives_up_after_the_last_attempt(
    alice: User, extra_check: Any, run_commit_hooks: Any, settings: Any
) -> None:
    settings.CHECK_MAX_ATTEMPTS = 2
    extra_check(FlakyCheck)
    with run_commit_hooks(execute=True):
        submission = submitted(alice)
    flaky = runs_of(submission)["flaky"]
    assert (flaky.status, flaky.attempts) == (RunStatus.ERROR, 2)
    assert flaky.summary == "Gave up after 2 attempts: the service blinked"
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW


def test_it_ends_a_permanent_error_with_the_reason(
    alice: User, extra_check: Any, run_commit_hooks: Any
) -> None:
    extra_check(BrokenCheck)
    with run_commit_hooks(execute=True):
        submission = submitted(alice)
    broken = runs_of(submission)["broken"]
    assert (broken.status, broken.attempts, broken.summary) == (
        RunStatus.ERROR,
        1,
        "ValueError: cannot parse the file",
    )


def test_it_sweeps_a_run_whose_worker_died(alice: User) -> None:
    submission = submitted(alice)  # Runs are pending: nothing ran them (no commit here).
    label = runs_of(submission)["label"]
    # A worker claims it and dies: the lease runs out with the run still "running".
    CheckRun.objects.filter(pk=label.pk).update(
        status=RunStatus.RUNNING, attempts=1, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    report = check_runs_requeue_stale(now=timezone.now() + timedelta(minutes=5))
    assert report.lease_expired == 1
    assert report.resent == 3  # the dead one, and the two pending ones never sent to a worker
    label.refresh_from_db()
    assert (label.status, label.attempts) == (RunStatus.PASSED, 2)
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW
    assert AuditEvent.objects.filter(action="checks.requeued").count() == 1


def test_it_discards_the_result_of_a_worker_that_lost_its_lease(alice: User) -> None:
    submission = submitted(alice, title="Buy cheap replica watches")
    policy = runs_of(submission)["policy"]
    # Worker A claims the run, stalls past its lease; the sweep hands the run to worker B.
    CheckRun.objects.filter(pk=policy.pk).update(
        status=RunStatus.RUNNING, attempts=1, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    stalled = CheckRun.objects.get(pk=policy.pk)
    check_runs_requeue_stale()
    from moderation.pipeline.services import check_run_finish

    assert check_run_finish(run=stalled, status=RunStatus.PASSED, summary="late") == (
        "discarded: the lease was lost to another worker"
    )
    policy.refresh_from_db()
    assert policy.attempts == 2
    assert policy.summary != "late"


def test_it_gives_up_on_a_run_that_keeps_killing_workers(alice: User, settings: Any) -> None:
    submission = submitted(alice)
    label = runs_of(submission)["label"]
    CheckRun.objects.filter(pk=label.pk).update(
        status=RunStatus.RUNNING,
        attempts=settings.CHECK_MAX_ATTEMPTS,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    report = check_runs_requeue_stale()
    assert report.gave_up == 1
    label.refresh_from_db()
    assert (label.status, label.summary) == (RunStatus.ERROR, "The worker stopped responding 3 times")


def test_it_leaves_fresh_pending_runs_alone(alice: User) -> None:
    submission = submitted(alice)
    CheckRun.objects.filter(submission=submission).update(enqueued_at=timezone.now())
    report = check_runs_requeue_stale()
    assert (report.lease_expired, report.resent) == (0, 0)


def test_it_reruns_one_check_and_keeps_the_history(alice: User, mod: User, run_commit_hooks: Any) -> None:
    with run_commit_hooks(execute=True):
        submission = submitted(alice)
    with run_commit_hooks(execute=True):
        runs = checks_rerun(submission=submission, actor=mod, kinds=["label"])
    assert [run.kind for run in runs] == ["label"]
    assert CheckRun.objects.filter(submission=submission, kind="label").count() == 2
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW
    event = AuditEvent.objects.get(action="checks.rerun")
    assert (event.actor, event.details) == (mod, {"kinds": ["label"]})
    # Back in the queue after the re-run, but only one "awaiting review" per entry into the queue.
    assert AuditEvent.objects.filter(action="submission.awaiting_review").count() == 2


def test_it_refuses_to_rerun_checks_on_a_draft(alice: User, mod: User) -> None:
    from moderation.pipeline.services import CheckNotAllowed

    with pytest.raises(CheckNotAllowed):
        checks_rerun(submission=draft(alice), actor=mod)
