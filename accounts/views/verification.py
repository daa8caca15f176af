"""Real-name verification pages, one method each: phone, ID card, USCC, document, and the
national online identity authentication service.

Each method has a page (GET) showing its form and an action (POST) that calls the service.
Form errors render the page again; success redirects to My account. What the ID card page asks
for depends on the enabled provider (accounts.identity_providers): the carrier needs a name and
a verified phone, the console a name, and without one the number is only recorded as well-formed.
Document review and the national service exist only where enabled (404 otherwise).
"""

from __future__ import annotations

import mimetypes
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.access import get_document_for_admin, get_own_phone_attempt, require_contributor
from accounts.forms import DocumentForm, IdCardForm, PhoneCodeForm, PhoneForm, UsccForm
from accounts.http import AuthenticatedRequest
from accounts.identity_providers import NationalIdentityProvider, get_provider, number_check_provider
from accounts.models import IdentityVerification
from accounts.selectors import verification_summary
from accounts.services import (
    VerificationError,
    identity_document_submit,
    identity_national_complete,
    identity_national_start,
    identity_verify_id_card,
    identity_verify_uscc,
    phone_verification_confirm,
    phone_verification_start,
)
from audit.context import client_ip
from audit.services import record_event

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGES: dict[str, dict[str, StrOrPromise]] = {
    "phone": {
        "title": gettext_lazy("Verify with your mobile phone"),
        "intro": gettext_lazy("We send a six-digit code by text message. It is valid for a few minutes."),
        "submit": gettext_lazy("Send the code"),
        "action": "verify_phone_send",
    },
    "id_card": {
        "title": gettext_lazy("Verify with your resident ID card number"),
        "intro": gettext_lazy(
            "We check the number's format and check character, then ask an identity provider whether the "
            "number belongs to you. We keep only a keyed fingerprint of it and its last four characters."
        ),
        "submit": gettext_lazy("Verify"),
        "action": "verify_id_card_submit",
    },
    "uscc": {
        "title": gettext_lazy("Verify an organisation with its Unified Social Credit Code"),
        "intro": gettext_lazy(
            "For companies and other organisations publishing under one account. We record the code once its "
            "check character is right; an administrator then verifies the organisation from its business "
            "licence (upload it under Verify with a document)."
        ),
        "submit": gettext_lazy("Record the code"),
        "action": "verify_uscc_submit",
    },
    "document": {
        "title": gettext_lazy("Verify with a document"),
        "intro": gettext_lazy(
            "Upload a photo of your ID card or your organisation's business licence. An administrator "
            "reviews it; the image is deleted after the retention period."
        ),
        "submit": gettext_lazy("Upload for review"),
        "action": "verify_document_upload",
    },
}


def render_method(request: AuthenticatedRequest, method: str, form: forms.Form) -> HttpResponse:
    page = PAGES[method]
    return render(
        request,
        "accounts/verify_form.html",
        {
            "form": form,
            "page": page,
            "action_url": reverse(str(page["action"])),
            "multipart": method == "document",
            "summary": verification_summary(request.user),
        },
    )


def add_error(form: forms.Form, field: str | None, error: VerificationError | ValidationError) -> None:
    form.add_error(field, error.message if isinstance(error, VerificationError) else error)


# --- Mobile phone ------------------------------------------------------------------------------


@require_GET
def verify_phone(request: AuthenticatedRequest) -> HttpResponse:
    require_contributor(request)
    return render_method(request, "phone", PhoneForm())


@require_POST
def verify_phone_send(request: AuthenticatedRequest) -> HttpResponse:
    require_contributor(request)
    form = PhoneForm(request.POST)
    if not form.is_valid():
        return render_method(request, "phone", form)
    try:
        attempt = phone_verification_start(
            user=request.user, phone=form.cleaned_data["phone"], ip=client_ip(request)
        )
    except VerificationError as error:
        add_error(form, "phone", error)
        return render_method(request, "phone", form)
    return redirect("verify_phone_code", pk=attempt.pk)


def render_code_page(
    request: AuthenticatedRequest, attempt: IdentityVerification, form: PhoneCodeForm
) -> HttpResponse:
    return render(request, "accounts/verify_phone_code.html", {"form": form, "attempt": attempt})


@require_GET
def verify_phone_code(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    attempt = get_own_phone_attempt(request, pk)
    return render_code_page(request, attempt, PhoneCodeForm())


@require_POST
def verify_phone_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    attempt = get_own_phone_attempt(request, pk)
    form = PhoneCodeForm(request.POST)
    if not form.is_valid():
        return render_code_page(request, attempt, form)
    try:
        phone_verification_confirm(verification=attempt, code=form.cleaned_data["code"])
    except VerificationError as error:
        add_error(form, "code", error)
        return render_code_page(request, attempt, form)
    messages.success(
        request, _("Your phone number is verified (%(masked)s).") % {"masked": attempt.masked_identifier}
    )
    return redirect("account")


# --- ID card and USCC --------------------------------------------------------------------------


def id_card_form(request: AuthenticatedRequest) -> IdCardForm:
    provider = number_check_provider()
    return IdCardForm(
        request.POST if request.method == "POST" else None,
        needs_name=provider is not None,
        needs_phone=bool(provider and provider.needs_phone),
    )


def after_number(
    request: AuthenticatedRequest, method: str, form: forms.Form, attempt: IdentityVerification
) -> HttpResponse:
    """Verified: My account. Well-formed only: My account, saying what is still needed. Refused:
    the page again with the reason."""
    if attempt.status == IdentityVerification.Status.VERIFIED:
        messages.success(
            request, _("Your identity is verified (%(masked)s).") % {"masked": attempt.masked_identifier}
        )
        return redirect("account")
    if attempt.status == IdentityVerification.Status.WELL_FORMED:
        messages.warning(
            request,
            _(
                "The number %(masked)s is well-formed and recorded, but that does not show it is yours: "
                "verify your identity with one of the methods below before you publish."
            )
            % {"masked": attempt.masked_identifier},
        )
        return redirect("account")
    form.add_error(None, attempt.rejection_reason)
    return render_method(request, method, form)


@require_GET
def verify_id_card(request: AuthenticatedRequest) -> HttpResponse:
    require_contributor(request)
    return render_method(request, "id_card", id_card_form(request))


@require_POST
def verify_id_card_submit(request: AuthenticatedRequest) -> HttpResponse:
    require_contributor(request)
    form = id_card_form(request)
    if not form.is_valid():
        return render_method(request, "id_card", form)
    try:
        attempt = identity_verify_id_card(
            user=request.user,
            number=form.cleaned_data["number"],
            name=form.cleaned_data.get("name", ""),
            phone=form.cleaned_data.get("phone", ""),
            ip=client_ip(request),
        )
    except (VerificationError, ValidationError) as error:
        field = "phone" if getattr(error, "code", "") == "phone_not_verified" else None
        add_error(form, field, error)
        return render_method(request, "id_card", form)
    return after_number(request, "id_card", form, attempt)


@require_GET
def verify_uscc(request: AuthenticatedRequest) -> HttpResponse:
    require_contributor(request)
    return render_method(request, "uscc", UsccForm())


@require_POST
def verify_uscc_submit(request: AuthenticatedRequest) -> HttpResponse:
    require_contributor(request)
    form = UsccForm(request.POST)
    if not form.is_valid():
        return render_method(request, "uscc", form)
    try:
        attempt = identity_verify_uscc(
            user=request.user, code=form.cleaned_data["code"], ip=client_ip(request)
        )
    except (VerificationError, ValidationError) as error:
        add_error(form, "code", error)
        return render_method(request, "uscc", form)
    return after_number(request, "uscc", form, attempt)


# --- The national online identity authentication service -----------------------------------------


def national_provider() -> NationalIdentityProvider:
    provider = get_provider(NationalIdentityProvider.key)
    if not isinstance(provider, NationalIdentityProvider):
        raise Http404
    return provider


def national_redirect_uri(request: AuthenticatedRequest) -> str:
    return request.build_absolute_uri(reverse("verify_national_callback"))


@require_GET
def verify_national(request: AuthenticatedRequest) -> HttpResponse:
    require_contributor(request)
    national_provider()
    return render(
        request, "accounts/verify_national.html", {"summary": verification_summary(request.user), "error": ""}
    )


@require_POST
def verify_national_start(request: AuthenticatedRequest) -> HttpResponse:
    require_contributor(request)
    provider = national_provider()
    _attempt, url = identity_national_start(
        user=request.user,
        provider=provider,
        redirect_uri=national_redirect_uri(request),
        ip=client_ip(request),
    )
    return redirect(url)


@require_GET
def verify_national_callback(request: AuthenticatedRequest) -> HttpResponse:
    """Where the national service sends the browser back, with `code` and `state`."""
    require_contributor(request)
    provider = national_provider()
    try:
        attempt = identity_national_complete(
            user=request.user,
            provider=provider,
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            redirect_uri=national_redirect_uri(request),
        )
    except VerificationError as error:
        return render(
            request,
            "accounts/verify_national.html",
            {"summary": verification_summary(request.user), "error": error.message},
            status=400,
        )
    messages.success(
        request, _("Your identity is verified by the national online identity authentication service.")
    )
    del attempt
    return redirect("account")


# --- Documents ---------------------------------------------------------------------------------


def require_document_review() -> None:
    if get_provider("operator") is None:
        raise Http404


@require_GET
def verify_document(request: AuthenticatedRequest) -> HttpResponse:
    require_contributor(request)
    require_document_review()
    return render_method(request, "document", DocumentForm())


@require_POST
def verify_document_upload(request: AuthenticatedRequest) -> HttpResponse:
    require_contributor(request)
    require_document_review()
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_method(request, "document", form)
    identity_document_submit(
        user=request.user,
        upload=form.cleaned_data["image"],
        kind=form.cleaned_data["kind"],
        ip=client_ip(request),
    )
    messages.success(request, _("Your document was uploaded. An administrator will review it."))
    return redirect("account")


@require_GET
def identity_document(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """The document image, for administrators reviewing it. Every viewing is audited."""
    attempt = get_document_for_admin(request, pk)
    record_event(
        action="identity.document_viewed",
        actor=request.user,
        target=attempt.user,
        details={"verification_id": attempt.pk},
    )
    content_type = mimetypes.guess_type(attempt.document.name or "")[0] or "application/octet-stream"
    response = FileResponse(attempt.document.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
