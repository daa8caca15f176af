"""Checks through RQ queues, executed by an in-process worker: on a bare machine against
fakeredis, in CI against the real Redis."""

from datetime import timedelta
from typing import Any

import django_rq
import pytest
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry

from accounts.models import User
from moderation.models import CheckRun, Revision, RunStatus, Status
from moderation.pipeline import checks
from moderation.pipeline.dispatch import run_ids_of_job
from moderation.pipeline.services import check_runs_requeue_stale
from tests.moderation.builders import submitted
from tests.moderation.test_pipeline import FlakyCheck


def work(connection: Any) -> None:
    queue = django_rq.get_queue("checks")
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_it_sends_the_fast_checks_of_a_submission_in_one_job(
    alice: User, rq_connection: Any, run_commit_hooks: Any
) -> None:
    with run_commit_hooks(execute=True):
        submission = submitted(alice)
    runs = CheckRun.objects.filter(submission=submission).order_by("pk")
    queue = django_rq.get_queue("checks")
    assert queue.job_ids == ["check-runs-" + "_".join(str(run.pk) for run in runs)]
    assert all(run.enqueued_at is not None and run.status == RunStatus.PENDING for run in runs)
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED


def test_it_finishes_the_checks_in_a_worker(alice: User, rq_connection: Any, run_commit_hooks: Any) -> None:
    with run_commit_hooks(execute=True):
        submission = submitted(alice)
    work(rq_connection)
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW
    assert {run.status for run in CheckRun.objects.filter(submission=submission)} == {RunStatus.PASSED}


def test_it_schedules_a_retry_for_a_transient_error(
    alice: User, rq_connection: Any, run_commit_hooks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    FlakyCheck.calls = 0
    monkeypatch.setitem(checks.REGISTRY, "flaky", FlakyCheck())
    with run_commit_hooks(execute=True):
        submission = submitted(alice)
    work(rq_connection)
    flaky = CheckRun.objects.get(submission=submission, kind="flaky")
    assert (flaky.status, flaky.attempts) == (RunStatus.PENDING, 1)
    assert flaky.summary == "Attempt 1 failed: the service blinked"
    scheduled = ScheduledJobRegistry(queue=django_rq.get_queue("checks"))
    [job_id] = scheduled.get_job_ids()
    assert flaky.pk in run_ids_of_job(job_id)


def test_it_keeps_a_submission_when_redis_is_down_and_sends_it_later(
    alice: User, rq_connection: Any, run_commit_hooks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RedisConnectionError("Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr("rq.queue.Queue.enqueue_many", refuse)
        with run_commit_hooks(execute=True):
            submission = submitted(alice)
    assert all(run.enqueued_at is None for run in CheckRun.objects.filter(submission=submission))
    report = check_runs_requeue_stale(now=timezone.now() + timedelta(minutes=1))
    assert report.resent == 3
    work(rq_connection)
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW


def test_it_resends_what_a_flushed_redis_lost(alice: User, rq_connection: Any, run_commit_hooks: Any) -> None:
    with run_commit_hooks(execute=True):
        submission = submitted(alice)
    rq_connection.flushdb()
    assert check_runs_requeue_stale().resent == 0  # too fresh to tell from a busy queue
    report = check_runs_requeue_stale(now=timezone.now() + timedelta(minutes=1))
    assert report.resent == 3
    work(rq_connection)
    runs = CheckRun.objects.filter(submission=submission)
    assert [run.attempts for run in runs] == [1, 1, 1]
    assert {run.status for run in runs} == {RunStatus.PASSED}


def test_it_does_not_resend_runs_still_waiting_in_the_queue(
    alice: User, rq_connection: Any, run_commit_hooks: Any
) -> None:
    with run_commit_hooks(execute=True):
        submitted(alice)
    report = check_runs_requeue_stale(now=timezone.now() + timedelta(minutes=1))
    assert report.resent == 0
    assert len(django_rq.get_queue("checks").job_ids) == 1


def test_it_commits_check_jobs_asynchronously_and_restores_the_setting(
    alice: User, postgres: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL only: inside a check job synchronous_commit is off; after it, back to on."""
    from django.db import connection

    from moderation.pipeline import jobs

    def synchronous_commit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return str(cursor.fetchone()[0])

    seen: list[str] = []

    class Spy(checks.Check):
        kind = "spy"
        version = "1"
        title = "Spy"

        def run(self, revision: Revision) -> checks.CheckResult:
            seen.append(synchronous_commit())
            return checks.CheckResult(summary="seen")

    monkeypatch.setitem(checks.REGISTRY, "spy", Spy())
    run = CheckRun.objects.get(submission=submitted(alice), kind="spy")
    assert jobs.run_check(run.pk) == "finished: passed"
    assert seen == ["off"]
    assert synchronous_commit() == "on"


def check_jobs(queue: str) -> list[str]:
    return [job_id for job_id in django_rq.get_queue(queue).job_ids if job_id.startswith("check-run")]


def test_it_sends_the_visible_check_to_the_media_queue_and_the_fast_ones_to_checks(
    alice: User, rq_connection: Any, run_commit_hooks: Any, settings: Any
) -> None:
    from tests.moderation.builders import unique_image

    settings.CHECK_VISIBLE_MARKS = True
    with run_commit_hooks(execute=True):
        submission = submitted(alice, files=[unique_image()])
    runs = {run.kind: run for run in CheckRun.objects.filter(submission=submission)}
    assert sorted(runs) == ["consent", "label", "policy", "visible"]
    assert check_jobs("checks") == [
        "check-runs-" + "_".join(str(runs[kind].pk) for kind in ("consent", "label", "policy"))
    ]
    assert check_jobs("media") == [f"check-run-{runs['visible'].pk}"]  # beside the thumbnails
    assert all(run.enqueued_at is not None for run in runs.values())

    # A worker on the checks queue alone brings the item to review; the OCR waits on "media".
    work(rq_connection)
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW
    runs["visible"].refresh_from_db()
    assert runs["visible"].status == RunStatus.PENDING


def test_the_sweep_sends_each_lost_run_back_to_its_own_queue(
    alice: User, rq_connection: Any, run_commit_hooks: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.moderation.builders import unique_image

    settings.CHECK_VISIBLE_MARKS = True
    with monkeypatch.context() as patch:
        patch.setattr(
            "rq.queue.Queue.enqueue_many", lambda *a, **k: (_ for _ in ()).throw(RedisConnectionError())
        )
        with run_commit_hooks(execute=True):
            submission = submitted(alice, files=[unique_image()])
    runs = {run.kind: run for run in CheckRun.objects.filter(submission=submission)}
    assert all(run.enqueued_at is None for run in runs.values())
    report = check_runs_requeue_stale(now=timezone.now() + timedelta(minutes=1))
    assert report.resent == 4
    assert [run_ids_of_job(job_id) for job_id in check_jobs("checks")] == [
        [runs[kind].pk for kind in ("consent", "label", "policy")]
    ]
    assert check_jobs("media") == [f"check-run-{runs['visible'].pk}"]
