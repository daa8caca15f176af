"""Submissions, their revisions, media files and the real persons they depict.

A Submission is the stable thing a contributor and the moderators talk about. Its content lives
in revisions: editing after "changes requested" starts a new revision, so the earlier one and
the decision on it stay in the history. The queue reads a few denormalised columns on the
Submission (tier, flags, priority, SLA) that the check pipeline keeps up to date.
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models.choices import (
    BIOMETRIC_SYNTHESIS,
    PUBLIC_STATUSES,
    WITHDRAWABLE,
    Category,
    MediaKind,
    Queue,
    Region,
    Relation,
    SlaState,
    Status,
    Tier,
)

if TYPE_CHECKING:
    from accounts.models import User


# What the queue filters read (moderation.review.queues.QueueFilter), kept in the queue indexes.
QUEUE_FILTER_COLUMNS = [
    "tier",
    "region",
    "category_flags",
    "has_blocking_findings",
    "is_tampered",
    "contradicts_declaration",
    "consent_missing",
    "due_at",
]


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def owned_by(self, user: "User") -> "SubmissionQuerySet":
        return self.filter(contributor=user)

    def awaiting_review(self) -> "SubmissionQuerySet":
        return self.filter(status=Status.AWAITING_REVIEW)

    def claimable(self, now: datetime, *, by: "User | None" = None) -> "SubmissionQuerySet":
        """Free items (never claimed, or their lease ran out) and, given `by`, the ones `by` holds."""
        free = Q(claimed_by__isnull=True) | Q(claim_expires_at__lt=now)
        if by is not None:
            free |= Q(claimed_by=by)
        return self.filter(free)

    def held_by(self, user: "User", now: datetime) -> "SubmissionQuerySet":
        """Items `user` holds under a lease that has not run out."""
        return self.filter(claimed_by=user, claim_expires_at__gt=now)

    def touch(self, now: datetime | None = None) -> int:
        """Mark these submissions changed, in one UPDATE: the publisher API's change feed pages by
        `updated_at`. Call it in the transaction of any change to what the API shows about a
        submission (api/representation.py) that does not move its status (a status move stamps
        `updated_at` itself, in moderation.lifecycle). Stamp after any slow work, with the time
        of the stamp: the feed trusts a change to commit within API_FEED_SETTLE_SECONDS of it."""
        return self.update(updated_at=now or timezone.now())

    def published(self) -> "SubmissionQuerySet":
        """What readers may see: approved, or restricted (withheld only in some regions)."""
        return self.filter(
            status__in=PUBLIC_STATUSES, published_at__isnull=False, publication_hidden_at__isnull=True
        )


class Submission(models.Model):
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contributor"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DRAFT)
    current_revision = models.OneToOneField(
        "moderation.Revision",
        verbose_name=_("current revision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    # Review queue columns, kept current by the pipeline and the review services.
    queue = models.CharField(_("queue"), max_length=16, choices=Queue.choices, default=Queue.REVIEW)
    tier = models.CharField(_("AI tier"), max_length=12, choices=Tier.choices, default=Tier.NONE)
    region = models.CharField(_("region"), max_length=8, choices=Region.choices, default=Region.OTHER)
    category_flags = models.PositiveIntegerField(_("categories"), default=0)
    has_blocking_findings = models.BooleanField(_("blocking findings"), default=False)
    is_tampered = models.BooleanField(_("tampered provenance"), default=False)
    contradicts_declaration = models.BooleanField(_("declaration contradicts metadata"), default=False)
    consent_missing = models.BooleanField(_("consent missing"), default=False)
    priority_score = models.FloatField(_("priority"), default=0)
    # Ordering key that already includes age: rank = score - weight * hours since the epoch.
    priority_rank = models.FloatField(_("priority rank"), default=0)
    awaiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    claim_expires_at = models.DateTimeField(_("claim expires"), null=True, blank=True)
    # Set when a publisher's CMS sent it through the API: events about it go back to that
    # integration, naming it by the CMS's own content id.
    integration = models.ForeignKey(
        "integrations.Integration",
        verbose_name=_("integration"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    external_id = models.CharField(_("external id"), max_length=200, blank=True)
    # Bumped by every change a moderator could be acting on: a stale page gets a 409.
    version = models.PositiveIntegerField(_("version"), default=1)

    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    publication_hidden_at = models.DateTimeField(_("publication hidden"), null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        indexes = [
            models.Index(fields=["contributor", "-created_at"], name="submission_contributor_idx"),
            # The two queue orders. After the sort key they carry every column a queue filter
            # reads, so a filtered page of ids and its capped count come from the index alone
            # (index-only scans), however few items match (see moderation.review.queues).
            models.Index(
                fields=["queue", "-priority_rank", "id", *QUEUE_FILTER_COLUMNS],
                name="submission_queue_rank_idx",
                condition=Q(status="awaiting_review"),
            ),
            models.Index(
                fields=["queue", "awaiting_since", "id", *QUEUE_FILTER_COLUMNS],
                name="submission_queue_age_idx",
                condition=Q(status="awaiting_review"),
            ),
        ]
        constraints = [
            # The CMS names its content by its own id: one submission per id and integration.
            models.UniqueConstraint(
                fields=["integration", "external_id"],
                condition=Q(integration__isnull=False) & ~Q(external_id=""),
                name="submission_external_id_unique",
            ),
        ]
        permissions = [
            ("review_submission", "Can review submissions"),
            ("override_blocking", "Can approve over blocking findings"),
            ("review_escalated", "Can review escalated submissions"),
        ]

    def __str__(self) -> str:
        title = self.current_revision.title if self.current_revision_id and self.current_revision else ""
        return f"#{self.pk} {title}".strip()

    @property
    def categories(self) -> list[Category]:
        return Category.from_flags(self.category_flags)

    @property
    def can_withdraw(self) -> bool:
        return self.status in WITHDRAWABLE

    @property
    def can_delete(self) -> bool:
        """A draft never submitted: nothing was checked or decided, so it may go entirely."""
        return self.status == Status.DRAFT and self.submitted_at is None

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.publication_hidden_at is None

    def sla_state(self, now: datetime | None = None) -> SlaState | None:
        """On track, at risk (past SLA_AT_RISK_FRACTION of the target) or breached; None off-queue."""
        if self.status != Status.AWAITING_REVIEW or self.due_at is None:
            return None
        now = now or timezone.now()
        if now >= self.due_at:
            return SlaState.BREACHED
        target = timedelta(hours=settings.SLA_HOURS[self.queue])
        if self.due_at - now <= target * (1 - settings.SLA_AT_RISK_FRACTION):
            return SlaState.AT_RISK
        return SlaState.ON_TRACK

    def claim_is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.claimed_by_id is not None
            and self.claim_expires_at is not None
            and self.claim_expires_at > now
        )


class Revision(models.Model):
    """One version of a submission's content and declaration, as the contributor submitted it."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    prompt = models.TextField(_("prompt used"), blank=True)
    # None until the contributor answers: the declaration has no default (R33).
    declared_ai = models.BooleanField(_("declared AI-generated"), null=True)
    category_flags = models.PositiveIntegerField(_("synthesis categories"), default=0)
    region = models.CharField(_("target region"), max_length=8, choices=Region.choices, default=Region.OTHER)
    no_real_person = models.BooleanField(_("depicts no real person"), default=False)
    # R22: a face or voice synthesis with nobody depicted needs the contributor's statement that
    # the person is fictional, in their words; such an item goes to a senior moderator.
    fictional_person = models.BooleanField(_("states the person is fictional"), default=False)
    fictional_statement = models.CharField(_("why the person is fictional"), max_length=500, blank=True)
    # R24: the version of the consent notice the contributor acknowledged, and when. Empty until
    # acknowledged; a new revision asks again.
    consent_notice_version = models.CharField(_("consent notice version"), max_length=32, blank=True)
    consent_notice_acknowledged_at = models.DateTimeField(
        _("consent notice acknowledged"), null=True, blank=True
    )
    # AI Act Art. 50(4): AI text on matters of public interest needs disclosure unless human-reviewed
    # with a named editorially responsible person.
    eu_public_interest_text = models.BooleanField(_("public-interest text (EU)"), default=False)
    eu_human_reviewed = models.BooleanField(_("human-reviewed (EU)"), default=False)
    eu_editor = models.CharField(_("editorially responsible person"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="revision_number_unique"),
        ]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self) -> str:
        return f"{self.title} (rev. {self.number})"

    @property
    def categories(self) -> list[Category]:
        return Category.from_flags(self.category_flags)

    @property
    def biometric_categories(self) -> list[Category]:
        return [category for category in self.categories if category in BIOMETRIC_SYNTHESIS]


def media_upload_to(instance: "MediaFile", filename: str) -> str:
    # Never used for naming (services pick random names); required by FileField.
    return filename


class MediaFile(models.Model):
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(_("kind"), max_length=8, choices=MediaKind.choices)
    mime_type = models.CharField(_("type"), max_length=64)
    original_name = models.CharField(_("original name"), max_length=255)
    # Random name under MEDIA_ROOT; several revisions may share one stored file (files never change).
    file = models.FileField(_("file"), upload_to=media_upload_to, max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail = models.FileField(_("thumbnail"), upload_to=media_upload_to, max_length=255, blank=True)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["revision", "id"]
        verbose_name = _("media file")
        verbose_name_plural = _("media files")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind == MediaKind.IMAGE


class DepictedPerson(models.Model):
    """A real person shown or heard in a revision, as declared by the contributor."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="persons")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    # The same person across revisions: consent follows the person, not the row.
    person_key = models.CharField(max_length=32, editable=False)

    class Meta:
        ordering = ["revision", "id"]
        verbose_name = _("depicted person")
        verbose_name_plural = _("depicted persons")

    def __str__(self) -> str:
        return self.name

    @property
    def contact(self) -> str:
        return self.email or self.phone
