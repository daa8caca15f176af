"""Audio and video containers (MP4/MOV/M4A, WAV, MP3, WebM) and MIME sniffing from the bytes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from labels import samples
from labels.containers import read_container
from labels.media_types import extension_for, sniff, sniff_buffer, sniff_file
from labels.report import MediaReport

from .conftest import CORPUS

Inspect = Callable[..., MediaReport]
LABEL = samples.tc260_json()


def placements(report: MediaReport) -> list[str]:
    return [label.placement for label in report.tc260_labels]


@pytest.mark.parametrize(
    ("name", "placement"),
    [
        ("mp4_tc260.mp4", "MP4 moov/udta/meta AIGC"),
        ("wav_tc260.wav", "WAV RIFF chunk AIGC"),
        ("mp3_tc260.mp3", "ID3v2.4 TXXX AIGC"),
    ],
)
def test_it_finds_the_corpus_labels_where_ffmpeg_wrote_them(
    name: str, placement: str, inspect: Inspect
) -> None:
    report = inspect((CORPUS / "av" / name).read_bytes())

    assert placements(report) == [placement]
    assert report.tc260 is not None and report.tc260.valid
    assert report.tc260.first.field_text("ProduceID") == "vid20250901b3"


@pytest.mark.parametrize(
    ("name", "media_type"), [("mp4_c2pa_ai.mp4", "video/mp4"), ("wav_c2pa_ai.wav", "audio/wav")]
)
def test_it_reads_c2pa_in_bmff_and_riff(name: str, media_type: str, inspect: Inspect) -> None:
    report = inspect((CORPUS / "av" / name).read_bytes())

    assert report.media_type == media_type
    assert report.c2pa is not None
    assert report.c2pa.ai_source_types == ["trainedAlgorithmicMedia"]
    assert (
        report.c2pa.location
        == {"video/mp4": "MP4 uuid box (C2PA)", "audio/wav": "WAV C2PA chunk"}[media_type]
    )


@pytest.mark.parametrize(
    ("data", "placement"),
    [
        (samples.mp4_bytes(mdta={"AIGC": LABEL}), "MP4 moov/udta/meta AIGC"),
        (samples.mp4_bytes(mdta={"encoder": "Lavf", "AIGC": LABEL}, meta_in="moov"), "MP4 moov/meta AIGC"),
        (samples.mp4_bytes(udta_boxes=[(b"AIGC", LABEL.encode())]), "MP4 moov/udta AIGC"),
        (
            samples.mp4_bytes(
                udta_boxes=[(b"AIGC", len(LABEL).to_bytes(2, "big") + b"\x15\xc7" + LABEL.encode())]
            ),
            "MP4 moov/udta AIGC",
        ),
        (
            samples.wav_bytes(
                [samples.riff_chunk(b"LIST", b"INFO" + samples.riff_chunk(b"AIGC", LABEL.encode()))]
            ),
            "WAV LIST/INFO AIGC",
        ),
        (samples.wav_bytes([samples.riff_chunk(b"AIGC", LABEL.encode() + b"\x00")]), "WAV RIFF chunk AIGC"),
        (
            samples.mp3_bytes([samples.id3_txxx("AIGC", LABEL, version=3, utf16=True)], version=3),
            "ID3v2.3 TXXX AIGC",
        ),
        (
            samples.mp3_bytes([samples.id3_text_frame("TIT2", "song"), samples.id3_txxx("AIGC", LABEL)]),
            "ID3v2.4 TXXX AIGC",
        ),
        (samples.webm_bytes({"ENCODER": "Lavf", "AIGC": LABEL}), "Matroska SimpleTag AIGC"),
    ],
)
def test_it_reads_each_audio_and_video_placement(data: bytes, placement: str, inspect: Inspect) -> None:
    report = inspect(data)

    assert placements(report) == [placement]
    assert report.to_json()["tc260"]["valid"] is True
    assert report.tier == "confirmed"
    assert report.errors == []


def test_it_reads_generator_names_from_audio_encoder_tags(inspect: Inspect) -> None:
    report = inspect(samples.mp3_bytes([samples.id3_text_frame("TSSE", "Suno v4")]))

    assert [(trace.tool, trace.where) for trace in report.traces] == [("Suno", "ID3v2.4 TSSE")]


def test_it_notes_a_c2pa_store_in_an_id3_geob_frame() -> None:
    geob = samples.id3_frame("GEOB", b"\x00application/c2pa\x00manifest.c2pa\x00\x00JUMBF bytes", version=3)

    meta = read_container(samples.mp3_bytes([geob], version=3), "audio/mpeg")

    assert meta.c2pa_locations == ["ID3v2.3 GEOB frame"]


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"\xff\xd8\xff\xe0" + b"\x00" * 60, "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 56, "image/png"),
        (b"GIF89a" + b"\x00" * 58, "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", "video/x-msvideo"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00", "video/mp4"),
        (b"\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00", "audio/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00", "video/quicktime"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "image/heic"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00", "image/avif"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64" + b"\x00" * 60, "audio/mpeg"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska", "video/x-matroska"),
        (b"fLaC\x00\x00\x00\x22", "audio/flac"),
        # c2pa-rs signs FLAC in an ID3 tag before the stream: a short tag fits in the head.
        (b"ID3\x04\x00\x00\x00\x00\x00\x04TAG!fLaC\x00\x00\x00\x22", "audio/flac"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x04TAG!\xff\xfb\x90\x64", "audio/mpeg"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"\x01\x1e\x01vorbis", "audio/ogg"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"OpusHead", "audio/ogg"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"\x7fFLAC", "audio/ogg"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"\x80theora", "video/ogg"),
        (b"%PDF-1.7\n", "application/octet-stream"),
        (b"", "application/octet-stream"),
    ],
)
def test_it_decides_the_media_type_from_the_magic_bytes(head: bytes, media_type: str) -> None:
    assert sniff(head) == media_type


def test_it_calls_flac_behind_a_long_id3_tag_flac(tmp_path: Path) -> None:
    """A signed FLAC's ID3 tag holds the whole C2PA manifest: far longer than any head."""
    tag_body = b"\x00" * 5000
    size = bytes([(len(tag_body) >> shift) & 0x7F for shift in (21, 14, 7, 0)])
    flac = b"ID3\x04\x00\x00" + size + tag_body + b"fLaC\x00\x00\x00\x22" + b"\x00" * 34
    path = tmp_path / "signed.mp3"  # the name says nothing
    path.write_bytes(flac)

    assert sniff(flac[:64]) == "audio/mpeg"  # the head alone cannot tell
    assert sniff_buffer(flac) == "audio/flac"
    assert sniff_file(path) == ("audio/flac", flac[:64])
    assert sniff_buffer(b"ID3\x04\x00\x00" + size + tag_body + b"\xff\xfb\x90\x64") == "audio/mpeg"


@pytest.mark.parametrize(
    ("media_type", "head", "extension"),
    [
        ("video/mp4", b"", "mp4"),
        ("video/quicktime", b"", "mov"),
        ("audio/mpeg", b"", "mp3"),
        ("audio/flac", b"", "flac"),
        ("audio/ogg", b"OggS\x00\x02" + b"\x00" * 22 + b"\x01\x1e\x01vorbis", "ogg"),
        ("audio/ogg", b"OggS\x00\x02" + b"\x00" * 22 + b"OpusHead", "opus"),
        ("application/octet-stream", b"", "bin"),
    ],
)
def test_it_names_the_extension_a_type_leaves_with(media_type: str, head: bytes, extension: str) -> None:
    assert extension_for(media_type, head) == extension
