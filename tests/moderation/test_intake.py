"""What may enter: each allowed type by its bytes, and each kind of bad file with its reason."""

import functools
import io
from pathlib import Path

import pytest

from moderation.intake.inspection import UploadRefused, find_polyglot, inspect
from moderation.models import MediaKind
from tests.media_samples import (
    EXE,
    HTML,
    SVG,
    bomb_png,
    fixture_bytes,
    image_bytes,
    truncated_jpeg,
    zip_bytes,
)

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "media" / "corpus"


def run(data: bytes):
    return inspect(io.BytesIO(data), len(data))


def refusal(data: bytes) -> str:
    with pytest.raises(UploadRefused) as excinfo:
        run(data)
    return str(excinfo.value)


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_it_accepts_each_image_type_and_reads_its_size(fmt: str, mime: str) -> None:
    inspected = run(image_bytes(fmt, (64, 48)))
    assert inspected.file_type.mime == mime
    assert inspected.file_type.kind == MediaKind.IMAGE
    assert (inspected.width, inspected.height) == (64, 48)


@pytest.mark.parametrize(
    ("name", "mime", "kind"),
    [
        ("clip.mp4", "video/mp4", MediaKind.VIDEO),
        ("clip.webm", "video/webm", MediaKind.VIDEO),
        ("tone.mp3", "audio/mpeg", MediaKind.AUDIO),
        ("tone.wav", "audio/wav", MediaKind.AUDIO),
        ("tone.m4a", "audio/mp4", MediaKind.AUDIO),
    ],
)
def test_it_accepts_each_video_and_audio_type(name: str, mime: str, kind: MediaKind) -> None:
    inspected = run(fixture_bytes(name))
    assert (inspected.file_type.mime, inspected.file_type.kind) == (mime, kind)


@pytest.mark.parametrize(
    ("path", "mime"),
    [
        ("generated/c2pa_trainedAlgorithmicMedia.jpg", "image/jpeg"),
        ("generated/xmp_dst_ai.webp", "image/webp"),
        ("real/firefly-1.png", "image/png"),
        ("tc260/tc260_png_text.png", "image/png"),
        ("av/mp4_c2pa_ai.mp4", "video/mp4"),
        ("av/mp3_tc260.mp3", "audio/mpeg"),
        ("av/wav_c2pa_ai.wav", "audio/wav"),
    ],
)
def test_it_accepts_the_labelled_corpus_files(path: str, mime: str) -> None:
    file = CORPUS / path
    if not file.exists():
        pytest.skip("the label corpus is not copied yet")
    assert run(file.read_bytes()).file_type.mime == mime


def test_it_decides_by_bytes_not_by_name() -> None:
    # A PNG is a PNG whatever it is called; the name never enters the decision.
    assert run(image_bytes("PNG")).file_type.extension == "png"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (HTML, "the file is an HTML page"),
        (SVG, "the file is an SVG image (SVG can carry scripts and is not accepted)"),
        (zip_bytes(), "the file is an archive"),
        (EXE, "the file is a program"),
        (b"%PDF-1.7\n", "the file is a PDF document"),
        (b"just some text", "the file is not an image, video or audio format we accept"),
        (b"", "the file is empty"),
    ],
)
def test_it_refuses_what_is_not_media(data: bytes, message: str) -> None:
    assert refusal(data) == message


def test_it_refuses_a_decompression_bomb_without_decoding_it() -> None:
    assert refusal(bomb_png(10_000, 10_000)) == (
        "the image is 10000 × 10000 pixels, more than the 50 million pixels allowed (a decompression bomb?)"
    )


def test_it_refuses_a_huge_bomb_that_pillow_itself_stops() -> None:
    assert refusal(bomb_png(30_000, 30_000)) == (
        "the image has more than the 50 million pixels allowed (a decompression bomb?)"
    )


def test_it_refuses_a_truncated_jpeg() -> None:
    assert refusal(truncated_jpeg()).startswith("the image is damaged or truncated")


@pytest.mark.parametrize("progressive", [False, True])
@pytest.mark.parametrize("cut", [1, 2, 10, 1000, 100_000, 500_000])
def test_it_refuses_a_large_jpeg_cut_anywhere_though_it_decodes_at_reduced_scale(
    progressive: bool, cut: int
) -> None:
    """The JPEG is decoded in draft mode (1/8 scale), which still reads every scan to its end: a
    photo-sized file missing even its last byte is refused, baseline or progressive."""
    data = large_jpeg(progressive)
    assert run(data).width == 1200
    assert refusal(data[:-cut]).startswith("the image is damaged or truncated")


@functools.cache
def large_jpeg(progressive: bool) -> bytes:
    from PIL import Image

    from labels import samples

    data = samples.noise_jpeg((1200, 900), seed=7, quality=95)
    if not progressive:
        return data
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).save(out, "JPEG", quality=90, progressive=True)
    return out.getvalue()


def test_it_refuses_a_truncated_png() -> None:
    data = image_bytes("PNG", (128, 128))
    assert refusal(data[:60]).startswith("the image is damaged or truncated")


def test_it_refuses_a_truncated_video() -> None:
    data = fixture_bytes("clip.mp4")
    assert refusal(data[: len(data) - 500]).startswith("the video is truncated")


def test_it_refuses_a_video_without_a_movie_header() -> None:
    data = fixture_bytes("clip.mp4")
    ftyp_size = int.from_bytes(data[:4], "big")
    assert refusal(data[:ftyp_size]) == "the video has no movie header (moov): it is incomplete"


def test_it_refuses_truncated_audio() -> None:
    data = fixture_bytes("tone.wav")
    assert refusal(data[:200]) == "the audio file is truncated"


def test_it_refuses_a_jpeg_with_a_zip_appended() -> None:
    assert (
        refusal(image_bytes("JPEG") + zip_bytes())
        == "the file looks like JPG but it also contains a ZIP archive"
    )


def test_it_refuses_a_gif_carrying_script_markup() -> None:
    data = image_bytes("GIF") + b"<script>alert(document.cookie)</script>"
    assert refusal(data) == "the file looks like GIF but it also contains web page or script markup (<script)"


def test_it_refuses_an_oversized_file_by_its_type_limit(settings) -> None:
    settings.UPLOAD_MAX_BYTES = {"image": 1024, "video": 10_000_000, "audio": 10_000_000}
    data = image_bytes("PNG", (300, 300), (1, 2, 3)) + b"\x00" * 2048
    assert refusal(data).endswith("MB allowed for image files")


def test_it_does_not_mistake_random_pixel_data_for_markup() -> None:
    """Compressed pixels are random bytes; short markers used to match them one file in a thousand."""
    import random

    rng = random.Random(1170)
    for _ in range(300):
        noise = bytes(rng.getrandbits(8) for _ in range(4096))
        assert find_polyglot(b"\xff\xd8\xff\xe0" + noise, noise[-2048:]) is None
    # The kinds of bytes that used to trip it: "<svg" and a stray ZIP signature inside pixel data.
    assert find_polyglot(b"\xff\xd8\xff" + b"\x10<SvG\x99" * 3, b"PK\x05\x06" + b"\x01" * 100) is None


def test_it_still_finds_an_appended_zip_with_a_comment() -> None:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "x")
        archive.comment = b"made by a polyglot tool"
    assert find_polyglot(b"\xff\xd8\xff", out.getvalue()) == "it also contains a ZIP archive"
