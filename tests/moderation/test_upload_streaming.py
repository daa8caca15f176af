"""Uploads stream to a temporary file, hashed on the way in, and stop being written past the
largest size limit: a 1 GB video is never held in memory nor written whole when too large."""

import hashlib
import os
import struct
from typing import Any

from django.test import Client

from accounts.models import User
from moderation.intake.upload_handlers import HashedUploadedFile, HashingTemporaryFileUploadHandler
from moderation.models import MediaFile, Submission
from tests.media_samples import fixture_bytes, upload
from tests.moderation.test_submission_views import form_data


def big_mp4(megabytes: int) -> bytes:
    """A structurally valid MP4 whose mdat is `megabytes` large."""
    clip = fixture_bytes("clip.mp4")
    padding = b"\x00" * (megabytes * 1024 * 1024)
    return clip + struct.pack(">I", len(padding) + 8) + b"free" + padding


def test_it_writes_chunks_to_disk_and_hashes_them(settings: Any) -> None:
    handler = HashingTemporaryFileUploadHandler()
    handler.new_file("media_files", "clip.mp4", "video/mp4", 0)
    chunks = [os.urandom(64 * 1024) for _ in range(8)]
    for i, chunk in enumerate(chunks):
        assert handler.receive_data_chunk(chunk, i * len(chunk)) is None  # consumed, not passed on
    uploaded = handler.file_complete(sum(len(c) for c in chunks))
    assert isinstance(uploaded, HashedUploadedFile)
    assert os.path.getsize(uploaded.temporary_file_path()) == 8 * 64 * 1024
    assert uploaded.sha256 == hashlib.sha256(b"".join(chunks)).hexdigest()
    assert uploaded.oversized is False
    uploaded.close()


def test_it_stops_writing_past_the_largest_limit(settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = {"image": 1024, "video": 100 * 1024, "audio": 1024}
    handler = HashingTemporaryFileUploadHandler()
    handler.new_file("media_files", "huge.mp4", "video/mp4", 0)
    for i in range(10):
        handler.receive_data_chunk(b"\x00" * 64 * 1024, i * 64 * 1024)
    uploaded = handler.file_complete(10 * 64 * 1024)
    assert uploaded.oversized is True
    assert os.path.getsize(uploaded.temporary_file_path()) <= 100 * 1024  # the rest was never written
    uploaded.close()


def test_it_accepts_a_large_video_through_the_form(alice_client: Client, alice: User) -> None:
    data = big_mp4(12)
    response = alice_client.post("/submissions/new/", form_data(media_files=[upload("long.mp4", data)]))
    assert response.status_code == 302
    media = MediaFile.objects.get()
    assert (media.size, media.sha256, media.mime_type) == (
        len(data),
        hashlib.sha256(data).hexdigest(),
        "video/mp4",
    )


def test_it_refuses_a_file_beyond_every_limit_and_keeps_nothing(alice_client: Client, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = {"image": 1024 * 1024, "video": 2 * 1024 * 1024, "audio": 1024 * 1024}
    response = alice_client.post(
        "/submissions/new/",
        form_data(media_files=[upload("long.mp4", big_mp4(3))], action="save"),  # kept as a draft
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert "long.mp4 was not accepted: the file is larger than the 2 MB any file may be." in messages
    assert not MediaFile.objects.exists()
    assert Submission.objects.get().current_revision.media.count() == 0
