"""Benchmark the label engine against exiftool on the same generated files, in the same run.

    python bench/label_checks.py [--files 1000] [--keep DIR] [--seed 7] [--jobs 0]

Steps:
1. Generate the files into a temporary folder: JPEGs of realistic size (~100-250 KB), 10 % of them
   signed with C2PA (the c2pa-rs test certificate), the rest spread over XMP IPTC source types,
   TC260 labels in XMP, PNG text chunks, EXIF labels, generator traces and plain files.
2. Run the engine over all of them in this process, without and with a C2PA trust list (checking
   the signer against trust anchors costs about 2 ms a signed file).
3. Check every file got the tier it was made for; a mismatch is an error (exit status 1).
4. Run one ``exiftool -fast2 -json`` process over all of them, once reading all tags, once reading
   only the tags a label check needs.
5. Run ``manage.py inspect_media --json`` over all of them as a command, on one process and on
   ``--jobs`` processes (0: one per core), without and with the trust list. Commands are timed
   with their startup excluded, for exiftool too: each is also run on one file, and the rate is
   (files - 1) / (time for all - time for one).
6. Print files/s for each and the ratios of ``inspect_media --json`` to ``exiftool -fast2``.

It needs no Django settings and no database; it needs Debian's exiftool on the PATH.
"""

from __future__ import annotations

import sys

# bench/queue.py shares its name with the standard library's `queue`: keep bench/ (this
# script's own directory) off the import path, or the first `import queue` finds it.
sys.path.pop(0)

import argparse
import functools
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from labels import samples  # noqa: E402
from labels.engine import InspectOptions, inspect_file  # noqa: E402

CERTS = ROOT / "tests" / "fixtures" / "media" / "corpus" / "certs"
LABEL_TAGS = [
    "-XMP-iptcExt:DigitalSourceType",
    "-XMP-iptcExt:AISystemUsed",
    "-XMP-TC260:all",
    "-EXIF:UserComment",
    "-EXIF:ImageDescription",
    "-EXIF:Software",
    "-EXIF:Make",
    "-EXIF:Artist",
    "-PNG:all",
    "-JUMBF:all",
]
# Share of each kind of file; C2PA is 10 % as the brief asks.
MIX = {
    "c2pa": 10,
    "xmp_dst": 15,
    "tc260_xmp": 15,
    "png_text": 10,
    "exif_label": 10,
    "trace": 10,
    "plain": 30,
}
EXPECTED_TIER = {
    "c2pa": "confirmed",
    "xmp_dst": "confirmed",
    "tc260_xmp": "confirmed",
    "png_text": "suspected",
    "exif_label": "confirmed",
    "trace": "suspected",
    "plain": "none",
}


@dataclass(frozen=True)
class Sample:
    path: Path
    kind: str


def generate(folder: Path, count: int, seed: int) -> list[Sample]:
    rng = random.Random(seed)
    sizes = [(480, 400), (520, 440), (560, 420), (600, 450), (500, 500), (640, 400)]
    jpegs = [samples.noise_jpeg(sizes[i % len(sizes)], seed=seed + i) for i in range(12)]
    pngs = [samples.noise_jpeg((256, 256), seed=seed + i) for i in range(4)]
    png_bases = [_png_from_jpeg(data) for data in pngs]
    cert, key = (CERTS / "es256.pub").read_bytes(), (CERTS / "es256.pem").read_bytes()
    kinds = [kind for kind, share in MIX.items() for _ in range(share)]
    builders: dict[str, Callable[[bytes, int], tuple[str, bytes]]] = {
        "c2pa": lambda base, i: ("jpg", samples.sign_c2pa(base, "image/jpeg", cert_pem=cert, key_pem=key)),
        "xmp_dst": lambda base, i: (
            "jpg",
            samples.jpeg_with(
                base,
                xmp=samples.dst_xmp(
                    prefix=rng.choice(["Iptc4xmpExt", "iptcExt"]), form=rng.choice(["attribute", "element"])
                ),
            ),
        ),
        "tc260_xmp": lambda base, i: (
            "jpg",
            samples.jpeg_with(
                base,
                xmp=samples.tc260_xmp(
                    samples.tc260_json(samples.tc260_fields(ProduceID=f"img{i:06d}")),
                    form=rng.choice(["element", "attribute"]),
                ),
            ),
        ),
        "png_text": lambda base, i: (
            "png",
            samples.png_with(
                png_bases[i % len(png_bases)],
                chunks=[samples.png_text("parameters", f"a fox {i}\nSteps: 20, Sampler: Euler a, Seed: {i}")],
            ),
        ),
        "exif_label": lambda base, i: (
            "jpg",
            samples.jpeg_with(
                base,
                exif=samples.tiff_exif(
                    {samples.TAG_SOFTWARE: "Camera 1.0"},
                    {samples.TAG_USER_COMMENT: samples.user_comment(samples.tc260_json())},
                ),
            ),
        ),
        "trace": lambda base, i: (
            "jpg",
            samples.jpeg_with(
                base,
                exif=samples.tiff_exif(
                    {
                        samples.TAG_SOFTWARE: rng.choice(
                            ["Midjourney v6", "Adobe Firefly", "DALL-E 3", "NovelAI"]
                        )
                    }
                ),
            ),
        ),
        "plain": lambda base, i: (
            "jpg",
            samples.jpeg_with(
                base,
                exif=samples.tiff_exif(
                    {samples.TAG_MAKE: "Canon", samples.TAG_SOFTWARE: "Adobe Photoshop 25.0"}
                ),
            ),
        ),
    }
    generated = []
    for index in range(count):
        kind = kinds[index % len(kinds)]
        extension, data = builders[kind](jpegs[rng.randrange(len(jpegs))], index)
        path = folder / f"{index:05d}_{kind}.{extension}"
        path.write_bytes(data)
        generated.append(Sample(path, kind))
    return generated


def _png_from_jpeg(jpeg: bytes) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).save(buffer, "PNG")
    return buffer.getvalue()


def run_engine(files: list[Sample], options: InspectOptions) -> tuple[float, list[str]]:
    inspect_file(files[0].path, options=options)  # load the native C2PA library before timing
    mismatches = []
    started = time.perf_counter()
    reports = [inspect_file(sample.path, options=options) for sample in files]
    elapsed = time.perf_counter() - started
    for sample, report in zip(files, reports, strict=True):
        if report.tier != EXPECTED_TIER[sample.kind] or report.errors:
            mismatches.append(f"{sample.path.name}: tier {report.tier}, errors {report.errors}")
    return elapsed, mismatches


def run_exiftool(files: list[Sample], folder: Path, tags: list[str]) -> float:
    argfile = folder / "files.args"
    argfile.write_text("".join(f"{sample.path}\n" for sample in files), encoding="utf-8")
    started = time.perf_counter()
    completed = subprocess.run(
        ["exiftool", "-fast2", "-json", *tags, "-@", str(argfile)], capture_output=True, check=False
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"exiftool failed: {completed.stderr.decode(errors='replace')[:500]}")
    return elapsed


def run_inspect_media(files: list[Sample], jobs: int, trust: bool) -> float:
    """``manage.py inspect_media --json`` over ``files``; checks every record's tier."""
    command = [sys.executable, str(ROOT / "manage.py"), "inspect_media", "--json", "--jobs", str(jobs)]
    if trust:
        command += ["--trust-anchors", str(CERTS / "test_cert_root_bundle.pem")]
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.labels.command_settings"}
    started = time.perf_counter()
    completed = subprocess.run(
        [*command, *(str(sample.path) for sample in files)], capture_output=True, check=False, env=environment
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"inspect_media failed: {completed.stderr.decode(errors='replace')[:500]}")
    tiers = [json.loads(line)["tier"] for line in completed.stdout.decode().splitlines()]
    if tiers != [EXPECTED_TIER[sample.kind] for sample in files]:
        raise RuntimeError("inspect_media gave a file the wrong tier")
    return elapsed


def _command(chosen: list[Sample], *, jobs: int, trust: bool) -> float:
    return run_inspect_media(chosen, jobs, trust)


REPEAT = 3


def without_startup(run: Callable[[list[Sample]], float], files: list[Sample]) -> float:
    """Seconds for ``files`` less the seconds for one file, each the best of REPEAT runs (other
    work on the machine only ever adds time): the command's startup is excluded."""
    one = min(run(files[:1]) for _ in range(REPEAT))
    return max(min(run(files) for _ in range(REPEAT)) - one, 1e-6)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="how many files to generate (default 1000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command; the best counts")
    parser.add_argument(
        "--jobs", type=int, default=0, help="inspect_media --jobs for the parallel run (0: per core)"
    )
    args = parser.parse_args()
    if args.files < 10:
        parser.error("--files must be at least 10")
    global REPEAT
    REPEAT = max(1, args.repeat)
    if shutil.which("exiftool") is None:
        print("exiftool is not installed (Debian: apt-get install libimage-exiftool-perl)", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="label-bench-") as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        files = generate(folder, args.files, args.seed)
        generation = time.perf_counter() - started
        total_bytes = sum(sample.path.stat().st_size for sample in files)
        jpeg_sizes = sorted(sample.path.stat().st_size for sample in files if sample.path.suffix == ".jpg")
        kinds = Counter(sample.kind for sample in files)

        engine_seconds, mismatches = run_engine(files, InspectOptions())
        trust_list = InspectOptions(trust_anchors_pem=(CERTS / "test_cert_root_bundle.pem").read_text())
        trusted_seconds, trusted_mismatches = run_engine(files, trust_list)
        mismatches += trusted_mismatches
        exiftool_all = without_startup(lambda chosen: run_exiftool(chosen, folder, []), files)
        exiftool_labels = without_startup(lambda chosen: run_exiftool(chosen, folder, LABEL_TAGS), files)
        commands = {
            (jobs, trust): without_startup(functools.partial(_command, jobs=jobs, trust=trust), files)
            for jobs in (1, args.jobs)
            for trust in (False, True)
        }

    count = len(files)
    print(f"{count} files generated in {generation:.1f} s, {total_bytes / 1e6:.1f} MB in all")
    print("  " + ", ".join(f"{kind} {kinds[kind]}" for kind in MIX))
    print(
        f"  JPEG sizes: median {jpeg_sizes[len(jpeg_sizes) // 2] / 1000:.0f} KB, "
        f"min {jpeg_sizes[0] / 1000:.0f} KB, max {jpeg_sizes[-1] / 1000:.0f} KB"
    )
    print()
    jobs_name = f"{args.jobs or os.cpu_count()} processes"
    rows = [
        ("labels engine in-process, no trust list", engine_seconds, count),
        ("labels engine in-process, with trust list", trusted_seconds, count),
        ("inspect_media --json, 1 process, no trust list", commands[(1, False)], count - 1),
        ("inspect_media --json, 1 process, trust list", commands[(1, True)], count - 1),
        (f"inspect_media --json, {jobs_name}, no trust list", commands[(args.jobs, False)], count - 1),
        (f"inspect_media --json, {jobs_name}, trust list", commands[(args.jobs, True)], count - 1),
        ("exiftool -fast2, all tags", exiftool_all, count - 1),
        ("exiftool -fast2, label tags", exiftool_labels, count - 1),
    ]
    print(f"{'method (commands: startup excluded)':<52}{'seconds':>9}{'files/s':>10}")
    rates = {}
    for name, seconds, files_timed in rows:
        rates[name] = files_timed / seconds
        print(f"{name:<52}{seconds:>9.2f}{rates[name]:>10.0f}")
    exiftool_rate = max(rates["exiftool -fast2, all tags"], rates["exiftool -fast2, label tags"])
    print("\ninspect_media --json against the faster exiftool -fast2 run:")
    for name in [row[0] for row in rows if row[0].startswith("inspect_media")]:
        print(f"  {name}: {rates[name] / exiftool_rate:.1f}x the files per second")
    if mismatches:
        print(f"\n{len(mismatches)} file(s) got the wrong tier or errors:", file=sys.stderr)
        for line in mismatches[:20]:
            print("  " + line, file=sys.stderr)
        return 1
    print("every file got the tier it was made for")
    return 0


if __name__ == "__main__":
    sys.exit(main())
