"""What the container readers collect: text entries, XMP packets, C2PA locations and read errors.

Every reader walks its container structurally, never decodes pixels or audio, caps what it copies
and stops on the first structural error (recorded in ``errors``) so broken files cannot loop or hang.
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass, field
from typing import TypeAlias

ByteSource: TypeAlias = bytes | bytearray | mmap.mmap

# Caps on what one entry may cost: larger metadata is truncated (text) or skipped (XMP).
MAX_TEXT_BYTES = 4 * 1024 * 1024
MAX_XMP_BYTES = 4 * 1024 * 1024
# Guards on loops over chunks, segments and boxes.
MAX_ENTRIES = 200_000
MAX_DEPTH = 8


@dataclass(frozen=True)
class TextEntry:
    """A named text value found in a container, e.g. PNG ``tEXt`` "parameters" or EXIF ``Software``."""

    container: str
    key: str
    value: str

    @property
    def placement(self) -> str:
        return f"{self.container} {self.key}"


@dataclass
class RawMetadata:
    texts: list[TextEntry] = field(default_factory=list)
    xmp_packets: list[tuple[str, bytes]] = field(default_factory=list)
    c2pa_locations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add_text(self, container: str, key: str, value: str) -> None:
        self.texts.append(TextEntry(container, key, value[: MAX_TEXT_BYTES // 4]))

    def add_xmp(self, where: str, packet: bytes) -> None:
        if len(packet) > MAX_XMP_BYTES:
            self.errors.append(
                f"XMP packet in {where} is {len(packet)} bytes; skipped (limit {MAX_XMP_BYTES})"
            )
            return
        self.xmp_packets.append((where, packet))


def decode_text(raw: bytes, encoding: str = "utf-8") -> str:
    """Decode metadata text leniently: strip NUL padding, never raise."""
    return raw.rstrip(b"\x00").decode(encoding, errors="replace").strip()
