"""Refusal messages name the file and say what is wrong in words, never an internal object
(issue 11, rough edge 1)."""

import random

import pytest
from django.test import Client

from tests.media_samples import image_bytes, upload
from tests.moderation.test_intake import refusal
from tests.moderation.test_submission_views import form_data

INTERNALS = ("object at 0x", "<", "_TemporaryFileWrapper", "BytesIO", "Traceback")


def random_jpeg() -> bytes:
    """A JPEG signature, then random bytes: what a broken camera upload or a renamed file looks like."""
    return b"\xff\xd8\xff" + random.Random(0).randbytes(8192)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (random_jpeg(), "the file starts like a JPG image, but its content is not an image"),
        (b"\xff\xd8\xff\xe0" + random.Random(1).randbytes(8192), "the image is damaged or truncated"),
        (b"\x89PNG\r\n\x1a\n" + random.Random(12).randbytes(4096), "the file starts like a PNG image"),
        (image_bytes("PNG", (128, 128))[:60], "the image is damaged or truncated"),
    ],
)
def test_it_refuses_without_showing_internals(data: bytes, message: str) -> None:
    text = refusal(data)
    assert text.startswith(message)
    assert not any(marker in text for marker in INTERNALS), text


def test_the_contributor_sees_a_plain_refusal(alice_client: Client) -> None:
    files = [upload("photo.jpg", random_jpeg(), "image/jpeg")]
    response = alice_client.post(
        "/submissions/new/", form_data(media_files=files, action="save"), follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    refused = "photo.jpg was not accepted: the file starts like a JPG image, but its content is not an image."
    assert refused in messages
    assert not any(marker in message for message in messages for marker in INTERNALS)
