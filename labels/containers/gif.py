"""GIF: walk the block structure; read comments, the XMP application extension and C2PA's.

Image data sub-blocks are skipped by their length bytes, never decoded.
"""

from __future__ import annotations

from labels.containers.base import MAX_ENTRIES, UNREADABLE, ByteSource, RawMetadata, decode_text

_XMP_APP = b"XMP DataXMP"
_C2PA_APP = b"C2PA_GIF"
_XMP_END = b"<?xpacket end="


def read_gif(buf: ByteSource, meta: RawMetadata) -> None:
    size = len(buf)
    if size < 13:
        meta.errors.append("GIF header is truncated")
        return
    meta.dimensions = (buf[6] | buf[7] << 8, buf[8] | buf[9] << 8)
    pos = 13
    if buf[10] & 0x80:  # global colour table
        pos += 3 * (2 ** ((buf[10] & 0x07) + 1))
    for _ in range(MAX_ENTRIES):
        if pos >= size:
            meta.errors.append("GIF ends before its trailer (truncated)")
            return
        block = buf[pos]
        if block == 0x3B:
            return
        if block == 0x2C:  # image descriptor, optional local colour table, LZW code size, data
            if pos + 10 > size:
                meta.errors.append("GIF image descriptor is truncated")
                return
            flags = buf[pos + 9]
            pos += 10 + (3 * (2 ** ((flags & 0x07) + 1)) if flags & 0x80 else 0) + 1
            pos = _skip_sub_blocks(buf, pos, meta)
        elif block == 0x21 and pos + 2 <= size:
            pos = _read_extension(buf, buf[pos + 1], pos + 2, meta)
        else:
            meta.errors.append(f"GIF has an unknown block 0x{block:02X} at offset {pos}")
            return
        if pos < 0:
            return
    meta.errors.append("GIF has too many blocks; stopped reading")


def _read_extension(buf: ByteSource, label: int, pos: int, meta: RawMetadata) -> int:
    if label == 0xFF and pos + 12 <= len(buf) and buf[pos] == 11:
        app_id = bytes(buf[pos + 1 : pos + 12])
        data_start = pos + 12
        if app_id == _XMP_APP:
            # XMP is stored raw (not as sub-blocks), followed by a "magic trailer" that makes the
            # sub-block walk below land on the terminator.
            end = buf.find(_XMP_END, data_start)
            close = buf.find(b"?>", end) if end >= 0 else -1
            if close >= 0:
                meta.add_xmp("GIF XMP application extension", bytes(buf[data_start : close + 2]))
            else:
                where = "GIF XMP application extension"
                meta.problem(UNREADABLE, "incomplete", where, f"{where} has no end of packet; not read")
        elif app_id.startswith(_C2PA_APP):
            meta.c2pa_locations.append("GIF C2PA application extension")
        return _skip_sub_blocks(buf, data_start, meta)
    if label == 0xFE:
        chunks: list[bytes] = []
        end = _skip_sub_blocks(buf, pos, meta, chunks)
        meta.add_text("GIF comment", "Comment", decode_text(b"".join(chunks)))
        return end
    return _skip_sub_blocks(buf, pos, meta)


def _skip_sub_blocks(buf: ByteSource, pos: int, meta: RawMetadata, collect: list[bytes] | None = None) -> int:
    """Return the offset after the block terminator, or -1 when the data ends first."""
    size = len(buf)
    for _ in range(10_000_000):
        if pos >= size:
            meta.errors.append("GIF ends inside a data block (truncated)")
            return -1
        length = buf[pos]
        if length == 0:
            return pos + 1
        if collect is not None:
            collect.append(bytes(buf[pos + 1 : pos + 1 + length]))
        pos += 1 + length
    return -1
