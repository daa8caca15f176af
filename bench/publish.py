"""Benchmark publishing video and audio with their labels: seconds per file, speed as a multiple of
real time, size of the rendition against the original.

    python bench/publish.py [--runs 3] [--preset veryfast] [--crf 23] [--only 720p,1080p,audio] [--keep DIR]

Steps:
1. Generate the originals with ffmpeg into a temporary folder: 10 s clips at 720p and 1080p (30 fps,
   ffmpeg's testsrc2 pattern with a moving gradient behind it, H.264 ``medium`` CRF 23 and AAC 128k,
   like a phone or editor export) and 60 s of audio (a chord with noise) as MP3 192k, WAV, FLAC and M4A.
2. Publish each one ``--runs`` times with the project's renderers (demo C2PA certificate, the
   default rhythm prompt) and check every rendition read back without problems.
3. Print, per file: best and median seconds, the speed (media seconds / best seconds), the CPU
   seconds (ffmpeg's and ours, median) with the speed they would give on an idle machine (media
   seconds / (CPU seconds / cores) for video, whose encoder and decoder keep every core busy; media
   seconds / CPU seconds for audio, one core: an estimate), and the size ratio; the load average
   before and after, since the machine may be shared.

It needs ffmpeg on the PATH, no database and no Django settings.
"""

from __future__ import annotations

import sys

# bench/queue.py shares its name with the standard library's `queue`: keep bench/ off the path.
sys.path.pop(0)

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from labels.publish import (  # noqa: E402
    AvPublishResult,
    PublishSettings,
    publish_audio,
    publish_video,
    rendition_extension,
)

CERTS = ROOT / "demo" / "certs"
Renderer = Callable[..., AvPublishResult]


@dataclass(frozen=True)
class Original:
    name: str
    path: Path
    seconds: float
    renderer: Renderer
    parallel: bool  # x264 and the video decoder use every core; audio codecs use one


def ffmpeg(*arguments: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *arguments], check=True)


def make_originals(folder: Path, only: set[str]) -> list[Original]:
    originals = []
    for label, size in (("720p", "1280x720"), ("1080p", "1920x1080")):
        if label not in only:
            continue
        path = folder / f"clip-{label}.mp4"
        originals.append(Original(f"video {label} MP4 10 s", path, 10.0, publish_video, parallel=True))
        if path.exists():
            continue  # kept from an earlier run (--keep)
        print(f"generating {path.name} ...", flush=True)
        ffmpeg(
            *("-f", "lavfi", "-i", f"testsrc2=s={size}:r=30:d=10"),
            *("-f", "lavfi", "-i", f"gradients=s={size}:r=30:d=10:speed=0.02:seed=3"),
            *("-f", "lavfi", "-i", "sine=f=440:d=10:r=48000"),
            *("-filter_complex", "[0:v][1:v]blend=all_mode=overlay[v]", "-map", "[v]", "-map", "2:a"),
            *("-c:v", "libx264", "-preset", "medium", "-crf", "23", "-pix_fmt", "yuv420p"),
            *("-c:a", "aac", "-b:a", "128k", str(path)),
        )
    if "audio" in only:
        chord = "0.3*sin(2*PI*220*t)+0.2*sin(2*PI*277*t)+0.2*sin(2*PI*330*t)+0.05*(random(0)-0.5)"
        wav = folder / "audio.wav"
        if not wav.exists():
            print("generating 60 s of audio ...", flush=True)
            source = f"aevalsrc='{chord}|{chord}':s=44100:d=60"
            ffmpeg("-f", "lavfi", "-i", source, "-c:a", "pcm_s16le", str(wav))
        originals.append(Original("audio WAV 60 s", wav, 60.0, publish_audio, parallel=False))
        for extension, codec in (
            ("mp3", ("-c:a", "libmp3lame", "-b:a", "192k")),
            ("flac", ("-c:a", "flac")),
            ("m4a", ("-c:a", "aac", "-b:a", "192k")),
        ):
            path = folder / f"audio.{extension}"
            if not path.exists():
                ffmpeg("-i", str(wav), *codec, str(path))
            name = f"audio {extension.upper()} 60 s"
            originals.append(Original(name, path, 60.0, publish_audio, parallel=False))
    return originals


def cpu_seconds() -> float:
    """CPU time used so far by this process and its finished children (ffmpeg), user and system."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def publish_once(
    original: Original, folder: Path, settings: PublishSettings, run: int
) -> tuple[float, float, int]:
    dest = folder / f"published-{run}-{original.path.stem}.{rendition_extension(original.path)}"
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    result = original.renderer(
        original.path, dest, tier="confirmed", content_id=f"bench-{run}", settings=settings
    )
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    if result.problems:
        sys.exit(f"{original.name}: {result.problems}")
    size = dest.stat().st_size
    dest.unlink()
    return elapsed, cpu, size


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--preset", default="veryfast", help="x264 preset for the MP4 renditions")
    parser.add_argument("--crf", type=int, default=23, help="x264 CRF for the MP4 renditions")
    parser.add_argument("--only", default="720p,1080p,audio")
    parser.add_argument("--keep", type=Path, help="generate the originals here and keep them")
    arguments = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        sys.exit("bench/publish.py needs ffmpeg (Debian: apt-get install ffmpeg)")
    settings = PublishSettings(
        publisher_code="BENCH",
        c2pa_sign_cert=str(CERTS / "es256.pub"),
        c2pa_sign_key=str(CERTS / "es256.pem"),
    )
    settings = replace(settings, video_x264_preset=arguments.preset, video_x264_crf=arguments.crf)
    folder = arguments.keep or Path(tempfile.mkdtemp(prefix="bench-publish-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        originals = make_originals(folder, set(arguments.only.split(",")))
        load_before = os.getloadavg()[0]
        runs, cpus_available = arguments.runs, os.cpu_count()
        print(f"\nx264 {arguments.preset} CRF {arguments.crf}; {runs} runs each; {cpus_available} CPUs")
        print(
            f"{'file':<22} {'best s':>7} {'median s':>9} {'x real time':>12} "
            f"{'CPU s':>6} {'x idle est.':>11} {'size ratio':>11}"
        )
        for original in originals:
            timings, cpus, sizes = [], [], []
            for run in range(arguments.runs):
                elapsed, cpu, size = publish_once(original, folder, settings, run)
                timings.append(elapsed)
                cpus.append(cpu)
                sizes.append(size)
            best, median = min(timings), statistics.median(timings)
            ratio = statistics.median(sizes) / original.path.stat().st_size
            speed = original.seconds / best
            cpu = statistics.median(cpus)
            cores = (cpus_available or 1) if original.parallel else 1
            idle = original.seconds / (cpu / cores)
            row = (
                f"{original.name:<22} {best:>7.2f} {median:>9.2f} {speed:>11.1f}x "
                f"{cpu:>6.2f} {idle:>10.1f}x {ratio:>11.2f}"
            )
            print(row, flush=True)
        print(f"\nload average (1 min) before {load_before:.2f}, after {os.getloadavg()[0]:.2f}")
    finally:
        if arguments.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
