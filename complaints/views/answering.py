"""The complaints queue (senior moderators): open complaints by due time, claim next, the
complaint with the decision and the item's history, and the answer."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedRequest
from complaints.access import get_complaint_for_reviewer
from complaints.forms import AnswerForm
from complaints.models import Complaint
from complaints.services import (
    ComplaintRefused,
    complaint_claim,
    complaint_claim_next,
    complaint_decide,
    complaint_release,
    open_complaints,
    require_qualified,
)
from moderation.review.claims import ReviewConflict
from moderation.timeline import submission_timeline

PAGE_SIZE = 25


@require_GET
def complaint_queue(request: AuthenticatedRequest) -> HttpResponse:
    require_qualified(request.user)
    now = timezone.now()
    complaints = (
        open_complaints()
        .select_related("decision", "sanction", "submission__current_revision", "claimed_by")
        .order_by("due_at", "id")
    )
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/queue.html",
        {"page": page, "now": now, "breached": open_complaints().filter(due_at__lte=now).count()},
    )


@require_POST
def complaint_claim_next_view(request: AuthenticatedRequest) -> HttpResponse:
    complaint = complaint_claim_next(reviewer=request.user)
    if complaint is None:
        messages.info(request, _("No complaint is waiting for you."))
        return redirect("complaint_queue")
    return redirect("complaint_detail", pk=complaint.pk)


def _context(request: AuthenticatedRequest, complaint: Complaint, form: AnswerForm | None = None) -> dict:
    now = timezone.now()
    return {
        "complaint": complaint,
        "form": form or AnswerForm(initial={"version": complaint.version}),
        "timeline": submission_timeline(complaint.submission, viewer=request.user, now=now)
        if complaint.submission
        else [],
        "own_decision": complaint.original_moderator_id == request.user.pk,
        "held_by_me": complaint.claimed_by_id == request.user.pk and complaint.claim_is_active(now),
        "held_by_other": complaint.claim_is_active(now) and complaint.claimed_by_id != request.user.pk,
        "now": now,
    }


@require_GET
def complaint_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_reviewer(request.user, pk)
    return render(request, "complaints/detail.html", _context(request, complaint))


def _conflict(request: AuthenticatedRequest, complaint: Complaint, exc: Exception) -> HttpResponse:
    return render(
        request,
        "moderation/conflict.html",
        {"message": str(exc), "submission": complaint.submission},
        status=409,
    )


@require_POST
def complaint_claim_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_reviewer(request.user, pk)
    try:
        complaint_claim(complaint=complaint, reviewer=request.user)
    except ReviewConflict as exc:
        return _conflict(request, complaint, exc)
    return redirect("complaint_detail", pk=pk)


@require_POST
def complaint_release_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_reviewer(request.user, pk)
    complaint_release(complaint=complaint, reviewer=request.user)
    return redirect("complaint_queue")


@require_POST
def complaint_decide_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_reviewer(request.user, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return render(request, "complaints/detail.html", _context(request, complaint, form), status=400)
    data = form.cleaned_data
    try:
        answered = complaint_decide(
            complaint=complaint,
            reviewer=request.user,
            overturn=data["outcome"] == "overturned",
            resolution=data["resolution"],
            expected_version=data["version"],
            reason=data["reason"],
            authority=form.authority(),
        )
    except ReviewConflict as exc:
        return _conflict(request, complaint, exc)
    except ComplaintRefused as exc:
        form.add_error(None, str(exc))
        return render(request, "complaints/detail.html", _context(request, complaint, form), status=400)
    messages.success(
        request,
        _("Complaint %(ref)s: %(state)s. The complainant is told.")
        % {"ref": answered.reference, "state": answered.get_state_display()},
    )
    return redirect("complaint_queue")
