"""Claims: a moderator holds an item under a lease while reviewing it.

Two moderators never act on one item at once: "claim next" takes the highest-priority free
item with SELECT … FOR UPDATE SKIP LOCKED, and every decision carries the version of the item
the moderator saw, so a decision on a changed or foreign-held item is refused (HTTP 409), never
applied twice.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
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
    """The decision breaks a rule (missing consent, blocking findings, no reason). Nothing changed."""


def claim_expiry(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(minutes=settings.CLAIM_LEASE_MINUTES)


def require_reviewable(item: Submission, moderator: User, now: datetime.datetime) -> None:
    """Refuse an item no longer waiting for review or held by someone else (409), or the
    moderator's own submission (403)."""
    if item.status != Status.AWAITING_REVIEW:
        raise ReviewConflict(
            _("This item is no longer waiting for review (it is %(status)s).")
            % {"status": item.get_status_display().lower()}
        )
    if item.claim_is_active(now) and item.claimed_by_id != moderator.pk:
        raise ReviewConflict(_("%(name)s is reviewing this item.") % {"name": item.claimed_by})
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
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        item = candidates.first()
        if item is None:
            return None
        expires = claim_expiry(now)
        Submission.objects.filter(pk=item.pk).update(
            claimed_by=moderator, claim_expires_at=expires, version=F("version") + 1
        )
        # The row is locked, so these are the values just written.
        item.claimed_by, item.claim_expires_at, item.version = moderator, expires, item.version + 1
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
    renewing = locked.claimed_by_id == moderator.pk and locked.claim_is_active(now)
    expires = claim_expiry(now)
    updates: dict[str, object] = {"claimed_by": moderator, "claim_expires_at": expires}
    if not renewing:
        updates["version"] = F("version") + 1
    Submission.objects.filter(pk=locked.pk).update(**updates)
    # The row is locked, so these are the values just written.
    locked.claimed_by, locked.claim_expires_at = moderator, expires
    if not renewing:
        locked.version += 1
        record_event(action="review.claimed", actor=moderator, target=locked, details={"queue": locked.queue})
    return locked


@transaction.atomic
def review_release(*, submission: Submission, moderator: User) -> None:
    released = Submission.objects.filter(pk=submission.pk, claimed_by=moderator).update(
        claimed_by=None, claim_expires_at=None, version=F("version") + 1
    )
    if released:
        record_event(action="review.released", actor=moderator, target=submission)
