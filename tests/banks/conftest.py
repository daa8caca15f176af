"""Bank tests: verified contributors, images to bank and to disguise, and a fresh PDQ index."""

import io
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from accounts.models import User
from banks.index import forget_index
from banks.models import Action, Bank
from moderation.models import Status, Submission
from moderation.pipeline.services import check_run_execute
from tests.factories import make_contributor
from tests.media_samples import upload
from tests.moderation.builders import submitted

PDQ = Path(__file__).resolve().parents[1] / "fixtures" / "pdq"
BANKED = PDQ / "bridge.jpg"
UNRELATED = PDQ / "q0291.jpg"


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    forget_index()
    yield
    forget_index()


@pytest.fixture
def alice(db: None) -> User:
    return make_contributor("alice", first_name="Alice", last_name="Liddell")


@pytest.fixture
def bob(db: None) -> User:
    return make_contributor("bob", first_name="Bob", last_name="Builder")


@pytest.fixture
def bank(db: None) -> Bank:
    return Bank.objects.create(
        name="Non-consensual imagery", purpose="Refused for missing consent.", action=Action.BLOCK
    )


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue()


def original_bytes(path: Path = BANKED) -> bytes:
    return path.read_bytes()


def disguised_bytes(path: Path = BANKED, quality: int = 55) -> bytes:
    """Cropped by 1 % on each side, resized from 480 to 333 pixels wide, re-encoded at JPEG quality 55:
    22 bits from the original (PDQ is sensitive to crops: 2 % a side is already 36 bits)."""
    with Image.open(path) as image:
        w, h = image.size
        crop = image.crop((int(w * 0.01), int(h * 0.01), w - int(w * 0.01), h - int(h * 0.01)))
        return jpeg(crop.resize((333, 217), Image.Resampling.LANCZOS), quality=quality)


def video_of(image_data: bytes, *, size: str = "320x240", seconds: int = 3) -> bytes:
    """An H.264 MP4 showing the image for a few seconds, made with ffmpeg."""
    with tempfile.TemporaryDirectory() as folder:
        still = Path(folder) / "still.jpg"
        still.write_bytes(image_data)
        out = Path(folder) / "clip.mp4"
        subprocess.run(
            [
                "ffmpeg",
                "-nostdin",
                "-v",
                "error",
                "-loop",
                "1",
                "-i",
                str(still),
                "-t",
                str(seconds),
                "-r",
                "5",
                "-vf",
                f"scale={size.replace('x', ':')}",
                "-pix_fmt",
                "yuv420p",
                "-c:v",
                "libx264",
                "-movflags",
                "+faststart",
                str(out),
            ],
            check=True,
            timeout=120,
        )
        return out.read_bytes()


def submit_file(contributor: User, name: str, data: bytes, **kwargs: Any) -> Submission:
    """Submitted and checked, as a worker would: the item waits for review."""
    submission = submitted(contributor, files=[upload(name, data)], **kwargs)
    for run in submission.check_runs.all():
        check_run_execute(run_id=run.pk, worker="test")
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW
    return submission
