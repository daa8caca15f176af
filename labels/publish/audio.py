"""Publish audio with its AI labels: ``publish_audio(src, dest, tier=..., content_id=..., settings=...)``.

The explicit label (GB 45438 audio, R17) is a prompt joined to the sound: the rhythm "短长短短"
(Morse "AI", · − · ·), the spoken "人工智能生成", or both (``LABELS_AUDIO_PROMPT``), at the start or
the end (``LABELS_AUDIO_PROMPT_POSITION``). The page around the player shows the written label too.

The audio is re-encoded only as far as joining the prompt needs:
- MP3: the prompt is encoded as MP3 frames of the source's rate, channels and bitrate and the frames
  are joined (ffmpeg's concat demuxer, stream copy): the source's frames are not re-encoded.
- WAV (PCM) and FLAC: decoded, joined and encoded again losslessly in the source's sample format.
- M4A (AAC, ALAC), Ogg (Vorbis, Opus, FLAC) and audio in video containers: joined and encoded once
  with the source's codec, at the source's bitrate (lossy codecs lose one generation).
Cover pictures are copied. See ``labels.publish.av`` for the steps around the rendering.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from labels.publish import prompts
from labels.publish.av import AvJob, AvPublishResult, Rendered, publish_av
from labels.publish.common import Progress, PublishError
from labels.publish.ffmpeg import Stream, ToolError, run_ffmpeg
from labels.publish.formats import FLAC, MP3, OGG, WAV
from labels.publish.settings import PublishSettings

AUDIO_EDIT_DESCRIPTION = (
    "Audio AI prompt added (the rhythm 短长短短, Morse AI, and/or the spoken 人工智能生成); "
    "GB 45438 implicit label written"
)
GAP_SECONDS = 0.35  # silence between the prompt and the sound
LOSSY_ENCODERS = {"aac": "aac", "mp3": "libmp3lame", "opus": "libopus", "vorbis": "libvorbis"}
LOSSLESS_ENCODERS = {"flac": "flac", "alac": "alac"}
DEFAULT_BITRATE = 192_000
MIN_BITRATE, MAX_BITRATE = 64_000, 320_000


def publish_audio(
    src_path: str | os.PathLike[str],
    dest_path: str | os.PathLike[str],
    *,
    tier: str,
    content_id: str,
    settings: PublishSettings,
    progress: Progress | None = None,
    evidence: Sequence[str] = (),
) -> AvPublishResult:
    """Write the labelled (and, where the format allows, signed) rendition of ``src_path``.

    The arguments and the result are those of ``publish_video``.
    """
    return publish_av(
        src_path,
        dest_path,
        kind="audio",
        tier=tier,
        content_id=content_id,
        settings=settings,
        progress=progress,
        evidence=evidence,
        render=_render,
        edit_description=AUDIO_EDIT_DESCRIPTION,
    )


def _render(job: AvJob, output: Path, progress: Progress) -> Rendered:
    if job.probe.video is not None:
        raise PublishError(f"{job.source.name} has a video stream: publish it as video")
    audio = job.probe.audio
    if audio is None or not audio.sample_rate or not audio.channels:
        raise PublishError(f"{job.source.name} has no audio stream")
    pieces, prompt_seconds = _prompt_pieces(job)
    source_seconds = audio.duration or job.probe.duration
    total = source_seconds + prompt_seconds
    at_start = job.settings.audio_prompt_position == "start"
    encoding: dict[str, Any]
    if job.fmt is MP3:
        try:
            encoding = _join_mp3_frames(job, audio, pieces, output, total, progress)
        except ToolError as error:
            job.notes.append(f"the MP3 frames could not be joined ({error}); the audio was re-encoded")
            encoding = _join_decoded(job, audio, pieces, output, total, progress)
    else:
        encoding = _join_decoded(job, audio, pieces, output, total, progress)
    begin = 0.0 if at_start else source_seconds
    explicit = {
        "prompt": job.settings.audio_prompt,
        "position": job.settings.audio_prompt_position,
        "prompt_window": [round(begin, 3), round(begin + prompt_seconds, 3)],
        "rhythm": "· − · ·" if job.settings.audio_prompt in ("rhythm", "both") else None,
        "spoken": prompts.SPOKEN_TEXT if job.settings.audio_prompt in ("voice", "both") else None,
    }
    return Rendered(duration=total, explicit=explicit, encoding=encoding)


def _prompt_pieces(job: AvJob) -> tuple[list[Path], float]:
    """The WAV files of the prompt, in playing order, with the gap on the side of the sound."""
    pieces: list[Path] = []
    seconds = 0.0
    gap = job.workdir / "gap.wav"
    gap_seconds = prompts.write_silence(gap, GAP_SECONDS)
    if job.settings.audio_prompt in ("rhythm", "both"):
        rhythm = job.workdir / "rhythm.wav"
        seconds += prompts.write_rhythm(rhythm)
        pieces.append(rhythm)
    if job.settings.audio_prompt in ("voice", "both"):
        if pieces:
            pieces.append(gap)
            seconds += gap_seconds
        voice = job.workdir / "voice.wav"
        try:
            prompts.write_voice(voice, espeak=job.settings.espeak)
        except ToolError as error:
            raise PublishError(f"the spoken prompt cannot be made: {error}") from error
        seconds += prompts.wav_seconds(voice)
        pieces.append(voice)
    if job.settings.audio_prompt_position == "start":
        pieces.append(gap)
    else:
        pieces.insert(0, gap)
    return pieces, seconds + gap_seconds


def _pieces_graph(first_input: int, count: int, audio: Stream) -> tuple[str, list[str]]:
    """Filter chains bringing each prompt piece to the source's rate and channels: (graph, labels)."""
    chains, labels = [], []
    for offset in range(count):
        chains.append(f"[{first_input + offset}:a]{_like(audio)}[p{offset}]")
        labels.append(f"[p{offset}]")
    return ";".join(chains), labels


def _like(audio: Stream) -> str:
    """The filter giving a piece the source's sample rate and channel layout (concat needs both)."""
    layout = audio.channel_layout or f"{audio.channels}c"
    return f"aformat=sample_rates={audio.sample_rate}:channel_layouts={layout}"


def _join_decoded(
    job: AvJob, audio: Stream, pieces: list[Path], output: Path, total: float, progress: Progress
) -> dict[str, Any]:
    """Decode, join the prompt and encode once with the source's codec (lossless stays lossless)."""
    codec, codec_options = _encoder(job, audio)
    chains, labels = _pieces_graph(1, len(pieces), audio)
    source = f"[0:{audio.index}]{_like(audio)}[src]"
    order = [*labels, "[src]"] if job.settings.audio_prompt_position == "start" else ["[src]", *labels]
    graph = f"{chains};{source};{''.join(order)}concat=n={len(order)}:v=0:a=1[joined]"
    covers = _covers(job)
    output_streams = {audio.index: 0, **{s.index: i + 1 for i, s in enumerate(covers)}}
    label_on_stream = 0 if job.fmt is OGG else None
    arguments = [
        "-i",
        str(job.source),
        *[argument for piece in pieces for argument in ("-i", str(piece))],
        *("-filter_complex", graph, "-map", "[joined]"),
        *[argument for cover in covers for argument in ("-map", f"0:{cover.index}")],
        *("-c:a", codec, *codec_options, "-c:v", "copy"),
        *job.metadata_arguments(output_streams, label_on_stream=label_on_stream),
        *("-f", job.fmt.muxer, "-y", str(output)),
    ]
    run_ffmpeg(
        arguments,
        ffmpeg=job.settings.ffmpeg,
        duration=total,
        timeout=job.settings.av_timeout_seconds,
        progress=progress,
        what="ffmpeg (audio prompt)",
    )
    return {
        "audio": " ".join([codec, *codec_options]),
        "reencoded": codec not in ("flac", "alac") and not codec.startswith("pcm_"),
        "covers_copied": len(covers),
    }


def _join_mp3_frames(
    job: AvJob, audio: Stream, pieces: list[Path], output: Path, total: float, progress: Progress
) -> dict[str, Any]:
    """MP3: encode the prompt as MP3 frames like the source's and join the frames, no re-encoding."""
    bitrate = str(_bitrate(job, audio))
    prompt = job.workdir / "prompt.mp3"
    chains, labels = _pieces_graph(0, len(pieces), audio)
    run_ffmpeg(
        [
            *[argument for piece in pieces for argument in ("-i", str(piece))],
            *("-filter_complex", f"{chains};{''.join(labels)}concat=n={len(labels)}:v=0:a=1[prompt]"),
            *("-map", "[prompt]", "-c:a", "libmp3lame", "-b:a", bitrate, "-write_xing", "0"),
            *("-map_metadata", "-1", "-id3v2_version", "0", "-f", "mp3", "-y", str(prompt)),
        ],
        ffmpeg=job.settings.ffmpeg,
        duration=0.0,
        timeout=job.settings.av_timeout_seconds,
        what="ffmpeg (MP3 prompt)",
    )
    listing = job.workdir / "join.txt"
    order = [prompt, job.source] if job.settings.audio_prompt_position == "start" else [job.source, prompt]
    listing.write_text("".join(f"file {_concat_quote(path)}\n" for path in order), encoding="utf-8")
    covers = _covers(job)
    # Input 0 is the joined audio, input 1 the source for its metadata and cover pictures.
    output_streams = {audio.index: 0, **{s.index: i + 1 for i, s in enumerate(covers)}}
    run_ffmpeg(
        [
            *("-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(job.source)),
            *("-map", "0:a:0", *[a for cover in covers for a in ("-map", f"1:{cover.index}")]),
            *("-c", "copy", "-map_metadata", "1"),
            *job.metadata_arguments(output_streams),
            *("-f", "mp3", "-y", str(output)),
        ],
        ffmpeg=job.settings.ffmpeg,
        duration=total,
        timeout=job.settings.av_timeout_seconds,
        progress=progress,
        what="ffmpeg (MP3 join)",
    )
    return {
        "audio": f"copy (prompt encoded libmp3lame {bitrate} b/s)",
        "reencoded": False,
        "covers_copied": len(covers),
    }


def _covers(job: AvJob) -> list[Stream]:
    """The cover pictures to copy: ffmpeg cannot write pictures into Ogg or WAV, so those lose them."""
    covers = [s for s in job.probe.of_type("video") if s.is_attached_picture]
    if covers and job.fmt in (OGG, WAV):
        job.notes.append(f"{job.fmt.media_type} renditions cannot carry the cover picture: left out")
        return []
    return covers


def _encoder(job: AvJob, audio: Stream) -> tuple[str, list[str]]:
    codec = audio.codec_name
    if job.fmt is WAV:
        # PCM is written in the source's own sample format; other WAV codecs become 16-bit PCM.
        if codec.startswith("pcm_"):
            return codec, []
        job.notes.append(f"the WAV's {codec} audio was written as 16-bit PCM")
        return "pcm_s16le", []
    if codec in LOSSLESS_ENCODERS:
        options = ["-sample_fmt", audio.sample_fmt.rstrip("p") or "s16"] if codec == "flac" else []
        return LOSSLESS_ENCODERS[codec], options
    if job.fmt is FLAC:
        return "flac", []
    if codec in LOSSY_ENCODERS:
        return LOSSY_ENCODERS[codec], ["-b:a", str(_bitrate(job, audio))]
    if codec.startswith("pcm_"):
        return codec, []
    raise PublishError(f"{job.source.name}: its {codec} audio cannot be re-encoded for the prompt")


def _bitrate(job: AvJob, audio: Stream) -> int:
    """The source's bitrate, within what the lossy encoders handle well."""
    measured = audio.bit_rate or job.probe.bit_rate or DEFAULT_BITRATE
    return min(max(measured, MIN_BITRATE), MAX_BITRATE)


def _concat_quote(path: Path) -> str:
    """A path quoted for ffmpeg's concat list: single quotes, each inner quote closed and escaped."""
    return "'" + str(path.resolve()).replace("'", "'\\''") + "'"
