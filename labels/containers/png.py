"""PNG: walk the chunks by their declared lengths (no CRC check, no pixel decode).

Reads tEXt / zTXt / iTXt text, eXIf and the C2PA ``caBX`` chunk. XMP under the keyword
"XML:com.adobe.xmp" is read from all three text chunk forms (iTXt as the XMP spec says, tEXt and
compressed zTXt as some writers do), and the image size from IHDR. A chunk whose length runs past the
end of the file stops the walk with an error; a text chunk that cannot be decoded or inflated is a
metadata problem (a label may hide in it).
"""

from __future__ import annotations

import struct
import zlib

from labels.containers.base import (
    MAX_ENTRIES,
    MAX_TEXT_BYTES,
    UNREADABLE,
    ByteSource,
    RawMetadata,
    decode_text,
)
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
        if chunk_type == b"IHDR" and length >= 8:
            meta.dimensions = struct.unpack_from(">II", buf, pos + 8)
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
    key = keyword.decode("latin-1")
    where = f"PNG {chunk} {key!r}"
    if not sep:
        meta.problem(
            UNREADABLE, "decode_failed", f"PNG {chunk}", f"PNG {chunk} chunk has no keyword separator"
        )
        return
    try:
        if chunk == "tEXt":
            raw = rest
        elif chunk == "zTXt":
            raw = _inflate(rest[1:])
        else:
            raw = _itxt_bytes(rest)
    except (zlib.error, ValueError) as error:
        meta.problem(
            UNREADABLE, "decompress_failed", where, f"{where} could not be decoded: {error}", error=str(error)
        )
        return
    if key == XMP_KEYWORD:
        meta.add_xmp(f"PNG {chunk}", raw)
        return
    text = raw.decode("latin-1") if chunk != "iTXt" else decode_text(raw)
    meta.add_text(f"PNG {chunk}", key, text)


def _itxt_bytes(rest: bytes) -> bytes:
    if len(rest) < 2:
        raise ValueError("iTXt chunk too short")
    compressed = rest[0] == 1
    # language tag and translated keyword, each NUL-terminated
    _, _, after_lang = rest[2:].partition(b"\x00")
    _, _, text = after_lang.partition(b"\x00")
    return _inflate(text) if compressed else text


def _inflate(data: bytes) -> bytes:
    """Decompress at most MAX_TEXT_BYTES so a zlib bomb costs nothing; more is an error, not a cut."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, MAX_TEXT_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError(f"inflates to more than {MAX_TEXT_BYTES} bytes")
    return out
