"""Publishing audio and video: the steps ``publish_video`` and ``publish_audio`` share.

Steps:
1. Check the arguments; probe the source with ffprobe and decide its rendition format (the same
   family); refuse when the format can carry C2PA and no signing certificate is configured.
2. Inspect the original with the engine: its labels, source type and C2PA manifest.
3. Render (the caller's part: the explicit label, ffmpeg writing the TC260 label) into a private
   folder next to ``dest``, reporting progress.
4. Write what ffmpeg cannot: XMP with the IPTC source type (MP4/MOV/M4A ``uuid`` box, MP3 ``PRIV``
   frame, WAV ``_PMX`` chunk), WAV's ``AIGC`` chunk.
5. Sign a new C2PA manifest where the format can carry one (the original as parent ingredient, the
   evidence named); WebM, Matroska and Ogg cannot.
6. Read the rendition back with the engine; only when it carries exactly what was intended, move it
   to ``dest`` (atomically). Otherwise ``dest`` is not written and the result lists the problems.

The original is never opened for writing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import c2pa

from labels import tc260
from labels.engine import InspectOptions, inspect_file, read_pem
from labels.publish import av_metadata
from labels.publish.common import (
    SIGNED,
    SIGNING_FAILED,
    UNSUPPORTED_FORMAT,
    Progress,
    PublishError,
    check_arguments,
    require_signer,
    verify_publication,
)
from labels.publish.explicit import wording
from labels.publish.ffmpeg import Probe, ToolError, probe
from labels.publish.formats import MP3, MP4_KEYS, RIFF_CHUNK, AvFormat, av_format, head_of
from labels.publish.implicit import (
    PropagatedLabel,
    propagated_label,
    publication_xmp,
    source_type_to_write,
    xmp_worth_writing,
)
from labels.publish.settings import PublishSettings
from labels.publish.signing import Credentials, ManifestFacts, evidence_from_report, sign_rendition_file
from labels.report import MediaReport

# Shares of the progress bar: rendering is nearly all of the work.
RENDER_SHARE = 0.92


@dataclass
class AvPublishResult:
    dest_path: Path
    media_type: str
    tier: str
    explicit_label: str  # the wording, drawn on the frames (video) and shown around the player
    tc260_label: dict[str, str]
    digital_source_type: str | None
    c2pa_status: str
    readback: MediaReport
    duration: float  # of the rendition, seconds
    source_size: int
    size: int
    explicit: dict[str, Any]  # video: label box, glyph height, windows; audio: prompt, position, seconds
    encoding: dict[str, Any]  # what ffmpeg did: codecs, copied streams, settings
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # empty when the rendition was published

    @property
    def published(self) -> bool:
        """True when ``dest_path`` was written: the rendition read back as intended."""
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "dest_path": str(self.dest_path),
            "media_type": self.media_type,
            "tier": self.tier,
            "explicit_label": self.explicit_label,
            "tc260_label": self.tc260_label,
            "digital_source_type": self.digital_source_type,
            "c2pa_status": self.c2pa_status,
            "duration": round(self.duration, 3),
            "source_size": self.source_size,
            "size": self.size,
            "explicit": self.explicit,
            "encoding": self.encoding,
            "notes": self.notes,
            "problems": self.problems,
        }


@dataclass
class AvJob:
    """What a renderer is given: the source, its probe and report, the label to write, the settings."""

    source: Path
    tier: str
    settings: PublishSettings
    probe: Probe
    report: MediaReport
    fmt: AvFormat
    label: PropagatedLabel
    workdir: Path
    notes: list[str]

    @property
    def label_json(self) -> str:
        return tc260.label_json(self.label.fields)

    @property
    def english(self) -> str:
        return self.settings.english_for(self.tier)

    def metadata_arguments(
        self, output_streams: dict[int, int], *, label_on_stream: int | None = None
    ) -> list[str]:
        """ffmpeg options for the implicit label; WAV's chunk is written afterwards, not by ffmpeg."""
        label_json = None if self.fmt.placement == RIFF_CHUNK else self.label_json
        arguments = av_metadata.metadata_arguments(
            self.probe, label_json, output_streams=output_streams, label_on_stream=label_on_stream
        )
        if self.fmt.placement == MP4_KEYS:
            arguments += ["-movflags", "+use_metadata_tags+faststart"]
        elif self.fmt is MP3:
            arguments += ["-id3v2_version", "4", "-write_id3v1", "0"]
        return arguments


@dataclass(frozen=True)
class Rendered:
    duration: float
    explicit: dict[str, Any]
    encoding: dict[str, Any]


Render = Callable[[AvJob, Path, Progress], Rendered]


def publish_av(
    src_path: str | os.PathLike[str],
    dest_path: str | os.PathLike[str],
    *,
    kind: str,
    tier: str,
    content_id: str,
    settings: PublishSettings,
    progress: Progress | None,
    evidence: Sequence[str],
    render: Render,
    edit_description: str,
) -> AvPublishResult:
    source, dest = Path(src_path), Path(dest_path)
    check_arguments(source, dest, tier, content_id, settings)
    report_progress = progress or (lambda fraction: None)
    report_progress(0.0)
    try:
        probed = probe(source, ffprobe=settings.ffprobe)
    except ToolError as error:
        raise PublishError(f"{source.name}: {error}") from error
    fmt = av_format(head_of(source), probed)
    if fmt is None:
        raise PublishError(
            f"{source.name} ({probed.format_name or 'unknown format'}) is not an {kind} format we publish"
        )
    if fmt.can_carry_c2pa:
        require_signer(settings)
    options = InspectOptions(trust_anchors_pem=read_pem(settings.c2pa_trust_anchors))
    report = inspect_file(source, options=options)
    label = propagated_label(report, tier, settings.publisher_code, content_id)
    source_type = source_type_to_write(report, tier)
    dest.parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}."))
    try:
        job = AvJob(source, tier, settings, probed, report, fmt, label, workdir, list(label.notes))
        rendition = workdir / f"rendition.{fmt.extension}"
        try:
            rendered = render(job, rendition, lambda fraction: report_progress(fraction * RENDER_SHARE))
        except ToolError as error:
            raise PublishError(f"{source.name}: {error}") from error
        _write_beside_ffmpeg(job, rendition, source_type)
        problems: list[str] = []
        final, c2pa_status = rendition, UNSUPPORTED_FORMAT
        if fmt.can_carry_c2pa:
            final = workdir / f"signed.{fmt.extension}"
            facts = ManifestFacts(
                title=dest.name,
                tier=tier,
                source_type=source_type,
                evidence=evidence_from_report(report, evidence),
                edit_description=edit_description,
            )
            c2pa_status = _sign(job, rendition, final, options, facts, problems)
        else:
            job.notes.append(f"{fmt.media_type} cannot carry a C2PA manifest: the rendition is not signed")
        report_progress(0.96)
        readback = inspect_file(final, options=options)
        problems += verify_publication(
            readback, label.fields, source_type, c2pa_status == SIGNED, xmp=fmt.has_xmp
        )
        size = final.stat().st_size
        if not problems:
            os.replace(final, dest)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report_progress(1.0)
    return AvPublishResult(
        dest_path=dest,
        media_type=fmt.media_type,
        tier=tier,
        explicit_label=wording(tier, job.english),
        tc260_label=label.fields,
        digital_source_type=source_type,
        c2pa_status=c2pa_status,
        readback=readback,
        duration=rendered.duration,
        source_size=source.stat().st_size,
        size=size,
        explicit=rendered.explicit,
        encoding=rendered.encoding,
        notes=job.notes,
        problems=problems,
    )


def _write_beside_ffmpeg(job: AvJob, rendition: Path, source_type: str | None) -> None:
    """The labels ffmpeg cannot write: XMP (MP4/MOV/M4A, MP3, WAV) and WAV's AIGC chunk."""
    xmp = (
        publication_xmp(None, source_type, job.report) if xmp_worth_writing(source_type, job.report) else None
    )
    try:
        if job.fmt.placement == RIFF_CHUNK:
            chunks = [(b"AIGC", job.label_json.encode("ascii"))]
            av_metadata.append_riff_chunks(rendition, chunks + ([(b"_PMX", xmp)] if xmp else []))
        elif xmp and job.fmt.placement == MP4_KEYS:
            av_metadata.append_bmff_xmp(rendition, xmp)
        elif xmp and job.fmt is MP3:
            av_metadata.add_id3_frame(rendition, b"PRIV", av_metadata.xmp_priv_frame_body(xmp))
    except ValueError as error:
        raise PublishError(f"{job.source.name}: the implicit labels could not be written: {error}") from error


def _sign(
    job: AvJob,
    rendition: Path,
    final: Path,
    options: InspectOptions,
    facts: ManifestFacts,
    problems: list[str],
) -> str:
    credentials = Credentials(
        cert_path=str(job.settings.c2pa_sign_cert),
        key_path=str(job.settings.c2pa_sign_key),
        trust_anchors_pem=options.trust_anchors_pem,
    )
    try:
        sign_rendition_file(
            rendition,
            final,
            job.fmt.media_type,
            source_path=job.source,
            source_media_type=job.fmt.media_type,
            credentials=credentials,
            facts=facts,
        )
    except (c2pa.C2paError, OSError) as error:
        problems.append(f"C2PA signing failed: {error}")
        shutil.copyfile(rendition, final)
        return SIGNING_FAILED
    return SIGNED
