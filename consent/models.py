"""Consent of the real persons a submission depicts (Deep Synthesis Provisions Art. 14, PIPL Art. 29).

Three kinds of row, none ever deleted while the retention period keeps it:

- ConsentRequest: a single-use link sent by e-mail or SMS to a depicted person. Each send is a new
  row with its own random nonce; resending supersedes the earlier row, so its link stops working.
- ReleaseDocument: a signed release uploaded by the contributor, counting once a moderator approves it.
- ConsentRecord: the consent itself, whichever way it was given, with the exact text shown, where
  and when it was given, what it covers (the submission, its files' SHA-256 and the biometric kinds)
  and when it expires or was withdrawn.

Consent follows the person (`person_key`, stable across revisions), not a DepictedPerson row: drafts
replace those rows on every save.
"""

from datetime import datetime, timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models import Revision, Submission

# Whatever the setting says, nothing younger than the log floor of CSL Art. 21 is ever deleted (R31).
MIN_RETENTION_DAYS = 183


class BiometricKind(models.TextChoices):
    FACE = "face", _("face")
    VOICE = "voice", _("voice")
    BODY = "body", _("body or gestures")


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("text message")


class Method(models.TextChoices):
    EMAIL_LINK = "email_link", _("Link sent by e-mail")
    SMS_LINK = "sms_link", _("Link sent by text message")
    SELF_VERIFIED = "self_verified", _("Self-depiction, verified identity")
    RELEASE_DOCUMENT = "release_document", _("Signed release document, approved by a moderator")


class RecordRetained(Exception):
    """A consent record may not be deleted before its retention period ends."""


class Scope(models.Model):
    """What a request, a document or a consent is about: one person in one submission's files."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.PROTECT, related_name="+"
    )
    # The revision current when it was made; coverage is decided by the files, not the revision.
    revision = models.ForeignKey(
        Revision, verbose_name=_("revision"), on_delete=models.PROTECT, related_name="+"
    )
    person_key = models.CharField(_("person"), max_length=32)
    person_name = models.CharField(_("name"), max_length=200)
    media_sha256 = models.JSONField(_("files (SHA-256)"), default=list, blank=True)
    biometric_kinds = models.JSONField(_("biometric kinds"), default=list, blank=True)
    categories = models.JSONField(_("synthesis categories"), default=list, blank=True)
    region = models.CharField(_("region"), max_length=8, blank=True)

    class Meta:
        abstract = True

    def covers(self, *, media_sha256: set[str] | frozenset[str], kinds: set[str] | frozenset[str]) -> bool:
        """Every file of the current revision and every biometric kind needed are within the scope."""
        return set(media_sha256) <= set(self.media_sha256) and set(kinds) <= set(self.biometric_kinds)

    @property
    def kind_labels(self) -> list[str]:
        return [str(BiometricKind(kind).label) for kind in self.biometric_kinds]


class ConsentRequest(Scope):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")
        SUPERSEDED = "superseded", _("Superseded by a newer link")

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    contact = models.CharField(_("sent to"), max_length=254)
    # Random per request and signed into the link; a resend makes a new row with a new nonce.
    nonce = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("link expires"))
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders"), default=0)
    delivery_failed_at = models.DateTimeField(_("delivery failed"), null=True, blank=True)
    viewed_at = models.DateTimeField(_("first viewed"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_ip = models.GenericIPAddressField(_("answered from IP"), null=True, blank=True)
    answered_user_agent = models.CharField(_("answered with user agent"), max_length=400, blank=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("consent request")
        verbose_name_plural = _("consent requests")
        indexes = [
            models.Index(fields=["submission", "person_key", "-sent_at"], name="consentrequest_person_idx")
        ]

    def __str__(self) -> str:
        return f"{self.person_name} #{self.submission_id} ({self.status})"

    def is_live(self, now: datetime) -> bool:
        return self.status == self.Status.PENDING and self.expires_at > now

    def next_reminder_at(self) -> datetime:
        return self.last_message_at + timedelta(hours=settings.CONSENT_REMINDER_INTERVAL_HOURS)


def document_path(instance: "ReleaseDocument", filename: str) -> str:
    """A path nobody can guess and that says nothing about whose release it is."""
    import uuid

    token = uuid.uuid4().hex
    suffix = "." + filename.rsplit(".", 1)[-1] if "." in filename else ""
    return f"consent-documents/{token[:2]}/{token}{suffix}"


class ReleaseDocument(Scope):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        SUPERSEDED = "superseded", _("Replaced by a newer upload")

    # In the private media storage, served only by a view that checks who is asking.
    file = models.FileField(_("document"), upload_to=document_path, max_length=200)
    mime_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("release document")
        verbose_name_plural = _("release documents")
        indexes = [
            models.Index(fields=["submission", "person_key", "-uploaded_at"], name="releasedoc_person_idx")
        ]

    def __str__(self) -> str:
        return f"{self.person_name} #{self.submission_id} ({self.status})"

    @property
    def is_pdf(self) -> bool:
        return self.mime_type == "application/pdf"


class ConsentRecordQuerySet(models.QuerySet["ConsentRecord"]):
    def active(self, now: datetime | None = None) -> "ConsentRecordQuerySet":
        return self.filter(withdrawn_at__isnull=True, expires_at__gt=now or timezone.now(), separate=True)

    def delete(self) -> NoReturn:
        raise RecordRetained("Consent records are deleted one by one, and only after their retention period.")


class ConsentRecord(Scope):
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    # The consent was asked for on its own, not bundled with terms or anything else (单独同意).
    separate = models.BooleanField(_("separate consent"))
    text_version = models.CharField(_("text version"), max_length=32)
    text = models.TextField(_("text shown"))
    language = models.CharField(_("language"), max_length=16)
    person_email = models.EmailField(_("e-mail"), blank=True)
    person_phone = models.CharField(_("phone"), max_length=20, blank=True)
    granted_at = models.DateTimeField(_("given"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=400, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_ip = models.GenericIPAddressField(_("withdrawn from IP"), null=True, blank=True)
    withdrawal_user_agent = models.CharField(_("withdrawn with user agent"), max_length=400, blank=True)
    request = models.OneToOneField(
        ConsentRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="record"
    )
    document = models.OneToOneField(
        ReleaseDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="record"
    )
    # The contributor confirming a self-depiction, or the moderator approving a release document.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Signed into the withdrawal link of the confirmation message.
    withdraw_nonce = models.CharField(max_length=64, unique=True, editable=False)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [
            models.Index(fields=["submission", "person_key", "-granted_at"], name="consentrecord_person_idx")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(separate=True), name="consentrecord_separate"),
            models.CheckConstraint(
                condition=~Q(method="email_link") & ~Q(method="sms_link") | Q(request__isnull=False),
                name="consentrecord_link_has_request",
            ),
            models.CheckConstraint(
                condition=~Q(method="release_document") | Q(document__isnull=False),
                name="consentrecord_document_has_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} #{self.submission_id} ({self.get_method_display()})"

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.separate and self.withdrawn_at is None and self.expires_at > now

    @property
    def ended_at(self) -> datetime:
        """When it stopped counting (or will): withdrawal or expiry, whichever came first."""
        if self.withdrawn_at is not None and self.withdrawn_at < self.expires_at:
            return self.withdrawn_at
        return self.expires_at

    @property
    def retained_until(self) -> datetime:
        days = max(settings.CONSENT_RETENTION_DAYS, MIN_RETENTION_DAYS)
        return self.ended_at + timedelta(days=days)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.retained_until > timezone.now():
            raise RecordRetained(
                f"Consent record {self.pk} is kept until {self.retained_until:%Y-%m-%d} (R31)."
            )
        return super().delete(*args, **kwargs)
