"""Media files, only through this view: it checks who is asking before anything is sent."""

import mimetypes

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedRequest
from moderation.access import get_submission_for_user
from moderation.intake.thumbnails import media_make_thumbnail
from moderation.models import MediaFile
from moderation.publication.downloads import is_ai_content, labelled_renditions, original_download_name
from privatemedia.serving import serve_private


@require_GET
def media_file(request: AuthenticatedRequest, pk: int, media_pk: int) -> HttpResponseBase:
    """The upload, shown in the item's pages. A download of AI content is its labelled rendition
    (R19), or, unpublished, refused: the unlabelled original only by a logged request (R32)."""
    submission = get_submission_for_user(request.user, pk)
    row = get_object_or_404(
        MediaFile.objects.select_related("revision"), pk=media_pk, revision__submission=submission
    )
    download = "download" in request.GET
    if download and is_ai_content(submission, row.revision):
        rendition = labelled_renditions(submission).get(row.pk)
        if rendition is None:
            raise PermissionDenied(
                _(
                    "AI content is downloaded with its label once published; "
                    "ask for the unlabelled original instead."
                )
            )
        return redirect(reverse("publication_media", args=[submission.pk, rendition.pk]) + "?download=1")
    # Shown under the contributor's name, but always with our extension, from the sniffed type: a file
    # uploaded as "photo.html" never reaches a disk as an .html file.
    name = original_download_name(row) if download else inline_name(row)
    return serve_private(row.file.name, row.mime_type, name, attachment=download, request=request)


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


def inline_name(row: MediaFile) -> str:
    stem = row.original_name.rsplit(".", 1)[0] if "." in row.original_name else row.original_name
    return f"{stem or 'file'}.{(row.file.name or '').rsplit('.', 1)[-1]}"
