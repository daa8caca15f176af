"""Labelled renditions by signed, expiring link: the URLs the API hands out to the integration."""

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from api.representation import rendition_for_token
from moderation.models import PublishedRendition
from moderation.publication.downloads import rendition_download_name
from moderation.publication.selectors import published_renditions


@login_not_required
@require_GET
def rendition_download(request: HttpRequest, token: str) -> FileResponse:
    """The file, while the link is fresh and the content still published; else 404."""
    try:
        rendition_id, integration_id = rendition_for_token(token)
    except (signing.BadSignature, ValueError):
        raise Http404 from None
    rendition = (
        PublishedRendition.objects.select_related("submission")
        .filter(pk=rendition_id, submission__integration_id=integration_id)
        .first()
    )
    if rendition is None or not rendition.file or not rendition.submission.is_published:
        raise Http404
    if not published_renditions(rendition.submission).filter(pk=rendition.pk).exists():
        raise Http404
    handle = default_storage.open(rendition.file.name or "", "rb")
    response = FileResponse(
        handle,
        content_type=rendition.mime_type or "application/octet-stream",
        as_attachment=True,
        filename=rendition_download_name(rendition.submission, rendition),
    )
    response["Cache-Control"] = "private, no-store"
    return response
