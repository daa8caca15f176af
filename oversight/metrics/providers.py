"""The built-in metric providers: review (queues and decisions), checks, sanctions.

Each reads a day's rows once and folds them in Python, so the roll-up costs a handful of indexed
queries per day whatever the number of submissions (the backlog reads the waiting items once for
all the days asked for)."""

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.fields.json import KT

from accounts.models import Sanction
from audit.models import AuditEvent
from moderation.models import CheckRun, Decision, DecisionOutcome, Finding, SlaState, Status, Submission
from oversight.metrics import Figure, names, register
from oversight.metrics.days import day_bounds
from oversight.metrics.timing import bucket_of

FINAL_OUTCOMES = (DecisionOutcome.APPROVED, DecisionOutcome.REJECTED, DecisionOutcome.CHANGES_REQUESTED)
RESTRICTIVE_OUTCOMES = (DecisionOutcome.REJECTED, DecisionOutcome.CHANGES_REQUESTED)
# A submission in one of these states with a wait start is still waiting (a re-run of checks
# keeps its place in the queue).
WAITING_STATUSES = (Status.AWAITING_REVIEW, Status.CHECKING, Status.SUBMITTED)


def sla_state(queue: str, due_at: datetime | None, at: datetime) -> str:
    """Submission.sla_state for a moment in the past."""
    if due_at is None or at >= due_at:
        return SlaState.BREACHED
    target = timedelta(hours=settings.SLA_HOURS.get(queue, 24))
    if due_at - at <= target * (1 - settings.SLA_AT_RISK_FRACTION):
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


def wait_end(
    status: str, awaiting_since: datetime, decided_at: datetime | None, updated_at: datetime
) -> datetime | None:
    """When a submission's current wait ended (decided, withdrawn, sent back), or None if it goes on."""
    if status in WAITING_STATUSES:
        return None
    return max(awaiting_since, decided_at or updated_at)


class ReviewProvider:
    name = "review"
    metrics: tuple[str, ...] = (
        names.BACKLOG,
        names.INTAKE,
        names.DECISIONS,
        names.MODERATOR_DECISIONS,
        names.TIME_TO_DECISION,
        names.SLA_DECIDED,
        names.REASONS,
        names.RESTRICTIONS,
        names.OVERRIDES,
    )

    def compute(self, *, days: list[date], now: datetime) -> dict[date, Iterable[Figure]]:
        figures: dict[date, list[Figure]] = {day: [] for day in days}
        for day, counts in self.backlog(days, now).items():
            figures[day] += [
                Figure(metric, value, queue=queue, dimension=dimension)
                for (metric, queue, dimension), value in counts.items()
            ]
        for day in days:
            figures[day] += self.decisions(*day_bounds(day))
        return dict(figures)

    def backlog(self, days: list[date], now: datetime) -> dict[date, Counter]:
        """Items waiting at the end of each day, by queue and SLA state, and items whose wait began
        that day: one pass over the submissions that waited at some point of the period."""
        starts = [day_bounds(day)[0] for day in days]
        full_ends = [day_bounds(day)[1] for day in days]
        ends = [min(end, now) for end in full_ends]
        counts: dict[date, Counter] = {day: Counter() for day in days}
        rows = (
            Submission.objects.filter(awaiting_since__isnull=False, awaiting_since__lt=ends[-1])
            .filter(Q(status__in=WAITING_STATUSES) | Q(updated_at__gt=starts[0]))
            .values_list("queue", "status", "awaiting_since", "decided_at", "updated_at", "due_at")
            .order_by()
        )
        for queue, status, since, decided_at, updated_at, due_at in rows.iterator(chunk_size=5000):
            if since is None:  # filtered out above; for the type checker
                continue
            end = wait_end(status, since, decided_at, updated_at)
            first = bisect_left(ends, since)  # the first day whose end is at or after the wait began
            for index in range(first, len(days)):
                at = ends[index]
                if end is not None and end <= at:
                    break
                counts[days[index]][(names.BACKLOG, queue, sla_state(queue, due_at, at))] += 1
            began = bisect_right(full_ends, since)  # the day the wait began in, if it is one of ours
            if began < len(days) and starts[began] <= since:
                counts[days[began]][(names.INTAKE, queue, "")] += 1
        return counts

    def decisions(self, start: datetime, end: datetime) -> list[Figure]:
        rows = list(
            Decision.objects.filter(created_at__gte=start, created_at__lt=end)
            .annotate(automated=KT("statement__tdb__automated_detection"))
            .values_list(
                "submission_id",
                "from_queue",
                "outcome",
                "moderator_id",
                "reason__code",
                "override_reason",
                "automated",
                "created_at",
                "revision__submitted_at",
            )
            .order_by()
        )
        takedown_starts = self.takedown_starts(
            [row[0] for row in rows if row[1] == "takedown" and row[2] in FINAL_OUTCOMES], end
        )
        counts: Counter = Counter()
        for (
            submission_id,
            queue,
            outcome,
            moderator_id,
            reason,
            override,
            automated,
            decided,
            submitted,
        ) in rows:
            counts[(names.DECISIONS, queue, outcome, "")] += 1
            counts[(names.MODERATOR_DECISIONS, queue, str(moderator_id), outcome)] += 1
            if reason:
                counts[(names.REASONS, queue, reason, outcome)] += 1
            if outcome in RESTRICTIVE_OUTCOMES:
                detection = "automated" if automated == "Yes" else "manual"
                counts[(names.RESTRICTIONS, "", reason or "", detection)] += 1
            if override:
                counts[(names.OVERRIDES, queue, "", "")] += 1
            if outcome not in FINAL_OUTCOMES:
                continue
            began = (
                wait_start_before(takedown_starts.get(submission_id, []), decided)
                if queue == "takedown"
                else submitted
            )
            if began is None:
                continue
            seconds = max(0.0, (decided - began).total_seconds())
            counts[(names.TIME_TO_DECISION, queue, str(bucket_of(seconds)), "")] += 1
            within = seconds <= settings.SLA_HOURS.get(queue, 24) * 3600
            counts[(names.SLA_DECIDED, queue, "met" if within else "breached", "")] += 1
        return [Figure(m, v, queue=q, dimension=d, detail=x) for (m, q, d, x), v in counts.items()]

    @staticmethod
    def takedown_starts(submission_ids: list[int], before: datetime) -> dict[int, list[datetime]]:
        """When each submission's takedowns were opened (the audit trail is the only record)."""
        if not submission_ids:
            return {}
        starts: dict[int, list[datetime]] = {}
        events = AuditEvent.objects.filter(
            action="submission.takedown_opened",
            target_type="moderation.submission",
            target_id__in=[str(pk) for pk in set(submission_ids)],
            created_at__lt=before,
        ).values_list("target_id", "created_at")
        for target_id, created_at in events:
            starts.setdefault(int(target_id), []).append(created_at)
        return starts


def wait_start_before(starts: list[datetime], decided: datetime) -> datetime | None:
    earlier = [moment for moment in starts if moment <= decided]
    return max(earlier) if earlier else None


class ChecksProvider:
    name = "checks"
    metrics: tuple[str, ...] = (names.CHECK_RUNS, names.FINDINGS, names.LABEL_TIERS)

    def compute(self, *, days: list[date], now: datetime) -> dict[date, Iterable[Figure]]:
        return {day: self.day(*day_bounds(day)) for day in days}

    def day(self, start: datetime, end: datetime) -> list[Figure]:
        runs = CheckRun.objects.filter(finished_at__gte=start, finished_at__lt=end)
        figures = [
            Figure(names.CHECK_RUNS, row["n"], dimension=row["kind"], detail=row["status"])
            for row in runs.values("kind", "status").annotate(n=Count("id")).order_by()
        ]
        figures += [
            Figure(names.LABEL_TIERS, row["n"], dimension=row["tier"] or "none")
            for row in runs.filter(kind="label")
            .annotate(tier=KT("result__tier"))
            .values("tier")
            .annotate(n=Count("id"))
            .order_by()
        ]
        figures += [
            Figure(names.FINDINGS, row["n"], dimension=row["code"], detail=row["severity"])
            for row in Finding.objects.filter(run__finished_at__gte=start, run__finished_at__lt=end)
            .values("code", "severity")
            .annotate(n=Count("id"))
            .order_by()
        ]
        return figures


class SanctionsProvider:
    name = "sanctions"
    metrics: tuple[str, ...] = (names.SANCTIONS,)

    def compute(self, *, days: list[date], now: datetime) -> dict[date, Iterable[Figure]]:
        result: dict[date, Iterable[Figure]] = {}
        for day in days:
            start, end = day_bounds(day)
            result[day] = [
                Figure(names.SANCTIONS, row["n"], dimension=row["kind"])
                for row in Sanction.objects.filter(created_at__gte=start, created_at__lt=end)
                .values("kind")
                .annotate(n=Count("id"))
                .order_by()
            ]
        return result


register(ReviewProvider())
register(ChecksProvider())
register(SanctionsProvider())
