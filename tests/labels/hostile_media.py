"""Hostile files for the label engine (issue 12), made by this script rather than kept as blobs.

    python -m tests.labels.hostile_media OUT_DIR     # writes every file into OUT_DIR

Each entry says what a careful attacker tries and what the engine must answer: a record (never an
exception), in bounded work, and the finding codes that send the item to a human. The tests run
them all through ``inspect_media --json`` (tests/labels/test_hostile_files.py).
"""

from __future__ import annotations

import struct
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from labels import samples
from labels.containers.base import MAX_ENTRIES, MAX_TEXT_BYTES, MAX_XMP_BYTES

LABEL = samples.tc260_json()


@dataclass(frozen=True)
class Hostile:
    name: str
    data: bytes
    attack: str
    codes: frozenset[str] = field(default_factory=frozenset)  # findings it must raise (declared "not AI")
    tier: str = "none"


def _jpeg() -> bytes:
    return samples.image_bytes()


def _png() -> bytes:
    return samples.image_bytes("PNG")


def _doctype(entities: str) -> str:
    return f"<!DOCTYPE x:xmpmeta [{entities}]>"


def _hidden_dst(doctype: str) -> bytes:
    return samples.dst_xmp().replace(b"<?xpacket begin", doctype.encode() + b"<?xpacket begin", 1)


def _billion_laughs() -> bytes:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{n} "{("&a" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    return samples.xmp_packet(
        namespaces={"Iptc4xmpExt": samples.NS_IPTC_EXT},
        elements="<Iptc4xmpExt:DigitalSourceType>&a9;</Iptc4xmpExt:DigitalSourceType>",
        doctype=_doctype(entities),
    )


def _tiny_boxes_mp4(count: int) -> bytes:
    ftyp = samples.bmff_box(b"ftyp", b"isom\x00\x00\x02\x00isom")
    return ftyp + b"\x00\x00\x00\x08free" * count


def _nested_boxes_mp4(depth: int) -> bytes:
    inner = samples.bmff_box(b"AIGC", LABEL.encode())
    for _ in range(depth):
        inner = samples.bmff_box(b"udta", inner)
    return samples.bmff_box(b"ftyp", b"isom\x00\x00\x02\x00isom") + samples.bmff_box(b"moov", inner)


def _nested_riff(depth: int) -> bytes:
    inner = samples.riff_chunk(b"AIGC", LABEL.encode())
    for _ in range(depth):
        inner = samples.riff_chunk(b"LIST", b"hdrl" + inner)
    body = b"AVI " + inner
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _ztxt_bomb() -> bytes:
    # The label sits after more text than a reader inflates: the chunk must not read as "no label".
    packet = b" " * (MAX_TEXT_BYTES + 1024) + samples.tc260_xmp(samples.tc260_json(wrapper=False))
    chunk = samples.png_chunk(b"zTXt", b"XML:com.adobe.xmp\x00\x00" + zlib.compress(packet, 9))
    return samples.png_with(_png(), chunks=[chunk])


def _corrupt_ztxt() -> bytes:
    data = zlib.compress(samples.dst_xmp())
    chunk = samples.png_chunk(b"zTXt", b"XML:com.adobe.xmp\x00\x00" + data[:20] + b"\xff" * 8 + data[28:])
    return samples.png_with(_png(), chunks=[chunk])


def _encrypted_id3() -> bytes:
    frame = samples.id3_txxx("AIGC", LABEL)
    frame = frame[:8] + struct.pack(">H", 0x0004) + frame[10:]  # v2.4 "encrypted" flag
    return samples.mp3_bytes([frame])


def _deep_amf0() -> bytes:
    # onMetaData = {"a": {"a": {... 5,000 objects deep}}}
    body = b"\x02\x00\x0aonMetaData" + b"\x03" + b"\x00\x01a\x03" * 5000
    tag = b"\x12" + len(body).to_bytes(3, "big") + b"\x00" * 7 + body
    return b"FLV\x01\x01" + struct.pack(">I", 9) + b"\x00" * 4 + tag + struct.pack(">I", len(tag))


def _huge_iloc() -> bytes:
    heif = samples.heif_bytes(xmp=samples.dst_xmp())
    at = heif.index(b"iloc") + 4 + 4 + 2  # after version/flags and the size nibbles
    return heif[:at] + b"\xff\xff" + heif[at + 2 :]


def _webm_segment_at_end() -> bytes:
    header = b"\x1a\x45\xdf\xa3" + b"\x84" + b"webm"
    return (header + b"\x00" * 16)[: 16 - 4] + b"\x18\x53\x80\x67"


def _incomplete_extended_xmp() -> bytes:
    extended = samples.tc260_xmp(samples.tc260_json(wrapper=False)) + b" " * 80_000
    jpeg = samples.jpeg_with_extended_xmp(_jpeg(), samples.dst_xmp("digitalCapture"), extended)
    last = jpeg.rindex(b"http://ns.adobe.com/xmp/extension/") - 4
    (length,) = struct.unpack(">H", jpeg[last + 2 : last + 4])
    return jpeg[:last] + jpeg[last + 2 + length :]


def _oversize_xmp() -> bytes:
    packet = samples.dst_xmp().replace(
        b"</rdf:Description>", b"<x:p>" + b"p" * MAX_XMP_BYTES + b"</x:p></rdf:Description>"
    )
    return samples.png_with(_png(), xmp=packet)


def _over_pixel_limit() -> bytes:
    png = _png()
    return png[:16] + struct.pack(">II", 30_000, 30_000) + png[24:]


def hostile_files() -> list[Hostile]:
    unsafe = frozenset({"metadata_unsafe"})
    unreadable = frozenset({"metadata_unreadable"})
    broken = frozenset({"file_unreadable"})
    return [
        Hostile(
            "xmp_unused_entity.jpg",
            samples.jpeg_with(_jpeg(), xmp=_hidden_dst(_doctype('<!ENTITY unused "x">'))),
            "an unused entity declaration to make a safe parser drop the packet and its AI source type",
            unsafe | {"declaration_contradicts_metadata"},
            "confirmed",
        ),
        Hostile(
            "xmp_external_entity.png",
            samples.png_with(_png(), xmp=_hidden_dst(_doctype('<!ENTITY xxe SYSTEM "file:///etc/passwd">'))),
            "an external entity (XXE): never fetched, the packet still read",
            unsafe | {"declaration_contradicts_metadata"},
            "confirmed",
        ),
        Hostile(
            "xmp_billion_laughs.jpg",
            samples.jpeg_with(_jpeg(), xmp=_billion_laughs()),
            "entity expansion bomb",
            unsafe,
        ),
        Hostile(
            "xmp_parameter_entity.webp",
            samples.webp_with(xmp=_hidden_dst(_doctype('<!ENTITY % p "x"> %p;'))),
            "a parameter entity in the DTD",
            unsafe | {"declaration_contradicts_metadata"},
            "confirmed",
        ),
        Hostile("id3_only.mp3", b"ID3", "three bytes of ID3 header", broken),
        Hostile("id3_short_header.mp3", b"ID3\x04\x00", "an ID3 header cut after its version", broken),
        Hostile(
            "webm_segment_at_end.webm",
            _webm_segment_at_end(),
            "a 16-byte WebM whose segment marker ends it",
            broken,
        ),
        Hostile(
            "mp4_tiny_boxes.mp4",
            _tiny_boxes_mp4(MAX_ENTRIES + 10),
            "more 8-byte boxes than a walk takes: it must stop, bounded",
            broken,
        ),
        Hostile("mp4_deep_boxes.mp4", _nested_boxes_mp4(5000), "boxes nested 5,000 deep", broken),
        Hostile("avi_deep_lists.avi", _nested_riff(5000), "LIST chunks nested 5,000 deep", broken),
        Hostile(
            "png_ztxt_bomb.png", _ztxt_bomb(), "an XMP zTXt that inflates past the reader's limit", unreadable
        ),
        Hostile(
            "png_corrupt_ztxt.png", _corrupt_ztxt(), "an XMP zTXt whose deflate stream is corrupt", unreadable
        ),
        Hostile("png_oversize_xmp.png", _oversize_xmp(), "an XMP packet over the size limit", unreadable),
        Hostile(
            "mp3_encrypted_frame.mp3", _encrypted_id3(), "the label in an encrypted ID3 frame", unreadable
        ),
        Hostile("flv_deep_amf.flv", _deep_amf0(), "AMF0 objects nested 5,000 deep", broken),
        Hostile(
            "heic_huge_iloc.heic",
            _huge_iloc(),
            "an iloc box declaring 65,535 items: the items it has are read, the rest reported",
            unreadable | {"declaration_contradicts_metadata"},
            "confirmed",
        ),
        Hostile(
            "jpeg_extended_xmp_cut.jpg",
            _incomplete_extended_xmp(),
            "Extended XMP with its last part missing: what is there is read, the gap reported",
            unreadable | {"declaration_contradicts_metadata"},
            "confirmed",
        ),
        Hostile(
            "gif_xmp_no_end.gif",
            samples.gif_with(xmp=samples.dst_xmp().replace(b'<?xpacket end="w"?>', b"")),
            "a GIF XMP extension that never ends",
            unreadable,
        ),
        Hostile(
            "png_over_pixel_limit.png",
            _over_pixel_limit(),
            "an IHDR of 900 megapixels",
            frozenset({"image_over_pixel_limit"}),
        ),
    ]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for hostile in hostile_files():
        (out / hostile.name).write_bytes(hostile.data)
        print(f"{hostile.name}: {len(hostile.data)} bytes — {hostile.attack}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-media"))
