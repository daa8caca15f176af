"""Running ffmpeg and ffprobe: find them, probe a file, run one bounded job and report its progress.

``run_ffmpeg`` reads ``-progress pipe:1`` (``out_time_us`` against the expected duration) and calls
the progress callback with a fraction 0..1; stderr goes to a temporary file (never a pipe that could
fill and block ffmpeg); a run past its deadline is killed. Every failure is a ``ToolError`` with the
tail of ffmpeg's own message.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

Progress = Callable[[float], None]

STDERR_TAIL_LINES = 12
PROBE_TIMEOUT_SECONDS = 60.0


class ToolError(Exception):
    """ffmpeg, ffprobe or espeak-ng is missing, failed, or ran past its deadline."""


def find_tool(name: str, *, package: str) -> str:
    """The absolute path of ``name`` (a command on PATH or a path), or a ToolError naming the package."""
    path = shutil.which(name)
    if path is None:
        raise ToolError(f"{name} is not installed (Debian: apt-get install {package})")
    return path


@dataclass(frozen=True)
class Stream:
    index: int
    codec_type: str  # video, audio, subtitle, data, attachment
    codec_name: str
    raw: dict[str, Any] = field(repr=False)

    @property
    def is_attached_picture(self) -> bool:
        return bool((self.raw.get("disposition") or {}).get("attached_pic"))

    @property
    def tags(self) -> dict[str, str]:
        return {str(key): str(value) for key, value in (self.raw.get("tags") or {}).items()}

    @property
    def width(self) -> int:
        return int(self.raw.get("width") or 0)

    @property
    def height(self) -> int:
        return int(self.raw.get("height") or 0)

    @property
    def sample_aspect_ratio(self) -> Fraction:
        return _ratio(self.raw.get("sample_aspect_ratio"), default=Fraction(1))

    @property
    def rotation(self) -> int:
        """Clockwise display rotation in degrees (0, 90, 180, 270), from the display matrix."""
        for side_data in self.raw.get("side_data_list") or []:
            if "rotation" in side_data:
                return int(-float(side_data["rotation"])) % 360
        return int(float(self.tags.get("rotate", 0))) % 360

    @property
    def start_time(self) -> float:
        return _float(self.raw.get("start_time"))

    @property
    def duration(self) -> float:
        return _float(self.raw.get("duration"))

    @property
    def sample_rate(self) -> int:
        return int(self.raw.get("sample_rate") or 0)

    @property
    def channels(self) -> int:
        return int(self.raw.get("channels") or 0)

    @property
    def channel_layout(self) -> str:
        return str(self.raw.get("channel_layout") or "")

    @property
    def bit_rate(self) -> int:
        return int(_float(self.raw.get("bit_rate")))

    @property
    def sample_fmt(self) -> str:
        return str(self.raw.get("sample_fmt") or "")

    @property
    def bits_per_raw_sample(self) -> int:
        return int(self.raw.get("bits_per_raw_sample") or 0)


@dataclass(frozen=True)
class Probe:
    format_name: str
    duration: float
    start_time: float
    bit_rate: int
    tags: dict[str, str]
    streams: tuple[Stream, ...]

    def of_type(self, codec_type: str) -> list[Stream]:
        return [stream for stream in self.streams if stream.codec_type == codec_type]

    @property
    def video(self) -> Stream | None:
        """The main video stream: the first that is not a cover picture."""
        return next((s for s in self.of_type("video") if not s.is_attached_picture), None)

    @property
    def audio(self) -> Stream | None:
        streams = self.of_type("audio")
        return streams[0] if streams else None


def probe(path: Path, *, ffprobe: str) -> Probe:
    command = [
        find_tool(ffprobe, package="ffmpeg"),
        *("-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)),
    ]
    try:
        completed = subprocess.run(
            command, capture_output=True, timeout=PROBE_TIMEOUT_SECONDS, check=False, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as error:
        raise ToolError(f"ffprobe did not finish within {PROBE_TIMEOUT_SECONDS:g} s") from error
    if completed.returncode != 0:
        raise ToolError(f"ffprobe cannot read the file: {_tail(completed.stderr.decode(errors='replace'))}")
    document = json.loads(completed.stdout or b"{}")
    fmt = document.get("format") or {}
    streams = tuple(
        Stream(int(raw.get("index", i)), str(raw.get("codec_type", "")), str(raw.get("codec_name", "")), raw)
        for i, raw in enumerate(document.get("streams") or [])
    )
    return Probe(
        format_name=str(fmt.get("format_name", "")),
        duration=_float(fmt.get("duration")),
        start_time=_float(fmt.get("start_time")),
        bit_rate=int(_float(fmt.get("bit_rate"))),
        tags={str(key): str(value) for key, value in (fmt.get("tags") or {}).items()},
        streams=streams,
    )


def run_ffmpeg(
    arguments: Sequence[str],
    *,
    ffmpeg: str,
    duration: float,
    timeout: float,
    progress: Progress | None = None,
    what: str = "ffmpeg",
) -> None:
    """Run ``ffmpeg <arguments>`` (outputs included), reporting progress against ``duration`` seconds."""
    command = [
        find_tool(ffmpeg, package="ffmpeg"),
        *("-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-progress", "pipe:1"),
        *arguments,
    ]
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            process.kill()

        watchdog = threading.Timer(timeout, kill)
        watchdog.start()
        try:
            assert process.stdout is not None
            _follow_progress(process.stdout, duration, progress)
            returncode = process.wait()
        finally:
            watchdog.cancel()
            if process.poll() is None:
                process.kill()
                process.wait()
        if timed_out.is_set():
            raise ToolError(f"{what} did not finish within {timeout:g} s and was stopped")
        if returncode != 0:
            stderr.seek(0)
            message = _tail(stderr.read().decode(errors="replace")) or f"exit status {returncode}"
            raise ToolError(f"{what} failed: {message}")
    if progress is not None:
        progress(1.0)


def _follow_progress(stdout: IO[bytes], duration: float, progress: Progress | None) -> None:
    """Read ffmpeg's key=value progress blocks until the pipe closes; report at most 4 times a second."""
    last_report = 0.0
    for raw_line in stdout:
        key, _, value = raw_line.decode("ascii", errors="replace").strip().partition("=")
        if progress is None or duration <= 0 or key != "out_time_us" or not value.lstrip("-").isdigit():
            continue
        now = time.monotonic()
        if now - last_report >= 0.25:
            last_report = now
            progress(min(max(int(value) / 1_000_000 / duration, 0.0), 1.0))


def run_tool(command: Sequence[str], *, timeout: float, what: str) -> bytes:
    """Run a short helper (espeak-ng): its stdout, or a ToolError with its stderr."""
    try:
        completed = subprocess.run(
            list(command), capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as error:
        raise ToolError(f"{what} did not finish within {timeout:g} s") from error
    if completed.returncode != 0:
        raise ToolError(f"{what} failed: {_tail(completed.stderr.decode(errors='replace'))}")
    return completed.stdout


def _tail(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-STDERR_TAIL_LINES:])


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _ratio(value: Any, *, default: Fraction) -> Fraction:
    """ffprobe's "16:15" or "0:1" (unknown) as a fraction."""
    numerator, _, denominator = str(value or "").partition(":")
    try:
        ratio = Fraction(int(numerator), int(denominator))
    except (ValueError, ZeroDivisionError):
        return default
    return ratio if ratio > 0 else default
