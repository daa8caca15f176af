"""Hashing files for the banks: SHA-256 of every file, PDQ of images and of sampled video frames.

`HASHER_VERSION` is stored with each computed hash; changing how hashes are made means bumping
it, so files are hashed again rather than compared across versions.
"""

from dataclasses import dataclass

from django.conf import settings

from banks.hashing.pdq import pdq_hash_file
from banks.hashing.video import VideoHashError, video_frame_hashes

HASHER_VERSION = "pdq1"

__all__ = ["HASHER_VERSION", "PerceptualHash", "VideoHashError", "perceptual_hashes"]


@dataclass(frozen=True)
class PerceptualHash:
    value: str
    quality: int
    frame_seconds: float | None = None


def perceptual_hashes(path: str, kind: str) -> list[PerceptualHash]:
    """PDQ hashes of an image (one) or a video (one per kept frame); none for audio."""
    if kind == "image":
        pdq = pdq_hash_file(path)
        return [PerceptualHash(pdq.hex, pdq.quality)]
    if kind == "video":
        return [
            PerceptualHash(frame.pdq.hex, frame.pdq.quality, frame.seconds)
            for frame in video_frame_hashes(
                path,
                per_second=settings.BANKS_VIDEO_FRAMES_PER_SECOND,
                max_frames=settings.BANKS_VIDEO_MAX_FRAMES,
                timeout=settings.BANKS_FFMPEG_TIMEOUT_SECONDS,
            )
        ]
    return []
