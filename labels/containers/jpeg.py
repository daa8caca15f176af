"""JPEG: walk the marker segments up to the start of scan; never touch the compressed pixels.

Reads APP1 EXIF and XMP, Extended XMP (a packet split over several APP1 segments, reassembled by
its GUID and offsets), APP11 JUMBF (C2PA), COM comments and bare ``AIGC{...}`` labels that some
generators put in an APPn segment of their own; the image size from the SOF segment.
"""

from __future__ import annotations

import struct

from labels.containers.base import (
    MAX_ENTRIES,
    MAX_XMP_BYTES,
    UNREADABLE,
    ByteSource,
    RawMetadata,
    decode_text,
)
from labels.containers.exif import read_exif

XMP_SIGNATURE = b"http://ns.adobe.com/xap/1.0/\x00"
EXTENDED_XMP_SIGNATURE = b"http://ns.adobe.com/xmp/extension/\x00"
_SOF = {*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC), *range(0xCD, 0xD0)}
_MAX_EXTENDED_PARTS = 256
EXIF_SIGNATURE = b"Exif\x00\x00"
_SOS, _EOI, _APP1, _APP11, _COM = 0xDA, 0xD9, 0xE1, 0xEB, 0xFE
_STANDALONE = {0x01, 0xD8, *range(0xD0, 0xD8)}


def read_jpeg(buf: ByteSource, meta: RawMetadata) -> None:
    extended: dict[bytes, _ExtendedXmp] = {}
    _walk(buf, meta, extended)
    for guid, parts in extended.items():
        parts.finish(guid, meta)


class _ExtendedXmp:
    """The parts of one Extended XMP packet: (offset, data) pieces of a declared full length."""

    def __init__(self, length: int) -> None:
        self.length = length
        self.pieces: dict[int, bytes] = {}

    def add(self, offset: int, data: bytes) -> None:
        if len(self.pieces) < _MAX_EXTENDED_PARTS:
            self.pieces[offset] = data

    def finish(self, guid: bytes, meta: RawMetadata) -> None:
        where = f"JPEG APP1 Extended XMP {guid.decode('latin-1')}"
        if self.length > MAX_XMP_BYTES:
            detail = f"{where} declares {self.length} bytes; skipped (limit {MAX_XMP_BYTES})"
            meta.problem(UNREADABLE, "too_large", where, detail, size=self.length, limit=MAX_XMP_BYTES)
            return
        packet = bytearray()
        for offset in sorted(self.pieces):
            if offset != len(packet):
                break
            packet += self.pieces[offset]
        if len(packet) != self.length:
            detail = (
                f"{where} is incomplete: {len(packet)} of {self.length} bytes in order; "
                "read what there is with a fallback scan"
            )
            meta.problem(UNREADABLE, "incomplete", where, detail, found=len(packet), length=self.length)
        meta.add_xmp(where.replace(f" {guid.decode('latin-1')}", ""), bytes(packet))


def _walk(buf: ByteSource, meta: RawMetadata, extended: dict[bytes, _ExtendedXmp]) -> None:
    pos = 2
    size = len(buf)
    for _ in range(MAX_ENTRIES):
        if pos + 4 > size:
            meta.errors.append("JPEG ends inside its header segments (truncated)")
            return
        if buf[pos] != 0xFF:
            meta.errors.append(f"JPEG segment marker missing at offset {pos} (corrupt file)")
            return
        marker = buf[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker in _STANDALONE:
            pos += 2
            continue
        if marker == _EOI:
            return
        (length,) = struct.unpack_from(">H", buf, pos + 2)
        end = pos + 2 + length
        if length < 2 or end > size:
            meta.errors.append(f"JPEG segment 0xFF{marker:02X} at offset {pos} runs past the end of the file")
            return
        if marker == _SOS:
            if buf.rfind(b"\xff\xd9", end) < 0:
                meta.errors.append("JPEG ends before its end-of-image marker (truncated)")
            return
        if marker in _SOF and length >= 7:
            height, width = struct.unpack_from(">HH", buf, pos + 5)
            meta.dimensions = (width, height)
        if marker == _APP1 and bytes(buf[pos + 4 : pos + 39]) == EXTENDED_XMP_SIGNATURE:
            _read_extended_part(bytes(buf[pos + 39 : end]), meta, extended)
        elif 0xE0 <= marker <= 0xEF or marker == _COM:
            _read_segment(marker, bytes(buf[pos + 4 : end]), meta)
        pos = end
    meta.errors.append("JPEG has too many segments; stopped reading")


def _read_extended_part(payload: bytes, meta: RawMetadata, extended: dict[bytes, _ExtendedXmp]) -> None:
    """GUID (32 hex characters), full length and this part's offset (big-endian), then the data."""
    if len(payload) < 40:
        where = "JPEG APP1 Extended XMP"
        meta.problem(UNREADABLE, "incomplete", where, f"{where} segment is too short to read")
        return
    guid = payload[:32]
    length, offset = struct.unpack_from(">II", payload, 32)
    parts = extended.get(guid)
    if parts is None:
        if len(extended) >= _MAX_EXTENDED_PARTS:
            return
        parts = extended[guid] = _ExtendedXmp(length)
    parts.add(offset, payload[40:])


def _read_segment(marker: int, payload: bytes, meta: RawMetadata) -> None:
    if marker == _APP1 and payload.startswith(EXIF_SIGNATURE):
        read_exif(payload[len(EXIF_SIGNATURE) :], meta, "JPEG APP1")
    elif marker == _APP1 and payload.startswith(XMP_SIGNATURE):
        meta.add_xmp("JPEG APP1", payload[len(XMP_SIGNATURE) :])
    elif marker == _APP11 and b"jumb" in payload and b"c2pa" in payload:
        if "JPEG APP11 JUMBF" not in meta.c2pa_locations:
            meta.c2pa_locations.append("JPEG APP11 JUMBF")
    elif marker == _COM:
        meta.add_text("JPEG COM", "Comment", decode_text(payload))
    elif payload.lstrip(b"\x00").startswith(b"AIGC"):
        # Bare "AIGC{...}" segment written by some Chinese generators.
        body = payload.lstrip(b"\x00")[4:].lstrip(b"\x00:= ")
        meta.add_text(f"JPEG APP{marker - 0xE0}", "AIGC", decode_text(body))
