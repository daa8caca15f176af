"""Reads of the roll-up rows for the metrics page: one grouped query per chart, whatever the range,
so the page costs the same at a thousand submissions as at a million."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncWeek

from accounts.models import User
from moderation.models import DecisionOutcome, Queue, SlaState, Tier
from oversight.metrics import names
from oversight.metrics.days import days_between, week_of
from oversight.metrics.rollup import ROLLUP_MARK
from oversight.metrics.timing import histogram_percentile
from oversight.models import DailyFigure, JobMark

# Metrics that carry a queue: the queue filter applies to them, not to the others.
QUEUED = {
    names.BACKLOG,
    names.INTAKE,
    names.DECISIONS,
    names.MODERATOR_DECISIONS,
    names.TIME_TO_DECISION,
    names.SLA_DECIDED,
    names.REASONS,
    names.OVERRIDES,
}


@dataclass(frozen=True)
class MetricsFilter:
    start: date
    end: date
    queue: str = ""

    @property
    def days(self) -> list[date]:
        return days_between(self.start, self.end)

    @property
    def weeks(self) -> list[date]:
        return sorted({week_of(day) for day in self.days})


def figures(metric: str, where: MetricsFilter) -> QuerySet[DailyFigure]:
    rows = DailyFigure.objects.filter(metric=metric, day__gte=where.start, day__lte=where.end)
    if where.queue and metric in QUEUED:
        rows = rows.filter(queue=where.queue)
    return rows.order_by()


def by_week(metric: str, where: MetricsFilter, *fields: str) -> list[dict[str, Any]]:
    return list(
        figures(metric, where)
        .annotate(week=TruncWeek("day"))
        .values("week", *fields)
        .annotate(n=Sum("value"))
    )


def totals(metric: str, where: MetricsFilter, *fields: str) -> list[dict[str, Any]]:
    return list(figures(metric, where).values(*fields).annotate(n=Sum("value")).order_by("-n"))


def backlog(where: MetricsFilter) -> dict[str, Any]:
    """Items waiting at the end of each day by queue, and by SLA state on the range's last day."""
    per_day: dict[tuple[date, str], int] = defaultdict(int)
    last_day: dict[tuple[str, str], int] = defaultdict(int)
    rows = list(figures(names.BACKLOG, where).values_list("day", "queue", "dimension", "value"))
    latest = None
    for day, queue, _state, value in rows:
        per_day[(day, queue)] += value
        latest = max(latest or day, day)
    for day, queue, state, value in rows:
        if day == latest:
            last_day[(queue, state)] += value
    return {"per_day": per_day, "last_day": last_day, "latest": latest}


def time_to_decision(where: MetricsFilter) -> dict[str, Any]:
    """p50 / p90 of time to decision per queue and week, and over the whole range."""
    weekly: dict[tuple[date, str], dict[int, int]] = defaultdict(dict)
    overall: dict[str, dict[int, int]] = defaultdict(dict)
    for row in by_week(names.TIME_TO_DECISION, where, "queue", "dimension"):
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        bucket = int(row["dimension"])
        weekly[(week, row["queue"])][bucket] = weekly[(week, row["queue"])].get(bucket, 0) + row["n"]
        for key in (row["queue"], ""):
            overall[key][bucket] = overall[key].get(bucket, 0) + row["n"]
    return {
        "weekly": {
            key: (histogram_percentile(h, 0.5), histogram_percentile(h, 0.9), sum(h.values()))
            for key, h in weekly.items()
        },
        "overall": {
            key: (histogram_percentile(h, 0.5), histogram_percentile(h, 0.9), sum(h.values()))
            for key, h in overall.items()
        },
    }


def durations(metric: str, where: MetricsFilter) -> tuple[float | None, float | None, int]:
    """p50, p90 and count of a duration histogram (notices, complaints) over the whole range."""
    histogram: dict[int, int] = defaultdict(int)
    for row in totals(metric, where, "dimension"):
        histogram[int(row["dimension"])] += row["n"]
    return histogram_percentile(histogram, 0.5), histogram_percentile(histogram, 0.9), sum(histogram.values())


def weekly_counts(metric: str, where: MetricsFilter, field: str) -> dict[tuple[date, str], int]:
    counts: dict[tuple[date, str], int] = defaultdict(int)
    for row in by_week(metric, where, field):
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        counts[(week, row[field])] += row["n"]
    return counts


def weekly_counts_of(
    metrics: tuple[str, ...], where: MetricsFilter, field: str
) -> dict[str, dict[tuple[date, str], int]]:
    """weekly_counts of several metrics (none of them queued) in one query."""
    counts: dict[str, dict[tuple[date, str], int]] = {metric: defaultdict(int) for metric in metrics}
    rows = (
        DailyFigure.objects.filter(metric__in=metrics, day__gte=where.start, day__lte=where.end)
        .annotate(week=TruncWeek("day"))
        .values("metric", "week", field)
        .annotate(n=Sum("value"))
        .order_by()
    )
    for row in rows:
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        counts[row["metric"]][(week, row[field])] += row["n"]
    return counts


def moderators(where: MetricsFilter, limit: int = 15) -> tuple[list[str], dict[str, dict[str, int]]]:
    """The moderators with most decisions (names, one query for them) and their counts by outcome."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in totals(names.MODERATOR_DECISIONS, where, "dimension", "detail"):
        counts[row["dimension"]][row["detail"]] = counts[row["dimension"]].get(row["detail"], 0) + row["n"]
    ranked = sorted(counts, key=lambda key: (-sum(counts[key].values()), key))[:limit]
    usernames = dict(
        User.objects.filter(pk__in=[int(key) for key in ranked if key.isdigit()]).values_list(
            "pk", "username"
        )
    )
    labelled = {usernames.get(int(key), f"#{key}") if key.isdigit() else key: counts[key] for key in ranked}
    return list(labelled), labelled


def reasons(where: MetricsFilter, limit: int = 10) -> tuple[list[str], dict[str, dict[str, int]]]:
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in totals(names.REASONS, where, "dimension", "detail"):
        counts[row["dimension"]][row["detail"]] = counts[row["dimension"]].get(row["detail"], 0) + row["n"]
    ranked = sorted(counts, key=lambda key: (-sum(counts[key].values()), key))[:limit]
    return ranked, counts


def computed_at(where: MetricsFilter) -> datetime | None:
    """When the roll-up job last ran (whatever the range: it recomputes the recent days)."""
    return JobMark.objects.filter(name=ROLLUP_MARK).values_list("at", flat=True).first()


OUTCOMES = [
    DecisionOutcome.APPROVED,
    DecisionOutcome.REJECTED,
    DecisionOutcome.CHANGES_REQUESTED,
    DecisionOutcome.ESCALATED,
]
SLA_STATES = [SlaState.ON_TRACK, SlaState.AT_RISK, SlaState.BREACHED]
TIERS = [Tier.CONFIRMED, Tier.POSSIBLE, Tier.SUSPECTED, Tier.NONE]
QUEUES = list(Queue)
