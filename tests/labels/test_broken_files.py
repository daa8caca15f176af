"""Broken, truncated and hostile files: a record with errors and tier none, quickly, never an exception."""

from __future__ import annotations

import io
import os
import struct
import time
from pathlib import Path

import pytest

from labels import engine, samples
from labels.engine import MAX_IN_MEMORY, InspectOptions, inspect_bytes, inspect_file, inspect_stream

from .conftest import CORPUS

PLAIN_JPEG = (CORPUS / "c2pa-rs" / "no_manifest.jpg").read_bytes()
PLAIN_PNG = samples.image_bytes("PNG", size=(300, 200))
PLAIN_MP4 = (CORPUS / "av" / "mp4_plain.mp4").read_bytes()


def huge_chunk_png() -> bytes:
    chunk = struct.pack(">I", 0x7FFFFFF0) + b"tEXt" + b"AIGC\x00{"
    return PLAIN_PNG[:33] + chunk + PLAIN_PNG[33:]


def billion_laughs_jpeg() -> bytes:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{n} "{("&a" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    xmp = samples.xmp_packet(
        namespaces={"Iptc4xmpExt": samples.NS_IPTC_EXT},
        elements="<Iptc4xmpExt:DigitalSourceType>&a9;</Iptc4xmpExt:DigitalSourceType>",
        doctype=f"<!DOCTYPE x [{entities}]>",
    )
    return samples.jpeg_with(samples.image_bytes(), xmp=xmp)


BROKEN: dict[str, tuple[str, bytes, str]] = {
    # name: (file name, bytes, first error)
    "truncated JPEG": (
        "cut.jpg",
        PLAIN_JPEG[: len(PLAIN_JPEG) // 2],
        "JPEG ends before its end-of-image marker (truncated)",
    ),
    "JPEG cut in its headers": (
        "head.jpg",
        PLAIN_JPEG[:30],
        "JPEG segment 0xFFE1 at offset 2 runs past the end of the file",
    ),
    "truncated PNG": ("cut.png", PLAIN_PNG[:-30], "PNG chunk 'IDAT' at offset 33 declares"),
    "PNG with a huge chunk length": (
        "huge.png",
        huge_chunk_png(),
        "PNG chunk 'tEXt' at offset 33 declares 2147483632 bytes",
    ),
    "truncated MP4": ("cut.mp4", PLAIN_MP4[:-500], "MP4 box 'moov' at offset"),
    "billion laughs XMP": (
        "lol.jpg",
        billion_laughs_jpeg(),
        "XMP in JPEG APP1 declares a DTD with 10 entities",
    ),
    "random bytes named .jpg": (
        "noise.jpg",
        os.urandom(4096).replace(b"\xff", b"\x00"),
        "unsupported file type",
    ),
    "zero bytes": ("empty.jpg", b"", "file is empty"),
    "JPEG body behind a PNG signature": ("fake.png", b"\x89PNG\r\n\x1a\n" + PLAIN_JPEG[2:], "PNG chunk"),
    "ID3 tag longer than the file": (
        "cut.mp3",
        b"ID3\x04\x00\x00\x7f\x7f\x7f\x7f" + b"TIT2",
        "ID3 tag in MP3 declares",
    ),
    "truncated GIF": ("cut.gif", samples.gif_with(comment="x" * 600)[:-200], "GIF ends inside a data block"),
    "RIFF chunk past the end": ("cut.wav", samples.wav_bytes()[:-50], "WAV declares"),
    "malformed Matroska": (
        "bad.webm",
        b"\x1a\x45\xdf\xa3\x84webm\x00\x00\x00\x00",
        "Matroska element ID at offset",
    ),
    "MP4 box smaller than its header": (
        "tiny.mp4",
        b"\x00\x00\x00\x14ftypisom\x00\x00\x00\x00isom\x00\x00\x00\x03moov",
        "MP4 box 'moov' at offset 20 declares 3 bytes",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_it_returns_errors_and_tier_none_for_broken_files(
    case: str, tmp_path: Path, untrusted: InspectOptions
) -> None:
    name, data, first_error = BROKEN[case]
    path = tmp_path / name
    path.write_bytes(data)

    started = time.perf_counter()
    report = inspect_file(path, options=untrusted)
    elapsed = time.perf_counter() - started

    assert report.errors, case
    assert report.errors[0].startswith(first_error), report.errors
    assert report.tier == "none"
    assert report.readable is (case == "billion laughs XMP")
    assert elapsed < 1.0
    assert report.to_json()["errors"] == report.errors


def test_it_decides_the_media_type_from_the_bytes_not_the_name(
    tmp_path: Path, untrusted: InspectOptions
) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(PLAIN_JPEG)

    report = inspect_file(path, options=untrusted)

    assert report.media_type == "image/jpeg"
    assert report.errors == []


def test_it_survives_an_exif_ifd_that_points_to_itself(tmp_path: Path, untrusted: InspectOptions) -> None:
    # IFD0 holds Software and an Exif-IFD pointer back to IFD0.
    tiff = b"MM\x00*" + struct.pack(">I", 8) + struct.pack(">H", 2)
    tiff += struct.pack(">HHI", 0x0131, 2, 4) + b"Sora" + struct.pack(">HHII", 0x8769, 4, 1, 8) + b"\x00" * 4
    path = tmp_path / "loop.jpg"
    path.write_bytes(samples.jpeg_with(samples.image_bytes(), exif=tiff))

    report = inspect_file(path, options=untrusted)

    assert [(trace.tool, trace.where) for trace in report.traces] == [("OpenAI", "EXIF IFD0 Software")]


def test_it_reports_a_path_it_cannot_open(tmp_path: Path, untrusted: InspectOptions) -> None:
    report = inspect_file(tmp_path / "missing.jpg", options=untrusted)

    assert report.errors == ["file could not be read: No such file or directory"]
    assert (report.media_type, report.tier, report.readable) == ("application/octet-stream", "none", False)


def test_it_memory_maps_large_files_and_skips_their_media_data(
    tmp_path: Path, untrusted: InspectOptions
) -> None:
    """A sparse 40 MB MP4 whose moov (with a label) follows the mdat: only box headers are read."""
    small = samples.mp4_bytes(mdta={"AIGC": samples.tc260_json()})
    mdat_size = MAX_IN_MEMORY + 8 * 1024 * 1024
    ftyp_end = struct.unpack(">I", small[:4])[0]
    moov = small[ftyp_end : small.index(b"mdat") - 4]
    path = tmp_path / "large.mp4"
    with open(path, "wb") as output:
        output.write(small[:ftyp_end] + struct.pack(">I", mdat_size) + b"mdat")
        output.seek(ftyp_end + mdat_size)
        output.write(moov)

    started = time.perf_counter()
    report = inspect_file(path, options=untrusted)

    assert time.perf_counter() - started < 1.0
    assert report.size > MAX_IN_MEMORY
    assert [label.placement for label in report.tc260_labels] == ["MP4 moov/udta/meta AIGC"]
    assert report.errors == []


def test_it_refuses_to_read_a_fifo_instead_of_blocking(tmp_path: Path, untrusted: InspectOptions) -> None:
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)

    report = inspect_file(fifo, options=untrusted)

    assert report.errors == ["file could not be read: not a regular file"]


def test_it_turns_an_internal_failure_into_an_error_record(
    monkeypatch: pytest.MonkeyPatch, untrusted: InspectOptions
) -> None:
    def explode(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "read_container", explode)

    report = inspect_bytes(PLAIN_JPEG, name="x.jpg", options=untrusted)

    assert report.errors == ["internal error while reading the file: RuntimeError: boom"]
    assert (report.tier, report.readable) == ("none", False)


def test_it_reads_a_stream_like_a_file(untrusted: InspectOptions) -> None:
    data = (CORPUS / "tc260" / "tc260_png_text.png").read_bytes()

    report = inspect_stream(io.BytesIO(data), name="upload.png", options=untrusted)

    assert (report.path, report.media_type, report.tier) == ("upload.png", "image/png", "confirmed")
