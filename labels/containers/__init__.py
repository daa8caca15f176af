"""Container readers: one module per file format, dispatched on the sniffed MIME type."""

from __future__ import annotations

import logging
import struct
import zlib
from collections.abc import Callable

from labels.containers.audio import read_flac, read_ogg
from labels.containers.base import UNREADABLE, ByteSource, RawMetadata, TextEntry
from labels.containers.bmff import read_bmff
from labels.containers.ebml import read_ebml
from labels.containers.flv import read_flv
from labels.containers.gif import read_gif
from labels.containers.id3 import read_id3, tag_size
from labels.containers.jpeg import read_jpeg
from labels.containers.png import read_png
from labels.containers.riff import read_riff

__all__ = ["RawMetadata", "TextEntry", "read_container"]

logger = logging.getLogger(__name__)

# How far the fallback scan for a C2PA manifest store looks in formats we do not walk.
_FALLBACK_SCAN_BYTES = 8 * 1024 * 1024


def _read_mpeg_audio(buf: ByteSource, meta: RawMetadata) -> None:
    if bytes(buf[:3]) == b"ID3" and len(buf) < 10:
        meta.errors.append(f"ID3 tag in MP3 is truncated: {len(buf)} bytes, its header alone is 10")
        return
    size = tag_size(buf)
    if size and bytes(buf[size : size + 4]) == b"fLaC":
        read_flac(buf, meta)  # FLAC behind an ID3 tag (how c2pa signs FLAC): read_flac reads the tag too
    elif size:
        read_id3(buf[:size], meta, "MP3")


_READERS: dict[str, Callable[[ByteSource, RawMetadata], None]] = {
    "image/jpeg": read_jpeg,
    "image/png": read_png,
    "image/gif": read_gif,
    "image/webp": read_riff,
    "audio/wav": read_riff,
    "video/x-msvideo": read_riff,
    "video/mp4": read_bmff,
    "video/quicktime": read_bmff,
    "audio/mp4": read_bmff,
    "image/heic": read_bmff,
    "image/heif": read_bmff,
    "image/avif": read_bmff,
    "audio/mpeg": _read_mpeg_audio,
    "video/webm": read_ebml,
    "video/x-matroska": read_ebml,
    "video/x-flv": read_flv,
    "audio/flac": read_flac,
    "audio/ogg": read_ogg,
    "video/ogg": read_ogg,
}


def read_container(buf: ByteSource, media_type: str) -> RawMetadata:
    """Collect the metadata of a file of ``media_type``; errors are recorded, never raised."""
    meta = RawMetadata()
    reader = _READERS.get(media_type)
    if reader is None and bytes(buf[:4]) == b"OggS":
        reader = read_ogg  # an Ogg file handed in under another type: dispatch on the capture pattern
    if reader is None:
        meta.errors.append(f"unsupported file type {media_type}; only a C2PA byte scan was done")
        head = bytes(buf[:_FALLBACK_SCAN_BYTES])
        if b"jumb" in head and b"c2pa" in head:
            meta.c2pa_locations.append("JUMBF bytes (unrecognised container)")
        return meta
    try:
        reader(buf, meta)
    except (IndexError, ValueError, OverflowError, struct.error, zlib.error) as error:
        # The readers bounds-check what they parse; this is the net for the cases they miss.
        meta.errors.append(f"{media_type} structure could not be read: {error}")
    except RecursionError:
        meta.errors.append(f"{media_type} structure is nested too deeply; stopped reading")
    except Exception as error:  # a reader bug must not hide metadata: a finding, and the log
        logger.exception("container reader for %s failed", media_type)
        meta.errors.append(f"{media_type} structure could not be read: {type(error).__name__}: {error}")
        meta.problem(
            UNREADABLE,
            "parser_failed",
            media_type,
            f"{media_type} metadata could not be read ({type(error).__name__})",
            error=type(error).__name__,
        )
    return meta
