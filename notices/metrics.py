"""The notices' figures for the metrics page and the DSA transparency report (Art. 15(1)(b),
Art. 24): registered with oversight's metric registry when the app is ready.

Per day (local days of TIME_ZONE):
- `notices`: notices received, by DSA category and whether a trusted flagger sent them;
- `notice_actions`: notices decided that day, by DSA category and the ground of what was done
  ("legal", "terms", or "none" for no action);
- `notice_automated`: notices decided that day, "yes" when the decision was taken by automated
  means (no moderator, or a statement saying so), else "no";
- `notice_time_to_action`: for the same notices, the time from the notice to the decision on it
  (no action is a decision too), as a histogram (oversight.metrics.timing).

Each kind is one query over the whole range of days asked for, folded here.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

from django.db.models.fields.json import KeyTextTransform, KeyTransform

from moderation.models import PolicyReason
from notices.models import Notice, NoticeCategory, NoticeOutcome
from oversight.metrics import Figure, names
from oversight.metrics.days import day_bounds, local_day
from oversight.metrics.timing import bucket_of

# Each category of the notice form, in the harmonised categories of the DSA templates (and of the
# Transparency Database). "Illegal (under which law)" leaves the type to the law the notifier names.
DSA_CATEGORIES = {
    NoticeCategory.CSAM: "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    NoticeCategory.NON_CONSENSUAL: "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    NoticeCategory.ILLEGAL: "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
    NoticeCategory.FALSE_INFORMATION: "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    NoticeCategory.UNLABELLED_AI: "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    NoticeCategory.TERMS: "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
}


def dsa_category(category: str) -> str:
    return DSA_CATEGORIES.get(NoticeCategory(category), "STATEMENT_CATEGORY_OTHER_VIOLATION_TC")


def action_ground(outcome: str, ground: str | None) -> str:
    """ "none" for no action; otherwise "legal" or "terms" by the ground of the reason given."""
    if outcome == NoticeOutcome.NO_ACTION:
        return "none"
    return "legal" if ground == PolicyReason.Ground.ILLEGAL else "terms"


def is_automated(moderator_id: int | None, automated_decision: str | None) -> bool:
    if moderator_id is None:
        return True
    return bool(automated_decision) and automated_decision != "AUTOMATED_DECISION_NOT_AUTOMATED"


class NoticesProvider:
    name = "notices"
    metrics: tuple[str, ...] = (
        names.NOTICES,
        names.NOTICE_ACTIONS,
        names.NOTICE_AUTOMATED,
        names.NOTICE_TIME_TO_ACTION,
    )

    def compute(self, *, days: list[date], now: datetime) -> dict[date, Iterable[Figure]]:
        if not days:
            return {}
        start, end = day_bounds(days[0])[0], day_bounds(days[-1])[1]
        counts: dict[date, Counter] = {day: Counter() for day in days}
        received = (
            Notice.objects.filter(received_at__gte=start, received_at__lt=end)
            .values_list("received_at", "category", "trusted_flagger")
            .order_by()
        )
        for at, category, trusted in received.iterator(chunk_size=5000):
            day = local_day(at)
            if day in counts:
                detail = "trusted_flagger" if trusted else "other"
                counts[day][(names.NOTICES, dsa_category(category), detail)] += 1
        decided = (
            Notice.objects.filter(case__decided_at__gte=start, case__decided_at__lt=end)
            .annotate(
                automated=KeyTextTransform(
                    "automated_decision", KeyTransform("tdb", "case__decision__statement")
                )
            )
            .values_list(
                "received_at",
                "category",
                "case__decided_at",
                "case__outcome",
                "case__decision__reason__ground",
                "case__decision__moderator_id",
                "automated",
            )
            .order_by()
        )
        for at, category, decided_at, outcome, ground, moderator_id, automated in decided.iterator(
            chunk_size=5000
        ):
            if decided_at is None:  # filtered out above; for the type checker
                continue
            day = local_day(decided_at)
            if day not in counts:
                continue
            counts[day][(names.NOTICE_ACTIONS, dsa_category(category), action_ground(outcome, ground))] += 1
            flag = "yes" if is_automated(moderator_id, automated) else "no"
            counts[day][(names.NOTICE_AUTOMATED, flag, "")] += 1
            seconds = max(0.0, (decided_at - at).total_seconds())
            counts[day][(names.NOTICE_TIME_TO_ACTION, str(bucket_of(seconds)), "")] += 1
        return {
            day: [Figure(m, v, dimension=d, detail=x) for (m, d, x), v in counter.items()]
            for day, counter in counts.items()
        }
