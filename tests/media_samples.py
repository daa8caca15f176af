"""Media the tests make themselves: valid files of each type, and every kind of bad file."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

FIXTURES = Path(__file__).resolve().parent / "fixtures"
UPLOADS = FIXTURES / "uploads"


def image_bytes(
    fmt: str = "JPEG", size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (200, 60, 30)
) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    # A little structure so files of different colours differ and thumbnails have content.
    for x in range(0, size[0], 8):
        image.putpixel((x, size[1] // 2), (255, 255, 255))
    image.save(out, format=fmt)
    return out.getvalue()


def fixture_bytes(name: str) -> bytes:
    return (UPLOADS / name).read_bytes()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny PNG whose header promises 900 million pixels."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(64)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    data = image_bytes("JPEG", (256, 256))
    return data[: len(data) // 2]


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("evil.txt", "hello")
    return out.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
EXE = b"MZ\x90\x00" + b"\x00" * 200
