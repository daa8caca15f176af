"""/api/v1/inspect: the label engine on an uploaded file, nothing stored (`inspect_media --json`)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router
from ninja.files import UploadedFile

from api import auth
from api.problems import Problem
from api.schemas import problems
from labels.engine import InspectOptions, inspect_file, inspect_stream

router = Router(tags=["inspect"])


@router.post(
    "/inspect",
    auth=auth.INSPECT,
    response={200: dict[str, Any], **problems(401, 403, 413, 422, 429)},
    url_name="inspect",
    summary="Inspect a file",
)
def inspect(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    """The label engine's record of the file: media type, TC260 labels, XMP, C2PA, the tier
    (the same JSON as `manage.py inspect_media --json`). The file is read and discarded."""
    if getattr(file, "oversized", False):
        largest = max(settings.UPLOAD_MAX_BYTES.values()) // (1024 * 1024)
        raise Problem(
            413,
            "too-large",
            _("File too large"),
            _("No file may be larger than %(mb)s MB.") % {"mb": largest},
        )
    path = file.temporary_file_path() if hasattr(file, "temporary_file_path") else None
    options = InspectOptions.from_settings()
    report = inspect_file(path, options=options) if path else inspect_stream(file, options=options)
    record = report.to_json()
    record["path"] = file.name or "upload"
    return record
