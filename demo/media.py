"""Media the demo makes itself: pictures drawn with Pillow, then given (or denied) the labels real
tools write: a C2PA manifest signed with the public test certificate, IPTC DigitalSourceType, a
GB 45438 (TC260) implicit label, generator traces, a tampered manifest, two labels at once; and,
when ffmpeg is installed, a short video encoded from frames drawn with Pillow, and a melody."""

import io
import json
import math
import shutil
import struct
import subprocess
import tempfile
import wave
from pathlib import Path

from django.conf import settings
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


def have_ffmpeg() -> bool:
    """Video and audio are published with ffmpeg (LABELS_FFMPEG); without it the demo skips them."""
    return shutil.which(settings.LABELS_FFMPEG) is not None


VIDEO_SIZE = (480, 270)
VIDEO_FPS = 12


def _boat_frame(index: int, frames: int) -> bytes:
    """A paper boat crossing a lake at dusk: one RGB frame."""
    width, height = VIDEO_SIZE
    image = Image.new("RGB", VIDEO_SIZE)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(250 - 120 * t), int(190 - 60 * t), int(150 + 60 * t)))
    water = int(height * 0.6)
    draw.rectangle([0, water, width, height], fill=(40, 90, 140))
    for row in range(water + 8, height, 14):
        offset = (index * 3 + row) % 40
        draw.line([(offset, row), (offset + 30, row)], fill=(90, 150, 200), width=2)
    x = int(-80 + (width + 160) * index / max(frames - 1, 1))
    bob = int(3 * math.sin(index / 2))
    draw.polygon(
        [
            (x, water - 4 + bob),
            (x + 70, water - 4 + bob),
            (x + 55, water + 12 + bob),
            (x + 15, water + 12 + bob),
        ],
        fill=(245, 245, 240),
    )
    draw.polygon(
        [(x + 35, water - 40 + bob), (x + 35, water - 6 + bob), (x + 60, water - 6 + bob)],
        fill=(235, 235, 230),
    )
    return image.tobytes()


def paper_boats_video(seconds: float = 3.0) -> bytes:
    """A 3 s, 480x270 MP4 (H.264 and AAC, about 100 KB): frames drawn with Pillow, encoded by ffmpeg."""
    frames = int(seconds * VIDEO_FPS)
    raw = b"".join(_boat_frame(index, frames) for index in range(frames))
    with tempfile.TemporaryDirectory(prefix="provenant-demo-") as folder:
        output = Path(folder) / "boats.mp4"
        subprocess.run(
            [
                *(settings.LABELS_FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-y"),
                *("-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{VIDEO_SIZE[0]}x{VIDEO_SIZE[1]}"),
                *("-r", str(VIDEO_FPS), "-i", "pipe:0"),
                *("-f", "lavfi", "-i", f"sine=f=330:d={seconds}:r=44100"),
                *("-c:v", "libx264", "-preset", "veryfast", "-crf", "30", "-pix_fmt", "yuv420p"),
                *("-c:a", "aac", "-b:a", "48k", "-shortest", "-movflags", "+faststart", str(output)),
            ],
            input=raw,
            check=True,
            capture_output=True,
            timeout=120,
        )
        return output.read_bytes()


def lullaby_wav(seconds: float = 3.0) -> bytes:
    """A soft three-note melody (no label of its own): mono 16 kHz WAV."""
    rate = 16_000
    notes = (392.0, 330.0, 262.0)
    frames = bytearray()
    total = int(rate * seconds)
    for i in range(total):
        pitch = notes[min(i * len(notes) // total, len(notes) - 1)]
        fade = min(1.0, i / 800, (total - i) / 800)
        frames += struct.pack("<h", int(5000 * fade * math.sin(2 * math.pi * pitch * i / rate)))
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(bytes(frames))
    return out.getvalue()


# The CJK font the visible mark is drawn in: Debian's fonts-wqy-zenhei, or the copy vendored with
# the label engine (labels/fonts). Without either the mark cannot be drawn legibly.
MARK_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path(__file__).resolve().parents[1] / "labels" / "fonts" / "wqy-zenhei.ttc",
)


def mark_font() -> Path | None:
    return next((path for path in MARK_FONTS if path.exists()), None)


def with_drawn_mark(data: bytes, text: str = "AI生成") -> bytes | None:
    """The picture with `text` drawn into its bottom-right corner the way generators stamp their
    output (white, dark outline, ~7 % of the short side), or None without a CJK font."""
    from PIL import ImageFont

    path = mark_font()
    if path is None:
        return None
    image = Image.open(io.BytesIO(data)).convert("RGB")
    draw = ImageDraw.Draw(image)
    face = ImageFont.truetype(str(path), round(min(image.size) * 0.07))
    margin = round(min(image.size) * 0.03)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=face, stroke_width=2)
    x = image.width - margin - (right - left)
    y = image.height - margin - (bottom - top)
    draw.text((x - left, y - top), text, font=face, fill="white", stroke_width=2, stroke_fill=(40, 40, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()
