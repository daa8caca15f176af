"""Human review: the policy taxonomy, decisions with their statement of reasons, internal notes."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moderation.models.submissions import Revision, Submission


class PolicyReason(models.Model):
    """A reason a moderator may give for rejecting or asking for changes (managed in the admin)."""

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class Ground(models.TextChoices):
        ILLEGAL = "illegal", _("Illegal content")
        INCOMPATIBLE = "incompatible", _("Incompatible with the terms of service")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    severity = models.CharField(
        _("severity"), max_length=12, choices=Severity.choices, default=Severity.MEDIUM
    )
    ground = models.CharField(_("ground"), max_length=16, choices=Ground.choices, default=Ground.INCOMPATIBLE)
    legal_ground = models.CharField(
        _("legal ground"), max_length=500, blank=True, help_text=_("The law, when the content is illegal.")
    )
    terms_clause = models.CharField(
        _("terms clause"), max_length=500, blank=True, help_text=_("The clause of the terms of service.")
    )
    # Which decisions may give it: a caption request is no ground for a rejection, an illegal
    # ground is no change request.
    for_rejection = models.BooleanField(_("for rejections"), default=True)
    for_changes = models.BooleanField(_("for change requests"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("policy reason")
        verbose_name_plural = _("policy reasons")

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def applies_to(self, outcome: str) -> bool:
        if outcome == DecisionOutcome.CHANGES_REQUESTED:
            return self.for_changes
        return self.for_rejection

    @property
    def outcomes(self) -> list[str]:
        return [
            outcome
            for outcome, applies in (
                (DecisionOutcome.REJECTED, self.for_rejection),
                (DecisionOutcome.CHANGES_REQUESTED, self.for_changes),
            )
            if applies
        ]

    # The reader's language: the shipped taxonomy's wording is in the catalog
    # (moderation/taxonomy.py); a reason an admin wrote shows as written.
    @property
    def display_title(self) -> str:
        return gettext(self.title) if self.title else ""

    @property
    def display_description(self) -> str:
        return gettext(self.description) if self.description else ""


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    ESCALATED = "escalated", _("Escalated")
    # On published content (moderation.publication.takedown and .refutations, notices, complaints).
    TAKEN_DOWN = "taken_down", _("Taken down")
    RESTRICTED = "restricted", _("Restricted in a region")
    REFUTED = "refuted", _("Labelled as false information")
    REINSTATED = "reinstated", _("Reinstated")
    NO_ACTION = "no_action", _("No action on the notices")


# Outcomes that restrict the contributor's content: each carries a statement of reasons (R36).
RESTRICTING_OUTCOMES = frozenset(
    {
        DecisionOutcome.REJECTED,
        DecisionOutcome.CHANGES_REQUESTED,
        DecisionOutcome.TAKEN_DOWN,
        DecisionOutcome.RESTRICTED,
        DecisionOutcome.REFUTED,
    }
)


class DecisionSource(models.TextChoices):
    """What started a decision: the statement's `source` (DSA Art. 17(3)(b))."""

    OWN_INITIATIVE = "own_initiative", _("Own-initiative review")
    NOTICE = "notice", _("A notice (DSA Art. 16)")
    TRUSTED_FLAGGER = "trusted_flagger", _("A notice from a trusted flagger")
    CONSENT_WITHDRAWAL = "consent_withdrawal", _("A depicted person's consent ended")
    COMPLAINT = "complaint", _("An internal complaint")
    PUBLISHER = "publisher", _("The publisher's request (its CMS)")


class Decision(models.Model):
    """One decision on one revision, with the statement of reasons sent for it.

    Review decisions (approve, reject, …) and the decisions on published content (take down,
    restrict, refute, reinstate, no action on notices) alike. Automated ones (a consent that
    ended, a temporary takedown that ran out) have no moderator.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="decisions")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="decisions")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=24, choices=DecisionOutcome.choices)
    reason = models.ForeignKey(
        PolicyReason,
        verbose_name=_("reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    explanation = models.TextField(_("explanation to the contributor"), blank=True)
    note = models.TextField(_("note for other moderators"), blank=True)
    override_reason = models.TextField(_("why blocking findings were overridden"), blank=True)
    # DSA Art. 17 statement of reasons, frozen at decision time (see services.statements).
    statement = models.JSONField(_("statement of reasons"), default=dict, blank=True)
    from_queue = models.CharField(_("queue"), max_length=16, blank=True)
    bulk = models.BooleanField(_("bulk decision"), default=False)
    created_at = models.DateTimeField(_("decided"), default=timezone.now)

    source = models.CharField(
        _("started by"), max_length=24, choices=DecisionSource.choices, default=DecisionSource.OWN_INITIATIVE
    )
    # A takedown or restriction: where (Region values; empty = everywhere) and until when (empty =
    # permanent); `lifted_at` once a reinstatement, a complaint or its end lifted it.
    territorial_scope = models.JSONField(_("withheld in"), default=list, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    # A reinstatement names the decision it reverses.
    reverses = models.ForeignKey(
        "self", verbose_name=_("reverses"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # On an illegal ground the report to the authority must be settled (DS Art. 10): reported
    # (when, reference) or why not.
    reported_to_authority_at = models.DateTimeField(_("reported to the authority"), null=True, blank=True)
    authority_reference = models.CharField(_("authority's reference"), max_length=200, blank=True)
    not_reported_reason = models.TextField(_("why not reported"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [
            models.Index(fields=["moderator", "-created_at"], name="decision_moderator_idx"),
            models.Index(fields=["outcome", "created_at"], name="decision_outcome_idx"),
        ]
        constraints = [
            # R36: no restriction without its statement of reasons, written with it.
            models.CheckConstraint(
                condition=~models.Q(outcome__in=sorted(RESTRICTING_OUTCOMES)) | ~models.Q(statement={}),
                name="decision_restriction_has_statement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} #{self.submission_id}"

    @property
    def is_restriction(self) -> bool:
        return self.outcome in RESTRICTING_OUTCOMES

    @property
    def is_in_force(self) -> bool:
        """A takedown, restriction or refutation not lifted yet."""
        return self.outcome in RESTRICTING_OUTCOMES and self.lifted_at is None

    @property
    def authority_settled(self) -> bool:
        return self.reported_to_authority_at is not None or bool(self.not_reported_reason.strip())


class ReviewNote(models.Model):
    """Internal notes between moderators; never shown to the contributor."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("review note")
        verbose_name_plural = _("review notes")

    def __str__(self) -> str:
        return self.text[:50]


class ReviewerSettings(models.Model):
    """Per-moderator preferences for the review console."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_settings"
    )
    # Wellness: media start blurred and greyscale; the moderator reveals each one by a click.
    blur_media = models.BooleanField(_("blur and greyscale media until clicked"), default=True)

    class Meta:
        verbose_name = _("reviewer settings")
        verbose_name_plural = _("reviewer settings")

    def __str__(self) -> str:
        return f"settings of {self.user_id}"


class PublishedRendition(models.Model):
    """A labelled copy made for publication: the original upload stays untouched (R14, R19)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="renditions")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="renditions")
    media = models.ForeignKey(
        "moderation.MediaFile", null=True, blank=True, on_delete=models.PROTECT, related_name="renditions"
    )
    # The publication that made it (empty for renditions made before publication runs existed).
    run = models.ForeignKey(
        "moderation.PublicationRun",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renditions",
    )
    file = models.FileField(_("file"), max_length=255, blank=True)
    mime_type = models.CharField(_("type"), max_length=64, blank=True)
    # For text: the published text with its explicit label at the start (R18).
    text = models.TextField(_("published text"), blank=True)
    tier = models.CharField(_("AI tier"), max_length=12)
    explicit_label = models.CharField(_("explicit label"), max_length=200, blank=True)
    c2pa_status = models.CharField(_("C2PA"), max_length=32, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submission", "id"]
        verbose_name = _("published rendition")
        verbose_name_plural = _("published renditions")

    def __str__(self) -> str:
        return f"rendition {self.pk} of #{self.submission_id}"
