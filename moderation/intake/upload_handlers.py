"""Uploads go straight to a temporary file on disk, hashed and counted as they stream in.

A 1 GB video is never held in memory, is never read twice to hash it, and stops being written
once it passes the largest size limit (the rest of the request is discarded, not stored).
"""

import hashlib
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class HashedUploadedFile(TemporaryUploadedFile):
    """A temporary upload that knows its SHA-256 and whether it outgrew every size limit."""

    sha256: str = ""
    oversized: bool = False


class HashingTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    file: HashedUploadedFile

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        # Skip the parent's own temporary file: ours is the same, with a hash and a size flag.
        super(TemporaryFileUploadHandler, self).new_file(*args, **kwargs)
        self.file = HashedUploadedFile(
            self.file_name or "upload", self.content_type, 0, self.charset, self.content_type_extra
        )
        self.digest = hashlib.sha256()
        self.received = 0
        self.ceiling = max(settings.UPLOAD_MAX_BYTES.values())

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.file.oversized or self.received > self.ceiling:
            self.file.oversized = True
            return None
        self.digest.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int) -> HashedUploadedFile:
        self.file.seek(0)
        self.file.size = file_size
        self.file.sha256 = self.digest.hexdigest()
        return self.file
