"""Helpers for tests that make real media with Debian's ffmpeg (installed by .ci/run)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import skip_or_fail


def ffmpeg() -> str:
    path = shutil.which("ffmpeg")
    if path is None:
        skip_or_fail("ffmpeg is not installed (apt-get install ffmpeg)")
        raise AssertionError("unreachable")
    return path


def make_media(out: Path, *args: str, video: bool = False, seconds: float = 0.2) -> Path:
    """A short test file from lavfi sources: a tone, or a colour field with a tone."""
    source = ["-f", "lavfi", "-i", f"sine=d={seconds}"]
    if video:
        source = ["-f", "lavfi", "-i", f"color=c=navy:s=96x64:d={seconds}", *source, "-shortest"]
    command = [ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", *source, *args, str(out)]
    subprocess.run(command, check=True, timeout=120)
    return out
