"""Every GB 45438 placement of regulation.md §2.2 as real files carry them (issue 16).

Files are made here: by the sample builders (bytes laid out as the writers do), by Pillow, and by
Debian's ffmpeg for the audio and video containers. Two labels in two placements of one file count
2 and make the file's label invalid (GB 45438 §6.1 c)).
"""

from __future__ import annotations

import io
import json
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from labels import samples
from labels.engine import InspectOptions, inspect_bytes, inspect_file, inspect_text
from labels.findings import evaluate
from labels.producers import ALLOW, DENY, KnownProducer
from labels.report import MediaReport

from .media_tools import make_media

Inspect = Callable[..., MediaReport]
LABEL = samples.tc260_json()
INNER = samples.tc260_json(wrapper=False)
TC260_XMP = samples.tc260_xmp(INNER)


def placements(report: MediaReport) -> list[str]:
    return [label.placement for label in report.tc260_labels]


def assert_one_valid_label(report: MediaReport, placement: str) -> None:
    assert placements(report) == [placement], report.errors
    summary = report.tc260
    assert summary is not None and summary.valid, summary and summary.errors
    assert report.tier == "confirmed"
    assert report.errors == []


def png_xmp_chunk(kind: str, packet: bytes) -> bytes:
    key = b"XML:com.adobe.xmp\x00"
    if kind == "tEXt":
        return samples.png_chunk(b"tEXt", key + packet)
    if kind == "zTXt":
        import zlib

        return samples.png_chunk(b"zTXt", key + b"\x00" + zlib.compress(packet))
    compressed = kind == "iTXt compressed"
    body = packet if not compressed else __import__("zlib").compress(packet)
    return samples.png_chunk(b"iTXt", key + bytes([int(compressed), 0]) + b"\x00\x00" + body)


@pytest.mark.parametrize("kind", ["iTXt", "iTXt compressed", "tEXt", "zTXt"])
def test_it_reads_xmp_in_every_png_text_chunk_form(kind: str, inspect: Inspect) -> None:
    png = samples.png_with(samples.image_bytes("PNG"), chunks=[png_xmp_chunk(kind, TC260_XMP)])

    report = inspect(png)

    chunk = kind.split()[0]
    assert_one_valid_label(report, f"XMP TC260:AIGC element (PNG {chunk})")


def test_it_reads_xmp_in_webp_and_gif(inspect: Inspect) -> None:
    assert_one_valid_label(
        inspect(samples.webp_with(xmp=TC260_XMP)), "XMP TC260:AIGC element (WebP XMP chunk)"
    )
    assert_one_valid_label(
        inspect(samples.gif_with(xmp=TC260_XMP)), "XMP TC260:AIGC element (GIF XMP application extension)"
    )


@pytest.mark.parametrize(
    ("brand", "in_idat", "media_type"),
    [(b"heic", False, "image/heic"), (b"mif1", True, "image/heif"), (b"avif", False, "image/avif")],
)
def test_it_reads_the_xmp_item_of_heif_and_avif(
    brand: bytes, in_idat: bool, media_type: str, inspect: Inspect
) -> None:
    data = samples.heif_bytes(xmp=TC260_XMP, brand=brand, in_idat=in_idat, size=(4032, 3024))

    report = inspect(data)

    assert report.media_type == media_type
    assert_one_valid_label(report, "XMP TC260:AIGC element (HEIF XMP item 2)")
    assert report.dimensions == (4032, 3024)


def test_it_reads_the_exif_item_of_a_heic(inspect: Inspect) -> None:
    exif = samples.tiff_exif({samples.TAG_IMAGE_DESCRIPTION: LABEL})

    assert_one_valid_label(inspect(samples.heif_bytes(exif=exif)), "EXIF IFD0 ImageDescription")


def test_it_reads_the_xmp_pillow_writes_into_an_avif(inspect: Inspect) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 90, 160)).save(buffer, "AVIF", xmp=samples.dst_xmp())

    report = inspect(buffer.getvalue())

    assert (report.media_type, report.tier, report.dimensions) == ("image/avif", "confirmed", (64, 48))


def test_it_reassembles_jpeg_extended_xmp(inspect: Inspect) -> None:
    # The TC260 label sits in the extended part, past 64 KB of padding: three APP1 segments.
    extended = TC260_XMP.replace(
        b"</rdf:Description>", b"<x:pad>" + b"p" * 140_000 + b"</x:pad></rdf:Description>"
    )
    main = samples.dst_xmp("digitalCapture")
    jpeg = samples.jpeg_with_extended_xmp(samples.image_bytes(), main, extended)
    assert jpeg.count(b"http://ns.adobe.com/xmp/extension/") == 3

    report = inspect(jpeg)

    assert_one_valid_label(report, "XMP TC260:AIGC element (JPEG APP1 Extended XMP)")


def test_it_reports_extended_xmp_with_a_missing_part(inspect: Inspect) -> None:
    extended = TC260_XMP + b" " * 100_000
    jpeg = samples.jpeg_with_extended_xmp(samples.image_bytes(), samples.dst_xmp("digitalCapture"), extended)
    first_part = jpeg.index(b"http://ns.adobe.com/xmp/extension/")
    second_part = jpeg.index(b"http://ns.adobe.com/xmp/extension/", first_part + 1) - 4
    (length,) = struct.unpack(">H", jpeg[second_part + 2 : second_part + 4])
    cut = jpeg[:second_part] + jpeg[second_part + 2 + length :]

    report = inspect(cut)

    assert [(p.kind, p.reason) for p in report.metadata_problems] == [("unreadable", "incomplete")]
    codes = [finding.code for finding in evaluate([report], declared_ai=False, categories=[])]
    assert "metadata_unreadable" in codes


def test_it_reads_flv_onmetadata(inspect: Inspect, tmp_path: Path) -> None:
    assert_one_valid_label(inspect(samples.flv_bytes({"AIGC": LABEL})), "FLV onMetaData AIGC")
    made = make_media(tmp_path / "a.flv", "-metadata", f"AIGC={LABEL}", video=True)
    assert_one_valid_label(inspect_file(made, options=InspectOptions()), "FLV onMetaData AIGC")


def test_it_reads_flac_and_ogg_comments_built_by_hand(inspect: Inspect) -> None:
    assert_one_valid_label(inspect(samples.flac_bytes({"AIGC": LABEL})), "FLAC Vorbis comment AIGC")
    assert_one_valid_label(inspect(samples.opus_bytes({"AIGC": LABEL})), "Ogg Opus comment AIGC")


@pytest.mark.parametrize(
    ("name", "codec", "placement"),
    [
        ("a.flac", [], "FLAC Vorbis comment AIGC"),
        ("a.ogg", ["-c:a", "libvorbis"], "Ogg Vorbis comment AIGC"),
        ("a.opus", ["-c:a", "libopus"], "Ogg Opus comment AIGC"),
    ],
)
def test_it_reads_flac_and_ogg_comments_ffmpeg_writes(
    name: str, codec: list[str], placement: str, tmp_path: Path
) -> None:
    made = make_media(tmp_path / name, *codec, "-metadata", f"AIGC={LABEL}")

    assert_one_valid_label(inspect_file(made, options=InspectOptions()), placement)


def test_it_reads_avi_list_info(inspect: Inspect, tmp_path: Path) -> None:
    info = samples.riff_chunk(
        b"LIST", b"INFO" + samples.riff_chunk(b"ISFT", b"Lavf") + samples.riff_chunk(b"AIGC", LABEL.encode())
    )
    hdrl = samples.riff_chunk(b"LIST", b"hdrl" + samples.riff_chunk(b"avih", b"\x00" * 56))
    movi = samples.riff_chunk(b"LIST", b"movi")
    body = b"AVI " + hdrl + info + movi
    avi = b"RIFF" + struct.pack("<I", len(body)) + body

    assert_one_valid_label(inspect(avi), "AVI LIST/INFO AIGC")
    # ffmpeg keeps only the INFO tags it knows: the label as a comment (ICMT) is read as JSON
    made = make_media(tmp_path / "a.avi", "-metadata", f"comment={LABEL}", video=True)
    assert_one_valid_label(inspect_file(made, options=InspectOptions()), "AVI LIST/INFO ICMT")


@pytest.mark.parametrize(
    ("udta", "placement"),
    [
        ([(b"\xa9cmt", struct.pack(">HH", len(LABEL), 0) + LABEL.encode())], "MP4 moov/udta \xa9cmt"),
        ([(b"AIGC", LABEL.encode())], "MP4 moov/udta AIGC"),
    ],
)
def test_it_reads_quicktime_user_data_atoms(
    udta: list[tuple[bytes, bytes]], placement: str, inspect: Inspect
) -> None:
    assert_one_valid_label(inspect(samples.mp4_bytes(udta_boxes=udta)), placement)


@pytest.mark.parametrize("meta_in", ["udta", "moov"])
def test_it_reads_apple_style_mdta_keys(meta_in: str, inspect: Inspect) -> None:
    data = samples.mp4_bytes(mdta={"com.apple.quicktime.AIGC": LABEL}, meta_in=meta_in)

    report = inspect(data)

    assert_one_valid_label(
        report, f"MP4 moov{'/udta' if meta_in == 'udta' else ''}/meta com.apple.quicktime.AIGC"
    )


@pytest.mark.parametrize(("name", "media_type"), [("a.m4a", "audio/mp4"), ("a.mov", "video/quicktime")])
def test_it_reads_m4a_and_mov_that_ffmpeg_writes(name: str, media_type: str, tmp_path: Path) -> None:
    made = make_media(
        tmp_path / name,
        "-metadata",
        f"AIGC={LABEL}",
        "-movflags",
        "use_metadata_tags",
        video=name.endswith("mov"),
    )

    report = inspect_file(made, options=InspectOptions())

    assert report.media_type == media_type
    assert_one_valid_label(report, "MP4 moov/udta/meta AIGC")


SEVEN_KEYS = "\n".join(f"  {key}: '{value}'" for key, value in samples.tc260_fields().items())


@pytest.mark.parametrize(
    ("body", "placement"),
    [
        (f"---\ntitle: A river\nAIGC:\n{SEVEN_KEYS}\n---\n# A river\n", "text YAML front matter AIGC"),
        (f"---\n{SEVEN_KEYS.replace('  ', '')}\n---\nText.\n", "text YAML front matter (no AIGC wrapper)"),
        (f"---\nAIGC: {LABEL}\n---\nText.\n", "text YAML front matter AIGC"),
        (
            '<!doctype html><html><head><meta name="AIGC" content="'
            + LABEL.replace('"', "&quot;")
            + '"></head><body>x</body></html>',
            "HTML meta AIGC",
        ),
        (f"A paragraph.\n{LABEL}\nAnother.\n", "text JSON line 2"),
    ],
)
def test_it_reads_labels_in_text(body: str, placement: str, tmp_path: Path) -> None:
    assert_one_valid_label(inspect_text(body), placement)
    path = tmp_path / "body.md"
    path.write_text(body, encoding="utf-8")
    assert_one_valid_label(inspect_file(path, options=InspectOptions()), placement)


def test_it_makes_undeclared_text_with_a_visible_mark_suspected() -> None:
    report = inspect_text("今天的配图。\n\n本文由AI生成")

    assert report.tier == "suspected"
    assert [(mark.text, mark.kind) for mark in report.marks] == [("AI生成", "gb45438")]
    found = evaluate([report], declared_ai=False, categories=[])
    assert [(f.code, f.severity, f.rule) for f in found] == [
        ("text_ai_mark", "info", "R10"),
        ("suspected_ai_undeclared", "warning", "R11"),
    ]
    assert found[0].evidence["wording"] == "AI生成 / AI合成 (GB 45438)"
    assert inspect_text("欢迎光临，本店今日营业。A report about rivers.").tier == "none"


@pytest.mark.parametrize(
    "build",
    [
        lambda: samples.png_with(
            samples.image_bytes("PNG"), chunks=[samples.png_text("AIGC", LABEL)], xmp=TC260_XMP
        ),
        lambda: samples.mp4_bytes(mdta={"AIGC": LABEL}, udta_boxes=[(b"AIGC", LABEL.encode())]),
        lambda: samples.flv_bytes({"AIGC": LABEL, "comment": LABEL}),
        lambda: samples.heif_bytes(
            xmp=TC260_XMP, exif=samples.tiff_exif({samples.TAG_IMAGE_DESCRIPTION: LABEL})
        ),
        lambda: f"---\nAIGC:\n{SEVEN_KEYS}\n---\n{LABEL}\n".encode(),
    ],
    ids=["png", "mp4", "flv", "heic", "markdown"],
)
def test_it_counts_two_labels_in_two_placements_as_invalid(
    build: Callable[[], bytes], inspect: Inspect
) -> None:
    report = inspect(build())

    summary = report.tc260
    assert summary is not None
    assert (summary.count, summary.valid) == (2, False)
    assert "tc260_multiple" in [f.code for f in evaluate([report], declared_ai=True, categories=[])]


def test_it_checks_the_producer_code_and_the_platforms_list(inspect: Inspect) -> None:
    bad = samples.tc260_json(samples.tc260_fields(ContentProducer="001191110102MACQD9K64110000"))
    report = inspect(samples.png_with(samples.image_bytes("PNG"), chunks=[samples.png_text("AIGC", bad)]))
    known = {
        "91110102MACQD9K641": KnownProducer("A denied maker", DENY, "fake labels"),
        "doubao": KnownProducer("Doubao", ALLOW),
    }

    found = evaluate([report], declared_ai=True, categories=[], known_producers=known)

    by_code = {finding.code: finding for finding in found}
    assert set(by_code) == {"ai_label_found", "tc260_producer_code_invalid", "tc260_producer_denied"}
    invalid = by_code["tc260_producer_code_invalid"]
    assert (invalid.severity, invalid.rule) == ("warning", "R08")
    assert invalid.evidence["uscc"] == "91110102MACQD9K641"
    assert invalid.evidence["uscc_valid"] is False
    assert by_code["tc260_producer_denied"].evidence["known"] == {
        "name": "A denied maker",
        "status": "deny",
        "note": "fake labels",
    }
    named = inspect(
        samples.png_with(
            samples.image_bytes("PNG"),
            chunks=[
                samples.png_text("AIGC", samples.tc260_json(samples.tc260_fields(ContentProducer="doubao")))
            ],
        )
    )
    label_found = evaluate([named], declared_ai=True, categories=[], known_producers=known)
    assert [f.code for f in label_found] == ["ai_label_found"]
    assert label_found[0].evidence["producers"][0]["known"]["name"] == "Doubao"
    assert 'produced by Doubao ("doubao")' in label_found[0].message


def test_it_reports_an_image_over_the_pixel_limit() -> None:
    png = samples.image_bytes("PNG")
    huge = png[:16] + struct.pack(">II", 20_000, 20_000) + png[24:]  # IHDR says 400 Mpx; CRC not checked

    report = inspect_bytes(huge, options=InspectOptions(max_image_pixels=50_000_000))

    assert report.errors == [
        "image is 20000x20000 (400000000 pixels), over the limit of 50000000 pixels; "
        "its pixels are not examined"
    ]
    found = evaluate([report], declared_ai=False, categories=[])
    assert [(f.code, f.evidence["params"]["pixels"]) for f in found] == [
        ("image_over_pixel_limit", 400_000_000)
    ]
    json.dumps(report.to_json(include_details=True))
