"""ISO BMFF (MP4, MOV, M4A, HEIF): walk boxes by their sizes, never into ``mdat``.

Finds the C2PA ``uuid`` box, the XMP ``uuid`` box, and text metadata in ``moov/udta`` and
``moov/meta``: ``keys``+``ilst`` items (where ``ffmpeg -movflags use_metadata_tags`` writes the
GB 45438 ``AIGC`` key), iTunes-style ``ilst`` atoms, QuickTime ``©xyz`` user data and a bare ``AIGC``
user-data box.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from labels.containers.base import (
    MAX_DEPTH,
    MAX_ENTRIES,
    MAX_TEXT_BYTES,
    ByteSource,
    RawMetadata,
    decode_text,
)

C2PA_UUID = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")
XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
_CONTAINERS_WITH_METADATA = {b"moov", b"udta", b"trak"}


def read_bmff(buf: ByteSource, meta: RawMetadata) -> None:
    for box_type, start, end in _boxes(buf, 0, len(buf), meta, "MP4"):
        if box_type == b"uuid":
            _read_uuid(buf, start, end, meta)
        elif box_type == b"moov":
            _read_moov(buf, start, end, meta, "moov", depth=1)


def _boxes(
    buf: ByteSource, pos: int, end: int, meta: RawMetadata, where: str
) -> Iterator[tuple[bytes, int, int]]:
    """Yield (type, payload start, box end) for the boxes between ``pos`` and ``end``."""
    for _ in range(MAX_ENTRIES):
        if pos + 8 > end:
            return
        size, box_type = struct.unpack_from(">I4s", buf, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                meta.errors.append(f"{where} box {box_type!r} at offset {pos} is truncated")
                return
            (size,) = struct.unpack_from(">Q", buf, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos  # box extends to the end of its parent
        if size < header or pos + size > end:
            name = box_type.decode("latin-1")
            meta.errors.append(f"{where} box {name!r} at offset {pos} declares {size} bytes past the end")
            return
        yield box_type, pos + header, pos + size
        pos += size
    meta.errors.append(f"{where} has too many boxes; stopped reading")


def _read_uuid(buf: ByteSource, start: int, end: int, meta: RawMetadata) -> None:
    usertype = bytes(buf[start : start + 16])
    if usertype == C2PA_UUID:
        meta.c2pa_locations.append("MP4 uuid box (C2PA)")
    elif usertype == XMP_UUID:
        meta.add_xmp("MP4 uuid box (XMP)", bytes(buf[start + 16 : end]))


def _read_moov(buf: ByteSource, start: int, end: int, meta: RawMetadata, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        return
    for box_type, child_start, child_end in _boxes(buf, start, end, meta, path):
        child_path = f"{path}/{box_type.decode('latin-1')}"
        if box_type == b"meta":
            _read_meta(buf, child_start, child_end, meta, child_path)
        elif box_type in _CONTAINERS_WITH_METADATA:
            _read_moov(buf, child_start, child_end, meta, child_path, depth + 1)
        elif path.endswith("udta"):
            _read_user_data(buf, box_type, child_start, child_end, meta, path)


def _read_user_data(
    buf: ByteSource, box_type: bytes, start: int, end: int, meta: RawMetadata, path: str
) -> None:
    data = bytes(buf[start : min(end, start + MAX_TEXT_BYTES)])
    if box_type == b"XMP_":
        meta.add_xmp(f"MP4 {path}/XMP_", data)
    elif box_type[0] == 0xA9 or box_type.upper() == b"AIGC":
        # QuickTime text atoms: 16-bit length, 16-bit language, then the text.
        if len(data) >= 4 and not data.lstrip().startswith(b"{"):
            (length,) = struct.unpack_from(">H", data)
            data = data[4 : 4 + length]
        meta.add_text(f"MP4 {path}", box_type.decode("latin-1"), decode_text(data))


def _read_meta(buf: ByteSource, start: int, end: int, meta: RawMetadata, path: str) -> None:
    # ISO 'meta' is a full box (4 bytes of version/flags); QuickTime's is not.
    if bytes(buf[start + 4 : start + 8]) != b"hdlr":
        start += 4
    keys: list[str] = []
    for box_type, child_start, child_end in _boxes(buf, start, end, meta, path):
        if box_type == b"keys":
            keys = _read_keys(buf, child_start, child_end, meta, path)
        elif box_type == b"ilst":
            _read_ilst(buf, child_start, child_end, keys, meta, path)


def _read_keys(buf: ByteSource, start: int, end: int, meta: RawMetadata, path: str) -> list[str]:
    keys: list[str] = []
    if start + 8 > end:
        return keys
    (count,) = struct.unpack_from(">I", buf, start + 4)
    pos = start + 8
    for _ in range(min(count, MAX_ENTRIES)):
        if pos + 8 > end:
            meta.errors.append(f"MP4 {path}/keys is truncated")
            break
        (size,) = struct.unpack_from(">I", buf, pos)
        if size < 8 or pos + size > end:
            meta.errors.append(f"MP4 {path}/keys has an entry of invalid size {size}")
            break
        keys.append(bytes(buf[pos + 8 : pos + size]).decode("utf-8", errors="replace"))
        pos += size
    return keys


def _read_ilst(buf: ByteSource, start: int, end: int, keys: list[str], meta: RawMetadata, path: str) -> None:
    for item_type, item_start, item_end in _boxes(buf, start, end, meta, f"{path}/ilst"):
        # With an 'mdta' handler the item type is a 1-based index into keys; otherwise a 4-char code.
        (index,) = struct.unpack(">I", item_type)
        key = keys[index - 1] if keys and 1 <= index <= len(keys) else item_type.decode("latin-1")
        for child_type, child_start, child_end in _boxes(buf, item_start, item_end, meta, f"{path}/ilst"):
            if child_type == b"name":  # iTunes freeform '----' atom
                key = decode_text(bytes(buf[child_start + 4 : child_end]))
            elif child_type == b"data" and child_end - child_start >= 8:
                (type_indicator,) = struct.unpack_from(">I", buf, child_start)
                raw = bytes(buf[child_start + 8 : min(child_end, child_start + 8 + MAX_TEXT_BYTES)])
                encoding = "utf-16-be" if type_indicator == 2 else "utf-8"
                meta.add_text(f"MP4 {path}", key, decode_text(raw, encoding))
