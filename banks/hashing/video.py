"""PDQ of sampled video frames, the way vPDQ does it (facebook/ThreatExchange `vpdq/README.md`):
decode frames at a fixed rate with ffmpeg, hash each with PDQ, and prune a frame that is within
a small distance of the last frame kept (a still scene gives one hash, not sixty).

ffmpeg scales every frame to 256×256 before it reaches us: PDQ reduces to 64×64 anyway, and the
tent filter over 256 pixels keeps the frame hashes close to those of the same picture as a still
image, so a banked image is found inside a video and the other way round.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from banks.hashing.pdq import PdqHash, hamming, hash_from_luma

FRAME_SIDE = 256
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


class VideoHashError(Exception):
    """ffmpeg is missing, timed out, or could not decode the file."""


@dataclass(frozen=True)
class FrameHash:
    seconds: float
    pdq: PdqHash


def ffmpeg_binary(name: str = "ffmpeg") -> str:
    path = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
    if path is None:
        raise VideoHashError(f"{name} is not installed (Debian: apt-get install ffmpeg)")
    return path


def duration_of(path: str, timeout: float) -> float:
    """Seconds, from the container; 0 when ffprobe cannot tell."""
    try:
        result = subprocess.run(
            [
                ffmpeg_binary("ffprobe"),
                "-v",
                "error",
                "-show_entries",
                "format=duration",
                "-of",
                "json",
                path,
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        return float(json.loads(result.stdout or b"{}").get("format", {}).get("duration") or 0)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        return 0.0


def sample_rate(duration: float, *, per_second: float, max_frames: int) -> float:
    """Frames per second to decode: `per_second`, lowered for long videos to stay under max_frames."""
    if duration <= 0:
        return per_second
    return min(per_second, max_frames / duration)


def video_frame_hashes(
    path: str,
    *,
    per_second: float = 1.0,
    max_frames: int = 120,
    prune_distance: int = 2,
    timeout: float = 120.0,
) -> list[FrameHash]:
    """PDQ hashes of frames sampled from a video file, pruned of near repeats."""
    rate = sample_rate(duration_of(path, timeout), per_second=per_second, max_frames=max_frames)
    command = [
        ffmpeg_binary(),
        "-nostdin",
        "-v",
        "error",
        "-i",
        path,
        "-an",
        "-vf",
        f"fps={rate:.6f},scale={FRAME_SIDE}:{FRAME_SIDE}:flags=area,format=rgb24",
        "-frames:v",
        str(max_frames),
        "-f",
        "rawvideo",
        "-",
    ]
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise VideoHashError(f"ffmpeg took longer than {timeout:.0f} s") from exc
    frame_bytes = FRAME_SIDE * FRAME_SIDE * 3
    if result.returncode != 0 and len(result.stdout) < frame_bytes:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise VideoHashError(message[-1] if message else f"ffmpeg exited with {result.returncode}")
    count = len(result.stdout) // frame_bytes
    frames = np.frombuffer(result.stdout[: count * frame_bytes], dtype=np.uint8).reshape(
        count, FRAME_SIDE, FRAME_SIDE, 3
    )
    kept: list[FrameHash] = []
    for index, frame in enumerate(frames):
        pdq = hash_from_luma(frame.astype(np.float32) @ LUMA)
        if kept and hamming(kept[-1].pdq.hex, pdq.hex) <= prune_distance:
            continue
        kept.append(FrameHash(seconds=round(index / rate, 3), pdq=pdq))
    return kept
