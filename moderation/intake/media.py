"""Private media storage: random names, hashes, thumbnails.

Files are written once and never changed; revisions share them by name. Nothing under
the media storage is reachable by URL: `views.media.media_download` checks access first.
"""

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from moderation.intake.inspection import FileType, Inspected, UploadRefused, inspect
from moderation.models.choices import MediaKind

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class AcceptedUpload:
    original_name: str
    stored_name: str
    file_type: FileType
    size: int
    sha256: str
    width: int | None
    height: int | None


def sha256_of(stream: Any) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def random_name(extension: str) -> str:
    now = timezone.now()
    return f"submissions/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}"


def clean_original_name(name: str) -> str:
    # Kept only for display and Content-Disposition: strip any path and control characters.
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable())[:200] or "upload"


def check_upload(upload: UploadedFile) -> tuple[Inspected, str]:
    """Inspect an upload without storing it; return what it is and its SHA-256."""
    if getattr(upload, "oversized", False):
        largest = max(settings.UPLOAD_MAX_BYTES.values()) // (1024 * 1024)
        raise UploadRefused(_("the file is larger than the %(mb)s MB any file may be") % {"mb": largest})
    size = upload.size or 0
    stream = cast(BinaryIO, upload.file)
    inspected = inspect(stream, size)
    digest = getattr(upload, "sha256", None) or sha256_of(upload.file)
    return inspected, digest


def store_upload(upload: UploadedFile, inspected: Inspected, sha256: str) -> AcceptedUpload:
    """Write an inspected upload under a random name (a rename for files already on disk)."""
    assert upload.file is not None
    upload.file.seek(0)
    stored_name = default_storage.save(random_name(inspected.file_type.extension), File(upload.file))
    return AcceptedUpload(
        original_name=clean_original_name(upload.name or ""),
        stored_name=stored_name,
        file_type=inspected.file_type,
        size=upload.size or 0,
        sha256=sha256,
        width=inspected.width,
        height=inspected.height,
    )


def delete_stored(names: list[str]) -> None:
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)


def render_thumbnail(stored_name: str, kind: str) -> str:
    """Make a small JPEG of an image, orientation applied; return its stored name ('' if none)."""
    if kind != MediaKind.IMAGE:
        return ""
    size = settings.THUMBNAIL_SIZE
    with default_storage.open(stored_name, "rb") as source, Image.open(source) as image:
        image.draft("RGB", (size, size))  # JPEG: decode at reduced scale, much faster.
        thumb = ImageOps.exif_transpose(image).convert("RGB")
        thumb.thumbnail((size, size))
        out = ContentFile(b"")
        thumb.save(out, format="JPEG", quality=80)
    name = stored_name.rsplit(".", 1)[0] + ".thumb.jpg"
    out.seek(0)
    return default_storage.save(name, out)
