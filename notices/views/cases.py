"""The notices queue: open cases by priority, claim next, a case page with every notice, the
item and its history, and the decision."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedRequest
from moderation.access import require_reviewer
from moderation.models import Submission
from moderation.publication.selectors import latest_publication
from moderation.review.claims import ReviewConflict
from moderation.review.selectors import blur_media
from moderation.timeline import submission_timeline
from notices.access import get_case_for_moderator
from notices.forms import CaseDecisionForm
from notices.models import NoticeCase
from notices.services import (
    CaseDecision,
    NoticeRefused,
    notice_case_claim,
    notice_case_claim_next,
    notice_case_decide,
    notice_case_release,
    open_cases,
)

PAGE_SIZE = 25


@require_GET
def notice_queue(request: AuthenticatedRequest) -> HttpResponse:
    require_reviewer(request.user)
    now = timezone.now()
    cases = (
        open_cases()
        .select_related("submission__current_revision", "claimed_by")
        .order_by("-priority_rank", "id")
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/queue.html",
        {
            "page": page,
            "now": now,
            "open_count": page.paginator.count,
            "breached": open_cases().filter(due_at__lte=now).count(),
        },
    )


@require_POST
def notice_claim_next(request: AuthenticatedRequest) -> HttpResponse:
    case = notice_case_claim_next(moderator=request.user)
    if case is None:
        messages.info(request, _("No notices are waiting."))
        return redirect("notice_queue")
    return redirect("notice_case", pk=case.pk)


def _context(request: AuthenticatedRequest, case: NoticeCase, form: CaseDecisionForm | None = None) -> dict:
    now = timezone.now()
    submission: Submission = case.submission
    return {
        "case": case,
        "submission": submission,
        "revision": submission.current_revision,
        "notices": case.notices.all(),
        "timeline": submission_timeline(submission, viewer=request.user, now=now),
        "publication": latest_publication(submission),
        "form": form or CaseDecisionForm(initial={"version": case.version}),
        "held_by_me": case.claimed_by_id == request.user.pk and case.claim_is_active(now),
        "held_by_other": case.claim_is_active(now) and case.claimed_by_id != request.user.pk,
        "blur": blur_media(request.user),
        "now": now,
    }


@require_GET
def notice_case(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_moderator(request.user, pk)
    return render(request, "notices/case.html", _context(request, case))


def _conflict(request: AuthenticatedRequest, case: NoticeCase, exc: Exception) -> HttpResponse:
    return render(
        request, "moderation/conflict.html", {"message": str(exc), "submission": case.submission}, status=409
    )


@require_POST
def notice_case_claim_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_moderator(request.user, pk)
    try:
        notice_case_claim(case=case, moderator=request.user)
    except ReviewConflict as exc:
        return _conflict(request, case, exc)
    return redirect("notice_case", pk=pk)


@require_POST
def notice_case_release_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_moderator(request.user, pk)
    notice_case_release(case=case, moderator=request.user)
    return redirect("notice_queue")


@require_POST
def notice_case_decide_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_moderator(request.user, pk)
    form = CaseDecisionForm(request.POST)
    if not form.is_valid():
        return render(request, "notices/case.html", _context(request, case, form), status=400)
    data = form.cleaned_data
    days = data.get("days")
    try:
        decided = notice_case_decide(
            case=case,
            moderator=request.user,
            expected_version=data["version"],
            decision=CaseDecision(
                outcome=data["outcome"],
                reasons=data["reasons"],
                reason=data["reason"],
                explanation=data["explanation"],
                regions=tuple(data.get("regions") or ()),
                ends_at=timezone.now() + datetime.timedelta(days=days) if days else None,
                refutation=data["refutation"],
                source_url=data["source_url"],
                authority=form.authority(),
            ),
        )
    except ReviewConflict as exc:
        return _conflict(request, case, exc)
    except NoticeRefused as exc:
        form.add_error(None, str(exc))
        return render(request, "notices/case.html", _context(request, case, form), status=400)
    messages.success(
        request,
        _("Notices on #%(id)s: %(outcome)s. The notifiers are told.")
        % {"id": case.submission_id, "outcome": decided.get_outcome_display()},
    )
    return redirect("notice_queue")
