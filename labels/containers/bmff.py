"""ISO BMFF (MP4, MOV, M4A, HEIF): walk boxes by their sizes, never into ``mdat``.

Finds the C2PA ``uuid`` box, the XMP ``uuid`` box, and text metadata in ``moov/udta`` and
``moov/meta``: ``keys``+``ilst`` items (where ``ffmpeg -movflags use_metadata_tags`` writes the
GB 45438 ``AIGC`` key), iTunes-style ``ilst`` atoms, QuickTime ``©xyz`` user data and a bare ``AIGC``
user-data box. HEIF, HEIC and AVIF keep XMP and EXIF as items of the top-level ``meta`` box:
``iinf`` names them (``mime`` items of type application/rdf+xml, ``Exif`` items), ``iloc`` says
where their bytes are (in the file or in ``idat``), ``ispe`` gives the image size; no pixel is
decoded.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from labels.containers.base import (
    MAX_DEPTH,
    MAX_ENTRIES,
    MAX_TEXT_BYTES,
    MAX_XMP_BYTES,
    UNREADABLE,
    ByteSource,
    RawMetadata,
    decode_text,
)
from labels.containers.exif import read_exif

C2PA_UUID = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")
XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
_CONTAINERS_WITH_METADATA = {b"moov", b"udta", b"trak"}
_XMP_CONTENT_TYPES = (b"application/rdf+xml", b"application/xmp+xml", b"text/xml")
_MAX_ITEMS = 10_000


def read_bmff(buf: ByteSource, meta: RawMetadata) -> None:
    for box_type, start, end in _boxes(buf, 0, len(buf), meta, "MP4"):
        if box_type == b"uuid":
            _read_uuid(buf, start, end, meta)
        elif box_type == b"moov":
            _read_moov(buf, start, end, meta, "moov", depth=1)
        elif box_type == b"meta":
            _read_meta(buf, start, end, meta, "meta")
            _read_items(buf, start + 4, end, meta)


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
        meta.errors.append(f"MP4 boxes under {path[:60]}… are nested too deeply; stopped reading")
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


def _read_items(buf: ByteSource, start: int, end: int, meta: RawMetadata) -> None:
    """HEIF items: find the XMP and EXIF items in ``iinf``, read their bytes through ``iloc``."""
    kinds: dict[int, str] = {}
    locations: dict[int, list[tuple[int, int, int]]] = {}
    idat: tuple[int, int] | None = None
    for box_type, child_start, child_end in _boxes(buf, start, end, meta, "HEIF meta"):
        if box_type == b"iinf":
            kinds = _item_kinds(buf, child_start, child_end, meta)
        elif box_type == b"iloc":
            locations = _item_locations(buf, child_start, child_end, meta)
        elif box_type == b"idat":
            idat = (child_start, child_end)
        elif box_type == b"iprp":
            _read_image_size(buf, child_start, child_end, meta)
    for item_id, kind in kinds.items():
        where = f"HEIF {kind} item {item_id}"
        data = _item_bytes(buf, locations.get(item_id, []), idat)
        if data is None:
            meta.problem(UNREADABLE, "incomplete", where, f"{where} has no readable location", item=item_id)
        elif kind == "XMP":
            meta.add_xmp(where, data)
        elif len(data) >= 4:
            # Exif items start with the offset of the TIFF header (usually 6, after "Exif\0\0")
            (skip,) = struct.unpack_from(">I", data)
            read_exif(data[4 + skip :] if 4 + skip < len(data) else b"", meta, where)


def _item_kinds(buf: ByteSource, start: int, end: int, meta: RawMetadata) -> dict[int, str]:
    """Item id -> "XMP" or "EXIF", from the ``infe`` entries (versions 2 and 3) of ``iinf``."""
    version = buf[start] if start < end else 0
    pos = start + (6 if version == 0 else 8)
    kinds: dict[int, str] = {}
    for box_type, infe_start, infe_end in _boxes(buf, pos, end, meta, "HEIF iinf"):
        if box_type != b"infe" or infe_end - infe_start < 12 or len(kinds) >= _MAX_ITEMS:
            continue
        infe_version = buf[infe_start]
        if infe_version < 2:
            continue
        id_size = 2 if infe_version == 2 else 4
        item_id = int.from_bytes(bytes(buf[infe_start + 4 : infe_start + 4 + id_size]), "big")
        type_at = infe_start + 4 + id_size + 2
        item_type = bytes(buf[type_at : type_at + 4])
        rest = bytes(buf[type_at + 4 : min(infe_end, type_at + 4 + 1024)])
        if item_type == b"Exif":
            kinds[item_id] = "EXIF"
        elif item_type == b"mime":
            _, _, after_name = rest.partition(b"\x00")
            content_type = after_name.partition(b"\x00")[0].strip().lower()
            if content_type in _XMP_CONTENT_TYPES:
                kinds[item_id] = "XMP"
    return kinds


def _item_locations(
    buf: ByteSource, start: int, end: int, meta: RawMetadata
) -> dict[int, list[tuple[int, int, int]]]:
    """Item id -> extents as (construction method, offset, length), from ``iloc`` (versions 0-2)."""
    data = bytes(buf[start : min(end, start + 4 * 1024 * 1024)])
    version = data[0] if data else 0
    if len(data) < 8 or version > 2:
        meta.problem(UNREADABLE, "incomplete", "HEIF iloc", "HEIF iloc box cannot be read")
        return {}
    offset_size, length_size = data[4] >> 4, data[4] & 0x0F
    base_offset_size, index_size = data[5] >> 4, (data[5] & 0x0F) if version else 0
    pos = 6
    count, pos = _uint(data, pos, 4 if version == 2 else 2)
    locations: dict[int, list[tuple[int, int, int]]] = {}
    for _ in range(min(count, _MAX_ITEMS)):
        item_id, pos = _uint(data, pos, 4 if version == 2 else 2)
        method = 0
        if version:
            raw_method, pos = _uint(data, pos, 2)
            method = raw_method & 0x0F
        _, pos = _uint(data, pos, 2)  # data reference index
        base, pos = _uint(data, pos, base_offset_size)
        extent_count, pos = _uint(data, pos, 2)
        extents = []
        for _ in range(min(extent_count, 256)):
            _, pos = _uint(data, pos, index_size)
            offset, pos = _uint(data, pos, offset_size)
            length, pos = _uint(data, pos, length_size)
            extents.append((method, base + offset, length))
        if pos > len(data):
            meta.problem(UNREADABLE, "incomplete", "HEIF iloc", "HEIF iloc box is truncated")
            break
        locations[item_id] = extents
    return locations


def _uint(data: bytes, pos: int, size: int) -> tuple[int, int]:
    """A big-endian unsigned integer of ``size`` bytes at ``pos`` (0 past the end): (value, next pos)."""
    return int.from_bytes(data[pos : pos + size], "big") if size else 0, pos + size


def _item_bytes(
    buf: ByteSource, extents: list[tuple[int, int, int]], idat: tuple[int, int] | None
) -> bytes | None:
    out = bytearray()
    for method, offset, length in extents:
        if method == 1 and idat is not None:
            start, limit = idat[0] + offset, idat[1]
        elif method == 0:
            start, limit = offset, len(buf)
        else:
            return None  # construction from other items: not used for metadata
        length = length or limit - start  # a length of 0 means "to the end"
        if start < 0 or start + length > limit or len(out) + length > MAX_XMP_BYTES + 1:
            return None
        out += buf[start : start + length]
    return bytes(out) if extents else None


def _read_image_size(buf: ByteSource, start: int, end: int, meta: RawMetadata) -> None:
    """The largest ``ispe`` (image spatial extents) of ``iprp/ipco``: the full image, for grids too."""
    for box_type, ipco_start, ipco_end in _boxes(buf, start, end, meta, "HEIF iprp"):
        if box_type != b"ipco":
            continue
        for prop_type, prop_start, prop_end in _boxes(buf, ipco_start, ipco_end, meta, "HEIF ipco"):
            if prop_type == b"ispe" and prop_end - prop_start >= 12:
                width, height = struct.unpack_from(">II", buf, prop_start + 4)
                current = meta.dimensions or (0, 0)
                if width * height > current[0] * current[1]:
                    meta.dimensions = (width, height)
