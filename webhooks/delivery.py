"""Deliveries to one endpoint, in batches: claim, sign, POST, record, and schedule the retries.

Steps of `webhook_endpoint_drain` (a drain job; webhooks/dispatch.py says when one runs):
1. claim a batch, up to WEBHOOK_BATCH_SIZE, in one conditional UPDATE … RETURNING: the
   endpoint's open deliveries (pending or failed), due, and not held by a live lease, oldest
   first; the claim takes a lease (the same timestamp for the whole batch: it fences the batch's
   writes) and counts an attempt on each. On PostgreSQL the candidates are locked with SKIP
   LOCKED, so two drains of one endpoint split the work; a delivery is claimed by one at a time.
2. sign each event's body (the same bytes and the same webhook-id on every attempt) with the
   endpoint's secret and the attempt's timestamp, and POST it, one after the other on a kept-alive
   connection, outside any transaction. A POST starts only if it can end before the lease does;
   the deliveries left are released (their attempt uncounted) for the next drain.
3. in one transaction: an attempt row per POST; each delivery delivered (2xx), or failed with its
   next attempt after a random wait up to the schedule's step (full jitter), or given up once
   WEBHOOK_RETRY_HOURS have passed since the event; the endpoint's failing_since after the batch's
   last answer. Only the holder of the lease (same lease timestamp) changes a delivery: one that
   fails retries alone, the rest of its batch is delivered.
4. after commit, each retry is scheduled on RQ (`enqueue_in`); the sweep resends it if it is lost.
5. claim again while batches come full, until WEBHOOK_LEASE_SECONDS have passed: then another
   drain is sent for the rest. (A delivery committed after the claim has its own drain sent.)
A worker killed mid-batch leaves its batch leased: the sweep resends it once the lease has run out
(the POSTs already made arrive again; at least once, with the same webhook-id).
"""

import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import standardwebhooks
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from webhooks.dispatch import drain, drain_on_commit, retry_on_commit
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
    return body_of(event.payload)


def body_of(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


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
# A POST starts only if it can end (WEBHOOK_TIMEOUT_SECONDS) this long before its lease does.
LEASE_MARGIN = 2.0


@dataclass
class Claimed:
    delivery_id: int
    attempts: int  # counting this one
    event_id: str
    payload: dict[str, Any] = field(default_factory=dict)
    event_created_at: datetime | None = None


@dataclass
class DrainReport:
    delivered: int = 0
    failed: int = 0
    gave_up: int = 0
    released: int = 0
    lost_lease: int = 0
    batches: int = 0

    def __str__(self) -> str:
        return ", ".join(f"{name} {value}" for name, value in vars(self).items() if value) or "nothing due"


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def claim_batch(
    *, endpoint_id: int, now: datetime, lease: datetime, limit: int, early: timedelta = timedelta(0)
) -> list[Claimed]:
    """Step 1: one UPDATE … RETURNING; the rows it returns are this batch's, oldest first.
    `early`: also what is due that much later (a retry's job, which RQ may start early)."""
    table = _table(WebhookDelivery)
    due = now + early
    skip_locked = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    # The conditions again outside the subquery: without row locks (SQLite) the update re-checks.
    open_due = (
        "status IN (%s, %s) AND next_attempt_at <= %s AND (lease_expires_at IS NULL OR lease_expires_at < %s)"
    )
    condition: list[Any] = [*(str(status) for status in OPEN_STATUSES), due, now]
    with connection.cursor() as cursor:
        # A materialized CTE: evaluated once. As `id IN (subquery … LIMIT)` the planner may scan
        # the subquery again for each row, and with SKIP LOCKED each scan finds other rows.
        cursor.execute(
            f"WITH batch AS MATERIALIZED (SELECT id FROM {table} WHERE endpoint_id = %s AND {open_due}"
            f" ORDER BY next_attempt_at, id LIMIT %s{skip_locked})"
            f" UPDATE {table} SET lease_expires_at = %s, attempts = attempts + 1"
            f" WHERE id IN (SELECT id FROM batch) AND {open_due}"
            " RETURNING id, attempts, event_id, next_attempt_at",
            [endpoint_id, *condition, limit, lease, *condition],
        )
        rows = sorted(cursor.fetchall(), key=lambda row: (row[3], row[0]))
    claimed = [Claimed(delivery_id=row[0], attempts=row[1], event_id=row[2]) for row in rows]
    events = WebhookEvent.objects.filter(pk__in=[item.event_id for item in claimed]).values_list(
        "pk", "payload", "created_at"
    )
    by_id = {pk: (payload, created_at) for pk, payload, created_at in events}
    for item in claimed:
        item.payload, item.event_created_at = by_id[item.event_id]
    return claimed


def webhook_endpoint_drain(*, endpoint_id: int, worker: str, retry: bool = False) -> DrainReport:
    """Send every due delivery of the endpoint, in batches; see the module docstring. A retry's
    drain (`retry`) first claims what is due within SCHEDULER_SLACK too; only the first batch,
    or a delivery that just failed would be tried again at once."""
    report = DrainReport()
    early = SCHEDULER_SLACK if retry else timedelta(0)
    started = time.monotonic()
    lease_seconds = settings.WEBHOOK_LEASE_SECONDS
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        return report
    while True:
        if time.monotonic() - started > lease_seconds:
            # Long enough for one job: the rest goes to a fresh drain (another worker may take
            # it); without Redis, to the sweep.
            if settings.BACKGROUND_JOBS:
                drain([endpoint_id], force=True)
            return report
        now = timezone.now()
        lease = now + timedelta(seconds=lease_seconds)
        lease_ends = time.monotonic() + lease_seconds
        limit = settings.WEBHOOK_BATCH_SIZE
        batch = claim_batch(endpoint_id=endpoint_id, now=now, lease=lease, limit=limit, early=early)
        early = timedelta(0)
        if not batch:
            return report
        report.batches += 1
        answers: list[tuple[Claimed, Answer, datetime]] = []
        for item in batch:
            if time.monotonic() + settings.WEBHOOK_TIMEOUT_SECONDS + LEASE_MARGIN > lease_ends:
                break  # the rest is released below
            if not endpoint.is_active:
                answer = Answer(None, "", "The endpoint is disabled.", 0)
            else:
                answer = _send(endpoint, item)
            answers.append((item, answer, timezone.now()))
        released = batch[len(answers) :]
        _record(endpoint, answers, released, lease=lease, worker=worker, report=report)
        if released:
            return report  # a fresh drain takes them (or, without Redis, the sweep)
        if len(batch) < limit:
            # All that was due is done; what was committed since has sent a drain of its own
            # (this one deleted the marker before claiming).
            return report


def _send(endpoint: WebhookEndpoint, item: Claimed) -> Answer:
    body = body_of(item.payload)
    now = timezone.now()
    rotating = endpoint.previous_secret_expires_at is not None and endpoint.previous_secret_expires_at > now
    headers = signed_headers(
        event_id=item.event_id,
        body=body,
        secret=endpoint.secret,
        at=now,
        previous_secret=endpoint.previous_secret if rotating else "",
    )
    return post(
        endpoint.url,
        body.encode(),
        headers,
        connect_timeout=settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS,
        timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
    )


@transaction.atomic
def _record(
    endpoint: WebhookEndpoint,
    answers: list[tuple[Claimed, Answer, datetime]],
    released: list[Claimed],
    *,
    lease: datetime,
    worker: str,
    report: DrainReport,
) -> None:
    """Step 3, for a whole batch: one INSERT of the attempts, one UPDATE per outcome."""
    WebhookAttempt.objects.bulk_create(
        [
            WebhookAttempt(
                delivery_id=item.delivery_id,
                at=at,
                status_code=answer.status_code,
                latency_ms=answer.latency_ms,
                response_excerpt=answer.excerpt[:1024],
                error=answer.error[:500],
                worker=worker[:200],
            )
            for item, answer, at in answers
        ]
    )
    # Ours while the lease is the one this batch's claim took.
    mine = WebhookDelivery.objects.filter(lease_expires_at=lease, status__in=OPEN_STATUSES)
    delivered: dict[int, list[int]] = defaultdict(list)  # status code -> delivery ids
    delivered_at = timezone.now()
    for item, answer, at in answers:
        if answer.ok:
            assert answer.status_code is not None
            delivered[answer.status_code].append(item.delivery_id)
            continue
        common = {
            "lease_expires_at": None,
            "last_status_code": answer.status_code,
            "last_error": answer.error[:500],
        }
        assert item.event_created_at is not None
        disabled = not endpoint.is_active
        if disabled or at - item.event_created_at >= timedelta(hours=settings.WEBHOOK_RETRY_HOURS):
            report.gave_up += mine.filter(pk=item.delivery_id).update(
                status=DeliveryStatus.GAVE_UP, next_attempt_at=None, **common
            )
            continue
        delay = retry_delay(item.attempts)
        failed = mine.filter(pk=item.delivery_id)
        if failed.update(status=DeliveryStatus.FAILED, next_attempt_at=at + delay, **common):
            report.failed += 1
            retry_on_commit(endpoint.pk, item.delivery_id, item.attempts, delay=delay)
        else:
            report.lost_lease += 1
    for status_code, ids in delivered.items():
        done = mine.filter(pk__in=ids).update(
            status=DeliveryStatus.DELIVERED,
            delivered_at=delivered_at,
            next_attempt_at=None,
            lease_expires_at=None,
            last_status_code=status_code,
            last_error="",
        )
        report.delivered += done
        report.lost_lease += len(ids) - done
    if released:
        report.released += mine.filter(pk__in=[item.delivery_id for item in released]).update(
            lease_expires_at=None, attempts=F("attempts") - 1
        )
        if settings.BACKGROUND_JOBS:
            drain_on_commit([endpoint.pk])
    if answers and endpoint.is_active:
        # As if one attempt after the other: the batch's last answer says whether it is failing.
        if answers[-1][1].ok:
            if endpoint.failing_since is not None:
                WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
                endpoint.failing_since = None
        elif endpoint.failing_since is None:
            WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
                failing_since=answers[-1][2]
            )
            endpoint.failing_since = answers[-1][2]
