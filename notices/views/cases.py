"""The notices queue: open cases by priority, claim next, a case page with every notice, the
item and its history, and the decision."""

import datetime

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
from moderation.review import casework
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
    return PAGES.claimed_next(
        request, notice_case_claim_next(moderator=request.user), none_waiting=_("No notices are waiting.")
    )


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
        **casework.lease_context(case, request.user, now),
        "blur": blur_media(request.user),
        "now": now,
    }


PAGES = casework.CasePages(
    queue="notice_queue",
    case_page="notice_case",
    template="notices/case.html",
    context=_context,
    refused=NoticeRefused,
)


@require_GET
def notice_case(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_moderator(request.user, pk)
    return render(request, "notices/case.html", _context(request, case))


@require_POST
def notice_case_claim_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_moderator(request.user, pk)
    return PAGES.claim(request, case, lambda: notice_case_claim(case=case, moderator=request.user))


@require_POST
def notice_case_release_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_moderator(request.user, pk)
    notice_case_release(case=case, moderator=request.user)
    return redirect("notice_queue")


@require_POST
def notice_case_decide_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = get_case_for_moderator(request.user, pk)
    form = CaseDecisionForm(request.POST)

    def decide() -> str:
        data = form.cleaned_data
        days = data.get("days")
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
        return _("Notices on #%(id)s: %(outcome)s. The notifiers are told.") % {
            "id": case.submission_id,
            "outcome": decided.get_outcome_display(),
        }

    return PAGES.decide(request, case, form, decide)
