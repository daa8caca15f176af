"""Test helpers for audio and video: make clips with ffmpeg, decode frames and samples, find the
label on frames (pixel difference) and the · − · · rhythm in sound (Goertzel at 1 kHz).

Pure Python on purpose (no numpy): the analysis windows are small.
"""

from __future__ import annotations

import array
import json
import math
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops

TIMEOUT = 120
ANALYSIS_RATE = 8000
WINDOW = 80  # samples: 10 ms at 8 kHz
TONE_HZ = 1000.0
# Two light colours, a fixed seed: the dark label box differs from every pixel behind it by > 48.
GRADIENT = "c0=0xa0c0ff:c1=0xffe0a0:nb_colors=2:seed=1:speed=0.02"


def have(tool: str) -> bool:
    return shutil.which(tool) is not None


def ffmpeg(*arguments: str) -> None:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *arguments],
        check=True,
        timeout=TIMEOUT,
    )


def make_video(
    path: Path,
    *,
    seconds: float = 10,
    size: str = "320x240",
    rate: int = 25,
    video: tuple[str, ...] = ("-c:v", "libx264", "-preset", "ultrafast", "-crf", "12", "-pix_fmt", "yuv420p"),
    audio: tuple[str, ...] = ("-c:a", "aac", "-b:a", "96k"),
    extra: tuple[str, ...] = (),
) -> Path:
    """A smooth, light, moving gradient (re-encoding changes it little) with a 440 Hz tone."""
    ffmpeg(
        *("-f", "lavfi", "-i", f"gradients=s={size}:r={rate}:d={seconds}:{GRADIENT}"),
        *("-f", "lavfi", "-i", f"sine=f=440:d={seconds}:r=48000"),
        *video,
        *audio,
        *extra,
        "-shortest",
        str(path),
    )
    return path


def make_audio(
    path: Path, *, seconds: float = 4, codec: tuple[str, ...] = (), extra: tuple[str, ...] = ()
) -> Path:
    """A 440 Hz tone (no energy at 1 kHz, where the prompt's tones are)."""
    ffmpeg("-f", "lavfi", "-i", f"sine=f=440:d={seconds}:r=44100", *codec, *extra, str(path))
    return path


def frame_at(path: Path, seconds: float) -> Image.Image:
    """The frame shown at ``seconds`` (display rotation applied), as RGB."""
    probe = ffprobe(path, "-select_streams", "v:0", "-show_streams")
    stream = probe["streams"][0]
    width, height = int(stream["width"]), int(stream["height"])
    rotation = stream_rotation(stream)
    if rotation in (90, 270):
        width, height = height, width
    raw = subprocess.run(
        [
            *("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-ss", f"{seconds:.3f}"),
            *("-i", str(path), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"),
        ],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    ).stdout
    return Image.frombytes("RGB", (width, height), raw[: width * height * 3])


def stream_rotation(stream: dict[str, Any]) -> int:
    for side_data in stream.get("side_data_list") or []:
        if "rotation" in side_data:
            return int(-float(side_data["rotation"])) % 360
    return 0


@dataclass(frozen=True)
class LabelOnFrame:
    box: tuple[int, int, int, int] | None  # the changed pixels' bounding box
    text_height: int  # the tallest run of text rows inside it (the Chinese line)


def label_on(before: Image.Image, after: Image.Image, threshold: int = 48) -> LabelOnFrame:
    """Where ``after`` differs from ``before`` by more than ``threshold`` (the label box), and the
    height of the first text line in it (rows with white text pixels on the dark box)."""
    changed = ImageChops.difference(before, after).convert("L")
    box = changed.point(lambda value: 255 if value > threshold else 0).getbbox()
    if box is None:
        return LabelOnFrame(None, 0)
    inset = (box[3] - box[1]) // 10 + 1
    region = after.convert("L").crop((box[0] + inset, box[1], box[2] - inset, box[3]))
    width, height = region.size
    pixels = region.tobytes()
    text_rows = [any(pixels[y * width + x] > 200 for x in range(width)) for y in range(height)]
    runs, run = [], 0
    for is_text in [*text_rows, False]:
        if is_text:
            run += 1
        elif run:
            runs.append(run)
            run = 0
    return LabelOnFrame(box, runs[0] if runs else 0)


def ffprobe(path: Path, *arguments: str) -> dict[str, Any]:
    output = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", *arguments, str(path)],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    ).stdout
    result: dict[str, Any] = json.loads(output)
    return result


def ffprobe_tags(path: Path) -> dict[str, str]:
    """Format tags, then every stream's tags (Ogg keeps its comments on the stream)."""
    probe = ffprobe(path, "-show_format", "-show_streams")
    tags = dict(probe["format"].get("tags") or {})
    for stream in probe["streams"]:
        tags.update(stream.get("tags") or {})
    return tags


def duration(path: Path) -> float:
    return float(ffprobe(path, "-show_format")["format"]["duration"])


def packet_hashes(path: Path, stream: str = "a:0") -> list[str]:
    """The MD5 of every packet of a stream, as stored (no decoding)."""
    output = subprocess.run(
        [
            *("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(path)),
            *("-map", f"0:{stream}", "-c", "copy", "-f", "framemd5", "-"),
        ],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
        text=True,
    ).stdout
    # stream, dts, pts, duration, size, hash[, side data...]
    return [line.split(",")[5].strip() for line in output.splitlines() if line and not line.startswith("#")]


def samples(path: Path, *, start: float = 0.0, seconds: float | None = None) -> array.array[int]:
    """Mono 16-bit samples at 8 kHz from ``start`` (negative: from the end, like ``-sseof``)."""
    position = ["-ss", f"{start:.3f}"] if start >= 0 else ["-sseof", f"{start:.3f}"]
    length = ["-t", f"{seconds:.3f}"] if seconds is not None else []
    raw = subprocess.run(
        [
            *(
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-nostdin",
                *position,
                "-i",
                str(path),
                *length,
            ),
            *("-map", "0:a:0", "-ac", "1", "-ar", str(ANALYSIS_RATE), "-f", "s16le", "-"),
        ],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    ).stdout
    decoded = array.array("h")
    decoded.frombytes(raw[: len(raw) // 2 * 2])
    if sys.byteorder == "big":
        decoded.byteswap()
    return decoded


def tone_runs(decoded: array.array[int], frequency: float = TONE_HZ) -> list[tuple[bool, float]]:
    """(tone on?, seconds) runs of 10 ms windows, the tone's Goertzel power against its loudest window."""
    coefficient = 2 * math.cos(2 * math.pi * frequency / ANALYSIS_RATE)
    powers = []
    for start in range(0, len(decoded) - WINDOW + 1, WINDOW):
        previous = before = 0.0
        for sample in decoded[start : start + WINDOW]:
            previous, before = sample + coefficient * previous - before, previous
        powers.append(previous * previous + before * before - coefficient * previous * before)
    loudest = max(powers, default=0.0) or 1.0
    runs: list[tuple[bool, float]] = []
    for power in powers:
        on = power > 0.2 * loudest
        if runs and runs[-1][0] == on:
            runs[-1] = (on, runs[-1][1] + WINDOW / ANALYSIS_RATE)
        else:
            runs.append((on, WINDOW / ANALYSIS_RATE))
    return runs


def find_morse_ai(runs: list[tuple[bool, float]], unit: float = 0.15, slack: float = 0.05) -> float | None:
    """When · − · · begins (seconds from the start of ``runs``), or None: the seven runs of the
    pattern, each within ``slack`` of its length, then silence or the end."""
    expected = [(True, 1), (False, 1), (True, 3), (False, 3), (True, 1), (False, 1), (True, 1)]
    elapsed = 0.0
    for index in range(len(runs)):
        window = runs[index : index + len(expected)]
        after = runs[index + len(expected) : index + len(expected) + 1]
        matches = len(window) == len(expected) and all(
            on == want and abs(length - units * unit) <= slack
            for (on, length), (want, units) in zip(window, expected, strict=True)
        )
        if matches and (not after or not after[0][0]):
            return elapsed
        elapsed += runs[index][1]
    return None
