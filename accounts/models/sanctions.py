"""Sanctions on accounts (Deep Synthesis Provisions Art. 10, rule R28).

The ladder is warning, function restriction, service suspension and account closure. Rows
are never deleted: lifting one records who lifted it, when and why.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SanctionQuerySet(models.QuerySet["Sanction"]):
    def in_force(self, now: datetime.datetime | None = None) -> "SanctionQuerySet":
        """Not lifted and not past its end. Warnings stay in force until acknowledged."""
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))

    def active(self, now: datetime.datetime | None = None) -> "SanctionQuerySet":
        """What the user currently lives with: in force, and for warnings not yet acknowledged."""
        return self.in_force(now).exclude(kind=Sanction.Kind.WARNING, acknowledged_at__isnull=False)

    def strikes(self, now: datetime.datetime | None = None) -> "SanctionQuerySet":
        """Sanctions that count against the user: imposed within the strike window, not lifted."""
        since = (now or timezone.now()) - datetime.timedelta(days=settings.STRIKE_WINDOW_DAYS)
        return self.filter(kind__in=Sanction.Kind.values, created_at__gte=since, lifted_at__isnull=True)


class Sanction(models.Model):
    class Kind(models.TextChoices):
        WARNING = "warning", _("Warning")
        RESTRICTION = "restriction", _("Function restriction")
        SUSPENSION = "suspension", _("Service suspension")
        CLOSURE = "closure", _("Account closure")

    class Ground(models.TextChoices):
        # The same vocabulary as moderation's PolicyReason.Ground.
        ILLEGAL = "illegal", _("Illegal content")
        INCOMPATIBLE = "incompatible", _("Incompatible with the terms of service")

    # Kinds that can have an end; a warning ends when acknowledged, a closure when lifted.
    TIMED_KINDS = frozenset({Kind.RESTRICTION, Kind.SUSPENSION})
    # Kinds that restrict the account: each carries a statement of reasons (DSA Art. 17, R36).
    RESTRICTING_KINDS = frozenset({Kind.RESTRICTION, Kind.SUSPENSION, Kind.CLOSURE})

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="sanctions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    # Submission ids as plain integers: the evidence outlives any later change to submissions.
    evidence_submission_ids = models.JSONField(_("evidence (submission ids)"), default=list, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("imposed"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("ends"), null=True, blank=True, help_text=_("Empty: until lifted."))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)
    reported_to_authority = models.BooleanField(_("reported to the authority"), default=False)
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    authority_reference = models.CharField(_("authority's reference"), max_length=200, blank=True)
    not_reported_reason = models.TextField(_("why not reported"), blank=True)
    ground = models.CharField(_("ground"), max_length=16, choices=Ground.choices, default=Ground.INCOMPATIBLE)
    ground_reference = models.CharField(
        _("law or terms clause"),
        max_length=500,
        blank=True,
        help_text=_("The law, or the clause of the terms."),
    )
    # DSA Art. 17 statement of reasons, written with the sanction (moderation.review.statements).
    statement = models.JSONField(_("statement of reasons"), default=dict, blank=True)

    objects = SanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_to_authority=False) | Q(reported_at__isnull=False),
                name="sanction_report_has_time",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["restriction", "suspension"]) | Q(expires_at__isnull=True),
                name="sanction_only_timed_kinds_expire",
            ),
            # R36: an account restriction, suspension or closure comes with its statement.
            models.CheckConstraint(
                condition=~Q(kind__in=["restriction", "suspension", "closure"]) | ~Q(statement={}),
                name="sanction_restriction_has_statement",
            ),
            # DS Art. 10: on an illegal ground, reported to the authority or the reason why not.
            models.CheckConstraint(
                condition=~Q(ground="illegal") | Q(reported_to_authority=True) | ~Q(not_reported_reason=""),
                name="sanction_illegal_ground_report_settled",
            ),
        ]
        indexes = [models.Index(fields=["user", "kind", "lifted_at"], name="sanction_user_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def is_in_force(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.lifted_at is None and (self.expires_at is None or self.expires_at > now)

    def is_active(self, now: datetime.datetime | None = None) -> bool:
        if self.kind == self.Kind.WARNING and self.acknowledged_at is not None:
            return False
        return self.is_in_force(now)
