"""Publish an image with its AI labels: ``publish_image(src, dest, tier=..., content_id=..., settings=...)``.

Steps:
1. Inspect the original upload with the engine (its labels, source type, C2PA).
2. Decode it (EXIF orientation applied, so the label lands in the corner people see) and draw the
   explicit label.
3. Write the implicit labels: one TC260 label for the tier, the IPTC source type, the EXIF without
   old labels, PNG text chunks carried over.
4. If the original had C2PA and a certificate is configured, sign a new manifest with the original
   as parent ingredient.
5. Write ``dest`` atomically, read it back with the engine and report any mismatch (R13).

The original is never modified. JPEG, PNG and WebP keep their format; GIF becomes PNG (first frame),
as do other animated sources' first frames.
"""

from __future__ import annotations

import io
import os
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import c2pa
from PIL import Image, ImageOps, PngImagePlugin

from labels import tc260
from labels.containers import read_container
from labels.engine import InspectOptions, inspect_bytes, read_pem
from labels.publish.explicit import draw_label, wording
from labels.publish.implicit import (
    TIER_LABEL_VALUES,
    exif_without_labels,
    propagated_label,
    publication_xmp,
    source_type_to_write,
)
from labels.publish.settings import PublishSettings
from labels.publish.signing import sign_rendition
from labels.report import MediaReport
from labels.xmp import XMP_PACKET_LIMIT_JPEG

OUTPUT_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "PNG"}
FORMAT_MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}

# C2PA status values on the result.
SIGNED = "signed"
NOT_NEEDED = "not_needed"  # the source had no C2PA manifest
NO_CERTIFICATE = "no_certificate"  # the source had one, but no signing credentials are configured
SIGNING_FAILED = "signing_failed"


class PublishError(Exception):
    """The source cannot be published (unsupported format, undecodable image, bad arguments)."""


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
) -> PublishResult:
    source, dest = Path(src_path), Path(dest_path)
    _check_arguments(source, dest, tier, content_id, settings)
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
    rendition, c2pa_status = _carry_c2pa(
        rendition, media_type, source, dest, report, options, settings, notes
    )

    _write_atomically(dest, rendition)
    readback = inspect_bytes(rendition, name=str(dest), options=options)
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
        problems=verify_publication(readback, label.fields, source_type, c2pa_status == SIGNED),
    )


def _exif(image: Image.Image, report: MediaReport, notes: list[str]) -> bytes:
    try:
        return exif_without_labels(image, report)
    except (ValueError, TypeError, struct.error) as error:
        notes.append(f"the source EXIF could not be rewritten and was left out: {error}")
        return b""


def _carry_c2pa(
    rendition: bytes,
    media_type: str,
    source: Path,
    dest: Path,
    report: MediaReport,
    options: InspectOptions,
    settings: PublishSettings,
    notes: list[str],
) -> tuple[bytes, str]:
    """Sign a new manifest with the original as parent when the original had C2PA (R14)."""
    if report.c2pa is None:
        return rendition, NOT_NEEDED
    if not settings.can_sign:
        notes.append(
            "the source's C2PA manifest could not be carried over: no signing certificate configured"
        )
        return rendition, NO_CERTIFICATE
    try:
        signed = sign_rendition(
            rendition,
            media_type,
            source_path=source,
            source_media_type=report.media_type,
            cert_path=str(settings.c2pa_sign_cert),
            key_path=str(settings.c2pa_sign_key),
            trust_anchors_pem=options.trust_anchors_pem,
            title=dest.name,
        )
    except (c2pa.C2paError, OSError) as error:
        notes.append(f"C2PA signing failed: {error}")
        return rendition, SIGNING_FAILED
    return signed, SIGNED


def verify_publication(
    readback: MediaReport, expected_label: dict[str, str], source_type: str | None, signed: bool
) -> list[str]:
    """What the published file fails to carry, read back with the engine (R13, R14)."""
    problems: list[str] = []
    if len(readback.tc260_labels) != 1:
        problems.append(f"{len(readback.tc260_labels)} implicit labels read back instead of 1")
    elif readback.tc260_labels[0].fields != expected_label or readback.tc260_labels[0].errors:
        problems.append("the implicit label read back differs from the one written, or is malformed")
    if source_type and source_type not in [item.uri for item in readback.iptc_source_types]:
        problems.append(f"IPTC DigitalSourceType {source_type} not read back")
    if signed and (
        readback.c2pa is None or readback.c2pa.error or readback.tampered or not readback.c2pa.ingredients
    ):
        problems.append("the new C2PA manifest, or its ingredient, did not read back valid")
    return problems


def _check_arguments(source: Path, dest: Path, tier: str, content_id: str, settings: PublishSettings) -> None:
    if tier not in TIER_LABEL_VALUES:
        raise PublishError(f"tier must be confirmed, possible or suspected, not {tier!r}")
    for name, value in (("content_id", content_id), ("publisher code", settings.publisher_code)):
        if not value or not tc260.ALLOWED_VALUE.match(value):
            raise PublishError(
                f"{name} {value!r} must be non-empty printable ASCII without space, quote or backslash"
            )
    if dest.exists() and dest.resolve() == source.resolve():
        raise PublishError("the destination is the original upload, which is never modified")


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


def _write_atomically(dest: Path, data: bytes) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
        os.replace(temporary, dest)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
