"""How fast intake answers an upload, ordinary or hostile (issue 12).

    python bench/intake.py [--sizes 1,16,100] [--keep DIR]

Steps:
1. Write files of each size (MB) into a temporary folder: ordinary ones (an MP4 whose mdat fills the
   size, a WAV of silence, an MP3 of frames) and adversarial ones (an MP4 of empty 8-byte boxes, a WAV
   of empty chunks, an MP3 whose ID3 tag claims the whole file, a JPEG with a ZIP and 7 bytes after it).
2. Run intake's `inspect` on each (as the upload view does, on the file on disk), best of three.
3. Print, per file, the verdict (accepted or the refusal), the time, and the time to read the same
   file once with SHA-256 (what the upload handler does anyway): "disk speed".
Exit status 1 if any file took 2 s or more.

It needs no database: Django's settings are loaded for the limits only.
"""

from __future__ import annotations

import sys

sys.path.pop(0)  # keep bench/ off the import path (bench/queue.py shadows the standard library)

import argparse
import hashlib
import io
import os
import struct
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MB = 1024 * 1024
FIXTURES = ROOT / "tests" / "fixtures" / "uploads"


def mp4(size: int) -> bytes:
    clip = (FIXTURES / "clip.mp4").read_bytes()
    rest = size - len(clip)
    return clip + struct.pack(">I4s", rest, b"free") + bytes(rest - 8)


def tiny_boxes_mp4(size: int) -> bytes:
    ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 0, b"isom")
    return ftyp + struct.pack(">I4s", 8, b"free") * ((size - len(ftyp)) // 8)


def wav(size: int) -> bytes:
    data = size - 44
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, 44100, 88200, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", size - 8)
        + b"WAVE"
        + fmt
        + struct.pack("<4sI", b"data", data)
        + bytes(data)
    )


def chunky_wav(size: int) -> bytes:
    body = struct.pack("<4sI", b"LIST", 0) * ((size - 12) // 8)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


def mp3(size: int) -> bytes:
    frame = b"\xff\xfb\x90\x64" + bytes(413)  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz: 417 bytes
    return frame * (size // len(frame))


def id3_claims_all(size: int) -> bytes:
    tag = size - 10
    syncsafe = bytes([(tag >> 21) & 0x7F, (tag >> 14) & 0x7F, (tag >> 7) & 0x7F, tag & 0x7F])
    return b"ID3\x04\x00\x00" + syncsafe + bytes(size - 10)


def jpeg_zip_7(size: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 64), "gray").save(out, "JPEG")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        z.writestr("payload.bin", bytes(max(0, size - out.tell() - 200)))
    return out.getvalue() + archive.getvalue() + b"1234567"


KINDS: list[tuple[str, str, Callable[[int], bytes]]] = [
    ("ordinary", "mp4 (moov + large mdat)", mp4),
    ("ordinary", "wav (silence)", wav),
    ("ordinary", "mp3 (frames)", mp3),
    ("hostile", "mp4 of empty 8-byte boxes", tiny_boxes_mp4),
    ("hostile", "wav of empty chunks", chunky_wav),
    ("hostile", "mp3 whose ID3 tag claims the file", id3_claims_all),
    ("hostile", "jpeg + zip + 7 bytes", jpeg_zip_7),
]


def timed(action: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,16,100", help="file sizes in MB, comma-separated")
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from moderation.intake.inspection import UploadRefused, inspect

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-intake-"))
    folder.mkdir(parents=True, exist_ok=True)
    slow = 0
    print(f"{'kind':9} {'file':36} {'MB':>4} {'intake s':>9} {'sha256 s':>9}  verdict")
    for size_mb in (int(s) for s in args.sizes.split(",")):
        for kind, label, make in KINDS:
            path = folder / f"{label.split()[0]}-{kind}-{size_mb}mb.bin"
            path.write_bytes(make(size_mb * MB))
            size = path.stat().st_size

            def run(path: Path = path, size: int = size) -> str:
                with path.open("rb") as stream:
                    try:
                        inspect(stream, size)
                        return "accepted"
                    except UploadRefused as refusal:
                        return f"refused: {refusal}"

            def digest(path: Path = path) -> str:
                hasher = hashlib.sha256()
                with path.open("rb") as stream:
                    while chunk := stream.read(MB):
                        hasher.update(chunk)
                return hasher.hexdigest()

            seconds, verdict = timed(run)
            disk, _ = timed(digest)
            slow += seconds >= 2
            print(f"{kind:9} {label:36} {size_mb:>4} {seconds:>9.4f} {disk:>9.4f}  {str(verdict)[:90]}")
            if not args.keep:
                path.unlink()
    if not args.keep:
        folder.rmdir()
    print("every file answered within 2 s" if not slow else f"{slow} file(s) took 2 s or more")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
