"""Decide a file's MIME type from its first bytes (magic numbers), never from its name, and the
file extension that type goes out with."""

from __future__ import annotations

import mmap
import os

UNKNOWN = "application/octet-stream"
ID3_HEADER = 10

_FTYP_BRANDS = {
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"heim": "image/heic",
    b"heis": "image/heic",
    b"mif1": "image/heif",
    b"msf1": "image/heif",
    b"avif": "image/avif",
    b"avis": "image/avif",
    b"M4A ": "audio/mp4",
    b"M4B ": "audio/mp4",
    b"qt  ": "video/quicktime",
}


def sniff(head: bytes) -> str:
    """Return the MIME type of a file starting with ``head`` (give it at least 64 bytes)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and len(head) >= 12:
        form = head[8:12]
        if form == b"WEBP":
            return "image/webp"
        if form == b"WAVE":
            return "audio/wav"
        if form == b"AVI ":
            return "video/x-msvideo"
        return UNKNOWN
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12], "video/mp4")
    if head.startswith(b"ID3"):
        size = id3_tag_size(head)
        # An ID3 tag, then a FLAC stream: how c2pa-rs signs FLAC (the manifest sits in the tag).
        return "audio/flac" if size and head[size : size + 4] == b"fLaC" else "audio/mpeg"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        return "audio/mpeg"  # MPEG audio frame sync without an ID3 tag
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"FLV\x01"):
        return "video/x-flv"
    if head.startswith(b"OggS"):
        return "video/ogg" if b"\x80theora" in head else "audio/ogg"
    return UNKNOWN


def id3_tag_size(head: bytes) -> int:
    """The size of the ID3v2 tag ``head`` starts with (header and footer included), 0 when none."""
    header = head[:ID3_HEADER]
    if len(header) < ID3_HEADER or not header.startswith(b"ID3") or any(b & 0x80 for b in header[6:10]):
        return 0
    size = 0
    for byte in header[6:10]:  # four 7-bit bytes ("syncsafe")
        size = (size << 7) | byte
    footer = ID3_HEADER if header[5] & 0x10 else 0
    return ID3_HEADER + size + footer


def sniff_buffer(buf: bytes | bytearray | memoryview | mmap.mmap) -> str:
    """``sniff`` on a whole file in memory (or mapped), looking past a leading ID3 tag: a FLAC
    stream behind one is audio/flac, however long the tag."""
    head = bytes(buf[:64])
    size = id3_tag_size(head)
    if size and bytes(buf[size : size + 4]) == b"fLaC":
        return "audio/flac"
    return sniff(head)


def sniff_file(path: str | os.PathLike[str]) -> tuple[str, bytes]:
    """The media type of the file at ``path`` (see ``sniff_buffer``) and its first 64 bytes."""
    with open(path, "rb") as source:
        head = source.read(64)
        size = id3_tag_size(head)
        if size:
            source.seek(size)
            if source.read(4) == b"fLaC":
                return "audio/flac", head
    return sniff(head), head


# The extension a file of each type is given when it leaves the platform (never the name it came with).
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "video/x-matroska": "mkv",
    "audio/mp4": "m4a",
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/flac": "flac",
    "audio/ogg": "ogg",
    "video/ogg": "ogv",
}


def extension_for(media_type: str, head: bytes = b"") -> str:
    """The file extension (no dot) for ``media_type``; "bin" for a type not listed. Ogg Opus is
    "opus" (RFC 7845), told from the first page in ``head``."""
    if media_type == "audio/ogg" and head[28:36] == b"OpusHead":
        return "opus"
    return EXTENSIONS.get(media_type, "bin")
