"""Notices about published content (DSA Art. 16, DS Art. 12): what anyone may report without
an account, and the cases moderators work them in.

Notices on one item are grouped in one open NoticeCase: the case is what the notices queue
orders (category severity, how many notices, trusted flaggers, age), claims under a lease and
decides once; every notifier of the case then gets the reasoned decision. A notice that
arrives after the decision opens a new case.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models import Decision, LeasedItem, Submission


class NoticeCategory(models.TextChoices):
    """What the notifier says is wrong, from the worst down (the queue's severity)."""

    CSAM = "csam", _("Child sexual abuse material")
    NON_CONSENSUAL = "non_consensual", _("It depicts me (or someone I represent) without consent")
    ILLEGAL = "illegal", _("Illegal content (say under which law)")
    FALSE_INFORMATION = "false_information", _("False information")
    UNLABELLED_AI = "unlabelled_ai", _("AI-generated content without an AI label")
    TERMS = "terms", _("Against the terms of service")


# Priority points of a case, by its most severe notice; the rest of the score is in services.
SEVERITY_POINTS = {
    NoticeCategory.CSAM: 200,
    NoticeCategory.NON_CONSENSUAL: 80,
    NoticeCategory.ILLEGAL: 50,
    NoticeCategory.FALSE_INFORMATION: 40,
    NoticeCategory.UNLABELLED_AI: 25,
    NoticeCategory.TERMS: 10,
}
# Cases with these are due within NOTICES_URGENT_SLA_HOURS.
URGENT_CATEGORIES = frozenset({NoticeCategory.CSAM, NoticeCategory.NON_CONSENSUAL})
# Only these may be sent without a name and e-mail (DSA Art. 16(2)(c)).
ANONYMOUS_CATEGORIES = frozenset({NoticeCategory.CSAM})


class NoticeOutcome(models.TextChoices):
    NO_ACTION = "no_action", _("No action")
    TAKEN_DOWN = "taken_down", _("Taken down")
    RESTRICTED = "restricted", _("Restricted in a region")
    REFUTED = "refuted", _("Labelled as false information")


class NoticeCase(LeasedItem):
    """The open notices on one item, worked and decided together."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "decided", _("Decided")

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="notice_cases")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    # Kept current as notices arrive, so the queue page reads one row per case.
    notice_count = models.PositiveIntegerField(_("notices"), default=0)
    top_category = models.CharField(_("most severe category"), max_length=24, choices=NoticeCategory.choices)
    has_trusted_flagger = models.BooleanField(_("from a trusted flagger"), default=False)
    urgent = models.BooleanField(_("urgent"), default=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=NoticeOutcome.choices, blank=True)
    # The decision on the item (with its statement when it restricts); the reasons sent to notifiers.
    decision = models.OneToOneField(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="notice_case"
    )
    reasons = models.TextField(_("reasons given to the notifiers"), blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("notice case")
        verbose_name_plural = _("notice cases")
        constraints = [
            models.UniqueConstraint(
                fields=["submission"], condition=Q(state="open"), name="notice_case_one_open"
            ),
            models.CheckConstraint(
                condition=Q(state="open") | (Q(decided_at__isnull=False) & ~Q(outcome="") & ~Q(reasons="")),
                name="notice_case_decided_with_reasons",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-priority_rank", "id"], name="notice_case_queue_idx", condition=Q(state="open")
            ),
        ]

    def __str__(self) -> str:
        return f"notices on #{self.submission_id} ({self.notice_count})"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def sla_target(self) -> timedelta:
        hours = settings.NOTICES_URGENT_SLA_HOURS if self.urgent else settings.NOTICES_SLA_HOURS
        return timedelta(hours=hours)


class Notice(models.Model):
    """One person's report about one item, as they sent it (DSA Art. 16(2))."""

    case = models.ForeignKey(NoticeCase, on_delete=models.PROTECT, related_name="notices")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="notices")
    urls = models.JSONField(_("exact addresses"), default=list)
    category = models.CharField(_("category"), max_length=24, choices=NoticeCategory.choices)
    law = models.CharField(_("the law it breaks"), max_length=300, blank=True)
    explanation = models.TextField(_("explanation"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    good_faith = models.BooleanField(_("good-faith statement"), default=False)
    trusted_flagger = models.BooleanField(_("trusted flagger"), default=False)
    language = models.CharField(_("language"), max_length=12, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    receipt_sent_at = models.DateTimeField(_("receipt sent"), null=True, blank=True)
    decision_sent_at = models.DateTimeField(_("decision sent"), null=True, blank=True)
    # Past the retention period the notifier's name, address and explanation are removed; what
    # the statistics need (category, flagger, times, the case and its decision) stays.
    personal_data_removed_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.CheckConstraint(condition=Q(good_faith=True), name="notice_good_faith"),
            models.CheckConstraint(
                condition=Q(category="csam")
                | (~Q(name="") & ~Q(email=""))
                | Q(personal_data_removed_at__isnull=False),
                name="notice_identifies_notifier",
            ),
        ]
        indexes = [models.Index(fields=["submission", "received_at"], name="notice_item_idx")]

    def __str__(self) -> str:
        return f"notice {self.pk} on #{self.submission_id}"

    @property
    def reference(self) -> str:
        """What the notifier quotes in any later message."""
        return f"N-{self.pk:06d}"
