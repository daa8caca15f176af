"""A small EXIF (TIFF IFD) reader for the few fields label checks need.

Reads IFD0 and the Exif sub-IFD only. Offsets are bounds-checked and each IFD is visited once, so a
corrupt or looping IFD chain yields an error instead of a hang.
"""

from __future__ import annotations

import struct

from labels.containers.base import RawMetadata, decode_text

FIELD_NAMES = {
    0x010E: "ImageDescription",
    0x010F: "Make",
    0x0110: "Model",
    0x0131: "Software",
    0x013B: "Artist",
    0x9286: "UserComment",
    0x9C9C: "XPComment",
}
EXIF_IFD_POINTER = 0x8769
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
_MAX_IFD_ENTRIES = 1000
_USER_COMMENT_CHARSETS = {
    b"ASCII\x00\x00\x00": "ascii",
    b"UNICODE\x00": "utf-16",
    b"JIS\x00\x00\x00\x00\x00": "shift_jis",
    b"\x00" * 8: "utf-8",
}


def read_exif(tiff: bytes, meta: RawMetadata, where: str) -> None:
    """Add the known EXIF fields of a TIFF structure to ``meta`` as text entries."""
    if tiff.startswith(b"Exif\x00\x00"):
        tiff = tiff[6:]
    if len(tiff) < 8 or tiff[:4] not in (b"II*\x00", b"MM\x00*"):
        meta.errors.append(f"EXIF in {where} does not start with a TIFF header")
        return
    order = "<" if tiff[:2] == b"II" else ">"
    (ifd0,) = struct.unpack_from(order + "I", tiff, 4)
    visited: set[int] = set()
    exif_ifd = _read_ifd(tiff, order, ifd0, "EXIF IFD0", meta, visited)
    if exif_ifd:
        _read_ifd(tiff, order, exif_ifd, "EXIF Exif-IFD", meta, visited)


def _read_ifd(
    tiff: bytes, order: str, offset: int, container: str, meta: RawMetadata, visited: set[int]
) -> int:
    """Read one IFD; return the Exif sub-IFD offset found in it (0 if none)."""
    if offset in visited or offset + 2 > len(tiff):
        if offset not in visited:
            meta.errors.append(f"{container} offset {offset} is outside the EXIF data")
        return 0
    visited.add(offset)
    (count,) = struct.unpack_from(order + "H", tiff, offset)
    if count > _MAX_IFD_ENTRIES or offset + 2 + count * 12 > len(tiff):
        meta.errors.append(f"{container} declares {count} entries that do not fit in the EXIF data")
        return 0
    exif_pointer = 0
    for index in range(count):
        entry = offset + 2 + index * 12
        tag, type_id, n_values = struct.unpack_from(order + "HHI", tiff, entry)
        if tag == EXIF_IFD_POINTER:
            (exif_pointer,) = struct.unpack_from(order + "I", tiff, entry + 8)
            continue
        name = FIELD_NAMES.get(tag)
        if name is None:
            continue
        size = _TYPE_SIZES.get(type_id, 1) * n_values
        if size <= 4:
            raw = tiff[entry + 8 : entry + 8 + size]
        else:
            (value_offset,) = struct.unpack_from(order + "I", tiff, entry + 8)
            if value_offset + size > len(tiff):
                meta.errors.append(f"{container} {name} points outside the EXIF data")
                continue
            raw = tiff[value_offset : value_offset + size]
        meta.add_text(container, name, _decode_field(name, raw, order))
    return exif_pointer


def _decode_field(name: str, raw: bytes, order: str) -> str:
    if name == "XPComment":
        return decode_text(raw, "utf-16-le")
    if name == "UserComment":
        return decode_user_comment(raw, order)
    return decode_text(raw)


def decode_user_comment(raw: bytes, order: str = ">") -> str:
    """UserComment starts with an 8-byte charset code; some writers store bare (ASCII-typed) text."""
    charset = _USER_COMMENT_CHARSETS.get(raw[:8])
    if charset is None:
        return decode_text(raw)
    body = raw[8:]
    if charset == "utf-16":
        if body.startswith((b"\xff\xfe", b"\xfe\xff")):
            return decode_text(body, "utf-16")
        # No BOM: the EXIF byte order is the usual rule, but piexif writes big-endian either way,
        # so pick the order whose high bytes are zero for ASCII-range text.
        big_endian = body[:1] == b"\x00" if body else order == ">"
        return (
            body.decode("utf-16-be" if big_endian else "utf-16-le", errors="replace").rstrip("\x00").strip()
        )
    return decode_text(body, charset)
