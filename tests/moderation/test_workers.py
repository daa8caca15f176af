"""Real `rqworker` processes against PostgreSQL and Redis: the pipeline end to end, a worker
killed with SIGKILL in the middle of a job, and a flushed Redis. After the sweep every check is
done exactly once and no finding is recorded twice."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEvent
from audit.services import verify_chain
from moderation.models import CheckRun, Finding, PolicyRule, RunStatus, Status, Submission
from moderation.pipeline.policy import policy_rule_save
from moderation.pipeline.services import check_runs_requeue_stale
from tests.factories import make_contributor
from tests.moderation.builders import submitted

PROJECT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(
    redis_url: str, *extra: str, queues: tuple[str, ...] = ("checks",)
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CHECK_LEASE_SECONDS": "2",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "rqworker", *queues, *extra],
        cwd=PROJECT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def finish(worker: subprocess.Popen[bytes], timeout: float = 300) -> str:
    output, _ = worker.communicate(timeout=timeout)
    text = output.decode(errors="replace")
    assert worker.returncode == 0, text
    return text


def descendants(pid: int) -> list[int]:
    """Child processes (an RQ work horse) of `pid`, read from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                children.append(int(entry.name))
    return children + [grandchild for child in children for grandchild in descendants(child)]


def kill_hard(worker: subprocess.Popen[bytes]) -> None:
    for pid in [*descendants(worker.pid), worker.pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=60)


# Generous deadlines: the suite must pass on a busy 2-core machine (two suites side by side).
def wait_for(condition: Any, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def a_backend_waits_on_a_lock() -> bool:
    """True once a session of this test database waits for a row lock: the worker, blocked."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.fixture
def contributor(postgres: None) -> User:
    return make_contributor("carla")


@pytest.fixture
def banned_word() -> PolicyRule:
    rule = PolicyRule(code="replica-goods", description="Counterfeit goods", pattern="replica watches")
    policy_rule_save(rule=rule, actor=None)
    return rule


def assert_done_once(submission: Submission) -> list[CheckRun]:
    runs = list(CheckRun.objects.filter(submission=submission).order_by("kind"))
    assert [run.kind for run in runs] == ["consent", "label", "policy"]
    assert all(run.is_finished for run in runs), [(run.kind, run.status) for run in runs]
    policy = next(run for run in runs if run.kind == "policy")
    assert list(Finding.objects.filter(run__submission=submission).values_list("code", flat=True)) == [
        "policy_match"
    ]
    assert policy.status == RunStatus.FAILED
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW
    assert (
        AuditEvent.objects.for_target("moderation.submission", submission.pk)
        .filter(action="submission.awaiting_review")
        .count()
        == 1
    )
    assert verify_chain()[1] is None
    return runs


def test_it_runs_the_pipeline_in_a_real_worker(
    contributor: User, banned_word: PolicyRule, rq_connection: Any, redis_url: str
) -> None:
    submission = submitted(contributor, title="Cheap replica watches")
    assert submission.status == Status.SUBMITTED
    finish(start_worker(redis_url, "--burst"))
    runs = assert_done_once(submission)
    assert all(run.attempts == 1 and run.worker and not run.worker.startswith("inline") for run in runs)


def test_it_recovers_from_a_worker_killed_mid_job(
    contributor: User, banned_word: PolicyRule, rq_connection: Any, redis_url: str
) -> None:
    submission = submitted(contributor, title="Cheap replica watches")
    # Hold the submission row so the worker blocks in the middle of its first job, after the claim.
    db = connection.settings_dict
    blocker = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    with blocker.cursor() as cursor:
        cursor.execute("SELECT id FROM moderation_submission WHERE id = %s FOR UPDATE", [submission.pk])
    worker = start_worker(redis_url, "--burst")
    try:
        wait_for(lambda: CheckRun.objects.filter(submission=submission, status=RunStatus.RUNNING).exists())
        wait_for(a_backend_waits_on_a_lock)  # the worker is inside its job, waiting for our lock
        kill_hard(worker)
    finally:
        blocker.rollback()
        blocker.close()
    killed = CheckRun.objects.get(submission=submission, status=RunStatus.RUNNING)
    assert killed.attempts == 1
    assert not Finding.objects.exists()

    report = check_runs_requeue_stale(now=timezone.now() + timedelta(seconds=5))
    assert (report.lease_expired, report.resent) == (1, 1)
    finish(start_worker(redis_url, "--burst"))

    runs = assert_done_once(submission)
    assert {run.kind: run.attempts for run in runs}[killed.kind] == 2


def test_it_recovers_from_a_flushed_redis(
    contributor: User, banned_word: PolicyRule, rq_connection: Any, redis_url: str
) -> None:
    submission = submitted(contributor, title="Cheap replica watches")
    rq_connection.flushdb()  # the test's own Redis database only: Redis lost every job
    report = check_runs_requeue_stale(now=timezone.now() + timedelta(minutes=1))
    assert report.resent == 3
    finish(start_worker(redis_url, "--burst"))
    runs = assert_done_once(submission)
    assert [run.attempts for run in runs] == [1, 1, 1]


def test_it_runs_the_sweep_command(contributor: User, rq_connection: Any, redis_url: str) -> None:
    submission = submitted(contributor)
    CheckRun.objects.filter(submission=submission).update(
        enqueued_at=None, created_at=timezone.now() - timedelta(hours=1)
    )
    rq_connection.flushdb()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "requeue_stale_checks", "--json"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == '{"lease_expired": 0, "resent": 3, "gave_up": 0}'


def test_it_publishes_an_approval_in_a_real_worker(
    contributor: User, rq_connection: Any, redis_url: str
) -> None:
    """Approving decides at once; a worker on the media queue publishes after the decision."""
    from moderation.models import PublicationRun, PublicationStatus, PublishedRendition
    from moderation.review.decisions import review_decide
    from tests.factories import make_user
    from tests.moderation.builders import unique_image

    moderator = make_user("mona", Role.MODERATOR)
    submission = submitted(contributor, declared_ai=True, files=[unique_image()])
    finish(start_worker(redis_url, "--burst"))
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW
    review_decide(
        submission=submission, moderator=moderator, outcome="approved", expected_version=submission.version
    )
    submission.refresh_from_db()
    run = PublicationRun.objects.get(submission=submission)
    assert (submission.status, run.status, run.enqueued_at is not None) == (
        Status.PUBLISHING,
        PublicationStatus.PENDING,
        True,
    )
    finish(start_worker(redis_url, "--burst", queues=("media",)))
    submission.refresh_from_db()
    run.refresh_from_db()
    assert (submission.status, submission.is_published) == (Status.APPROVED, True)
    assert (run.status, run.attempts) == (PublicationStatus.PUBLISHED, 1)
    assert run.worker and not run.worker.startswith("inline")
    image = PublishedRendition.objects.get(submission=submission, media__isnull=False)
    assert image.run_id == run.pk and image.file.name.startswith(run.file_prefix)
    assert verify_chain()[1] is None
