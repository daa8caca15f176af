"""Oversight rows: daily metric roll-ups, the label identifiers search reads, the DSA category of
each policy reason, and the log of statements of reasons sent to the EU Transparency Database."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Sanction
from moderation.models import CheckRun, Decision, PolicyReason, Submission
from oversight.tdb.vocabulary import DEFAULT_CATEGORY, STATEMENT_CATEGORIES


class DailyFigure(models.Model):
    """One number of one day: `metric` (e.g. "decisions") for a queue and up to two dimensions
    (e.g. outcome, moderator). A day's rows of a provider are replaced as a whole when recomputed,
    so computing a day twice changes nothing."""

    day = models.DateField(_("day"))
    metric = models.CharField(_("metric"), max_length=48)
    queue = models.CharField(_("queue"), max_length=16, blank=True)
    # Wide enough for the longest DSA category key (the notices' figures are counted by it).
    dimension = models.CharField(_("dimension"), max_length=80, blank=True)
    detail = models.CharField(_("detail"), max_length=64, blank=True)
    value = models.BigIntegerField(_("value"))
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        ordering = ["day", "metric", "queue", "dimension", "detail"]
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "day", "queue", "dimension", "detail"], name="dailyfigure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.queue} {self.dimension} {self.detail} = {self.value}"


class LabelIdentifier(models.Model):
    """An identifier the label check read from a file: a C2PA manifest id or a TC260 ProduceID.

    Filled from finished label runs by `label_identifiers_index` (every few minutes, and by the
    `index_label_identifiers` command for older runs), so moderators can search by them."""

    class Kind(models.TextChoices):
        C2PA_MANIFEST = "c2pa_manifest", _("C2PA manifest id")
        TC260_PRODUCE_ID = "tc260_produce_id", _("TC260 ProduceID")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=255)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(CheckRun, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("label identifier")
        verbose_name_plural = _("label identifiers")
        constraints = [
            models.UniqueConstraint(fields=["run", "kind", "value"], name="labelidentifier_unique"),
        ]
        indexes = [models.Index(fields=["value", "kind"], name="labelidentifier_value_idx")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class JobMark(models.Model):
    """Where an incremental job got to (e.g. the label identifier sweep): one row per job."""

    name = models.CharField(max_length=64, unique=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("job mark")

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M}"


class ReasonCategory(models.Model):
    """How a policy reason is reported under the DSA: its category (and keywords) in the
    Transparency Database and in the transparency report. Reasons without one count under
    "other violation of the terms"."""

    reason = models.OneToOneField(
        PolicyReason, verbose_name=_("reason"), on_delete=models.CASCADE, related_name="dsa_category"
    )
    category = models.CharField(
        _("DSA category"),
        max_length=80,
        choices=list(STATEMENT_CATEGORIES.items()),
        default=DEFAULT_CATEGORY,
    )
    keywords = models.JSONField(_("keywords"), default=list, blank=True)

    class Meta:
        ordering = ["reason__code"]
        verbose_name = _("DSA category of a reason")
        verbose_name_plural = _("DSA categories of reasons")

    def __str__(self) -> str:
        return f"{self.reason_id} → {self.category}"


class StatementSubmission(models.Model):
    """One statement of reasons on its way to the EU Transparency Database, and what came back.

    The row is the source of truth: the sending job claims pending rows with a conditional update,
    and a row whose sending failed for a passing reason waits until `next_attempt_at`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Accepted by the database")
        INVALID = "invalid", _("Refused: invalid payload")
        FAILED = "failed", _("Gave up after retries")
        SKIPPED = "skipped", _("Not for the database")

    decision = models.OneToOneField(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="tdb_submission"
    )
    # Or an account sanction (DSA Art. 24(5) covers decisions on accounts): one of the two.
    sanction = models.OneToOneField(
        Sanction, null=True, blank=True, on_delete=models.SET_NULL, related_name="tdb_submission"
    )
    puid = models.CharField(_("platform unique identifier"), max_length=500, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    lease_expires_at = models.DateTimeField(_("lease expires"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    tdb_uuid = models.CharField(_("database uuid"), max_length=64, blank=True)
    errors = models.JSONField(_("errors"), default=dict, blank=True)
    payload = models.JSONField(_("payload sent"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("statement sent to the Transparency Database")
        verbose_name_plural = _("statements sent to the Transparency Database")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="tdbsubmission_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision__isnull=True) | models.Q(sanction__isnull=True),
                name="tdbsubmission_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.puid} ({self.status})"


class TdbRequest(models.Model):
    """One HTTP call to the Statement API: how many statements, the answer, how long it took."""

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    endpoint = models.CharField(_("endpoint"), max_length=200)
    statements = models.PositiveSmallIntegerField(_("statements"))
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Transparency Database request")
        verbose_name_plural = _("Transparency Database requests")

    def __str__(self) -> str:
        return f"{self.endpoint} → {self.http_status}"
