"""Deciding whether an uploaded release document may enter: JPEG, PNG or PDF, by its bytes alone."""

import hashlib
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image


@dataclass(frozen=True)
class ReleaseFile:
    mime_type: str
    extension: str
    size: int
    sha256: str


IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}


def inspect_release(upload: UploadedFile) -> ReleaseFile:
    """The type from the magic bytes (never the name or the browser's header); images must also
    open in Pillow, a PDF must end with its end-of-file marker. Raises ValidationError."""
    size = upload.size or 0
    if size > settings.CONSENT_DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s MB.")
            % {"limit": settings.CONSENT_DOCUMENT_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    wrong_type = ValidationError(_("Upload the signed release as a JPEG or PNG image or a PDF."), code="type")
    if head.startswith(b"%PDF-"):
        mime_type, extension = "application/pdf", "pdf"
        upload.seek(max(size - 1024, 0))
        tail = upload.read()
        upload.seek(0)
        if b"%%EOF" not in tail:
            raise ValidationError(_("The PDF is incomplete or damaged."), code="damaged")
    elif head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(upload) as image:
                    image_format = image.format or ""
                    image.verify()
        except (
            OSError,
            SyntaxError,
            ValueError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
        ):
            raise wrong_type from None
        finally:
            upload.seek(0)
        if image_format not in IMAGE_TYPES:
            raise wrong_type
        mime_type, extension = IMAGE_TYPES[image_format]
    else:
        raise wrong_type
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return ReleaseFile(mime_type=mime_type, extension=extension, size=size, sha256=digest.hexdigest())
