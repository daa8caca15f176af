"""One attempt at a delivery: claim, sign, POST, record, and schedule the next try.

Steps of `webhook_delivery_attempt`:
1. claim with a conditional update: an open delivery (pending or failed), due, and not held by a
   live lease; the claim takes a lease and counts the attempt. Of two jobs for one delivery only
   one sends at a time; a job for a delivery already delivered, or not yet due, does nothing.
2. sign the event's body (the same bytes and the same webhook-id on every attempt) with the
   endpoint's secret and the attempt's timestamp, and POST it outside any transaction;
3. in one transaction: the WebhookAttempt row; the delivery delivered (2xx), or failed with its
   next attempt after a random wait up to the schedule's step (full jitter), or given up once
   WEBHOOK_RETRY_HOURS have passed since the event; the endpoint's failing_since. Only the
   holder of the lease (same attempt count) changes the delivery.
4. after commit, the retry is scheduled on RQ (`enqueue_in`); the sweep resends it if it is lost.
"""

import json
import random
from datetime import datetime, timedelta

import standardwebhooks
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from webhooks.dispatch import send_on_commit
from webhooks.models import (
    OPEN_STATUSES,
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from webhooks.sender import Answer, post

USER_AGENT = "Provenant-Webhooks/1"


def event_body(event: WebhookEvent) -> str:
    """The JSON sent: keys sorted, so every attempt sends the same bytes."""
    return json.dumps(event.payload, sort_keys=True, separators=(",", ":"))


def signed_headers(
    *, event_id: str, body: str, secret: str, at: datetime, previous_secret: str = ""
) -> dict[str, str]:
    """The Standard Webhooks headers; with a previous secret (a rotation under way), a second
    signature made with it, space-separated, so a receiver still on the old secret verifies."""
    secrets = [secret, previous_secret] if previous_secret else [secret]
    signatures = [standardwebhooks.Webhook(key).sign(event_id, at, body) for key in secrets]
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def retry_delay(attempts: int) -> timedelta:
    """The wait before attempt `attempts + 1`: random up to the schedule's step (full jitter)."""
    steps = settings.WEBHOOK_RETRY_DELAYS_SECONDS
    cap = steps[min(attempts - 1, len(steps) - 1)]
    return timedelta(seconds=max(1.0, random.uniform(0, cap)))


# RQ's scheduler keeps whole seconds (it floors the due time): a retry may start up to a second early.
SCHEDULER_SLACK = timedelta(seconds=2)


def claim(delivery_id: int, *, now: datetime) -> bool:
    return bool(
        WebhookDelivery.objects.filter(
            pk=delivery_id, status__in=OPEN_STATUSES, next_attempt_at__lte=now + SCHEDULER_SLACK
        )
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .update(
            lease_expires_at=now + timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    )


def webhook_delivery_attempt(*, delivery_id: int, worker: str) -> str:
    """Try one delivery once; see the module docstring. Returns what happened."""
    if not claim(delivery_id, now=timezone.now()):
        return "skipped: not due, held, or closed"
    delivery = WebhookDelivery.objects.select_related("event", "endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        return _record(delivery, Answer(None, "", "The endpoint is disabled.", 0), worker, give_up=True)
    body = event_body(delivery.event)
    now = timezone.now()
    rotating = endpoint.previous_secret_expires_at is not None and endpoint.previous_secret_expires_at > now
    headers = signed_headers(
        event_id=delivery.event_id,
        body=body,
        secret=endpoint.secret,
        at=now,
        previous_secret=endpoint.previous_secret if rotating else "",
    )
    answer = post(
        endpoint.url,
        body.encode(),
        headers,
        connect_timeout=settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS,
        timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
    )
    return _record(delivery, answer, worker)


@transaction.atomic
def _record(delivery: WebhookDelivery, answer: Answer, worker: str, *, give_up: bool = False) -> str:
    now = timezone.now()
    WebhookAttempt.objects.create(
        delivery=delivery,
        at=now,
        status_code=answer.status_code,
        latency_ms=answer.latency_ms,
        response_excerpt=answer.excerpt[:1024],
        error=answer.error[:500],
        worker=worker[:200],
    )
    mine = WebhookDelivery.objects.filter(
        pk=delivery.pk, attempts=delivery.attempts, status__in=OPEN_STATUSES
    )
    common = {
        "lease_expires_at": None,
        "last_status_code": answer.status_code,
        "last_error": answer.error[:500],
    }
    if answer.ok:
        if not mine.update(status=DeliveryStatus.DELIVERED, delivered_at=now, next_attempt_at=None, **common):
            return "delivered, but the lease was lost to another attempt"
        if delivery.endpoint.failing_since is not None:
            WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(failing_since=None)
        return "delivered"
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, failing_since__isnull=True).update(
        failing_since=now
    )
    outcome = answer.error or f"HTTP {answer.status_code}"
    if give_up or now - delivery.event.created_at >= timedelta(hours=settings.WEBHOOK_RETRY_HOURS):
        mine.update(status=DeliveryStatus.GAVE_UP, next_attempt_at=None, **common)
        return f"gave up: {outcome}"
    delay = retry_delay(delivery.attempts)
    if mine.update(status=DeliveryStatus.FAILED, next_attempt_at=now + delay, **common):
        send_on_commit([(delivery.pk, delivery.attempts)], delay=delay)
    return f"failed: {outcome}; next attempt in {int(delay.total_seconds())} s"
