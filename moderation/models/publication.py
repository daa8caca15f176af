"""Publishing an approved revision: one PublicationRun per approval, the source of truth for the
job that makes the labelled renditions (see moderation/publication/services.py).

Like a CheckRun: the job claims the row with a conditional update, holds it under a lease, and
finishes it in one transaction with the renditions; Redis only carries the id, and
`requeue_stale_publications` re-sends what a dead worker or a flushed Redis left behind.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models.checks import stale_rows
from moderation.models.submissions import Revision, Submission


class PublicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    # The item left "publishing" before the run finished (taken down, decided again).
    CANCELLED = "cancelled", _("Cancelled")


class PublicationRunQuerySet(models.QuerySet["PublicationRun"]):
    def stale(self, now: datetime) -> "PublicationRunQuerySet":
        return self.filter(stale_rows(now, settings.PUBLICATION_RESEND_AFTER_SECONDS))


class PublicationRun(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="publication_runs")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="publication_runs")
    tier = models.CharField(_("AI tier"), max_length=12)
    status = models.CharField(
        _("status"), max_length=12, choices=PublicationStatus.choices, default=PublicationStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    # Percent of the current attempt's rendering done, written every few percent (the item pages show it).
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    enqueued_at = models.DateTimeField(_("sent to a worker"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    lease_expires_at = models.DateTimeField(_("lease expires"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = PublicationRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("publication run")
        verbose_name_plural = _("publication runs")
        indexes = [
            models.Index(
                fields=["status", "lease_expires_at"],
                name="publication_unfinished_idx",
                condition=Q(status__in=["pending", "running"]),
            ),
        ]

    def __str__(self) -> str:
        return f"publication {self.pk} of #{self.submission_id}"

    @property
    def progress_step(self) -> int:
        """The progress rounded down to 5 %: the bar's width class (progress-step-N in app.css)."""
        return min(self.progress, 100) // 5 * 5

    @property
    def file_prefix(self) -> str:
        """Every file this run writes is named with this prefix, so a failed one is found again."""
        return f"{settings.PUBLISHED_ROOT}/{self.submission_id}/p{self.pk}-"


class Refutation(models.Model):
    """Rumour refutation (Deep Synthesis Provisions Art. 11, R29): published content adjudged
    false information carries a short refutation above its media. Kept for good (a withdrawal is
    recorded, never a deletion) and reported to the authority (the report log: when, reference)."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="refutations")
    # The decision (outcome "refuted") with its statement of reasons to the contributor.
    decision = models.OneToOneField(
        "moderation.Decision", on_delete=models.PROTECT, related_name="refutation"
    )
    text = models.CharField(_("refutation"), max_length=600)
    source_url = models.URLField(_("where the facts are"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("refuted"), default=timezone.now)
    reported_to_authority_at = models.DateTimeField(_("reported to the authority"), null=True, blank=True)
    authority_reference = models.CharField(_("authority's reference"), max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(_("why withdrawn"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("refutation")
        verbose_name_plural = _("refutations")
        constraints = [
            # One refutation in force per item.
            models.UniqueConstraint(
                fields=["submission"], condition=Q(withdrawn_at__isnull=True), name="refutation_one_in_force"
            ),
        ]

    def __str__(self) -> str:
        return f"refutation {self.pk} of #{self.submission_id}"

    @property
    def in_force(self) -> bool:
        return self.withdrawn_at is None
