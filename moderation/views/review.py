"""The moderators' pages."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedRequest
from moderation.access import get_submission_for_review, require_reviewer
from moderation.checks import REGISTRY
from moderation.services.checks import CheckNotAllowed, checks_rerun


@require_GET
def review_home(request: AuthenticatedRequest) -> HttpResponse:
    require_reviewer(request.user)
    return render(request, "moderation/review_home.html")


@require_POST
def submission_rerun_checks(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Re-run one check (`kind`) or all checks of a submission."""
    submission = get_submission_for_review(request.user, pk)
    kind = request.POST.get("kind") or None
    if kind is not None and kind not in REGISTRY:
        messages.error(request, _("There is no check called %(kind)s.") % {"kind": kind})
        return redirect("submission_detail", pk=pk)
    try:
        runs = checks_rerun(submission=submission, actor=request.user, kinds=[kind] if kind else None)
    except CheckNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Running %(count)s check(s) again.") % {"count": len(runs)})
    return redirect("submission_detail", pk=pk)
