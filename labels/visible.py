"""Visible AI marks drawn into images and the first seconds of video (RULES R10, Measures Art. 6(3)).

Steps:
1. Take the image (Pillow; refused over the pixel limit) or sample frames of a video's first
   ``VIDEO_SECONDS`` seconds with ffmpeg (when it is installed).
2. Cut the top and bottom bands of each picture (GB 45438 §5.2 puts the label at an edge or corner),
   scale them so the picture's short side is about ``_TARGET_SHORT_SIDE`` px (a label at 5 % of the
   short side is then ~32 px high), and stack them into one strip: one OCR call per picture.
3. OCR the strip with RapidOCR (``rapidocr-onnxruntime``; its wheel ships Chinese and English
   models and runs offline), one engine per process, created on first use.
4. Keep only the text whose wording is on the versioned list (``labels.marks``): ordinary text in a
   photo ("欢迎光临", a shop sign, a caption) is read, and is not a mark.

OCR costs about 1-2.5 s a picture on a busy 2-core machine: run it in a background job, never in a
request. ``inspect_media --visible`` and ``InspectOptions(visible=True)`` turn it on.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from labels.marks import Mark, find_marks

logger = logging.getLogger(__name__)

VIDEO_SECONDS = 2.0  # GB 45438 §5.4: the label shows from the first frame for at least 2 s
VIDEO_FRAMES = (0.0, 1.0)  # sampled times, in seconds
BAND = 0.25  # share of the height read at the top and at the bottom
_TARGET_SHORT_SIDE = 640
_MIN_SCORE = 0.6
_engine: Any = None
_engine_lock = threading.Lock()


@dataclass
class VisibleResult:
    marks: list[Mark] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # everything OCR read, marks or not
    pictures: int = 0
    errors: list[str] = field(default_factory=list)


def ocr_engine() -> Any:
    """The process's RapidOCR engine, created on first use (a few seconds: it loads three models)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            from rapidocr_onnxruntime import RapidOCR  # heavy: only when visible marks are asked for

            _engine = RapidOCR()
        return _engine


def find_visible_marks(path: Path, media_type: str, *, max_pixels: int | None = None) -> VisibleResult:
    result = VisibleResult()
    try:
        if media_type.startswith("image/"):
            with Image.open(path) as image:
                if max_pixels and image.width * image.height > max_pixels:
                    result.errors.append(
                        f"visible marks not checked: the image is over the limit of {max_pixels} pixels"
                    )
                    return result
                image.draft("RGB", (image.width // 2 or 1, image.height // 2 or 1))  # JPEG: decode smaller
                _read_picture(ImageOps.exif_transpose(image).convert("RGB"), "image", result)
        elif media_type.startswith("video/"):
            _read_video(path, result)
        else:
            return result
    except ImportError:
        result.errors.append("visible marks not checked: rapidocr_onnxruntime is not installed")
    except (OSError, ValueError, Image.DecompressionBombError, subprocess.SubprocessError) as error:
        result.errors.append(f"visible marks not checked: {type(error).__name__}: {error}")
    return result


def _read_video(path: Path, result: VisibleResult) -> None:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        result.errors.append("visible marks not checked in video: ffmpeg is not installed")
        return
    with tempfile.TemporaryDirectory(prefix="visible-") as folder:
        for index, seconds in enumerate(VIDEO_FRAMES):
            frame = Path(folder) / f"{index}.png"
            command = [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-ss", str(seconds)]
            command += ["-i", str(path), "-frames:v", "1", "-an", "-y", str(frame)]
            subprocess.run(command, check=False, timeout=60, capture_output=True)
            if frame.exists():
                with Image.open(frame) as image:
                    _read_picture(image.convert("RGB"), f"video frame at {seconds:g} s", result)
        if not result.pictures:
            result.errors.append("visible marks not checked in video: no frame could be decoded")


def _read_picture(image: Image.Image, where: str, result: VisibleResult) -> None:
    import numpy

    strip, band_height = _edge_strip(image)
    lines, _ = ocr_engine()(numpy.asarray(strip), use_cls=False)
    result.pictures += 1
    for box, text, score in lines or []:
        if float(score) < _MIN_SCORE:
            continue
        result.texts.append(text)
        edge = "top edge" if min(point[1] for point in box) < band_height else "bottom edge"
        result.marks += find_marks(ocr_fixed(text), where=f"{where}, {edge}", generators=True)


# OCR reads the "I" of "AI" as l, 1, | or ! in sans-serif faces ("Al生成", "Made with Al"), or drops
# it when it stands tight against the next glyph ("A生成").
_MISREAD_AI = re.compile(r"(?<![A-Za-z])A[l1|!](?![a-z])")
_DROPPED_I = re.compile(r"(?<![A-Za-z])A(?=\s*(?:生成|合成))")


def ocr_fixed(text: str) -> str:
    return _DROPPED_I.sub("AI", _MISREAD_AI.sub("AI", text))


def _edge_strip(image: Image.Image) -> tuple[Image.Image, int]:
    """The top and bottom bands, scaled, stacked with a white gap: (strip, height of one band)."""
    scale = min(2.0, _TARGET_SHORT_SIDE / min(image.width, image.height))  # small pictures grow
    width = max(1, round(image.width * scale))
    height = max(1, round(image.height * scale))
    small = image.resize((width, height), Image.Resampling.BILINEAR) if scale != 1 else image
    band = max(1, round(height * BAND))
    gap = 24
    strip = Image.new("RGB", (width, band * 2 + gap), (255, 255, 255))
    strip.paste(small.crop((0, 0, width, band)), (0, 0))
    strip.paste(small.crop((0, height - band, width, height)), (0, band + gap))
    return strip, band + gap // 2
