"""Benchmark the label engine against exiftool on the same generated files, in the same run.

    python bench/label_checks.py [--files 1000] [--keep DIR] [--seed 7]

Steps:
1. Generate the files into a temporary folder: JPEGs of realistic size (~100-250 KB), 10 % of them
   signed with C2PA (the c2pa-rs test certificate), the rest spread over XMP IPTC source types,
   TC260 labels in XMP, PNG text chunks, EXIF labels, generator traces and plain files.
2. Run the engine over all of them in this process, without and with a C2PA trust list (checking
   the signer against trust anchors costs about 2 ms a signed file).
3. Check every file got the tier it was made for; a mismatch is an error (exit status 1).
4. Run one ``exiftool -fast2 -json`` process over all of them, once reading all tags, once reading
   only the tags a label check needs.
5. Print files/s for each and the ratio.

It needs no Django settings and no database; it needs Debian's exiftool on the PATH.
"""

from __future__ import annotations

import sys

# bench/queue.py shares its name with the standard library's `queue`: keep bench/ (this
# script's own directory) off the import path, or the first `import queue` finds it.
sys.path.pop(0)

import argparse
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="how many files to generate (default 1000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()
    if args.files < 10:
        parser.error("--files must be at least 10")
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
        exiftool_all = run_exiftool(files, folder, [])
        exiftool_labels = run_exiftool(files, folder, LABEL_TAGS)

    count = len(files)
    print(f"{count} files generated in {generation:.1f} s, {total_bytes / 1e6:.1f} MB in all")
    print("  " + ", ".join(f"{kind} {kinds[kind]}" for kind in MIX))
    print(
        f"  JPEG sizes: median {jpeg_sizes[len(jpeg_sizes) // 2] / 1000:.0f} KB, "
        f"min {jpeg_sizes[0] / 1000:.0f} KB, max {jpeg_sizes[-1] / 1000:.0f} KB"
    )
    print()
    rows = [
        ("labels engine, no trust list", engine_seconds),
        ("labels engine, with trust list", trusted_seconds),
        ("exiftool -fast2, all tags", exiftool_all),
        ("exiftool -fast2, label tags", exiftool_labels),
    ]
    print(f"{'method':<34}{'seconds':>10}{'files/s':>12}")
    for name, seconds in rows:
        print(f"{name:<34}{seconds:>10.2f}{count / seconds:>12.0f}")
    best_exiftool = min(exiftool_all, exiftool_labels)
    slowest_engine = max(engine_seconds, trusted_seconds)
    print(
        f"\nslower engine run / fastest exiftool: {best_exiftool / slowest_engine:.1f}x the files per second"
    )
    if mismatches:
        print(f"\n{len(mismatches)} file(s) got the wrong tier or errors:", file=sys.stderr)
        for line in mismatches[:20]:
            print("  " + line, file=sys.stderr)
        return 1
    print("every file got the tier it was made for")
    return 0


if __name__ == "__main__":
    sys.exit(main())
