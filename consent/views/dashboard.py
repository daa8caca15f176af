"""The consent actions on the submission page: the contributor's (ask, remind, resend, upload a
release, confirm a self-depiction) and the moderators' (approve or refuse a release).

One function view per action, POST only, then back to the submission page (POST-redirect-GET).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedRequest
from audit.context import client_ip
from consent.access import get_document_for_review, get_document_for_user, get_person
from consent.forms import (
    ApproveReleaseForm,
    ChannelForm,
    RefuseReleaseForm,
    ReleaseUploadForm,
    SelfConfirmForm,
)
from consent.models import Channel, ConsentRequest
from consent.services import (
    ConsentActionError,
    consent_request_remind,
    consent_request_resend,
    consent_request_send,
    consent_self_confirm,
    release_document_approve,
    release_document_refuse,
    release_document_upload,
    release_document_view,
)
from moderation.access import get_submission_for_user
from privatemedia.serving import serve_private


def back(pk: int) -> HttpResponse:
    return redirect(reverse("submission_detail", args=[pk]) + "#consent")


def _form_errors(request: AuthenticatedRequest, form: object) -> None:
    for errors in form.errors.values():  # type: ignore[attr-defined]
        for error in errors:
            messages.error(request, error)


def _report_delivery(request: AuthenticatedRequest, consent_request: ConsentRequest, done: str) -> None:
    consent_request.refresh_from_db(fields=["delivery_failed_at"])
    if consent_request.delivery_failed_at:
        messages.error(request, _("The message could not be delivered. Check the contact and resend."))
    else:
        messages.success(request, done)


def _send(request: AuthenticatedRequest, pk: int, person_key: str, *, resend: bool) -> HttpResponse:
    submission = get_submission_for_user(request.user, pk, write=True)
    person = get_person(submission, person_key)
    form = ChannelForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return back(pk)
    service = consent_request_resend if resend else consent_request_send
    try:
        consent_request = service(
            submission=submission,
            person_key=person_key,
            channel=form.cleaned_data["channel"],
            actor=request.user,
        )
    except ConsentActionError as exc:
        messages.error(request, str(exc))
        return back(pk)
    _report_delivery(
        request,
        consent_request,
        _("A consent request was sent to %(name)s by %(channel)s.")
        % {"name": person.name, "channel": Channel(consent_request.channel).label},
    )
    return back(pk)


@require_POST
def consent_send(request: AuthenticatedRequest, pk: int, person_key: str) -> HttpResponse:
    return _send(request, pk, person_key, resend=False)


@require_POST
def consent_resend(request: AuthenticatedRequest, pk: int, person_key: str) -> HttpResponse:
    return _send(request, pk, person_key, resend=True)


@require_POST
def consent_remind(request: AuthenticatedRequest, pk: int, person_key: str) -> HttpResponse:
    submission = get_submission_for_user(request.user, pk, write=True)
    person = get_person(submission, person_key)
    try:
        consent_request = consent_request_remind(
            submission=submission, person_key=person_key, actor=request.user
        )
    except ConsentActionError as exc:
        messages.error(request, str(exc))
        return back(pk)
    _report_delivery(request, consent_request, _("A reminder was sent to %(name)s.") % {"name": person.name})
    return back(pk)


@require_POST
def consent_self(request: AuthenticatedRequest, pk: int, person_key: str) -> HttpResponse:
    submission = get_submission_for_user(request.user, pk, write=True)
    get_person(submission, person_key)
    form = SelfConfirmForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return back(pk)
    try:
        consent_self_confirm(
            submission=submission,
            person_key=person_key,
            actor=request.user,
            confirmed=form.cleaned_data["confirmed"],
            text_version=form.cleaned_data["text_version"],
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except ConsentActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your self-depiction is confirmed."))
    return back(pk)


@require_POST
def consent_release_upload(request: AuthenticatedRequest, pk: int, person_key: str) -> HttpResponse:
    submission = get_submission_for_user(request.user, pk, write=True)
    person = get_person(submission, person_key)
    form = ReleaseUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return back(pk)
    try:
        release_document_upload(
            submission=submission,
            person_key=person_key,
            upload=form.cleaned_data["document"],
            actor=request.user,
        )
    except ConsentActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The release of %(name)s was uploaded. A moderator reviews it.") % {"name": person.name},
        )
    return back(pk)


@require_GET
def consent_release_file(request: AuthenticatedRequest, pk: int, document_pk: int) -> HttpResponseBase:
    """The release document, for its contributor and the moderators. Every look is audited."""
    document = get_document_for_user(request.user, pk, document_pk)
    release_document_view(document=document, actor=request.user)
    name = f"release-{document.submission_id}-{document.pk}.{(document.file.name or '').rsplit('.', 1)[-1]}"
    response = serve_private(document.file.name, document.mime_type, name, attachment=document.is_pdf)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def consent_release_approve(request: AuthenticatedRequest, pk: int, document_pk: int) -> HttpResponse:
    document = get_document_for_review(request.user, pk, document_pk)
    form = ApproveReleaseForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return back(pk)
    try:
        release_document_approve(
            document=document,
            actor=request.user,
            separate=form.cleaned_data["separate"],
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except ConsentActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Release approved: it counts as %(name)s's consent.") % {"name": document.person_name}
        )
    return back(pk)


@require_POST
def consent_release_refuse(request: AuthenticatedRequest, pk: int, document_pk: int) -> HttpResponse:
    document = get_document_for_review(request.user, pk, document_pk)
    form = RefuseReleaseForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return back(pk)
    try:
        release_document_refuse(document=document, actor=request.user, reason=form.cleaned_data["reason"])
    except ConsentActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Release refused; the contributor is told why."))
    return back(pk)
