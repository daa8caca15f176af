"""Vorbis comments in FLAC and Ogg: the GB 45438 ``AIGC`` comment is found, broken files are errors."""

from __future__ import annotations

import struct

from labels import samples
from labels.containers import read_container
from labels.engine import InspectOptions, inspect_bytes

LABEL = samples.tc260_json()


def comments(*entries: str, vendor: bytes = b"test") -> bytes:
    encoded = [entry.encode() for entry in entries]
    return (
        struct.pack("<I", len(vendor))
        + vendor
        + struct.pack("<I", len(encoded))
        + b"".join(struct.pack("<I", len(entry)) + entry for entry in encoded)
    )


def flac(*entries: str) -> bytes:
    streaminfo = b"\x00" + (34).to_bytes(3, "big") + b"\x00" * 34
    block = comments(*entries)
    return b"fLaC" + streaminfo + bytes([0x84]) + len(block).to_bytes(3, "big") + block + b"\xff\xf8audio"


def ogg_page(serial: int, sequence: int, packets: list[bytes], *, first: bool = False) -> bytes:
    table = b""
    for packet in packets:
        table += b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
    header = (
        b"OggS\x00" + bytes([0x02 if first else 0]) + b"\x00" * 8 + struct.pack("<III", serial, sequence, 0)
    )
    return header + bytes([len(table)]) + table + b"".join(packets)


def test_it_reads_the_label_from_a_flac_comment() -> None:
    report = inspect_bytes(flac("TITLE=x", f"AIGC={LABEL}"), options=InspectOptions())

    assert report.media_type == "audio/flac"
    assert [label.placement for label in report.tc260_labels] == ["FLAC Vorbis comment AIGC"]
    assert report.tc260_labels[0].errors == []
    assert report.errors == []


def test_it_reads_flac_behind_an_id3_tag_as_c2pa_signs_it() -> None:
    tag = samples.mp3_bytes([samples.id3_text_frame("TIT2", "x")]).split(b"\xff\xfb")[0]

    report = inspect_bytes(tag + flac(f"AIGC={LABEL}"), options=InspectOptions())

    assert [label.placement for label in report.tc260_labels] == ["FLAC Vorbis comment AIGC"]


def test_it_reads_vorbis_and_opus_comment_headers_of_ogg() -> None:
    vorbis = ogg_page(1, 0, [b"\x01vorbis" + b"\x00" * 23], first=True) + ogg_page(
        1, 1, [b"\x03vorbis" + comments(f"AIGC={LABEL}") + b"\x01", b"\x05vorbis" + b"\x00" * 300]
    )
    opus = (
        ogg_page(2, 0, [b"OpusHead" + b"\x01\x02" + b"\x00" * 9], first=True)
        + ogg_page(2, 1, [b"OpusTags" + comments("ENCODER=x", f"AIGC={LABEL}")])
        + ogg_page(
            2, 2, [b"\x04" + b"\x00" * 40]
        )  # an audio packet whose first byte looks like a FLAC block type
    )

    for data, placement in ((vorbis, "Ogg Vorbis comment AIGC"), (opus, "Ogg Opus comment AIGC")):
        meta = read_container(data, "application/octet-stream")
        assert [entry.placement for entry in meta.texts if entry.key == "AIGC"] == [placement]
        assert meta.errors == []


def test_it_reads_a_comment_packet_spanning_lacing_values() -> None:
    long_value = "x" * 600
    data = ogg_page(1, 0, [b"\x01vorbis" + b"\x00" * 23], first=True) + ogg_page(
        1, 1, [b"\x03vorbis" + comments(f"NOTE={long_value}", f"AIGC={LABEL}") + b"\x01"]
    )

    meta = read_container(data, "application/octet-stream")

    assert [(entry.key, len(entry.value)) for entry in meta.texts] == [("NOTE", 600), ("AIGC", len(LABEL))]


def test_it_records_broken_files_without_raising() -> None:
    truncated = flac(f"AIGC={LABEL}")[:60]
    bad_comment = b"fLaC" + bytes([0x84]) + (8).to_bytes(3, "big") + struct.pack("<II", 4, 99)

    assert read_container(truncated, "audio/flac").errors == [
        "FLAC metadata block at offset 42 runs past the end of the file"
    ]
    broken = read_container(bad_comment, "audio/flac")
    assert [problem.detail for problem in broken.problems] == ["FLAC Vorbis comment block is truncated"]
    assert read_container(b"OggS" + b"\x00" * 10, "audio/ogg").errors == [
        "Ogg ends inside a page header (truncated)"
    ]
    assert read_container(b"OggS" + b"\x00" * 23 + b"\x00RIFF", "audio/ogg").errors == [
        "Ogg ends inside a page header (truncated)"
    ]
