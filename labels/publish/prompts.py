"""The audio prompts (GB 45438 audio labels, R17): the rhythm "短长短短" and the spoken "人工智能生成".

The rhythm is Morse "AI" (· − · ·) as 1 kHz tones: a dot is one unit (0.15 s), a dash three, the gap
within a letter one unit and between the letters three, 1.65 s in all, with short fades so no click
is heard. The voice is espeak-ng's Mandarin voice (Debian ``espeak-ng``, offline).
"""

from __future__ import annotations

import array
import math
import sys
import wave
from pathlib import Path

from labels.publish.ffmpeg import find_tool, run_tool

SAMPLE_RATE = 48_000
TONE_HZ = 1000.0
UNIT_SECONDS = 0.15
AMPLITUDE = 0.5  # -6 dBFS: clearly heard, never clipped
FADE_SECONDS = 0.005
# (tone on?, length in units): · gap − letter-gap · gap ·
RHYTHM: tuple[tuple[bool, int], ...] = (
    (True, 1),
    (False, 1),
    (True, 3),
    (False, 3),
    (True, 1),
    (False, 1),
    (True, 1),
)
RHYTHM_SECONDS = UNIT_SECONDS * sum(units for _, units in RHYTHM)
SPOKEN_TEXT = "人工智能生成"
ESPEAK_VOICE = "cmn"  # Mandarin
ESPEAK_TIMEOUT_SECONDS = 30.0


def write_rhythm(path: Path) -> float:
    """Write the · − · · tones as a mono 16-bit WAV; return its length in seconds."""
    samples = array.array("h")
    fade = int(FADE_SECONDS * SAMPLE_RATE)
    phase_step = 2 * math.pi * TONE_HZ / SAMPLE_RATE
    for tone, units in RHYTHM:
        count = round(units * UNIT_SECONDS * SAMPLE_RATE)
        if not tone:
            samples.extend([0] * count)
            continue
        for index in range(count):
            envelope = min(1.0, index / fade, (count - 1 - index) / fade)
            samples.append(round(32767 * AMPLITUDE * envelope * math.sin(phase_step * index)))
    _write_wav(path, samples)
    return len(samples) / SAMPLE_RATE


def write_silence(path: Path, seconds: float) -> float:
    samples = array.array("h", [0] * round(seconds * SAMPLE_RATE))
    _write_wav(path, samples)
    return len(samples) / SAMPLE_RATE


def write_voice(path: Path, *, espeak: str) -> None:
    """Write "人工智能生成" spoken by espeak-ng's Mandarin voice (a WAV at espeak's own rate)."""
    command = [find_tool(espeak, package="espeak-ng"), "-v", ESPEAK_VOICE, "-s", "150", "-w", str(path)]
    run_tool([*command, SPOKEN_TEXT], timeout=ESPEAK_TIMEOUT_SECONDS, what="espeak-ng")


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as reader:
        return reader.getnframes() / reader.getframerate()


def _write_wav(path: Path, samples: array.array[int]) -> None:
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        if sys.byteorder == "big":
            samples = array.array("h", samples)
            samples.byteswap()  # WAV samples are little-endian
        writer.writeframes(samples.tobytes())
