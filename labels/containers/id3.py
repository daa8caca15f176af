"""ID3v2.2 / v2.3 / v2.4 tags (MP3, and WAV ``id3`` chunks): text frames, TXXX, COMM, GEOB and PRIV.

ID3v2.2 frames (three-letter ids, three-byte sizes: TXX, COM, GEO, T..) are read as their v2.3
equivalents. Encrypted frames and frames that do not inflate are metadata problems, not silence.

TXXX with description ``AIGC`` carries a GB 45438 label; GEOB with MIME ``application/c2pa`` carries a
C2PA manifest store; PRIV owned by ``XMP`` carries an XMP packet.
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

C2PA_MIME_TYPES = (b"application/c2pa", b"application/x-c2pa-manifest-store")
_ENCODINGS = {0: "latin-1", 1: "utf-16", 2: "utf-16-be", 3: "utf-8"}
_V22_IDS = {"TXX": "TXXX", "COM": "COMM", "GEO": "GEOB"}


def tag_size(buf: ByteSource, start: int = 0) -> int:
    """Total size of the ID3v2 tag at ``start`` (header included), 0 if there is none."""
    if bytes(buf[start : start + 3]) != b"ID3" or start + 10 > len(buf):
        return 0
    footer = 10 if buf[start + 5] & 0x10 else 0
    return 10 + _syncsafe(bytes(buf[start + 6 : start + 10])) + footer


def read_id3(buf: ByteSource, meta: RawMetadata, where: str = "MP3") -> None:
    if len(buf) < 10:
        meta.errors.append(f"ID3 tag in {where} is truncated")
        return
    major, flags = buf[3], buf[5]
    if major not in (2, 3, 4):
        meta.problem(
            UNREADABLE,
            "unsupported_version",
            f"ID3 tag in {where}",
            f"ID3v2.{major} tag in {where} is not read (only v2.2, v2.3 and v2.4 are)",
            version=f"2.{major}",
        )
        return
    end = 10 + _syncsafe(bytes(buf[6:10]))
    if end > len(buf):
        meta.errors.append(f"ID3 tag in {where} declares {end} bytes but only {len(buf)} exist (truncated)")
        end = len(buf)
    body = bytes(buf[10:end])
    if major < 4 and flags & 0x80:
        body = body.replace(b"\xff\x00", b"\xff")  # v2.2/v2.3 tag-wide unsynchronisation
    pos = 0
    if major > 2 and flags & 0x40 and len(body) >= 4:  # extended header
        pos = _syncsafe(body[:4]) if major == 4 else struct.unpack(">I", body[:4])[0] + 4
    container = f"ID3v2.{major}"
    header = 6 if major == 2 else 10
    for _ in range(MAX_ENTRIES):
        if pos + header > len(body) or body[pos] == 0:
            return  # end of frames or padding
        id_length = 3 if major == 2 else 4
        frame_id = body[pos : pos + id_length].decode("latin-1")
        if not frame_id.isalnum():
            meta.errors.append(f"{container} tag in {where} has a malformed frame header at offset {pos}")
            return
        if major == 2:
            size = int.from_bytes(body[pos + 3 : pos + 6], "big")
            frame_flags = 0
        else:
            raw_size = body[pos + 4 : pos + 8]
            size = _syncsafe(raw_size) if major == 4 else struct.unpack(">I", raw_size)[0]
            frame_flags = struct.unpack(">H", body[pos + 8 : pos + 10])[0]
        data = body[pos + header : pos + header + size]
        if pos + header + size > len(body):
            meta.errors.append(f"{container} frame {frame_id} in {where} runs past the end of the tag")
            return
        pos += header + size
        if major == 2:
            frame_id = _V22_IDS.get(frame_id, frame_id)
        frame_where = f"{container} frame {frame_id} in {where}"
        try:
            payload = _frame_payload(data, frame_flags, major)
        except zlib.error as error:
            meta.problem(
                UNREADABLE,
                "decompress_failed",
                frame_where,
                f"{frame_where} could not be decompressed: {error}",
                error=str(error),
            )
            continue
        if payload is None:
            meta.problem(UNREADABLE, "encrypted", frame_where, f"{frame_where} is encrypted; it was not read")
            continue
        _read_frame(frame_id, payload, container, meta)
    meta.errors.append(f"{container} tag in {where} has too many frames; stopped reading")


def _frame_payload(data: bytes, flags: int, major: int) -> bytes | None:
    """Undo per-frame flags; None for encrypted frames, which cannot be read."""
    if major == 4:
        if flags & 0x0004:
            return None
        if flags & 0x0001:
            data = data[4:]  # data length indicator
        if flags & 0x0002:
            data = data.replace(b"\xff\x00", b"\xff")
        if flags & 0x0008:
            data = zlib.decompressobj().decompress(data, MAX_TEXT_BYTES)
        return data
    if flags & 0x0040:
        return None
    if flags & 0x0080:
        data = zlib.decompressobj().decompress(data[4:], MAX_TEXT_BYTES)
    if flags & 0x0020:
        data = data[1:]  # group identifier
    return data


def _read_frame(frame_id: str, data: bytes, container: str, meta: RawMetadata) -> None:
    if not data:
        return
    encoding = _ENCODINGS.get(data[0], "latin-1")
    if frame_id == "TXXX":
        description, value = _split_encoded(data[1:], data[0])
        meta.add_text(f"{container} TXXX", _decode(description, encoding), _decode(value, encoding))
    elif frame_id == "COMM" and len(data) > 4:
        description, value = _split_encoded(data[4:], data[0])
        meta.add_text(
            f"{container} COMM", _decode(description, encoding) or "Comment", _decode(value, encoding)
        )
    elif frame_id.startswith("T"):
        meta.add_text(container, frame_id, _decode(data[1:], encoding))
    elif frame_id == "GEOB":
        mime, _, _ = data[1:].partition(b"\x00")
        if mime.lower() in C2PA_MIME_TYPES:
            meta.c2pa_locations.append(f"{container} GEOB frame")
    elif frame_id == "PRIV":
        owner, _, private = data.partition(b"\x00")
        if owner == b"XMP":
            meta.add_xmp(f"{container} PRIV frame", private)


def _split_encoded(data: bytes, encoding_byte: int) -> tuple[bytes, bytes]:
    """Split at the first terminator: one NUL for 8-bit encodings, an aligned double NUL for UTF-16."""
    if encoding_byte in (1, 2):
        for index in range(0, len(data) - 1, 2):
            if data[index : index + 2] == b"\x00\x00":
                return data[:index], data[index + 2 :]
        return data, b""
    head, _, tail = data.partition(b"\x00")
    return head, tail


def _decode(raw: bytes, encoding: str) -> str:
    if encoding in ("utf-16", "utf-16-be"):
        return raw.decode(encoding, errors="replace").rstrip("\x00").strip()
    return decode_text(raw, encoding)


def _syncsafe(raw: bytes) -> int:
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
    return value
