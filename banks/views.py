"""The moderator's action on the review page: add an item's files to a bank."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedRequest
from banks.forms import AddToBankForm
from banks.models import Source
from banks.services import bank_add_from_submission
from moderation.access import get_submission_for_review
from moderation.models import Queue, Status, Submission


@require_POST
def bank_add_item(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Reviewers only (contributor 403, everyone else 404); escalated items for seniors only."""
    item = get_submission_for_review(
        request.user, pk, queryset=Submission.objects.select_related("current_revision")
    )
    if (
        item.queue == Queue.ESCALATED
        and item.status == Status.AWAITING_REVIEW
        and not request.user.is_senior_moderator
    ):
        raise PermissionDenied
    form = AddToBankForm(request.POST, revision_id=item.current_revision_id)
    if not form.is_valid():
        messages.error(request, _("Choose a bank (and a file of this item, if any)."))
        return redirect("review_item", pk=pk)
    bank = form.cleaned_data["bank"]
    media = form.cleaned_data["file"]
    bank_add_from_submission(
        submission=item,
        actor=request.user,
        source=Source.TAKEDOWN if item.queue == Queue.TAKEDOWN else Source.ITEM,
        banks=[bank],
        media=[media] if media else None,
        note=form.cleaned_data["note"],
    )
    messages.success(
        request,
        _('The files are being added to bank "%(bank)s"; new uploads will be compared with them.')
        % {"bank": bank.name},
    )
    return redirect("review_item", pk=pk)
