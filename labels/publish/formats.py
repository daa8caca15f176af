"""Which rendition a source becomes: its container family, the ffmpeg muxer, where its labels go.

A rendition stays in its source's family (GB 45438 asks for labels, not for a new format): MP4 stays
MP4, MOV stays MOV, WebM stays WebM, Matroska stays Matroska, and each audio format stays itself.
The family is decided from the file's first bytes (``labels.media_types.sniff``) and ffprobe's
format name, never from the file name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from labels.containers.id3 import tag_size
from labels.media_types import sniff
from labels.publish.ffmpeg import Probe
from labels.publish.signing import SIGNABLE_MEDIA_TYPES

# Where the TC260 label goes; see labels.publish.av_metadata.
MP4_KEYS, MATROSKA_TAG, ID3_TXXX, RIFF_CHUNK, VORBIS_COMMENT = "mp4", "matroska", "id3", "riff", "vorbis"


@dataclass(frozen=True)
class AvFormat:
    media_type: str  # of the rendition
    muxer: str  # ffmpeg -f
    extension: str
    placement: str  # one of the placements above
    has_xmp: bool  # the container has a place for XMP that we write (and our engine reads)

    @property
    def can_carry_c2pa(self) -> bool:
        return self.media_type in SIGNABLE_MEDIA_TYPES


MP4 = AvFormat("video/mp4", "mp4", "mp4", MP4_KEYS, True)
MOV = AvFormat("video/quicktime", "mov", "mov", MP4_KEYS, True)
M4A = AvFormat("audio/mp4", "ipod", "m4a", MP4_KEYS, True)
WEBM = AvFormat("video/webm", "webm", "webm", MATROSKA_TAG, False)
MATROSKA = AvFormat("video/x-matroska", "matroska", "mkv", MATROSKA_TAG, False)
MP3 = AvFormat("audio/mpeg", "mp3", "mp3", ID3_TXXX, True)
WAV = AvFormat("audio/wav", "wav", "wav", RIFF_CHUNK, True)
FLAC = AvFormat("audio/flac", "flac", "flac", VORBIS_COMMENT, False)
OGG = AvFormat("audio/ogg", "ogg", "ogg", VORBIS_COMMENT, False)

_BY_SNIFFED = {
    "video/mp4": MP4,
    "video/quicktime": MOV,
    "audio/mp4": M4A,
    "video/webm": WEBM,
    "video/x-matroska": MATROSKA,
    "audio/mpeg": MP3,
    "audio/wav": WAV,
    "audio/flac": FLAC,
}
IMAGE_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "png"}


def head_of(path: str | os.PathLike[str]) -> bytes:
    with open(path, "rb") as source:
        return source.read(64)


def av_format(head: bytes, probe: Probe) -> AvFormat | None:
    """The rendition format of a source, or None when it is no audio or video format we publish."""
    names = set(probe.format_name.split(","))
    if head.startswith(b"OggS") or names == {"ogg"}:
        return OGG
    if "flac" in names:
        return FLAC  # also a FLAC behind an ID3 tag (as c2pa-rs signs FLAC), which sniffs as MP3
    found = _BY_SNIFFED.get(sniff(head))
    if found is MP3 and "mp3" not in names:
        return None
    return found


def rendition_extension(path: str | os.PathLike[str]) -> str:
    """The file extension of the rendition published from ``path`` (no dot): decide the target name
    before calling a renderer. Raises ValueError for a file no renderer publishes."""
    head = head_of(Path(path))
    media_type = sniff(head)
    if media_type in IMAGE_EXTENSIONS:
        return IMAGE_EXTENSIONS[media_type]
    if head.startswith(b"OggS"):
        return "opus" if head[28:36] == b"OpusHead" else OGG.extension  # RFC 7845's extension for Opus
    if media_type == "audio/mpeg" and _flac_behind_id3(Path(path)):
        return FLAC.extension
    found = _BY_SNIFFED.get(media_type)
    if found is None:
        raise ValueError(f"{Path(path).name} is {media_type}, which is not published")
    return found.extension


def _flac_behind_id3(path: Path) -> bool:
    with open(path, "rb") as source:
        head = source.read(10)
        size = tag_size(head)
        if not size:
            return False
        source.seek(size)
        return source.read(4) == b"fLaC"
