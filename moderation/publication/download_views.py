"""Unlabelled originals on request (R32): the request form, the logged request, the one-time
download. Everyone else's downloads of AI content are its labelled rendition (R19)."""

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedRequest
from audit.context import client_ip
from moderation.models import MediaFile, Submission
from moderation.publication.deliveries import (
    DeliveryRefused,
    delivery_refusal,
    get_delivery_for_user,
    get_media_for_unlabelled,
    unlabelled_delivery_claim,
    unlabelled_delivery_request,
)
from moderation.publication.downloads import original_download_name
from moderation.publication.forms import UnlabelledRequestForm
from privatemedia.serving import serve_private


def _form_page(
    request: AuthenticatedRequest,
    submission: Submission,
    media: MediaFile,
    form: UnlabelledRequestForm | None,
    refusal: DeliveryRefused | None,
    status: int = 200,
) -> HttpResponse:
    context = {"submission": submission, "media": media, "form": form, "refusal": refusal}
    return render(request, "moderation/unlabelled_request.html", context, status=status)


@require_GET
def unlabelled_request_form(request: AuthenticatedRequest, pk: int, media_pk: int) -> HttpResponse:
    submission, media = get_media_for_unlabelled(request.user, pk, media_pk)
    refusal = delivery_refusal(request.user)
    if refusal is not None:
        return _form_page(request, submission, media, None, refusal, status=403)
    staff = submission.contributor_id != request.user.pk
    return _form_page(request, submission, media, UnlabelledRequestForm(staff=staff), None)


@require_POST
def unlabelled_request(request: AuthenticatedRequest, pk: int, media_pk: int) -> HttpResponse:
    submission, media = get_media_for_unlabelled(request.user, pk, media_pk)
    staff = submission.contributor_id != request.user.pk
    form = UnlabelledRequestForm(request.POST, staff=staff)
    if not form.is_valid():
        return _form_page(request, submission, media, form, delivery_refusal(request.user), status=400)
    data = form.cleaned_data
    try:
        delivery = unlabelled_delivery_request(
            user=request.user,
            submission=submission,
            media=media,
            recipient_name=data["recipient_name"],
            recipient_organisation=data["recipient_organisation"],
            purpose=data["purpose"],
            staff_reason=data.get("staff_reason", ""),
            acknowledged=data["acknowledged"],
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except DeliveryRefused as refusal:
        return _form_page(request, submission, media, None, refusal, status=403)
    return redirect("unlabelled_delivery", pk=delivery.pk)


@require_GET
def unlabelled_delivery(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    delivery = get_delivery_for_user(request.user, pk)
    return render(request, "moderation/unlabelled_delivery.html", {"delivery": delivery})


@require_POST
def unlabelled_delivery_download(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    delivery = get_delivery_for_user(request.user, pk)
    if not unlabelled_delivery_claim(delivery=delivery, user=request.user, ip=client_ip(request)):
        messages.error(request, _("This download was used already or has expired: ask again if you need it."))
        response = render(request, "moderation/unlabelled_delivery.html", {"delivery": delivery}, status=410)
        return response
    media = delivery.media
    return serve_private(media.file.name, media.mime_type, original_download_name(media), attachment=True)
