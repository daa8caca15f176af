"""The metrics page's content: summary figures and charts, built from the roll-up selectors."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from moderation.models import DecisionOutcome, Queue, SlaState, Tier
from oversight.charts import Chart, Series, bar_chart, column_chart, line_chart
from oversight.metrics import is_collected, names
from oversight.metrics import selectors as s
from oversight.metrics.timing import format_duration
from oversight.tdb.vocabulary import STATEMENT_CATEGORIES

CHECK_FLAGGED = ("flagged", "failed")


@dataclass
class Summary:
    decisions: int
    median: str
    p90: str
    sla_met: str
    waiting: int
    breached: int
    overrides: int


def _hours(value: float) -> str:
    return f"{value:.1f} h" if value < 10 else f"{value:.0f} h"


def _day_label(day: date) -> str:
    return day.strftime("%m-%d")


def _week_label(week: date) -> str:
    return week.strftime("%b %d")


def build(where: s.MetricsFilter) -> dict[str, Any]:
    queues = [Queue(where.queue)] if where.queue else list(Queue)
    weeks = where.weeks
    week_labels = [_week_label(w) for w in weeks]
    charts: list[Chart] = []

    backlog = s.backlog(where)
    charts.append(
        line_chart(
            "backlog",
            _("Backlog per queue"),
            _("Items waiting for review at the end of each day, one line per queue."),
            [_day_label(d) for d in where.days],
            [Series(q.label, [backlog["per_day"].get((d, q.value), 0) for d in where.days]) for q in queues],
            first=_("Day"),
        )
    )
    states = list(SlaState)
    charts.append(
        bar_chart(
            "sla-now",
            _("SLA of the waiting items"),
            _("Items waiting at the end of the range's last day, by queue: on track, at risk, breached."),
            [str(q.label) for q in queues],
            [
                Series(st.label, [backlog["last_day"].get((q.value, st.value), 0) for q in queues])
                for st in states
            ],
            first=_("Queue"),
        )
    )
    sla = s.weekly_counts(names.SLA_DECIDED, where, "dimension")
    charts.append(
        column_chart(
            "sla-decided",
            _("Decided within the SLA"),
            _("Final decisions per week, made within the queue's SLA or after it."),
            week_labels,
            [
                Series(_("Within SLA"), [sla.get((w, "met"), 0) for w in weeks], tone="ok"),
                Series(_("Breached"), [sla.get((w, "breached"), 0) for w in weeks], tone="bad"),
            ],
            first=_("Week"),
        )
    )
    timing = s.time_to_decision(where)
    for q in queues:
        weekly = [timing["weekly"].get((w, q.value)) for w in weeks]
        charts.append(
            line_chart(
                f"ttd-{q.value}",
                _("Time to decision, %(queue)s") % {"queue": q.label},
                _(
                    "Median (p50) and 90th percentile (p90) hours from submission to final decision, "
                    "per week."
                ),
                week_labels,
                [
                    Series("p50", [x[0] / 3600 if x and x[0] is not None else None for x in weekly]),
                    Series(
                        "p90", [x[1] / 3600 if x and x[1] is not None else None for x in weekly], dashed=True
                    ),
                ],
                fmt=_hours,
                first=_("Week"),
            )
        )
    ranked, by_moderator = s.moderators(where)
    outcomes = list(DecisionOutcome)
    charts.append(
        bar_chart(
            "moderators",
            _("Decisions per moderator"),
            _("Decisions in the range by the moderators with most, split by outcome."),
            ranked,
            [Series(o.label, [by_moderator[m].get(o.value, 0) for m in ranked]) for o in outcomes],
            first=_("Moderator"),
        )
    )
    runs = s.weekly_counts(names.CHECK_RUNS, where, "detail")
    decisions = s.weekly_counts(names.DECISIONS, where, "dimension")
    charts.append(
        line_chart(
            "automated-manual",
            _("Automated findings and manual decisions"),
            _("Per week: check runs that flagged or blocked an item, and decisions moderators made."),
            week_labels,
            [
                Series(
                    _("Checks that flagged or blocked"),
                    [sum(runs.get((w, st), 0) for st in CHECK_FLAGGED) for w in weeks],
                ),
                Series(
                    _("Manual decisions"),
                    [sum(decisions.get((w, o.value), 0) for o in outcomes) for w in weeks],
                ),
            ],
            first=_("Week"),
        )
    )
    tiers = s.weekly_counts(names.LABEL_TIERS, where, "dimension")
    charts.append(
        column_chart(
            "tiers",
            _("AI tiers found by the label check"),
            _("Label-check results per week by the tier decided (Labeling Measures Art. 6)."),
            week_labels,
            [Series(t.label, [tiers.get((w, t.value), 0) for w in weeks]) for t in Tier],
            first=_("Week"),
        )
    )
    findings = s.weekly_counts(names.FINDINGS, where, "dimension")
    overrides = s.weekly_counts(names.OVERRIDES, where, "queue")
    charts.append(
        line_chart(
            "contradictions",
            _("Declarations contradicted, tampering, overrides"),
            _(
                "Per week: files whose labels contradict the contributor's declaration, tampered C2PA "
                "provenance, and approvals over blocking findings."
            ),
            week_labels,
            [
                Series(
                    _("Declaration contradicts metadata"),
                    [findings.get((w, "declaration_contradicts_metadata"), 0) for w in weeks],
                ),
                Series(_("Tampered provenance"), [findings.get((w, "c2pa_tampered"), 0) for w in weeks]),
                Series(
                    _("Overrides"), [sum(v for (wk, _q), v in overrides.items() if wk == w) for w in weeks]
                ),
            ],
            first=_("Week"),
        )
    )
    top, by_reason = s.reasons(where)
    restrictive = [DecisionOutcome.REJECTED, DecisionOutcome.CHANGES_REQUESTED]
    charts.append(
        bar_chart(
            "reasons",
            _("Top reasons"),
            _("The reasons moderators gave most often, split by outcome."),
            top,
            [Series(o.label, [by_reason[r].get(o.value, 0) for r in top]) for o in restrictive],
            first=_("Reason"),
        )
    )
    notices_collected = is_collected(names.NOTICES)
    dsa = dsa_charts(where, weeks, week_labels) if notices_collected else None
    if dsa is not None:
        charts += dsa[0]
    return {
        "charts": charts,
        "summary": summary(backlog, timing, sla, decisions, overrides, where.queue),
        "notices_collected": notices_collected,
        "dsa_summary": dsa[1] if dsa is not None else None,
    }


@dataclass
class DsaSummary:
    notices: int
    notice_p50: str
    notice_p90: str
    complaints: int
    answered: int
    overturned: int
    overturn_rate: str
    overturned_where: list[tuple[str, int]]


# The grounds of what was done on notices (notices.metrics), in the order the chart stacks them.
ACTION_GROUNDS = ("legal", "terms", "none")
# Where the decisions reversed on complaint were taken (complaints.metrics).
OVERTURNED_WHERE = {
    **{q.value: q.label for q in Queue},
    "publication": gettext_lazy("Published content"),
    "account": gettext_lazy("Account sanctions"),
}


def dsa_charts(
    where: s.MetricsFilter, weeks: list[date], week_labels: list[str]
) -> tuple[list[Chart], DsaSummary]:
    """Notices (DSA Art. 16) and complaints (Art. 20), from the providers of those apps."""
    received = s.weekly_counts(names.NOTICES, where, "dimension")
    # What was done on notices and the complaints, by their detail: one query for both.
    by_detail = s.weekly_counts_of((names.NOTICE_ACTIONS, names.COMPLAINTS), where, "detail")
    categories = sorted(
        {category for (_w, category) in received},
        key=lambda c: (-sum(n for (_w, k), n in received.items() if k == c), c),  # ties: stable order
    )
    actions, complaints = by_detail[names.NOTICE_ACTIONS], by_detail[names.COMPLAINTS]
    ground_names = {"legal": _("Illegal content"), "terms": _("Terms of service"), "none": _("No action")}
    charts = [
        column_chart(
            "notices",
            _("Notices received"),
            _("Notices (DSA Art. 16) per week, by the DSA category of what was reported."),
            week_labels,
            [
                Series(STATEMENT_CATEGORIES.get(c, c), [received.get((w, c), 0) for w in weeks])
                for c in categories
            ],
            first=_("Week"),
        ),
        column_chart(
            "notice-actions",
            _("Notices decided"),
            _("Notices decided per week, by the ground of the action taken, or no action."),
            week_labels,
            [Series(ground_names[g], [actions.get((w, g), 0) for w in weeks]) for g in ACTION_GROUNDS],
            first=_("Week"),
        ),
        column_chart(
            "complaints",
            _("Complaints and overturns"),
            _(
                "Complaints (DSA Art. 20) per week: received, answered upholding the decision, and "
                "decisions reversed."
            ),
            week_labels,
            [
                Series(_("Received"), [complaints.get((w, "received"), 0) for w in weeks]),
                Series(_("Upheld"), [complaints.get((w, "upheld"), 0) for w in weeks], tone="ok"),
                Series(_("Reversed"), [complaints.get((w, "reversed"), 0) for w in weeks], tone="bad"),
            ],
            first=_("Week"),
        ),
    ]
    notice_p50, notice_p90, _n = s.durations(names.NOTICE_TIME_TO_ACTION, where)
    upheld = sum(n for (_w, d), n in complaints.items() if d == "upheld")
    reversed_ = sum(n for (_w, d), n in complaints.items() if d == "reversed")
    answered = upheld + reversed_
    return charts, DsaSummary(
        notices=sum(received.values()),
        notice_p50=format_duration(notice_p50),
        notice_p90=format_duration(notice_p90),
        complaints=sum(n for (_w, d), n in complaints.items() if d == "received"),
        answered=answered,
        overturned=reversed_,
        overturn_rate=f"{100 * reversed_ / answered:.0f} %" if answered else "–",
        overturned_where=[
            (str(OVERTURNED_WHERE.get(row["queue"], row["queue"])), row["n"])
            for row in s.totals(names.OVERTURNED, where, "queue")
        ],
    )


def summary(
    backlog: dict[str, Any],
    timing: dict[str, Any],
    sla: dict[Any, int],
    decisions: dict[Any, int],
    overrides: dict[Any, int],
    queue: str,
) -> Summary:
    overall = timing["overall"].get(queue or "", (None, None, 0))
    met = sum(n for (_w, state), n in sla.items() if state == "met")
    total = sum(sla.values())
    return Summary(
        decisions=sum(decisions.values()),
        median=format_duration(overall[0]),
        p90=format_duration(overall[1]),
        sla_met=f"{100 * met / total:.0f} %" if total else "–",
        waiting=sum(backlog["last_day"].values()),
        breached=sum(v for (_q, st), v in backlog["last_day"].items() if st == SlaState.BREACHED),
        overrides=sum(overrides.values()),
    )
