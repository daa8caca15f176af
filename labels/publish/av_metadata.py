"""Implicit labels in audio and video renditions: the ffmpeg options, and what ffmpeg cannot write.

Where the one TC260 label goes (GB 45438 Annex E placements, R13):
- MP4, MOV, M4A: ``moov/udta/meta`` keys+ilst item ``AIGC`` (ffmpeg ``-metadata AIGC=…``
  ``-movflags use_metadata_tags``); XMP (the IPTC source type) in a top-level ``uuid`` box.
- WebM, Matroska: a global ``SimpleTag`` named ``AIGC`` (ffmpeg ``-metadata``).
- MP3: an ID3v2.4 ``TXXX`` frame described ``AIGC`` (ffmpeg ``-metadata``, ``-id3v2_version 4``);
  XMP in a ``PRIV`` frame owned by ``XMP``.
- WAV: a top-level RIFF chunk ``AIGC``; XMP in a ``_PMX`` chunk (ffmpeg writes neither).
- FLAC, Ogg: a Vorbis comment ``AIGC=…`` (ffmpeg ``-metadata``; in Ogg on the audio stream).

ffmpeg copies the source's global and stream metadata; every tag that held a label (key ``AIGC`` in
any case, or a value that is a label's JSON) is deleted first, so exactly one remains. XMP boxes,
chunks and frames of the source are not copied by ffmpeg at all.
"""

from __future__ import annotations

import os
import shutil
import struct
import tempfile
from pathlib import Path

from labels import tc260
from labels.containers.base import TextEntry
from labels.publish.ffmpeg import Probe

LABEL_KEY = "AIGC"
XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")


def metadata_arguments(
    probe: Probe,
    label_json: str | None,
    *,
    output_streams: dict[int, int],
    label_on_stream: int | None = None,
) -> list[str]:
    """ffmpeg output options: delete every tag that held a label, then set the one label.

    ``output_streams`` maps input stream index -> output stream index. The label goes into the global
    metadata, or onto output stream ``label_on_stream`` (Ogg keeps comments per stream); without
    ``label_json`` (WAV, whose chunk ffmpeg cannot write) tags are only deleted.
    """
    arguments: list[str] = []
    for key in _label_keys(probe.tags, "format"):
        arguments += ["-metadata", f"{key}="]
    for stream in probe.streams:
        output = output_streams.get(stream.index)
        if output is None:
            continue
        for key in _label_keys(stream.tags, "stream"):
            arguments += [f"-metadata:s:{output}", f"{key}="]
    if label_json is None:
        return arguments
    specifier = "-metadata" if label_on_stream is None else f"-metadata:s:{label_on_stream}"
    return [*arguments, specifier, f"{LABEL_KEY}={label_json}"]


def _label_keys(tags: dict[str, str], where: str) -> list[str]:
    entries = [TextEntry(where, key, value) for key, value in tags.items()]
    labelled = {label.placement for label in tc260.find_labels(entries, [])}
    return [entry.key for entry in entries if entry.placement in labelled]


def append_bmff_xmp(path: Path, xmp: bytes) -> None:
    """Append a top-level XMP ``uuid`` box: after every other box, so no sample offset moves."""
    size = 8 + 16 + len(xmp)
    with open(path, "ab") as output:
        output.write(struct.pack(">I", size) + b"uuid" + XMP_UUID + xmp)


def append_riff_chunks(path: Path, chunks: list[tuple[bytes, bytes]]) -> None:
    """Append chunks to a RIFF file's top level (WAV ``AIGC`` and ``_PMX``) and fix the RIFF size."""
    with open(path, "r+b") as riff:
        header = riff.read(12)
        if len(header) < 12 or header[:4] != b"RIFF":
            raise ValueError("not a RIFF file (ffmpeg wrote RF64 or something else)")
        riff.seek(0, os.SEEK_END)
        if riff.tell() % 2:
            riff.write(b"\x00")
        for chunk_id, data in chunks:
            riff.write(chunk_id + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b""))
        total = riff.tell()
        if total - 8 > 0xFFFFFFFF:
            raise ValueError("the WAV file is too large for a RIFF header (over 4 GB)")
        riff.seek(4)
        riff.write(struct.pack("<I", total - 8))


def add_id3_frame(path: Path, frame_id: bytes, body: bytes) -> None:
    """Add an ID3v2.4 frame to the tag at the start of ``path`` (ffmpeg's MP3), rewriting the file."""
    with open(path, "rb") as mp3:
        header = mp3.read(10)
        if len(header) < 10 or header[:3] != b"ID3" or header[3] != 4:
            raise ValueError("the MP3 does not start with an ID3v2.4 tag")
        if header[5] & 0xD0:  # unsynchronisation, extended header or footer: not what ffmpeg writes
            raise ValueError("the ID3v2.4 tag uses flags this writer does not handle")
        body_size = _syncsafe_decode(header[6:10])
        frames = mp3.read(body_size)
        end = _frames_end(frames)
        frame = frame_id + _syncsafe_encode(len(body)) + b"\x00\x00" + body
        new_body = frames[:end] + frame
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as output:
                output.write(b"ID3\x04\x00\x00" + _syncsafe_encode(len(new_body)) + new_body)
                shutil.copyfileobj(mp3, output, 1024 * 1024)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def xmp_priv_frame_body(xmp: bytes) -> bytes:
    return b"XMP\x00" + xmp


def _frames_end(frames: bytes) -> int:
    """Where the frames of an ID3v2.4 tag body end (padding or the end of the body)."""
    pos = 0
    while pos + 10 <= len(frames) and frames[pos] != 0:
        pos += 10 + _syncsafe_decode(frames[pos + 4 : pos + 8])
    return min(pos, len(frames))


def _syncsafe_decode(raw: bytes) -> int:
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
    return value


def _syncsafe_encode(value: int) -> bytes:
    if value >= 1 << 28:
        raise ValueError("an ID3v2.4 frame or tag cannot exceed 256 MB")
    return bytes([(value >> 21) & 0x7F, (value >> 14) & 0x7F, (value >> 7) & 0x7F, value & 0x7F])
