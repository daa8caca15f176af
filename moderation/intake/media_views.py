"""Media files, only through this view: it checks who is asking before anything is sent."""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedRequest
from moderation.access import get_submission_for_user
from moderation.intake.thumbnails import media_make_thumbnail
from moderation.models import MediaFile


def _content_disposition(kind: str, name: str) -> str:
    ascii_name = name.encode("ascii", "ignore").decode() or "media"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def serve_private(
    stored_name: str | None, content_type: str, download_name: str, *, attachment: bool
) -> HttpResponseBase:
    """Send a private file, or hand it to the web server (X-Accel-Redirect / X-Sendfile)."""
    if not stored_name or not default_storage.exists(stored_name):
        raise Http404
    accel = settings.MEDIA_ACCEL
    response: HttpResponseBase
    if accel == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + quote(stored_name)
    elif accel == "x-sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = default_storage.path(stored_name)
    else:
        response = FileResponse(default_storage.open(stored_name, "rb"), content_type=content_type)
    response["Content-Disposition"] = _content_disposition(
        "attachment" if attachment else "inline", download_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    # The files are private: no shared cache may keep them.
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


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
