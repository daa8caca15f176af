"""Publish a video with its AI labels: ``publish_video(src, dest, tier=..., content_id=..., settings=...)``.

The explicit label (GB 45438 §5.4, R16) is the image label (``explicit.label_overlay``: "属于AI生成合成
内容" and the English line, the Chinese glyphs at least 5 % of the frame's shortest displayed side,
in the configured corner) laid over the frames by ffmpeg's ``overlay`` filter from the first frame
for ``LABELS_VIDEO_LABEL_SECONDS`` (≥ 2 s, 3 s by default) of presentation time, and optionally over
the last seconds too. The windows are timestamps, not frame counts, so variable frame rates and
slow or fast frame rates get the same seconds.

One ffmpeg run: the video is decoded, labelled and encoded once (H.264 for MP4, MOV and Matroska;
VP9 realtime CRF 32 for WebM); audio, subtitles and chapters are copied, not re-encoded; frame
timestamps pass through unchanged (``-fps_mode passthrough``); the display rotation is applied to
the pixels (ffmpeg's autorotate), so the label is upright in the corner viewers see, and the sample
aspect ratio is kept (the label is drawn for the displayed shape). See ``labels.publish.av`` for the
steps around the rendering.

Where the time goes (``perf`` on the 10 s 720p clip of bench/publish.py): with x264 ``veryfast`` the
encoder took 3/4 of the CPU time and the H.264 decoder 1/6, with the settings below 1/2 and 1/3; the
overlay under 1 % (the PNG is converted once to the frames' yuva420p, the frames stay yuv420p, and
outside the windows the filter passes them on untouched); Python, ffprobe and C2PA signing about
0.2 s. So the encoder settings are the speed:
x264 ``ultrafast`` CRF 26 with CABAC, deblocking, B-frames, the 8x8 transform and adaptive
quantisation switched back on (``DEFAULT_X264_PARAMS``) takes half the CPU time of ``veryfast``
CRF 23, at its SSIM and PSNR, the rendition at most about 1.2 times the original's size. What
makes the slower presets slower is sub-pixel motion search and the look-ahead over half-size frames
(adaptive B-frames, scene cuts, weighted P-frames, macroblock-tree rate control): on the bench
clips up to twice the time for a few per cent of size or quality.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from PIL import Image

from labels.publish.av import AvJob, AvPublishResult, Rendered, publish_av
from labels.publish.common import Progress, PublishError
from labels.publish.explicit import DrawnLabel, label_overlay
from labels.publish.ffmpeg import Stream, run_ffmpeg
from labels.publish.formats import MATROSKA, MOV, MP4, WEBM
from labels.publish.settings import PublishSettings

VIDEO_FORMATS = (MP4, MOV, WEBM, MATROSKA)
VIDEO_EDIT_DESCRIPTION = (
    "Explicit AI label drawn on the first frames (and the last, when configured); video re-encoded once, "
    "audio copied; GB 45438 implicit label and IPTC digital source type written"
)
# The H.264 and VP9 output is 8-bit 4:2:0: what every browser plays.
PIXEL_FORMAT = "yuv420p"
# Packets of copied streams wait for the first encoded frames; the default queue is too short.
MUXING_QUEUE = "4096"


def publish_video(
    src_path: str | os.PathLike[str],
    dest_path: str | os.PathLike[str],
    *,
    tier: str,
    content_id: str,
    settings: PublishSettings,
    progress: Progress | None = None,
    evidence: Sequence[str] = (),
) -> AvPublishResult:
    """Write the labelled, signed rendition of the video ``src_path`` to ``dest_path``.

    ``dest_path`` should end in ``rendition_extension(src_path)``. ``progress`` gets fractions 0..1.
    ``evidence`` names why the content is labelled AI beyond what the file says (the uploader's
    declaration, the moderator's decision); it goes into the C2PA manifest. Raises PublishError when
    the video cannot be published at all; a rendition that does not read back as intended is
    returned with ``problems`` and is not written to ``dest_path``.
    """
    return publish_av(
        src_path,
        dest_path,
        kind="video",
        tier=tier,
        content_id=content_id,
        settings=settings,
        progress=progress,
        evidence=evidence,
        render=_render,
        edit_description=VIDEO_EDIT_DESCRIPTION,
    )


def _render(job: AvJob, output: Path, progress: Progress) -> Rendered:
    if job.fmt not in VIDEO_FORMATS:
        raise PublishError(f"{job.source.name} is {job.fmt.media_type}, not a video format")
    video = job.probe.video
    if video is None or not video.width or not video.height:
        raise PublishError(f"{job.source.name} has no video stream")
    frame = _FrameGeometry.of(video)
    overlay, drawn = _overlay(job, frame)
    overlay_path = job.workdir / "label.png"
    overlay.save(overlay_path)
    start = max(video.start_time - job.probe.start_time, 0.0)
    duration = video.duration or max(job.probe.duration - start, 0.0)
    windows = _label_windows(start, duration, job.settings, job.notes)
    enable = "+".join(f"between(t,{begin:.3f},{end:.3f})" for begin, end in windows)
    x, y = drawn.box[0], drawn.box[1]
    graph = (
        f"[0:{video.index}][1:v]overlay=x={x}:y={y}:enable='{enable}':eof_action=repeat,"
        f"format={PIXEL_FORMAT}[labelled]"
    )
    streams, copied = _copied_streams(job, video)
    arguments = [
        *("-i", str(job.source), "-i", str(overlay_path)),
        *("-filter_complex", graph, "-map", "[labelled]"),
        *[argument for stream in streams for argument in ("-map", f"0:{stream.index}")],
        *_video_codec(job),
        *("-c:a", "copy", "-c:s", "copy", "-c:t", "copy", "-fps_mode:v", "passthrough"),
        *("-max_muxing_queue_size", MUXING_QUEUE),
        *job.metadata_arguments({stream.index: i + 1 for i, stream in enumerate(streams)}),
        *("-f", job.fmt.muxer, "-y", str(output)),
    ]
    run_ffmpeg(
        arguments,
        ffmpeg=job.settings.ffmpeg,
        duration=job.probe.duration or duration,
        timeout=job.settings.av_timeout_seconds,
        progress=progress,
        what="ffmpeg (video label)",
    )
    explicit = {
        "label_box": list(drawn.box),
        "text_height": drawn.text_height,
        "min_text_height": drawn.min_text_height,
        "corner": job.settings.corner,
        "windows": [[round(begin, 3), round(end, 3)] for begin, end in windows],
        "frame_size": [frame.width, frame.height],
        "display_size": list(frame.display_size),
    }
    return Rendered(duration=job.probe.duration or duration, explicit=explicit, encoding=copied)


class _FrameGeometry:
    """The frames the filter graph sees: after autorotation, with their sample aspect ratio."""

    def __init__(self, width: int, height: int, sar: Fraction) -> None:
        self.width, self.height, self.sar = width, height, sar

    @classmethod
    def of(cls, video: Stream) -> _FrameGeometry:
        if video.rotation in (90, 270):
            return cls(video.height, video.width, 1 / video.sample_aspect_ratio)
        return cls(video.width, video.height, video.sample_aspect_ratio)

    @property
    def display_size(self) -> tuple[int, int]:
        return max(round(self.width * self.sar), 1), self.height


def _overlay(job: AvJob, frame: _FrameGeometry) -> tuple[Image.Image, DrawnLabel]:
    """The label drawn for the displayed shape, then squeezed to the stored pixels (non-square SAR)."""
    overlay, drawn = label_overlay(frame.display_size, job.tier, job.english, job.settings.corner)
    if not drawn.fits:
        job.notes.append("the frame is too small for the label box; the label is clipped")
    if frame.sar == 1:
        return overlay, drawn
    left, top, right, bottom = drawn.box
    stored_left = math.floor(left / frame.sar)
    stored_width = max(round((right - left) / frame.sar), 1)
    stored_left = min(max(stored_left, 0), max(frame.width - stored_width, 0))
    squeezed = overlay.resize((stored_width, bottom - top), Image.Resampling.LANCZOS)
    box = (stored_left, top, stored_left + stored_width, bottom)
    return squeezed, DrawnLabel(box, drawn.text_height, drawn.min_text_height, drawn.lines, drawn.fits)


def _label_windows(
    start: float, duration: float, settings: PublishSettings, notes: list[str]
) -> list[tuple[float, float]]:
    """When the label shows, in the filter's timestamps: from the first frame, and at the end."""
    seconds = settings.video_label_seconds
    if duration and duration <= seconds:
        notes.append(f"the video is {duration:.2f} s long: the label shows throughout")
        return [(start - 1.0, start + duration + 1.0)]
    windows = [(start - 1.0, start + seconds)]  # a little before the first frame: rounding of timestamps
    if settings.video_end_label and duration:
        windows.append((start + duration - seconds, start + duration + 1.0))
    return windows


def _copied_streams(job: AvJob, video: Stream) -> tuple[list[Stream], dict[str, Any]]:
    """The streams copied as they are: audio, subtitles, attachments. Other video streams (cover
    pictures, alternative angles) and data streams are left out, and the notes say so."""
    kept = [s for s in job.probe.streams if s.codec_type in ("audio", "subtitle", "attachment")]
    dropped = [s for s in job.probe.streams if s.index != video.index and s not in kept]
    if dropped:
        described = ", ".join(f"#{s.index} {s.codec_type} {s.codec_name}".strip() for s in dropped)
        job.notes.append(f"streams left out of the rendition: {described}")
    encoding = {
        "video": _describe_codec(job),
        "copied": [f"#{s.index} {s.codec_type} {s.codec_name}" for s in kept],
        "dropped": [f"#{s.index} {s.codec_type} {s.codec_name}" for s in dropped],
        "rotation_applied": video.rotation,
    }
    return kept, encoding


def _video_codec(job: AvJob) -> list[str]:
    if job.fmt is WEBM:
        crf = str(job.settings.video_vp9_crf)
        return [
            *("-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1"),
            *("-crf", crf, "-b:v", "0"),
        ]
    crf = str(job.settings.video_x264_crf)
    arguments = ["-c:v", "libx264", "-preset", job.settings.video_x264_preset, "-crf", crf]
    if job.settings.video_x264_params:
        arguments += ["-x264-params", job.settings.video_x264_params]
    return arguments


def _describe_codec(job: AvJob) -> str:
    if job.fmt is WEBM:
        return f"libvpx-vp9 realtime cpu-used 8 crf {job.settings.video_vp9_crf} {PIXEL_FORMAT}"
    x264 = job.settings
    options = f" {x264.video_x264_params}" if x264.video_x264_params else ""
    return f"libx264 {x264.video_x264_preset}{options} crf {x264.video_x264_crf} {PIXEL_FORMAT}"
