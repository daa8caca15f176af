"""Claims: a moderator holds an item under a lease while reviewing it.

Two moderators never act on one item at once: "claim next" takes the highest-priority free
item with SELECT … FOR UPDATE SKIP LOCKED, and every decision carries the version of the item
the moderator saw, so a decision on a changed or foreign-held item is refused (HTTP 409), never
applied twice.

The lease itself (`lease_hold`, `lease_next`, `lease_release`, `require_unheld`,
`require_version`, `free_rows`) works on any row with `claimed_by`, `claim_expires_at` and
`version`: the submissions of the review queues, and the notices queue's cases and the
complaints queue (moderation.models.LeasedItem). Each queue adds only its own rules on top.
"""

import datetime
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record_event
from moderation.access import require_queue
from moderation.models import Queue, Status, Submission


class ReviewConflict(Exception):
    """Someone else holds the item, or it changed since the page was loaded (HTTP 409)."""


class DecisionRefused(Exception):
    """The decision breaks a rule (missing consent, blocking findings, no reason). Nothing changed.

    ``field`` names the form field the refusal is about (the page shows it there), if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def claim_expiry(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(minutes=settings.CLAIM_LEASE_MINUTES)


class Leased(Protocol):
    """A row held under a lease: a Submission or a moderation.models.LeasedItem."""

    pk: Any
    claimed_by: Any
    claimed_by_id: Any
    claim_expires_at: datetime.datetime | None
    version: int

    def claim_is_active(self, now: datetime.datetime | None = None) -> bool: ...


L = TypeVar("L", bound=Leased)


def require_unheld(item: Leased, moderator: User, now: datetime.datetime) -> None:
    """Someone else holds the row under a live lease: 409."""
    if item.claim_is_active(now) and item.claimed_by_id != moderator.pk:
        raise ReviewConflict(_("%(name)s is reviewing this item.") % {"name": item.claimed_by})


def require_version(item: Leased, expected_version: int) -> None:
    """The moderator acted on a page of an older version of the row: 409."""
    if item.version != expected_version:
        raise ReviewConflict(_("This item changed since you opened it. Reload it to see what changed."))


def lease_hold(item: L, *, moderator: User, now: datetime.datetime) -> bool:
    """Take the lease on a row the caller has locked, or renew the one the moderator holds.

    A new claim bumps `version` (a page opened before it is stale); a renewal does not. Returns
    whether the claim is new. The instance is updated with what was written."""
    renewing = item.claimed_by_id == moderator.pk and item.claim_is_active(now)
    expires = claim_expiry(now)
    updates: dict[str, object] = {"claimed_by": moderator, "claim_expires_at": expires}
    if not renewing:
        updates["version"] = F("version") + 1
    type(item)._default_manager.filter(pk=item.pk).update(**updates)  # type: ignore[attr-defined]
    item.claimed_by, item.claim_expires_at = moderator, expires
    if not renewing:
        item.version += 1
    return not renewing


def lease_next(candidates: "QuerySet[Any]", *, moderator: User) -> Any:
    """Lock and claim the first row of `candidates` (free rows, in queue order), or None.

    On PostgreSQL the row is locked with SKIP LOCKED, so concurrent moderators each get a
    different one without waiting on one another. Call inside a transaction."""
    if connection.features.has_select_for_update_skip_locked:
        candidates = candidates.select_for_update(skip_locked=True, of=("self",))
    item = candidates.first()
    if item is not None:
        lease_hold(item, moderator=moderator, now=timezone.now())
    return item


def lease_release(queryset: "QuerySet[Any]", *, moderator: User) -> bool:
    """Give up the lease the moderator holds on the row of `queryset`; False if they held none."""
    return bool(
        queryset.filter(claimed_by=moderator).update(
            claimed_by=None, claim_expires_at=None, version=F("version") + 1
        )
    )


def free_rows(
    queryset: "QuerySet[Any]", now: datetime.datetime, *, by: User | None = None
) -> "QuerySet[Any]":
    """Rows nobody holds (never claimed, or the lease ran out), and, given `by`, the ones `by` holds."""
    free = models.Q(claimed_by__isnull=True) | models.Q(claim_expires_at__lt=now)
    if by is not None:
        free |= models.Q(claimed_by=by)
    return queryset.filter(free)


def require_reviewable(item: Submission, moderator: User, now: datetime.datetime) -> None:
    """Refuse an item no longer waiting for review or held by someone else (409), or the
    moderator's own submission (403)."""
    if item.status != Status.AWAITING_REVIEW:
        raise ReviewConflict(
            _("This item is no longer waiting for review (it is %(status)s).")
            % {"status": item.get_status_display().lower()}
        )
    require_unheld(item, moderator, now)
    if item.contributor_id == moderator.pk:
        raise PermissionDenied(_("You cannot review your own submission."))


def free_items(queue: str, now: datetime.datetime) -> QuerySet[Submission]:
    return Submission.objects.awaiting_review().filter(queue=queue).claimable(now)


def review_claim_next(*, moderator: User, queue: str = Queue.REVIEW) -> Submission | None:
    """Claim the highest-priority free item of a queue, or return None when there is none.

    On PostgreSQL the candidate row is locked with SKIP LOCKED, so concurrent moderators each get
    a different item without waiting on one another. The candidate comes from the queue's
    priority index (queue, -priority_rank, id), the first free row in that order, and is
    returned as locked and updated here: no second read.
    """
    require_queue(moderator, queue)
    # Keep what you already hold: a moderator works one claimed item at a time from a queue.
    held = (
        Submission.objects.awaiting_review()
        .filter(queue=queue)
        .held_by(moderator, timezone.now())
        .order_by("-priority_rank", "id")
        .first()
    )
    if held is not None:
        return held
    with transaction.atomic():
        now = timezone.now()
        candidates = free_items(queue, now).exclude(contributor=moderator).order_by("-priority_rank", "id")
        item = lease_next(candidates, moderator=moderator)
        if item is None:
            return None
        record_event(
            action="review.claimed", actor=moderator, target=item, details={"queue": queue, "next": True}
        )
    return item


@transaction.atomic
def review_claim(*, submission: Submission, moderator: User) -> Submission:
    """Claim one item (or renew the lease on one you hold)."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    require_queue(moderator, locked.queue)
    now = timezone.now()
    require_reviewable(locked, moderator, now)
    if lease_hold(locked, moderator=moderator, now=now):
        record_event(action="review.claimed", actor=moderator, target=locked, details={"queue": locked.queue})
    return locked


@transaction.atomic
def review_release(*, submission: Submission, moderator: User) -> None:
    if lease_release(Submission.objects.filter(pk=submission.pk), moderator=moderator):
        record_event(action="review.released", actor=moderator, target=submission)
