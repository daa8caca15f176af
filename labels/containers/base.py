"""What the container readers collect: text entries, XMP packets, C2PA locations and read errors.

Every reader walks its container structurally, never decodes pixels or audio, caps what it copies
and stops on the first structural error (recorded in ``errors``) so broken files cannot loop or hang.
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass, field
from typing import Any, TypeAlias

ByteSource: TypeAlias = bytes | bytearray | mmap.mmap

# Caps on what one entry may cost: larger metadata is truncated (text) or skipped (XMP).
MAX_TEXT_BYTES = 4 * 1024 * 1024
MAX_XMP_BYTES = 4 * 1024 * 1024
# Guards on loops over chunks, segments and boxes.
MAX_ENTRIES = 200_000
MAX_DEPTH = 8

# Kinds of metadata problems: "unsafe" when the metadata tries something a safe reader must refuse
# (an XML DTD or entity declaration), "unreadable" when a reader had to give up on an entry
# (malformed, over a size limit, compressed data that does not inflate, an encrypted frame...).
UNSAFE = "unsafe"
UNREADABLE = "unreadable"
LIMIT = "limit"  # the file is over a limit of the engine (e.g. an image over the pixel limit)


@dataclass(frozen=True)
class MetadataProblem:
    """Metadata that could not be read safely: never "no label", always a finding for a human.

    ``reason`` is a stable code (``xml_dtd``, ``xml_malformed``, ``too_large``, ``decompress_failed``,
    ``decode_failed``, ``encrypted``, ``unsupported_version``, ``incomplete``, ``parser_failed``);
    ``params`` holds what a message in any language needs (JSON-able).
    """

    kind: str
    reason: str
    where: str
    detail: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "reason": self.reason,
            "where": self.where,
            "detail": self.detail,
            "params": self.params,
        }


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
    problems: list[MetadataProblem] = field(default_factory=list)
    # (width, height) from the image header, when the reader found one (never from decoded pixels)
    dimensions: tuple[int, int] | None = None

    def add_text(self, container: str, key: str, value: str) -> None:
        self.texts.append(TextEntry(container, key, value[: MAX_TEXT_BYTES // 4]))

    def add_xmp(self, where: str, packet: bytes) -> None:
        if len(packet) > MAX_XMP_BYTES:
            self.problem(
                UNREADABLE,
                "too_large",
                where,
                f"XMP packet in {where} is {len(packet)} bytes; skipped (limit {MAX_XMP_BYTES})",
                size=len(packet),
                limit=MAX_XMP_BYTES,
            )
            return
        self.xmp_packets.append((where, packet))

    def problem(self, kind: str, reason: str, where: str, detail: str, **params: Any) -> None:
        """Record metadata that could not be read safely; the engine reports it as an error too."""
        self.problems.append(MetadataProblem(kind, reason, where, detail, {"where": where, **params}))


def decode_text(raw: bytes, encoding: str = "utf-8") -> str:
    """Decode metadata text leniently: strip NUL padding, never raise."""
    return raw.rstrip(b"\x00").decode(encoding, errors="replace").strip()
