"""Filing a complaint: the contributor from their decision (logged in, a page per decision), the
notifier and the account holder from the signed link in our message (no login)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedRequest
from accounts.models import Sanction
from complaints.access import get_decision_for_complainant
from complaints.forms import ComplaintForm
from complaints.services import (
    ComplaintRefused,
    Target,
    complaint_file,
    target_for_contributor,
    target_for_notice,
    target_for_sanction,
)
from complaints.tokens import ComplaintLinkError, read_token
from notices.models import Notice


def _page(
    request: HttpRequest,
    target: Target | None,
    form: ComplaintForm,
    *,
    refused: str = "",
    status: int = 200,
    public: bool = False,
) -> HttpResponse:
    now = timezone.now()
    latest = target.latest_complaint() if target else None
    return render(
        request,
        "complaints/file.html",
        {
            "target": target,
            "form": form,
            "refused": refused,
            "latest": latest,
            "open": latest is not None and latest.is_open,
            "window_open": target is not None and now <= target.window_ends,
            "public": public,
        },
        status=status,
    )


def _handle(request: HttpRequest, target: Target, *, public: bool) -> HttpResponse:
    if request.method == "GET":
        return _page(request, target, ComplaintForm(), public=public)
    form = ComplaintForm(request.POST)
    if not form.is_valid():
        return _page(request, target, form, status=400, public=public)
    try:
        complaint_file(target=target, explanation=form.cleaned_data["explanation"])
    except ComplaintRefused as exc:
        return _page(request, target, form, refused=str(exc), status=400, public=public)
    messages.success(request, _("Your complaint is filed. We answer within the time shown below."))
    return redirect(request.path)


@require_http_methods(["GET", "POST"])
def complaint_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = get_decision_for_complainant(request.user, pk)
    try:
        target = target_for_contributor(decision, request.user)
    except ComplaintRefused as exc:
        return _page(request, None, ComplaintForm(), refused=str(exc), status=400)
    return _handle(request, target, public=False)


@login_not_required
@require_http_methods(["GET", "POST"])
def complaint_by_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        kind, pk = read_token(token)
    except ComplaintLinkError:
        return render(request, "complaints/link_error.html", status=400)
    try:
        if kind == "notice":
            notice = get_object_or_404(
                Notice.objects.select_related("case__decision", "case__submission"), pk=pk
            )
            target = target_for_notice(notice)
        else:
            target = target_for_sanction(get_object_or_404(Sanction.objects.select_related("user"), pk=pk))
    except ComplaintRefused as exc:
        return _page(request, None, ComplaintForm(), refused=str(exc), status=400, public=True)
    response = _handle(request, target, public=True)
    # The link is the key: keep it out of caches and other sites' logs.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response
