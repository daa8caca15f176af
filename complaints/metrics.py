"""The complaints' figures for the metrics page and the DSA transparency report (Art. 15(1)(d),
Art. 24(1)(a)): registered with oversight's metric registry when the app is ready.

Per day (local days of TIME_ZONE), each figure counted on the day its event happened, so a day's
rows never change once the day is over:
- `complaints`: by basis (who complained, hence about what: "contributor" about a restriction of
  their content, "notifier" about the decision on their notice, "account_holder" about a
  sanction); detail "received" on the day it came in, "upheld" or "reversed" on the day it was
  answered;
- `complaint_time_to_decision`: complaints answered that day, the time from receipt to answer,
  as a histogram (oversight.metrics.timing);
- `overturned`: decisions reversed on complaint that day, queue = where the decision was taken
  (a review queue, "publication" for decisions on published content, "account" for sanctions).
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

from complaints.models import Complaint
from oversight.metrics import Figure, names
from oversight.metrics.days import day_bounds, local_day
from oversight.metrics.timing import bucket_of

RECEIVED = "received"
UPHELD = "upheld"
REVERSED = "reversed"
PUBLICATION_QUEUE = "publication"
ACCOUNT_QUEUE = "account"


def overturned_queue(from_queue: str | None, sanction_id: int | None) -> str:
    if sanction_id is not None:
        return ACCOUNT_QUEUE
    return from_queue or PUBLICATION_QUEUE


class ComplaintsProvider:
    name = "complaints"
    metrics: tuple[str, ...] = (names.COMPLAINTS, names.COMPLAINT_TIME_TO_DECISION, names.OVERTURNED)

    def compute(self, *, days: list[date], now: datetime) -> dict[date, Iterable[Figure]]:
        if not days:
            return {}
        start, end = day_bounds(days[0])[0], day_bounds(days[-1])[1]
        counts: dict[date, Counter] = {day: Counter() for day in days}
        received = (
            Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
            .values_list("received_at", "complainant_kind")
            .order_by()
        )
        for at, kind in received.iterator(chunk_size=5000):
            day = local_day(at)
            if day in counts:
                counts[day][(names.COMPLAINTS, "", kind, RECEIVED)] += 1
        answered = (
            Complaint.objects.filter(decided_at__gte=start, decided_at__lt=end)
            .exclude(state=Complaint.State.OPEN)
            .values_list(
                "received_at",
                "decided_at",
                "complainant_kind",
                "state",
                "decision__from_queue",
                "sanction_id",
            )
            .order_by()
        )
        for at, decided_at, kind, state, from_queue, sanction_id in answered.iterator(chunk_size=5000):
            if decided_at is None:  # filtered out above; for the type checker
                continue
            day = local_day(decided_at)
            if day not in counts:
                continue
            overturned = state == Complaint.State.OVERTURNED
            counts[day][(names.COMPLAINTS, "", kind, REVERSED if overturned else UPHELD)] += 1
            seconds = max(0.0, (decided_at - at).total_seconds())
            counts[day][(names.COMPLAINT_TIME_TO_DECISION, "", str(bucket_of(seconds)), "")] += 1
            if overturned:
                counts[day][(names.OVERTURNED, overturned_queue(from_queue, sanction_id), "", "")] += 1
        return {
            day: [Figure(m, v, queue=q, dimension=d, detail=x) for (m, q, d, x), v in counter.items()]
            for day, counter in counts.items()
        }
