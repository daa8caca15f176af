"""Publish an image with its AI labels: ``publish_image(src, dest, tier=..., content_id=..., settings=...)``.

Steps:
1. Inspect the original upload with the engine (its labels, source type, C2PA).
2. Decode it (EXIF orientation applied, so the label lands in the corner people see) and draw the
   explicit label.
3. Write the implicit labels: one TC260 label for the tier, the IPTC source type, the EXIF without
   old labels, PNG text chunks carried over.
4. Sign a new C2PA manifest with the publisher's certificate, the original as parent ingredient and
   the evidence for the label named in it (R14); without a certificate, refuse (PublishError).
5. Read the rendition back with the engine; only when nothing is missing (R13, R14) write ``dest``
   atomically. With problems, ``dest`` is not written and the result lists them.

The original is never modified. JPEG, PNG and WebP keep their format; GIF becomes PNG (first frame),
as do other animated sources' first frames.
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import c2pa
from PIL import Image, ImageOps, PngImagePlugin

from labels import tc260
from labels.containers import read_container
from labels.engine import InspectOptions, inspect_bytes, read_pem
from labels.publish.common import (
    SIGNED,
    SIGNING_FAILED,
    Progress,
    PublishError,
    check_arguments,
    require_signer,
    verify_publication,
    write_atomically,
)
from labels.publish.explicit import draw_label, wording
from labels.publish.implicit import (
    exif_without_labels,
    propagated_label,
    publication_xmp,
    source_type_to_write,
)
from labels.publish.settings import PublishSettings
from labels.publish.signing import Credentials, ManifestFacts, evidence_from_report, sign_rendition
from labels.report import MediaReport
from labels.xmp import XMP_PACKET_LIMIT_JPEG

OUTPUT_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "PNG"}
FORMAT_MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}

IMAGE_EDIT_DESCRIPTION = (
    "Explicit AI label drawn in a corner; GB 45438 implicit label and IPTC digital source type written"
)
__all__ = ["PublishError", "PublishResult", "publish_image", "verify_publication"]


@dataclass
class PublishResult:
    dest_path: Path
    media_type: str
    tier: str
    explicit_label: str
    label_box: tuple[int, int, int, int]
    text_height: int
    min_text_height: int
    tc260_label: dict[str, str]
    digital_source_type: str | None
    c2pa_status: str
    readback: MediaReport
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # read-back mismatches; empty when all is well

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
            "label_box": list(self.label_box),
            "text_height": self.text_height,
            "min_text_height": self.min_text_height,
            "tc260_label": self.tc260_label,
            "digital_source_type": self.digital_source_type,
            "c2pa_status": self.c2pa_status,
            "notes": self.notes,
            "problems": self.problems,
        }


def publish_image(
    src_path: str | os.PathLike[str],
    dest_path: str | os.PathLike[str],
    *,
    tier: str,
    content_id: str,
    settings: PublishSettings,
    progress: Progress | None = None,
    evidence: Sequence[str] = (),
) -> PublishResult:
    """Write the labelled, signed rendition of the image ``src_path`` to ``dest_path``.

    ``evidence`` names why the content is labelled AI beyond what the file says (the uploader's
    declaration, the moderator's decision); it goes into the C2PA manifest. ``progress`` gets 0.0
    and 1.0 (an image takes well under a second).
    """
    source, dest = Path(src_path), Path(dest_path)
    check_arguments(source, dest, tier, content_id, settings)
    require_signer(settings)
    if progress is not None:
        progress(0.0)
    original = source.read_bytes()
    options = InspectOptions(trust_anchors_pem=read_pem(settings.c2pa_trust_anchors))
    report = inspect_bytes(original, name=str(source), options=options)
    output_format = OUTPUT_FORMATS.get(report.media_type)
    if output_format is None:
        message = f"{source.name} is {report.media_type}; only JPEG, PNG, WebP and GIF can be published"
        raise PublishError(message)
    notes: list[str] = []
    image = _decoded(original, source.name, notes)

    english = settings.english_for(tier)
    labelled, drawn = draw_label(image, tier, english, settings.corner)
    if not drawn.fits:
        notes.append("the image is too small for the label box; the label is clipped")
    label = propagated_label(report, tier, settings.publisher_code, content_id)
    notes += label.notes
    source_type = source_type_to_write(report, tier)
    xmp = publication_xmp(tc260.label_json(label.fields), source_type, report)
    exif = _exif(image, report, notes)
    rendition = _encode(
        labelled, output_format, xmp, exif, image.info.get("icc_profile"), original, report, settings
    )
    media_type = FORMAT_MEDIA_TYPES[output_format]
    facts = ManifestFacts(
        title=dest.name,
        tier=tier,
        source_type=source_type,
        evidence=evidence_from_report(report, evidence),
        edit_description=IMAGE_EDIT_DESCRIPTION,
    )
    problems: list[str] = []
    rendition, c2pa_status = _sign(rendition, media_type, source, report, options, settings, facts, problems)

    readback = inspect_bytes(rendition, name=str(dest), options=options)
    problems += verify_publication(readback, label.fields, source_type, c2pa_status == SIGNED)
    if not problems:
        write_atomically(dest, rendition)
    if progress is not None:
        progress(1.0)
    return PublishResult(
        dest_path=dest,
        media_type=media_type,
        tier=tier,
        explicit_label=wording(tier, english),
        label_box=drawn.box,
        text_height=drawn.text_height,
        min_text_height=drawn.min_text_height,
        tc260_label=label.fields,
        digital_source_type=source_type,
        c2pa_status=c2pa_status,
        readback=readback,
        notes=notes,
        problems=problems,
    )


def _exif(image: Image.Image, report: MediaReport, notes: list[str]) -> bytes:
    try:
        return exif_without_labels(image, report)
    except (ValueError, TypeError, struct.error) as error:
        notes.append(f"the source EXIF could not be rewritten and was left out: {error}")
        return b""


def _sign(
    rendition: bytes,
    media_type: str,
    source: Path,
    report: MediaReport,
    options: InspectOptions,
    settings: PublishSettings,
    facts: ManifestFacts,
    problems: list[str],
) -> tuple[bytes, str]:
    """Sign a new manifest, the original as parent ingredient (R14); a failure is a problem."""
    credentials = Credentials(
        cert_path=str(settings.c2pa_sign_cert),
        key_path=str(settings.c2pa_sign_key),
        trust_anchors_pem=options.trust_anchors_pem,
    )
    try:
        signed = sign_rendition(
            rendition,
            media_type,
            source_path=source,
            source_media_type=report.media_type,
            credentials=credentials,
            facts=facts,
        )
    except (c2pa.C2paError, OSError) as error:
        problems.append(f"C2PA signing failed: {error}")
        return rendition, SIGNING_FAILED
    return signed, SIGNED


def _decoded(original: bytes, name: str, notes: list[str]) -> Image.Image:
    try:
        opened = Image.open(io.BytesIO(original))
        if getattr(opened, "is_animated", False):
            notes.append("animated source: only the first frame is published")
        opened.seek(0)
        image = ImageOps.exif_transpose(opened)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise PublishError(f"{name} cannot be decoded: {error}") from error
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    converted = image.convert("RGBA" if has_alpha else "RGB")
    converted.info = image.info
    return converted


def _encode(
    image: Image.Image,
    output_format: str,
    xmp: bytes,
    exif: bytes,
    icc_profile: bytes | None,
    original: bytes,
    report: MediaReport,
    settings: PublishSettings,
) -> bytes:
    options: dict[str, Any] = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if exif:
        options["exif"] = exif
    buffer = io.BytesIO()
    if output_format == "JPEG":
        if len(xmp) > XMP_PACKET_LIMIT_JPEG:
            raise PublishError("the XMP packet is larger than a JPEG segment can hold")
        image.convert("RGB").save(buffer, "JPEG", quality=settings.jpeg_quality, xmp=xmp, **options)
    elif output_format == "WEBP":
        image.save(buffer, "WEBP", quality=settings.jpeg_quality, xmp=xmp, **options)
    else:
        png_info = PngImagePlugin.PngInfo()
        png_info.add_itxt("XML:com.adobe.xmp", xmp.decode("utf-8"))
        for key, value in _carried_png_text(original, report):
            png_info.add_itxt(key, value)
        image.save(buffer, "PNG", pnginfo=png_info, **options)
    return buffer.getvalue()


def _carried_png_text(original: bytes, report: MediaReport) -> list[tuple[str, str]]:
    """PNG text chunks of the source except its labels and XMP (generation traces are kept, R14)."""
    if report.media_type != "image/png":
        return []
    label_placements = {label.placement for label in report.tc260_labels}
    return [
        (entry.key, entry.value)
        for entry in read_container(original, "image/png").texts
        if entry.container.startswith("PNG ") and entry.placement not in label_placements
    ]
