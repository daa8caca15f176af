"""Automated check runs, their findings, and the policy feature library.

The CheckRun row is the source of truth for background work: a worker claims it with a
conditional update, holds it under a lease, and finishes it in one transaction together with
its findings. Redis only carries the id; `requeue_stale_checks` re-sends whatever got lost.
"""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.finding_messages import render
from moderation.models.submissions import Revision, Submission


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    PASSED = "passed", _("Passed")
    FLAGGED = "flagged", _("Flagged")
    FAILED = "failed", _("Failed")
    ERROR = "error", _("Error")


FINISHED_RUN_STATUSES = frozenset({RunStatus.PASSED, RunStatus.FLAGGED, RunStatus.FAILED, RunStatus.ERROR})


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    BLOCKING = "blocking", _("Blocking")


def stale_rows(now: datetime, resend_after_seconds: int) -> Q:
    """Rows a worker will not finish by itself: running past the lease (the worker died), or
    pending and never picked up. For every row that travels to the workers (see `background`)."""
    resend_after = now - timedelta(seconds=resend_after_seconds)
    return (
        Q(status="running", lease_expires_at__lt=now)
        | Q(status="pending", enqueued_at__lt=resend_after)
        | Q(status="pending", enqueued_at__isnull=True, created_at__lt=resend_after)
    )


class CheckRunQuerySet(models.QuerySet["CheckRun"]):
    def unfinished(self) -> "CheckRunQuerySet":
        return self.filter(status__in=[RunStatus.PENDING, RunStatus.RUNNING])

    def stale(self, now: datetime) -> "CheckRunQuerySet":
        return self.filter(stale_rows(now, settings.CHECK_RESEND_AFTER_SECONDS))


class CheckRun(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="check_runs")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="check_runs")
    kind = models.CharField(_("check"), max_length=32)
    check_version = models.CharField(_("check version"), max_length=64)
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    enqueued_at = models.DateTimeField(_("enqueued"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(_("lease expires"), null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    # What the summary means ({"key", "args"}), rendered in the reader's language; `summary` is
    # the text as written at check time, the fallback.
    summary_params = models.JSONField(_("summary parameters"), default=dict, blank=True)
    # What the check measured (e.g. the label engine's reports), for the review page.
    result = models.JSONField(_("result"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = CheckRunQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "kind", "-created_at"]
        verbose_name = _("check run")
        verbose_name_plural = _("check runs")
        indexes = [
            models.Index(fields=["status", "lease_expires_at"], name="checkrun_status_lease_idx"),
            models.Index(fields=["revision", "kind", "-created_at"], name="checkrun_revision_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_RUN_STATUSES

    @property
    def title(self) -> str:
        """The check's name in the reader's language (its kind, if no longer registered)."""
        from moderation.pipeline.checks import REGISTRY

        check = REGISTRY.get(self.kind)
        return str(check.title) if check is not None else self.kind.capitalize()

    @property
    def display_summary(self) -> str:
        return render(self.summary_params, self.summary)


class Finding(models.Model):
    run = models.ForeignKey(CheckRun, on_delete=models.CASCADE, related_name="findings")
    code = models.CharField(_("code"), max_length=64)
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices)
    message = models.TextField(_("message"))
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    rule = models.CharField(_("rule"), max_length=16, blank=True)
    # What the message means ({"key", "args"}, see moderation.finding_messages), rendered in the
    # reader's language; `message` is the text as written at check time, the fallback.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["run", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"{self.severity}: {self.code}"

    @property
    def is_blocking(self) -> bool:
        return self.severity == Severity.BLOCKING

    @property
    def display_message(self) -> str:
        return render(self.params, self.message)


class PolicyRegion(models.TextChoices):
    ALL = "all", _("All regions")
    CN = "cn", _("Mainland China")
    EU = "eu", _("European Union")
    OTHER = "other", _("Elsewhere")


class FeatureLibrary(models.Model):
    """The version of the prohibited-content feature library (Deep Synthesis Art. 10).

    One row; every change to a rule bumps the version, and each policy finding records it.
    """

    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("feature library")

    def __str__(self) -> str:
        return f"feature library v{self.version}"


def validate_pattern(value: str) -> None:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValidationError(_("Not a valid regular expression: %(error)s"), params={"error": exc}) from exc


class PolicyRule(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    description = models.CharField(_("description"), max_length=300)
    pattern = models.CharField(_("term or pattern"), max_length=500)
    is_regex = models.BooleanField(_("regular expression"), default=False)
    region = models.CharField(
        _("region"), max_length=8, choices=PolicyRegion.choices, default=PolicyRegion.ALL
    )
    severity = models.CharField(
        _("severity"), max_length=12, choices=Severity.choices, default=Severity.BLOCKING
    )
    rule_ref = models.CharField(_("rule reference"), max_length=16, default="R27")
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("policy rule")
        verbose_name_plural = _("policy rules")

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.is_regex:
            try:
                validate_pattern(self.pattern)
            except ValidationError as exc:
                raise ValidationError({"pattern": exc.messages}) from exc

    def applies_to_region(self, region: str) -> bool:
        return self.region in (PolicyRegion.ALL, region)
