"""Retention of webhook delivery logs (record type "webhook_deliveries"): finished events past the
period go with their deliveries and attempts, audited and never under the floor; an event still to
be sent stays, and the sweep and the admin pages keep working with what stays."""

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from integrations.models import Integration
from operations.retention import RetentionFloorError, records_purge
from tests.concurrency import run_while_held
from tests.webhooks.receiver import Receiver
from webhooks import retention
from webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.services import webhooks_requeue_stale

pytestmark = pytest.mark.django_db


@pytest.fixture
def days(settings: Any) -> int:
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "webhook_deliveries": 183}
    return 183


@pytest.fixture
def hook(integration: Integration) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(integration=integration, url="https://cms.example/hooks")


def event(
    endpoint: WebhookEndpoint, days_ago: int, *statuses: str, attempt_days_ago: int | None = None
) -> WebhookEvent:
    """An event `days_ago` old with one delivery per status (to endpoints of its own) and one
    attempt per delivery, made when the event was unless `attempt_days_ago` says otherwise."""
    at = timezone.now() - timedelta(days=days_ago)
    row = WebhookEvent.objects.create(
        integration=endpoint.integration, type="webhook.test", payload={"type": "webhook.test"}, created_at=at
    )
    for n, status in enumerate(statuses):
        target = endpoint
        if n:
            target = WebhookEndpoint.objects.create(
                integration=endpoint.integration, url=f"{endpoint.url}/{n}"
            )
        delivery = WebhookDelivery.objects.create(
            event=row,
            endpoint=target,
            status=status,
            attempts=1,
            created_at=at,
            next_attempt_at=at if status in (DeliveryStatus.PENDING, DeliveryStatus.FAILED) else None,
            delivered_at=at if status == DeliveryStatus.DELIVERED else None,
        )
        moment = at if attempt_days_ago is None else timezone.now() - timedelta(days=attempt_days_ago)
        WebhookAttempt.objects.create(delivery=delivery, at=moment, status_code=200)
    return row


def ids() -> set[str]:
    return set(WebhookEvent.objects.values_list("pk", flat=True))


def test_it_purges_finished_old_events_with_their_deliveries_and_attempts(
    hook: WebhookEndpoint, days: int
) -> None:
    delivered = event(hook, 200, DeliveryStatus.DELIVERED)
    given_up = event(hook, 200, DeliveryStatus.GAVE_UP, DeliveryStatus.DELIVERED)
    no_endpoint = event(hook, 200)  # nobody subscribed: nothing was ever to be sent
    pending = event(hook, 400, DeliveryStatus.PENDING)
    retrying = event(hook, 400, DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)
    young = event(hook, 180, DeliveryStatus.DELIVERED)
    resent = event(hook, 200, DeliveryStatus.DELIVERED, attempt_days_ago=10)  # sent again from the admin

    [result] = records_purge(record_types=["webhook_deliveries"])

    assert result.removed == 3
    assert ids() == {pending.pk, retrying.pk, young.pk, resent.pk}
    gone = [delivered.pk, given_up.pk, no_endpoint.pk]
    assert not WebhookDelivery.objects.filter(event_id__in=gone).exists()
    assert WebhookDelivery.objects.count() == 5  # pending 1, retrying 2, young 1, resent 1
    assert WebhookAttempt.objects.count() == 5
    assert result.notes == ["with 3 deliveries and 3 attempts"]
    audit = AuditEvent.objects.get(action="retention.purged")
    assert audit.target_id == "webhook_deliveries"
    assert audit.details["removed"] == 3 and audit.details["retention_days"] == days
    first, last = sorted(gone)[::2]
    assert audit.details["notes"] == [f"events {first} to {last}, with 3 deliveries and 3 attempts"]


def test_it_purges_in_audited_batches(hook: WebhookEndpoint, days: int, monkeypatch: Any) -> None:
    monkeypatch.setattr(retention, "BATCH", 2)
    for _ in range(5):
        event(hook, 300, DeliveryStatus.DELIVERED)
    [result] = records_purge(record_types=["webhook_deliveries"])
    assert result.removed == 5 and not WebhookEvent.objects.exists()
    batches = AuditEvent.objects.filter(action="retention.purged").order_by("id")
    assert [audit.details["removed"] for audit in batches] == [2, 2, 1]


def test_a_dry_run_changes_nothing(hook: WebhookEndpoint, days: int) -> None:
    event(hook, 300, DeliveryStatus.DELIVERED)
    [result] = records_purge(record_types=["webhook_deliveries"], dry_run=True)
    assert result.removed == 1 and WebhookEvent.objects.count() == 1
    assert not AuditEvent.objects.filter(action="retention.purged").exists()


def test_it_respects_the_floor(hook: WebhookEndpoint, settings: Any) -> None:
    young = event(hook, 100, DeliveryStatus.DELIVERED)
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "webhook_deliveries": 90}
    with pytest.raises(RetentionFloorError):
        records_purge(record_types=["webhook_deliveries"])
    # Even handed a cutoff inside the floor by mistake, the purger refuses and removes nothing.
    now = timezone.now()
    with pytest.raises(RetentionFloorError):
        retention.purge_webhook_deliveries(now - timedelta(days=90), now, False)
    assert ids() == {young.pk}
    assert not AuditEvent.objects.filter(action="retention.purged").exists()


def test_zero_keeps_them_forever(hook: WebhookEndpoint, settings: Any) -> None:
    old = event(hook, 3000, DeliveryStatus.DELIVERED)
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "webhook_deliveries": 0}
    [result] = records_purge(record_types=["webhook_deliveries"])
    assert result.removed == 0 and ids() == {old.pk}


def test_the_command_purges_the_type(hook: WebhookEndpoint, days: int) -> None:
    old = event(hook, 300, DeliveryStatus.GAVE_UP)
    kept = event(hook, 300, DeliveryStatus.FAILED)
    out = StringIO()
    call_command("purge_expired_records", "--type", "webhook_deliveries", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "webhook_deliveries: would remove 1"
    out = StringIO()
    call_command("purge_expired_records", "--type", "webhook_deliveries", stdout=out)
    assert out.getvalue().strip() == "webhook_deliveries: removed 1 (with 1 deliveries and 1 attempts)"
    assert ids() == {kept.pk}
    assert not WebhookDelivery.objects.filter(event_id=old.pk).exists()


def test_the_sweep_still_sends_an_old_event_that_is_due(
    integration: Integration, endpoint: WebhookEndpoint, receiver: Receiver, days: int
) -> None:
    stuck = event(endpoint, 300, DeliveryStatus.FAILED)
    event(endpoint, 300, DeliveryStatus.DELIVERED)
    [result] = records_purge(record_types=["webhook_deliveries"])
    assert result.removed == 1
    assert webhooks_requeue_stale().resent == 1
    assert list(receiver.applied) == [stuck.pk]
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_the_admin_pages_show_what_stays(ada_client: Client, hook: WebhookEndpoint, days: int) -> None:
    event(hook, 300, DeliveryStatus.DELIVERED)
    kept = event(hook, 300, DeliveryStatus.PENDING)
    records_purge(record_types=["webhook_deliveries"])
    delivery = WebhookDelivery.objects.get()
    for page in (
        reverse("admin:webhooks_webhookevent_changelist"),
        reverse("admin:webhooks_webhookevent_change", args=[kept.pk]),
        reverse("admin:webhooks_webhookdelivery_changelist"),
        reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk]),
        reverse("admin:webhooks_webhookendpoint_attempts", args=[hook.pk]),
    ):
        response = ada_client.get(page)
        assert response.status_code == 200, page
        assert kept.pk in response.content.decode(), page


def test_the_cutoff_is_the_retention_period(hook: WebhookEndpoint, settings: Any) -> None:
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "webhook_deliveries": 365}
    inside = event(hook, 364, DeliveryStatus.DELIVERED)
    event(hook, 366, DeliveryStatus.DELIVERED)
    [result] = records_purge(record_types=["webhook_deliveries"])
    assert result.removed == 1 and ids() == {inside.pk}


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_event_sent_again_while_the_purge_runs_stays(
    postgres: None, hook: WebhookEndpoint, days: int
) -> None:
    """The admin's "send again" reopens a given-up delivery of an old event and has not committed
    when the purge picks the event: the purge waits on the delivery's row, sees it reopened, and
    keeps the event."""
    old = event(hook, 300, DeliveryStatus.GAVE_UP)
    results: list[Any] = []

    def send_again() -> None:
        WebhookDelivery.objects.filter(event=old).update(
            status=DeliveryStatus.PENDING, next_attempt_at=timezone.now()
        )

    assert run_while_held(
        send_again, lambda: results.extend(records_purge(record_types=["webhook_deliveries"]))
    )
    assert [result.removed for result in results] == [0]
    assert ids() == {old.pk}
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING
