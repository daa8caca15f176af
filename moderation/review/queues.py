"""Reads for the review queues: filtered, sorted item lists, their pages, and the figures of each
queue."""

import datetime
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from moderation.models import Category, Decision, Queue, SlaState, Status, Submission

SORTS = {"priority": ("-priority_rank", "id"), "age": ("awaiting_since", "id")}


def at_risk_from(queue: str, now: datetime.datetime) -> datetime.datetime:
    """Items due before this moment are at risk (or breached)."""
    target = datetime.timedelta(hours=settings.SLA_HOURS[queue])
    return now + target * (1 - settings.SLA_AT_RISK_FRACTION)


@dataclass(frozen=True)
class QueueFilter:
    tier: str = ""
    outcome: str = ""  # blocking | tampered | contradiction | consent
    category: str = ""
    region: str = ""
    sla: str = ""
    contributor: str = ""
    sort: str = "priority"

    def apply(self, items: QuerySet[Submission], queue: str, now: datetime.datetime) -> QuerySet[Submission]:
        if self.tier:
            items = items.filter(tier=self.tier)
        if self.outcome == "blocking":
            items = items.filter(has_blocking_findings=True)
        elif self.outcome == "tampered":
            items = items.filter(is_tampered=True)
        elif self.outcome == "contradiction":
            items = items.filter(contradicts_declaration=True)
        elif self.outcome == "consent":
            items = items.filter(consent_missing=True)
        if self.category in Category.values:
            items = items.alias(category_bit=F("category_flags").bitand(Category.flag(self.category))).filter(
                category_bit__gt=0
            )
        if self.region:
            items = items.filter(region=self.region)
        if self.sla == SlaState.BREACHED:
            items = items.filter(due_at__lte=now)
        elif self.sla == SlaState.AT_RISK:
            items = items.filter(due_at__gt=now, due_at__lte=at_risk_from(queue, now))
        elif self.sla == SlaState.ON_TRACK:
            items = items.filter(due_at__gt=at_risk_from(queue, now))
        if self.contributor:
            items = items.filter(contributor__username=self.contributor)
        return items.order_by(*SORTS.get(self.sort, SORTS["priority"]))

    def as_query(self) -> str:
        from urllib.parse import urlencode

        return urlencode(
            {k: v for k, v in self.__dict__.items() if v and not (k == "sort" and v == "priority")}
        )


def queue_items(
    queue: str,
    item_filter: QueueFilter,
    *,
    moderator: User | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Submission]:
    """Items waiting in a queue (or, for "mine", claimed by the moderator), filtered and sorted."""
    now = now or timezone.now()
    items = Submission.objects.awaiting_review()
    # "mine" spans queues; its SLA filter uses the review queue's target.
    apply_queue: str = Queue.REVIEW
    if queue == "mine":
        assert moderator is not None
        items = items.held_by(moderator, now)
    else:
        items = items.filter(queue=queue)
        apply_queue = queue
    return item_filter.apply(items, apply_queue, now).select_related(
        "current_revision", "contributor", "claimed_by"
    )


# A queue page counts its items up to here and says "more than" beyond: an exact count of a
# 200,000-item backlog is a scan of all of it on every page view, for a figure nobody reads.
QUEUE_COUNT_LIMIT = 10_000
# Page numbers beyond this are treated as "past the end" (the last page is shown).
MAX_PAGE_NUMBER = 1_000_000


def page_number(value: Any) -> int:
    """The page asked for in a query string: 1 for anything but a positive whole number."""
    try:
        return min(max(1, int(value)), MAX_PAGE_NUMBER)
    except (TypeError, ValueError):
        return 1


class QueuePaginator(Paginator):
    """Pages of a queue that cost about the same however long the queue grows.

    Steps: count the items only up to `limit`, which is at least two pages past the page asked
    for, so "next" is always right (templates say "more than" when `is_capped`); read the ids of
    the page alone, which the queue indexes answer without visiting the table (they carry every
    filtered column); then load those rows with their revision and people by primary key.
    """

    object_list: QuerySet[Submission]

    def __init__(self, items: QuerySet[Submission], per_page: int, *, page: str | None = None) -> None:
        super().__init__(items, per_page)
        self.limit = max(QUEUE_COUNT_LIMIT, (page_number(page) + 1) * self.per_page)

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: self.limit + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > self.limit

    @property
    def pages_at_least(self) -> int:
        """When capped: there are more pages than this."""
        return self.limit // self.per_page

    def get_page(self, number: Any) -> Page:
        # Django answers a number below 1 with the last page, which a capped count cannot know.
        return super().get_page(page_number(number))

    def page(self, number: int | str) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        # Filtered again, so an item decided between the two reads drops out rather than showing.
        rows = list(self.object_list.filter(pk__in=ids)) if ids else []
        return Page(rows, number, self)


@dataclass(frozen=True)
class QueueFigures:
    queue: str
    size: int
    oldest: datetime.datetime | None
    breached: int

    @property
    def label(self) -> Any:
        return Queue(self.queue).label


def queue_figures(now: datetime.datetime | None = None) -> list[QueueFigures]:
    """Size, oldest item and SLA breaches of every queue, in one query."""
    now = now or timezone.now()
    rows = (
        Submission.objects.filter(status=Status.AWAITING_REVIEW)
        .values("queue")
        .annotate(
            size=Count("id"), oldest=Min("awaiting_since"), breached=Count("id", filter=Q(due_at__lte=now))
        )
    )
    by_queue: dict[str, dict[str, Any]] = {row["queue"]: dict(row) for row in rows}
    empty: dict[str, Any] = {"size": 0, "oldest": None, "breached": 0}
    return [
        QueueFigures(
            queue,
            by_queue.get(queue, empty)["size"],
            by_queue.get(queue, empty)["oldest"],
            by_queue.get(queue, empty)["breached"],
        )
        for queue in Queue.values
    ]


def decisions_today(moderator: User, now: datetime.datetime | None = None) -> int:
    start = timezone.localtime(now or timezone.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    return Decision.objects.filter(moderator=moderator, created_at__gte=start).count()
