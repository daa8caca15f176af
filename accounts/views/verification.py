"""Real-name verification pages, one method each: phone, ID card, USCC, document.

Each method has a page (GET) showing its form and an action (POST) that calls the service.
Form errors render the page again; success redirects to My account.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.access import get_document_for_admin, get_own_phone_attempt, require_contributor
from accounts.forms import DocumentForm, IdCardForm, PhoneCodeForm, PhoneForm, UsccForm
from accounts.http import AuthenticatedRequest
from accounts.models import IdentityVerification
from accounts.selectors import verification_summary
from accounts.services import (
    VerificationError,
    identity_document_submit,
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
            "We check the number's format and check character and keep only a keyed fingerprint of it "
            "and its last four characters."
        ),
        "submit": gettext_lazy("Verify"),
        "action": "verify_id_card_submit",
    },
    "uscc": {
        "title": gettext_lazy("Verify an organisation with its Unified Social Credit Code"),
        "intro": gettext_lazy("For companies and other organisations publishing under one account."),
        "submit": gettext_lazy("Verify"),
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


def submit_number(
    request: AuthenticatedRequest,
    method: str,
    form_class: type[IdCardForm | UsccForm],
    field: str,
    verify: Callable[..., IdentityVerification],
) -> HttpResponse:
    """Steps: the form; the service, called with the number as `field` (a malformed number or
    one this account already verified is an error on that field); then My account when the
    attempt is verified, or the page again saying why it was refused."""
    require_contributor(request)
    form = form_class(request.POST)
    if not form.is_valid():
        return render_method(request, method, form)
    try:
        attempt = verify(user=request.user, ip=client_ip(request), **{field: form.cleaned_data[field]})
    except (VerificationError, ValidationError) as error:
        add_error(form, field, error)
        return render_method(request, method, form)
    if attempt.status == IdentityVerification.Status.VERIFIED:
        messages.success(
            request, _("Your identity is verified (%(masked)s).") % {"masked": attempt.masked_identifier}
        )
        return redirect("account")
    form.add_error(None, attempt.rejection_reason)
    return render_method(request, method, form)


@require_GET
def verify_id_card(request: AuthenticatedRequest) -> HttpResponse:
    require_contributor(request)
    return render_method(request, "id_card", IdCardForm())


@require_POST
def verify_id_card_submit(request: AuthenticatedRequest) -> HttpResponse:
    return submit_number(request, "id_card", IdCardForm, "number", identity_verify_id_card)


@require_GET
def verify_uscc(request: AuthenticatedRequest) -> HttpResponse:
    require_contributor(request)
    return render_method(request, "uscc", UsccForm())


@require_POST
def verify_uscc_submit(request: AuthenticatedRequest) -> HttpResponse:
    return submit_number(request, "uscc", UsccForm, "code", identity_verify_uscc)


# --- Documents ---------------------------------------------------------------------------------


@require_GET
def verify_document(request: AuthenticatedRequest) -> HttpResponse:
    require_contributor(request)
    return render_method(request, "document", DocumentForm())


@require_POST
def verify_document_upload(request: AuthenticatedRequest) -> HttpResponse:
    require_contributor(request)
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
