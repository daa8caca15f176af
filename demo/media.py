"""Media the demo makes itself: pictures drawn with Pillow, then given (or denied) the labels real
tools write: a C2PA manifest signed with the public test certificate, IPTC DigitalSourceType, a
GB 45438 (TC260) implicit label, generator traces, a tampered manifest, two labels at once."""

import io
import json
import math
import struct
import wave
from pathlib import Path

from PIL import Image, ImageDraw

from labels import samples, source_types

CERTS = Path(__file__).resolve().parent / "certs"
SIZE = (720, 480)


def picture(scene: str, seed: int = 0, fmt: str = "JPEG") -> bytes:
    """A small landscape or poster, different for each scene and seed, so files never repeat."""
    width, height = SIZE
    palettes = {
        "dawn": ((255, 183, 120), (90, 120, 180), (40, 70, 60)),
        "night": ((20, 20, 60), (120, 40, 140), (10, 10, 20)),
        "sea": ((150, 200, 240), (30, 110, 170), (230, 210, 160)),
        "poster": ((250, 240, 200), (220, 60, 60), (40, 40, 40)),
        "forest": ((180, 220, 200), (60, 130, 80), (30, 60, 40)),
        "studio": ((235, 235, 235), (180, 150, 130), (90, 70, 60)),
    }
    top, bottom, ground = palettes[scene]
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(top[i] * (1 - t) + bottom[i] * t) for i in range(3)))
    sun_x = 120 + (seed * 97) % (width - 240)
    draw.ellipse(
        [sun_x - 45, 90, sun_x + 45, 180], fill=(255, 240, 200) if scene != "night" else (230, 230, 255)
    )
    points = [(0, height)]
    for x in range(0, width + 40, 40):
        points.append((x, int(height * 0.62 + 40 * math.sin((x + seed * 53) / 90))))
    points.append((width, height))
    draw.polygon(points, fill=ground)
    if scene in ("poster", "studio"):
        draw.rectangle([60, 60, width - 60, height - 60], outline=ground, width=6)
        cx = width // 2
        draw.ellipse([cx - 70, 130, cx + 70, 270], fill=(230, 190, 160))  # a face-like oval
        draw.rectangle([cx - 110, 280, cx + 110, 420], fill=bottom)
    out = io.BytesIO()
    image.save(out, format=fmt, quality=88) if fmt == "JPEG" else image.save(out, format=fmt)
    return out.getvalue()


def _cert() -> tuple[bytes, bytes]:
    return (CERTS / "es256.pub").read_bytes(), (CERTS / "es256.pem").read_bytes()


def with_c2pa(
    data: bytes,
    *,
    source_type: str = source_types.TRAINED_ALGORITHMIC_MEDIA,
    title: str = "demo",
    actions: list | None = None,
) -> bytes:
    cert, key = _cert()
    return samples.sign_c2pa(
        data, "image/jpeg", cert_pem=cert, key_pem=key, source_type=source_type, title=title, actions=actions
    )


def tampered(data: bytes) -> bytes:
    """A signed file altered after signing: one byte of the picture flipped."""
    signed = bytearray(with_c2pa(data, title="news photo"))
    position = len(signed) - 200
    signed[position] ^= 0xFF
    return bytes(signed)


def with_iptc_ai(data: bytes) -> bytes:
    return samples.jpeg_with(data, xmp=samples.dst_xmp("trainedAlgorithmicMedia"))


def with_tc260(data: bytes, label: str = "1", produce_id: str = "demo-poster-001") -> bytes:
    fields = samples.tc260_fields(label, ProduceID=produce_id)
    return samples.jpeg_with(data, xmp=samples.tc260_xmp(samples.tc260_json(fields)))


def with_two_tc260(data: bytes) -> bytes:
    """A label in XMP and another in EXIF UserComment: GB 45438 allows one."""
    xmp = samples.tc260_xmp(samples.tc260_json(samples.tc260_fields("1", ProduceID="a1")))
    comment = samples.user_comment(samples.tc260_json(samples.tc260_fields("2", ProduceID="b2")))
    exif = samples.tiff_exif(exif_ifd={samples.TAG_USER_COMMENT: comment})
    return samples.jpeg_with(data, xmp=xmp, exif=exif)


def with_sd_parameters(png: bytes) -> bytes:
    text = (
        "masterpiece, anime girl under cherry blossoms\nNegative prompt: blurry\n"
        "Steps: 28, Sampler: DPM++ 2M, CFG scale: 7, Seed: 1234, Model hash: 6ce0161689"
    )
    return samples.png_with(png, chunks=[samples.png_text("parameters", text)])


def wav_with_tc260(seconds: float = 2.0) -> bytes:
    """Two seconds of a soft two-note chime, with a GB 45438 label in a RIFF chunk `AIGC`."""
    rate = 16_000
    frames = bytearray()
    for i in range(int(rate * seconds)):
        pitch = 440 if i < rate * seconds / 2 else 554
        fade = min(1.0, i / 800, (rate * seconds - i) / 800)
        frames += struct.pack("<h", int(6000 * fade * math.sin(2 * math.pi * pitch * i / rate)))
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(bytes(frames))
    label = json.dumps({"AIGC": samples.tc260_fields("1", ProduceID="voice-0042")}, separators=(",", ":"))
    chunk = samples.riff_chunk(b"AIGC", label.encode())
    body = out.getvalue()[8:] + chunk  # "WAVE" and its chunks, then the label chunk
    return b"RIFF" + struct.pack("<I", len(body)) + body
