"""Media files, only through this view: it checks who is asking before anything is sent."""

import mimetypes

from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedRequest
from moderation.access import get_submission_for_user
from moderation.intake.thumbnails import media_make_thumbnail
from moderation.models import MediaFile
from privatemedia.serving import serve_private


@require_GET
def media_file(request: AuthenticatedRequest, pk: int, media_pk: int) -> HttpResponseBase:
    submission = get_submission_for_user(request.user, pk)
    row = get_object_or_404(MediaFile, pk=media_pk, revision__submission=submission)
    return serve_private(
        row.file.name, row.mime_type, row.original_name, attachment="download" in request.GET
    )


@require_GET
def media_thumbnail(request: AuthenticatedRequest, pk: int, media_pk: int) -> HttpResponseBase:
    submission = get_submission_for_user(request.user, pk)
    row = get_object_or_404(MediaFile, pk=media_pk, revision__submission=submission, kind="image")
    if not row.thumbnail:
        media_make_thumbnail(media_id=row.pk)  # Not made yet (no worker): make it now.
        row.refresh_from_db()
    if not row.thumbnail:
        raise Http404
    name = row.original_name.rsplit(".", 1)[0] + ".thumb.jpg"
    return serve_private(row.thumbnail.name, mimetypes.types_map[".jpg"], name, attachment=False)
