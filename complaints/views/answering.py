"""The complaints queue (senior moderators): open complaints by due time, claim next, the
complaint with the decision and the item's history, and the answer."""

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
from moderation.review import casework
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
    return PAGES.claimed_next(
        request,
        complaint_claim_next(reviewer=request.user),
        none_waiting=_("No complaint is waiting for you."),
    )


def _context(request: AuthenticatedRequest, complaint: Complaint, form: AnswerForm | None = None) -> dict:
    now = timezone.now()
    return {
        "complaint": complaint,
        "form": form or AnswerForm(initial={"version": complaint.version}),
        "timeline": submission_timeline(complaint.submission, viewer=request.user, now=now)
        if complaint.submission
        else [],
        "own_decision": complaint.original_moderator_id == request.user.pk,
        **casework.lease_context(complaint, request.user, now),
        "now": now,
    }


PAGES = casework.CasePages(
    queue="complaint_queue",
    case_page="complaint_detail",
    template="complaints/detail.html",
    context=_context,
    refused=ComplaintRefused,
)


@require_GET
def complaint_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_reviewer(request.user, pk)
    return render(request, "complaints/detail.html", _context(request, complaint))


@require_POST
def complaint_claim_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_reviewer(request.user, pk)
    return PAGES.claim(
        request, complaint, lambda: complaint_claim(complaint=complaint, reviewer=request.user)
    )


@require_POST
def complaint_release_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_reviewer(request.user, pk)
    complaint_release(complaint=complaint, reviewer=request.user)
    return redirect("complaint_queue")


@require_POST
def complaint_decide_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_reviewer(request.user, pk)
    form = AnswerForm(request.POST)

    def answer() -> str:
        data = form.cleaned_data
        answered = complaint_decide(
            complaint=complaint,
            reviewer=request.user,
            overturn=data["outcome"] == "overturned",
            resolution=data["resolution"],
            expected_version=data["version"],
            reason=data["reason"],
            authority=form.authority(),
        )
        return _("Complaint %(ref)s: %(state)s. The complainant is told.") % {
            "ref": answered.reference,
            "state": answered.get_state_display(),
        }

    return PAGES.decide(request, complaint, form, answer)
