"""Benchmark known-content matching: PDQ lookups against banks of 100,000 and 1,000,000 hashes,
and the match check's cost per submission.

    python bench/match.py [--sizes 100000 1000000] [--queries 2000] [--submissions 40]

Steps:
1. Index alone (no database): for each size, random 256-bit hashes ("uniform") and hashes made
   of near copies of 2,000 seeds ("clustered": 500 variants each within 8 to 40 bits, the skew a
   bank of real near-duplicates has); build the multi-index; time lookups of planted near
   copies (distance ≤ 24, every one must be found) and of unrelated hashes at threshold 31;
   lookups per second, p50 / p95 / max per lookup. A brute-force numpy scan is timed beside it.
2. Through PostgreSQL: a fresh database `prov_banks_bench` (DATABASE_URL's server), migrated;
   the largest bank loaded with COPY; the time for a worker to load its index from the database
   (cold), and to pick up 1,000 new entries (warm).
3. The match check per submission: image submissions (a 1,600 × 1,004 JPEG and a 480-pixel one,
   both fresh files, so the hashing is included), each run through `BankMatchCheck().run` against
   the largest bank; p50 / p95. Plus one 10-second 640 × 360 video (frames by ffmpeg).
"""

from __future__ import annotations

import sys

sys.path.pop(0)  # keep bench/ off the path (bench/queue.py shadows the standard library)

import argparse
import io
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench import common  # noqa: E402

BENCH_DB = "prov_banks_bench"
SEEDS = 2_000


def percentiles(seconds: list[float]) -> str:
    ms = sorted(value * 1000 for value in seconds)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"p50 {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms, max {ms[-1]:.2f} ms"


def flip_bits(rng: np.random.Generator, packed: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Each row with `counts[i]` random bits flipped."""
    out = packed.copy()
    for i, count in enumerate(counts):
        for bit in rng.choice(256, int(count), replace=False):
            out[i, bit // 64] ^= np.uint64(1) << np.uint64(63 - bit % 64)
    return out


def make_hashes(size: int, kind: str, rng: np.random.Generator) -> np.ndarray:
    if kind == "uniform":
        return rng.integers(0, 2**64 - 1, size=(size, 4), dtype=np.uint64, endpoint=True)
    seeds = rng.integers(0, 2**64 - 1, size=(SEEDS, 4), dtype=np.uint64, endpoint=True)
    parts = []
    for start in range(0, size, 50_000):
        count = min(50_000, size - start)
        rows = seeds[rng.integers(0, SEEDS, count)]
        # XOR with random masks of about 8-40 set bits.
        bits = rng.random((count, 256)) < rng.uniform(8 / 256, 40 / 256, count)[:, None]
        parts.append(rows ^ np.packbits(bits, axis=1).view(">u8").astype(np.uint64))
    return np.concatenate(parts)


def hex_of(row: np.ndarray) -> str:
    return row.astype(">u8").tobytes().hex()


def bench_index(sizes: list[int], queries: int) -> None:
    from banks.index import PdqIndex, distances

    print("\n== 1. The index alone (threshold 31)")
    rng = np.random.default_rng(20261128)
    for size in sizes:
        for kind in ("uniform", "clustered"):
            packed = make_hashes(size, kind, rng)
            started = time.perf_counter()
            index = PdqIndex(np.arange(1, size + 1), np.ones(size), packed)
            built = time.perf_counter() - started
            memory = sum(a.nbytes for a in (index.packed, *index.order, *index.starts)) / 2**20
            targets = rng.integers(0, size, queries)
            near = flip_bits(rng, packed[targets], rng.integers(0, 25, queries))
            unrelated = rng.integers(0, 2**64 - 1, size=(queries, 4), dtype=np.uint64, endpoint=True)
            timings: dict[str, list[float]] = {"near copy": [], "unrelated": []}
            missed = 0
            for label, batch in (("near copy", near), ("unrelated", unrelated)):
                for i, row in enumerate(batch):
                    query = hex_of(row)
                    started = time.perf_counter()
                    hits = index.search(query, 31)
                    timings[label].append(time.perf_counter() - started)
                    if label == "near copy" and not any(hit.entry_id == targets[i] + 1 for hit in hits):
                        missed += 1
            scan = []
            for row in unrelated[:50]:
                started = time.perf_counter()
                found = distances(packed, row)
                _ = np.nonzero(found <= 31)
                scan.append(time.perf_counter() - started)
            everything = timings["near copy"] + timings["unrelated"]
            print(
                f"{size:>9,} {kind:<9} build {built:5.2f} s, {memory:5.0f} MiB | "
                f"{len(everything) / sum(everything):8,.0f} lookups/s | "
                f"near copy {percentiles(timings['near copy'])}"
                f" | unrelated {percentiles(timings['unrelated'])} | missed {missed} | "
                f"numpy scan {percentiles(scan)}"
            )


def configure() -> dict[str, str]:
    return common.configure_environment(
        BENCH_DB,
        "bench/match.py",
        MEDIA_ROOT=str(ROOT / "var" / "bench-match-media"),
        REDIS_URL="",
    )


def load_bank(size: int) -> None:
    """The largest bank, written with COPY (the ORM would take minutes for a million rows)."""

    from banks.models import Action, Bank

    bank = Bank.objects.create(name=f"bench {size}", purpose="bench", action=Action.BLOCK)
    rng = np.random.default_rng(5)
    packed = make_hashes(size, "clustered", rng)
    common.copy_bank_entries(bank.pk, (hex_of(row) for row in packed))


def bench_database(size: int) -> None:
    from banks.index import current_index, forget_index
    from banks.models import Bank, BankEntry, SignalType, Source

    print(f"\n== 2. A worker's index from PostgreSQL ({size:,} entries)")
    started = time.perf_counter()
    load_bank(size)
    print(f"COPY of {size:,} entries: {time.perf_counter() - started:.1f} s")
    forget_index()
    started = time.perf_counter()
    index = current_index()
    print(f"cold load and build: {time.perf_counter() - started:.2f} s ({len(index):,} hashes)")
    started = time.perf_counter()
    current_index()
    print(f"up-to-date check (no change): {(time.perf_counter() - started) * 1000:.2f} ms")
    bank = Bank.objects.get()
    rng = np.random.default_rng(9)
    BankEntry.objects.bulk_create(
        [
            BankEntry(
                bank=bank, signal_type=SignalType.PDQ, value=hex_of(row), quality=100, source=Source.IMPORT
            )
            for row in make_hashes(1_000, "uniform", rng)
        ]
    )
    started = time.perf_counter()
    index = current_index()
    print(
        f"1,000 new entries picked up: {(time.perf_counter() - started) * 1000:.1f} ms "
        f"({len(index):,} hashes)"
    )


def photo(width: int, seed: int) -> bytes:
    """A fresh JPEG each time (so nothing is cached): the bench's bridge photograph, shifted in colour."""
    from PIL import Image, ImageEnhance

    with Image.open(ROOT / "tests" / "fixtures" / "pdq" / "bridge.jpg") as image:
        picture = image.convert("RGB").resize((width, int(width * image.height / image.width)))
    picture = ImageEnhance.Brightness(picture).enhance(0.8 + (seed % 40) / 100)
    picture.putpixel((seed % picture.width, 0), (seed % 256, 7, 7))  # never the same file twice
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=88)
    return out.getvalue()


def video(seconds: int = 10) -> bytes:
    """ffmpeg's moving test pattern, H.264, 25 frames a second."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "clip.mp4"
        command = ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi"]
        command += ["-i", f"testsrc2=size=640x360:rate=25:d={seconds}"]
        command += ["-pix_fmt", "yuv420p", "-c:v", "libx264", str(out)]
        subprocess.run(command, check=True)
        return out.read_bytes()


def bench_check(submissions: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from accounts.roles import Role
    from accounts.selectors import current_terms
    from accounts.services.terms import terms_accept
    from banks.checks import BankMatchCheck
    from moderation.intake.services import RevisionInput, submission_create
    from tests.factories import make_user, verify_identity

    print("\n== 3. The match check per submission (hashing included, index warm)")
    contributor = User.objects.filter(username="bench").first() or verify_identity(
        make_user("bench", Role.CONTRIBUTOR)
    )
    terms = current_terms()
    if terms is not None:  # the terms a fresh install puts in force (accounts/0006)
        terms_accept(user=contributor, terms=terms)
    check = BankMatchCheck()

    def revision_with(name: str, data: bytes) -> object:
        submission, outcome = submission_create(
            contributor=contributor,
            data=RevisionInput(title="bench", body="", declared_ai=False, region="cn", no_real_person=True),
            uploads=[SimpleUploadedFile(name, data)],
        )
        assert not outcome.refused, outcome.refused
        return submission.current_revision

    for width in (1600, 480):
        revisions = [revision_with(f"p{width}-{i}.jpg", photo(width, i)) for i in range(submissions)]
        timings = []
        for revision in revisions:
            started = time.perf_counter()
            check.run(revision)  # type: ignore[arg-type]
            timings.append(time.perf_counter() - started)
        print(f"image {width} px wide: {percentiles(timings)}")
    clip = revision_with("clip.mp4", video())
    started = time.perf_counter()
    result = check.run(clip)  # type: ignore[arg-type]
    print(
        f"video 10 s 640x360: {(time.perf_counter() - started) * 1000:.0f} ms "
        f"({result.data['files'][0]['hashes']} frame hashes kept)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--submissions", type=int, default=40)
    args = parser.parse_args()
    env = configure()
    import django

    django.setup()
    bench_index(args.sizes, args.queries)
    common.recreate_database(env, BENCH_DB)
    common.manage(env, "migrate", "--noinput")
    from django.db import connections

    connections.close_all()
    bench_database(max(args.sizes))
    bench_check(args.submissions)
    connections.close_all()


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main()
