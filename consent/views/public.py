"""The pages a depicted person reaches from a consent message: no login, the signed link is the key.

They work without JavaScript: plain forms, POST with CSRF, redirect to a result page.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from audit.context import client_ip
from consent.access import preview_media, record_for_withdraw_token, request_for_token
from consent.forms import GrantForm
from consent.models import ConsentRequest
from consent.scope import person_name_of, person_text
from consent.services import (
    ConsentActionError,
    consent_grant,
    consent_refuse,
    consent_request_view,
    consent_withdraw,
)
from consent.tokens import ConsentLinkError
from moderation.models import Category, Region
from privatemedia.serving import serve_private

OUTCOMES = ("granted", "refused", "withdrawn")


def _no_store(response: HttpResponseBase) -> HttpResponseBase:
    # A consent page or file may sit on a shared phone: no cache keeps it.
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # The link is a secret: never send it to another site. (Not "no-referrer": browsers then send
    # "Origin: null" with the forms, and the CSRF check rightly refuses them.)
    response["Referrer-Policy"] = "same-origin"
    return response


def link_error(request: HttpRequest, error: ConsentLinkError) -> HttpResponseBase:
    response = render(
        request,
        "consent/link_error.html",
        {"error": error, "site_name": settings.SITE_NAME},
        status=error.status,
    )
    return _no_store(response)


def _page(
    request: HttpRequest,
    consent_request: ConsentRequest,
    token: str,
    form: GrantForm | None = None,
    error: str = "",
) -> HttpResponseBase:
    submission = consent_request.submission
    revision = submission.current_revision
    assert revision is not None  # request_for_token refuses a submission without one
    rendered = person_text(consent_request, contributor=submission.contributor)
    form = form or GrantForm(initial={"text_version": rendered.version}, text=rendered.text)
    form.fields["separate"].label = rendered.text
    media = revision.media.filter(sha256__in=consent_request.media_sha256)
    context = {
        "consent_request": consent_request,
        "token": token,
        "revision": revision,
        "contributor": person_name_of(submission.contributor),
        "categories": [Category(c).label for c in consent_request.categories],
        "kinds": consent_request.kind_labels,
        "region": Region(consent_request.region).label if consent_request.region else "",
        "media": media,
        "form": form,
        "text": rendered.text,
        "error": error,
        "validity_days": settings.CONSENT_VALIDITY_DAYS,
        "site_name": settings.SITE_NAME,
    }
    return _no_store(render(request, "consent/request_page.html", context))


@login_not_required
@require_GET
def consent_page(request: HttpRequest, token: str) -> HttpResponseBase:
    """What will be published, by whom, why, and the one question: do you consent?"""
    try:
        consent_request = request_for_token(token)
    except ConsentLinkError as error:
        return link_error(request, error)
    consent_request_view(consent_request=consent_request)
    return _page(request, consent_request, token)


def _meta(request: HttpRequest) -> tuple[str | None, str]:
    return client_ip(request), request.META.get("HTTP_USER_AGENT", "")


def _done(outcome: str) -> HttpResponseBase:
    return redirect(reverse("consent_done") + f"?outcome={outcome}")


def _answer(
    request: HttpRequest, token: str, service: Callable[..., object], outcome: str
) -> HttpResponseBase:
    """An answer that needs nothing but the link (refuse, withdraw): recorded with where and how it
    was given, then the outcome page; a dead link says why."""
    ip, user_agent = _meta(request)
    try:
        service(token=token, ip=ip, user_agent=user_agent)
    except ConsentLinkError as error:
        return link_error(request, error)
    return _done(outcome)


@login_not_required
@require_POST
def consent_grant_submit(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        consent_request = request_for_token(token)
    except ConsentLinkError as error:
        return link_error(request, error)
    form = GrantForm(request.POST)
    if not form.is_valid():
        return _page(request, consent_request, token, form=form)
    ip, user_agent = _meta(request)
    try:
        consent_grant(
            token=token,
            separate=form.cleaned_data["separate"],
            text_version=form.cleaned_data["text_version"],
            ip=ip,
            user_agent=user_agent,
        )
    except ConsentLinkError as error:
        return link_error(request, error)
    except ConsentActionError as exc:
        return _page(request, consent_request, token, error=str(exc))
    return _done("granted")


@login_not_required
@require_POST
def consent_refuse_submit(request: HttpRequest, token: str) -> HttpResponseBase:
    return _answer(request, token, consent_refuse, "refused")


@login_not_required
@require_GET
def consent_media(request: HttpRequest, token: str, media_pk: int) -> HttpResponseBase:
    """A file the person is asked about, only through their live link; 404 for anything else."""
    try:
        consent_request = request_for_token(token)
    except ConsentLinkError:
        raise Http404 from None
    item = preview_media(consent_request, media_pk)
    return _no_store(serve_private(item.file.name, item.mime_type, item.original_name, attachment=False))


@login_not_required
@require_GET
def consent_done(request: HttpRequest) -> HttpResponse:
    outcome = request.GET.get("outcome", "")
    return render(
        request,
        "consent/done.html",
        {"outcome": outcome if outcome in OUTCOMES else "", "site_name": settings.SITE_NAME},
    )


@login_not_required
@require_GET
def consent_withdraw_page(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        record = record_for_withdraw_token(token)
    except ConsentLinkError as error:
        return link_error(request, error)
    context = {
        "record": record,
        "token": token,
        "title": record.revision.title,
        "site_name": settings.SITE_NAME,
    }
    return _no_store(render(request, "consent/withdraw_page.html", context))


@login_not_required
@require_POST
def consent_withdraw_submit(request: HttpRequest, token: str) -> HttpResponseBase:
    return _answer(request, token, consent_withdraw, "withdrawn")
