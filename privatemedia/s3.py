"""The object store for private media (`MEDIA_STORAGE=s3`): any S3-compatible service (AWS S3,
SeaweedFS, MinIO, Ceph RGW...) through django-storages and boto3. Imported only when configured."""

import os
from collections.abc import Iterator
from typing import Any

from boto3.s3.transfer import TransferConfig
from django.conf import settings
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from privatemedia.storage import CHUNK


def _path_on_disk(content: Any) -> str | None:
    """The path of the regular file `content` reads from, if it is one (whole, from its start)."""
    if hasattr(content, "temporary_file_path"):
        return str(content.temporary_file_path())
    inner = getattr(content, "file", None)
    name = getattr(inner, "name", None)
    if isinstance(name, str) and os.path.isfile(name) and not hasattr(inner, "getvalue"):
        return name
    return None


class PrivateS3Storage(S3Storage):
    """S3 storage for private media: objects written private, URLs only signed and short-lived
    (never a public one), uploads in bounded parts: a couple of parts in memory at a time, not
    boto3's default of ten threads of them."""

    def __init__(self, **options: Any) -> None:
        options["default_acl"] = "private"
        options["querystring_auth"] = True  # an unsigned URL would bypass the access checks
        options["custom_domain"] = None
        options.setdefault("querystring_expire", settings.MEDIA_PRESIGNED_SECONDS)
        if options.get("transfer_config") is None:
            part = settings.MEDIA_S3_PART_MB * 1024 * 1024
            concurrency = max(1, settings.MEDIA_S3_UPLOAD_CONCURRENCY)
            config = TransferConfig(
                multipart_threshold=part,
                multipart_chunksize=part,
                max_concurrency=concurrency,
                use_threads=concurrency > 1,
            )
            # Parts of an open file are read into memory before they are sent: at most this many
            # at once (s3transfer's default is 10, 80 MB an upload).
            config.max_in_memory_upload_chunks = concurrency
            options["transfer_config"] = config
        super().__init__(**options)

    def _save(self, name: str, content: Any) -> str:
        """A file already on this machine's disk (an upload's temporary file, a rendition a tool
        wrote) is sent from its path: s3transfer then reads each part from the disk as it sends
        it, instead of copying parts of an open file into memory first."""
        path = _path_on_disk(content)
        if path is None or self.gzip:
            return str(super()._save(name, content))
        cleaned = clean_name(name)
        key = self._normalize_name(cleaned)
        params = self._get_write_parameters(key, content)
        self.bucket.Object(key).upload_file(path, ExtraArgs=params, Config=self.transfer_config)
        return str(cleaned)

    def iter_range(self, name: str, start: int, end: int, chunk: int = CHUNK) -> Iterator[bytes]:
        """Bytes `start` to `end` (inclusive) of the object, streamed as they arrive."""
        key = self._normalize_name(clean_name(name))
        body = self.bucket.Object(key).get(Range=f"bytes={start}-{end}")["Body"]
        try:
            yield from body.iter_chunks(chunk)
        finally:
            body.close()

    def presigned_url(self, name: str, *, content_type: str, disposition: str) -> str:
        """A GET URL for the object valid MEDIA_PRESIGNED_SECONDS, the store answering with our
        headers: type, disposition, private caching, nosniff cannot be set this way."""
        return self.url(
            name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
                "ResponseCacheControl": "private, max-age=60",
            },
            expire=settings.MEDIA_PRESIGNED_SECONDS,
        )
