"""A publisher's system (its CMS) that submits content through the API and hears every outcome
through signed webhooks.

An Integration is managed by admins. Its API keys, its authors and its webhook endpoints hang
off it; the submissions it sent carry it (Submission.integration) with the CMS's own content id
(Submission.external_id), so every event about them goes back to the same publisher.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Integration(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive integration's keys are refused.")
    )
    # Told when an endpoint keeps failing, a key is about to expire, and the like.
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contacts"),
        blank=True,
        related_name="integrations",
        help_text=_("Staff who look after this integration and are told when its webhooks fail."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")

    def __str__(self) -> str:
        return self.name


class Scope(models.TextChoices):
    SUBMIT = "submit", _("Submit content")
    READ = "read", _("Read submissions")
    TAKEDOWN = "takedown", _("Take publications down")
    INSPECT = "inspect", _("Inspect files")


def default_scopes() -> list[str]:
    return [Scope.SUBMIT, Scope.READ]


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def usable(self, now: datetime.datetime) -> "ApiKeyQuerySet":
        return self.filter(revoked_at__isnull=True, integration__is_active=True).exclude(expires_at__lte=now)


class ApiKey(models.Model):
    """One key of an integration: `pvk_<prefix>_<secret>`. Only the secret's SHA-256 is stored.

    The secret is 32 random bytes, so a plain hash is enough (nothing to brute-force, unlike a
    password); the prefix finds the row without a scan and is what lists and the audit show.
    Several keys per integration allow rotation: create the new one, switch, revoke the old one.
    """

    integration = models.ForeignKey(
        Integration, verbose_name=_("integration"), on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(
        _("name"), max_length=120, help_text=_("What or where it is used, e.g. production.")
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("secret hash"), max_length=64, editable=False)
    # A list of Scope values (JSON rather than an array: SQLite is the development default).
    scopes = models.JSONField(_("scopes"), default=default_scopes)
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} (pvk_{self.prefix})"

    @property
    def display_prefix(self) -> str:
        return f"pvk_{self.prefix}"

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
            and self.integration.is_active
        )


class IntegrationAuthor(models.Model):
    """A CMS author (by the CMS's own id) and the Provenant contributor account that stands for them."""

    integration = models.ForeignKey(
        Integration, verbose_name=_("integration"), on_delete=models.PROTECT, related_name="authors"
    )
    external_id = models.CharField(_("CMS author id"), max_length=200)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contributor"),
        on_delete=models.PROTECT,
        related_name="integration_author",
    )
    display_name = models.CharField(_("name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["integration", "external_id"]
        verbose_name = _("integration author")
        verbose_name_plural = _("integration authors")
        constraints = [
            models.UniqueConstraint(fields=["integration", "external_id"], name="integration_author_once")
        ]

    def __str__(self) -> str:
        return f"{self.integration} · {self.external_id}"


def idempotency_window_start(now: datetime.datetime | None = None) -> datetime.datetime:
    """Idempotency records made before this are no longer honoured (IDEMPOTENCY_KEY_TTL_HOURS)."""
    return (now or timezone.now()) - datetime.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


class IdempotencyRecordQuerySet(models.QuerySet["IdempotencyRecord"]):
    def honoured(self, now: datetime.datetime | None = None) -> "IdempotencyRecordQuerySet":
        return self.filter(created_at__gte=idempotency_window_start(now))

    def expired(self, now: datetime.datetime | None = None) -> "IdempotencyRecordQuerySet":
        return self.filter(created_at__lt=idempotency_window_start(now))


class IdempotencyRecord(models.Model):
    """A POST made with an Idempotency-Key: the same key and body get the same answer again, for
    IDEMPOTENCY_KEY_TTL_HOURS; after that the key is free and the record is purged.

    Not a compliance record (it caches an HTTP answer; the submission it made keeps its own
    history), so it is not under the 183-day retention floor of operations.retention."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    location = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = IdempotencyRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["integration", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return f"{self.integration_id}:{self.key}"
