"""Who may see and change a submission. Every view starts with one of these helpers.

Outsiders get 404 (they must not learn that a submission exists); people who may look but not
act get 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from moderation.models import Submission


def get_submission_for_user(
    user: User, pk: int, *, write: bool = False, queryset: QuerySet[Submission] | None = None
) -> Submission:
    """The contributor reads and changes their own; reviewers read; everyone else gets 404."""
    submission = get_object_or_404(queryset if queryset is not None else Submission.objects.all(), pk=pk)
    if submission.contributor_id == user.pk:
        return submission
    if user.is_reviewer:
        if write:
            raise PermissionDenied
        return submission
    raise Http404


def get_submission_for_review(
    user: User, pk: int, *, queryset: QuerySet[Submission] | None = None
) -> Submission:
    """Reviewers act; the contributor may look at their own but not review it; others get 404."""
    submission = get_object_or_404(queryset if queryset is not None else Submission.objects.all(), pk=pk)
    if user.is_reviewer and submission.contributor_id != user.pk:
        return submission
    if submission.contributor_id == user.pk:
        raise PermissionDenied
    raise Http404


def require_reviewer(user: User) -> None:
    if not user.is_reviewer:
        raise PermissionDenied
