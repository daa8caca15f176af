"""Sample audio and video: structural WAV, MP4 (BMFF), MP3 (ID3v2) and WebM (EBML) files."""

from __future__ import annotations

import struct
from collections.abc import Iterable


def riff_chunk(chunk_id: bytes, data: bytes) -> bytes:
    return chunk_id + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")


def wav_bytes(extra_chunks: Iterable[bytes] = ()) -> bytes:
    """A tiny PCM WAV (0.01 s of silence) followed by ``extra_chunks`` (see ``riff_chunk``)."""
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    body = b"WAVE" + riff_chunk(b"fmt ", fmt) + riff_chunk(b"data", b"\x00" * 160) + b"".join(extra_chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def bmff_box(box_type: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload) + 8) + box_type + payload


def mp4_bytes(
    *,
    mdta: dict[str, str] | None = None,
    udta_boxes: Iterable[tuple[bytes, bytes]] = (),
    meta_in: str = "udta",
) -> bytes:
    """A structural MP4 (not playable): ftyp, moov with metadata, an empty mdat.

    ``mdta`` keys go to ``meta`` keys+ilst (as ffmpeg ``use_metadata_tags`` writes them) inside
    ``moov/udta`` or ``moov`` (``meta_in="moov"``); ``udta_boxes`` are raw user-data children.
    """
    meta = b""
    if mdta:
        names = list(mdta)
        keys = struct.pack(">II", 0, len(names)) + b"".join(
            struct.pack(">I", 8 + len(n.encode())) + b"mdta" + n.encode() for n in names
        )
        items = b"".join(
            bmff_box(
                struct.pack(">I", index + 1), bmff_box(b"data", struct.pack(">II", 1, 0) + mdta[n].encode())
            )
            for index, n in enumerate(names)
        )
        handler = bmff_box(b"hdlr", b"\x00" * 8 + b"mdta" + b"\x00" * 13)
        meta = bmff_box(b"meta", b"\x00" * 4 + handler + bmff_box(b"keys", keys) + bmff_box(b"ilst", items))
    udta_children = b"".join(bmff_box(box_type, payload) for box_type, payload in udta_boxes)
    moov_payload = bmff_box(b"mvhd", b"\x00" * 100)
    if meta_in == "moov":
        moov_payload += meta
    else:
        udta_children += meta
    if udta_children:
        moov_payload += bmff_box(b"udta", udta_children)
    ftyp = bmff_box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
    return ftyp + bmff_box(b"moov", moov_payload) + bmff_box(b"mdat", b"\x00" * 64)


def id3_text_frame(frame_id: str, text: str, *, version: int = 4) -> bytes:
    return id3_frame(frame_id, b"\x03" + text.encode("utf-8"), version=version)


def id3_txxx(description: str, value: str, *, version: int = 4, utf16: bool = False) -> bytes:
    if utf16:
        body = b"\x01" + description.encode("utf-16") + b"\x00\x00" + value.encode("utf-16")
    else:
        body = b"\x03" + description.encode("utf-8") + b"\x00" + value.encode("utf-8")
    return id3_frame("TXXX", body, version=version)


def id3_frame(frame_id: str, body: bytes, *, version: int = 4) -> bytes:
    size = _syncsafe(len(body)) if version == 4 else struct.pack(">I", len(body))
    return frame_id.encode("latin-1") + size + b"\x00\x00" + body


def _syncsafe(value: int) -> bytes:
    return bytes([(value >> 21) & 0x7F, (value >> 14) & 0x7F, (value >> 7) & 0x7F, value & 0x7F])


def mp3_bytes(frames: Iterable[bytes] = (), *, version: int = 4) -> bytes:
    """An ID3v2 tag holding ``frames`` followed by a few silent MPEG-1 Layer III frames."""
    body = b"".join(frames) + b"\x00" * 32  # padding
    tag = b"ID3" + bytes([version, 0, 0]) + _syncsafe(len(body)) + body
    audio_frame = b"\xff\xfb\x90\x64" + b"\x00" * 413
    return tag + audio_frame * 4


def webm_bytes(tags: dict[str, str]) -> bytes:
    """A structural WebM: EBML header and a Segment holding Tags/Tag/SimpleTag name-value pairs."""

    def element(element_id: int, payload: bytes) -> bytes:
        id_bytes = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
        return id_bytes + b"\x01" + len(payload).to_bytes(7, "big") + payload  # 8-byte size vint

    header = element(0x1A45DFA3, element(0x4282, b"webm"))
    simple_tags = b"".join(
        element(0x67C8, element(0x45A3, name.encode()) + element(0x4487, value.encode()))
        for name, value in tags.items()
    )
    segment = element(0x18538067, element(0x1254C367, element(0x7373, simple_tags)))
    return header + segment


def flv_bytes(metadata: dict[str, str]) -> bytes:
    """An FLV header and one script tag: ``onMetaData`` as an AMF0 ECMA array of strings."""

    def amf_string(text: str) -> bytes:
        raw = text.encode()
        return struct.pack(">H", len(raw)) + raw

    body = b"\x02" + amf_string("onMetaData") + b"\x08" + struct.pack(">I", len(metadata) + 1)
    body += amf_string("duration") + b"\x00" + struct.pack(">d", 0.2)
    for key, value in metadata.items():
        body += amf_string(key) + b"\x02" + amf_string(value)
    body += b"\x00\x00\x09"
    tag = b"\x12" + len(body).to_bytes(3, "big") + b"\x00" * 7 + body
    return b"FLV\x01\x01" + struct.pack(">I", 9) + b"\x00" * 4 + tag + struct.pack(">I", len(tag))


def vorbis_comments(comments: dict[str, str], vendor: str = "Provenant samples") -> bytes:
    entries = [f"{key}={value}".encode() for key, value in comments.items()]
    return (
        struct.pack("<I", len(vendor))
        + vendor.encode()
        + struct.pack("<I", len(entries))
        + b"".join(struct.pack("<I", len(entry)) + entry for entry in entries)
    )


def flac_bytes(comments: dict[str, str]) -> bytes:
    """ "fLaC", a STREAMINFO block and a VORBIS_COMMENT block (no audio frames)."""
    # block sizes, frame sizes, then 44.1 kHz, mono, 16 bits, no samples; MD5 left empty
    streaminfo = struct.pack(">HH", 4096, 4096) + b"\x00" * 6 + bytes.fromhex("0AC440F000000000")
    streaminfo = streaminfo.ljust(34, b"\x00")
    comment = vorbis_comments(comments)
    return (
        b"fLaC"
        + b"\x00"
        + len(streaminfo).to_bytes(3, "big")
        + streaminfo
        + b"\x84"
        + len(comment).to_bytes(3, "big")
        + comment
    )


def _ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def ogg_page(packet: bytes, *, serial: int = 1, sequence: int = 0, first: bool = False) -> bytes:
    """One Ogg page holding one whole packet (lacing values of 255 and a final shorter one)."""
    lacing = [255] * (len(packet) // 255) + [len(packet) % 255]
    header = (
        b"OggS\x00"
        + bytes([0x02 if first else 0])
        + b"\x00" * 8
        + struct.pack("<III", serial, sequence, 0)
        + bytes([len(lacing)])
        + bytes(lacing)
    )
    page = header + packet
    return page[:22] + struct.pack("<I", _ogg_crc(page)) + page[26:]


def opus_bytes(comments: dict[str, str]) -> bytes:
    """An Ogg Opus stream's two header pages: OpusHead and OpusTags (no audio)."""
    head = b"OpusHead\x01\x01" + struct.pack("<HIhB", 312, 48000, 0, 0)
    return ogg_page(head, first=True) + ogg_page(b"OpusTags" + vorbis_comments(comments), sequence=1)
