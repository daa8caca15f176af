"""What admins and the sweep do with endpoints and deliveries: each a service, audited.

- `webhooks_requeue_stale`: the sweep (requeue_stale_webhooks, every minute under rqcron);
- `webhook_endpoint_disable` / `webhook_endpoint_enable`: an endpoint failing for days is
  disabled and its integration's contacts told; an admin turns it back on;
- `webhook_delivery_redeliver`, `webhook_endpoint_redeliver_failed`, `webhook_endpoint_send_test`,
  `webhook_endpoint_rotate_secret`: the admin's buttons.
"""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record_event
from notifications.services import notify
from webhooks.dispatch import drain, drain_on_commit, is_waiting
from webhooks.events import as_json
from webhooks.models import (
    OPEN_STATUSES,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    new_secret,
)

# A due delivery is left this long to its scheduled job before the sweep sends it again.
SWEEP_GRACE = timedelta(seconds=15)
SWEEP_BATCH = 5000


class WebhookError(Exception):
    """The action is not possible now; the message says why."""


@dataclass
class WebhookSweepReport:
    lease_expired: int = 0
    resent: int = 0
    disabled: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def webhooks_requeue_stale(*, now: datetime | None = None) -> WebhookSweepReport:
    """Disable endpoints failing too long; send a drain to each endpoint with deliveries due that
    no live worker holds, unless a drain job for it still waits in Redis with its marker (a
    backlog, left alone). A dead worker's batch (its lease ran out), a flushed Redis or a drain
    that never reached Redis are all rescued here; `resent` counts deliveries."""
    now = now or timezone.now()
    report = WebhookSweepReport()
    limit = now - timedelta(days=settings.WEBHOOK_DISABLE_AFTER_DAYS)
    for endpoint in WebhookEndpoint.objects.filter(is_active=True, failing_since__lt=limit):
        days = settings.WEBHOOK_DISABLE_AFTER_DAYS
        reason = _("Every delivery failed for %(days)s days.") % {"days": days}
        if webhook_endpoint_disable(endpoint=endpoint, reason=reason, actor=None, now=now):
            report.disabled += 1
    stale = (
        WebhookDelivery.objects.filter(status__in=OPEN_STATUSES, next_attempt_at__lte=now - SWEEP_GRACE)
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .filter(endpoint__is_active=True)
        .order_by("next_attempt_at")
        .values_list("endpoint_id", "lease_expires_at")[:SWEEP_BATCH]
    )
    by_endpoint: dict[int, list[datetime | None]] = {}
    for endpoint_id, lease in stale:
        by_endpoint.setdefault(endpoint_id, []).append(lease)
    to_drain = []
    for endpoint_id, leases in by_endpoint.items():
        expired = sum(lease is not None for lease in leases)
        if not expired and settings.BACKGROUND_JOBS and is_waiting(endpoint_id):
            continue  # a drain is queued behind others: it will come
        to_drain.append(endpoint_id)
        report.lease_expired += expired
        report.resent += len(leases)
    if to_drain:
        drain(to_drain, force=True)
    if report.resent or report.disabled:
        record_event(action="webhooks.swept", details=report.as_dict())
    return report


@transaction.atomic
def webhook_endpoint_disable(
    *, endpoint: WebhookEndpoint, reason: str, actor: User | None, now: datetime | None = None
) -> bool:
    """Stop sending to the endpoint; its open deliveries are given up; its contacts are told."""
    now = now or timezone.now()
    if not WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=now, disabled_reason=reason[:300]
    ):
        return False
    given_up = WebhookDelivery.objects.filter(endpoint=endpoint, status__in=OPEN_STATUSES).update(
        status=DeliveryStatus.GAVE_UP, next_attempt_at=None, lease_expires_at=None
    )
    record_event(
        action="webhooks.endpoint_disabled",
        actor=actor,
        target=endpoint,
        details={"url": endpoint.url, "reason": reason, "given_up": given_up},
    )
    link = reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])
    for contact in endpoint.integration.contacts.all():
        notify(
            contact,
            subject=lambda: _("Webhooks to %(url)s were disabled") % {"url": endpoint.url},
            body=lambda: (
                _(
                    "%(reason)s The endpoint of the integration %(integration)s receives no more events "
                    "until an administrator turns it back on. %(count)s deliveries were given up; "
                    "they can be sent again from the endpoint's page."
                )
                % {"reason": reason, "integration": endpoint.integration.name, "count": given_up}
            ),
            link=link,
        )
    return True


@transaction.atomic
def webhook_endpoint_enable(*, endpoint: WebhookEndpoint, actor: User) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=True, disabled_at=None, disabled_reason="", failing_since=None
    )
    record_event(
        action="webhooks.endpoint_enabled", actor=actor, target=endpoint, details={"url": endpoint.url}
    )


def _require_active(endpoint: WebhookEndpoint) -> None:
    if not endpoint.is_active:
        raise WebhookError(_("The endpoint is disabled: turn it back on first."))


def _reopen(deliveries: "models.QuerySet[WebhookDelivery]", now: datetime) -> list[int]:
    rows = list(deliveries.values_list("pk", "endpoint_id"))
    ids = [pk for pk, _endpoint in rows]
    WebhookDelivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now, lease_expires_at=None
    )
    drain_on_commit(endpoint_id for _pk, endpoint_id in rows)
    return ids


@transaction.atomic
def webhook_delivery_redeliver(*, delivery: WebhookDelivery, actor: User) -> None:
    """Send the event again to this endpoint, now, with its own id (the receiver may dedupe)."""
    _require_active(delivery.endpoint)
    _reopen(WebhookDelivery.objects.filter(pk=delivery.pk), timezone.now())
    record_event(
        action="webhooks.redelivered",
        actor=actor,
        target=delivery.endpoint,
        details={"event": delivery.event_id, "delivery": delivery.pk},
    )


@transaction.atomic
def webhook_endpoint_redeliver_failed(*, endpoint: WebhookEndpoint, actor: User) -> int:
    """Send again, now, every delivery to the endpoint that failed or was given up."""
    _require_active(endpoint)
    failed = WebhookDelivery.objects.filter(
        endpoint=endpoint, status__in=[DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP]
    )
    ids = _reopen(failed, timezone.now())
    record_event(
        action="webhooks.redelivered_failed", actor=actor, target=endpoint, details={"deliveries": len(ids)}
    )
    return len(ids)


@transaction.atomic
def webhook_endpoint_send_test(*, endpoint: WebhookEndpoint, actor: User) -> WebhookEvent:
    """A `webhook.test` event to this endpoint alone (about no submission)."""
    _require_active(endpoint)
    now = timezone.now()
    event = WebhookEvent.objects.create(
        integration=endpoint.integration,
        type="webhook.test",
        payload=as_json(
            {
                "type": "webhook.test",
                "timestamp": now.isoformat(),
                "data": {"endpoint": endpoint.pk, "message": "A test event sent from Provenant's admin."},
            }
        ),
        created_at=now,
    )
    WebhookDelivery.objects.create(event=event, endpoint=endpoint, next_attempt_at=now, created_at=now)
    drain_on_commit([endpoint.pk])
    record_event(action="webhooks.test_sent", actor=actor, target=endpoint, details={"event": event.pk})
    return event


@transaction.atomic
def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint, actor: User) -> str:
    """A new signing secret, used from the next attempt on; for WEBHOOK_SECRET_OVERLAP_HOURS the
    old one signs too (a second signature), so the receiver can switch without losing events."""
    secret, now = new_secret(), timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        secret=secret,
        secret_rotated_at=now,
        previous_secret=endpoint.secret,
        previous_secret_expires_at=now + timedelta(hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS),
    )
    endpoint.refresh_from_db()
    # The secret itself never enters the audit trail: its last four characters identify it.
    record_event(
        action="webhooks.secret_rotated", actor=actor, target=endpoint, details={"ends_with": secret[-4:]}
    )
    return secret
