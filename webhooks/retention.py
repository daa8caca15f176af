"""Retention of webhook delivery logs (R31, record type "webhook_deliveries"): an event whose every
delivery has ended (delivered, or given up) goes with its deliveries and their attempts once it is
older than RETENTION_WEBHOOK_DELIVERIES_DAYS and none of its attempts is younger. An event with a
delivery still pending or failed (to be retried) is never purged, whatever its age: the sweep and
the workers still need it. Floor-checked and audited per batch like every purge
(operations.retention)."""

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet

from operations.retention import PurgeResult, purge_in_batches, register
from webhooks.models import OPEN_STATUSES, WebhookAttempt, WebhookDelivery, WebhookEvent

RECORD_TYPE = "webhook_deliveries"
BATCH = 5000


def finished_events(cutoff: datetime) -> QuerySet[WebhookEvent]:
    """Events from before the cutoff with no delivery still open and no attempt since the cutoff
    (one sent again from the admin stays until that attempt is old too)."""
    open_delivery = WebhookDelivery.objects.filter(event_id=OuterRef("pk"), status__in=OPEN_STATUSES)
    recent_attempt = WebhookAttempt.objects.filter(delivery__event_id=OuterRef("pk"), at__gte=cutoff)
    return (
        WebhookEvent.objects.filter(created_at__lt=cutoff)
        .exclude(Exists(open_delivery))
        .exclude(Exists(recent_attempt))
    )


@register(RECORD_TYPE)
def purge_webhook_deliveries(cutoff: datetime, now: datetime, dry_run: bool) -> PurgeResult:
    """Per batch of finished events, in its own transaction: lock their deliveries (an admin's
    "send again" waits, or has already reopened one, which the batch's query then leaves out);
    delete the events (their deliveries and attempts cascade); audit what went."""
    cascaded = {"deliveries": 0, "attempts": 0}

    def lock_deliveries(ids: list[int]) -> None:
        list(WebhookDelivery.objects.select_for_update().filter(event__pk__in=ids).values_list("pk"))

    def delete(batch: QuerySet, ids: list[int]) -> tuple[int, str]:
        _count, by_model = batch.delete()
        deliveries = by_model.get(WebhookDelivery._meta.label, 0)
        attempts = by_model.get(WebhookAttempt._meta.label, 0)
        cascaded["deliveries"] += deliveries
        cascaded["attempts"] += attempts
        note = f"events {ids[0]} to {ids[-1]}, with {deliveries} deliveries and {attempts} attempts"
        return by_model.get(WebhookEvent._meta.label, 0), note

    total = purge_in_batches(
        finished_events(cutoff),
        "created_at",
        RECORD_TYPE,
        cutoff,
        now,
        dry_run,
        delete,
        lock=lock_deliveries,
        batch_size=BATCH,
    )
    if total.removed and not dry_run:
        total.notes.append(f"with {cascaded['deliveries']} deliveries and {cascaded['attempts']} attempts")
    return total
