"""Unlabelled originals handed out on request (Labeling Measures Art. 9, R32).

AI content leaves the platform with its explicit label (R19). A user may obtain the original without
it only on a request of their own, having accepted the labelling duties, and the request with its
recipient is logged and kept at least UNLABELLED_DELIVERY_RETENTION_DAYS (never under 183 days). Each
request allows one download, before it expires.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TermsVersion
from moderation.models.submissions import MediaFile, Submission


class UnlabelledDeliveryQuerySet(models.QuerySet["UnlabelledDelivery"]):
    def past_retention(self, now: datetime | None = None) -> "UnlabelledDeliveryQuerySet":
        """Rows older than the retention period: the only ones a purge may delete."""
        days = settings.UNLABELLED_DELIVERY_RETENTION_DAYS
        return self.filter(created_at__lt=(now or timezone.now()) - timedelta(days=days))


class UnlabelledDelivery(models.Model):
    """One request for an AI file without its explicit label: who asked and why, for whom, under
    which terms and labelling clause, and when the one-time download was used. Never edited."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="unlabelled_deliveries")
    media = models.ForeignKey(MediaFile, on_delete=models.PROTECT, related_name="unlabelled_deliveries")
    # What was delivered, whatever becomes of the stored file.
    media_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    # "contributor" (the item's own) or the staff role the request was made with.
    requester_role = models.CharField(_("requested as"), max_length=20)
    staff_reason = models.TextField(_("staff reason"), blank=True)
    recipient_name = models.CharField(_("recipient"), max_length=200)
    recipient_organisation = models.CharField(_("recipient's organisation"), max_length=200)
    purpose = models.TextField(_("purpose"))
    terms = models.ForeignKey(
        TermsVersion, verbose_name=_("terms in force"), on_delete=models.PROTECT, related_name="+"
    )
    clause_version = models.CharField(_("labelling clause version"), max_length=32)
    clause_text = models.TextField(_("labelling clause acknowledged"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("download expires"))
    downloaded_at = models.DateTimeField(_("downloaded"), null=True, blank=True)
    download_ip = models.GenericIPAddressField(_("downloaded from"), null=True, blank=True)

    objects = UnlabelledDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("unlabelled original delivery")
        verbose_name_plural = _("unlabelled original deliveries")

    def __str__(self) -> str:
        return f"unlabelled delivery {self.pk} of #{self.submission_id}"

    def is_usable(self, now: datetime | None = None) -> bool:
        return self.downloaded_at is None and (now or timezone.now()) < self.expires_at
