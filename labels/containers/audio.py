"""FLAC and Ogg (Vorbis, Opus, FLAC-in-Ogg, Theora): Vorbis comments, where GB 45438 labels sit as
``AIGC=<json>``.

FLAC: walk the metadata blocks up to the last one; ``VORBIS_COMMENT`` (type 4) holds the comments.
Ogg: reassemble the first packets of each logical stream from the pages' lacing values (at most
``_MAX_PAGES`` pages and ``MAX_TEXT_BYTES`` per packet), then read the comment packet
(``\\x03vorbis``, ``OpusTags``, ``\\x81theora`` or a FLAC block). Audio is never decoded.
"""

from __future__ import annotations

import struct

from labels.containers.base import MAX_ENTRIES, MAX_TEXT_BYTES, UNREADABLE, ByteSource, RawMetadata
from labels.containers.id3 import read_id3, tag_size

_VORBIS_COMMENT = 4
_MAX_PAGES = 512
_MAX_COMMENTS = 10_000
_COMMENT_PREFIXES = ((b"\x03vorbis", "Ogg Vorbis comment"), (b"OpusTags", "Ogg Opus comment"))


def read_flac(buf: ByteSource, meta: RawMetadata) -> None:
    pos = 0
    size = tag_size(buf)
    if size:  # some taggers put an ID3v2 tag before the FLAC stream
        read_id3(buf[:size], meta, "FLAC")
        pos = size
    if bytes(buf[pos : pos + 4]) != b"fLaC":
        meta.errors.append("FLAC stream marker missing")
        return
    pos += 4
    for _ in range(MAX_ENTRIES):
        if pos + 4 > len(buf):
            meta.errors.append("FLAC ends inside its metadata blocks (truncated)")
            return
        header = buf[pos]
        length = int.from_bytes(bytes(buf[pos + 1 : pos + 4]), "big")
        start, end = pos + 4, pos + 4 + length
        if end > len(buf):
            meta.errors.append(f"FLAC metadata block at offset {pos} runs past the end of the file")
            return
        if header & 0x7F == _VORBIS_COMMENT:
            read_vorbis_comments(
                bytes(buf[start : min(end, start + MAX_TEXT_BYTES)]), meta, "FLAC Vorbis comment"
            )
        if header & 0x80:  # last metadata block
            return
        pos = end
    meta.errors.append("FLAC has too many metadata blocks; stopped reading")


def read_vorbis_comments(data: bytes, meta: RawMetadata, where: str) -> None:
    """vendor length + vendor, count, then (length, "KEY=value") pairs, all little-endian."""
    if len(data) < 8:
        meta.problem(UNREADABLE, "incomplete", where, f"{where} block is truncated")
        return
    (vendor_length,) = struct.unpack_from("<I", data)
    pos = 4 + vendor_length
    if pos + 4 > len(data):
        meta.problem(UNREADABLE, "incomplete", where, f"{where} block is truncated")
        return
    (count,) = struct.unpack_from("<I", data, pos)
    pos += 4
    for index in range(min(count, _MAX_COMMENTS)):
        if pos + 4 > len(data):
            meta.problem(UNREADABLE, "incomplete", where, f"{where} block ends at comment {index} of {count}")
            return
        (length,) = struct.unpack_from("<I", data, pos)
        comment = data[pos + 4 : pos + 4 + length]
        pos += 4 + length
        key, sep, value = comment.decode("utf-8", errors="replace").partition("=")
        if sep:
            meta.add_text(where, key, value.strip())


def read_ogg(buf: ByteSource, meta: RawMetadata) -> None:
    streams: dict[int, _OggStream] = {}
    pos = 0
    for _ in range(_MAX_PAGES):
        if pos + 27 > len(buf):
            if pos < len(buf):
                meta.errors.append("Ogg ends inside a page header (truncated)")
            break
        if bytes(buf[pos : pos + 4]) != b"OggS":
            meta.errors.append(f"Ogg page marker missing at offset {pos} (corrupt file)")
            break
        beginning = bool(buf[pos + 5] & 0x02)
        if not beginning and streams and all(stream.has_headers for stream in streams.values()):
            break  # every stream's comment packet is complete: the rest is audio
        (serial,) = struct.unpack_from("<I", buf, pos + 14)
        segments = buf[pos + 26]
        table = bytes(buf[pos + 27 : pos + 27 + segments])
        data_start = pos + 27 + segments
        if len(table) < segments or data_start + sum(table) > len(buf):
            meta.errors.append(f"Ogg page at offset {pos} runs past the end of the file")
            break
        streams.setdefault(serial, _OggStream()).add(buf, data_start, table)
        pos = data_start + sum(table)
    for stream in streams.values():
        for packet in stream.packets:
            _read_ogg_packet(bytes(packet), meta)


class _OggStream:
    """The first packets of one logical stream (identification and comment headers)."""

    def __init__(self) -> None:
        self.packets: list[bytearray] = []
        self.open = False

    @property
    def has_headers(self) -> bool:
        return len(self.packets) >= 2 and not (self.open and len(self.packets) == 2)

    def add(self, buf: ByteSource, pos: int, table: bytes) -> None:
        for lacing in table:
            if not self.open:
                if len(self.packets) >= 2:
                    return
                self.packets.append(bytearray())
            packet = self.packets[-1]
            if len(packet) < MAX_TEXT_BYTES:
                packet += buf[pos : pos + lacing]
            pos += lacing
            self.open = lacing == 255  # a 255 lacing value continues the packet


def _read_ogg_packet(packet: bytes, meta: RawMetadata) -> None:
    for prefix, where in _COMMENT_PREFIXES:
        if packet.startswith(prefix):
            read_vorbis_comments(packet[len(prefix) :], meta, where)
            return
    if packet.startswith(b"\x81theora"):
        read_vorbis_comments(packet[7:], meta, "Ogg Theora comment")
    elif packet[:1] and packet[0] & 0x7F == _VORBIS_COMMENT and len(packet) >= 4:
        # FLAC in Ogg: metadata blocks follow the first packet, each one packet
        read_vorbis_comments(packet[4:], meta, "Ogg FLAC Vorbis comment")
