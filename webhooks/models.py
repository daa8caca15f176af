"""Signed webhooks to a publisher's CMS: where to send (WebhookEndpoint), what happened
(WebhookEvent, the outbox row written in the transaction of the change), each event's trip to
each endpoint (WebhookDelivery, the source of truth for retries) and every try (WebhookAttempt).
"""

import base64
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_secret() -> str:
    """A Standard Webhooks signing secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def new_event_id() -> str:
    return "evt_" + secrets.token_hex(12)


class WebhookEndpoint(models.Model):
    integration = models.ForeignKey(
        "integrations.Integration",
        verbose_name=_("integration"),
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_secret,
        help_text=_("The receiver verifies each request with it (Standard Webhooks)."),
    )
    # Empty: every event. Otherwise the event types named here (e.g. "publication.taken_down").
    event_types = models.JSONField(
        _("event types"),
        default=list,
        blank=True,
        help_text=_('Event types to send, e.g. ["publication.taken_down"]; empty for all.'),
    )
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=300, blank=True)
    # Set by the first failed attempt after a success, cleared by the next success.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    secret_rotated_at = models.DateTimeField(_("secret rotated"), null=True, blank=True)
    # After a rotation requests carry a second signature, with the old secret, until then: the
    # receiver keeps verifying while it switches (Standard Webhooks allows several signatures).
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(_("old secret valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["integration", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class SubmissionSequence(models.Model):
    """The last sequence number given to an event about a submission (a counter row: the upsert
    that bumps it locks it until commit, so concurrent events get distinct, ordered numbers)."""

    submission = models.OneToOneField(
        "moderation.Submission", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("event sequence")

    def __str__(self) -> str:
        return f"#{self.submission_id}: {self.last}"


class WebhookEvent(models.Model):
    id = models.CharField(_("event id"), max_length=40, primary_key=True, default=new_event_id)
    integration = models.ForeignKey(
        "integrations.Integration", on_delete=models.CASCADE, related_name="webhook_events"
    )
    submission = models.ForeignKey(
        "moderation.Submission", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    type = models.CharField(_("type"), max_length=64)
    # The whole body sent, {"type", "timestamp", "data"}: the same bytes on every attempt.
    payload = models.JSONField(_("payload"))
    sequence = models.PositiveBigIntegerField(_("sequence"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        constraints = [
            models.UniqueConstraint(fields=["submission", "sequence"], name="webhook_event_sequence_unique")
        ]
        # The retention purge (webhooks/retention.py) walks the old events; the admin lists by it.
        indexes = [models.Index(fields=["created_at"], name="webhook_event_created_idx")]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    # The last attempt failed; the next one is due at next_attempt_at.
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Gave up")


# Deliveries a worker may still claim (when due and not leased).
OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class WebhookDelivery(models.Model):
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # A worker holds the delivery until then; the sweep sends it again once it has passed.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_unique")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("at"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), default=0)
    response_excerpt = models.CharField(_("response"), max_length=1024, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
