"""Rows worked in a queue under a moderator's lease, like submissions in review: the notices
queue's cases and the complaints queue. One set of fields, one claim machinery
(moderation.review.claims), one SLA rule."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models.choices import SlaState


class LeasedItem(models.Model):
    """Claimed by one moderator at a time under a lease; `version` turns a stale page into a 409;
    `due_at` is the SLA; `priority_rank` orders the queue (score minus age, see review.priority)."""

    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    claim_expires_at = models.DateTimeField(_("claim expires"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    priority_score = models.FloatField(_("priority"), default=0)
    priority_rank = models.FloatField(_("priority rank"), default=0)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        raise NotImplementedError

    def sla_target(self) -> timedelta:
        """How long the queue promises to take over this item."""
        raise NotImplementedError

    def claim_is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.claimed_by_id is not None
            and self.claim_expires_at is not None
            and self.claim_expires_at > now
        )

    def sla_state(self, now: datetime | None = None) -> SlaState | None:
        """On track, at risk (past SLA_AT_RISK_FRACTION of the target) or breached; None once closed."""
        if not self.is_open or self.due_at is None:
            return None
        now = now or timezone.now()
        if now >= self.due_at:
            return SlaState.BREACHED
        if self.due_at - now <= self.sla_target() * (1 - settings.SLA_AT_RISK_FRACTION):
            return SlaState.AT_RISK
        return SlaState.ON_TRACK
