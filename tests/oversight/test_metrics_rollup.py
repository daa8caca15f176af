"""The daily roll-ups: they match figures computed directly from the rows, recomputing a day
changes nothing, and time to decision is right on a timeline made by hand."""

import random
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from audit.services import record_event
from moderation.models import CheckRun, Decision, Finding, Status, Submission
from oversight.metrics import names
from oversight.metrics.days import day_bounds, days_between
from oversight.metrics.providers import WAITING_STATUSES
from oversight.metrics.rollup import metrics_rollup
from oversight.metrics.timing import exact_percentile, histogram_percentile
from oversight.models import DailyFigure
from tests.oversight.conftest import decide, make_item

QUEUES = ["review", "escalated", "takedown"]


def at(day: date, hour: float) -> datetime:
    return day_bounds(day)[0] + timedelta(hours=hour)


def rolled(metric: str, **filters: object) -> Counter:
    counts: Counter = Counter()
    for row in DailyFigure.objects.filter(metric=metric, **filters):
        counts[(row.day, row.queue, row.dimension, row.detail)] += row.value
    return counts


@pytest.fixture
def timeline(alice: User, bob: User, mod: User, senior: User) -> dict:
    """Sixty submissions over ten days, decided (or not) at random but reproducible times."""
    rng = random.Random(17)
    first = timezone.localdate() - timedelta(days=20)
    days = days_between(first, first + timedelta(days=9))
    now = at(days[-1], 15)
    for n in range(60):
        submitted = at(days[0], rng.uniform(0, 24 * 10 - 10))
        queue = rng.choice(QUEUES)
        tier = rng.choice(["confirmed", "possible", "suspected", "none"])
        item = make_item(
            rng.choice([alice, bob]), submitted_at=submitted, queue=queue, tier=tier, title=f"item {n}"
        )
        run = CheckRun.objects.create(
            submission=item,
            revision=item.current_revision,
            kind="label",
            check_version="1",
            status=rng.choice(["passed", "flagged", "failed"]),
            created_at=submitted,
            finished_at=submitted - timedelta(seconds=30),
            result={"tier": tier},
        )
        if run.status != "passed":
            Finding.objects.create(
                run=run,
                code=rng.choice(["declaration_contradicts_metadata", "c2pa_tampered"]),
                severity="blocking" if run.status == "failed" else "warning",
                message="m",
            )
        if queue == "escalated":
            decide(item, mod, "escalated", submitted + timedelta(hours=rng.uniform(0.1, 3)), queue="review")
        roll = rng.random()
        decided = submitted + timedelta(hours=rng.uniform(0.2, 60))
        if roll < 0.65 and decided < now:
            outcome = rng.choice(["approved", "rejected", "changes_requested"])
            reason = rng.choice(["unlabelled-ai", "quality"]) if outcome != "approved" else None
            decide(
                item,
                senior if queue == "escalated" else rng.choice([mod, senior]),
                outcome,
                decided,
                reason=reason,
                automated=rng.random() < 0.5,
            )
        elif roll < 0.75 and decided < now:
            Submission.objects.filter(pk=item.pk).update(status=Status.WITHDRAWN, updated_at=decided)
    metrics_rollup(days=days, now=now)
    return {"days": days, "now": now}


def test_it_matches_figures_computed_directly_from_the_rows(timeline: dict) -> None:
    days, now = timeline["days"], timeline["now"]
    backlog, intake = rolled(names.BACKLOG), rolled(names.INTAKE)
    decisions, moderators = rolled(names.DECISIONS), rolled(names.MODERATOR_DECISIONS)
    runs, tiers, findings = rolled(names.CHECK_RUNS), rolled(names.LABEL_TIERS), rolled(names.FINDINGS)
    assert sum(backlog.values()) > 0 and sum(decisions.values()) > 0
    for day in days:
        start, end = day_bounds(day)
        end = min(end, now)
        for queue in QUEUES:
            waiting = (
                Submission.objects.filter(queue=queue, awaiting_since__lte=end)
                .filter(
                    Q(status__in=WAITING_STATUSES)
                    | Q(decided_at__gt=end)
                    | Q(decided_at__isnull=True, updated_at__gt=end)
                )
                .count()
            )
            assert sum(v for (d, q, _s, _x), v in backlog.items() if d == day and q == queue) == waiting, (
                day,
                queue,
            )
            entered = Submission.objects.filter(
                queue=queue, awaiting_since__gte=start, awaiting_since__lt=end
            ).count()
            assert intake[(day, queue, "", "")] == entered
        made = Decision.objects.filter(created_at__gte=start, created_at__lt=end)
        for row in made.values("from_queue", "outcome").annotate(n=Count("id")):
            assert decisions[(day, row["from_queue"], row["outcome"], "")] == row["n"]
        assert sum(v for (d, *_rest), v in decisions.items() if d == day) == made.count()
        for row in made.values("from_queue", "moderator_id", "outcome").annotate(n=Count("id")):
            assert moderators[(day, row["from_queue"], str(row["moderator_id"]), row["outcome"])] == row["n"]
        finished = CheckRun.objects.filter(finished_at__gte=start, finished_at__lt=end)
        for run in finished.values("kind", "status").annotate(n=Count("id")):
            assert runs[(day, "", run["kind"], run["status"])] == run["n"]
        for tier in finished.values("result__tier").annotate(n=Count("id")):
            assert tiers[(day, "", tier["result__tier"], "")] == tier["n"]
        for code in (
            Finding.objects.filter(run__in=finished).values("code", "severity").annotate(n=Count("id"))
        ):
            assert findings[(day, "", code["code"], code["severity"])] == code["n"]


def test_time_to_decision_rollup_matches_the_rows(timeline: dict) -> None:
    ttd = rolled(names.TIME_TO_DECISION)
    sla = rolled(names.SLA_DECIDED)
    final = Decision.objects.filter(outcome__in=["approved", "rejected", "changes_requested"])
    for queue in ["review", "escalated"]:
        seconds = [
            (d.created_at - d.revision.submitted_at).total_seconds()
            for d in final.filter(from_queue=queue).select_related("revision")
        ]
        histogram: Counter = Counter()
        for (_day, q, bucket, _x), value in ttd.items():
            if q == queue:
                histogram[int(bucket)] += value
        assert sum(histogram.values()) == len(seconds) > 0
        for share in (0.5, 0.9):
            exact = exact_percentile(seconds, share)
            estimate = histogram_percentile(histogram, share)
            assert exact is not None and estimate is not None
            assert abs(estimate - exact) / exact < 0.0906, (queue, share, exact, estimate)
        within = sum(1 for s in seconds if s <= settings.SLA_HOURS[queue] * 3600)
        assert sum(v for (_d, q, state, _x), v in sla.items() if q == queue and state == "met") == within
        assert sum(v for (_d, q, state, _x), v in sla.items() if q == queue and state == "breached") == (
            len(seconds) - within
        )


def test_recomputing_a_day_replaces_its_rows(timeline: dict, mod: User) -> None:
    days, now = timeline["days"], timeline["now"]

    def snapshot() -> list[tuple]:
        return list(
            DailyFigure.objects.order_by("day", "metric", "queue", "dimension", "detail").values_list(
                "day", "metric", "queue", "dimension", "detail", "value"
            )
        )

    before = snapshot()
    metrics_rollup(days=days, now=now)
    assert snapshot() == before
    # A decision made later on day 3 shows up once that day is recomputed, and only then.
    item = Submission.objects.filter(
        status=Status.AWAITING_REVIEW, queue="review", awaiting_since__lt=at(days[3], 1)
    ).first()
    decide(item, mod, "approved", at(days[3], 23.9))
    assert snapshot() == before
    metrics_rollup(days=[days[3]], now=now)
    after = rolled(names.DECISIONS, day=days[3])
    assert sum(after.values()) == sum(v for (d, *_r), v in rolled(names.DECISIONS).items() if d == days[3])
    assert DailyFigure.objects.filter(day=days[3], metric=names.DECISIONS).count() >= 1
    assert snapshot() != before


def test_time_to_decision_on_a_hand_made_timeline(alice: User, mod: User, senior: User) -> None:
    """Five review items decided 1, 2, 3, 4 and 30 hours after submission; one takedown decided
    two hours after it was opened. p50 3 h, p90 30 h; one decision past the 24 h SLA."""
    day = timezone.localdate() - timedelta(days=5)
    start = at(day, 1)
    for delay in (1, 2, 3, 4, 30):
        item = make_item(alice, submitted_at=start)
        decide(item, mod, "approved", start + timedelta(hours=delay))
    published = make_item(alice, submitted_at=start - timedelta(days=30), queue="takedown")
    opened = at(day, 6)
    from unittest import mock

    with mock.patch("audit.services.timezone.now", return_value=opened):
        record_event(action="submission.takedown_opened", target=published)
    decide(published, senior, "rejected", opened + timedelta(hours=2), reason="missing-consent")

    days = [day, day + timedelta(days=1), day + timedelta(days=2)]
    metrics_rollup(days=days, now=at(day + timedelta(days=3), 0))

    review: Counter[int] = Counter()
    for row in DailyFigure.objects.filter(metric=names.TIME_TO_DECISION, queue="review"):
        review[int(row.dimension)] += row.value
    hours = [1, 2, 3, 4, 30]
    assert exact_percentile([h * 3600 for h in hours], 0.5) == 3 * 3600
    assert exact_percentile([h * 3600 for h in hours], 0.9) == 30 * 3600
    assert histogram_percentile(review, 0.5) == pytest.approx(3 * 3600, rel=0.0906)
    assert histogram_percentile(review, 0.9) == pytest.approx(30 * 3600, rel=0.0906)
    sla = rolled(names.SLA_DECIDED, queue="review")
    assert sum(v for (_d, _q, s, _x), v in sla.items() if s == "met") == 4
    assert sum(v for (_d, _q, s, _x), v in sla.items() if s == "breached") == 1

    takedown: Counter[int] = Counter()
    for row in DailyFigure.objects.filter(metric=names.TIME_TO_DECISION, queue="takedown"):
        takedown[int(row.dimension)] += row.value
    assert sum(takedown.values()) == 1
    assert histogram_percentile(takedown, 0.5) == pytest.approx(2 * 3600, rel=0.0906)


def test_backlog_counts_an_item_on_each_day_it_waited(alice: User, mod: User) -> None:
    day = timezone.localdate() - timedelta(days=10)
    item = make_item(alice, submitted_at=at(day, 10))  # waits day 0 and day 1, decided day 2 09:00
    decide(item, mod, "approved", at(day + timedelta(days=2), 9))
    days = [day + timedelta(days=n) for n in range(4)]
    metrics_rollup(days=days, now=at(day + timedelta(days=5), 0))
    waiting = {d: sum(r.value for r in DailyFigure.objects.filter(metric=names.BACKLOG, day=d)) for d in days}
    assert waiting == {days[0]: 1, days[1]: 1, days[2]: 0, days[3]: 0}
    states = dict(DailyFigure.objects.filter(metric=names.BACKLOG).values_list("day", "dimension"))
    assert states == {days[0]: "on_track", days[1]: "breached"}  # 24 h SLA: due day 1 at 10:00
    assert DailyFigure.objects.get(metric=names.INTAKE).day == days[0]
