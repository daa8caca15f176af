"""The DSA transparency report for a period (DSA Arts. 15, 24; Implementing Regulation (EU)
2024/2835 and its harmonised templates), from the daily roll-ups.

One row per figure: the template section, the item counted, the breakdown (a DSA category, a type
of restriction, ...), the value, and a note. Categories are the harmonised ones (the Transparency
Database's, see oversight.tdb.vocabulary), reached from each policy reason through ReasonCategory.

Figures this installation does not record are rows with an empty value and a note. The notices and
complaints of DSA Arts. 16 and 20 come from the providers the notices and complaints apps register
(the metric names listed as PLANNED in oversight.metrics.names): "not yet collected" without them.
Orders from authorities, out-of-court disputes and monthly active recipients are not recorded by
Provenant.

Items are written in English, the language of the templates, so that the files read the same in
every installation (the HTML preview is the same data)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from moderation.models import DecisionOutcome, PolicyReason
from oversight.metrics import is_collected, names
from oversight.metrics.timing import histogram_percentile
from oversight.models import DailyFigure, ReasonCategory
from oversight.tdb.vocabulary import DEFAULT_CATEGORY, STATEMENT_CATEGORIES

NOT_COLLECTED = "not yet collected"
NOT_RECORDED = "not recorded by Provenant"


@dataclass(frozen=True)
class ReportRow:
    section: str
    item: str
    breakdown: str
    value: int | float | str | None
    note: str = ""

    def as_list(self) -> list[Any]:
        return [self.section, self.item, self.breakdown, "" if self.value is None else self.value, self.note]


HEADER = ["section", "item", "breakdown", "value", "note"]


def _sum(metric: str, start: date, end: date, *fields: str) -> dict[tuple[str, ...], int]:
    rows = (
        DailyFigure.objects.filter(metric=metric, day__gte=start, day__lte=end)
        .values(*fields)
        .annotate(n=Sum("value"))
        .order_by()
    )
    return {tuple(row[f] for f in fields): row["n"] for row in rows}


def _median_hours(metric: str, start: date, end: date) -> float | None:
    histogram: dict[int, int] = defaultdict(int)
    for (bucket,), count in _sum(metric, start, end, "dimension").items():
        histogram[int(bucket)] += count
    median = histogram_percentile(histogram, 0.5)
    return round(median / 3600, 2) if median is not None else None


def _planned(section: str, items: list[tuple[str, str]], metric: str) -> list[ReportRow]:
    if is_collected(metric):
        return []
    return [ReportRow(section, item, breakdown, None, NOT_COLLECTED) for item, breakdown in items]


def transparency_report(start: date, end: date) -> list[ReportRow]:
    rows: list[ReportRow] = [
        ReportRow("general", "provider", "", settings.SITE_NAME),
        ReportRow("general", "period start", "", start.isoformat()),
        ReportRow("general", "period end", "", end.isoformat()),
        ReportRow("general", "generated", "", timezone.now().isoformat(timespec="seconds")),
    ]
    rows += [
        ReportRow(
            "orders (Art. 9, 10)", "orders received from Member State authorities", "", None, NOT_RECORDED
        ),
        ReportRow("orders (Art. 9, 10)", "median time to give effect", "hours", None, NOT_RECORDED),
    ]
    rows += notices(start, end)
    rows += own_initiative(start, end)
    rows += automated_means(start, end)
    rows += complaints(start, end)
    rows += [
        ReportRow("out-of-court disputes (Art. 21)", "disputes submitted", "", None, NOT_RECORDED),
        ReportRow("out-of-court disputes (Art. 21)", "decisions implemented", "", None, NOT_RECORDED),
    ]
    rows += suspensions(start, end)
    rows.append(
        ReportRow(
            "recipients (Art. 24(2))", "average monthly active recipients in the EU", "", None, NOT_RECORDED
        )
    )
    return rows


def notices(start: date, end: date) -> list[ReportRow]:
    section = "notices (Art. 16)"
    planned = _planned(
        section,
        [
            *[("notices received", key) for key in STATEMENT_CATEGORIES],
            ("notices from trusted flaggers", ""),
            ("actions taken on notices", "legal ground"),
            ("actions taken on notices", "terms and conditions"),
            ("notices decided without action", ""),
            ("notices processed by automated means", ""),
            ("median time to take action", "hours"),
        ],
        names.NOTICES,
    )
    if planned:
        return planned
    received = _sum(names.NOTICES, start, end, "dimension", "detail")
    actions = _sum(names.NOTICE_ACTIONS, start, end, "detail")
    automated = _sum(names.NOTICE_AUTOMATED, start, end, "dimension")
    rows = [
        ReportRow(section, "notices received", key, sum(n for (c, _d), n in received.items() if c == key))
        for key in STATEMENT_CATEGORIES
    ]
    rows += [
        ReportRow(
            section,
            "notices from trusted flaggers",
            "",
            sum(n for (_c, d), n in received.items() if d == "trusted_flagger"),
        ),
        ReportRow(section, "actions taken on notices", "legal ground", actions.get(("legal",), 0)),
        ReportRow(section, "actions taken on notices", "terms and conditions", actions.get(("terms",), 0)),
        ReportRow(section, "notices decided without action", "", actions.get(("none",), 0)),
        ReportRow(section, "notices processed by automated means", "", automated.get(("yes",), 0)),
        ReportRow(
            section,
            "median time to take action",
            "hours",
            _median_hours(names.NOTICE_TIME_TO_ACTION, start, end),
        ),
    ]
    return rows


def own_initiative(start: date, end: date) -> list[ReportRow]:
    """Own-initiative moderation: every restrictive decision (rejection, changes requested) is one,
    since Provenant reviews content before publication."""
    section = "own-initiative moderation (Art. 15(1)(c))"
    restrictions = _sum(names.RESTRICTIONS, start, end, "dimension", "detail")
    decisions = _sum(names.DECISIONS, start, end, "dimension")
    codes = {code for (code, _d) in restrictions}
    reasons = {r.code: r for r in PolicyReason.objects.filter(code__in=codes)}
    categories = dict(
        ReasonCategory.objects.filter(reason__code__in=codes).values_list("reason__code", "category")
    )
    by_category: dict[str, int] = defaultdict(int)
    by_ground: dict[str, int] = defaultdict(int)
    by_detection: dict[str, int] = defaultdict(int)
    for (code, detection), count in restrictions.items():
        by_category[categories.get(code, DEFAULT_CATEGORY)] += count
        ground = reasons[code].ground if code in reasons else PolicyReason.Ground.INCOMPATIBLE
        by_ground[ground] += count
        by_detection[detection] += count
    total = sum(restrictions.values())
    rows = [ReportRow(section, "restrictions imposed", "total", total)]
    rows += [
        ReportRow(section, "restrictions by category", key, by_category.get(key, 0))
        for key in STATEMENT_CATEGORIES
    ]
    rows += [
        ReportRow(
            section,
            "restrictions by ground",
            "illegal content",
            by_ground.get(PolicyReason.Ground.ILLEGAL, 0),
        ),
        ReportRow(
            section,
            "restrictions by ground",
            "terms and conditions",
            by_ground.get(PolicyReason.Ground.INCOMPATIBLE, 0),
        ),
        ReportRow(
            section,
            "restrictions by type",
            "removal of content (rejected)",
            decisions.get((DecisionOutcome.REJECTED,), 0),
        ),
        ReportRow(
            section,
            "restrictions by type",
            "disabling access (changes requested)",
            decisions.get((DecisionOutcome.CHANGES_REQUESTED,), 0),
        ),
        ReportRow(section, "restrictions by detection", "automated means", by_detection.get("automated", 0)),
        ReportRow(section, "restrictions by detection", "human review only", by_detection.get("manual", 0)),
        ReportRow(
            section,
            "median time from submission to decision",
            "hours",
            _median_hours(names.TIME_TO_DECISION, start, end),
        ),
    ]
    return rows


def automated_means(start: date, end: date) -> list[ReportRow]:
    """Use of automated means (Art. 15(1)(e)): what the checks did, and how often a human overrode
    a blocking finding (an indicator of their error rate)."""
    section = "automated means (Art. 15(1)(e))"
    runs = _sum(names.CHECK_RUNS, start, end, "dimension", "detail")
    overrides = sum(_sum(names.OVERRIDES, start, end, "queue").values())
    rows = []
    for kind in sorted({kind for (kind, _s) in runs}):
        finished = sum(n for (k, _s), n in runs.items() if k == kind)
        blocked = runs.get((kind, "failed"), 0)
        flagged = runs.get((kind, "flagged"), 0)
        rows += [
            ReportRow(section, "automated checks run", kind, finished),
            ReportRow(section, "items flagged for a moderator", kind, flagged),
            ReportRow(section, "items blocked pending review", kind, blocked),
        ]
    blocked_total = sum(n for (_k, status), n in runs.items() if status == "failed")
    rows += [
        ReportRow(
            section,
            "decisions taken solely by automated means",
            "",
            0,
            "every decision is taken by a human moderator",
        ),
        ReportRow(section, "blocking findings overridden by a senior moderator", "", overrides),
        ReportRow(
            section,
            "override rate (indicator of error)",
            "share of blocked items",
            round(overrides / blocked_total, 4) if blocked_total else None,
        ),
    ]
    return rows


COMPLAINT_BASES = {
    "contributor": "restriction of the recipient's content",
    "notifier": "decision on a notice",
    "account_holder": "suspension or termination of the account",
}


def complaints(start: date, end: date) -> list[ReportRow]:
    section = "complaints (Art. 20)"
    planned = _planned(
        section,
        [
            ("complaints received", ""),
            *[("complaints received by basis", basis) for basis in COMPLAINT_BASES.values()],
            ("complaints by outcome", "decision upheld"),
            ("complaints by outcome", "decision reversed"),
            ("median time to decide", "hours"),
        ],
        names.COMPLAINTS,
    )
    if planned:
        return planned
    figures = _sum(names.COMPLAINTS, start, end, "dimension", "detail")

    def count(detail: str, basis: str | None = None) -> int:
        return sum(n for (b, d), n in figures.items() if d == detail and basis in (None, b))

    rows = [ReportRow(section, "complaints received", "", count("received"))]
    rows += [
        ReportRow(section, "complaints received by basis", label, count("received", key))
        for key, label in COMPLAINT_BASES.items()
    ]
    upheld, reversed_ = count("upheld"), count("reversed")
    rows += [
        ReportRow(section, "complaints by outcome", "decision upheld", upheld),
        ReportRow(section, "complaints by outcome", "decision reversed", reversed_),
        ReportRow(
            section,
            "share of decisions reversed",
            "of complaints answered",
            round(reversed_ / (upheld + reversed_), 4) if upheld + reversed_ else None,
        ),
        ReportRow(
            section,
            "median time to decide",
            "hours",
            _median_hours(names.COMPLAINT_TIME_TO_DECISION, start, end),
        ),
        ReportRow(
            section,
            "decisions taken solely by automated means",
            "",
            0,
            "every complaint is answered by a senior moderator who did not take the decision",
        ),
    ]
    return rows


def suspensions(start: date, end: date) -> list[ReportRow]:
    section = "suspensions (Art. 23)"
    kinds = _sum(names.SANCTIONS, start, end, "dimension")
    return [
        ReportRow(
            section,
            "suspensions imposed",
            "service suspension",
            kinds.get(("suspension",), 0),
            "for any reason: the basis (manifestly illegal content, unfounded notices) is not recorded",
        ),
        ReportRow(section, "suspensions imposed", "account closure", kinds.get(("closure",), 0)),
    ]
