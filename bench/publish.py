"""Benchmark publishing video and audio with their labels: seconds per file, speed as a multiple of
real time, size of the rendition against the original.

    python bench/publish.py [--runs 5] [--preset P] [--crf N] [--params X264] [--quality]
                            [--only 720p,1080p,audio,camera] [--keep DIR]

Steps:
1. Generate the originals with ffmpeg into a temporary folder: 10 s clips at 720p and 1080p (30 fps,
   ffmpeg's testsrc2 pattern with a moving gradient behind it, H.264 ``medium`` CRF 23 and AAC 128k,
   like a phone or editor export) and 60 s of audio (a chord with noise) as MP3 192k, WAV, FLAC and M4A.
   ``--only camera`` adds a 10 s 720p clip more like a camera's (a slow zoom and pan over a photo, with
   sensor grain, CRF 20): the settings should not be tuned to one synthetic pattern.
2. Publish each one ``--runs`` times with the project's renderers (default settings unless
   ``--preset``/``--crf``/``--params`` say otherwise; demo C2PA certificate; the default rhythm prompt)
   and check every rendition read back without problems.
3. Print, per file: best and median wall seconds and the speed they give (media seconds / wall
   seconds); best and median CPU seconds (ours, ffprobe's and ffmpeg's, user and system) with the speed
   they would give on an idle machine (media seconds / (CPU seconds / cores) for video, whose encoder
   and decoder keep every core busy; media seconds / CPU seconds for audio, one core: an estimate);
   the size ratio; with ``--quality``, the SSIM and PSNR of the video against the original after the
   label (from 4 s on), so a faster setting cannot hide a worse picture.
4. Say how busy the machine was: /proc/loadavg before and after each file, against the number of
   CPUs. Other engineers share the box: with a load above the CPU count, the wall-clock figures are
   what this run got, not what the code can do, and the CPU-time estimate is the fairer figure.

It needs ffmpeg on the PATH, no database and no Django settings.
"""

from __future__ import annotations

import sys

# bench/queue.py shares its name with the standard library's `queue`: keep bench/ off the path.
sys.path.pop(0)

import argparse
import os
import re
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


def make_camera_clip(path: Path) -> None:
    """A slow zoom and pan over a photo with grain: sub-pixel motion and noise, like a camera's."""
    photo = ROOT / "tests" / "fixtures" / "media" / "corpus" / "real" / "firefly-1.png"
    motion = "zoompan=z='1.15+0.0015*on':x='iw/2-(iw/zoom/2)+on*0.7':y='ih/2-(ih/zoom/2)':d=1"
    ffmpeg(
        *("-loop", "1", "-framerate", "30", "-i", str(photo), "-f", "lavfi", "-i", "sine=f=440:d=10:r=48000"),
        *("-filter_complex", f"[0:v]scale=2304:1792,{motion}:s=1280x720:fps=30,noise=alls=5:allf=t[v]"),
        *("-map", "[v]", "-map", "1:a", "-t", "10", "-pix_fmt", "yuv420p"),
        *("-c:v", "libx264", "-preset", "medium", "-crf", "20", "-c:a", "aac", "-b:a", "128k", str(path)),
    )


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
    if "camera" in only:
        path = folder / "camera-720p.mp4"
        originals.append(Original("video 720p camera 10 s", path, 10.0, publish_video, parallel=True))
        if not path.exists():
            print(f"generating {path.name} ...", flush=True)
            make_camera_clip(path)
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


def load_average() -> str:
    """The 1, 5 and 15 minute load averages and the runnable tasks, as /proc/loadavg has them."""
    try:
        fields = Path("/proc/loadavg").read_text().split()
    except OSError:
        return " ".join(f"{load:.2f}" for load in os.getloadavg())
    return f"{fields[0]} {fields[1]} {fields[2]} (running {fields[3]})"


def quality(rendition: Path, original: Path) -> str:
    """SSIM and PSNR of the rendition's video against the original's, after the label (4 s on)."""
    after_label = "trim=start=4,setpts=PTS-STARTPTS,split"
    graph = f"[0:v]{after_label}[a][c];[1:v]{after_label}[b][d];[a][b]ssim;[c][d]psnr"
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-i", str(rendition), "-i", str(original)]
    log = subprocess.run(
        [*command, "-filter_complex", graph, "-f", "null", "-"], capture_output=True, text=True, check=True
    ).stderr
    ssim, psnr = re.search(r"SSIM .*All:([0-9.]+)", log), re.search(r"PSNR .*average:([0-9.inf]+)", log)
    return f"SSIM {ssim.group(1) if ssim else '?'} PSNR {psnr.group(1) if psnr else '?'} dB"


def pair(speeds: tuple[float, float]) -> str:
    """Best and median speeds as "5.2x/4.8x"."""
    return f"{speeds[0]:.1f}x/{speeds[1]:.1f}x"


def publish_once(
    original: Original, folder: Path, settings: PublishSettings, run: int, measure_quality: bool
) -> tuple[float, float, int, str]:
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
    measured = quality(dest, original.path) if measure_quality and original.parallel and run == 0 else ""
    dest.unlink()
    return elapsed, cpu, size, measured


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    defaults = PublishSettings(publisher_code="BENCH")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--preset", default=defaults.video_x264_preset, help="x264 preset (MP4 renditions)")
    parser.add_argument("--crf", type=int, default=defaults.video_x264_crf, help="x264 CRF (MP4 renditions)")
    parser.add_argument(
        "--params", default=defaults.video_x264_params, help='x264 options on top of the preset ("": none)'
    )
    parser.add_argument("--quality", action="store_true", help="SSIM and PSNR of the video renditions")
    parser.add_argument("--only", default="720p,1080p,audio", help="any of 720p,1080p,audio,camera")
    parser.add_argument("--keep", type=Path, help="generate the originals here and keep them")
    arguments = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        sys.exit("bench/publish.py needs ffmpeg (Debian: apt-get install ffmpeg)")
    settings = PublishSettings(
        publisher_code="BENCH",
        c2pa_sign_cert=str(CERTS / "es256.pub"),
        c2pa_sign_key=str(CERTS / "es256.pem"),
    )
    settings = replace(
        settings,
        video_x264_preset=arguments.preset,
        video_x264_crf=arguments.crf,
        video_x264_params=arguments.params,
    )
    folder = arguments.keep or Path(tempfile.mkdtemp(prefix="bench-publish-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        originals = make_originals(folder, set(arguments.only.split(",")))
        cpus_available = os.cpu_count() or 1
        params = f" {arguments.params}" if arguments.params else ""
        print(
            f"\nx264 {arguments.preset}{params} CRF {arguments.crf}; {arguments.runs} runs each; "
            f"{cpus_available} CPUs; load average 1/5/15 min now {load_average()}"
        )
        print(
            f"{'file':<24} {'wall s best/med':>15} {'x real time':>13} {'CPU s best/med':>15} "
            f"{'x idle est.':>13} {'size':>5}  load 1 min before > after"
        )
        loads, qualities = [], []
        for original in originals:
            before = os.getloadavg()[0]
            timings, cpus, sizes = [], [], []
            for run in range(arguments.runs):
                elapsed, cpu_used, size, measured = publish_once(
                    original, folder, settings, run, arguments.quality
                )
                timings.append(elapsed)
                cpus.append(cpu_used)
                sizes.append(size)
                if measured:
                    qualities.append(f"{original.name:<24} {measured}")
            after = os.getloadavg()[0]
            loads += [before, after]
            wall = (min(timings), statistics.median(timings))
            cpu = (min(cpus), statistics.median(cpus))
            cores = cpus_available if original.parallel else 1
            speed = (original.seconds / wall[0], original.seconds / wall[1])
            idle = (original.seconds / (cpu[0] / cores), original.seconds / (cpu[1] / cores))
            ratio = statistics.median(sizes) / original.path.stat().st_size
            row = (
                f"{original.name:<24} {wall[0]:>7.2f}/{wall[1]:<7.2f} {pair(speed):>13} "
                f"{cpu[0]:>7.2f}/{cpu[1]:<7.2f} {pair(idle):>13} {ratio:>5.2f}  "
                f"{before:.2f} > {after:.2f}"
            )
            print(row, flush=True)
        for line in qualities:
            print(line)
        print(f"\nload average 1/5/15 min at the end {load_average()}; {cpus_available} CPUs")
        busiest = max(loads, default=0.0)
        if busiest > cpus_available:
            print(
                f"The machine was shared (1-minute load up to {busiest:.2f} on {cpus_available} CPUs): the "
                "wall-clock speeds are what this run got; the CPU-time estimate is the fairer figure."
            )
        else:
            print(f"The machine was quiet (1-minute load at most {busiest:.2f} on {cpus_available} CPUs).")
    finally:
        if arguments.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
