"""Who may see and change a submission. Every view starts with one of these helpers.

Outsiders get 404 (they must not learn that a submission exists); people who may look but not
act get 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import User
from moderation.models import Queue, Status, Submission


def get_submission_for_user(
    user: User, pk: int, *, write: bool = False, queryset: QuerySet[Submission] | None = None
) -> Submission:
    """The contributor reads and changes their own; reviewers read; everyone else gets 404."""
    submission = get_object_or_404(queryset if queryset is not None else Submission.objects.all(), pk=pk)
    if submission.contributor_id == user.pk:
        return submission
    if user.is_reviewer and not is_private_draft(submission):
        if write:
            raise PermissionDenied
        require_queue_of_waiting_item(user, submission)
        return submission
    raise Http404


def is_private_draft(submission: Submission) -> bool:
    """A draft never submitted is the contributor's alone: no reviewer learns it exists."""
    return submission.status == Status.DRAFT and submission.submitted_at is None


def require_queue_of_waiting_item(user: User, submission: Submission) -> None:
    """An item waiting in a queue is for those who work that queue (the escalated one: seniors)."""
    if submission.status == Status.AWAITING_REVIEW:
        require_queue(user, submission.queue)


def get_submission_for_review(
    user: User, pk: int, *, queryset: QuerySet[Submission] | None = None
) -> Submission:
    """Reviewers act; the contributor may look at their own but not review it; others get 404."""
    submission = get_object_or_404(queryset if queryset is not None else Submission.objects.all(), pk=pk)
    if user.is_reviewer and submission.contributor_id != user.pk and not is_private_draft(submission):
        return submission
    if submission.contributor_id == user.pk:
        raise PermissionDenied
    raise Http404


def get_item_for_review(user: User, pk: int, *, queryset: QuerySet[Submission] | None = None) -> Submission:
    """An item on the review page: `get_submission_for_review`, and while it waits in a queue,
    only for those who work that queue (403)."""
    item = get_submission_for_review(user, pk, queryset=queryset)
    require_queue_of_waiting_item(user, item)
    return item


def require_reviewer(user: User) -> None:
    if not user.is_reviewer:
        raise PermissionDenied


def can_work_queue(user: User, queue: str) -> bool:
    """Reviewers work the queues; the escalated one is for senior moderators only."""
    if not user.is_reviewer:
        return False
    return queue != Queue.ESCALATED or user.is_senior_moderator


def require_queue(user: User, queue: str) -> None:
    if not user.is_reviewer:
        raise PermissionDenied
    if not can_work_queue(user, queue):
        raise PermissionDenied(_("Only senior moderators work the escalated queue."))
