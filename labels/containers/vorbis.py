"""Vorbis comments: FLAC ``VORBIS_COMMENT`` blocks and the comment headers of Ogg streams.

GB 45438 labels in FLAC and Ogg sit in a comment ``AIGC={...}``. FLAC: walk the metadata blocks after
``fLaC`` (also behind an ID3 tag, where c2pa-rs puts its manifest). Ogg: reassemble the first packets
of each logical stream from the pages (Vorbis ``\\x03vorbis``, Opus ``OpusTags``, Ogg FLAC's
``VORBIS_COMMENT`` block); audio pages after the headers are not read.
"""

from __future__ import annotations

import struct

from labels.containers.base import MAX_ENTRIES, MAX_TEXT_BYTES, ByteSource, RawMetadata

_FLAC_VORBIS_COMMENT = 4
# Comment headers can hold cover pictures (base64): read at most this much of the Ogg headers.
_MAX_OGG_HEADER_BYTES = 16 * 1024 * 1024
_HEADER_PACKETS = 3  # identification, comments, setup: the comments are always among the first three


def read_flac(buf: ByteSource, meta: RawMetadata, start: int = 0) -> None:
    if bytes(buf[start : start + 4]) != b"fLaC":
        meta.errors.append("FLAC stream marker missing")
        return
    pos = start + 4
    for _ in range(MAX_ENTRIES):
        if pos + 4 > len(buf):
            meta.errors.append("FLAC metadata blocks are truncated")
            return
        header = buf[pos]
        (length,) = struct.unpack(">I", b"\x00" + bytes(buf[pos + 1 : pos + 4]))
        data_start, data_end = pos + 4, pos + 4 + length
        if data_end > len(buf):
            meta.errors.append(f"FLAC metadata block at offset {pos} runs past the end of the file")
            return
        if header & 0x7F == _FLAC_VORBIS_COMMENT:
            read_comments(bytes(buf[data_start : min(data_end, data_start + MAX_TEXT_BYTES)]), meta, "FLAC")
        if header & 0x80:  # last metadata block
            return
        pos = data_end
    meta.errors.append("FLAC has too many metadata blocks; stopped reading")


def read_ogg(buf: ByteSource, meta: RawMetadata) -> None:
    packets: dict[int, list[bytes]] = {}  # serial -> finished header packets
    partial: dict[int, bytearray] = {}
    pos = 0
    while pos < min(len(buf), _MAX_OGG_HEADER_BYTES):
        if bytes(buf[pos : pos + 4]) != b"OggS":
            meta.errors.append(f"Ogg page expected at offset {pos}")
            break
        if pos + 27 > len(buf):
            meta.errors.append(f"Ogg page at offset {pos} is truncated")
            break
        (serial,) = struct.unpack_from("<I", buf, pos + 14)
        segments = buf[pos + 26]
        table = bytes(buf[pos + 27 : pos + 27 + segments])
        body = pos + 27 + segments
        if len(table) < segments or body + sum(table) > len(buf):
            meta.errors.append(f"Ogg page at offset {pos} is truncated")
            break
        done = packets.setdefault(serial, [])
        for lacing in table:
            if len(done) < _HEADER_PACKETS:
                partial.setdefault(serial, bytearray()).extend(buf[body : body + lacing])
                if lacing < 255:
                    done.append(bytes(partial.pop(serial)))
            body += lacing
        pos = body
        if packets and all(len(found) >= _HEADER_PACKETS for found in packets.values()) and pos > 0:
            break  # every stream that has begun delivered its headers
    for found in packets.values():
        _read_ogg_headers(found, meta)


def _read_ogg_headers(found: list[bytes], meta: RawMetadata) -> None:
    """The comment packet of one logical stream, told by its codec's identification packet."""
    first, rest = (found[0], found[1:]) if found else (b"", [])
    if first.startswith(b"\x01vorbis") and rest and rest[0].startswith(b"\x03vorbis"):
        read_comments(rest[0][7:], meta, "Ogg Vorbis")
    elif first.startswith(b"OpusHead") and rest and rest[0].startswith(b"OpusTags"):
        read_comments(rest[0][8:], meta, "Ogg Opus")
    elif first.startswith(b"\x7fFLAC"):
        for packet in rest:
            if packet[:1] and packet[0] & 0x7F == _FLAC_VORBIS_COMMENT:
                read_comments(packet[4:], meta, "Ogg FLAC")


def read_comments(data: bytes, meta: RawMetadata, where: str) -> None:
    """A Vorbis comment structure: vendor string, count, then ``KEY=value`` strings (little-endian)."""
    container = f"{where} VorbisComment"
    try:
        (vendor_length,) = struct.unpack_from("<I", data, 0)
        pos = 4 + vendor_length
        (count,) = struct.unpack_from("<I", data, pos)
        pos += 4
        for _ in range(min(count, MAX_ENTRIES)):
            (length,) = struct.unpack_from("<I", data, pos)
            if pos + 4 + length > len(data):
                meta.errors.append(f"{container} is truncated")
                return
            entry = data[pos + 4 : pos + 4 + length].decode("utf-8", errors="replace")
            pos += 4 + length
            key, separator, value = entry.partition("=")
            if separator:
                meta.add_text(container, key, value)
    except struct.error:
        meta.errors.append(f"{container} is truncated")
