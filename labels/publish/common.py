"""What every renderer shares: the error, argument checks, C2PA statuses, the read-back verdict."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from labels import tc260
from labels.publish.implicit import TIER_LABEL_VALUES
from labels.publish.settings import PublishSettings
from labels.publish.signing import states_source_type
from labels.report import MediaReport

# A renderer's progress callback: a fraction 0..1 of the work done.
Progress = Callable[[float], None]

# C2PA status values on a result.
SIGNED = "signed"
UNSUPPORTED_FORMAT = "unsupported_format"  # the rendition's format cannot carry C2PA (WebM, MKV, Ogg)
SIGNING_FAILED = "signing_failed"  # a problem: the rendition is not published


class PublishError(Exception):
    """The source cannot be published (unsupported format, undecodable file, missing tool or signing
    certificate, bad arguments). Nothing was written to the destination."""


def check_arguments(source: Path, dest: Path, tier: str, content_id: str, settings: PublishSettings) -> None:
    if tier not in TIER_LABEL_VALUES:
        raise PublishError(f"tier must be confirmed, possible or suspected, not {tier!r}")
    for name, value in (("content_id", content_id), ("publisher code", settings.publisher_code)):
        if not value or not tc260.ALLOWED_VALUE.match(value):
            raise PublishError(
                f"{name} {value!r} must be non-empty printable ASCII without space, quote or backslash"
            )
    if dest.exists() and dest.resolve() == source.resolve():
        raise PublishError("the destination is the original upload, which is never modified")


def require_signer(settings: PublishSettings) -> None:
    """Publishing refuses rather than strips: an AI file that can carry C2PA leaves signed (R14)."""
    if not settings.can_sign:
        raise PublishError(
            "no C2PA signing certificate is configured (LABELS_C2PA_SIGN_CERT and LABELS_C2PA_SIGN_KEY): "
            "AI content is not published without its C2PA manifest"
        )


def verify_publication(
    readback: MediaReport,
    expected_label: dict[str, str],
    source_type: str | None,
    signed: bool,
    *,
    xmp: bool = True,
) -> list[str]:
    """What the published file fails to carry, read back with the engine (R13, R14).

    ``xmp`` says whether the format has an XMP placement, where ``source_type`` must read back; a
    signed file's active manifest must be valid, name the original as ingredient and state
    ``source_type``.
    """
    problems: list[str] = []
    if len(readback.tc260_labels) != 1:
        problems.append(f"{len(readback.tc260_labels)} implicit labels read back instead of 1")
    elif readback.tc260_labels[0].fields != expected_label or readback.tc260_labels[0].errors:
        problems.append("the implicit label read back differs from the one written, or is malformed")
    if xmp and source_type and source_type not in [item.uri for item in readback.iptc_source_types]:
        problems.append(f"IPTC DigitalSourceType {source_type} not read back")
    if signed:
        if readback.c2pa is None or readback.c2pa.error or readback.tampered or not readback.c2pa.ingredients:
            problems.append("the new C2PA manifest, or its ingredient, did not read back valid")
        elif source_type and not states_source_type(readback, source_type):
            problems.append(f"the new C2PA manifest does not state digitalSourceType {source_type}")
    return problems


def write_atomically(dest: Path, data: bytes) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
        os.replace(temporary, dest)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
