"""Sending a private file once a view has checked who is asking: by Django, or handed to the web
server (X-Accel-Redirect for nginx, X-Sendfile), with headers that keep it private and inert."""

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase


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
