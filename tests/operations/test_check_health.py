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

from moderation.models import CheckRun, RunStatus
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


def register_worker(connection: Any, seen_ago: timedelta) -> Worker:
    """A worker listening on the checks queue, registered in Redis the way `rqworker` does it."""
    import django_rq

    worker = Worker([django_rq.get_queue("checks")], connection=connection)
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

    monkeypatch.setattr(selectors, "checks_worker_heartbeats", refused)
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
