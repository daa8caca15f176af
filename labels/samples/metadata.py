"""Sample metadata: XMP packets (IPTC source type, TC260 labels), TC260 label JSON, EXIF TIFF blocks."""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from labels import source_types
from labels.tc260 import LABEL_KEYS

NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_IPTC_EXT = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
NS_TC260 = "http://www.tc260.org.cn/ns/AIGC/1.0/"
NS_PLUS = "http://ns.useplus.org/ldf/xmp/1.0/"
PRODUCER_CODE = "001191110102MACQD9K64010000"


def xmp_packet(
    *,
    namespaces: dict[str, str],
    attributes: dict[str, str] | None = None,
    elements: str = "",
    doctype: str = "",
) -> bytes:
    """An XMP packet with one rdf:Description; ``attributes`` maps qualified names to raw values."""
    declarations = " ".join(f"xmlns:{prefix}={quoteattr(uri)}" for prefix, uri in namespaces.items())
    attrs = " ".join(f"{name}={quoteattr(value)}" for name, value in (attributes or {}).items())
    return (
        f'{doctype}<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="{NS_RDF}">'
        f'<rdf:Description rdf:about="" {declarations} {attrs}>{elements}</rdf:Description>'
        "</rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def dst_xmp(
    code: str = "trainedAlgorithmicMedia",
    *,
    prefix: str = "Iptc4xmpExt",
    form: str = "attribute",
    https_namespace: bool = False,
    https_value: bool = False,
    extra_elements: str = "",
) -> bytes:
    """IPTC DigitalSourceType as an attribute, an element with text, or an element with rdf:resource."""
    namespace = NS_IPTC_EXT.replace("http://", "https://") if https_namespace else NS_IPTC_EXT
    value = source_types.IPTC_DST_BASES[1 if https_value else 0] + code
    name = f"{prefix}:DigitalSourceType"
    if form == "attribute":
        return xmp_packet(namespaces={prefix: namespace}, attributes={name: value}, elements=extra_elements)
    if form == "resource":
        element = f"<{name} rdf:resource={quoteattr(value)}/>"
    else:
        element = f"<{name}>{escape(value)}</{name}>"
    return xmp_packet(namespaces={prefix: namespace}, elements=element + extra_elements)


def tc260_fields(label: Any = "1", **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {key: "" for key in LABEL_KEYS}
    fields.update(Label=label, ContentProducer=PRODUCER_CODE, ProduceID="img20250901a7")
    fields.update(overrides)
    return fields


def tc260_json(fields: dict[str, Any] | None = None, *, wrapper: bool = True) -> str:
    inner = fields if fields is not None else tc260_fields()
    return json.dumps({"AIGC": inner} if wrapper else inner, separators=(",", ":"), ensure_ascii=False)


def tc260_xmp(value: str, *, form: str = "element", prefix: str = "TC260", quotes: str = "entity") -> bytes:
    """TC260:AIGC as an element (Doubao) or an attribute (PicWish).

    ``quotes``: "entity" writes ``&quot;`` (the usual form), "raw" leaves the JSON quotes bare (only
    possible in an element), "double" escapes twice (``&amp;quot;``, seen in HTML-escaped exports).
    """
    name = f"{prefix}:AIGC"
    if form == "attribute":
        if quotes == "double":
            value = escape(value, {'"': "&quot;"})
        return xmp_packet(namespaces={prefix: NS_TC260}, attributes={name: value})
    text = escape(value) if quotes == "raw" else escape(value, {'"': "&quot;"})
    if quotes == "double":
        text = escape(text)
    return xmp_packet(namespaces={prefix: NS_TC260}, elements=f"<{name}>{text}</{name}>")


TAG_IMAGE_DESCRIPTION = 0x010E
TAG_MAKE = 0x010F
TAG_SOFTWARE = 0x0131
TAG_ARTIST = 0x013B
TAG_USER_COMMENT = 0x9286


def user_comment(text: str, charset: str = "ASCII") -> bytes:
    """EXIF UserComment: 8-byte charset code then the text ("UNICODE" is UTF-16BE, as piexif writes)."""
    if charset == "UNICODE":
        return b"UNICODE\x00" + text.encode("utf-16-be")
    if charset == "UNDEFINED":
        return b"\x00" * 8 + text.encode("utf-8")
    return b"ASCII\x00\x00\x00" + text.encode("utf-8")


def tiff_exif(
    ifd0: Mapping[int, str | bytes | int] | None = None,
    exif_ifd: Mapping[int, str | bytes | int] | None = None,
    *,
    big_endian: bool = True,
) -> bytes:
    """A TIFF structure: ``str`` values become ASCII entries, ``bytes`` UNDEFINED ones, ``int`` SHORT ones."""
    order = ">" if big_endian else "<"
    entries0 = dict(ifd0 or {})
    ifd_sizes = [len(entries0) + (1 if exif_ifd else 0)]
    if exif_ifd:
        ifd_sizes.append(len(exif_ifd))
    data_offset = 8 + sum(2 + 12 * n + 4 for n in ifd_sizes)
    data = bytearray()

    def build(entries: Mapping[int, str | bytes | int], pointer: int | None) -> bytes:
        nonlocal data
        items: list[tuple[int, int, bytes]] = []
        for tag, value in entries.items():
            if isinstance(value, int):
                items.append((tag, 3, struct.pack(order + "H", value)))
            elif isinstance(value, str):
                items.append((tag, 2, value.encode("utf-8") + b"\x00"))
            else:
                items.append((tag, 7, value))
        if pointer is not None:
            items.append((0x8769, 4, struct.pack(order + "I", pointer)))
        out = bytearray(struct.pack(order + "H", len(items)))
        for tag, type_id, raw in sorted(items):
            count = {3: 1, 4: 1}.get(type_id, len(raw))
            out += struct.pack(order + "HHI", tag, type_id, count)
            if len(raw) <= 4:
                out += raw.ljust(4, b"\x00")
            else:
                out += struct.pack(order + "I", data_offset + len(data))
                data += raw + (b"\x00" if len(raw) % 2 else b"")
        return bytes(out + struct.pack(order + "I", 0))

    exif_offset = 8 + 2 + 12 * ifd_sizes[0] + 4 if exif_ifd else None
    first = build(entries0, exif_offset)
    second = build(exif_ifd, None) if exif_ifd else b""
    header = (b"MM\x00*" if big_endian else b"II*\x00") + struct.pack(order + "I", 8)
    return header + first + second + bytes(data)
