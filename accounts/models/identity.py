"""Identity verification attempts (Deep Synthesis Provisions Art. 9, rule R26).

One row per attempt, whatever its outcome. A row is *verified* only when something outside the
user confirmed the person: a text message reached the phone (SMS), the carrier matched name, ID
number and phone, the national online identity authentication service vouched for them, or an
administrator reviewed a document. `provider`, `provider_reference`, `verified_fields` and
`decided_at` record who confirmed what, and when. A number that merely passes its checksum is
*well-formed*, which lets nobody publish. Identity numbers are never stored: a row keeps a
keyed hash (to find the same number on two accounts) and the last four characters (to show a
masked value). Document images live in the media storage at a random name and are deleted after
the retention period; the row stays.
"""

import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.identifiers import mask


def document_path(instance: "IdentityVerification", filename: str) -> str:
    """A path nobody can guess and that says nothing about whose document it is."""
    token = uuid.uuid4().hex
    suffix = PurePath(filename).suffix.lower()
    return f"identity-documents/{token[:2]}/{token}{suffix}"


class IdentityVerificationQuerySet(models.QuerySet["IdentityVerification"]):
    def verified(self) -> "IdentityVerificationQuerySet":
        return self.filter(status=IdentityVerification.Status.VERIFIED)

    def pending(self) -> "IdentityVerificationQuerySet":
        return self.filter(status=IdentityVerification.Status.PENDING)

    def documents_to_review(self) -> "IdentityVerificationQuerySet":
        return self.pending().filter(method=IdentityVerification.Method.DOCUMENT)


class IdentityVerification(models.Model):
    class Method(models.TextChoices):
        PHONE = "phone", _("Mobile phone")
        ID_CARD = "id_card", _("Resident ID card number")
        USCC = "uscc", _("Unified Social Credit Code")
        DOCUMENT = "document", _("Document reviewed by an administrator")
        NATIONAL = "national", _("National online identity authentication service")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        VERIFIED = "verified", _("Verified")
        WELL_FORMED = "well_formed", _("Number well-formed, person not verified")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")

    class DocumentKind(models.TextChoices):
        ID_CARD = "id_card", _("Resident ID card")
        BUSINESS_LICENCE = "business_licence", _("Business licence")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="identity_verifications",
    )
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    identifier_hash = models.CharField(_("identifier hash"), max_length=64, blank=True, db_index=True)
    identifier_last4 = models.CharField(_("last four characters"), max_length=4, blank=True)
    document = models.FileField(_("document"), upload_to=document_path, blank=True, max_length=200)
    document_kind = models.CharField(
        _("document kind"), max_length=20, choices=DocumentKind.choices, blank=True
    )
    document_purged_at = models.DateTimeField(_("document deleted"), null=True, blank=True)
    # One-time code for phone attempts, keyed-hashed with the row id as salt.
    code_hash = models.CharField(_("code hash"), max_length=64, blank=True)
    code_expires_at = models.DateTimeField(_("code expires"), null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(_("wrong codes entered"), default=0)
    request_ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the check was automatic."),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    # Who confirmed the identity and what: "sms", "carrier", "national", "operator", "console".
    provider = models.CharField(_("provider"), max_length=32, blank=True)
    # The provider's transaction id or assertion id: used once only (replay protection).
    provider_reference = models.CharField(_("provider reference"), max_length=128, blank=True)
    verified_fields = models.JSONField(_("verified fields"), default=list, blank=True)
    # What the provider said beyond yes or no (carrier, assurance level, ...), never the numbers.
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)

    objects = IdentityVerificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("identity verification")
        verbose_name_plural = _("identity verifications")
        constraints = [
            # One number, one verified account. Also catches two accounts racing for it.
            models.UniqueConstraint(
                fields=["method", "identifier_hash"],
                condition=Q(status="verified") & ~Q(identifier_hash=""),
                name="identity_number_verified_once",
            ),
            # A provider's answer counts once: a replayed transaction or assertion is refused.
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="identity_provider_reference_once",
            ),
        ]
        indexes = [models.Index(fields=["request_ip", "created_at"], name="identity_ip_recent_idx")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} · {self.get_status_display()}"

    @property
    def masked_identifier(self) -> str:
        return mask(self.method, self.identifier_last4)

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def has_document(self) -> bool:
        return bool(self.document) and self.document_purged_at is None

    def code_is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.code_expires_at is not None and self.code_expires_at <= (now or timezone.now())
