"""The outbox and its deliveries, with BACKGROUND_JOBS off (a first attempt runs after commit,
retries wait for the sweep), against a real local HTTP receiver that verifies signatures."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from integrations.models import Integration
from moderation.models import Submission
from notifications.models import Notification
from tests.moderation.builders import draft
from tests.webhooks.receiver import Receiver
from webhooks.delivery import retry_delay
from webhooks.events import emit_event
from webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.services import webhooks_requeue_stale

pytestmark = pytest.mark.django_db


def from_cms(contributor: User, integration: Integration, external_id: str = "cms-1") -> Submission:
    submission = draft(contributor)
    Submission.objects.filter(pk=submission.pk).update(integration=integration, external_id=external_id)
    submission.refresh_from_db()
    return submission


def make_due(delivery: WebhookDelivery) -> None:
    """As if the wait before the next attempt had passed (and the sweep's grace too)."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=1)
    )


def test_it_writes_nothing_for_a_submission_without_integration(alice: User, receiver: Receiver) -> None:
    assert emit_event("submission.decided", submission=draft(alice), data={}) is None
    assert not WebhookEvent.objects.exists()


def test_it_sends_a_signed_event_after_commit(
    alice: User, integration: Integration, receiver: Receiver, run_commit_hooks: Any
) -> None:
    submission = from_cms(alice, integration, "cms-981")
    with run_commit_hooks(execute=True):
        event = emit_event("submission.decided", submission=submission, data={"outcome": "rejected"})
        assert event is not None
        assert receiver.requests == []  # nothing leaves before the commit

    [request] = receiver.requests
    assert request["verified"] is True
    assert request["id"] == event.pk and event.pk.startswith("evt_")
    assert request["payload"] == {
        "type": "submission.decided",
        "timestamp": event.created_at.isoformat(),
        "data": {"submission": submission.pk, "external_id": "cms-981", "sequence": 1, "outcome": "rejected"},
    }
    assert request["headers"]["webhook-signature"].startswith("v1,")
    delivery = WebhookDelivery.objects.get(event=event)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert (attempt.status_code, attempt.response_excerpt) == (200, '{"ok": true}')


def test_it_writes_nothing_when_the_change_rolls_back(
    alice: User, integration: Integration, receiver: Receiver, run_commit_hooks: Any
) -> None:
    submission = from_cms(alice, integration)
    with run_commit_hooks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        emit_event("submission.decided", submission=submission, data={})
        raise RuntimeError("the change failed")
    assert not WebhookEvent.objects.exists()
    assert receiver.requests == []


def test_it_numbers_the_events_of_each_submission(
    alice: User, integration: Integration, receiver: Receiver, run_commit_hooks: Any
) -> None:
    first, second = from_cms(alice, integration, "a"), from_cms(alice, integration, "b")
    with run_commit_hooks(execute=True):
        for submission in (first, second, first, first, second):
            emit_event("submission.checked", submission=submission, data={})
    numbers = [
        (payload["data"]["external_id"], payload["data"]["sequence"]) for payload in receiver.applied.values()
    ]
    assert sorted(numbers) == [("a", 1), ("a", 2), ("a", 3), ("b", 1), ("b", 2)]


def test_it_sends_only_the_types_an_endpoint_wants(
    alice: User,
    integration: Integration,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    run_commit_hooks: Any,
) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(event_types=["publication.taken_down"])
    submission = from_cms(alice, integration)
    with run_commit_hooks(execute=True):
        emit_event("submission.checked", submission=submission, data={})
        emit_event("publication.taken_down", submission=submission, data={})
    assert [payload["type"] for payload in receiver.applied.values()] == ["publication.taken_down"]
    assert WebhookEvent.objects.count() == 2  # the outbox keeps both, with their numbers


def test_it_retries_a_failed_delivery_later_with_the_same_id(
    alice: User, integration: Integration, receiver: Receiver, run_commit_hooks: Any
) -> None:
    receiver.answers = [500]
    submission = from_cms(alice, integration)
    with run_commit_hooks(execute=True):
        event = emit_event("submission.checked", submission=submission, data={})
    assert event is not None
    delivery = WebhookDelivery.objects.get(event=event)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.FAILED, 1, 500)
    assert delivery.next_attempt_at is not None
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(0) < wait <= timedelta(seconds=5)
    assert WebhookAttempt.objects.get(delivery=delivery).response_excerpt == "nope"
    assert WebhookEndpoint.objects.get().failing_since is not None

    assert webhooks_requeue_stale().resent == 0  # not due yet
    make_due(delivery)
    assert webhooks_requeue_stale().resent == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert [request["id"] for request in receiver.requests] == [event.pk, event.pk]
    assert WebhookEndpoint.objects.get().failing_since is None


def test_it_backs_off_with_full_jitter(settings: Any) -> None:
    settings.WEBHOOK_RETRY_DELAYS_SECONDS = [5, 30, 120]
    for attempts, cap in [(1, 5), (2, 30), (3, 120), (9, 120)]:
        for _ in range(20):
            assert timedelta(seconds=1) <= retry_delay(attempts) <= timedelta(seconds=cap)


def test_it_gives_up_after_the_retry_period(
    alice: User, integration: Integration, receiver: Receiver, run_commit_hooks: Any
) -> None:
    receiver.answers = [500, 503]
    submission = from_cms(alice, integration)
    with run_commit_hooks(execute=True):
        event = emit_event("submission.checked", submission=submission, data={})
    assert event is not None
    WebhookEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(hours=24))
    delivery = WebhookDelivery.objects.get(event=event)
    make_due(delivery)
    webhooks_requeue_stale()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.GAVE_UP, 2, 503)


def test_it_disables_an_endpoint_failing_for_days_and_tells_its_contacts(
    alice: User, ada: User, integration: Integration, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    submission = from_cms(alice, integration)
    emit_event("submission.checked", submission=submission, data={})  # not sent: no commit here
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - timedelta(days=3, hours=1)
    )
    mail.outbox.clear()

    report = webhooks_requeue_stale()

    assert (report.disabled, report.resent) == (1, 0)
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.disabled_reason) == (False, "Every delivery failed for 3 days.")
    assert WebhookDelivery.objects.get().status == DeliveryStatus.GAVE_UP
    note = Notification.objects.get(user=ada)
    assert note.subject == f"Webhooks to {endpoint.url} were disabled"
    assert AuditEvent.objects.filter(action="webhooks.endpoint_disabled").count() == 1
    # A disabled endpoint gets no new deliveries.
    emit_event("submission.checked", submission=submission, data={})
    assert WebhookDelivery.objects.count() == 1


def test_it_keeps_a_failing_endpoint_that_is_younger_than_the_limit(
    endpoint: WebhookEndpoint,
) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - timedelta(days=2))
    assert webhooks_requeue_stale().disabled == 0


def test_it_records_a_refused_connection(
    alice: User, integration: Integration, run_commit_hooks: Any
) -> None:
    WebhookEndpoint.objects.create(integration=integration, url="http://127.0.0.1:9/nobody-listens")
    with run_commit_hooks(execute=True):
        emit_event("submission.checked", submission=from_cms(alice, integration), data={})
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None
    assert attempt.error.startswith("ConnectionRefusedError")
    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED


def test_it_runs_the_sweep_command(
    alice: User, integration: Integration, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    from io import StringIO

    from django.core.management import call_command

    event = emit_event("submission.checked", submission=from_cms(alice, integration), data={})
    assert event is not None
    make_due(WebhookDelivery.objects.get(event=event))  # its job was lost with Redis
    out = StringIO()
    call_command("requeue_stale_webhooks", "--json", stdout=out)
    assert out.getvalue().strip() == '{"lease_expired": 0, "resent": 1, "disabled": 0}'
    assert list(receiver.applied) == [event.pk]


def test_it_retries_alone_the_one_delivery_of_a_batch_that_failed(
    alice: User, integration: Integration, receiver: Receiver, run_commit_hooks: Any
) -> None:
    receiver.answers = [500]  # the batch's first POST fails, the others succeed
    submission = from_cms(alice, integration)
    with run_commit_hooks(execute=True):
        events = [emit_event("submission.checked", submission=submission, data={}) for _ in range(3)]
    first, *others = [WebhookDelivery.objects.get(event=event) for event in events]
    assert (first.status, first.attempts, first.last_status_code) == (DeliveryStatus.FAILED, 1, 500)
    assert [(other.status, other.attempts) for other in others] == [(DeliveryStatus.DELIVERED, 1)] * 2
    assert WebhookAttempt.objects.count() == 3  # one attempt row each, from one batch
    assert len(set(WebhookAttempt.objects.values_list("at", flat=True))) == 3

    make_due(first)
    assert webhooks_requeue_stale().resent == 1
    first.refresh_from_db()
    assert (first.status, first.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert [request["id"] for request in receiver.requests][-1] == first.event_id
    assert len(receiver.requests) == 4  # the others were not sent again
    assert [WebhookDelivery.objects.get(pk=other.pk).attempts for other in others] == [1, 1]


def test_it_releases_what_it_cannot_send_before_its_lease_runs_out(
    alice: User, integration: Integration, receiver: Receiver, settings: Any
) -> None:
    from webhooks.delivery import webhook_endpoint_drain

    submission = from_cms(alice, integration)
    for _ in range(3):
        emit_event("submission.checked", submission=submission, data={})  # no commit: not sent
    settings.WEBHOOK_LEASE_SECONDS = settings.WEBHOOK_TIMEOUT_SECONDS + 1  # no time for a POST
    report = webhook_endpoint_drain(endpoint_id=WebhookEndpoint.objects.get().pk, worker="test")
    assert (report.released, report.delivered) == (3, 0)
    assert receiver.requests == []
    assert set(WebhookDelivery.objects.values_list("attempts", "lease_expires_at")) == {(0, None)}
