"""Property-based fuzzing of intake (issue 12): every allowed type's seed, mutated (truncations, bit
flips, huge sizes and counts, slices repeated inside themselves: nested boxes and chunks) or with a
random body behind its magic number, is accepted or refused with a message: never an exception,
never longer than a set time per MB.

CI runs a fixed, derandomized set (``FUZZ_EXAMPLES`` per seed, 40 by default). A longer, random run:
``FUZZ_EXAMPLES=5000 FUZZ_RANDOM=1 pytest tests/security/test_intake_fuzz.py``.
"""

import io
import struct
import time
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moderation.intake.inspection import UploadRefused, inspect
from tests.labels.test_fuzz import EXAMPLES, FUZZ, mutated
from tests.media_samples import fixture_bytes, image_bytes

# A file of N MB is answered within this: generous for a busy 2-core machine, far below a stall.
SECONDS_PER_MB = 1.0
FLOOR_SECONDS = 1.5


def tiny_boxes() -> bytes:
    return struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 0, b"isom") + struct.pack(">I4s", 8, b"free") * 64


SEEDS: dict[str, bytes] = {
    "jpeg": image_bytes("JPEG", (24, 16)),
    "png": image_bytes("PNG", (24, 16)),
    "gif": image_bytes("GIF", (24, 16)),
    "webp": image_bytes("WEBP", (24, 16)),
    "mp4": fixture_bytes("clip.mp4"),
    "webm": fixture_bytes("clip.webm"),
    "mp3": fixture_bytes("tone.mp3"),
    "wav": fixture_bytes("tone.wav"),
    "m4a": fixture_bytes("tone.m4a"),
    "mp4 of tiny boxes": tiny_boxes(),
    "id3": b"ID3\x04\x00\x00\x00\x00\x00\x10" + b"\x00" * 16 + b"\xff\xfb\x90\x64" + bytes(413),
}


def check(data: bytes) -> None:
    started = time.monotonic()
    try:
        inspect(io.BytesIO(data), len(data))
    except UploadRefused as refusal:
        assert str(refusal), "a refusal always says why"
    elapsed = time.monotonic() - started
    assert elapsed < FLOOR_SECONDS + SECONDS_PER_MB * len(data) / 1_048_576, f"{elapsed:.2f} s"


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_short_prefix_of_each_seed_is_answered(name: str) -> None:
    """Every cut in the first 96 bytes, where the headers are (the fuzz below samples the rest)."""
    seed = SEEDS[name]
    for end in range(1, min(len(seed), 96)):
        check(seed[:end])


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_mutated_uploads_are_answered_never_raised(name: str) -> None:
    @FUZZ
    @given(mutated(SEEDS[name]))
    def run(data: bytes) -> None:
        check(data)

    run()


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_random_bodies_behind_each_magic_number_are_answered(name: str) -> None:
    magic = SEEDS[name][:12]

    @FUZZ
    @given(st.binary(max_size=4096))
    def run(body: bytes) -> None:
        check(magic + body)

    run()


def test_the_fuzz_runs_the_configured_number_of_examples() -> None:
    assert EXAMPLES >= 1 and FUZZ.deadline == timedelta(seconds=5)
