"""Sample images: JPEG, PNG, WebP and GIF with metadata spliced in the way real writers place it."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zlib
from collections.abc import Iterable
from typing import Any

from PIL import Image


def image_bytes(
    fmt: str = "JPEG", size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (90, 120, 160)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def noise_jpeg(size: tuple[int, int], seed: int, quality: int = 90) -> bytes:
    """A JPEG of random texture, so its size is realistic (about 150 KB at 480x400)."""
    rng = random.Random(seed)
    noise = Image.effect_noise(size, 60 + rng.randint(0, 40))
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (noise, gradient, noise.rotate(90 * rng.randint(0, 3))))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with(
    jpeg: bytes,
    *,
    exif: bytes | None = None,
    xmp: bytes | None = None,
    segments: Iterable[tuple[int, bytes]] = (),
) -> bytes:
    """Insert APP segments right after SOI (and JFIF APP0, if any)."""
    extra = b""
    if exif is not None:
        extra += jpeg_segment(0xE1, b"Exif\x00\x00" + exif)
    if xmp is not None:
        extra += jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + xmp)
    for marker, payload in segments:
        extra += jpeg_segment(marker, payload)
    insert_at = 2
    if jpeg[2:4] == b"\xff\xe0":
        insert_at = 4 + struct.unpack(">H", jpeg[4:6])[0]
    return jpeg[:insert_at] + extra + jpeg[insert_at:]


def png_chunk(chunk_type: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", zlib.crc32(chunk_type + data))


def png_text(keyword: str, text: str, kind: str = "tEXt") -> bytes:
    key = keyword.encode("latin-1") + b"\x00"
    if kind == "zTXt":
        return png_chunk(b"zTXt", key + b"\x00" + zlib.compress(text.encode("latin-1")))
    if kind == "iTXt":
        return png_chunk(b"iTXt", key + b"\x00\x00\x00\x00" + text.encode("utf-8"))
    return png_chunk(b"tEXt", key + text.encode("latin-1"))


def png_with(
    png: bytes, *, chunks: Iterable[bytes] = (), xmp: bytes | None = None, exif: bytes | None = None
) -> bytes:
    """Insert ready-made chunks (see ``png_text``) before the first IDAT."""
    extra = b"".join(chunks)
    if xmp is not None:
        extra += png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + xmp)
    if exif is not None:
        extra += png_chunk(b"eXIf", exif)
    idat = png.index(b"IDAT") - 4
    return png[:idat] + extra + png[idat:]


def webp_with(
    *, xmp: bytes | None = None, exif: bytes | None = None, size: tuple[int, int] = (64, 48)
) -> bytes:
    buffer = io.BytesIO()
    options: dict[str, Any] = {}
    if xmp is not None:
        options["xmp"] = xmp
    if exif is not None:
        options["exif"] = b"Exif\x00\x00" + exif
    Image.new("RGB", size, (120, 60, 30)).save(buffer, "WEBP", **options)
    return buffer.getvalue()


def gif_with(*, comment: str | None = None, xmp: bytes | None = None) -> bytes:
    """A GIF with a comment extension and/or an XMP application extension (with its magic trailer)."""
    buffer = io.BytesIO()
    Image.new("P", (16, 16), 1).save(buffer, "GIF")
    gif = buffer.getvalue()
    extra = b""
    if comment is not None:
        text = comment.encode("utf-8")
        blocks = b"".join(
            bytes([len(text[i : i + 255])]) + text[i : i + 255] for i in range(0, len(text), 255)
        )
        extra += b"\x21\xfe" + blocks + b"\x00"
    if xmp is not None:
        trailer = b"\x01" + bytes(range(0xFF, -1, -1)) + b"\x00"
        extra += b"\x21\xff\x0bXMP DataXMP" + xmp + trailer
    return gif[:-1] + extra + gif[-1:]


def jpeg_with_extended_xmp(jpeg: bytes, main: bytes, extended: bytes, *, part_size: int = 65400) -> bytes:
    """A JPEG whose XMP is split (XMP spec part 3): the main packet and Extended XMP parts, each
    APP1 segment carrying the GUID (MD5 of the extended packet), its full length and its offset."""
    guid = hashlib.md5(extended).hexdigest().upper().encode()
    segments = [(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + main)]
    for offset in range(0, len(extended), part_size):
        part = extended[offset : offset + part_size]
        header = b"http://ns.adobe.com/xmp/extension/\x00" + guid + struct.pack(">II", len(extended), offset)
        segments.append((0xE1, header + part))
    return jpeg_with(jpeg, segments=segments)


def heif_bytes(
    *,
    xmp: bytes | None = None,
    exif: bytes | None = None,
    brand: bytes = b"heic",
    in_idat: bool = False,
    size: tuple[int, int] = (64, 48),
) -> bytes:
    """A structural HEIF (no image data): ftyp, meta with hdlr, pitm, iinf, iloc, iprp/ispe and the
    XMP (``mime`` item, application/rdf+xml) and EXIF items, stored in ``mdat`` or in ``idat``."""

    def box(box_type: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload) + 8) + box_type + payload

    def full(box_type: bytes, payload: bytes, version: int = 0) -> bytes:
        return box(box_type, bytes([version, 0, 0, 0]) + payload)

    items: list[tuple[int, bytes, bytes]] = [(1, b"hvc1", b"")]
    payloads: dict[int, bytes] = {}
    if xmp is not None:
        items.append((2, b"mime", b"application/rdf+xml\x00"))
        payloads[2] = xmp
    if exif is not None:
        items.append((3, b"Exif", b""))
        payloads[3] = struct.pack(">I", 6) + b"Exif\x00\x00" + exif
    infe = b"".join(
        full(b"infe", struct.pack(">HH", item_id, 0) + item_type + b"\x00" + extra, version=2)
        for item_id, item_type, extra in items
    )
    iinf = full(b"iinf", struct.pack(">H", len(items)) + infe)
    ispe = full(b"ispe", struct.pack(">II", *size))
    iprp = box(b"iprp", box(b"ipco", ispe))
    hdlr = full(b"hdlr", b"\x00" * 4 + b"pict" + b"\x00" * 13)
    pitm = full(b"pitm", struct.pack(">H", 1))
    ftyp = box(b"ftyp", brand + b"\x00\x00\x00\x00mif1" + brand)

    def build(base: int) -> bytes:
        # iloc version 1: offset/length/base-offset sizes 4/4/0, construction method per item
        entries, stored, offset = b"", b"", 0
        for item_id in sorted(payloads):
            data = payloads[item_id]
            method = 1 if in_idat else 0
            where = offset if in_idat else base + offset
            entries += struct.pack(">HHH", item_id, method, 0) + struct.pack(">HII", 1, where, len(data))
            stored += data
            offset += len(data)
        iloc = full(b"iloc", bytes([0x44, 0x00]) + struct.pack(">H", len(payloads)) + entries, version=1)
        idat = box(b"idat", stored) if in_idat and stored else b""
        meta = full(b"meta", hdlr + pitm + iinf + iloc + iprp + idat)
        mdat = box(b"mdat", b"" if in_idat else stored)
        return ftyp + meta + mdat

    first = build(0)
    return build(len(first) - len(box(b"mdat", b"" if in_idat else b"".join(payloads.values()))) + 8)
