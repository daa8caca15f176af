"""Deciding whether an uploaded file may enter the system.

The type is decided from the bytes alone, never from the file name or the browser's header.
Only an allow-list of image, video and audio formats gets through; everything else, including
files that are two things at once (polyglots), is refused with a message that says why.
Nothing here decodes more than it must: images are decoded once, under a pixel limit.
Every walk over a container's structure is bounded in entries and in time (`WalkBudget`), and every
reader refuses short or malformed input with a message, never an exception: an upload is answered
within a couple of seconds whatever its bytes. Deeper parsing (metadata, nested boxes) is the label
check's, in the background.
"""

import logging
import struct
import time
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from moderation.models.choices import MediaKind

logger = logging.getLogger(__name__)

HEAD_BYTES = 64 * 1024
TAIL_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileType:
    mime: str
    kind: MediaKind
    extension: str
    pillow_format: str = ""


JPEG = FileType("image/jpeg", MediaKind.IMAGE, "jpg", "JPEG")
PNG = FileType("image/png", MediaKind.IMAGE, "png", "PNG")
GIF = FileType("image/gif", MediaKind.IMAGE, "gif", "GIF")
WEBP = FileType("image/webp", MediaKind.IMAGE, "webp", "WEBP")
MP4 = FileType("video/mp4", MediaKind.VIDEO, "mp4")
WEBM = FileType("video/webm", MediaKind.VIDEO, "webm")
MP3 = FileType("audio/mpeg", MediaKind.AUDIO, "mp3")
WAV = FileType("audio/wav", MediaKind.AUDIO, "wav")
M4A = FileType("audio/mp4", MediaKind.AUDIO, "m4a")

AUDIO_MP4_BRANDS = {b"M4A ", b"M4B ", b"M4P "}


class UploadRefused(Exception):
    """The file may not enter. The message is for the contributor."""


# A normal MP4 has a handful of top-level boxes (ftyp, moov, mdat, free); a fragmented one a pair per
# fragment: 20,000 is an hour of one-second fragments ten times over. A WAV has a few chunks.
MAX_TOP_LEVEL_BOXES = 20_000
MAX_RIFF_CHUNKS = 1_000


class WalkBudget:
    """At most `entries` steps and `seconds` of wall time for one walk; over either, the upload is
    refused with a message that says so (a structure we cannot check quickly is not accepted)."""

    def __init__(self, *, entries: int, what: str) -> None:
        self.left = entries
        self.what = what
        self.deadline = time.monotonic() + settings.UPLOAD_PARSE_MAX_SECONDS

    def step(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise UploadRefused(
                _("the file has more %(what)s than we accept (a damaged or hostile file?)")
                % {"what": self.what}
            )
        if self.left % 256 == 0 and time.monotonic() > self.deadline:
            raise UploadRefused(
                _("the file's structure takes too long to check (%(what)s): it is not accepted")
                % {"what": self.what}
            )


def sniff(head: bytes) -> FileType | None:
    """The allowed type these first bytes belong to, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head[4:8] == b"ftyp":
        return M4A if head[8:12] in AUDIO_MP4_BRANDS else MP4
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64]:
        return WEBM
    if head.startswith(b"ID3") or _is_mpeg_audio_frame(head[:4]):
        return MP3
    return None


def _is_mpeg_audio_frame(header: bytes) -> bool:
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return False
    version, layer = (header[1] >> 3) & 0x3, (header[1] >> 1) & 0x3
    bitrate, rate = header[2] >> 4, (header[2] >> 2) & 0x3
    return version != 1 and layer == 1 and bitrate not in (0, 15) and rate != 3


def describe_refused(head: bytes) -> str:
    """Name what a refused file is, when we can tell, so the message is useful."""
    lowered = head[:1024].lstrip().lower()
    if lowered.startswith(b"<svg") or (lowered.startswith(b"<?xml") and b"<svg" in lowered):
        return _("an SVG image (SVG can carry scripts and is not accepted)")
    if lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return _("an HTML page")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf\x27\x1c", b"BZh")):
        return _("an archive")
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xce")):
        return _("a program")
    if head.startswith(b"%PDF"):
        return _("a PDF document")
    if head.startswith(b"#!"):
        return _("a script")
    return _("not an image, video or audio format we accept")


# Markup that makes a file a web page too. Each is long enough (5+ bytes, case folded) that
# compressed pixel data contains one by chance in about one file in a million, not one in a
# thousand as a bare "<svg" would.
POLYGLOT_MARKERS = (
    b"<html",
    b"<script",
    b"<svg xmlns",
    b"<?php",
    b"<!doctype html",
    b"<iframe",
    b"javascript:",
)
ZIP_END_OF_DIRECTORY = b"PK\x05\x06"


def _ends_with_zip_directory(tail: bytes) -> bool:
    """A ZIP archive appended to the file. Its end-of-directory record (signature, 18 bytes, a
    comment whose length it states) either ends the file, or, since unzip tolerates bytes after it,
    is preceded by the central directory it points back to (a "PK\\1\\2" entry `size` bytes before
    it). Random bytes rarely line up either way."""
    position = tail.rfind(ZIP_END_OF_DIRECTORY)
    while position != -1:
        record = tail[position : position + 22]
        if len(record) == 22:
            directory_size = struct.unpack("<I", record[12:16])[0]
            comment_length = struct.unpack("<H", record[20:22])[0]
            if position + 22 + comment_length == len(tail):
                return True
            directory = position - directory_size
            if directory_size and directory >= 0 and tail[directory : directory + 4] == b"PK\x01\x02":
                return True
        position = tail.rfind(ZIP_END_OF_DIRECTORY, 0, position)
    return False


def find_polyglot(head: bytes, tail: bytes) -> str | None:
    """A second format hiding in the file: markup, or a ZIP archive appended (GIFAR-style)."""
    for chunk in (head[16:].lower(), tail.lower()):
        for marker in POLYGLOT_MARKERS:
            if marker in chunk:
                return _("it also contains web page or script markup (%(marker)s)") % {
                    "marker": marker.decode()
                }
    if _ends_with_zip_directory(tail):
        return _("it also contains a ZIP archive")
    return None


def size_limit(kind: MediaKind) -> int:
    return int(settings.UPLOAD_MAX_BYTES[kind.value])


@dataclass(frozen=True)
class Inspected:
    file_type: FileType
    width: int | None = None
    height: int | None = None


def inspect(stream: BinaryIO, size: int) -> Inspected:
    """Decide whether the file may enter; raise UploadRefused with the reason if not.

    Steps: refuse empty files; sniff the type from the first bytes (allow-list only); check the
    size limit of that type; look for a second format in head and tail; then verify the
    structure of the format itself (decoding images under the pixel limit).
    """
    if size == 0:
        raise UploadRefused(_("the file is empty"))
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    file_type = sniff(head)
    if file_type is None:
        raise UploadRefused(_("the file is %(what)s") % {"what": describe_refused(head)})
    limit = size_limit(file_type.kind)
    if size > limit:
        raise UploadRefused(
            _("the file is %(size)s MB, more than the %(limit)s MB allowed for %(kind)s files")
            % {"size": _mb(size), "limit": _mb(limit), "kind": file_type.kind.label.lower()}
        )
    stream.seek(max(0, size - TAIL_BYTES))
    tail = stream.read(TAIL_BYTES)
    polyglot = find_polyglot(head, tail)
    if polyglot:
        raise UploadRefused(
            _("the file looks like %(type)s but %(why)s")
            % {"type": file_type.extension.upper(), "why": polyglot}
        )
    stream.seek(0)
    if file_type.kind == MediaKind.IMAGE:
        return _verify_image(stream, file_type)
    if file_type in (MP4, M4A):
        _verify_bmff(stream, size)
    elif file_type == WEBM:
        _verify_webm(head, size)
    elif file_type == WAV:
        _verify_riff(stream, size)
    elif file_type == MP3:
        _verify_mp3(head, size)
    return Inspected(file_type)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def _verify_image(stream: BinaryIO, file_type: FileType) -> Inspected:
    max_pixels = settings.UPLOAD_MAX_IMAGE_PIXELS
    try:
        # Pillow's own bomb guard is process-wide; the explicit check below is the one we rely on.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(stream)
        with image:
            if image.format != file_type.pillow_format:
                raise UploadRefused(
                    _("the file's content is not a valid %(type)s image")
                    % {"type": file_type.extension.upper()}
                )
            width, height = image.size
            if width * height > max_pixels:
                raise UploadRefused(
                    _(
                        "the image is %(w)s × %(h)s pixels, more than the %(max)s million pixels allowed "
                        "(a decompression bomb?)"
                    )
                    % {"w": width, "h": height, "max": max_pixels // 1_000_000}
                )
            image.verify()
        stream.seek(0)
        with Image.open(stream) as image:
            # verify() misses truncated JPEGs; decoding finds them. A JPEG is decoded at 1/8 scale:
            # libjpeg still reads and entropy-decodes every scan to the end (a cut or corrupt stream
            # fails the same way), but skips most of the inverse DCT and colour work. No-op for
            # other formats.
            image.draft(None, (max(1, width // 8), max(1, height // 8)))
            image.load()
    except UploadRefused:
        raise
    except Image.DecompressionBombError as exc:
        raise UploadRefused(
            _("the image has more than the %(max)s million pixels allowed (a decompression bomb?)")
            % {"max": max_pixels // 1_000_000}
        ) from exc
    except UnidentifiedImageError as exc:
        # Pillow's message names the temporary file object: never show it to the contributor.
        logger.info("Upload refused, no %s decoder recognised it: %s", file_type.extension, exc)
        raise UploadRefused(
            _("the file starts like a %(type)s image, but its content is not an image")
            % {"type": file_type.extension.upper()}
        ) from exc
    except (OSError, SyntaxError, ValueError, struct.error) as exc:
        logger.info("Upload refused, damaged %s: %s", file_type.extension, exc)
        raise UploadRefused(_("the image is damaged or truncated")) from exc
    return Inspected(file_type, width=width, height=height)


def _verify_bmff(stream: BinaryIO, size: int) -> None:
    """Top-level MP4 boxes must tile the file exactly and include the movie header."""
    offset, seen = 0, set()
    budget = WalkBudget(entries=MAX_TOP_LEVEL_BOXES, what=_("top-level boxes"))
    while offset < size:
        budget.step()
        stream.seek(offset)
        header = stream.read(16)
        if len(header) < 8:
            raise UploadRefused(_("the video is truncated"))
        box_size, box_type = struct.unpack(">I4s", header[:8])
        if box_size == 1:
            if len(header) < 16:
                raise UploadRefused(_("the video is truncated"))
            box_size = struct.unpack(">Q", header[8:16])[0]
        elif box_size == 0:
            box_size = size - offset
        if box_size < 8 or offset + box_size > size:
            raise UploadRefused(
                _("the video is truncated or damaged (box %(box)s)") % {"box": box_type.decode("latin-1")}
            )
        seen.add(box_type)
        offset += box_size
    if b"moov" not in seen and b"moof" not in seen:
        raise UploadRefused(_("the video has no movie header (moov): it is incomplete"))


def _read_vint(data: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(data):
        raise UploadRefused(_("the video is truncated (the WebM header ends early)"))
    first = data[pos]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8 or pos + length > len(data):
        raise UploadRefused(_("the video is damaged (bad EBML header)"))
    value = first & (0xFF >> length)
    for byte in data[pos + 1 : pos + length]:
        value = (value << 8) | byte
    unknown = value == (1 << (7 * length)) - 1
    return (-1 if unknown else value), length


def _verify_webm(head: bytes, size: int) -> None:
    header_size, length = _read_vint(head, 4)
    pos = 4 + length + header_size
    if head[pos : pos + 4] != b"\x18\x53\x80\x67":
        raise UploadRefused(_("the video is damaged (no WebM segment)"))
    segment_size, length = _read_vint(head, pos + 4)
    if segment_size >= 0 and pos + 4 + length + segment_size > size:
        raise UploadRefused(_("the video is truncated"))


def _verify_riff(stream: BinaryIO, size: int) -> None:
    stream.seek(0)
    header = stream.read(12)
    if len(header) < 12:
        raise UploadRefused(_("the audio file is truncated"))
    declared = struct.unpack("<I", header[4:8])[0] + 8
    if declared > size:
        raise UploadRefused(_("the audio file is truncated"))
    offset, chunks = 12, set()
    budget = WalkBudget(entries=MAX_RIFF_CHUNKS, what=_("RIFF chunks"))
    while offset + 8 <= min(declared, size):
        budget.step()
        stream.seek(offset)
        chunk_id, chunk_size = struct.unpack("<4sI", stream.read(8))
        if offset + 8 + chunk_size > size:
            raise UploadRefused(
                _("the audio file is truncated (chunk %(chunk)s)") % {"chunk": chunk_id.decode("latin-1")}
            )
        chunks.add(chunk_id)
        offset += 8 + chunk_size + (chunk_size & 1)
    if not {b"fmt ", b"data"} <= chunks:
        raise UploadRefused(_("the audio file has no sound data"))


def _verify_mp3(head: bytes, size: int) -> None:
    offset = 0
    if head.startswith(b"ID3"):
        if len(head) < 10:
            raise UploadRefused(_("the audio file is truncated (its ID3 tag ends early)"))
        tag_size = 0
        for byte in head[6:10]:
            tag_size = (tag_size << 7) | (byte & 0x7F)
        offset = 10 + tag_size + (10 if head[5] & 0x10 else 0)
    if offset + 4 > size:
        raise UploadRefused(_("the audio file is truncated (no MP3 frames after the tag)"))
    frame = head[offset : offset + 4]
    # A tag longer than what we read hides the first frame; the size check above must do then.
    if len(frame) == 4 and not _is_mpeg_audio_frame(frame):
        raise UploadRefused(_("the audio file has no MP3 frames"))
