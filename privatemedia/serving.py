"""Sending a private file once a view has checked who is asking: by Django, or handed to the web
server (X-Accel-Redirect for nginx, X-Sendfile) or to the object store (a short-lived signed link,
MEDIA_ACCEL=presigned), with headers that keep it private and inert.

Given the request, Django answers a single byte range (`Range: bytes=a-b`, `a-`, `-n`) with 206
and the bytes as stored, so players can seek; several ranges, a malformed header or a stale
`If-Range` get the whole file (RFC 9110 allows ignoring Range), a range past the end gets 416.
The web servers do the same themselves.
"""

import re
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.utils.http import http_date

from privatemedia.storage import is_local, iter_range

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$")
UNSATISFIABLE = (-1, -1)


def _content_disposition(kind: str, name: str) -> str:
    ascii_name = name.encode("ascii", "ignore").decode() or "media"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def requested_range(header: str, size: int) -> tuple[int, int] | None:
    """The one byte range (first, last; inclusive) a Range header asks of a file of `size` bytes;
    None to send the whole file; UNSATISFIABLE when it starts past the end."""
    match = _RANGE.match(header)
    if match is None:  # several ranges, another unit, or nonsense: the whole file
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last n bytes
        suffix = int(last)
        return (max(size - suffix, 0), size - 1) if suffix and size else UNSATISFIABLE
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None  # invalid: ignored
    if start >= size:
        return UNSATISFIABLE
    return start, end


def _by_django(stored_name: str, content_type: str, request: HttpRequest | None) -> HttpResponseBase:
    size = default_storage.size(stored_name)
    modified = http_date(default_storage.get_modified_time(stored_name).timestamp())
    wanted = None
    if request is not None and request.method == "GET" and "HTTP_RANGE" in request.META:
        if_range = request.META.get("HTTP_IF_RANGE")
        if if_range is None or if_range == modified:
            wanted = requested_range(request.META["HTTP_RANGE"], size)
    response: HttpResponseBase
    if wanted == UNSATISFIABLE:
        response = HttpResponse(status=416, content_type=content_type)
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is not None:
        start, end = wanted
        response = StreamingHttpResponse(
            iter_range(stored_name, start, end), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    elif is_local():
        response = FileResponse(default_storage.open(stored_name, "rb"), content_type=content_type)
    else:  # an object store: streamed as it arrives, not downloaded whole first
        response = StreamingHttpResponse(iter_range(stored_name, 0, size - 1), content_type=content_type)
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    response["Last-Modified"] = modified
    return response


def _presigned(stored_name: str, content_type: str, disposition: str) -> HttpResponseBase:
    """A redirect to a signed link to the object store, valid MEDIA_PRESIGNED_SECONDS: the access
    check has been made, the bytes then come from the store (ranges too), not through us."""
    presign = getattr(default_storage, "presigned_url", None)
    if presign is None:
        raise ImproperlyConfigured("MEDIA_ACCEL=presigned needs MEDIA_STORAGE=s3.")
    response = HttpResponseRedirect(presign(stored_name, content_type=content_type, disposition=disposition))
    # The link is for this reader only and soon stale: nobody may keep the redirect.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def serve_private(
    stored_name: str | None,
    content_type: str,
    download_name: str,
    *,
    attachment: bool,
    request: HttpRequest | None = None,
) -> HttpResponseBase:
    """Send a private file, or hand it to the web server (X-Accel-Redirect / X-Sendfile).

    The bytes go out as stored, never re-encoded. Pass `request` to answer Range requests.
    """
    if not stored_name or not default_storage.exists(stored_name):
        raise Http404
    accel = settings.MEDIA_ACCEL
    disposition = _content_disposition("attachment" if attachment else "inline", download_name)
    response: HttpResponseBase
    if accel == "presigned":
        return _presigned(stored_name, content_type, disposition)
    if accel == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + quote(stored_name)
    elif accel == "x-sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = default_storage.path(stored_name)
    else:
        response = _by_django(stored_name, content_type, request)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    # The files are private: no shared cache may keep them.
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
