"""Hostile uploads (issue 12): short byte patterns that used to raise, structures that used to take
seconds to walk, a ZIP hidden behind trailing bytes, and the extension a file is served with."""

import io
import struct
import subprocess
import time
import zipfile

import pytest
from django.test import Client

from moderation.intake.inspection import UploadRefused, inspect
from moderation.models import MediaFile
from tests.media_samples import fixture_bytes, image_bytes, upload
from tests.moderation.test_submission_views import form_data

MB = 1024 * 1024


def refusal(data: bytes) -> str:
    with pytest.raises(UploadRefused) as excinfo:
        inspect(io.BytesIO(data), len(data))
    return str(excinfo.value)


def tiny_box_mp4(size: int) -> bytes:
    """ftyp, then nothing but empty 8-byte boxes: the walk that used to take 4.5 s for 16 MB."""
    ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 0, b"isom")
    count = (size - len(ftyp)) // 8
    return ftyp + struct.pack(">I4s", 8, b"free") * count


def chunky_wav(size: int) -> bytes:
    body = struct.pack("<4sI", b"LIST", 0) * ((size - 12) // 8)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


@pytest.mark.parametrize(
    "data",
    [
        b"ID3",
        b"ID3\x04\x00",
        b"ID3\x04\x00\x00\x00\x00",
        # EBML header of 4 bytes naming "webm", then the segment marker as the last bytes of the file.
        b"\x1a\x45\xdf\xa3\x84webm\x18\x53\x80\x67",
        b"\x1a\x45\xdf\xa3\x84webm\x18\x53\x80\x67\x01\x00",
        b"RIFF\x10\x00\x00\x00WAVE",
        b"RIFF\x04\x00\x00\x00WAV",
    ],
    ids=["ID3", "ID3-v4", "ID3-short", "webm-16", "webm-cut-vint", "riff-empty", "riff-11"],
)
def test_it_refuses_short_byte_patterns_with_a_message(data: bytes) -> None:
    assert refusal(data)


def test_it_answers_the_three_byte_patterns_through_the_upload_form(alice_client: Client) -> None:
    files = [
        upload("a.mp3", b"ID3"),
        upload("b.mp3", b"ID3\x04\x00"),
        upload("c.webm", b"\x1a\x45\xdf\xa3\x84webm\x18\x53\x80\x67"),
    ]
    response = alice_client.post(
        "/submissions/new/", form_data(media_files=files, action="save"), follow=True
    )
    assert response.status_code == 200  # never a 500
    messages = " ".join(str(m) for m in response.context["messages"])
    for name in ("a.mp3", "b.mp3", "c.webm"):
        assert f"{name} was not accepted" in messages
    assert MediaFile.objects.count() == 0


@pytest.mark.parametrize("size", [1 * MB, 16 * MB])
def test_it_refuses_an_mp4_of_tiny_boxes_quickly(size: int) -> None:
    data = tiny_box_mp4(size)
    started = time.monotonic()
    message = refusal(data)
    assert time.monotonic() - started < 2
    assert "top-level boxes" in message


def test_it_refuses_a_wav_of_endless_chunks_quickly() -> None:
    started = time.monotonic()
    message = refusal(chunky_wav(4 * MB))
    assert time.monotonic() - started < 2
    assert "RIFF chunks" in message


def test_it_stops_a_walk_that_runs_out_of_time(settings: object) -> None:
    settings.UPLOAD_PARSE_MAX_SECONDS = 0
    assert "takes too long to check" in refusal(tiny_box_mp4(64 * 1024))


def test_it_still_accepts_ordinary_video_and_audio() -> None:
    for name in ("clip.mp4", "clip.webm", "tone.mp3", "tone.wav", "tone.m4a"):
        data = fixture_bytes(name)
        inspect(io.BytesIO(data), len(data))


def jpeg_with_zip(trailer: bytes) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("payload.html", "<b>hi</b>")
    return image_bytes("JPEG", (32, 32)) + archive.getvalue() + trailer


@pytest.mark.parametrize("trailer", [b"", b"1234567", b"\x00" * 300], ids=["at-end", "7-bytes", "300-bytes"])
def test_it_refuses_a_jpeg_with_a_zip_appended_even_with_bytes_after_it(
    trailer: bytes, tmp_path: object
) -> None:
    data = jpeg_with_zip(trailer)
    assert "ZIP archive" in refusal(data)


def test_the_zip_behind_seven_bytes_really_opens(tmp_path: object) -> None:
    """The attack is real: unzip opens the archive despite the trailing bytes."""
    path = tmp_path / "x.jpg"
    path.write_bytes(jpeg_with_zip(b"1234567"))
    try:
        listing = subprocess.run(["unzip", "-l", str(path)], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        pytest.skip("unzip is not installed")
    assert "payload.html" in listing.stdout


def test_it_serves_a_file_inline_with_our_extension_not_the_contributors(alice_client: Client) -> None:
    files = [upload("photo.html", image_bytes("PNG", (40, 30)))]
    response = alice_client.post("/submissions/new/", form_data(media_files=files, action="save"))
    assert response.status_code == 302
    media = MediaFile.objects.get()
    page = alice_client.get(f"/submissions/{media.revision.submission_id}/media/{media.pk}/")
    assert page.status_code == 200
    assert 'filename="photo.png"' in page["Content-Disposition"]
