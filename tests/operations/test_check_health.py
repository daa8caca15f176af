"""Check health on the moderator home and the admin index: workers alive (RQ heartbeats), checks
waiting and the oldest one's age, and a banner when checks wait and no worker has been seen for a
minute. Inline mode (no Redis) has nothing to watch and says so."""

import os
import signal
from datetime import timedelta
from typing import Any

import fakeredis
import pytest
from django.test import Client
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from rq.utils import utcformat
from rq.worker import Worker

from moderation.models import CheckRun, PublicationRun, RunStatus
from operations import selectors
from operations.selectors import check_health
from operations.workers import HeartbeatWorker
from tests.factories import make_contributor
from tests.moderation.builders import submitted

HOMES = [("mod_client", "/review/"), ("senior_client", "/review/"), ("ada_client", "/admin/")]


@pytest.fixture
def waiting(db: None) -> list[CheckRun]:
    """One submission whose three checks wait, the oldest for 5 minutes."""
    item = submitted(make_contributor("carla"))
    runs = list(CheckRun.objects.filter(submission=item, status=RunStatus.PENDING))
    CheckRun.objects.filter(pk=runs[0].pk).update(created_at=timezone.now() - timedelta(minutes=5, seconds=5))
    return runs


def register_worker(connection: Any, seen_ago: timedelta, queues: tuple[str, ...] = ("checks",)) -> Worker:
    """A worker listening on `queues`, registered in Redis the way `rqworker` does it."""
    import django_rq

    worker = Worker([django_rq.get_queue(name) for name in queues], connection=connection)
    worker.register_birth()
    connection.hset(worker.key, "last_heartbeat", utcformat(timezone.now() - seen_ago))
    return worker


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("persona", "path"), HOMES)
def test_it_says_checks_run_inline_without_redis(db: None, persona: str, path: str, request: Any) -> None:
    content = page(request.getfixturevalue(persona), path)
    assert 'id="check-health-inline"' in content
    assert "Checks run inline, right after each submission is saved." in content
    assert "check-health-banner" not in content


@pytest.mark.parametrize(("persona", "path"), HOMES)
def test_it_raises_a_banner_when_checks_wait_and_no_worker_runs(
    persona: str, path: str, request: Any, waiting: list[CheckRun], rq_connection: Any
) -> None:
    content = page(request.getfixturevalue(persona), path)
    assert 'id="check-health-banner"' in content
    assert "Checks are not running." in content
    assert "3 checks waiting, the oldest for 5\xa0minutes, and no worker is running." in content
    assert "No worker is running" in content


def test_it_shows_a_live_worker_and_no_banner(
    mod_client: Client, waiting: list[CheckRun], rq_connection: Any
) -> None:
    register_worker(rq_connection, seen_ago=timedelta(seconds=5))
    content = page(mod_client, "/review/")
    assert "check-health-banner" not in content
    assert "1 worker alive, last seen 0\xa0minutes ago" in content
    assert "3 checks waiting, the oldest for 5\xa0minutes" in content


def test_it_raises_the_banner_when_the_worker_went_silent_for_a_minute(
    ada_client: Client, waiting: list[CheckRun], rq_connection: Any
) -> None:
    register_worker(rq_connection, seen_ago=timedelta(minutes=2, seconds=1))
    content = page(ada_client, "/admin/")
    assert "and no worker has been seen for 2\xa0minutes." in content
    assert "No worker seen for 2\xa0minutes" in content


def test_it_raises_no_banner_for_a_silent_worker_when_nothing_waits(
    mod_client: Client, rq_connection: Any
) -> None:
    register_worker(rq_connection, seen_ago=timedelta(minutes=10))
    content = page(mod_client, "/review/")
    assert "check-health-banner" not in content
    assert "0 checks waiting" in content


def test_it_says_when_redis_does_not_answer(
    mod_client: Client, rq_connection: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused() -> list[Any]:
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(selectors, "queue_worker_heartbeats", refused)
    content = page(mod_client, "/review/")
    assert "Redis does not answer, so new checks cannot reach the workers." in content


def test_it_shows_nothing_to_contributors(alice_client: Client, rq_connection: Any) -> None:
    register_worker(rq_connection, seen_ago=timedelta(minutes=10))
    assert "check-health" not in page(alice_client, "/accounts/me/")


def test_it_reads_health_in_one_query(
    waiting: list[CheckRun], rq_connection: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        health = check_health()
    assert (health.waiting, health.workers, health.stalled) == (3, 0, True)
    assert health.oldest_wait is not None and health.oldest_wait >= timedelta(minutes=5)
    assert [(q.name, q.waiting, q.stalled) for q in health.queues] == [
        ("default", 0, False),
        ("checks", 3, True),
        ("media", 0, False),
    ]
    assert [q.name for q in health.stalled_queues] == ["checks"]


def on_the_media_queue(run: CheckRun) -> PublicationRun:
    """The visible-mark OCR of one run, and a publication run: both wait on the media queue."""
    CheckRun.objects.filter(pk=run.pk).update(
        kind="visible", created_at=timezone.now() - timedelta(minutes=7)
    )
    return PublicationRun.objects.create(
        submission=run.submission, revision=run.revision, tier="none", created_at=timezone.now()
    )


@pytest.mark.parametrize(("persona", "path"), HOMES)
def test_it_raises_the_banner_for_the_media_queue_without_a_worker_serving_it(
    persona: str, path: str, request: Any, waiting: list[CheckRun], rq_connection: Any
) -> None:
    register_worker(rq_connection, seen_ago=timedelta(seconds=5), queues=("checks", "default"))
    on_the_media_queue(waiting[0])
    health = check_health()
    assert health.waiting == 3  # check runs, whichever queue
    media = health.queue("media")
    assert media is not None and (media.waiting, media.workers, media.stalled) == (2, 0, True)
    assert media.oldest_wait is not None and media.oldest_wait >= timedelta(minutes=7)
    checks = health.queue("checks")
    assert checks is not None and (checks.waiting, checks.workers, checks.stalled) == (2, 1, False)
    content = page(request.getfixturevalue(persona), path)
    assert 'id="check-health-banner"' in content and 'id="check-health-stalled-media"' in content
    assert "OCR and video jobs are not running." in content
    assert (
        "2 jobs waiting on the “media” queue, the oldest for 7\xa0minutes, and no worker serves it."
        in content
    )
    assert "Checks are not running." not in content
    assert 'id="check-health-queue-media"' in content


def test_a_worker_serving_every_queue_is_counted_once_and_lifts_the_banner(
    mod_client: Client, waiting: list[CheckRun], rq_connection: Any
) -> None:
    register_worker(rq_connection, seen_ago=timedelta(seconds=5), queues=("checks", "media", "default"))
    on_the_media_queue(waiting[0])
    health = check_health()
    assert health.workers == 1 and not health.stalled
    assert [q.workers for q in health.queues] == [1, 1, 1]
    assert "check-health-banner" not in page(mod_client, "/review/")


def test_a_media_worker_silent_for_a_minute_raises_the_banner(
    mod_client: Client, waiting: list[CheckRun], rq_connection: Any
) -> None:
    register_worker(rq_connection, seen_ago=timedelta(seconds=5), queues=("checks", "default"))
    register_worker(rq_connection, seen_ago=timedelta(minutes=3, seconds=1), queues=("media",))
    on_the_media_queue(waiting[0])
    content = page(mod_client, "/review/")
    assert "OCR and video jobs are not running." in content
    assert "and no worker serving it has been seen for 3\xa0minutes." in content


def test_jobs_waiting_on_the_default_queue_count_too(mod_client: Client, rq_connection: Any) -> None:
    import django_rq

    django_rq.get_queue("default").enqueue("oversight.jobs.send_statements")
    register_worker(rq_connection, seen_ago=timedelta(seconds=5), queues=("checks", "media"))
    health = check_health()
    default = health.queue("default")
    assert default is not None and (default.waiting, default.stalled) == (1, True)
    assert default.oldest_wait is not None and default.oldest_wait < timedelta(minutes=1)
    content = page(mod_client, "/review/")
    assert "Background jobs are not running." in content
    assert "1 job waiting on the “default” queue" in content
    register_worker(rq_connection, seen_ago=timedelta(seconds=1), queues=("default",))
    assert "check-health-banner" not in page(mod_client, "/review/")


def test_it_makes_an_idle_worker_report_in_every_15_seconds(settings: Any) -> None:
    settings.WORKER_HEARTBEAT_SECONDS = 15
    connection = fakeredis.FakeRedis()  # never used: the workers only compute their timeouts
    assert HeartbeatWorker(["checks"], connection=connection).dequeue_timeout == 15
    assert Worker(["checks"], connection=connection).dequeue_timeout == 405  # RQ's: 420 s TTL less 15


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_sees_a_real_rqworker_come_and_go(postgres: None, redis_url: str, rq_connection: Any) -> None:
    from rq.worker import Worker

    from tests.moderation.test_workers import start_worker, wait_for

    def listening() -> bool:
        """Idle, waiting for jobs: past RQ's start-up, so its SIGTERM handler is installed (a SIGTERM
        between its registration and that moment kills it before it can unregister)."""
        return any(w.get_state() == "idle" for w in Worker.all(connection=rq_connection))

    worker = start_worker(redis_url)
    try:
        wait_for(lambda: check_health().worker_alive and listening())
        assert check_health().workers == 1
    finally:
        os.killpg(worker.pid, signal.SIGTERM)  # a warm shutdown: RQ unregisters the worker
        worker.communicate(timeout=120)
    wait_for(lambda: check_health().workers == 0)
