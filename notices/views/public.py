"""The public pages: the notice form (no login, DSA Art. 16), its thank-you page, and the policy
page that publishes how notices and complaints are handled and how long each takes (DS Art. 12)."""

from typing import cast

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from audit.context import client_ip
from notices import flood
from notices.forms import NoticeForm
from notices.models import ANONYMOUS_CATEGORIES, NoticeCategory
from notices.services import NoticeInput, NoticeRefused, notice_submit

RECEIVED_SALT = "notices.received"


def _form_page(
    request: HttpRequest, form: NoticeForm, *, status: int = 200, again: bool = False
) -> HttpResponse:
    """The form; shown again, it keeps the time it was first shown (a missing or forged one is renewed)."""
    if not form.is_bound:
        form.initial["started"] = flood.started_token()
    elif flood.seconds_since(form.data.get("started", "")) is None:
        data = cast(QueryDict, form.data).copy()
        data["started"] = flood.started_token()
        form.data = data
    return render(
        request,
        "notices/report.html",
        {
            "form": form,
            "again": again,
            "sla_hours": settings.NOTICES_SLA_HOURS,
            "urgent_hours": settings.NOTICES_URGENT_SLA_HOURS,
            "anonymous_categories": sorted(ANONYMOUS_CATEGORIES),
        },
        status=status,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def notice_form(request: HttpRequest) -> HttpResponse:
    """Report content. Bots and floods are turned away in ways a person never meets (notices.flood)."""
    if request.method == "GET":
        initial = {"urls": request.GET.get("url", "")[:500]}
        return _form_page(request, NoticeForm(initial=initial, host=request.get_host()))
    form = NoticeForm(request.POST, host=request.get_host())
    if form.is_bot:
        return redirect("notice_received")  # thanked, nothing recorded
    if flood.too_fast(request.POST.get("started", "")):
        # Keep the original start time: sending again a moment later passes.
        form.is_valid()
        return _form_page(request, form, status=400, again=True)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    assert form.submission is not None
    limit = flood.over_limit(ip=client_ip(request), submission_id=form.submission.pk)
    if limit is not None:
        return render(request, "notices/too_many.html", {"limit": limit}, status=429)
    data = form.cleaned_data
    try:
        notice = notice_submit(
            submission=form.submission,
            data=NoticeInput(
                urls=data["urls"],
                category=data["category"],
                explanation=data["explanation"],
                good_faith=data["good_faith"],
                name=data["name"],
                email=data["email"],
                law=data["law"],
            ),
        )
    except NoticeRefused as exc:
        form.add_error(None, str(exc))
        return _form_page(request, form, status=400)
    token = signing.dumps(notice.pk, salt=RECEIVED_SALT)
    return redirect(reverse("notice_received") + f"?ref={token}")


@login_not_required
@require_GET
def notice_received(request: HttpRequest) -> HttpResponse:
    from notices.models import Notice

    notice = None
    try:
        pk = signing.loads(request.GET.get("ref", ""), salt=RECEIVED_SALT, max_age=24 * 3600)
        notice = Notice.objects.select_related("case").filter(pk=pk).first()
    except signing.BadSignature:
        pass
    return render(
        request,
        "notices/received.html",
        {
            "notice": notice,
            "likeness": notice is not None and notice.category == NoticeCategory.NON_CONSENSUAL,
            "hours": (settings.NOTICES_URGENT_SLA_HOURS if notice.case.urgent else settings.NOTICES_SLA_HOURS)
            if notice
            else settings.NOTICES_SLA_HOURS,
        },
    )


@login_not_required
@require_GET
def moderation_policy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "notices/policy.html",
        {
            "sla_hours": settings.NOTICES_SLA_HOURS,
            "urgent_hours": settings.NOTICES_URGENT_SLA_HOURS,
            "response_days": settings.APPEALS_RESPONSE_DAYS,
            "window_days": settings.COMPLAINTS_WINDOW_DAYS,
            "window_months": settings.COMPLAINTS_WINDOW_DAYS * 12 // 365,
            "out_of_court": settings.OUT_OF_COURT_BODIES,
            "categories": NoticeCategory.choices,
            "contact": settings.APPEALS_CONTACT,
        },
    )
