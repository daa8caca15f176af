"""PNG: walk the chunks by their declared lengths (no CRC check, no pixel decode).

Reads tEXt / zTXt / iTXt text (XMP lives in iTXt "XML:com.adobe.xmp"), eXIf and the C2PA ``caBX``
chunk. A chunk whose length runs past the end of the file stops the walk with an error.
"""

from __future__ import annotations

import struct
import zlib

from labels.containers.base import MAX_ENTRIES, MAX_TEXT_BYTES, ByteSource, RawMetadata, decode_text
from labels.containers.exif import read_exif

SIGNATURE = b"\x89PNG\r\n\x1a\n"
XMP_KEYWORD = "XML:com.adobe.xmp"
_MAX_CHUNK = 2**31 - 1


def read_png(buf: ByteSource, meta: RawMetadata) -> None:
    pos = len(SIGNATURE)
    size = len(buf)
    for _ in range(MAX_ENTRIES):
        if pos + 8 > size:
            meta.errors.append("PNG ends before its IEND chunk (truncated)")
            return
        length, chunk_type = struct.unpack_from(">I4s", buf, pos)
        name = chunk_type.decode("latin-1")
        end = pos + 12 + length
        if length > _MAX_CHUNK or end > size:
            meta.errors.append(
                f"PNG chunk {name!r} at offset {pos} declares {length} bytes; only {size - pos - 12} remain"
            )
            return
        if chunk_type == b"IEND":
            return
        if chunk_type in (b"tEXt", b"zTXt", b"iTXt"):
            _read_text_chunk(name, bytes(buf[pos + 8 : pos + 8 + length]), meta)
        elif chunk_type == b"eXIf":
            read_exif(bytes(buf[pos + 8 : pos + 8 + length]), meta, "PNG eXIf")
        elif chunk_type == b"caBX":
            meta.c2pa_locations.append("PNG caBX chunk")
        pos = end
    meta.errors.append("PNG has too many chunks; stopped reading")


def _read_text_chunk(chunk: str, data: bytes, meta: RawMetadata) -> None:
    keyword, sep, rest = data.partition(b"\x00")
    if not sep:
        meta.errors.append(f"PNG {chunk} chunk has no keyword separator")
        return
    key = keyword.decode("latin-1")
    try:
        if chunk == "tEXt":
            text = rest.decode("latin-1")
        elif chunk == "zTXt":
            text = _inflate(rest[1:]).decode("latin-1")
        else:
            text = _itxt_text(rest)
    except (zlib.error, ValueError) as error:
        meta.errors.append(f"PNG {chunk} {key!r} could not be decoded: {error}")
        return
    if chunk == "iTXt" and key == XMP_KEYWORD:
        meta.add_xmp("PNG iTXt", text.encode("utf-8"))
    else:
        meta.add_text(f"PNG {chunk}", key, text)


def _itxt_text(rest: bytes) -> str:
    if len(rest) < 2:
        raise ValueError("iTXt chunk too short")
    compressed = rest[0] == 1
    # language tag and translated keyword, each NUL-terminated
    _, _, after_lang = rest[2:].partition(b"\x00")
    _, _, text = after_lang.partition(b"\x00")
    return decode_text(_inflate(text) if compressed else text)


def _inflate(data: bytes) -> bytes:
    """Decompress at most MAX_TEXT_BYTES so a zlib bomb costs nothing."""
    return zlib.decompressobj().decompress(data, MAX_TEXT_BYTES)
