"""Retention of webhook delivery logs (R31, record type "webhook_deliveries"): an event whose every
delivery has ended (delivered, or given up) goes with its deliveries and their attempts once it is
older than RETENTION_WEBHOOK_DELIVERIES_DAYS and none of its attempts is younger. An event with a
delivery still pending or failed (to be retried) is never purged, whatever its age: the sweep and
the workers still need it. Floor-checked and audited per batch like every purge
(operations.retention)."""

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, QuerySet

from operations.retention import PurgeResult, _audit_purge, register, require_past_floor
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
    """Steps per batch of BATCH events, each in its own transaction: pick finished events; lock
    their deliveries (an admin's "send again" waits, or has already reopened one, which the next
    query sees and keeps); check the floor; delete the events (their deliveries and attempts
    cascade); audit what went."""
    finished = finished_events(cutoff)
    total = PurgeResult(RECORD_TYPE, cutoff)
    bounds = finished.aggregate(oldest=Min("created_at"), newest=Max("created_at"))
    total.oldest, total.newest = bounds["oldest"], bounds["newest"]
    require_past_floor(RECORD_TYPE, total.newest, now)
    if dry_run:
        total.removed = finished.count()
        return total
    deliveries = attempts = 0
    while True:
        with transaction.atomic():
            ids = list(finished.order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not ids:
                break
            # A "send again" committed meanwhile is seen by the next query; a later one waits.
            list(WebhookDelivery.objects.select_for_update().filter(event_id__in=ids).values_list("pk"))
            batch = finished.filter(pk__in=ids)
            span = batch.aggregate(oldest=Min("created_at"), newest=Max("created_at"))
            require_past_floor(RECORD_TYPE, span["newest"], now)
            _count, by_model = batch.delete()
            removed = by_model.get(WebhookEvent._meta.label, 0)
            part = PurgeResult(RECORD_TYPE, cutoff, removed, span["oldest"], span["newest"])
            part.notes.append(
                f"events {ids[0]} to {ids[-1]}, with {by_model.get(WebhookDelivery._meta.label, 0)} "
                f"deliveries and {by_model.get(WebhookAttempt._meta.label, 0)} attempts"
            )
            _audit_purge(part)
            total.removed += removed
            deliveries += by_model.get(WebhookDelivery._meta.label, 0)
            attempts += by_model.get(WebhookAttempt._meta.label, 0)
    if total.removed:
        total.notes.append(f"with {deliveries} deliveries and {attempts} attempts")
    return total
