"""Internal complaints about decisions (DSA Art. 20, DS Art. 12): free, electronic, for at least
six months after the person was told of the decision; due within the published response period;
decided by a senior moderator who did not take the decision; never by software alone.

Who may complain about what:
- the contributor, about a decision restricting their content (a rejection, changes requested,
  a takedown, a regional restriction, a refutation label);
- a notifier, about the decision on their notice (no action, a restriction, a refutation);
- an account holder, about a restriction, suspension or closure of their account.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Sanction
from moderation.models import Decision, LeasedItem, Submission
from notices.models import Notice


class Complainant(models.TextChoices):
    CONTRIBUTOR = "contributor", _("The contributor")
    NOTIFIER = "notifier", _("The person who sent the notice")
    ACCOUNT_HOLDER = "account_holder", _("The account holder")


class Complaint(LeasedItem):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Decision upheld")
        OVERTURNED = "overturned", _("Decision overturned")

    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    sanction = models.ForeignKey(
        Sanction, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    # The item concerned (none for an account sanction), for the queue and the item's history.
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    complainant_kind = models.CharField(_("who complains"), max_length=16, choices=Complainant.choices)
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    # One open complaint per decision per person: "user:<id>" or "email:<address>".
    complainant_key = models.CharField(max_length=260, editable=False)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    explanation = models.TextField(_("why the decision is wrong"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    informed_at = models.DateTimeField(_("told of the decision"))

    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution = models.TextField(_("reasons of the answer"), blank=True)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # What an overturn did: the reinstatement, or the takedown with its new statement of reasons.
    result_decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer_sent_at = models.DateTimeField(_("answer sent"), null=True, blank=True)
    # Past the retention period the complainant's name, address, account and explanation are
    # removed from an answered complaint; who complained (the kind), the times and the outcome stay.
    personal_data_removed_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__isnull=False, sanction__isnull=True)
                | Q(decision__isnull=True, sanction__isnull=False),
                name="complaint_about_one_decision",
            ),
            models.UniqueConstraint(
                fields=["decision", "complainant_key"],
                condition=Q(state="open", decision__isnull=False),
                name="complaint_one_open_per_decision_person",
            ),
            models.UniqueConstraint(
                fields=["sanction", "complainant_key"],
                condition=Q(state="open", sanction__isnull=False),
                name="complaint_one_open_per_sanction_person",
            ),
            # R38: a named human reviewer and reasons on every answer.
            models.CheckConstraint(
                condition=Q(state="open")
                | (Q(reviewer__isnull=False) & Q(decided_at__isnull=False) & ~Q(resolution="")),
                name="complaint_answered_by_a_person_with_reasons",
            ),
        ]
        indexes = [
            models.Index(fields=["due_at", "id"], name="complaint_queue_idx", condition=Q(state="open")),
        ]

    def __str__(self) -> str:
        return f"complaint {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def reference(self) -> str:
        return f"C-{self.pk:06d}"

    def sla_target(self) -> timedelta:
        return timedelta(days=settings.APPEALS_RESPONSE_DAYS)

    @property
    def original_moderator_id(self) -> int | None:
        """Who took the decision complained about (None when it was automated)."""
        if self.decision_id is not None:
            assert self.decision is not None
            return self.decision.moderator_id
        assert self.sanction is not None
        return self.sanction.actor_id

    @property
    def answered_on_time(self) -> bool | None:
        if self.decided_at is None or self.due_at is None:
            return None
        return self.decided_at <= self.due_at
