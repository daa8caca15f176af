"""RIFF (WebP, WAV, AVI): walk the chunks of the RIFF form and of its LIST/INFO list.

WebP keeps EXIF, ``XMP `` and ``C2PA`` chunks; WAV may carry a GB 45438 ``AIGC`` chunk (top level or
inside LIST/INFO), ``_PMX`` XMP, an embedded ID3 tag and a ``C2PA`` chunk.
"""

from __future__ import annotations

import struct

from labels.containers.base import (
    MAX_DEPTH,
    MAX_ENTRIES,
    MAX_TEXT_BYTES,
    ByteSource,
    RawMetadata,
    decode_text,
)
from labels.containers.exif import read_exif
from labels.containers.id3 import read_id3

_NAMES = {b"WEBP": "WebP", b"WAVE": "WAV", b"AVI ": "AVI"}


def read_riff(buf: ByteSource, meta: RawMetadata) -> None:
    form = bytes(buf[8:12])
    label = _NAMES.get(form, "RIFF")
    (declared,) = struct.unpack_from("<I", buf, 4)
    end = len(buf)
    if declared + 8 > end and declared not in (0, 0xFFFFFFFF):
        meta.errors.append(f"{label} declares {declared + 8} bytes but the file has {end} (truncated)")
    _walk(buf, 12, end, label, meta, in_info=False)


def _walk(
    buf: ByteSource, pos: int, end: int, label: str, meta: RawMetadata, *, in_info: bool, depth: int = 0
) -> None:
    if depth > MAX_DEPTH:
        meta.errors.append(f"{label} lists are nested too deeply; stopped reading")
        return
    for _ in range(MAX_ENTRIES):
        if pos + 8 > end:
            return
        chunk_id, size = struct.unpack_from("<4sI", buf, pos)
        data_start = pos + 8
        data_end = data_start + size
        if data_end > end:
            meta.errors.append(
                f"{label} chunk {chunk_id.decode('latin-1')!r} at offset {pos} runs past the end of the file"
            )
            return
        _read_chunk(buf, chunk_id, data_start, data_end, label, meta, in_info=in_info, depth=depth)
        pos = data_end + (size & 1)  # chunks are padded to an even length
    meta.errors.append(f"{label} has too many chunks; stopped reading")


def _read_chunk(
    buf: ByteSource,
    chunk_id: bytes,
    start: int,
    end: int,
    label: str,
    meta: RawMetadata,
    *,
    in_info: bool,
    depth: int,
) -> None:
    list_type = bytes(buf[start : start + 4]) if chunk_id == b"LIST" and end - start >= 4 else b""
    if list_type == b"INFO":
        _walk(buf, start + 4, end, label, meta, in_info=True, depth=depth + 1)
        return
    if list_type in (b"hdrl", b"strl") and not in_info:
        # AVI header lists: some writers nest LIST/INFO or a bare AIGC chunk here
        _walk(buf, start + 4, end, label, meta, in_info=False, depth=depth + 1)
        return
    if label == "WebP" and chunk_id in (b"VP8X", b"VP8 ", b"VP8L") and meta.dimensions is None:
        meta.dimensions = _webp_size(chunk_id, bytes(buf[start : min(end, start + 16)]))
    if chunk_id in (b"data", b"movi", b"VP8 ", b"VP8L", b"ALPH", b"ANMF", b"LIST"):
        return  # media payload: skipped unread
    data = bytes(buf[start : min(end, start + MAX_TEXT_BYTES)])
    name = chunk_id.decode("latin-1").strip()
    if chunk_id == b"EXIF":
        read_exif(data, meta, f"{label} EXIF chunk")
    elif chunk_id == b"XMP ":
        meta.add_xmp(f"{label} XMP chunk", data)
    elif chunk_id == b"_PMX":
        meta.add_xmp(f"{label} _PMX chunk", data)
    elif chunk_id == b"C2PA":
        meta.c2pa_locations.append(f"{label} C2PA chunk")
    elif chunk_id in (b"id3 ", b"ID3 ") and data.startswith(b"ID3"):
        read_id3(data, meta, f"{label} id3 chunk")
    elif in_info:
        meta.add_text(f"{label} LIST/INFO", name, decode_text(data))
    elif chunk_id.upper() == b"AIGC":
        meta.add_text(f"{label} RIFF chunk", name, decode_text(data))


def _webp_size(chunk_id: bytes, head: bytes) -> tuple[int, int] | None:
    """Canvas size from VP8X, or the frame size of a simple lossy (VP8) or lossless (VP8L) WebP."""
    if chunk_id == b"VP8X" and len(head) >= 10:
        return 1 + int.from_bytes(head[4:7], "little"), 1 + int.from_bytes(head[7:10], "little")
    if chunk_id == b"VP8 " and len(head) >= 10 and head[3:6] == b"\x9d\x01\x2a":
        return int.from_bytes(head[6:8], "little") & 0x3FFF, int.from_bytes(head[8:10], "little") & 0x3FFF
    if chunk_id == b"VP8L" and len(head) >= 5 and head[0] == 0x2F:
        bits = int.from_bytes(head[1:5], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    return None
