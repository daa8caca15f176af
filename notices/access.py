"""Who may see a notice case: moderators. The contributor of the reported item may not (403:
they know their item; who reported it is not theirs to know); anyone else gets 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from notices.models import NoticeCase


def get_case_for_moderator(user: User, pk: int) -> NoticeCase:
    case = get_object_or_404(
        NoticeCase.objects.select_related(
            "submission__current_revision", "submission__contributor", "claimed_by"
        ),
        pk=pk,
    )
    if user.is_reviewer and case.submission.contributor_id != user.pk:
        return case
    if case.submission.contributor_id == user.pk:
        raise PermissionDenied
    raise Http404
