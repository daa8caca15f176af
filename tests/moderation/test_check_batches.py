"""One job per submission for the fast checks: each check still keeps its own run row, its own
retry and its own re-run. Jobs go through Redis and an in-process worker (fakeredis on a bare
machine, the real Redis in CI)."""

from datetime import timedelta
from typing import Any

import django_rq
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry

from accounts.models import User
from audit.models import AuditEvent
from moderation.models import CheckRun, PolicyRule, RunStatus, Status, Submission
from moderation.pipeline import checks, jobs
from moderation.pipeline.dispatch import run_ids_of_job
from moderation.pipeline.policy import policy_rule_save
from moderation.pipeline.services import check_runs_execute, check_runs_requeue_stale, checks_rerun
from tests.moderation.builders import submitted, unique_image
from tests.moderation.test_pipeline import FlakyCheck


def work(queue_name: str = "checks") -> SimpleWorker:
    queue = django_rq.get_queue(queue_name)
    worker = SimpleWorker([queue], connection=queue.connection)
    worker.work(burst=True)
    return worker


@pytest.fixture
def executed(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The run ids of each batch job a worker executes (RQ finds the job by its dotted path)."""
    calls: list[list[int]] = []
    run_checks = jobs.run_checks

    def counted(run_ids: list[int]) -> str:
        calls.append(list(run_ids))
        return run_checks(run_ids)

    monkeypatch.setattr(jobs, "run_checks", counted)
    return calls


def runs_of(submission: Submission) -> dict[str, CheckRun]:
    return {run.kind: run for run in CheckRun.objects.filter(submission=submission)}


def snapshot(run: CheckRun) -> tuple[Any, ...]:
    run.refresh_from_db()
    return (run.status, run.attempts, run.started_at, run.finished_at, run.worker, run.summary, run.result)


def test_it_runs_the_fast_checks_of_a_submission_in_one_job(
    alice: User,
    rq_connection: Any,
    run_commit_hooks: Any,
    settings: Any,
    executed: list[list[int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import redis.client

    settings.CHECK_VISIBLE_MARKS = True
    pipelines: list[str] = []  # the keys each pipeline touched
    execute = redis.client.Pipeline.execute

    def recorded(pipe: Any, *args: Any, **kwargs: Any) -> Any:
        keys = [str(command[0][1]) for command in pipe.command_stack if len(command[0]) > 1]
        pipelines.append(" ".join(keys))
        return execute(pipe, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", recorded)
    with run_commit_hooks(execute=True):
        submission = submitted(alice, files=[unique_image()])
    runs = runs_of(submission)
    fast = [runs[kind].pk for kind in ("consent", "label", "policy")]
    checks_queue = django_rq.get_queue("checks")
    assert [run_ids_of_job(job_id) for job_id in checks_queue.job_ids] == [fast]
    # The slow OCR keeps a job of its own on "media".
    assert f"check-run-{runs['visible'].pk}" in django_rq.get_queue("media").job_ids
    # The check jobs of the submission, fast and slow, reached Redis in one pipeline.
    [sent] = [keys for keys in pipelines if "check-run" in keys]
    assert f"check-runs-{'_'.join(map(str, fast))}" in sent and f"check-run-{runs['visible'].pk}" in sent

    work()
    assert executed == [fast]  # one job ran the three checks
    runs = runs_of(submission)
    assert {kind: (run.status, run.attempts) for kind, run in runs.items() if kind != "visible"} == {
        "consent": (RunStatus.PASSED, 1),
        "label": (RunStatus.PASSED, 1),
        "policy": (RunStatus.PASSED, 1),
    }
    assert len({runs[kind].worker for kind in ("consent", "label", "policy")}) == 1
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW


def test_it_retries_a_failing_check_alone_and_keeps_the_others(
    alice: User,
    rq_connection: Any,
    run_commit_hooks: Any,
    monkeypatch: pytest.MonkeyPatch,
    executed: list[list[int]],
) -> None:
    FlakyCheck.calls = 0
    monkeypatch.setattr(FlakyCheck, "failures", 1)
    monkeypatch.setitem(checks.REGISTRY, "flaky", FlakyCheck())
    policy_rule_save(
        rule=PolicyRule(code="replica-goods", description="Counterfeit goods", pattern="replica watches"),
        actor=None,
    )
    with run_commit_hooks(execute=True):
        submission = submitted(alice, title="Cheap replica watches")
    work()
    runs = runs_of(submission)
    assert (runs["flaky"].status, runs["flaky"].attempts) == (RunStatus.PENDING, 1)
    assert runs["flaky"].summary == "Attempt 1 failed: the service blinked"
    others = {kind: snapshot(run) for kind, run in runs.items() if kind != "flaky"}
    assert {kind: state[:2] for kind, state in others.items()} == {
        "consent": (RunStatus.PASSED, 1),
        "label": (RunStatus.PASSED, 1),
        "policy": (RunStatus.FAILED, 1),
    }
    assert list(runs["policy"].findings.values_list("code", flat=True)) == ["policy_match"]
    submission.refresh_from_db()
    assert submission.status == Status.CHECKING  # the item waits for the flaky check

    # RQ's retry runs the same job again: it finds the flaky run alone pending.
    scheduled = ScheduledJobRegistry(queue=django_rq.get_queue("checks"))
    [job_id] = scheduled.get_job_ids()
    scheduled.requeue(job_id)
    work()
    assert len(executed) == 2
    runs = runs_of(submission)
    flaky = runs["flaky"]
    assert (flaky.status, flaky.attempts, flaky.summary) == (RunStatus.FLAGGED, 2, "ok")
    assert {kind: snapshot(run) for kind, run in runs.items() if kind != "flaky"} == others
    assert list(runs["policy"].findings.values_list("code", flat=True)) == ["policy_match"]
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW
    assert AuditEvent.objects.filter(action="submission.awaiting_review").count() == 1


def test_it_reruns_one_check_alone(
    alice: User, mod: User, rq_connection: Any, run_commit_hooks: Any, executed: list[list[int]]
) -> None:
    with run_commit_hooks(execute=True):
        submission = submitted(alice)
    work()
    before = {run.pk: snapshot(run) for run in CheckRun.objects.filter(submission=submission)}

    with run_commit_hooks(execute=True):
        [rerun] = checks_rerun(submission=submission, actor=mod, kinds=["label"])
    assert [run_ids_of_job(job_id) for job_id in django_rq.get_queue("checks").job_ids] == [[rerun.pk]]
    work()
    assert executed[-1] == [rerun.pk]
    rerun.refresh_from_db()
    assert (rerun.kind, rerun.status, rerun.attempts) == ("label", RunStatus.PASSED, 1)
    assert {pk: snapshot(CheckRun.objects.get(pk=pk)) for pk in before} == before
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW


def test_it_finishes_a_batch_whose_worker_was_lost_midway(alice: User, run_commit_hooks: Any) -> None:
    """A worker claimed the first run and died: the sweep sends that run again, and its job takes
    the runs the lost worker had not reached."""
    submission = submitted(alice, title="Cheap replica watches")  # no commit here: nothing ran
    runs = runs_of(submission)
    CheckRun.objects.filter(submission=submission).update(enqueued_at=timezone.now())
    CheckRun.objects.filter(pk=runs["consent"].pk).update(
        status=RunStatus.RUNNING, attempts=1, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    report = check_runs_requeue_stale()  # inline: the job runs here
    assert (report.lease_expired, report.resent) == (1, 1)
    runs = runs_of(submission)
    assert {kind: (run.status, run.attempts) for kind, run in runs.items()} == {
        "consent": (RunStatus.PASSED, 2),
        "label": (RunStatus.PASSED, 1),
        "policy": (RunStatus.PASSED, 1),
    }
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW


def test_it_skips_what_another_delivery_already_claimed(alice: User) -> None:
    submission = submitted(alice)
    runs = runs_of(submission)
    report = check_runs_execute(run_ids=[run.pk for run in runs.values()], worker="first")
    assert sorted(report.results.values()) == ["finished: passed"] * 3
    again = check_runs_execute(run_ids=[run.pk for run in runs.values()], worker="second")
    assert (again.results, str(again)) == ({}, "skipped: not pending")
    assert {run.worker for run in CheckRun.objects.filter(submission=submission)} == {"first"}


def test_it_runs_a_batch_in_few_statements(alice: User, settings: Any) -> None:
    """Statements for one submission's fast checks: a bound per check, so a new check may join."""
    settings.DEBUG = True
    submission = submitted(alice)
    runs = list(CheckRun.objects.filter(submission=submission))
    with CaptureQueriesContext(connection) as queries:
        check_runs_execute(run_ids=[run.pk for run in runs], worker="w")
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW
    # Measured: 32 for the three checks here (46 when each check was a job of its own).
    assert len(queries) <= 15 + 6 * len(runs), "\n".join(query["sql"][:120] for query in queries)


def test_it_records_the_outcomes_of_a_batch_in_one_statement(alice: User, settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("one statement on PostgreSQL; one per run elsewhere")
    settings.DEBUG = True
    submission = submitted(alice)
    runs = list(CheckRun.objects.filter(submission=submission))
    with CaptureQueriesContext(connection) as queries:
        check_runs_execute(run_ids=[run.pk for run in runs], worker="w")
    finishing = [q["sql"] for q in queries if "finished_at" in q["sql"] and q["sql"].startswith("UPDATE")]
    assert len(finishing) == 1, finishing
    stored = CheckRun.objects.filter(submission=submission)
    assert {(run.status, run.finished_at is not None, run.lease_expires_at) for run in stored} == {
        ("passed", True, None)
    }
    # The summaries and their parameters arrive as the checks wrote them (JSON, not text).
    assert all(run.summary and isinstance(run.summary_params, dict) and run.summary_params for run in stored)


def test_the_contributors_strikes_raise_the_priority_read_with_the_locked_row(
    alice: User, mod: User, settings: Any
) -> None:
    from accounts.models import Sanction
    from accounts.services import sanction_impose
    from moderation.review.priority import base_score

    settings.DEBUG = True
    submission = submitted(alice)
    sanction_impose(user=alice, kind=Sanction.Kind.WARNING, reason="First.", actor=mod)
    sanction_impose(user=alice, kind=Sanction.Kind.WARNING, reason="Second.", actor=mod)
    runs = list(CheckRun.objects.filter(submission=submission))
    with CaptureQueriesContext(connection) as queries:
        check_runs_execute(run_ids=[run.pk for run in runs], worker="w")
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW
    assert submission.priority_score == base_score(submission, 2) > base_score(submission, 0)
    # Counted in the read that locks the submission, not by a query of its own.
    assert not [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "accounts_sanction"')
    ]


def test_it_records_each_outcome_of_a_batch_only_under_the_attempt_it_claimed(alice: User) -> None:
    """One statement for the batch on PostgreSQL, still one condition per row: the run whose lease
    went to another worker is left as that worker has it, its neighbour is recorded as sent."""
    from moderation.pipeline.services import RunOutcome, check_runs_finish

    submission = submitted(alice)
    kept, lost = list(CheckRun.objects.filter(submission=submission).order_by("pk"))[:2]
    CheckRun.objects.filter(pk__in=[kept.pk, lost.pk]).update(status=RunStatus.RUNNING, attempts=1)
    CheckRun.objects.filter(pk=lost.pk).update(attempts=2)  # claimed again by another worker
    params = {"code": "fine", "note": "50% — 好", "nested": {"list": [1, None, True]}}
    results = check_runs_finish(
        outcomes=[
            RunOutcome(kept, 1, RunStatus.PASSED, "x" * 600, [], {"score": 0.5}, params),
            RunOutcome(lost, 1, RunStatus.PASSED, "late", [], {}, {}),
        ]
    )
    assert results == {
        kept.pk: "finished: passed",
        lost.pk: "discarded: the lease was lost to another worker",
    }
    kept.refresh_from_db()
    lost.refresh_from_db()
    assert (kept.status, kept.summary, kept.summary_params, kept.result, kept.lease_expires_at) == (
        RunStatus.PASSED,
        "x" * 500,
        params,
        {"score": 0.5},
        None,
    )
    assert kept.finished_at is not None
    assert (lost.status, lost.attempts, lost.summary, lost.finished_at) == (RunStatus.RUNNING, 2, "", None)
