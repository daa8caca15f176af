"""Who may see what: the contributor files complaints about decisions on their own content;
senior moderators answer them. 404 to outsiders, 403 to the wrong role."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from complaints.models import Complaint
from moderation.models import Decision


def get_decision_for_complainant(user: User, pk: int) -> Decision:
    """A decision about the user's own content; moderators may not complain in their place (403)."""
    decision = get_object_or_404(
        Decision.objects.select_related("submission__current_revision", "reason", "moderator"), pk=pk
    )
    if decision.submission.contributor_id == user.pk:
        return decision
    if user.is_reviewer:
        raise PermissionDenied
    raise Http404


def get_complaint_for_reviewer(user: User, pk: int) -> Complaint:
    """Senior moderators answer complaints; moderators may not (403); anyone else gets 404."""
    complaint = get_object_or_404(
        Complaint.objects.select_related(
            "decision__reason",
            "decision__moderator",
            "sanction",
            "submission__current_revision",
            "notice",
            "claimed_by",
            "reviewer",
        ),
        pk=pk,
    )
    if user.is_senior_moderator:
        return complaint
    if user.is_reviewer or complaint.complainant_id == user.pk:
        raise PermissionDenied
    raise Http404
