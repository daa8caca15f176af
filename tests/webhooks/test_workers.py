"""Real `rqworker` processes (with RQ's scheduler, which runs the retries) against PostgreSQL,
Redis and a local receiver that verifies every signature and applies each event id once: a
receiver that fails, then recovers, gets every event; a worker killed with SIGKILL in the middle
of a delivery loses nothing after the sweep, and nothing is applied twice."""

import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from integrations.models import Integration
from moderation.models import Submission
from tests.factories import make_contributor
from tests.moderation.builders import draft
from tests.moderation.test_workers import database_url, finish, kill_hard, wait_for
from tests.webhooks.receiver import receiving
from webhooks.events import emit_event
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.services import webhooks_requeue_stale

PROJECT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def start_worker(redis_url: str, *extra: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "WEBHOOK_RETRY_DELAYS_SECONDS": "1",  # retries a second apart, not minutes
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "rqworker", "default", *extra],
        cwd=PROJECT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def from_cms(integration: Integration, count: int) -> list[Submission]:
    contributor: User = make_contributor("carla")
    items = []
    for number in range(count):
        submission = draft(contributor)
        Submission.objects.filter(pk=submission.pk).update(
            integration=integration, external_id=f"cms-{number}"
        )
        submission.refresh_from_db()
        items.append(submission)
    return items


def emit_many(submissions: list[Submission], per_submission: int) -> list[str]:
    ids = []
    for _round in range(per_submission):
        for submission in submissions:
            with transaction.atomic():
                event = emit_event("submission.checked", submission=submission, data={})
                assert event is not None
                ids.append(event.pk)
    return ids


def assert_ordered(applied: dict[str, dict[str, Any]]) -> None:
    by_submission: dict[int, list[int]] = {}
    for event in WebhookEvent.objects.order_by("created_at"):
        assert event.submission_id is not None
        by_submission.setdefault(event.submission_id, []).append(applied[event.pk]["data"]["sequence"])
    for numbers in by_submission.values():
        assert numbers == list(range(1, len(numbers) + 1))


def test_a_receiver_that_fails_then_recovers_gets_every_event(rq_connection: Any, redis_url: str) -> None:
    integration = Integration.objects.create(name="Daily Paper CMS")
    with receiving(answers=[500, 500, 502, 500]) as receiver:
        receiver.secret = WebhookEndpoint.objects.create(integration=integration, url=receiver.url).secret
        ids = emit_many(from_cms(integration, 2), per_submission=3)
        worker = start_worker(redis_url, "--with-scheduler")
        try:
            wait_for(lambda: len(receiver.applied) == len(ids))
        finally:
            worker.terminate()
            finish(worker)
    assert set(receiver.applied) == set(ids)
    assert receiver.duplicates == 0
    assert all(request["verified"] for request in receiver.requests)
    assert len(receiver.requests) == len(ids) + 4  # four failures, each retried once
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    assert_ordered(receiver.applied)


def test_it_loses_nothing_when_a_worker_is_killed_mid_delivery(rq_connection: Any, redis_url: str) -> None:
    integration = Integration.objects.create(name="Daily Paper CMS")
    in_flight, release = threading.Event(), threading.Event()
    held: list[str] = []

    def hold_the_first(event_id: str) -> None:
        if not held:
            held.append(event_id)
            in_flight.set()
            release.wait(timeout=300)

    with receiving(on_request=hold_the_first) as receiver:
        receiver.secret = WebhookEndpoint.objects.create(integration=integration, url=receiver.url).secret
        ids = emit_many(from_cms(integration, 2), per_submission=3)
        worker = start_worker(redis_url, "--burst")
        try:
            wait_for(in_flight.is_set)
            kill_hard(worker)  # dead in the middle of the POST: its delivery stays leased
        finally:
            release.set()  # the receiver now applies what the dead worker sent
        wait_for(lambda: held[0] in receiver.applied)
        stranded = WebhookDelivery.objects.get(event_id=held[0])
        assert (stranded.status, stranded.attempts, stranded.lease_expires_at is not None) == (
            DeliveryStatus.PENDING,
            1,
            True,
        )
        # The lease runs out (as it would WEBHOOK_LEASE_SECONDS later); Redis lost the rest too.
        WebhookDelivery.objects.filter(lease_expires_at__isnull=False).update(
            lease_expires_at=timezone.now() - timedelta(seconds=1)
        )
        rq_connection.flushdb()

        report = webhooks_requeue_stale(now=timezone.now() + timedelta(minutes=1))
        # The dead worker had claimed every due delivery in one batch: all their leases ran out.
        assert report.lease_expired == len(ids)
        assert report.resent == len(ids)  # every delivery not yet delivered
        finish(start_worker(redis_url, "--burst"))

    assert set(receiver.applied) == set(ids)  # no event id lost
    assert receiver.duplicates == 1  # the one the dead worker sent arrived twice, applied once
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    assert WebhookDelivery.objects.get(pk=stranded.pk).attempts == 2
    assert_ordered(receiver.applied)


def test_the_sweep_leaves_a_backlog_alone_and_resends_what_redis_lost(
    rq_connection: Any, redis_url: str
) -> None:
    integration = Integration.objects.create(name="Daily Paper CMS")
    WebhookEndpoint.objects.create(integration=integration, url="http://127.0.0.1:9/unused")
    emit_many(from_cms(integration, 1), per_submission=2)  # two jobs queued, no worker yet
    late = timezone.now() + timedelta(minutes=1)
    assert webhooks_requeue_stale(now=late).resent == 0  # queued behind others: not sent twice
    rq_connection.flushdb()
    assert webhooks_requeue_stale(now=late).resent == 2


def test_it_loses_nothing_when_a_worker_is_killed_mid_batch(rq_connection: Any, redis_url: str) -> None:
    """Killed at the third POST of its batch: the two sent and the one in flight arrive again
    (sent but not yet recorded), the three unsent once; each applied once."""
    integration = Integration.objects.create(name="Daily Paper CMS")
    in_flight, release = threading.Event(), threading.Event()
    seen: list[str] = []

    def hold_the_third(event_id: str) -> None:
        seen.append(event_id)
        if len(seen) == 3:
            in_flight.set()
            release.wait(timeout=300)

    with receiving(on_request=hold_the_third) as receiver:
        receiver.secret = WebhookEndpoint.objects.create(integration=integration, url=receiver.url).secret
        ids = emit_many(from_cms(integration, 2), per_submission=3)
        worker = start_worker(redis_url, "--burst")
        try:
            wait_for(in_flight.is_set)
            kill_hard(worker)
        finally:
            release.set()
        wait_for(lambda: len(receiver.applied) == 3)
        batch = WebhookDelivery.objects.filter(lease_expires_at__isnull=False, attempts=1)
        assert batch.count() == len(ids)  # one batch held them all, none recorded
        WebhookDelivery.objects.update(lease_expires_at=timezone.now() - timedelta(seconds=1))
        rq_connection.flushdb()

        report = webhooks_requeue_stale(now=timezone.now() + timedelta(minutes=1))
        assert (report.lease_expired, report.resent) == (len(ids), len(ids))
        finish(start_worker(redis_url, "--burst"))

    assert set(receiver.applied) == set(ids)  # no event id lost
    assert receiver.duplicates == 3  # the three the dead worker sent, applied once each
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.DELIVERED, 2)}
    assert_ordered(receiver.applied)


def test_two_drains_racing_send_each_event_once(rq_connection: Any, settings: Any) -> None:
    """Two drains of one endpoint at the same time (threads, each its own connection) split the
    due deliveries between them: every event is sent once, none twice."""
    from django.db import connections

    from webhooks.delivery import webhook_endpoint_drain

    settings.WEBHOOK_BATCH_SIZE = 2
    integration = Integration.objects.create(name="Daily Paper CMS")
    both_sending = threading.Barrier(2, timeout=120)
    first: list[str] = []

    def meet_the_other(event_id: str) -> None:
        if not first:
            first.append(event_id)
            both_sending.wait()  # the first POST waits until the other drain is sending too
        elif len(first) == 1:
            first.append(event_id)
            both_sending.wait()

    with receiving(on_request=meet_the_other) as receiver:
        endpoint = WebhookEndpoint.objects.create(integration=integration, url=receiver.url)
        receiver.secret = endpoint.secret
        ids = emit_many(from_cms(integration, 2), per_submission=4)  # jobs go to Redis, unread
        reports = {}

        def drain(name: str) -> None:
            try:
                reports[name] = webhook_endpoint_drain(endpoint_id=endpoint.pk, worker=name)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=drain, args=(name,)) for name in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)

    assert sorted(request["id"] for request in receiver.requests) == sorted(ids)  # each once
    assert receiver.duplicates == 0
    assert reports["a"].delivered + reports["b"].delivered == len(ids)
    assert reports["a"].delivered and reports["b"].delivered  # both took a share
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.DELIVERED, 1)}
